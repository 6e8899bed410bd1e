/* gst-p2pcdn: WebSocket client of one WebTorrent tracker, with reconnection.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lifetime notes: a pending handshake points at its P2pTrackerClientAttempt,
 * never at the client, so dispose only has to unlink the attempt and cancel
 * it.  The WebSocket's handlers are disconnected before the client lets it
 * go; a WebSocket still closing keeps itself alive until its "closed", so
 * that frames sent just before (a "stopped") still leave.
 */
#define G_LOG_DOMAIN "p2p-tracker-client"

#include "p2p-tracker-client.h"

#include <libsoup/soup.h>

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_tracker_log, "p2pcdn-tracker", "WebSocket tracker client")
#define GST_CAT_DEFAULT p2p_tracker_log ()


/* Pings keep NAT and proxy mappings of an otherwise quiet socket alive
 * between two announces. */
#define P2P_TRACKER_CLIENT_KEEPALIVE_S 30
/* 60 s is reached at the 7th failure; the counter need not grow further. */
#define P2P_TRACKER_CLIENT_MAX_FAILURES 16

typedef struct {
  P2pTrackerClient *client;     /* NULL once the client let the attempt go */
  GMainContext *context;
  GCancellable *cancellable;
  gboolean timed_out;
} P2pTrackerClientAttempt;

struct _P2pTrackerClient {
  GObject parent;

  gchar *url;
  GMainContext *context;
  SoupSession *session;         /* made on the first attempt, in @context */

  P2pTrackerClientAttempt *attempt;     /* the handshake under way */
  GSource *handshake_timeout;
  GSource *retry;               /* the next attempt */
  guint failures;               /* attempts since a connection was stable */
  guint n_attempts;

  SoupWebsocketConnection *ws;  /* open, or closing after close() */
  gboolean connected;           /* between ::connected and ::disconnected */
  gint64 connected_at;          /* monotonic microseconds */
  gboolean closed;              /* close() called: no more attempts */

  GHashTable *intervals;        /* P2pTrackerId* announced -> seconds */
};

enum {
  SIGNAL_CONNECTING,
  SIGNAL_CONNECTED,
  SIGNAL_DISCONNECTED,
  SIGNAL_ANNOUNCE_REPLY,
  SIGNAL_OFFER,
  SIGNAL_ANSWER,
  SIGNAL_FAILURE,
  N_SIGNALS
};

static guint p2p_tracker_client_signals[N_SIGNALS];

G_DEFINE_QUARK (p2p-tracker-client-error-quark, p2p_tracker_client_error)
G_DEFINE_TYPE (P2pTrackerClient, p2p_tracker_client, G_TYPE_OBJECT)

static void p2p_tracker_client_start_attempt (P2pTrackerClient * self);

/* ------------------------------------------------------------------ */
/* Scheduling */

static gboolean
p2p_tracker_client_check_url (const gchar * url, GError ** error)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (SoupMessage) probe = NULL;
  const gchar *scheme;
  const gchar *host;

  if (url == NULL) {
    g_set_error_literal (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_BAD_URL, "no tracker URL");
    return FALSE;
  }
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &parse_error);
  if (uri == NULL) {
    g_set_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_BAD_URL, "tracker URL \"%s\": %s", url,
        parse_error->message);
    return FALSE;
  }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 &&
      g_ascii_strcasecmp (scheme, "wss") != 0) {
    g_set_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_BAD_URL,
        "tracker URL \"%s\" is not ws:// or wss://", url);
    return FALSE;
  }
  if (host == NULL || *host == '\0') {
    g_set_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_BAD_URL, "tracker URL \"%s\" has no host",
        url);
    return FALSE;
  }
  /* the request every attempt makes must be possible */
  probe = soup_message_new (SOUP_METHOD_GET, url);
  if (probe == NULL) {
    g_set_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_BAD_URL, "tracker URL \"%s\" is refused "
        "by libsoup", url);
    return FALSE;
  }
  return TRUE;
}

/* Up to a quarter off, so that peers cut off together by a tracker
 * restart do not all come back in the same second. */
