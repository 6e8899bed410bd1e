/* p2pcdn-origin: command-line front end of the test HTTP origin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-origin.h"

#include <glib-unix.h>
#include <gst/gst.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_arm_faults (gpointer origin)
{
  p2p_origin_arm_faults (origin);
  return G_SOURCE_CONTINUE;
}

static gchar *
default_content_dir (void)
{
  const gchar *env = g_getenv ("P2PCDN_CONTENT_DIR");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_cache_dir (), "gst-p2pcdn", "content",
      NULL);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *content = NULL;
  g_autofree gchar *bind = NULL;
  g_autofree gchar *log = NULL;
  gint port = 0;
  gint live_segments = P2P_ORIGIN_DEFAULT_LIVE_SEGMENTS;
  g_auto (GStrv) faults = NULL;
  gboolean faults_wait = FALSE;
  GOptionEntry entries[] = {
    {"content", 'c', 0, G_OPTION_ARG_FILENAME, &content,
        "Content made by make-content.sh (default: $P2PCDN_CONTENT_DIR or "
          "~/.cache/gst-p2pcdn/content)", "DIR"},
    {"port", 'p', 0, G_OPTION_ARG_INT, &port,
        "TCP port, 0 for any free port (default 0)", "N"},
    {"bind", 'b', 0, G_OPTION_ARG_STRING, &bind,
        "Address to listen on (default 127.0.0.1)", "ADDR"},
    {"log", 'l', 0, G_OPTION_ARG_FILENAME, &log,
        "Write one JSON line per request to FILE", "FILE"},
    {"live-segments", 0, 0, G_OPTION_ARG_INT, &live_segments,
        "Live streams end after N segments, 0 never (default 15)", "N"},
    {"fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
          "Answer requests whose path matches GLOB with an HTTP status or a "
          "body cut in half (reset), for SECONDS (none or 0: no end) from "
          "the start or each SIGUSR1; repeatable",
        "400..599|reset:GLOB[:SECONDS]"},
    {"faults-wait", 0, 0, G_OPTION_ARG_NONE, &faults_wait,
        "Faults act only from the first SIGUSR1 on", NULL},
    {NULL}
  };
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pOrigin) origin = NULL;
  g_autoptr (GMainLoop) loop = NULL;

  setlocale (LC_ALL, "");
  ctx = g_option_context_new ("- test HTTP origin for HLS/DASH content");
  g_option_context_set_summary (ctx, "Serves the content made by "
      "make-content.sh, live streams built from the clock, and "
      "fault-injection URLs (see tools/origin/README.md).");
  g_option_context_add_main_entries (ctx, entries, NULL);
  /* GST_DEBUG='p2pcdn-origin:5' or --gst-debug show each request. */
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("p2pcdn-origin: %s\n", error->message);
    return EXIT_FAILURE;
  }
  if (port < 0 || port > 65535 || live_segments < 0) {
    g_printerr ("p2pcdn-origin: --port must be 0..65535 and "
        "--live-segments >= 0\n");
    return EXIT_FAILURE;
  }
  if (!content)
    content = default_content_dir ();

  origin = p2p_origin_new_full (content, bind ? bind : "127.0.0.1", port,
      &error);
  if (!origin) {
    g_printerr ("p2pcdn-origin: %s\n", error->message);
    return EXIT_FAILURE;
  }
  p2p_origin_set_live_segments (origin, live_segments);
  if (log && !p2p_origin_set_log_file (origin, log, &error)) {
    g_printerr ("p2pcdn-origin: %s\n", error->message);
    return EXIT_FAILURE;
  }

  for (guint i = 0; faults && faults[i]; i++) {
    if (!p2p_origin_add_fault (origin, faults[i], &error)) {
      g_printerr ("p2pcdn-origin: %s\n", error->message);
      return EXIT_FAILURE;
    }
  }
  if (!faults_wait)
    p2p_origin_arm_faults (origin);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGUSR1, on_arm_faults, origin);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);

  printf ("p2pcdn-origin listening on %s\n", p2p_origin_get_base_url (origin));
  fflush (stdout);
  g_main_loop_run (loop);
  return EXIT_SUCCESS;
}
