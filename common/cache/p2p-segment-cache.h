/* gst-p2pcdn: byte-budgeted in-memory cache of complete, verified media segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A segment is keyed by (swarm key, segment id).  The sum of stored sizes
 * stays within max_bytes.  When room is needed the segment played longest
 * ago goes first (a segment never played counts as played when it was
 * inserted); a pinned segment (an upload is reading it) is never evicted.
 * A live segment whose id falls below its swarm's window is dropped as soon
 * as it is unpinned, and a live segment already below the window is not
 * accepted, so the cache never keeps one that nobody can use.
 *
 * Lowering max_bytes below the size of the pinned segments is allowed: the
 * excess is evicted as the pins are released, and until then every stored
 * segment is pinned and every put fails.
 *
 * Not thread-safe: it belongs to the swarm manager's thread.  Lookups are
 * O(1); an eviction skips the pinned segments at the old end of the
 * recency queue, which are as many as the uploads in progress.
 */
#pragma once

#include <glib.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define P2P_CACHE_ERROR (p2p_cache_error_quark ())
GQuark p2p_cache_error_quark (void);

typedef enum {
  P2P_CACHE_ERROR_TOO_LARGE,        /* the segment alone exceeds max_bytes */
  P2P_CACHE_ERROR_NO_ROOM,          /* pinned segments hold the room it needs */
  P2P_CACHE_ERROR_OUTSIDE_WINDOW,   /* a live segment below its swarm's window */
} P2pCacheError;

typedef struct _P2pSegmentCache P2pSegmentCache;

/* Called after a segment left the cache (for eviction, or because its live
 * window moved past it), so that the swarm can re-announce.  It may call
 * back into the cache, except p2p_segment_cache_free(). */
typedef void (*P2pSegmentCacheEvictFunc) (const gchar * swarm, gint64 id,
    gpointer user_data);

P2pSegmentCache *p2p_segment_cache_new (guint64 max_bytes);
void p2p_segment_cache_free (P2pSegmentCache * cache);

void p2p_segment_cache_set_max_bytes (P2pSegmentCache * cache,
    guint64 max_bytes);
guint64 p2p_segment_cache_get_max_bytes (P2pSegmentCache * cache);

void p2p_segment_cache_set_evict_func (P2pSegmentCache * cache,
    P2pSegmentCacheEvictFunc func, gpointer user_data);

/* Stores data (a new reference is taken), evicting what it must.  A key
 * already present keeps its stored bytes: segments are verified, so the
 * same key means the same content.  Returns FALSE with a P2P_CACHE_ERROR
 * when the segment is not stored; nothing is evicted then. */
gboolean p2p_segment_cache_put (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id, GBytes * data, gboolean live, GError ** error);

/* A new reference, or NULL.  Does not count as playing the segment. */
GBytes *p2p_segment_cache_get (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id);
/* The "http-headers" of the response that brought a stored segment, kept
 * with it (a copy is taken) so that serving it again tells the same; the
 * getter returns a copy or NULL (segments from peers have none). */
void p2p_segment_cache_set_headers (P2pSegmentCache * cache,
    const gchar * swarm, gint64 id, const GstStructure * headers);
GstStructure *p2p_segment_cache_get_headers (P2pSegmentCache * cache,
    const gchar * swarm, gint64 id);
gboolean p2p_segment_cache_contains (P2pSegmentCache * cache,
    const gchar * swarm, gint64 id);

/* The player consumed the segment: it becomes the last one to evict. */
void p2p_segment_cache_mark_played (P2pSegmentCache * cache,
    const gchar * swarm, gint64 id);

/* Pins nest.  pin returns FALSE, and pins nothing, when the segment is not
 * in the cache (the upload must then be refused). */
gboolean p2p_segment_cache_pin (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id);
void p2p_segment_cache_unpin (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id);

/* first_id is the lowest id of the swarm's live window; live segments
 * below it are dropped (pinned ones when unpinned).  Segments stored with
 * live = FALSE are not affected. */
void p2p_segment_cache_set_live_window (P2pSegmentCache * cache,
    const gchar * swarm, gint64 first_id);

/* The swarm's segment ids (gint64) in insertion order; never NULL. */
GArray *p2p_segment_cache_list (P2pSegmentCache * cache, const gchar * swarm);

guint64 p2p_segment_cache_get_bytes (P2pSegmentCache * cache);
guint p2p_segment_cache_get_count (P2pSegmentCache * cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pSegmentCache, p2p_segment_cache_free)

G_END_DECLS
