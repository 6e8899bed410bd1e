/* gst-p2pcdn: unit tests of the registry: swarms and request classes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"

#define PML_SWARM "http://127.0.0.1:20080/out/index.m3u8"

static GBytes *
add_text (P2pManifestRegistry * reg, P2pManifestFormat format,
    const gchar * uri, const gchar * text)
{
  GError *error = NULL;
  GBytes *out = p2p_manifest_registry_add (reg, format, uri, NULL,
      (const guint8 *) text, strlen (text), "p2p+", &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static void
add_file (P2pManifestRegistry * reg, const gchar * uri, const gchar * name)
{
  GBytes *in = p2p_test_load (name);
  GError *error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (in, &len);
  GBytes *out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_UNKNOWN,
      uri, NULL, data, len, "p2p+", &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_bytes_unref (out);
  g_bytes_unref (in);
}

static P2pRequestInfo
classify (P2pManifestRegistry * reg, const gchar * uri, gint64 start,
    gint64 end)
{
  P2pRequestInfo info;

  p2p_manifest_registry_classify (reg, uri, start, end, &info);
  return info;
}

static void
assert_kind (P2pManifestRegistry * reg, const gchar * uri, gint64 start,
    gint64 end, P2pResourceKind kind)
{
  P2pRequestInfo info = classify (reg, uri, start, end);

  if (info.kind != kind)
    g_error ("%s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] is %s, not %s",
        uri, start, end, p2p_resource_kind_to_string (info.kind),
        p2p_resource_kind_to_string (kind));
}

/* Asserts a one-segment answer and returns it. */
static const P2pSegment *
assert_segment (P2pManifestRegistry * reg, const gchar * uri, gint64 start,
    gint64 end, gint64 id, const gchar * stream_swarm_id)
{
  P2pRequestInfo info = classify (reg, uri, start, end);

  g_assert_cmpint (info.kind, ==, P2P_RESOURCE_SEGMENT);
  g_assert_cmpuint (info.n_segments, ==, 1);
  g_assert_cmpint (info.segments[0]->id, ==, id);
  if (stream_swarm_id)
    g_assert_cmpstr (info.stream_swarm_id, ==, stream_swarm_id);
  g_assert_cmpuint (strlen (info.info_hash), ==, 20);
  return info.segments[0];
}

static gchar *
pml_playlist (guint n)
{
  GString *s = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n"
      "#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
      "#EXT-X-PLAYLIST-TYPE:VOD\n");
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (s, "#EXTINF:2.000000,\nindex%u.ts\n", i);
  g_string_append (s, "#EXT-X-ENDLIST\n");
  return g_string_free (s, FALSE);
}

/* The swarm two PML 2.3.1 browsers joined (pml-2.3.1-vectors.md). */
static void
test_pml_vector (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  gchar *text = pml_playlist (30);
  P2pRequestInfo info;
  const P2pSegment *seg;

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          PML_SWARM "?token=secret", text));
  assert_kind (reg, PML_SWARM "?token=secret", -1, -1, P2P_RESOURCE_MANIFEST);
  seg = assert_segment (reg, "http://127.0.0.1:20080/out/index29.ts", -1, -1,
      29, "v2-" PML_SWARM "-main-UYnLxGhQilEV4D0HbCx+kRv0ZF0=");
  g_assert_cmpstr (seg->uri, ==, "http://127.0.0.1:20080/out/index29.ts");
  g_assert_cmpfloat_with_epsilon (seg->start, 58, 1e-9);
  info = classify (reg, "http://127.0.0.1:20080/out/index5.ts", -1, -1);
  g_assert_cmpstr (info.info_hash, ==, "Un5pXNncgx4ZjfNSitaa");
  g_assert_false (info.live);
  /* Dot segments and a fragment do not make another resource. */
  assert_kind (reg, "http://127.0.0.1:20080/out/./index5.ts#t=1", -1, -1,
      P2P_RESOURCE_SEGMENT);
  assert_kind (reg, "HTTP://127.0.0.1:20080/out/sub/../index5.ts", -1, -1,
      P2P_RESOURCE_SEGMENT);
  assert_kind (reg, "http://127.0.0.1:20080/out/index30.ts", -1, -1,
      P2P_RESOURCE_OTHER);
  p2p_manifest_registry_free (reg);

  reg = p2p_manifest_registry_new ();
  p2p_manifest_registry_set_profile (reg, P2P_SWARM_PROFILE_V3);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS, PML_SWARM, text));
  info = classify (reg, "http://127.0.0.1:20080/out/index5.ts", -1, -1);
  g_assert_cmpstr (info.info_hash, ==, "vQ6U1/RrPSDBSukXnF2i");
  g_assert_cmpstr (info.stream_swarm_id, ==,
      "v3-" PML_SWARM "-main-UYnLxGhQilEV4D0HbCx+kRv0ZF0=");
  p2p_manifest_registry_free (reg);
  g_free (text);
}

