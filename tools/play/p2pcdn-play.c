/* gst-p2pcdn: a headless player that reports where its bytes came from.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plays a URI with playbin (or --player playbin3) into fakesinks and
 * prints one JSON object: the adaptive demuxers the pipeline plugged,
 * whether it reached EOS, SHA-256 digests of the decoded video and audio
 * (to compare runs byte for byte), the last p2pcdn-stats figures, and what
 * a viewer sees (p2pcdn-play-watch.c: startup, stalls, a series sampled
 * every second, CPU time and peak RSS). The report is also printed when
 * SIGTERM ends the run. Used by the demo, the swarm tests and the benchmarks.
 */
#include "p2pcdn-play-watch.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  GChecksum *sum;
  guint64 bytes;
  GMutex lock;
} SinkSum;

static gboolean opt_sync = FALSE;
static gchar *opt_name = NULL;
static gchar *opt_trackers = NULL;
static gboolean opt_no_p2p = FALSE;
static guint opt_timeout = 120;
static guint64 opt_speed = 0;
static guint opt_linger = 0;
static gboolean opt_progress = FALSE;
static gchar *opt_player = NULL;

/* factory names of the adaptive demuxers plugged, in order */
static GMutex demuxers_lock;
static GPtrArray *demuxers;

static volatile sig_atomic_t terminated = 0;

static GOptionEntry entries[] = {
  {"sync", 's', 0, G_OPTION_ARG_NONE, &opt_sync,
      "Render in real time (default: as fast as possible)", NULL},
  {"name", 'n', 0, G_OPTION_ARG_STRING, &opt_name, "Name in the report",
      "NAME"},
  {"trackers", 't', 0, G_OPTION_ARG_STRING, &opt_trackers,
      "Tracker URLs, comma separated (default: $P2PCDN_TRACKERS)", "URLS"},
  {"no-p2p", 0, 0, G_OPTION_ARG_NONE, &opt_no_p2p, "HTTP only", NULL},
  {"timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout, "Give up after S s",
      "S"},
  {"connection-speed", 0, 0, G_OPTION_ARG_INT64, &opt_speed,
      "kbit/s handed to the demuxer (0 = measured)", "KBPS"},
  {"linger", 0, 0, G_OPTION_ARG_INT, &opt_linger,
      "Stay in the swarm S s after the end, serving peers", "S"},
  {"progress", 0, 0, G_OPTION_ARG_NONE, &opt_progress,
      "Also print every 1 s sample as a line {\"sample\": {...}}", NULL},
  {"player", 0, 0, G_OPTION_ARG_STRING, &opt_player,
      "playbin (default) or playbin3", "ELEMENT"},
  {NULL}
};

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer data)
{
  SinkSum *s = data;
  GstMapInfo map;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return;
  g_mutex_lock (&s->lock);
  g_checksum_update (s->sum, map.data, map.size);
  s->bytes += map.size;
  g_mutex_unlock (&s->lock);
  gst_buffer_unmap (buf, &map);
}

static GstElement *
make_sink (SinkSum * s)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_mutex_init (&s->lock);
  s->sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_object_set (sink, "sync", opt_sync, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), s);
  return sink;
}

static gboolean
add_stats_member (GQuark field, const GValue * value, gpointer user_data)
{
  JsonBuilder *b = user_data;

  json_builder_set_member_name (b, g_quark_to_string (field));
  if (G_VALUE_HOLDS_UINT64 (value))
    json_builder_add_int_value (b, g_value_get_uint64 (value));
  else if (G_VALUE_HOLDS_UINT (value))
    json_builder_add_int_value (b, g_value_get_uint (value));
  else {
    gchar *str = gst_value_serialize (value);

    json_builder_add_string_value (b, str);
    g_free (str);
  }
  return TRUE;
}

static void
on_sigterm (int sig)
{
  terminated = 1;
}

static void
catch_sigterm (void)
{
  struct sigaction sa = { 0, };

  sa.sa_handler = on_sigterm;
  /* a second SIGTERM kills as usual */
  sa.sa_flags = SA_RESETHAND;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
}

