/* gst-p2pcdn: a WebTorrent WebSocket tracker, embeddable in a GMainContext.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This file is the transport: accepting TCP connections, upgrading them to
 * WebSockets, enforcing the connection limits and timers, /stats.  The
 * protocol itself is in p2p-tracker-server-handler.c.
 *
 * We accept connections ourselves and hand them to SoupServer, and do the
 * WebSocket upgrade with libsoup's public handshake functions instead of
 * soup_server_add_websocket_handler(), for three reasons found in libsoup
 * 3.2: its listener stops accepting for good after one failed accept()
 * (EMFILE), it offers permessage-deflate without bounding what a message
 * inflates to, and we need the socket streams wrapped (see
 * p2p-tracker-server-stream.h).
 *
 * Connection life: OPEN (in the idle queue) -> DOOMED (in the doomed queue,
 * waiting for the reaper, which removes its peers and sends the close
 * frame) -> CLOSING -> CLOSED (libsoup's "closed"; freed by the reaper).
 * A connection may skip states but never goes back.  Closing is deferred so
 * that no peer or connection disappears while a message is being handled.
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "p2p-tracker-server-private.h"
#include "p2p-tracker-server-json.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_tracker_server_log, "p2pcdn-tracker-server",
    "the WebSocket tracker: connections, limits, refused messages")
#define GST_CAT_DEFAULT p2p_tracker_server_log ()


/* Plain HTTP connections (GET /stats, handshakes in progress) allowed on top
 * of max-connections WebSockets. */
#define HTTP_SLACK 64
#define LISTEN_BACKLOG 4096

typedef struct {
  P2pTrackerServer *server;
  GSocketConnection *tcp;       /* weak */
  gchar *remote;
  gint64 accepted;
  GList link_all;
  GList link_pending;           /* in tcp_pending until upgraded or timed out */
  gboolean pending;
  P2pTrackerServerAddress *address;     /* a reference held */
} TcpRecord;

G_DEFINE_FINAL_TYPE (P2pTrackerServer, p2p_tracker_server, G_TYPE_OBJECT);

static gchar *
address_to_string (GSocketAddress * address)
{
  g_autofree gchar *ip = NULL;
  GInetSocketAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown");
  inet = G_INET_SOCKET_ADDRESS (address);
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  if (g_inet_address_get_family (g_inet_socket_address_get_address (inet)) ==
      G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", ip, g_inet_socket_address_get_port (inet));
  return g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (inet));
}

/* --- per-address state ---------------------------------------------------- */

P2pTrackerServerAddress *
p2p_tracker_server_address_ref (P2pTrackerServer * self,
    GSocketAddress * remote)
{
  g_autofree gchar *key = p2p_tracker_server_address_key (remote);
  P2pTrackerServerAddress *address = g_hash_table_lookup (self->addresses,
      key);

  if (address == NULL) {
    address = p2p_tracker_server_address_new (key,
        self->limits.address_announce_burst,
        self->limits.address_offer_burst, g_get_monotonic_time ());
    g_hash_table_insert (self->addresses, address->key, address);
  }
  address->refs++;
  return address;
}

void
p2p_tracker_server_address_unref (P2pTrackerServer * self,
    P2pTrackerServerAddress * address)
{
  /* Kept while its buckets refill (see sweeper_run()): else a client
   * would get full buckets by reconnecting. */
  address->refs--;
}

static gboolean
address_is_forgettable (P2pTrackerServer * self,
    P2pTrackerServerAddress * address, gint64 now)
{
  return address->refs == 0
      && p2p_tracker_server_bucket_is_full (&address->announces,
      self->limits.address_announce_rate,
      self->limits.address_announce_burst, now)
      && p2p_tracker_server_bucket_is_full (&address->offers,
      self->limits.address_offer_rate, self->limits.address_offer_burst, now);
}

/* --- deferred work ------------------------------------------------------ */

