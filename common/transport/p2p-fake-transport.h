/* gst-p2pcdn: in-process fake transport for tests of the swarm manager.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Connections of any fake transports in one process pair up by handing the
 * "SDP" (a short token naming the offer) from one to the other, exactly as
 * the tracker relays real SDP.  Messages travel through the receiver's
 * GMainContext, one per main-loop iteration, and count in the sender's
 * buffered amount until then, so back-pressure, ::writable and close work
 * as with WebRTC:
 *   - the remote of a closed connection gets ::closed (REMOTE) after the
 *     messages sent before the close;
 *   - a connection that is never answered, or whose remote vanished before
 *     the open, fails with OPEN_TIMEOUT.
 */
#pragma once

#include "p2p-transport.h"
#include "p2p-peer-connection.h"

G_BEGIN_DECLS

#define P2P_TYPE_FAKE_TRANSPORT (p2p_fake_transport_get_type ())
G_DECLARE_FINAL_TYPE (P2pFakeTransport, p2p_fake_transport, P2P,
    FAKE_TRANSPORT, P2pTransport)

/* @context NULL = the global default. */
P2pTransport *p2p_fake_transport_new (GMainContext * context);

/* Simulates the peer owning @conn dying (process killed, cable pulled):
 * @conn is closed without a word to its remote, which from now on receives
 * nothing and whose messages to @conn are never delivered (its buffered
 * amount only grows).  No ::closed reaches the remote: only its timeouts
 * can tell.  @conn must come from a fake transport. */
void p2p_fake_transport_kill (P2pPeerConnection * conn);

G_END_DECLS
