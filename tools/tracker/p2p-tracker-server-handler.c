/* gst-p2pcdn: the tracker protocol: announces, offers, answers and scrapes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Behaves like bittorrent-tracker 11.2.3's WebSocket server (server.js,
 * lib/server/swarm.js), including the key order of every frame, so that our
 * frames are byte-identical to the ones captured from it.  Where we differ:
 * a peer_id already announced in a swarm from another connection is
 * refused rather than silently kept on the old socket; "stopped" does not
 * forward offers; an answer is relayed only for an offer this tracker
 * forwarded to the answerer; limits and rate limits apply (docs/tracker.md).
 */
#include "p2p-tracker-server-private.h"
#include "p2p-tracker-server-request.h"
#include "p2p-tracker-server-json.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_tracker_server_log, "p2pcdn-tracker-server",
    "the WebSocket tracker: connections, limits, refused messages")
#define GST_CAT_DEFAULT p2p_tracker_server_log ()


static JsonNode *
object_node (JsonObject * object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

static void
send_object (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    JsonObject * object)
{
  g_autoptr (JsonNode) node = object_node (object);

  p2p_tracker_server_send (self, conn, node);
}

static void
reply_failure (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    const P2pTrackerServerRequest * request, const GError * error)
{
  JsonObject *reply = json_object_new ();
  gboolean bare = error->code == P2P_TRACKER_SERVER_ERROR_MALFORMED;

  self->counters.rejected_messages++;
  GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): %s", conn->id,
      conn->remote, error->message);

  if (!bare)
    json_object_set_string_member (reply, "action",
        p2p_tracker_server_action_to_string (request->action));
  json_object_set_string_member (reply, "failure reason", error->message);
  if (!bare && request->action == P2P_TRACKER_SERVER_ACTION_ANNOUNCE)
    json_object_set_string_member (reply, "info_hash", request->info_hash);
  send_object (self, conn, reply);
}

static void
refuse (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    const P2pTrackerServerRequest * request, const gchar * format, ...)
    G_GNUC_PRINTF (4, 5);

static void
refuse (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    const P2pTrackerServerRequest * request, const gchar * format, ...)
{
  g_autoptr (GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (P2P_TRACKER_SERVER_ERROR,
      P2P_TRACKER_SERVER_ERROR_REFUSED, format, args);
  va_end (args);
  reply_failure (self, conn, request, error);
}

static JsonObject *
relayed (const gchar * kind, JsonNode * description, const gchar * offer_id,
    const gchar * peer_id, const gchar * info_hash)
{
  JsonObject *message = json_object_new ();

#ifndef GST_DISABLE_GST_DEBUG
  /* the peers' addresses: at LOG only, for whoever debugs ICE (and the
   * relay-only swarm test, which checks none but relayed ones pass) */
  if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) >= GST_LEVEL_LOG) {
    g_autofree gchar *text = json_to_string (description, FALSE);

    GST_LOG ("relaying %s from %s: %s", kind, peer_id, text);
  }
#endif
  json_object_set_string_member (message, "action", "announce");
  json_object_set_member (message, kind, json_node_copy (description));
  json_object_set_string_member (message, "offer_id", offer_id);
  json_object_set_string_member (message, "peer_id", peer_id);
  json_object_set_string_member (message, "info_hash", info_hash);
  return message;
}

/* Returns: how many announces (or offers) the connection and its address
 * may make now. */
static guint
announces_allowed (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    gint64 now)
{
  const P2pTrackerLimits *l = &self->limits;

  return MIN (p2p_tracker_server_bucket_available (&conn->announces,
          l->announce_rate, l->announce_burst, now),
      p2p_tracker_server_bucket_available (&conn->address->announces,
          l->address_announce_rate, l->address_announce_burst, now));
}

static guint
offers_allowed (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    gint64 now)
{
  const P2pTrackerLimits *l = &self->limits;

  return MIN (p2p_tracker_server_bucket_available (&conn->offers,
          l->offer_rate, l->offer_burst, now),
      p2p_tracker_server_bucket_available (&conn->address->offers,
          l->address_offer_rate, l->address_offer_burst, now));
}

