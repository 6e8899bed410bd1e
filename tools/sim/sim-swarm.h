/* gst-p2pcdn simulation: a live swarm driven by the real scheduler.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every simulated peer runs its own P2pScheduler; the simulator supplies
 * its clock, its neighbours (transfers rate-limited by the sender's uplink
 * shared among its uploads), its cache, the origin and a real-time player
 * of a live stream.  Nothing runs in real time: one event queue, one
 * simulated clock, so thousands of peers take seconds.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIM_MAX_UPLINK_CLASSES 8

typedef struct {
  gdouble share;                /* of the peers, 0..1 */
  gdouble lo_kbps, hi_kbps;     /* uniform in [lo, hi] */
} SimUplinkClass;

typedef struct {
  guint n_peers;
  gdouble duration_s;
  guint32 seed;
  /* the live stream */
  gdouble segment_s;
  gdouble bitrate_kbps;
  guint window;                 /* segments in the playlist */
  guint start_behind;           /* the player starts this many from the end */
  guint buffer_segments;        /* the player asks ahead while below this */
  /* the swarm */
  guint max_peers;
  guint max_uploads;
  guint intro;                  /* peers a tracker reply introduces */
  gdouble tracker_interval_s;
  gdouble join_spread_s;
  gdouble churn_per_min;        /* share of the peers replaced per minute */
  gboolean prefetch;
  /* the network */
  SimUplinkClass uplinks[SIM_MAX_UPLINK_CLASSES];
  guint n_uplinks;
  gdouble downlink_kbps;
  gdouble origin_latency_ms;
  gdouble peer_latency_ms;      /* one way */
  gdouble signal_delay_ms;      /* an announcement reaching the neighbours */
  gdouble connect_delay_ms;     /* a new link until it opens */
} SimConfig;

typedef struct {
  guint n_peers;
  guint peers_total;            /* ever joined, replacements included */
  gdouble duration_s;
  gdouble peer_hours;
  guint64 delivered_bytes;      /* to the players */
  guint64 origin_bytes;
  guint64 origin_fetches;       /* whole segments */
  guint64 origin_fetches_startup;       /* of a player's first segments */
  guint64 range_fetches;
  guint64 distinct_segments;    /* asked for by some player */
  guint64 bytes_peer;           /* delivered, by where they came from */
  guint64 bytes_mixed;
  guint64 bytes_shared;
  guint64 bytes_http;
  guint64 bytes_cache;
  guint64 peer_requests;
  guint64 absent;               /* "absent" answers (uploads full) */
  guint64 absent_prefetch;      /* of them, to requests nobody waited for */
  guint64 cancels;
  guint64 handovers;
  guint64 resumes;              /* hand-overs another peer finished (b) */
  guint64 prefetches;
  guint64 elected_http;
  guint64 backup_http;
  guint64 window_skips;         /* a player fell out of the playlist */
  guint64 stalls;
  gdouble stalled_s;
  guint players_stalled;
  guint players_started;
  guint players_not_started;    /* joined 10 s before the end or more */
  gdouble startup_mean_s;
  gdouble startup_max_s;
  /* Peers ranking first among their own open neighbours in the election
   * of a segment, on the final graph, per segment: how many would fetch
   * it at once if every neighbour took part. */
  gdouble local_minima;
  guint64 events;
  gdouble wall_s;
} SimResult;

void sim_config_init (SimConfig * config);
/* "30%1,50%2-5,20%20": shares in percent, Mbit/s or a range of them. */
gboolean sim_config_parse_uplinks (SimConfig * config, const gchar * spec,
    GError ** error);
void sim_run (const SimConfig * config, SimResult * result);

/* 1 - origin bytes / bytes delivered to the players. */
gdouble sim_result_offload (const SimResult * result);
/* Whole-segment origin fetches per distinct segment. */
gdouble sim_result_fetches_per_segment (const SimResult * result);
/* The same without the fetches of the players' first segments. */
gdouble sim_result_steady_fetches_per_segment (const SimResult * result);
gdouble sim_result_stalls_per_peer_hour (const SimResult * result);

G_END_DECLS