/* Media playlists named by a master belong to its swarm, with the
 * variant's or rendition's stream key. */
static void
test_hls_master (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  gchar *video = p2p_test_stream_swarm_id ("v2",
      "http://origin.test/vod/master.m3u8", "main",
      "405900-avc1.64000d-320-240-----");
  gchar *audio = p2p_test_stream_swarm_id ("v2",
      "http://origin.test/vod/master.m3u8", "secondary",
      "0-mp4a.40.2---en--audio_2--");

  /* Host case and the default port are not part of the swarm id. */
  add_file (reg, "http://Origin.TEST:80/vod/master.m3u8?session=42",
      "hls-master-audio.m3u8");
  /* Not fetched yet, but known to be playlists. */
  assert_kind (reg, "http://origin.test/vod/out_1.m3u8", -1, -1,
      P2P_RESOURCE_MANIFEST);
  assert_kind (reg, "http://origin.test/vod/out_English.m3u8", -1, -1,
      P2P_RESOURCE_MANIFEST);

  add_file (reg, "http://origin.test/vod/out_0.m3u8", "hls-vod.m3u8");
  assert_segment (reg, "http://origin.test/vod/out_01.ts", -1, -1, 1, video);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "http://origin.test/vod/out_English.m3u8",
          "#EXTM3U\n#EXTINF:2.020133,\naudio0.ts\n#EXTINF:1.996922,\n"
          "audio1.ts\n#EXT-X-ENDLIST\n"));
  assert_segment (reg, "http://origin.test/vod/audio1.ts", -1, -1, 1, audio);
  p2p_manifest_registry_free (reg);
  g_free (video);
  g_free (audio);
}

/* hls.js details p2p-media-loader inherits: BANDWIDTH with parseInt,
 * variants with unknown codecs dropped, subtitles and I-frames not
 * shared. */
static void
test_hls_master_details (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *media = "#EXTM3U\n#EXTINF:4,\ns.ts\n#EXT-X-ENDLIST\n";
  gchar *hi = p2p_test_stream_swarm_id ("v2", "https://o.test/m.m3u8",
      "main", "4521000-avc1.64002a-1920-1080----29.97-SDR");
  gchar *lo = p2p_test_stream_swarm_id ("v2", "https://o.test/m.m3u8",
      "main", "0--------");
  gchar *nan_id = p2p_test_stream_swarm_id ("v2", "https://o.test/m.m3u8",
      "main", "NaN-avc1.4d401e-640-360-----");
  gchar *fr = p2p_test_stream_swarm_id ("v2", "https://o.test/m.m3u8",
      "secondary", "0-ec-3---fr-6-français--");

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/m.m3u8",
          "#EXTM3U\n"
          "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"s\",NAME=\"en\",URI=\"subs.m3u8\"\n"
          "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",LANGUAGE=\"fr\",NAME=\"Français\","
          "CHANNELS=\"6\",URI=\"fr.m3u8\"\n"
          "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI=\"iframe.m3u8\"\n"
          "#EXT-X-STREAM-INF:BANDWIDTH=4521000kbps,CODECS=\"avc1.64002a,ec-3\","
          "RESOLUTION=1920x1080,FRAME-RATE=29.970,VIDEO-RANGE=SDR,AUDIO=\"aud\"\n"
          "hi.m3u8\n"
          "#EXT-X-STREAM-INF:BANDWIDTH=0,AVERAGE-BANDWIDTH=0,"
          "CODECS=\"avc1.4d401e,mp4a.40.2\",RESOLUTION=640x360\n" "zero.m3u8\n"
          /* 0 || NaN is NaN in JavaScript, and so is the key */
          "#EXT-X-STREAM-INF:BANDWIDTH=0,CODECS=\"avc1.4d401e,mp4a.40.2\","
          "RESOLUTION=640x360\n"
          "nan.m3u8\n"
          "#EXT-X-STREAM-INF:BANDWIDTH=100,CODECS=\"xyz1.2\"\n"
          "unknown.m3u8\n"));
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/hi.m3u8", media));
  assert_segment (reg, "https://o.test/s.ts", -1, -1, 0, hi);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/zero.m3u8", "#EXTM3U\n#EXTINF:4,\nz.ts\n"
          "#EXT-X-ENDLIST\n"));
  assert_segment (reg, "https://o.test/z.ts", -1, -1, 0, lo);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/nan.m3u8", "#EXTM3U\n#EXTINF:4,\nn.ts\n"
          "#EXT-X-ENDLIST\n"));
  assert_segment (reg, "https://o.test/n.ts", -1, -1, 0, nan_id);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/fr.m3u8", "#EXTM3U\n#EXTINF:4,\nfr.aac\n"
          "#EXT-X-ENDLIST\n"));
  assert_segment (reg, "https://o.test/fr.aac", -1, -1, 0, fr);

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/subs.m3u8", "#EXTM3U\n#EXTINF:4,\nsub.vtt\n"
          "#EXT-X-ENDLIST\n"));
  assert_kind (reg, "https://o.test/subs.m3u8", -1, -1, P2P_RESOURCE_MANIFEST);
  assert_kind (reg, "https://o.test/sub.vtt", -1, -1, P2P_RESOURCE_OTHER);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/unknown.m3u8", "#EXTM3U\n#EXTINF:4,\nu.ts\n"
          "#EXT-X-ENDLIST\n"));
  assert_kind (reg, "https://o.test/u.ts", -1, -1, P2P_RESOURCE_OTHER);
  assert_kind (reg, "https://o.test/iframe.m3u8", -1, -1,
      P2P_RESOURCE_MANIFEST);
  p2p_manifest_registry_free (reg);
  g_free (hi);
  g_free (lo);
  g_free (nan_id);
  g_free (fr);
}

