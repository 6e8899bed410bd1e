/* gst-p2pcdn: unit tests of the segment cache: each eviction rule, then a randomized run against a model.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cache/p2p-segment-cache.h"

#include <string.h>

#define SWARM_A "aaaaaaaaaaaaaaaaaaaa"
#define SWARM_B "bbbbbbbbbbbbbbbbbbbb"

/* ------------------------------------------------------------------ */
/* helpers */

/* Recognisable bytes, so that a get can be checked against its key. */
static GBytes *
make_segment (const gchar * swarm, gint64 id, gsize size)
{
  guint8 *data = g_malloc (size ? size : 1);
  guint seed = g_str_hash (swarm) ^ (guint) id;
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (guint8) (seed + i * 7);
  return g_bytes_new_take (data, size);
}

static void
put_ok (P2pSegmentCache * cache, const gchar * swarm, gint64 id, gsize size,
    gboolean live)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = make_segment (swarm, id, size);

  g_assert_true (p2p_segment_cache_put (cache, swarm, id, data, live,
          &error));
  g_assert_no_error (error);
}

static void
put_fails (P2pSegmentCache * cache, const gchar * swarm, gint64 id,
    gsize size, gboolean live, P2pCacheError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = make_segment (swarm, id, size);

  g_assert_false (p2p_segment_cache_put (cache, swarm, id, data, live,
          &error));
  g_assert_error (error, P2P_CACHE_ERROR, (gint) code);
  g_assert_nonnull (strstr (error->message, swarm));
}

/* "id,id,id" of a swarm, in the cache's insertion order. */
static gchar *
list_string (P2pSegmentCache * cache, const gchar * swarm)
{
  g_autoptr (GArray) ids = p2p_segment_cache_list (cache, swarm);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "",
        g_array_index (ids, gint64, i));
  return g_string_free (s, FALSE);
}

static void
assert_list (P2pSegmentCache * cache, const gchar * swarm,
    const gchar * expected)
{
  g_autofree gchar *got = list_string (cache, swarm);

  g_assert_cmpstr (got, ==, expected);
}

/* Records evictions as "swarm-initial:id " for exact comparison. */
static void
record_eviction (const gchar * swarm, gint64 id, gpointer user_data)
{
  g_string_append_printf (user_data, "%c%" G_GINT64_FORMAT " ", swarm[0], id);
}

static void
assert_evicted (GString * log, const gchar * expected)
{
  g_assert_cmpstr (log->str, ==, expected);
  g_string_truncate (log, 0);
}

/* ------------------------------------------------------------------ */
/* one rule per test */

static void
test_put_get (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (1000);
  g_autoptr (GBytes) expected = make_segment (SWARM_A, 7, 100);
  g_autoptr (GBytes) got = NULL;
  g_autoptr (GBytes) other = make_segment (SWARM_A, 7, 50);

  g_assert_null (p2p_segment_cache_get (cache, SWARM_A, 7));
  g_assert_false (p2p_segment_cache_contains (cache, SWARM_A, 7));
  assert_list (cache, SWARM_A, "");

  put_ok (cache, SWARM_A, 7, 100, FALSE);
  put_ok (cache, SWARM_B, 7, 200, FALSE);
  put_ok (cache, SWARM_A, 3, 300, FALSE);
  g_assert_cmpuint (p2p_segment_cache_get_count (cache), ==, 3);
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 600);

  got = p2p_segment_cache_get (cache, SWARM_A, 7);
  g_assert_true (g_bytes_equal (got, expected));
  g_assert_true (p2p_segment_cache_contains (cache, SWARM_B, 7));
  g_assert_false (p2p_segment_cache_contains (cache, SWARM_B, 3));
  assert_list (cache, SWARM_A, "7,3");
  assert_list (cache, SWARM_B, "7");

  /* Same key: the stored segment stays. */
  g_assert_true (p2p_segment_cache_put (cache, SWARM_A, 7, other, FALSE,
          NULL));
  g_clear_pointer (&got, g_bytes_unref);
  got = p2p_segment_cache_get (cache, SWARM_A, 7);
  g_assert_true (g_bytes_equal (got, expected));
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 600);
  assert_list (cache, SWARM_A, "7,3");
}

