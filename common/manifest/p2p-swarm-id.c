/* gst-p2pcdn: stream keys, stream swarm ids, info_hash and segment ids.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-swarm-id.h"
#include "p2p-manifest-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* JavaScript's String.prototype.trim() for the ASCII whitespace manifests
 * carry. */
static gchar *
p2p_js_trim (const gchar * s)
{
  return g_strstrip (g_strdup (s));
}

static gboolean
p2p_js_is_decimal_literal (const gchar * p)
{
  gboolean digits = FALSE;

  if (*p == '-' || *p == '+')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (digits && (*p == 'e' || *p == 'E')) {
    p++;
    if (*p == '-' || *p == '+')
      p++;
    if (!g_ascii_isdigit (*p))
      return FALSE;
    while (g_ascii_isdigit (*p))
      p++;
  }
  return digits && *p == '\0';
}

/* 0x.., 0o.., 0b.. literals; -1 if @p is not one. */
static gdouble
p2p_js_prefixed_integer (const gchar * p)
{
  gint base;
  gdouble v = 0;
  const gchar *q;

  if (p[0] != '0')
    return -1;
  switch (g_ascii_tolower (p[1])) {
    case 'x':
      base = 16;
      break;
    case 'o':
      base = 8;
      break;
    case 'b':
      base = 2;
      break;
    default:
      return -1;
  }
  for (q = p + 2; *q; q++) {
    gint d = g_ascii_xdigit_value (*q);

    if (d < 0 || d >= base)
      return -1;
    v = v * base + d;
  }
  return q > p + 2 ? v : -1;
}

/* Number (string) of JavaScript, then toString (): NULL for NaN. */
static gchar *
p2p_js_number_from_string (const gchar * s)
{
  gchar *t = p2p_js_trim (s);
  gchar *out = NULL;
  gdouble v;

  if (*t == '\0')
    out = g_strdup ("0");
  else if (g_str_equal (t, "Infinity") || g_str_equal (t, "+Infinity"))
    out = g_strdup ("Infinity");
  else if (g_str_equal (t, "-Infinity"))
    out = g_strdup ("-Infinity");
  else if (p2p_js_is_decimal_literal (t))
    out = p2p_js_number_to_string (g_ascii_strtod (t, NULL));
  else if ((v = p2p_js_prefixed_integer (t)) >= 0)
    out = p2p_js_number_to_string (v);
  g_free (t);
  return out;
}

/* JavaScript lower-casing of a whole string. */
static gchar *
p2p_js_lower (const gchar * s)
{
  return g_utf8_strdown (s, -1);
}

/* "avc1.66.30" (RFC 4281 decimal) becomes "avc1.42001e", as in 2.3. */
static gchar *
p2p_swarm_normalize_avc (gchar * codec)
{
  gchar **parts = g_strsplit (codec, ".", -1);
  gchar *result = codec;

  if (g_strv_length (parts) == 3 && (g_str_equal (parts[0], "avc1")
          || g_str_equal (parts[0], "avc"))) {
    gchar *hex[2] = { NULL, NULL };
    gint i;

    for (i = 0; i < 2; i++) {
      const gchar *part = parts[i + 1];
      gint64 n;
      gchar *canonical;

      /* parseInt () must give back exactly the text. */
      if (!p2p_parse_int64 (part, &n) || part[0] == '+'
          || ABS (n) > (G_GINT64_CONSTANT (1) << 53))
        break;
      canonical = g_strdup_printf ("%" G_GINT64_FORMAT, n);
      if (!g_str_equal (canonical, part) || g_str_equal (part, "-0")) {
        g_free (canonical);
        break;
      }
      g_free (canonical);
      /* toString (16).padStart (2, "0") */
      if (n >= 0)
        hex[i] = g_strdup_printf ("%02" G_GINT64_MODIFIER "x", (guint64) n);
      else
        hex[i] = g_strdup_printf ("-%" G_GINT64_MODIFIER "x", (guint64) - n);
    }
    if (hex[0] && hex[1]) {
      result = g_strdup_printf ("%s.%s00%s", parts[0], hex[0], hex[1]);
      g_free (codec);
    }
    g_free (hex[0]);
    g_free (hex[1]);
  }
  g_strfreev (parts);
  return result;
}

static gint
p2p_swarm_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gchar *
p2p_swarm_normalize_codecs (const gchar * codecs)
{
  gchar **list;
  guint i, n;
  gchar *out;

  if (codecs == NULL || *codecs == '\0')
    return g_strdup ("");
  list = g_strsplit (codecs, ",", -1);
  n = g_strv_length (list);
  for (i = 0; i < n; i++) {
    gchar *trimmed = p2p_js_trim (list[i]);
    gchar *lower = p2p_js_lower (trimmed);

    g_free (trimmed);
    g_free (list[i]);
    list[i] = p2p_swarm_normalize_avc (lower);
  }
  qsort (list, n, sizeof (gchar *), p2p_swarm_compare_strings);
  out = g_strjoinv (",", list);
  g_strfreev (list);
  return out;
}

static gchar *
p2p_swarm_normalize_language (const gchar * language)
{
  const gchar *end;
  gchar *head, *out;

  if (language == NULL || *language == '\0' || g_str_equal (language, "und"))
    return g_strdup ("");
  if (!g_utf8_validate (language, -1, NULL))
    return g_strdup ("");
  end = language;
  if (*end)
    end = g_utf8_next_char (end);
  if (*end)
    end = g_utf8_next_char (end);
  head = g_strndup (language, end - language);
  out = p2p_js_lower (head);
  g_free (head);
  return out;
}

