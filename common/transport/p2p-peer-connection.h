/* gst-p2pcdn: one peer connection carrying one reliable, ordered data channel.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Life cycle, offerer:  NEW -create_offer_async-> GATHERING -> HAVE_OFFER
 *                       -set_answer-> CONNECTING -> OPEN -> CLOSED
 * Life cycle, answerer: NEW -accept_offer_async-> GATHERING -> CONNECTING
 *                       -> OPEN -> CLOSED
 *
 * SDP is never trickled: an offer or answer is returned once ICE gathering
 * completed, or when the transport's gathering-timeout expired.
 *
 * Signals (all on the transport's GMainContext):
 *   ::open      ()                         the data channel is open
 *   ::message   (GBytes *message)          one binary message, in order
 *   ::writable  ()                         the buffered amount fell to the
 *                                          low mark after send() had
 *                                          reached the high mark
 *   ::closed    (P2pCloseReason, GError *) the connection is gone; emitted
 *                                          at most once, never for a close
 *                                          the owner asked for (close() or
 *                                          dispose), and never while an
 *                                          async call is pending (the call
 *                                          fails instead).
 *
 * Back-pressure: send() queues a message unless the buffered amount already
 * is at or above the transport's buffered-high mark; then it fails with
 * P2P_TRANSPORT_ERROR_WOULD_BLOCK and ::writable follows once the amount
 * drops to buffered-low.  Memory per connection is thus bounded by
 * buffered-high + max-message-size.
 *
 * Liveness: a remote that vanishes (process killed, network gone) is not
 * reported by WebRTC stacks (transport.md, trap 2).  Either set the
 * transport's inactivity-timeout (::closed with P2P_CLOSE_REASON_INACTIVE
 * follows when nothing was received and nothing left the send buffer for
 * that long; detection takes one to two timeouts), or compare
 * p2p_peer_connection_get_last_receive_time() against outstanding requests.
 * A healthy but silent peer is also "inactive": keep the timeout above the
 * protocol's longest quiet period, or send something now and then.
 */
#pragma once

#include "p2p-transport.h"

G_BEGIN_DECLS

typedef enum {
  P2P_PEER_CONNECTION_STATE_NEW,
  P2P_PEER_CONNECTION_STATE_GATHERING,
  P2P_PEER_CONNECTION_STATE_HAVE_OFFER,
  P2P_PEER_CONNECTION_STATE_CONNECTING,
  P2P_PEER_CONNECTION_STATE_OPEN,
  P2P_PEER_CONNECTION_STATE_CLOSED,
} P2pPeerConnectionState;

GType p2p_peer_connection_state_get_type (void);
#define P2P_TYPE_PEER_CONNECTION_STATE (p2p_peer_connection_state_get_type ())

typedef enum {
  P2P_CLOSE_REASON_LOCAL,        /* close() or dispose; never signalled */
  P2P_CLOSE_REASON_REMOTE,       /* the remote closed the data channel */
  P2P_CLOSE_REASON_OPEN_TIMEOUT, /* not open within open-timeout */
  P2P_CLOSE_REASON_INACTIVE,     /* nothing received for inactivity-timeout */
  P2P_CLOSE_REASON_FAILED,       /* ICE, DTLS or SCTP failure, or bad SDP */
} P2pCloseReason;

GType p2p_close_reason_get_type (void);
#define P2P_TYPE_CLOSE_REASON (p2p_close_reason_get_type ())

const gchar *p2p_close_reason_to_string (P2pCloseReason reason);
const gchar *p2p_peer_connection_state_to_string (P2pPeerConnectionState s);

#define P2P_TYPE_PEER_CONNECTION (p2p_peer_connection_get_type ())
G_DECLARE_DERIVABLE_TYPE (P2pPeerConnection, p2p_peer_connection, P2P,
    PEER_CONNECTION, GObject)

/* Backends implement these; all run on the transport's context.  The
 * p2p_peer_connection_backend_*() functions below report back. */
