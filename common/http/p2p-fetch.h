/* gst-p2pcdn: the handle through which a source element reads one request.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: a fetch has one producer (the swarm manager's thread,
 * which pushes bytes and the final status) and one consumer (an element's
 * streaming thread, which waits and pops).  Everything in the struct is
 * guarded by its own mutex; no other lock is taken while holding it, except
 * that the resume callback is scheduled (never run) under it.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define P2P_FETCH_ERROR (p2p_fetch_error_quark ())
GQuark p2p_fetch_error_quark (void);

/* Mirrors how souphttpsrc reports a failed request, so that the element can
 * post the same GStreamer error domain and code. */
typedef enum {
  P2P_FETCH_ERROR_FAILED,       /* transport failure: STREAM FAILED */
  P2P_FETCH_ERROR_NOT_FOUND,    /* 404, DNS failure: RESOURCE NOT_FOUND */
  P2P_FETCH_ERROR_NOT_AUTHORIZED,       /* 401/402/403/407 */
  P2P_FETCH_ERROR_OPEN_READ,    /* other HTTP errors, redirect loops, TLS */
  P2P_FETCH_ERROR_READ,         /* body read failure after the retries */
  P2P_FETCH_ERROR_SEEK,         /* range ignored by the server */
  P2P_FETCH_ERROR_MANIFEST,     /* a manifest that cannot be used */
} P2pFetchErrorCode;

typedef struct _P2pFetch P2pFetch;

/* What the response said, filled once the headers arrived. */
typedef struct {
  guint status;                 /* HTTP status, 0 when none */
  gint64 content_length;        /* bytes this response will deliver, -1 unknown */
  gboolean seekable;            /* FALSE on Accept-Ranges: none */
  gchar *final_uri;             /* after redirects (plain http/https) */
  gboolean redirected;
  gboolean redirect_permanent;
  gchar *content_type;
  gboolean is_manifest;         /* the bytes were parsed and rewritten */
  gboolean failed;              /* the response is an error: pop() says which */
  gboolean is_segment;          /* a media segment (for the statistics) */
  gchar *redirect_uri;          /* souphttpsrc's http-redirect-uri detail */
  gchar *reason;                /* HTTP reason phrase */
  gchar *warning;               /* set when P2P gave up on this resource */
  GstStructure *http_headers;   /* souphttpsrc's "http-headers" structure */
} P2pFetchHeaders;

P2pFetch *p2p_fetch_new (GMainContext * producer_context);
/* A fetch nobody reads: pushed bytes are dropped at once (the producer's
 * body hooks keep what it needs), so it never applies back-pressure.  For
 * requests the manager makes on its own behalf (the rest of a segment a
 * peer started). */
P2pFetch *p2p_fetch_new_discarding (GMainContext * producer_context);
P2pFetch *p2p_fetch_ref (P2pFetch * fetch);
void p2p_fetch_unref (P2pFetch * fetch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pFetch, p2p_fetch_unref);

GCancellable *p2p_fetch_get_cancellable (P2pFetch * fetch);

/* Consumer side (any thread).  Both calls block until there is something
 * to report or the fetch is cancelled. */

/* Waits for the headers.  Returns NULL when the fetch failed before any
 * header (then @error is set) or was cancelled (@error is G_IO_ERROR_CANCELLED).
 * The returned headers stay owned by the fetch. */
const P2pFetchHeaders *p2p_fetch_wait_headers (P2pFetch * fetch,
    GError ** error);

/* Pops the next chunk of body bytes.  Returns NULL at the end: then @error is
 * unset for a complete body, or says why it stopped. */
GBytes *p2p_fetch_pop (P2pFetch * fetch, GError ** error);

void p2p_fetch_cancel (P2pFetch * fetch);

/* Producer side (the manager thread). */

/* Takes ownership of @headers' contents. */
void p2p_fetch_set_headers (P2pFetch * fetch, P2pFetchHeaders * headers);
/* Returns TRUE while the consumer wants more: the producer should stop
 * reading when it returns FALSE and wait for the resume callback. */
gboolean p2p_fetch_push (P2pFetch * fetch, GBytes * bytes);
/* Ends the fetch; @error NULL means complete. Takes ownership of @error. */
void p2p_fetch_finish (P2pFetch * fetch, GError * error);
/* @func runs on the producer context once the consumer drained enough after
 * p2p_fetch_push() returned FALSE.  The fetch holds a reference on @data
 * (taken with @ref, dropped with @unref) until the producer clears it with
 * func = NULL, which it must do when it is done, and so does each scheduled
 * call. */
void p2p_fetch_set_resume_func (P2pFetch * fetch, GSourceFunc func,
    gpointer data, GBoxedCopyFunc ref, GDestroyNotify unref);
gboolean p2p_fetch_is_cancelled (P2pFetch * fetch);
/* A copy of the "http-headers" structure set so far, or NULL. */
GstStructure *p2p_fetch_dup_http_headers (P2pFetch * fetch);

void p2p_fetch_headers_clear (P2pFetchHeaders * headers);

G_END_DECLS
