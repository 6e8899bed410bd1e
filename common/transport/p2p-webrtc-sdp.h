/* gst-p2pcdn: checks on remote SDP before webrtcbin sees it, and local fix-ups.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtcbin reports a bad remote description late and vaguely (a promise
 * reply with a generic error, sometimes nothing).  Refusing what we cannot
 * use up front gives the manager a precise GError instead.
 */
#pragma once

#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

/* Parses @text and checks it describes one data channel session: every
 * m-line is "application ... UDP/DTLS/SCTP webrtc-datachannel" (or the
 * legacy "DTLS/SCTP"), and ICE credentials and a DTLS fingerprint are
 * present.  Returns NULL and sets P2P_TRANSPORT_ERROR_INVALID_SDP if not. */
GstSDPMessage *p2p_webrtc_sdp_parse (const gchar * text, GError ** error);

/* a=max-message-size of the first data m-line, 0 when absent. */
guint64 p2p_webrtc_sdp_get_max_message_size (const GstSDPMessage * msg);

/* Adds "a=candidate:" lines from @candidates (as webrtcbin's
 * on-ice-candidate gives them, "candidate:...") to media @mline when it has
 * none yet: the local description of a non-trickle peer must carry them. */
void p2p_webrtc_sdp_add_candidates (GstSDPMessage * msg, guint mline,
    GPtrArray * candidates);

/* Whether @candidate ("candidate:...", "a=candidate:..." or an SDP
 * attribute value) is of type relay. */
gboolean p2p_webrtc_sdp_candidate_is_relay (const gchar * candidate);

/* A relayed candidate names the address it was reached from ("raddr
 * rport": our host or public address); the copy returned says 0.0.0.0 and
 * 0 there instead, as browsers do. */
gchar *p2p_webrtc_sdp_scrub_related_address (const gchar * candidate);

/* Removes every a=candidate line that is not of type relay from every
 * media of @msg, scrubs the related address of those kept and sets every
 * c= line to 0.0.0.0 (a browser puts its default candidate's address
 * there); returns how many candidates went. */
guint p2p_webrtc_sdp_keep_relay_candidates (GstSDPMessage * msg);

/* Number of a=candidate lines in media @mline. */
guint p2p_webrtc_sdp_count_candidates (const GstSDPMessage * msg, guint mline);

G_END_DECLS
