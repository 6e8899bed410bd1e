/* gst-p2pcdn tests: every kind of content plays to EOS through our sources.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real origin on 127.0.0.1, real demuxers and decoders; the origin's
 * request log proves that every request went through our elements.
 */
#include <string.h>

#include "p2p-test-util.h"

#define PLAY_TIMEOUT 60

static P2pOrigin *origin;

static void
assert_played (P2pPlayResult * r)
{
  if (r->error)
    g_error ("playback failed in %s: %s", r->error_source, r->error->message);
  g_assert_false (r->timed_out);
  g_assert_true (r->eos);
  g_assert_cmpuint (r->buffers, >, 0);
}

/* Plays @uri with playbin and checks the origin saw only our elements, and
 * at least @min_segments media requests matching @segment_pattern. */
static GPtrArray *
play_uri (const gchar * uri, const gchar * segment_pattern, guint min_segments)
{
  GstElement *playbin = p2p_test_make_playbin (uri);
  P2pPlayResult r;
  GPtrArray *log;

  p2p_origin_clear_log (origin);
  p2p_test_play (playbin, PLAY_TIMEOUT, NULL, NULL, &r);
  gst_object_unref (playbin);
  assert_played (&r);
  p2p_play_result_clear (&r);

  log = p2p_origin_get_log (origin);
  p2p_test_assert_all_ours (log);
  if (segment_pattern)
    g_assert_cmpuint (p2p_test_count_requests (log, segment_pattern, NULL),
        >=, min_segments);
  return log;
}

static void
play_path (const gchar * scheme, const gchar * path,
    const gchar * segment_pattern, guint min_segments)
{
  gchar *uri = p2p_test_url (origin, scheme, path);

  g_ptr_array_unref (play_uri (uri, segment_pattern, min_segments));
  g_free (uri);
}

static void
test_hls_vod_playbin (void)
{
  /* 20 s of 2 s segments: all ten of the chosen variant. */
  play_path ("p2phls+", "/hls/vod/master.m3u8", ".ts", 10);
}

static void
test_hls_media_only (void)
{
  play_path ("p2phls+", "/hls/media-only/index.m3u8", ".ts", 10);
}

static void
test_hls_byterange (void)
{
  GPtrArray *log;
  gchar *uri = p2p_test_url (origin, "p2phls+", "/hls/byterange/master.m3u8");
  guint ranged = 0;

  log = play_uri (uri, NULL, 0);
  for (guint i = 0; i < log->len; i++) {
    P2pOriginRequest *req = g_ptr_array_index (log, i);

    if (req->range)
      ranged++;
  }
  g_assert_cmpuint (ranged, >=, 10);
  g_ptr_array_unref (log);
  g_free (uri);
}

static void
test_hls_absolute_uris_rewritten (void)
{
  /* Every URI in these playlists is absolute http://: without rewriting,
   * hlsdemux would hand them to souphttpsrc. */
  play_path ("p2phls+", "/hls/abs/master.m3u8", ".ts", 10);
}

/* A redirected master playlist: segment URIs resolve against the final
 * URL, and still with our scheme. */
static void
test_hls_redirected_master (void)
{
  play_path ("p2phls+", "/redirect/2/hls/vod/master.m3u8", ".ts", 10);
}

/* What GST_PLUGIN_FEATURE_RANK=p2phlssrc:MAX does: an unchanged
 * application playing plain http URLs goes through our element. */
static void
test_raised_rank_takes_plain_http (void)
{
  GstPluginFeature *f = gst_registry_lookup_feature (gst_registry_get (),
      "p2phlssrc");
  guint old_rank;

  g_assert_nonnull (f);
  old_rank = gst_plugin_feature_get_rank (f);
  gst_plugin_feature_set_rank (f, GST_RANK_PRIMARY + 100);
  play_path (NULL, "/hls/vod/master.m3u8", ".ts", 10);
  gst_plugin_feature_set_rank (f, old_rank);
  gst_object_unref (f);
}

