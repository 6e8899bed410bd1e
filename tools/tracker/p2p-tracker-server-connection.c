/* gst-p2pcdn: one client WebSocket of the tracker and what it announced.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-connection.h"

/* Between two complete messages a client may send this much more than one
 * message: frame headers of a fragmented message, pings, the start of the
 * next message read in the same chunk. */
#define INPUT_SLACK (16 * 1024)

/* An offer forwarded to this connection, which it may answer once.  A
 * 64-bit hash of (info_hash, offerer, offer_id) stands for the ids: 16
 * bytes an offer instead of 60, and a forged answer would have to hit a
 * hash it cannot see. */
typedef struct {
  guint64 key;
  gint64 forwarded;             /* monotonic µs */
} PendingOffer;

static guint64
offer_key (const gchar * info_hash, const gchar * offerer,
    const gchar * offer_id)
{
  const gchar *parts[] = { info_hash, offerer, offer_id };
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  guint i;
  const guchar *p;

  /* FNV-1a; each id ends with its NUL so that parts cannot slide. */
  for (i = 0; i < G_N_ELEMENTS (parts); i++) {
    p = (const guchar *) parts[i];
    do {
      hash ^= *p;
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    } while (*p++);
  }
  return hash;
}

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
  g_clear_pointer (&conn->pending_offers, g_array_unref);
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

/* Remembers an offer forwarded to @conn; past @max_pending, the oldest is
 * forgotten. */
void
p2p_tracker_server_connection_expect_answer (P2pTrackerServerConnection *
    conn, const gchar * info_hash, const gchar * offerer,
    const gchar * offer_id, guint max_pending, gint64 now)
{
  PendingOffer offer = { offer_key (info_hash, offerer, offer_id), now };

  if (max_pending == 0)
    return;
  if (conn->pending_offers == NULL)
    conn->pending_offers = g_array_new (FALSE, FALSE, sizeof (PendingOffer));
  if (conn->pending_offers->len >= max_pending)
    g_array_remove_index (conn->pending_offers, 0);
  g_array_append_val (conn->pending_offers, offer);
}

/* Returns: whether an offer with these ids was forwarded to @conn at or
 * after @oldest and not yet answered; if so, it is answered now. */
gboolean
p2p_tracker_server_connection_take_offer (P2pTrackerServerConnection * conn,
    const gchar * info_hash, const gchar * offerer, const gchar * offer_id,
    gint64 oldest)
{
  guint64 key = offer_key (info_hash, offerer, offer_id);
  guint i, expired = 0;
  gboolean found = FALSE;

  if (conn->pending_offers == NULL)
    return FALSE;
  for (i = 0; i < conn->pending_offers->len; i++) {
    PendingOffer *offer = &g_array_index (conn->pending_offers, PendingOffer,
        i);

    if (offer->forwarded < oldest) {
      expired = i + 1;
    } else if (offer->key == key) {
      g_array_remove_index (conn->pending_offers, i);
      found = TRUE;
      break;
    }
  }
  /* Entries are in forwarding order: the expired ones lead. */
  if (expired > 0)
    g_array_remove_range (conn->pending_offers, 0, expired);
  return found;
}
