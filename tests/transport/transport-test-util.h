/* gst-p2pcdn tests: helpers shared by the transport tests (pairs, transfers).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything runs on the thread-default main context; every signal handler
 * checks it runs there, which is what the transport promises.
 */
#pragma once

#include "p2p-transport.h"
#include "p2p-peer-connection.h"

G_BEGIN_DECLS

typedef struct
{
  P2pPeerConnection *conn;
  gchar *sdp;
  GError *sdp_error;
  gboolean sdp_done;
  gboolean opened;
  gboolean closed;
  P2pCloseReason reason;
  GError *close_error;
  gint64 closed_at;
  guint wrong_context;
} TestPeer;

/* One direction of a transfer: @total bytes from tx to rx in messages of
 * @msg_size, pushed until send() refuses and resumed on ::writable. */
typedef struct
{
  TestPeer *tx;
  TestPeer *rx;
  guint64 total;
  gsize msg_size;
  guint64 high;

  guint64 sent;
  guint64 received;
  GRand *rand;
  GBytes *pending;
  GChecksum *tx_sum;
  GChecksum *rx_sum;
  guint would_block;
  guint writable;
  guint bad_sizes;
  guint64 max_buffered;
  GError *send_error;
  gulong message_id;
  gulong writable_id;
} TestFlow;

gboolean test_run_until (gboolean (*done) (gpointer), gpointer data,
    guint timeout_ms);
gboolean test_run_until_flag (const gboolean * flag, guint timeout_ms);
void test_sleep (guint ms);

void test_peer_init (TestPeer * peer, P2pTransport * transport);
void test_peer_clear (TestPeer * peer);
void test_peer_offer (TestPeer * peer);
void test_peer_accept (TestPeer * peer, const gchar * offer);
/* Offer, answer, open; asserts on failure. */
void test_connect_pair (TestPeer * a, TestPeer * b, guint timeout_ms);

void test_flow_start (TestFlow * flow, TestPeer * tx, TestPeer * rx,
    guint64 total, gsize msg_size, guint32 seed);
gboolean test_flow_done (gpointer flow);
/* Byte-exact, message sizes, back-pressure bounds. */
void test_flow_check (TestFlow * flow);
void test_flow_clear (TestFlow * flow);

G_END_DECLS
