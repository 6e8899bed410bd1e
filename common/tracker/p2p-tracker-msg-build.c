/* gst-p2pcdn: building the frames a tracker client sends, with json-glib.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-tracker"

#include "p2p-tracker-msg-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef struct {
  JsonBuilder *builder;
  /* ids whose markers stand in the generated text, by index.  A marker
   * starts with U+0001, which json-glib escapes and no SDP we accept
   * holds, so nothing else can come out as its token. */
  GPtrArray *ids;
} P2pTrackerWriter;

static void
p2p_tracker_writer_init (P2pTrackerWriter * w)
{
  w->builder = json_builder_new ();
  w->ids = g_ptr_array_new ();
  json_builder_begin_object (w->builder);
}

static void
p2p_tracker_writer_clear (P2pTrackerWriter * w)
{
  g_clear_object (&w->builder);
  g_clear_pointer (&w->ids, g_ptr_array_unref);
}

static void
p2p_tracker_writer_string (P2pTrackerWriter * w, const gchar * name,
    const gchar * value)
{
  json_builder_set_member_name (w->builder, name);
  json_builder_add_string_value (w->builder, value);
}

static void
p2p_tracker_writer_int (P2pTrackerWriter * w, const gchar * name,
    gint64 value)
{
  json_builder_set_member_name (w->builder, name);
  json_builder_add_int_value (w->builder, value);
}

/* @name NULL adds an array element. */
static void
p2p_tracker_writer_id (P2pTrackerWriter * w, const gchar * name,
    const P2pTrackerId * id)
{
  g_autofree gchar *marker = g_strdup_printf ("\001p2p-id-%u", w->ids->len);

  if (name != NULL)
    json_builder_set_member_name (w->builder, name);
  json_builder_add_string_value (w->builder, marker);
  g_ptr_array_add (w->ids, (gpointer) id);
}

/* {"type":..., "sdp":...} as simple-peer signals it */
static void
p2p_tracker_writer_sdp (P2pTrackerWriter * w, const gchar * name,
    const gchar * type, const gchar * sdp)
{
  json_builder_set_member_name (w->builder, name);
  json_builder_begin_object (w->builder);
  p2p_tracker_writer_string (w, "type", type);
  p2p_tracker_writer_string (w, "sdp", sdp);
  json_builder_end_object (w->builder);
}

static gchar *
p2p_tracker_writer_finish (P2pTrackerWriter * w, GError ** error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  GString *out;
  guint i;

  json_builder_end_object (w->builder);
  root = json_builder_get_root (w->builder);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  out = g_string_new (text);

  for (i = 0; i < w->ids->len; i++) {
    g_autofree gchar *token = g_strdup_printf ("\"\\u0001p2p-id-%u\"", i);
    g_autoptr (GString) id_json = g_string_new (NULL);
    const gchar *at = strstr (out->str, token);
    gsize pos;

    g_assert (at != NULL);
    pos = at - out->str;
    p2p_tracker_id_append_json (id_json, g_ptr_array_index (w->ids, i));
    g_string_erase (out, pos, strlen (token));
    g_string_insert_len (out, pos, id_json->str, id_json->len);
  }

  if (out->len > P2P_TRACKER_MAX_FRAME) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_TOO_LARGE,
        "frame of %" G_GSIZE_FORMAT " bytes, at most %u allowed", out->len,
        P2P_TRACKER_MAX_FRAME);
    g_string_free (out, TRUE);
    return NULL;
  }
  return g_string_free (out, FALSE);
}

/* What we send must be JSON every tracker reads: json-glib would write
 * some control characters raw, which JSON.parse refuses. */
static gboolean
p2p_tracker_check_sdp (const gchar * sdp, GError ** error)
{
  gsize len;
  const gchar *p;

  if (sdp == NULL) {
    g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
        P2P_TRACKER_MSG_ERROR_BAD_VALUE, "no SDP");
    return FALSE;
  }
  len = strlen (sdp);
  if (len > P2P_TRACKER_MAX_SDP) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_TOO_LARGE,
        "SDP of %" G_GSIZE_FORMAT " bytes, at most %u allowed", len,
        P2P_TRACKER_MAX_SDP);
    return FALSE;
  }
  if (!g_utf8_validate (sdp, len, NULL)) {
    g_set_error_literal (error, P2P_TRACKER_MSG_ERROR,
        P2P_TRACKER_MSG_ERROR_BAD_VALUE, "SDP is not UTF-8");
    return FALSE;
  }
  for (p = sdp; *p != '\0'; p++) {
    guchar c = *p;

    if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f) {
      g_set_error (error, P2P_TRACKER_MSG_ERROR,
          P2P_TRACKER_MSG_ERROR_BAD_VALUE,
          "SDP holds control character 0x%02x", c);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
p2p_tracker_check_count (const gchar * name, gint64 value, GError ** error)
{
  if (value < 0 || value > P2P_TRACKER_MAX_COUNT) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "%s = %" G_GINT64_FORMAT " is out of range", name, value);
    return FALSE;
  }
  return TRUE;
}

