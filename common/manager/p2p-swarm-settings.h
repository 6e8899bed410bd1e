/* gst-p2pcdn: the settings one stream's swarm starts with.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pipeline's element carries the ones set on it explicitly, as a
 * "p2pcdn-swarm-settings" structure keyed by property name; the manager lays
 * them over its own properties (defaults from the environment) for the
 * stream whose manifest that element loaded.  See docs/architecture.md,
 * "Configuration".
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define P2P_SWARM_SETTINGS_NAME "p2pcdn-swarm-settings"

typedef struct {
  gboolean p2p;
  gchar **trackers;             /* NULL or empty: no peers */
  gchar *stun_server;
  gchar *turn_server;
  /* ICE over the TURN server only: peers never learn our addresses */
  gboolean ice_relay_only;
  guint max_peers;
  guint peer_upload_kbps;       /* 0 = no cap */
  gboolean upload;
} P2pSwarmSettings;

/* The element and manager properties that are per stream (the others,
 * cache-size and upload-rate, are per process). */
gboolean p2p_swarm_settings_has_property (const gchar * name);

/* Lays @explicit_settings (a P2P_SWARM_SETTINGS_NAME structure, may be
 * NULL) over @settings. */
void p2p_swarm_settings_overlay (P2pSwarmSettings * settings,
    const GstStructure * explicit_settings);

/* Identifies the ICE servers: swarms with the same key share a transport. */
gchar *p2p_swarm_settings_ice_key (const P2pSwarmSettings * settings);

void p2p_swarm_settings_clear (P2pSwarmSettings * settings);

G_END_DECLS