static void
test_get_outlives_eviction (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (100);
  g_autoptr (GBytes) expected = make_segment (SWARM_A, 1, 100);
  g_autoptr (GBytes) got = NULL;

  put_ok (cache, SWARM_A, 1, 100, FALSE);
  got = p2p_segment_cache_get (cache, SWARM_A, 1);
  put_ok (cache, SWARM_A, 2, 100, FALSE);
  g_assert_false (p2p_segment_cache_contains (cache, SWARM_A, 1));
  g_assert_true (g_bytes_equal (got, expected));
}

static void
test_evicts_oldest_inserted (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (300);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_ok (cache, SWARM_B, 2, 100, FALSE);
  put_ok (cache, SWARM_A, 3, 100, FALSE);
  assert_evicted (log, "");

  /* get is not playing: 1 stays the oldest. */
  g_bytes_unref (p2p_segment_cache_get (cache, SWARM_A, 1));
  put_ok (cache, SWARM_A, 4, 100, FALSE);
  assert_evicted (log, "a1 ");

  /* Room for 250 bytes takes the two oldest. */
  put_ok (cache, SWARM_A, 5, 250, FALSE);
  assert_evicted (log, "b2 a3 a4 ");
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 250);
  g_assert_cmpuint (p2p_segment_cache_get_count (cache), ==, 1);
  assert_list (cache, SWARM_B, "");
}

static void
test_played_order (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (300);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_ok (cache, SWARM_A, 2, 100, FALSE);
  p2p_segment_cache_mark_played (cache, SWARM_A, 1);
  /* 1 was played after 2 was inserted: 2 goes first. */
  put_ok (cache, SWARM_A, 3, 100, FALSE);
  put_ok (cache, SWARM_A, 4, 100, FALSE);
  assert_evicted (log, "a2 ");

  /* 3 was inserted after 1 was played: 1 goes next, then 3. */
  put_ok (cache, SWARM_A, 5, 100, FALSE);
  assert_evicted (log, "a1 ");
  p2p_segment_cache_mark_played (cache, SWARM_A, 4);
  put_ok (cache, SWARM_A, 6, 200, FALSE);
  assert_evicted (log, "a3 a5 ");

  /* Playing does not change the announced order; unknown keys are ignored. */
  assert_list (cache, SWARM_A, "4,6");
  p2p_segment_cache_mark_played (cache, SWARM_A, 99);
  p2p_segment_cache_mark_played (cache, SWARM_B, 4);
  g_assert_cmpuint (p2p_segment_cache_get_count (cache), ==, 2);
}

static void
test_too_large (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (300);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_fails (cache, SWARM_A, 2, 301, FALSE, P2P_CACHE_ERROR_TOO_LARGE);
  /* Nothing was evicted for a segment that could never fit. */
  assert_evicted (log, "");
  g_assert_true (p2p_segment_cache_contains (cache, SWARM_A, 1));
  put_ok (cache, SWARM_A, 3, 300, FALSE);
  assert_evicted (log, "a1 ");
}

static void
test_pins (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (300);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  g_assert_false (p2p_segment_cache_pin (cache, SWARM_A, 1));
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_ok (cache, SWARM_A, 2, 100, FALSE);
  put_ok (cache, SWARM_A, 3, 100, FALSE);

  /* Two uploads of the oldest segment. */
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 1));
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 1));
  put_ok (cache, SWARM_A, 4, 100, FALSE);
  assert_evicted (log, "a2 ");

  p2p_segment_cache_unpin (cache, SWARM_A, 1);
  put_ok (cache, SWARM_A, 5, 100, FALSE);
  assert_evicted (log, "a3 ");
  g_assert_true (p2p_segment_cache_contains (cache, SWARM_A, 1));

  /* Last pin released: back to its place, the oldest. */
  p2p_segment_cache_unpin (cache, SWARM_A, 1);
  assert_evicted (log, "");
  put_ok (cache, SWARM_A, 6, 100, FALSE);
  assert_evicted (log, "a1 ");
}