static gboolean
reaper_run (gpointer user_data)
{
  P2pTrackerServer *self = user_data;
  GList *link;
  guint i;

  while ((link = g_queue_pop_head_link (&self->doomed))) {
    P2pTrackerServerConnection *conn = link->data;

    while (conn->peers->len > 0)
      p2p_tracker_server_drop_peer (self, g_ptr_array_index (conn->peers, 0));
    conn->state = P2P_TRACKER_SERVER_CONNECTION_CLOSING;
    if (soup_websocket_connection_get_state (conn->ws) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (conn->ws, conn->close_code,
          conn->close_reason);
  }

  for (i = 0; i < self->dead->len; i++) {
    P2pTrackerServerConnection *conn = g_ptr_array_index (self->dead, i);

    g_hash_table_remove (self->connections, conn);
    p2p_tracker_server_address_unref (self, conn->address);
    p2p_tracker_server_connection_free (conn);
  }
  g_ptr_array_set_size (self->dead, 0);

  g_clear_pointer (&self->reaper, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
reaper_schedule (P2pTrackerServer * self)
{
  if (self->reaper)
    return;
  self->reaper = g_idle_source_new ();
  /* An idle priority would starve while clients keep the server busy. */
  g_source_set_priority (self->reaper, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->reaper, reaper_run, self, NULL);
  g_source_attach (self->reaper, self->context);
}

void
p2p_tracker_server_condemn (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, gushort code, const gchar * reason)
{
  if (conn->state != P2P_TRACKER_SERVER_CONNECTION_OPEN)
    return;
  GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): closing: %s", conn->id,
      conn->remote, reason);
  g_queue_unlink (&self->idle, &conn->link);
  conn->state = P2P_TRACKER_SERVER_CONNECTION_DOOMED;
  conn->close_code = code;
  conn->close_reason = reason;
  g_queue_push_tail_link (&self->doomed, &conn->link);
  reaper_schedule (self);
}

void
p2p_tracker_server_drop_peer (P2pTrackerServer * self,
    P2pTrackerServerPeer * peer)
{
  P2pTrackerServerConnection *conn = peer->owner;
  P2pTrackerServerSwarm *swarm = peer->swarm;

  g_ptr_array_remove_fast (conn->peers, peer);
  p2p_tracker_server_swarm_remove (swarm, peer);
  if (p2p_tracker_server_swarm_get_size (swarm) == 0)
    g_hash_table_remove (self->swarms,
        p2p_tracker_server_swarm_get_info_hash (swarm));
}

void
p2p_tracker_server_send (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, JsonNode * message)
{
  g_autofree gchar *text = NULL;
  gsize length;

  text = p2p_tracker_server_json_to_string (message, &length);
  if (!p2p_tracker_server_connection_send (conn, text, length))
    return;
  self->counters.messages_out++;

  if (p2p_tracker_server_connection_get_backlog (conn) >
      self->limits.max_send_backlog) {
    self->counters.closed_backlog++;
    p2p_tracker_server_condemn (self, conn,
        SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "send backlog exceeded");
  }
}

/* --- WebSocket connections ---------------------------------------------- */

static void
on_ws_message (SoupWebsocketConnection * ws, gint type, GBytes * message,
    gpointer user_data)
{
  P2pTrackerServerConnection *conn = user_data;
  P2pTrackerServer *self = conn->server;
  const gchar *data;
  gsize length;

  if (conn->state != P2P_TRACKER_SERVER_CONNECTION_OPEN)
    return;

  self->counters.messages_in++;
  p2p_tracker_server_connection_message_seen (conn);
  g_queue_unlink (&self->idle, &conn->link);
  g_queue_push_tail_link (&self->idle, &conn->link);

  data = g_bytes_get_data (message, &length);
  p2p_tracker_server_handle_message (self, conn, data, length);
}

static void
on_ws_error (SoupWebsocketConnection * ws, GError * error, gpointer user_data)
{
  P2pTrackerServerConnection *conn = user_data;
  P2pTrackerServer *self = conn->server;

  GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): %s", conn->id,
      conn->remote, error->message);
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR,
          SOUP_WEBSOCKET_CLOSE_TOO_BIG)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    self->counters.rejected_messages++;
}

