/* gst-p2pcdn: one swarm (one stream rendition): its peers, found through trackers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-swarm.h"

#include <string.h>

#include "p2p-peer.h"
#include "p2p-peer-connection.h"
#include "p2p-segment-check.h"
#include "p2p-peer-stats.h"
#include "p2p-locality.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_swarm_log, "p2pcdn-swarm", "one swarm: offers, answers, peers, segments")
#define GST_CAT_DEFAULT p2p_swarm_log ()


/* p2p-media-loader drops unanswered offers after about 50 s; so do we,
 * closing their connections. */
#define OFFER_LIFETIME_S 50
/* The tracker's announce interval, within these bounds: often enough to
 * find late joiners and renew offers, rarely enough for a big swarm. */
#define ANNOUNCE_MIN_S 15
#define ANNOUNCE_MAX_S 120
/* While the tracker counts more viewers than we are connected to, the next
 * announce (with offers) comes this soon, doubling each time, at most
 * ANNOUNCE_FILLS times: a newcomer's offers reach only as many viewers as
 * it sends (the tracker hands each to one random peer), so without this a
 * small swarm stays short of a full mesh until the tracker's interval
 * (minutes), and neighbours that do not see each other both fetch from the
 * origin. */
#define ANNOUNCE_FILL_S 4
#define ANNOUNCE_FILLS 4
/* A peer whose failures (decaying, see p2p-peer-stats.h) reach this is
 * dropped, which makes room for another within max-peers. */
#define MAX_STRIKES P2P_SCHED_MAX_STRIKES
/* How long after joining a swarm others announced by the tracker are
 * expected to connect (offers, ICE and DTLS take about a second). */
#define PEERS_EXPECTED_US (8 * G_USEC_PER_SEC)
/* Peers banned for the session (wrong bytes, protocol errors).  Each ban
 * cost its peer a connection and a segment we caught; beyond this many a
 * swarm is under attack by ids it cannot track anyway, and the checks
 * still catch every wrong segment. */
#define MAX_BANNED_PEERS 4096

typedef struct {
  P2pSwarm *swarm;
  P2pPeer *peer;
  P2pPeerConnection *connection;
  P2pTrackerId id;
  gboolean we_offered;
  gboolean dropped;             /* out of the table, closed, freed soon */
} PeerEntry;

typedef struct {
  P2pSwarm *swarm;
  P2pPeerConnection *connection;
  P2pTrackerClient *tracker;
  P2pTrackerId offer_id;
  gchar *key;                   /* in swarm->offers */
  GSource *expiry;
} PendingOffer;

/* When we announce to one tracker next. */
typedef struct {
  P2pSwarm *swarm;
  P2pTrackerClient *tracker;
  GSource *timer;
  guint interval_s;             /* the period of @timer */
  gint64 last;                  /* our last announce there, monotonic */
  guint fills;                  /* early announces made to fill the mesh */
  gboolean filling;             /* @timer is one of them */
} TrackerSlot;

typedef struct {
  P2pSwarm *swarm;              /* not to be touched once cancelled */
  GCancellable *cancellable;
  P2pPeerConnection *connection;
  P2pTrackerClient *tracker;
  P2pTrackerId offer_id;
  P2pTrackerId from;
  gboolean local;               /* the offer's candidates are on our subnet */
} PendingAnswer;

struct _P2pSwarm
{
  gint refcount;
  gboolean closed;              /* left: what is still referenced is inert */
  gchar *info_hash;
  P2pTrackerId info_hash_id;
  gchar *stream_swarm_id;
  P2pTrackerId peer_id;
  P2pSwarmConfig config;
  P2pTransport *transport;
  GPtrArray *trackers;          /* P2pTrackerClient */
  P2pSegmentCache *cache;
  P2pSwarmCounters *counters;

  GHashTable *peers;            /* P2pTrackerId* -> PeerEntry* */
  GHashTable *banned;           /* P2pTrackerId* (owned): never again */
  GHashTable *offers;           /* offer id -> PendingOffer* */
  GPtrArray *answers;           /* PendingAnswer*, accepting an offer */
  P2pScheduler *sched;          /* segment jobs: what comes from whom */
  GPtrArray *subnets;           /* ours, to prefer peers on them */
  GSource *sched_timer;
  guint uploads;                /* running now, at most config.max_uploads */
  GArray *loading;              /* ids fetched over HTTP now */
  GCancellable *cancellable;
  GPtrArray *slots;             /* TrackerSlot*, one per tracker */
  guint making;                 /* offers being made for an announce */
  GPtrArray *dead;              /* PeerEntry* to free from an idle */
  GSource *reap_idle;
  GSource *strikes_idle;        /* drops peers struck inside the scheduler */
  gint64 created;
  gint64 last_used;             /* a fetch or a cache hit, monotonic */
  gint others;                  /* other viewers per the tracker, -1 unknown */
};

static void announce_to (P2pSwarm * swarm, P2pTrackerClient * tracker,
    P2pTrackerEvent event);

static GMainContext *
swarm_context (P2pSwarm * swarm)
{
  return p2p_transport_get_context (swarm->transport);
}

static GArray *
held_ids (P2pSwarm * swarm)
{
  return p2p_segment_cache_list (swarm->cache, swarm->info_hash);
}

static void
announce_to_peer (P2pSwarm * swarm, PeerEntry * e)
{
  GArray *held = held_ids (swarm);

  p2p_peer_announce (e->peer, held, swarm->loading);
  g_array_unref (held);
}

void
p2p_swarm_announce_holdings (P2pSwarm * swarm)
{
  GHashTableIter it;
  PeerEntry *e;
  GArray *held;

  if (swarm->closed)
    return;
  held = held_ids (swarm);

  g_hash_table_iter_init (&it, swarm->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & e))
    p2p_peer_announce (e->peer, held, swarm->loading);
  g_array_unref (held);
}

