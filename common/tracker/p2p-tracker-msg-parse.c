/* gst-p2pcdn: parsing every tracker frame into a P2pTrackerMsg, with json-glib.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-tracker"

#include "p2p-tracker-msg-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* a frame needs 4 levels: {"offers":[{"offer":{...}}]} */
#define P2P_TRACKER_MAX_DEPTH 16

/* Returns: the value of the 4 hex digits at @s, or -1. */
static gint
p2p_tracker_hex4 (const gchar * s)
{
  gint value = 0;
  guint k;

  for (k = 0; k < 4; k++) {
    if (!g_ascii_isxdigit (s[k]))
      return -1;
    value = (value << 4) | g_ascii_xdigit_value (s[k]);
  }
  return value;
}

/* Copies @frame, turning "\u0000" escapes into "\uffff" (see
 * p2p-tracker-msg-private.h).  Refuses raw NUL bytes, a genuine U+FFFF,
 * malformed \u escapes (json-glib reads "\u0x" as U+0000 and "x") and
 * nesting that would make json-glib recurse deeply. */
static GString *
p2p_tracker_prepare (const gchar * frame, gsize len, GError ** error)
{
  GString *text = g_string_new_len (frame, len);
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize i;

  for (i = 0; i < text->len; i++) {
    gchar *c = text->str + i;

    if (*c == '\0') {
      g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
          P2P_TRACKER_MSG_ERROR_SYNTAX, "NUL byte in frame");
      goto fail;
    }
    if (!in_string) {
      if (*c == '"') {
        in_string = TRUE;
      } else if (*c == '{' || *c == '[') {
        if (++depth > P2P_TRACKER_MAX_DEPTH) {
          g_set_error (error, P2P_TRACKER_MSG_ERROR,
              P2P_TRACKER_MSG_ERROR_SYNTAX, "nested deeper than %u levels",
              P2P_TRACKER_MAX_DEPTH);
          goto fail;
        }
      } else if ((*c == '}' || *c == ']') && depth > 0) {
        depth--;
      }
      continue;
    }

    if (*c == '"') {
      in_string = FALSE;
    } else if ((guchar) c[0] == 0xef && text->len - i >= 3 &&
        (guchar) c[1] == 0xbf && (guchar) c[2] == 0xbf) {
      goto stand_in_used;
    } else if (*c == '\\' && i + 1 < text->len) {
      gint cp = c[1] == 'u' && text->len - i >= 6 ?
          p2p_tracker_hex4 (c + 2) : -1;

      if (cp >= 0) {
        if (cp == P2P_TRACKER_NUL_STAND_IN)
          goto stand_in_used;
        if (cp == 0)
          memcpy (c + 2, "ffff", 4);
        /* A lone surrogate has no UTF-8 form: json-glib would hand on
         * invalid UTF-8 (in an SDP, say). */
        if (cp >= 0xd800 && cp <= 0xdbff) {
          gint low = text->len - i >= 12 && c[6] == '\\' && c[7] == 'u' ?
              p2p_tracker_hex4 (c + 8) : -1;

          if (low < 0xdc00 || low > 0xdfff)
            goto lone_surrogate;
          i += 6;
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
          goto lone_surrogate;
        }
        i += 5;
        continue;
      }
      if (c[1] == 'u') {
        g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
            P2P_TRACKER_MSG_ERROR_SYNTAX, "\\u escape without 4 hex digits");
        goto fail;
      }
      /* GScanner would also take octal and other C escapes ("\214" is a
       * lone byte, not UTF-8), which JSON has not. */
      if (c[1] == '\0' || !strchr ("\"\\/bfnrt", c[1])) {
        g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
            P2P_TRACKER_MSG_ERROR_SYNTAX, "escape that JSON has not");
        goto fail;
      }
      i++;                      /* the escaped character */
    }
  }
  return text;

stand_in_used:
  g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE, "frame holds the noncharacter U+FFFF");
  goto fail;