static guint
p2p_tracker_client_backoff_ms (guint failures)
{
  guint base = P2P_TRACKER_CLIENT_MIN_BACKOFF_MS;

  while (failures-- > 0 && base < P2P_TRACKER_CLIENT_MAX_BACKOFF_MS)
    base *= 2;
  base = MIN (base, P2P_TRACKER_CLIENT_MAX_BACKOFF_MS);
  return base - g_random_int_range (0, base / 4 + 1);
}

static GSource *
p2p_tracker_client_add_timeout (P2pTrackerClient * self, guint ms,
    GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
p2p_tracker_client_clear_source (GSource ** source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

static gboolean
p2p_tracker_client_on_retry (gpointer user_data)
{
  P2pTrackerClient *self = user_data;

  g_clear_pointer (&self->retry, g_source_unref);
  p2p_tracker_client_start_attempt (self);
  return G_SOURCE_REMOVE;
}

static void
p2p_tracker_client_schedule (P2pTrackerClient * self, guint delay_ms)
{
  if (self->closed)
    return;
  p2p_tracker_client_clear_source (&self->retry);
  GST_DEBUG ("%s: next attempt in %u ms", self->url, delay_ms);
  self->retry = p2p_tracker_client_add_timeout (self, delay_ms,
      p2p_tracker_client_on_retry);
}

static void
p2p_tracker_client_schedule_retry (P2pTrackerClient * self)
{
  guint delay = p2p_tracker_client_backoff_ms (self->failures);

  self->failures = MIN (self->failures + 1, P2P_TRACKER_CLIENT_MAX_FAILURES);
  p2p_tracker_client_schedule (self, delay);
}

/* ------------------------------------------------------------------ */
/* Incoming frames */

static void
p2p_tracker_client_handle (P2pTrackerClient * self, const P2pTrackerMsg * msg)
{
  gpointer info_hash = msg->has_info_hash ? (gpointer) & msg->info_hash : NULL;

  if (msg->warning_message != NULL)
    GST_DEBUG ("%s: tracker warning: %s", self->url, msg->warning_message);

  switch (msg->type) {
    case P2P_TRACKER_MSG_ANNOUNCE_REPLY:{
      guint interval = p2p_tracker_client_get_interval (self, &msg->info_hash);

      if (info_hash == NULL) {
        GST_DEBUG ("%s: dropping an announce reply without info_hash", self->url);
        return;
      }
      if (msg->interval >= 0) {
        interval = CLAMP (msg->interval, P2P_TRACKER_CLIENT_MIN_INTERVAL,
            P2P_TRACKER_CLIENT_MAX_INTERVAL);
        /* only swarms we announced: the tracker must not grow the table */
        if (g_hash_table_contains (self->intervals, info_hash))
          g_hash_table_insert (self->intervals,
              g_memdup2 (info_hash, sizeof (P2pTrackerId)),
              GUINT_TO_POINTER (interval));
      }
      g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_ANNOUNCE_REPLY],
          0, info_hash, interval, msg->complete, msg->incomplete);
      return;
    }
    case P2P_TRACKER_MSG_OFFER:
      g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_OFFER], 0,
          info_hash, &msg->peer_id, &msg->offer_id, msg->sdp);
      return;
    case P2P_TRACKER_MSG_ANSWER:
      g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_ANSWER], 0,
          info_hash, &msg->peer_id, &msg->offer_id, msg->sdp);
      return;
    case P2P_TRACKER_MSG_FAILURE:
      GST_DEBUG ("%s: tracker failure: %s", self->url, msg->failure_reason);
      g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_FAILURE], 0,
          info_hash, msg->failure_reason);
      return;
    case P2P_TRACKER_MSG_ANNOUNCE:
    case P2P_TRACKER_MSG_SCRAPE:
    case P2P_TRACKER_MSG_SCRAPE_REPLY:
      break;
  }
  GST_DEBUG ("%s: ignoring a %s frame", self->url,
      p2p_tracker_msg_type_to_string (msg->type));
}

