/* gst-p2pcdn: segment cache: hash tables for lookups, one queue for eviction order.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every entry sits in two intrusive lists: its swarm's insertion order (for
 * list() and window moves) and the cache-wide recency queue.  Insertion and
 * mark_played both push to the tail of the recency queue, and they share one
 * notion of time, so the queue is always sorted by "last played" and the
 * head is the next victim.  Pinned entries stay in place and are skipped.
 *
 * Removed entries are not reported at once: they wait in `removed` until the
 * public call that removed them is done with the cache's state, so that the
 * evict callback may safely call back in.
 */
#define G_LOG_DOMAIN "p2p-cache"

#include "p2p-segment-cache.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_cache_log, "p2pcdn-cache", "segment cache: stores, pins, evictions")
#define GST_CAT_DEFAULT p2p_cache_log ()


typedef struct {
  gchar *key;
  GHashTable *entries;          /* &entry->id -> P2pCacheEntry */
  GQueue order;                 /* of entries, by insertion */
  gboolean has_window;
  gint64 first_id;
  /* Entries pointing here, stored or awaiting their eviction callback. */
  guint refs;
} P2pCacheSwarm;

typedef struct {
  P2pCacheSwarm *swarm;
  gint64 id;
  GBytes *data;
  GstStructure *headers;        /* of the HTTP response, NULL */
  gsize size;
  gboolean live;
  guint pins;
  GList order_link;
  /* In the recency queue while stored, then in the removed queue. */
  GList recency_link;
} P2pCacheEntry;

struct _P2pSegmentCache {
  guint64 max_bytes;
  guint64 bytes;
  guint64 pinned_bytes;
  guint count;
  GHashTable *swarms;           /* swarm->key -> P2pCacheSwarm */
  GQueue recency;               /* head: played longest ago */
  GQueue removed;
  gboolean notifying;
  P2pSegmentCacheEvictFunc evict_func;
  gpointer evict_data;
};

G_DEFINE_QUARK (p2p-cache-error-quark, p2p_cache_error)

static void
p2p_cache_entry_free (P2pCacheEntry * entry)
{
  g_bytes_unref (entry->data);
  if (entry->headers)
    gst_structure_free (entry->headers);
  g_free (entry);
}

static void
p2p_cache_swarm_free (P2pCacheSwarm * swarm)
{
  GList *link = swarm->order.head;

  /* Only reached with entries left when the whole cache is freed.  The
   * links are embedded in the entries: g_queue_clear() must not free them. */
  while (link) {
    P2pCacheEntry *entry = link->data;

    link = link->next;
    p2p_cache_entry_free (entry);
  }
  g_hash_table_unref (swarm->entries);
  g_free (swarm->key);
  g_free (swarm);
}

static P2pCacheSwarm *
p2p_segment_cache_ensure_swarm (P2pSegmentCache * cache, const gchar * key)
{
  P2pCacheSwarm *swarm = g_hash_table_lookup (cache->swarms, key);

  if (swarm)
    return swarm;
  swarm = g_new0 (P2pCacheSwarm, 1);
  swarm->key = g_strdup (key);
  swarm->entries = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_queue_init (&swarm->order);
  g_hash_table_insert (cache->swarms, swarm->key, swarm);
  return swarm;
}

/* A swarm without entries is forgotten unless it remembers a live window,
 * which later puts are checked against. */
static void
p2p_segment_cache_release_swarm (P2pSegmentCache * cache,
    P2pCacheSwarm * swarm)
{
  if (swarm->refs == 0 && !swarm->has_window)
    g_hash_table_remove (cache->swarms, swarm->key);
}

static P2pCacheEntry *
p2p_segment_cache_lookup (P2pSegmentCache * cache, const gchar * key,
    gint64 id)
{
  P2pCacheSwarm *swarm = g_hash_table_lookup (cache->swarms, key);

  return swarm ? g_hash_table_lookup (swarm->entries, &id) : NULL;
}

static gboolean
p2p_cache_entry_is_stale (P2pCacheEntry * entry)
{
  return entry->live && entry->swarm->has_window
      && entry->id < entry->swarm->first_id;
}

static void
p2p_segment_cache_remove (P2pSegmentCache * cache, P2pCacheEntry * entry)
{
  P2pCacheSwarm *swarm = entry->swarm;

  g_assert (entry->pins == 0);
  GST_DEBUG ("dropping segment %" G_GINT64_FORMAT " of swarm %s (%"
      G_GSIZE_FORMAT " bytes)", entry->id, swarm->key, entry->size);
  g_hash_table_remove (swarm->entries, &entry->id);
  g_queue_unlink (&swarm->order, &entry->order_link);
  g_queue_unlink (&cache->recency, &entry->recency_link);
  cache->bytes -= entry->size;
  cache->count--;
  g_queue_push_tail_link (&cache->removed, &entry->recency_link);
}

