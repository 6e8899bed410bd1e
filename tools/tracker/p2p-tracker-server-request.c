/* gst-p2pcdn: one client message to the tracker, parsed and validated.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Checks and failure texts follow bittorrent-tracker 11.2.3
 * (lib/server/parse-websocket.js): its messages reach browsers as warnings,
 * so keeping them lets logs from both servers be compared.  We are stricter
 * about types: a field we use must have the type the protocol gives it.
 */
#include <string.h>

#include "p2p-tracker-server-request.h"
#include "p2p-tracker-server-json.h"
#include "p2p-tracker-server-error.h"

void
p2p_tracker_server_request_init (P2pTrackerServerRequest * request)
{
  memset (request, 0, sizeof (*request));
  request->numwant = -1;
}

void
p2p_tracker_server_request_clear (P2pTrackerServerRequest * request)
{
  g_clear_pointer (&request->offers, g_array_unref);
  g_clear_pointer (&request->scrape_info_hashes, g_ptr_array_unref);
  g_clear_pointer (&request->root, json_node_unref);
  p2p_tracker_server_request_init (request);
}

const gchar *
p2p_tracker_server_action_to_string (P2pTrackerServerAction action)
{
  switch (action) {
    case P2P_TRACKER_SERVER_ACTION_ANNOUNCE:
      return "announce";
    case P2P_TRACKER_SERVER_ACTION_SCRAPE:
      return "scrape";
    default:
      return "unknown";
  }
}

static gboolean
fail (GError ** error, P2pTrackerServerError code, const gchar * message)
{
  g_set_error_literal (error, P2P_TRACKER_SERVER_ERROR, code, message);
  return FALSE;
}

/* NULL when absent or JSON null, which JavaScript treats alike. */
static JsonNode *
get_member (JsonObject * object, const gchar * name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static const gchar *
get_id (JsonObject * object, const gchar * name)
{
  JsonNode *node = get_member (object, name);
  const gchar *str;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  str = json_node_get_string (node);
  return p2p_tracker_server_id_is_valid (str) ? str : NULL;
}

static gboolean
is_number (JsonNode * node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
is_session_description (JsonNode * node, const gchar * type)
{
  JsonObject *object;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  member = get_member (object, "sdp");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    return FALSE;
  member = get_member (object, "type");
  return member == NULL || (json_node_get_value_type (member) == G_TYPE_STRING
      && g_strcmp0 (json_node_get_string (member), type) == 0);
}

static gboolean
parse_event (P2pTrackerServerRequest * request, JsonObject * object,
    GError ** error)
{
  JsonNode *node = get_member (object, "event");
  const gchar *event;

  request->event = P2P_TRACKER_SERVER_EVENT_UPDATE;
  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid event");

  event = json_node_get_string (node);
  if (g_str_equal (event, "started"))
    request->event = P2P_TRACKER_SERVER_EVENT_STARTED;
  else if (g_str_equal (event, "stopped"))
    request->event = P2P_TRACKER_SERVER_EVENT_STOPPED;
  else if (g_str_equal (event, "completed"))
    request->event = P2P_TRACKER_SERVER_EVENT_COMPLETED;
  else if (!g_str_equal (event, "update") && !g_str_equal (event, "empty")
      && !g_str_equal (event, "paused"))
    return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid event");
  return TRUE;
}

static gboolean
parse_offers (P2pTrackerServerRequest * request, JsonObject * object,
    guint max_offers, GError ** error)
{
  JsonNode *node = get_member (object, "offers");
  JsonArray *array;
  guint i, n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid offers");

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > max_offers) {
    g_set_error (error, P2P_TRACKER_SERVER_ERROR,
        P2P_TRACKER_SERVER_ERROR_REFUSED, "too many offers (max %u)",
        max_offers);
    return FALSE;
  }

  request->offers = g_array_sized_new (FALSE, FALSE,
      sizeof (P2pTrackerServerOffer), n);
  for (i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (array, i);
    P2pTrackerServerOffer offer;
    JsonObject *offer_object;

    if (!JSON_NODE_HOLDS_OBJECT (element))
      return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid offer");
    offer_object = json_node_get_object (element);
    offer.offer_id = get_id (offer_object, "offer_id");
    if (offer.offer_id == NULL)
      return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID,
          "invalid offer_id");
    offer.offer = get_member (offer_object, "offer");
    if (offer.offer == NULL || !is_session_description (offer.offer, "offer"))
      return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid offer");
    g_array_append_val (request->offers, offer);
  }
  return TRUE;
}

