/* gst-p2pcdn: serves one media segment request from the cache, peers or HTTP.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Manager thread only.  A request is served from the cache when it can;
 * otherwise, with a swarm, it becomes a consumer of that segment's job and
 * the scheduler (common/scheduler/) says where the bytes come from: a peer
 * (the whole segment arrives and passes the checks before a byte leaves), a
 * peer's start and the rest over HTTP, another request's HTTP fetch, or an
 * HTTP fetch of its own, streamed through as it arrives and kept, once
 * complete and checked, for the peers.
 */
#include "p2p-segment-fetch.h"

#include "p2p-http-request.h"
#include "p2p-segment-check.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_fetch_log, "p2pcdn-fetch", "one segment request: cache, swarm, HTTP")
#define GST_CAT_DEFAULT p2p_fetch_log ()


typedef struct {
  P2pSegmentRequest *req;
  GByteArray *copy;             /* what HTTP delivered, for the cache */
  gboolean copy_failed;
  gint64 requested;
  gint64 first_byte;
} HttpTee;

/* The rest of a segment a peer started, fetched for the swarm's job. */
typedef struct {
  P2pSwarm *swarm;
  gint64 segment_id;
  guint token;
  GByteArray *bytes;
} RangeFetch;

static void
request_free (P2pSegmentRequest * req)
{
  p2p_http_options_free (req->options);
  p2p_fetch_unref (req->fetch);
  g_object_unref (req->session);
  if (req->swarm)
    p2p_swarm_unref (req->swarm);
  g_free (req->info_hash);
  g_free (req);
}

static void
changed (P2pSegmentRequest * req)
{
  if (req->changed)
    req->changed (req->changed_data);
}

static void
finish_cancelled (P2pSegmentRequest * req)
{
  p2p_fetch_finish (req->fetch, g_error_new_literal (G_IO_ERROR,
          G_IO_ERROR_CANCELLED, "Cancelled"));
}

/* souphttpsrc's "http-headers" for a segment served from memory: those of
 * the HTTP response that brought it when the cache kept them, else a
 * synthetic set (no request headers, Content-Length only: no HTTP request
 * was made); "p2pcdn-source" says which path the bytes took. */
static GstStructure *
delivery_headers (P2pSegmentRequest * req, guint status, gsize size,
    const gchar * source)
{
  GstStructure *s = p2p_segment_cache_get_headers (req->cache,
      req->info_hash, req->segment_id);

  if (!s) {
    GstStructure *request = gst_structure_new_empty ("request-headers");
    GstStructure *response = gst_structure_new_empty ("response-headers");
    gchar *length = g_strdup_printf ("%" G_GSIZE_FORMAT, size);

    gst_structure_set (response, "Content-Length", G_TYPE_STRING, length,
        NULL);
    s = gst_structure_new ("http-headers", "request-headers",
        GST_TYPE_STRUCTURE, request, "response-headers", GST_TYPE_STRUCTURE,
        response, NULL);
    gst_structure_free (request);
    gst_structure_free (response);
    g_free (length);
  }
  gst_structure_set (s, "uri", G_TYPE_STRING, req->options->uri,
      "http-status-code", G_TYPE_UINT, status, "p2pcdn-source", G_TYPE_STRING,
      source, NULL);
  return s;
}

/* Delivers a whole segment held in memory as if it were a 200 response. */
static void
deliver_bytes (P2pSegmentRequest * req, GBytes * data, const gchar * source)
{
  P2pFetchHeaders h = { 0, };

  if (p2p_fetch_is_cancelled (req->fetch)) {
    finish_cancelled (req);
    return;
  }
  h.status = req->options->start > 0 || req->options->stop >= 0 ? 206 : 200;
  h.content_length = g_bytes_get_size (data);
  h.http_headers = delivery_headers (req, h.status, h.content_length, source);
  h.seekable = TRUE;
  h.final_uri = g_strdup (req->options->uri);
  h.is_segment = TRUE;
  p2p_fetch_set_headers (req->fetch, &h);
  p2p_fetch_push (req->fetch, data);
  p2p_fetch_finish (req->fetch, NULL);
}

