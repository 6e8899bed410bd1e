/* gst-p2pcdn: DASH MPD parser (ISO/IEC 23009-1), flattened per Representation.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-mpd-parser.h"
#include "p2p-manifest-private.h"
#include "p2p-xml-tree.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* The Period, AdaptationSet and Representation a Representation inherits
 * from, most specific first. */
typedef struct
{
  P2pXmlNode *nodes[3];
  guint n;
} P2pMpdLevels;

static gboolean p2p_mpd_fail (GError ** error, gint code,
    const P2pXmlNode * node, const gchar * format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
p2p_mpd_fail (GError ** error, gint code, const P2pXmlNode * node,
    const gchar * format, ...)
{
  va_list args;
  gchar *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, P2P_MANIFEST_ERROR, code, "MPD line %d, <%s>: %s",
      node->line, node->name, msg);
  g_free (msg);
  return FALSE;
}

static void
p2p_dash_url_clear (gpointer data)
{
  P2pDashUrl *url = data;

  g_clear_pointer (&url->uri, g_free);
}

static void
p2p_dash_representation_free (gpointer data)
{
  P2pDashRepresentation *rep = data;

  g_free (rep->id);
  g_free (rep->codecs);
  g_free (rep->width);
  g_free (rep->height);
  g_free (rep->frame_rate);
  g_free (rep->lang);
  g_free (rep->label);
  g_free (rep->channels);
  g_free (rep->video_range);
  g_free (rep->base_url);
  if (rep->timeline)
    g_array_unref (rep->timeline);
  p2p_dash_template_free (rep->media);
  p2p_dash_url_clear (&rep->init);
  if (rep->segments)
    g_array_unref (rep->segments);
  p2p_dash_url_clear (&rep->index);
  g_free (rep);
}

void
p2p_mpd_free (P2pMpd * mpd)
{
  if (mpd == NULL)
    return;
  g_ptr_array_unref (mpd->locations);
  g_ptr_array_unref (mpd->representations);
  g_free (mpd);
}

/* parseInt (value, base) of JavaScript, which players use on these
 * attributes: leading digits only; FALSE where it gives NaN. */
static gboolean
p2p_mpd_js_parse_int (const gchar * s, guint base, gint64 * out)
{
  gboolean negative = FALSE, any = FALSE;
  gint64 v = 0;

  if (s == NULL)
    return FALSE;
  while (g_ascii_isspace (*s))
    s++;
  if (*s == '-' || *s == '+')
    negative = *s++ == '-';
  if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s += 2;
  for (; *s; s++) {
    gint d = g_ascii_xdigit_value (*s);

    if (d < 0 || (guint) d >= base)
      break;
    if (v < G_MAXINT64 / 16)
      v = v * base + d;
    any = TRUE;
  }
  *out = negative ? -v : v;
  return any;
}

static const gchar *
p2p_mpd_attr (P2pMpdLevels * levels, const gchar * name)
{
  guint i;

  for (i = 0; i < levels->n; i++) {
    const gchar *v = p2p_xml_attr (levels->nodes[i], name);

    if (v)
      return v;
  }
  return NULL;
}

/* Resolves the BaseURL child of @node, if any, against @parent_base. */
static gchar *
p2p_mpd_base_url (const gchar * parent_base, P2pXmlNode * node, GError ** error)
{
  P2pXmlNode *child = p2p_xml_child (node, "BaseURL");
  const gchar *text;
  gchar *resolved;

  if (child == NULL || *(text = p2p_xml_text (child)) == '\0')
    return g_strdup (parent_base);
  resolved = p2p_uri_resolve (parent_base, text);
  if (resolved == NULL)
    p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, child,
        "cannot resolve \"%s\" against %s", text, parent_base);
  return resolved;
}

/* The segment information elements called @name at each level. */
static P2pMpdLevels
p2p_mpd_segment_nodes (P2pMpdLevels * levels, const gchar * name)
{
  P2pMpdLevels out = { {NULL,}, 0 };
  guint i;

  for (i = 0; i < levels->n; i++) {
    P2pXmlNode *child = p2p_xml_child (levels->nodes[i], name);

    if (child)
      out.nodes[out.n++] = child;
  }
  return out;
}