void
p2p_swarm_set_loading (P2pSwarm * swarm, gint64 segment_id, gboolean loading)
{
  if (swarm->closed)
    return;
  for (guint i = 0; i < swarm->loading->len; i++) {
    if (g_array_index (swarm->loading, gint64, i) == segment_id) {
      if (loading)
        return;
      g_array_remove_index (swarm->loading, i);
      p2p_swarm_announce_holdings (swarm);
      return;
    }
  }
  if (loading) {
    g_array_append_val (swarm->loading, segment_id);
    p2p_swarm_announce_holdings (swarm);
  }
}

/* --- peers --------------------------------------------------------------- */

static void on_connection_open (P2pPeerConnection * conn, gpointer user_data);

/* Only for dropped entries: nothing of theirs can call us any more. */
static void
peer_entry_free (PeerEntry * e)
{
  g_assert (e->dropped);
  p2p_peer_free (e->peer);
  g_object_unref (e->connection);
  g_free (e);
}

/* Cuts every tie between @e and its connection, closing the connection now
 * (the remote learns it at once): whatever the connection queued before
 * reaches nobody.  An upload running ends here (its pin released). */
static void
peer_entry_detach (PeerEntry * e)
{
  e->dropped = TRUE;
  g_signal_handlers_disconnect_by_func (e->connection, on_connection_open, e);
  p2p_peer_close (e->peer);
}

static gboolean
reap_dead (gpointer user_data)
{
  P2pSwarm *swarm = user_data;

  g_clear_pointer (&swarm->reap_idle, g_source_unref);
  for (guint i = 0; i < swarm->dead->len; i++)
    peer_entry_free (g_ptr_array_index (swarm->dead, i));
  g_ptr_array_set_size (swarm->dead, 0);
  return G_SOURCE_REMOVE;
}

/* Drops @e exactly once, whatever asks first (its connection closing, a
 * stall, bad bytes, a newer connection from the same remote, the swarm
 * leaving) and whatever asks later.  The entry is detached at once and
 * freed from an idle, because this may run inside one of its callbacks. */
static void
drop_peer (P2pSwarm * swarm, PeerEntry * e, gboolean bad)
{
  if (e->dropped)
    return;
  /* by id, but only this entry: a newer connection from the same remote
   * may hold the id by now */
  if (g_hash_table_lookup (swarm->peers, &e->id) == e)
    g_hash_table_remove (swarm->peers, &e->id);
  if (bad)
    swarm->counters->peers_dropped++;
  GST_DEBUG ("swarm %s: dropping peer %s%s", swarm->info_hash,
      p2p_peer_get_id (e->peer), bad ? " (misbehaved)" : "");
  peer_entry_detach (e);
  g_ptr_array_add (swarm->dead, e);
  if (!swarm->reap_idle) {
    swarm->reap_idle = g_idle_source_new ();
    /* not below the connections' events: a busy context must not pile up
     * dead peers */
    g_source_set_priority (swarm->reap_idle, G_PRIORITY_DEFAULT);
    g_source_set_callback (swarm->reap_idle, reap_dead, swarm, NULL);
    g_source_attach (swarm->reap_idle, swarm_context (swarm));
  }
  /* the segment it was sending goes elsewhere */
  if (swarm->sched)
    p2p_scheduler_remove_peer (swarm->sched, e);
}

static gboolean
is_banned (P2pSwarm * swarm, const P2pTrackerId * id)
{
  return g_hash_table_contains (swarm->banned, id);
}

/* @e sent wrong bytes or broke the protocol: dropped, and its id refused
 * from now on, whether it offers, answers or comes back through a
 * tracker. */
static void
ban_peer (P2pSwarm * swarm, PeerEntry * e)
{
  if (!is_banned (swarm, &e->id)
      && g_hash_table_size (swarm->banned) < MAX_BANNED_PEERS) {
    g_hash_table_add (swarm->banned, g_memdup2 (&e->id, sizeof (e->id)));
    swarm->counters->banned_peers++;
    GST_WARNING ("swarm %s: peer %s banned for the session",
        swarm->info_hash, p2p_peer_get_id (e->peer));
  }
  drop_peer (swarm, e, TRUE);
}

static void
on_peer_announced (P2pPeer * peer, gpointer user_data)
{
  PeerEntry *e = user_data;

  if (e->swarm->sched)
    p2p_scheduler_peer_announced (e->swarm->sched, e);
}

static void
on_peer_progress (P2pPeer * peer, gint64 segment_id, gint64 received,
    gint64 total, gpointer user_data)
{
  PeerEntry *e = user_data;
  P2pSwarm *swarm = e->swarm;

  if (!swarm->sched || p2p_scheduler_peer_progress (swarm->sched, e,
          segment_id, received, total))
    return;
  /* a size known good contradicted (the manifest's, an HTTP fetch's, a
   * proven copy's): wrong whatever follows */
  GST_WARNING ("swarm %s: segment %" G_GINT64_FORMAT " from peers rejected: "
      "announced as %" G_GINT64_FORMAT " bytes, not its known size",
      swarm->info_hash, segment_id, total);
  swarm->counters->bad_peer_segments++;
  ban_peer (swarm, e);
}

static void
on_peer_downloaded (P2pPeer * peer, gint64 segment_id, GBytes * data,
    const GError * error, gpointer user_data)
{
  PeerEntry *e = user_data;
  P2pSwarm *swarm = e->swarm;
  gboolean strike = FALSE;
  P2pPeerStats *stats;

  if (!swarm->sched)
    return;
  if (!data && error && !g_error_matches (error, P2P_PEER_ERROR,
          P2P_PEER_ERROR_ABSENT)
      && !g_error_matches (error, P2P_PEER_ERROR, P2P_PEER_ERROR_CANCELLED)) {
    GST_DEBUG ("swarm %s: segment %" G_GINT64_FORMAT " from %s failed: %s",
        swarm->info_hash, segment_id, p2p_peer_get_id (peer), error->message);
    strike = TRUE;
  }
  /* the scheduler checks the bytes (sched_check): wrong ones go nowhere,
   * the job is decided again without this peer */
  if (p2p_scheduler_peer_done (swarm->sched, e, segment_id, data, strike) ==
      P2P_SCHED_CHECK_WRONG) {
    swarm->counters->bad_peer_segments++;
    ban_peer (swarm, e);
    return;
  }
  stats = p2p_scheduler_get_peer_stats (swarm->sched, e);
  if (stats && p2p_peer_stats_get_strikes (stats,
          g_get_monotonic_time ()) >= MAX_STRIKES)
    drop_peer (swarm, e, TRUE);
}