/* Ends every public call that may remove entries. */
static void
p2p_segment_cache_notify_removed (P2pSegmentCache * cache)
{
  GList *link;

  /* A nested call from the callback leaves its removals to this loop. */
  if (cache->notifying)
    return;
  cache->notifying = TRUE;
  while ((link = g_queue_pop_head_link (&cache->removed))) {
    P2pCacheEntry *entry = link->data;
    P2pCacheSwarm *swarm = entry->swarm;

    if (cache->evict_func)
      cache->evict_func (swarm->key, entry->id, cache->evict_data);
    swarm->refs--;
    p2p_cache_entry_free (entry);
    p2p_segment_cache_release_swarm (cache, swarm);
  }
  cache->notifying = FALSE;
}

static void
p2p_segment_cache_evict_to (P2pSegmentCache * cache, guint64 limit)
{
  GList *link = cache->recency.head;

  while (cache->bytes > limit && link) {
    P2pCacheEntry *entry = link->data;

    link = link->next;
    if (entry->pins == 0)
      p2p_segment_cache_remove (cache, entry);
  }
}

P2pSegmentCache *
p2p_segment_cache_new (guint64 max_bytes)
{
  P2pSegmentCache *cache = g_new0 (P2pSegmentCache, 1);

  cache->max_bytes = max_bytes;
  cache->swarms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) p2p_cache_swarm_free);
  g_queue_init (&cache->recency);
  g_queue_init (&cache->removed);
  return cache;
}

void
p2p_segment_cache_free (P2pSegmentCache * cache)
{
  if (!cache)
    return;
  g_return_if_fail (!cache->notifying);
  g_hash_table_unref (cache->swarms);
  g_free (cache);
}

void
p2p_segment_cache_set_max_bytes (P2pSegmentCache * cache, guint64 max_bytes)
{
  g_return_if_fail (cache != NULL);

  cache->max_bytes = max_bytes;
  p2p_segment_cache_evict_to (cache, max_bytes);
  p2p_segment_cache_notify_removed (cache);
}

guint64
p2p_segment_cache_get_max_bytes (P2pSegmentCache * cache)
{
  g_return_val_if_fail (cache != NULL, 0);

  return cache->max_bytes;
}

void
p2p_segment_cache_set_evict_func (P2pSegmentCache * cache,
    P2pSegmentCacheEvictFunc func, gpointer user_data)
{
  g_return_if_fail (cache != NULL);

  cache->evict_func = func;
  cache->evict_data = user_data;
}

