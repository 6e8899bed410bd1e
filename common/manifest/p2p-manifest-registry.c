/* gst-p2pcdn: the manifest registry and the request classifier.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-registry-private.h"
#include "p2p-manifest-private.h"
#include "p2p-manifest-rewrite.h"
#include "p2p-swarm-id.h"

#include <string.h>

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_manifest_log, "p2pcdn-manifest", "manifest registry: playlists, segments, swarm identity")
#define GST_CAT_DEFAULT p2p_manifest_log ()


static guint
p2p_entry_hash (gconstpointer data)
{
  const P2pEntry *e = data;
  guint h = g_str_hash (e->seg.uri);

  h = h * 31 + g_direct_hash (e->stream);
  h = h * 31 + e->kind;
  h = h * 31 + (guint) e->seg.range_start;
  return h * 31 + (guint) e->seg.range_end;
}

static gboolean
p2p_entry_equal (gconstpointer a, gconstpointer b)
{
  const P2pEntry *x = a, *y = b;

  return x->stream == y->stream && x->kind == y->kind
      && x->seg.range_start == y->seg.range_start
      && x->seg.range_end == y->seg.range_end
      && g_str_equal (x->seg.uri, y->seg.uri);
}

static void
p2p_entry_free (gpointer data)
{
  P2pEntry *e = data;

  g_free (e->seg.uri);
  g_free (e);
}

static void
p2p_stream_free (gpointer data)
{
  P2pStream *s = data;

  g_free (s->stream_swarm_id);
  g_free (s->presentation);
  g_free (s->info_hash);
  g_ptr_array_unref (s->entries);
  g_free (s);
}

static void
p2p_record_free (gpointer data)
{
  P2pManifestRecord *r = data;

  g_free (r->uri);
  g_free (r->presentation);
  p2p_mpd_free (r->mpd);
  p2p_mpd_free (r->prev_mpd);
  g_ptr_array_unref (r->streams);
  g_free (r);
}

static void
p2p_media_info_free (gpointer data)
{
  P2pMediaPlaylistInfo *info = data;

  g_free (info->stream_swarm_id);
  g_free (info->presentation);
  g_free (info);
}

void
p2p_index_ref_free (gpointer data)
{
  P2pIndexRef *ref = data;

  g_free (ref->uri);
  p2p_sidx_free (ref->sidx);
  g_free (ref);
}

P2pManifestRegistry *
p2p_manifest_registry_new (void)
{
  P2pManifestRegistry *reg = g_new0 (P2pManifestRegistry, 1);

  reg->profile = P2P_SWARM_PROFILE_V2;
  reg->manifests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      p2p_record_free);
  reg->media_playlists = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, p2p_media_info_free);
  reg->locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  reg->session_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  reg->streams = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      p2p_stream_free);
  reg->by_uri = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_ptr_array_unref);
  reg->entry_set = g_hash_table_new (p2p_entry_hash, p2p_entry_equal);
  reg->templates = g_ptr_array_new_with_free_func (g_free);
  reg->indexes = g_ptr_array_new_with_free_func (p2p_index_ref_free);
  reg->result = g_ptr_array_new ();
  return reg;
}

void
p2p_manifest_registry_free (P2pManifestRegistry * reg)
{
  if (reg == NULL)
    return;
  g_ptr_array_unref (reg->result);
  g_free (reg->scratch.seg.uri);
  /* Templates point into the records' MPDs and at streams: first. */
  g_ptr_array_unref (reg->templates);
  g_ptr_array_unref (reg->indexes);
  g_hash_table_unref (reg->entry_set);
  g_hash_table_unref (reg->by_uri);
  g_hash_table_unref (reg->streams);
  g_hash_table_unref (reg->manifests);
  g_hash_table_unref (reg->media_playlists);
  g_hash_table_unref (reg->locations);
  g_hash_table_unref (reg->session_keys);
  g_free (reg);
}

void
p2p_manifest_registry_set_profile (P2pManifestRegistry * reg,
    P2pSwarmProfile profile)
{
  g_return_if_fail (reg != NULL);
  reg->profile = profile;
}

P2pStream *
p2p_registry_get_stream (P2pManifestRegistry * reg,
    const gchar * stream_swarm_id, const gchar * presentation, gboolean live)
{
  P2pStream *s = g_hash_table_lookup (reg->streams, stream_swarm_id);

  if (s == NULL) {
    s = g_new0 (P2pStream, 1);
    s->stream_swarm_id = g_strdup (stream_swarm_id);
    s->info_hash = p2p_swarm_info_hash (stream_swarm_id);
    s->entries = g_ptr_array_new_with_free_func (p2p_entry_free);
    g_hash_table_insert (reg->streams, s->stream_swarm_id, s);
  }
  if (g_strcmp0 (s->presentation, presentation) != 0) {
    g_free (s->presentation);
    s->presentation = g_strdup (presentation);
  }
  s->live = live;
  s->last_used = g_get_monotonic_time ();
  return s;
}