static GBytes *
on_peer_lookup (P2pPeer * peer, gint64 segment_id, gpointer user_data)
{
  PeerEntry *e = user_data;
  P2pSwarm *swarm = e->swarm;
  GBytes *data;

  if (!swarm->config.upload || swarm->closed)
    return NULL;
  /* A shaped uplink shared by many uploads serves each too slowly to be of
   * use: beyond the limit the remote hears "absent" and asks a peer that
   * got the segment from us meanwhile, so segments spread peer to peer. */
  if (swarm->config.max_uploads && swarm->uploads >= swarm->config.max_uploads)
    return NULL;
  /* our uploads cost the downlink too (acknowledgements, announcements
   * they trigger): a player that barely keeps up keeps it for itself */
  if (swarm->sched && p2p_scheduler_struggling (swarm->sched))
    return NULL;
  data = p2p_segment_cache_get (swarm->cache, swarm->info_hash, segment_id);
  if (data) {
    p2p_segment_cache_pin (swarm->cache, swarm->info_hash, segment_id);
    swarm->uploads++;
  }
  return data;
}

static void
on_peer_uploaded (P2pPeer * peer, gint64 segment_id, gsize bytes,
    gboolean complete, gpointer user_data)
{
  PeerEntry *e = user_data;
  P2pSwarm *swarm = e->swarm;

  p2p_segment_cache_unpin (swarm->cache, swarm->info_hash, segment_id);
  if (swarm->uploads > 0)
    swarm->uploads--;
  swarm->counters->upload_bytes += bytes;
  if (complete)
    swarm->counters->uploads++;
}

static void
on_peer_failed (P2pPeer * peer, const GError * error, gpointer user_data)
{
  PeerEntry *e = user_data;
  gboolean bad = error && error->domain == P2P_PEER_ERROR
      && (error->code == P2P_PEER_ERROR_PROTOCOL
      || error->code == P2P_PEER_ERROR_SIZE
      || error->code == P2P_PEER_ERROR_NOT_READING
      || error->code == P2P_PEER_ERROR_FLOOD);

  if (bad)
    ban_peer (e->swarm, e);
  else
    drop_peer (e->swarm, e, FALSE);
}

static const P2pPeerCallbacks peer_callbacks = {
  on_peer_announced, on_peer_downloaded, on_peer_lookup, on_peer_uploaded,
  on_peer_failed, on_peer_progress,
};

static void
on_connection_open (P2pPeerConnection * conn, gpointer user_data)
{
  PeerEntry *e = user_data;

  GST_DEBUG ("swarm %s: peer %s open", e->swarm->info_hash,
      p2p_peer_get_id (e->peer));
  e->swarm->counters->peers_connected++;
  announce_to_peer (e->swarm, e);
  p2p_scheduler_peer_announced (e->swarm->sched, e);
}

/* Adds a connection to @remote; when one exists already (both sides
 * offered at once), both ends keep the one offered by the lower peer id. */
static void
add_peer (P2pSwarm * swarm, P2pPeerConnection * conn,
    const P2pTrackerId * remote, gboolean we_offered, gboolean local)
{
  PeerEntry *old = g_hash_table_lookup (swarm->peers, remote);
  PeerEntry *e;
  gchar *name;

  if (is_banned (swarm, remote)) {
    p2p_peer_connection_close (conn);
    return;
  }
  if (old) {
    gboolean ours_lower = p2p_tracker_id_compare (&swarm->peer_id, remote) < 0;
    gboolean keep_new = we_offered == ours_lower && old->we_offered != ours_lower;

    if (!keep_new) {
      p2p_peer_connection_close (conn);
      return;
    }
    drop_peer (swarm, old, FALSE);
  }
  if (g_hash_table_size (swarm->peers) >= swarm->config.max_peers) {
    p2p_peer_connection_close (conn);
    return;
  }

  e = g_new0 (PeerEntry, 1);
  e->swarm = swarm;
  e->id = *remote;
  e->we_offered = we_offered;
  e->connection = g_object_ref (conn);
  name = p2p_tracker_id_to_ascii (remote);
  e->peer = p2p_peer_new (conn, name, swarm->config.stall_timeout_ms,
      &peer_callbacks, e);
  p2p_peer_set_upload_limits (e->peer, swarm->config.peer_upload_rate,
      swarm->config.upload_limit);
  g_hash_table_insert (swarm->peers, &e->id, e);
  p2p_scheduler_add_peer (swarm->sched, e, name);
  p2p_scheduler_get_peer_stats (swarm->sched, e)->same_subnet = local;
  g_free (name);
  /* A peer that is open already is told at once. */
  if (p2p_peer_connection_get_state (conn) == P2P_PEER_CONNECTION_STATE_OPEN)
    on_connection_open (conn, e);
  else
    g_signal_connect (conn, "open", G_CALLBACK (on_connection_open), e);
}

guint
p2p_swarm_get_peer_count (P2pSwarm * swarm)
{
  GHashTableIter it;
  PeerEntry *e;
  guint n = 0;

  if (swarm->closed)
    return 0;
  g_hash_table_iter_init (&it, swarm->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & e))
    n += p2p_peer_is_open (e->peer);
  return n;
}

/* --- segment jobs: the scheduler's view of peers and cache --------------- */

