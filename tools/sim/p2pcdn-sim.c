/* gst-p2pcdn simulation: offload and origin load of the real scheduler in
 * swarms of 8 to thousands of peers, under a simulated clock.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   p2pcdn-sim [--peers 8,100,1000] [--duration 120] [--seed 1] [--json]
 *
 * One run per swarm size, all with the same options; a table (or JSON) of
 * offload against its limit, origin fetches per segment, hand-overs,
 * stalls and startup.  See README.md, "Simulation".
 */
#include <stdlib.h>

#include "sim-swarm.h"

static void
print_table (GPtrArray * results)
{
  g_print ("%6s %7s %7s %6s %9s %6s %6s %7s %7s %7s %8s %9s %8s %8s %7s\n",
      "peers", "offload", "limit", "of-lim", "fetch/seg", "steady", "ranges",
      "handovr", "resumes", "absent", "stalls/h", "stalled-s", "startup", "max-st",
      "wall-s");
  for (guint i = 0; i < results->len; i++) {
    const SimResult *r = g_ptr_array_index (results, i);
    gdouble limit = 1 - 1.0 / r->n_peers;
    gdouble offload = sim_result_offload (r);

    g_print ("%6u %6.1f%% %6.1f%% %5.0f%% %9.2f %6.2f %6" G_GUINT64_FORMAT
        " %7" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
        " %8.2f %9.1f %7.2fs"
        " %7.2fs %7.1f\n", r->n_peers, 100 * offload, 100 * limit,
        limit > 0 ? 100 * offload / limit : 0,
        sim_result_fetches_per_segment (r),
        sim_result_steady_fetches_per_segment (r), r->range_fetches,
        r->handovers, r->resumes,
        r->absent, sim_result_stalls_per_peer_hour (r), r->stalled_s,
        r->startup_mean_s, r->startup_max_s, r->wall_s);
  }
  g_print ("\nwhere the players' bytes came from (%%) and the schedulers' "
      "counters:\n");
  g_print ("%6s %6s %6s %6s %6s %6s %8s %8s %8s %8s %8s %7s %8s %7s %7s\n",
      "peers", "peer", "mixed", "shared", "http", "cache", "segments",
      "fetches", "startup", "elected", "backup", "loc-min", "prefetch",
      "joined", "stalled");
  for (guint i = 0; i < results->len; i++) {
    const SimResult *r = g_ptr_array_index (results, i);
    gdouble d = MAX (r->delivered_bytes, 1) / 100.0;

    g_print ("%6u %6.1f %6.1f %6.1f %6.1f %6.1f %8" G_GUINT64_FORMAT " %8"
        G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %8"
        G_GUINT64_FORMAT " %7.1f %8" G_GUINT64_FORMAT " %7u %7u\n",
        r->n_peers,
        r->bytes_peer / d, r->bytes_mixed / d, r->bytes_shared / d,
        r->bytes_http / d, r->bytes_cache / d, r->distinct_segments,
        r->origin_fetches, r->origin_fetches_startup, r->elected_http,
        r->backup_http, r->local_minima, r->prefetches, r->peers_total,
        r->players_stalled);
  }
  g_print ("\n%6s %9s %9s %9s %9s\n", "peers", "requests", "absent",
      "absent-pf", "cancels");
  for (guint i = 0; i < results->len; i++) {
    const SimResult *r = g_ptr_array_index (results, i);

    g_print ("%6u %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9"
        G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n", r->n_peers,
        r->peer_requests, r->absent, r->absent_prefetch, r->cancels);
  }
}

