/* gst-p2pcdn: swarm bookkeeping and random peer picks of the tracker server.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-swarm.h"

static gchar *
peer_name (guint i)
{
  return g_strdup_printf ("-PM0203-%012u", i);
}

static void
test_counts (void)
{
  P2pTrackerServerSwarm *swarm = p2p_tracker_server_swarm_new ("h");
  P2pTrackerServerPeer *a, *b;
  gpointer owner = GINT_TO_POINTER (1);

  a = p2p_tracker_server_swarm_add (swarm, "a", owner, FALSE);
  b = p2p_tracker_server_swarm_add (swarm, "b", owner, TRUE);
  g_assert_cmpuint (p2p_tracker_server_swarm_get_size (swarm), ==, 2);
  g_assert_cmpuint (p2p_tracker_server_swarm_get_complete (swarm), ==, 1);
  g_assert_cmpuint (p2p_tracker_server_swarm_get_incomplete (swarm), ==, 1);
  g_assert_true (p2p_tracker_server_swarm_lookup (swarm, "a") == a);

  p2p_tracker_server_swarm_set_complete (swarm, a);
  p2p_tracker_server_swarm_set_complete (swarm, a);
  g_assert_cmpuint (p2p_tracker_server_swarm_get_complete (swarm), ==, 2);

  p2p_tracker_server_swarm_remove (swarm, b);
  g_assert_null (p2p_tracker_server_swarm_lookup (swarm, "b"));
  g_assert_cmpuint (p2p_tracker_server_swarm_get_complete (swarm), ==, 1);
  g_assert_cmpuint (p2p_tracker_server_swarm_get_incomplete (swarm), ==, 0);
  p2p_tracker_server_swarm_free (swarm);
}

/* Random adds and removes keep lookups and picks consistent. */
static void
test_churn (void)
{
  P2pTrackerServerSwarm *swarm = p2p_tracker_server_swarm_new ("h");
  g_autoptr (GHashTable) present = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  guint round;

  for (round = 0; round < 5000; round++) {
    g_autofree gchar *name = peer_name (g_test_rand_int_range (0, 200));
    P2pTrackerServerPeer *peer = p2p_tracker_server_swarm_lookup (swarm, name);
    P2pTrackerServerPeer *picked[8];
    guint n, i, j;

    g_assert_cmpint (peer != NULL, ==, g_hash_table_contains (present, name));
    if (peer) {
      p2p_tracker_server_swarm_remove (swarm, peer);
      g_hash_table_remove (present, name);
    } else {
      p2p_tracker_server_swarm_add (swarm, name, NULL, FALSE);
      g_hash_table_add (present, g_strdup (name));
    }
    g_assert_cmpuint (p2p_tracker_server_swarm_get_size (swarm), ==,
        g_hash_table_size (present));

    n = p2p_tracker_server_swarm_pick (swarm, NULL, G_N_ELEMENTS (picked),
        picked);
    g_assert_cmpuint (n, ==, MIN (G_N_ELEMENTS (picked),
            g_hash_table_size (present)));
    for (i = 0; i < n; i++) {
      g_assert_true (g_hash_table_contains (present, picked[i]->peer_id));
      for (j = 0; j < i; j++)
        g_assert_true (picked[i] != picked[j]);
    }
  }
  p2p_tracker_server_swarm_free (swarm);
}

static void
test_pick_excludes_self (void)
{
  P2pTrackerServerSwarm *swarm = p2p_tracker_server_swarm_new ("h");
  P2pTrackerServerPeer *peers[5], *picked[10];
  guint i, n, round;

  for (i = 0; i < 5; i++) {
    g_autofree gchar *name = peer_name (i);
    peers[i] = p2p_tracker_server_swarm_add (swarm, name, NULL, FALSE);
  }
  for (round = 0; round < 200; round++) {
    P2pTrackerServerPeer *self = peers[round % 5];

    n = p2p_tracker_server_swarm_pick (swarm, self, 10, picked);
    g_assert_cmpuint (n, ==, 4);
    for (i = 0; i < n; i++)
      g_assert_true (picked[i] != self);
  }
  /* Alone: nobody to pick. */
  for (i = 1; i < 5; i++)
    p2p_tracker_server_swarm_remove (swarm, peers[i]);
  g_assert_cmpuint (p2p_tracker_server_swarm_pick (swarm, peers[0], 10,
          picked), ==, 0);
  p2p_tracker_server_swarm_free (swarm);
}

/* Each other peer is about equally likely, whatever its position. */
static void
test_pick_uniform (void)
{
  P2pTrackerServerSwarm *swarm = p2p_tracker_server_swarm_new ("h");
  P2pTrackerServerPeer *peers[5], *picked[2];
  guint hits[5] = { 0 };
  guint i, round;

  for (i = 0; i < 5; i++) {
    g_autofree gchar *name = peer_name (i);
    peers[i] = p2p_tracker_server_swarm_add (swarm, name, GUINT_TO_POINTER (i),
        FALSE);
  }
  /* 2 of the 4 others, 8000 times: 4000 hits each expected, sd ~ 39. */
  for (round = 0; round < 8000; round++) {
    guint n = p2p_tracker_server_swarm_pick (swarm, peers[2], 2, picked);

    g_assert_cmpuint (n, ==, 2);
    for (i = 0; i < n; i++)
      hits[GPOINTER_TO_UINT (picked[i]->owner)]++;
  }
  g_assert_cmpuint (hits[2], ==, 0);
  for (i = 0; i < 5; i++) {
    if (i == 2)
      continue;
    g_assert_cmpuint (hits[i], >, 3600);
    g_assert_cmpuint (hits[i], <, 4400);
  }
  p2p_tracker_server_swarm_free (swarm);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracker-swarm/counts", test_counts);
  g_test_add_func ("/tracker-swarm/churn", test_churn);
  g_test_add_func ("/tracker-swarm/pick-excludes-self",
      test_pick_excludes_self);
  g_test_add_func ("/tracker-swarm/pick-uniform", test_pick_uniform);
  return g_test_run ();
}
