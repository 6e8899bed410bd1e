/* gst-p2pcdn: checks that bytes from a peer look like the segment they claim to be.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-segment-check.h"

#include <string.h>

G_DEFINE_QUARK (p2p-segment-check-error-quark, p2p_segment_check_error);

#define TS_PACKET 188

static gboolean
check_ts (const guint8 * data, gsize len, GError ** error)
{
  if (len % TS_PACKET != 0) {
    g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
        P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
        "MPEG-TS segment of %" G_GSIZE_FORMAT " bytes is not whole packets",
        len);
    return FALSE;
  }
  for (gsize off = 0; off < len; off += TS_PACKET) {
    if (data[off] != 0x47) {
      g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
          P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
          "MPEG-TS sync byte missing at %" G_GSIZE_FORMAT, off);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
is_box_type (const guint8 * t)
{
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isalnum (t[i]) && t[i] != ' ' && t[i] != '-' && t[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_bmff (const guint8 * data, gsize len, GError ** error)
{
  gsize off = 0;

  while (off < len) {
    guint64 size;

    if (len - off < 8 || !is_box_type (data + off + 4))
      goto broken;
    size = GUINT32_FROM_BE (*(const guint32 *) (const void *) (data + off));
    if (size == 1) {
      guint64 large;

      if (len - off < 16)
        goto broken;
      memcpy (&large, data + off + 8, 8);
      size = GUINT64_FROM_BE (large);
    } else if (size == 0) {
      size = len - off;         /* to the end of the file */
    }
    if (size < 8 || size > len - off)
      goto broken;
    off += size;
  }
  return TRUE;

broken:
  g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
      "ISO BMFF box chain broken at %" G_GSIZE_FORMAT, off);
  return FALSE;
}

gboolean
p2p_segment_check (const guint8 * data, gsize len, gint64 expected_size,
    GError ** error)
{
  if (len == 0 || (expected_size >= 0 && (gint64) len != expected_size)) {
    g_set_error (error, P2P_SEGMENT_CHECK_ERROR, P2P_SEGMENT_CHECK_ERROR_SIZE,
        "segment of %" G_GSIZE_FORMAT " bytes, expected %" G_GINT64_FORMAT,
        len, expected_size);
    return FALSE;
  }
  /* Only structures we can check are taken from peers: anything else would
   * let a lying peer through unseen. */
  if (data[0] == 0x47)
    return check_ts (data, len, error);
  if (len >= 8 && is_box_type (data + 4))
    return check_bmff (data, len, error);
  g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
      "neither MPEG-TS nor ISO BMFF: cannot be checked");
  return FALSE;
}
