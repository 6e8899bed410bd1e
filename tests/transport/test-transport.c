/* gst-p2pcdn tests: the peer transport contract, run on the fake and on WebRTC.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The same tests run against both backends (--backend=fake|webrtc); those
 * that need real WebRTC (browser SDP, a killed peer process) only against
 * webrtcbin.  All WebRTC traffic stays on this host (host candidates,
 * loopback and local addresses).
 */
#include "transport-test-util.h"
#include "p2p-fake-transport.h"
#include "p2p-webrtc-transport.h"
#include "chromium-offer.h"

#include <gst/sdp/sdp.h>
#include <stdio.h>
#include <string.h>

#define MIB (1024 * 1024)

static gboolean use_webrtc;

static P2pTransport *
make_transport (void)
{
  GMainContext *context = g_main_context_get_thread_default ();
  GError *error = NULL;
  P2pTransport *transport;

  if (!use_webrtc)
    return p2p_fake_transport_new (context);
  transport = p2p_webrtc_transport_new (context, &error);
  g_assert_no_error (error);
  return transport;
}

static void
drop_transport (P2pTransport * transport)
{
  if (use_webrtc) {
    P2pWebrtcTransport *webrtc = P2P_WEBRTC_TRANSPORT (transport);

    /* Trap 1 of transport.md: a teardown that hangs shows up here. */
    g_assert_true (p2p_webrtc_transport_wait_teardowns (webrtc, 5000));
    g_test_message ("slowest teardown %.1f ms",
        p2p_webrtc_transport_get_max_teardown_time (webrtc) / 1000.0);
    g_assert_cmpint (p2p_webrtc_transport_get_max_teardown_time (webrtc), <,
        2 * G_USEC_PER_SEC);
  }
  g_object_unref (transport);
}

/* The way a peer dies in this process: the fake can vanish without a word;
 * a webrtcbin can only be closed (the real death is test_killed_process). */
static void
kill_peer (TestPeer * peer)
{
  if (use_webrtc)
    p2p_peer_connection_close (peer->conn);
  else
    p2p_fake_transport_kill (peer->conn);
}

static gboolean
is_lower_hex (const gchar * s)
{
  for (; *s; s++)
    if (!g_ascii_isxdigit (*s) || g_ascii_isupper (*s))
      return FALSE;
  return TRUE;
}

static void
test_open (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a, b;
  const gchar *label;

  test_peer_init (&a, ta);
  test_peer_init (&b, tb);
  test_connect_pair (&a, &b, 20000);

  label = p2p_peer_connection_get_label (a.conn);
  g_assert_cmpuint (strlen (label), ==, 40);
  g_assert_true (is_lower_hex (label));
  g_assert_cmpstr (p2p_peer_connection_get_label (b.conn), ==, label);
  g_assert_true (p2p_peer_connection_is_offerer (a.conn));
  g_assert_false (p2p_peer_connection_is_offerer (b.conn));
  g_assert_cmpint (p2p_peer_connection_get_state (a.conn), ==,
      P2P_PEER_CONNECTION_STATE_OPEN);
  g_assert_cmpint (p2p_peer_connection_get_state (b.conn), ==,
      P2P_PEER_CONNECTION_STATE_OPEN);
  g_assert_cmpuint (p2p_peer_connection_get_max_message_size (a.conn), ==,
      65536);
  g_assert_cmpuint (p2p_peer_connection_get_max_message_size (b.conn), ==,
      65536);
  g_assert_cmpint (p2p_peer_connection_get_setup_time (a.conn), >, 0);
  g_assert_cmpint (p2p_peer_connection_get_setup_time (a.conn), <,
      15 * G_USEC_PER_SEC);
  g_assert_cmpint (p2p_peer_connection_get_last_receive_time (b.conn), >, 0);
  g_assert_true (p2p_peer_connection_is_writable (a.conn));
  g_assert_cmpuint (p2p_peer_connection_get_buffered_amount (a.conn), ==, 0);
  g_test_message ("offer to open: %.1f ms",
      p2p_peer_connection_get_setup_time (a.conn) / 1000.0);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
}

