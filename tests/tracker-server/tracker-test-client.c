/* gst-p2pcdn: WebSocket and raw TCP clients for the tracker server tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <sys/socket.h>

#include "tracker-test-client.h"

static void
on_message (SoupWebsocketConnection * ws, gint type, GBytes * message,
    gpointer user_data)
{
  TestClient *client = user_data;
  gsize length;
  const gchar *data = g_bytes_get_data (message, &length);

  g_queue_push_tail (&client->received, g_strndup (data, length));
}

static void
on_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  TestClient *client = user_data;

  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (ws);
}

typedef struct {
  gboolean done;
  SoupWebsocketConnection *ws;
  GError *error;
} ConnectResult;

static void
on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  ConnectResult *res = user_data;

  res->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, &res->error);
  res->done = TRUE;
}

TestClient *
test_client_connect (P2pTrackerServer * server, GError ** error)
{
  return test_client_connect_from (server, NULL, error);
}

TestClient *
test_client_connect_from (P2pTrackerServer * server, const gchar * local_ip,
    GError ** error)
{
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (GInetSocketAddress) local = NULL;
  g_autofree gchar *url = p2p_tracker_server_get_url (server);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  ConnectResult res = { FALSE, NULL, NULL };
  TestClient *client;

  if (local_ip)
    local = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string
        (local_ip, 0));
  session = soup_session_new_with_options ("local-address", local, NULL);
  soup_session_websocket_connect_async (session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, on_connected, &res);
  while (!res.done)
    g_main_context_iteration (NULL, TRUE);
  if (res.ws == NULL) {
    g_propagate_error (error, res.error);
    return NULL;
  }

  client = g_new0 (TestClient, 1);
  client->ws = res.ws;
  g_queue_init (&client->received);
  soup_websocket_connection_set_max_incoming_payload_size (client->ws, 0);
  g_signal_connect (client->ws, "message", G_CALLBACK (on_message), client);
  g_signal_connect (client->ws, "closed", G_CALLBACK (on_closed), client);
  return client;
}

void
test_client_send (TestClient * client, const gchar * text)
{
  soup_websocket_connection_send_text (client->ws, text);
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates until @done is set or @timeout_ms passed; TRUE if @done. */
static gboolean
wait_until (gboolean * done, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &expired);

  while (!*done && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *done;
}

gchar *
test_client_receive (TestClient * client, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &expired);

  while (g_queue_is_empty (&client->received) && !expired && !client->closed)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return g_queue_pop_head (&client->received);
}

JsonObject *
test_client_receive_object (TestClient * client, guint timeout_ms)
{
  g_autofree gchar *text = test_client_receive (client, timeout_ms);

  return text ? test_parse_object (text) : NULL;
}

gboolean
test_client_wait_closed (TestClient * client, guint timeout_ms)
{
  return wait_until (&client->closed, timeout_ms);
}

void
test_client_free (TestClient * client)
{
  g_signal_handlers_disconnect_by_data (client->ws, client);
  if (soup_websocket_connection_get_state (client->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->ws, SOUP_WEBSOCKET_CLOSE_NORMAL,
        NULL);
  g_object_unref (client->ws);
  g_queue_clear_full (&client->received, g_free);
  g_free (client);
}

void
test_run_for (guint ms)
{
  gboolean done = FALSE;

  wait_until (&done, ms);
}

JsonObject *
test_parse_object (const gchar * text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error)) {
    g_warning ("not JSON: %s: %s", error->message, text);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root
          (parser)));
}

typedef struct {
  gboolean done;
  GBytes *body;
  guint status;
} FetchResult;

static void
on_fetched (GObject * source, GAsyncResult * result, gpointer user_data)
{
  FetchResult *res = user_data;

  res->body = soup_session_send_and_read_finish (SOUP_SESSION (source),
      result, NULL);
  res->status = soup_message_get_status (soup_session_get_async_result_message
      (SOUP_SESSION (source), result));
  res->done = TRUE;
}

gchar *
test_http_get (P2pTrackerServer * server, const gchar * path, guint * status)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree gchar *url = g_strdup_printf ("http://127.0.0.1:%u%s",
      p2p_tracker_server_get_port (server), path);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  FetchResult res = { FALSE, NULL, 0 };
  gchar *text;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
      on_fetched, &res);
  while (!res.done)
    g_main_context_iteration (NULL, TRUE);
  *status = res.status;
  if (res.body == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (res.body, NULL),
      g_bytes_get_size (res.body));
  g_bytes_unref (res.body);
  return text;
}

JsonObject *
test_get_stats (P2pTrackerServer * server)
{
  guint status;
  g_autofree gchar *text = test_http_get (server, "/stats", &status);

  if (text == NULL || status != SOUP_STATUS_OK)
    return NULL;
  return test_parse_object (text);
}

gchar *
test_id (const gchar * prefix)
{
  GString *id = g_string_new (prefix);

  while (id->len < 20)
    g_string_append_c (id, '0');
  g_string_truncate (id, 20);
  return g_string_free (id, FALSE);
}

/* Distinct for each index, whatever @prefix. */
gchar *
test_offer_id (const gchar * prefix, guint index)
{
  g_autofree gchar *start = g_strdup_printf ("%.12s%u", prefix, index);

  return test_id (start);
}

