/* gst-p2pcdn tests: play pipelines against the test origin and report.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-test-util.h"

#include <string.h>

void
p2p_play_result_clear (P2pPlayResult * r)
{
  g_clear_error (&r->error);
  g_clear_error (&r->warning);
  g_clear_pointer (&r->error_source, g_free);
  g_clear_pointer (&r->error_details, gst_structure_free);
  g_clear_pointer (&r->checksum, g_checksum_free);
  memset (r, 0, sizeof (*r));
}

const gchar *
p2p_test_content_dir (void)
{
  static gsize once;
  static gchar *dir;

  if (g_once_init_enter (&once)) {
    const gchar *env = g_getenv ("P2PCDN_CONTENT_DIR");
    gchar *d = env ? g_strdup (env) :
        g_build_filename (g_get_user_cache_dir (), "gst-p2pcdn", "content",
        NULL);
    gchar *argv[] = { (gchar *) "sh", (gchar *) P2P_ORIGIN_CONTENT_SCRIPT, d,
      NULL
    };
    gint status = 0;
    GError *error = NULL;

    if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
            G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status,
            &error) || !g_spawn_check_wait_status (status, &error))
      g_error ("Cannot generate test content in %s: %s", d, error->message);
    dir = d;
    g_once_init_leave (&once, 1);
  }
  return dir;
}

P2pOrigin *
p2p_test_origin_new (void)
{
  GError *error = NULL;
  P2pOrigin *origin = p2p_origin_new (p2p_test_content_dir (), &error);

  g_assert_no_error (error);
  return origin;
}

void
p2p_test_init (int *argc, char ***argv)
{
  gchar *registry;

  /* Our plugin from the build tree, a registry of our own, and the system
   * plugins (demuxers, decoders, souphttpsrc to compare with). */
  g_setenv ("GST_PLUGIN_PATH", P2P_PLUGIN_BUILD_DIR, TRUE);
  /* In-process scanning: a sanitizer build of the plugin cannot be loaded
   * by the uninstrumented gst-plugin-scanner. */
  g_setenv ("GST_REGISTRY_FORK", "no", TRUE);
  /* Every test plays streams the earlier ones played: without a cache each
   * request reaches the origin, whose log the tests read. */
  g_setenv ("P2PCDN_CACHE_SIZE", "0", TRUE);
  registry = g_build_filename (P2P_TEST_BUILD_DIR, "registry.bin", NULL);
  g_setenv ("GST_REGISTRY", registry, TRUE);
  g_free (registry);
  gst_init (argc, argv);
  g_test_init (argc, argv, NULL);
}

typedef struct {
  P2pPlayResult *result;
  gboolean first;
} SinkData;

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad,
    gpointer user_data)
{
  P2pPlayResult *r = user_data;
  GstMapInfo map;
  gboolean first = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (sink),
          "p2p-first"));

  /* Sinks run on several streaming threads. */
  GST_OBJECT_LOCK (sink);
  r->buffers++;
  r->bytes += gst_buffer_get_size (buf);
  GST_OBJECT_UNLOCK (sink);
  if (first && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_checksum_update (r->checksum, map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
}

static GstElement *
make_sink (P2pPlayResult * r, gboolean first)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", FALSE, "signal-handoffs", TRUE, NULL);
  g_object_set_data (G_OBJECT (sink), "p2p-first", GINT_TO_POINTER (first));
  g_object_set_data (G_OBJECT (sink), "p2p-result", r);
  return sink;
}

/* The result a pipeline's sinks count into is attached when playing starts;
 * until then sinks count into this placeholder via the pipeline data. */
static void
connect_sink (GstElement * pipeline, GstElement * sink)
{
  P2pPlayResult *r = g_object_get_data (G_OBJECT (pipeline), "p2p-result");

  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), r);
}

static P2pPlayResult *
pipeline_result (GstElement * pipeline)
{
  P2pPlayResult *r = g_object_get_data (G_OBJECT (pipeline), "p2p-result");

  if (!r) {
    r = g_new0 (P2pPlayResult, 1);
    r->checksum = g_checksum_new (G_CHECKSUM_SHA256);
    g_object_set_data_full (G_OBJECT (pipeline), "p2p-result", r,
        (GDestroyNotify) g_free);
  }
  return r;
}

GstElement *
p2p_test_make_playbin (const gchar * uri)
{
  GstElement *playbin = gst_element_factory_make ("playbin", NULL);
  P2pPlayResult *r;
  GstElement *vsink, *asink;

  g_assert_nonnull (playbin);
  r = pipeline_result (playbin);
  vsink = make_sink (r, TRUE);
  asink = make_sink (r, FALSE);
  connect_sink (playbin, vsink);
  connect_sink (playbin, asink);
  g_object_set (playbin, "uri", uri, "video-sink", vsink, "audio-sink", asink,
      NULL);
  return playbin;
}

