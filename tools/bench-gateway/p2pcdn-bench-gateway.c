/* gst-p2pcdn: the gateway path against the direct element path.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fetches the same VOD HLS stream, no peers and no cache, in child
 * processes, alternating:
 *   direct:  p2phlssrc location=URL ! hlsdemux   (our element per URI)
 *   gateway: souphttpsrc location=GATEWAY-URL ! hlsdemux, with the gateway
 *            of a manager in the same process (what hlsdemux2's downloader
 *            does in a playbin3: every request goes over loopback HTTP)
 * The demuxer is the same, so the difference is the gateway's hop.  Prints
 * CPU time and peak RSS of each per MB the origin served, and the ratios.
 * The origin runs in this parent process so that its cost is not counted.
 *
 *   GST_PLUGIN_PATH=BUILD/gst p2pcdn-bench-gateway CONTENT_DIR [RUNS] [LOOPS]
 */

#include <stdlib.h>

#include <gst/gst.h>

#include "p2p-gateway.h"
#include "p2p-bench-child.h"
#include "p2p-origin.h"

typedef struct {
  gdouble cpu, rss_mb, served_mb;
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
child_main (const gchar * path, const gchar * url, guint loops)
{
  P2pManager *manager = NULL;
  gchar *location;

  if (g_str_equal (path, "gateway")) {
    GError *error = NULL;
    P2pGateway *gateway;

    manager = p2p_manager_new ();
    gateway = p2p_gateway_get_for_manager (manager, &error);
    if (!gateway)
      g_error ("%s", error->message);
    location = g_strdup_printf ("souphttpsrc location=%s",
        p2p_gateway_url_for (gateway, url));
  } else {
    location = g_strdup_printf ("p2phlssrc location=%s", url);
  }
  for (guint i = 0; i < loops; i++) {
    gchar *desc = g_strdup_printf ("%s ! hlsdemux name=demux", location);
    GstElement *pipeline = gst_parse_launch (desc, NULL);
    GstElement *demux = gst_bin_get_by_name (GST_BIN (pipeline), "demux");
    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *msg;

    g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), pipeline);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (!msg || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
      g_printerr ("%s: run %u did not reach EOS\n", path, i);
      return 1;
    }
    gst_message_unref (msg);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (demux);
    gst_object_unref (pipeline);
    g_free (desc);
  }
  g_free (location);
  /* the gateway's manager is left to the exit: its swarms are empty */
  return 0;
}

static guint64
origin_bytes (P2pOrigin * origin)
{
  GPtrArray *log = p2p_origin_get_log (origin);
  guint64 n = 0;

  for (guint i = 0; i < log->len; i++)
    n += ((P2pOriginRequest *) g_ptr_array_index (log, i))->bytes_sent;
  g_ptr_array_unref (log);
  return n;
}

static Sample
run_child (const gchar * self, const gchar * path, const gchar * url,
    guint loops, P2pOrigin * origin)
{
  Sample s;

  p2p_origin_clear_log (origin);
  p2p_bench_run_child (self, path, url, loops, &s.cpu, &s.rss_mb);
  /* the origin logs a request's end on its own thread: let it finish */
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  s.served_mb = origin_bytes (origin) / 1e6;
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *paths[2] = { "direct", "gateway" };
  guint runs = 5, loops = 10;
  P2pOrigin *origin;
  GError *error = NULL;
  gchar *url;
  gdouble cpu[2][32], rss[2][32], mb[2][32];

  g_setenv ("P2PCDN_P2P", "off", TRUE);
  g_setenv ("P2PCDN_CACHE_SIZE", "0", TRUE);
  gst_init (&argc, &argv);
  if (argc == 5 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3], atoi (argv[4]));
  if (argc < 2) {
    g_printerr ("usage: %s CONTENT_DIR [RUNS] [LOOPS]\n", argv[0]);
    return 2;
  }
  if (argc > 2)
    runs = CLAMP (atoi (argv[2]), 1, 31);
  if (argc > 3)
    loops = MAX (atoi (argv[3]), 1);

  origin = p2p_origin_new (argv[1], &error);
  if (!origin)
    g_error ("%s", error->message);
  url = g_strconcat (p2p_origin_get_base_url (origin), "/hls/vod/master.m3u8",
      NULL);

  /* one warm-up each, then alternate so drift hits both alike */
  for (guint p = 0; p < 2; p++)
    run_child (argv[0], paths[p], url, 1, origin);
  for (guint r = 0; r < runs; r++) {
    for (guint p = 0; p < 2; p++) {
      Sample s = run_child (argv[0], paths[p], url, loops, origin);

      cpu[p][r] = s.cpu / s.served_mb;
      rss[p][r] = s.rss_mb;
      mb[p][r] = s.served_mb;
    }
  }

  g_print ("%u runs of %u fetches of %s (medians)\n", runs, loops, url);
  g_print ("%-22s %12s %12s %8s\n", "", "direct", "gateway", "ratio");
  {
    gdouble mb_d = p2p_bench_median (mb[0], runs);
    gdouble mb_g = p2p_bench_median (mb[1], runs);
    gdouble cpu_d = p2p_bench_median (cpu[0], runs);
    gdouble cpu_g = p2p_bench_median (cpu[1], runs);
    gdouble rss_d = p2p_bench_median (rss[0], runs);
    gdouble rss_g = p2p_bench_median (rss[1], runs);

    g_print ("%-22s %12.2f %12.2f %8.3f\n", "MB served per run", mb_d, mb_g,
        mb_g / mb_d);
    g_print ("%-22s %12.4f %12.4f %8.3f\n", "CPU s per MB", cpu_d, cpu_g,
        cpu_g / cpu_d);
    g_print ("%-22s %12.1f %12.1f %8.3f\n", "peak RSS (MiB)", rss_d, rss_g,
        rss_g / rss_d);
    g_print ("%-22s %12.2f %12.2f %8.3f\n", "peak RSS per MB", rss_d / mb_d,
        rss_g / mb_g, (rss_g / mb_g) / (rss_d / mb_d));
  }
  p2p_origin_free (origin);
  g_free (url);
  return 0;
}
