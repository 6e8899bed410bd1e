/* Plays every kind of origin content with GStreamer and checks error statuses.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Stock elements only (playbin, souphttpsrc, hlsdemux, dashdemux): this
 * checks the content and the origin, not the project's elements. The
 * content comes from make-content.sh (ffmpeg; cached between runs).
 */
#include "p2p-origin.h"

#include <gst/gst.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (test_debug);
#define GST_CAT_DEFAULT test_debug

#define LIVE_SEGMENTS 3

static const gchar *content_dir;
static P2pOrigin *vod_origin;

typedef struct
{
  GMutex lock;
  guint video_buffers;
  GstClockTime video_end;
} Counts;

static void
on_video_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Counts * c)
{
  g_mutex_lock (&c->lock);
  c->video_buffers++;
  if (GST_BUFFER_PTS_IS_VALID (buf))
    c->video_end = MAX (c->video_end, GST_BUFFER_PTS (buf) +
        (GST_BUFFER_DURATION_IS_VALID (buf) ? GST_BUFFER_DURATION (buf) : 0));
  g_mutex_unlock (&c->lock);
}

static GstElement *
make_fakesink (gboolean sync)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_assert_nonnull (sink);
  g_object_set (sink, "sync", sync, NULL);
  return sink;
}

/* Plays @path from @origin with playbin to EOS (or fails the test). */
static void
play (P2pOrigin * origin, const gchar * path, gboolean sync, guint timeout_s,
    Counts * counts)
{
  g_autofree gchar *uri = g_strconcat (p2p_origin_get_base_url (origin),
      path, NULL);
  GstElement *playbin = gst_element_factory_make ("playbin", NULL);
  GstElement *vsink = make_fakesink (sync);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;

  g_assert_nonnull (playbin);
  g_object_set (vsink, "signal-handoffs", TRUE, NULL);
  g_signal_connect (vsink, "handoff", G_CALLBACK (on_video_handoff), counts);
  g_object_set (playbin, "uri", uri, "video-sink", vsink, "audio-sink",
      make_fakesink (sync), NULL);

  GST_INFO ("playing %s", uri);
  bus = gst_element_get_bus (playbin);
  g_assert_cmpint (gst_element_set_state (playbin, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, timeout_s * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (playbin, GST_STATE_NULL);
  gst_object_unref (playbin);

  if (!msg)
    g_error ("%s: no EOS after %u s", path, timeout_s);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *debug = NULL;

    gst_message_parse_error (msg, &error, &debug);
    g_error ("%s: %s (%s)", path, error->message, debug);
  }
}

/* Every request the player made succeeded; returns how many had a Range. */
static guint
check_log (P2pOrigin * origin, const gchar * must_see)
{
  g_autoptr (GPtrArray) log = p2p_origin_get_log (origin);
  gboolean seen = must_see == NULL;
  guint i, ranged = 0;

  g_assert_cmpuint (log->len, >, 0);
  for (i = 0; i < log->len; i++) {
    P2pOriginRequest *req = log->pdata[i];

    /* a player may drop a connection at EOS: only finished ones count */
    if (req->finished && req->status != 200 && req->status != 206)
      g_error ("%s answered %u", req->path, req->status);
    ranged += req->range != NULL;
    if (must_see && strstr (req->path, must_see))
      seen = TRUE;
  }
  if (!seen)
    g_error ("no request for %s", must_see);
  return ranged;
}

static void
test_vod (gconstpointer data)
{
  const gchar *path = data;
  Counts c = { 0 };
  guint ranged;

  p2p_origin_clear_log (vod_origin);
  play (vod_origin, path, FALSE, 60, &c);
  /* 20 s at 25 fps, whichever rendition was picked */
  g_assert_cmpuint (c.video_buffers, >=, 490);
  g_assert_cmpuint (c.video_end, >=, 19 * GST_SECOND);

  ranged = check_log (vod_origin, strstr (path, "/abs/") ? "/hls/abs/v" : NULL);
  if (strstr (path, "byterange") || strstr (path, "/list/") ||
      strstr (path, "/base/"))
    g_assert_cmpuint (ranged, >, 0);
}

static void
test_live (gconstpointer data)
{
  const gchar *path = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pOrigin) origin = p2p_origin_new (content_dir, &error);
  Counts c = { 0 };

  /* a fresh origin: its live stream starts now */
  g_assert_no_error (error);
  p2p_origin_set_live_segments (origin, LIVE_SEGMENTS);
  play (origin, path, TRUE, 4 * 2 * LIVE_SEGMENTS + 15, &c);
  GST_INFO ("%s: %u video buffers up to %" GST_TIME_FORMAT, path,
      c.video_buffers, GST_TIME_ARGS (c.video_end));
  /* most of the stream was seen (a live start may skip a little) */
  g_assert_cmpuint (c.video_buffers, >=, (LIVE_SEGMENTS - 1) * 50);
  check_log (origin, NULL);
}

