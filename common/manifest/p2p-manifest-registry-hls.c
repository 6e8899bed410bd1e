/* gst-p2pcdn: records HLS playlists in the registry, with their swarms.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stream keys must equal those of p2p-media-loader 2.3 over hls.js,
 * so the attributes go through the same steps hls.js applies before
 * p2p-media-loader sees them: CODECS split by media type, BANDWIDTH read
 * with parseInt, variants with unknown codecs dropped when others are
 * known, and an audio rendition taking the audio codec of the first
 * variant of its group.
 */
#include "p2p-manifest-private.h"
#include "p2p-manifest-registry-private.h"
#include "p2p-swarm-id.h"

#include <math.h>
#include <string.h>

/* Sample entry codes hls.js sorts CODECS by (from mp4ra.org), keyed by
 * their first four characters. */
static const gchar *const p2p_hls_video_codes[] = {
  "avc1", "avc2", "avc3", "avc4", "avcp", "av01", "dav1", "drac", "dva1",
  "dvav", "dvh1", "dvhe", "encv", "hev1", "hvc1", "mjp2", "mp4v", "mvc1",
  "mvc2", "mvc3", "mvc4", "resv", "rv60", "s263", "svc1", "svc2", "vc-1",
  "vp08", "vp09", NULL
};

static const gchar *const p2p_hls_audio_codes[] = {
  "a3ds", "ac-3", "ac-4", "alac", "alaw", "dra1", "dts+", "dts-", "dtsc",
  "dtse", "dtsh", "ec-3", "enca", "fLaC", "flac", "FLAC", "g719", "g726",
  "m4ae", "mha1", "mha2", "mhm1", "mhm2", "mlpa", "mp4a", "raw ", "Opus",
  "opus", "samr", "sawb", "sawp", "sevc", "sqcp", "ssmv", "twos", "ulaw",
  NULL
};

static const gchar *const p2p_hls_text_codes[] = { "stpp", "wvtt", NULL };
static const gchar *const p2p_hls_image_codes[] = { "mjpg", NULL };

typedef struct
{
  const P2pHlsVariant *variant;
  gchar *video_codec;
  gchar *audio_codec;
  gboolean unknown_codecs;
  gdouble bitrate;
} P2pHlsLevel;

static gboolean
p2p_hls_codec_is (const gchar * codec, const gchar * const *codes)
{
  guint i;

  for (i = 0; codes[i]; i++)
    if (strncmp (codec, codes[i], 4) == 0 && strlen (codec) >= 4)
      return TRUE;
  return FALSE;
}

/* CODECS split on blanks and commas, sorted into video and audio lists;
 * each entry cut at its first '/'. */
static void
p2p_hls_split_codecs (P2pHlsLevel * level, const gchar * codecs)
{
  const gchar *const *types[] = { p2p_hls_video_codes, p2p_hls_audio_codes,
    p2p_hls_text_codes, p2p_hls_image_codes
  };
  gchar **tokens;
  gboolean *used;
  guint n = 0, i, t;

  tokens = g_regex_split_simple ("[ ,]+", codecs ? codecs : "", 0, 0);
  used = g_new0 (gboolean, g_strv_length (tokens) + 1);
  for (t = 0; t < G_N_ELEMENTS (types); t++) {
    GString *list = NULL;

    for (i = 0; tokens[i]; i++) {
      if (used[i] || tokens[i][0] == '\0'
          || !p2p_hls_codec_is (tokens[i], types[t]))
        continue;
      used[i] = TRUE;
      if (list == NULL)
        list = g_string_new (NULL);
      else
        g_string_append_c (list, ',');
      g_string_append_len (list, tokens[i], strcspn (tokens[i], "/"));
    }
    if (list && t == 0)
      level->video_codec = g_string_free (list, FALSE);
    else if (list && t == 1)
      level->audio_codec = g_string_free (list, FALSE);
    else if (list)
      g_string_free (list, TRUE);
  }
  for (i = 0; tokens[i]; i++)
    if (!used[i] && tokens[i][0] != '\0')
      n++;
  level->unknown_codecs = n > 0;
  g_free (used);
  g_strfreev (tokens);
}

/* AttrList.decimalInteger of hls.js: parseInt, Infinity above 2^53 - 1. */
static gdouble
p2p_hls_decimal_integer (const gchar * s)
{
  gboolean negative = FALSE, any = FALSE;
  gdouble v = 0;

  if (s == NULL)
    return NAN;
  while (g_ascii_isspace (*s))
    s++;
  if (*s == '-' || *s == '+')
    negative = *s++ == '-';
  for (; g_ascii_isdigit (*s); s++) {
    v = v * 10 + (*s - '0');
    any = TRUE;
  }
  if (!any)
    return NAN;
  if (v > 9007199254740991.0)
    return INFINITY;
  return negative ? -v : v;
}