static void
forward_offers (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    P2pTrackerServerSwarm * swarm, P2pTrackerServerPeer * from,
    const P2pTrackerServerRequest * request)
{
  gint64 now = g_get_monotonic_time ();
  guint wanted = request->offers->len;
  guint allowed;
  P2pTrackerServerPeer **to;
  guint i, n;

  if (request->numwant >= 0)
    wanted = MIN (wanted, (guint) request->numwant);
  wanted = MIN (wanted, p2p_tracker_server_swarm_get_size (swarm) - 1);
  if (wanted == 0)
    return;
  /* Offers over the rate are dropped, as if the swarm were smaller: the
   * announce itself stands. */
  allowed = offers_allowed (self, conn, now);
  if (allowed < wanted) {
    self->counters.offers_rate_limited += wanted - allowed;
    GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): %u offers over the "
        "rate dropped", conn->id, conn->remote, wanted - allowed);
    wanted = allowed;
    if (wanted == 0)
      return;
  }

  /* Offers go one each to distinct random peers, offers[i] to the i-th. */
  to = g_newa (P2pTrackerServerPeer *, wanted);
  n = p2p_tracker_server_swarm_pick (swarm, from, wanted, to);
  p2p_tracker_server_bucket_take (&conn->offers, n);
  p2p_tracker_server_bucket_take (&conn->address->offers, n);
  for (i = 0; i < n; i++) {
    const P2pTrackerServerOffer *offer = &g_array_index (request->offers,
        P2pTrackerServerOffer, i);

    p2p_tracker_server_connection_expect_answer (to[i]->owner,
        request->info_hash, request->peer_id, offer->offer_id,
        self->limits.max_pending_offers, now);
    send_object (self, to[i]->owner, relayed ("offer", offer->offer,
            offer->offer_id, request->peer_id, request->info_hash));
    self->counters.offers_forwarded++;
  }
}

static void
forward_answer (P2pTrackerServer * self, const P2pTrackerServerRequest * request)
{
  P2pTrackerServerSwarm *swarm;
  P2pTrackerServerPeer *to = NULL;

  swarm = g_hash_table_lookup (self->swarms, request->info_hash);
  if (swarm)
    to = p2p_tracker_server_swarm_lookup (swarm, request->to_peer_id);
  if (to == NULL) {
    /* bittorrent-tracker drops it silently too: the offerer gave up. */
    self->counters.answers_undeliverable++;
    return;
  }
  send_object (self, to->owner, relayed ("answer", request->answer,
          request->offer_id, request->peer_id, request->info_hash));
  self->counters.answers_forwarded++;
}

