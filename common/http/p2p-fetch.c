/* gst-p2pcdn: the handle through which a source element reads one request.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-fetch.h"

#include <string.h>

/* The producer stops reading above the high mark, so a slow consumer bounds
 * the memory a request holds; it resumes below the low mark. */
#define QUEUE_HIGH_MARK (2 * 1024 * 1024)
#define QUEUE_LOW_MARK (512 * 1024)

G_DEFINE_QUARK (p2p-fetch-error-quark, p2p_fetch_error);

struct _P2pFetch
{
  gint refcount;
  GMutex lock;
  GCond cond;
  GMainContext *producer_context;
  GCancellable *cancellable;

  gboolean have_headers;
  P2pFetchHeaders headers;
  GQueue chunks;
  gsize queued_bytes;
  gboolean producer_paused;
  gboolean discard;             /* no consumer: the producer's hooks take the bytes */
  gboolean finished;
  GError *error;

  GSourceFunc resume_func;
  gpointer resume_data;
  GBoxedCopyFunc resume_ref;
  GDestroyNotify resume_unref;
};

static void
on_cancelled (GCancellable * cancellable, gpointer user_data)
{
  P2pFetch *fetch = user_data;

  g_mutex_lock (&fetch->lock);
  g_cond_broadcast (&fetch->cond);
  g_mutex_unlock (&fetch->lock);
}

P2pFetch *
p2p_fetch_new (GMainContext * producer_context)
{
  P2pFetch *fetch = g_new0 (P2pFetch, 1);

  fetch->refcount = 1;
  g_mutex_init (&fetch->lock);
  g_cond_init (&fetch->cond);
  fetch->producer_context = g_main_context_ref (producer_context);
  fetch->cancellable = g_cancellable_new ();
  fetch->headers.content_length = -1;
  g_queue_init (&fetch->chunks);
  /* The handler only wakes waiters; the fetch outlives it because
   * disconnection happens in the last unref. */
  g_cancellable_connect (fetch->cancellable, G_CALLBACK (on_cancelled), fetch,
      NULL);
  return fetch;
}

P2pFetch *
p2p_fetch_new_discarding (GMainContext * producer_context)
{
  P2pFetch *fetch = p2p_fetch_new (producer_context);

  fetch->discard = TRUE;
  return fetch;
}

P2pFetch *
p2p_fetch_ref (P2pFetch * fetch)
{
  g_atomic_int_inc (&fetch->refcount);
  return fetch;
}

void
p2p_fetch_headers_clear (P2pFetchHeaders * headers)
{
  g_clear_pointer (&headers->final_uri, g_free);
  g_clear_pointer (&headers->content_type, g_free);
  g_clear_pointer (&headers->redirect_uri, g_free);
  g_clear_pointer (&headers->reason, g_free);
  g_clear_pointer (&headers->warning, g_free);
  g_clear_pointer (&headers->http_headers, gst_structure_free);
}

void
p2p_fetch_unref (P2pFetch * fetch)
{
  if (!g_atomic_int_dec_and_test (&fetch->refcount))
    return;

  g_signal_handlers_disconnect_by_data (fetch->cancellable, fetch);
  g_object_unref (fetch->cancellable);
  g_queue_clear_full (&fetch->chunks, (GDestroyNotify) g_bytes_unref);
  p2p_fetch_headers_clear (&fetch->headers);
  g_clear_error (&fetch->error);
  if (fetch->resume_unref)
    fetch->resume_unref (fetch->resume_data);
  g_main_context_unref (fetch->producer_context);
  g_mutex_clear (&fetch->lock);
  g_cond_clear (&fetch->cond);
  g_free (fetch);
}

GCancellable *
p2p_fetch_get_cancellable (P2pFetch * fetch)
{
  return fetch->cancellable;
}

gboolean
p2p_fetch_is_cancelled (P2pFetch * fetch)
{
  return g_cancellable_is_cancelled (fetch->cancellable);
}

void
p2p_fetch_cancel (P2pFetch * fetch)
{
  g_cancellable_cancel (fetch->cancellable);
}

static gboolean
set_cancelled_error (P2pFetch * fetch, GError ** error)
{
  if (!g_cancellable_is_cancelled (fetch->cancellable))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
      "Request cancelled");
  return TRUE;
}

