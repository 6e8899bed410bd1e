/* gst-p2pcdn: HLS master and media playlist parser (RFC 8216).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-hls-parser.h"
#include "p2p-manifest-private.h"

#include <string.h>

typedef struct
{
  gchar *name;
  gchar *value;
} P2pHlsAttr;

typedef struct
{
  const gchar *base_uri;
  GUri *base;                   /* parsed once for every URI */
  P2pHlsPlaylist *pl;
  guint line;
  GError **error;

  gboolean master_tags;
  gboolean media_tags;
  guint master_tag_line;
  guint media_tag_line;

  /* master: the EXT-X-STREAM-INF waiting for its URI line */
  P2pHlsVariant *pending_variant;
  guint pending_variant_line;

  /* media: tags that apply to the next URI line */
  gboolean have_extinf;
  guint extinf_line;
  gdouble duration;
  gboolean have_byterange;
  guint64 byterange_length;
  gboolean byterange_has_offset;
  guint64 byterange_offset;
  gboolean discontinuity;
  gboolean aes128;              /* the EXT-X-KEY in force says AES-128 */
  gint map;
  gdouble next_start;
} P2pHlsParser;

static void
p2p_hls_attr_free (gpointer data)
{
  P2pHlsAttr *attr = data;

  g_free (attr->name);
  g_free (attr->value);
  g_free (attr);
}

static void
p2p_hls_variant_free (gpointer data)
{
  P2pHlsVariant *v = data;

  g_free (v->uri);
  g_free (v->bandwidth);
  g_free (v->average_bandwidth);
  g_free (v->codecs);
  g_free (v->resolution);
  g_free (v->frame_rate);
  g_free (v->video_range);
  g_free (v->audio);
  g_free (v);
}

static void
p2p_hls_rendition_free (gpointer data)
{
  P2pHlsRendition *r = data;

  g_free (r->type);
  g_free (r->group_id);
  g_free (r->name);
  g_free (r->language);
  g_free (r->channels);
  g_free (r->uri);
  g_free (r);
}

static void
p2p_hls_resource_free (gpointer data)
{
  P2pHlsResource *res = data;

  g_free (res->uri);
  g_free (res);
}

static void
p2p_hls_segment_clear (gpointer data)
{
  P2pHlsSegment *seg = data;

  g_free (seg->resource.uri);
}

void
p2p_hls_playlist_free (P2pHlsPlaylist * pl)
{
  if (pl == NULL)
    return;
  g_ptr_array_unref (pl->variants);
  g_ptr_array_unref (pl->renditions);
  g_ptr_array_unref (pl->iframe_uris);
  g_array_unref (pl->segments);
  g_ptr_array_unref (pl->maps);
  g_ptr_array_unref (pl->keys);
  g_free (pl);
}

static P2pHlsPlaylist *
p2p_hls_playlist_new (void)
{
  P2pHlsPlaylist *pl = g_new0 (P2pHlsPlaylist, 1);

  pl->variants = g_ptr_array_new_with_free_func (p2p_hls_variant_free);
  pl->renditions = g_ptr_array_new_with_free_func (p2p_hls_rendition_free);
  pl->iframe_uris = g_ptr_array_new_with_free_func (g_free);
  pl->segments = g_array_new (FALSE, TRUE, sizeof (P2pHlsSegment));
  g_array_set_clear_func (pl->segments, p2p_hls_segment_clear);
  pl->maps = g_ptr_array_new_with_free_func (p2p_hls_resource_free);
  pl->keys = g_ptr_array_new_with_free_func (g_free);
  return pl;
}