lone_surrogate:
  g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_SYNTAX, "lone surrogate in \\u escape");
fail:
  g_string_free (text, TRUE);
  return NULL;
}

static JsonNode *
p2p_tracker_member (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);

  /* null counts as absent, as in the JavaScript clients' truthiness tests */
  return node != NULL && JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

static gboolean
p2p_tracker_missing (const gchar * name, GError ** error)
{
  g_set_error (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_MISSING_FIELD, "no \"%s\"", name);
  return FALSE;
}

static gboolean
p2p_tracker_bad_type (const gchar * name, const gchar * expected,
    GError ** error)
{
  g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_TYPE,
      "\"%s\" is not %s", name, expected);
  return FALSE;
}

/* @value is NULL when absent and not @required. */
static gboolean
p2p_tracker_get_string (JsonObject * obj, const gchar * name,
    gboolean required, const gchar ** value, GError ** error)
{
  JsonNode *node = p2p_tracker_member (obj, name);

  *value = NULL;
  if (node == NULL)
    return required ? p2p_tracker_missing (name, error) : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return p2p_tracker_bad_type (name, "a string", error);
  *value = json_node_get_string (node);
  return TRUE;
}

/* Free text must not hide a NUL (our stand-in). */
static gboolean
p2p_tracker_get_text (JsonObject * obj, const gchar * name, gsize max,
    gboolean required, gchar ** value, GError ** error)
{
  const gchar *str;

  if (!p2p_tracker_get_string (obj, name, required, &str, error))
    return FALSE;
  if (str == NULL)
    return TRUE;
  if (strlen (str) > max) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_TOO_LARGE,
        "\"%s\" longer than %" G_GSIZE_FORMAT " bytes", name, max);
    return FALSE;
  }
  if (strstr (str, "\xef\xbf\xbf") != NULL) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "\"%s\" holds a NUL character", name);
    return FALSE;
  }
  *value = g_strdup (str);
  return TRUE;
}

static gboolean
p2p_tracker_get_id (JsonObject * obj, const gchar * name, gboolean required,
    P2pTrackerId * id, gboolean * present, GError ** error)
{
  const gchar *str;

  if (present != NULL)
    *present = FALSE;
  if (!p2p_tracker_get_string (obj, name, required, &str, error))
    return FALSE;
  if (str == NULL)
    return TRUE;
  if (!p2p_tracker_id_decode (id, str, strlen (str), TRUE, name, error))
    return FALSE;
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

static gboolean
p2p_tracker_node_count (JsonNode * node, const gchar * name, gint64 * value,
    GError ** error)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return p2p_tracker_bad_type (name, "a number", error);
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64) {
    *value = json_node_get_int (node);
  } else if (type == G_TYPE_DOUBLE) {
    gdouble d = json_node_get_double (node);

    /* 120.0 is a JSON number like 120; 1.5 is not a count */
    if (!(d >= 0 && d <= (gdouble) P2P_TRACKER_MAX_COUNT) ||
        d != (gdouble) (gint64) d) {
      g_set_error (error, P2P_TRACKER_MSG_ERROR,
          P2P_TRACKER_MSG_ERROR_BAD_VALUE, "\"%s\" = %g is not a count", name,
          d);
      return FALSE;
    }
    *value = (gint64) d;
  } else {
    return p2p_tracker_bad_type (name, "a number", error);
  }
  if (*value < 0 || *value > P2P_TRACKER_MAX_COUNT) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "\"%s\" = %" G_GINT64_FORMAT " is out of range", name, *value);
    return FALSE;
  }
  return TRUE;
}

/* @value stays -1 when absent. */
static gboolean
p2p_tracker_get_count (JsonObject * obj, const gchar * name, gint64 * value,
    GError ** error)
{
  JsonNode *node = p2p_tracker_member (obj, name);

  *value = -1;
  return node == NULL || p2p_tracker_node_count (node, name, value, error);
}

