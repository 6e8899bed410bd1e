/* gst-p2pcdn: the WebRTC transport: webrtcbins in one private GstPipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each connection is one webrtcbin, added to the transport's pipeline when
 * the connection is created and taken out again, on a helper thread, when
 * it is closed.  That teardown first sends flush-start to the sctpenc sink
 * pads (transport.md, trap 1: otherwise setting the element to NULL can wait
 * forever for SCTP buffer space), so it never blocks the caller's thread and
 * finishes in milliseconds.
 */
#pragma once

#include "p2p-transport.h"
#include "p2p-peer-connection.h"

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

#define P2P_TYPE_WEBRTC_TRANSPORT (p2p_webrtc_transport_get_type ())
G_DECLARE_FINAL_TYPE (P2pWebrtcTransport, p2p_webrtc_transport, P2P,
    WEBRTC_TRANSPORT, P2pTransport)

/* Calls gst_init() if nobody did.  Fails when webrtcbin or libnice's
 * GStreamer elements are missing.  @context NULL = the global default. */
P2pTransport *p2p_webrtc_transport_new (GMainContext * context,
    GError ** error);

/* Starts making the process's DTLS certificate on a new thread, unless one
 * was started before (then returns NULL).  Join the returned thread before
 * the process deinitialises GStreamer. */
GThread *p2p_webrtc_transport_warm_up (void);

/* Connections whose webrtcbin is still being taken down. */
guint p2p_webrtc_transport_get_pending_teardowns (P2pWebrtcTransport * self);

/* Waits (without running any main context) until no teardown is pending or
 * @timeout_ms passed; for tools and tests that are about to exit.  Returns
 * TRUE when none is pending. */
gboolean p2p_webrtc_transport_wait_teardowns (P2pWebrtcTransport * self,
    guint timeout_ms);

/* Duration of the slowest teardown so far, microseconds. */
gint64 p2p_webrtc_transport_get_max_teardown_time (P2pWebrtcTransport * self);

/* For p2p-webrtc-connection.c. */
GstBin *p2p_webrtc_transport_get_pipeline (P2pWebrtcTransport * self);
void p2p_webrtc_transport_teardown (P2pWebrtcTransport * self,
    GstElement * webrtcbin, GstWebRTCDataChannel * channel);

G_END_DECLS
