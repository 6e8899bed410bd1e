/* gst-p2pcdn: tracker message names, binary-string ids and their generators.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-tracker"

#include "p2p-tracker-msg-private.h"

#include <string.h>

G_DEFINE_QUARK (p2p-tracker-msg-error-quark, p2p_tracker_msg_error)

const gchar *
p2p_tracker_msg_type_to_string (P2pTrackerMsgType type)
{
  switch (type) {
    case P2P_TRACKER_MSG_ANNOUNCE:
      return "announce";
    case P2P_TRACKER_MSG_ANNOUNCE_REPLY:
      return "announce-reply";
    case P2P_TRACKER_MSG_OFFER:
      return "offer";
    case P2P_TRACKER_MSG_ANSWER:
      return "answer";
    case P2P_TRACKER_MSG_FAILURE:
      return "failure";
    case P2P_TRACKER_MSG_SCRAPE:
      return "scrape";
    case P2P_TRACKER_MSG_SCRAPE_REPLY:
      return "scrape-reply";
  }
  return "unknown";
}

const gchar *
p2p_tracker_event_to_string (P2pTrackerEvent event)
{
  switch (event) {
    case P2P_TRACKER_EVENT_NONE:
      return NULL;
    case P2P_TRACKER_EVENT_STARTED:
      return "started";
    case P2P_TRACKER_EVENT_STOPPED:
      return "stopped";
    case P2P_TRACKER_EVENT_COMPLETED:
      return "completed";
  }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Binary-string ids */

/* Only code points <= U+00FF are allowed, so only 1- and 2-byte UTF-8
 * sequences need decoding; anything else is refused.  With @stand_in, the
 * parser's U+FFFF (EF BF BF) is byte 0. */
gboolean
p2p_tracker_id_decode (P2pTrackerId * id, const gchar * str, gsize len,
    gboolean stand_in, const gchar * what, GError ** error)
{
  const guchar *s = (const guchar *) str;
  gsize i = 0;
  guint n = 0;

  while (i < len && n < P2P_TRACKER_ID_LEN) {
    guint cp;

    if (s[i] < 0x80) {
      cp = s[i];
      i += 1;
    } else if ((s[i] == 0xc2 || s[i] == 0xc3) && i + 1 < len &&
        (s[i + 1] & 0xc0) == 0x80) {
      /* U+0080..U+00FF; C0/C1 would be overlong, C4 and up above U+00FF */
      cp = ((s[i] & 0x1f) << 6) | (s[i + 1] & 0x3f);
      i += 2;
    } else if (stand_in && len - i >= 3 && s[i] == 0xef && s[i + 1] == 0xbf
        && s[i + 2] == 0xbf) {
      cp = 0;
      i += 3;
    } else {
      g_set_error (error, P2P_TRACKER_MSG_ERROR,
          P2P_TRACKER_MSG_ERROR_BAD_VALUE,
          "%s: character %u is not a byte (above U+00FF or not UTF-8)",
          what, n + 1);
      return FALSE;
    }
    id->bytes[n++] = cp;
  }
  if (n != P2P_TRACKER_ID_LEN || i < len) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "%s must be %u characters, got %s%u", what, P2P_TRACKER_ID_LEN,
        i < len ? "more than " : "", n);
    return FALSE;
  }
  return TRUE;
}

gboolean
p2p_tracker_id_from_string (P2pTrackerId * id, const gchar * str, gssize len,
    GError ** error)
{
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (str != NULL, FALSE);

  return p2p_tracker_id_decode (id, str, len < 0 ? strlen (str) : (gsize) len,
      FALSE, "id", error);
}

gchar *
p2p_tracker_id_to_ascii (const P2pTrackerId * id)
{
  guint i;

  for (i = 0; i < P2P_TRACKER_ID_LEN; i++) {
    if (id->bytes[i] < 0x20 || id->bytes[i] > 0x7e)
      return NULL;
  }
  return g_strndup ((const gchar *) id->bytes, P2P_TRACKER_ID_LEN);
}

gchar *
p2p_tracker_id_to_hex (const P2pTrackerId * id)
{
  gchar *hex = g_malloc (2 * P2P_TRACKER_ID_LEN + 1);
  guint i;

  for (i = 0; i < P2P_TRACKER_ID_LEN; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", id->bytes[i]);
  return hex;
}

gint
p2p_tracker_id_compare (const P2pTrackerId * a, const P2pTrackerId * b)
{
  return memcmp (a->bytes, b->bytes, P2P_TRACKER_ID_LEN);
}

guint
p2p_tracker_id_hash (gconstpointer id)
{
  const P2pTrackerId *tid = id;
  guint hash = 5381;
  guint i;

  for (i = 0; i < P2P_TRACKER_ID_LEN; i++)
    hash = hash * 33 + tid->bytes[i];
  return hash;
}

gboolean
p2p_tracker_id_equal (gconstpointer a, gconstpointer b)
{
  return p2p_tracker_id_compare (a, b) == 0;
}

static void
p2p_tracker_id_fill_random (P2pTrackerId * id, guint from)
{
  static const gchar alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  guint i;

  for (i = from; i < P2P_TRACKER_ID_LEN; i++)
    id->bytes[i] = alphabet[g_random_int_range (0, sizeof (alphabet) - 1)];
}

void
p2p_tracker_id_generate_peer_id (P2pTrackerId * id, const gchar * prefix)
{
  gsize len;

  if (prefix == NULL)
    prefix = P2P_TRACKER_PEER_ID_PREFIX;
  len = strlen (prefix);
  g_return_if_fail (len <= P2P_TRACKER_ID_LEN);

  memcpy (id->bytes, prefix, len);
  p2p_tracker_id_fill_random (id, len);
}

void
p2p_tracker_id_generate_offer_id (P2pTrackerId * id)
{
  p2p_tracker_id_fill_random (id, 0);
}

/* The JSON string token JSON.stringify writes for a binary string: short
 * escapes where they exist, \u00xx for other controls, bytes >= 0x80 as
 * two-byte UTF-8 (pml-2.3.1-vectors.md section 4). */
void
p2p_tracker_id_append_json (GString * out, const P2pTrackerId * id)
{
  guint i;

  g_string_append_c (out, '"');
  for (i = 0; i < P2P_TRACKER_ID_LEN; i++) {
    guint8 b = id->bytes[i];

    switch (b) {
      case '\b':
        g_string_append (out, "\\b");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\f':
        g_string_append (out, "\\f");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      default:
        if (b < 0x20)
          g_string_append_printf (out, "\\u%04x", b);
        else
          g_string_append_unichar (out, b);
        break;
    }
  }
  g_string_append_c (out, '"');
}

void
p2p_tracker_msg_clear (P2pTrackerMsg * msg)
{
  guint i;

  g_clear_pointer (&msg->failure_reason, g_free);
  g_clear_pointer (&msg->warning_message, g_free);
  g_clear_pointer (&msg->sdp, g_free);
  for (i = 0; i < msg->n_offers; i++)
    g_free (msg->offers[i].sdp);
  g_clear_pointer (&msg->offers, g_free);
  msg->n_offers = 0;
  g_clear_pointer (&msg->files, g_free);
  msg->n_files = 0;
}