static void
print_json (const SimConfig * cfg, const gchar * uplinks, GPtrArray * results)
{
  GString *s = g_string_new ("{\n");
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

#define NUM(v) g_ascii_dtostr (buf, sizeof (buf), (v))
  g_string_append_printf (s, "  \"config\": {\"duration_s\": %s, ",
      NUM (cfg->duration_s));
  g_string_append_printf (s, "\"seed\": %u, \"segment_s\": %s, ", cfg->seed,
      NUM (cfg->segment_s));
  g_string_append_printf (s, "\"bitrate_kbps\": %s, ",
      NUM (cfg->bitrate_kbps));
  g_string_append_printf (s, "\"churn_per_min\": %s, ",
      NUM (cfg->churn_per_min));
  g_string_append_printf (s, "\"downlink_kbps\": %s, \"uplinks\": \"%s\", ",
      NUM (cfg->downlink_kbps), uplinks);
  g_string_append_printf (s, "\"max_peers\": %u, \"max_uploads\": %u, "
      "\"prefetch\": %s},\n  \"runs\": [", cfg->max_peers, cfg->max_uploads,
      cfg->prefetch ? "true" : "false");
  for (guint i = 0; i < results->len; i++) {
    const SimResult *r = g_ptr_array_index (results, i);

    g_string_append_printf (s, "%s\n    {\"peers\": %u, ", i ? "," : "",
        r->n_peers);
    g_string_append_printf (s, "\"offload\": %s, ",
        NUM (sim_result_offload (r)));
    g_string_append_printf (s, "\"offload_limit\": %s, ",
        NUM (1 - 1.0 / r->n_peers));
    g_string_append_printf (s, "\"origin_fetches_per_segment\": %s, ",
        NUM (sim_result_fetches_per_segment (r)));
    g_string_append_printf (s, "\"steady_fetches_per_segment\": %s, ",
        NUM (sim_result_steady_fetches_per_segment (r)));
    g_string_append_printf (s, "\"local_minima_per_segment\": %s, ",
        NUM (r->local_minima));
    g_string_append_printf (s, "\"stalls_per_peer_hour\": %s, ",
        NUM (sim_result_stalls_per_peer_hour (r)));
    g_string_append_printf (s, "\"stalled_s\": %s, ", NUM (r->stalled_s));
    g_string_append_printf (s, "\"startup_mean_s\": %s, ",
        NUM (r->startup_mean_s));
    g_string_append_printf (s, "\"startup_max_s\": %s, ",
        NUM (r->startup_max_s));
    g_string_append_printf (s, "\"peer_hours\": %s, ", NUM (r->peer_hours));
    g_string_append_printf (s, "\"wall_s\": %s,\n     ", NUM (r->wall_s));
#define U64(name) g_string_append_printf (s, "\"" #name "\": %" \
    G_GUINT64_FORMAT ", ", (guint64) r->name)
    U64 (peers_total);
    U64 (players_started);
    U64 (players_not_started);
    U64 (players_stalled);
    U64 (stalls);
    U64 (delivered_bytes);
    U64 (origin_bytes);
    U64 (origin_fetches);
    U64 (origin_fetches_startup);
    U64 (range_fetches);
    U64 (distinct_segments);
    g_string_append (s, "\n     ");
    U64 (bytes_peer);
    U64 (bytes_mixed);
    U64 (bytes_shared);
    U64 (bytes_http);
    U64 (bytes_cache);
    U64 (peer_requests);
    U64 (absent);
    U64 (absent_prefetch);
    U64 (cancels);
    g_string_append (s, "\n     ");
    U64 (handovers);
    U64 (resumes);
    U64 (prefetches);
    U64 (elected_http);
    U64 (backup_http);
    U64 (window_skips);
#undef U64
    g_string_append_printf (s, "\"events\": %" G_GUINT64_FORMAT "}",
        r->events);
  }
