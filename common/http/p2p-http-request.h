/* gst-p2pcdn: one HTTP request run on the manager thread into a P2pFetch.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "p2p-fetch.h"
#include "p2p-http-options.h"

G_BEGIN_DECLS

/* Lets the owner take a whole body instead of streaming it (manifests):
 * wants_body() sees the response and its first bytes; transform() gets the
 * complete body and returns what the consumer receives, or NULL + error.
 * It may set *warning (a newly allocated string) to tell the consumer that
 * it passed the body through unchanged. */
typedef struct {
  gboolean (*wants_body) (const gchar * final_uri, const gchar * content_type,
      const guint8 * first, gsize len, gpointer user_data);
  GBytes *(*transform) (const P2pHttpOptions * options,
      const gchar * final_uri, GBytes * body, gchar ** warning,
      GError ** error, gpointer user_data);
  /* Sees every body byte streamed to the consumer, then the end: @complete
   * is TRUE only for a whole, successful body.  Either may be NULL. */
  void (*on_data) (GBytes * bytes, gpointer user_data);
  void (*on_end) (gboolean complete, gpointer user_data);
  gpointer user_data;
  /* Called on @user_data when the request is freed (may be NULL). */
  GDestroyNotify destroy;
} P2pHttpBodyHooks;

typedef struct _P2pHttpRequest P2pHttpRequest;

/* Starts the request; it runs by itself until the fetch is finished or
 * cancelled, and frees itself.  Must be called on @session's context. */
void p2p_http_request_start (SoupSession * session,
    const P2pHttpOptions * options, P2pFetch * fetch,
    const P2pHttpBodyHooks * hooks);

/* The most a manifest body may be; larger ones fail the request. */
#define P2P_HTTP_MAX_MANIFEST (16 * 1024 * 1024)

/* souphttpsrc's http-log-level: a SoupLogger on @session writing to the
 * p2pcdn-http category at TRACE, whenever that level is enabled. */
void p2p_http_session_set_log_level (SoupSession * session, gint level);

G_END_DECLS
