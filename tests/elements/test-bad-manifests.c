/* gst-p2pcdn tests: broken manifests end in a clear error, never a crash or hang.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An origin serves a directory of broken HLS playlists and MPDs written
 * here; playbin plays each through our sources and must stop with an error
 * on the bus within the time limit.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "p2p-test-util.h"

static P2pOrigin *origin;
static gchar *dir;

typedef struct {
  const gchar *name;            /* file under dir */
  const gchar *text;            /* NULL: generated */
} BadManifest;

static const BadManifest cases[] = {
  /* cut inside a variant's attributes (a media playlist cut short has no
   * ENDLIST and is live: the demuxer keeps refreshing it, as it does with
   * souphttpsrc) */
  {"truncated.m3u8", "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BAND"},
  {"garbage.m3u8", NULL},
  {"negative.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:-5.0,\n"
        "missing0.ts\n#EXTINF:nan,\nmissing1.ts\n#EXT-X-ENDLIST\n"},
  {"missing-segments.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
        "#EXTINF:2.0,\nnot-there-0.ts\n#EXTINF:2.0,\nnot-there-1.ts\n"
        "#EXT-X-ENDLIST\n"},
  {"empty-master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n"},
  {"huge.m3u8", NULL},
  {"truncated.mpd", "<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:"
        "schema:mpd:2011\" type=\"static\" mediaPresentationDuration=\"PT20S\""
        "><Period><AdaptationSet mimeType=\"video/mp4\"><Representation "},
  {"garbage.mpd", NULL},
  {"absurd-repeat.mpd", "<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:"
        "dash:schema:mpd:2011\" type=\"static\" mediaPresentationDuration="
        "\"PT20S\" minBufferTime=\"PT2S\" profiles=\"urn:mpeg:dash:profile:"
        "isoff-live:2011\"><Period><AdaptationSet mimeType=\"video/mp4\">"
        "<Representation id=\"0\" bandwidth=\"1000\" codecs=\"avc1.64000d\" "
        "width=\"320\" height=\"240\"><SegmentTemplate timescale=\"1000\" "
        "initialization=\"init.m4s\" media=\"c-$Time$.m4s\"><SegmentTimeline>"
        "<S t=\"0\" d=\"1\" r=\"2000000000\"/></SegmentTimeline>"
        "</SegmentTemplate></Representation></AdaptationSet></Period></MPD>"},
};

static void
write_cases (void)
{
  GError *error = NULL;
  GString *huge;
  guint8 garbage[4096];

  dir = g_dir_make_tmp ("p2pcdn-bad-XXXXXX", &error);
  g_assert_no_error (error);

  /* binary noise that starts like a playlist, NULs included */
  for (guint i = 0; i < sizeof (garbage); i++)
    garbage[i] = (guint8) (g_test_rand_int () & 0xff);
  memcpy (garbage, "#EXTM3U\n", 8);

  /* larger than the 16 MiB we accept for a manifest */
  huge = g_string_new ("#EXTM3U\n#EXT-X-TARGETDURATION:2\n");
  while (huge->len < 17 * 1024 * 1024)
    g_string_append (huge, "#EXTINF:2.0,\nsegment-with-a-long-name.ts\n");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = g_build_filename (dir, cases[i].name, NULL);
    const gchar *data = cases[i].text;
    gssize len = -1;

    if (!data && g_str_has_prefix (cases[i].name, "huge")) {
      data = huge->str;
      len = huge->len;
    } else if (!data) {
      if (g_str_has_suffix (cases[i].name, ".mpd"))
        memcpy (garbage, "<?xml?><MPD", 11);
      data = (const gchar *) garbage;
      len = sizeof (garbage);
    }
    g_file_set_contents (path, data, len, &error);
    g_assert_no_error (error);
    g_free (path);
  }
  g_string_free (huge, TRUE);
}

static void
test_bad_manifest (gconstpointer data)
{
  const BadManifest *c = data;
  gchar *path = g_strconcat ("/", c->name, NULL);
  gchar *uri = p2p_test_url (origin, g_str_has_suffix (c->name, ".mpd") ?
      "p2pdash+" : "p2phls+", path);
  GstElement *playbin = p2p_test_make_playbin (uri);
  P2pPlayResult r;

  p2p_test_play (playbin, 30, NULL, NULL, &r);
  gst_object_unref (playbin);
  g_test_message ("%s: %s from %s", c->name,
      r.error ? r.error->message : "no error",
      r.error_source ? r.error_source : "-");
  g_assert_false (r.timed_out);
  g_assert_false (r.eos);
  g_assert_nonnull (r.error);
  g_assert_cmpstr (r.error->message, !=, "");
  p2p_play_result_clear (&r);
  g_free (uri);
  g_free (path);
}

/* The one case our element refuses itself: it must say why. */
static void
test_huge_manifest_error_is_ours (void)
{
  gchar *uri = p2p_test_url (origin, "p2phls+", "/huge.m3u8");
  GstElement *playbin = p2p_test_make_playbin (uri);
  P2pPlayResult r;

  p2p_test_play (playbin, 30, NULL, NULL, &r);
  gst_object_unref (playbin);
  g_assert_nonnull (r.error);
  g_assert_true (g_error_matches (r.error, GST_STREAM_ERROR,
          GST_STREAM_ERROR_DECODE));
  g_assert_nonnull (strstr (r.error->message, "larger than"));
  p2p_play_result_clear (&r);
  g_free (uri);
}

static void
remove_dir (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = g_build_filename (dir, cases[i].name, NULL);

    g_unlink (path);
    g_free (path);
  }
  g_rmdir (dir);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  int ret;

  p2p_test_init (&argc, &argv);
  write_cases ();
  origin = p2p_origin_new (dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *name = g_strdup_printf ("/bad-manifests/%s", cases[i].name);

    g_test_add_data_func (name, &cases[i], test_bad_manifest);
    g_free (name);
  }
  g_test_add_func ("/bad-manifests/huge-is-refused-by-us",
      test_huge_manifest_error_is_ours);
  ret = g_test_run ();
  p2p_origin_free (origin);
  remove_dir ();
  return ret;
}
