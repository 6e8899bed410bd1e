/* gst-p2pcdn tests: helpers shared by the transport tests (pairs, transfers).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "transport-test-util.h"

#include <string.h>

static gboolean
test_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default context: a test that pushes a private one
 * proves nothing of ours is dispatched anywhere else. */
gboolean
test_run_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  gboolean timed_out = FALSE;
  GSource *timer = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timer, test_flag_cb, &timed_out, NULL);
  g_source_attach (timer, context);
  while (!done (data) && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  g_main_context_unref (context);
  return done (data);
}

static gboolean
test_on_own_context (void)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  gboolean owner = g_main_context_is_owner (context);

  g_main_context_unref (context);
  return owner;
}

static gboolean
test_flag_set (gpointer data)
{
  return *(const gboolean *) data;
}

gboolean
test_run_until_flag (const gboolean * flag, guint timeout_ms)
{
  return test_run_until (test_flag_set, (gpointer) flag, timeout_ms);
}

static gboolean
test_never (gpointer data)
{
  return FALSE;
}

void
test_sleep (guint ms)
{
  test_run_until (test_never, NULL, ms);
}

static void
test_peer_check_context (TestPeer * peer)
{
  if (!test_on_own_context ())
    peer->wrong_context++;
}

static void
test_peer_on_open (P2pPeerConnection * conn, TestPeer * peer)
{
  test_peer_check_context (peer);
  g_assert_false (peer->opened);
  peer->opened = TRUE;
}

static void
test_peer_on_closed (P2pPeerConnection * conn, P2pCloseReason reason,
    GError * error, TestPeer * peer)
{
  test_peer_check_context (peer);
  g_assert_false (peer->closed);
  g_assert_nonnull (error);
  peer->closed = TRUE;
  peer->reason = reason;
  peer->close_error = g_error_copy (error);
  peer->closed_at = g_get_monotonic_time ();
}

void
test_peer_init (TestPeer * peer, P2pTransport * transport)
{
  memset (peer, 0, sizeof (*peer));
  peer->conn = p2p_transport_create_connection (transport);
  g_assert_cmpint (p2p_peer_connection_get_state (peer->conn), ==,
      P2P_PEER_CONNECTION_STATE_NEW);
  g_signal_connect (peer->conn, "open", G_CALLBACK (test_peer_on_open), peer);
  g_signal_connect (peer->conn, "closed", G_CALLBACK (test_peer_on_closed),
      peer);
}

void
test_peer_clear (TestPeer * peer)
{
  g_assert_cmpuint (peer->wrong_context, ==, 0);
  if (peer->conn != NULL) {
    g_signal_handlers_disconnect_by_data (peer->conn, peer);
    p2p_peer_connection_close (peer->conn);
    g_clear_object (&peer->conn);
  }
  g_clear_pointer (&peer->sdp, g_free);
  g_clear_error (&peer->sdp_error);
  g_clear_error (&peer->close_error);
}

static void
test_peer_offer_cb (GObject * source, GAsyncResult * result, gpointer data)
{
  TestPeer *peer = data;

  test_peer_check_context (peer);
  peer->sdp = p2p_peer_connection_create_offer_finish (P2P_PEER_CONNECTION
      (source), result, &peer->sdp_error);
  peer->sdp_done = TRUE;
}

static void
test_peer_answer_cb (GObject * source, GAsyncResult * result, gpointer data)
{
  TestPeer *peer = data;

  test_peer_check_context (peer);
  peer->sdp = p2p_peer_connection_accept_offer_finish (P2P_PEER_CONNECTION
      (source), result, &peer->sdp_error);
  peer->sdp_done = TRUE;
}

void
test_peer_offer (TestPeer * peer)
{
  p2p_peer_connection_create_offer_async (peer->conn, NULL,
      test_peer_offer_cb, peer);
}

void
test_peer_accept (TestPeer * peer, const gchar * offer)
{
  p2p_peer_connection_accept_offer_async (peer->conn, offer, NULL,
      test_peer_answer_cb, peer);
}

static gboolean
test_pair_open (gpointer data)
{
  TestPeer **pair = data;

  return (pair[0]->opened && pair[1]->opened) || pair[0]->closed ||
      pair[1]->closed;
}

void
test_connect_pair (TestPeer * a, TestPeer * b, guint timeout_ms)
{
  TestPeer *pair[2] = { a, b };
  g_autoptr (GError) error = NULL;

  test_peer_offer (a);
  g_assert_true (test_run_until_flag (&a->sdp_done, timeout_ms));
  g_assert_no_error (a->sdp_error);
  g_assert_cmpint (p2p_peer_connection_get_state (a->conn), ==,
      P2P_PEER_CONNECTION_STATE_HAVE_OFFER);

  test_peer_accept (b, a->sdp);
  g_assert_true (test_run_until_flag (&b->sdp_done, timeout_ms));
  g_assert_no_error (b->sdp_error);
  g_assert_cmpint (p2p_peer_connection_get_state (b->conn), ==,
      P2P_PEER_CONNECTION_STATE_CONNECTING);

  g_assert_true (p2p_peer_connection_set_answer (a->conn, b->sdp, &error));
  g_assert_no_error (error);
  g_assert_true (test_run_until (test_pair_open, pair, timeout_ms));
  g_assert_false (a->closed);
  g_assert_false (b->closed);
  g_assert_true (a->opened && b->opened);
}