static void
p2p_tracker_client_on_message (SoupWebsocketConnection * ws, gint type,
    GBytes * message, gpointer user_data)
{
  P2pTrackerClient *self = user_data;
  g_autoptr (GError) error = NULL;
  P2pTrackerMsg msg;
  gsize len;
  const gchar *data = g_bytes_get_data (message, &len);

  /* libsoup 3.2 bounds frames, not a message fragmented over many */
  if (len > P2P_TRACKER_MAX_FRAME) {
    GST_DEBUG ("%s: dropping a message of %" G_GSIZE_FORMAT " bytes",
        self->url, len);
    return;
  }
  /* bittorrent-tracker JSON-parses binary messages too */
  if (!p2p_tracker_msg_parse (data, len, &msg, &error)) {
    GST_DEBUG ("%s: dropping a malformed frame: %s", self->url, error->message);
    return;
  }
  g_object_ref (self);
  p2p_tracker_client_handle (self, &msg);
  p2p_tracker_msg_clear (&msg);
  g_object_unref (self);
}

/* ------------------------------------------------------------------ */
/* The WebSocket */

static void
p2p_tracker_client_on_orphan_closed (SoupWebsocketConnection * ws,
    gpointer user_data)
{
  g_object_unref (ws);
}

/* Lets @ws go without a callback left to us; an open one is closed first
 * and lives on until it is. */
static void
p2p_tracker_client_release_ws (SoupWebsocketConnection * ws, gpointer self,
    GMainContext * context)
{
  if (self != NULL)
    g_signal_handlers_disconnect_by_data (ws, self);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_CLOSED) {
    g_object_unref (ws);
    return;
  }
  g_signal_connect (ws, "closed",
      G_CALLBACK (p2p_tracker_client_on_orphan_closed), NULL);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN) {
    g_main_context_push_thread_default (context);
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    g_main_context_pop_thread_default (context);
  }
}

static void
p2p_tracker_client_on_error (SoupWebsocketConnection * ws, GError * error,
    gpointer user_data)
{
  P2pTrackerClient *self = user_data;

  GST_DEBUG ("%s: WebSocket error: %s", self->url, error->message);
}

static void
p2p_tracker_client_on_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  P2pTrackerClient *self = user_data;
  gint64 lived = g_get_monotonic_time () - self->connected_at;
  gboolean was_connected = self->connected;

  GST_DEBUG ("%s: closed (code %u) after %" G_GINT64_FORMAT " ms", self->url,
      soup_websocket_connection_get_close_code (ws), lived / 1000);
  g_signal_handlers_disconnect_by_data (ws, self);
  g_clear_object (&self->ws);
  self->connected = FALSE;
  if (lived > (gint64) P2P_TRACKER_CLIENT_STABLE_MS * 1000)
    self->failures = 0;

  g_object_ref (self);
  if (was_connected)
    g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_DISCONNECTED], 0);
  if (self->ws == NULL && self->attempt == NULL && self->retry == NULL)
    p2p_tracker_client_schedule_retry (self);
  g_object_unref (self);
}

static void
p2p_tracker_client_attempt_free (P2pTrackerClientAttempt * attempt)
{
  g_main_context_unref (attempt->context);
  g_object_unref (attempt->cancellable);
  g_free (attempt);
}

/* Unlinks the handshake under way; its callback will only free it. */
static void
p2p_tracker_client_abandon_attempt (P2pTrackerClient * self)
{
  p2p_tracker_client_clear_source (&self->handshake_timeout);
  if (self->attempt == NULL)
    return;
  self->attempt->client = NULL;
  g_cancellable_cancel (self->attempt->cancellable);
  self->attempt = NULL;
}