static void
on_ws_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  P2pTrackerServerConnection *conn = user_data;
  P2pTrackerServer *self = conn->server;

  GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): closed, code %u",
      conn->id, conn->remote, soup_websocket_connection_get_close_code (ws));

  if (conn->state == P2P_TRACKER_SERVER_CONNECTION_OPEN)
    g_queue_unlink (&self->idle, &conn->link);
  else if (conn->state == P2P_TRACKER_SERVER_CONNECTION_DOOMED)
    g_queue_unlink (&self->doomed, &conn->link);
  while (conn->peers->len > 0)
    p2p_tracker_server_drop_peer (self, g_ptr_array_index (conn->peers, 0));

  conn->state = P2P_TRACKER_SERVER_CONNECTION_CLOSED;
  self->n_open--;
  g_signal_handlers_disconnect_by_data (ws, conn);
  g_ptr_array_add (self->dead, conn);
  reaper_schedule (self);
}

static TcpRecord *
tcp_lookup (P2pTrackerServer * self, const gchar * remote)
{
  return g_hash_table_lookup (self->tcp, remote);
}

static void
on_upgraded (SoupServerMessage * msg, gpointer user_data)
{
  P2pTrackerServer *self = user_data;
  P2pTrackerServerConnection *conn;
  g_autoptr (GIOStream) base = NULL;
  g_autofree gchar *remote = NULL;
  TcpRecord *record;

  g_object_ref (msg);
  remote = address_to_string (soup_server_message_get_remote_address (msg));
  base = soup_server_message_steal_connection (msg);
  if (base == NULL) {
    g_object_unref (msg);
    return;
  }

  record = tcp_lookup (self, remote);
  if (record && record->pending) {
    g_queue_unlink (&self->tcp_pending, &record->link_pending);
    record->pending = FALSE;
  }

  conn = p2p_tracker_server_connection_new (++self->next_id, base,
      soup_server_message_get_uri (msg),
      soup_message_headers_get_one (soup_server_message_get_request_headers
          (msg), "Origin"), remote, self->limits.max_message_size);
  conn->server = self;
  conn->address = p2p_tracker_server_address_ref (self,
      soup_server_message_get_remote_address (msg));
  p2p_tracker_server_bucket_init (&conn->announces,
      self->limits.announce_burst, g_get_monotonic_time ());
  p2p_tracker_server_bucket_init (&conn->offers, self->limits.offer_burst,
      g_get_monotonic_time ());
  g_hash_table_add (self->connections, conn);
  g_queue_push_tail_link (&self->idle, &conn->link);
  self->n_open++;
  self->counters.connections_accepted++;

  g_signal_connect (conn->ws, "message", G_CALLBACK (on_ws_message), conn);
  g_signal_connect (conn->ws, "error", G_CALLBACK (on_ws_error), conn);
  g_signal_connect (conn->ws, "closed", G_CALLBACK (on_ws_closed), conn);
  GST_DEBUG ("connection %" G_GUINT64_FORMAT " (%s): open", conn->id, remote);

  g_object_unref (msg);
}

/* --- HTTP ----------------------------------------------------------------- */

static void
on_http_request (SoupServer * soup, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  P2pTrackerServer *self = user_data;
  static const gchar not_websocket[] =
      "p2pcdn-tracker: a WebSocket tracker; GET /stats for statistics\n";

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL)) {
    soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
    soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
        not_websocket, sizeof (not_websocket) - 1);
    return;
  }
  if (self->n_open >= self->limits.max_connections) {
    self->counters.connections_refused++;
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
        NULL);
    return;
  }
  /* No extensions: permessage-deflate would let a small frame inflate
   * beyond max-message-size. */
  if (soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    g_signal_connect_object (msg, "wrote-informational",
        G_CALLBACK (on_upgraded), self, 0);
}