static GBytes *
test_flow_make_message (TestFlow * flow)
{
  gsize size = MIN (flow->msg_size, flow->total - flow->sent);
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i + 4 <= size; i += 4) {
    guint32 r = g_rand_int (flow->rand);

    memcpy (data + i, &r, 4);
  }
  for (; i < size; i++)
    data[i] = (guint8) g_rand_int (flow->rand);
  return g_bytes_new_take (data, size);
}

static void
test_flow_pump (TestFlow * flow)
{
  P2pPeerConnection *conn = flow->tx->conn;

  while (flow->sent < flow->total && flow->send_error == NULL) {
    GError *error = NULL;
    gsize size;
    gconstpointer data;

    if (flow->pending == NULL)
      flow->pending = test_flow_make_message (flow);
    if (!p2p_peer_connection_send (conn, flow->pending, &error)) {
      if (g_error_matches (error, P2P_TRANSPORT_ERROR,
              P2P_TRANSPORT_ERROR_WOULD_BLOCK)) {
        /* Not re-checked with is_writable(): WebRTC drains the buffer on
         * its own threads, so the amount may already be lower. */
        flow->would_block++;
        g_error_free (error);
      } else {
        flow->send_error = error;
      }
      return;
    }
    data = g_bytes_get_data (flow->pending, &size);
    g_checksum_update (flow->tx_sum, data, size);
    flow->sent += size;
    g_clear_pointer (&flow->pending, g_bytes_unref);
    flow->max_buffered = MAX (flow->max_buffered,
        p2p_peer_connection_get_buffered_amount (conn));
  }
}

static void
test_flow_on_writable (P2pPeerConnection * conn, TestFlow * flow)
{
  g_assert_true (test_on_own_context ());
  g_assert_true (p2p_peer_connection_is_writable (conn));
  flow->writable++;
  test_flow_pump (flow);
}

static void
test_flow_on_message (P2pPeerConnection * conn, GBytes * message,
    TestFlow * flow)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (message, &size);
  gsize expected = MIN (flow->msg_size, flow->total - flow->received);

  g_assert_true (test_on_own_context ());
  if (size != expected)
    flow->bad_sizes++;
  g_checksum_update (flow->rx_sum, data, size);
  flow->received += size;
}

void
test_flow_start (TestFlow * flow, TestPeer * tx, TestPeer * rx,
    guint64 total, gsize msg_size, guint32 seed)
{
  memset (flow, 0, sizeof (*flow));
  flow->tx = tx;
  flow->rx = rx;
  flow->total = total;
  flow->msg_size = msg_size;
  flow->high = p2p_transport_get_buffered_high
      (p2p_peer_connection_get_transport (tx->conn));
  flow->rand = g_rand_new_with_seed (seed);
  flow->tx_sum = g_checksum_new (G_CHECKSUM_SHA256);
  flow->rx_sum = g_checksum_new (G_CHECKSUM_SHA256);
  flow->message_id = g_signal_connect (rx->conn, "message",
      G_CALLBACK (test_flow_on_message), flow);
  flow->writable_id = g_signal_connect (tx->conn, "writable",
      G_CALLBACK (test_flow_on_writable), flow);
  test_flow_pump (flow);
}

gboolean
test_flow_done (gpointer data)
{
  TestFlow *flow = data;

  return flow->received >= flow->total || flow->send_error != NULL ||
      flow->tx->closed || flow->rx->closed;
}

void
test_flow_check (TestFlow * flow)
{
  if (flow->tx->closed)
    g_test_message ("sender closed: %s", flow->tx->close_error->message);
  if (flow->rx->closed)
    g_test_message ("receiver closed: %s", flow->rx->close_error->message);
  g_assert_no_error (flow->send_error);
  g_assert_false (flow->tx->closed);
  g_assert_false (flow->rx->closed);
  g_assert_cmpuint (flow->sent, ==, flow->total);
  g_assert_cmpuint (flow->received, ==, flow->total);
  g_assert_cmpstr (g_checksum_get_string (flow->tx_sum), ==,
      g_checksum_get_string (flow->rx_sum));
  g_assert_cmpuint (flow->bad_sizes, ==, 0);
  /* send() refuses at the high mark, so one message at most goes over. */
  g_assert_cmpuint (flow->max_buffered, <=, flow->high + flow->msg_size);
}

void
test_flow_clear (TestFlow * flow)
{
  if (flow->rx->conn != NULL)
    g_signal_handler_disconnect (flow->rx->conn, flow->message_id);
  if (flow->tx->conn != NULL)
    g_signal_handler_disconnect (flow->tx->conn, flow->writable_id);
  g_clear_pointer (&flow->rand, g_rand_free);
  g_clear_pointer (&flow->pending, g_bytes_unref);
  g_clear_pointer (&flow->tx_sum, g_checksum_free);
  g_clear_pointer (&flow->rx_sum, g_checksum_free);
  g_clear_error (&flow->send_error);
}
