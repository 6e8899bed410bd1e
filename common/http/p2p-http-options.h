/* gst-p2pcdn: what a source element asks of one HTTP request.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* The settings of souphttpsrc that travel with each request.  The ones that
 * live on the SoupSession (timeout, proxy, TLS database) select which of the
 * manager's sessions serves the request; see p2p_http_options_session_key(). */
typedef struct {
  gchar *uri;                   /* plain http:// or https:// */
  gchar *method;                /* NULL = GET */
  guint64 start;                /* first byte */
  gint64 stop;                  /* exclusive, -1 = to the end */
  gchar *user_agent;
  GstStructure *extra_headers;
  gchar **cookies;
  gboolean compress;
  gboolean keep_alive;
  gboolean automatic_redirect;
  gboolean ssl_strict;
  gchar *user_id;
  gchar *user_pw;
  gchar *proxy_id;
  gchar *proxy_pw;
  gint retries;                 /* -1 = forever */
  gdouble retry_backoff_factor; /* seconds; 0 = retry at once */
  gdouble retry_backoff_max;
  guint blocksize;
  /* What the element already knows of the resource, for souphttpsrc's
   * "416 after a complete body is EOS" rule. */
  gboolean have_body;
  gint64 known_size;
  gboolean is_segment;          /* copied to P2pFetchHeaders.is_segment */

  /* session level */
  guint timeout;                /* seconds, 0 = none */
  gchar *proxy;
  gchar *ssl_ca_file;
  gboolean ssl_use_system_ca_file;
  GTlsDatabase *tls_database;
  GTlsInteraction *tls_interaction;
  gint log_level;               /* SoupLoggerLogLevel, 0 = none */

  /* swarm level */
  gchar *scheme_prefix;         /* "p2phls+": prefixed to absolute URIs of manifests */
  gchar *swarm_id;              /* NULL = derived from the manifest URL */
  /* the element's explicit per-stream settings ("p2pcdn-swarm-settings",
   * see p2p-swarm-settings.h), NULL = none */
  GstStructure *swarm_settings;
} P2pHttpOptions;

P2pHttpOptions *p2p_http_options_new (void);
P2pHttpOptions *p2p_http_options_copy (const P2pHttpOptions * options);
void p2p_http_options_free (P2pHttpOptions * options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pHttpOptions, p2p_http_options_free);

gchar *p2p_http_options_session_key (const P2pHttpOptions * options);

G_END_DECLS