const P2pFetchHeaders *
p2p_fetch_wait_headers (P2pFetch * fetch, GError ** error)
{
  const P2pFetchHeaders *ret = NULL;

  g_mutex_lock (&fetch->lock);
  while (!fetch->have_headers && !fetch->finished
      && !g_cancellable_is_cancelled (fetch->cancellable))
    g_cond_wait (&fetch->cond, &fetch->lock);

  if (set_cancelled_error (fetch, error))
    goto out;
  if (fetch->have_headers)
    ret = &fetch->headers;
  else if (fetch->error)
    g_propagate_error (error, g_error_copy (fetch->error));
  else
    g_set_error_literal (error, P2P_FETCH_ERROR, P2P_FETCH_ERROR_FAILED,
        "Request ended without a response");
out:
  g_mutex_unlock (&fetch->lock);
  return ret;
}

GBytes *
p2p_fetch_pop (P2pFetch * fetch, GError ** error)
{
  GBytes *bytes = NULL;
  gboolean wake_producer = FALSE;

  g_mutex_lock (&fetch->lock);
  while (g_queue_is_empty (&fetch->chunks) && !fetch->finished
      && !g_cancellable_is_cancelled (fetch->cancellable))
    g_cond_wait (&fetch->cond, &fetch->lock);

  if (set_cancelled_error (fetch, error))
    goto out;

  bytes = g_queue_pop_head (&fetch->chunks);
  if (bytes) {
    fetch->queued_bytes -= g_bytes_get_size (bytes);
    if (fetch->producer_paused && fetch->queued_bytes <= QUEUE_LOW_MARK
        && fetch->resume_func) {
      fetch->producer_paused = FALSE;
      wake_producer = TRUE;
    }
  } else if (fetch->error) {
    g_propagate_error (error, g_error_copy (fetch->error));
  }

  if (wake_producer) {
    GSource *source = g_idle_source_new ();

    g_source_set_callback (source, fetch->resume_func,
        fetch->resume_ref (fetch->resume_data), fetch->resume_unref);
    g_source_attach (source, fetch->producer_context);
    g_source_unref (source);
  }
out:
  g_mutex_unlock (&fetch->lock);
  return bytes;
}

void
p2p_fetch_set_headers (P2pFetch * fetch, P2pFetchHeaders * headers)
{
  g_mutex_lock (&fetch->lock);
  p2p_fetch_headers_clear (&fetch->headers);
  fetch->headers = *headers;
  memset (headers, 0, sizeof (*headers));
  fetch->have_headers = TRUE;
  g_cond_broadcast (&fetch->cond);
  g_mutex_unlock (&fetch->lock);
}

GstStructure *
p2p_fetch_dup_http_headers (P2pFetch * fetch)
{
  GstStructure *s = NULL;

  g_mutex_lock (&fetch->lock);
  if (fetch->have_headers && fetch->headers.http_headers)
    s = gst_structure_copy (fetch->headers.http_headers);
  g_mutex_unlock (&fetch->lock);
  return s;
}

gboolean
p2p_fetch_push (P2pFetch * fetch, GBytes * bytes)
{
  gboolean more;

  if (fetch->discard)
    return TRUE;
  g_mutex_lock (&fetch->lock);
  fetch->queued_bytes += g_bytes_get_size (bytes);
  g_queue_push_tail (&fetch->chunks, g_bytes_ref (bytes));
  more = fetch->queued_bytes < QUEUE_HIGH_MARK;
  if (!more)
    fetch->producer_paused = TRUE;
  g_cond_broadcast (&fetch->cond);
  g_mutex_unlock (&fetch->lock);
  return more;
}

void
p2p_fetch_finish (P2pFetch * fetch, GError * error)
{
  g_mutex_lock (&fetch->lock);
  if (fetch->finished) {
    g_clear_error (&error);
  } else {
    fetch->finished = TRUE;
    fetch->error = error;
  }
  g_cond_broadcast (&fetch->cond);
  g_mutex_unlock (&fetch->lock);
}

void
p2p_fetch_set_resume_func (P2pFetch * fetch, GSourceFunc func, gpointer data,
    GBoxedCopyFunc ref, GDestroyNotify unref)
{
  gpointer old_data;
  GDestroyNotify old_unref;

  g_mutex_lock (&fetch->lock);
  old_data = fetch->resume_data;
  old_unref = fetch->resume_unref;
  fetch->resume_func = func;
  fetch->resume_data = func ? ref (data) : NULL;
  fetch->resume_ref = func ? ref : NULL;
  fetch->resume_unref = func ? unref : NULL;
  g_mutex_unlock (&fetch->lock);

  /* Outside the lock: the last reference on the producer may go here. */
  if (old_unref)
    old_unref (old_data);
}