static gboolean p2p_hls_fail (P2pHlsParser * p, gint code,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
p2p_hls_fail (P2pHlsParser * p, gint code, const gchar * format, ...)
{
  va_list args;
  gchar *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (p->error, P2P_MANIFEST_ERROR, code, "HLS line %u: %s",
      p->line, msg);
  g_free (msg);
  return FALSE;
}

/* AttributeList of RFC 8216 4.2: NAME=value pairs separated by commas, a
 * value either a quoted string (no escapes) or anything up to the next
 * comma. */
static GPtrArray *
p2p_hls_parse_attrs (P2pHlsParser * p, const gchar * s)
{
  GPtrArray *attrs = g_ptr_array_new_with_free_func (p2p_hls_attr_free);

  while (*s) {
    const gchar *name, *eq, *value_end;
    P2pHlsAttr *attr;

    while (*s == ' ' || *s == '\t')
      s++;
    if (*s == '\0')
      break;
    name = s;
    eq = s;
    while (*eq && *eq != '=' && *eq != ',')
      eq++;
    if (*eq != '=' || eq == name) {
      p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
          "attribute without a name or '=' in \"%s\"", name);
      g_ptr_array_unref (attrs);
      return NULL;
    }
    attr = g_new0 (P2pHlsAttr, 1);
    attr->name = g_strstrip (g_strndup (name, eq - name));
    s = eq + 1;
    if (*s == '"') {
      value_end = strchr (s + 1, '"');
      if (value_end == NULL) {
        p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
            "unterminated quoted value of %s", attr->name);
        p2p_hls_attr_free (attr);
        g_ptr_array_unref (attrs);
        return NULL;
      }
      attr->value = g_strndup (s + 1, value_end - s - 1);
      s = value_end + 1;
      while (*s == ' ' || *s == '\t')
        s++;
      if (*s != ',' && *s != '\0') {
        p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
            "garbage after the quoted value of %s", attr->name);
        p2p_hls_attr_free (attr);
        g_ptr_array_unref (attrs);
        return NULL;
      }
    } else {
      value_end = strchr (s, ',');
      if (value_end == NULL)
        value_end = s + strlen (s);
      attr->value = g_strstrip (g_strndup (s, value_end - s));
      s = value_end;
    }
    g_ptr_array_add (attrs, attr);
    if (*s == ',')
      s++;
  }
  return attrs;
}

static const gchar *
p2p_hls_attr (GPtrArray * attrs, const gchar * name)
{
  guint i;

  for (i = 0; i < attrs->len; i++) {
    P2pHlsAttr *attr = g_ptr_array_index (attrs, i);

    if (g_str_equal (attr->name, name))
      return attr->value;
  }
  return NULL;
}

static gchar *
p2p_hls_resolve (P2pHlsParser * p, const gchar * ref)
{
  gchar *uri = p->base ? p2p_uri_resolve_parsed (p->base, ref) : NULL;

  if (uri == NULL)
    p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID, "cannot resolve URI \"%s\"",
        ref);
  return uri;
}

/* "n[@o]" of EXT-X-BYTERANGE and of EXT-X-MAP's BYTERANGE. */
static gboolean
p2p_hls_parse_byterange (P2pHlsParser * p, const gchar * s, guint64 * length,
    gboolean * has_offset, guint64 * offset)
{
  gchar **parts = g_strsplit (s, "@", 2);
  gboolean ok;

  /* g_strsplit gives no element at all for "". */
  ok = parts[0] != NULL && p2p_parse_uint64 (g_strstrip (parts[0]), length)
      && *length > 0 && *length <= G_MAXINT64;
  *has_offset = ok && parts[1] != NULL;
  *offset = 0;
  if (ok && *has_offset)
    ok = p2p_parse_uint64 (g_strstrip (parts[1]), offset)
        && *offset <= (guint64) G_MAXINT64 - *length;
  g_strfreev (parts);
  if (!ok)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "invalid byte range \"%s\"", s);
  return TRUE;
}

static gboolean
p2p_hls_mark (P2pHlsParser * p, gboolean master)
{
  if (master) {
    p->master_tags = TRUE;
    if (p->master_tag_line == 0)
      p->master_tag_line = p->line;
  } else {
    p->media_tags = TRUE;
    if (p->media_tag_line == 0)
      p->media_tag_line = p->line;
  }
  if (p->master_tags && p->media_tags)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "media playlist tags (line %u) mixed with master playlist tags "
        "(line %u)", p->media_tag_line, p->master_tag_line);
  return TRUE;
}

