/* gst-p2pcdn tests: a small simulated swarm under the real scheduler.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a user of the swarm checks first: 8 players with uplinks to spare
 * play a live stream without stalls, peers carry most of it, and the
 * origin sees each segment about once per swarm, not once per player.
 */
#include "sim-swarm.h"

static void
test_small_swarm (void)
{
  SimConfig cfg;
  SimResult r;
  GError *error = NULL;

  sim_config_init (&cfg);
  cfg.n_peers = 8;
  cfg.duration_s = 60;
  cfg.churn_per_min = 0;
  g_assert_true (sim_config_parse_uplinks (&cfg, "100%20", &error));
  g_assert_no_error (error);
  sim_run (&cfg, &r);

  g_test_message ("offload %.3f, fetches/segment %.2f, stalls %"
      G_GUINT64_FORMAT " (%.1f s), startup %.2f s, handovers %"
      G_GUINT64_FORMAT, sim_result_offload (&r),
      sim_result_fetches_per_segment (&r), r.stalls, r.stalled_s,
      r.startup_mean_s, r.handovers);
  g_assert_cmpuint (r.peers_total, ==, 8);
  g_assert_cmpuint (r.players_started, ==, 8);
  g_assert_cmpuint (r.players_not_started, ==, 0);
  g_assert_cmpuint (r.stalls, ==, 0);
  g_assert_cmpfloat (sim_result_offload (&r), >, 0.5);
  g_assert_cmpfloat (sim_result_fetches_per_segment (&r), <=, 2.0);
}

/* The same seed, the same run: the schedulers' peer tables hold link ids,
 * not addresses. */
static void
test_deterministic (void)
{
  SimConfig cfg;
  SimResult a, b;

  sim_config_init (&cfg);
  cfg.n_peers = 30;
  cfg.duration_s = 40;
  cfg.seed = 7;
  sim_run (&cfg, &a);
  sim_run (&cfg, &b);
  g_assert_cmpuint (a.events, ==, b.events);
  g_assert_cmpuint (a.origin_bytes, ==, b.origin_bytes);
  g_assert_cmpuint (a.delivered_bytes, ==, b.delivered_bytes);
  g_assert_cmpuint (a.stalls, ==, b.stalls);
}

static void
drop_debug (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer user_data)
{
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* thousands of scheduler decisions: not for the test log */
  g_log_set_handler ("p2p-scheduler", G_LOG_LEVEL_DEBUG, drop_debug, NULL);
  g_test_add_func ("/sim/small-swarm", test_small_swarm);
  g_test_add_func ("/sim/deterministic", test_deterministic);
  return g_test_run ();
}
