/* gst-p2pcdn: one client WebSocket of the tracker and what it announced.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-connection.h"

/* Between two complete messages a client may send this much more than one
 * message: frame headers of a fragmented message, pings, the start of the
 * next message read in the same chunk. */
#define INPUT_SLACK (16 * 1024)

P2pTrackerServerConnection *
p2p_tracker_server_connection_new (guint64 id, GIOStream * base, GUri * uri,
    const gchar * origin, const gchar * remote, gsize max_message_size)
{
  P2pTrackerServerConnection *conn = g_new0 (P2pTrackerServerConnection, 1);
  g_autoptr (GInputStream) input = NULL;
  g_autoptr (GOutputStream) output = NULL;
  g_autoptr (GIOStream) wrapped = NULL;

  conn->id = id;
  conn->remote = g_strdup (remote);
  conn->base = g_object_ref (base);

  input = p2p_tracker_server_metered_input_new (g_io_stream_get_input_stream
      (base), 2 * (guint64) max_message_size + INPUT_SLACK);
  output = p2p_tracker_server_metered_output_new (g_io_stream_get_output_stream
      (base));
  /* Closing the wrapper must not touch the base: we close it ourselves
   * once libsoup is done, see p2p_tracker_server_connection_free(). */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input),
      FALSE);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM
      (output), FALSE);
  conn->input = g_object_ref (P2P_TRACKER_SERVER_METERED_INPUT (input));
  conn->output = g_object_ref (P2P_TRACKER_SERVER_METERED_OUTPUT (output));

  wrapped = g_simple_io_stream_new (input, output);
  conn->ws = soup_websocket_connection_new (wrapped, uri,
      SOUP_WEBSOCKET_CONNECTION_SERVER, origin, NULL, NULL);
  soup_websocket_connection_set_max_incoming_payload_size (conn->ws,
      max_message_size);
  /* Idle clients are closed by the server's own timer. */
  soup_websocket_connection_set_keepalive_interval (conn->ws, 0);

  conn->state = P2P_TRACKER_SERVER_CONNECTION_OPEN;
  conn->link.data = conn;
  conn->last_message = g_get_monotonic_time ();
  conn->peers = g_ptr_array_new ();
  return conn;
}

void
p2p_tracker_server_connection_free (P2pTrackerServerConnection * conn)
{
  g_return_if_fail (conn->peers->len == 0);

  g_clear_object (&conn->ws);
  /* A plain TCP close does not block. */
  g_io_stream_close (conn->base, NULL, NULL);
  g_object_unref (conn->base);
  g_object_unref (conn->input);
  g_object_unref (conn->output);
  g_ptr_array_unref (conn->peers);
  g_free (conn->remote);
  g_free (conn);
}

static guint
frame_header_length (gsize payload)
{
  return payload < 126 ? 2 : payload <= G_MAXUINT16 ? 4 : 10;
}

gboolean
p2p_tracker_server_connection_send (P2pTrackerServerConnection * conn,
    const gchar * text, gsize length)
{
  if (conn->state != P2P_TRACKER_SERVER_CONNECTION_OPEN
      || soup_websocket_connection_get_state (conn->ws) !=
      SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  soup_websocket_connection_send_text (conn->ws, text);
  conn->queued += length + frame_header_length (length);
  return TRUE;
}

guint64
p2p_tracker_server_connection_get_backlog (P2pTrackerServerConnection * conn)
{
  guint64 written = p2p_tracker_server_metered_output_get_total (conn->output);

  /* Pongs and the close frame are written but never queued by us. */
  return conn->queued > written ? conn->queued - written : 0;
}

void
p2p_tracker_server_connection_message_seen (P2pTrackerServerConnection * conn)
{
  conn->last_message = g_get_monotonic_time ();
  p2p_tracker_server_metered_input_restart (conn->input);
}