#undef NUM
  g_string_append (s, "\n  ]\n}\n");
  g_print ("%s", s->str);
  g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
  SimConfig cfg;
  gchar *peers = NULL, *uplinks = NULL;
  gint seed = 1;
  gboolean json = FALSE, no_prefetch = FALSE;
  gdouble duration = 120, churn = -1, downlink = -1, bitrate = -1;
  gint max_peers = -1, max_uploads = -1;
  GOptionEntry entries[] = {
    {"peers", 0, 0, G_OPTION_ARG_STRING, &peers,
        "Swarm sizes, one run each (default 8,100,1000)", "N,..."},
    {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration,
        "Simulated seconds per run (default 120)", "S"},
    {"seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed (default 1)", "N"},
    {"uplinks", 0, 0, G_OPTION_ARG_STRING, &uplinks,
          "Uplink mix, percent of peers and Mbit/s or a range "
          "(default 30%1,50%2-5,20%20)", "SPEC"},
    {"downlink", 0, 0, G_OPTION_ARG_DOUBLE, &downlink,
        "Downlink of every peer, Mbit/s (default 20)", "MBIT"},
    {"churn", 0, 0, G_OPTION_ARG_DOUBLE, &churn,
        "Share of the peers replaced per minute (default 0.1)", "F"},
    {"bitrate", 0, 0, G_OPTION_ARG_DOUBLE, &bitrate,
        "Stream bitrate, kbit/s (default 600)", "KBIT"},
    {"max-peers", 0, 0, G_OPTION_ARG_INT, &max_peers,
        "Neighbours per peer (default 20)", "N"},
    {"max-uploads", 0, 0, G_OPTION_ARG_INT, &max_uploads,
        "Uploads at once per peer (default 2)", "N"},
    {"no-prefetch", 0, 0, G_OPTION_ARG_NONE, &no_prefetch,
        "Schedulers do not prefetch", NULL},
    {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- simulate p2pcdn swarms");
  GError *error = NULL;
  gchar **sizes;
  GPtrArray *results = g_ptr_array_new_with_free_func (g_free);

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  sim_config_init (&cfg);
  cfg.seed = (guint32) seed;
  cfg.duration_s = duration;
  if (churn >= 0)
    cfg.churn_per_min = churn;
  if (downlink > 0)
    cfg.downlink_kbps = downlink * 1000;
  if (bitrate > 0)
    cfg.bitrate_kbps = bitrate;
  if (max_peers > 0)
    cfg.max_peers = max_peers;
  if (max_uploads > 0)
    cfg.max_uploads = max_uploads;
  cfg.prefetch = !no_prefetch;
  if (uplinks && !sim_config_parse_uplinks (&cfg, uplinks, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (duration <= 0) {
    g_printerr ("--duration must be positive\n");
    return 2;
  }

  sizes = g_strsplit (peers ? peers : "8,100,1000", ",", -1);
  for (gchar ** s = sizes; *s; s++) {
    SimResult *r = g_new0 (SimResult, 1);
    gchar *end;
    guint64 n = g_ascii_strtoull (*s, &end, 10);

    if (*end || n < 1 || n > 100000) {
      g_printerr ("--peers: bad size \"%s\"\n", *s);
      return 2;
    }
    cfg.n_peers = (guint) n;
    if (!json)
      g_printerr ("simulating %u peers for %.0f s...\n", cfg.n_peers,
          cfg.duration_s);
    sim_run (&cfg, r);
    g_ptr_array_add (results, r);
  }
  g_strfreev (sizes);

  if (json) {
    print_json (&cfg, uplinks ? uplinks : "30%1,50%2-5,20%20", results);
  } else {
    g_print ("live, %.0f s segments at %.0f kbit/s, %.0f s simulated, seed %u,"
        " churn %.0f%%/min, uplinks %s, downlink %.0f Mbit/s\n\n",
        cfg.segment_s, cfg.bitrate_kbps, cfg.duration_s, cfg.seed,
        100 * cfg.churn_per_min, uplinks ? uplinks : "30%1,50%2-5,20%20",
        cfg.downlink_kbps / 1000);
    print_table (results);
  }
  g_ptr_array_unref (results);
  g_free (peers);
  g_free (uplinks);
  return 0;
}
