/* gst-p2pcdn: one swarm (one stream rendition): its peers, found through trackers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Manager thread only.  The swarm connects to peers the trackers introduce
 * (offers in announces, answers back), keeps them told of what we hold, asks
 * them for segments and serves their requests from the cache.
 */
#pragma once

#include <glib.h>

#include "cache/p2p-segment-cache.h"
#include "tracker/p2p-tracker-client.h"
#include "p2p-transport.h"
#include "p2p-scheduler.h"
#include "p2p-rate-limit.h"
#include "p2p-segment-check.h"

G_BEGIN_DECLS

typedef struct _P2pSwarm P2pSwarm;

/* Whether @data, a whole segment assembled from a peer, is @segment_id of
 * the rendition @stream_swarm_id: its size (@expected_size, -1 unknown, or
 * what the manifest says), container and hash.  On failure sets a
 * P2P_SEGMENT_CHECK_ERROR (UNVERIFIED: not the sender's fault); on success
 * sets @verified when a hash proved the bytes (its size is then known
 * good). */
typedef gboolean (*P2pSwarmCheckFunc) (const gchar * stream_swarm_id,
    gint64 segment_id, GBytes * data, gint64 expected_size,
    gboolean * verified, GError ** error, gpointer user_data);

typedef struct {
  guint max_peers;
  gboolean upload;
  guint stall_timeout_ms;       /* a download with no bytes for this long fails */
  guint offers_per_announce;
  guint max_uploads;            /* at once, 0 = no limit */
  guint64 peer_upload_rate;     /* bytes/s to one peer, 0 = no limit */
  P2pRateLimit *upload_limit;   /* the process's total, NULL = none */
  gboolean live;                /* segments enter the cache as live ones */
  /* the player's, shared by the renditions of a stream (NULL: its own) */
  P2pPlaybackModel *playback_model;
  /* how the swarm answers the requests of p2p_swarm_fetch() */
  const P2pConsumerOps *consumer_ops;
  /* checks bytes from peers; NULL: the container check alone */
  P2pSwarmCheckFunc check_segment;
  gpointer check_data;
} P2pSwarmConfig;

/* Figures the swarm adds to (owned by the manager, manager thread). */
typedef struct {
  guint64 upload_bytes;
  guint64 uploads;
  guint64 peers_connected;      /* ever */
  guint64 peers_dropped;        /* for bad data or protocol errors */
  guint64 bad_peer_segments;    /* segments from peers that failed checks */
  guint64 banned_peers;         /* refused for the rest of the session */
} P2pSwarmCounters;

P2pSwarm *p2p_swarm_new (const gchar * info_hash,
    const gchar * stream_swarm_id, const P2pTrackerId * peer_id,
    const P2pSwarmConfig * config, P2pTransport * transport,
    GPtrArray * trackers, P2pSegmentCache * cache,
    P2pSwarmCounters * counters);
P2pSwarm *p2p_swarm_ref (P2pSwarm * swarm);
void p2p_swarm_unref (P2pSwarm * swarm);
/* Leaves the swarm: says "stopped" to the trackers, closes every
 * connection, hands pending downloads back (NULL).  What still holds a
 * reference may go on calling it; it does nothing any more. */
void p2p_swarm_close (P2pSwarm * swarm);

const gchar *p2p_swarm_get_info_hash (P2pSwarm * swarm);
guint p2p_swarm_get_peer_count (P2pSwarm * swarm);

/* A request of @consumer for @segment_id: answered through the consumer
 * ops of the configuration (the segment, or "use HTTP"), maybe at once. */
void p2p_swarm_fetch (P2pSwarm * swarm, gint64 segment_id, gdouble duration,
    gint64 expected_size, gpointer consumer);
/* The rendition's declared bandwidth (bit/s, 0 unknown): it tells how long
 * a request may wait before the demuxer switches down. */
void p2p_swarm_set_bandwidth (P2pSwarm * swarm, guint64 bandwidth);
/* A request for @segment_id was served from the cache. */
void p2p_swarm_served (P2pSwarm * swarm, gint64 segment_id, gdouble duration);
/* Outcomes of the HTTP fetches the consumer ops were asked for. */
void p2p_swarm_http_done (P2pSwarm * swarm, gint64 segment_id, GBytes * data,
    gint64 requested, gint64 first_byte, gint64 done);
void p2p_swarm_range_done (P2pSwarm * swarm, gint64 segment_id, guint token,
    GBytes * data);
/* When a request last used the swarm (monotonic us). */
gint64 p2p_swarm_get_last_used (P2pSwarm * swarm);
/* What the playback model thinks the player holds ahead (us). */
gint64 p2p_swarm_get_buffer_us (P2pSwarm * swarm);
const P2pSchedulerCounters *p2p_swarm_get_scheduler_counters (P2pSwarm *
    swarm);

/* We started (@loading TRUE) or ended fetching @segment_id over HTTP. */
void p2p_swarm_set_loading (P2pSwarm * swarm, gint64 segment_id,
    gboolean loading);
/* What we hold changed: tell every peer. */
void p2p_swarm_announce_holdings (P2pSwarm * swarm);

G_END_DECLS
