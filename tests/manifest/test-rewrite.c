/* gst-p2pcdn: unit tests of the absolute URI rewriting.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"
#include "p2p-manifest-rewrite.h"

static void
assert_rewrite (GBytes * (*rewrite) (const guint8 *, gsize, const gchar *),
    const gchar * prefix, const gchar * in, const gchar * expected)
{
  GBytes *out = rewrite ((const guint8 *) in, strlen (in), prefix);
  gsize len;
  const gchar *data = g_bytes_get_data (out, &len);
  gchar *text = g_strndup (data, len);

  g_assert_cmpstr (text, ==, expected);
  g_free (text);
  g_bytes_unref (out);
}

static void
test_hls (void)
{
  assert_rewrite (p2p_hls_rewrite, "p2phls+",
      "#EXTM3U\r\n"
      "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x, y\",URI=\"https://cdn.test/a.m3u8\"\r\n"
      "#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"avc1.4d401f,mp4a.40.2\"\r\n"
      "http://cdn.test/v.m3u8\r\n"
      "#EXT-X-STREAM-INF:BANDWIDTH=2\r\n"
      "relative/v2.m3u8\r\n"
      "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=3,URI=\"HTTP://cdn.test/i.m3u8\"\n"
      "#EXT-X-CONTENT-STEERING:SERVER-URI=\"https://steer.test/\"\n"
      "# http://not.a.uri/comment\n"
      "  https://cdn.test/indented.ts\n",
      "#EXTM3U\r\n"
      "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x, y\",URI=\"p2phls+https://cdn.test/a.m3u8\"\r\n"
      "#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"avc1.4d401f,mp4a.40.2\"\r\n"
      "p2phls+http://cdn.test/v.m3u8\r\n"
      "#EXT-X-STREAM-INF:BANDWIDTH=2\r\n"
      "relative/v2.m3u8\r\n"
      "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=3,URI=\"p2phls+HTTP://cdn.test/i.m3u8\"\n"
      "#EXT-X-CONTENT-STEERING:SERVER-URI=\"https://steer.test/\"\n"
      "# http://not.a.uri/comment\n" "  p2phls+https://cdn.test/indented.ts\n");

  /* Media playlist: key, map and segments; no final newline. */
  assert_rewrite (p2p_hls_rewrite, "p2phls+",
      "#EXTM3U\n"
      "#EXT-X-KEY:METHOD=AES-128,URI=\"https://keys.test/k?id=1\",IV=0x01\n"
      "#EXT-X-MAP:URI=\"http://cdn.test/init.mp4\",BYTERANGE=\"10@0\"\n"
      "#EXT-X-MAP:URI=\"init2.mp4\"\n"
      "#EXTINF:2.0,\n" "http://cdn.test/s0.m4s",
      "#EXTM3U\n"
      "#EXT-X-KEY:METHOD=AES-128,URI=\"p2phls+https://keys.test/k?id=1\",IV=0x01\n"
      "#EXT-X-MAP:URI=\"p2phls+http://cdn.test/init.mp4\",BYTERANGE=\"10@0\"\n"
      "#EXT-X-MAP:URI=\"init2.mp4\"\n"
      "#EXTINF:2.0,\n" "p2phls+http://cdn.test/s0.m4s");
}

static void
test_hls_unchanged (void)
{
  GBytes *in = p2p_test_load ("hls-master-audio.m3u8");
  gsize len;
  const guint8 *data = g_bytes_get_data (in, &len);
  GBytes *out = p2p_hls_rewrite (data, len, "p2phls+");

  /* Only relative URIs: byte for byte the same. */
  g_assert_true (g_bytes_equal (in, out));
  g_bytes_unref (out);
  out = p2p_hls_rewrite (data, len, NULL);
  g_assert_true (g_bytes_equal (in, out));
  g_bytes_unref (out);
  g_bytes_unref (in);
}

static void
test_mpd (void)
{
  assert_rewrite (p2p_mpd_rewrite, "p2pdash+",
      "<?xml version=\"1.0\"?>\r\n"
      "<!-- <BaseURL>http://in.comment/</BaseURL> media=\"http://x/\" -->\r\n"
      "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type='static'>\r\n"
      " <Location>  https://origin.test/live.mpd</Location>\r\n"
      " <BaseURL>http://cdn.test/base/</BaseURL>\r\n"
      " <Period><AdaptationSet>\r\n"
      "  <BaseURL>relative/</BaseURL>\r\n"
      "  <BaseURL serviceLocation=\"b\"><![CDATA[https://cdn2.test/]]></BaseURL>\r\n"
      "  <SegmentTemplate media = 'https://cdn.test/$Number$.m4s'"
      " initialization=\"http://cdn.test/init.mp4\" index=\"http://cdn.test/i\"/>\r\n"
      "  <Representation id=\"1\" bandwidth=\"1\"><SegmentList>"
      "<Initialization sourceURL=\"https://cdn.test/i.mp4\" range=\"0-9\"/>"
      "<SegmentURL media=\"s1.m4s\"/><SegmentURL media=\"https://cdn.test/s2.m4s\"/>"
      "</SegmentList></Representation>\r\n"
      " </AdaptationSet></Period>\r\n</MPD>\r\n",
      "<?xml version=\"1.0\"?>\r\n"
      "<!-- <BaseURL>http://in.comment/</BaseURL> media=\"http://x/\" -->\r\n"
      "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type='static'>\r\n"
      " <Location>  p2pdash+https://origin.test/live.mpd</Location>\r\n"
      " <BaseURL>p2pdash+http://cdn.test/base/</BaseURL>\r\n"
      " <Period><AdaptationSet>\r\n"
      "  <BaseURL>relative/</BaseURL>\r\n"
      "  <BaseURL serviceLocation=\"b\"><![CDATA[p2pdash+https://cdn2.test/]]></BaseURL>\r\n"
      "  <SegmentTemplate media = 'p2pdash+https://cdn.test/$Number$.m4s'"
      " initialization=\"p2pdash+http://cdn.test/init.mp4\" index=\"http://cdn.test/i\"/>\r\n"
      "  <Representation id=\"1\" bandwidth=\"1\"><SegmentList>"
      "<Initialization sourceURL=\"p2pdash+https://cdn.test/i.mp4\" range=\"0-9\"/>"
      "<SegmentURL media=\"s1.m4s\"/><SegmentURL media=\"p2pdash+https://cdn.test/s2.m4s\"/>"
      "</SegmentList></Representation>\r\n"
      " </AdaptationSet></Period>\r\n</MPD>\r\n");
}

static void
test_mpd_unchanged (void)
{
  const gchar *files[] = { "dash-template.mpd", "dash-timeline.mpd",
    "dash-segmentlist.mpd", "dash-live.mpd", "dash-segmentbase.mpd"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    GBytes *in = p2p_test_load (files[i]);
    gsize len;
    const guint8 *data = g_bytes_get_data (in, &len);
    GBytes *out = p2p_mpd_rewrite (data, len, "p2pdash+");

    /* ffmpeg writes relative URLs; its xmlns / schemaLocation URLs are
     * not ours to touch. */
    g_assert_true (g_bytes_equal (in, out));
    g_bytes_unref (out);
    g_bytes_unref (in);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/rewrite/hls", test_hls);
  g_test_add_func ("/manifest/rewrite/hls-unchanged", test_hls_unchanged);
  g_test_add_func ("/manifest/rewrite/mpd", test_mpd);
  g_test_add_func ("/manifest/rewrite/mpd-unchanged", test_mpd_unchanged);
  return g_test_run ();
}