static P2pXmlNode *
p2p_mpd_inherited_child (P2pMpdLevels * nodes, const gchar * name)
{
  guint i;

  for (i = 0; i < nodes->n; i++) {
    P2pXmlNode *child = p2p_xml_child (nodes->nodes[i], name);

    if (child)
      return child;
  }
  return NULL;
}

/* An unsigned attribute inherited along @nodes; @fallback when absent. */
static gboolean
p2p_mpd_uint (P2pMpdLevels * nodes, const gchar * name, guint64 fallback,
    gboolean positive, guint64 * out, GError ** error)
{
  guint i;

  for (i = 0; i < nodes->n; i++) {
    const gchar *v = p2p_xml_attr (nodes->nodes[i], name);

    if (v == NULL)
      continue;
    if (!p2p_parse_uint64 (v, out) || (positive && *out == 0))
      return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, nodes->nodes[i],
          "%s=\"%s\" is not a%s integer", name, v,
          positive ? " positive" : " non-negative");
    return TRUE;
  }
  *out = fallback;
  return TRUE;
}

static gboolean
p2p_mpd_url (const gchar * base, const P2pXmlNode * node,
    const gchar * uri_attr, const gchar * range_attr, P2pDashUrl * url,
    GError ** error)
{
  const gchar *ref = uri_attr ? p2p_xml_attr (node, uri_attr) : NULL;
  const gchar *range = p2p_xml_attr (node, range_attr);

  url->range_start = url->range_end = -1;
  if (range && !p2p_parse_byte_range (range, &url->range_start,
          &url->range_end))
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
        "%s=\"%s\" is not a byte range", range_attr, range);
  url->uri = ref ? p2p_uri_resolve (base, ref) : g_strdup (base);
  if (url->uri == NULL)
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
        "cannot resolve %s=\"%s\"", uri_attr, ref);
  return TRUE;
}

/* A SegmentTimeline as runs.  r=-1 repeats up to the next S, else to the
 * end of the Period when it is known, else without end (live). */
static GArray *
p2p_mpd_timeline (P2pXmlNode * timeline, P2pDashRepresentation * rep,
    gboolean dynamic, GError ** error)
{
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (P2pDashRun));
  guint64 next_t = 0, total = 0;
  gboolean open = FALSE;
  guint i;

  for (i = 0; i < timeline->children->len; i++) {
    P2pXmlNode *s = g_ptr_array_index (timeline->children, i);
    const gchar *t_attr = p2p_xml_attr (s, "t");
    const gchar *d_attr = p2p_xml_attr (s, "d");
    const gchar *r_attr = p2p_xml_attr (s, "r");
    P2pDashRun run;
    gint64 r = 0;

    if (!g_str_equal (s->name, "S"))
      continue;
    if (t_attr) {
      if (!p2p_parse_uint64 (t_attr, &run.t)) {
        p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
            "t=\"%s\" is not a non-negative integer", t_attr);
        goto fail;
      }
    } else if (open) {
      p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
          "no t after an S that repeats without end");
      goto fail;
    } else {
      run.t = next_t;
    }
    if (d_attr == NULL || !p2p_parse_uint64 (d_attr, &run.d) || run.d == 0) {
      p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
          "d=\"%s\" is not a positive integer", d_attr ? d_attr : "");
      goto fail;
    }
    if (r_attr && (!p2p_parse_int64 (r_attr, &r) || r < -1)) {
      p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
          "r=\"%s\" is not an integer >= -1", r_attr);
      goto fail;
    }
    if (open && runs->len > 0) {
      P2pDashRun *prev = &g_array_index (runs, P2pDashRun, runs->len - 1);

      /* The previous S repeats up to this one. */
      if (run.t <= prev->t) {
        p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
            "t goes back before the previous S");
        goto fail;
      }
      prev->count = (run.t - prev->t + prev->d - 1) / prev->d;
      if (prev->count > P2P_MANIFEST_MAX_SEGMENTS)
        goto too_many;
      if (prev->count > (G_MAXUINT64 - prev->t) / prev->d) {
        p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
            "the segment times overflow");
        goto fail;
      }
      total += prev->count;
      open = FALSE;
    }
    if (total > P2P_MANIFEST_MAX_SEGMENTS)
      goto too_many;
    run.first = total;

    if (r >= 0) {
      run.count = (guint64) r + 1;
    } else if (!dynamic && isfinite (rep->period_duration)) {
      gdouble end = rep->presentation_time_offset +
          rep->period_duration * rep->timescale;
      gdouble n = ceil ((end - (gdouble) run.t) / run.d);

      if (n > P2P_MANIFEST_MAX_SEGMENTS)
        goto too_many;
      run.count = n > 0 ? (guint64) n : 0;
      if (run.count == 0)
        continue;
    } else {
      run.count = 0;
      open = TRUE;
    }
    if (run.count > P2P_MANIFEST_MAX_SEGMENTS
        || total + run.count > P2P_MANIFEST_MAX_SEGMENTS)
      goto too_many;
    if (run.count > (G_MAXUINT64 - run.t) / run.d) {
      p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, s,
          "the segment times overflow");
      goto fail;
    }
    total += run.count;
    next_t = run.t + run.count * run.d;
    g_array_append_val (runs, run);
  }
  return runs;