/* RESOLUTION must be exactly <digits>x<digits>. */
static gboolean
p2p_hls_resolution (const gchar * s, gchar ** width, gchar ** height)
{
  const gchar *x;
  gsize i;

  if (s == NULL || (x = strchr (s, 'x')) == NULL || x == s || x[1] == '\0')
    return FALSE;
  for (i = 0; s + i < x; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  for (i = 1; x[i]; i++)
    if (!g_ascii_isdigit (x[i]))
      return FALSE;
  *width = g_strndup (s, x - s);
  *height = g_strdup (x + 1);
  return TRUE;
}

static gchar *
p2p_hls_js_int (const gchar * digits)
{
  return p2p_js_number_to_string (g_ascii_strtod (digits, NULL));
}

typedef struct
{
  const gchar *uri;
  gboolean secondary;
  gchar *strings[9];            /* owned values behind attrs */
  P2pStreamAttrs attrs;
  gchar *bitrate_if_colliding;  /* V3 */
  guint64 bandwidth;            /* the variant's BANDWIDTH, 0 for renditions */
} P2pHlsStreamDesc;

static void
p2p_hls_desc_clear (P2pHlsStreamDesc * d)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (d->strings); i++)
    g_free (d->strings[i]);
  g_free (d->bitrate_if_colliding);
}

static const gchar *
p2p_hls_keep (P2pHlsStreamDesc * d, gchar * s)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (d->strings); i++) {
    if (d->strings[i] == NULL) {
      d->strings[i] = s;
      return s;
    }
  }
  g_assert_not_reached ();
  return NULL;
}

static void
p2p_hls_describe_variant (P2pSwarmProfile profile, P2pHlsLevel * level,
    P2pHlsStreamDesc * d)
{
  const P2pHlsVariant *v = level->variant;
  gchar *width = NULL, *height = NULL;

  d->uri = v->uri;
  d->bandwidth = level->bitrate > 0 ? (guint64) level->bitrate : 0;
  if (profile == P2P_SWARM_PROFILE_V3) {
    d->attrs.bitrate = "0";
    d->bitrate_if_colliding = p2p_js_number_to_string (level->bitrate);
    d->attrs.codecs = level->video_codec;
    if (p2p_hls_resolution (v->resolution, &width, &height)) {
      d->attrs.width = p2p_hls_keep (d, width);
      d->attrs.height = p2p_hls_keep (d, height);
    }
    d->attrs.frame_rate = v->frame_rate;
    d->attrs.video_range = v->video_range;
    return;
  }

  d->attrs.bitrate = p2p_hls_keep (d, p2p_js_number_to_string (level->bitrate));
  /* p2p-media-loader ignores the rest when BANDWIDTH says 0. */
  if (level->bitrate == 0)
    return;
  d->attrs.codecs = level->video_codec;
  if (p2p_hls_resolution (v->resolution, &width, &height)) {
    d->attrs.width = p2p_hls_keep (d, p2p_hls_js_int (width));
    d->attrs.height = p2p_hls_keep (d, p2p_hls_js_int (height));
    g_free (width);
    g_free (height);
  }
  d->attrs.frame_rate = v->frame_rate;
  d->attrs.video_range = v->video_range;
}

static void
p2p_hls_describe_audio (P2pSwarmProfile profile, const P2pHlsRendition * r,
    GArray * levels, P2pHlsStreamDesc * d)
{
  const gchar *group_id = r->group_id ? r->group_id : "";
  P2pHlsLevel *group = NULL;
  guint i;

  /* hls.js: the first variant of the group, else the first variant. */
  for (i = 0; i < levels->len && group == NULL; i++) {
    P2pHlsLevel *l = &g_array_index (levels, P2pHlsLevel, i);

    if (l->variant->audio && g_str_equal (l->variant->audio, group_id))
      group = l;
  }
  if (group == NULL && levels->len > 0)
    group = &g_array_index (levels, P2pHlsLevel, 0);

  d->uri = r->uri;
  d->secondary = TRUE;
  d->attrs.bitrate = "0";
  d->attrs.codecs = group ? group->audio_codec : NULL;
  d->attrs.language = r->language;
  d->attrs.channels = r->channels;
  if (profile == P2P_SWARM_PROFILE_V3)
    d->attrs.name = r->name;
  else
    d->attrs.name = r->name && *r->name ? r->name : r->language;
}

