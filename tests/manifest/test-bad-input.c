/* gst-p2pcdn: bad manifests give a clear error, never a crash or a hang.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"

typedef struct
{
  const gchar *text;
  gsize len;                    /* 0 = strlen */
  gint code;
  const gchar *fragment;
} BadCase;

static void
check_cases (P2pManifestFormat format, const BadCase * cases, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    P2pManifestRegistry *reg = p2p_manifest_registry_new ();
    GError *error = NULL;
    gsize len = cases[i].len ? cases[i].len : strlen (cases[i].text);
    GBytes *out = p2p_manifest_registry_add (reg, format,
        "http://o.test/dir/manifest", NULL, (const guint8 *) cases[i].text,
        len, "p2p+", &error);

    if (out != NULL)
      g_error ("case %u was accepted:\n%s", i, cases[i].text);
    if (error == NULL || error->domain != P2P_MANIFEST_ERROR
        || error->code != cases[i].code
        || strstr (error->message, cases[i].fragment) == NULL)
      g_error ("case %u: expected code %d with \"%s\", got %s", i,
          cases[i].code, cases[i].fragment,
          error ? error->message : "no error");
    g_test_message ("case %u: %s", i, error->message);
    g_error_free (error);
    p2p_manifest_registry_free (reg);
  }
}

