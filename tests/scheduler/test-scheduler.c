/* gst-p2pcdn tests: the scheduler's decisions under a fake clock.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fake peers and a fake clock stand in for the swarm: each test sets what
 * peers hold and how fast they are, moves the clock and checks where the
 * scheduler sends a segment and when.
 */
#include <string.h>

#include "p2p-scheduler.h"
#include "p2p-playback-model.h"
#include "p2p-peer-stats.h"

#define MS 1000
#define SEG_SIZE (150 * 1024)

typedef struct {
  gchar *name;
  gboolean open;
  GHashTable *has;
  GHashTable *loading;
  gint64 requested;             /* -1 none */
  gint64 from;                  /* the request's b */
  guint requests;
  guint cancels;
  GBytes *partial;              /* what a cancel returns */
} FakePeer;

typedef struct {
  gint64 now;
  gint64 wake;
  gint64 wake_fired_at;         /* clock time of the last wake-up run */
  GHashTable *cache;            /* id -> GBytes */
  gboolean expected;
  P2pScheduler *s;
} Env;

typedef struct {
  Env *env;
  GBytes *got;
  P2pJobSource source;
  guint delivered;
  guint http;
  gboolean peers_tried;
  gint64 range_offset;
  guint range_token;
} Consumer;

static gint64
f_now (gpointer u)
{
  return ((Env *) u)->now;
}

static void
f_wake (gint64 when, gpointer u)
{
  ((Env *) u)->wake = when;
}

static gboolean
f_open (gpointer p, gpointer u)
{
  return ((FakePeer *) p)->open;
}

static gboolean
f_has (gpointer p, gint64 id, gpointer u)
{
  return g_hash_table_contains (((FakePeer *) p)->has, &id);
}

static gboolean
f_loading (gpointer p, gint64 id, gpointer u)
{
  return g_hash_table_contains (((FakePeer *) p)->loading, &id);
}

static gboolean
f_request (gpointer p, gint64 id, gint64 from, gpointer u)
{
  FakePeer *peer = p;

  if (peer->requested >= 0)
    return FALSE;
  peer->requested = id;
  peer->from = from;
  peer->requests++;
  return TRUE;
}

static GBytes *
f_cancel (gpointer p, gpointer u)
{
  FakePeer *peer = p;

  peer->requested = -1;
  peer->cancels++;
  return peer->partial ? g_bytes_ref (peer->partial) : NULL;
}

static gboolean
f_have (gint64 id, gpointer u)
{
  return g_hash_table_contains (((Env *) u)->cache, &id);
}

/* what a passing check says: OK, or VERIFIED as if a hash list proved it */
static P2pSchedCheck check_passes_as = P2P_SCHED_CHECK_OK;

static P2pSchedCheck
f_check (gint64 id, GBytes * data, gint64 expected, gpointer u)
{
  return g_bytes_get_size (data) > 0 && (expected < 0
      || (gint64) g_bytes_get_size (data) == expected) ?
      check_passes_as : P2P_SCHED_CHECK_WRONG;
}

static void
f_store (gint64 id, GBytes * data, gpointer u)
{
  gint64 *key = g_new (gint64, 1);

  *key = id;
  g_hash_table_insert (((Env *) u)->cache, key, g_bytes_ref (data));
}

static gboolean
f_expected (gpointer u)
{
  return ((Env *) u)->expected;
}

static const P2pSchedulerOps ops = {
  f_now, f_wake, f_open, f_has, f_loading, f_request, f_cancel, f_have,
  f_check, f_store, f_expected,
};

static void
c_deliver (gpointer c, GBytes * data, P2pJobSource source)
{
  Consumer *con = c;

  con->delivered++;
  con->got = g_bytes_ref (data);
  con->source = source;
}

static void
c_go_http (gpointer c, gboolean peers_tried)
{
  Consumer *con = c;

  con->http++;
  con->peers_tried = peers_tried;
}

static gboolean
c_fetch_range (gpointer c, gint64 id, gint64 offset, guint token)
{
  Consumer *con = c;

  con->range_offset = offset;
  con->range_token = token;
  return TRUE;
}

static const P2pConsumerOps cops = { c_deliver, c_go_http, c_fetch_range };

static GBytes *
segment_bytes (gsize size, guint8 seed)
{
  guint8 *d = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    d[i] = (guint8) (seed + i * 7);
  return g_bytes_new_take (d, size);
}

static FakePeer *
peer_new (const gchar * name)
{
  FakePeer *p = g_new0 (FakePeer, 1);

  p->name = g_strdup (name);
  p->open = TRUE;
  p->has = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  p->loading = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      NULL);
  p->requested = -1;
  return p;
}

static void
peer_hold (FakePeer * p, gint64 id)
{
  gint64 *k = g_new (gint64, 1);

  *k = id;
  g_hash_table_add (p->has, k);
}

static void
peer_free (FakePeer * p)
{
  g_hash_table_destroy (p->has);
  g_hash_table_destroy (p->loading);
  g_clear_pointer (&p->partial, g_bytes_unref);
  g_free (p->name);
  g_free (p);
}

static void
env_init (Env * env, const gchar * self)
{
  memset (env, 0, sizeof (*env));
  env->now = 1000 * G_USEC_PER_SEC;
  env->wake = -1;
  env->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      (GDestroyNotify) g_bytes_unref);
  env->s = p2p_scheduler_new (self, &ops, &cops, env);
  p2p_scheduler_set_seed (env->s, 42);
  p2p_scheduler_set_prefetch (env->s, FALSE);
}

static void
env_clear (Env * env)
{
  p2p_scheduler_free (env->s);
  g_hash_table_destroy (env->cache);
}

static void
consumer_clear (Consumer * c)
{
  g_clear_pointer (&c->got, g_bytes_unref);
}

/* Moves the clock, running the wake-ups that fall due on the way. */
static void
advance (Env * env, gint64 us)
{
  gint64 end = env->now + us;

  while (env->wake >= 0 && env->wake <= end) {
    env->now = MAX (env->now, env->wake);
    env->wake_fired_at = env->now;
    env->wake = -1;
    p2p_scheduler_tick (env->s);
  }
  env->now = end;
}

/* The player has played from the cache up to @last: its buffer holds
 * @seconds of media per segment served just now. */
static void
fill_buffer (Env * env, gint64 first, gint64 last, gdouble seconds)
{
  for (gint64 id = first; id <= last; id++)
    p2p_scheduler_served (env->s, id, seconds);
}

/* The origin as a fast CDN: 68 KB in 40 ms after 10 ms. */
static void
teach_http (Env * env)
{
  GBytes *data = segment_bytes (68 * 1024, 0);

  p2p_scheduler_http_done (env->s, 999999, data, env->now,
      env->now + 10 * MS, env->now + 50 * MS);
  g_bytes_unref (data);
}

/* --- tests --------------------------------------------------------------- */