/* An explicit pipeline: our source before the demuxer, no playbin. */
static void
play_explicit (const gchar * element, const gchar * demuxer,
    const gchar * path, const gchar * pattern, guint min_requests)
{
  gchar *uri = p2p_test_url (origin, NULL, path);
  gchar *desc = g_strdup_printf ("%s location=%s ! %s name=demux", element,
      uri, demuxer);
  GstElement *pipeline = p2p_test_make_pipeline (desc);
  P2pPlayResult r;
  GPtrArray *log;

  p2p_origin_clear_log (origin);
  p2p_test_play (pipeline, PLAY_TIMEOUT, NULL, NULL, &r);
  gst_object_unref (pipeline);
  assert_played (&r);
  log = p2p_origin_get_log (origin);
  p2p_test_assert_all_ours (log);
  g_assert_cmpuint (p2p_test_count_requests (log, pattern, NULL), >=,
      min_requests);
  g_ptr_array_unref (log);
  p2p_play_result_clear (&r);
  g_free (desc);
  g_free (uri);
}

static void
test_hls_explicit_pipeline (void)
{
  play_explicit ("p2phlssrc", "hlsdemux", "/hls/vod/master.m3u8", ".ts", 10);
}

static void
test_dash (gconstpointer data)
{
  const gchar *path = data;

  play_path ("p2pdash+", path, NULL, 0);
}

static void
test_dash_explicit_pipeline (void)
{
  /* video and audio: 10 segments each plus the init segments */
  play_explicit ("p2pdashsrc", "dashdemux", "/dash/template/manifest.mpd",
      ".m4s", 20);
}

static void
test_live (gconstpointer data)
{
  const gchar *path = data;
  /* The live clock starts with the origin: a new one for each live test. */
  P2pOrigin *live_origin = p2p_test_origin_new ();
  gchar *uri = p2p_test_url (live_origin, g_str_has_suffix (path, ".mpd") ?
      "p2pdash+" : "p2phls+", path);
  GstElement *playbin = p2p_test_make_playbin (uri);
  P2pPlayResult r;
  GPtrArray *log;
  guint manifests;

  /* The origin ends the live stream after its configured segment count. */
  p2p_test_play (playbin, 3 * 2 * P2P_ORIGIN_DEFAULT_LIVE_SEGMENTS + 30, NULL,
      NULL, &r);
  gst_object_unref (playbin);
  log = p2p_origin_get_log (live_origin);
  p2p_test_assert_all_ours (log);
  manifests = p2p_test_count_requests (log, g_str_has_suffix (path, ".mpd") ?
      ".mpd" : ".m3u8", NULL);
  g_test_message ("%u manifest requests, %u requests", manifests, log->len);
  /* the playlist was refreshed several times while playing */
  g_assert_cmpuint (manifests, >=, 4);
  assert_played (&r);
  g_ptr_array_unref (log);
  p2p_play_result_clear (&r);
  p2p_origin_free (live_origin);
  g_free (uri);
}

typedef struct {
  gboolean seeked;
  gboolean flushed;
  GstClockTime first_pts_after_seek;
} SeekState;

static GstPadProbeReturn
watch_after_flush (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  SeekState *s = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
        GST_EVENT_FLUSH_STOP)
      s->flushed = TRUE;
  } else if (s->flushed && s->first_pts_after_seek == GST_CLOCK_TIME_NONE) {
    s->first_pts_after_seek = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));
  }
  return GST_PAD_PROBE_OK;
}

static gboolean
seek_after_start (GstElement * pipeline, GstMessage * msg, gpointer user_data)
{
  SeekState *s = user_data;

  if (!s->seeked && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ASYNC_DONE) {
    s->seeked = TRUE;
    g_assert_true (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 14 * GST_SECOND));
  }
  return TRUE;
}