static void
test_hls_ranges_init_keys (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  P2pRequestInfo info;

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/master.m3u8",
          "#EXTM3U\n#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI=\"skey\"\n"
          "#EXT-X-STREAM-INF:BANDWIDTH=1\nmedia.m3u8\n"));
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/media.m3u8",
          "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n"
          "#EXT-X-KEY:METHOD=AES-128,URI=\"https://keys.test/k1\"\n"
          "#EXT-X-MAP:URI=\"all.mp4\",BYTERANGE=\"800@0\"\n"
          "#EXTINF:2,\n#EXT-X-BYTERANGE:1000@800\nall.mp4\n"
          "#EXTINF:2,\n#EXT-X-BYTERANGE:1200\nall.mp4\n"
          "#EXTINF:2,\n#EXT-X-BYTERANGE:900\nall.mp4\n#EXT-X-ENDLIST\n"));
  assert_kind (reg, "https://o.test/all.mp4", 0, 799, P2P_RESOURCE_INIT);
  assert_segment (reg, "https://o.test/all.mp4", 800, 1799, 0, NULL);
  assert_segment (reg, "https://o.test/all.mp4", 1800, 2999, 1, NULL);
  assert_segment (reg, "https://o.test/all.mp4", 3000, 3899, 2, NULL);
  /* The whole file covers the three segments, in order. */
  info = classify (reg, "https://o.test/all.mp4", -1, -1);
  g_assert_cmpint (info.kind, ==, P2P_RESOURCE_SEGMENT);
  g_assert_cmpuint (info.n_segments, ==, 3);
  g_assert_cmpint (info.segments[0]->range_start, ==, 800);
  g_assert_cmpint (info.segments[2]->range_end, ==, 3899);
  /* Within the init only. */
  assert_kind (reg, "https://o.test/all.mp4", 0, 399, P2P_RESOURCE_INIT);
  info = classify (reg, "https://o.test/all.mp4", 0, 799);
  g_assert_cmpuint (info.n_segments, ==, 1);
  g_assert_cmpint (info.segments[0]->id, ==, -1);
  g_assert_nonnull (info.stream_swarm_id);
  assert_kind (reg, "https://keys.test/k1", -1, -1, P2P_RESOURCE_KEY);
  assert_kind (reg, "https://o.test/skey", -1, -1, P2P_RESOURCE_KEY);
  assert_kind (reg, "https://o.test/all.mp4", 3900, -1, P2P_RESOURCE_OTHER);
  p2p_manifest_registry_free (reg);
}

/* The segments under EXT-X-KEY METHOD=AES-128 are marked (their bytes are
 * ciphertext: only their size can be checked), up to a METHOD=NONE; a
 * SAMPLE-AES segment keeps its container.  Segments are found by id. */
static void
test_hls_aes128_by_id (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  P2pRequestInfo info;
  const gchar *sid;
  const P2pSegment *seg;
  gboolean expected[] = { FALSE, TRUE, TRUE, FALSE, FALSE };

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "https://o.test/media.m3u8",
          "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
          "#EXTINF:2,\ns0.ts\n"
          "#EXT-X-KEY:METHOD=AES-128,URI=\"k1\"\n"
          "#EXTINF:2,\ns1.ts\n#EXTINF:2,\ns2.ts\n"
          "#EXT-X-KEY:METHOD=NONE\n#EXTINF:2,\ns3.ts\n"
          "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"k2\"\n"
          "#EXTINF:2,\ns4.ts\n#EXT-X-ENDLIST\n"));
  info = classify (reg, "https://o.test/s0.ts", -1, -1);
  sid = info.stream_swarm_id;
  g_assert_nonnull (sid);
  for (gint64 id = 0; id < 5; id++) {
    gchar *sid_copy = g_strdup (sid);

    seg = p2p_manifest_registry_find_segment (reg, sid_copy, id);
    g_assert_nonnull (seg);
    g_assert_cmpint (seg->id, ==, id);
    g_assert_cmpint (seg->aes128, ==, expected[id]);
    sid = classify (reg, "https://o.test/s0.ts", -1, -1).stream_swarm_id;
    g_free (sid_copy);
  }
  g_assert_null (p2p_manifest_registry_find_segment (reg, sid, 5));
  g_assert_null (p2p_manifest_registry_find_segment (reg, "v2-none", 0));
  p2p_manifest_registry_free (reg);
}

