/* gst-p2pcdn: a WebTorrent WebSocket tracker, embeddable in a GMainContext.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Speaks the tracker protocol of bittorrent-tracker's WebSocket server
 * (docs/tracker.md): announces with offers, answers, scrapes, plus
 * GET /stats on the same port.  Everything runs on the GMainContext given to
 * p2p_tracker_server_start(); the object is not thread-safe, and that
 * context must be the thread-default one wherever it is iterated.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "p2p-tracker-limits.h"
#include "p2p-tracker-server-error.h"

G_BEGIN_DECLS

#define P2P_TYPE_TRACKER_SERVER (p2p_tracker_server_get_type ())
G_DECLARE_FINAL_TYPE (P2pTrackerServer, p2p_tracker_server, P2P,
    TRACKER_SERVER, GObject);

P2pTrackerServer *p2p_tracker_server_new (const P2pTrackerLimits * limits,
    GError ** error);
gboolean p2p_tracker_server_start (P2pTrackerServer * self,
    GMainContext * context, const gchar * address, guint port,
    GError ** error);
guint p2p_tracker_server_get_port (P2pTrackerServer * self);
gchar *p2p_tracker_server_get_url (P2pTrackerServer * self);
JsonNode *p2p_tracker_server_get_stats (P2pTrackerServer * self);

/* Unref to stop: every connection is closed at once. */
#define p2p_tracker_server_free(self) g_object_unref (self)

G_END_DECLS
