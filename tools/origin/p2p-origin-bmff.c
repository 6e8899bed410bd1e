/* Shifts the media times of an ISO BMFF media segment (tfdt, sidx).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The live origin cycles through a fixed set of fMP4 segments; moving each
 * repetition later on the media timeline keeps what a player sees continuous.
 */
#include "p2p-origin-bmff.h"
#include "p2p-origin.h"

#include <string.h>

#define FOURCC(a,b,c,d) \
  (((guint32) (a) << 24) | ((guint32) (b) << 16) | ((guint32) (c) << 8) | \
   (guint32) (d))

static guint32
read_u32 (const guint8 * p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_BE (v);
}

static guint64
read_u64 (const guint8 * p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_BE (v);
}

static void
write_u32 (guint8 * p, guint32 value)
{
  guint32 v = GUINT32_TO_BE (value);

  memcpy (p, &v, sizeof v);
}

static void
write_u64 (guint8 * p, guint64 value)
{
  guint64 v = GUINT64_TO_BE (value);

  memcpy (p, &v, sizeof v);
}

static gboolean
fail (GError ** error, const gchar * what)
{
  g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_CONTENT,
      "Malformed media segment: %s", what);
  return FALSE;
}

/* Adds @shift to a version 0 (32-bit) or version 1 (64-bit) time at @p. */
static gboolean
add_time (guint8 * p, gsize avail, guint8 version, guint64 shift,
    GError ** error)
{
  guint64 t;

  if (version == 1) {
    if (avail < 8)
      return fail (error, "truncated 64-bit time");
    if (!g_uint64_checked_add (&t, read_u64 (p), shift))
      return fail (error, "time overflow");
    write_u64 (p, t);
  } else {
    if (avail < 4)
      return fail (error, "truncated 32-bit time");
    if (!g_uint64_checked_add (&t, read_u32 (p), shift) || t > G_MAXUINT32)
      return fail (error, "time does not fit a version 0 box");
    write_u32 (p, (guint32) t);
  }
  return TRUE;
}

static gboolean
shift_boxes (guint8 * data, gsize size, guint32 track_timescale,
    guint64 shift_s, guint depth, GError ** error)
{
  gsize off = 0;

  if (depth > 4)
    return fail (error, "boxes nested too deep");

  while (off < size) {
    guint64 box_size;
    gsize header = 8;
    guint32 type;
    guint8 *body;
    gsize body_size;
    guint64 shift;

    if (size - off < 8)
      return fail (error, "truncated box header");
    box_size = read_u32 (data + off);
    type = read_u32 (data + off + 4);
    if (box_size == 1) {
      if (size - off < 16)
        return fail (error, "truncated large box header");
      box_size = read_u64 (data + off + 8);
      header = 16;
    } else if (box_size == 0) {
      box_size = size - off;
    }
    if (box_size < header || box_size > size - off)
      return fail (error, "box size out of bounds");

    body = data + off + header;
    body_size = box_size - header;

    switch (type) {
      case FOURCC ('m', 'o', 'o', 'f'):
      case FOURCC ('t', 'r', 'a', 'f'):
        if (!shift_boxes (body, body_size, track_timescale, shift_s, depth + 1,
                error))
          return FALSE;
        break;
      case FOURCC ('t', 'f', 'd', 't'):
        if (body_size < 4 || !g_uint64_checked_mul (&shift, shift_s,
                track_timescale))
          return fail (error, "bad tfdt");
        if (!add_time (body + 4, body_size - 4, body[0], shift, error))
          return FALSE;
        break;
      case FOURCC ('s', 'i', 'd', 'x'):
        /* version/flags, reference_ID, timescale, earliest_presentation_time */
        if (body_size < 12 || !g_uint64_checked_mul (&shift, shift_s,
                read_u32 (body + 8)))
          return fail (error, "bad sidx");
        if (!add_time (body + 12, body_size - 12, body[0], shift, error))
          return FALSE;
        break;
      default:
        break;
    }
    off += box_size;
  }
  return TRUE;
}

/**
 * p2p_origin_bmff_shift_times:
 * @data: a media segment (styp/sidx/moof/mdat), modified in place
 * @track_timescale: the track's mdhd timescale, which tfdt is expressed in
 * @shift_seconds: how far to move the segment later on the timeline
 *
 * Returns: FALSE with @error set if the boxes cannot be walked or a time
 * would overflow its field.
 */
gboolean
p2p_origin_bmff_shift_times (guint8 * data, gsize size,
    guint32 track_timescale, guint64 shift_seconds, GError ** error)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  if (shift_seconds == 0)
    return TRUE;
  return shift_boxes (data, size, track_timescale, shift_seconds, 0, error);
}
