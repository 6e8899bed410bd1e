/* gst-p2pcdn: the peers of one info_hash, with seeder counts and random picks.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _P2pTrackerServerSwarm P2pTrackerServerSwarm;

typedef struct {
  gchar *peer_id;
  P2pTrackerServerSwarm *swarm;
  gpointer owner;               /* the connection it announced on */
  gboolean complete;
  guint index;                  /* in the swarm's array, for O(1) removal */
} P2pTrackerServerPeer;

P2pTrackerServerSwarm *p2p_tracker_server_swarm_new (const gchar * info_hash);
void p2p_tracker_server_swarm_free (P2pTrackerServerSwarm * swarm);

const gchar *p2p_tracker_server_swarm_get_info_hash (P2pTrackerServerSwarm *
    swarm);
guint p2p_tracker_server_swarm_get_size (P2pTrackerServerSwarm * swarm);
guint p2p_tracker_server_swarm_get_complete (P2pTrackerServerSwarm * swarm);
guint p2p_tracker_server_swarm_get_incomplete (P2pTrackerServerSwarm * swarm);

P2pTrackerServerPeer *p2p_tracker_server_swarm_lookup (P2pTrackerServerSwarm *
    swarm, const gchar * peer_id);
P2pTrackerServerPeer *p2p_tracker_server_swarm_add (P2pTrackerServerSwarm *
    swarm, const gchar * peer_id, gpointer owner, gboolean complete);
void p2p_tracker_server_swarm_set_complete (P2pTrackerServerSwarm * swarm,
    P2pTrackerServerPeer * peer);
void p2p_tracker_server_swarm_remove (P2pTrackerServerSwarm * swarm,
    P2pTrackerServerPeer * peer);
guint p2p_tracker_server_swarm_pick (P2pTrackerServerSwarm * swarm,
    P2pTrackerServerPeer * exclude, guint count, P2pTrackerServerPeer ** out);

G_END_DECLS
