/* gst-p2pcdn: a token bucket, for the tracker's rate limits.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Holds up to @burst tokens and gains @rate a second; the rate and burst
 * are passed on each call so that one limits struct serves every bucket. */
typedef struct {
  gdouble tokens;
  gint64 updated;               /* monotonic µs */
} P2pTrackerServerBucket;

void p2p_tracker_server_bucket_init (P2pTrackerServerBucket * bucket,
    guint burst, gint64 now);
guint p2p_tracker_server_bucket_available (P2pTrackerServerBucket * bucket,
    guint rate, guint burst, gint64 now);
void p2p_tracker_server_bucket_take (P2pTrackerServerBucket * bucket,
    guint count);
gboolean p2p_tracker_server_bucket_is_full (P2pTrackerServerBucket * bucket,
    guint rate, guint burst, gint64 now);

G_END_DECLS
