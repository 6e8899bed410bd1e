/* gst-p2pcdn: tells HLS playlists and DASH MPDs from other responses.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-private.h"

#include <string.h>

/* How far into a document "<MPD" may appear after an XML declaration,
 * comments and the like. */
#define P2P_SNIFF_WINDOW 4096

static const guint8 *
p2p_sniff_skip_blank (const guint8 * p, const guint8 * end)
{
  if (end - p >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
    p += 3;
  while (p < end && g_ascii_isspace (*p))
    p++;
  return p;
}

static gboolean
p2p_sniff_has_prefix (const guint8 * p, const guint8 * end, const gchar * s)
{
  gsize n = strlen (s);

  return (gsize) (end - p) >= n && memcmp (p, s, n) == 0;
}

/* Finds "<MPD" or "<prefix:MPD" as an element name. */
static gboolean
p2p_sniff_find_mpd (const guint8 * p, const guint8 * end)
{
  for (; p < end; p++) {
    const guint8 *name;

    if (*p != '<')
      continue;
    name = p + 1;
    while (name < end && (g_ascii_isalnum (*name) || *name == '_'
            || *name == '-' || *name == '.'))
      name++;
    if (name < end && *name == ':')
      name++;
    else
      name = p + 1;
    if (end - name >= 4 && memcmp (name, "MPD", 3) == 0
        && (g_ascii_isspace (name[3]) || name[3] == '>' || name[3] == '/'))
      return TRUE;
  }
  return FALSE;
}

static P2pManifestFormat
p2p_sniff_data (const guint8 * data, gsize len)
{
  const guint8 *end = data + MIN (len, P2P_SNIFF_WINDOW);
  const guint8 *p = p2p_sniff_skip_blank (data, end);

  if (p2p_sniff_has_prefix (p, end, "#EXTM3U"))
    return P2P_MANIFEST_FORMAT_HLS;
  if (p2p_sniff_has_prefix (p, end, "<") && p2p_sniff_find_mpd (p, end))
    return P2P_MANIFEST_FORMAT_DASH;
  return P2P_MANIFEST_FORMAT_UNKNOWN;
}

static P2pManifestFormat
p2p_sniff_content_type (const gchar * content_type)
{
  static const struct
  {
    const gchar *type;
    P2pManifestFormat format;
  } types[] = {
    {"application/vnd.apple.mpegurl", P2P_MANIFEST_FORMAT_HLS},
    {"application/x-mpegurl", P2P_MANIFEST_FORMAT_HLS},
    {"audio/mpegurl", P2P_MANIFEST_FORMAT_HLS},
    {"audio/x-mpegurl", P2P_MANIFEST_FORMAT_HLS},
    {"application/dash+xml", P2P_MANIFEST_FORMAT_DASH},
  };
  gsize n = strcspn (content_type, ";");
  gchar *mime = g_strstrip (g_strndup (content_type, n));
  P2pManifestFormat format = P2P_MANIFEST_FORMAT_UNKNOWN;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    if (g_ascii_strcasecmp (mime, types[i].type) == 0) {
      format = types[i].format;
      break;
    }
  }
  g_free (mime);
  return format;
}

static P2pManifestFormat
p2p_sniff_uri (const gchar * uri)
{
  gsize n = strcspn (uri, "?#");
  gchar *path = g_ascii_strdown (uri, n);
  P2pManifestFormat format = P2P_MANIFEST_FORMAT_UNKNOWN;

  if (g_str_has_suffix (path, ".m3u8") || g_str_has_suffix (path, ".m3u"))
    format = P2P_MANIFEST_FORMAT_HLS;
  else if (g_str_has_suffix (path, ".mpd"))
    format = P2P_MANIFEST_FORMAT_DASH;
  g_free (path);
  return format;
}

/* The bytes are the strongest evidence (servers send playlists as
 * text/plain, MPDs as application/xml); the Content-Type comes next and the
 * file name last. */
P2pManifestFormat
p2p_manifest_sniff (const gchar * uri, const gchar * content_type,
    const guint8 * data, gsize len)
{
  P2pManifestFormat format = P2P_MANIFEST_FORMAT_UNKNOWN;

  if (data != NULL && len > 0)
    format = p2p_sniff_data (data, len);
  if (format == P2P_MANIFEST_FORMAT_UNKNOWN && content_type != NULL)
    format = p2p_sniff_content_type (content_type);
  if (format == P2P_MANIFEST_FORMAT_UNKNOWN && uri != NULL)
    format = p2p_sniff_uri (uri);
  return format;
}
