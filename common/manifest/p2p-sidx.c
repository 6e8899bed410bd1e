/* gst-p2pcdn: ISO BMFF segment index ('sidx', ISO/IEC 14496-12 8.16.3).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-sidx.h"
#include "p2p-manifest.h"

#include <string.h>

typedef struct
{
  const guint8 *p;
  gsize left;
} P2pReader;

static gboolean
p2p_read_u32 (P2pReader * r, guint32 * v)
{
  if (r->left < 4)
    return FALSE;
  memcpy (v, r->p, 4);
  *v = GUINT32_FROM_BE (*v);
  r->p += 4;
  r->left -= 4;
  return TRUE;
}

static gboolean
p2p_read_u64 (P2pReader * r, guint64 * v)
{
  if (r->left < 8)
    return FALSE;
  memcpy (v, r->p, 8);
  *v = GUINT64_FROM_BE (*v);
  r->p += 8;
  r->left -= 8;
  return TRUE;
}

static gboolean
p2p_read_skip (P2pReader * r, gsize n)
{
  if (r->left < n)
    return FALSE;
  r->p += n;
  r->left -= n;
  return TRUE;
}

void
p2p_sidx_free (P2pSidx * sidx)
{
  if (sidx == NULL)
    return;
  g_array_unref (sidx->references);
  g_free (sidx);
}

static P2pSidx *
p2p_sidx_fail (P2pSidx * sidx, GError ** error, const gchar * what)
{
  g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
      "sidx: %s", what);
  p2p_sidx_free (sidx);
  return NULL;
}

/* Reads the body of a sidx box; @anchor is the file offset of the first
 * byte after the box, from which first_offset counts. */
static P2pSidx *
p2p_sidx_read_body (P2pReader * r, guint64 anchor, GError ** error)
{
  P2pSidx *sidx = g_new0 (P2pSidx, 1);
  guint32 version_flags, reference_id, timescale, u32;
  guint64 ept, first_offset, offset, time;
  guint32 count_word;
  guint i, count;

  sidx->references = g_array_new (FALSE, FALSE, sizeof (P2pSidxReference));
  if (!p2p_read_u32 (r, &version_flags) || !p2p_read_u32 (r, &reference_id)
      || !p2p_read_u32 (r, &timescale))
    return p2p_sidx_fail (sidx, error, "truncated header");
  if (version_flags >> 24 == 0) {
    if (!p2p_read_u32 (r, &u32))
      return p2p_sidx_fail (sidx, error, "truncated header");
    ept = u32;
    if (!p2p_read_u32 (r, &u32))
      return p2p_sidx_fail (sidx, error, "truncated header");
    first_offset = u32;
  } else if (version_flags >> 24 == 1) {
    if (!p2p_read_u64 (r, &ept) || !p2p_read_u64 (r, &first_offset))
      return p2p_sidx_fail (sidx, error, "truncated header");
  } else {
    return p2p_sidx_fail (sidx, error, "unknown box version");
  }
  if (timescale == 0)
    return p2p_sidx_fail (sidx, error, "timescale is 0");
  if (!p2p_read_u32 (r, &count_word))
    return p2p_sidx_fail (sidx, error, "truncated header");
  count = count_word & 0xffff;  /* after 16 reserved bits */
  if ((gsize) count * 12 > r->left)
    return p2p_sidx_fail (sidx, error, "reference_count exceeds the box");
  if (first_offset > G_MAXUINT64 - anchor)
    return p2p_sidx_fail (sidx, error, "first_offset overflows");

  sidx->timescale = timescale;
  sidx->earliest_presentation_time = ept;
  offset = anchor + first_offset;
  time = ept;
  for (i = 0; i < count; i++) {
    P2pSidxReference ref;
    guint32 type_size = 0, duration = 0, sap = 0;

    /* Cannot fail: reference_count was checked against the box size. */
    if (!p2p_read_u32 (r, &type_size) || !p2p_read_u32 (r, &duration)
        || !p2p_read_u32 (r, &sap))
      return p2p_sidx_fail (sidx, error, "truncated reference");
    if (type_size >> 31)
      return p2p_sidx_fail (sidx, error,
          "references another sidx (hierarchical index not supported)");
    ref.offset = offset;
    ref.size = type_size & 0x7fffffff;
    ref.time = time;
    ref.duration = duration;
    if (ref.size == 0)
      return p2p_sidx_fail (sidx, error, "reference of 0 bytes");
    /* Offsets become gint64 byte ranges. */
    if (offset > G_MAXINT64 || ref.size > G_MAXINT64 - offset
        || duration > G_MAXUINT64 - time)
      return p2p_sidx_fail (sidx, error, "references overflow");
    offset += ref.size;
    time += duration;
    g_array_append_val (sidx->references, ref);
  }
  return sidx;
}

P2pSidx *
p2p_sidx_parse (const guint8 * data, gsize len, guint64 data_offset,
    GError ** error)
{
  P2pReader r = { data, len };

  /* Byte offsets end up as gint64 ranges: keep every sum below that. */
  if (len > G_MAXINT64 || data_offset > (guint64) G_MAXINT64 - len) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
        "sidx: data at offset %" G_GUINT64_FORMAT " overflows", data_offset);
    return NULL;
  }
  /* Walk top-level boxes until the sidx: the request may start earlier,
   * at the init segment. */
  while (r.left >= 8) {
    const guint8 *box = r.p;
    guint32 size32, type;
    guint64 size, header = 8;
    P2pReader body;

    p2p_read_u32 (&r, &size32);
    memcpy (&type, r.p, 4);
    p2p_read_skip (&r, 4);
    size = size32;
    if (size32 == 1) {
      if (!p2p_read_u64 (&r, &size))
        break;
      header = 16;
    } else if (size32 == 0) {
      size = header + r.left;   /* to the end of the file */
    }
    if (size < header) {
      g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
          "sidx: box of %" G_GUINT64_FORMAT " bytes at offset %"
          G_GUINT64_FORMAT " is shorter than its header", size,
          data_offset + (guint64) (box - data));
      return NULL;
    }
    if (memcmp (&type, "sidx", 4) == 0) {
      guint64 box_offset = data_offset + (guint64) (box - data);

      if (size - header > r.left)
        break;
      if (box_offset > G_MAXUINT64 - size) {
        g_set_error_literal (error, P2P_MANIFEST_ERROR,
            P2P_MANIFEST_ERROR_INVALID, "sidx: box offset overflows");
        return NULL;
      }
      body.p = r.p;
      body.left = size - header;
      return p2p_sidx_read_body (&body, box_offset + size, error);
    }
    if (size - header > r.left)
      break;
    p2p_read_skip (&r, size - header);
  }
  g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
      "sidx: no complete sidx box in %" G_GSIZE_FORMAT " bytes at offset %"
      G_GUINT64_FORMAT, len, data_offset);
  return NULL;
}
