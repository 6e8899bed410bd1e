/* gst-p2pcdn: WebSocket client of one WebTorrent tracker, with reconnection.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client keeps a single ws:// or wss:// connection to a tracker URL,
 * sends announces, answers and stops built by p2p-tracker-msg, and turns
 * the frames it receives into signals (protocols.md section 1).  It holds
 * no swarm state: whoever owns it re-announces on ::connected and every
 * p2p_tracker_client_get_interval() seconds.
 *
 * Thread safety: none.  Everything happens on the GMainContext given to
 * p2p_tracker_client_new(), which must be the thread-default context of the
 * thread that iterates it (libsoup 3.2 only runs a session's queue there).
 * Call the client from that thread, or from any thread while none iterates
 * the context.  Signals are emitted from that context; their pointer
 * arguments are valid only during the emission.
 */
#pragma once

#include <glib-object.h>

#include "p2p-tracker-msg.h"

G_BEGIN_DECLS

#define P2P_TRACKER_CLIENT_ERROR (p2p_tracker_client_error_quark ())
GQuark p2p_tracker_client_error_quark (void);

typedef enum {
  P2P_TRACKER_CLIENT_ERROR_BAD_URL,     /* not ws:// or wss:// with a host */
  P2P_TRACKER_CLIENT_ERROR_NOT_CONNECTED,       /* no open WebSocket */
  P2P_TRACKER_CLIENT_ERROR_CLOSED,      /* p2p_tracker_client_close() called */
} P2pTrackerClientError;

/* What p2p_tracker_client_get_interval() says until the tracker tells
 * (p2p-media-loader 4.x/5.0 do the same). */
#define P2P_TRACKER_CLIENT_DEFAULT_INTERVAL 120
/* A tracker's "interval" is clamped to this range: it must neither make
 * every peer hammer it nor silence a swarm for hours. */
#define P2P_TRACKER_CLIENT_MIN_INTERVAL 10
#define P2P_TRACKER_CLIENT_MAX_INTERVAL 3600
/* Reconnect delays: 1 s doubling to 60 s, minus up to a quarter of jitter;
 * back to 1 s after a connection that lived longer than 30 s. */
#define P2P_TRACKER_CLIENT_MIN_BACKOFF_MS 1000
#define P2P_TRACKER_CLIENT_MAX_BACKOFF_MS 60000
#define P2P_TRACKER_CLIENT_STABLE_MS 30000
/* A handshake that has not completed by then counts as a failed attempt. */
#define P2P_TRACKER_CLIENT_CONNECT_TIMEOUT_MS 15000

#define P2P_TYPE_TRACKER_CLIENT (p2p_tracker_client_get_type ())
G_DECLARE_FINAL_TYPE (P2pTrackerClient, p2p_tracker_client, P2P,
    TRACKER_CLIENT, GObject)

/* Starts connecting to @url on the next iteration of @context (NULL = the
 * thread-default one), so that signals can be connected first.  Returns
 * NULL and P2P_TRACKER_CLIENT_ERROR_BAD_URL for anything but an absolute
 * ws:// or wss:// URL with a host. */
P2pTrackerClient *p2p_tracker_client_new (const gchar * url,
    GMainContext * context, GError ** error);

const gchar *p2p_tracker_client_get_url (P2pTrackerClient * self);
gboolean p2p_tracker_client_is_connected (P2pTrackerClient * self);
/* Connection attempts made so far, successful or not. */
guint p2p_tracker_client_get_n_attempts (P2pTrackerClient * self);

/* Each sends one frame now, or returns FALSE with
 * P2P_TRACKER_CLIENT_ERROR_NOT_CONNECTED (the owner re-announces on
 * ::connected; nothing is queued), _CLOSED, or the codec's
 * P2P_TRACKER_MSG_ERROR for ids or SDP it refuses. */
gboolean p2p_tracker_client_announce (P2pTrackerClient * self,
    const P2pTrackerAnnounce * announce, GError ** error);
gboolean p2p_tracker_client_send_answer (P2pTrackerClient * self,
    const P2pTrackerId * info_hash, const P2pTrackerId * our_peer_id,
    const P2pTrackerId * to_peer_id, const P2pTrackerId * offer_id,
    const gchar * sdp, GError ** error);
/* Announces event "stopped" and forgets @info_hash's interval. */
gboolean p2p_tracker_client_stop (P2pTrackerClient * self,
    const P2pTrackerId * info_hash, const P2pTrackerId * peer_id,
    GError ** error);

/* Seconds between announces for @info_hash: the tracker's last "interval"
 * (clamped) for a swarm announced on this client, else the default. */
guint p2p_tracker_client_get_interval (P2pTrackerClient * self,
    const P2pTrackerId * info_hash);

/* Closes the WebSocket after the frames already sent (call
 * p2p_tracker_client_stop() first to leave swarms explicitly) and never
 * reconnects.  ::disconnected follows if it was connected.  Idempotent. */
void p2p_tracker_client_close (P2pTrackerClient * self);
/* TRUE once close() was called and the WebSocket finished its closing
 * handshake (or there was none): every frame sent before, a "stopped"
 * included, went out.  Iterate the context until then before letting the
 * client go, or the last frames may be lost with the socket. */
gboolean p2p_tracker_client_is_flushed (P2pTrackerClient * self);

G_END_DECLS
