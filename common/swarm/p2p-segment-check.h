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
  P2P_SEGMENT_CHECK_ERROR_HASH,         /* the hash list says otherwise */
  /* cannot be checked now (a hash list without it, or not loaded yet): the
   * sender is not to blame, but the bytes are not taken either */
  P2P_SEGMENT_CHECK_ERROR_UNVERIFIED,
} P2pSegmentCheckError;

typedef enum {
  P2P_SEGMENT_CHECK_NONE = 0,
  /* HLS METHOD=AES-128: the whole segment is ciphertext, so only its
   * size (whole 16-byte blocks) can be checked */
  P2P_SEGMENT_CHECK_AES128 = 1 << 0,
} P2pSegmentCheckFlags;

/* Checks the container structure of a whole segment: MPEG-TS packets with
 * their sync bytes, an unbroken chain of ISO BMFF boxes, or packed audio
 * (an optional ID3 tag, then ADTS frames or another audio frame sync);
 * anything else fails.  @expected_size is what the manifest says (-1 =
 * unknown). */
gboolean p2p_segment_check (const guint8 * data, gsize len,
    gint64 expected_size, P2pSegmentCheckFlags flags, GError ** error);

/* Whether @error blames the bytes' sender (wrong size, structure or
 * hash), rather than saying they could not be checked. */
gboolean p2p_segment_check_error_blames_sender (const GError * error);

G_END_DECLS