P2pManifestRecord *
p2p_registry_get_record (P2pManifestRegistry * reg, P2pManifestFormat format,
    const gchar * uri, const gchar * presentation)
{
  P2pManifestRecord *r = g_hash_table_lookup (reg->manifests, uri);

  if (r == NULL) {
    r = g_new0 (P2pManifestRecord, 1);
    r->uri = g_strdup (uri);
    r->streams = g_ptr_array_new ();
    g_hash_table_insert (reg->manifests, r->uri, r);
  }
  if (g_strcmp0 (r->presentation, presentation) != 0) {
    g_free (r->presentation);
    r->presentation = g_strdup (presentation);
  }
  r->format = format;
  r->last_used = g_get_monotonic_time ();
  return r;
}

P2pEntry *
p2p_registry_lookup (P2pManifestRegistry * reg, P2pStream * stream,
    P2pEntryKind kind, const gchar * uri, gint64 range_start, gint64 range_end)
{
  P2pEntry key;

  key.seg.uri = (gchar *) uri;
  key.seg.range_start = range_start;
  key.seg.range_end = range_end;
  key.stream = stream;
  key.kind = kind;
  return g_hash_table_lookup (reg->entry_set, &key);
}

P2pEntry *
p2p_registry_upsert (P2pManifestRegistry * reg, P2pStream * stream,
    P2pEntryKind kind, const gchar * uri, gint64 range_start,
    gint64 range_end, gint64 id, gdouble start, gdouble duration)
{
  P2pEntry *e = p2p_registry_lookup (reg, stream, kind, uri, range_start,
      range_end);
  GPtrArray *bucket;

  if (e) {
    e->gen = stream->gen;
    e->seg.start = start;
    e->seg.duration = duration;
    return e;
  }
  e = g_new0 (P2pEntry, 1);
  e->seg.uri = g_strdup (uri);
  e->seg.range_start = range_start;
  e->seg.range_end = range_end;
  e->seg.id = id;
  e->seg.start = start;
  e->seg.duration = duration;
  e->stream = stream;
  e->kind = kind;
  e->gen = stream->gen;
  g_ptr_array_add (stream->entries, e);
  g_hash_table_add (reg->entry_set, e);
  bucket = g_hash_table_lookup (reg->by_uri, uri);
  if (bucket == NULL) {
    bucket = g_ptr_array_new ();
    g_hash_table_insert (reg->by_uri, g_strdup (uri), bucket);
  }
  g_ptr_array_add (bucket, e);
  return e;
}

void
p2p_registry_unlink_dead (P2pManifestRegistry * reg, GHashTable * uris)
{
  GHashTableIter iter;
  gpointer key;
  guint i;

  /* One pass per bucket, however many of its entries went. */
  g_hash_table_iter_init (&iter, uris);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    GPtrArray *bucket = g_hash_table_lookup (reg->by_uri, key);
    guint j = 0;

    if (bucket == NULL)
      continue;
    for (i = 0; i < bucket->len; i++) {
      P2pEntry *e = g_ptr_array_index (bucket, i);

      if (!e->dead)
        g_ptr_array_index (bucket, j++) = e;
    }
    g_ptr_array_set_size (bucket, j);
    if (j == 0)
      g_hash_table_remove (reg->by_uri, key);
  }
}

void
p2p_registry_prune (P2pManifestRegistry * reg, P2pStream * stream)
{
  GHashTable *affected;
  GPtrArray *kept;
  guint i;

  if (stream->gen < 2)
    return;
  affected = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < stream->entries->len; i++) {
    P2pEntry *e = g_ptr_array_index (stream->entries, i);

    if (e->gen + 1 < stream->gen) {
      e->dead = TRUE;
      g_hash_table_remove (reg->entry_set, e);
      g_hash_table_add (affected, e->seg.uri);
    }
  }
  if (g_hash_table_size (affected) == 0) {
    g_hash_table_unref (affected);
    return;
  }
  GST_DEBUG ("%s: dropping entries older than generation %u",
      stream->stream_swarm_id, stream->gen - 1);
  p2p_registry_unlink_dead (reg, affected);
  g_hash_table_unref (affected);

  kept = g_ptr_array_new_with_free_func (p2p_entry_free);
  for (i = 0; i < stream->entries->len; i++) {
    P2pEntry *e = g_ptr_array_index (stream->entries, i);

    if (e->dead) {
      p2p_entry_free (e);
    } else {
      g_ptr_array_add (kept, e);
    }
    g_ptr_array_index (stream->entries, i) = NULL;
  }
  g_ptr_array_set_free_func (stream->entries, NULL);
  g_ptr_array_unref (stream->entries);
  stream->entries = kept;
}

