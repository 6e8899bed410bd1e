/* gst-p2pcdn: error domain of the tracker server.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_TRACKER_SERVER_ERROR (p2p_tracker_server_error_quark ())
GQuark p2p_tracker_server_error_quark (void);

/* The first two mirror how bittorrent-tracker answers a bad request: a
 * MALFORMED one gets a bare {"failure reason"}, an INVALID or REFUSED one
 * also carries "action" and "info_hash". */
typedef enum {
  P2P_TRACKER_SERVER_ERROR_MALFORMED, /* bad JSON, action, info_hash, peer_id or to_peer_id */
  P2P_TRACKER_SERVER_ERROR_INVALID,   /* another field has a wrong type or value */
  P2P_TRACKER_SERVER_ERROR_REFUSED,   /* well formed, but over a limit */
  P2P_TRACKER_SERVER_ERROR_CONFIG,    /* bad limits or listen address */
} P2pTrackerServerError;

G_END_DECLS
