/* Test HTTP origin serving generated HLS/DASH content on its own thread.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define P2P_ORIGIN_ERROR (p2p_origin_error_quark ())
GQuark p2p_origin_error_quark (void);

typedef enum
{
  P2P_ORIGIN_ERROR_CONTENT,     /* content directory missing or unusable */
  P2P_ORIGIN_ERROR_LISTEN,      /* could not bind or listen */
  P2P_ORIGIN_ERROR_LOG,         /* could not open the request log file */
  P2P_ORIGIN_ERROR_NOT_FOUND,   /* no such live resource */
} P2pOriginError;

/* One request as the origin saw it. Entries returned by p2p_origin_get_log ()
 * are deep copies: the caller owns them. */
typedef struct
{
  gchar *method;
  gchar *path;                  /* as requested, still %-encoded */
  gchar *query;                 /* NULL when the URL had none */
  gchar *range;                 /* Range request header, or NULL */
  gchar *user_agent;            /* User-Agent request header, or NULL */
  gchar *remote_host;           /* the client's IP address */
  SoupMessageHeaders *headers;  /* all request headers */
  guint status;                 /* 0 while the response is not finished */
  guint64 bytes_sent;           /* response body bytes written */
  gint64 timestamp_us;          /* g_get_monotonic_time () at arrival */
  gboolean finished;            /* FALSE while pending or if aborted */
} P2pOriginRequest;

P2pOriginRequest *p2p_origin_request_copy (const P2pOriginRequest * req);
void p2p_origin_request_free (P2pOriginRequest * req);
gchar *p2p_origin_request_to_json (const P2pOriginRequest * req);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pOriginRequest, p2p_origin_request_free)

typedef struct _P2pOrigin P2pOrigin;

#define P2P_ORIGIN_DEFAULT_LIVE_SEGMENTS 15

P2pOrigin *p2p_origin_new (const gchar * content_dir, GError ** error);
P2pOrigin *p2p_origin_new_full (const gchar * content_dir,
    const gchar * address, guint port, GError ** error);
void p2p_origin_free (P2pOrigin * origin);

const gchar *p2p_origin_get_base_url (P2pOrigin * origin);
guint p2p_origin_get_port (P2pOrigin * origin);

GPtrArray *p2p_origin_get_log (P2pOrigin * origin);
void p2p_origin_clear_log (P2pOrigin * origin);
gboolean p2p_origin_set_log_file (P2pOrigin * origin, const gchar * path,
    GError ** error);

void p2p_origin_set_live_segments (P2pOrigin * origin, guint n_segments);
guint p2p_origin_get_live_segments (P2pOrigin * origin);

/* Fault injection (README.md, "Faults"): a rule "ANSWER:GLOB[:SECONDS]";
 * rules act once armed, for SECONDS from the last arming. */
gboolean p2p_origin_add_fault (P2pOrigin * origin, const gchar * spec,
    GError ** error);
void p2p_origin_arm_faults (P2pOrigin * origin);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pOrigin, p2p_origin_free)

G_END_DECLS