static void
test_no_room (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (300);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_ok (cache, SWARM_A, 2, 100, FALSE);
  put_ok (cache, SWARM_A, 3, 100, FALSE);
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 1));
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 3));

  /* 100 evictable bytes do not make room for 150: keep everything. */
  put_fails (cache, SWARM_B, 9, 150, FALSE, P2P_CACHE_ERROR_NO_ROOM);
  assert_evicted (log, "");
  g_assert_cmpuint (p2p_segment_cache_get_count (cache), ==, 3);

  put_ok (cache, SWARM_B, 9, 100, FALSE);
  assert_evicted (log, "a2 ");
}

static void
test_unbalanced_unpin (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (300);

  put_ok (cache, SWARM_A, 1, 100, FALSE);
  g_test_expect_message ("p2p-cache", G_LOG_LEVEL_CRITICAL, "*pins > 0*");
  p2p_segment_cache_unpin (cache, SWARM_A, 1);
  g_test_assert_expected_messages ();
  g_test_expect_message ("p2p-cache", G_LOG_LEVEL_CRITICAL, "*entry != NULL*");
  p2p_segment_cache_unpin (cache, SWARM_A, 2);
  g_test_assert_expected_messages ();
  g_assert_true (p2p_segment_cache_contains (cache, SWARM_A, 1));
}

static void
test_live_window (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (10000);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  put_ok (cache, SWARM_A, 10, 100, TRUE);
  put_ok (cache, SWARM_A, 11, 100, TRUE);
  put_ok (cache, SWARM_A, 12, 100, TRUE);
  put_ok (cache, SWARM_A, 5, 100, FALSE);
  put_ok (cache, SWARM_B, 10, 100, TRUE);

  /* Dropped at once, in insertion order; not the VOD segment, not swarm B. */
  p2p_segment_cache_set_live_window (cache, SWARM_A, 12);
  assert_evicted (log, "a10 a11 ");
  assert_list (cache, SWARM_A, "12,5");
  assert_list (cache, SWARM_B, "10");
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 300);

  put_fails (cache, SWARM_A, 11, 100, TRUE, P2P_CACHE_ERROR_OUTSIDE_WINDOW);
  put_ok (cache, SWARM_A, 11, 100, FALSE);
  put_ok (cache, SWARM_A, 13, 100, TRUE);

  /* A pinned one stays, even through further moves, until its last unpin. */
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 12));
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 12));
  p2p_segment_cache_set_live_window (cache, SWARM_A, 13);
  p2p_segment_cache_set_live_window (cache, SWARM_A, 13);
  assert_evicted (log, "");
  g_assert_true (p2p_segment_cache_contains (cache, SWARM_A, 12));
  p2p_segment_cache_unpin (cache, SWARM_A, 12);
  assert_evicted (log, "");
  p2p_segment_cache_unpin (cache, SWARM_A, 12);
  assert_evicted (log, "a12 ");
  assert_list (cache, SWARM_A, "5,11,13");

  /* A window moved back lets earlier live segments in again. */
  p2p_segment_cache_set_live_window (cache, SWARM_A, 4);
  put_ok (cache, SWARM_A, 10, 100, TRUE);
  assert_evicted (log, "");
}

static void
test_window_before_segments (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (10000);

  /* The window of a swarm that has nothing cached yet still counts. */
  p2p_segment_cache_set_live_window (cache, SWARM_A, 100);
  put_fails (cache, SWARM_A, 99, 10, TRUE, P2P_CACHE_ERROR_OUTSIDE_WINDOW);
  put_ok (cache, SWARM_A, 100, 10, TRUE);
  g_assert_cmpuint (p2p_segment_cache_get_count (cache), ==, 1);
}