static void
on_stats_request (SoupServer * soup, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  P2pTrackerServer *self = user_data;
  g_autoptr (JsonNode) stats = NULL;
  gchar *text;
  gsize length;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET
      && soup_server_message_get_method (msg) != SOUP_METHOD_HEAD) {
    soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
        NULL);
    return;
  }
  stats = p2p_tracker_server_get_stats (self);
  text = p2p_tracker_server_json_to_string (stats, &length);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, text, length);
}

/* --- TCP ------------------------------------------------------------------ */

static void
tcp_record_free (TcpRecord * record)
{
  g_free (record->remote);
  record->address->tcp--;
  p2p_tracker_server_address_unref (record->server, record->address);
  g_free (record);
}

static void
tcp_record_gone (gpointer user_data, GObject * where_the_object_was)
{
  TcpRecord *record = user_data;
  P2pTrackerServer *self = record->server;

  if (record->pending)
    g_queue_unlink (&self->tcp_pending, &record->link_pending);
  g_queue_unlink (&self->tcp_all, &record->link_all);
  if (g_hash_table_lookup (self->tcp, record->remote) == record)
    g_hash_table_remove (self->tcp, record->remote);
  tcp_record_free (record);
}

static gboolean
on_incoming (GSocketService * service, GSocketConnection * tcp,
    GObject * source_object, gpointer user_data)
{
  P2pTrackerServer *self = user_data;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (GError) error = NULL;
  P2pTrackerServerAddress *address;
  TcpRecord *record;

  local = g_socket_connection_get_local_address (tcp, NULL);
  remote = g_socket_connection_get_remote_address (tcp, NULL);
  if (local == NULL || remote == NULL
      || self->tcp_all.length >= self->limits.max_connections + HTTP_SLACK) {
    self->counters.connections_refused++;
    g_io_stream_close (G_IO_STREAM (tcp), NULL, NULL);
    return TRUE;
  }
  address = p2p_tracker_server_address_ref (self, remote);
  if (address->tcp >= self->limits.max_connections_per_address) {
    self->counters.refused_address++;
    GST_DEBUG ("%s: over %u connections from this address", address->key,
        self->limits.max_connections_per_address);
    p2p_tracker_server_address_unref (self, address);
    g_io_stream_close (G_IO_STREAM (tcp), NULL, NULL);
    return TRUE;
  }
  address->tcp++;
  g_socket_set_option (g_socket_connection_get_socket (tcp), IPPROTO_TCP,
      TCP_NODELAY, TRUE, NULL);

  record = g_new0 (TcpRecord, 1);
  record->server = self;
  record->tcp = tcp;
  record->remote = address_to_string (remote);
  record->accepted = g_get_monotonic_time ();
  record->link_all.data = record;
  record->link_pending.data = record;
  record->pending = TRUE;
  record->address = address;
  g_queue_push_tail_link (&self->tcp_all, &record->link_all);
  g_queue_push_tail_link (&self->tcp_pending, &record->link_pending);
  g_hash_table_insert (self->tcp, record->remote, record);
  g_object_weak_ref (G_OBJECT (tcp), tcp_record_gone, record);

  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (tcp), local,
          remote, &error)) {
    GST_DEBUG ("%s: %s", record->remote, error->message);
    g_io_stream_close (G_IO_STREAM (tcp), NULL, NULL);
  }
  return TRUE;
}

/* --- timers --------------------------------------------------------------- */

static gboolean
sweeper_run (gpointer user_data)
{
  P2pTrackerServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer address;
  GList *link;

  if (self->limits.idle_timeout > 0) {
    gint64 limit = now - self->limits.idle_timeout * G_TIME_SPAN_SECOND;

    while ((link = self->idle.head)) {
      P2pTrackerServerConnection *conn = link->data;

      if (conn->last_message > limit)
        break;
      self->counters.closed_idle++;
      p2p_tracker_server_condemn (self, conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
          "idle timeout");
    }
  }

  /* A connection that neither upgraded nor finished with HTTP in time is
   * shut down; libsoup then drops it. */
  while ((link = self->tcp_pending.head)) {
    TcpRecord *record = link->data;

    if (now - record->accepted <
        self->limits.handshake_timeout * G_TIME_SPAN_SECOND)
      break;
    GST_DEBUG ("%s: no WebSocket handshake in time", record->remote);
    g_queue_unlink (&self->tcp_pending, &record->link_pending);
    record->pending = FALSE;
    g_socket_shutdown (g_socket_connection_get_socket (record->tcp), TRUE,
        TRUE, NULL);
  }

  g_hash_table_iter_init (&iter, self->addresses);
  while (g_hash_table_iter_next (&iter, NULL, &address))
    if (address_is_forgettable (self, address, now))
      g_hash_table_iter_remove (&iter);
  return G_SOURCE_CONTINUE;
}

