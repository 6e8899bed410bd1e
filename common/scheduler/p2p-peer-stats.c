/* gst-p2pcdn: what we measured of one remote peer as a source of segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-peer-stats.h"

#include <math.h>

void
p2p_peer_stats_init (P2pPeerStats * stats)
{
  stats->rate = 0;
  stats->rtt_us = -1;
  stats->strikes = 0;
  stats->strikes_at = 0;
  stats->transfers = 0;
  stats->same_subnet = FALSE;
}

void
p2p_peer_stats_add_transfer (P2pPeerStats * stats, gsize bytes,
    gint64 requested, gint64 first_byte, gint64 done)
{
  gint64 rtt = MAX (first_byte - requested, 0);
  /* a transfer that fit in one message says little about the rate: count
   * it as taking at least a millisecond */
  gdouble secs = MAX (done - requested, 1000) / (gdouble) G_USEC_PER_SEC;
  gdouble rate = bytes / secs;

  /* nothing in a short time tells no rate: an honest peer whose first
   * bytes sit behind a full uplink queue looks the same (measured: a fresh
   * connection behind 1 Mbit/s sent nothing in 0.4 s, and a rate of 0
   * barred it for good).  Nothing in a second or more is a peer that does
   * not send. */
  if (bytes == 0 && done - requested < P2P_PEER_STATS_SILENT_US)
    return;

  stats->rate = p2p_ewma (stats->rate, rate, stats->transfers == 0);
  stats->rtt_us = (gint64) p2p_ewma (stats->rtt_us, rtt,
      stats->transfers == 0);
  stats->transfers++;
}

gdouble
p2p_peer_stats_get_strikes (const P2pPeerStats * stats, gint64 now)
{
  gint64 age = MAX (now - stats->strikes_at, 0);

  if (stats->strikes == 0)
    return 0;
  return stats->strikes * exp2 (-(gdouble) age /
      P2P_PEER_STATS_STRIKE_HALF_LIFE_US);
}

void
p2p_peer_stats_add_strike (P2pPeerStats * stats, gint64 now)
{
  stats->strikes = p2p_peer_stats_get_strikes (stats, now) + 1;
  stats->strikes_at = now;
}

gboolean
p2p_peer_stats_is_proven (const P2pPeerStats * stats)
{
  return stats->transfers > 0;
}

gdouble
p2p_peer_stats_get_rate (const P2pPeerStats * stats)
{
  return stats->transfers > 0 ? MAX (stats->rate, P2P_PEER_STATS_MIN_RATE) :
      P2P_PEER_STATS_DEFAULT_RATE;
}

gint64
p2p_peer_stats_estimate_us (const P2pPeerStats * stats, gsize bytes)
{
  gint64 rtt = stats->rtt_us >= 0 ? stats->rtt_us :
      P2P_PEER_STATS_DEFAULT_RTT_US;

  return rtt + (gint64) (bytes / p2p_peer_stats_get_rate (stats) *
      G_USEC_PER_SEC);
}
