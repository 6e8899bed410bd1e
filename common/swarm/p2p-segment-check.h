/* gst-p2pcdn: checks that bytes from a peer look like the segment they claim to be.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_SEGMENT_CHECK_ERROR (p2p_segment_check_error_quark ())
GQuark p2p_segment_check_error_quark (void);

typedef enum {
  P2P_SEGMENT_CHECK_ERROR_SIZE,
  P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
} P2pSegmentCheckError;

/* Checks the container structure of a whole segment: MPEG-TS packets with
 * their sync bytes, or an unbroken chain of ISO BMFF boxes; anything else
 * fails.  @expected_size is what the manifest says (-1 = unknown). */
gboolean p2p_segment_check (const guint8 * data, gsize len,
    gint64 expected_size, GError ** error);

G_END_DECLS