static gboolean
flows_done (gpointer data)
{
  TestFlow **flows = data;
  guint i;

  for (i = 0; flows[i] != NULL; i++)
    if (!test_flow_done (flows[i]))
      return FALSE;
  return TRUE;
}

static void
test_transfer (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a, b;
  TestFlow ab, ba;
  TestFlow *flows[] = { &ab, &ba, NULL };
  gint64 start, took, closed_at;

  test_peer_init (&a, ta);
  test_peer_init (&b, tb);
  test_connect_pair (&a, &b, 20000);

  start = g_get_monotonic_time ();
  test_flow_start (&ab, &a, &b, 10 * MIB, 64 * 1024, 1);
  test_flow_start (&ba, &b, &a, 10 * MIB, 64 * 1024, 2);
  g_assert_true (test_run_until (flows_done, flows, 120000));
  took = g_get_monotonic_time () - start;
  test_flow_check (&ab);
  test_flow_check (&ba);
  /* Back-pressure really was exercised, both ways of resuming. */
  g_assert_cmpuint (ab.would_block, >, 0);
  g_assert_cmpuint (ab.writable, >, 0);
  g_assert_cmpuint (ba.would_block, >, 0);
  g_assert_cmpuint (ba.writable, >, 0);
  g_test_message ("2 x 10 MiB in %.2f s (%.1f MB/s total), %u/%u stalls",
      took / 1e6, 2 * 10 * MIB / (took / 1e6) / 1e6, ab.would_block,
      ba.would_block);
  test_flow_clear (&ab);
  test_flow_clear (&ba);

  /* A polite close reaches the remote, and not the closer. */
  closed_at = g_get_monotonic_time ();
  p2p_peer_connection_close (a.conn);
  g_assert_cmpint (p2p_peer_connection_get_state (a.conn), ==,
      P2P_PEER_CONNECTION_STATE_CLOSED);
  g_assert_true (test_run_until_flag (&b.closed, 5000));
  g_assert_cmpint (b.reason, ==, P2P_CLOSE_REASON_REMOTE);
  g_assert_false (a.closed);
  g_test_message ("remote saw the close after %.1f ms",
      (b.closed_at - closed_at) / 1000.0);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
}

static gboolean
flows_started (gpointer data)
{
  TestFlow **flows = data;

  return flows[0]->received >= 2 * MIB && flows[1]->received >= 2 * MIB;
}

static gboolean
both_closed (gpointer data)
{
  TestPeer **peers = data;

  return peers[0]->closed && peers[1]->closed;
}

static void
test_teardown_mid_transfer (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a[3], b[3];
  TestFlow f[3];
  TestFlow *started[] = { &f[0], &f[1], NULL };
  TestFlow *last[] = { &f[2], NULL };
  TestPeer *orphans[] = { &a[0], &b[1] };
  gint64 t0, t1;
  guint i;

  /* Nothing tells a peer that its remote went away mid-transfer except,
   * at worst, silence (transport.md trap 2). */
  g_object_set (ta, "inactivity-timeout", 3000, NULL);
  g_object_set (tb, "inactivity-timeout", 3000, NULL);

  for (i = 0; i < 3; i++) {
    test_peer_init (&a[i], ta);
    test_peer_init (&b[i], tb);
    test_connect_pair (&a[i], &b[i], 20000);
  }
  test_flow_start (&f[0], &a[0], &b[0], 500 * MIB, 64 * 1024, 10);
  test_flow_start (&f[1], &a[1], &b[1], 500 * MIB, 64 * 1024, 11);
  test_flow_start (&f[2], &a[2], &b[2], 10 * MIB, 64 * 1024, 12);
  g_assert_true (test_run_until (flows_started, started, 30000));

  /* The receiver of pair 0 and the sender of pair 1, whose buffer is full
   * of queued data (trap 1), go away while pair 2 keeps going. */
  t0 = g_get_monotonic_time ();
  p2p_peer_connection_close (b[0].conn);
  p2p_peer_connection_close (a[1].conn);
  t1 = g_get_monotonic_time ();
  g_test_message ("two close() calls took %.2f ms", (t1 - t0) / 1000.0);
  g_assert_cmpint (t1 - t0, <, 100 * G_TIME_SPAN_MILLISECOND);

  g_assert_true (test_run_until (flows_done, last, 60000));
  test_flow_check (&f[2]);

  g_assert_true (test_run_until (both_closed, orphans, 15000));
  g_test_message ("orphaned sender: %s after %.1f s (%s); orphaned receiver: "
      "%s after %.1f s (%s)", p2p_close_reason_to_string (a[0].reason),
      (a[0].closed_at - t0) / 1e6, a[0].close_error->message,
      p2p_close_reason_to_string (b[1].reason), (b[1].closed_at - t0) / 1e6,
      b[1].close_error->message);
  /* A sender whose remote resets the stream under it may also see the
   * data channel fail; any of these ends it, an open timeout would not. */
  g_assert_true (a[0].reason == P2P_CLOSE_REASON_REMOTE ||
      a[0].reason == P2P_CLOSE_REASON_INACTIVE ||
      a[0].reason == P2P_CLOSE_REASON_FAILED);
  g_assert_true (b[1].reason == P2P_CLOSE_REASON_REMOTE ||
      b[1].reason == P2P_CLOSE_REASON_INACTIVE ||
      b[1].reason == P2P_CLOSE_REASON_FAILED);
  g_assert_false (b[0].closed);
  g_assert_false (a[1].closed);

  for (i = 0; i < 3; i++) {
    test_flow_clear (&f[i]);
    test_peer_clear (&a[i]);
    test_peer_clear (&b[i]);
  }
  drop_transport (ta);
  drop_transport (tb);
}

