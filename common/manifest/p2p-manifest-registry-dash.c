/* gst-p2pcdn: records DASH MPDs in the registry, with their swarms.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stream keys must equal those of p2p-media-loader 2.3 over Shaka
 * Player, so the attributes go through the steps Shaka applies first: a
 * video stream's bitrate is that of its variant (its bandwidth plus the
 * first audio stream's), its audio codecs are stripped, frameRate is
 * evaluated as a number, languages are normalized (ISO 639-2 to 639-1),
 * and audio is "secondary" with Label or id as its name.
 */
#include "p2p-manifest-private.h"
#include "p2p-manifest-registry-private.h"
#include "p2p-swarm-id.h"

#include <math.h>
#include <string.h>

/* Codec prefixes p2p-media-loader strips from video streams. */
static const gchar *const p2p_dash_audio_prefixes[] = {
  "mp4a", "ac-3", "ec-3", "ec+3", "opus", "vorb", "flac", NULL
};

/* ISO 639-2 codes whose ISO 639-1 code does not start with the same two
 * letters (the only ones where Shaka's normalization changes the key). */
static const gchar p2p_dash_iso_639[] =
    "alb=sq arg=an arm=hy ave=ae bam=bm baq=eu ben=bn bih=bh bos=bs bul=bg "
    "bur=my ces=cs che=ce chi=zh chu=cu chv=cv cor=kw cze=cs div=dv dut=nl "
    "epo=eo est=et ewe=ee fao=fo fij=fj fry=fy ful=ff geo=ka ger=de gla=gd "
    "gle=ga glv=gv gre=el grn=gn hat=ht her=hz hmo=ho ibo=ig ice=is ido=io "
    "iku=iu ile=ie ina=ia ind=id ipk=ik jav=jv jpn=ja kal=kl kan=kn kas=ks "
    "kau=kr kaz=kk khm=km kin=rw kir=ky kom=kv kon=kg kua=kj lao=lo lav=lv "
    "lin=ln lit=lt ltz=lb lug=lg mac=mk mah=mh mal=ml mao=mi mar=mr may=ms "
    "mlg=mg mlt=mt mon=mn mri=mi nav=nv nbl=nr ndo=ng nob=nb orm=om per=fa "
    "pli=pi pol=pl por=pt pus=ps roh=rm rum=ro run=rn sag=sg slk=sk slo=sk "
    "sme=se snd=sd sot=st spa=es srd=sc swe=sv tah=ty tat=tt tgl=tl tib=bo "
    "tsn=tn tuk=tk tur=tr uig=ug wel=cy wln=wa zha=za ";

/* Shaka's LanguageUtils.normalize (): language lower-cased and mapped to
 * two letters, region upper-cased, private use kept. */
static gchar *
p2p_dash_normalize_language (const gchar * locale)
{
  const gchar *priv = strstr (locale, "-x-");
  gchar *lang_region = priv ? g_strndup (locale, priv - locale) :
      g_strdup (locale);
  gchar **parts = g_strsplit (lang_region, "-", 3);
  gchar *language = g_ascii_strdown (parts[0] ? parts[0] : "", -1);
  gchar *region = parts[0] && parts[1] ? g_ascii_strup (parts[1], -1) : NULL;
  gchar *out;

  if (strlen (language) == 3) {
    gchar *needle = g_strdup_printf ("%s=", language);
    const gchar *hit = strstr (p2p_dash_iso_639, needle);

    if (hit && (hit == p2p_dash_iso_639 || hit[-1] == ' ')) {
      g_free (language);
      language = g_strndup (hit + 4, 2);
    }
    g_free (needle);
  }
  out = g_strdup_printf ("%s%s%s%s%s", language, region && *region ? "-" : "",
      region && *region ? region : "", priv ? "-" : "", priv ? priv + 1 : "");
  g_free (language);
  g_free (region);
  g_strfreev (parts);
  g_free (lang_region);
  return out;
}