/* A live refresh keeps the swarm and the previous window, drops older
 * segments, and keeps start times continuous. */
static void
test_hls_live_refresh (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *uri = "http://o.test/live/live.m3u8";
  P2pRequestInfo info;
  const P2pSegment *seg;
  gchar *swarm;

  add_file (reg, uri, "hls-live-1.m3u8");
  info = classify (reg, "http://o.test/live/live7.ts", -1, -1);
  g_assert_true (info.live);
  g_assert_cmpint (info.segments[0]->id, ==, 7);
  swarm = g_strdup (info.stream_swarm_id);

  add_file (reg, uri, "hls-live-2.m3u8");
  assert_segment (reg, "http://o.test/live/live10.ts", -1, -1, 10, swarm);
  seg = assert_segment (reg, "http://o.test/live/live7.ts", -1, -1, 7, swarm);
  g_assert_cmpfloat_with_epsilon (seg->start, 0, 1e-9);

  add_file (reg, uri, "hls-live-3.m3u8");
  assert_kind (reg, "http://o.test/live/live7.ts", -1, -1, P2P_RESOURCE_OTHER);
  assert_segment (reg, "http://o.test/live/live8.ts", -1, -1, 8, swarm);
  seg = assert_segment (reg, "http://o.test/live/live12.ts", -1, -1, 12, swarm);
  g_assert_cmpfloat_with_epsilon (seg->start, 10, 1e-9);

  /* The event ends: ids already given stay, new ones are indexes. */
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS, uri,
          "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:11\n#EXTINF:2,\nlive11.ts\n"
          "#EXTINF:2,\nlive12.ts\n#EXTINF:2,\nlive13.ts\n#EXT-X-ENDLIST\n"));
  info = classify (reg, "http://o.test/live/live12.ts", -1, -1);
  g_assert_false (info.live);
  g_assert_cmpint (info.segments[0]->id, ==, 12);
  assert_segment (reg, "http://o.test/live/live13.ts", -1, -1, 2, swarm);
  p2p_manifest_registry_free (reg);
  g_free (swarm);
}

static void
test_dash_template (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  gchar *video = p2p_test_stream_swarm_id ("v2",
      "http://o.test/dash/manifest.mpd", "main",
      "116909-avc1.64000d-320-240----25-");
  gchar *audio = p2p_test_stream_swarm_id ("v2",
      "http://o.test/dash/manifest.mpd", "secondary", "0-mp4a.40.2----1-1--");
  const P2pSegment *seg;
  P2pRequestInfo info;

  add_file (reg, "http://o.test/dash/manifest.mpd", "dash-template.mpd");
  info = classify (reg, "http://o.test/dash/init-stream0.m4s", -1, -1);
  g_assert_cmpint (info.kind, ==, P2P_RESOURCE_INIT);
  g_assert_cmpstr (info.stream_swarm_id, ==, video);
  seg = assert_segment (reg, "http://o.test/dash/chunk-stream0-00002.m4s", -1,
      -1, 4, video);
  g_assert_cmpfloat_with_epsilon (seg->start, 2, 1e-9);
  g_assert_cmpfloat_with_epsilon (seg->duration, 2, 1e-9);
  g_assert_cmpstr (seg->uri, ==, "http://o.test/dash/chunk-stream0-00002.m4s");
  assert_segment (reg, "http://o.test/dash/chunk-stream1-00003.m4s", -1, -1,
      8, audio);
  assert_kind (reg, "http://o.test/dash/chunk-stream0-00004.m4s", -1, -1,
      P2P_RESOURCE_OTHER);
  assert_kind (reg, "http://o.test/dash/chunk-stream0-00000.m4s", -1, -1,
      P2P_RESOURCE_OTHER);
  assert_kind (reg, "http://o.test/dash/manifest.mpd", -1, -1,
      P2P_RESOURCE_MANIFEST);
  p2p_manifest_registry_free (reg);
  g_free (video);
  g_free (audio);
}