static void
on_deep_element_added (GstBin * bin, GstBin * sub_bin, GstElement * element,
    gpointer data)
{
  GstElementFactory *f = gst_element_get_factory (element);
  const gchar *klass = f ? gst_element_factory_get_metadata (f,
      GST_ELEMENT_METADATA_KLASS) : NULL;

  if (!klass || !strstr (klass, "Demuxer/Adaptive"))
    return;
  g_mutex_lock (&demuxers_lock);
  g_ptr_array_add (demuxers, g_strdup (GST_OBJECT_NAME (f)));
  g_mutex_unlock (&demuxers_lock);
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("URI");
  GError *error = NULL;
  GstElement *playbin;
  GstBus *bus;
  SinkSum video = { 0, }, audio = { 0, };
  GstStructure *stats = NULL;
  gboolean eos = FALSE;
  gchar *error_text = NULL;
  gint64 start, deadline, next_sample;
  PlayWatch *watch;
  GstElement *video_sink;
  guint i;
  JsonBuilder *b;
  JsonGenerator *gen;
  JsonNode *root;
  gchar *json;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2) {
    g_printerr ("%s\n", error ? error->message :
        "usage: p2pcdn-play [OPTIONS] URI");
    return 2;
  }
  g_option_context_free (ctx);
  if (opt_trackers)
    g_setenv ("P2PCDN_TRACKERS", opt_trackers, TRUE);
  if (opt_no_p2p)
    g_setenv ("P2PCDN_P2P", "off", TRUE);

  playbin = gst_element_factory_make (opt_player ? opt_player : "playbin",
      NULL);
  if (!playbin) {
    g_printerr ("no %s\n", opt_player ? opt_player : "playbin");
    return 2;
  }
  demuxers = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (playbin, "deep-element-added",
      G_CALLBACK (on_deep_element_added), NULL);
  video_sink = make_sink (&video);
  watch = play_watch_new (playbin, video_sink);
  g_object_set (playbin, "uri", argv[1], "video-sink", video_sink,
      "audio-sink", make_sink (&audio), NULL);
  if (opt_speed)
    g_object_set (playbin, "connection-speed", opt_speed, NULL);

  bus = gst_element_get_bus (playbin);
  catch_sigterm ();
  start = g_get_monotonic_time ();
  deadline = start + (gint64) opt_timeout * G_USEC_PER_SEC;
  next_sample = start + G_USEC_PER_SEC;
  play_watch_start (watch);
  gst_element_set_state (playbin, GST_STATE_PLAYING);
  while (!eos && !error_text) {
    gint64 now = g_get_monotonic_time ();
    gint64 wake;
    GstMessage *msg;

    if (terminated) {
      error_text = g_strdup ("terminated by SIGTERM");
      break;
    }
    if (now >= deadline) {
      error_text = g_strdup ("timed out");
      break;
    }
    if (now >= next_sample) {
      play_watch_sample (watch, stats, opt_progress);
      next_sample += G_USEC_PER_SEC;
      continue;
    }
    /* wake at least every 100 ms to notice SIGTERM */
    wake =
        MIN (MIN (deadline, next_sample), now + 100 * G_TIME_SPAN_MILLISECOND);
    msg = gst_bus_timed_pop (bus, (wake - now) * GST_USECOND);
    if (!msg)
      continue;
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        eos = TRUE;
        break;
      case GST_MESSAGE_ERROR:{
        GError *e = NULL;

        gst_message_parse_error (msg, &e, NULL);
        error_text = g_strdup_printf ("%s: %s",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), e->message);
        g_error_free (e);
        break;
      }
      case GST_MESSAGE_ELEMENT:{
        const GstStructure *s = gst_message_get_structure (msg);

        if (gst_structure_has_name (s, "p2pcdn-stats")) {
          if (stats)
            gst_structure_free (stats);
          stats = gst_structure_copy (s);
        }
        break;
      }
      default:
        break;
    }
    gst_message_unref (msg);
  }
  /* The report first, so that a harness can read it while we still serve. */
  play_watch_sample (watch, stats, FALSE);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, opt_name ? opt_name : "player");
  json_builder_set_member_name (b, "eos");
  json_builder_add_boolean_value (b, eos);
  json_builder_set_member_name (b, "error");
  if (error_text)
    json_builder_add_string_value (b, error_text);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "demuxers");
  json_builder_begin_array (b);
  g_mutex_lock (&demuxers_lock);
  for (i = 0; i < demuxers->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (demuxers, i));
  g_mutex_unlock (&demuxers_lock);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, (g_get_monotonic_time () - start) / 1e6);
  json_builder_set_member_name (b, "video_sha256");
  json_builder_add_string_value (b, g_checksum_get_string (video.sum));
  json_builder_set_member_name (b, "video_bytes");
  json_builder_add_int_value (b, video.bytes);
  json_builder_set_member_name (b, "audio_sha256");
  json_builder_add_string_value (b, g_checksum_get_string (audio.sum));
  json_builder_set_member_name (b, "audio_bytes");
  json_builder_add_int_value (b, audio.bytes);
  json_builder_set_member_name (b, "stats");
  json_builder_begin_object (b);
  if (stats)
    gst_structure_foreach (stats, add_stats_member, b);
  json_builder_end_object (b);
  play_watch_add_members (watch, b, eos);
  json_builder_end_object (b);

  gen = json_generator_new ();
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_print ("%s\n", json);
  fflush (stdout);
  if (terminated) {
    /* the pipeline may be wedged (that can be why we are ended): do not
     * wait for it to stop */
    _exit (128 + SIGTERM);
  }
  for (i = 0; i < opt_linger * 10 && !terminated; i++)
    g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  gst_element_set_state (playbin, GST_STATE_NULL);

  g_free (json);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  if (stats)
    gst_structure_free (stats);
  gst_object_unref (bus);
  gst_object_unref (playbin);
  play_watch_free (watch);
  g_free (error_text);
  return eos ? 0 : 1;
}