/* Shaka's evalDivision () of frameRate, NULL where it is 0 or NaN. */
static gchar *
p2p_dash_frame_rate (const gchar * s)
{
  const gchar *slash;
  gdouble v;

  if (s == NULL)
    return NULL;
  if ((slash = strchr (s, '/'))) {
    gchar *num = g_strndup (s, slash - s);
    guint64 n, d;
    gboolean ok = p2p_parse_uint64 (num, &n) && p2p_parse_uint64 (slash + 1,
        &d);

    g_free (num);
    if (!ok)
      return NULL;
    v = (gdouble) n / (gdouble) d;
  } else if (!p2p_parse_double (s, &v)) {
    return NULL;
  }
  if (v == 0 || isnan (v))
    return NULL;
  return p2p_js_number_to_string (v);
}

static gchar *
p2p_dash_positive_int (const gchar * s)
{
  guint64 v;

  if (s == NULL || !p2p_parse_uint64 (s, &v) || v == 0)
    return NULL;
  return p2p_js_number_to_string ((gdouble) v);
}

/* Video codecs as Shaka hands them to p2p-media-loader, audio removed. */
static gchar *
p2p_dash_video_codecs (const gchar * codecs)
{
  gchar **list;
  GString *out;
  guint i, k;

  if (codecs == NULL || *codecs == '\0')
    return NULL;
  list = g_strsplit (codecs, ",", -1);
  out = g_string_new (NULL);
  for (i = 0; list[i]; i++) {
    gchar *c = g_ascii_strdown (g_strstrip (list[i]), -1);
    gboolean audio = FALSE;

    for (k = 0; p2p_dash_audio_prefixes[k]; k++)
      audio |= g_str_has_prefix (c, p2p_dash_audio_prefixes[k]);
    if (!audio) {
      if (out->len)
        g_string_append_c (out, ',');
      g_string_append (out, c);
    }
    g_free (c);
  }
  g_strfreev (list);
  return g_string_free (out, FALSE);
}

typedef struct
{
  const P2pDashRepresentation *rep;
  gboolean secondary;
  gchar *owned[6];
  P2pStreamAttrs attrs;
  gchar *bitrate_if_colliding;
  gchar *stream_swarm_id;
} P2pDashDesc;

static void
p2p_dash_desc_clear (gpointer data)
{
  P2pDashDesc *d = data;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (d->owned); i++)
    g_free (d->owned[i]);
  g_free (d->bitrate_if_colliding);
  g_free (d->stream_swarm_id);
}

static const gchar *
p2p_dash_keep (P2pDashDesc * d, gchar * s)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (d->owned); i++) {
    if (d->owned[i] == NULL) {
      d->owned[i] = s;
      return s;
    }
  }
  g_assert_not_reached ();
  return NULL;
}

static void
p2p_dash_describe_v2 (P2pDashDesc * d, gboolean has_video,
    gboolean has_audio, guint64 first_audio_bandwidth)
{
  const P2pDashRepresentation *rep = d->rep;

  if (rep->content == P2P_DASH_CONTENT_VIDEO) {
    guint64 bitrate = rep->bandwidth + (has_audio ? first_audio_bandwidth : 0);

    d->attrs.bitrate = p2p_dash_keep (d,
        p2p_js_number_to_string ((gdouble) bitrate));
    if (bitrate == 0)
      return;
    d->attrs.codecs = p2p_dash_keep (d, p2p_dash_video_codecs (rep->codecs));
    d->attrs.width = p2p_dash_keep (d, p2p_dash_positive_int (rep->width));
    d->attrs.height = p2p_dash_keep (d, p2p_dash_positive_int (rep->height));
    d->attrs.frame_rate = p2p_dash_keep (d,
        p2p_dash_frame_rate (rep->frame_rate));
    d->attrs.video_range = rep->video_range;
  } else if (!has_video) {
    /* Audio-only: the variant's bandwidth and nothing else. */
    d->attrs.bitrate = p2p_dash_keep (d,
        p2p_js_number_to_string ((gdouble) rep->bandwidth));
  } else {
    d->secondary = TRUE;
    d->attrs.bitrate = "0";
    d->attrs.codecs = rep->codecs;
    d->attrs.language = p2p_dash_keep (d,
        p2p_dash_normalize_language (rep->lang ? rep->lang : "und"));
    if (rep->channel_count)
      d->attrs.channels = p2p_dash_keep (d,
          g_strdup_printf ("%u", rep->channel_count));
    d->attrs.name = rep->label ? rep->label : rep->id;
  }
}