static gboolean
p2p_hls_tag_stream_inf (P2pHlsParser * p, const gchar * value)
{
  GPtrArray *attrs;
  P2pHlsVariant *v;

  if (p->pending_variant)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "#EXT-X-STREAM-INF of line %u has no URI line",
        p->pending_variant_line);
  if ((attrs = p2p_hls_parse_attrs (p, value)) == NULL)
    return FALSE;
  if (p2p_hls_attr (attrs, "BANDWIDTH") == NULL) {
    g_ptr_array_unref (attrs);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "#EXT-X-STREAM-INF without BANDWIDTH");
  }
  v = g_new0 (P2pHlsVariant, 1);
  v->bandwidth = g_strdup (p2p_hls_attr (attrs, "BANDWIDTH"));
  v->average_bandwidth = g_strdup (p2p_hls_attr (attrs, "AVERAGE-BANDWIDTH"));
  v->codecs = g_strdup (p2p_hls_attr (attrs, "CODECS"));
  v->resolution = g_strdup (p2p_hls_attr (attrs, "RESOLUTION"));
  v->frame_rate = g_strdup (p2p_hls_attr (attrs, "FRAME-RATE"));
  v->video_range = g_strdup (p2p_hls_attr (attrs, "VIDEO-RANGE"));
  v->audio = g_strdup (p2p_hls_attr (attrs, "AUDIO"));
  g_ptr_array_unref (attrs);
  p->pending_variant = v;
  p->pending_variant_line = p->line;
  return TRUE;
}

static gboolean
p2p_hls_tag_media (P2pHlsParser * p, const gchar * value)
{
  GPtrArray *attrs;
  P2pHlsRendition *r;
  const gchar *uri;

  if ((attrs = p2p_hls_parse_attrs (p, value)) == NULL)
    return FALSE;
  if (p2p_hls_attr (attrs, "TYPE") == NULL) {
    g_ptr_array_unref (attrs);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "#EXT-X-MEDIA without TYPE");
  }
  r = g_new0 (P2pHlsRendition, 1);
  r->type = g_strdup (p2p_hls_attr (attrs, "TYPE"));
  r->group_id = g_strdup (p2p_hls_attr (attrs, "GROUP-ID"));
  r->name = g_strdup (p2p_hls_attr (attrs, "NAME"));
  r->language = g_strdup (p2p_hls_attr (attrs, "LANGUAGE"));
  r->channels = g_strdup (p2p_hls_attr (attrs, "CHANNELS"));
  uri = p2p_hls_attr (attrs, "URI");
  if (uri && (r->uri = p2p_hls_resolve (p, uri)) == NULL) {
    p2p_hls_rendition_free (r);
    g_ptr_array_unref (attrs);
    return FALSE;
  }
  g_ptr_array_unref (attrs);
  g_ptr_array_add (p->pl->renditions, r);
  return TRUE;
}

static gboolean
p2p_hls_tag_iframe (P2pHlsParser * p, const gchar * value)
{
  GPtrArray *attrs;
  const gchar *uri;
  gchar *resolved;

  if ((attrs = p2p_hls_parse_attrs (p, value)) == NULL)
    return FALSE;
  uri = p2p_hls_attr (attrs, "URI");
  if (uri == NULL) {
    g_ptr_array_unref (attrs);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "#EXT-X-I-FRAME-STREAM-INF without URI");
  }
  resolved = p2p_hls_resolve (p, uri);
  g_ptr_array_unref (attrs);
  if (resolved == NULL)
    return FALSE;
  g_ptr_array_add (p->pl->iframe_uris, resolved);
  return TRUE;
}

/* EXT-X-KEY and EXT-X-SESSION-KEY: only the URI matters to us. */
static gboolean
p2p_hls_tag_key (P2pHlsParser * p, const gchar * tag, const gchar * value)
{
  GPtrArray *attrs;
  const gchar *method, *uri;
  gchar *resolved;

  if ((attrs = p2p_hls_parse_attrs (p, value)) == NULL)
    return FALSE;
  method = p2p_hls_attr (attrs, "METHOD");
  uri = p2p_hls_attr (attrs, "URI");
  if (method == NULL) {
    g_ptr_array_unref (attrs);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID, "%s without METHOD",
        tag);
  }
  /* applies to the segments after it, until the next one */
  if (g_str_equal (tag, "EXT-X-KEY"))
    p->aes128 = g_str_equal (method, "AES-128");
  if (g_str_equal (method, "NONE") || uri == NULL) {
    gboolean ok = g_str_equal (method, "NONE") ||
        p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "%s with METHOD=%s but no URI", tag, method);

    g_ptr_array_unref (attrs);
    return ok;
  }
  resolved = p2p_hls_resolve (p, uri);
  g_ptr_array_unref (attrs);
  if (resolved == NULL)
    return FALSE;
  g_ptr_array_add (p->pl->keys, resolved);
  return TRUE;
}