static gboolean
parse_announce (P2pTrackerServerRequest * request, JsonObject * object,
    guint max_offers, GError ** error)
{
  JsonNode *node;

  request->info_hash = get_id (object, "info_hash");
  if (request->info_hash == NULL)
    return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
        "invalid info_hash");
  request->peer_id = get_id (object, "peer_id");
  if (request->peer_id == NULL)
    return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED, "invalid peer_id");

  request->answer = get_member (object, "answer");
  if (request->answer) {
    request->to_peer_id = get_id (object, "to_peer_id");
    if (request->to_peer_id == NULL)
      return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
          "invalid `to_peer_id` (required with `answer`)");
    if (!is_session_description (request->answer, "answer"))
      return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid answer");
    request->offer_id = get_id (object, "offer_id");
    if (request->offer_id == NULL)
      return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID,
          "invalid offer_id");
  }

  if (!parse_event (request, object, error))
    return FALSE;

  node = get_member (object, "numwant");
  if (node) {
    if (!is_number (node) || json_node_get_double (node) < 0)
      return fail (error, P2P_TRACKER_SERVER_ERROR_INVALID, "invalid numwant");
    request->numwant = (gint64) MIN (json_node_get_double (node), 1e6);
  }

  /* bittorrent-tracker: a missing or non-numeric "left" means unknown. */
  node = get_member (object, "left");
  request->left_is_zero = node && is_number (node)
      && json_node_get_double (node) == 0;

  return parse_offers (request, object, max_offers, error);
}

static gboolean
parse_scrape (P2pTrackerServerRequest * request, JsonObject * object,
    GError ** error)
{
  JsonNode *node = get_member (object, "info_hash");
  JsonArray *array;
  guint i, n;

  if (node == NULL)
    return TRUE;

  request->scrape_info_hashes = g_ptr_array_new ();
  if (JSON_NODE_HOLDS_VALUE (node)) {
    request->info_hash = get_id (object, "info_hash");
    if (request->info_hash == NULL)
      return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
          "invalid info_hash");
    g_ptr_array_add (request->scrape_info_hashes, (gpointer) request->info_hash);
    return TRUE;
  }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
        "invalid info_hash");

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  for (i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (array, i);
    const gchar *info_hash = NULL;

    if (json_node_get_value_type (element) == G_TYPE_STRING)
      info_hash = json_node_get_string (element);
    if (!p2p_tracker_server_id_is_valid (info_hash))
      return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
          "invalid info_hash");
    g_ptr_array_add (request->scrape_info_hashes, (gpointer) info_hash);
  }
  return TRUE;
}

/**
 * p2p_tracker_server_request_parse:
 * @request: an initialized request, cleared first
 * @data: (array length=length): the text of one WebSocket message
 * @max_offers: more offers than this in an announce are refused
 *
 * On failure @request keeps its action and info_hash when they were read
 * before the failing field, so that the reply can name them.
 */
gboolean
p2p_tracker_server_request_parse (P2pTrackerServerRequest * request,
    const gchar * data, gsize length, guint max_offers, GError ** error)
{
  JsonObject *object;
  JsonNode *action;

  p2p_tracker_server_request_clear (request);

  request->root = p2p_tracker_server_json_parse (data, length, error);
  if (request->root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (request->root))
    return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
        "invalid message: not a JSON object");
  object = json_node_get_object (request->root);

  action = get_member (object, "action");
  if (action && json_node_get_value_type (action) == G_TYPE_STRING) {
    const gchar *name = json_node_get_string (action);

    if (g_str_equal (name, "announce"))
      request->action = P2P_TRACKER_SERVER_ACTION_ANNOUNCE;
    else if (g_str_equal (name, "scrape"))
      request->action = P2P_TRACKER_SERVER_ACTION_SCRAPE;
  }

  switch (request->action) {
    case P2P_TRACKER_SERVER_ACTION_ANNOUNCE:
      return parse_announce (request, object, max_offers, error);
    case P2P_TRACKER_SERVER_ACTION_SCRAPE:
      return parse_scrape (request, object, error);
    default:
      return fail (error, P2P_TRACKER_SERVER_ERROR_MALFORMED,
          "invalid action in WS request");
  }
}