static void
test_dash_timeline (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();

  add_file (reg, "http://o.test/dash/manifest.mpd", "dash-timeline.mpd");
  /* Audio segment 3 starts at 262144 / 44100 = 5.944 s: id 11. */
  assert_segment (reg, "http://o.test/dash/chunk-stream1-00004.m4s", -1, -1,
      11, NULL);
  assert_kind (reg, "http://o.test/dash/chunk-stream1-00005.m4s", -1, -1,
      P2P_RESOURCE_OTHER);

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_DASH,
          "http://o.test/t/live.mpd",
          "<MPD type=\"dynamic\"><Period start=\"PT100S\"><AdaptationSet"
          " contentType=\"video\"><SegmentTemplate timescale=\"1000\""
          " presentationTimeOffset=\"5000\" media=\"v/$Time$.m4s\">"
          "<SegmentTimeline><S t=\"5000\" d=\"2000\" r=\"2\"/>"
          "<S d=\"1000\" r=\"-1\"/></SegmentTimeline></SegmentTemplate>"
          "<Representation id=\"v\" bandwidth=\"1000\"/></AdaptationSet>"
          "</Period></MPD>"));
  /* t=9000: 100 s + 4 s */
  assert_segment (reg, "http://o.test/t/v/9000.m4s", -1, -1, 208, NULL);
  /* The last S repeats without end in a live MPD. */
  assert_segment (reg, "http://o.test/t/v/99000.m4s", -1, -1,
      (gint64) ((100 + 94.0) / 0.5), NULL);
  assert_kind (reg, "http://o.test/t/v/10000.m4s", -1, -1, P2P_RESOURCE_OTHER);
  p2p_manifest_registry_free (reg);
}

static void
test_dash_live_refresh (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *uri = "http://o.test/live/live.mpd";
  P2pRequestInfo info;
  gchar *first;
  const gchar *other = "<MPD type=\"dynamic\"><Period start=\"PT0S\">"
      "<AdaptationSet contentType=\"video\" codecs=\"avc1.64000b\" width=\"160\""
      " height=\"120\" frameRate=\"25/1\"><Representation id=\"0\""
      " bandwidth=\"50088\"><SegmentTemplate timescale=\"1000000\""
      " duration=\"1000000\" media=\"new-$Number%05d$.m4s\" startNumber=\"1\"/>"
      "</Representation></AdaptationSet></Period></MPD>";

  add_file (reg, uri, "dash-live.mpd");
  info = classify (reg, "http://o.test/live/chunk-stream0-99999.m4s", -1, -1);
  g_assert_cmpint (info.kind, ==, P2P_RESOURCE_SEGMENT);
  g_assert_true (info.live);
  g_assert_cmpint (info.segments[0]->id, ==, 2 * 99998);
  first = g_strdup (info.stream_swarm_id);

  /* Same attributes: same swarm; the old template still classifies for
   * one more refresh. */
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_DASH, uri, other));
  assert_segment (reg, "http://o.test/live/new-00003.m4s", -1, -1, 4, first);
  assert_segment (reg, "http://o.test/live/chunk-stream0-00003.m4s", -1, -1,
      4, first);
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_DASH, uri, other));
  assert_kind (reg, "http://o.test/live/chunk-stream0-00003.m4s", -1, -1,
      P2P_RESOURCE_OTHER);
  assert_kind (reg, "http://o.test/live/init-stream0.m4s", -1, -1,
      P2P_RESOURCE_OTHER);
  p2p_manifest_registry_free (reg);
  g_free (first);
}

static void
test_dash_segment_list (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *file = "http://o.test/dash/single-stream0.mp4";
  P2pRequestInfo info;

  add_file (reg, "http://o.test/dash/single.mpd", "dash-segmentlist.mpd");
  assert_kind (reg, file, 0, 814, P2P_RESOURCE_INIT);
  assert_segment (reg, file, 12975, 24513, 4, NULL);
  info = classify (reg, file, -1, -1);
  g_assert_cmpint (info.kind, ==, P2P_RESOURCE_SEGMENT);
  g_assert_cmpuint (info.n_segments, ==, 3);
  g_assert_cmpint (info.segments[1]->id, ==, 4);
  /* From the first segment on, as legacy dashdemux asks. */
  info = classify (reg, file, 815, -1);
  g_assert_cmpuint (info.n_segments, ==, 3);
  p2p_manifest_registry_free (reg);
}

static GBytes *
sidx_box (void)
{
  /* version 0, timescale 1000, three 2 s references */
  static const guint8 box[] = {
    0, 0, 0, 68, 's', 'i', 'd', 'x', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x03, 0xe8,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
    0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, 0x90, 0, 0, 0,
    0, 0, 0x07, 0xd0, 0, 0, 0x07, 0xd0, 0x90, 0, 0, 0,
    0, 0, 0x0b, 0xb8, 0, 0, 0x07, 0xd0, 0x90, 0, 0, 0,
  };

  return g_bytes_new_static (box, sizeof (box));
}

