/* gst-p2pcdn: the sizes of a rendition's segments, known good or declared
 * by peers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Without a hash list, the total a peer's SegmentData declares is all we
 * learn of a segment before its bytes.  A size known good (the manifest's
 * byte range, an HTTP fetch, a copy a hash list proved) refuses at once a
 * peer that declares another; two peers that disagree while nothing is
 * known good dispute the segment, and the copies taken then are played but
 * not shared (docs/architecture.md, "Bytes from peers").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Segments remembered per rendition, the lowest ids forgotten first: over
 * an hour of 2 s segments, a few tens of KiB. */
#define P2P_SIZE_BOOK_MAX 2048

typedef enum {
  P2P_SIZE_AGREES,              /* with the good size, or with every peer */
  P2P_SIZE_WRONG,               /* contradicts the good size */
  P2P_SIZE_DISPUTED,            /* peers disagree, none is known good */
} P2pSizeVerdict;

typedef struct _P2pSizeBook P2pSizeBook;

P2pSizeBook *p2p_size_book_new (void);
void p2p_size_book_free (P2pSizeBook * book);

/* @size is the segment's true size; it settles a dispute. */
void p2p_size_book_set_good (P2pSizeBook * book, gint64 segment_id,
    gint64 size);
/* The good size, or -1. */
gint64 p2p_size_book_get_good (P2pSizeBook * book, gint64 segment_id);
/* A peer declared @size for the segment. */
P2pSizeVerdict p2p_size_book_declare (P2pSizeBook * book, gint64 segment_id,
    gint64 size);
gboolean p2p_size_book_is_disputed (P2pSizeBook * book, gint64 segment_id);

G_END_DECLS