GBytes *
p2p_manifest_registry_add (P2pManifestRegistry * reg,
    P2pManifestFormat format, const gchar * uri, const gchar * swarm_id,
    const guint8 * data, gsize len, const gchar * scheme_prefix,
    GError ** error)
{
  gchar *norm;
  GBytes *out = NULL;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > P2P_MANIFEST_MAX_SIZE) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_TOO_LARGE,
        "manifest of %" G_GSIZE_FORMAT " bytes is above the limit of %d",
        len, P2P_MANIFEST_MAX_SIZE);
    return NULL;
  }
  if (format == P2P_MANIFEST_FORMAT_UNKNOWN)
    format = p2p_manifest_sniff (uri, NULL, data, len);

  norm = p2p_uri_normalize (uri);
  if (format == P2P_MANIFEST_FORMAT_HLS) {
    P2pHlsPlaylist *pl = p2p_hls_parse (norm, data, len, error);

    if (pl) {
      GST_DEBUG ("%s: HLS %s playlist, %u variants, %u segments", norm,
          pl->is_master ? "master" : "media", pl->variants->len,
          pl->segments->len);
      p2p_registry_add_hls (reg, norm, swarm_id, pl);
      p2p_hls_playlist_free (pl);
      out = p2p_hls_rewrite (data, len, scheme_prefix);
    }
  } else if (format == P2P_MANIFEST_FORMAT_DASH) {
    P2pMpd *mpd = p2p_mpd_parse (norm, data, len, error);

    if (mpd) {
      GST_DEBUG ("%s: %s MPD, %u representations", norm,
          mpd->dynamic ? "dynamic" : "static", mpd->representations->len);
      p2p_registry_add_dash (reg, norm, swarm_id, mpd);
      out = p2p_mpd_rewrite (data, len, scheme_prefix);
    }
  } else {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_SYNTAX,
        "%s is neither an HLS playlist nor a DASH MPD", uri);
  }
  g_free (norm);
  return out;
}

gboolean
p2p_manifest_registry_add_index (P2pManifestRegistry * reg,
    const gchar * uri, gint64 range_start, const guint8 * data, gsize len,
    GError ** error)
{
  gchar *norm;
  P2pIndexRef *ref = NULL;
  P2pSidx *sidx;
  gint64 start = MAX (range_start, 0);
  guint i;

  g_return_val_if_fail (reg != NULL, FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  norm = p2p_uri_normalize (uri);
  /* The newest SegmentBase whose index the bytes cover. */
  for (i = reg->indexes->len; i > 0 && ref == NULL; i--) {
    P2pIndexRef *r = g_ptr_array_index (reg->indexes, i - 1);

    if (g_str_equal (r->uri, norm) && r->index_start >= start
        && (guint64) (r->index_end - start) < len)
      ref = r;
  }
  if (ref == NULL) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
        "no SegmentBase index of %s lies within %" G_GSIZE_FORMAT
        " bytes from offset %" G_GINT64_FORMAT, norm, len, start);
    g_free (norm);
    return FALSE;
  }
  g_free (norm);

  sidx = p2p_sidx_parse (data, len, (guint64) start, error);
  if (sidx == NULL)
    return FALSE;
  GST_DEBUG ("%s: sidx of %u references", ref->uri, sidx->references->len);
  p2p_sidx_free (ref->sidx);
  ref->sidx = sidx;
  p2p_registry_index_segments (reg, ref);
  return TRUE;
}

static gboolean
p2p_overlaps (const P2pSegment * seg, gint64 start, gint64 end)
{
  gint64 s = seg->range_start < 0 ? 0 : seg->range_start;
  gint64 e = seg->range_start < 0 || seg->range_end < 0 ? G_MAXINT64 :
      seg->range_end;

  return s <= end && start <= e;
}

/* An init segment is only what lies inside it: a request that goes on
 * into the media is not an init request. */
static gboolean
p2p_contains (const P2pSegment * seg, gint64 start, gint64 end)
{
  gint64 s = seg->range_start < 0 ? 0 : seg->range_start;
  gint64 e = seg->range_start < 0 || seg->range_end < 0 ? G_MAXINT64 :
      seg->range_end;

  return s <= start && end <= e;
}

