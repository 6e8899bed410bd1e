/* gst-p2pcdn: serves one media segment request from the cache, peers or HTTP.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Manager thread only.  The order is: the cache; a peer that announced the
 * segment (the whole segment arrives and passes the checks before a byte
 * leaves); HTTP, streamed through as it arrives and kept, once complete and
 * checked, for the peers.
 */
#include "p2p-segment-fetch.h"

#include "p2p-http-request.h"
#include "p2p-segment-check.h"

typedef struct {
  gint refcount;
  P2pSegmentRequest *req;
  GByteArray *copy;             /* what HTTP delivered, for the cache */
  gboolean copy_failed;
} HttpTee;

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

/* Delivers a whole segment held in memory as if it were a 200 response. */
static void
deliver_bytes (P2pSegmentRequest * req, GBytes * data)
{
  P2pFetchHeaders h = { 0, };

  h.status = req->options->start > 0 || req->options->stop >= 0 ? 206 : 200;
  h.content_length = g_bytes_get_size (data);
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

  if (!p2p_segment_cache_put (req->cache, req->info_hash, req->segment_id,
          data, req->live, &error)) {
    g_debug ("segment %" G_GINT64_FORMAT " not kept: %s", req->segment_id,
        error->message);
    g_error_free (error);
    return;
  }
  p2p_segment_cache_mark_played (req->cache, req->info_hash, req->segment_id);
  if (req->swarm)
    p2p_swarm_announce_holdings (req->swarm);
}

static void
tee_data (GBytes * bytes, gpointer user_data)
{
  HttpTee *tee = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

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

  if (req->swarm)
    p2p_swarm_set_loading (req->swarm, req->segment_id, FALSE);
  if (complete) {
    req->counters->segments_http++;
    if (!tee->copy_failed && p2p_segment_check (tee->copy->data,
            tee->copy->len, req->expected_size, NULL)) {
      GBytes *data = g_byte_array_free_to_bytes (g_steal_pointer (&tee->copy));

      store (req, data);
      g_bytes_unref (data);
    }
  }
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
  if (req->swarm)
    p2p_swarm_set_loading (req->swarm, req->segment_id, TRUE);
  p2p_http_request_start (req->session, req->options, req->fetch, &hooks);
}

static void
on_peer_download (P2pSwarm * swarm, gint64 segment_id, GBytes * data,
    gpointer user_data)
{
  P2pSegmentRequest *req = user_data;

  if (!data) {
    req->counters->p2p_failures++;
    if (p2p_fetch_is_cancelled (req->fetch)) {
      p2p_fetch_finish (req->fetch, g_error_new_literal (G_IO_ERROR,
              G_IO_ERROR_CANCELLED, "Cancelled"));
      request_free (req);
      return;
    }
    start_http (req);
    return;
  }
  /* Even when the player no longer wants it, the segment is good to keep. */
  store (req, data);
  req->counters->p2p_bytes += g_bytes_get_size (data);
  req->counters->segments_p2p++;
  /* published before the element can see the end of the segment */
  changed (req);
  if (p2p_fetch_is_cancelled (req->fetch))
    p2p_fetch_finish (req->fetch, g_error_new_literal (G_IO_ERROR,
            G_IO_ERROR_CANCELLED, "Cancelled"));
  else
    deliver_bytes (req, data);
  request_free (req);
}

void
p2p_segment_fetch_start (P2pSegmentRequest * req)
{
  GBytes *cached = p2p_segment_cache_get (req->cache, req->info_hash,
      req->segment_id);

  if (cached) {
    p2p_segment_cache_mark_played (req->cache, req->info_hash,
        req->segment_id);
    req->counters->cache_bytes += g_bytes_get_size (cached);
    req->counters->segments_cache++;
    changed (req);
    deliver_bytes (req, cached);
    g_bytes_unref (cached);
    request_free (req);
    return;
  }
  if (req->swarm && p2p_swarm_download_or_wait (req->swarm, req->segment_id,
          req->expected_size, on_peer_download, req))
    return;
  start_http (req);
}