/* Startup with only an unproven peer: HTTP at once, no wait. */
static void
test_startup_goes_http (void)
{
  Env env;
  FakePeer *p = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, };

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, 0);
  p2p_scheduler_fetch (env.s, 0, 2.0, SEG_SIZE, &c);
  g_assert_cmpuint (c.http, ==, 1);
  g_assert_cmpint (p->requested, ==, -1);
  env_clear (&env);
  peer_free (p);
}

/* With seconds of buffer the same unproven peer is asked; with a proven
 * fast peer even startup goes to it. */
static void
test_buffer_allows_peer (void)
{
  Env env;
  FakePeer *p = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, };
  GBytes *data = segment_bytes (SEG_SIZE, 3);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, 5);
  fill_buffer (&env, 2, 4, 2.0);
  p2p_scheduler_fetch (env.s, 5, 2.0, SEG_SIZE, &c);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpint (p->requested, ==, 5);
  advance (&env, 300 * MS);
  p2p_scheduler_peer_progress (env.s, p, 5, 0, SEG_SIZE);
  p2p_scheduler_peer_done (env.s, p, 5, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_assert_cmpint (c.source, ==, P2P_JOB_SOURCE_PEER);
  g_assert_true (g_bytes_equal (c.got, data));
  g_assert_true (g_hash_table_contains (env.cache, &(gint64) { 5 }));
  g_assert_cmpuint (p2p_scheduler_get_job_count (env.s), ==, 0);
  g_bytes_unref (data);
  consumer_clear (&c);
  env_clear (&env);
  peer_free (p);
}

/* A peer that trickles (here 500 bytes/s) is given up once its pace shows
 * (P2P_SCHED_TRICKLE_OBSERVED_US), however deep the buffer: the rest comes
 * over HTTP from the byte it reached, and the assembled segment is what
 * the consumer gets. */
static void
test_trickle_resumes_over_http (void)
{
  Env env;
  FakePeer *p = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, };
  GBytes *whole = segment_bytes (SEG_SIZE, 9), *rest;
  gsize got = 1000;
  gint64 started;

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, 7);
  fill_buffer (&env, 4, 6, 2.0);        /* 6 s of buffer */
  p2p_scheduler_fetch (env.s, 7, 10.0, -1, &c);
  g_assert_cmpint (p->requested, ==, 7);
  started = env.now;
  p->partial = g_bytes_new_from_bytes (whole, 0, got);
  p2p_scheduler_peer_progress (env.s, p, 7, 0, SEG_SIZE);
  /* one byte a second: never "no bytes for 2 s", always too slow */
  for (gint i = 0; i < 60 && c.range_token == 0 && c.http == 0; i++) {
    advance (&env, 100 * MS);
    p2p_scheduler_peer_progress (env.s, p, 7, got, SEG_SIZE);
  }
  g_assert_cmpuint (p->cancels, ==, 1);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpint (c.range_offset, ==, got);
  /* not when HTTP needed the time left (the buffer was 6 s), but as soon
   * as its pace was a trickle's */
  g_assert_cmpint (env.now - started, >=, P2P_SCHED_TRICKLE_OBSERVED_US);
  g_assert_cmpint (env.now - started, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (p2p_scheduler_get_counters (env.s)->handovers, ==, 1);
  /* a trickle is worse than slow: a strike, and its pace on record */
  g_assert_cmpfloat (p2p_peer_stats_get_strikes (p2p_scheduler_get_peer_stats
          (env.s, p), env.now), ==, 1);
  g_assert_cmpfloat (p2p_peer_stats_get_rate (p2p_scheduler_get_peer_stats
          (env.s, p)), <, 1024);

  rest = g_bytes_new_from_bytes (whole, got, SEG_SIZE - got);
  p2p_scheduler_range_done (env.s, 7, c.range_token + 1, rest);  /* stale */
  g_assert_cmpuint (c.delivered, ==, 0);
  p2p_scheduler_range_done (env.s, 7, c.range_token, rest);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_assert_cmpint (c.source, ==, P2P_JOB_SOURCE_MIXED);
  g_assert_true (g_bytes_equal (c.got, whole));
  g_bytes_unref (rest);
  g_bytes_unref (whole);
  consumer_clear (&c);
  env_clear (&env);
  peer_free (p);
}

/* A peer that trickles hands over to another holder, which sends the rest
 * from the byte reached (b): nothing of the segment comes from the origin,
 * and the consumer gets the segment whole. */
static void
test_trickle_resumes_from_peer (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");
  FakePeer *slow, *other;
  Consumer c = { &env, };
  GBytes *whole = segment_bytes (SEG_SIZE, 9), *rest;
  gsize got = 1000;

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  peer_hold (a, 7);
  peer_hold (b, 7);
  fill_buffer (&env, 4, 6, 2.0);
  p2p_scheduler_fetch (env.s, 7, 10.0, -1, &c);
  slow = a->requested == 7 ? a : b;
  other = slow == a ? b : a;
  g_assert_cmpint (slow->requested, ==, 7);
  g_assert_cmpint (slow->from, ==, 0);
  slow->partial = g_bytes_new_from_bytes (whole, 0, got);
  p2p_scheduler_peer_progress (env.s, slow, 7, 0, SEG_SIZE);
  for (gint i = 0; i < 60 && other->requested < 0; i++) {
    advance (&env, 100 * MS);
    p2p_scheduler_peer_progress (env.s, slow, 7, got, SEG_SIZE);
  }
  g_assert_cmpuint (slow->cancels, ==, 1);
  g_assert_cmpint (other->requested, ==, 7);
  g_assert_cmpint (other->from, ==, got);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpuint (c.range_token, ==, 0);
  g_assert_cmpuint (p2p_scheduler_get_counters (env.s)->resumes, ==, 1);

  /* it counts what follows b: a size that does not add up is a lie */
  g_assert_false (p2p_scheduler_peer_progress (env.s, other, 7, 0,
          SEG_SIZE));
  g_assert_true (p2p_scheduler_peer_progress (env.s, other, 7, 0,
          SEG_SIZE - got));
  rest = g_bytes_new_from_bytes (whole, got, SEG_SIZE - got);
  g_assert_cmpint (p2p_scheduler_peer_done (env.s, other, 7, rest, FALSE),
      ==, P2P_SCHED_CHECK_OK);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpint (c.source, ==, P2P_JOB_SOURCE_PEER);
  g_assert_true (g_bytes_equal (c.got, whole));
  g_bytes_unref (rest);
  g_bytes_unref (whole);
  consumer_clear (&c);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
}

/* However deep the buffer, a segment must come within the demuxer's
 * patience (a share of its duration), or it measures a low bandwidth and
 * switches down: a peer expected to be slower than that is not asked. */
