/* gst-p2pcdn: a loopback HTTP gateway into the manager's swarms.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Players that fetch by themselves (hlsdemux2, dashdemux2, ffmpeg, mpv)
 * read manifests and segments from it; segments go through the manager's
 * segment path (cache, peers, HTTP) like those of our source elements.
 * See p2p-gateway-path.h for the URL form.
 */
#pragma once

#include <gst/gst.h>

#include "p2p-manager.h"

G_BEGIN_DECLS

#define P2P_TYPE_GATEWAY (p2p_gateway_get_type ())
G_DECLARE_FINAL_TYPE (P2pGateway, p2p_gateway, P2P, GATEWAY, GObject);

/* Listens on @host (an IP address) and @port (0: any free port) and serves
 * through @manager, which it keeps a reference on. */
P2pGateway *p2p_gateway_new (P2pManager * manager, const gchar * host,
    guint port, GError ** error);

/* The gateway of @manager on 127.0.0.1, an ephemeral port, started on first
 * use and stopped with the manager.  Returns a borrowed pointer, or NULL
 * (with @error) when it cannot listen. */
P2pGateway *p2p_gateway_get_for_manager (P2pManager * manager,
    GError ** error);

/* "http://127.0.0.1:PORT/TOKEN/": put before an absolute origin URL. */
const gchar *p2p_gateway_get_base (P2pGateway * gateway);
guint p2p_gateway_get_port (P2pGateway * gateway);
/* The gateway URL of @origin_uri (an http or https URL). */
gchar *p2p_gateway_url_for (P2pGateway * gateway, const gchar * origin_uri);

/* The manager's "p2pcdn-stats" and the gateway's own figures
 * (gateway-requests, gateway-bytes, gateway-errors, gateway-active). */
GstStructure *p2p_gateway_get_stats (P2pGateway * gateway);

G_END_DECLS