static gint64
sched_now (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gboolean
on_sched_timer (gpointer user_data)
{
  P2pSwarm *swarm = user_data;

  g_clear_pointer (&swarm->sched_timer, g_source_unref);
  p2p_scheduler_tick (swarm->sched);
  return G_SOURCE_REMOVE;
}

static void
sched_wake_at (gint64 when, gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  gint64 delay;

  if (swarm->sched_timer) {
    g_source_destroy (swarm->sched_timer);
    g_clear_pointer (&swarm->sched_timer, g_source_unref);
  }
  if (when < 0 || swarm->closed)
    return;
  delay = MAX (when - g_get_monotonic_time (), 0);
  swarm->sched_timer = g_timeout_source_new ((guint) ((delay + 999) / 1000));
  g_source_set_callback (swarm->sched_timer, on_sched_timer, swarm, NULL);
  g_source_attach (swarm->sched_timer, swarm_context (swarm));
}

static gboolean
sched_peer_is_open (gpointer peer, gpointer user_data)
{
  return p2p_peer_is_open (((PeerEntry *) peer)->peer);
}

static gboolean
sched_peer_has (gpointer peer, gint64 segment_id, gpointer user_data)
{
  return p2p_peer_has_segment (((PeerEntry *) peer)->peer, segment_id);
}

static gboolean
sched_peer_is_loading (gpointer peer, gint64 segment_id, gpointer user_data)
{
  return p2p_peer_is_loading_segment (((PeerEntry *) peer)->peer, segment_id);
}

static gboolean
sched_peer_request (gpointer peer, gint64 segment_id, gint64 byte_from,
    gpointer user_data)
{
  return p2p_peer_request_from (((PeerEntry *) peer)->peer, segment_id,
      byte_from);
}

/* Peers whose strikes reached the limit in a decision of the scheduler
 * (a hand-over of one that sent nothing, or trickled) go now: a peer never
 * asked again would otherwise keep its place within max-peers. */
static gboolean
drop_struck (gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  GHashTableIter it;
  PeerEntry *e;
  GPtrArray *struck = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&swarm->strikes_idle, g_source_unref);
  g_hash_table_iter_init (&it, swarm->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & e)) {
    P2pPeerStats *stats = p2p_scheduler_get_peer_stats (swarm->sched, e);

    if (stats && p2p_peer_stats_get_strikes (stats, now) >= MAX_STRIKES)
      g_ptr_array_add (struck, e);
  }
  for (guint i = 0; i < struck->len; i++)
    drop_peer (swarm, g_ptr_array_index (struck, i), TRUE);
  g_ptr_array_unref (struck);
  return G_SOURCE_REMOVE;
}

static GBytes *
sched_peer_cancel (gpointer peer, gpointer user_data)
{
  P2pSwarm *swarm = user_data;

  /* not from inside the scheduler's decision */
  if (!swarm->strikes_idle) {
    swarm->strikes_idle = g_idle_source_new ();
    g_source_set_priority (swarm->strikes_idle, G_PRIORITY_DEFAULT);
    g_source_set_callback (swarm->strikes_idle, drop_struck, swarm, NULL);
    g_source_attach (swarm->strikes_idle, swarm_context (swarm));
  }
  return p2p_peer_cancel_download_keep (((PeerEntry *) peer)->peer);
}

static gboolean
sched_have (gint64 segment_id, gpointer user_data)
{
  P2pSwarm *swarm = user_data;

  return p2p_segment_cache_contains (swarm->cache, swarm->info_hash,
      segment_id);
}

static P2pSchedCheck
sched_check (gint64 segment_id, GBytes * data, gint64 expected_size,
    gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  GError *error = NULL;
  gboolean ok, verified = FALSE;

  if (swarm->config.check_segment) {
    ok = swarm->config.check_segment (swarm->stream_swarm_id, segment_id,
        data, expected_size, &verified, &error, swarm->config.check_data);
  } else {
    gsize len;
    const guint8 *bytes = g_bytes_get_data (data, &len);

    ok = p2p_segment_check (bytes, len, expected_size, 0, &error);
  }
  if (ok)
    return verified ? P2P_SCHED_CHECK_VERIFIED : P2P_SCHED_CHECK_OK;
  if (!p2p_segment_check_error_blames_sender (error)) {
    GST_DEBUG ("swarm %s: segment %" G_GINT64_FORMAT " from peers not "
        "taken: %s", swarm->info_hash, segment_id, error->message);
    g_error_free (error);
    return P2P_SCHED_CHECK_UNVERIFIED;
  }
  GST_WARNING ("swarm %s: segment %" G_GINT64_FORMAT " from peers rejected: "
      "%s", swarm->info_hash, segment_id, error->message);
  g_error_free (error);
  return P2P_SCHED_CHECK_WRONG;
}

static void
sched_store (gint64 segment_id, GBytes * data, gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  GError *error = NULL;

  if (!p2p_segment_cache_put (swarm->cache, swarm->info_hash, segment_id,
          data, swarm->config.live, &error)) {
    GST_DEBUG ("swarm %s: segment %" G_GINT64_FORMAT " not kept: %s",
        swarm->info_hash, segment_id, error->message);
    g_error_free (error);
    return;
  }
  p2p_swarm_announce_holdings (swarm);
}

/* While the swarm is young and the tracker says others watch, peers are on
 * their way (offers out, ICE under way). */
static gboolean
sched_peers_expected (gpointer user_data)
{
  P2pSwarm *swarm = user_data;

  GHashTableIter it;
  PeerEntry *e;
  gint announced = 0;

  if (g_get_monotonic_time () - swarm->created >= PEERS_EXPECTED_US)
    return FALSE;
  g_hash_table_iter_init (&it, swarm->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & e))
    announced += p2p_peer_is_open (e->peer) && p2p_peer_has_announced (e->peer);
  return swarm->others > announced;
}

static const P2pSchedulerOps sched_ops = {
  sched_now, sched_wake_at, sched_peer_is_open, sched_peer_has,
  sched_peer_is_loading, sched_peer_request, sched_peer_cancel, sched_have,
  sched_check, sched_store, sched_peers_expected,
};

gint64
p2p_swarm_get_last_used (P2pSwarm * swarm)
{
  return swarm->last_used;
}