/* The entries of @bucket the range overlaps: segments of one stream if
 * any, else the index, else the init segment, else a key. */
static P2pEntryKind
p2p_registry_pick (P2pManifestRegistry * reg, GPtrArray * bucket,
    gint64 start, gint64 end, gboolean * found)
{
  static const P2pEntryKind order[] = { P2P_ENTRY_SEGMENT, P2P_ENTRY_INDEX,
    P2P_ENTRY_INIT, P2P_ENTRY_KEY
  };
  guint k, i;

  for (k = 0; k < G_N_ELEMENTS (order); k++) {
    P2pStream *stream = NULL;

    for (i = 0; i < bucket->len; i++) {
      P2pEntry *e = g_ptr_array_index (bucket, i);

      if (e->kind != order[k] || (stream && e->stream != stream))
        continue;
      if (e->kind == P2P_ENTRY_INIT ? !p2p_contains (&e->seg, start, end) :
          !p2p_overlaps (&e->seg, start, end))
        continue;
      stream = e->stream;
      g_ptr_array_add (reg->result, e);
      if (order[k] != P2P_ENTRY_SEGMENT)
        break;
    }
    if (stream) {
      *found = TRUE;
      return order[k];
    }
  }
  *found = FALSE;
  return P2P_ENTRY_SEGMENT;
}

static gint
p2p_compare_range (gconstpointer a, gconstpointer b)
{
  const P2pSegment *x = *(const P2pSegment * const *) a;
  const P2pSegment *y = *(const P2pSegment * const *) b;

  return x->range_start < y->range_start ? -1 : x->range_start > y->range_start;
}

void
p2p_manifest_registry_classify (P2pManifestRegistry * reg,
    const gchar * uri, gint64 range_start, gint64 range_end,
    P2pRequestInfo * info)
{
  static const P2pResourceKind kinds[] = {
    [P2P_ENTRY_SEGMENT] = P2P_RESOURCE_SEGMENT,
    [P2P_ENTRY_INIT] = P2P_RESOURCE_INIT,
    [P2P_ENTRY_INDEX] = P2P_RESOURCE_INDEX,
    [P2P_ENTRY_KEY] = P2P_RESOURCE_KEY,
  };
  gint64 start = range_start < 0 ? 0 : range_start;
  gint64 end = range_end < 0 ? G_MAXINT64 : range_end;
  P2pEntry *first = NULL;
  P2pManifestRecord *record;
  GPtrArray *bucket;
  gchar *norm;

  g_return_if_fail (reg != NULL);
  g_return_if_fail (uri != NULL);
  g_return_if_fail (info != NULL);

  memset (info, 0, sizeof (*info));
  g_ptr_array_set_size (reg->result, 0);
  info->segments = (const P2pSegment * const *) reg->result->pdata;
  norm = p2p_uri_normalize (uri);

  record = g_hash_table_lookup (reg->manifests, norm);
  if (record || g_hash_table_contains (reg->media_playlists, norm)
      || g_hash_table_contains (reg->locations, norm)) {
    info->kind = P2P_RESOURCE_MANIFEST;
    if (record)
      record->last_used = g_get_monotonic_time ();
  } else {
    gboolean found = FALSE;

    bucket = g_hash_table_lookup (reg->by_uri, norm);
    if (bucket) {
      P2pEntryKind kind = p2p_registry_pick (reg, bucket, start, end, &found);

      if (found) {
        info->kind = kinds[kind];
        first = g_ptr_array_index (reg->result, 0);
        if (reg->result->len > 1)
          g_ptr_array_sort (reg->result, p2p_compare_range);
      }
    }
    if (found) {
      /* done */
    } else if (g_hash_table_contains (reg->session_keys, norm)) {
      info->kind = P2P_RESOURCE_KEY;
    } else if (p2p_registry_match_template (reg, norm, &first)) {
      info->kind = kinds[first->kind];
      g_ptr_array_add (reg->result, first);
    }
  }
  g_free (norm);

  if (first) {
    first->stream->last_used = g_get_monotonic_time ();
    info->stream_swarm_id = first->stream->stream_swarm_id;
    info->info_hash = first->stream->info_hash;
    info->live = first->stream->live;
    info->bandwidth = first->stream->bandwidth;
    if (first->kind != P2P_ENTRY_KEY) {
      info->segments = (const P2pSegment * const *) reg->result->pdata;
      info->n_segments = reg->result->len;
    }
  }
}