/* V3 keeps bitrate 0 unless two video streams would share a swarm. */
static void
p2p_hls_v3_collisions (GArray * descs)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < descs->len; i++) {
    P2pHlsStreamDesc *d = &g_array_index (descs, P2pHlsStreamDesc, i);
    gchar *id = p2p_swarm_identity_string (P2P_SWARM_PROFILE_V3, &d->attrs);

    g_hash_table_replace (seen, g_strdup (id),
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen,
                    id)) + 1));
    g_ptr_array_add (ids, id);
  }
  for (i = 0; i < descs->len; i++) {
    P2pHlsStreamDesc *d = &g_array_index (descs, P2pHlsStreamDesc, i);

    if (!d->secondary && d->bitrate_if_colliding
        && GPOINTER_TO_UINT (g_hash_table_lookup (seen,
                g_ptr_array_index (ids, i))) > 1)
      d->attrs.bitrate = d->bitrate_if_colliding;
  }
  g_ptr_array_unref (ids);
  g_hash_table_unref (seen);
}

static void
p2p_hls_set_media (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * presentation, gboolean shared, gchar * stream_swarm_id,
    guint64 bandwidth)
{
  P2pMediaPlaylistInfo *info = g_new0 (P2pMediaPlaylistInfo, 1);

  info->presentation = g_strdup (presentation);
  info->shared = shared;
  info->stream_swarm_id = stream_swarm_id;
  info->bandwidth = bandwidth;
  g_hash_table_replace (reg->media_playlists, g_strdup (uri), info);
}

static void
p2p_hls_add_master (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * swarm_id, const P2pHlsPlaylist * pl)
{
  GArray *levels = g_array_new (FALSE, TRUE, sizeof (P2pHlsLevel));
  GArray *descs = g_array_new (FALSE, TRUE, sizeof (P2pHlsStreamDesc));
  GHashTable *done = g_hash_table_new (g_str_hash, g_str_equal);
  gchar *swarm = swarm_id ? g_strdup (swarm_id) : p2p_uri_strip_query (uri);
  guint i, known = 0;

  for (i = 0; i < pl->variants->len; i++) {
    P2pHlsLevel level = { g_ptr_array_index (pl->variants, i), };
    gdouble b = p2p_hls_decimal_integer (level.variant->bandwidth);

    p2p_hls_split_codecs (&level, level.variant->codecs);
    level.bitrate = (b != 0 && !isnan (b)) ? b :
        p2p_hls_decimal_integer (level.variant->average_bandwidth);
    known += !level.unknown_codecs;
    g_array_append_val (levels, level);
  }
  /* hls.js drops the variants with unknown codecs if some are known. */
  if (known > 0 && known < levels->len) {
    for (i = levels->len; i > 0; i--) {
      P2pHlsLevel *l = &g_array_index (levels, P2pHlsLevel, i - 1);

      if (l->unknown_codecs) {
        p2p_hls_set_media (reg, l->variant->uri, swarm, FALSE, NULL, 0);
        g_free (l->video_codec);
        g_free (l->audio_codec);
        g_array_remove_index (levels, i - 1);
      }
    }
  }

  for (i = 0; i < levels->len; i++) {
    P2pHlsStreamDesc d = { 0, };

    p2p_hls_describe_variant (reg->profile,
        &g_array_index (levels, P2pHlsLevel, i), &d);
    g_array_append_val (descs, d);
  }
  for (i = 0; i < pl->renditions->len; i++) {
    const P2pHlsRendition *r = g_ptr_array_index (pl->renditions, i);
    P2pHlsStreamDesc d = { 0, };

    if (r->uri == NULL)
      continue;
    if (!g_str_equal (r->type, "AUDIO")) {
      /* Subtitles and captions are not shared. */
      if (!g_hash_table_contains (reg->media_playlists, r->uri))
        p2p_hls_set_media (reg, r->uri, swarm, FALSE, NULL, 0);
      continue;
    }
    p2p_hls_describe_audio (reg->profile, r, levels, &d);
    g_array_append_val (descs, d);
  }
  if (reg->profile == P2P_SWARM_PROFILE_V3)
    p2p_hls_v3_collisions (descs);

  /* p2p-media-loader keys streams by playlist URL: the first wins. */
  for (i = 0; i < descs->len; i++) {
    P2pHlsStreamDesc *d = &g_array_index (descs, P2pHlsStreamDesc, i);

    if (!g_hash_table_contains (done, d->uri)) {
      g_hash_table_add (done, (gpointer) d->uri);
      p2p_hls_set_media (reg, d->uri, swarm, TRUE,
          p2p_swarm_stream_swarm_id (reg->profile, swarm, d->secondary,
              &d->attrs), d->bandwidth);
    }
  }
  for (i = 0; i < pl->iframe_uris->len; i++) {
    const gchar *iframe = g_ptr_array_index (pl->iframe_uris, i);

    if (!g_hash_table_contains (done, iframe))
      p2p_hls_set_media (reg, iframe, swarm, FALSE, NULL, 0);
  }
  for (i = 0; i < pl->keys->len; i++)
    g_hash_table_replace (reg->session_keys,
        g_strdup (g_ptr_array_index (pl->keys, i)), g_strdup (swarm));

  for (i = 0; i < descs->len; i++)
    p2p_hls_desc_clear (&g_array_index (descs, P2pHlsStreamDesc, i));
  for (i = 0; i < levels->len; i++) {
    g_free (g_array_index (levels, P2pHlsLevel, i).video_codec);
    g_free (g_array_index (levels, P2pHlsLevel, i).audio_codec);
  }
  g_array_unref (descs);
  g_array_unref (levels);
  g_hash_table_unref (done);
  p2p_registry_get_record (reg, P2P_MANIFEST_FORMAT_HLS, uri, swarm);
  g_free (swarm);
}