static void
test_hls_seek (void)
{
  gchar *uri = p2p_test_url (origin, "p2phls+", "/hls/vod/master.m3u8");
  GstElement *playbin = p2p_test_make_playbin (uri);
  SeekState s = { FALSE, FALSE, GST_CLOCK_TIME_NONE };
  P2pPlayResult r;
  GPtrArray *log;
  gint64 position = -1;
  GstElement *vsink;
  GstPad *pad;

  p2p_test_playbin_set_sync (playbin, TRUE);
  g_object_get (playbin, "video-sink", &vsink, NULL);
  pad = gst_element_get_static_pad (vsink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, watch_after_flush, &s, NULL);
  gst_object_unref (pad);
  gst_object_unref (vsink);
  p2p_origin_clear_log (origin);
  p2p_test_play (playbin, PLAY_TIMEOUT, seek_after_start, &s, &r);
  gst_element_query_position (playbin, GST_FORMAT_TIME, &position);
  gst_object_unref (playbin);
  assert_played (&r);
  g_assert_true (s.seeked);
  log = p2p_origin_get_log (origin);
  p2p_test_assert_all_ours (log);
  /* Seeking to 14 s skips segments: fewer than all ten of one variant were
   * fetched after the first few. */
  g_test_message ("%u segment requests, first frame after the seek at %"
      GST_TIME_FORMAT, p2p_test_count_requests (log, ".ts", NULL),
      GST_TIME_ARGS (s.first_pts_after_seek));
  /* playback resumed at the key frame of 14 s, not from the start */
  g_assert_true (GST_CLOCK_TIME_IS_VALID (s.first_pts_after_seek));
  g_assert_cmpuint (s.first_pts_after_seek, >=, 13 * GST_SECOND);
  /* and segments in between were skipped */
  g_assert_cmpuint (p2p_test_count_requests (log, ".ts", NULL), <, 10);
  g_ptr_array_unref (log);
  p2p_play_result_clear (&r);
  g_free (uri);
}

/* Switches the demuxer's bandwidth cap mid-stream: it must move from the
 * low to the high variant, fetching segments of both. */
typedef struct {
  GstElement *demux;
  guint buffers_seen;
  gboolean switched;
} AbrState;

static void
on_deep_element_added (GstBin * bin, GstBin * sub, GstElement * element,
    gpointer user_data)
{
  AbrState *s = user_data;
  GstElementFactory *f = gst_element_get_factory (element);

  if (f && strcmp (GST_OBJECT_NAME (f), "hlsdemux") == 0) {
    s->demux = element;
  }
}

static gboolean
switch_up (GstElement * pipeline, GstMessage * msg, gpointer user_data)
{
  AbrState *s = user_data;

  if (!s->switched && s->demux
      && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ASYNC_DONE) {
    s->switched = TRUE;
    g_object_set (s->demux, "connection-speed", 1000000, NULL);
  }
  return TRUE;
}

static void
test_hls_abr_switch (void)
{
  gchar *uri = p2p_test_url (origin, "p2phls+", "/hls/vod/master.m3u8");
  GstElement *playbin = p2p_test_make_playbin (uri);
  AbrState s = { 0, };
  P2pPlayResult r;
  GPtrArray *log;
  GHashTable *playlists = g_hash_table_new (g_str_hash, g_str_equal);

  p2p_test_playbin_set_sync (playbin, TRUE);
  /* kbit/s, handed to the demuxer: only the low variant fits */
  g_object_set (playbin, "connection-speed", (guint64) 100, NULL);
  g_signal_connect (playbin, "deep-element-added",
      G_CALLBACK (on_deep_element_added), &s);
  p2p_origin_clear_log (origin);
  p2p_test_play (playbin, PLAY_TIMEOUT, switch_up, &s, &r);
  gst_object_unref (playbin);
  assert_played (&r);
  g_assert_true (s.switched);
  log = p2p_origin_get_log (origin);
  p2p_test_assert_all_ours (log);
  for (guint i = 0; i < log->len; i++) {
    P2pOriginRequest *req = g_ptr_array_index (log, i);

    if (g_str_has_suffix (req->path, ".m3u8")
        && !g_str_has_suffix (req->path, "master.m3u8"))
      g_hash_table_add (playlists, req->path);
  }
  /* both variants' media playlists were fetched */
  g_assert_cmpuint (g_hash_table_size (playlists), >=, 2);
  g_hash_table_unref (playlists);
  g_ptr_array_unref (log);
  p2p_play_result_clear (&r);
  g_free (uri);
}

/* An application hands its own manager to the pipeline: the pipeline's
 * sources use it (the demuxer's private downloader still uses the default). */