static void
test_abr_budget (void)
{
  Env env;
  FakePeer *p = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, }, d = { &env, };

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, 20);
  peer_hold (p, 21);
  fill_buffer (&env, 10, 19, 2.0);      /* 20 s ahead */
  /* 600 KB in 2 s: an unproven peer (256 KiB/s) would take 2.5 s */
  p2p_scheduler_fetch (env.s, 20, 2.0, 600 * 1024, &c);
  g_assert_cmpuint (c.http, ==, 1);
  g_assert_cmpint (p->requested, ==, -1);
  /* the same bytes as a 10 s segment: time enough for the peer */
  p2p_scheduler_fetch (env.s, 21, 10.0, 600 * 1024, &d);
  g_assert_cmpint (p->requested, ==, 21);
  env_clear (&env);
  peer_free (p);
}

/* The demuxer's view: a fragment must come at 1.5 x the declared
 * bandwidth (0.8 and our margin of 1.2) on its own; slow ones before it
 * shorten what it may take. */
static void
test_abr_history (void)
{
  P2pPlaybackModel m;

  p2p_playback_model_init (&m);
  /* nothing seen: the mean is this fragment alone, at 1.5 x 1 Mbit/s */
  g_assert_cmpint (p2p_playback_model_abr_budget_us (&m, 150000, 1000000),
      ==, 800 * MS);
  g_assert_cmpint (p2p_playback_model_abr_budget_us (&m, 150000, 0), ==, -1);
  p2p_playback_model_fragment_done (&m, 0, 0);
  p2p_playback_model_fragment_done (&m, 150000, 10 * MS);
  g_assert_cmpint (p2p_playback_model_abr_budget_us (&m, 150000, 1000000),
      ==, 800 * MS);
  /* two at 600 kbit/s: the third must bring the mean back up alone */
  p2p_playback_model_fragment_done (&m, 150000, 2000 * MS);
  p2p_playback_model_fragment_done (&m, 150000, 2000 * MS);
  g_assert_cmpint (p2p_playback_model_abr_budget_us (&m, 150000, 1000000),
      ==, 363636);
  /* a seek starts playback again, not the demuxer's estimate */
  p2p_playback_model_request (&m, 0, 10);
  p2p_playback_model_request (&m, 0, 11);
  p2p_playback_model_request (&m, 0, 50);
  g_assert_cmpint (p2p_playback_model_abr_budget_us (&m, 150000, 1000000),
      ==, 363636);
}

/* With the rendition's bandwidth known, what the demuxer saw before
 * decides: after fast fragments a peer may take the 4 s segment, after two
 * slow ones the same request goes to HTTP. */
static void
test_abr_bandwidth_history (void)
{
  Env env;
  FakePeer *p = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, }, d = { &env, };
  P2pPlaybackModel model;
  GBytes *data = segment_bytes (400 * 1024, 5);

  p2p_playback_model_init (&model);
  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_set_playback_model (env.s, &model);
  p2p_scheduler_set_bandwidth (env.s, 600000);
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, 20);
  peer_hold (p, 21);
  fill_buffer (&env, 10, 19, 4.0);      /* 40 s ahead, all cache hits */
  /* 400 KB: an unproven peer (256 KiB/s) takes 1.7 s; the demuxer allows
   * 3.6 s (at 1.5 x 600 kbit/s) */
  p2p_scheduler_fetch (env.s, 20, 4.0, 400 * 1024, &c);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpint (p->requested, ==, 20);
  /* at 2 Mbit/s */
  for (guint i = 1; i <= 8; i++) {
    advance (&env, 200 * MS);
    p2p_scheduler_peer_progress (env.s, p, 20, i * 50 * 1024, 400 * 1024);
  }
  p2p_scheduler_peer_done (env.s, p, 20, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 1);
  p->requested = -1;
  /* two fragments at 400 kbit/s */
  p2p_playback_model_fragment_done (&model, 400 * 1024, 8000 * MS);
  p2p_playback_model_fragment_done (&model, 400 * 1024, 8000 * MS);
  p2p_scheduler_fetch (env.s, 21, 4.0, 400 * 1024, &d);
  /* (after the election's step, should a neighbour rank above us) */
  advance (&env, 200 * MS);
  g_assert_cmpuint (d.http, ==, 1);
  g_assert_cmpint (p->requested, ==, -1);
  g_bytes_unref (data);
  consumer_clear (&c);
  env_clear (&env);
  peer_free (p);
}

/* A fast transfer is left alone however close the deadline. */
static void
test_fast_peer_not_handed_over (void)
{
  Env env;
  FakePeer *p = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, };
  GBytes *data = segment_bytes (SEG_SIZE, 5);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, 7);
  fill_buffer (&env, 4, 6, 2.0);
  p2p_scheduler_fetch (env.s, 7, 10.0, -1, &c);
  p2p_scheduler_peer_progress (env.s, p, 7, 0, SEG_SIZE);
  for (gint i = 1; i <= 10; i++) {
    advance (&env, 100 * MS);
    p2p_scheduler_peer_progress (env.s, p, 7, SEG_SIZE * i / 11, SEG_SIZE);
  }
  g_assert_cmpuint (p->cancels, ==, 0);
  p2p_scheduler_peer_done (env.s, p, 7, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_bytes_unref (data);
  consumer_clear (&c);
  env_clear (&env);
  peer_free (p);
}

/* The peer sending a segment dies (removed mid-transfer): the job goes to
 * the other holder at once, and the dead one is never called again. */
static void
test_peer_dies_mid_transfer (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");
  Consumer c = { &env, };
  FakePeer *first, *second;
  GBytes *data = segment_bytes (SEG_SIZE, 2);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  peer_hold (a, 7);
  peer_hold (b, 7);
  fill_buffer (&env, 4, 6, 3.0);
  p2p_scheduler_fetch (env.s, 7, 10.0, -1, &c);
  first = a->requested == 7 ? a : b;
  second = first == a ? b : a;
  g_assert_cmpint (first->requested, ==, 7);
  p2p_scheduler_peer_progress (env.s, first, 7, 0, SEG_SIZE);
  first->open = FALSE;
  p2p_scheduler_remove_peer (env.s, first);
  p2p_scheduler_remove_peer (env.s, first);     /* twice is harmless */
  g_assert_cmpint (second->requested, ==, 7);
  /* a late report from the dead one is ignored */
  p2p_scheduler_peer_done (env.s, first, 7, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 0);
  p2p_scheduler_peer_done (env.s, second, 7, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_assert_cmpuint (c.http, ==, 0);
  g_bytes_unref (data);
  consumer_clear (&c);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
}

/* Only holder dies: HTTP at once, the consumer told peers were tried. */
static void
test_only_holder_dies (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  Consumer c = { &env, };

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, a, a->name);
  peer_hold (a, 7);
  fill_buffer (&env, 4, 6, 2.0);
  p2p_scheduler_fetch (env.s, 7, 10.0, -1, &c);
  g_assert_cmpint (a->requested, ==, 7);
  a->open = FALSE;
  p2p_scheduler_remove_peer (env.s, a);
  g_assert_cmpuint (c.http, ==, 1);
  g_assert_true (c.peers_tried);
  env_clear (&env);
  peer_free (a);
}

