/* gst-p2pcdn: the limits a tracker server enforces, with their defaults.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_TRACKER_DEFAULT_INTERVAL 120
#define P2P_TRACKER_DEFAULT_MAX_MESSAGE_SIZE (64 * 1024)
#define P2P_TRACKER_DEFAULT_MAX_OFFERS 10
#define P2P_TRACKER_DEFAULT_MAX_CONNECTIONS 10000
#define P2P_TRACKER_DEFAULT_IDLE_TIMEOUT 240
#define P2P_TRACKER_DEFAULT_MAX_SWARMS_PER_CONNECTION 64
#define P2P_TRACKER_DEFAULT_MAX_SEND_BACKLOG (1024 * 1024)
#define P2P_TRACKER_DEFAULT_HANDSHAKE_TIMEOUT 10

typedef struct {
  guint interval;               /* seconds, sent to clients as "interval" */
  gsize max_message_size;       /* bytes of one incoming WebSocket message */
  guint max_offers;             /* offers in one announce */
  guint max_connections;        /* open WebSocket connections */
  guint idle_timeout;           /* seconds without a message before closing; 0 = never */
  guint max_swarms_per_connection;      /* (swarm, peer_id) pairs one socket may hold */
  gsize max_send_backlog;       /* bytes queued to a client that does not read */
  guint handshake_timeout;      /* seconds a TCP connection may stay plain HTTP */
} P2pTrackerLimits;

void p2p_tracker_limits_init (P2pTrackerLimits * limits);
gboolean p2p_tracker_limits_check (const P2pTrackerLimits * limits,
    GError ** error);

G_END_DECLS