/* --- public API ----------------------------------------------------------- */

static void
p2p_tracker_server_dispose (GObject * object)
{
  P2pTrackerServer *self = P2P_TRACKER_SERVER (object);
  GHashTableIter iter;
  gpointer conn;
  GList *link;

  if (self->service) {
    g_socket_service_stop (self->service);
    g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    g_clear_object (&self->service);
  }
  if (self->sweeper) {
    g_source_destroy (self->sweeper);
    g_clear_pointer (&self->sweeper, g_source_unref);
  }
  if (self->reaper) {
    g_source_destroy (self->reaper);
    g_clear_pointer (&self->reaper, g_source_unref);
  }

  if (self->connections) {
    g_hash_table_iter_init (&iter, self->connections);
    while (g_hash_table_iter_next (&iter, &conn, NULL)) {
      P2pTrackerServerConnection *c = conn;

      g_signal_handlers_disconnect_by_data (c->ws, c);
      while (c->peers->len > 0)
        p2p_tracker_server_drop_peer (self, g_ptr_array_index (c->peers, 0));
      p2p_tracker_server_address_unref (self, c->address);
      p2p_tracker_server_connection_free (c);
    }
    g_clear_pointer (&self->connections, g_hash_table_unref);
  }
  g_queue_init (&self->idle);
  g_queue_init (&self->doomed);
  g_clear_pointer (&self->dead, g_ptr_array_unref);

  while ((link = g_queue_pop_head_link (&self->tcp_all))) {
    TcpRecord *record = link->data;

    g_object_weak_unref (G_OBJECT (record->tcp), tcp_record_gone, record);
    tcp_record_free (record);
  }
  g_queue_init (&self->tcp_pending);
  g_clear_pointer (&self->tcp, g_hash_table_unref);

  if (self->soup) {
    soup_server_disconnect (self->soup);
    g_clear_object (&self->soup);
  }
  g_clear_pointer (&self->swarms, g_hash_table_unref);
  g_clear_pointer (&self->addresses, g_hash_table_unref);
  g_clear_pointer (&self->full_scrape, json_object_unref);
  g_clear_pointer (&self->stats_swarms, json_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (p2p_tracker_server_parent_class)->dispose (object);
}

static void
p2p_tracker_server_finalize (GObject * object)
{
  P2pTrackerServer *self = P2P_TRACKER_SERVER (object);

  g_free (self->address);
  G_OBJECT_CLASS (p2p_tracker_server_parent_class)->finalize (object);
}

static void
p2p_tracker_server_class_init (P2pTrackerServerClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = p2p_tracker_server_dispose;
  object_class->finalize = p2p_tracker_server_finalize;
}

static void
p2p_tracker_server_init (P2pTrackerServer * self)
{
  p2p_tracker_limits_init (&self->limits);
  self->swarms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) p2p_tracker_server_swarm_free);
  self->connections = g_hash_table_new (NULL, NULL);
  self->dead = g_ptr_array_new ();
  self->tcp = g_hash_table_new (g_str_hash, g_str_equal);
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) p2p_tracker_server_address_free);
  g_queue_init (&self->idle);
  g_queue_init (&self->doomed);
  g_queue_init (&self->tcp_all);
  g_queue_init (&self->tcp_pending);
}