typedef struct
{
  const gchar *path;
  gboolean stream_error;        /* GST_STREAM_ERROR, else GST_RESOURCE_ERROR */
  gint code;
  guint http_status;            /* 0: none in the details */
} ErrorCase;

static void
test_error (gconstpointer data)
{
  const ErrorCase *e = data;
  g_autofree gchar *uri = g_strconcat (p2p_origin_get_base_url (vod_origin),
      e->path, NULL);
  GstElement *pipeline, *src;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;
  const GstStructure *details = NULL;
  guint status = 0;
  GQuark domain;

  pipeline = gst_parse_launch ("souphttpsrc name=src timeout=2 retries=0 "
      "! fakesink", &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "location", uri, NULL);
  gst_object_unref (src);

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &error, &debug);
  GST_INFO ("%s: %s (%s)", e->path, error->message, debug);
  domain = e->stream_error ? GST_STREAM_ERROR : GST_RESOURCE_ERROR;
  g_assert_error (error, domain, e->code);
  if (e->http_status) {
    gst_message_parse_error_details (msg, &details);
    g_assert_nonnull (details);
    g_assert_true (gst_structure_get_uint (details, "http-status-code",
            &status));
    g_assert_cmpuint (status, ==, e->http_status);
  }
}

static gchar *
generate_content (void)
{
  const gchar *env = g_getenv ("P2PCDN_CONTENT_DIR");
  g_autofree gchar *dir = env && *env ? g_strdup (env) :
      g_build_filename (g_get_user_cache_dir (), "gst-p2pcdn", "content",
      NULL);
  gchar *argv[] = { (gchar *) "sh", (gchar *) ORIGIN_CONTENT_SCRIPT, dir,
    NULL
  };
  g_autoptr (GError) error = NULL;
  gint status;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
          G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status,
          &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("make-content.sh %s failed: %s", dir, error->message);
  return g_steal_pointer (&dir);
}

int
main (int argc, char **argv)
{
  static const gchar *vod[] = {
    "/hls/vod/master.m3u8", "/hls/abs/master.m3u8",
    "/hls/byterange/master.m3u8", "/hls/media-only/index.m3u8",
    "/dash/template/manifest.mpd", "/dash/timeline/manifest.mpd",
    "/dash/list/manifest.mpd", "/dash/base/manifest.mpd",
  };
  static const gchar *live[] = {
    "/live/hls/master.m3u8", "/live/dash/manifest.mpd",
  };
  static const ErrorCase errors[] = {
    {"/status/404", FALSE, GST_RESOURCE_ERROR_NOT_FOUND, 404},
    {"/status/403", FALSE, GST_RESOURCE_ERROR_NOT_AUTHORIZED, 403},
    {"/status/500", FALSE, GST_RESOURCE_ERROR_OPEN_READ, 500},
    {"/status/503/hls/vod/master.m3u8", FALSE, GST_RESOURCE_ERROR_OPEN_READ,
        503},
    {"/redirect/2/status/404", FALSE, GST_RESOURCE_ERROR_NOT_FOUND, 404},
    {"/redirect-loop", FALSE, GST_RESOURCE_ERROR_OPEN_READ, 302},
    /* souphttpsrc's timeout: a flow error, no HTTP status */
    {"/hang", TRUE, GST_STREAM_ERROR_FAILED, 0},
  };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = NULL;
  g_autofree gchar *ffmpeg = NULL;
  guint i;
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  GST_DEBUG_CATEGORY_INIT (test_debug, "origin-play", 0, "origin playback");

  ffmpeg = g_find_program_in_path ("ffmpeg");
  if (!ffmpeg) {
    /* 77: meson reports the test as skipped */
    g_printerr ("SKIP: ffmpeg is needed to generate the content\n");
    return 77;
  }
  dir = generate_content ();
  content_dir = dir;
  vod_origin = p2p_origin_new (content_dir, &error);
  g_assert_no_error (error);

  for (i = 0; i < G_N_ELEMENTS (vod); i++) {
    g_autofree gchar *name = g_strconcat ("/origin-play/vod", vod[i], NULL);

    g_test_add_data_func (name, vod[i], test_vod);
  }
  for (i = 0; i < G_N_ELEMENTS (live); i++) {
    g_autofree gchar *name = g_strconcat ("/origin-play", live[i], NULL);

    g_test_add_data_func (name, live[i], test_live);
  }
  for (i = 0; i < G_N_ELEMENTS (errors); i++) {
    g_autofree gchar *name = g_strconcat ("/origin-play/error",
        errors[i].path, NULL);

    g_test_add_data_func (name, &errors[i], test_error);
  }
  ret = g_test_run ();

  p2p_origin_free (vod_origin);
  return ret;
}
