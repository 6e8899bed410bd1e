/* gst-p2pcdn: ISO BMFF segment index ('sidx', ISO/IEC 14496-12 8.16.3).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 offset;               /* absolute byte offset in the file */
  guint64 size;                 /* bytes */
  guint64 time;                 /* earliest presentation time, timescale units */
  guint64 duration;             /* timescale units */
} P2pSidxReference;

typedef struct {
  guint32 timescale;
  guint64 earliest_presentation_time;
  GArray *references;           /* P2pSidxReference */
} P2pSidx;

/* Finds the first top-level 'sidx' box in @data, which are the bytes of the
 * file from offset @data_offset on, and reads its references with absolute
 * offsets.  Refuses truncated boxes, a zero timescale, offsets that
 * overflow and hierarchical indexes (references to other sidx boxes). */
P2pSidx *p2p_sidx_parse (const guint8 * data, gsize len, guint64 data_offset,
    GError ** error);
void p2p_sidx_free (P2pSidx * sidx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pSidx, p2p_sidx_free)

G_END_DECLS