/**
 * p2p_tracker_server_new:
 * @limits: (nullable): the limits to enforce; NULL = defaults
 *
 * Returns: (transfer full): a server, not yet listening, or NULL if @limits
 *   are out of range.
 */
P2pTrackerServer *
p2p_tracker_server_new (const P2pTrackerLimits * limits, GError ** error)
{
  P2pTrackerServer *self;

  if (limits && !p2p_tracker_limits_check (limits, error))
    return NULL;

  self = g_object_new (P2P_TYPE_TRACKER_SERVER, NULL);
  if (limits)
    self->limits = *limits;
  self->soup = soup_server_new ("server-header", "p2pcdn-tracker ", NULL);
  soup_server_add_handler (self->soup, NULL, on_http_request, self, NULL);
  soup_server_add_handler (self->soup, "/stats", on_stats_request, self,
      NULL);
  return self;
}

/**
 * p2p_tracker_server_start:
 * @context: (nullable): where all the server's sources run; NULL = the
 *   thread-default context
 * @address: an IP address to listen on, e.g. "127.0.0.1" or "::"
 * @port: a TCP port, 0 = any free one (see p2p_tracker_server_get_port())
 */
gboolean
p2p_tracker_server_start (P2pTrackerServer * self, GMainContext * context,
    const gchar * address, guint port, GError ** error)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) wanted = NULL;
  g_autoptr (GSocketAddress) effective = NULL;
  guint period;

  g_return_val_if_fail (P2P_IS_TRACKER_SERVER (self), FALSE);
  g_return_val_if_fail (self->service == NULL, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || port > G_MAXUINT16) {
    g_set_error (error, P2P_TRACKER_SERVER_ERROR,
        P2P_TRACKER_SERVER_ERROR_CONFIG, "cannot listen on %s port %u: "
        "not an IP address and port", address, port);
    return FALSE;
  }
  wanted = g_inet_socket_address_new (inet, port);

  self->context = context ? g_main_context_ref (context) :
      g_main_context_ref_thread_default ();
  g_main_context_push_thread_default (self->context);

  self->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service),
      LISTEN_BACKLOG);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service),
          wanted, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
          &effective, error)) {
    g_main_context_pop_thread_default (self->context);
    g_clear_object (&self->service);
    return FALSE;
  }
  g_socket_service_start (self->service);
  g_main_context_pop_thread_default (self->context);

  self->address = g_strdup (address);
  self->port =
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  /* Fine enough for timeouts of a few seconds in tests, cheap for 240 s. */
  period = MIN (self->limits.handshake_timeout, self->limits.idle_timeout ?
      self->limits.idle_timeout : G_MAXUINT) * 250;
  self->sweeper = g_timeout_source_new (CLAMP (period, 50, 1000));
  g_source_set_callback (self->sweeper, sweeper_run, self, NULL);
  g_source_attach (self->sweeper, self->context);
  return TRUE;
}

guint
p2p_tracker_server_get_port (P2pTrackerServer * self)
{
  g_return_val_if_fail (P2P_IS_TRACKER_SERVER (self), 0);
  return self->port;
}

/* Returns: (transfer full): "ws://ADDRESS:PORT", or NULL before start. */
gchar *
p2p_tracker_server_get_url (P2pTrackerServer * self)
{
  g_return_val_if_fail (P2P_IS_TRACKER_SERVER (self), NULL);
  if (self->address == NULL)
    return NULL;
  if (strchr (self->address, ':'))
    return g_strdup_printf ("ws://[%s]:%u", self->address, self->port);
  return g_strdup_printf ("ws://%s:%u", self->address, self->port);
}

/* Returns: (transfer none): the peer counts of the largest swarms, at most
 * P2P_TRACKER_SERVER_SCRAPE_CACHE_US old: listing them sorts every swarm,
 * which a flood of GET /stats must not make us do each time. */