static void
store (P2pSegmentRequest * req, GBytes * data)
{
  GError *error = NULL;
  GstStructure *headers;

  if (!p2p_segment_cache_put (req->cache, req->info_hash, req->segment_id,
          data, req->live, &error)) {
    GST_DEBUG ("segment %" G_GINT64_FORMAT " not kept: %s", req->segment_id,
        error->message);
    g_error_free (error);
    return;
  }
  if ((headers = p2p_fetch_dup_http_headers (req->fetch))) {
    p2p_segment_cache_set_headers (req->cache, req->info_hash,
        req->segment_id, headers);
    gst_structure_free (headers);
  }
  p2p_segment_cache_mark_played (req->cache, req->info_hash, req->segment_id);
  if (req->swarm)
    p2p_swarm_announce_holdings (req->swarm);
}

/* --- HTTP, streamed to the element ---------------------------------------- */

static void
tee_data (GBytes * bytes, gpointer user_data)
{
  HttpTee *tee = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (tee->first_byte < 0)
    tee->first_byte = g_get_monotonic_time ();
  tee->req->counters->http_bytes += len;
  if (tee->copy_failed)
    return;
  /* A segment far larger than the manifest said is not one to keep. */
  if (tee->req->expected_size >= 0
      && (gint64) (tee->copy->len + len) > tee->req->expected_size) {
    tee->copy_failed = TRUE;
    return;
  }
  g_byte_array_append (tee->copy, data, len);
}

static void
tee_end (gboolean complete, gpointer user_data)
{
  HttpTee *tee = user_data;
  P2pSegmentRequest *req = tee->req;
  GBytes *data = NULL;

  if (req->swarm)
    p2p_swarm_set_loading (req->swarm, req->segment_id, FALSE);
  if (complete) {
    req->counters->segments_http++;
    if (!tee->copy_failed && p2p_segment_check (tee->copy->data,
            tee->copy->len, req->expected_size, req->check_flags, NULL)) {
      data = g_byte_array_free_to_bytes (g_steal_pointer (&tee->copy));
      store (req, data);
    }
  }
  /* the other requests of the segment's job take these bytes, or go on
   * their own when there are none */
  if (req->swarm)
    p2p_swarm_http_done (req->swarm, req->segment_id, data, tee->requested,
        tee->first_byte, g_get_monotonic_time ());
  if (data)
    g_bytes_unref (data);
  changed (req);
}

static void
tee_destroy (gpointer user_data)
{
  HttpTee *tee = user_data;

  if (tee->copy)
    g_byte_array_unref (tee->copy);
  request_free (tee->req);
  g_free (tee);
}

static void
start_http (P2pSegmentRequest * req)
{
  HttpTee *tee = g_new0 (HttpTee, 1);
  P2pHttpBodyHooks hooks = {
    .on_data = tee_data,
    .on_end = tee_end,
    .user_data = tee,
    .destroy = tee_destroy,
  };

  tee->req = req;
  tee->copy = g_byte_array_new ();
  tee->requested = g_get_monotonic_time ();
  tee->first_byte = -1;
  GST_DEBUG ("segment %" G_GINT64_FORMAT " of %s: over HTTP", req->segment_id,
      req->info_hash);
  if (req->swarm)
    p2p_swarm_set_loading (req->swarm, req->segment_id, TRUE);
  p2p_http_request_start (req->session, req->options, req->fetch, &hooks);
}

/* --- the swarm's answers (P2pConsumerOps) --------------------------------- */

static void
consumer_deliver (gpointer consumer, GBytes * data, P2pJobSource source)
{
  P2pSegmentRequest *req = consumer;
  gsize size = g_bytes_get_size (data);

  GST_DEBUG ("segment %" G_GINT64_FORMAT " of %s: %" G_GSIZE_FORMAT
      " bytes from %s", req->segment_id, req->info_hash, size,
      source == P2P_JOB_SOURCE_SHARED ? "another request's HTTP fetch" :
      source == P2P_JOB_SOURCE_MIXED ? "a peer and HTTP" : "a peer");
  p2p_segment_cache_mark_played (req->cache, req->info_hash, req->segment_id);
  switch (source) {
    case P2P_JOB_SOURCE_PEER:
    case P2P_JOB_SOURCE_MIXED:
      req->counters->p2p_bytes += size;
      req->counters->segments_p2p++;
      break;
    case P2P_JOB_SOURCE_SHARED:
      req->counters->cache_bytes += size;
      req->counters->segments_cache++;
      break;
  }
  /* published before the element can see the end of the segment */
  changed (req);
  deliver_bytes (req, data, source == P2P_JOB_SOURCE_SHARED ? "http" :
      source == P2P_JOB_SOURCE_MIXED ? "peer+http" : "peer");
  request_free (req);
}