static gboolean
p2p_hls_tag_map (P2pHlsParser * p, const gchar * value)
{
  GPtrArray *attrs;
  const gchar *uri, *range;
  P2pHlsResource *res;

  if ((attrs = p2p_hls_parse_attrs (p, value)) == NULL)
    return FALSE;
  uri = p2p_hls_attr (attrs, "URI");
  range = p2p_hls_attr (attrs, "BYTERANGE");
  if (uri == NULL) {
    g_ptr_array_unref (attrs);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "#EXT-X-MAP without URI");
  }
  res = g_new0 (P2pHlsResource, 1);
  res->range_start = res->range_end = -1;
  if (range) {
    guint64 length, offset;
    gboolean has_offset;

    if (!p2p_hls_parse_byterange (p, range, &length, &has_offset, &offset)) {
      p2p_hls_resource_free (res);
      g_ptr_array_unref (attrs);
      return FALSE;
    }
    res->range_start = offset;
    res->range_end = offset + length - 1;
  }
  res->uri = p2p_hls_resolve (p, uri);
  g_ptr_array_unref (attrs);
  if (res->uri == NULL) {
    p2p_hls_resource_free (res);
    return FALSE;
  }
  g_ptr_array_add (p->pl->maps, res);
  p->map = p->pl->maps->len - 1;
  return TRUE;
}

static gboolean
p2p_hls_tag_extinf (P2pHlsParser * p, const gchar * value)
{
  gchar *number;
  gdouble duration;
  gboolean ok;

  if (p->have_extinf)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "#EXTINF of line %u has no segment URI", p->extinf_line);
  number = g_strndup (value, strcspn (value, ","));
  ok = p2p_parse_double (g_strstrip (number), &duration);
  g_free (number);
  if (!ok)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "#EXTINF duration \"%s\" is not a finite number", value);
  if (duration < 0)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "negative #EXTINF duration %g", duration);
  p->have_extinf = TRUE;
  p->extinf_line = p->line;
  p->duration = duration;
  return TRUE;
}

static gboolean
p2p_hls_tag_media_sequence (P2pHlsParser * p, const gchar * value)
{
  guint64 seq;
  gchar *v = g_strstrip (g_strdup (value));
  gboolean ok = p2p_parse_uint64 (v, &seq);

  g_free (v);
  /* Room left so that sequence + index never overflows. */
  if (!ok || seq > (guint64) G_MAXINT64 - P2P_MANIFEST_MAX_SEGMENTS)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "invalid #EXT-X-MEDIA-SEQUENCE \"%s\"", value);
  if (p->pl->segments->len > 0)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "#EXT-X-MEDIA-SEQUENCE after the first segment");
  p->pl->media_sequence = (gint64) seq;
  return TRUE;
}

static gboolean
p2p_hls_tag_unsigned (P2pHlsParser * p, const gchar * tag, const gchar * value)
{
  guint64 n;
  gchar *v = g_strstrip (g_strdup (value));
  gboolean ok = p2p_parse_uint64 (v, &n);

  g_free (v);
  if (!ok)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "%s value \"%s\" is not a decimal integer", tag, value);
  return TRUE;
}

