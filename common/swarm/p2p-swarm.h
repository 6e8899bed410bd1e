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

G_BEGIN_DECLS

typedef struct _P2pSwarm P2pSwarm;

typedef struct {
  guint max_peers;
  gboolean upload;
  guint stall_timeout_ms;       /* a download with no bytes for this long fails */
  guint offers_per_announce;
} P2pSwarmConfig;

/* Figures the swarm adds to (owned by the manager, manager thread). */
typedef struct {
  guint64 upload_bytes;
  guint64 uploads;
  guint64 peers_connected;      /* ever */
  guint64 peers_dropped;        /* for bad data or protocol errors */
} P2pSwarmCounters;

/* @segment_id's download ended: @data is the checked segment or NULL. */
typedef void (*P2pSwarmDownloadFunc) (P2pSwarm * swarm, gint64 segment_id,
    GBytes * data, gpointer user_data);

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

/* TRUE when an open peer announced @segment_id and is free to send it. */
gboolean p2p_swarm_can_download (P2pSwarm * swarm, gint64 segment_id);
/* Starts a download from the best peer holding @segment_id, trying the next
 * one when a peer fails; @func runs once, with NULL when no peer could
 * deliver a segment of @expected_size bytes (-1 = unknown) that passed the
 * container check.  Returns FALSE (and never calls @func) when no peer has it. */
gboolean p2p_swarm_download (P2pSwarm * swarm, gint64 segment_id,
    gint64 expected_size, P2pSwarmDownloadFunc func, gpointer user_data);

/* Like p2p_swarm_download(), but while the swarm is joining and others
 * watch the stream it also waits a little for a peer to offer the segment;
 * then @func gets NULL when none did in time.  FALSE: go to HTTP now. */
gboolean p2p_swarm_download_or_wait (P2pSwarm * swarm, gint64 segment_id,
    gint64 expected_size, P2pSwarmDownloadFunc func, gpointer user_data);

/* We started (@loading TRUE) or ended fetching @segment_id over HTTP. */
void p2p_swarm_set_loading (P2pSwarm * swarm, gint64 segment_id,
    gboolean loading);
/* What we hold changed: tell every peer. */
void p2p_swarm_announce_holdings (P2pSwarm * swarm);

G_END_DECLS