too_many:
  p2p_mpd_fail (error, P2P_MANIFEST_ERROR_TOO_LARGE, timeline,
      "describes more than %d segments", P2P_MANIFEST_MAX_SEGMENTS);
fail:
  g_array_unref (runs);
  return NULL;
}

gboolean
p2p_dash_representation_segment_time (const P2pDashRepresentation * rep,
    guint64 index, gdouble * start, gdouble * duration)
{
  if (rep->timeline) {
    guint i;

    for (i = 0; i < rep->timeline->len; i++) {
      const P2pDashRun *run = &g_array_index (rep->timeline, P2pDashRun, i);
      guint64 k, t;

      if (index < run->first || (run->count && index >= run->first +
              run->count))
        continue;
      k = index - run->first;
      if (k > (G_MAXUINT64 - run->t) / run->d)
        return FALSE;
      t = run->t + k * run->d;
      *start = rep->period_start + ((gdouble) t -
          (gdouble) rep->presentation_time_offset) / rep->timescale;
      *duration = (gdouble) run->d / rep->timescale;
      return TRUE;
    }
    return FALSE;
  }
  if (rep->duration > 0) {
    if (rep->end_number && index > rep->end_number - MIN (rep->end_number,
            rep->start_number))
      return FALSE;
    if (isfinite (rep->period_duration) && (gdouble) index *
        rep->duration >= rep->period_duration * rep->timescale)
      return FALSE;
    *start = rep->period_start + rep->duration * (gdouble) index /
        rep->timescale;
    *duration = (gdouble) rep->duration / rep->timescale;
    return TRUE;
  }
  if (index != 0)
    return FALSE;
  *start = rep->period_start;
  *duration = isfinite (rep->period_duration) ? rep->period_duration : 0;
  return TRUE;
}

gboolean
p2p_dash_representation_index_of_time (const P2pDashRepresentation * rep,
    guint64 t, guint64 * index)
{
  guint i;

  if (rep->timeline == NULL)
    return FALSE;
  for (i = 0; i < rep->timeline->len; i++) {
    const P2pDashRun *run = &g_array_index (rep->timeline, P2pDashRun, i);
    guint64 k;

    if (t < run->t || (t - run->t) % run->d != 0)
      continue;
    k = (t - run->t) / run->d;
    if (run->count && k >= run->count)
      continue;
    *index = run->first + k;
    return TRUE;
  }
  return FALSE;
}