static void
consumer_go_http (gpointer consumer, gboolean peers_tried)
{
  P2pSegmentRequest *req = consumer;

  if (peers_tried)
    req->counters->p2p_failures++;
  if (p2p_fetch_is_cancelled (req->fetch)) {
    P2pSwarm *swarm = req->swarm ? p2p_swarm_ref (req->swarm) : NULL;
    gint64 id = req->segment_id;

    finish_cancelled (req);
    request_free (req);
    /* others waiting for this fetch go on without it */
    if (swarm) {
      p2p_swarm_http_done (swarm, id, NULL, -1, -1, -1);
      p2p_swarm_unref (swarm);
    }
    return;
  }
  start_http (req);
}

static void
range_data (GBytes * bytes, gpointer user_data)
{
  RangeFetch *rf = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_byte_array_append (rf->bytes, data, len);
}

static void
range_end (gboolean complete, gpointer user_data)
{
  RangeFetch *rf = user_data;
  GBytes *data = complete ?
      g_byte_array_free_to_bytes (g_steal_pointer (&rf->bytes)) : NULL;

  p2p_swarm_range_done (rf->swarm, rf->segment_id, rf->token, data);
  if (data)
    g_bytes_unref (data);
}

static void
range_destroy (gpointer user_data)
{
  RangeFetch *rf = user_data;

  if (rf->bytes)
    g_byte_array_unref (rf->bytes);
  p2p_swarm_unref (rf->swarm);
  g_free (rf);
}

static gboolean
consumer_fetch_range (gpointer consumer, gint64 segment_id, gint64 offset,
    guint token)
{
  P2pSegmentRequest *req = consumer;
  P2pHttpOptions *options;
  P2pFetch *fetch;
  RangeFetch *rf;
  P2pHttpBodyHooks hooks = {
    .on_data = range_data,
    .on_end = range_end,
    .destroy = range_destroy,
  };

  if (!req->swarm || offset <= 0 || p2p_fetch_is_cancelled (req->fetch))
    return FALSE;
  rf = g_new0 (RangeFetch, 1);
  rf->swarm = p2p_swarm_ref (req->swarm);
  rf->segment_id = segment_id;
  rf->token = token;
  rf->bytes = g_byte_array_new ();
  hooks.user_data = rf;
  options = p2p_http_options_copy (req->options);
  options->start += offset;
  /* the response is not the element's: no 416-after-body rule applies */
  options->have_body = FALSE;
  options->known_size = -1;
  fetch = p2p_fetch_new_discarding (g_main_context_get_thread_default ());
  p2p_http_request_start (req->session, options, fetch, &hooks);
  p2p_fetch_unref (fetch);
  p2p_http_options_free (options);
  return TRUE;
}

const P2pConsumerOps p2p_segment_fetch_consumer_ops = {
  consumer_deliver, consumer_go_http, consumer_fetch_range,
};

void
p2p_segment_fetch_start (P2pSegmentRequest * req)
{
  GBytes *cached = p2p_segment_cache_get (req->cache, req->info_hash,
      req->segment_id);

  if (cached) {
    GST_DEBUG ("segment %" G_GINT64_FORMAT " of %s: from the cache",
        req->segment_id, req->info_hash);
    p2p_segment_cache_mark_played (req->cache, req->info_hash,
        req->segment_id);
    req->counters->cache_bytes += g_bytes_get_size (cached);
    req->counters->segments_cache++;
    if (req->swarm)
      p2p_swarm_served (req->swarm, req->segment_id, req->duration);
    changed (req);
    deliver_bytes (req, cached, "cache");
    g_bytes_unref (cached);
    request_free (req);
    return;
  }
  if (req->swarm) {
    p2p_swarm_fetch (req->swarm, req->segment_id, req->duration,
        req->expected_size, req);
    return;
  }
  start_http (req);
}