static JsonArray *
largest_swarms (P2pTrackerServer * self)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr (GPtrArray) swarms = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;
  guint i;

  if (self->stats_swarms
      && now - self->stats_swarms_time < P2P_TRACKER_SERVER_SCRAPE_CACHE_US)
    return self->stats_swarms;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  swarms = p2p_tracker_server_list_swarms (self, P2P_TRACKER_SERVER_LIST_MAX);
  for (i = 0; i < swarms->len; i++) {
    P2pTrackerServerSwarm *s = g_ptr_array_index (swarms, i);
    const gchar *info_hash = p2p_tracker_server_swarm_get_info_hash (s);
    g_autofree gchar *hex = p2p_tracker_server_id_to_hex (info_hash);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "info_hash");
    json_builder_add_string_value (builder, info_hash);
    json_builder_set_member_name (builder, "info_hash_hex");
    json_builder_add_string_value (builder, hex);
    json_builder_set_member_name (builder, "peers");
    json_builder_add_int_value (builder, p2p_tracker_server_swarm_get_size (s));
    json_builder_set_member_name (builder, "complete");
    json_builder_add_int_value (builder,
        p2p_tracker_server_swarm_get_complete (s));
    json_builder_set_member_name (builder, "incomplete");
    json_builder_add_int_value (builder,
        p2p_tracker_server_swarm_get_incomplete (s));
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  node = json_builder_get_root (builder);

  g_clear_pointer (&self->stats_swarms, json_array_unref);
  self->stats_swarms = json_node_dup_array (node);
  json_array_seal (self->stats_swarms);
  self->stats_swarms_time = now;
  return self->stats_swarms;
}

/**
 * p2p_tracker_server_get_stats:
 *
 * Returns: (transfer full): what GET /stats serves: counters since start,
 *   open connections, swarms, and the peer counts of the largest swarms.
 */
JsonNode *
p2p_tracker_server_get_stats (P2pTrackerServer * self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  JsonNode *root;
  GHashTableIter iter;
  gpointer swarm;
  guint64 peers = 0;

  g_return_val_if_fail (P2P_IS_TRACKER_SERVER (self), NULL);

  g_hash_table_iter_init (&iter, self->swarms);
  while (g_hash_table_iter_next (&iter, NULL, &swarm))
    peers += p2p_tracker_server_swarm_get_size (swarm);

#define ADD_INT(name, value) \
  G_STMT_START { \
    json_builder_set_member_name (builder, name); \
    json_builder_add_int_value (builder, (gint64) (value)); \
  } G_STMT_END

  json_builder_begin_object (builder);
  ADD_INT ("connections", self->n_open);
  ADD_INT ("tcp_connections", self->tcp_all.length);
  ADD_INT ("swarms", g_hash_table_size (self->swarms));
  ADD_INT ("peers", peers);
  ADD_INT ("messages_in", self->counters.messages_in);
  ADD_INT ("messages_out", self->counters.messages_out);
  ADD_INT ("offers_forwarded", self->counters.offers_forwarded);
  ADD_INT ("answers_forwarded", self->counters.answers_forwarded);
  ADD_INT ("answers_undeliverable", self->counters.answers_undeliverable);
  ADD_INT ("rejected_messages", self->counters.rejected_messages);
  ADD_INT ("connections_accepted", self->counters.connections_accepted);
  ADD_INT ("connections_refused", self->counters.connections_refused);
  ADD_INT ("connections_closed_idle", self->counters.closed_idle);
  ADD_INT ("connections_closed_backlog", self->counters.closed_backlog);
  ADD_INT ("connections_refused_address", self->counters.refused_address);
  ADD_INT ("announces_rate_limited", self->counters.announces_rate_limited);
  ADD_INT ("offers_rate_limited", self->counters.offers_rate_limited);
  ADD_INT ("answers_unsolicited", self->counters.answers_unsolicited);
  ADD_INT ("swarms_refused", self->counters.swarms_refused);
  ADD_INT ("addresses", g_hash_table_size (self->addresses));

  json_builder_end_object (builder);
#undef ADD_INT

  root = json_builder_get_root (builder);
  json_object_set_array_member (json_node_get_object (root), "swarm_peers",
      json_array_ref (largest_swarms (self)));
  return root;
}
