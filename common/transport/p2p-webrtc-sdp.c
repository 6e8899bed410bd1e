/* gst-p2pcdn: checks on remote SDP before webrtcbin sees it, and local fix-ups.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-transport"

#include "p2p-webrtc-sdp.h"
#include "p2p-transport.h"

#include <string.h>

static const gchar *
p2p_webrtc_sdp_attribute (const GstSDPMessage * msg, const GstSDPMedia * media,
    const gchar * key)
{
  const gchar *value = gst_sdp_media_get_attribute_val (media, key);

  return value != NULL ? value : gst_sdp_message_get_attribute_val (msg, key);
}

static gboolean
p2p_webrtc_sdp_is_data_media (const GstSDPMedia * media)
{
  const gchar *proto = gst_sdp_media_get_proto (media);

  return g_strcmp0 (gst_sdp_media_get_media (media), "application") == 0 &&
      proto != NULL && strstr (proto, "DTLS/SCTP") != NULL;
}

GstSDPMessage *
p2p_webrtc_sdp_parse (const gchar * text, GError ** error)
{
  g_autoptr (GstSDPMessage) msg = NULL;
  guint i, n_media;

  if (text == NULL || *text == '\0' ||
      gst_sdp_message_new_from_text (text, &msg) != GST_SDP_OK)
    goto invalid;
  if (g_strcmp0 (gst_sdp_message_get_version (msg), "0") != 0)
    goto invalid;

  n_media = gst_sdp_message_medias_len (msg);
  if (n_media == 0) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
        "Session description has no m= line");
    return NULL;
  }
  for (i = 0; i < n_media; i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (msg, i);

    if (!p2p_webrtc_sdp_is_data_media (media)) {
      g_set_error (error, P2P_TRANSPORT_ERROR,
          P2P_TRANSPORT_ERROR_INVALID_SDP,
          "Only data channels are supported, m-line %u is '%s %s'", i,
          GST_STR_NULL (gst_sdp_media_get_media (media)),
          GST_STR_NULL (gst_sdp_media_get_proto (media)));
      return NULL;
    }
    if (gst_sdp_media_get_port (media) == 0) {
      g_set_error (error, P2P_TRANSPORT_ERROR,
          P2P_TRANSPORT_ERROR_INVALID_SDP, "The data m-line was rejected "
          "(port 0)");
      return NULL;
    }
    if (p2p_webrtc_sdp_attribute (msg, media, "ice-ufrag") == NULL ||
        p2p_webrtc_sdp_attribute (msg, media, "ice-pwd") == NULL) {
      g_set_error (error, P2P_TRANSPORT_ERROR,
          P2P_TRANSPORT_ERROR_INVALID_SDP,
          "Session description lacks ICE credentials (a=ice-ufrag/ice-pwd)");
      return NULL;
    }
    if (p2p_webrtc_sdp_attribute (msg, media, "fingerprint") == NULL) {
      g_set_error (error, P2P_TRANSPORT_ERROR,
          P2P_TRANSPORT_ERROR_INVALID_SDP,
          "Session description lacks a DTLS fingerprint");
      return NULL;
    }
  }
  return g_steal_pointer (&msg);

invalid:
  g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
      "Not a session description (expected v=0 first)");
  return NULL;
}

guint64
p2p_webrtc_sdp_get_max_message_size (const GstSDPMessage * msg)
{
  guint i;

  for (i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (msg, i);
    const gchar *value;
    gchar *end = NULL;
    guint64 size;

    if (!p2p_webrtc_sdp_is_data_media (media))
      continue;
    value = gst_sdp_media_get_attribute_val (media, "max-message-size");
    if (value == NULL)
      return 0;
    size = g_ascii_strtoull (value, &end, 10);
    return (end != value && *end == '\0') ? size : 0;
  }
  return 0;
}

gboolean
p2p_webrtc_sdp_candidate_is_relay (const gchar * candidate)
{
  g_auto (GStrv) fields = NULL;
  guint i;

  if (candidate == NULL)
    return FALSE;
  /* foundation component transport priority address port "typ" type ... */
  fields = g_strsplit_set (candidate, " \t\r\n", -1);
  for (i = 0; fields[i] != NULL && fields[i + 1] != NULL; i++)
    if (g_str_equal (fields[i], "typ"))
      return g_str_equal (fields[i + 1], "relay");
  return FALSE;
}

