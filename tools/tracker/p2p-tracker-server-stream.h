/* gst-p2pcdn: pollable pass-through streams that count a connection's bytes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libsoup 3.2 bounds each WebSocket frame but not a message fragmented over
 * many frames (CVE-2025-32049, fixed in 3.6.5), nor what it queues for a
 * client that stops reading.  Wrapping the socket streams lets the server
 * bound both: the input fails once more than a budget arrived since the
 * last complete message, and the output count shows the send backlog.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define P2P_TYPE_TRACKER_SERVER_METERED_INPUT \
    (p2p_tracker_server_metered_input_get_type ())
G_DECLARE_FINAL_TYPE (P2pTrackerServerMeteredInput,
    p2p_tracker_server_metered_input, P2P, TRACKER_SERVER_METERED_INPUT,
    GFilterInputStream);

#define P2P_TYPE_TRACKER_SERVER_METERED_OUTPUT \
    (p2p_tracker_server_metered_output_get_type ())
G_DECLARE_FINAL_TYPE (P2pTrackerServerMeteredOutput,
    p2p_tracker_server_metered_output, P2P, TRACKER_SERVER_METERED_OUTPUT,
    GFilterOutputStream);

/* @budget: bytes allowed between two calls of _restart(); 0 = unbounded */
GInputStream *p2p_tracker_server_metered_input_new (GInputStream * base,
    guint64 budget);
void p2p_tracker_server_metered_input_restart (P2pTrackerServerMeteredInput *
    self);
guint64 p2p_tracker_server_metered_input_get_total (P2pTrackerServerMeteredInput
    * self);

GOutputStream *p2p_tracker_server_metered_output_new (GOutputStream * base);
guint64
p2p_tracker_server_metered_output_get_total (P2pTrackerServerMeteredOutput *
    self);

G_END_DECLS
