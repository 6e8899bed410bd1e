/* gst-p2pcdn: serves one media segment request from the cache, peers or HTTP.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "p2p-fetch.h"
#include "p2p-http-options.h"
#include "cache/p2p-segment-cache.h"
#include "p2p-swarm.h"

G_BEGIN_DECLS

/* Where the bytes of served segments came from (manager thread). */
typedef struct {
  guint64 http_bytes;
  guint64 p2p_bytes;
  guint64 cache_bytes;
  guint64 segments_http;
  guint64 segments_p2p;
  guint64 segments_cache;
  guint64 p2p_failures;         /* peers tried and HTTP used instead */
} P2pSegmentCounters;

/* Everything one segment request needs; the manager fills it. */
typedef struct {
  SoupSession *session;
  P2pHttpOptions *options;
  P2pFetch *fetch;
  P2pSwarm *swarm;              /* a reference; NULL: HTTP (and cache) only */
  P2pSegmentCache *cache;
  gchar *info_hash;
  gint64 segment_id;
  gint64 expected_size;         /* from the manifest's byte range, -1 */
  P2pSegmentCheckFlags check_flags;     /* what the manifest says of it */
  gdouble duration;             /* seconds, from the manifest */
  gboolean live;
  P2pSegmentCounters *counters;
  /* called on the manager thread when the counters changed */
  void (*changed) (gpointer data);
  gpointer changed_data;
} P2pSegmentRequest;

/* How the swarms answer segment requests (the swarm configuration's
 * consumer ops). */
extern const P2pConsumerOps p2p_segment_fetch_consumer_ops;

/* Takes ownership of @req. */
void p2p_segment_fetch_start (P2pSegmentRequest * req);

G_END_DECLS