struct _P2pPeerConnectionClass
{
  GObjectClass parent_class;

  /* Create the data channel with @label and start making an offer. */
  void (*start_offer) (P2pPeerConnection * self, const gchar * label);
  /* Check @sdp and start making an answer; errors found at once go to
   * @error, later ones to p2p_peer_connection_backend_description_ready. */
  gboolean (*start_answer) (P2pPeerConnection * self, const gchar * sdp,
      GError ** error);
  gboolean (*set_answer) (P2pPeerConnection * self, const gchar * sdp,
      GError ** error);
  gboolean (*send) (P2pPeerConnection * self, GBytes * message,
      GError ** error);
  guint64 (*get_buffered_amount) (P2pPeerConnection * self);
  /* Release everything; must neither block nor call back. */
  void (*shutdown) (P2pPeerConnection * self);

  gpointer padding[8];
};

P2pTransport *p2p_peer_connection_get_transport (P2pPeerConnection * self);
P2pPeerConnectionState p2p_peer_connection_get_state (P2pPeerConnection *
    self);
gboolean p2p_peer_connection_is_offerer (P2pPeerConnection * self);

/* The data channel label: chosen when the offer is made (40 lowercase hex
 * characters), learnt from the remote once open for an answerer. */
const gchar *p2p_peer_connection_get_label (P2pPeerConnection * self);

void p2p_peer_connection_create_offer_async (P2pPeerConnection * self,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
/* Returns the offer SDP text; on error (including cancellation) the
 * connection is closed. */
gchar *p2p_peer_connection_create_offer_finish (P2pPeerConnection * self,
    GAsyncResult * result, GError ** error);

/* Only in state HAVE_OFFER.  Syntax errors are returned here; errors the
 * backend finds later arrive as ::closed with P2P_CLOSE_REASON_FAILED. */
gboolean p2p_peer_connection_set_answer (P2pPeerConnection * self,
    const gchar * sdp, GError ** error);

void p2p_peer_connection_accept_offer_async (P2pPeerConnection * self,
    const gchar * sdp, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
gchar *p2p_peer_connection_accept_offer_finish (P2pPeerConnection * self,
    GAsyncResult * result, GError ** error);

gboolean p2p_peer_connection_send (P2pPeerConnection * self,
    GBytes * message, GError ** error);
guint64 p2p_peer_connection_get_buffered_amount (P2pPeerConnection * self);
/* OPEN and the buffered amount below the high mark. */
gboolean p2p_peer_connection_is_writable (P2pPeerConnection * self);
/* Largest message send() accepts: the transport's max-message-size, lowered
 * to what the remote advertised once open. */
gsize p2p_peer_connection_get_max_message_size (P2pPeerConnection * self);

/* g_get_monotonic_time() of the last message received, or of the moment
 * the channel opened; 0 before that. */
gint64 p2p_peer_connection_get_last_receive_time (P2pPeerConnection * self);
/* Offer (or accept) to open, in microseconds; -1 when not open yet. */
gint64 p2p_peer_connection_get_setup_time (P2pPeerConnection * self);

/* Closes at once: no signal follows, pending async calls fail with
 * P2P_TRANSPORT_ERROR_CLOSED.  Teardown of the backend never blocks the
 * caller.  Idempotent. */
void p2p_peer_connection_close (P2pPeerConnection * self);

/* For backends only: call on the transport's context. */
void p2p_peer_connection_backend_description_ready (P2pPeerConnection * self,
    const gchar * sdp, const GError * error);
void p2p_peer_connection_backend_opened (P2pPeerConnection * self,
    const gchar * label, gsize remote_max_message_size);
void p2p_peer_connection_backend_received (P2pPeerConnection * self,
    GBytes * message);
void p2p_peer_connection_backend_buffered_low (P2pPeerConnection * self);
void p2p_peer_connection_backend_closed (P2pPeerConnection * self,
    P2pCloseReason reason, const GError * error);

G_END_DECLS
