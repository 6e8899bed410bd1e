/* gst-p2pcdn: one remote peer: its connection and the peer protocol state.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Manager thread only.  A peer downloads at most one segment from the
 * remote at a time and uploads at most one to it (a new request cancels
 * the current upload, as p2p-media-loader does).
 */
#pragma once

#include <glib.h>

#include "p2p-peer-connection.h"
#include "p2p-rate-limit.h"

G_BEGIN_DECLS

/* Segment ids of one announcement a peer is taken to hold (and as many
 * loading): a 2-hour VOD in 2-second segments; p2p-media-loader keeps far
 * fewer.  The announcement codec lets a remote claim about 65,000, each a
 * hash table entry here, for every peer of every swarm. */
#define P2P_PEER_MAX_ANNOUNCED_IDS 4096

typedef struct _P2pPeer P2pPeer;

typedef struct {
  /* The remote announced a new list of segments. */
  void (*announced) (P2pPeer * peer, gpointer user_data);
  /* A download ended: @data is the whole segment (not yet checked) or NULL
   * with @error (absent, cancelled, stalled, size mismatch). */
  void (*downloaded) (P2pPeer * peer, gint64 segment_id, GBytes * data,
      const GError * error, gpointer user_data);
  /* The remote asks for a segment: return a new reference or NULL. */
  GBytes *(*lookup) (P2pPeer * peer, gint64 segment_id, gpointer user_data);
  /* An upload ended; @bytes were sent. */
  void (*uploaded) (P2pPeer * peer, gint64 segment_id, gsize bytes,
      gboolean complete, gpointer user_data);
  /* The connection is gone or the remote broke the protocol: the owner
   * frees the peer (not from inside this callback). */
  void (*failed) (P2pPeer * peer, const GError * error, gpointer user_data);
  /* Bytes of the running download arrived: @received of @total so far
   * (also once with 0 when SegmentData announced @total).  May be NULL. */
  void (*progress) (P2pPeer * peer, gint64 segment_id, gint64 received,
      gint64 total, gpointer user_data);
} P2pPeerCallbacks;

#define P2P_PEER_ERROR (p2p_peer_error_quark ())
GQuark p2p_peer_error_quark (void);

typedef enum {
  P2P_PEER_ERROR_ABSENT,        /* the remote does not have it */
  P2P_PEER_ERROR_STALLED,       /* no bytes for the stall timeout */
  P2P_PEER_ERROR_PROTOCOL,      /* malformed or unexpected message */
  P2P_PEER_ERROR_SIZE,          /* more bytes than announced */
  P2P_PEER_ERROR_CLOSED,        /* the connection closed */
  P2P_PEER_ERROR_CANCELLED,     /* we cancelled it */
  P2P_PEER_ERROR_NOT_READING,   /* took nothing of an upload for 5 s */
  P2P_PEER_ERROR_FLOOD,         /* kept asking over the request cap */
} P2pPeerError;

/* Takes a reference on @connection, which must be open or about to open. */
P2pPeer *p2p_peer_new (P2pPeerConnection * connection, const gchar * peer_id,
    guint stall_timeout_ms, const P2pPeerCallbacks * callbacks,
    gpointer user_data);
/* Ends the peer for good and closes its connection at once (the remote
 * learns it now).  A running download ends without downloaded(): the
 * caller is the one who gave up on it.  A running upload ends with
 * uploaded(), so that what it held is released.  No callback follows;
 * the peer stays valid (closed, never open) until p2p_peer_free().
 * Idempotent, and safe from inside any of the peer's callbacks. */
void p2p_peer_close (P2pPeer * peer);
/* Closes (without any callback) and frees. */
void p2p_peer_free (P2pPeer * peer);

const gchar *p2p_peer_get_id (P2pPeer * peer);
gboolean p2p_peer_is_open (P2pPeer * peer);
gboolean p2p_peer_has_segment (P2pPeer * peer, gint64 segment_id);
gboolean p2p_peer_is_loading_segment (P2pPeer * peer, gint64 segment_id);
gboolean p2p_peer_is_downloading (P2pPeer * peer);
gboolean p2p_peer_has_announced (P2pPeer * peer);
/* Caps uploads to this remote at @rate bytes/s (0 = none) and, with
 * @shared (may be NULL, must outlive the peer), the process's total. */
void p2p_peer_set_upload_limits (P2pPeer * peer, guint64 rate,
    P2pRateLimit * shared);

/* Asks the remote for a segment; FALSE if a download is already running
 * or the channel is not open. */
gboolean p2p_peer_request (P2pPeer * peer, gint64 segment_id);
/* The same from byte @byte_from on (b): the download then holds, and its
 * progress counts, only the bytes from there. */
gboolean p2p_peer_request_from (P2pPeer * peer, gint64 segment_id,
    gint64 byte_from);
/* Stops the running download (tells the remote); downloaded() is called
 * with P2P_PEER_ERROR_CANCELLED. */
void p2p_peer_cancel_download (P2pPeer * peer);
/* The same, but returns the bytes received so far (NULL when none), so
 * that the rest can come from elsewhere. */
GBytes *p2p_peer_cancel_download_keep (P2pPeer * peer);
/* Sends our full list: @loaded segments we hold, @loading ones we fetch. */
void p2p_peer_announce (P2pPeer * peer, const GArray * loaded,
    const GArray * loading);

G_END_DECLS