static JsonObject *
p2p_tracker_get_object (JsonObject * obj, const gchar * name, GError ** error)
{
  JsonNode *node = p2p_tracker_member (obj, name);

  if (node == NULL) {
    p2p_tracker_missing (name, error);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    p2p_tracker_bad_type (name, "an object", error);
    return NULL;
  }
  return json_node_get_object (node);
}

/* {"type": @type, "sdp": ...}; a missing type is forgiven. */
static gboolean
p2p_tracker_parse_sdp (JsonObject * obj, const gchar * name,
    const gchar * type, gchar ** sdp, GError ** error)
{
  JsonObject *desc = p2p_tracker_get_object (obj, name, error);
  const gchar *found;

  if (desc == NULL || !p2p_tracker_get_string (desc, "type", FALSE, &found,
          error))
    return FALSE;
  if (found != NULL && !g_str_equal (found, type)) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "\"%s\" has type \"%s\"", name, found);
    return FALSE;
  }
  return p2p_tracker_get_text (desc, "sdp", P2P_TRACKER_MAX_SDP, TRUE, sdp,
      error);
}

static gboolean
p2p_tracker_parse_event (JsonObject * obj, P2pTrackerEvent * event,
    GError ** error)
{
  const gchar *str;

  *event = P2P_TRACKER_EVENT_NONE;
  if (!p2p_tracker_get_string (obj, "event", FALSE, &str, error))
    return FALSE;
  /* aquatic also knows "update", the same as no event */
  if (str == NULL || g_str_equal (str, "update"))
    return TRUE;
  if (g_str_equal (str, "started"))
    *event = P2P_TRACKER_EVENT_STARTED;
  else if (g_str_equal (str, "stopped"))
    *event = P2P_TRACKER_EVENT_STOPPED;
  else if (g_str_equal (str, "completed"))
    *event = P2P_TRACKER_EVENT_COMPLETED;
  else {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "unknown event \"%s\"", str);
    return FALSE;
  }
  return TRUE;
}

