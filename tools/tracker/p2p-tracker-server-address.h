/* gst-p2pcdn: what the tracker keeps per client address: its connection
 * count and the rate-limit buckets all its connections share.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "p2p-tracker-server-bucket.h"

G_BEGIN_DECLS

typedef struct {
  gchar *key;                   /* see p2p_tracker_server_address_key() */
  guint tcp;                    /* open TCP connections from it */
  guint refs;                   /* TCP records and WebSockets pointing here */
  P2pTrackerServerBucket announces;
  P2pTrackerServerBucket offers;
} P2pTrackerServerAddress;

gchar *p2p_tracker_server_address_key (GSocketAddress * address);
P2pTrackerServerAddress *p2p_tracker_server_address_new (const gchar * key,
    guint announce_burst, guint offer_burst, gint64 now);
void p2p_tracker_server_address_free (P2pTrackerServerAddress * address);

G_END_DECLS