static void
test_resize (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (500);
  g_autoptr (GString) log = g_string_new (NULL);

  p2p_segment_cache_set_evict_func (cache, record_eviction, log);
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_ok (cache, SWARM_A, 2, 100, FALSE);
  put_ok (cache, SWARM_A, 3, 100, FALSE);
  put_ok (cache, SWARM_A, 4, 100, FALSE);
  p2p_segment_cache_set_max_bytes (cache, 250);
  g_assert_cmpuint (p2p_segment_cache_get_max_bytes (cache), ==, 250);
  assert_evicted (log, "a1 a2 ");
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 200);

  /* Below the pinned bytes: the rest goes, the pinned stays until unpinned. */
  g_assert_true (p2p_segment_cache_pin (cache, SWARM_A, 4));
  p2p_segment_cache_set_max_bytes (cache, 50);
  assert_evicted (log, "a3 ");
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 100);
  put_fails (cache, SWARM_A, 5, 10, FALSE, P2P_CACHE_ERROR_NO_ROOM);
  p2p_segment_cache_unpin (cache, SWARM_A, 4);
  assert_evicted (log, "a4 ");
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 0);

  p2p_segment_cache_set_max_bytes (cache, 0);
  put_fails (cache, SWARM_A, 6, 1, FALSE, P2P_CACHE_ERROR_TOO_LARGE);
}

typedef struct {
  P2pSegmentCache *cache;
  GString *log;
} Reentrant;

/* Like a swarm would: looks at the cache and re-stores what it lost. */
static void
reenter (const gchar * swarm, gint64 id, gpointer user_data)
{
  Reentrant *r = user_data;
  g_autoptr (GBytes) data = make_segment (swarm, id + 100, 50);

  g_assert_false (p2p_segment_cache_contains (r->cache, swarm, id));
  g_string_append_printf (r->log, "%c%" G_GINT64_FORMAT " ", swarm[0], id);
  if (id < 100)
    p2p_segment_cache_put (r->cache, swarm, id + 100, data, FALSE, NULL);
}

static void
test_reentrant_callback (void)
{
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (200);
  g_autoptr (GString) log = g_string_new (NULL);
  Reentrant r = { cache, log };

  p2p_segment_cache_set_evict_func (cache, reenter, &r);
  put_ok (cache, SWARM_A, 1, 100, FALSE);
  put_ok (cache, SWARM_A, 2, 100, FALSE);
  /* 3 evicts 1; the callback's 101 evicts 2, whose 102 then fits. */
  put_ok (cache, SWARM_A, 3, 100, FALSE);
  assert_evicted (log, "a1 a2 ");
  assert_list (cache, SWARM_A, "3,101,102");
  g_assert_cmpuint (p2p_segment_cache_get_bytes (cache), ==, 200);
}

/* ------------------------------------------------------------------ */
/* randomized run against a reference model */

#define N_SWARMS 4
#define N_LIVE_SWARMS 2
#define N_OPERATIONS 100000

typedef struct {
  guint swarm;
  gint64 id;
  gsize size;
  gboolean live;
  guint pins;
  guint64 played;               /* model clock at insertion or last play */
  guint64 inserted;
} ModelEntry;

typedef struct {
  guint64 max_bytes;
  guint64 clock;
  GPtrArray *entries;           /* of ModelEntry, any order */
  gboolean has_window[N_SWARMS];
  gint64 first_id[N_SWARMS];
  GString *expected;            /* evictions the model predicts */
  GString *got;                 /* evictions the cache reported */
} Model;

static const gchar *swarm_keys[N_SWARMS] = {
  "live0000000000000000", "live1111111111111111",
  "vod22222222222222222", "vod33333333333333333",
};

static guint
swarm_index (const gchar * key)
{
  guint i;

  for (i = 0; i < N_SWARMS; i++)
    if (strcmp (key, swarm_keys[i]) == 0)
      return i;
  g_assert_not_reached ();
}

static ModelEntry *
model_find (Model * m, guint swarm, gint64 id)
{
  guint i;

  for (i = 0; i < m->entries->len; i++) {
    ModelEntry *e = g_ptr_array_index (m->entries, i);

    if (e->swarm == swarm && e->id == id)
      return e;
  }
  return NULL;
}

static guint64
model_bytes (Model * m, gboolean pinned_only)
{
  guint64 total = 0;
  guint i;

  for (i = 0; i < m->entries->len; i++) {
    ModelEntry *e = g_ptr_array_index (m->entries, i);

    if (!pinned_only || e->pins > 0)
      total += e->size;
  }
  return total;
}

static gboolean
model_is_stale (Model * m, ModelEntry * e)
{
  return e->live && m->has_window[e->swarm] && e->id < m->first_id[e->swarm];
}

