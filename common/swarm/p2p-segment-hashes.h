/* gst-p2pcdn: a stream's list of segment SHA-256 hashes (PeerTube's format).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A JSON object mapping each segment file name (the last path component of
 * its URI) either to the hex SHA-256 of the whole file, or to an object
 * mapping inclusive byte ranges "start-end" to the hex SHA-256 of those
 * bytes:
 *
 *   { "seg-0.ts": "9f86d0...",
 *     "video.mp4": { "1200-80199": "2c26b4...", "80200-161033": "..." } }
 *
 * The list comes from the origin over HTTP, never from peers; bytes a peer
 * sends are accepted only when their hash matches.  Pure, any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A list above this is refused rather than parsed (PeerTube's lists are
 * about 100 bytes a segment: this holds over 100,000 segments). */
#define P2P_SEGMENT_HASHES_MAX_SIZE (16 * 1024 * 1024)
/* Entries above this are refused, so that a hostile list cannot make us
 * allocate without bound (as many as a manifest may list segments, twice:
 * renditions share one list). */
#define P2P_SEGMENT_HASHES_MAX_ENTRIES 200000

#define P2P_SEGMENT_HASHES_ERROR (p2p_segment_hashes_error_quark ())
GQuark p2p_segment_hashes_error_quark (void);

typedef enum {
  P2P_SEGMENT_HASHES_ERROR_SYNTAX,      /* not JSON, or not the format */
  P2P_SEGMENT_HASHES_ERROR_TOO_LARGE,
} P2pSegmentHashesError;

typedef enum {
  P2P_HASH_UNKNOWN,             /* the list does not name this segment */
  P2P_HASH_MATCH,
  P2P_HASH_MISMATCH,
} P2pHashVerdict;

typedef struct _P2pSegmentHashes P2pSegmentHashes;

P2pSegmentHashes *p2p_segment_hashes_parse (const gchar * data, gsize len,
    GError ** error);
void p2p_segment_hashes_free (P2pSegmentHashes * hashes);
guint p2p_segment_hashes_count (const P2pSegmentHashes * hashes);

/* Checks @data, the bytes of @uri from @range_start to @range_end
 * (inclusive; -1 -1 = the whole file), against the list. */
P2pHashVerdict p2p_segment_hashes_verify (const P2pSegmentHashes * hashes,
    const gchar * uri, gint64 range_start, gint64 range_end,
    const guint8 * data, gsize len);

/* The list's key for @uri: its last path component, without query or
 * fragment (newly allocated; NULL when the URI has no file name). */
gchar *p2p_segment_hashes_file_name (const gchar * uri);

G_END_DECLS