static gchar *
p2p_swarm_identity_string_v2 (const P2pStreamAttrs * a)
{
  gchar *codecs = p2p_swarm_normalize_codecs (a->codecs);
  gchar *language = p2p_swarm_normalize_language (a->language);
  gchar *channels = NULL, *name = NULL, *frame_rate = NULL, *range = NULL;
  gchar *out;

  if (a->channels && *a->channels) {
    const gchar *slash = strchr (a->channels, '/');

    channels = slash ? g_strndup (a->channels, slash - a->channels) :
        g_strdup (a->channels);
  }
  if (a->name && *a->name) {
    gchar *lower = p2p_js_lower (a->name);

    name = p2p_js_trim (lower);
    g_free (lower);
  }
  if (a->frame_rate && *a->frame_rate)
    frame_rate = p2p_js_number_from_string (a->frame_rate);
  if (a->video_range && *a->video_range) {
    gchar *upper = g_utf8_strup (a->video_range, -1);

    range = p2p_js_trim (upper);
    g_free (upper);
  }

  out = g_strdup_printf ("%s-%s-%s-%s-%s-%s-%s-%s-%s",
      a->bitrate ? a->bitrate : "0", codecs,
      a->width ? a->width : "", a->height ? a->height : "", language,
      channels ? channels : "", name ? name : "",
      frame_rate ? frame_rate : "", range ? range : "");
  g_free (codecs);
  g_free (language);
  g_free (channels);
  g_free (name);
  g_free (frame_rate);
  g_free (range);
  return out;
}

static gchar *
p2p_swarm_identity_string_v3 (const P2pStreamAttrs * a)
{
#define V(x) ((x) ? (x) : "")
  return g_strdup_printf ("%s-%s-%s-%s-%s-%s-%s-%s-%s", V (a->bitrate),
      V (a->codecs), V (a->width), V (a->height), V (a->language),
      V (a->channels), V (a->name), V (a->frame_rate), V (a->video_range));
#undef V
}

gchar *
p2p_swarm_identity_string (P2pSwarmProfile profile,
    const P2pStreamAttrs * attrs)
{
  if (profile == P2P_SWARM_PROFILE_V3)
    return p2p_swarm_identity_string_v3 (attrs);
  return p2p_swarm_identity_string_v2 (attrs);
}

static gchar *
p2p_swarm_sha1_base64 (const gchar * text, gsize n_bytes)
{
  GChecksum *sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof (digest);

  g_checksum_update (sha1, (const guchar *) text, strlen (text));
  g_checksum_get_digest (sha1, digest, &digest_len);
  g_checksum_free (sha1);
  return g_base64_encode (digest, MIN (n_bytes, digest_len));
}

gchar *
p2p_swarm_stream_swarm_id (P2pSwarmProfile profile, const gchar * swarm_id,
    gboolean secondary, const P2pStreamAttrs * attrs)
{
  gchar *identity = p2p_swarm_identity_string (profile, attrs);
  gchar *key = p2p_swarm_sha1_base64 (identity, 20);
  gchar *out;

  out = g_strdup_printf ("%s-%s-%s-%s",
      profile == P2P_SWARM_PROFILE_V3 ? "v3" : "v2", swarm_id,
      secondary ? "secondary" : "main", key);
  g_free (identity);
  g_free (key);
  return out;
}

gchar *
p2p_swarm_id_for_manifest (const gchar * uri, const gchar * swarm_id)
{
  gchar *norm, *out;

  if (swarm_id)
    return g_strdup (swarm_id);
  norm = p2p_uri_normalize (uri);
  out = p2p_uri_strip_query (norm);
  g_free (norm);
  return out;
}

gchar *
p2p_swarm_id_of_stream (const gchar * stream_swarm_id)
{
  const gchar *start = strchr (stream_swarm_id, '-');
  const gchar *main_end, *secondary_end, *end;

  if (!start)
    return NULL;
  start++;
  /* the swarm id is a URL and may hold either word: the last one counts */
  main_end = g_strrstr (start, "-main-");
  secondary_end = g_strrstr (start, "-secondary-");
  end = main_end;
  if (secondary_end && (!end || secondary_end > end))
    end = secondary_end;
  return end ? g_strndup (start, end - start) : NULL;
}

gchar *
p2p_swarm_info_hash (const gchar * stream_swarm_id)
{
  return p2p_swarm_sha1_base64 (stream_swarm_id, 15);
}

gint64
p2p_swarm_hls_segment_id (P2pSwarmProfile profile, gboolean live,
    gint64 media_sequence_number, gint64 index)
{
  if (profile == P2P_SWARM_PROFILE_V3 || live)
    return media_sequence_number;
  return index;
}

gint64
p2p_swarm_dash_segment_id (P2pSwarmProfile profile, gdouble start)
{
  gdouble id;

  if (profile == P2P_SWARM_PROFILE_V3)
    id = round (start * 10);
  else
    id = trunc (start / 0.5);
  /* Only a hostile manifest gets here, but the cast must stay defined. */
  if (!(id > (gdouble) G_MININT64 && id < (gdouble) G_MAXINT64))
    return 0;
  return (gint64) id;
}