static void
model_remove (Model * m, ModelEntry * e)
{
  g_assert_cmpuint (e->pins, ==, 0);
  g_string_append_printf (m->expected, "%u:%" G_GINT64_FORMAT " ", e->swarm,
      e->id);
  g_ptr_array_remove_fast (m->entries, e);
}

/* The rule itself, by brute force: the unpinned entry played longest ago. */
static void
model_evict_to (Model * m, guint64 limit)
{
  while (model_bytes (m, FALSE) > limit) {
    ModelEntry *victim = NULL;
    guint i;

    for (i = 0; i < m->entries->len; i++) {
      ModelEntry *e = g_ptr_array_index (m->entries, i);

      if (e->pins == 0 && (!victim || e->played < victim->played))
        victim = e;
    }
    if (!victim)
      return;
    model_remove (m, victim);
  }
}

static gint
model_cmp_inserted (gconstpointer a, gconstpointer b)
{
  const ModelEntry *ea = *(ModelEntry * const *) a;
  const ModelEntry *eb = *(ModelEntry * const *) b;

  return ea->inserted < eb->inserted ? -1 : ea->inserted > eb->inserted;
}

/* Returns the error code the cache should give, or -1 for success. */
static gint
model_put (Model * m, guint swarm, gint64 id, gsize size, gboolean live)
{
  ModelEntry *e;

  if (model_find (m, swarm, id))
    return -1;
  if (live && m->has_window[swarm] && id < m->first_id[swarm])
    return P2P_CACHE_ERROR_OUTSIDE_WINDOW;
  if (size > m->max_bytes)
    return P2P_CACHE_ERROR_TOO_LARGE;
  if (model_bytes (m, TRUE) + size > m->max_bytes)
    return P2P_CACHE_ERROR_NO_ROOM;
  model_evict_to (m, m->max_bytes - size);
  e = g_new0 (ModelEntry, 1);
  e->swarm = swarm;
  e->id = id;
  e->size = size;
  e->live = live;
  e->played = e->inserted = ++m->clock;
  g_ptr_array_add (m->entries, e);
  return -1;
}

/* Called with e->pins already decremented, before the cache's unpin, so that
 * the eviction callback sees the count the cache acts on. */
static void
model_after_unpin (Model * m, ModelEntry * e)
{
  if (e->pins > 0)
    return;
  if (model_is_stale (m, e))
    model_remove (m, e);
  model_evict_to (m, m->max_bytes);
}

static void
model_set_window (Model * m, guint swarm, gint64 first_id)
{
  gboolean advanced = !m->has_window[swarm] || first_id > m->first_id[swarm];
  g_autoptr (GPtrArray) stale = g_ptr_array_new ();
  guint i;

  m->has_window[swarm] = TRUE;
  m->first_id[swarm] = first_id;
  if (!advanced)
    return;
  for (i = 0; i < m->entries->len; i++) {
    ModelEntry *e = g_ptr_array_index (m->entries, i);

    if (e->swarm == swarm && e->pins == 0 && model_is_stale (m, e))
      g_ptr_array_add (stale, e);
  }
  g_ptr_array_sort (stale, model_cmp_inserted);
  for (i = 0; i < stale->len; i++)
    model_remove (m, g_ptr_array_index (stale, i));
}

typedef struct {
  Model *model;
  P2pSegmentCache *cache;
} RandomRun;

static void
random_evicted (const gchar * swarm, gint64 id, gpointer user_data)
{
  RandomRun *run = user_data;
  guint index = swarm_index (swarm);
  ModelEntry *e = model_find (run->model, index, id);

  /* The model is updated after the cache: it still knows this entry. */
  g_assert_nonnull (e);
  g_assert_cmpuint (e->pins, ==, 0);
  g_assert_false (p2p_segment_cache_contains (run->cache, swarm, id));
  g_string_append_printf (run->model->got, "%u:%" G_GINT64_FORMAT " ", index,
      id);
}

