/* gst-p2pcdn: is a peer on one of our own networks?
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Peers on the same subnet (an office, a home, a campus) are preferred: the
 * bytes never cross the uplink.  Non-trickle SDP carries every candidate,
 * so the remote's host addresses are known before its channel opens.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The subnets of this machine's interfaces (GInetAddressMask*). */
GPtrArray *p2p_locality_local_subnets (void);
/* TRUE when a host candidate of @sdp lies in one of @subnets.  Addresses
 * hidden behind mDNS names (browsers) do not count. */
gboolean p2p_locality_sdp_is_local (const gchar * sdp, GPtrArray * subnets);

G_END_DECLS