static void
test_dash_segment_base (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *file = "http://o.test/dash/video_dashinit.mp4";
  GBytes *sidx = sidx_box ();
  GError *error = NULL;
  P2pRequestInfo info;
  gsize len;
  const guint8 *data = g_bytes_get_data (sidx, &len);
  guint i;

  add_file (reg, "http://o.test/dash/od.mpd", "dash-segmentbase.mpd");
  assert_kind (reg, file, 0, 814, P2P_RESOURCE_INIT);
  /* Init and index in one request: the index bytes are what matters. */
  assert_kind (reg, file, 0, 882, P2P_RESOURCE_INDEX);
  assert_kind (reg, file, 815, 882, P2P_RESOURCE_INDEX);
  /* Until the sidx is known, the whole file is just where it is. */
  assert_kind (reg, file, -1, -1, P2P_RESOURCE_INDEX);

  g_assert_false (p2p_manifest_registry_add_index (reg, file, 815,
          (const guint8 *) "garbage", 7, &error));
  g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (p2p_manifest_registry_add_index (reg,
          "http://o.test/other.mp4", 815, data, len, &error));
  g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID);
  g_clear_error (&error);
  assert_kind (reg, file, -1, -1, P2P_RESOURCE_INDEX);

  g_assert_true (p2p_manifest_registry_add_index (reg, file, 815, data, len,
          &error));
  g_assert_no_error (error);
  info = classify (reg, file, -1, -1);
  g_assert_cmpint (info.kind, ==, P2P_RESOURCE_SEGMENT);
  g_assert_cmpuint (info.n_segments, ==, 3);
  for (i = 0; i < 3; i++) {
    g_assert_cmpint (info.segments[i]->id, ==, 4 * i);
    g_assert_cmpfloat_with_epsilon (info.segments[i]->duration, 2, 1e-9);
  }
  g_assert_cmpint (info.segments[0]->range_start, ==, 883);
  g_assert_cmpint (info.segments[0]->range_end, ==, 1882);
  g_assert_cmpint (info.segments[2]->range_start, ==, 3883);
  g_assert_cmpint (info.segments[2]->range_end, ==, 6882);
  assert_segment (reg, file, 1883, 3882, 4, NULL);
  assert_kind (reg, file, 815, 882, P2P_RESOURCE_INDEX);
  /* Added again from the start of the file: the same segments. */
  {
    guint8 *from_zero = g_malloc0 (815 + len);

    /* The init segment: here one 815-byte 'free' box. */
    from_zero[2] = 815 >> 8;
    from_zero[3] = 815 & 0xff;
    memcpy (from_zero + 4, "free", 4);
    memcpy (from_zero + 815, data, len);
    g_assert_true (p2p_manifest_registry_add_index (reg, file, -1, from_zero,
            815 + len, &error));
    g_assert_no_error (error);
    g_free (from_zero);
  }
  info = classify (reg, file, 815, -1);
  g_assert_cmpuint (info.n_segments, ==, 3);
  p2p_manifest_registry_free (reg);
  g_bytes_unref (sidx);
}

static void
test_dash_identity (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  gchar *de = p2p_test_stream_swarm_id ("v2", "https://o.test/m.mpd",
      "secondary", "0-mp4a.40.2---de-6-deutsch--");
  gchar *hdr = p2p_test_stream_swarm_id ("v2", "https://o.test/m.mpd",
      "main", "3128000-hvc1.2.4.l153.b0-3840-2160----29.97002997002997-PQ");

  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_DASH,
          "https://o.test/m.mpd?sig=1",
          "<MPD type=\"static\" mediaPresentationDuration=\"PT10S\"><Period>"
          "<AdaptationSet mimeType=\"audio/mp4\" lang=\"ger\" label=\"Deutsch\">"
          "<AudioChannelConfiguration schemeIdUri=\"urn:mpeg:mpegB:cicp:ChannelConfiguration\" value=\"6\"/>"
          "<Representation id=\"a\" codecs=\"mp4a.40.2\" bandwidth=\"128000\">"
          "<SegmentTemplate media=\"a$Number$.m4s\" duration=\"2\"/>"
          "</Representation></AdaptationSet>"
          "<AdaptationSet mimeType=\"video/mp4\" frameRate=\"30000/1001\">"
          "<SupplementalProperty schemeIdUri=\"urn:mpeg:mpegB:cicp:TransferCharacteristics\" value=\"16\"/>"
          "<Representation id=\"v\" codecs=\"hvc1.2.4.L153.B0, mp4a.40.2\" width=\"3840\""
          " height=\"2160\" bandwidth=\"3000000\">"
          "<SegmentTemplate media=\"v$Number$.m4s\" duration=\"2\"/>"
          "</Representation></AdaptationSet>"
          "<AdaptationSet mimeType=\"text/vtt\"><Representation id=\"t\""
          " bandwidth=\"1\"><BaseURL>subs.vtt</BaseURL></Representation>"
          "</AdaptationSet></Period></MPD>"));
  assert_segment (reg, "https://o.test/a1.m4s", -1, -1, 0, de);
  assert_segment (reg, "https://o.test/v5.m4s", -1, -1, 16, hdr);
  assert_kind (reg, "https://o.test/subs.vtt", -1, -1, P2P_RESOURCE_OTHER);
  p2p_manifest_registry_free (reg);
  g_free (de);
  g_free (hdr);
}