void
p2p_swarm_fetch (P2pSwarm * swarm, gint64 segment_id, gdouble duration,
    gint64 expected_size, gpointer consumer)
{
  swarm->last_used = g_get_monotonic_time ();
  if (swarm->closed) {
    swarm->config.consumer_ops->go_http (consumer, FALSE);
    return;
  }
  p2p_scheduler_fetch (swarm->sched, segment_id, duration, expected_size,
      consumer);
}

void
p2p_swarm_served (P2pSwarm * swarm, gint64 segment_id, gdouble duration)
{
  swarm->last_used = g_get_monotonic_time ();
  if (!swarm->closed)
    p2p_scheduler_served (swarm->sched, segment_id, duration);
}

void
p2p_swarm_http_done (P2pSwarm * swarm, gint64 segment_id, GBytes * data,
    gint64 requested, gint64 first_byte, gint64 done)
{
  if (!swarm->closed)
    p2p_scheduler_http_done (swarm->sched, segment_id, data, requested,
        first_byte, done);
}

void
p2p_swarm_range_done (P2pSwarm * swarm, gint64 segment_id, guint token,
    GBytes * data)
{
  if (!swarm->closed)
    p2p_scheduler_range_done (swarm->sched, segment_id, token, data);
}

void
p2p_swarm_set_bandwidth (P2pSwarm * swarm, guint64 bandwidth)
{
  if (!swarm->closed)
    p2p_scheduler_set_bandwidth (swarm->sched, bandwidth);
}

gint64
p2p_swarm_get_buffer_us (P2pSwarm * swarm)
{
  return swarm->closed ? 0 : p2p_scheduler_get_buffer_us (swarm->sched);
}

const P2pSchedulerCounters *
p2p_swarm_get_scheduler_counters (P2pSwarm * swarm)
{
  return swarm->closed ? NULL : p2p_scheduler_get_counters (swarm->sched);
}

static TrackerSlot *find_slot (P2pSwarm * swarm, P2pTrackerClient * tracker);
static void schedule_announce (TrackerSlot * slot, guint delay_ms);

static void
on_tracker_reply (P2pTrackerClient * tracker, const P2pTrackerId * info_hash,
    guint interval, gint64 complete, gint64 incomplete, gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  gint64 total = MAX (complete, 0) + MAX (incomplete, 0);
  TrackerSlot *slot;
  guint connected;

  if (!p2p_tracker_id_equal (info_hash, &swarm->info_hash_id))
    return;
  /* the counts include us */
  swarm->others = MAX (swarm->others, (gint) MIN (total - 1, G_MAXINT));
  slot = find_slot (swarm, tracker);
  connected = g_hash_table_size (swarm->peers);
  if (slot && !slot->filling && slot->fills < ANNOUNCE_FILLS
      && total - 1 > (gint64) connected
      && connected < swarm->config.max_peers) {
    guint delay_s = ANNOUNCE_FILL_S << slot->fills;

    if (delay_s < slot->interval_s) {
      schedule_announce (slot, delay_s * 1000);
      slot->filling = TRUE;
      slot->fills++;
    }
  }
}

/* --- trackers: offers and answers ---------------------------------------- */

static void
pending_offer_free (PendingOffer * o)
{
  if (o->expiry) {
    g_source_destroy (o->expiry);
    g_source_unref (o->expiry);
  }
  if (o->connection) {
    p2p_peer_connection_close (o->connection);
    g_object_unref (o->connection);
  }
  g_object_unref (o->tracker);
  g_free (o->key);
  g_free (o);
}

static gboolean
on_offer_expired (gpointer user_data)
{
  PendingOffer *o = user_data;

  GST_DEBUG ("swarm %s: offer %s unanswered, closing it", o->swarm->info_hash,
      o->key);
  /* frees @o, closing its connection */
  g_hash_table_remove (o->swarm->offers, o->key);
  return G_SOURCE_REMOVE;
}

static TrackerSlot *
find_slot (P2pSwarm * swarm, P2pTrackerClient * tracker)
{
  for (guint i = 0; i < swarm->slots->len; i++) {
    TrackerSlot *slot = g_ptr_array_index (swarm->slots, i);

    if (slot->tracker == tracker)
      return slot;
  }
  return NULL;
}

static void
tracker_slot_free (TrackerSlot * slot)
{
  if (slot->timer) {
    g_source_destroy (slot->timer);
    g_source_unref (slot->timer);
  }
  g_free (slot);
}

typedef struct {
  P2pSwarm *swarm;              /* not to be touched once cancelled */
  GCancellable *cancellable;
  P2pTrackerClient *tracker;
  P2pTrackerEvent event;
  guint waiting;
  GArray *offers;               /* P2pTrackerOffer */
  GPtrArray *connections;
} AnnounceJob;

static void
send_announce (AnnounceJob * job)
{
  P2pSwarm *swarm = job->swarm;
  P2pTrackerAnnounce a = { 0, };
  GError *error = NULL;

  a.info_hash = swarm->info_hash_id;
  a.peer_id = swarm->peer_id;
  a.event = job->event;
  a.numwant = job->offers->len;
  a.uploaded = swarm->counters->upload_bytes;
  a.offers = (const P2pTrackerOffer *) job->offers->data;
  a.n_offers = job->offers->len;
  if (!p2p_tracker_client_announce (job->tracker, &a, &error)) {
    GST_DEBUG ("swarm %s: announce not sent: %s", swarm->info_hash,
        error->message);
    g_error_free (error);
  }
}

static void
announce_job_free (AnnounceJob * job)
{
  for (guint i = 0; i < job->offers->len; i++)
    g_free (g_array_index (job->offers, P2pTrackerOffer, i).sdp);
  g_array_unref (job->offers);
  g_ptr_array_unref (job->connections);
  g_object_unref (job->tracker);
  g_object_unref (job->cancellable);
  g_free (job);
}