static void
p2p_dash_describe_v3 (P2pDashDesc * d, gboolean has_video)
{
  const P2pDashRepresentation *rep = d->rep;

  d->attrs.bitrate = "0";
  d->attrs.codecs = rep->codecs;
  if (rep->content == P2P_DASH_CONTENT_VIDEO || !has_video) {
    d->bitrate_if_colliding = g_strdup_printf ("%" G_GUINT64_FORMAT,
        rep->bandwidth);
    d->attrs.width = rep->width;
    d->attrs.height = rep->height;
    d->attrs.frame_rate = rep->frame_rate;
    d->attrs.video_range = rep->video_range;
  }
  if (rep->content == P2P_DASH_CONTENT_AUDIO) {
    d->secondary = has_video;
    d->attrs.language = rep->lang;
    d->attrs.channels = rep->channels;
    d->attrs.name = rep->label ? rep->label : rep->id;
  }
}

/* V3: bitrate 0 unless two main streams would collide. */
static void
p2p_dash_v3_collisions (GArray * descs)
{
  GHashTable *count = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < descs->len; i++) {
    P2pDashDesc *d = &g_array_index (descs, P2pDashDesc, i);
    gchar *identity = p2p_swarm_identity_string (P2P_SWARM_PROFILE_V3,
        &d->attrs);
    gchar *id = g_strdup_printf ("%u/%s", d->rep->period, identity);

    g_free (identity);

    g_hash_table_replace (count, g_strdup (id),
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (count,
                    id)) + 1));
    g_ptr_array_add (ids, id);
  }
  for (i = 0; i < descs->len; i++) {
    P2pDashDesc *d = &g_array_index (descs, P2pDashDesc, i);

    if (!d->secondary && d->bitrate_if_colliding
        && GPOINTER_TO_UINT (g_hash_table_lookup (count,
                g_ptr_array_index (ids, i))) > 1)
      d->attrs.bitrate = d->bitrate_if_colliding;
  }
  g_ptr_array_unref (ids);
  g_hash_table_unref (count);
}

static GArray *
p2p_dash_describe (P2pManifestRegistry * reg, P2pMpd * mpd, const gchar * swarm)
{
  GArray *descs = g_array_new (FALSE, TRUE, sizeof (P2pDashDesc));
  guint i, j;

  g_array_set_clear_func (descs, p2p_dash_desc_clear);
  for (i = 0; i < mpd->representations->len; i++) {
    const P2pDashRepresentation *rep =
        g_ptr_array_index (mpd->representations, i);
    gboolean has_video = FALSE, has_audio = FALSE;
    guint64 first_audio = 0;
    P2pDashDesc d = { rep, };

    if (rep->content == P2P_DASH_CONTENT_OTHER)
      continue;
    /* Shaka pairs every video with every audio of the Period, the first
     * audio first. */
    for (j = 0; j < mpd->representations->len; j++) {
      const P2pDashRepresentation *other =
          g_ptr_array_index (mpd->representations, j);

      if (other->period != rep->period)
        continue;
      has_video |= other->content == P2P_DASH_CONTENT_VIDEO;
      if (other->content == P2P_DASH_CONTENT_AUDIO && !has_audio) {
        has_audio = TRUE;
        first_audio = other->bandwidth;
      }
    }
    if (reg->profile == P2P_SWARM_PROFILE_V3)
      p2p_dash_describe_v3 (&d, has_video);
    else
      p2p_dash_describe_v2 (&d, has_video, has_audio, first_audio);
    g_array_append_val (descs, d);
  }
  if (reg->profile == P2P_SWARM_PROFILE_V3)
    p2p_dash_v3_collisions (descs);
  for (i = 0; i < descs->len; i++) {
    P2pDashDesc *d = &g_array_index (descs, P2pDashDesc, i);

    d->stream_swarm_id = p2p_swarm_stream_swarm_id (reg->profile, swarm,
        d->secondary, &d->attrs);
  }
  return descs;
}

