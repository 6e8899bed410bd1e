/* gst-p2pcdn: checks that bytes from a peer look like the segment they claim to be.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-segment-check.h"

#include <string.h>

G_DEFINE_QUARK (p2p-segment-check-error-quark, p2p_segment_check_error);

#define TS_PACKET 188
#define AES_BLOCK 16
#define ID3_HEADER 10
#define ADTS_HEADER 7

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

/* ID3v2 (HLS packed audio carries its timestamp in one): the tag's whole
 * size, or 0 when @data does not start with a well-formed header. */
static gsize
id3_size (const guint8 * data, gsize len)
{
  gsize size;

  if (len < ID3_HEADER || memcmp (data, "ID3", 3) != 0 || data[3] == 0xff
      || data[4] == 0xff || ((data[6] | data[7] | data[8] | data[9]) & 0x80))
    return 0;
  /* syncsafe: 7 bits a byte */
  size = ((gsize) data[6] << 21) | ((gsize) data[7] << 14) |
      ((gsize) data[8] << 7) | data[9];
  size += ID3_HEADER;
  if (data[5] & 0x10)
    size += ID3_HEADER;         /* a footer */
  return size <= len ? size : 0;
}

static gboolean
is_adts (const guint8 * p, gsize left)
{
  /* 12 bits of sync, layer 00 */
  return left >= ADTS_HEADER && p[0] == 0xff && (p[1] & 0xf6) == 0xf0;
}

/* Packed audio: an optional ID3 tag, then ADTS frames to the end, or the
 * frame sync of MPEG audio or AC-3 (whose frames are not walked). */
static gboolean
check_packed_audio (const guint8 * data, gsize len, GError ** error)
{
  gsize off = id3_size (data, len);

  if (off < len && is_adts (data + off, len - off)) {
    while (off < len) {
      gsize frame;

      if (!is_adts (data + off, len - off))
        goto broken;
      frame = ((gsize) (data[off + 3] & 0x03) << 11) |
          ((gsize) data[off + 4] << 3) | (data[off + 5] >> 5);
      if (frame < ADTS_HEADER || frame > len - off)
        goto broken;
      off += frame;
    }
    return TRUE;
  }
  if (off < len - 1 && ((data[off] == 0xff && (data[off + 1] & 0xe0) == 0xe0)
          || (data[off] == 0x0b && data[off + 1] == 0x77)))
    return TRUE;

broken:
  g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
      "packed audio broken at %" G_GSIZE_FORMAT, off);
  return FALSE;
}

gboolean
p2p_segment_check_error_blames_sender (const GError * error)
{
  return error && error->domain == P2P_SEGMENT_CHECK_ERROR
      && error->code != P2P_SEGMENT_CHECK_ERROR_UNVERIFIED;
}

gboolean
p2p_segment_check (const guint8 * data, gsize len, gint64 expected_size,
    P2pSegmentCheckFlags flags, GError ** error)
{
  if (len == 0 || (expected_size >= 0 && (gint64) len != expected_size)) {
    g_set_error (error, P2P_SEGMENT_CHECK_ERROR, P2P_SEGMENT_CHECK_ERROR_SIZE,
        "segment of %" G_GSIZE_FORMAT " bytes, expected %" G_GINT64_FORMAT,
        len, expected_size);
    return FALSE;
  }
  if (flags & P2P_SEGMENT_CHECK_AES128) {
    /* CBC with PKCS7 padding: whole blocks, at least one */
    if (len % AES_BLOCK == 0)
      return TRUE;
    g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
        P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
        "AES-128 segment of %" G_GSIZE_FORMAT " bytes is not whole blocks",
        len);
    return FALSE;
  }
  /* Only structures we can check are taken from peers: anything else would
   * let a lying peer through unseen. */
  if (data[0] == 0x47)
    return check_ts (data, len, error);
  if (len >= 8 && is_box_type (data + 4))
    return check_bmff (data, len, error);
  if (id3_size (data, len) > 0 || is_adts (data, len))
    return check_packed_audio (data, len, error);
  g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE,
      "neither MPEG-TS nor ISO BMFF: cannot be checked");
  return FALSE;
}
