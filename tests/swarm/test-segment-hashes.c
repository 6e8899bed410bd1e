/* gst-p2pcdn: the segment hash list (PeerTube's segments-sha256.json format).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-segment-hashes.h"

#include <string.h>

/* SHA-256 of "abc" and of "hello" */
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_HELLO "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

static P2pSegmentHashes *
parse (const gchar * json, GError ** error)
{
  return p2p_segment_hashes_parse (json, strlen (json), error);
}

static void
test_whole_files (void)
{
  GError *error = NULL;
  P2pSegmentHashes *h = parse ("{\"seg-1.ts\":\"" SHA_ABC "\"}", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (p2p_segment_hashes_count (h), ==, 1);
  g_assert_cmpint (p2p_segment_hashes_verify (h,
          "http://o/v/seg-1.ts?token=1", -1, -1, (const guint8 *) "abc", 3),
      ==, P2P_HASH_MATCH);
  /* one byte flipped, one missing */
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/v/seg-1.ts", -1,
          -1, (const guint8 *) "abd", 3), ==, P2P_HASH_MISMATCH);
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/v/seg-1.ts", -1,
          -1, (const guint8 *) "ab", 2), ==, P2P_HASH_MISMATCH);
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/v/seg-2.ts", -1,
          -1, (const guint8 *) "abc", 3), ==, P2P_HASH_UNKNOWN);
  p2p_segment_hashes_free (h);
}

/* PeerTube's fragmented MP4: one file, ranges as in "bytes=start-end" */
static void
test_byte_ranges (void)
{
  GError *error = NULL;
  P2pSegmentHashes *h = parse ("{\"video.mp4\":{\"0-2\":\"" SHA_ABC
      "\",\"3-7\":\"" SHA_HELLO "\"}}", &error);

  g_assert_no_error (error);
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/video.mp4", 3, 7,
          (const guint8 *) "hello", 5), ==, P2P_HASH_MATCH);
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/video.mp4", 0, 2,
          (const guint8 *) "hello", 5), ==, P2P_HASH_MISMATCH);
  /* the whole file is not listed, nor another range */
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/video.mp4", -1,
          -1, (const guint8 *) "abchello", 8), ==, P2P_HASH_UNKNOWN);
  g_assert_cmpint (p2p_segment_hashes_verify (h, "http://o/video.mp4", 0, 7,
          (const guint8 *) "abchello", 8), ==, P2P_HASH_UNKNOWN);
  p2p_segment_hashes_free (h);
}

static void
test_refused (void)
{
  const gchar *bad[] = {
    "", "[]", "\"x\"", "{\"a.ts\":1}", "{\"a.ts\":\"abc\"}",
    "{\"a.ts\":\"" SHA_ABC "0\"}",
    "{\"a.ts\":\"zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}",
    "{\"a.ts\":{\"5-1\":\"" SHA_ABC "\"}}",
    "{\"a.ts\":{\"-1\":\"" SHA_ABC "\"}}",
    "{\"a.ts\":{\"0-x\":\"" SHA_ABC "\"}}",
    "{\"a.ts\":{\"0-1\":{\"x\":1}}}",
    "{\"\":\"" SHA_ABC "\"}",
    "{\"a\":[[[[[[[[[[1]]]]]]]]]]}",
    "{\"a.ts\":\"" SHA_ABC "\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GError *error = NULL;

    g_assert_null (parse (bad[i], &error));
    g_assert_error (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_SYNTAX);
    g_error_free (error);
  }
}

static void
test_file_name (void)
{
  gchar *n = p2p_segment_hashes_file_name ("http://o/a/b%20c.ts?x=/y#z");

  g_assert_cmpstr (n, ==, "b c.ts");
  g_free (n);
  g_assert_null (p2p_segment_hashes_file_name ("http://o/dir/"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/segment-hashes/whole-files", test_whole_files);
  g_test_add_func ("/segment-hashes/byte-ranges", test_byte_ranges);
  g_test_add_func ("/segment-hashes/refused", test_refused);
  g_test_add_func ("/segment-hashes/file-name", test_file_name);
  return g_test_run ();
}