/* A failing peer collects strikes and is passed over for a proven one;
 * strikes fade with time. */
static void
test_strikes_replace_peer (void)
{
  Env env;
  FakePeer *bad = peer_new ("-PM0203-BADBADBADBAD");
  FakePeer *good = peer_new ("-PM0203-GOODGOODGOOD");
  P2pPeerStats *st;

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, bad, bad->name);
  p2p_scheduler_add_peer (env.s, good, good->name);
  st = p2p_scheduler_get_peer_stats (env.s, bad);
  /* three stalls a second apart (the decay takes a little off each) */
  for (gint i = 0; i < 3; i++) {
    p2p_peer_stats_add_strike (st, env.now);
    env.now += G_USEC_PER_SEC;
  }
  g_assert_cmpfloat (p2p_peer_stats_get_strikes (st, env.now), >=,
      P2P_SCHED_MAX_STRIKES);
  for (gint64 id = 10; id < 16; id++) {
    Consumer c = { &env, };
    GBytes *data = segment_bytes (SEG_SIZE, id);

    peer_hold (bad, id);
    peer_hold (good, id);
    fill_buffer (&env, id - 3, id - 1, 3.0);
    p2p_scheduler_fetch (env.s, id, 10.0, -1, &c);
    g_assert_cmpint (bad->requested, ==, -1);
    g_assert_cmpint (good->requested, ==, id);
    p2p_scheduler_peer_done (env.s, good, id, data, FALSE);
    good->requested = -1;
    g_bytes_unref (data);
    consumer_clear (&c);
  }
  /* two half-lives later the bad peer is under the limit again */
  g_assert_cmpfloat (p2p_peer_stats_get_strikes (st,
          env.now + 2 * P2P_PEER_STATS_STRIKE_HALF_LIFE_US), <, 1.0);
  env_clear (&env);
  peer_free (bad);
  peer_free (good);
}

/* A stall from the chosen peer: its strike, then the other holder. */
static void
test_stall_moves_on (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");
  Consumer c = { &env, };
  FakePeer *first, *second;

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  peer_hold (a, 7);
  peer_hold (b, 7);
  fill_buffer (&env, 4, 6, 3.0);
  p2p_scheduler_fetch (env.s, 7, 10.0, -1, &c);
  first = a->requested == 7 ? a : b;
  second = first == a ? b : a;
  advance (&env, 200 * MS);
  first->requested = -1;
  p2p_scheduler_peer_done (env.s, first, 7, NULL, TRUE);
  g_assert_cmpint (second->requested, ==, 7);
  g_assert_cmpfloat (p2p_peer_stats_get_strikes (p2p_scheduler_get_peer_stats
          (env.s, first), env.now), >, 0.9);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
}

/* A transfer given up with no byte after a short while says nothing of the
 * peer (a fresh connection behind a slow uplink); after a second or more
 * it is a peer that does not send. */
static void
test_silent_transfer_rate (void)
{
  P2pPeerStats st;

  p2p_peer_stats_init (&st);
  p2p_peer_stats_add_transfer (&st, 0, 0, 400 * MS, 400 * MS);
  g_assert_false (p2p_peer_stats_is_proven (&st));
  g_assert_cmpfloat (p2p_peer_stats_get_rate (&st), ==,
      P2P_PEER_STATS_DEFAULT_RATE);
  p2p_peer_stats_add_transfer (&st, 0, 0, 2000 * MS, 2000 * MS);
  g_assert_true (p2p_peer_stats_is_proven (&st));
  g_assert_cmpfloat (p2p_peer_stats_get_rate (&st), ==,
      P2P_PEER_STATS_MIN_RATE);
}

/* A peer that announces segments and never sends them stalls once and is
 * not asked again: its stall is a measurement (nothing, not "unknown"),
 * where an unproven peer would still be tried now and then. */
static void
test_silent_peer_not_asked_again (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");
  FakePeer *silent, *good;

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  for (gint64 id = 7; id < 37; id++) {
    peer_hold (a, id);
    peer_hold (b, id);
  }
  fill_buffer (&env, 4, 6, 10.0);
  for (gint64 id = 7; id < 37; id++) {
    Consumer c = { &env, };
    GBytes *data = segment_bytes (SEG_SIZE, (guint8) id);

    p2p_scheduler_fetch (env.s, id, 10.0, -1, &c);
    if (id == 7) {
      /* whoever is asked first says nothing */
      silent = a->requested == 7 ? a : b;
      good = silent == a ? b : a;
      advance (&env, 2000 * MS);
      silent->requested = -1;
      p2p_scheduler_peer_done (env.s, silent, 7, NULL, TRUE);
    }
    g_assert_cmpint (good->requested, ==, id);
    advance (&env, 50 * MS);
    good->requested = -1;
    p2p_scheduler_peer_done (env.s, good, id, data, FALSE);
    g_assert_cmpuint (c.delivered, ==, 1);
    g_bytes_unref (data);
    consumer_clear (&c);
    advance (&env, 1900 * MS);
  }
  g_assert_cmpuint (silent->requests, ==, 1);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
}

/* The election: every peer computes the same ranks, each rank once. */
static void
test_election_ranks (void)
{
  const gchar *ids[] = { "-PM0203-AAAAAAAAAAAA", "-PM0203-BBBBBBBBBBBB",
    "-PM0203-CCCCCCCCCCCC", "-PM0203-DDDDDDDDDDDD"
  };

  for (gint64 seg = 100; seg < 140; seg++) {
    gboolean seen[4] = { FALSE, };

    for (guint i = 0; i < 4; i++) {
      const gchar *others[3];
      guint n = 0, rank;

      for (guint j = 0; j < 4; j++)
        if (j != i)
          others[n++] = ids[j];
      rank = p2p_sched_election_rank (ids[i], others, 3, seg);
      g_assert_cmpuint (rank, <, 4);
      g_assert_false (seen[rank]);
      seen[rank] = TRUE;
    }
  }
  /* later ranks step in later */
  g_assert_cmpint (p2p_sched_backup_time (0, 10 * G_USEC_PER_SEC, 500 * MS,
          1), <, p2p_sched_backup_time (0, 10 * G_USEC_PER_SEC, 500 * MS, 2));
  /* never later than HTTP can still make it */
  g_assert_cmpint (p2p_sched_backup_time (0, 2 * G_USEC_PER_SEC, 500 * MS,
          30), <=, 2 * G_USEC_PER_SEC - 500 * MS - P2P_SCHED_MARGIN_US);
}