static void
p2p_tracker_client_on_connect_done (GObject * source, GAsyncResult * result,
    gpointer user_data)
{
  P2pTrackerClientAttempt *attempt = user_data;
  P2pTrackerClient *self = attempt->client;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *ws;
  gboolean timed_out = attempt->timed_out;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
      &error);
  if (self == NULL) {
    if (ws != NULL)
      p2p_tracker_client_release_ws (ws, NULL, attempt->context);
    p2p_tracker_client_attempt_free (attempt);
    return;
  }
  p2p_tracker_client_attempt_free (attempt);
  self->attempt = NULL;
  p2p_tracker_client_clear_source (&self->handshake_timeout);

  if (ws == NULL) {
    GST_DEBUG ("%s: attempt %u failed: %s", self->url, self->n_attempts,
        timed_out ? "handshake timed out" : error->message);
    p2p_tracker_client_schedule_retry (self);
    return;
  }

  self->ws = ws;
  soup_websocket_connection_set_max_incoming_payload_size (ws,
      P2P_TRACKER_MAX_FRAME);
  soup_websocket_connection_set_keepalive_interval (ws,
      P2P_TRACKER_CLIENT_KEEPALIVE_S);
  g_signal_connect (ws, "message", G_CALLBACK (p2p_tracker_client_on_message),
      self);
  g_signal_connect (ws, "closed", G_CALLBACK (p2p_tracker_client_on_closed),
      self);
  g_signal_connect (ws, "error", G_CALLBACK (p2p_tracker_client_on_error),
      self);
  self->connected = TRUE;
  self->connected_at = g_get_monotonic_time ();
  GST_DEBUG ("%s: connected", self->url);
  g_object_ref (self);
  g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_CONNECTED], 0);
  g_object_unref (self);
}

static gboolean
p2p_tracker_client_on_handshake_timeout (gpointer user_data)
{
  P2pTrackerClient *self = user_data;

  g_clear_pointer (&self->handshake_timeout, g_source_unref);
  if (self->attempt != NULL) {
    self->attempt->timed_out = TRUE;
    g_cancellable_cancel (self->attempt->cancellable);
  }
  return G_SOURCE_REMOVE;
}

static void
p2p_tracker_client_start_attempt (P2pTrackerClient * self)
{
  g_autoptr (SoupMessage) msg = NULL;
  P2pTrackerClientAttempt *attempt;

  if (self->closed || self->ws != NULL || self->attempt != NULL)
    return;

  g_object_ref (self);
  self->n_attempts++;
  GST_DEBUG ("%s: attempt %u", self->url, self->n_attempts);
  g_signal_emit (self, p2p_tracker_client_signals[SIGNAL_CONNECTING], 0);
  if (self->closed || self->ws != NULL || self->attempt != NULL) {
    g_object_unref (self);
    return;
  }

  g_main_context_push_thread_default (self->context);
  if (self->session == NULL) {
    self->session = soup_session_new ();
    /* permessage-deflate would inflate a small frame past every bound */
    soup_session_remove_feature_by_type (self->session,
        SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
  }
  msg = soup_message_new (SOUP_METHOD_GET, self->url);
  attempt = g_new0 (P2pTrackerClientAttempt, 1);
  attempt->client = self;
  attempt->context = g_main_context_ref (self->context);
  attempt->cancellable = g_cancellable_new ();
  self->attempt = attempt;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, attempt->cancellable,
      p2p_tracker_client_on_connect_done, attempt);
  g_main_context_pop_thread_default (self->context);

  self->handshake_timeout = p2p_tracker_client_add_timeout (self,
      P2P_TRACKER_CLIENT_CONNECT_TIMEOUT_MS,
      p2p_tracker_client_on_handshake_timeout);
  g_object_unref (self);
}

/* ------------------------------------------------------------------ */
/* Outgoing frames */

static gboolean
p2p_tracker_client_send (P2pTrackerClient * self, const gchar * what,
    gchar * frame, GError ** error)
{
  if (frame == NULL)
    return FALSE;
  if (self->closed) {
    g_set_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_CLOSED, "tracker client of %s is closed",
        self->url);
    g_free (frame);
    return FALSE;
  }
  if (!p2p_tracker_client_is_connected (self)) {
    GST_DEBUG ("%s: not connected, dropping %s", self->url, what);
    g_set_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_NOT_CONNECTED, "not connected to %s",
        self->url);
    g_free (frame);
    return FALSE;
  }
  g_main_context_push_thread_default (self->context);
  soup_websocket_connection_send_text (self->ws, frame);
  g_main_context_pop_thread_default (self->context);
  g_free (frame);
  return TRUE;
}