static void
p2p_dash_add_representation (P2pManifestRegistry * reg,
    P2pManifestRecord * record, const P2pDashRepresentation * rep,
    P2pStream * stream)
{
  gdouble start, duration;
  guint i;

  if (rep->init.uri)
    p2p_registry_upsert (reg, stream, P2P_ENTRY_INIT, rep->init.uri,
        rep->init.range_start, rep->init.range_end, -1, rep->period_start, 0);

  switch (rep->addressing) {
    case P2P_DASH_ADDRESSING_TEMPLATE:{
      P2pTemplateRef *ref = g_new0 (P2pTemplateRef, 1);

      ref->rep = rep;
      ref->stream = stream;
      ref->record = record;
      ref->gen = record->gen;
      g_ptr_array_add (reg->templates, ref);
      break;
    }
    case P2P_DASH_ADDRESSING_LIST:
      for (i = 0; i < rep->segments->len; i++) {
        const P2pDashUrl *url = &g_array_index (rep->segments, P2pDashUrl, i);

        if (!p2p_dash_representation_segment_time (rep, i, &start, &duration))
          break;
        p2p_registry_upsert (reg, stream, P2P_ENTRY_SEGMENT, url->uri,
            url->range_start, url->range_end,
            p2p_swarm_dash_segment_id (reg->profile, start), start, duration);
      }
      break;
    case P2P_DASH_ADDRESSING_BASE:{
      P2pIndexRef *ref = NULL;

      if (rep->index.uri == NULL)
        break;
      p2p_registry_upsert (reg, stream, P2P_ENTRY_INDEX, rep->index.uri,
          rep->index.range_start, rep->index.range_end, -1,
          rep->period_start, 0);
      for (i = 0; i < reg->indexes->len && ref == NULL; i++) {
        P2pIndexRef *r = g_ptr_array_index (reg->indexes, i);

        if (r->stream == stream && g_str_equal (r->uri, rep->index.uri)
            && r->index_start == rep->index.range_start)
          ref = r;
      }
      if (ref == NULL) {
        ref = g_new0 (P2pIndexRef, 1);
        ref->uri = g_strdup (rep->index.uri);
        ref->index_start = rep->index.range_start;
        ref->index_end = rep->index.range_end;
        ref->stream = stream;
        g_ptr_array_add (reg->indexes, ref);
      }
      ref->period_start = rep->period_start;
      ref->presentation_time_offset = rep->presentation_time_offset;
      ref->timescale = rep->timescale;
      ref->record = record;
      ref->gen = record->gen;
      if (ref->sidx)
        p2p_registry_index_segments (reg, ref);
      break;
    }
    case P2P_DASH_ADDRESSING_NONE:
      /* Only a BaseURL: the whole file is the one segment (without one,
       * the "file" would be the MPD itself). */
      if (g_str_equal (rep->base_url, record->uri)
          || !p2p_dash_representation_segment_time (rep, 0, &start, &duration))
        break;
      p2p_registry_upsert (reg, stream, P2P_ENTRY_SEGMENT, rep->base_url, -1,
          -1, p2p_swarm_dash_segment_id (reg->profile, start), start, duration);
      break;
  }
}

void
p2p_registry_index_segments (P2pManifestRegistry * reg, P2pIndexRef * ref)
{
  guint i;

  for (i = 0; i < ref->sidx->references->len; i++) {
    const P2pSidxReference *r = &g_array_index (ref->sidx->references,
        P2pSidxReference, i);
    gdouble start = ref->period_start + (gdouble) r->time /
        ref->sidx->timescale - (gdouble) ref->presentation_time_offset /
        ref->timescale;

    p2p_registry_upsert (reg, ref->stream, P2P_ENTRY_SEGMENT, ref->uri,
        (gint64) r->offset, (gint64) (r->offset + r->size - 1),
        p2p_swarm_dash_segment_id (reg->profile, start), start,
        (gdouble) r->duration / ref->sidx->timescale);
  }
}