static guint
rank_of (const gchar * self, const gchar * other, gint64 seg)
{
  const gchar *others[] = { other };

  return p2p_sched_election_rank (self, others, 1, seg);
}

/* The first segments from @from where @self ranks first and second against
 * @other. */
static void
ranked_segments (const gchar * self, const gchar * other, gint64 from,
    gint64 * elected, gint64 * backup)
{
  *elected = *backup = -1;
  for (gint64 seg = from; seg < from + 60 && (*elected < 0 || *backup < 0);
      seg++) {
    if (rank_of (self, other, seg) == 0 && *elected < 0)
      *elected = seg;
    if (rank_of (self, other, seg) == 1 && *backup < 0)
      *backup = seg;
  }
  g_assert_cmpint (*elected, >=, 0);
  g_assert_cmpint (*backup, >=, 0);
}

/* Live edge, nobody holds the new segment: the elected one goes to HTTP at
 * once, the backup waits and takes the segment from the elected one as
 * soon as it announces it. */
static void
test_live_election_and_backup (void)
{
  const gchar *me = "-PM0203-SELF00000000", *nb = "-PM0203-NEIGHBOUR000";
  gint64 seg_elected, seg_backup;

  ranked_segments (me, nb, 200, &seg_elected, &seg_backup);

  for (gint pass = 0; pass < 2; pass++) {
    Env env;
    FakePeer *p = peer_new (nb);
    Consumer c = { &env, };
    gint64 seg = pass == 0 ? seg_elected : seg_backup;
    GBytes *data = segment_bytes (68 * 1024, 4);

    env_init (&env, me);
    teach_http (&env);
    p2p_scheduler_add_peer (env.s, p, p->name);
    peer_hold (p, seg - 1);
    /* 4 s of buffer: a live edge */
    fill_buffer (&env, seg - 2, seg - 1, 2.0);
    p2p_scheduler_fetch (env.s, seg, 2.0, 68 * 1024, &c);
    if (pass == 0) {
      g_assert_cmpuint (c.http, ==, 1);
      g_assert_cmpuint (p2p_scheduler_get_counters (env.s)->elected_http, ==,
          1);
    } else {
      g_assert_cmpuint (c.http, ==, 0);
      g_assert_cmpint (env.wake, >, env.now);
      advance (&env, 100 * MS);
      g_assert_cmpuint (c.http, ==, 0);
      /* the elected neighbour got it and says so */
      peer_hold (p, seg);
      p2p_scheduler_peer_announced (env.s, p);
      g_assert_cmpint (p->requested, ==, seg);
      p2p_scheduler_peer_done (env.s, p, seg, data, FALSE);
      g_assert_cmpuint (c.delivered, ==, 1);
    }
    g_bytes_unref (data);
    consumer_clear (&c);
    env_clear (&env);
    peer_free (p);
  }
}

/* Whoever fetched the previous live segment from the origin fetches the
 * next one at once, whatever its rank; the others wait for it, even the
 * one the election would pick. */
static void
test_previous_fetcher_keeps_fetching (void)
{
  const gchar *me = "-PM0203-SELF00000000", *nb = "-PM0203-NEIGHBOUR000";
  gint64 seg_elected, seg_backup;

  ranked_segments (me, nb, 300, &seg_elected, &seg_backup);

  for (gint pass = 0; pass < 2; pass++) {
    Env env;
    FakePeer *p = peer_new (nb);
    Consumer prev = { &env, }, c = { &env, };
    gint64 seg = pass == 0 ? seg_backup : seg_elected;
    GBytes *data = segment_bytes (68 * 1024, 6);

    env_init (&env, me);
    teach_http (&env);
    p2p_scheduler_add_peer (env.s, p, p->name);
    peer_hold (p, seg - 2);
    fill_buffer (&env, seg - 3, seg - 2, 2.0);
    if (pass == 0) {
      /* we fetched the one before from the origin (nobody had it) */
      p2p_scheduler_fetch (env.s, seg - 1, 2.0, 68 * 1024, &prev);
      advance (&env, 1000 * MS);
      g_assert_cmpuint (prev.http, ==, 1);
      p2p_scheduler_http_done (env.s, seg - 1, data, env.now - 60 * MS,
          env.now - 50 * MS, env.now);
      p2p_scheduler_fetch (env.s, seg, 2.0, 68 * 1024, &c);
      g_assert_cmpuint (c.http, ==, 1);
    } else {
      /* the neighbour fetched the one before from the origin */
      g_hash_table_add (p->loading, g_memdup2 (&(gint64) { seg - 1 },
              sizeof (gint64)));
      p2p_scheduler_peer_announced (env.s, p);
      g_hash_table_remove_all (p->loading);
      peer_hold (p, seg - 1);
      p2p_scheduler_peer_announced (env.s, p);
      p2p_scheduler_served (env.s, seg - 1, 2.0);
      p2p_scheduler_fetch (env.s, seg, 2.0, 68 * 1024, &c);
      advance (&env, 300 * MS);
      g_assert_cmpuint (c.http, ==, 0);
      peer_hold (p, seg);
      p2p_scheduler_peer_announced (env.s, p);
      g_assert_cmpint (p->requested, ==, seg);
      p2p_scheduler_peer_done (env.s, p, seg, data, FALSE);
      g_assert_cmpuint (c.delivered, ==, 1);
    }
    g_bytes_unref (data);
    consumer_clear (&prev);
    consumer_clear (&c);
    env_clear (&env);
    peer_free (p);
  }
}

/* The backup whose elected neighbour never delivers goes to HTTP when its
 * time comes, before the deadline. */