void
p2p_test_playbin_set_sync (GstElement * playbin, gboolean sync)
{
  const gchar *props[] = { "video-sink", "audio-sink" };

  for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
    GstElement *sink = NULL;

    g_object_get (playbin, props[i], &sink, NULL);
    g_object_set (sink, "sync", sync, NULL);
    gst_object_unref (sink);
  }
}

static void
on_pad_added (GstElement * demux, GstPad * pad, gpointer user_data)
{
  GstElement *pipeline = user_data;
  P2pPlayResult *r = pipeline_result (pipeline);
  gboolean first = !g_object_get_data (G_OBJECT (pipeline), "p2p-has-first");
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  GstElement *sink = make_sink (r, first);
  GstPad *sinkpad;

  g_object_set_data (G_OBJECT (pipeline), "p2p-has-first", GINT_TO_POINTER (1));
  connect_sink (pipeline, sink);
  gst_bin_add_many (GST_BIN (pipeline), queue, sink, NULL);
  gst_element_link (queue, sink);
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (queue);
  sinkpad = gst_element_get_static_pad (queue, "sink");
  gst_pad_link (pad, sinkpad);
  gst_object_unref (sinkpad);
}

GstElement *
p2p_test_make_pipeline (const gchar * desc)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstElement *demux;

  g_assert_no_error (error);
  pipeline_result (pipeline);
  demux = gst_bin_get_by_name (GST_BIN (pipeline), "demux");
  if (demux) {
    g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), pipeline);
    gst_object_unref (demux);
  }
  return pipeline;
}

void
p2p_test_play (GstElement * pipeline, guint timeout_s,
    P2pTestMessageFunc on_message, gpointer user_data, P2pPlayResult * result)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  P2pPlayResult *counted = pipeline_result (pipeline);
  gboolean done = FALSE;

  memset (result, 0, sizeof (*result));
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);

  while (!done) {
    gint64 now = g_get_monotonic_time ();
    GstMessage *msg;

    if (now >= deadline) {
      result->timed_out = TRUE;
      break;
    }
    msg = gst_bus_timed_pop (bus, (deadline - now) * GST_USECOND);
    if (!msg)
      continue;
    if (on_message && !on_message (pipeline, msg, user_data))
      done = TRUE;
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        result->eos = TRUE;
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR:
        if (!result->error) {
          gchar *debug = NULL;
          const GstStructure *details = NULL;

          gst_message_parse_error (msg, &result->error, &debug);
          gst_message_parse_error_details (msg, &details);
          if (details)
            result->error_details = gst_structure_copy (details);
          result->error_source = gst_object_get_name (GST_MESSAGE_SRC (msg));
          g_test_message ("error from %s: %s (%s)", result->error_source,
              result->error->message, debug ? debug : "");
          g_free (debug);
        }
        done = TRUE;
        break;
      case GST_MESSAGE_WARNING:
        if (!result->warning)
          gst_message_parse_warning (msg, &result->warning, NULL);
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  result->buffers = counted->buffers;
  result->bytes = counted->bytes;
  result->checksum = g_checksum_copy (counted->checksum);
}

guint
p2p_test_count_requests (GPtrArray * log, const gchar * path_substring,
    const gchar * ua_substring)
{
  guint n = 0;

  for (guint i = 0; i < log->len; i++) {
    P2pOriginRequest *req = g_ptr_array_index (log, i);

    if (path_substring && !strstr (req->path, path_substring))
      continue;
    if (ua_substring && (!req->user_agent
            || !strstr (req->user_agent, ua_substring)))
      continue;
    n++;
  }
  return n;
}

void
p2p_test_assert_all_ours (GPtrArray * log)
{
  g_assert_cmpuint (log->len, >, 0);
  for (guint i = 0; i < log->len; i++) {
    P2pOriginRequest *req = g_ptr_array_index (log, i);

    if (!req->user_agent || !strstr (req->user_agent, "p2pcdn"))
      g_error ("request %s was made by \"%s\", not by our elements",
          req->path, req->user_agent ? req->user_agent : "(none)");
  }
}

gchar *
p2p_test_url (P2pOrigin * origin, const gchar * scheme_prefix,
    const gchar * path)
{
  return g_strconcat (scheme_prefix ? scheme_prefix : "",
      p2p_origin_get_base_url (origin), path, NULL);
}