/* Channel count as dash players decode AudioChannelConfiguration. */
static guint
p2p_mpd_channel_count (const gchar * scheme, const gchar * value)
{
  static const guint dolby_2015[] =
      { 2, 1, 2, 2, 2, 2, 1, 2, 2, 1, 1, 1, 1, 2, 1, 1, 2, 2 };
  /* Listed MSB first by Dolby; bit i is entry 15 - i. */
  static const guint dolby_2011[] =
      { 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 2, 1, 2, 1, 1 };
  static const guint cicp[] = { 0, 1, 2, 3, 4, 5, 6, 8, 2, 3, 4, 7, 8, 24,
    8, 12, 10, 12, 14, 12, 14
  };
  gint64 v;
  guint i, n = 0;

  if (g_str_equal (scheme, "urn:mpeg:dash:outputChannelPositionList:2012")) {
    gchar **tokens = g_strsplit (value, " ", -1);

    for (i = 0; tokens[i]; i++)
      n += tokens[i][0] != '\0';
    g_strfreev (tokens);
    return n;
  }
  if (g_str_equal (scheme,
          "urn:mpeg:dash:23003:3:audio_channel_configuration:2011")
      || g_str_equal (scheme, "urn:dts:dash:audio_channel_configuration:2012"))
    return p2p_mpd_js_parse_int (value, 10, &v) && v > 0 && v <= G_MAXUINT ?
        (guint) v : 0;
  if (g_str_equal (scheme,
          "tag:dolby.com,2015:dash:audio_channel_configuration:2015")) {
    if (!p2p_mpd_js_parse_int (value, 16, &v))
      return 0;
    for (i = 0; i < G_N_ELEMENTS (dolby_2015); i++)
      if (v & (G_GINT64_CONSTANT (1) << i))
        n += dolby_2015[i];
    return n;
  }
  if (g_str_equal (scheme,
          "tag:dolby.com,2014:dash:audio_channel_configuration:2011")
      || g_str_equal (scheme,
          "urn:dolby:dash:audio_channel_configuration:2011")) {
    if (!p2p_mpd_js_parse_int (value, 16, &v))
      return 0;
    for (i = 0; i < G_N_ELEMENTS (dolby_2011); i++)
      if (v & (G_GINT64_CONSTANT (1) << i))
        n += dolby_2011[G_N_ELEMENTS (dolby_2011) - 1 - i];
    return n;
  }
  if (g_str_equal (scheme, "urn:mpeg:mpegB:cicp:ChannelConfiguration"))
    return p2p_mpd_js_parse_int (value, 10, &v) && v > 0
        && v < (gint64) G_N_ELEMENTS (cicp) ? cicp[v] : 0;
  return 0;
}

static void
p2p_mpd_channels (P2pDashRepresentation * rep, P2pMpdLevels * levels)
{
  guint level, i;

  /* Representation first, then its AdaptationSet. */
  for (level = 0; level < levels->n - 1; level++) {
    P2pXmlNode *node = levels->nodes[level];

    for (i = 0; i < node->children->len; i++) {
      P2pXmlNode *c = g_ptr_array_index (node->children, i);
      const gchar *scheme = p2p_xml_attr (c, "schemeIdUri");
      const gchar *value = p2p_xml_attr (c, "value");

      if (!g_str_equal (c->name, "AudioChannelConfiguration") || !value)
        continue;
      if (rep->channels == NULL)
        rep->channels = g_strdup (value);
      if (rep->channel_count == 0 && scheme)
        rep->channel_count = p2p_mpd_channel_count (scheme, value);
    }
    if (rep->channel_count)
      return;
  }
}

/* Reads the AdaptationSet descriptors that matter: trick mode (not
 * shared) and the CICP transfer characteristics (video range). */
static gboolean
p2p_mpd_properties (P2pXmlNode * set, gchar ** video_range)
{
  gboolean trick_mode = FALSE;
  guint i;

  for (i = 0; i < set->children->len; i++) {
    P2pXmlNode *c = g_ptr_array_index (set->children, i);
    const gchar *scheme = p2p_xml_attr (c, "schemeIdUri");
    gint64 v;

    if ((!g_str_equal (c->name, "EssentialProperty")
            && !g_str_equal (c->name, "SupplementalProperty")) || !scheme)
      continue;
    if (g_str_equal (scheme, "http://dashif.org/guidelines/trickmode")
        && g_str_equal (c->name, "EssentialProperty"))
      trick_mode = TRUE;
    if (g_str_equal (scheme, "urn:mpeg:mpegB:cicp:TransferCharacteristics")
        && p2p_mpd_js_parse_int (p2p_xml_attr (c, "value"), 10, &v)) {
      const gchar *range = NULL;

      if (v == 1 || v == 6 || v == 13 || v == 14 || v == 15)
        range = "SDR";
      else if (v == 16)
        range = "PQ";
      else if (v == 18)
        range = "HLG";
      g_free (*video_range);
      *video_range = g_strdup (range);
    }
  }
  return trick_mode;
}