gchar *
p2p_tracker_msg_build_announce (const P2pTrackerAnnounce * a, GError ** error)
{
  P2pTrackerWriter w;
  const gchar *event;
  gchar *frame;
  guint i;

  g_return_val_if_fail (a != NULL, NULL);
  g_return_val_if_fail (a->n_offers == 0 || a->offers != NULL, NULL);

  if (a->event > P2P_TRACKER_EVENT_COMPLETED) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "unknown event %d", a->event);
    return NULL;
  }
  if (a->n_offers > 0 && (a->event == P2P_TRACKER_EVENT_STOPPED ||
          a->event == P2P_TRACKER_EVENT_COMPLETED)) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "no offers go with a %s announce",
        p2p_tracker_event_to_string (a->event));
    return NULL;
  }
  if (a->n_offers > P2P_TRACKER_MAX_OFFERS) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_TOO_LARGE,
        "%u offers, at most %u allowed", a->n_offers, P2P_TRACKER_MAX_OFFERS);
    return NULL;
  }
  if (!p2p_tracker_check_count ("numwant", a->numwant, error) ||
      !p2p_tracker_check_count ("uploaded", a->uploaded, error) ||
      !p2p_tracker_check_count ("downloaded", a->downloaded, error))
    return NULL;
  for (i = 0; i < a->n_offers; i++) {
    if (!p2p_tracker_check_sdp (a->offers[i].sdp, error))
      return NULL;
  }

  p2p_tracker_writer_init (&w);
  p2p_tracker_writer_int (&w, "numwant", a->numwant);
  p2p_tracker_writer_int (&w, "uploaded", a->uploaded);
  p2p_tracker_writer_int (&w, "downloaded", a->downloaded);
  event = p2p_tracker_event_to_string (a->event);
  if (event != NULL)
    p2p_tracker_writer_string (&w, "event", event);
  p2p_tracker_writer_string (&w, "action", "announce");
  p2p_tracker_writer_id (&w, "info_hash", &a->info_hash);
  p2p_tracker_writer_id (&w, "peer_id", &a->peer_id);
  if (a->event == P2P_TRACKER_EVENT_NONE ||
      a->event == P2P_TRACKER_EVENT_STARTED) {
    json_builder_set_member_name (w.builder, "offers");
    json_builder_begin_array (w.builder);
    for (i = 0; i < a->n_offers; i++) {
      json_builder_begin_object (w.builder);
      p2p_tracker_writer_sdp (&w, "offer", "offer", a->offers[i].sdp);
      p2p_tracker_writer_id (&w, "offer_id", &a->offers[i].offer_id);
      json_builder_end_object (w.builder);
    }
    json_builder_end_array (w.builder);
  }
  frame = p2p_tracker_writer_finish (&w, error);
  p2p_tracker_writer_clear (&w);
  return frame;
}

gchar *
p2p_tracker_msg_build_answer (const P2pTrackerId * info_hash,
    const P2pTrackerId * peer_id, const P2pTrackerId * to_peer_id,
    const P2pTrackerId * offer_id, const gchar * sdp, GError ** error)
{
  P2pTrackerWriter w;
  gchar *frame;

  g_return_val_if_fail (info_hash && peer_id && to_peer_id && offer_id, NULL);

  if (!p2p_tracker_check_sdp (sdp, error))
    return NULL;

  p2p_tracker_writer_init (&w);
  p2p_tracker_writer_string (&w, "action", "announce");
  p2p_tracker_writer_id (&w, "info_hash", info_hash);
  p2p_tracker_writer_id (&w, "peer_id", peer_id);
  p2p_tracker_writer_id (&w, "to_peer_id", to_peer_id);
  p2p_tracker_writer_sdp (&w, "answer", "answer", sdp);
  p2p_tracker_writer_id (&w, "offer_id", offer_id);
  frame = p2p_tracker_writer_finish (&w, error);
  p2p_tracker_writer_clear (&w);
  return frame;
}

gchar *
p2p_tracker_msg_build_scrape (const P2pTrackerId * info_hashes,
    guint n_info_hashes, GError ** error)
{
  P2pTrackerWriter w;
  gchar *frame;
  guint i;

  g_return_val_if_fail (info_hashes != NULL || n_info_hashes == 0, NULL);

  if (n_info_hashes == 0 || n_info_hashes > P2P_TRACKER_MAX_SCRAPE) {
    g_set_error (error, P2P_TRACKER_MSG_ERROR, P2P_TRACKER_MSG_ERROR_BAD_VALUE,
        "%u info hashes to scrape, 1..%u allowed", n_info_hashes,
        P2P_TRACKER_MAX_SCRAPE);
    return NULL;
  }

  p2p_tracker_writer_init (&w);
  p2p_tracker_writer_string (&w, "action", "scrape");
  json_builder_set_member_name (w.builder, "info_hash");
  json_builder_begin_array (w.builder);
  for (i = 0; i < n_info_hashes; i++)
    p2p_tracker_writer_id (&w, NULL, &info_hashes[i]);
  json_builder_end_array (w.builder);
  frame = p2p_tracker_writer_finish (&w, error);
  p2p_tracker_writer_clear (&w);
  return frame;
}