/* What an application writes: it knows the manager only by type name,
 * context type and properties. */
static GstBusSyncReply
answer_context (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  GObject *manager = user_data;
  const gchar *type;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_NEED_CONTEXT
      && gst_message_parse_context_type (msg, &type)
      && g_strcmp0 (type, "p2pcdn.swarm-manager") == 0) {
    GstContext *context = gst_context_new (type, TRUE);

    gst_structure_set (gst_context_writable_structure (context), "manager",
        G_OBJECT_TYPE (manager), manager, NULL);
    gst_element_set_context (GST_ELEMENT (GST_MESSAGE_SRC (msg)), context);
    gst_context_unref (context);
  }
  return GST_BUS_PASS;
}

static void
test_app_manager_context (void)
{
  gchar *uri = p2p_test_url (origin, "p2phls+", "/hls/vod/master.m3u8");
  GstElement *playbin = p2p_test_make_playbin (uri);
  GstPlugin *plugin = gst_plugin_load_by_name ("p2pcdn");
  GObject *manager;
  GstBus *bus = gst_element_get_bus (playbin);
  P2pPlayResult r;
  GstStructure *stats;
  guint64 segments = 0, manifests = 0;

  g_assert_nonnull (plugin);
  gst_object_unref (plugin);
  g_assert_true (g_type_from_name ("P2pManager"));
  manager = g_object_new (g_type_from_name ("P2pManager"), NULL);
  gst_bus_set_sync_handler (bus, answer_context, manager, NULL);
  p2p_test_play (playbin, PLAY_TIMEOUT, NULL, NULL, &r);
  gst_object_unref (playbin);
  gst_object_unref (bus);
  assert_played (&r);
  g_object_get (manager, "stats", &stats, NULL);
  gst_structure_get_uint64 (stats, "segment-requests", &segments);
  gst_structure_get_uint64 (stats, "manifest-requests", &manifests);
  g_test_message ("application manager: %" GST_PTR_FORMAT, stats);
  /* the fragment sources used the application's manager */
  g_assert_cmpuint (segments, >=, 10);
  gst_structure_free (stats);
  g_object_unref (manager);
  p2p_play_result_clear (&r);
  g_free (uri);
}

int
main (int argc, char **argv)
{
  int ret;

  p2p_test_init (&argc, &argv);
  origin = p2p_test_origin_new ();

  g_test_add_func ("/playback/hls/vod-playbin", test_hls_vod_playbin);
  g_test_add_func ("/playback/hls/explicit-pipeline",
      test_hls_explicit_pipeline);
  g_test_add_func ("/playback/hls/media-only", test_hls_media_only);
  g_test_add_func ("/playback/hls/byterange", test_hls_byterange);
  g_test_add_func ("/playback/hls/absolute-uris",
      test_hls_absolute_uris_rewritten);
  g_test_add_func ("/playback/hls/redirected-master",
      test_hls_redirected_master);
  g_test_add_func ("/playback/hls/raised-rank-plain-http",
      test_raised_rank_takes_plain_http);
  g_test_add_func ("/playback/hls/seek", test_hls_seek);
  g_test_add_func ("/playback/hls/abr-switch", test_hls_abr_switch);
  g_test_add_data_func ("/playback/dash/template",
      "/dash/template/manifest.mpd", test_dash);
  g_test_add_data_func ("/playback/dash/timeline",
      "/dash/timeline/manifest.mpd", test_dash);
  g_test_add_data_func ("/playback/dash/list", "/dash/list/manifest.mpd",
      test_dash);
  g_test_add_data_func ("/playback/dash/base", "/dash/base/manifest.mpd",
      test_dash);
  g_test_add_func ("/playback/dash/explicit-pipeline",
      test_dash_explicit_pipeline);
  g_test_add_func ("/playback/app-manager-context", test_app_manager_context);
  g_test_add_data_func ("/playback/live/hls", "/live/hls/master.m3u8",
      test_live);
  g_test_add_data_func ("/playback/live/dash", "/live/dash/manifest.mpd",
      test_live);

  ret = g_test_run ();
  p2p_origin_free (origin);
  return ret;
}
