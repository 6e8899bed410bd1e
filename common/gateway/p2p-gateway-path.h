/* gst-p2pcdn: what a request to the loopback gateway asks for.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A gateway URL is the gateway's base, its token, then the origin URL as
 * it is: http://127.0.0.1:PORT/TOKEN/https://origin.example/live/a.m3u8.
 * Relative URIs of a manifest resolve against such a URL to the gateway
 * again, and absolute ones are prefixed with the base and token when the
 * manifest is rewritten, so every URI of a manifest read through the
 * gateway leads back to it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_GATEWAY_ERROR (p2p_gateway_error_quark ())
GQuark p2p_gateway_error_quark (void);

/* Each names the HTTP status the gateway answers with. */
typedef enum {
  P2P_GATEWAY_ERROR_NOT_FOUND,  /* no or wrong token: 404 */
  P2P_GATEWAY_ERROR_BAD_REQUEST,        /* not an http(s) origin URL: 400 */
} P2pGatewayErrorCode;

typedef enum {
  P2P_GATEWAY_TARGET_ORIGIN,    /* a resource of an origin */
  P2P_GATEWAY_TARGET_STATS,     /* the statistics as JSON */
} P2pGatewayTarget;

/* The most an origin URL may be, in bytes. */
#define P2P_GATEWAY_MAX_URL 8192

/* Parses the (still percent-encoded) @path and @query (NULL: none) of a
 * request.  For an origin resource, *@origin_uri gets its normalized
 * http(s) URL.  @token is compared in constant time. */
gboolean p2p_gateway_parse_path (const gchar * path, const gchar * query,
    const gchar * token, P2pGatewayTarget * target, gchar ** origin_uri,
    GError ** error);

/* Parses a "Range" header value of one range: bytes=A- or bytes=A-B.
 * Returns FALSE for anything else (the whole body is served then);
 * *@stop is exclusive, -1 for "to the end". */
gboolean p2p_gateway_parse_range (const gchar * value, guint64 * start,
    gint64 * stop);

G_END_DECLS
