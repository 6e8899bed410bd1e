/* gst-p2pcdn: unit tests of the ISO BMFF sidx parser.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"
#include "p2p-sidx.h"

/* The sidx ffmpeg 5.1 wrote at offset 815 of a single-file DASH
 * representation (-single_file 1): version 1, one reference. */
static const guint8 ffmpeg_sidx[] = {
  0x00, 0x00, 0x00, 0x34, 's', 'i', 'd', 'x', 0x01, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x2f, 0x4c, 0x00, 0x00, 0x64, 0x00,
  0x80, 0x00, 0x00, 0x00
};

static void
put32 (GByteArray * b, guint32 v)
{
  guint8 be[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (b, be, 4);
}

static void
put64 (GByteArray * b, guint64 v)
{
  put32 (b, v >> 32);
  put32 (b, (guint32) v);
}

/* A sidx box with @n references of @sizes bytes and @duration each. */
static GByteArray *
build_sidx (guint version, guint32 timescale, guint64 ept,
    guint64 first_offset, guint n, const guint32 * sizes, guint32 duration)
{
  GByteArray *b = g_byte_array_new ();
  guint i;

  put32 (b, 0);                 /* size, patched below */
  g_byte_array_append (b, (const guint8 *) "sidx", 4);
  put32 (b, version << 24);
  put32 (b, 1);                 /* reference_ID */
  put32 (b, timescale);
  if (version == 0) {
    put32 (b, (guint32) ept);
    put32 (b, (guint32) first_offset);
  } else {
    put64 (b, ept);
    put64 (b, first_offset);
  }
  put32 (b, n);                 /* reserved 16 bits + reference_count */
  for (i = 0; i < n; i++) {
    put32 (b, sizes[i]);
    put32 (b, duration);
    put32 (b, 0x90000000);      /* starts with SAP type 1 */
  }
  b->data[0] = b->len >> 24;
  b->data[1] = b->len >> 16;
  b->data[2] = b->len >> 8;
  b->data[3] = b->len;
  return b;
}

static void
test_ffmpeg_box (void)
{
  GError *error = NULL;
  P2pSidx *sidx = p2p_sidx_parse (ffmpeg_sidx, sizeof (ffmpeg_sidx), 815,
      &error);
  const P2pSidxReference *ref;

  g_assert_no_error (error);
  g_assert_cmpuint (sidx->timescale, ==, 12800);
  g_assert_cmpuint (sidx->references->len, ==, 1);
  ref = &g_array_index (sidx->references, P2pSidxReference, 0);
  /* The MPD said mediaRange="815-12974": the box then the fragment. */
  g_assert_cmpuint (ref->offset, ==, 815 + 52);
  g_assert_cmpuint (ref->offset + ref->size - 1, ==, 12974);
  g_assert_cmpuint (ref->duration, ==, 25600);
  p2p_sidx_free (sidx);
}

static void
test_built_boxes (void)
{
  const guint32 sizes[] = { 1000, 2000, 3000 };
  guint version;

  for (version = 0; version <= 1; version++) {
    GByteArray *box = build_sidx (version, 90000, 180000, 16, 3, sizes,
        180000);
    GByteArray *file = g_byte_array_new ();
    GError *error = NULL;
    P2pSidx *sidx;
    const P2pSidxReference *ref;

    /* The request started before the sidx, at a 24-byte 'styp'. */
    put32 (file, 24);
    g_byte_array_append (file, (const guint8 *) "styp", 4);
    put32 (file, 0);
    put32 (file, 0);
    put32 (file, 0);
    put32 (file, 0);
    g_byte_array_append (file, box->data, box->len);

    sidx = p2p_sidx_parse (file->data, file->len, 500, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sidx->earliest_presentation_time, ==, 180000);
    g_assert_cmpuint (sidx->references->len, ==, 3);
    ref = &g_array_index (sidx->references, P2pSidxReference, 2);
    /* anchor = end of the box; + first_offset + the two before */
    g_assert_cmpuint (ref->offset, ==, 500 + 24 + box->len + 16 + 3000);
    g_assert_cmpuint (ref->size, ==, 3000);
    g_assert_cmpuint (ref->time, ==, 180000 + 2 * 180000);
    p2p_sidx_free (sidx);

    /* Every truncation is refused, never read past. */
    {
      guint cut;

      for (cut = 0; cut < file->len; cut++) {
        guint8 *copy = g_memdup2 (file->data, cut);

        sidx = p2p_sidx_parse (copy, cut, 0, &error);
        g_assert_null (sidx);
        g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID);
        g_clear_error (&error);
        g_free (copy);
      }
    }
    g_byte_array_unref (file);
    g_byte_array_unref (box);
  }
}

static void
expect_invalid (GByteArray * box, const gchar * fragment)
{
  GError *error = NULL;
  P2pSidx *sidx = p2p_sidx_parse (box->data, box->len, 0, &error);

  g_assert_null (sidx);
  p2p_test_assert_error (error, P2P_MANIFEST_ERROR_INVALID, fragment);
  g_clear_error (&error);
  g_byte_array_unref (box);
}

static void
test_bad_boxes (void)
{
  const guint32 sizes[] = { 1000, 0x80000010 };
  const guint32 zero[] = { 0 };
  const guint32 huge[] = { 0x7fffffff, 0x7fffffff };
  GByteArray *box;

  expect_invalid (build_sidx (0, 0, 0, 0, 1, sizes, 1), "timescale is 0");
  expect_invalid (build_sidx (0, 1, 0, 0, 2, sizes, 1), "hierarchical");
  expect_invalid (build_sidx (0, 1, 0, 0, 1, zero, 1), "0 bytes");
  expect_invalid (build_sidx (1, 1, 0, G_MAXUINT64 - 10, 2, huge, 1),
      "overflow");
  box = build_sidx (2, 1, 0, 0, 1, sizes, 1);
  expect_invalid (box, "version");
  /* Offsets near the top of the 64-bit range (found by fuzzing). */
  {
    GError *error = NULL;
    P2pSidx *sidx;

    box = build_sidx (0, 1, 0, 0, 1, sizes, 1);
    sidx = p2p_sidx_parse (box->data, box->len, G_MAXUINT64 - 10, &error);
    g_assert_null (sidx);
    p2p_test_assert_error (error, P2P_MANIFEST_ERROR_INVALID, "overflows");
    g_clear_error (&error);
    sidx = p2p_sidx_parse (box->data, box->len, G_MAXINT64 - 40, &error);
    g_assert_null (sidx);
    p2p_test_assert_error (error, P2P_MANIFEST_ERROR_INVALID, "overflow");
    g_clear_error (&error);
    g_byte_array_unref (box);
  }
  /* A reference_count larger than the box. */
  box = build_sidx (0, 1, 0, 0, 1, sizes, 1);
  box->data[box->len - 12 - 1] = 0xff;
  expect_invalid (box, "reference_count");
  /* A box shorter than its own header. */
  box = build_sidx (0, 1, 0, 0, 1, sizes, 1);
  box->data[3] = 4;
  box->data[0] = box->data[1] = box->data[2] = 0;
  expect_invalid (box, "shorter than its header");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/sidx/ffmpeg-box", test_ffmpeg_box);
  g_test_add_func ("/manifest/sidx/built-boxes", test_built_boxes);
  g_test_add_func ("/manifest/sidx/bad-boxes", test_bad_boxes);
  return g_test_run ();
}
