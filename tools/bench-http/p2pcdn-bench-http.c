/* gst-p2pcdn: HTTP path benchmark, souphttpsrc against our sources.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fetches the same VOD stream through `souphttpsrc ! hlsdemux` and through
 * `p2phlssrc ! hlsdemux` (no peers) in child processes, alternating, and
 * prints wall time, CPU time and peak RSS of each with the ratios.  The
 * origin runs in this parent process so that its cost is not counted.
 */

#include <stdlib.h>

#include <gst/gst.h>

#include "p2p-bench-child.h"
#include "p2p-origin.h"

typedef struct {
  gdouble wall, cpu, rss_mb;
} Sample;

static void
on_pad_added (GstElement * demux, GstPad * pad, gpointer user_data)
{
  GstElement *pipeline = user_data;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *sinkpad;

  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_link (pad, sinkpad);
  gst_object_unref (sinkpad);
}

/* In the child: fetch the stream @loops times, exit 0 on EOS every time. */
static int
child_main (const gchar * factory, const gchar * url, guint loops)
{
  for (guint i = 0; i < loops; i++) {
    gchar *desc = g_strdup_printf ("%s location=%s ! hlsdemux name=demux",
        factory, url);
    GstElement *pipeline = gst_parse_launch (desc, NULL);
    GstElement *demux = gst_bin_get_by_name (GST_BIN (pipeline), "demux");
    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *msg;

    g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), pipeline);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (!msg || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
      g_printerr ("%s: run %u did not reach EOS\n", factory, i);
      return 1;
    }
    gst_message_unref (msg);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (demux);
    gst_object_unref (pipeline);
    g_free (desc);
  }
  return 0;
}

static Sample
run_child (const gchar * self, const gchar * factory, const gchar * url,
    guint loops)
{
  gint64 start = g_get_monotonic_time ();
  Sample s;

  p2p_bench_run_child (self, factory, url, loops, &s.cpu, &s.rss_mb);
  s.wall = (g_get_monotonic_time () - start) / 1e6;
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *content;
  guint runs = 5, loops = 10;
  P2pOrigin *origin;
  GError *error = NULL;
  gchar *url;
  gdouble w[3][32], c[3][32], m[3][32];
  /* the HTTP path alone (no cache: every fetch goes to the origin), and
   * what the cache adds when a process plays the stream again */
  const gchar *factories[3] = { "souphttpsrc", "p2phlssrc cache-size=0",
    "p2phlssrc"
  };
  const gchar *labels[3] = { "wall time (s)", "CPU time (s)", "peak RSS (MiB)" };
  gdouble med[3][3];
  gboolean ok = TRUE;

  gst_init (&argc, &argv);
  if (argc == 5 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3], atoi (argv[4]));
  if (argc < 2) {
    g_printerr ("usage: %s CONTENT_DIR [RUNS] [LOOPS]\n", argv[0]);
    return 2;
  }
  content = argv[1];
  if (argc > 2)
    runs = CLAMP (atoi (argv[2]), 1, 31);
  if (argc > 3)
    loops = MAX (atoi (argv[3]), 1);

  origin = p2p_origin_new (content, &error);
  if (!origin)
    g_error ("%s", error->message);
  url = g_strconcat (p2p_origin_get_base_url (origin), "/hls/vod/master.m3u8",
      NULL);

  /* one warm-up each, then alternate so drift hits both alike */
  for (guint f = 0; f < 3; f++)
    run_child (argv[0], factories[f], url, 1);
  for (guint r = 0; r < runs; r++) {
    for (guint f = 0; f < 3; f++) {
      Sample s = run_child (argv[0], factories[f], url, loops);

      w[f][r] = s.wall;
      c[f][r] = s.cpu;
      m[f][r] = s.rss_mb;
    }
  }
  for (guint f = 0; f < 3; f++) {
    med[f][0] = p2p_bench_median (w[f], runs);
    med[f][1] = p2p_bench_median (c[f], runs);
    med[f][2] = p2p_bench_median (m[f], runs);
  }

  g_print ("HTTP path, %u runs of %u fetches of %s (medians)\n", runs, loops,
      url);
  g_print ("%-16s %12s %12s %8s %14s %8s\n", "", "souphttpsrc",
      "p2phlssrc", "ratio", "p2phlssrc", "ratio");
  g_print ("%-16s %12s %12s %8s %14s %8s\n", "", "", "(no cache)", "",
      "(with cache)", "");
  for (guint k = 0; k < 3; k++) {
    gdouble ratio = med[1][k] / med[0][k];

    g_print ("%-16s %12.3f %12.3f %8.3f %14.3f %8.3f%s\n", labels[k],
        med[0][k], med[1][k], ratio, med[2][k], med[2][k] / med[0][k],
        ratio > 1.1 ? "  (HTTP path above 1.1)" : "");
    ok &= ratio <= 1.1;
  }
  g_print ("%s\n", ok ? "within 1.1x of souphttpsrc" : "ABOVE 1.1x");
  p2p_origin_free (origin);
  g_free (url);
  return ok ? 0 : 1;
}