static void
test_open_timeout (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a, b;
  g_autoptr (GError) error = NULL;
  gint64 t0;

  g_object_set (ta, "open-timeout", 1000, NULL);
  test_peer_init (&a, ta);
  test_peer_init (&b, tb);
  test_peer_offer (&a);
  g_assert_true (test_run_until_flag (&a.sdp_done, 10000));
  test_peer_accept (&b, a.sdp);
  g_assert_true (test_run_until_flag (&b.sdp_done, 10000));
  g_assert_no_error (b.sdp_error);

  /* The answerer is gone before the answer arrives. */
  kill_peer (&b);
  t0 = g_get_monotonic_time ();
  g_assert_true (p2p_peer_connection_set_answer (a.conn, b.sdp, &error));
  g_assert_true (test_run_until_flag (&a.closed, 10000));
  g_assert_false (a.opened);
  g_test_message ("unopened connection closed (%s) after %.2f s",
      p2p_close_reason_to_string (a.reason),
      (a.closed_at - t0) / 1e6);
  g_assert_true (a.reason == P2P_CLOSE_REASON_OPEN_TIMEOUT ||
      a.reason == P2P_CLOSE_REASON_FAILED);
  if (a.reason == P2P_CLOSE_REASON_OPEN_TIMEOUT)
    g_assert_error (a.close_error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_TIMEOUT);
  g_assert_cmpint (a.closed_at - t0, <, 3 * G_USEC_PER_SEC);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
}

static void
test_dead_peer (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a, b;
  TestFlow flow;
  gint64 t0;

  g_object_set (ta, "inactivity-timeout", 1000, NULL);
  test_peer_init (&a, ta);
  test_peer_init (&b, tb);
  test_connect_pair (&a, &b, 20000);

  /* Traffic in both directions keeps an idle-prone connection alive. */
  test_flow_start (&flow, &a, &b, 2 * MIB, 16 * 1024, 3);
  g_assert_true (test_run_until (test_flow_done, &flow, 30000));
  test_flow_check (&flow);
  test_flow_clear (&flow);

  kill_peer (&b);
  t0 = g_get_monotonic_time ();
  /* The survivor keeps sending into the void until its buffer is full. */
  test_flow_start (&flow, &a, &b, 64 * MIB, 64 * 1024, 4);
  g_assert_true (test_run_until_flag (&a.closed, 5000));
  g_test_message ("dead peer detected (%s) after %.2f s, %u stalls",
      p2p_close_reason_to_string (a.reason), (a.closed_at - t0) / 1e6,
      flow.would_block);
  if (!use_webrtc) {
    g_assert_cmpint (a.reason, ==, P2P_CLOSE_REASON_INACTIVE);
    g_assert_error (a.close_error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_TIMEOUT);
    g_assert_cmpuint (flow.would_block, >, 0);
    g_assert_cmpuint (flow.received, ==, 0);
  }
  g_assert_false (b.closed);
  test_flow_clear (&flow);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
}

