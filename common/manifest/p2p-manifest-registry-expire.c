/* gst-p2pcdn: forgetting the presentations nobody uses any more.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-registry-private.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_manifest_expire_log, "p2pcdn-manifest", "manifest registry: playlists, segments, swarm identity")
#define GST_CAT_DEFAULT p2p_manifest_expire_log ()

static gboolean
p2p_is_gone (GHashTable * active, const gchar * presentation)
{
  return !g_hash_table_contains (active, presentation ? presentation : "");
}

/* Removes the string-keyed entries whose value (a presentation) is gone. */
static void
p2p_drop_by_presentation (GHashTable * table, GHashTable * active)
{
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (p2p_is_gone (active, value))
      g_hash_table_iter_remove (&it);
}

static void
p2p_unlink_stream (P2pManifestRegistry * reg, P2pStream * stream)
{
  GHashTable *uris = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  P2pManifestRecord *record;
  guint i;

  for (i = 0; i < stream->entries->len; i++) {
    P2pEntry *e = g_ptr_array_index (stream->entries, i);

    e->dead = TRUE;
    g_hash_table_remove (reg->entry_set, e);
    g_hash_table_add (uris, e->seg.uri);
  }
  p2p_registry_unlink_dead (reg, uris);
  g_hash_table_unref (uris);

  for (i = reg->templates->len; i > 0; i--)
    if (((P2pTemplateRef *) g_ptr_array_index (reg->templates,
                i - 1))->stream == stream)
      g_ptr_array_remove_index (reg->templates, i - 1);
  for (i = reg->indexes->len; i > 0; i--)
    if (((P2pIndexRef *) g_ptr_array_index (reg->indexes,
                i - 1))->stream == stream)
      g_ptr_array_remove_index (reg->indexes, i - 1);
  /* a record kept (another presentation's) must not point at it */
  g_hash_table_iter_init (&it, reg->manifests);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & record)) {
    if (record->stream == stream)
      record->stream = NULL;
    g_ptr_array_remove (record->streams, stream);
  }
}

guint
p2p_manifest_registry_expire (P2pManifestRegistry * reg, gint64 now,
    gint64 idle_us, GPtrArray * presentations, GPtrArray * streams)
{
  GHashTable *active = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *gone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GHashTableIter it;
  P2pManifestRecord *record;
  P2pMediaPlaylistInfo *info;
  P2pStream *stream;
  gpointer key;
  guint n = 0;

  g_return_val_if_fail (reg != NULL, 0);

  g_hash_table_iter_init (&it, reg->streams);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & stream))
    if (now - stream->last_used <= idle_us)
      g_hash_table_add (active, stream->presentation);
  g_hash_table_iter_init (&it, reg->manifests);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & record))
    if (now - record->last_used <= idle_us)
      g_hash_table_add (active, record->presentation ? record->presentation :
          (gchar *) "");

  /* Streams first: templates point into the records' MPDs. */
  g_hash_table_iter_init (&it, reg->streams);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & stream)) {
    if (!p2p_is_gone (active, stream->presentation))
      continue;
    GST_DEBUG ("%s: unused for %" G_GINT64_FORMAT " s, forgotten",
        stream->stream_swarm_id, (now - stream->last_used) / G_USEC_PER_SEC);
    p2p_unlink_stream (reg, stream);
    if (streams)
      g_ptr_array_add (streams, g_strdup (stream->stream_swarm_id));
    g_hash_table_add (gone, g_strdup (stream->presentation));
    g_hash_table_iter_remove (&it);
    n++;
  }
  g_hash_table_iter_init (&it, reg->manifests);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & record)) {
    if (!p2p_is_gone (active, record->presentation))
      continue;
    if (record->presentation)
      g_hash_table_add (gone, g_strdup (record->presentation));
    g_hash_table_iter_remove (&it);
  }
  g_hash_table_iter_init (&it, reg->media_playlists);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & info))
    if (p2p_is_gone (active, info->presentation))
      g_hash_table_iter_remove (&it);
  p2p_drop_by_presentation (reg->locations, active);
  p2p_drop_by_presentation (reg->session_keys, active);

  if (presentations) {
    g_hash_table_iter_init (&it, gone);
    while (g_hash_table_iter_next (&it, &key, NULL))
      g_ptr_array_add (presentations, g_strdup (key));
  }
  g_hash_table_unref (gone);
  g_hash_table_unref (active);
  return n;
}

guint
p2p_manifest_registry_get_n_streams (P2pManifestRegistry * reg)
{
  g_return_val_if_fail (reg != NULL, 0);
  return g_hash_table_size (reg->streams);
}