static void
handle_announce (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    const P2pTrackerServerRequest * request)
{
  P2pTrackerServerSwarm *swarm;
  P2pTrackerServerPeer *peer = NULL;
  gboolean complete = request->left_is_zero
      || request->event == P2P_TRACKER_SERVER_EVENT_COMPLETED;

  swarm = g_hash_table_lookup (self->swarms, request->info_hash);
  if (swarm)
    peer = p2p_tracker_server_swarm_lookup (swarm, request->peer_id);
  if (peer && peer->owner != conn) {
    refuse (self, conn, request,
        "peer_id is already in this swarm on another connection");
    return;
  }

  if (swarm == NULL && request->event != P2P_TRACKER_SERVER_EVENT_STOPPED
      && g_hash_table_size (self->swarms) >= self->limits.max_swarms) {
    self->counters.swarms_refused++;
    refuse (self, conn, request, "too many swarms on this tracker (max %u)",
        self->limits.max_swarms);
    return;
  }

  if (request->event == P2P_TRACKER_SERVER_EVENT_STOPPED) {
    if (peer) {
      p2p_tracker_server_drop_peer (self, peer);
      peer = NULL;
      swarm = g_hash_table_lookup (self->swarms, request->info_hash);
    }
  } else if (peer == NULL) {
    if (conn->peers->len >= self->limits.max_swarms_per_connection) {
      refuse (self, conn, request,
          "too many swarms on this connection (max %u)",
          self->limits.max_swarms_per_connection);
      return;
    }
    if (swarm == NULL) {
      swarm = p2p_tracker_server_swarm_new (request->info_hash);
      g_hash_table_insert (self->swarms,
          (gpointer) p2p_tracker_server_swarm_get_info_hash (swarm), swarm);
    }
    peer = p2p_tracker_server_swarm_add (swarm, request->peer_id, conn,
        complete);
    g_ptr_array_add (conn->peers, peer);
  } else if (complete) {
    p2p_tracker_server_swarm_set_complete (swarm, peer);
  }

  /* The answerer gets no reply, as from bittorrent-tracker. */
  if (request->answer == NULL) {
    JsonObject *reply = json_object_new ();

    json_object_set_int_member (reply, "complete",
        swarm ? p2p_tracker_server_swarm_get_complete (swarm) : 0);
    json_object_set_int_member (reply, "incomplete",
        swarm ? p2p_tracker_server_swarm_get_incomplete (swarm) : 0);
    json_object_set_string_member (reply, "action", "announce");
    json_object_set_int_member (reply, "interval", self->limits.interval);
    json_object_set_string_member (reply, "info_hash", request->info_hash);
    send_object (self, conn, reply);
  }

  if (peer && request->offers)
    forward_offers (self, conn, swarm, peer, request);
  if (request->answer)
    forward_answer (self, request);
}

static void
add_scrape_file (JsonObject * files, const gchar * info_hash,
    P2pTrackerServerSwarm * swarm)
{
  JsonObject *file = json_object_new ();
  guint complete = swarm ? p2p_tracker_server_swarm_get_complete (swarm) : 0;

  json_object_set_int_member (file, "complete", complete);
  json_object_set_int_member (file, "incomplete",
      swarm ? p2p_tracker_server_swarm_get_incomplete (swarm) : 0);
  /* bittorrent-tracker's lower bound: it does not count downloads. */
  json_object_set_int_member (file, "downloaded", complete);
  json_object_set_object_member (files, info_hash, file);
}

/* Returns: (transfer none): the files of a scrape of all swarms, at most
 * P2P_TRACKER_SERVER_SCRAPE_CACHE_US old. */
static JsonObject *
full_scrape_files (P2pTrackerServer * self)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr (GPtrArray) swarms = NULL;
  guint i;

  if (self->full_scrape
      && now - self->full_scrape_time < P2P_TRACKER_SERVER_SCRAPE_CACHE_US)
    return self->full_scrape;

  g_clear_pointer (&self->full_scrape, json_object_unref);
  self->full_scrape = json_object_new ();
  self->full_scrape_time = now;
  swarms = p2p_tracker_server_list_swarms (self,
      self->limits.max_scrape_swarms);
  for (i = 0; i < swarms->len; i++) {
    P2pTrackerServerSwarm *swarm = g_ptr_array_index (swarms, i);

    add_scrape_file (self->full_scrape,
        p2p_tracker_server_swarm_get_info_hash (swarm), swarm);
  }
  /* Shared by replies until replaced: none may change it. */
  json_object_seal (self->full_scrape);
  return self->full_scrape;
}

static void
handle_scrape (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    const P2pTrackerServerRequest * request)
{
  JsonObject *reply = json_object_new ();
  JsonObject *files = json_object_new ();
  JsonObject *flags = json_object_new ();
  guint i;

  if (request->scrape_info_hashes) {
    for (i = 0; i < request->scrape_info_hashes->len; i++) {
      const gchar *info_hash = g_ptr_array_index (request->scrape_info_hashes,
          i);

      add_scrape_file (files, info_hash, g_hash_table_lookup (self->swarms,
              info_hash));
    }
  } else {
    json_object_unref (files);
    files = json_object_ref (full_scrape_files (self));
  }

  json_object_set_string_member (reply, "action", "scrape");
  json_object_set_object_member (reply, "files", files);
  json_object_set_int_member (flags, "min_request_interval",
      self->limits.interval);
  json_object_set_object_member (reply, "flags", flags);
  send_object (self, conn, reply);
}

