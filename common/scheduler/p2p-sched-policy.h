/* gst-p2pcdn: the scheduler's decisions, as pure functions of what it knows.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Times are microseconds of the scheduler's injected clock.  Nothing here
 * waits for a fixed time: every choice compares how long a source is
 * expected to take with when the player needs the segment (its deadline).
 */
#pragma once

#include <glib.h>

#include "p2p-peer-stats.h"

G_BEGIN_DECLS

/* Headroom kept before a deadline: estimates are estimates. */
#define P2P_SCHED_MARGIN_US (400 * 1000)
/* A peer with this many (decayed) strikes is not asked: three recent ones
 * (the decay takes a little off each before the next comes). */
#define P2P_SCHED_MAX_STRIKES 2.5
/* A peer transfer slower than P2P_SCHED_MIN_PEER_RATE (bytes/s) once
 * P2P_SCHED_TRICKLE_OBSERVED_US passed is a trickle, not a source: given
 * up (handed over, or dropped when a prefetch) with a strike.  A byte now
 * and then keeps a no-bytes timer quiet forever; a prefetch has no
 * deadline to catch it; at 8 KiB/s a 1 MB segment takes two minutes. */
#define P2P_SCHED_MIN_PEER_RATE (8 * 1024)
#define P2P_SCHED_TRICKLE_OBSERVED_US (2 * G_USEC_PER_SEC)
/* A segment must arrive within this share of its duration from the
 * request: adaptive demuxers time the whole request, our wait included,
 * and switch down (hlsdemux at 80% of the measured rate) when it is
 * slower, which would also move the player to another, emptier swarm. */
#define P2P_SCHED_ABR_BUDGET 0.6
/* The least time a requested segment is given, as a share of its
 * duration, whatever the playback model says. */
#define P2P_SCHED_MIN_DEADLINE_SHARE 0.5
/* Share of choices given to an unproven peer, so that new peers get
 * measured without betting playback on them. */
#define P2P_SCHED_EXPLORE 0.15
/* The elected fetcher of a segment fetches it this long before it is due
 * at the latest: at once at a live edge (buffers of a few segments), later
 * with a deep VOD buffer. */
#define P2P_SCHED_ELECTED_LEAD_US (10 * G_USEC_PER_SEC)
/* Live players see a new segment when their playlist refresh shows it,
 * spread over a target duration: whoever asks first with nobody fetching
 * it should fetch it, and the election only orders those asking at about
 * the same time.  A step is a few announcement round trips. */
#define P2P_SCHED_ELECTION_STEP_US (150 * 1000)

/* The origin as measured by this swarm's HTTP fetches. */
typedef struct {
  gdouble rate;                 /* bytes/s EWMA, 0 unknown */
  gint64 latency_us;            /* request to first byte EWMA, -1 unknown */
  guint samples;
} P2pHttpStats;

void p2p_http_stats_init (P2pHttpStats * stats);
void p2p_http_stats_add (P2pHttpStats * stats, gsize bytes, gint64 requested,
    gint64 first_byte, gint64 done);
gint64 p2p_http_stats_estimate_us (const P2pHttpStats * stats, gsize bytes);

typedef struct {
  gpointer handle;
  const P2pPeerStats *stats;
} P2pSchedCandidate;

/* The peer to ask for a segment of @size bytes needed by @deadline, or -1
 * when none is expected to deliver in time with the margin: then HTTP.
 * Fast proven peers are preferred (weighted by speed, same subnet counts
 * double), an unproven one is tried now and then. */
gint p2p_sched_pick_peer (const P2pSchedCandidate * candidates, guint n,
    gsize size, gint64 now, gint64 deadline, GRand * rand);

/* TRUE when a peer transfer started at @started that has @received of
 * @total bytes should be finished over HTTP now: it will not make the
 * deadline at its pace, and waiting longer would make HTTP late too. */
gboolean p2p_sched_should_hand_over (gint64 now, gint64 deadline,
    gint64 started, gint64 received, gint64 total, gdouble expected_rate,
    gint64 http_estimate_left);

/* Live election of who fetches a new segment from the origin: the rank of
 * @self among itself and @others (peer ids of open neighbours) for
 * @segment_id, from a hash of "peer_id|segment_id" every peer of ours
 * computes alike.  Rank 0 fetches at once. */
guint p2p_sched_election_rank (const gchar * self,
    const gchar * const *others, guint n_others, gint64 segment_id);
/* When a backup of @rank (> 0), asked for the segment at @asked, stops
 * waiting for the ones above it and fetches over HTTP, for a segment due
 * at @deadline that HTTP delivers in @http_estimate: after @rank election
 * steps (the ones above, if they want it too, announce it loading within
 * that time, which makes us wait for their copy), and never later than
 * HTTP can still make the deadline. */
gint64 p2p_sched_backup_time (gint64 asked, gint64 deadline,
    gint64 http_estimate, guint rank);

/* Prefetch: of @n segments ahead of the playhead (@ids in playback order)
 * held by @holders[i] peers, the one to fetch first: the rarest, then the
 * most urgent.  -1 when none is held by anyone. */
gint p2p_sched_pick_prefetch (const gint64 * ids, const guint * holders,
    guint n);

G_END_DECLS