gboolean
p2p_tracker_client_announce (P2pTrackerClient * self,
    const P2pTrackerAnnounce * announce, GError ** error)
{
  gchar *frame;

  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), FALSE);
  g_return_val_if_fail (announce != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  frame = p2p_tracker_msg_build_announce (announce, error);
  if (frame == NULL)
    return FALSE;
  if (announce->event == P2P_TRACKER_EVENT_STOPPED) {
    g_hash_table_remove (self->intervals, &announce->info_hash);
  } else if (!g_hash_table_contains (self->intervals, &announce->info_hash)) {
    g_hash_table_insert (self->intervals,
        g_memdup2 (&announce->info_hash, sizeof (P2pTrackerId)),
        GUINT_TO_POINTER (P2P_TRACKER_CLIENT_DEFAULT_INTERVAL));
  }
  return p2p_tracker_client_send (self, "an announce", frame, error);
}

gboolean
p2p_tracker_client_send_answer (P2pTrackerClient * self,
    const P2pTrackerId * info_hash, const P2pTrackerId * our_peer_id,
    const P2pTrackerId * to_peer_id, const P2pTrackerId * offer_id,
    const gchar * sdp, GError ** error)
{
  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), FALSE);
  g_return_val_if_fail (info_hash && our_peer_id && to_peer_id && offer_id,
      FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return p2p_tracker_client_send (self, "an answer",
      p2p_tracker_msg_build_answer (info_hash, our_peer_id, to_peer_id,
          offer_id, sdp, error), error);
}

gboolean
p2p_tracker_client_stop (P2pTrackerClient * self,
    const P2pTrackerId * info_hash, const P2pTrackerId * peer_id,
    GError ** error)
{
  P2pTrackerAnnounce announce = { 0 };

  g_return_val_if_fail (info_hash != NULL && peer_id != NULL, FALSE);

  announce.info_hash = *info_hash;
  announce.peer_id = *peer_id;
  announce.event = P2P_TRACKER_EVENT_STOPPED;
  return p2p_tracker_client_announce (self, &announce, error);
}

/* ------------------------------------------------------------------ */
/* Public state */

guint
p2p_tracker_client_get_interval (P2pTrackerClient * self,
    const P2pTrackerId * info_hash)
{
  gpointer value;

  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), 0);
  g_return_val_if_fail (info_hash != NULL, 0);

  if (g_hash_table_lookup_extended (self->intervals, info_hash, NULL, &value))
    return GPOINTER_TO_UINT (value);
  return P2P_TRACKER_CLIENT_DEFAULT_INTERVAL;
}

const gchar *
p2p_tracker_client_get_url (P2pTrackerClient * self)
{
  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), NULL);
  return self->url;
}

gboolean
p2p_tracker_client_is_connected (P2pTrackerClient * self)
{
  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), FALSE);
  return !self->closed && self->connected && self->ws != NULL &&
      soup_websocket_connection_get_state (self->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN;
}

guint
p2p_tracker_client_get_n_attempts (P2pTrackerClient * self)
{
  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), 0);
  return self->n_attempts;
}

void
p2p_tracker_client_close (P2pTrackerClient * self)
{
  g_return_if_fail (P2P_IS_TRACKER_CLIENT (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  GST_DEBUG ("%s: closing", self->url);
  p2p_tracker_client_clear_source (&self->retry);
  p2p_tracker_client_abandon_attempt (self);
  /* ::closed then emits ::disconnected */
  if (self->ws != NULL &&
      soup_websocket_connection_get_state (self->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN) {
    g_main_context_push_thread_default (self->context);
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL,
        NULL);
    g_main_context_pop_thread_default (self->context);
  }
}

gboolean
p2p_tracker_client_is_flushed (P2pTrackerClient * self)
{
  g_return_val_if_fail (P2P_IS_TRACKER_CLIENT (self), TRUE);
  return self->closed && self->ws == NULL;
}

/* ------------------------------------------------------------------ */
/* GObject */

P2pTrackerClient *
p2p_tracker_client_new (const gchar * url, GMainContext * context,
    GError ** error)
{
  P2pTrackerClient *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!p2p_tracker_client_check_url (url, error))
    return NULL;

  self = g_object_new (P2P_TYPE_TRACKER_CLIENT, NULL);
  self->url = g_strdup (url);
  self->context = context ? g_main_context_ref (context) :
      g_main_context_ref_thread_default ();
  p2p_tracker_client_schedule (self, 0);
  return self;
}

static void
p2p_tracker_client_init (P2pTrackerClient * self)
{
  self->intervals = g_hash_table_new_full (p2p_tracker_id_hash,
      p2p_tracker_id_equal, g_free, NULL);
}

static void
p2p_tracker_client_dispose (GObject * object)
{
  P2pTrackerClient *self = P2P_TRACKER_CLIENT (object);

  self->closed = TRUE;
  p2p_tracker_client_clear_source (&self->retry);
  p2p_tracker_client_abandon_attempt (self);
  if (self->ws != NULL) {
    p2p_tracker_client_release_ws (self->ws, self, self->context);
    self->ws = NULL;
  }
  self->connected = FALSE;
  g_clear_object (&self->session);

  G_OBJECT_CLASS (p2p_tracker_client_parent_class)->dispose (object);
}

static void
p2p_tracker_client_finalize (GObject * object)
{
  P2pTrackerClient *self = P2P_TRACKER_CLIENT (object);

  g_hash_table_unref (self->intervals);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->url);

  G_OBJECT_CLASS (p2p_tracker_client_parent_class)->finalize (object);
}

