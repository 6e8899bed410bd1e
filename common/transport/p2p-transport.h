/* gst-p2pcdn: the peer transport interface the swarm manager talks to.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A P2pTransport creates P2pPeerConnection objects (one reliable, ordered
 * data channel each).  Two implementations exist: the WebRTC one
 * (p2p-webrtc-transport.h, webrtcbin) and an in-process fake for tests
 * (p2p-fake-transport.h).
 *
 * Threading: a transport is bound to the GMainContext given at
 * construction (the manager's thread).  Every call on a transport or one of
 * its connections must be made from the thread that runs that context, with
 * that context as its thread-default (async callbacks, as everywhere in
 * GIO, go to the thread-default context of the caller); every signal is
 * delivered there too, never on a GStreamer thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define P2P_TRANSPORT_ERROR (p2p_transport_error_quark ())
GQuark p2p_transport_error_quark (void);

typedef enum {
  P2P_TRANSPORT_ERROR_FAILED,           /* backend failure (ICE, DTLS, SCTP) */
  P2P_TRANSPORT_ERROR_INVALID_SDP,      /* a remote description we cannot use */
  P2P_TRANSPORT_ERROR_INVALID_STATE,    /* call not allowed in this state */
  P2P_TRANSPORT_ERROR_TIMEOUT,          /* open or inactivity timeout */
  P2P_TRANSPORT_ERROR_CLOSED,           /* the connection is closed */
  P2P_TRANSPORT_ERROR_MESSAGE_SIZE,     /* empty or above max-message-size */
  P2P_TRANSPORT_ERROR_WOULD_BLOCK,      /* buffered amount >= high mark */
  P2P_TRANSPORT_ERROR_INVALID_ARGUMENT, /* e.g. a malformed STUN/TURN URI */
} P2pTransportError;

/* Defaults, chosen from tools/bench-datachannel figures (see its README). */
#define P2P_TRANSPORT_DEFAULT_MAX_MESSAGE_SIZE 65536
#define P2P_TRANSPORT_DEFAULT_BUFFERED_HIGH (1024 * 1024)
#define P2P_TRANSPORT_DEFAULT_BUFFERED_LOW (256 * 1024)
#define P2P_TRANSPORT_DEFAULT_GATHERING_TIMEOUT_MS 5000
#define P2P_TRANSPORT_DEFAULT_OPEN_TIMEOUT_MS 15000
#define P2P_TRANSPORT_DEFAULT_INACTIVITY_TIMEOUT_MS 0

/* Remote SDP larger than this is refused before parsing. */
#define P2P_TRANSPORT_MAX_SDP_SIZE (64 * 1024)

typedef struct _P2pPeerConnection P2pPeerConnection;

#define P2P_TYPE_TRANSPORT (p2p_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (P2pTransport, p2p_transport, P2P, TRANSPORT,
    GObject)

struct _P2pTransportClass
{
  GObjectClass parent_class;

  /* Returns a new connection in state NEW; never NULL. */
  P2pPeerConnection *(*create_connection) (P2pTransport * self);

  gpointer padding[8];
};

/* Properties (all but "context" may change at any time; a connection reads
 * them when it is created):
 *   context              GMainContext, construct-only (NULL = global default)
 *   stun-server          "stun://host:port" or NULL
 *   turn-servers         GStrv of "turn(s)://user:password@host:port"
 *   max-message-size     guint, bytes (default 65536)
 *   buffered-high        guint64, bytes: send() refuses at or above it
 *   buffered-low         guint64, bytes: ::writable fires at or below it
 *   gathering-timeout    guint, ms: cap on ICE gathering (default 5000)
 *   open-timeout         guint, ms: data channel must open (default 15000)
 *   inactivity-timeout   guint, ms, 0 = off: close a connection that
 *                        received nothing for that long
 */

GMainContext *p2p_transport_get_context (P2pTransport * self);

P2pPeerConnection *p2p_transport_create_connection (P2pTransport * self);

/* Validates and sets the ICE servers.  @stun_uri "stun://host[:port]",
 * @turn_uris "turn://user:pass@host[:port][?transport=udp|tcp]" or
 * "turns://...".  On error nothing changes. */
gboolean p2p_transport_set_ice_servers (P2pTransport * self,
    const gchar * stun_uri, const gchar * const *turn_uris, GError ** error);

const gchar *p2p_transport_get_stun_server (P2pTransport * self);
const gchar *const *p2p_transport_get_turn_servers (P2pTransport * self);

/* Relay only (privacy): connections made afterwards gather and offer only
 * relayed candidates (the TURN server's addresses), so no remote learns
 * our host or public address.  Default FALSE. */
void p2p_transport_set_relay_only (P2pTransport * self, gboolean relay_only);
gboolean p2p_transport_get_relay_only (P2pTransport * self);
guint p2p_transport_get_max_message_size (P2pTransport * self);
guint64 p2p_transport_get_buffered_high (P2pTransport * self);
guint64 p2p_transport_get_buffered_low (P2pTransport * self);
guint p2p_transport_get_gathering_timeout (P2pTransport * self);
guint p2p_transport_get_open_timeout (P2pTransport * self);
guint p2p_transport_get_inactivity_timeout (P2pTransport * self);

G_END_DECLS