static void
check_invariants (P2pSegmentCache * cache, Model * m)
{
  guint64 bytes = p2p_segment_cache_get_bytes (cache);
  guint s, i;

  g_assert_cmpstr (m->got->str, ==, m->expected->str);
  g_string_truncate (m->got, 0);
  g_string_truncate (m->expected, 0);

  g_assert_cmpuint (p2p_segment_cache_get_count (cache), ==, m->entries->len);
  g_assert_cmpuint (bytes, ==, model_bytes (m, FALSE));
  /* Over budget only while everything left is pinned (after a resize). */
  if (bytes > m->max_bytes)
    g_assert_cmpuint (model_bytes (m, TRUE), ==, bytes);

  for (s = 0; s < N_SWARMS; s++) {
    g_autoptr (GArray) ids = p2p_segment_cache_list (cache, swarm_keys[s]);
    g_autoptr (GPtrArray) expected = g_ptr_array_new ();

    for (i = 0; i < m->entries->len; i++) {
      ModelEntry *e = g_ptr_array_index (m->entries, i);

      if (e->swarm == s)
        g_ptr_array_add (expected, e);
      /* No unpinned live segment is ever kept below its window. */
      if (e->pins == 0)
        g_assert_false (model_is_stale (m, e));
    }
    g_ptr_array_sort (expected, model_cmp_inserted);
    g_assert_cmpuint (ids->len, ==, expected->len);
    for (i = 0; i < ids->len; i++) {
      ModelEntry *e = g_ptr_array_index (expected, i);

      g_assert_cmpint (g_array_index (ids, gint64, i), ==, e->id);
    }
  }
}

static gint64
random_id (GRand * rand, Model * m, guint swarm)
{
  if (swarm < N_LIVE_SWARMS)
    return m->first_id[swarm] + g_rand_int_range (rand, -3, 12);
  return g_rand_int_range (rand, 0, 40);
}

static ModelEntry *
random_pinned (GRand * rand, Model * m)
{
  g_autoptr (GPtrArray) pinned = g_ptr_array_new ();
  guint i;

  for (i = 0; i < m->entries->len; i++) {
    ModelEntry *e = g_ptr_array_index (m->entries, i);

    if (e->pins > 0)
      g_ptr_array_add (pinned, e);
  }
  if (pinned->len == 0)
    return NULL;
  return g_ptr_array_index (pinned, g_rand_int_range (rand, 0, pinned->len));
}

static void
drop_message (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
}