static P2pDashContent
p2p_mpd_content (P2pMpdLevels * levels, const gchar * codecs)
{
  P2pXmlNode *set = levels->nodes[1];
  const gchar *type = p2p_xml_attr (set, "contentType");
  const gchar *mime = p2p_mpd_attr (levels, "mimeType");
  gchar *lower;
  P2pDashContent content = P2P_DASH_CONTENT_OTHER;

  if (type == NULL && mime)
    type = mime;
  if (type) {
    if (g_str_has_prefix (type, "video"))
      return P2P_DASH_CONTENT_VIDEO;
    if (g_str_has_prefix (type, "audio"))
      return P2P_DASH_CONTENT_AUDIO;
    return P2P_DASH_CONTENT_OTHER;
  }
  if (codecs == NULL)
    return P2P_DASH_CONTENT_OTHER;
  lower = g_ascii_strdown (codecs, -1);
  if (g_str_has_prefix (lower, "avc") || g_str_has_prefix (lower, "hvc")
      || g_str_has_prefix (lower, "hev") || g_str_has_prefix (lower, "vp0")
      || g_str_has_prefix (lower, "av01") || g_str_has_prefix (lower, "dv"))
    content = P2P_DASH_CONTENT_VIDEO;
  else if (g_str_has_prefix (lower, "mp4a") || g_str_has_prefix (lower, "ac-")
      || g_str_has_prefix (lower, "ec-") || g_str_has_prefix (lower, "opus")
      || g_str_has_prefix (lower, "flac"))
    content = P2P_DASH_CONTENT_AUDIO;
  g_free (lower);
  return content;
}

static gboolean
p2p_mpd_template (P2pDashRepresentation * rep, P2pMpdLevels * seg,
    gboolean dynamic, GError ** error)
{
  const gchar *media = p2p_mpd_attr (seg, "media");
  const gchar *init = p2p_mpd_attr (seg, "initialization");
  P2pXmlNode *where = seg->nodes[0];
  GError *err = NULL;

  if (media == NULL)
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, where,
        "no media attribute");
  rep->media = p2p_dash_template_new (rep->base_url, media, rep->id,
      rep->bandwidth, TRUE, &err);
  if (rep->media == NULL) {
    p2p_mpd_fail (error, err->code, where, "media: %s", err->message);
    g_error_free (err);
    return FALSE;
  }
  if (p2p_dash_template_has_time (rep->media) && rep->timeline == NULL)
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, where,
        "$Time$ without a SegmentTimeline");
  if (rep->timeline == NULL && rep->duration == 0)
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, where,
        "neither duration nor SegmentTimeline");

  if (init) {
    P2pDashTemplate *t = p2p_dash_template_new (rep->base_url, init, rep->id,
        rep->bandwidth, FALSE, &err);

    if (t == NULL) {
      p2p_mpd_fail (error, err->code, where, "initialization: %s",
          err->message);
      g_error_free (err);
      return FALSE;
    }
    rep->init.uri = p2p_dash_template_expand (t, 0, 0);
    rep->init.range_start = rep->init.range_end = -1;
    p2p_dash_template_free (t);
  }
  return TRUE;
}

static gboolean
p2p_mpd_list (P2pDashRepresentation * rep, P2pMpdLevels * seg, GError ** error)
{
  P2pXmlNode *list = NULL;
  guint i, l;

  for (l = 0; l < seg->n && list == NULL; l++)
    if (p2p_xml_child (seg->nodes[l], "SegmentURL"))
      list = seg->nodes[l];
  rep->segments = g_array_new (FALSE, TRUE, sizeof (P2pDashUrl));
  g_array_set_clear_func (rep->segments, p2p_dash_url_clear);
  if (list == NULL)
    return TRUE;
  for (i = 0; i < list->children->len; i++) {
    P2pXmlNode *c = g_ptr_array_index (list->children, i);
    P2pDashUrl url = { NULL, -1, -1 };

    if (!g_str_equal (c->name, "SegmentURL"))
      continue;
    if (rep->segments->len >= P2P_MANIFEST_MAX_SEGMENTS)
      return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_TOO_LARGE, list,
          "more than %d SegmentURL", P2P_MANIFEST_MAX_SEGMENTS);
    if (!p2p_mpd_url (rep->base_url, c, "media", "mediaRange", &url, error))
      return FALSE;
    g_array_append_val (rep->segments, url);
  }
  if (rep->segments->len > 1 && rep->timeline == NULL && rep->duration == 0)
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, list,
        "several SegmentURL but neither duration nor SegmentTimeline");
  return TRUE;
}

