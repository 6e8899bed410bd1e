/* gst-p2pcdn: unit tests of the HLS playlist parser.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"
#include "p2p-hls-parser.h"

#define BASE "http://origin.test/vod/out/index.m3u8"

static P2pHlsPlaylist *
parse_file (const gchar * name, const gchar * base)
{
  GBytes *bytes = p2p_test_load (name);
  GError *error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  P2pHlsPlaylist *pl = p2p_hls_parse (base, data, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pl);
  g_bytes_unref (bytes);
  return pl;
}

static P2pHlsPlaylist *
parse_text (const gchar * text, GError ** error)
{
  return p2p_hls_parse (BASE, (const guint8 *) text, strlen (text), error);
}

static const P2pHlsSegment *
segment (const P2pHlsPlaylist * pl, guint i)
{
  g_assert_cmpuint (i, <, pl->segments->len);
  return &g_array_index (pl->segments, P2pHlsSegment, i);
}

static void
test_master (void)
{
  P2pHlsPlaylist *pl = parse_file ("hls-master-audio.m3u8",
      "http://origin.test/vod/master.m3u8?token=1");
  const P2pHlsVariant *v;
  const P2pHlsRendition *r;

  g_assert_true (pl->is_master);
  g_assert_cmpuint (pl->variants->len, ==, 2);
  v = g_ptr_array_index (pl->variants, 0);
  g_assert_cmpstr (v->uri, ==, "http://origin.test/vod/out_0.m3u8");
  g_assert_cmpstr (v->bandwidth, ==, "405900");
  g_assert_cmpstr (v->resolution, ==, "320x240");
  g_assert_cmpstr (v->codecs, ==, "avc1.64000d,mp4a.40.2");
  g_assert_cmpstr (v->audio, ==, "group_aud");
  g_assert_null (v->frame_rate);
  g_assert_cmpuint (pl->renditions->len, ==, 1);
  r = g_ptr_array_index (pl->renditions, 0);
  g_assert_cmpstr (r->type, ==, "AUDIO");
  g_assert_cmpstr (r->group_id, ==, "group_aud");
  g_assert_cmpstr (r->name, ==, "audio_2");
  g_assert_cmpstr (r->language, ==, "en");
  g_assert_cmpstr (r->uri, ==, "http://origin.test/vod/out_English.m3u8");
  p2p_hls_playlist_free (pl);
}

static void
test_master_attributes (void)
{
  GError *error = NULL;
  P2pHlsPlaylist *pl = parse_text ("#EXTM3U\r\n"
      "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a,b\",NAME=\"Deutsch\","
      "LANGUAGE=\"de\",CHANNELS=\"6\",URI=\"audio/de.m3u8\"\r\n"
      "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1000,URI=\"iframes.m3u8\"\r\n"
      "#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"https://keys.test/k\"\r\n"
      "#EXT-X-STREAM-INF:BANDWIDTH=4521000,AVERAGE-BANDWIDTH=4000000,"
      "CODECS=\"avc1.64002a,mp4a.40.2\",RESOLUTION=1920x1080,"
      "FRAME-RATE=29.970,VIDEO-RANGE=SDR,AUDIO=\"a,b\"\r\n"
      "# a comment between the tag and its URI\r\n"
      "\r\n" "https://cdn.test/hi.m3u8\r\n", &error);
  const P2pHlsVariant *v;
  const P2pHlsRendition *r;

  g_assert_no_error (error);
  g_assert_true (pl->is_master);
  v = g_ptr_array_index (pl->variants, 0);
  g_assert_cmpstr (v->uri, ==, "https://cdn.test/hi.m3u8");
  g_assert_cmpstr (v->average_bandwidth, ==, "4000000");
  g_assert_cmpstr (v->frame_rate, ==, "29.970");
  g_assert_cmpstr (v->video_range, ==, "SDR");
  g_assert_cmpstr (v->audio, ==, "a,b");
  r = g_ptr_array_index (pl->renditions, 0);
  g_assert_cmpstr (r->channels, ==, "6");
  g_assert_cmpstr (r->uri, ==, "http://origin.test/vod/out/audio/de.m3u8");
  g_assert_cmpuint (pl->iframe_uris->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (pl->iframe_uris, 0), ==,
      "http://origin.test/vod/out/iframes.m3u8");
  g_assert_cmpuint (pl->keys->len, ==, 1);
  p2p_hls_playlist_free (pl);
}

static void
test_media_vod (void)
{
  P2pHlsPlaylist *pl = parse_file ("hls-vod.m3u8", BASE);

  g_assert_false (pl->is_master);
  g_assert_true (pl->endlist);
  g_assert_cmpint (pl->media_sequence, ==, 0);
  g_assert_cmpuint (pl->segments->len, ==, 3);
  g_assert_cmpstr (segment (pl, 2)->resource.uri, ==,
      "http://origin.test/vod/out/out_02.ts");
  g_assert_cmpint (segment (pl, 2)->resource.range_start, ==, -1);
  g_assert_cmpfloat_with_epsilon (segment (pl, 2)->start, 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (segment (pl, 2)->duration, 2.0, 1e-9);
  g_assert_cmpint (segment (pl, 2)->sequence, ==, 2);
  g_assert_cmpint (segment (pl, 2)->map, ==, -1);
  p2p_hls_playlist_free (pl);
}

static void
test_media_byterange (void)
{
  GError *error = NULL;
  P2pHlsPlaylist *pl = parse_file ("hls-byterange.m3u8", BASE);

  g_assert_cmpuint (pl->segments->len, ==, 3);
  g_assert_cmpint (segment (pl, 0)->resource.range_start, ==, 0);
  g_assert_cmpint (segment (pl, 0)->resource.range_end, ==, 19363);
  g_assert_cmpint (segment (pl, 1)->resource.range_start, ==, 19364);
  g_assert_cmpint (segment (pl, 2)->resource.range_end, ==, 38164 + 18236 - 1);
  p2p_hls_playlist_free (pl);

  /* Without offset a range continues the previous one of the same URI. */
  pl = parse_text ("#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
      "#EXTINF:2,\n#EXT-X-BYTERANGE:100@50\nall.ts\n"
      "#EXTINF:2,\n#EXT-X-BYTERANGE:200\nall.ts\n"
      "#EXT-X-BYTERANGE:300\n#EXTINF:2,\nall.ts\n#EXT-X-ENDLIST\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (segment (pl, 1)->resource.range_start, ==, 150);
  g_assert_cmpint (segment (pl, 1)->resource.range_end, ==, 349);
  g_assert_cmpint (segment (pl, 2)->resource.range_start, ==, 350);
  g_assert_cmpint (segment (pl, 2)->resource.range_end, ==, 649);
  p2p_hls_playlist_free (pl);

  pl = parse_text ("#EXTM3U\n#EXTINF:2,\n#EXT-X-BYTERANGE:100@0\na.ts\n"
      "#EXTINF:2,\n#EXT-X-BYTERANGE:100\nb.ts\n", &error);
  g_assert_null (pl);
  p2p_test_assert_error (error, P2P_MANIFEST_ERROR_INVALID, "line 7");
  g_clear_error (&error);
}

