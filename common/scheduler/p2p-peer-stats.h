/* gst-p2pcdn: what we measured of one remote peer as a source of segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure: times are microseconds of whatever clock the caller uses (the
 * scheduler's injected clock), so tests drive it with a fake one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What an unproven peer is assumed to deliver: a modest uplink, so that a
 * segment needed soon goes to HTTP rather than to a stranger. */
#define P2P_PEER_STATS_DEFAULT_RATE (256.0 * 1024)      /* bytes/s */
/* The least a measured peer is taken to deliver: one that sent nothing in
 * its transfers (announced segments it never sends) is not worth asking,
 * rather than taken for a new one (bytes/s). */
#define P2P_PEER_STATS_MIN_RATE 1.0
/* A transfer given up with no byte counts (at that floor) only when it had
 * at least this long (us); a shorter one says nothing of the peer. */
#define P2P_PEER_STATS_SILENT_US (1 * G_USEC_PER_SEC)
#define P2P_PEER_STATS_DEFAULT_RTT_US (150 * 1000)
/* Strikes halve every so often: a peer that failed once long ago is as
 * good as new, one that fails now and again is not. */
#define P2P_PEER_STATS_STRIKE_HALF_LIFE_US (30 * G_USEC_PER_SEC)

/* Moving average of measurements (peers' and the origin's): the newest
 * weighs 0.4, so recent conditions matter most and one odd transfer does
 * not undo several good ones; the first stands alone. */
static inline gdouble
p2p_ewma (gdouble average, gdouble sample, gboolean first)
{
  return first ? sample : 0.6 * average + 0.4 * sample;
}

typedef struct {
  gdouble rate;                 /* bytes/s, EWMA of whole transfers; 0 unknown */
  gint64 rtt_us;                /* request to first byte, EWMA; -1 unknown */
  gdouble strikes;              /* decayed count, as of strikes_at */
  gint64 strikes_at;
  guint transfers;              /* transfers measured */
  gboolean same_subnet;
} P2pPeerStats;

void p2p_peer_stats_init (P2pPeerStats * stats);
/* A transfer of @bytes: requested at @requested, first byte at @first_byte,
 * last at @done. */
void p2p_peer_stats_add_transfer (P2pPeerStats * stats, gsize bytes,
    gint64 requested, gint64 first_byte, gint64 done);
void p2p_peer_stats_add_strike (P2pPeerStats * stats, gint64 now);
gdouble p2p_peer_stats_get_strikes (const P2pPeerStats * stats, gint64 now);
gboolean p2p_peer_stats_is_proven (const P2pPeerStats * stats);
/* Expected bytes/s (the default for an unproven peer). */
gdouble p2p_peer_stats_get_rate (const P2pPeerStats * stats);
/* Expected time for this peer to deliver @bytes from a request. */
gint64 p2p_peer_stats_estimate_us (const P2pPeerStats * stats, gsize bytes);

G_END_DECLS