gchar *
test_announce (const gchar * info_hash, const gchar * peer_id,
    const gchar * event, guint n_offers, const gchar * offer_id_prefix)
{
  GString *text = g_string_new ("{\"action\":\"announce\"");
  guint i;

  g_string_append_printf (text, ",\"info_hash\":\"%s\",\"peer_id\":\"%s\"",
      info_hash, peer_id);
  if (event)
    g_string_append_printf (text, ",\"event\":\"%s\"", event);
  g_string_append_printf (text, ",\"numwant\":%u,\"offers\":[", n_offers);
  for (i = 0; i < n_offers; i++) {
    g_autofree gchar *offer_id = test_offer_id (offer_id_prefix, i);

    g_string_append_printf (text, "%s{\"offer_id\":\"%s\",\"offer\":"
        "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\ns=offer %u\\r\\n\"}}",
        i ? "," : "", offer_id, i);
  }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

/* The raw socket is nonblocking: waiting iterates the default context, so
 * that the server in the same thread keeps running. */
static void
raw_wait (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (1000);
}

static gboolean
raw_write (GSocketConnection * conn, const void *data, gsize length,
    GError ** error)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  gsize done = 0;

  while (done < length) {
    g_autoptr (GError) local = NULL;
    gssize n = g_socket_send (sock, (const gchar *) data + done,
        length - done, NULL, &local);

    if (n < 0 && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
    if (n > 0)
      done += n;
    else
      raw_wait ();
  }
  return TRUE;
}

static gboolean
raw_read_byte (GSocketConnection * conn, gchar * byte, GError ** error)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < deadline) {
    g_autoptr (GError) local = NULL;
    gssize n = g_socket_receive (sock, byte, 1, NULL, &local);

    if (n == 1)
      return TRUE;
    if (n == 0 || !g_error_matches (local, G_IO_ERROR,
            G_IO_ERROR_WOULD_BLOCK)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "closed");
      return FALSE;
    }
    raw_wait ();
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");
  return FALSE;
}

GSocketConnection *
test_raw_connect (P2pTrackerServer * server, gint receive_buffer,
    GError ** error)
{
  g_autoptr (GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autofree gchar *request = NULL;
  gchar response[1024];
  gsize got = 0;
  guint port = p2p_tracker_server_get_port (server);

  if (receive_buffer > 0) {
    g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4,
        G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
    g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
        (G_SOCKET_FAMILY_IPV4);
    g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, port);

    if (sock == NULL)
      return NULL;
    /* Set before connecting so the TCP window stays small. */
    g_socket_set_option (sock, SOL_SOCKET, SO_RCVBUF, receive_buffer, NULL);
    if (!g_socket_connect (sock, addr, NULL, error))
      return NULL;
    conn = g_socket_connection_factory_create_connection (sock);
  } else {
    conn = g_socket_client_connect_to_host (socket_client, "127.0.0.1", port,
        NULL, error);
    if (conn == NULL)
      return NULL;
  }

  request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n", port);
  g_socket_set_blocking (g_socket_connection_get_socket (conn), FALSE);
  if (!raw_write (conn, request, strlen (request), error))
    return NULL;

  /* Read the 101 response byte by byte up to the blank line, so that no
   * frame after it is swallowed. */
  while (got < sizeof (response) - 1) {
    if (!raw_read_byte (conn, response + got, error))
      return NULL;
    got++;
    response[got] = '\0';
    if (got >= 4 && strcmp (response + got - 4, "\r\n\r\n") == 0)
      break;
  }
  if (!g_str_has_prefix (response, "HTTP/1.1 101")) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no upgrade: %s",
        response);
    return NULL;
  }
  return g_steal_pointer (&conn);
}

gboolean
test_raw_send_frame (GSocketConnection * conn, guint8 opcode, gboolean fin,
    const gchar * payload, gsize length, GError ** error)
{
  g_autoptr (GByteArray) frame = g_byte_array_new ();
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  guint8 header[10];
  gsize header_length, i;

  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126) {
    header[1] = 0x80 | length;
    header_length = 2;
  } else if (length <= G_MAXUINT16) {
    header[1] = 0x80 | 126;
    header[2] = length >> 8;
    header[3] = length & 0xff;
    header_length = 4;
  } else {
    header[1] = 0x80 | 127;
    for (i = 0; i < 8; i++)
      header[2 + i] = ((guint64) length >> (56 - 8 * i)) & 0xff;
    header_length = 10;
  }
  g_byte_array_append (frame, header, header_length);
  g_byte_array_append (frame, mask, 4);
  for (i = 0; i < length; i++) {
    guint8 byte = payload[i] ^ mask[i % 4];
    g_byte_array_append (frame, &byte, 1);
  }
  return raw_write (conn, frame->data, frame->len, error);
}

/* Reads and drops until the server closes, through a nonblocking socket so
 * that the default context keeps running the server meanwhile. */
gboolean
test_raw_wait_eof (GSocketConnection * conn, guint timeout_ms)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  gchar buffer[4096];

  while (g_get_monotonic_time () < deadline) {
    g_autoptr (GError) error = NULL;
    gssize n = g_socket_receive (sock, buffer, sizeof (buffer), NULL, &error);

    if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR,
                G_IO_ERROR_WOULD_BLOCK)))
      return TRUE;
    if (n < 0)
      raw_wait ();
  }
  return FALSE;
}
