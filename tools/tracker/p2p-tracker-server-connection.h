/* gst-p2pcdn: one client WebSocket of the tracker and what it announced.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "p2p-tracker-server-stream.h"
#include "p2p-tracker-server-address.h"

G_BEGIN_DECLS

typedef enum {
  P2P_TRACKER_SERVER_CONNECTION_OPEN,
  P2P_TRACKER_SERVER_CONNECTION_DOOMED, /* queued for closing, takes no traffic */
  P2P_TRACKER_SERVER_CONNECTION_CLOSING,        /* close frame sent */
  P2P_TRACKER_SERVER_CONNECTION_CLOSED,
} P2pTrackerServerConnectionState;

typedef struct {
  gpointer server;              /* the P2pTrackerServer, not owned */
  guint64 id;
  gchar *remote;                /* "address:port", for logs */
  SoupWebsocketConnection *ws;
  GIOStream *base;              /* the HTTP stream libsoup handed over */
  P2pTrackerServerMeteredInput *input;
  P2pTrackerServerMeteredOutput *output;
  P2pTrackerServerConnectionState state;
  GList link;                   /* in the server's idle or doomed queue */
  gint64 last_message;          /* monotonic microseconds */
  GPtrArray *peers;             /* of P2pTrackerServerPeer, one per (swarm, peer_id) */
  guint64 queued;               /* bytes given to libsoup, frame headers included */
  gushort close_code;           /* while DOOMED */
  const gchar *close_reason;    /* static string, while DOOMED */
  P2pTrackerServerAddress *address;     /* a reference held (refs) */
  P2pTrackerServerBucket announces;
  P2pTrackerServerBucket offers;
  GArray *pending_offers;       /* PendingOffer, oldest first; NULL = none yet */
} P2pTrackerServerConnection;

P2pTrackerServerConnection *p2p_tracker_server_connection_new (guint64 id,
    GIOStream * base, GUri * uri, const gchar * origin, const gchar * remote,
    gsize max_message_size);
void p2p_tracker_server_connection_free (P2pTrackerServerConnection * conn);

gboolean p2p_tracker_server_connection_send (P2pTrackerServerConnection * conn,
    const gchar * text, gsize length);
guint64 p2p_tracker_server_connection_get_backlog (P2pTrackerServerConnection *
    conn);
void p2p_tracker_server_connection_message_seen (P2pTrackerServerConnection *
    conn);

void p2p_tracker_server_connection_expect_answer (P2pTrackerServerConnection *
    conn, const gchar * info_hash, const gchar * offerer,
    const gchar * offer_id, guint max_pending, gint64 now);
gboolean p2p_tracker_server_connection_take_offer (P2pTrackerServerConnection *
    conn, const gchar * info_hash, const gchar * offerer,
    const gchar * offer_id, gint64 oldest);

G_END_DECLS