static void
test_backup_steps_in (void)
{
  const gchar *me = "-PM0203-SELF00000000", *nb = "-PM0203-NEIGHBOUR000";
  gint64 seg = 300;
  Env env;
  FakePeer *p = peer_new (nb);
  Consumer c = { &env, };
  gint64 asked;

  while (rank_of (me, nb, seg) != 1)
    seg++;
  env_init (&env, me);
  teach_http (&env);
  p2p_scheduler_add_peer (env.s, p, p->name);
  peer_hold (p, seg - 1);
  fill_buffer (&env, seg - 2, seg - 1, 2.0);
  asked = env.now;
  p2p_scheduler_fetch (env.s, seg, 2.0, 68 * 1024, &c);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpint (env.wake, >, env.now);
  advance (&env, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (c.http, ==, 1);
  g_assert_cmpuint (p2p_scheduler_get_counters (env.s)->backup_http, ==, 1);
  /* stepped in with time left for HTTP within the demuxer's patience:
   * 60% of the 2 s segment */
  g_assert_cmpint (env.wake_fired_at - asked, <, 1200 * MS);
  env_clear (&env);
  peer_free (p);
}

/* Two consumers of one segment share its job: one HTTP fetch, the second
 * gets its bytes. */
static void
test_shared_job (void)
{
  Env env;
  Consumer a = { &env, }, b = { &env, };
  GBytes *data = segment_bytes (SEG_SIZE, 6);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_fetch (env.s, 0, 2.0, -1, &a);
  p2p_scheduler_fetch (env.s, 0, 2.0, -1, &b);
  g_assert_cmpuint (a.http + b.http, ==, 1);
  p2p_scheduler_http_done (env.s, 0, data, env.now, env.now + 50 * MS,
      env.now + 150 * MS);
  g_assert_cmpuint ((a.http ? b : a).delivered, ==, 1);
  g_assert_cmpint ((a.http ? b : a).source, ==, P2P_JOB_SOURCE_SHARED);
  g_bytes_unref (data);
  consumer_clear (&a);
  consumer_clear (&b);
  env_clear (&env);
}

/* A failed lead fetch sends the others to HTTP each. */
static void
test_shared_job_lead_fails (void)
{
  Env env;
  Consumer a = { &env, }, b = { &env, };

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_fetch (env.s, 0, 2.0, -1, &a);
  p2p_scheduler_fetch (env.s, 0, 2.0, -1, &b);
  p2p_scheduler_http_done (env.s, 0, NULL, -1, -1, -1);
  g_assert_cmpuint (a.http, ==, 1);
  g_assert_cmpuint (b.http, ==, 1);
  g_assert_cmpuint (p2p_scheduler_get_job_count (env.s), ==, 0);
  env_clear (&env);
}

/* Renditions share the player's model: after a switch to B, the swarm of
 * A no longer prefetches (it would spend the downlink that made the player
 * switch on segments nobody plays); B's does. */
static void
test_no_prefetch_after_switch (void)
{
  Env a, b;
  P2pPlaybackModel model;
  FakePeer *pa1 = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *pa2 = peer_new ("-PM0203-BBBBBBBBBBBB");
  FakePeer *pb1 = peer_new ("-PM0203-CCCCCCCCCCCC");
  FakePeer *pb2 = peer_new ("-PM0203-DDDDDDDDDDDD");
  Consumer c = { &b, };

  p2p_playback_model_init (&model);
  env_init (&a, "-PM0203-SELF00000000");
  env_init (&b, "-PM0203-SELF00000000");
  p2p_scheduler_set_playback_model (a.s, &model);
  p2p_scheduler_set_playback_model (b.s, &model);
  p2p_scheduler_set_prefetch (a.s, TRUE);
  p2p_scheduler_set_prefetch (b.s, TRUE);
  p2p_scheduler_add_peer (a.s, pa1, pa1->name);
  p2p_scheduler_add_peer (a.s, pa2, pa2->name);
  p2p_scheduler_add_peer (b.s, pb1, pb1->name);
  p2p_scheduler_add_peer (b.s, pb2, pb2->name);
  fill_buffer (&a, 8, 10, 2.0);
  /* the switch: the next segment from B */
  teach_http (&b);
  p2p_scheduler_fetch (b.s, 11, 2.0, SEG_SIZE, &c);
  for (gint64 id = 12; id <= 13; id++) {
    peer_hold (pa1, id);
    peer_hold (pa2, id);
    peer_hold (pb1, id);
    peer_hold (pb2, id);
  }
  p2p_scheduler_peer_announced (a.s, pa1);
  p2p_scheduler_peer_announced (b.s, pb1);
  g_assert_cmpint (pa1->requested, ==, -1);
  g_assert_cmpint (pa2->requested, ==, -1);
  g_assert_true (pb1->requested == 12 || pb2->requested == 12);
  consumer_clear (&c);
  env_clear (&a);
  env_clear (&b);
  peer_free (pa1);
  peer_free (pa2);
  peer_free (pb1);
  peer_free (pb2);
}

/* A player whose last fragments came barely faster than its rendition
 * plays prefetches nothing (and its swarm uploads nothing) until they come
 * fast again. */
static void
test_struggling_player_no_prefetch (void)
{
  Env env;
  P2pPlaybackModel model;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");

  p2p_playback_model_init (&model);
  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_set_playback_model (env.s, &model);
  p2p_scheduler_set_bandwidth (env.s, 350000);
  p2p_scheduler_set_prefetch (env.s, TRUE);
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  fill_buffer (&env, 8, 10, 2.0);
  /* two fragments of 90 KB in 2.4 s each: 300 kbit/s */
  p2p_playback_model_fragment_done (&model, 90000, 2400 * MS);
  p2p_playback_model_fragment_done (&model, 90000, 2400 * MS);
  g_assert_true (p2p_scheduler_struggling (env.s));
  peer_hold (a, 11);
  peer_hold (b, 11);
  p2p_scheduler_peer_announced (env.s, a);
  g_assert_cmpint (a->requested + b->requested, ==, -2);
  /* fast again (a cache hit): prefetch resumes */
  p2p_scheduler_served (env.s, 10, 2.0);
  g_assert_false (p2p_scheduler_struggling (env.s));
  p2p_scheduler_peer_announced (env.s, a);
  g_assert_true (a->requested == 11 || b->requested == 11);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
}

/* A struggling player: a prefetch whose peer failed is not decided again
 * (abr-switch: one was re-asked of peer after peer for 9 s), and a segment
 * it waits for goes to HTTP after STRUGGLING_MAX_ABSENTS peers said
 * "absent" instead of asking the rest of them one by one. */
static void
test_struggling_stops_asking (void)
{
  Env env;
  P2pPlaybackModel model;
  FakePeer *p[4];
  Consumer c = { &env, };
  guint asked = 0;

  p2p_playback_model_init (&model);
  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_set_playback_model (env.s, &model);
  p2p_scheduler_set_bandwidth (env.s, 350000);
  p2p_scheduler_set_prefetch (env.s, TRUE);
  for (guint i = 0; i < 4; i++) {
    gchar *name = g_strdup_printf ("-PM0203-%c%c%c%c%c%c%c%c%c%c%c%c",
        'A' + i, 'A' + i, 'A' + i, 'A' + i, 'A' + i, 'A' + i, 'A' + i,
        'A' + i, 'A' + i, 'A' + i, 'A' + i, 'A' + i);

    p[i] = peer_new (name);
    g_free (name);
    p2p_scheduler_add_peer (env.s, p[i], p[i]->name);
    peer_hold (p[i], 11);
  }
  fill_buffer (&env, 8, 10, 2.0);
  p2p_scheduler_peer_announced (env.s, p[0]);
  for (guint i = 0; i < 4; i++)
    asked += p[i]->requested == 11;
  g_assert_cmpuint (asked, >=, 1);
  /* the downlink drops: two fragments at 300 kbit/s */
  p2p_playback_model_fragment_done (&model, 90000, 2400 * MS);
  p2p_playback_model_fragment_done (&model, 90000, 2400 * MS);
  g_assert_true (p2p_scheduler_struggling (env.s));
  for (guint i = 0; i < 4; i++)
    if (p[i]->requested == 11) {
      p[i]->requested = -1;
      p2p_scheduler_peer_done (env.s, p[i], 11, NULL, FALSE);
    }
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (p[i]->requested, ==, -1);

  /* then asked for it: two peers say "absent", the other two are not
   * asked */
  p2p_scheduler_fetch (env.s, 11, 2.0, -1, &c);
  for (guint k = 0; k < 2; k++) {
    for (guint i = 0; i < 4; i++)
      if (p[i]->requested == 11) {
        p[i]->requested = -1;
        p2p_scheduler_peer_done (env.s, p[i], 11, NULL, FALSE);
        break;
      }
  }
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (p[i]->requested, ==, -1);
  advance (&env, 3 * G_USEC_PER_SEC);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (p[i]->requested, ==, -1);
  g_assert_cmpuint (c.http, ==, 1);
  consumer_clear (&c);
  env_clear (&env);
  for (guint i = 0; i < 4; i++)
    peer_free (p[i]);
}

/* No prefetch while the player's buffer runs low: the segment it asks for
 * next needs the whole downlink. */
static void
test_low_buffer_no_prefetch (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_set_prefetch (env.s, TRUE);
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  fill_buffer (&env, 8, 10, 2.0);       /* 6 s */
  advance (&env, 5 * G_USEC_PER_SEC);   /* 1 s left */
  peer_hold (a, 11);
  peer_hold (b, 11);
  peer_hold (a, 12);
  peer_hold (b, 12);
  p2p_scheduler_peer_announced (env.s, a);
  g_assert_cmpint (a->requested + b->requested, ==, -2);
  /* 11 came (from the cache): 3 s ahead again, 12 is prefetched */
  p2p_scheduler_served (env.s, 11, 2.0);
  g_assert_true (a->requested == 12 || b->requested == 12);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
}

/* Prefetch: the rarest of the next segments first, into the cache, and no
 * more downloads than allowed. */
static void
test_prefetch_rarest_first (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");
  FakePeer *c = peer_new ("-PM0203-CCCCCCCCCCCC");
  GBytes *data = segment_bytes (SEG_SIZE, 8);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_set_prefetch (env.s, TRUE);
  p2p_scheduler_add_peer (env.s, a, a->name);
  p2p_scheduler_add_peer (env.s, b, b->name);
  p2p_scheduler_add_peer (env.s, c, c->name);
  fill_buffer (&env, 8, 10, 2.0);
  g_assert_cmpint (a->requested + b->requested + c->requested, ==, -3);
  /* then 13 is announced by one, 11 by all three, 12 by two */
  peer_hold (a, 13);
  p2p_scheduler_peer_announced (env.s, a);
  /* the only copy of a segment is left to those who asked for it */
  g_assert_cmpint (a->requested, ==, -1);
  peer_hold (a, 11);
  peer_hold (b, 11);
  peer_hold (c, 11);
  peer_hold (b, 12);
  peer_hold (c, 12);
  p2p_scheduler_peer_announced (env.s, c);
  /* the rarest, 12, from one of its holders; then 11 from the other */
  g_assert_true (b->requested == 12 || c->requested == 12);
  g_assert_true (a->requested == 11 || b->requested == 11
      || c->requested == 11);
  if (b->requested == 12) {
    FakePeer *t = b;

    b = c;
    c = t;
  }
  p2p_scheduler_peer_done (env.s, c, 12, data, FALSE);
  g_assert_true (g_hash_table_contains (env.cache, &(gint64) { 12 }));
  g_assert_cmpuint (p2p_scheduler_get_counters (env.s)->prefetches, ==, 1);
  g_bytes_unref (data);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
  peer_free (c);
}

/* The playback model: buffer from deliveries, reset on a jump. */
static void
test_playback_model (void)
{
  P2pPlaybackModel m;
  gint64 t = 0;

  p2p_playback_model_init (&m);
  g_assert_cmpint (p2p_playback_model_buffer_us (&m, t), ==, 0);
  for (gint64 id = 0; id < 3; id++) {
    p2p_playback_model_request (&m, t, id);
    p2p_playback_model_delivered (&m, t, 2.0, 0, 0);
  }
  g_assert_cmpint (p2p_playback_model_buffer_us (&m, t), ==,
      6 * G_USEC_PER_SEC);
  t += 4 * G_USEC_PER_SEC;
  g_assert_cmpint (p2p_playback_model_buffer_us (&m, t), ==,
      2 * G_USEC_PER_SEC);
  g_assert_cmpint (p2p_playback_model_deadline (&m, t, 500 * MS), ==,
      t + 1500 * MS);
  /* a seek far ahead starts over */
  p2p_playback_model_request (&m, t, 40);
  g_assert_cmpint (p2p_playback_model_buffer_us (&m, t), ==, 0);
}

/* Without a size from the manifest, a size known good (an HTTP fetch, a
 * copy a hash list proved) refuses at once a peer that declares another,
 * before any of its bytes; the segment goes to another holder. */
static void
test_size_known_good_refuses_liar (void)
{
  Env env;
  FakePeer *liar = peer_new ("-PM0203-LIARLIARLIAR");
  FakePeer *honest = peer_new ("-PM0203-HONESTHONEST");
  FakePeer *liar2 = peer_new ("-PM0203-LIAR2LIAR2LI");
  Consumer c = { &env, }, d = { &env, };
  GBytes *data = segment_bytes (SEG_SIZE, 5);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, liar, liar->name);
  peer_hold (liar, 5);
  peer_hold (liar, 6);
  fill_buffer (&env, 2, 4, 2.0);
  /* 5 came over HTTP once (then left the cache) */
  p2p_scheduler_http_done (env.s, 5, data, -1, -1, -1);
  p2p_scheduler_fetch (env.s, 5, 2.0, -1, &c);
  g_assert_cmpint (liar->requested, ==, 5);
  g_assert_false (p2p_scheduler_peer_progress (env.s, liar, 5, 0,
          SEG_SIZE + 188));
  /* the swarm drops it; an honest holder gets the job */
  p2p_scheduler_add_peer (env.s, honest, honest->name);
  peer_hold (honest, 5);
  peer_hold (honest, 6);
  p2p_scheduler_peer_announced (env.s, honest);
  p2p_scheduler_remove_peer (env.s, liar);
  g_assert_cmpuint (c.http, ==, 0);
  g_assert_cmpint (honest->requested, ==, 5);
  g_assert_true (p2p_scheduler_peer_progress (env.s, honest, 5, 0, SEG_SIZE));
  p2p_scheduler_peer_done (env.s, honest, 5, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_assert_true (g_hash_table_contains (env.cache, &(gint64) { 5 }));

  /* a copy the hash list proved makes its size known good as well */
  check_passes_as = P2P_SCHED_CHECK_VERIFIED;
  honest->requested = -1;
  p2p_scheduler_fetch (env.s, 6, 2.0, -1, &d);
  g_assert_cmpint (honest->requested, ==, 6);
  p2p_scheduler_peer_progress (env.s, honest, 6, 0, SEG_SIZE);
  p2p_scheduler_peer_done (env.s, honest, 6, data, FALSE);
  check_passes_as = P2P_SCHED_CHECK_OK;
  g_assert_cmpuint (d.delivered, ==, 1);
  /* evicted, asked again: only another liar holds it now */
  p2p_scheduler_remove_peer (env.s, honest);
  p2p_scheduler_add_peer (env.s, liar2, liar2->name);
  peer_hold (liar2, 6);
  g_hash_table_remove (env.cache, &(gint64) { 6 });
  consumer_clear (&d);
  memset (&d, 0, sizeof (d));
  d.env = &env;
  p2p_scheduler_fetch (env.s, 6, 2.0, -1, &d);
  g_assert_cmpint (liar2->requested, ==, 6);
  g_assert_false (p2p_scheduler_peer_progress (env.s, liar2, 6, 0,
          SEG_SIZE - 188));
  g_bytes_unref (data);
  consumer_clear (&c);
  consumer_clear (&d);
  env_clear (&env);
  peer_free (liar);
  peer_free (honest);
  peer_free (liar2);
}

/* Two peers declare different sizes and none is known good: the copy taken
 * is played but not stored, so it is never shared; an HTTP fetch settles
 * the size, after which the one that declared otherwise is refused. */
static void
test_size_dispute_not_shared (void)
{
  Env env;
  FakePeer *a = peer_new ("-PM0203-AAAAAAAAAAAA");
  FakePeer *b = peer_new ("-PM0203-BBBBBBBBBBBB");
  FakePeer *late = peer_new ("-PM0203-CCCCCCCCCCCC");
  Consumer c = { &env, }, d = { &env, };
  GBytes *data = segment_bytes (SEG_SIZE, 7);

  env_init (&env, "-PM0203-SELF00000000");
  p2p_scheduler_add_peer (env.s, a, a->name);
  peer_hold (a, 5);
  /* an earlier segment over HTTP: the usual size is known */
  p2p_scheduler_http_done (env.s, 1, data, -1, -1, -1);
  fill_buffer (&env, 2, 4, 2.0);
  p2p_scheduler_fetch (env.s, 5, 2.0, -1, &c);
  g_assert_cmpint (a->requested, ==, 5);
  g_assert_true (p2p_scheduler_peer_progress (env.s, a, 5, 0,
          SEG_SIZE + 188));
  /* a fails; b, which says otherwise, gets the job */
  p2p_scheduler_peer_done (env.s, a, 5, NULL, TRUE);
  p2p_scheduler_add_peer (env.s, b, b->name);
  peer_hold (b, 5);
  p2p_scheduler_peer_announced (env.s, b);
  g_assert_cmpint (b->requested, ==, 5);
  g_assert_true (p2p_scheduler_peer_progress (env.s, b, 5, 0, SEG_SIZE));
  p2p_scheduler_peer_done (env.s, b, 5, data, FALSE);
  g_assert_cmpuint (c.delivered, ==, 1);
  g_assert_cmpint (c.source, ==, P2P_JOB_SOURCE_PEER);
  g_assert_false (g_hash_table_contains (env.cache, &(gint64) { 5 }));

  /* HTTP brings it: b was right; a peer saying what a said is refused */
  p2p_scheduler_http_done (env.s, 5, data, -1, -1, -1);
  p2p_scheduler_add_peer (env.s, late, late->name);
  peer_hold (late, 5);
  p2p_scheduler_fetch (env.s, 5, 2.0, -1, &d);
  g_assert_cmpint (late->requested, ==, 5);
  g_assert_false (p2p_scheduler_peer_progress (env.s, late, 5, 0,
          SEG_SIZE + 188));
  g_bytes_unref (data);
  consumer_clear (&c);
  consumer_clear (&d);
  env_clear (&env);
  peer_free (a);
  peer_free (b);
  peer_free (late);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scheduler/startup-goes-http", test_startup_goes_http);
  g_test_add_func ("/scheduler/buffer-allows-peer", test_buffer_allows_peer);
  g_test_add_func ("/scheduler/trickle-resumes-over-http",
      test_trickle_resumes_over_http);
  g_test_add_func ("/scheduler/trickle-resumes-from-peer",
      test_trickle_resumes_from_peer);
  g_test_add_func ("/scheduler/abr-budget", test_abr_budget);
  g_test_add_func ("/scheduler/abr-history", test_abr_history);
  g_test_add_func ("/scheduler/abr-bandwidth-history",
      test_abr_bandwidth_history);
  g_test_add_func ("/scheduler/fast-peer-not-handed-over",
      test_fast_peer_not_handed_over);
  g_test_add_func ("/scheduler/peer-dies-mid-transfer",
      test_peer_dies_mid_transfer);
  g_test_add_func ("/scheduler/only-holder-dies", test_only_holder_dies);
  g_test_add_func ("/scheduler/strikes-replace-peer",
      test_strikes_replace_peer);
  g_test_add_func ("/scheduler/stall-moves-on", test_stall_moves_on);
  g_test_add_func ("/scheduler/silent-transfer-rate",
      test_silent_transfer_rate);
  g_test_add_func ("/scheduler/silent-peer-not-asked-again",
      test_silent_peer_not_asked_again);
  g_test_add_func ("/scheduler/election-ranks", test_election_ranks);
  g_test_add_func ("/scheduler/live-election-and-backup",
      test_live_election_and_backup);
  g_test_add_func ("/scheduler/backup-steps-in", test_backup_steps_in);
  g_test_add_func ("/scheduler/previous-fetcher-keeps-fetching",
      test_previous_fetcher_keeps_fetching);
  g_test_add_func ("/scheduler/shared-job", test_shared_job);
  g_test_add_func ("/scheduler/shared-job-lead-fails",
      test_shared_job_lead_fails);
  g_test_add_func ("/scheduler/no-prefetch-after-switch",
      test_no_prefetch_after_switch);
  g_test_add_func ("/scheduler/struggling-player-no-prefetch",
      test_struggling_player_no_prefetch);
  g_test_add_func ("/scheduler/struggling-stops-asking",
      test_struggling_stops_asking);
  g_test_add_func ("/scheduler/low-buffer-no-prefetch",
      test_low_buffer_no_prefetch);
  g_test_add_func ("/scheduler/prefetch-rarest-first",
      test_prefetch_rarest_first);
  g_test_add_func ("/scheduler/playback-model", test_playback_model);
  g_test_add_func ("/scheduler/size-known-good-refuses-liar",
      test_size_known_good_refuses_liar);
  g_test_add_func ("/scheduler/size-dispute-not-shared",
      test_size_dispute_not_shared);
  return g_test_run ();
}