/* Drops templates and indexes of @record older than its previous MPD. */
static void
p2p_dash_prune_refs (P2pManifestRegistry * reg, P2pManifestRecord * record)
{
  guint i;

  for (i = reg->templates->len; i > 0; i--) {
    P2pTemplateRef *ref = g_ptr_array_index (reg->templates, i - 1);

    if (ref->record == record && ref->gen + 1 < record->gen)
      g_ptr_array_remove_index (reg->templates, i - 1);
  }
  for (i = reg->indexes->len; i > 0; i--) {
    P2pIndexRef *ref = g_ptr_array_index (reg->indexes, i - 1);

    if (ref->record == record && ref->gen + 1 < record->gen)
      g_ptr_array_remove_index (reg->indexes, i - 1);
  }
}

void
p2p_registry_add_dash (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * swarm_id, P2pMpd * mpd)
{
  gchar *swarm = swarm_id ? g_strdup (swarm_id) : p2p_uri_strip_query (uri);
  P2pManifestRecord *record = p2p_registry_get_record (reg,
      P2P_MANIFEST_FORMAT_DASH, uri, swarm);
  GHashTable *bumped = g_hash_table_new (NULL, NULL);
  GArray *descs;
  guint i;

  record->gen++;
  descs = p2p_dash_describe (reg, mpd, swarm);
  for (i = 0; i < descs->len; i++) {
    P2pDashDesc *d = &g_array_index (descs, P2pDashDesc, i);
    P2pStream *stream = p2p_registry_get_stream (reg, d->stream_swarm_id,
        swarm, mpd->dynamic);

    stream->bandwidth = d->rep->bandwidth;

    if (!g_hash_table_contains (bumped, stream)) {
      g_hash_table_add (bumped, stream);
      stream->gen++;
      if (!g_ptr_array_find (record->streams, stream, NULL))
        g_ptr_array_add (record->streams, stream);
    }
    p2p_dash_add_representation (reg, record, d->rep, stream);
  }
  /* Streams this MPD no longer lists age out like dropped segments. */
  for (i = 0; i < record->streams->len; i++) {
    P2pStream *stream = g_ptr_array_index (record->streams, i);

    if (!g_hash_table_contains (bumped, stream))
      stream->gen++;
    p2p_registry_prune (reg, stream);
  }
  p2p_dash_prune_refs (reg, record);
  p2p_mpd_free (record->prev_mpd);
  record->prev_mpd = record->mpd;
  record->mpd = mpd;

  for (i = 0; i < mpd->locations->len; i++)
    g_hash_table_replace (reg->locations,
        g_strdup (g_ptr_array_index (mpd->locations, i)), g_strdup (swarm));

  g_array_unref (descs);
  g_hash_table_unref (bumped);
  g_free (swarm);
}

gboolean
p2p_registry_match_template (P2pManifestRegistry * reg, const gchar * uri,
    P2pEntry ** entry)
{
  guint i;

  /* Newest first: the current MPD wins over the previous one. */
  for (i = reg->templates->len; i > 0; i--) {
    P2pTemplateRef *ref = g_ptr_array_index (reg->templates, i - 1);
    const P2pDashRepresentation *rep = ref->rep;
    guint64 number = 0, time = 0, index;
    gdouble start, duration;

    if (!p2p_dash_template_match (rep->media, uri, &number, &time))
      continue;
    if (p2p_dash_template_has_time (rep->media)) {
      if (!p2p_dash_representation_index_of_time (rep, time, &index))
        continue;
      if (p2p_dash_template_has_number (rep->media)
          && (number < rep->start_number
              || number - rep->start_number != index))
        continue;
    } else {
      if (number < rep->start_number)
        continue;
      index = number - rep->start_number;
    }
    if (!p2p_dash_representation_segment_time (rep, index, &start, &duration))
      continue;

    g_free (reg->scratch.seg.uri);
    memset (&reg->scratch, 0, sizeof (reg->scratch));
    reg->scratch.seg.uri = g_strdup (uri);
    reg->scratch.seg.range_start = reg->scratch.seg.range_end = -1;
    reg->scratch.seg.id = p2p_swarm_dash_segment_id (reg->profile, start);
    reg->scratch.seg.start = start;
    reg->scratch.seg.duration = duration;
    reg->scratch.stream = ref->stream;
    reg->scratch.kind = P2P_ENTRY_SEGMENT;
    *entry = &reg->scratch;
    return TRUE;
  }
  return FALSE;
}