static gboolean
p2p_mpd_base (P2pDashRepresentation * rep, P2pMpdLevels * seg, GError ** error)
{
  const gchar *index_range = p2p_mpd_attr (seg, "indexRange");
  P2pXmlNode *index = p2p_mpd_inherited_child (seg, "RepresentationIndex");

  rep->index.range_start = rep->index.range_end = -1;
  if (index)
    return p2p_mpd_url (rep->base_url, index, "sourceURL", "range",
        &rep->index, error);
  if (index_range == NULL)
    return TRUE;
  if (!p2p_parse_byte_range (index_range, &rep->index.range_start,
          &rep->index.range_end))
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, seg->nodes[0],
        "indexRange=\"%s\" is not a byte range", index_range);
  rep->index.uri = g_strdup (rep->base_url);
  return TRUE;
}

/* Segment addressing of @rep: the most specific level that has one of the
 * three elements decides which, and its attributes inherit along the
 * levels. */
static gboolean
p2p_mpd_addressing (P2pDashRepresentation * rep, P2pMpdLevels * levels,
    gboolean dynamic, GError ** error)
{
  static const gchar *names[] = { "SegmentTemplate", "SegmentList",
    "SegmentBase"
  };
  P2pMpdLevels seg = { {NULL,}, 0 };
  P2pXmlNode *timeline, *init;
  guint l, k;

  for (l = 0; l < levels->n && rep->addressing == P2P_DASH_ADDRESSING_NONE; l++) {
    for (k = 0; k < G_N_ELEMENTS (names); k++) {
      if (p2p_xml_child (levels->nodes[l], names[k])) {
        rep->addressing = P2P_DASH_ADDRESSING_TEMPLATE + k;
        seg = p2p_mpd_segment_nodes (levels, names[k]);
        break;
      }
    }
  }
  if (rep->addressing == P2P_DASH_ADDRESSING_NONE)
    return TRUE;

  if (!p2p_mpd_uint (&seg, "timescale", 1, TRUE, &rep->timescale, error)
      || !p2p_mpd_uint (&seg, "duration", 0, TRUE, &rep->duration, error)
      || !p2p_mpd_uint (&seg, "startNumber", 1, FALSE, &rep->start_number,
          error)
      || !p2p_mpd_uint (&seg, "endNumber", 0, FALSE, &rep->end_number, error)
      || !p2p_mpd_uint (&seg, "presentationTimeOffset", 0, FALSE,
          &rep->presentation_time_offset, error))
    return FALSE;

  timeline = p2p_mpd_inherited_child (&seg, "SegmentTimeline");
  if (timeline && rep->addressing != P2P_DASH_ADDRESSING_BASE
      && (rep->timeline = p2p_mpd_timeline (timeline, rep, dynamic,
              error)) == NULL)
    return FALSE;

  init = p2p_mpd_inherited_child (&seg, "Initialization");
  if (init && !p2p_mpd_url (rep->base_url, init, "sourceURL", "range",
          &rep->init, error))
    return FALSE;

  switch (rep->addressing) {
    case P2P_DASH_ADDRESSING_TEMPLATE:
      return p2p_mpd_template (rep, &seg, dynamic, error);
    case P2P_DASH_ADDRESSING_LIST:
      return p2p_mpd_list (rep, &seg, error);
    case P2P_DASH_ADDRESSING_BASE:
      return p2p_mpd_base (rep, &seg, error);
    default:
      return TRUE;
  }
}

static gchar *
p2p_mpd_label (P2pXmlNode * set)
{
  P2pXmlNode *label = p2p_xml_child (set, "Label");
  const gchar *text = label ? p2p_xml_text (label) :
      p2p_xml_attr (set, "label");

  return text && *text ? g_strdup (text) : NULL;
}

