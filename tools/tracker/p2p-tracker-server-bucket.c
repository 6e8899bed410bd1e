/* gst-p2pcdn: a token bucket, for the tracker's rate limits.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-bucket.h"

void
p2p_tracker_server_bucket_init (P2pTrackerServerBucket * bucket, guint burst,
    gint64 now)
{
  bucket->tokens = burst;
  bucket->updated = now;
}

static void
refill (P2pTrackerServerBucket * bucket, guint rate, guint burst, gint64 now)
{
  if (now > bucket->updated) {
    bucket->tokens = MIN ((gdouble) burst, bucket->tokens +
        (gdouble) rate * (now - bucket->updated) / G_TIME_SPAN_SECOND);
    bucket->updated = now;
  }
}

/* Returns: the whole tokens there are now. */
guint
p2p_tracker_server_bucket_available (P2pTrackerServerBucket * bucket,
    guint rate, guint burst, gint64 now)
{
  refill (bucket, rate, burst, now);
  return (guint) bucket->tokens;
}

/* Takes @count tokens, which p2p_tracker_server_bucket_available() must
 * have just shown to be there. */
void
p2p_tracker_server_bucket_take (P2pTrackerServerBucket * bucket, guint count)
{
  g_return_if_fail (bucket->tokens >= count);
  bucket->tokens -= count;
}

gboolean
p2p_tracker_server_bucket_is_full (P2pTrackerServerBucket * bucket,
    guint rate, guint burst, gint64 now)
{
  refill (bucket, rate, burst, now);
  return bucket->tokens >= burst;
}
