/* gst-p2pcdn: one client message to the tracker, parsed and validated.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  P2P_TRACKER_SERVER_ACTION_UNKNOWN = 0,
  P2P_TRACKER_SERVER_ACTION_ANNOUNCE,
  P2P_TRACKER_SERVER_ACTION_SCRAPE,
} P2pTrackerServerAction;

typedef enum {
  P2P_TRACKER_SERVER_EVENT_UPDATE = 0,  /* no event, "update", "empty", "paused" */
  P2P_TRACKER_SERVER_EVENT_STARTED,
  P2P_TRACKER_SERVER_EVENT_STOPPED,
  P2P_TRACKER_SERVER_EVENT_COMPLETED,
} P2pTrackerServerEvent;

typedef struct {
  const gchar *offer_id;
  JsonNode *offer;              /* an object with a string "sdp" */
} P2pTrackerServerOffer;

/* Strings and nodes point into @root and live as long as the request. */
typedef struct {
  JsonNode *root;
  P2pTrackerServerAction action;
  const gchar *info_hash;       /* announce; also set when a later check failed */

  /* announce */
  const gchar *peer_id;
  P2pTrackerServerEvent event;
  gint64 numwant;               /* -1 = not given */
  gboolean left_is_zero;
  GArray *offers;               /* of P2pTrackerServerOffer; NULL = none given */
  JsonNode *answer;             /* NULL = none */
  const gchar *to_peer_id;      /* with answer */
  const gchar *offer_id;        /* with answer */

  /* scrape: NULL = every swarm */
  GPtrArray *scrape_info_hashes;
} P2pTrackerServerRequest;

void p2p_tracker_server_request_init (P2pTrackerServerRequest * request);
void p2p_tracker_server_request_clear (P2pTrackerServerRequest * request);
gboolean p2p_tracker_server_request_parse (P2pTrackerServerRequest * request,
    const gchar * data, gsize length, guint max_offers, GError ** error);

const gchar *p2p_tracker_server_action_to_string (P2pTrackerServerAction
    action);

G_END_DECLS