static void
test_idle_survives (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a, b;

  /* Without an inactivity timeout a silent, healthy peer stays. */
  test_peer_init (&a, ta);
  test_peer_init (&b, tb);
  test_connect_pair (&a, &b, 20000);
  test_sleep (1500);
  g_assert_false (a.closed);
  g_assert_false (b.closed);
  g_assert_cmpint (p2p_peer_connection_get_state (a.conn), ==,
      P2P_PEER_CONNECTION_STATE_OPEN);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
}

static void
expect_accept_error (P2pTransport * transport, const gchar * sdp, gint code)
{
  TestPeer p;

  test_peer_init (&p, transport);
  test_peer_accept (&p, sdp);
  g_assert_true (test_run_until_flag (&p.sdp_done, 10000));
  g_assert_null (p.sdp);
  g_assert_error (p.sdp_error, P2P_TRANSPORT_ERROR, code);
  g_assert_cmpint (p2p_peer_connection_get_state (p.conn), ==,
      P2P_PEER_CONNECTION_STATE_CLOSED);
  g_assert_false (p.closed);
  test_peer_clear (&p);
}

static void
test_errors (void)
{
  P2pTransport *ta = make_transport (), *tb = make_transport ();
  TestPeer a, b, c;
  g_autofree gchar *huge = g_strnfill (P2P_TRANSPORT_MAX_SDP_SIZE + 1, 'a');
  g_autofree gchar *big = g_malloc0 (65537);
  g_autoptr (GBytes) too_big = g_bytes_new_static (big, 65537);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) one = g_bytes_new_static ("x", 1);
  GError *error = NULL;

  expect_accept_error (tb, "garbage", P2P_TRANSPORT_ERROR_INVALID_SDP);
  expect_accept_error (tb, "", P2P_TRANSPORT_ERROR_INVALID_SDP);
  expect_accept_error (tb, huge, P2P_TRANSPORT_ERROR_INVALID_SDP);

  test_peer_init (&a, ta);
  g_assert_false (p2p_peer_connection_send (a.conn, one, &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (p2p_peer_connection_set_answer (a.conn, "v=0\r\n", &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_INVALID_STATE);
  g_clear_error (&error);

  test_peer_init (&b, tb);
  test_connect_pair (&a, &b, 20000);

  /* A second offer on a used connection, and a bad answer, are refused
   * without harming it. */
  test_peer_init (&c, ta);
  test_peer_offer (&c);
  g_assert_true (test_run_until_flag (&c.sdp_done, 10000));
  g_assert_false (p2p_peer_connection_set_answer (c.conn, "garbage",
          &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP);
  g_clear_error (&error);
  g_assert_cmpint (p2p_peer_connection_get_state (c.conn), ==,
      P2P_PEER_CONNECTION_STATE_HAVE_OFFER);
  test_peer_clear (&c);

  g_assert_false (p2p_peer_connection_send (a.conn, empty, &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_MESSAGE_SIZE);
  g_clear_error (&error);
  g_assert_false (p2p_peer_connection_send (a.conn, too_big, &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_MESSAGE_SIZE);
  g_clear_error (&error);
  g_assert_true (p2p_peer_connection_send (a.conn, one, &error));
  g_assert_no_error (error);

  p2p_peer_connection_close (a.conn);
  p2p_peer_connection_close (a.conn);
  g_assert_false (p2p_peer_connection_send (a.conn, one, &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_CLOSED);
  g_clear_error (&error);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
}

static void
test_cancel_and_close_pending (void)
{
  P2pTransport *ta = make_transport ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  TestPeer a, b, c;

  test_peer_init (&a, ta);
  p2p_peer_connection_create_offer_async (a.conn, cancellable, NULL, NULL);
  g_cancellable_cancel (cancellable);
  test_sleep (50);
  g_assert_cmpint (p2p_peer_connection_get_state (a.conn), ==,
      P2P_PEER_CONNECTION_STATE_CLOSED);

  test_peer_init (&b, ta);
  test_peer_offer (&b);
  p2p_peer_connection_close (b.conn);
  g_assert_true (test_run_until_flag (&b.sdp_done, 5000));
  g_assert_error (b.sdp_error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_CLOSED);
  g_assert_false (b.closed);

  /* An offer nobody answers is simply dropped. */
  test_peer_init (&c, ta);
  test_peer_offer (&c);
  g_assert_true (test_run_until_flag (&c.sdp_done, 10000));
  g_assert_no_error (c.sdp_error);
  test_peer_clear (&c);

  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
}

static void
cancelled_cb (GObject * source, GAsyncResult * result, gpointer data)
{
  GError **error = data;

  g_assert_null (p2p_peer_connection_create_offer_finish (P2P_PEER_CONNECTION
          (source), result, error));
}

static void
test_cancel_error (void)
{
  P2pTransport *ta = make_transport ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  P2pPeerConnection *conn = p2p_transport_create_connection (ta);
  GError *error = NULL;

  p2p_peer_connection_create_offer_async (conn, cancellable, cancelled_cb,
      &error);
  g_cancellable_cancel (cancellable);
  while (error == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_object_unref (conn);
  drop_transport (ta);
}

static gboolean
all_flows_done (gpointer data)
{
  GPtrArray *flows = data;
  guint i;

  for (i = 0; i < flows->len; i++)
    if (!test_flow_done (g_ptr_array_index (flows, i)))
      return FALSE;
  return TRUE;
}

static void
test_many (void)
{
  enum { N = 6 };
  P2pTransport *hub = make_transport (), *leaves = make_transport ();
  TestPeer a[N], b[N];
  TestFlow f[N];
  g_autoptr (GPtrArray) flows = g_ptr_array_new ();
  guint i;

  /* One hub transport fanning out to N peers at once. */
  for (i = 0; i < N; i++) {
    test_peer_init (&a[i], hub);
    test_peer_init (&b[i], leaves);
    test_connect_pair (&a[i], &b[i], 20000);
  }
  for (i = 0; i < N; i++) {
    test_flow_start (&f[i], &a[i], &b[i], 2 * MIB, 64 * 1024, 100 + i);
    g_ptr_array_add (flows, &f[i]);
  }
  g_assert_true (test_run_until (all_flows_done, flows, 60000));
  for (i = 0; i < N; i++) {
    test_flow_check (&f[i]);
    test_flow_clear (&f[i]);
    test_peer_clear (&a[i]);
    test_peer_clear (&b[i]);
  }
  drop_transport (hub);
  drop_transport (leaves);
}

/* Both ends on a private context that only this thread iterates, the
 * global default never: everything must still arrive (on the private one:
 * the handlers check). */
static void
test_private_context (void)
{
  GMainContext *context = g_main_context_new ();
  P2pTransport *ta, *tb;
  TestPeer a, b;
  TestFlow flow;

  g_main_context_push_thread_default (context);
  ta = make_transport ();
  tb = make_transport ();
  g_assert_true (p2p_transport_get_context (ta) == context);
  test_peer_init (&a, ta);
  test_peer_init (&b, tb);
  test_connect_pair (&a, &b, 20000);
  test_flow_start (&flow, &b, &a, 4 * MIB, 64 * 1024, 7);
  g_assert_true (test_run_until (test_flow_done, &flow, 30000));
  test_flow_check (&flow);
  test_flow_clear (&flow);
  p2p_peer_connection_close (b.conn);
  g_assert_true (test_run_until_flag (&a.closed, 5000));
  g_assert_cmpint (a.reason, ==, P2P_CLOSE_REASON_REMOTE);
  test_peer_clear (&a);
  test_peer_clear (&b);
  drop_transport (ta);
  drop_transport (tb);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

static void
test_ice_servers (void)
{
  P2pTransport *t = make_transport ();
  const gchar *turn_ok[] = { "turn://user:pass@turn.example:3478",
    "turns://u:p@turn.example:5349?transport=tcp", NULL
  };
  const gchar *turn_nopass[] = { "turn://turn.example:3478", NULL };
  GError *error = NULL;

  g_assert_true (p2p_transport_set_ice_servers (t,
          "stun://stun.example:3478", turn_ok, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (p2p_transport_get_stun_server (t), ==,
      "stun://stun.example:3478");
  g_assert_cmpuint (g_strv_length ((gchar **)
          p2p_transport_get_turn_servers (t)), ==, 2);

  g_assert_false (p2p_transport_set_ice_servers (t, "http://x", NULL,
          &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (p2p_transport_set_ice_servers (t, NULL, turn_nopass,
          &error));
  g_assert_error (error, P2P_TRANSPORT_ERROR,
      P2P_TRANSPORT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (p2p_transport_set_ice_servers (t, "stun://", NULL,
          &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* A refused setting changes nothing. */
  g_assert_cmpstr (p2p_transport_get_stun_server (t), ==,
      "stun://stun.example:3478");

  drop_transport (t);
}

/* ---- WebRTC only ------------------------------------------------------- */

static void
check_answer_to_browser (const gchar * offer)
{
  P2pTransport *t = make_transport ();
  g_autoptr (GstSDPMessage) msg = NULL;
  const GstSDPMedia *media;
  const gchar *setup;
  guint i, candidates = 0;
  TestPeer p;

  test_peer_init (&p, t);
  test_peer_accept (&p, offer);
  g_assert_true (test_run_until_flag (&p.sdp_done, 10000));
  g_assert_no_error (p.sdp_error);
  g_assert_nonnull (p.sdp);

  g_assert_cmpint (gst_sdp_message_new_from_text (p.sdp, &msg), ==,
      GST_SDP_OK);
  g_assert_cmpuint (gst_sdp_message_medias_len (msg), ==, 1);
  media = gst_sdp_message_get_media (msg, 0);
  g_assert_cmpstr (gst_sdp_media_get_media (media), ==, "application");
  g_assert_cmpstr (gst_sdp_media_get_proto (media), ==, "UDP/DTLS/SCTP");
  g_assert_cmpstr (gst_sdp_media_get_format (media, 0), ==,
      "webrtc-datachannel");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "mid"), ==, "0");
  g_assert_nonnull (gst_sdp_media_get_attribute_val (media, "sctp-port"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (media, "ice-ufrag"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (media, "fingerprint"));
  setup = gst_sdp_media_get_attribute_val (media, "setup");
  g_assert_true (g_strcmp0 (setup, "active") == 0 ||
      g_strcmp0 (setup, "passive") == 0);
  for (i = 0; i < gst_sdp_media_attributes_len (media); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key,
            "candidate") == 0)
      candidates++;
  g_assert_cmpuint (candidates, >, 0);
  g_assert_true (g_str_has_suffix (p.sdp, "\r\n"));

  test_peer_clear (&p);
  drop_transport (t);
}

static void
test_chromium_offer (void)
{
  check_answer_to_browser (CHROMIUM_OFFER_SDP);
}

static void
test_chromium_offer_mdns (void)
{
  check_answer_to_browser (CHROMIUM_OFFER_MDNS_SDP);
}

static void
test_refuses_media (void)
{
  P2pTransport *t = make_transport ();
  g_autofree gchar *audio = NULL;

  audio = g_strconcat (CHROMIUM_OFFER_SDP,
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", NULL);
  expect_accept_error (t, audio, P2P_TRANSPORT_ERROR_INVALID_SDP);
  drop_transport (t);
}

/* Child side of test_killed_process: answers the offer on stdin, says
 * hello once open, then sinks everything until it is killed. */
static int
run_child_answerer (void)
{
  g_autoptr (GString) offer = g_string_new (NULL);
  P2pTransport *t = make_transport ();
  gchar line[4096];
  TestPeer p;

  while (fgets (line, sizeof (line), stdin) != NULL &&
      strcmp (line, "END\n") != 0)
    g_string_append (offer, line);
  test_peer_init (&p, t);
  test_peer_accept (&p, offer->str);
  g_assert_true (test_run_until_flag (&p.sdp_done, 10000));
  g_assert_no_error (p.sdp_error);
  g_print ("%sEND\n", p.sdp);
  fflush (stdout);
  g_assert_true (test_run_until_flag (&p.opened, 20000));
  {
    g_autoptr (GBytes) hello = g_bytes_new_static ("hello", 5);

    g_assert_true (p2p_peer_connection_send (p.conn, hello, NULL));
  }
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
on_hello (P2pPeerConnection * conn, GBytes * message, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_killed_process (void)
{
  g_autofree gchar *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GString) answer = g_string_new (NULL);
  P2pTransport *t = make_transport ();
  GError *error = NULL;
  gboolean hello = FALSE;
  TestPeer a;
  TestFlow flow;
  gchar *line;
  gint64 t0;

  g_object_set (t, "inactivity-timeout", 1000, NULL);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_exe, "--child-answerer",
      NULL);
  g_assert_no_error (error);

  test_peer_init (&a, t);
  test_peer_offer (&a);
  g_assert_true (test_run_until_flag (&a.sdp_done, 10000));
  g_assert_no_error (a.sdp_error);
  g_assert_true (g_output_stream_printf (g_subprocess_get_stdin_pipe (child),
          NULL, NULL, &error, "%sEND\n", a.sdp));
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error))) {
    gboolean end = strcmp (line, "END") == 0;

    if (!end)
      g_string_append_printf (answer, "%s\n", line);
    g_free (line);
    if (end)
      break;
  }
  g_assert_no_error (error);
  g_assert_true (p2p_peer_connection_set_answer (a.conn, answer->str,
          &error));
  g_assert_no_error (error);
  g_signal_connect (a.conn, "message", G_CALLBACK (on_hello), &hello);
  g_assert_true (test_run_until_flag (&hello, 20000));

  /* Data in flight and queued towards a peer that is then SIGKILLed: no
   * close, no error ever arrives from WebRTC (trap 2), and the teardown of
   * a channel with queued data must not hang (trap 1). */
  test_flow_start (&flow, &a, &a, 200 * MIB, 64 * 1024, 5);
  test_sleep (300);
  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, NULL));
  t0 = g_get_monotonic_time ();

  g_assert_true (test_run_until_flag (&a.closed, 10000));
  g_test_message ("killed peer detected (%s) after %.2f s, sent %.1f MiB",
      p2p_close_reason_to_string (a.reason), (a.closed_at - t0) / 1e6,
      flow.sent / (double) MIB);
  g_assert_cmpint (a.reason, ==, P2P_CLOSE_REASON_INACTIVE);
  g_assert_cmpint (a.closed_at - t0, <, 3 * G_USEC_PER_SEC);

  test_flow_clear (&flow);
  test_peer_clear (&a);
  drop_transport (t);
}

int
main (int argc, char **argv)
{
  const gchar *backend = "fake";
  gint i, j;

  for (i = j = 1; i < argc; i++) {
    if (g_str_has_prefix (argv[i], "--backend="))
      backend = argv[i] + strlen ("--backend=");
    else if (strcmp (argv[i], "--child-answerer") == 0)
      use_webrtc = TRUE;
    else
      argv[j++] = argv[i];
  }
  argc = j;
  if (use_webrtc) {
    gst_init (NULL, NULL);
    return run_child_answerer ();
  }
  use_webrtc = strcmp (backend, "webrtc") == 0;
  if (use_webrtc)
    gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transport/open", test_open);
  g_test_add_func ("/transport/transfer", test_transfer);
  g_test_add_func ("/transport/teardown-mid-transfer",
      test_teardown_mid_transfer);
  g_test_add_func ("/transport/open-timeout", test_open_timeout);
  g_test_add_func ("/transport/dead-peer", test_dead_peer);
  g_test_add_func ("/transport/idle-survives", test_idle_survives);
  g_test_add_func ("/transport/errors", test_errors);
  g_test_add_func ("/transport/cancel-and-close-pending",
      test_cancel_and_close_pending);
  g_test_add_func ("/transport/cancel-error", test_cancel_error);
  g_test_add_func ("/transport/many", test_many);
  g_test_add_func ("/transport/private-context", test_private_context);
  g_test_add_func ("/transport/ice-servers", test_ice_servers);
  if (use_webrtc) {
    g_test_add_func ("/webrtc/chromium-offer", test_chromium_offer);
    g_test_add_func ("/webrtc/chromium-offer-mdns", test_chromium_offer_mdns);
    g_test_add_func ("/webrtc/refuses-media", test_refuses_media);
    g_test_add_func ("/webrtc/killed-process", test_killed_process);
  }
  return g_test_run ();
}