/* Start times continue those of the previous window, so that a segment
 * keeps its start across refreshes. */
static gdouble
p2p_hls_time_offset (P2pManifestRegistry * reg, P2pStream * stream,
    const P2pHlsPlaylist * pl)
{
  guint i;

  for (i = 0; i < pl->segments->len; i++) {
    const P2pHlsSegment *seg = &g_array_index (pl->segments, P2pHlsSegment,
        i);
    P2pEntry *e = p2p_registry_lookup (reg, stream, P2P_ENTRY_SEGMENT,
        seg->resource.uri, seg->resource.range_start,
        seg->resource.range_end);

    if (e)
      return e->seg.start - seg->start;
  }
  return 0;
}

static void
p2p_hls_add_media (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * swarm_id, const P2pHlsPlaylist * pl)
{
  P2pMediaPlaylistInfo *info = g_hash_table_lookup (reg->media_playlists,
      uri);
  P2pManifestRecord *record;
  P2pStream *stream;
  gchar *stream_swarm_id, *presentation;
  gboolean live = !pl->endlist;
  gdouble offset;
  guint i;

  if (info) {
    presentation = g_strdup (info->presentation);
    stream_swarm_id = g_strdup (info->stream_swarm_id);
  } else {
    /* No master: everything empty, bitrate 0 ("0--------"). */
    P2pStreamAttrs attrs = { "0", };

    presentation = swarm_id ? g_strdup (swarm_id) : p2p_uri_strip_query (uri);
    stream_swarm_id = p2p_swarm_stream_swarm_id (reg->profile, presentation,
        FALSE, &attrs);
  }
  record = p2p_registry_get_record (reg, P2P_MANIFEST_FORMAT_HLS, uri,
      presentation);
  if (info && !info->shared) {
    record->stream = NULL;
    g_free (stream_swarm_id);
    g_free (presentation);
    return;
  }
  stream = p2p_registry_get_stream (reg, stream_swarm_id, presentation, live);
  g_free (stream_swarm_id);
  g_free (presentation);
  stream->bandwidth = info ? info->bandwidth : 0;
  record->stream = stream;

  offset = p2p_hls_time_offset (reg, stream, pl);
  stream->gen++;
  for (i = 0; i < pl->segments->len; i++) {
    const P2pHlsSegment *seg = &g_array_index (pl->segments, P2pHlsSegment,
        i);
    gint64 id = p2p_swarm_hls_segment_id (reg->profile, live, seg->sequence,
        i);

    if (seg->map >= 0) {
      const P2pHlsResource *map = g_ptr_array_index (pl->maps, seg->map);

      p2p_registry_upsert (reg, stream, P2P_ENTRY_INIT, map->uri,
          map->range_start, map->range_end, -1, seg->start + offset, 0);
    }
    p2p_registry_upsert (reg, stream, P2P_ENTRY_SEGMENT, seg->resource.uri,
        seg->resource.range_start, seg->resource.range_end, id,
        seg->start + offset, seg->duration)->seg.aes128 = seg->aes128;
  }
  for (i = 0; i < pl->keys->len; i++)
    p2p_registry_upsert (reg, stream, P2P_ENTRY_KEY,
        g_ptr_array_index (pl->keys, i), -1, -1, -1, 0, 0);
  p2p_registry_prune (reg, stream);
}

void
p2p_registry_add_hls (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * swarm_id, const P2pHlsPlaylist * pl)
{
  if (pl->is_master)
    p2p_hls_add_master (reg, uri, swarm_id, pl);
  else
    p2p_hls_add_media (reg, uri, swarm_id, pl);
}