static void
test_randomized (void)
{
  static const guint64 sizes[] = { 0, 3000, 16384, 65536, 131072, 262144 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);
  g_autoptr (P2pSegmentCache) cache = p2p_segment_cache_new (65536);
  Model m = { .max_bytes = 65536 };
  RandomRun run = { &m, cache };
  guint outcomes[3] = { 0, 0, 0 }, puts = 0, hits = 0, op, handler;
  guint64 total_count = 0, total_pinned = 0;

  m.entries = g_ptr_array_new_with_free_func (g_free);
  m.expected = g_string_new (NULL);
  m.got = g_string_new (NULL);
  p2p_segment_cache_set_evict_func (cache, random_evicted, &run);
  /* Tens of thousands of evictions: keep the test log readable. */
  handler = g_log_set_handler ("p2p-cache", G_LOG_LEVEL_DEBUG, drop_message,
      NULL);

  for (op = 0; op < N_OPERATIONS; op++) {
    guint swarm = g_rand_int_range (rand, 0, N_SWARMS);
    gint64 id = random_id (rand, &m, swarm);
    gint kind = g_rand_int_range (rand, 0, 100);
    const gchar *key;

    /* Lookups mostly aim at stored segments, as a swarm's would. */
    if (kind >= 35 && m.entries->len > 0 && g_rand_boolean (rand)) {
      ModelEntry *e = g_ptr_array_index (m.entries,
          g_rand_int_range (rand, 0, m.entries->len));

      swarm = e->swarm;
      id = e->id;
    }
    key = swarm_keys[swarm];

    if (kind < 35) {
      gsize size = g_rand_int_range (rand, 1, 4097);
      g_autoptr (GBytes) data = make_segment (key, id, size);
      g_autoptr (GError) error = NULL;
      gboolean live = swarm < N_LIVE_SWARMS;
      gboolean ok = p2p_segment_cache_put (cache, key, id, data, live,
          &error);
      gint code = model_put (&m, swarm, id, size, live);

      if (code < 0) {
        g_assert_no_error (error);
        g_assert_true (ok);
        puts++;
      } else {
        g_assert_error (error, P2P_CACHE_ERROR, code);
        g_assert_false (ok);
        outcomes[code]++;
      }
    } else if (kind < 55) {
      g_autoptr (GBytes) got = p2p_segment_cache_get (cache, key, id);
      ModelEntry *e = model_find (&m, swarm, id);

      g_assert_true ((got != NULL) == (e != NULL));
      if (e) {
        g_autoptr (GBytes) expected = make_segment (key, id, e->size);

        g_assert_true (g_bytes_equal (got, expected));
        hits++;
      }
    } else if (kind < 70) {
      ModelEntry *e = model_find (&m, swarm, id);

      p2p_segment_cache_mark_played (cache, key, id);
      if (e)
        e->played = ++m.clock;
    } else if (kind < 82) {
      ModelEntry *e = model_find (&m, swarm, id);

      g_assert_true (p2p_segment_cache_pin (cache, key, id) == (e != NULL));
      if (e)
        e->pins++;
    } else if (kind < 92) {
      ModelEntry *e = random_pinned (rand, &m);

      if (e) {
        e->pins--;
        p2p_segment_cache_unpin (cache, swarm_keys[e->swarm], e->id);
        model_after_unpin (&m, e);
      }
    } else if (kind < 98) {
      /* Mostly forward, as playlists refresh; sometimes back. */
      gint64 first = m.first_id[swarm] + g_rand_int_range (rand, -2, 5);

      p2p_segment_cache_set_live_window (cache, key, first);
      model_set_window (&m, swarm, first);
    } else {
      guint64 max = sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))];

      p2p_segment_cache_set_max_bytes (cache, max);
      m.max_bytes = max;
      model_evict_to (&m, max);
    }
    check_invariants (cache, &m);
    total_count += m.entries->len;
    total_pinned += model_bytes (&m, TRUE) > 0;
  }

  /* The run reached every path, or it proves little. */
  g_test_message ("%u puts stored, %u hits, refused: %u outside window, "
      "%u too large, %u no room; %.1f segments held on average, pins held "
      "during %.0f%% of the run", puts, hits,
      outcomes[P2P_CACHE_ERROR_OUTSIDE_WINDOW],
      outcomes[P2P_CACHE_ERROR_TOO_LARGE], outcomes[P2P_CACHE_ERROR_NO_ROOM],
      (double) total_count / N_OPERATIONS,
      100.0 * total_pinned / N_OPERATIONS);
  g_assert_cmpuint (puts, >, 1000);
  g_assert_cmpuint (hits, >, 1000);
  g_assert_cmpuint (outcomes[P2P_CACHE_ERROR_OUTSIDE_WINDOW], >, 100);
  g_assert_cmpuint (outcomes[P2P_CACHE_ERROR_TOO_LARGE], >, 100);
  g_assert_cmpuint (outcomes[P2P_CACHE_ERROR_NO_ROOM], >, 100);

  g_log_remove_handler ("p2p-cache", handler);
  g_ptr_array_unref (m.entries);
  g_string_free (m.expected, TRUE);
  g_string_free (m.got, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cache/put-get", test_put_get);
  g_test_add_func ("/cache/get-outlives-eviction", test_get_outlives_eviction);
  g_test_add_func ("/cache/evicts-oldest-inserted",
      test_evicts_oldest_inserted);
  g_test_add_func ("/cache/played-order", test_played_order);
  g_test_add_func ("/cache/too-large", test_too_large);
  g_test_add_func ("/cache/pins", test_pins);
  g_test_add_func ("/cache/no-room", test_no_room);
  g_test_add_func ("/cache/unbalanced-unpin", test_unbalanced_unpin);
  g_test_add_func ("/cache/live-window", test_live_window);
  g_test_add_func ("/cache/window-before-segments",
      test_window_before_segments);
  g_test_add_func ("/cache/resize", test_resize);
  g_test_add_func ("/cache/reentrant-callback", test_reentrant_callback);
  g_test_add_func ("/cache/randomized", test_randomized);
  return g_test_run ();
}