/* Returns: whether @request answers an offer forwarded to @conn, which may
 * then be answered no more.  Anything else would let a client send SDP to
 * any peer whose peer_id it saw. */
static gboolean
answer_is_solicited (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, const P2pTrackerServerRequest * request)
{
  gint64 oldest = g_get_monotonic_time () -
      self->limits.offer_timeout * G_TIME_SPAN_SECOND;

  return p2p_tracker_server_connection_take_offer (conn, request->info_hash,
      request->to_peer_id, request->offer_id, oldest);
}

/* Takes what @request costs from the announce buckets.
 * Returns: FALSE, having replied, if it is over the rate. */
static gboolean
charge_request (P2pTrackerServer * self, P2pTrackerServerConnection * conn,
    const P2pTrackerServerRequest * request)
{
  guint cost = request->action == P2P_TRACKER_SERVER_ACTION_SCRAPE
      && request->scrape_info_hashes == NULL ?
      P2P_TRACKER_SERVER_FULL_SCRAPE_COST : 1;

  if (announces_allowed (self, conn, g_get_monotonic_time ()) < cost) {
    self->counters.announces_rate_limited++;
    refuse (self, conn, request, "too many requests, retry later");
    return FALSE;
  }
  p2p_tracker_server_bucket_take (&conn->announces, cost);
  p2p_tracker_server_bucket_take (&conn->address->announces, cost);
  return TRUE;
}

void
p2p_tracker_server_handle_message (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, const gchar * data, gsize length)
{
  P2pTrackerServerRequest request;
  g_autoptr (GError) error = NULL;

  p2p_tracker_server_request_init (&request);
  if (!p2p_tracker_server_request_parse (&request, data, length,
          self->limits.max_offers, &error)) {
    reply_failure (self, conn, &request, error);
  } else if (request.answer) {
    /* An answer is paid for by the offer it answers; one that answers
     * nothing is dropped silently, like an undeliverable one. */
    if (answer_is_solicited (self, conn, &request)) {
      handle_announce (self, conn, &request);
    } else {
      self->counters.answers_unsolicited++;
      GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): answer to an offer "
          "it was not sent", conn->id, conn->remote);
    }
  } else if (charge_request (self, conn, &request)) {
    if (request.action == P2P_TRACKER_SERVER_ACTION_ANNOUNCE)
      handle_announce (self, conn, &request);
    else
      handle_scrape (self, conn, &request);
  }
  p2p_tracker_server_request_clear (&request);
}

static gint
compare_size_descending (gconstpointer a, gconstpointer b)
{
  guint size_a = p2p_tracker_server_swarm_get_size (*(P2pTrackerServerSwarm **)
      a);
  guint size_b = p2p_tracker_server_swarm_get_size (*(P2pTrackerServerSwarm **)
      b);

  return size_a < size_b ? 1 : size_a > size_b ? -1 : 0;
}

/* Returns: (transfer container): the @max largest swarms, largest first. */
GPtrArray *
p2p_tracker_server_list_swarms (P2pTrackerServer * self, guint max)
{
  GPtrArray *swarms = g_ptr_array_sized_new (g_hash_table_size (self->swarms));
  GHashTableIter iter;
  gpointer swarm;

  g_hash_table_iter_init (&iter, self->swarms);
  while (g_hash_table_iter_next (&iter, NULL, &swarm))
    g_ptr_array_add (swarms, swarm);
  g_ptr_array_sort (swarms, compare_size_descending);
  if (swarms->len > max)
    g_ptr_array_set_size (swarms, max);
  return swarms;
}
