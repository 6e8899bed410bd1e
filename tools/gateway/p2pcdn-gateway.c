/* gst-p2pcdn: the loopback gateway as a program, for players outside
 * GStreamer (ffmpeg, mpv, VLC).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   p2pcdn-gateway --listen 127.0.0.1:8089 --trackers ws://tracker:8000 \
 *       --url https://origin.example/live/master.m3u8
 *
 * prints the local URL of each --url, then one status line per second
 * (rewritten in place on a terminal); the same figures are JSON at
 * BASE/stats.json.  SIGINT or SIGTERM leaves the swarms and exits 0.
 */
#include <glib-unix.h>
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "p2p-gateway.h"

static gchar *opt_listen = NULL;
static gchar *opt_trackers = NULL;
static gchar **opt_urls = NULL;
static gboolean opt_no_p2p = FALSE;
static gboolean opt_quiet = FALSE;

static GOptionEntry entries[] = {
  {"listen", 'l', 0, G_OPTION_ARG_STRING, &opt_listen,
      "Address and port to listen on (default 127.0.0.1:8089; port 0: any)",
      "ADDR:PORT"},
  {"trackers", 't', 0, G_OPTION_ARG_STRING, &opt_trackers,
      "Tracker URLs, comma separated (default: $P2PCDN_TRACKERS)", "URLS"},
  {"url", 'u', 0, G_OPTION_ARG_STRING_ARRAY, &opt_urls,
      "Print the local URL of this origin URL (repeatable)", "URL"},
  {"no-p2p", 0, 0, G_OPTION_ARG_NONE, &opt_no_p2p, "HTTP only", NULL},
  {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "No status lines", NULL},
  {NULL}
};

typedef struct {
  GMainLoop *loop;
  P2pGateway *gateway;
  gboolean tty;
} App;

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (((App *) data)->loop);
  return G_SOURCE_REMOVE;
}

static guint64
stat_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = 0;

  gst_structure_get_uint64 (s, name, &v);
  return v;
}

static gboolean
print_status (gpointer data)
{
  App *app = data;
  GstStructure *s = p2p_gateway_get_stats (app->gateway);
  guint peers = 0, active = 0;
  guint64 http = stat_u64 (s, "http-bytes"), p2p = stat_u64 (s, "p2p-bytes");
  guint64 cache = stat_u64 (s, "cache-bytes");
  gdouble total = (gdouble) (http + p2p + cache);

  gst_structure_get_uint (s, "peers", &peers);
  gst_structure_get_uint (s, "gateway-active", &active);
  g_print ("%speers %u | origin %.1f MB  peers %.1f MB  cache %.1f MB "
      "(%.0f%% offload) | uploaded %.1f MB in %" G_GUINT64_FORMAT
      " segments | requests %" G_GUINT64_FORMAT " (%u open)%s",
      app->tty ? "\r" : "", peers, http / 1e6, p2p / 1e6, cache / 1e6,
      total > 0 ? 100.0 * (p2p + cache) / total : 0.0,
      stat_u64 (s, "upload-bytes") / 1e6, stat_u64 (s, "segments-uploaded"),
      stat_u64 (s, "gateway-requests"), active, app->tty ? "   " : "\n");
  fflush (stdout);
  gst_structure_free (s);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_listen (const gchar * listen, gchar ** host, guint * port)
{
  const gchar *colon = strrchr (listen, ':');
  gchar *end;
  guint64 p;

  if (!colon || colon == listen)
    return FALSE;
  p = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end || end == colon + 1 || p > 65535)
    return FALSE;
  if (listen[0] == '[' && colon[-1] == ']')
    *host = g_strndup (listen + 1, colon - listen - 2);
  else
    *host = g_strndup (listen, colon - listen);
  *port = p;
  return TRUE;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("- local HTTP gateway into "
      "the peer-to-peer swarms of HLS and DASH streams");
  GError *error = NULL;
  P2pManager *manager;
  App app = { 0, };
  gchar *host = NULL;
  guint port = 8089;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (!parse_listen (opt_listen ? opt_listen : "127.0.0.1:8089", &host,
          &port)) {
    g_printerr ("--listen wants ADDR:PORT, not %s\n", opt_listen);
    return 2;
  }
  if (opt_trackers)
    g_setenv ("P2PCDN_TRACKERS", opt_trackers, TRUE);
  if (opt_no_p2p)
    g_setenv ("P2PCDN_P2P", "off", TRUE);

  manager = p2p_manager_new ();
  app.gateway = p2p_gateway_new (manager, host, port, &error);
  gst_object_unref (manager);
  if (!app.gateway) {
    g_printerr ("cannot listen on %s:%u: %s\n", host, port, error->message);
    return 1;
  }
  g_print ("p2pcdn-gateway listening on %s\n",
      p2p_gateway_get_base (app.gateway));
  g_print ("statistics: %sstats.json\n", p2p_gateway_get_base (app.gateway));
  for (guint i = 0; opt_urls && opt_urls[i]; i++) {
    gchar *local = p2p_gateway_url_for (app.gateway, opt_urls[i]);

    g_print ("local URL: %s\n", local);
    g_free (local);
  }
  g_print ("any origin URL: %sORIGIN-URL\n",
      p2p_gateway_get_base (app.gateway));
  fflush (stdout);

  app.tty = isatty (STDOUT_FILENO);
  app.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, &app);
  g_unix_signal_add (SIGTERM, on_signal, &app);
  if (!opt_quiet)
    g_timeout_add_seconds (1, print_status, &app);
  g_main_loop_run (app.loop);
  if (app.tty && !opt_quiet)
    g_print ("\n");

  /* the manager leaves its swarms (trackers told) as it goes */
  g_object_unref (app.gateway);
  g_main_loop_unref (app.loop);
  g_free (host);
  return 0;
}