static void
p2p_tracker_client_class_init (P2pTrackerClientClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GType static_string = G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE;

  object_class->dispose = p2p_tracker_client_dispose;
  object_class->finalize = p2p_tracker_client_finalize;

  /**
   * P2pTrackerClient::connecting:
   *
   * A connection attempt starts (the first one, or a retry after backoff).
   */
  p2p_tracker_client_signals[SIGNAL_CONNECTING] =
      g_signal_new ("connecting", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * P2pTrackerClient::connected:
   *
   * The WebSocket is open: announce every swarm again, with fresh offers.
   */
  p2p_tracker_client_signals[SIGNAL_CONNECTED] =
      g_signal_new ("connected", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * P2pTrackerClient::disconnected:
   *
   * The WebSocket closed; the tracker forgot our swarms and offers.
   */
  p2p_tracker_client_signals[SIGNAL_DISCONNECTED] =
      g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * P2pTrackerClient::announce-reply:
   * @info_hash: (type gpointer): the P2pTrackerId of the swarm
   * @interval: seconds until the next announce (clamped; the current one
   *   if the reply named none)
   * @complete: seeders, -1 when not given
   * @incomplete: leechers, -1 when not given
   */
  p2p_tracker_client_signals[SIGNAL_ANNOUNCE_REPLY] =
      g_signal_new ("announce-reply", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 4,
      G_TYPE_POINTER, G_TYPE_UINT, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * P2pTrackerClient::offer:
   * @info_hash: (type gpointer): the P2pTrackerId of the swarm
   * @from_peer_id: (type gpointer): the P2pTrackerId of the offerer
   * @offer_id: (type gpointer): the P2pTrackerId to answer with
   * @sdp: the complete offer (no trickle)
   *
   * Another peer of the swarm offers a connection; answer with
   * p2p_tracker_client_send_answer().
   */
  p2p_tracker_client_signals[SIGNAL_OFFER] =
      g_signal_new ("offer", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 4,
      G_TYPE_POINTER, G_TYPE_POINTER, G_TYPE_POINTER, static_string);

  /**
   * P2pTrackerClient::answer:
   * @info_hash: (type gpointer): the P2pTrackerId of the swarm
   * @from_peer_id: (type gpointer): the P2pTrackerId of the answerer
   * @offer_id: (type gpointer): the P2pTrackerId of our offer
   * @sdp: the complete answer
   */
  p2p_tracker_client_signals[SIGNAL_ANSWER] =
      g_signal_new ("answer", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 4,
      G_TYPE_POINTER, G_TYPE_POINTER, G_TYPE_POINTER, static_string);

  /**
   * P2pTrackerClient::failure:
   * @info_hash: (type gpointer) (nullable): the P2pTrackerId of the swarm,
   *   if the tracker named it
   * @reason: the tracker's "failure reason"
   */
  p2p_tracker_client_signals[SIGNAL_FAILURE] =
      g_signal_new ("failure", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      G_TYPE_POINTER, static_string);
}
