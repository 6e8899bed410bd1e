/* gst-p2pcdn: a token bucket that caps an upload rate.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-rate-limit.h"

/* A burst of a quarter second: smooth enough for a shaped uplink, coarse
 * enough that 64 KiB messages still go whole at low rates. */
#define BURST_SECONDS 0.25
#define MIN_BURST (64 * 1024)

static gdouble
burst (P2pRateLimit * limit)
{
  return MAX (limit->rate * BURST_SECONDS, MIN_BURST);
}

static void
refill (P2pRateLimit * limit, gint64 now)
{
  if (limit->updated && now > limit->updated)
    limit->tokens = MIN (burst (limit), limit->tokens +
        limit->rate * (now - limit->updated) / (gdouble) G_USEC_PER_SEC);
  limit->updated = now;
}

void
p2p_rate_limit_init (P2pRateLimit * limit, guint64 rate)
{
  limit->rate = rate;
  limit->tokens = rate ? burst (limit) : 0;
  limit->updated = 0;
}

void
p2p_rate_limit_set_rate (P2pRateLimit * limit, guint64 rate)
{
  if (rate != limit->rate)
    p2p_rate_limit_init (limit, rate);
}

gsize
p2p_rate_limit_available (P2pRateLimit * limit, gint64 now, gsize want)
{
  if (!limit || limit->rate == 0)
    return want;
  refill (limit, now);
  return limit->tokens >= want ? want : (gsize) MAX (limit->tokens, 0);
}

void
p2p_rate_limit_consume (P2pRateLimit * limit, gsize n)
{
  if (limit && limit->rate)
    limit->tokens -= n;
}

gint64
p2p_rate_limit_wait_us (P2pRateLimit * limit, gint64 now, gsize want)
{
  gdouble missing;

  if (!limit || limit->rate == 0)
    return 0;
  refill (limit, now);
  missing = MIN ((gdouble) want, burst (limit)) - limit->tokens;
  if (missing <= 0)
    return 0;
  return (gint64) (missing / limit->rate * G_USEC_PER_SEC) + 1;
}