static gboolean
p2p_mpd_representation (P2pMpd * mpd, P2pMpdLevels * levels,
    guint period, gdouble period_start, gdouble period_duration,
    const gchar * base, GError ** error)
{
  P2pXmlNode *node = levels->nodes[0], *set = levels->nodes[1];
  P2pDashRepresentation *rep = g_new0 (P2pDashRepresentation, 1);
  const gchar *id = p2p_xml_attr (node, "id");
  const gchar *bandwidth = p2p_xml_attr (node, "bandwidth");

  g_ptr_array_add (mpd->representations, rep);
  rep->period = period;
  rep->period_start = period_start;
  rep->period_duration = period_duration;

  if (id == NULL)
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
        "no id attribute");
  if (bandwidth == NULL || !p2p_parse_uint64 (bandwidth, &rep->bandwidth)
      || rep->bandwidth > (G_GUINT64_CONSTANT (1) << 53))
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
        "bandwidth=\"%s\" is missing or not an integer",
        bandwidth ? bandwidth : "");
  rep->id = g_strdup (id);
  rep->codecs = g_strdup (p2p_mpd_attr (levels, "codecs"));
  rep->width = g_strdup (p2p_mpd_attr (levels, "width"));
  rep->height = g_strdup (p2p_mpd_attr (levels, "height"));
  rep->frame_rate = g_strdup (p2p_mpd_attr (levels, "frameRate"));
  rep->lang = g_strdup (p2p_xml_attr (set, "lang"));
  rep->label = p2p_mpd_label (set);
  rep->content = p2p_mpd_content (levels, rep->codecs);
  if (p2p_mpd_properties (set, &rep->video_range))
    rep->content = P2P_DASH_CONTENT_OTHER;
  p2p_mpd_channels (rep, levels);

  if ((rep->base_url = p2p_mpd_base_url (base, node, error)) == NULL)
    return FALSE;
  return p2p_mpd_addressing (rep, levels, mpd->dynamic, error);
}

static gboolean
p2p_mpd_adaptation_set (P2pMpd * mpd, P2pXmlNode * period_node,
    P2pXmlNode * set, guint period, gdouble start, gdouble duration,
    const gchar * period_base, GError ** error)
{
  gchar *base = p2p_mpd_base_url (period_base, set, error);
  gboolean ok = base != NULL;
  guint i;

  for (i = 0; ok && i < set->children->len; i++) {
    P2pXmlNode *node = g_ptr_array_index (set->children, i);
    P2pMpdLevels levels = { {node, set, period_node}, 3 };

    if (g_str_equal (node->name, "Representation"))
      ok = p2p_mpd_representation (mpd, &levels, period, start, duration,
          base, error);
  }
  g_free (base);
  return ok;
}

static gboolean
p2p_mpd_duration_attr (P2pXmlNode * node, const gchar * name, gdouble * out,
    GError ** error)
{
  const gchar *v = p2p_xml_attr (node, name);

  *out = NAN;
  if (v == NULL)
    return TRUE;
  if (!p2p_parse_xs_duration (v, out))
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
        "%s=\"%s\" is not a non-negative xs:duration", name, v);
  return TRUE;
}