static void
on_offer_made (GObject * source, GAsyncResult * res, gpointer user_data)
{
  AnnounceJob *job = user_data;
  P2pPeerConnection *conn = P2P_PEER_CONNECTION (source);
  GError *error = NULL;
  gchar *sdp = p2p_peer_connection_create_offer_finish (conn, res, &error);

  if (!g_cancellable_is_cancelled (job->cancellable))
    job->swarm->making--;
  if (sdp && !g_cancellable_is_cancelled (job->cancellable)) {
    P2pTrackerOffer offer;
    PendingOffer *o = g_new0 (PendingOffer, 1);

    p2p_tracker_id_generate_offer_id (&offer.offer_id);
    offer.sdp = sdp;
    g_array_append_val (job->offers, offer);
    o->swarm = job->swarm;
    o->connection = g_object_ref (conn);
    o->tracker = g_object_ref (job->tracker);
    o->offer_id = offer.offer_id;
    o->key = p2p_tracker_id_to_hex (&offer.offer_id);
    o->expiry = g_timeout_source_new_seconds (OFFER_LIFETIME_S);
    g_source_set_callback (o->expiry, on_offer_expired, o, NULL);
    g_source_attach (o->expiry, swarm_context (job->swarm));
    g_hash_table_insert (job->swarm->offers, g_strdup (o->key), o);
  } else {
    if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      GST_DEBUG ("offer failed: %s", error->message);
    g_clear_error (&error);
    g_free (sdp);
  }

  if (--job->waiting == 0) {
    if (!g_cancellable_is_cancelled (job->cancellable))
      send_announce (job);
    announce_job_free (job);
  }
}

/* Offers for one announce: none when peers, answers under way and offers
 * still open fill max-peers; else fewer the fuller we are (all of
 * offers_per_announce when alone, one when nearly full). */
static guint
offers_wanted (P2pSwarm * swarm)
{
  guint max = swarm->config.max_peers;
  guint busy = g_hash_table_size (swarm->peers) + swarm->answers->len +
      g_hash_table_size (swarm->offers) + swarm->making;
  guint room, want;

  if (busy >= max)
    return 0;
  room = max - busy;
  want = (swarm->config.offers_per_announce * room + max - 1) / max;
  return MIN (want, room);
}

static gboolean on_announce_timer (gpointer user_data);

static void
schedule_announce (TrackerSlot * slot, guint delay_ms)
{
  if (slot->timer) {
    g_source_destroy (slot->timer);
    g_source_unref (slot->timer);
  }
  slot->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (slot->timer, on_announce_timer, slot, NULL);
  g_source_attach (slot->timer, swarm_context (slot->swarm));
}

static guint
clamp_interval (guint interval_s)
{
  return CLAMP (interval_s, ANNOUNCE_MIN_S, ANNOUNCE_MAX_S);
}

static void
announce_to (P2pSwarm * swarm, P2pTrackerClient * tracker,
    P2pTrackerEvent event)
{
  AnnounceJob *job;
  TrackerSlot *slot = find_slot (swarm, tracker);
  guint want;

  if (!p2p_tracker_client_is_connected (tracker))
    return;                     /* ::connected announces again */
  /* the tracker's interval, from its last reply (until then, its
   * client's default) */
  slot->interval_s = clamp_interval (p2p_tracker_client_get_interval (tracker,
          &swarm->info_hash_id));
  slot->last = g_get_monotonic_time ();
  schedule_announce (slot, slot->interval_s * 1000);
  slot->filling = FALSE;
  if (event == P2P_TRACKER_EVENT_STARTED) {
    /* Joining: say so at once, without offers, so that the tracker's
     * reply tells within a round trip whether anyone else watches (the
     * offers need ICE gathering first). */
    AnnounceJob probe = { 0, };

    probe.swarm = swarm;
    probe.tracker = tracker;
    probe.event = P2P_TRACKER_EVENT_STARTED;
    probe.offers = g_array_new (FALSE, FALSE, sizeof (P2pTrackerOffer));
    send_announce (&probe);
    g_array_unref (probe.offers);
    event = P2P_TRACKER_EVENT_NONE;
  }
  want = offers_wanted (swarm);

  job = g_new0 (AnnounceJob, 1);
  job->swarm = swarm;
  job->cancellable = g_object_ref (swarm->cancellable);
  job->tracker = g_object_ref (tracker);
  job->event = event;
  job->offers = g_array_new (FALSE, FALSE, sizeof (P2pTrackerOffer));
  job->connections = g_ptr_array_new_with_free_func (g_object_unref);
  if (want == 0) {
    send_announce (job);
    announce_job_free (job);
    return;
  }
  job->waiting = want;
  swarm->making += want;
  for (guint i = 0; i < want; i++) {
    P2pPeerConnection *conn = p2p_transport_create_connection (swarm->transport);

    g_ptr_array_add (job->connections, conn);
    p2p_peer_connection_create_offer_async (conn, swarm->cancellable,
        on_offer_made, job);
  }
}

static gboolean
on_announce_timer (gpointer user_data)
{
  TrackerSlot *slot = user_data;

  g_clear_pointer (&slot->timer, g_source_unref);
  slot->filling = FALSE;
  announce_to (slot->swarm, slot->tracker, P2P_TRACKER_EVENT_NONE);
  return G_SOURCE_REMOVE;
}

/* The tracker told its interval: the next announce keeps to it. */
static void
on_tracker_interval (P2pTrackerClient * tracker,
    const P2pTrackerId * info_hash, guint interval, gint64 complete,
    gint64 incomplete, gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  TrackerSlot *slot = find_slot (swarm, tracker);
  gint64 due;

  if (!p2p_tracker_id_equal (info_hash, &swarm->info_hash_id) || !slot
      || !slot->timer || clamp_interval (interval) == slot->interval_s)
    return;
  slot->interval_s = clamp_interval (interval);
  if (slot->filling)
    return;                     /* the early announce stays */
  due = slot->last + (gint64) slot->interval_s * G_USEC_PER_SEC;
  schedule_announce (slot, (guint) (MAX (due - g_get_monotonic_time (), 0)
          / 1000));
}