static gboolean
p2p_hls_handle_tag (P2pHlsParser * p, const gchar * line)
{
  const gchar *colon = strchr (line, ':');
  gchar *tag = colon ? g_strndup (line, colon - line) : g_strdup (line);
  const gchar *value = colon ? colon + 1 : "";
  gboolean ok = TRUE;

  if (g_str_equal (tag, "#EXT-X-STREAM-INF")) {
    ok = p2p_hls_mark (p, TRUE) && p2p_hls_tag_stream_inf (p, value);
  } else if (g_str_equal (tag, "#EXT-X-MEDIA")) {
    ok = p2p_hls_mark (p, TRUE) && p2p_hls_tag_media (p, value);
  } else if (g_str_equal (tag, "#EXT-X-I-FRAME-STREAM-INF")) {
    ok = p2p_hls_mark (p, TRUE) && p2p_hls_tag_iframe (p, value);
  } else if (g_str_equal (tag, "#EXT-X-SESSION-KEY")) {
    ok = p2p_hls_mark (p, TRUE) && p2p_hls_tag_key (p, tag + 1, value);
  } else if (g_str_equal (tag, "#EXTINF")) {
    ok = p2p_hls_mark (p, FALSE) && p2p_hls_tag_extinf (p, value);
  } else if (g_str_equal (tag, "#EXT-X-BYTERANGE")) {
    ok = p2p_hls_mark (p, FALSE) && p2p_hls_parse_byterange (p, value,
        &p->byterange_length, &p->byterange_has_offset, &p->byterange_offset);
    p->have_byterange = ok;
  } else if (g_str_equal (tag, "#EXT-X-MAP")) {
    ok = p2p_hls_mark (p, FALSE) && p2p_hls_tag_map (p, value);
  } else if (g_str_equal (tag, "#EXT-X-KEY")) {
    ok = p2p_hls_mark (p, FALSE) && p2p_hls_tag_key (p, tag + 1, value);
  } else if (g_str_equal (tag, "#EXT-X-MEDIA-SEQUENCE")) {
    ok = p2p_hls_mark (p, FALSE) && p2p_hls_tag_media_sequence (p, value);
  } else if (g_str_equal (tag, "#EXT-X-TARGETDURATION")) {
    ok = p2p_hls_mark (p, FALSE) && p2p_hls_tag_unsigned (p, tag + 1, value);
  } else if (g_str_equal (tag, "#EXT-X-ENDLIST")) {
    ok = p2p_hls_mark (p, FALSE);
    p->pl->endlist = TRUE;
  } else if (g_str_equal (tag, "#EXT-X-DISCONTINUITY")) {
    ok = p2p_hls_mark (p, FALSE);
    p->discontinuity = TRUE;
  }
  /* Other tags (EXT-X-VERSION, EXT-X-PROGRAM-DATE-TIME, LL-HLS parts...)
   * change nothing we track. */
  g_free (tag);
  return ok;
}

/* Works out the byte range of a segment whose EXT-X-BYTERANGE has no
 * offset: RFC 8216 4.3.2.2, it continues the previous segment, which must
 * be a sub-range of the same resource. */
static gboolean
p2p_hls_segment_range (P2pHlsParser * p, P2pHlsSegment * seg)
{
  guint64 start = p->byterange_offset;

  seg->resource.range_start = seg->resource.range_end = -1;
  if (!p->have_byterange)
    return TRUE;
  if (!p->byterange_has_offset) {
    P2pHlsSegment *prev;

    if (p->pl->segments->len == 0)
      return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
          "#EXT-X-BYTERANGE without offset on the first segment");
    prev = &g_array_index (p->pl->segments, P2pHlsSegment,
        p->pl->segments->len - 1);
    if (prev->resource.range_start < 0
        || !g_str_equal (prev->resource.uri, seg->resource.uri))
      return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
          "#EXT-X-BYTERANGE without offset does not follow a sub-range of "
          "the same URI");
    start = (guint64) prev->resource.range_end + 1;
    if (start > (guint64) G_MAXINT64 - p->byterange_length)
      return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
          "byte range overflows");
  }
  seg->resource.range_start = (gint64) start;
  seg->resource.range_end = (gint64) (start + p->byterange_length - 1);
  return TRUE;
}

static gboolean
p2p_hls_handle_uri (P2pHlsParser * p, const gchar * line)
{
  P2pHlsSegment seg = { {0}, };

  if (p->pending_variant) {
    P2pHlsVariant *v = p->pending_variant;

    if ((v->uri = p2p_hls_resolve (p, line)) == NULL)
      return FALSE;
    g_ptr_array_add (p->pl->variants, v);
    p->pending_variant = NULL;
    return TRUE;
  }
  if (p->master_tags)
    return TRUE;                /* a stray line, as players ignore it */

  if (!p->have_extinf)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "segment URI \"%s\" without a preceding #EXTINF", line);
  if (p->pl->segments->len >= P2P_MANIFEST_MAX_SEGMENTS)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_TOO_LARGE,
        "more than %d segments", P2P_MANIFEST_MAX_SEGMENTS);
  if ((seg.resource.uri = p2p_hls_resolve (p, line)) == NULL)
    return FALSE;
  if (!p2p_hls_segment_range (p, &seg)) {
    g_free (seg.resource.uri);
    return FALSE;
  }
  seg.duration = p->duration;
  seg.start = p->next_start;
  seg.sequence = p->pl->media_sequence + p->pl->segments->len;
  seg.map = p->map;
  seg.discontinuity = p->discontinuity;
  seg.aes128 = p->aes128;
  g_array_append_val (p->pl->segments, seg);

  p->next_start += p->duration;
  p->have_extinf = FALSE;
  p->have_byterange = FALSE;
  p->discontinuity = FALSE;
  return TRUE;
}