static gboolean
p2p_mpd_periods (P2pMpd * mpd, P2pXmlNode * root, const gchar * mpd_base,
    gdouble mpd_duration, GError ** error)
{
  GPtrArray *periods = g_ptr_array_new ();
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (gdouble));
  GArray *durations = g_array_new (FALSE, FALSE, sizeof (gdouble));
  gboolean ok = TRUE;
  guint i, j;

  for (i = 0; i < root->children->len; i++) {
    P2pXmlNode *node = g_ptr_array_index (root->children, i);

    /* Remote (xlink) periods would need another fetch: not shared. */
    if (g_str_equal (node->name, "Period") && !p2p_xml_attr (node, "href"))
      g_ptr_array_add (periods, node);
  }

  /* Starts and durations first: a Period without duration ends where the
   * next begins. */
  for (i = 0; ok && i < periods->len; i++) {
    P2pXmlNode *node = g_ptr_array_index (periods, i);
    gdouble start, duration;

    ok = p2p_mpd_duration_attr (node, "start", &start, error)
        && p2p_mpd_duration_attr (node, "duration", &duration, error);
    if (ok && isnan (start)) {
      if (i == 0)
        start = 0;
      else if (isfinite (g_array_index (durations, gdouble, i - 1)))
        start = g_array_index (starts, gdouble, i - 1) +
            g_array_index (durations, gdouble, i - 1);
      else
        ok = p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
            "no start, and the previous Period has no duration");
    }
    g_array_append_val (starts, start);
    g_array_append_val (durations, duration);
  }
  for (i = 0; ok && i < periods->len; i++) {
    gdouble *d = &g_array_index (durations, gdouble, i);
    gdouble s = g_array_index (starts, gdouble, i);

    if (isnan (*d) && i + 1 < periods->len)
      *d = g_array_index (starts, gdouble, i + 1) - s;
    else if (isnan (*d) && isfinite (mpd_duration))
      *d = mpd_duration - s;
    if (*d < 0)
      *d = 0;
  }

  for (i = 0; ok && i < periods->len; i++) {
    P2pXmlNode *node = g_ptr_array_index (periods, i);
    gchar *base = p2p_mpd_base_url (mpd_base, node, error);

    ok = base != NULL;
    for (j = 0; ok && j < node->children->len; j++) {
      P2pXmlNode *set = g_ptr_array_index (node->children, j);

      if (g_str_equal (set->name, "AdaptationSet"))
        ok = p2p_mpd_adaptation_set (mpd, node, set, i,
            g_array_index (starts, gdouble, i),
            g_array_index (durations, gdouble, i), base, error);
    }
    g_free (base);
  }
  g_ptr_array_unref (periods);
  g_array_unref (starts);
  g_array_unref (durations);
  return ok;
}

static gboolean
p2p_mpd_read (P2pMpd * mpd, P2pXmlNode * root, const gchar * base_uri,
    GError ** error)
{
  const gchar *type = p2p_xml_attr (root, "type");
  gdouble duration;
  gchar *base;
  gboolean ok;
  guint i;

  if (!g_str_equal (root->name, "MPD"))
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_SYNTAX, root,
        "the root element is not MPD");
  if (type && !g_str_equal (type, "static") && !g_str_equal (type, "dynamic"))
    return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, root,
        "type=\"%s\" is neither static nor dynamic", type);
  mpd->dynamic = type && g_str_equal (type, "dynamic");
  if (!p2p_mpd_duration_attr (root, "mediaPresentationDuration", &duration,
          error))
    return FALSE;

  for (i = 0; i < root->children->len; i++) {
    P2pXmlNode *node = g_ptr_array_index (root->children, i);
    gchar *location;

    if (!g_str_equal (node->name, "Location") || !*p2p_xml_text (node))
      continue;
    location = p2p_uri_resolve (base_uri, p2p_xml_text (node));
    if (location == NULL)
      return p2p_mpd_fail (error, P2P_MANIFEST_ERROR_INVALID, node,
          "cannot resolve \"%s\"", p2p_xml_text (node));
    g_ptr_array_add (mpd->locations, location);
  }

  if ((base = p2p_mpd_base_url (base_uri, root, error)) == NULL)
    return FALSE;
  ok = p2p_mpd_periods (mpd, root, base, duration, error);
  g_free (base);
  return ok;
}

P2pMpd *
p2p_mpd_parse (const gchar * base_uri, const guint8 * data, gsize len,
    GError ** error)
{
  g_autoptr (P2pXmlNode) root = NULL;
  P2pMpd *mpd;

  g_return_val_if_fail (base_uri != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > P2P_MANIFEST_MAX_SIZE) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_TOO_LARGE,
        "MPD of %" G_GSIZE_FORMAT " bytes is above the limit of %d", len,
        P2P_MANIFEST_MAX_SIZE);
    return NULL;
  }
  if ((root = p2p_xml_parse ((const gchar *) data, len, error)) == NULL)
    return NULL;

  mpd = g_new0 (P2pMpd, 1);
  mpd->locations = g_ptr_array_new_with_free_func (g_free);
  mpd->representations = g_ptr_array_new_with_free_func
      (p2p_dash_representation_free);
  if (!p2p_mpd_read (mpd, root, base_uri, error)) {
    p2p_mpd_free (mpd);
    return NULL;
  }
  return mpd;
}