static void
on_tracker_connected (P2pTrackerClient * tracker, gpointer user_data)
{
  announce_to (user_data, tracker, P2P_TRACKER_EVENT_STARTED);
}

static void
on_tracker_answer (P2pTrackerClient * tracker, const P2pTrackerId * info_hash,
    const P2pTrackerId * from, const P2pTrackerId * offer_id,
    const gchar * sdp, gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  gchar *key;
  gpointer stored_key;
  PendingOffer *o;
  GError *error = NULL;

  if (!p2p_tracker_id_equal (info_hash, &swarm->info_hash_id)) {
    GST_DEBUG ("swarm %s: answer for another swarm", swarm->info_hash);
    return;
  }
  key = p2p_tracker_id_to_hex (offer_id);
  /* the table's own copy of the key goes with the entry (a steal alone
   * leaked it, once per answered offer) */
  if (!g_hash_table_steal_extended (swarm->offers, key, &stored_key,
          (gpointer *) & o)) {
    GST_DEBUG ("swarm %s: answer to unknown offer %s", swarm->info_hash, key);
    g_free (key);
    return;
  }
  g_free (stored_key);
  g_free (key);
  if (o->expiry) {
    g_source_destroy (o->expiry);
    g_clear_pointer (&o->expiry, g_source_unref);
  }
  if (is_banned (swarm, from)) {
    GST_DEBUG ("swarm %s: answer from a banned peer", swarm->info_hash);
  } else if (p2p_peer_connection_set_answer (o->connection, sdp, &error)) {
    /* the peer owns the connection now: no close when the offer goes */
    add_peer (swarm, o->connection, from, TRUE,
        p2p_locality_sdp_is_local (sdp, swarm->subnets));
    g_clear_object (&o->connection);
  } else {
    GST_DEBUG ("swarm %s: answer refused: %s", swarm->info_hash,
        error->message);
    g_error_free (error);
  }
  pending_offer_free (o);
}

static void
pending_answer_free (PendingAnswer * a)
{
  g_object_unref (a->connection);
  g_object_unref (a->tracker);
  g_object_unref (a->cancellable);
  g_free (a);
}

static void
on_answer_made (GObject * source, GAsyncResult * res, gpointer user_data)
{
  PendingAnswer *a = user_data;
  P2pSwarm *swarm = a->swarm;
  GError *error = NULL;
  gchar *sdp = p2p_peer_connection_accept_offer_finish (a->connection, res,
      &error);

  if (g_cancellable_is_cancelled (a->cancellable)) {
    /* the swarm is gone and left this to us */
    g_clear_error (&error);
    g_free (sdp);
    pending_answer_free (a);
    return;
  }
  if (!sdp) {
    GST_DEBUG ("accepting an offer failed: %s", error->message);
    g_error_free (error);
    g_ptr_array_remove (swarm->answers, a);
    return;
  }
  if (!p2p_tracker_client_send_answer (a->tracker, &swarm->info_hash_id,
          &swarm->peer_id, &a->from, &a->offer_id, sdp, &error)) {
    GST_DEBUG ("answer not sent: %s", error->message);
    g_clear_error (&error);
  }
  g_free (sdp);
  add_peer (swarm, a->connection, &a->from, FALSE, a->local);
  g_ptr_array_remove (swarm->answers, a);
}

/* Trackers forward offers to whoever is in the swarm, peers we already
 * have included.  Such an offer is answered only when both sides offered
 * at once and the tie-break of add_peer() keeps the remote's: the remote
 * has the lower id and ours is not open yet.  An open connection is never
 * replaced (p2p-media-loader keeps its first one and would destroy the
 * new one), and one answer at a time goes to a remote. */
static gboolean
offer_wanted (P2pSwarm * swarm, const P2pTrackerId * from)
{
  PeerEntry *old = g_hash_table_lookup (swarm->peers, from);

  for (guint i = 0; i < swarm->answers->len; i++) {
    PendingAnswer *a = g_ptr_array_index (swarm->answers, i);

    if (p2p_tracker_id_equal (&a->from, from))
      return FALSE;
  }
  if (!old)
    return TRUE;
  return old->we_offered
      && p2p_tracker_id_compare (&swarm->peer_id, from) > 0
      && p2p_peer_connection_get_state (old->connection) !=
      P2P_PEER_CONNECTION_STATE_OPEN;
}

static void
on_tracker_offer (P2pTrackerClient * tracker, const P2pTrackerId * info_hash,
    const P2pTrackerId * from, const P2pTrackerId * offer_id,
    const gchar * sdp, gpointer user_data)
{
  P2pSwarm *swarm = user_data;
  PendingAnswer *a;

  if (!p2p_tracker_id_equal (info_hash, &swarm->info_hash_id)
      || p2p_tracker_id_equal (from, &swarm->peer_id) || is_banned (swarm, from)
      || g_hash_table_size (swarm->peers) + swarm->answers->len >=
      swarm->config.max_peers)
    return;
  if (!offer_wanted (swarm, from)) {
    GST_DEBUG ("swarm %s: ignoring an offer from a peer we have",
        swarm->info_hash);
    return;
  }
  GST_DEBUG ("swarm %s: accepting an offer", swarm->info_hash);
  a = g_new0 (PendingAnswer, 1);
  a->swarm = swarm;
  a->cancellable = g_object_ref (swarm->cancellable);
  a->connection = p2p_transport_create_connection (swarm->transport);
  a->tracker = g_object_ref (tracker);
  a->offer_id = *offer_id;
  a->from = *from;
  a->local = p2p_locality_sdp_is_local (sdp, swarm->subnets);
  g_ptr_array_add (swarm->answers, a);
  p2p_peer_connection_accept_offer_async (a->connection, sdp,
      swarm->cancellable, on_answer_made, a);
}

/* --- life cycle ---------------------------------------------------------- */