static void
test_media_fmp4_and_keys (void)
{
  GError *error = NULL;
  P2pHlsPlaylist *pl = parse_file ("hls-fmp4.m3u8", BASE);

  g_assert_cmpuint (pl->maps->len, ==, 1);
  g_assert_cmpstr (((P2pHlsResource *) g_ptr_array_index (pl->maps,
              0))->uri, ==, "http://origin.test/vod/out/init.mp4");
  g_assert_cmpint (segment (pl, 0)->map, ==, 0);
  g_assert_cmpint (segment (pl, 2)->map, ==, 0);
  p2p_hls_playlist_free (pl);

  pl = parse_text ("#EXTM3U\n#EXT-X-TARGETDURATION:4\n"
      "#EXT-X-MEDIA-SEQUENCE:41\n"
      "#EXT-X-KEY:METHOD=AES-128,URI=\"key1.bin\",IV=0x1\n"
      "#EXT-X-MAP:URI=\"main.mp4\",BYTERANGE=\"720@0\"\n"
      "#EXTINF:4.004,title, with comma\nmain.mp4\n"
      "#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=NONE\n"
      "#EXT-X-MAP:URI=\"other-init.mp4\"\n"
      "#EXTINF:3.5,\nhttps://other.test/seg.m4s\n", &error);
  g_assert_no_error (error);
  g_assert_false (pl->endlist);
  g_assert_cmpuint (pl->keys->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (pl->keys, 0), ==,
      "http://origin.test/vod/out/key1.bin");
  g_assert_cmpint (((P2pHlsResource *) g_ptr_array_index (pl->maps,
              0))->range_end, ==, 719);
  g_assert_cmpint (segment (pl, 0)->sequence, ==, 41);
  g_assert_cmpint (segment (pl, 1)->sequence, ==, 42);
  g_assert_cmpint (segment (pl, 1)->map, ==, 1);
  g_assert_true (segment (pl, 1)->discontinuity);
  g_assert_false (segment (pl, 0)->discontinuity);
  g_assert_cmpfloat_with_epsilon (segment (pl, 1)->start, 4.004, 1e-9);
  p2p_hls_playlist_free (pl);
}

static void
test_media_live (void)
{
  P2pHlsPlaylist *pl = parse_file ("hls-live-1.m3u8", BASE);

  g_assert_false (pl->endlist);
  g_assert_cmpint (pl->media_sequence, ==, 7);
  g_assert_cmpint (segment (pl, 2)->sequence, ==, 9);
  p2p_hls_playlist_free (pl);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/hls/master", test_master);
  g_test_add_func ("/manifest/hls/master-attributes", test_master_attributes);
  g_test_add_func ("/manifest/hls/media-vod", test_media_vod);
  g_test_add_func ("/manifest/hls/media-byterange", test_media_byterange);
  g_test_add_func ("/manifest/hls/media-fmp4-keys", test_media_fmp4_and_keys);
  g_test_add_func ("/manifest/hls/media-live", test_media_live);
  return g_test_run ();
}