static void
test_sniff (void)
{
  static const struct
  {
    const gchar *uri, *type, *data;
    P2pManifestFormat format;
  } cases[] = {
    {"http://h/a.m3u8?x=y", NULL, NULL, P2P_MANIFEST_FORMAT_HLS},
    {"http://h/a.M3U", NULL, NULL, P2P_MANIFEST_FORMAT_HLS},
    {"http://h/a.mpd#t", NULL, NULL, P2P_MANIFEST_FORMAT_DASH},
    {"http://h/a.ts", NULL, NULL, P2P_MANIFEST_FORMAT_UNKNOWN},
    {NULL, "application/vnd.apple.mpegurl; charset=utf-8", NULL,
        P2P_MANIFEST_FORMAT_HLS},
    {NULL, "Application/X-MpegURL", NULL, P2P_MANIFEST_FORMAT_HLS},
    {NULL, "audio/mpegurl", NULL, P2P_MANIFEST_FORMAT_HLS},
    {NULL, "application/dash+xml", NULL, P2P_MANIFEST_FORMAT_DASH},
    {NULL, "video/mp2t", NULL, P2P_MANIFEST_FORMAT_UNKNOWN},
    {"http://h/playlist", "text/plain", "\xef\xbb\xbf#EXTM3U\n",
        P2P_MANIFEST_FORMAT_HLS},
    {"http://h/x", "application/xml",
          "<?xml version=\"1.0\"?>\n<!-- c -->\n<MPD type=\"static\">",
        P2P_MANIFEST_FORMAT_DASH},
    {NULL, NULL, "  <mpd:MPD xmlns:mpd=\"urn\">", P2P_MANIFEST_FORMAT_DASH},
    {NULL, NULL, "<MPDX>", P2P_MANIFEST_FORMAT_UNKNOWN},
    {NULL, NULL, "\x47\x40\x00\x10", P2P_MANIFEST_FORMAT_UNKNOWN},
    /* The bytes win over a wrong name. */
    {"http://h/a.mpd", NULL, "#EXTM3U", P2P_MANIFEST_FORMAT_HLS},
    {NULL, NULL, NULL, P2P_MANIFEST_FORMAT_UNKNOWN},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (p2p_manifest_sniff (cases[i].uri, cases[i].type,
            (const guint8 *) cases[i].data,
            cases[i].data ? strlen (cases[i].data) : 0), ==, cases[i].format);
}

/* A refused manifest changes nothing. */
static void
test_failed_add_keeps_state (void)
{
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *uri = "http://o.test/live/live.m3u8";
  GError *error = NULL;
  GBytes *out;

  add_file (reg, uri, "hls-live-1.m3u8");
  out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS, uri, NULL,
      (const guint8 *) "#EXTM3U\n#EXTINF:-1,\nx.ts\n", 25, "p2p+", &error);
  g_assert_null (out);
  p2p_test_assert_error (error, P2P_MANIFEST_ERROR_INVALID, "line 2");
  g_clear_error (&error);
  assert_segment (reg, "http://o.test/live/live9.ts", -1, -1, 9, NULL);
  out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_UNKNOWN,
      "http://o.test/x.bin", NULL, (const guint8 *) "\x00\x01", 2, "p2p+",
      &error);
  g_assert_null (out);
  g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_SYNTAX);
  g_clear_error (&error);
  p2p_manifest_registry_free (reg);
}

/* A process that plays stream after stream keeps only those in use: a
 * presentation none of whose parts was listed or classified for the idle
 * bound is forgotten whole (manifests, streams, segments); one still in
 * use keeps all its renditions, even one the player left a while ago. */
