/* gst-p2pcdn: the peers of one info_hash, with seeder counts and random picks.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-swarm.h"

struct _P2pTrackerServerSwarm {
  gchar *info_hash;
  GHashTable *by_id;            /* peer_id -> P2pTrackerServerPeer */
  GPtrArray *peers;             /* the same peers, indexable for picks */
  guint complete;
};

static void
peer_free (P2pTrackerServerPeer * peer)
{
  g_free (peer->peer_id);
  g_free (peer);
}

P2pTrackerServerSwarm *
p2p_tracker_server_swarm_new (const gchar * info_hash)
{
  P2pTrackerServerSwarm *swarm = g_new0 (P2pTrackerServerSwarm, 1);

  swarm->info_hash = g_strdup (info_hash);
  swarm->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  swarm->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  return swarm;
}

void
p2p_tracker_server_swarm_free (P2pTrackerServerSwarm * swarm)
{
  g_hash_table_unref (swarm->by_id);
  g_ptr_array_unref (swarm->peers);
  g_free (swarm->info_hash);
  g_free (swarm);
}

const gchar *
p2p_tracker_server_swarm_get_info_hash (P2pTrackerServerSwarm * swarm)
{
  return swarm->info_hash;
}

guint
p2p_tracker_server_swarm_get_size (P2pTrackerServerSwarm * swarm)
{
  return swarm->peers->len;
}

guint
p2p_tracker_server_swarm_get_complete (P2pTrackerServerSwarm * swarm)
{
  return swarm->complete;
}

guint
p2p_tracker_server_swarm_get_incomplete (P2pTrackerServerSwarm * swarm)
{
  return swarm->peers->len - swarm->complete;
}

P2pTrackerServerPeer *
p2p_tracker_server_swarm_lookup (P2pTrackerServerSwarm * swarm,
    const gchar * peer_id)
{
  return g_hash_table_lookup (swarm->by_id, peer_id);
}

P2pTrackerServerPeer *
p2p_tracker_server_swarm_add (P2pTrackerServerSwarm * swarm,
    const gchar * peer_id, gpointer owner, gboolean complete)
{
  P2pTrackerServerPeer *peer = g_new0 (P2pTrackerServerPeer, 1);

  g_return_val_if_fail (!g_hash_table_contains (swarm->by_id, peer_id), NULL);

  peer->peer_id = g_strdup (peer_id);
  peer->swarm = swarm;
  peer->owner = owner;
  peer->complete = complete;
  peer->index = swarm->peers->len;
  g_ptr_array_add (swarm->peers, peer);
  g_hash_table_insert (swarm->by_id, peer->peer_id, peer);
  if (complete)
    swarm->complete++;
  return peer;
}

void
p2p_tracker_server_swarm_set_complete (P2pTrackerServerSwarm * swarm,
    P2pTrackerServerPeer * peer)
{
  if (peer->complete)
    return;
  peer->complete = TRUE;
  swarm->complete++;
}

/* Frees @peer. */
void
p2p_tracker_server_swarm_remove (P2pTrackerServerSwarm * swarm,
    P2pTrackerServerPeer * peer)
{
  guint index = peer->index;

  g_return_if_fail (index < swarm->peers->len
      && g_ptr_array_index (swarm->peers, index) == peer);

  if (peer->complete)
    swarm->complete--;
  g_hash_table_remove (swarm->by_id, peer->peer_id);
  g_ptr_array_remove_index_fast (swarm->peers, index);
  if (index < swarm->peers->len) {
    P2pTrackerServerPeer *moved = g_ptr_array_index (swarm->peers, index);
    moved->index = index;
  }
}

/**
 * p2p_tracker_server_swarm_pick:
 * @exclude: (nullable): a peer never to pick (the announcer)
 * @out: (out caller-allocates) (array length=count): the picks
 *
 * Picks up to @count distinct peers uniformly at random, in random order,
 * the way bittorrent-tracker hands out peers for offers.  Floyd's sampling
 * keeps it O(count^2) whatever the swarm size.
 *
 * Returns: the number of peers written to @out.
 */
guint
p2p_tracker_server_swarm_pick (P2pTrackerServerSwarm * swarm,
    P2pTrackerServerPeer * exclude, guint count, P2pTrackerServerPeer ** out)
{
  guint others, wanted, picked = 0, j, i;
  gboolean skip = exclude && exclude->swarm == swarm;

  others = swarm->peers->len - (skip ? 1 : 0);
  wanted = MIN (count, others);

  /* Sample positions among the others; position p maps to array index p,
   * or p + 1 once past the excluded peer. */
  for (j = others - wanted; j < others; j++) {
    guint candidate = g_random_int_range (0, j + 1);
    guint index;
    gboolean seen = FALSE;

    for (i = 0; i < picked; i++) {
      guint prior = out[i]->index;
      if (skip && prior > exclude->index)
        prior--;
      if (prior == candidate) {
        seen = TRUE;
        break;
      }
    }
    if (seen)
      candidate = j;
    index = skip && candidate >= exclude->index ? candidate + 1 : candidate;
    out[picked++] = g_ptr_array_index (swarm->peers, index);
  }

  for (i = picked; i > 1; i--) {
    guint k = g_random_int_range (0, i);
    P2pTrackerServerPeer *tmp = out[i - 1];
    out[i - 1] = out[k];
    out[k] = tmp;
  }
  return picked;
}