P2pSwarm *
p2p_swarm_new (const gchar * info_hash, const gchar * stream_swarm_id,
    const P2pTrackerId * peer_id, const P2pSwarmConfig * config,
    P2pTransport * transport, GPtrArray * trackers, P2pSegmentCache * cache,
    P2pSwarmCounters * counters)
{
  P2pSwarm *swarm = g_new0 (P2pSwarm, 1);

  swarm->refcount = 1;
  swarm->info_hash = g_strdup (info_hash);
  if (!p2p_tracker_id_from_string (&swarm->info_hash_id, info_hash, -1,
          NULL))
    GST_WARNING ("info_hash %s is not 20 characters", info_hash);
  swarm->stream_swarm_id = g_strdup (stream_swarm_id);
  swarm->peer_id = *peer_id;
  swarm->config = *config;
  swarm->subnets = p2p_locality_local_subnets ();
  swarm->transport = g_object_ref (transport);
  swarm->trackers = g_ptr_array_ref (trackers);
  swarm->cache = cache;
  swarm->counters = counters;
  swarm->peers = g_hash_table_new (p2p_tracker_id_hash, p2p_tracker_id_equal);
  swarm->banned = g_hash_table_new_full (p2p_tracker_id_hash,
      p2p_tracker_id_equal, g_free, NULL);
  swarm->offers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) pending_offer_free);
  swarm->answers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) pending_answer_free);
  swarm->loading = g_array_new (FALSE, FALSE, sizeof (gint64));
  swarm->cancellable = g_cancellable_new ();
  swarm->slots = g_ptr_array_new_with_free_func ((GDestroyNotify)
      tracker_slot_free);
  swarm->dead = g_ptr_array_new ();
  swarm->created = swarm->last_used = g_get_monotonic_time ();
  swarm->others = -1;
  {
    gchar *self = p2p_tracker_id_to_ascii (peer_id);

    swarm->sched = p2p_scheduler_new (self, &sched_ops, config->consumer_ops,
        swarm);
    p2p_scheduler_set_playback_model (swarm->sched, config->playback_model);
    g_free (self);
  }

  for (guint i = 0; i < trackers->len; i++) {
    P2pTrackerClient *t = g_ptr_array_index (trackers, i);

    g_signal_connect (t, "connected", G_CALLBACK (on_tracker_connected), swarm);
    g_signal_connect (t, "offer", G_CALLBACK (on_tracker_offer), swarm);
    g_signal_connect (t, "answer", G_CALLBACK (on_tracker_answer), swarm);
    g_signal_connect (t, "announce-reply", G_CALLBACK (on_tracker_reply),
        swarm);
    g_signal_connect (t, "announce-reply", G_CALLBACK (on_tracker_interval),
        swarm);
  }
  for (guint i = 0; i < trackers->len; i++) {
    TrackerSlot *slot = g_new0 (TrackerSlot, 1);

    slot->swarm = swarm;
    slot->tracker = g_ptr_array_index (trackers, i);
    g_ptr_array_add (swarm->slots, slot);
    announce_to (swarm, slot->tracker, P2P_TRACKER_EVENT_STARTED);
  }
  return swarm;
}

P2pSwarm *
p2p_swarm_ref (P2pSwarm * swarm)
{
  g_atomic_int_inc (&swarm->refcount);
  return swarm;
}

void
p2p_swarm_unref (P2pSwarm * swarm)
{
  if (!g_atomic_int_dec_and_test (&swarm->refcount))
    return;
  p2p_swarm_close (swarm);
  g_array_unref (swarm->loading);
  g_hash_table_unref (swarm->banned);
  g_ptr_array_unref (swarm->subnets);
  g_ptr_array_unref (swarm->dead);
  g_ptr_array_unref (swarm->slots);
  g_object_unref (swarm->cancellable);
  g_ptr_array_unref (swarm->trackers);
  g_object_unref (swarm->transport);
  g_free (swarm->info_hash);
  g_free (swarm->stream_swarm_id);
  g_free (swarm);
}

void
p2p_swarm_close (P2pSwarm * swarm)
{
  GHashTableIter it;
  PeerEntry *e;

  if (swarm->closed)
    return;
  /* first, so that what the callbacks below start sees a closed swarm */
  swarm->closed = TRUE;
  g_cancellable_cancel (swarm->cancellable);
  for (guint i = 0; i < swarm->trackers->len; i++) {
    P2pTrackerClient *t = g_ptr_array_index (swarm->trackers, i);

    g_signal_handlers_disconnect_by_data (t, swarm);
    p2p_tracker_client_stop (t, &swarm->info_hash_id, &swarm->peer_id, NULL);
  }
  g_ptr_array_set_size (swarm->slots, 0);
  if (swarm->reap_idle)
    g_source_destroy (swarm->reap_idle);
  reap_dead (swarm);
  if (swarm->strikes_idle) {
    g_source_destroy (swarm->strikes_idle);
    g_clear_pointer (&swarm->strikes_idle, g_source_unref);
  }

  /* every data channel closes now, so that peers learn at once; freeing a
   * peer calls nothing back, so the scheduler sees no event while it tells
   * its waiting consumers to use HTTP */
  g_hash_table_iter_init (&it, swarm->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & e)) {
    peer_entry_detach (e);
    peer_entry_free (e);
  }
  g_hash_table_remove_all (swarm->peers);
  if (swarm->sched_timer) {
    g_source_destroy (swarm->sched_timer);
    g_clear_pointer (&swarm->sched_timer, g_source_unref);
  }
  p2p_scheduler_free (g_steal_pointer (&swarm->sched));
  g_hash_table_destroy (swarm->peers);
  g_hash_table_destroy (swarm->offers);
  /* pending async accepts end with a cancellation and free themselves */
  for (guint i = 0; i < swarm->answers->len; i++)
    p2p_peer_connection_close (((PendingAnswer *)
            g_ptr_array_index (swarm->answers, i))->connection);
  g_ptr_array_set_free_func (swarm->answers, NULL);
  g_ptr_array_unref (swarm->answers);
}

const gchar *
p2p_swarm_get_info_hash (P2pSwarm * swarm)
{
  return swarm->info_hash;
}