static gboolean
p2p_tracker_parse_offers (JsonObject * obj, P2pTrackerMsg * msg,
    GError ** error)
{
  JsonNode *node = p2p_tracker_member (obj, "offers");
  JsonArray *array;
  guint n, i;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return p2p_tracker_bad_type ("offers", "an array", error);
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > P2P_TRACKER_MAX_OFFERS) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_TOO_LARGE,
        "%u offers, at most %u allowed", n, P2P_TRACKER_MAX_OFFERS);
    return FALSE;
  }

  msg->offers = g_new0 (P2pTrackerOffer, n);
  for (i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (array, i);
    JsonObject *offer;

    if (!JSON_NODE_HOLDS_OBJECT (item))
      return p2p_tracker_bad_type ("offers[]", "an object", error);
    offer = json_node_get_object (item);
    /* counted first so that clear() frees a half-read offer */
    msg->n_offers++;
    if (!p2p_tracker_get_id (offer, "offer_id", TRUE,
            &msg->offers[i].offer_id, NULL, error) ||
        !p2p_tracker_parse_sdp (offer, "offer", "offer", &msg->offers[i].sdp,
            error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
p2p_tracker_parse_announce (JsonObject * obj, P2pTrackerMsg * msg,
    GError ** error)
{
  gboolean has_offer = p2p_tracker_member (obj, "offer") != NULL;
  gboolean has_answer = p2p_tracker_member (obj, "answer") != NULL;
  gboolean has_peer_id;

  if (!p2p_tracker_get_id (obj, "info_hash", TRUE, &msg->info_hash,
          &msg->has_info_hash, error) ||
      !p2p_tracker_get_count (obj, "interval", &msg->interval, error) ||
      !p2p_tracker_get_count (obj, "complete", &msg->complete, error) ||
      !p2p_tracker_get_count (obj, "incomplete", &msg->incomplete, error) ||
      !p2p_tracker_get_id (obj, "peer_id", has_offer || has_answer,
          &msg->peer_id, &has_peer_id, error))
    return FALSE;

  if (msg->interval < 0 && !p2p_tracker_get_count (obj, "min interval",
          &msg->interval, error))
    return FALSE;

  if (has_offer && has_answer) {
    g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
        P2P_TRACKER_MSG_ERROR_BAD_VALUE, "both \"offer\" and \"answer\"");
    return FALSE;
  }

  if (has_offer) {
    msg->type = P2P_TRACKER_MSG_OFFER;
    return p2p_tracker_get_id (obj, "offer_id", TRUE, &msg->offer_id, NULL,
        error) && p2p_tracker_parse_sdp (obj, "offer", "offer", &msg->sdp,
        error);
  }
  if (has_answer) {
    msg->type = P2P_TRACKER_MSG_ANSWER;
    return p2p_tracker_get_id (obj, "offer_id", TRUE, &msg->offer_id, NULL,
        error) && p2p_tracker_get_id (obj, "to_peer_id", FALSE,
        &msg->to_peer_id, &msg->has_to_peer_id, error) &&
        p2p_tracker_parse_sdp (obj, "answer", "answer", &msg->sdp, error);
  }
  /* only a client names itself in a plain announce */
  if (has_peer_id) {
    msg->type = P2P_TRACKER_MSG_ANNOUNCE;
    return p2p_tracker_parse_event (obj, &msg->event, error) &&
        p2p_tracker_get_count (obj, "numwant", &msg->numwant, error) &&
        p2p_tracker_get_count (obj, "uploaded", &msg->uploaded, error) &&
        p2p_tracker_get_count (obj, "downloaded", &msg->downloaded, error) &&
        p2p_tracker_parse_offers (obj, msg, error);
  }
  msg->type = P2P_TRACKER_MSG_ANNOUNCE_REPLY;
  return TRUE;
}

static gboolean
p2p_tracker_parse_scrape_reply (JsonObject * files, P2pTrackerMsg * msg,
    GError ** error)
{
  g_autoptr (GList) names = json_object_get_members (files);
  GList *l;

  msg->type = P2P_TRACKER_MSG_SCRAPE_REPLY;
  msg->files = g_new0 (P2pTrackerScrapeFile, g_list_length (names));
  for (l = names; l != NULL; l = l->next) {
    P2pTrackerScrapeFile *file = &msg->files[msg->n_files];
    JsonNode *node = json_object_get_member (files, l->data);
    JsonObject *counts;

    if (!p2p_tracker_id_decode (&file->info_hash, l->data, strlen (l->data),
            TRUE, "files key", error))
      return FALSE;
    if (!JSON_NODE_HOLDS_OBJECT (node))
      return p2p_tracker_bad_type ("files[]", "an object", error);
    counts = json_node_get_object (node);
    if (!p2p_tracker_get_count (counts, "complete", &file->complete, error) ||
        !p2p_tracker_get_count (counts, "incomplete", &file->incomplete,
            error) ||
        !p2p_tracker_get_count (counts, "downloaded", &file->downloaded,
            error))
      return FALSE;
    msg->n_files++;
  }
  return TRUE;
}

static gboolean
p2p_tracker_parse_scrape (JsonObject * obj, P2pTrackerMsg * msg,
    GError ** error)
{
  JsonNode *node = p2p_tracker_member (obj, "files");
  JsonArray *array;
  guint n, i;

  if (node != NULL) {
    if (!JSON_NODE_HOLDS_OBJECT (node))
      return p2p_tracker_bad_type ("files", "an object", error);
    return p2p_tracker_parse_scrape_reply (json_node_get_object (node), msg,
        error);
  }

  msg->type = P2P_TRACKER_MSG_SCRAPE;
  node = p2p_tracker_member (obj, "info_hash");
  if (node == NULL)
    return TRUE;
  /* bittorrent-tracker takes one string or an array of them */
  if (JSON_NODE_HOLDS_VALUE (node)) {
    msg->files = g_new0 (P2pTrackerScrapeFile, 1);
    msg->n_files = 1;
    msg->files[0].complete = msg->files[0].incomplete =
        msg->files[0].downloaded = -1;
    return p2p_tracker_get_id (obj, "info_hash", TRUE,
        &msg->files[0].info_hash, NULL, error);
  }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return p2p_tracker_bad_type ("info_hash", "a string or an array", error);

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  msg->files = g_new0 (P2pTrackerScrapeFile, n);
  for (i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (array, i);
    P2pTrackerScrapeFile *file = &msg->files[i];

    if (!JSON_NODE_HOLDS_VALUE (item) ||
        json_node_get_value_type (item) != G_TYPE_STRING)
      return p2p_tracker_bad_type ("info_hash[]", "a string", error);
    if (!p2p_tracker_id_decode (&file->info_hash, json_node_get_string (item),
            strlen (json_node_get_string (item)), TRUE, "info_hash", error))
      return FALSE;
    file->complete = file->incomplete = file->downloaded = -1;
    msg->n_files++;
  }
  return TRUE;
}

static gboolean
p2p_tracker_parse_object (JsonObject * obj, P2pTrackerMsg * msg,
    GError ** error)
{
  const gchar *action;

  if (!p2p_tracker_get_text (obj, "warning message", P2P_TRACKER_MAX_FRAME,
          FALSE, &msg->warning_message, error) ||
      !p2p_tracker_get_text (obj, "failure reason", P2P_TRACKER_MAX_FRAME,
          FALSE, &msg->failure_reason, error))
    return FALSE;

  /* bittorrent-tracker answers a frame it cannot parse with nothing but
   * {"failure reason": ...}; later failures name the action and info_hash */
  if (msg->failure_reason != NULL) {
    msg->type = P2P_TRACKER_MSG_FAILURE;
    return p2p_tracker_get_id (obj, "info_hash", FALSE, &msg->info_hash,
        &msg->has_info_hash, error);
  }

  if (!p2p_tracker_get_string (obj, "action", TRUE, &action, error))
    return FALSE;
  if (g_str_equal (action, "announce"))
    return p2p_tracker_parse_announce (obj, msg, error);
  if (g_str_equal (action, "scrape"))
    return p2p_tracker_parse_scrape (obj, msg, error);

  g_set_error (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_UNKNOWN_ACTION, "unknown action \"%s\"", action);
  return FALSE;
}

static void
p2p_tracker_msg_init (P2pTrackerMsg * msg)
{
  memset (msg, 0, sizeof (*msg));
  msg->interval = msg->complete = msg->incomplete = -1;
  msg->numwant = msg->uploaded = msg->downloaded = -1;
}

gboolean
p2p_tracker_msg_parse (const gchar * frame, gssize len, P2pTrackerMsg * msg,
    GError ** error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) json_error = NULL;
  GString *text;
  JsonNode *root;
  gsize size;

  g_return_val_if_fail (frame != NULL || len == 0, FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  p2p_tracker_msg_init (msg);
  size = len < 0 ? strlen (frame) : (gsize) len;
  if (size > P2P_TRACKER_MAX_FRAME) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_TOO_LARGE,
        "frame of %" G_GSIZE_FORMAT " bytes, at most %u allowed", size,
        P2P_TRACKER_MAX_FRAME);
    return FALSE;
  }

  text = p2p_tracker_prepare (frame, size, error);
  if (text == NULL)
    return FALSE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text->str, text->len,
          &json_error)) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_SYNTAX,
        "not JSON: %s", json_error->message);
    g_string_free (text, TRUE);
    return FALSE;
  }
  g_string_free (text, TRUE);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
        P2P_TRACKER_MSG_ERROR_SYNTAX, "frame is not a JSON object");
    return FALSE;
  }
  if (!p2p_tracker_parse_object (json_node_get_object (root), msg, error)) {
    p2p_tracker_msg_clear (msg);
    return FALSE;
  }
  return TRUE;
}