static void
test_expire_unused (void)
{
  gint64 t0 = g_get_monotonic_time (), added, now;
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  GPtrArray *presentations = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *streams = g_ptr_array_new_with_free_func (g_free);
  gchar *text = pml_playlist (30);
  guint i;

  for (i = 0; i < 40; i++) {
    gchar *uri = g_strdup_printf ("http://o.test/vod%u/index.m3u8", i);

    g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS, uri, text));
    g_free (uri);
  }
  add_file (reg, "http://origin.test/vod/master.m3u8",
      "hls-master-audio.m3u8");
  add_file (reg, "http://origin.test/vod/out_0.m3u8", "hls-vod.m3u8");
  g_bytes_unref (add_text (reg, P2P_MANIFEST_FORMAT_HLS,
          "http://origin.test/vod/out_English.m3u8",
          "#EXTM3U\n#EXTINF:2.020133,\naudio0.ts\n#EXT-X-ENDLIST\n"));
  add_file (reg, "http://o.test/dash/manifest.mpd", "dash-template.mpd");
  g_assert_cmpuint (p2p_manifest_registry_get_n_streams (reg), ==, 44);
  /* clock readings around each step: no assumption on how long they take */
  added = g_get_monotonic_time ();
  g_assert_cmpuint (p2p_manifest_registry_expire (reg, added,
          added - t0 + G_USEC_PER_SEC, NULL, NULL), ==, 0);

  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  /* in use: one segment of the HLS video, one of the DASH video */
  assert_segment (reg, "http://origin.test/vod/out_01.ts", -1, -1, 1, NULL);
  assert_segment (reg, "http://o.test/dash/chunk-stream0-00002.m4s", -1, -1,
      4, NULL);
  now = g_get_monotonic_time ();
  /* idle since the adds: forgotten; used since: kept */
  g_assert_cmpuint (p2p_manifest_registry_expire (reg, now, now - added - 1,
          presentations, streams), ==, 40);
  g_assert_cmpuint (streams->len, ==, 40);
  g_assert_cmpuint (presentations->len, ==, 40);
  g_assert_true (g_ptr_array_find_with_equal_func (presentations,
          "http://o.test/vod7/index.m3u8", g_str_equal, NULL));
  g_assert_cmpuint (p2p_manifest_registry_get_n_streams (reg), ==, 4);
  assert_kind (reg, "http://o.test/vod7/index3.ts", -1, -1,
      P2P_RESOURCE_OTHER);
  assert_kind (reg, "http://o.test/vod7/index.m3u8", -1, -1,
      P2P_RESOURCE_OTHER);
  /* the renditions not asked for lately stay with their presentation */
  assert_segment (reg, "http://origin.test/vod/audio0.ts", -1, -1, 0, NULL);
  assert_segment (reg, "http://o.test/dash/chunk-stream1-00003.m4s", -1, -1,
      8, NULL);
  assert_kind (reg, "http://origin.test/vod/out_1.m3u8", -1, -1,
      P2P_RESOURCE_MANIFEST);

  /* at last nothing is used: nothing is left */
  now = g_get_monotonic_time ();
  g_assert_cmpuint (p2p_manifest_registry_expire (reg,
          now + 2 * G_USEC_PER_SEC, G_USEC_PER_SEC, NULL, NULL), ==, 4);
  g_assert_cmpuint (p2p_manifest_registry_get_n_streams (reg), ==, 0);
  assert_kind (reg, "http://origin.test/vod/out_1.m3u8", -1, -1,
      P2P_RESOURCE_OTHER);
  assert_kind (reg, "http://o.test/dash/chunk-stream1-00003.m4s", -1, -1,
      P2P_RESOURCE_OTHER);
  assert_kind (reg, "http://o.test/dash/manifest.mpd", -1, -1,
      P2P_RESOURCE_OTHER);
  /* and a presentation played again is learnt again */
  add_file (reg, "http://o.test/dash/manifest.mpd", "dash-template.mpd");
  assert_segment (reg, "http://o.test/dash/chunk-stream1-00003.m4s", -1, -1,
      8, NULL);
  g_ptr_array_unref (presentations);
  g_ptr_array_unref (streams);
  g_free (text);
  p2p_manifest_registry_free (reg);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/registry/pml-vector", test_pml_vector);
  g_test_add_func ("/manifest/registry/hls-master", test_hls_master);
  g_test_add_func ("/manifest/registry/hls-master-details",
      test_hls_master_details);
  g_test_add_func ("/manifest/registry/hls-ranges-init-keys",
      test_hls_ranges_init_keys);
  g_test_add_func ("/manifest/registry/hls-aes128-by-id",
      test_hls_aes128_by_id);
  g_test_add_func ("/manifest/registry/hls-live-refresh",
      test_hls_live_refresh);
  g_test_add_func ("/manifest/registry/dash-template", test_dash_template);
  g_test_add_func ("/manifest/registry/dash-timeline", test_dash_timeline);
  g_test_add_func ("/manifest/registry/dash-live-refresh",
      test_dash_live_refresh);
  g_test_add_func ("/manifest/registry/dash-segment-list",
      test_dash_segment_list);
  g_test_add_func ("/manifest/registry/dash-segment-base",
      test_dash_segment_base);
  g_test_add_func ("/manifest/registry/dash-identity", test_dash_identity);
  g_test_add_func ("/manifest/registry/sniff", test_sniff);
  g_test_add_func ("/manifest/registry/failed-add",
      test_failed_add_keeps_state);
  g_test_add_func ("/manifest/registry/expire-unused", test_expire_unused);
  return g_test_run ();
}