gchar *
p2p_webrtc_sdp_scrub_related_address (const gchar * candidate)
{
  g_auto (GStrv) fields = g_strsplit (candidate, " ", -1);
  guint i;

  for (i = 0; fields[i] != NULL && fields[i + 1] != NULL; i++) {
    if (g_str_equal (fields[i], "raddr")) {
      g_free (fields[i + 1]);
      fields[i + 1] = g_strdup ("0.0.0.0");
    } else if (g_str_equal (fields[i], "rport")) {
      g_free (fields[i + 1]);
      fields[i + 1] = g_strdup ("0");
    }
  }
  return g_strjoinv (" ", fields);
}

guint
p2p_webrtc_sdp_keep_relay_candidates (GstSDPMessage * msg)
{
  guint m, i, removed = 0;

  if (gst_sdp_message_get_connection (msg)->address != NULL)
    gst_sdp_message_set_connection (msg, "IN", "IP4", "0.0.0.0", 0, 0);
  for (m = 0; m < gst_sdp_message_medias_len (msg); m++) {
    GstSDPMedia *media = (GstSDPMedia *) gst_sdp_message_get_media (msg, m);

    for (i = 0; i < gst_sdp_media_connections_len (media); i++) {
      GstSDPConnection unspecified = { 0, };

      gst_sdp_connection_set (&unspecified, "IN", "IP4", "0.0.0.0", 0, 0);
      gst_sdp_media_replace_connection (media, i, &unspecified);
    }

    for (i = gst_sdp_media_attributes_len (media); i > 0; i--) {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media,
          i - 1);

      if (g_strcmp0 (attr->key, "candidate") != 0)
        continue;
      if (!p2p_webrtc_sdp_candidate_is_relay (attr->value)) {
        gst_sdp_media_remove_attribute (media, i - 1);
        removed++;
      } else {
        g_autofree gchar *scrubbed =
            p2p_webrtc_sdp_scrub_related_address (attr->value);
        GstSDPAttribute replacement;

        gst_sdp_attribute_set (&replacement, "candidate", scrubbed);
        gst_sdp_media_replace_attribute (media, i - 1, &replacement);
      }
    }
  }
  return removed;
}

guint
p2p_webrtc_sdp_count_candidates (const GstSDPMessage * msg, guint mline)
{
  const GstSDPMedia *media;
  guint i, n = 0;

  if (mline >= gst_sdp_message_medias_len (msg))
    return 0;
  media = gst_sdp_message_get_media (msg, mline);
  for (i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);

    if (g_strcmp0 (attr->key, "candidate") == 0)
      n++;
  }
  return n;
}

void
p2p_webrtc_sdp_add_candidates (GstSDPMessage * msg, guint mline,
    GPtrArray * candidates)
{
  GstSDPMedia *media;
  guint i;

  if (mline >= gst_sdp_message_medias_len (msg) ||
      p2p_webrtc_sdp_count_candidates (msg, mline) > 0)
    return;
  media = (GstSDPMedia *) gst_sdp_message_get_media (msg, mline);
  for (i = 0; i < candidates->len; i++) {
    const gchar *line = g_ptr_array_index (candidates, i);

    if (g_str_has_prefix (line, "a="))
      line += 2;
    if (g_str_has_prefix (line, "candidate:"))
      gst_sdp_media_add_attribute (media, "candidate",
          line + strlen ("candidate:"));
  }
}
