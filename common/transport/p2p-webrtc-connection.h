/* gst-p2pcdn: one WebRTC peer connection: a webrtcbin and its data channel.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the WebRTC transport; users see a P2pPeerConnection.
 */
#pragma once

#include "p2p-webrtc-transport.h"

G_BEGIN_DECLS

#define P2P_TYPE_WEBRTC_CONNECTION (p2p_webrtc_connection_get_type ())
G_DECLARE_FINAL_TYPE (P2pWebrtcConnection, p2p_webrtc_connection, P2P,
    WEBRTC_CONNECTION, P2pPeerConnection)

P2pPeerConnection *p2p_webrtc_connection_new (P2pWebrtcTransport * transport);

/* Called from the pipeline's bus sync handler (any thread): hands an error
 * posted inside a connection's webrtcbin to that connection.  Returns FALSE
 * when the message belongs to no connection. */
gboolean p2p_webrtc_connection_route_bus_error (GstMessage * message);

G_END_DECLS
