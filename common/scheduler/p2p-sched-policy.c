/* gst-p2pcdn: the scheduler's decisions, as pure functions of what it knows.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-sched-policy.h"

#include <string.h>

/* Before the first HTTP fetch: a CDN a little slower than most. */
#define HTTP_DEFAULT_RATE (1024.0 * 1024)
#define HTTP_DEFAULT_LATENCY_US (250 * 1000)
/* A transfer younger than this has no rate of its own yet. */
#define MIN_OBSERVED_US (400 * 1000)
/* Peers within this factor of the fastest share the choice. */
#define NEAR_BEST 2.0

void
p2p_http_stats_init (P2pHttpStats * stats)
{
  stats->rate = 0;
  stats->latency_us = -1;
  stats->samples = 0;
}

void
p2p_http_stats_add (P2pHttpStats * stats, gsize bytes, gint64 requested,
    gint64 first_byte, gint64 done)
{
  gint64 latency = MAX (first_byte - requested, 0);
  gdouble secs = MAX (done - first_byte, 1000) / (gdouble) G_USEC_PER_SEC;
  gdouble rate = bytes / secs;

  stats->rate = p2p_ewma (stats->rate, rate, stats->samples == 0);
  stats->latency_us = (gint64) p2p_ewma (stats->latency_us, latency,
      stats->samples == 0);
  stats->samples++;
}

gint64
p2p_http_stats_estimate_us (const P2pHttpStats * stats, gsize bytes)
{
  gdouble rate = stats->samples && stats->rate > 0 ? stats->rate :
      HTTP_DEFAULT_RATE;
  gint64 latency = stats->latency_us >= 0 ? stats->latency_us :
      HTTP_DEFAULT_LATENCY_US;

  return latency + (gint64) (bytes / rate * G_USEC_PER_SEC);
}

static gdouble
effective_estimate (const P2pPeerStats * stats, gsize size)
{
  gdouble est = p2p_peer_stats_estimate_us (stats, size);

  return stats->same_subnet ? est / 2 : est;
}

gint
p2p_sched_pick_peer (const P2pSchedCandidate * c, guint n, gsize size,
    gint64 now, gint64 deadline, GRand * rand)
{
  gdouble *est = g_newa (gdouble, MAX (n, 1));
  gboolean *ok = g_newa (gboolean, MAX (n, 1));
  gdouble best = G_MAXDOUBLE, total = 0, pick;
  guint n_unproven = 0;
  gint chosen = -1;

  /* every candidate that would make the deadline */
  for (guint i = 0; i < n; i++) {
    est[i] = effective_estimate (c[i].stats, size);
    ok[i] = p2p_peer_stats_get_strikes (c[i].stats, now) < P2P_SCHED_MAX_STRIKES
        && now + est[i] + P2P_SCHED_MARGIN_US <= deadline;
    if (!ok[i])
      continue;
    if (!p2p_peer_stats_is_proven (c[i].stats))
      n_unproven++;
    else
      best = MIN (best, est[i]);
  }
  if (best == G_MAXDOUBLE && n_unproven == 0)
    return -1;

  if (n_unproven > 0 && (best == G_MAXDOUBLE
          || g_rand_double (rand) < P2P_SCHED_EXPLORE)) {
    guint k = g_rand_int_range (rand, 0, n_unproven);

    for (guint i = 0; i < n; i++)
      if (ok[i] && !p2p_peer_stats_is_proven (c[i].stats) && k-- == 0)
        return i;
  }

  /* weighted by speed among the proven peers near the best */
  for (guint i = 0; i < n; i++)
    if (ok[i] && p2p_peer_stats_is_proven (c[i].stats)
        && est[i] <= best * NEAR_BEST)
      total += 1.0 / MAX (est[i], 1);
  pick = g_rand_double (rand) * total;
  for (guint i = 0; i < n; i++) {
    if (!ok[i] || !p2p_peer_stats_is_proven (c[i].stats)
        || est[i] > best * NEAR_BEST)
      continue;
    chosen = i;
    pick -= 1.0 / MAX (est[i], 1);
    if (pick <= 0)
      break;
  }
  return chosen;
}

gboolean
p2p_sched_should_hand_over (gint64 now, gint64 deadline, gint64 started,
    gint64 received, gint64 total, gdouble expected_rate,
    gint64 http_estimate_left)
{
  gint64 elapsed = MAX (now - started, 0);
  gdouble rate = expected_rate;
  gint64 left = MAX (total - received, 0);
  gdouble projected;

  /* the transfer's own pace once it has one: a trickle shows here, not
   * in a "no bytes for N seconds" timer it keeps resetting */
  if (elapsed >= MIN_OBSERVED_US)
    rate = received / (elapsed / (gdouble) G_USEC_PER_SEC);
  projected = rate > 0 ? now + left / rate * G_USEC_PER_SEC : G_MAXDOUBLE;
  if (projected + P2P_SCHED_MARGIN_US <= deadline)
    return FALSE;
  /* late at this pace: switch once HTTP needs all the time that is left,
   * and only if HTTP is the faster way to the end */
  if (now + http_estimate_left + P2P_SCHED_MARGIN_US < deadline)
    return FALSE;
  return projected > now + http_estimate_left;
}

/* FNV-1a and murmur3's finalizer: the same on every machine and build
 * (g_str_hash makes no such promise), and mixed so that the segment id at
 * the end of the string reorders every peer, not only the low bits. */
static guint32
election_hash (const gchar * peer_id, gint64 segment_id)
{
  gchar buf[96];
  guint32 h = 2166136261u;

  g_snprintf (buf, sizeof (buf), "%s|%" G_GINT64_FORMAT, peer_id, segment_id);
  for (const guchar * p = (const guchar *) buf; *p; p++) {
    h ^= *p;
    h *= 16777619u;
  }
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

guint
p2p_sched_election_rank (const gchar * self, const gchar * const *others,
    guint n_others, gint64 segment_id)
{
  guint32 mine = election_hash (self, segment_id);
  guint rank = 0;

  for (guint i = 0; i < n_others; i++) {
    guint32 h = election_hash (others[i], segment_id);

    /* ties (practically never) go to the lower peer id */
    if (h < mine || (h == mine && strcmp (others[i], self) < 0))
      rank++;
  }
  return rank;
}

gint64
p2p_sched_backup_time (gint64 asked, gint64 deadline, gint64 http_estimate,
    guint rank)
{
  /* Even the elected one need not hurry with a deep buffer: the neighbour
   * furthest ahead in playback (VOD) then fetches it first and the others
   * take it from peers. */
  if (rank == 0)
    return deadline - P2P_SCHED_ELECTED_LEAD_US;
  return MIN (asked + rank * P2P_SCHED_ELECTION_STEP_US,
      deadline - (gint64) (http_estimate * (1.0 + 1.0 / rank))
      - P2P_SCHED_MARGIN_US);
}

gint
p2p_sched_pick_prefetch (const gint64 * ids, const guint * holders, guint n)
{
  gint best = -1;

  for (guint i = 0; i < n; i++) {
    if (holders[i] == 0)
      continue;
    /* in playback order, so the first of the rarest is the most urgent */
    if (best < 0 || holders[i] < holders[best])
      best = i;
  }
  return best;
}