static guint
p2p_hls_line_of (const guint8 * data, gsize offset)
{
  guint line = 1;
  gsize i;

  for (i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

static gboolean
p2p_hls_check_text (P2pHlsParser * p, const guint8 * data, gsize len)
{
  const guint8 *nul = memchr (data, '\0', len);
  const gchar *bad;

  if (nul) {
    p->line = p2p_hls_line_of (data, nul - data);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX, "NUL byte");
  }
  if (!g_utf8_validate_len ((const gchar *) data, len, &bad)) {
    p->line = p2p_hls_line_of (data, (const guint8 *) bad - data);
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX, "not UTF-8 text");
  }
  return TRUE;
}

static gboolean
p2p_hls_run (P2pHlsParser * p, const guint8 * data, gsize len)
{
  const gchar *s = (const gchar *) data, *end = s + len;

  if (len >= 3 && memcmp (s, "\xef\xbb\xbf", 3) == 0)
    s += 3;
  p->line = 1;
  if ((gsize) (end - s) < 7 || memcmp (s, "#EXTM3U", 7) != 0
      || (end - s > 7 && !g_ascii_isspace (s[7])))
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "the playlist does not start with #EXTM3U");

  for (p->line = 1; s < end; p->line++) {
    const gchar *nl = memchr (s, '\n', end - s);
    const gchar *line_end = nl ? nl : end;
    gchar *line = g_strstrip (g_strndup (s, line_end - s));
    gboolean ok = TRUE;

    if (p->line == 1 || line[0] == '\0') {
      /* header or blank */
    } else if (g_str_has_prefix (line, "#EXT")) {
      ok = p2p_hls_handle_tag (p, line);
    } else if (line[0] != '#') {
      ok = p2p_hls_handle_uri (p, line);
    }
    g_free (line);
    if (!ok)
      return FALSE;
    s = nl ? nl + 1 : end;
  }
  p->line--;

  if (p->pending_variant) {
    p->line = p->pending_variant_line;
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "#EXT-X-STREAM-INF without a URI line (truncated playlist?)");
  }
  if (p->have_extinf) {
    p->line = p->extinf_line;
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_SYNTAX,
        "#EXTINF without a segment URI (truncated playlist?)");
  }
  p->pl->is_master = p->master_tags;
  if (p->pl->is_master && p->pl->variants->len == 0
      && p->pl->renditions->len == 0)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "master playlist without any variant");
  if (!p->pl->is_master && p->pl->endlist && p->pl->segments->len == 0)
    return p2p_hls_fail (p, P2P_MANIFEST_ERROR_INVALID,
        "VOD playlist without any segment");
  return TRUE;
}

P2pHlsPlaylist *
p2p_hls_parse (const gchar * base_uri, const guint8 * data, gsize len,
    GError ** error)
{
  P2pHlsParser p = { 0, };
  gboolean ok;

  g_return_val_if_fail (base_uri != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  p.base_uri = base_uri;
  p.error = error;
  p.map = -1;
  if (len > P2P_MANIFEST_MAX_SIZE) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_TOO_LARGE,
        "HLS playlist of %" G_GSIZE_FORMAT " bytes is above the limit of %d",
        len, P2P_MANIFEST_MAX_SIZE);
    return NULL;
  }
  if (!p2p_hls_check_text (&p, data, len))
    return NULL;

  p.pl = p2p_hls_playlist_new ();
  p.base = p2p_uri_parse_base (base_uri);
  ok = p2p_hls_run (&p, data, len);
  if (p.base)
    g_uri_unref (p.base);
  if (p.pending_variant)
    p2p_hls_variant_free (p.pending_variant);
  if (!ok) {
    p2p_hls_playlist_free (p.pl);
    return NULL;
  }
  return p.pl;
}