gboolean
p2p_segment_cache_put (P2pSegmentCache * cache, const gchar * swarm_key,
    gint64 id, GBytes * data, gboolean live, GError ** error)
{
  P2pCacheSwarm *swarm;
  P2pCacheEntry *entry;
  gsize size;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (swarm_key != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  swarm = g_hash_table_lookup (cache->swarms, swarm_key);
  if (swarm && g_hash_table_contains (swarm->entries, &id))
    return TRUE;

  size = g_bytes_get_size (data);
  if (live && swarm && swarm->has_window && id < swarm->first_id) {
    g_set_error (error, P2P_CACHE_ERROR, P2P_CACHE_ERROR_OUTSIDE_WINDOW,
        "Live segment %" G_GINT64_FORMAT " of swarm %s is below its window "
        "(first id %" G_GINT64_FORMAT ")", id, swarm_key, swarm->first_id);
    return FALSE;
  }
  if (size > cache->max_bytes) {
    g_set_error (error, P2P_CACHE_ERROR, P2P_CACHE_ERROR_TOO_LARGE,
        "Segment %" G_GINT64_FORMAT " of swarm %s has %" G_GSIZE_FORMAT
        " bytes, more than the cache size of %" G_GUINT64_FORMAT " bytes",
        id, swarm_key, size, cache->max_bytes);
    return FALSE;
  }
  if (cache->pinned_bytes + size > cache->max_bytes) {
    g_set_error (error, P2P_CACHE_ERROR, P2P_CACHE_ERROR_NO_ROOM,
        "No room for segment %" G_GINT64_FORMAT " of swarm %s (%"
        G_GSIZE_FORMAT " bytes): uploads pin %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " bytes", id, swarm_key, size, cache->pinned_bytes,
        cache->max_bytes);
    return FALSE;
  }

  p2p_segment_cache_evict_to (cache, cache->max_bytes - size);

  swarm = p2p_segment_cache_ensure_swarm (cache, swarm_key);
  entry = g_new0 (P2pCacheEntry, 1);
  entry->swarm = swarm;
  entry->id = id;
  entry->data = g_bytes_ref (data);
  entry->size = size;
  entry->live = live;
  entry->order_link.data = entry;
  entry->recency_link.data = entry;
  g_hash_table_insert (swarm->entries, &entry->id, entry);
  g_queue_push_tail_link (&swarm->order, &entry->order_link);
  g_queue_push_tail_link (&cache->recency, &entry->recency_link);
  swarm->refs++;
  cache->bytes += size;
  cache->count++;

  /* Only now: the callback may put segments of its own. */
  p2p_segment_cache_notify_removed (cache);
  return TRUE;
}

GBytes *
p2p_segment_cache_get (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id)
{
  P2pCacheEntry *entry;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (swarm != NULL, NULL);

  entry = p2p_segment_cache_lookup (cache, swarm, id);
  return entry ? g_bytes_ref (entry->data) : NULL;
}

void
p2p_segment_cache_set_headers (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id, const GstStructure * headers)
{
  P2pCacheEntry *entry;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (swarm != NULL);

  entry = p2p_segment_cache_lookup (cache, swarm, id);
  if (!entry)
    return;
  if (entry->headers)
    gst_structure_free (entry->headers);
  entry->headers = headers ? gst_structure_copy (headers) : NULL;
}

GstStructure *
p2p_segment_cache_get_headers (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id)
{
  P2pCacheEntry *entry;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (swarm != NULL, NULL);

  entry = p2p_segment_cache_lookup (cache, swarm, id);
  return entry && entry->headers ? gst_structure_copy (entry->headers) : NULL;
}

gboolean
p2p_segment_cache_contains (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id)
{
  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (swarm != NULL, FALSE);

  return p2p_segment_cache_lookup (cache, swarm, id) != NULL;
}

void
p2p_segment_cache_mark_played (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id)
{
  P2pCacheEntry *entry;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (swarm != NULL);

  entry = p2p_segment_cache_lookup (cache, swarm, id);
  if (!entry)
    return;
  g_queue_unlink (&cache->recency, &entry->recency_link);
  g_queue_push_tail_link (&cache->recency, &entry->recency_link);
}

gboolean
p2p_segment_cache_pin (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id)
{
  P2pCacheEntry *entry;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (swarm != NULL, FALSE);

  entry = p2p_segment_cache_lookup (cache, swarm, id);
  if (!entry)
    return FALSE;
  if (entry->pins++ == 0)
    cache->pinned_bytes += entry->size;
  return TRUE;
}

void
p2p_segment_cache_unpin (P2pSegmentCache * cache, const gchar * swarm,
    gint64 id)
{
  P2pCacheEntry *entry;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (swarm != NULL);

  entry = p2p_segment_cache_lookup (cache, swarm, id);
  /* A pinned entry cannot leave the cache, so both are caller bugs. */
  g_return_if_fail (entry != NULL);
  g_return_if_fail (entry->pins > 0);

  if (--entry->pins > 0)
    return;
  cache->pinned_bytes -= entry->size;
  if (p2p_cache_entry_is_stale (entry))
    p2p_segment_cache_remove (cache, entry);
  /* Over budget only after max_bytes was lowered below the pinned bytes. */
  p2p_segment_cache_evict_to (cache, cache->max_bytes);
  p2p_segment_cache_notify_removed (cache);
}

void
p2p_segment_cache_set_live_window (P2pSegmentCache * cache,
    const gchar * swarm_key, gint64 first_id)
{
  P2pCacheSwarm *swarm;
  gboolean advanced;
  GList *link;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (swarm_key != NULL);

  swarm = p2p_segment_cache_ensure_swarm (cache, swarm_key);
  advanced = !swarm->has_window || first_id > swarm->first_id;
  swarm->has_window = TRUE;
  swarm->first_id = first_id;
  if (!advanced)
    return;

  /* Once per playlist refresh, over one swarm: a scan is cheap enough. */
  link = swarm->order.head;
  while (link) {
    P2pCacheEntry *entry = link->data;

    link = link->next;
    if (entry->pins == 0 && p2p_cache_entry_is_stale (entry))
      p2p_segment_cache_remove (cache, entry);
  }
  p2p_segment_cache_notify_removed (cache);
}

GArray *
p2p_segment_cache_list (P2pSegmentCache * cache, const gchar * swarm_key)
{
  P2pCacheSwarm *swarm;
  GArray *ids;
  GList *link;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (swarm_key != NULL, NULL);

  swarm = g_hash_table_lookup (cache->swarms, swarm_key);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64),
      swarm ? swarm->order.length : 0);
  if (!swarm)
    return ids;
  for (link = swarm->order.head; link; link = link->next) {
    P2pCacheEntry *entry = link->data;

    g_array_append_val (ids, entry->id);
  }
  return ids;
}

guint64
p2p_segment_cache_get_bytes (P2pSegmentCache * cache)
{
  g_return_val_if_fail (cache != NULL, 0);

  return cache->bytes;
}

guint
p2p_segment_cache_get_count (P2pSegmentCache * cache)
{
  g_return_val_if_fail (cache != NULL, 0);

  return cache->count;
}