static void
test_hls (void)
{
  static const BadCase cases[] = {
    {"", 0, P2P_MANIFEST_ERROR_SYNTAX, "line 1: the playlist does not start"},
    {"\x89PNG\r\n\x1a\n\x00\x00", 10, P2P_MANIFEST_ERROR_SYNTAX, "line 3: NUL"},
    {"#EXTM3U\n#EXTINF:2,\nse\0g.ts\n", 27, P2P_MANIFEST_ERROR_SYNTAX,
        "line 3: NUL byte"},
    {"#EXTM3U\n#EXTINF:2,\n\xff\xfe.ts\n", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 3: not UTF-8"},
    {"#EXTM3UX\n", 0, P2P_MANIFEST_ERROR_SYNTAX, "#EXTM3U"},
    {"#EXTM3U\n#EXTINF:-2,\na.ts\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2: negative"},
    {"#EXTM3U\n#EXTINF:nan,\na.ts\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2: #EXTINF duration"},
    {"#EXTM3U\n#EXTINF:inf,\na.ts\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2"},
    {"#EXTM3U\n#EXTINF:1e999,\na.ts\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2"},
    {"#EXTM3U\n#EXTINF:,\na.ts\n", 0, P2P_MANIFEST_ERROR_INVALID, "line 2"},
    {"#EXTM3U\n#EXTINF:2,\na.ts\n#EXTINF:2,\n", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 4: #EXTINF without a segment URI (truncated"},
    {"#EXTM3U\nhttp://o.test/a.ts\n", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 2: segment URI"},
    {"#EXTM3U\n#EXTINF:2,\n#EXTINF:2,\na.ts\n", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 3: #EXTINF of line 2 has no segment URI"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 2: #EXT-X-STREAM-INF without a URI"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-STREAM-INF:BANDWIDTH=2\n"
          "a.m3u8\n", 0, P2P_MANIFEST_ERROR_SYNTAX, "line 3"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"avc1\"\na.m3u8\n", 0,
          P2P_MANIFEST_ERROR_INVALID,
        "line 2: #EXT-X-STREAM-INF without BANDWIDTH"},
    {"#EXTM3U\n#EXT-X-MEDIA:GROUP-ID=\"a\",URI=\"a.m3u8\"\n", 0,
        P2P_MANIFEST_ERROR_INVALID, "line 2: #EXT-X-MEDIA without TYPE"},
    {"#EXTM3U\n#EXT-X-MAP:BYTERANGE=\"1@0\"\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2: #EXT-X-MAP without URI"},
    {"#EXTM3U\n#EXT-X-KEY:METHOD=AES-128\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2: EXT-X-KEY with METHOD=AES-128 but no URI"},
    {"#EXTM3U\n#EXT-X-KEY:URI=\"k\"\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "without METHOD"},
    {"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:99999999999999999999\n", 0,
        P2P_MANIFEST_ERROR_INVALID, "line 2: invalid #EXT-X-MEDIA-SEQUENCE"},
    {"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-1\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2"},
    {"#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:9223372036854775807@9223372036854775807\na\n",
        0, P2P_MANIFEST_ERROR_INVALID, "line 3: invalid byte range"},
    {"#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:0@0\na\n", 0,
        P2P_MANIFEST_ERROR_INVALID, "line 3"},
    {"#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:10\na\n", 0,
        P2P_MANIFEST_ERROR_INVALID, "line 4: #EXT-X-BYTERANGE without offset"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,URI=\"a.m3u8\n", 0,
        P2P_MANIFEST_ERROR_SYNTAX, "line 2: unterminated quoted value of URI"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,=x\n", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 2: attribute without a name"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:2,\na.ts\n", 0,
        P2P_MANIFEST_ERROR_SYNTAX, "line 4: media playlist tags"},
    /* GLib cannot print what this resolves to (found by fuzzing). */
    {"#EXTM3U\n#EXTINF:1,\nx:/..//other.test/seg.ts\n", 0,
        P2P_MANIFEST_ERROR_INVALID, "line 3: cannot resolve URI"},
    {"#EXTM3U\n#EXT-X-ENDLIST\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "VOD playlist without any segment"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:abc\n", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2: EXT-X-TARGETDURATION"},
    {"#EXTM3U\n#EXTINF:2,\n#EXT-X-MEDIA-SEQUENCE:3\n", 0,
        P2P_MANIFEST_ERROR_SYNTAX, "#EXTINF without a segment URI"},
  };

  check_cases (P2P_MANIFEST_FORMAT_HLS, cases, G_N_ELEMENTS (cases));
}

static void
test_mpd (void)
{
  static const BadCase cases[] = {
    {"", 0, P2P_MANIFEST_ERROR_SYNTAX, "empty"},
    {"<MPD type=\"static\"><Period>", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "not well-formed"},
    {"<html><body>404</body></html>", 0, P2P_MANIFEST_ERROR_SYNTAX,
        "line 1, <html>: the root element is not MPD"},
    {"<MPD>\n<Period>\0</Period></MPD>", 28, P2P_MANIFEST_ERROR_SYNTAX,
        "line 2: NUL"},
    {"<MPD><Period></MPD>", 0, P2P_MANIFEST_ERROR_SYNTAX, "not well-formed"},
    {"<MPD/><MPD/>", 0, P2P_MANIFEST_ERROR_SYNTAX, "not well-formed"},
    {"<MPD>\n\xff</MPD>", 0, P2P_MANIFEST_ERROR_SYNTAX,
          "MPD line 2: not UTF-8"},
    {"<MPD type=\"live\"/>", 0, P2P_MANIFEST_ERROR_INVALID,
        "<MPD>: type=\"live\""},
    {"<MPD>\n<Period start=\"5 seconds\"/></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "line 2, <Period>: start"},
    {"<MPD mediaPresentationDuration=\"-PT5S\"/>", 0,
        P2P_MANIFEST_ERROR_INVALID, "mediaPresentationDuration"},
    {"<MPD mediaPresentationDuration=\"PTNaNS\"/>", 0,
        P2P_MANIFEST_ERROR_INVALID, "mediaPresentationDuration"},
    {"<MPD><Period><AdaptationSet>\n<Representation bandwidth=\"1\"/>"
          "</AdaptationSet></Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "line 2, <Representation>: no id"},
    {"<MPD><Period><AdaptationSet><Representation id=\"a\" bandwidth=\"x\"/>"
          "</AdaptationSet></Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "<Representation>: bandwidth"},
    {"<MPD><Period><AdaptationSet><Representation id=\"a\"/>"
          "</AdaptationSet></Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "bandwidth"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate timescale=\"0\""
          " duration=\"1\" media=\"$Number$\"/><Representation id=\"a\""
          " bandwidth=\"1\"/></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "<SegmentTemplate>: timescale=\"0\""},
    {"<MPD><Period><AdaptationSet><SegmentTemplate startNumber=\"-1\""
          " duration=\"1\" media=\"$Number$\"/><Representation id=\"a\""
          " bandwidth=\"1\"/></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "startNumber"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline>\n<S t=\"0\"/></SegmentTimeline></SegmentTemplate>"
          "<Representation id=\"a\" bandwidth=\"1\"/></AdaptationSet></Period>"
          "</MPD>", 0, P2P_MANIFEST_ERROR_INVALID, "line 2, <S>: d=\"\""},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline><S d=\"0\"/></SegmentTimeline></SegmentTemplate>"
          "<Representation id=\"a\" bandwidth=\"1\"/></AdaptationSet></Period>"
          "</MPD>", 0, P2P_MANIFEST_ERROR_INVALID, "<S>: d=\"0\""},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline><S d=\"1\" r=\"-2\"/></SegmentTimeline>"
          "</SegmentTemplate><Representation id=\"a\" bandwidth=\"1\"/>"
          "</AdaptationSet></Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "<S>: r=\"-2\""},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline><S t=\"-5\" d=\"1\"/></SegmentTimeline>"
          "</SegmentTemplate><Representation id=\"a\" bandwidth=\"1\"/>"
          "</AdaptationSet></Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "<S>: t=\"-5\""},
    /* A billion repeats: refused at once, nothing allocated for them. */
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline><S t=\"0\" d=\"1\" r=\"1000000000\"/>"
          "</SegmentTimeline></SegmentTemplate><Representation id=\"a\""
          " bandwidth=\"1\"/></AdaptationSet></Period></MPD>", 0,
          P2P_MANIFEST_ERROR_TOO_LARGE,
        "<SegmentTimeline>: describes more than 100000 segments"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline><S t=\"18446744073709551615\" d=\"10\"/>"
          "</SegmentTimeline></SegmentTemplate><Representation id=\"a\""
          " bandwidth=\"1\"/></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "overflow"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$\">"
          "<SegmentTimeline><S t=\"99999999999999999999999\" d=\"10\"/>"
          "</SegmentTimeline></SegmentTemplate><Representation id=\"a\""
          " bandwidth=\"1\"/></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "<S>: t="},
    {"<MPD><Period><AdaptationSet><SegmentTemplate duration=\"2\"/>"
          "<Representation id=\"a\" bandwidth=\"1\"/></AdaptationSet>"
          "</Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "<SegmentTemplate>: no media"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate duration=\"2\""
          " media=\"$Time$.m4s\"/><Representation id=\"a\" bandwidth=\"1\"/>"
          "</AdaptationSet></Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "$Time$ without a SegmentTimeline"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate media=\"$Number$.m4s\"/>"
          "<Representation id=\"a\" bandwidth=\"1\"/></AdaptationSet>"
          "</Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "neither duration nor SegmentTimeline"},
    {"<MPD><Period><AdaptationSet><SegmentTemplate duration=\"1\""
          " media=\"$Number%0999999999d$.m4s\"/><Representation id=\"a\""
          " bandwidth=\"1\"/></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "<SegmentTemplate>: media: format tag"},
    {"<MPD><Period><AdaptationSet><Representation id=\"a\" bandwidth=\"1\">"
          "<SegmentList duration=\"1\"><SegmentURL mediaRange=\"10-5\"/>"
          "</SegmentList></Representation></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "<SegmentURL>: mediaRange=\"10-5\""},
    {"<MPD><Period><AdaptationSet><Representation id=\"a\" bandwidth=\"1\">"
          "<SegmentList><SegmentURL/><SegmentURL/>"
          "</SegmentList></Representation></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "neither duration nor SegmentTimeline"},
    {"<MPD><Period><AdaptationSet><Representation id=\"a\" bandwidth=\"1\">"
          "<SegmentBase indexRange=\"x\"/></Representation></AdaptationSet>"
          "</Period></MPD>", 0, P2P_MANIFEST_ERROR_INVALID,
        "<SegmentBase>: indexRange=\"x\""},
    {"<MPD><Period><AdaptationSet><Representation id=\"a\" bandwidth=\"1\">"
          "<SegmentBase><Initialization range=\"1-99999999999999999999\"/>"
          "</SegmentBase></Representation></AdaptationSet></Period></MPD>", 0,
        P2P_MANIFEST_ERROR_INVALID, "<Initialization>: range"},
    {"<MPD><Period id=\"a\"/><Period id=\"b\"/></MPD>", 0,
          P2P_MANIFEST_ERROR_INVALID,
        "<Period>: no start, and the previous Period has no duration"},
  };

  check_cases (P2P_MANIFEST_FORMAT_DASH, cases, G_N_ELEMENTS (cases));
}

static void
check_one (P2pManifestFormat format, const gchar * text, gint code,
    const gchar * fragment)
{
  BadCase c = { text, 0, code, fragment };

  check_cases (format, &c, 1);
}

static void
test_limits (void)
{
  GString *s;
  guint i;
  guint8 *big;
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  GError *error = NULL;

  s = g_string_new ("#EXTM3U\n");
  for (i = 0; i <= P2P_MANIFEST_MAX_SEGMENTS; i++)
    g_string_append (s, "#EXTINF:1,\ns.ts\n");
  check_one (P2P_MANIFEST_FORMAT_HLS, s->str, P2P_MANIFEST_ERROR_TOO_LARGE,
      "more than 100000 segments");
  g_string_free (s, TRUE);

  s = g_string_new ("<MPD><Period><AdaptationSet><Representation id=\"a\""
      " bandwidth=\"1\"><SegmentList duration=\"1\">");
  for (i = 0; i <= P2P_MANIFEST_MAX_SEGMENTS; i++)
    g_string_append (s, "<SegmentURL/>");
  g_string_append (s, "</SegmentList></Representation></AdaptationSet>"
      "</Period></MPD>");
  check_one (P2P_MANIFEST_FORMAT_DASH, s->str, P2P_MANIFEST_ERROR_TOO_LARGE,
      "more than 100000 SegmentURL");
  g_string_free (s, TRUE);

  s = g_string_new (NULL);
  for (i = 0; i < 40; i++)
    g_string_append (s, "<MPD>");
  check_one (P2P_MANIFEST_FORMAT_DASH, s->str, P2P_MANIFEST_ERROR_SYNTAX,
      "nested deeper than 32");
  g_string_free (s, TRUE);

  big = g_malloc0 (P2P_MANIFEST_MAX_SIZE + 1);
  memcpy (big, "#EXTM3U\n", 8);
  g_assert_null (p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS,
          "http://o.test/big.m3u8", NULL, big, P2P_MANIFEST_MAX_SIZE + 1,
          "p2p+", &error));
  g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_free (big);
  p2p_manifest_registry_free (reg);
}

/* Every prefix and many random mutations of real manifests either parse
 * or fail with our error domain. */
static void
test_mutations (void)
{
  const gchar *files[] = { "hls-master-audio.m3u8", "hls-byterange.m3u8",
    "hls-fmp4.m3u8", "hls-live-3.m3u8", "dash-template.mpd",
    "dash-timeline.mpd", "dash-segmentlist.mpd", "dash-segmentbase.mpd",
    "dash-live.mpd"
  };
  GRand *rand = g_rand_new_with_seed (20260519);
  guint f, i, accepted = 0, refused = 0;

  for (f = 0; f < G_N_ELEMENTS (files); f++) {
    GBytes *bytes = p2p_test_load (files[f]);
    gsize len;
    const guint8 *data = g_bytes_get_data (bytes, &len);
    P2pManifestFormat format = g_str_has_suffix (files[f], ".mpd") ?
        P2P_MANIFEST_FORMAT_DASH : P2P_MANIFEST_FORMAT_HLS;

    for (i = 0; i < len + 400; i++) {
      P2pManifestRegistry *reg = p2p_manifest_registry_new ();
      guint8 *copy = g_memdup2 (data, len);
      gsize n = len;
      GError *error = NULL;
      GBytes *out;
      P2pRequestInfo info;

      if (i < len) {
        n = i;                  /* a truncation */
      } else {
        guint k, flips = g_rand_int_range (rand, 1, 8);

        for (k = 0; k < flips; k++)
          copy[g_rand_int_range (rand, 0, len)] = g_rand_int_range (rand, 0,
              256);
      }
      out = p2p_manifest_registry_add (reg, format,
          "http://o.test/a/manifest", NULL, copy, n, "p2p+", &error);
      if (out) {
        accepted++;
        g_assert_no_error (error);
        g_bytes_unref (out);
        p2p_manifest_registry_classify (reg, "http://o.test/a/out_00.ts", -1,
            -1, &info);
      } else {
        refused++;
        g_assert_nonnull (error);
        g_assert_true (error->domain == P2P_MANIFEST_ERROR);
        g_error_free (error);
      }
      g_free (copy);
      p2p_manifest_registry_free (reg);
    }
    g_bytes_unref (bytes);
  }
  g_test_message ("%u accepted, %u refused", accepted, refused);
  g_assert_cmpuint (accepted, >, 0);
  g_assert_cmpuint (refused, >, 0);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/bad-input/hls", test_hls);
  g_test_add_func ("/manifest/bad-input/mpd", test_mpd);
  g_test_add_func ("/manifest/bad-input/limits", test_limits);
  g_test_add_func ("/manifest/bad-input/mutations", test_mutations);
  return g_test_run ();
}
