/* gst-p2pcdn: segment jobs of one swarm and the decisions that drive them.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-scheduler.h"
#include "p2p-size-book.h"

#include <string.h>

#include "p2p-playback-model.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_scheduler_log, "p2pcdn-scheduler", "segment jobs: peer or HTTP, deadlines, hand-overs")
#define GST_CAT_DEFAULT p2p_scheduler_log ()


/* How often a running peer transfer is held against its deadline between
 * its own progress reports. */
#define CHECK_INTERVAL_US (200 * 1000)
/* A peer that answered "absent" for a segment is asked again after this
 * (it may have been busy uploading to others, or not have it yet). */
#define ABSENT_RETRY_US (300 * 1000)
/* Prefetch: how many segments ahead of the playhead, and how many peer
 * downloads at a time for segments nobody asked for yet (the peers' uplinks
 * serve the swarm's urgent requests first).  A segment's only copy is left
 * to those who ask for it: prefetching it too took the holder's upload
 * slot from them (tools/sim, 8 peers: 67% offload instead of 81%). */
#define PREFETCH_AHEAD 3
#define PREFETCH_MAX_DOWNLOADS 2
#define PREFETCH_MIN_HOLDERS 2
/* Nor while the player's buffer is this low: what it asks for next needs
 * all of the downlink (abr-switch: prefetches ran beside the one fetch a
 * starving player waited for, which took 7 s at 300 kbit/s).  This also
 * keeps a live player at the edge (a second or two of buffer) from
 * prefetching the next segment: tried, it took the holders' one upload
 * slot from the viewers who asked for that segment, and more of them went
 * to the origin (live-join5, origin requests a segment after the joins:
 * 1.00-2.46, median 1.3, in 8 runs with it; 1.00-1.83, median 1.17, in 7
 * without). */
#define PREFETCH_MIN_BUFFER_US (2 * G_USEC_PER_SEC)
/* Size assumed for a segment of unknown size before any was seen. */
#define DEFAULT_SEGMENT_SIZE (256 * 1024)
/* A job nobody waits for has no deadline. */
#define NO_DEADLINE (G_MAXINT64 / 4)
/* A peer whose segment could not be checked (a live hash list that does
 * not name it yet) rests this long: the list is fetched again meanwhile. */
#define UNVERIFIED_RETRY_US (1 * G_USEC_PER_SEC)
/* A struggling player (its downlink barely carries the rendition) asks at
 * most this many peers that answer "absent" for a segment it waits for:
 * its peers struggle too and refuse uploads, and asking them one after
 * the other took the time its HTTP fetch needed (abr-switch: 13 asks in
 * 1.9 s, then HTTP with 0.45 s left and a stall). */
#define STRUGGLING_MAX_ABSENTS 2

typedef enum {
  JOB_NEW,
  JOB_WAITING,                  /* for a holder, a loading peer or the elected */
  JOB_PEER,                     /* a peer sends it */
  JOB_RANGE,                    /* HTTP sends the rest of a peer's start */
  JOB_HTTP,                     /* the lead consumer fetches it over HTTP */
} JobState;

typedef struct _PeerRec PeerRec;
typedef struct _Job Job;

struct _PeerRec
{
  gpointer handle;
  gchar *name;
  P2pPeerStats stats;
  Job *job;                     /* the download it runs for us */
  gint64 busy_until;            /* said "absent" to a segment it announced */
  gint64 http_id;               /* latest segment seen fetching from the origin */
};

struct _Job
{
  gint64 id;
  gdouble duration;
  gint64 expected_size;
  JobState state;
  GPtrArray *consumers;
  gint64 asked;                 /* the first consumer's request */
  gint64 deadline;
  gint64 wait_until;
  PeerRec *peer;
  gint64 started;
  gint64 first_byte;
  gint64 received;             /* of the whole segment, partial included */
  gint64 total;                 /* the whole segment's size, -1 unknown */
  GHashTable *refused;          /* PeerRec* -> gint64* retry time */
  /* the start of the segment, from peers that fell behind: the next peer
   * (b = its size) or HTTP (Range) sends the rest */
  GBytes *partial;
  guint token;
  gboolean peers_tried;
  guint absents;                /* peers that answered "absent" to it */
};

struct _P2pScheduler
{
  gchar *self_id;
  P2pSchedulerOps ops;
  P2pConsumerOps cops;
  gpointer user_data;
  GHashTable *peers;            /* handle -> PeerRec* */
  GHashTable *jobs;             /* gint64* id -> Job* */
  P2pPlaybackModel own_model;
  P2pPlaybackModel *model;      /* own_model, or one shared by renditions */
  P2pHttpStats http;
  gdouble avg_size;
  GRand *rand;
  gboolean prefetch;
  guint64 bandwidth;            /* declared for the rendition, bit/s, 0 unknown */
  gint64 own_http_id;           /* latest segment we fetched from the origin */
  gint64 own_last_id;           /* latest segment the player asked us for */
  guint next_token;
  P2pSchedulerCounters counters;
  P2pSizeBook *sizes;           /* known good and declared segment sizes */
};

static void decide (P2pScheduler * s, Job * job);
static gboolean prefetch_allowed (P2pScheduler * s);
static void reschedule (P2pScheduler * s);
static void try_prefetch (P2pScheduler * s);

static gint64
now (P2pScheduler * s)
{
  return s->ops.now (s->user_data);
}

static gsize
job_size (P2pScheduler * s, Job * job)
{
  if (job->total > 0)
    return job->total;
  if (job->expected_size > 0)
    return job->expected_size;
  return s->avg_size > 0 ? (gsize) s->avg_size : DEFAULT_SEGMENT_SIZE;
}

static void
learn_size (P2pScheduler * s, gsize size)
{
  s->avg_size = s->avg_size > 0 ? 0.7 * s->avg_size + 0.3 * size : size;
}

/* --- jobs ---------------------------------------------------------------- */

static Job *
job_new (P2pScheduler * s, gint64 id, gdouble duration, gint64 expected_size)
{
  Job *job = g_new0 (Job, 1);

  job->id = id;
  job->duration = duration;
  job->expected_size = expected_size;
  job->state = JOB_NEW;
  job->consumers = g_ptr_array_new ();
  job->deadline = NO_DEADLINE;
  job->first_byte = -1;
  job->total = -1;
  job->refused = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_hash_table_insert (s->jobs, &job->id, job);
  return job;
}

/* Takes the job out of the table; the caller frees it after its last
 * call out. */
static void
job_unlink (P2pScheduler * s, Job * job)
{
  g_hash_table_steal (s->jobs, &job->id);
  if (job->peer) {
    job->peer->job = NULL;
    job->peer = NULL;
  }
}

static void
job_free (Job * job)
{
  g_ptr_array_unref (job->consumers);
  g_hash_table_destroy (job->refused);
  if (job->partial)
    g_bytes_unref (job->partial);
  g_free (job);
}

static gsize
partial_size (Job * job)
{
  return job->partial ? g_bytes_get_size (job->partial) : 0;
}

/* @job->partial, then @rest: the whole segment. */
static GBytes *
join_partial (Job * job, GBytes * rest)
{
  GByteArray *whole;
  gsize plen, dlen;
  const guint8 *p;

  p = g_bytes_get_data (job->partial, &plen);
  whole = g_byte_array_sized_new (plen + g_bytes_get_size (rest));
  g_byte_array_append (whole, p, plen);
  p = g_bytes_get_data (rest, &dlen);
  g_byte_array_append (whole, p, dlen);
  return g_byte_array_free_to_bytes (whole);
}

static void
refuse (Job * job, PeerRec * rec, gint64 until)
{
  gint64 *t = g_new (gint64, 1);

  *t = until;
  g_hash_table_insert (job->refused, rec, t);
}

static gboolean
is_refused (Job * job, PeerRec * rec, gint64 t)
{
  gint64 *until = g_hash_table_lookup (job->refused, rec);

  return until && *until > t;
}

/* The whole segment is here: into the cache, then to every consumer. */
/* Whether the checks let bytes through (@verdict of ops.check); proven
 * bytes also settle the segment's size. */
static gboolean
check_passed (P2pScheduler * s, gint64 segment_id, GBytes * data,
    P2pSchedCheck verdict)
{
  if (verdict == P2P_SCHED_CHECK_VERIFIED)
    p2p_size_book_set_good (s->sizes, segment_id, g_bytes_get_size (data));
  return verdict == P2P_SCHED_CHECK_OK || verdict == P2P_SCHED_CHECK_VERIFIED;
}

static void
job_complete (P2pScheduler * s, Job * job, GBytes * data, P2pJobSource src)
{
  gint64 t = now (s);

  job_unlink (s, job);
  learn_size (s, g_bytes_get_size (data));
  /* peers disagree on its size and nothing settled it: played, not
   * passed on, so that a liar's copy does not spread */
  if (src == P2P_JOB_SOURCE_SHARED
      || !p2p_size_book_is_disputed (s->sizes, job->id))
    s->ops.store (job->id, data, s->user_data);
  if (job->consumers->len) {
    p2p_playback_model_delivered (s->model, t, job->duration,
        g_bytes_get_size (data), t - job->asked);
  } else {
    s->counters.prefetches++;
  }
  for (guint i = 0; i < job->consumers->len; i++)
    s->cops.deliver (g_ptr_array_index (job->consumers, i), data, src);
  job_free (job);
}

/* Hands the job to HTTP: its first consumer fetches, the others wait for
 * that fetch.  A job nobody waits for just ends. */
static void
job_go_http (P2pScheduler * s, Job * job)
{
  gpointer lead;

  if (job->consumers->len == 0) {
    job_unlink (s, job);
    job_free (job);
    return;
  }
  if (job->partial) {
    job->state = JOB_RANGE;
    job->token = ++s->next_token;
    if (s->cops.fetch_range (g_ptr_array_index (job->consumers, 0), job->id,
            partial_size (job), job->token))
      return;
    g_clear_pointer (&job->partial, g_bytes_unref);
  }
  job->state = JOB_HTTP;
  s->own_http_id = MAX (s->own_http_id, job->id);
  lead = g_ptr_array_steal_index (job->consumers, 0);
  /* the call may end the job at once (a cancelled fetch): nothing after */
  s->cops.go_http (lead, job->peers_tried);
}

/* --- peers --------------------------------------------------------------- */

static gboolean
peer_usable (P2pScheduler * s, PeerRec * rec)
{
  return s->ops.peer_is_open (rec->handle, s->user_data);
}

static guint
open_peer_count (P2pScheduler * s)
{
  GHashTableIter it;
  PeerRec *rec;
  guint n = 0;

  g_hash_table_iter_init (&it, s->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec))
    n += peer_usable (s, rec);
  return n;
}

static gboolean
start_peer (P2pScheduler * s, Job * job, PeerRec * rec)
{
  gint64 t = now (s);

  if (!s->ops.peer_request (rec->handle, job->id, partial_size (job),
          s->user_data)) {
    refuse (job, rec, t + ABSENT_RETRY_US);
    return FALSE;
  }
  job->state = JOB_PEER;
  job->peer = rec;
  rec->job = job;
  job->started = t;
  job->first_byte = -1;
  job->received = partial_size (job);
  if (!job->partial)
    job->total = -1;
  job->peers_tried = TRUE;
  return TRUE;
}

/* Neighbours that take part in electing who fetches @id from the origin:
 * those current with the stream (they hold the segment before it, or are
 * fetching this one); all open ones when none is. */
static guint
election_rank (P2pScheduler * s, gint64 id)
{
  GHashTableIter it;
  PeerRec *rec;
  GPtrArray *current = g_ptr_array_new (), *open = g_ptr_array_new ();
  gint64 step = s->model->id_step > 0 ? s->model->id_step : 1;
  GPtrArray *voters;
  guint rank;

  g_hash_table_iter_init (&it, s->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec)) {
    if (!peer_usable (s, rec))
      continue;
    g_ptr_array_add (open, rec->name);
    if (s->ops.peer_has (rec->handle, id - step, s->user_data)
        || s->ops.peer_is_loading (rec->handle, id, s->user_data))
      g_ptr_array_add (current, rec->name);
  }
  voters = current->len ? current : open;
  rank = p2p_sched_election_rank (s->self_id,
      (const gchar * const *) voters->pdata, voters->len, id);
  g_ptr_array_unref (current);
  g_ptr_array_unref (open);
  return rank;
}

/* Whoever fetched the segment before @id from the origin fetches @id too.
 * The first to ask for a new live segment is usually the same viewer, the
 * one whose playlist refresh comes first after the origin publishes; the
 * others wait for it rather than each ask the origin before its
 * announcement reaches them (it queues behind uploads on a slow uplink).
 * Returns 0 when we are that fetcher (the best ranked of them if several
 * were), 1 when a neighbour is, -1 when nobody is known. */
static gint
previous_fetcher (P2pScheduler * s, gint64 id)
{
  GHashTableIter it;
  PeerRec *rec;
  gint64 prev = id - (s->model->id_step > 0 ? s->model->id_step : 1);
  GPtrArray *others = g_ptr_array_new ();
  gint who = -1;

  g_hash_table_iter_init (&it, s->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec))
    if (peer_usable (s, rec) && rec->http_id >= prev)
      g_ptr_array_add (others, rec->name);
  if (s->own_http_id >= prev)
    who = p2p_sched_election_rank (s->self_id,
        (const gchar * const *) others->pdata, others->len, id) == 0 ? 0 : 1;
  else if (others->len)
    who = 1;
  g_ptr_array_unref (others);
  return who;
}

/* When the job stops waiting for peers and goes to HTTP (<= now: at once). */
static gint64
wait_limit (P2pScheduler * s, Job * job, gint64 t, gboolean holder_busy)
{
  GHashTableIter it;
  PeerRec *rec;
  gint64 http_est = p2p_http_stats_estimate_us (&s->http, job_size (s, job));
  gboolean loading = FALSE;
  guint rank;
  gint fetcher;

  g_hash_table_iter_init (&it, s->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec))
    if (peer_usable (s, rec)
        && s->ops.peer_is_loading (rec->handle, job->id, s->user_data))
      loading = TRUE;
  /* someone holds it or fetches it now: worth waiting while HTTP could
   * still make the deadline */
  if (holder_busy || loading
      || (s->ops.peers_expected && s->ops.peers_expected (s->user_data))) {
    GST_DEBUG ("segment %" G_GINT64_FORMAT ": waits (holder busy %d, a peer "
        "loading it %d)", job->id, holder_busy, loading);
    return job->deadline - http_est - P2P_SCHED_MARGIN_US;
  }
  fetcher = previous_fetcher (s, job->id);
  if (fetcher >= 0) {
    GST_DEBUG ("segment %" G_GINT64_FORMAT ": %s fetched the one before",
        job->id, fetcher == 0 ? "we" : "a neighbour");
    return fetcher == 0 ? t :
        job->deadline - http_est - P2P_SCHED_MARGIN_US;
  }
  rank = election_rank (s, job->id);
  GST_DEBUG ("segment %" G_GINT64_FORMAT ": election rank %u", job->id, rank);
  return p2p_sched_backup_time (job->asked, job->deadline, http_est, rank);
}

/* Starts the holder best placed to send @size bytes of @job by @deadline.
 * @holder_busy (may be NULL) is set when holders exist that are busy,
 * refused, or too slow for it.  FALSE when none was started. */
static gboolean
start_holder (P2pScheduler * s, Job * job, gsize size, gint64 deadline,
    gboolean * holder_busy)
{
  GHashTableIter it;
  PeerRec *rec;
  GArray *cands = g_array_new (FALSE, FALSE, sizeof (P2pSchedCandidate));
  gint64 t = now (s);
  gboolean busy = FALSE, started = FALSE;

  g_hash_table_iter_init (&it, s->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec)) {
    P2pSchedCandidate c = { rec, &rec->stats };

    if (!peer_usable (s, rec)
        || !s->ops.peer_has (rec->handle, job->id, s->user_data))
      continue;
    if (rec->job || rec->busy_until > t || is_refused (job, rec, t)
        || (job->absents >= STRUGGLING_MAX_ABSENTS && job->consumers->len
            && p2p_scheduler_struggling (s))) {
      busy = TRUE;
      continue;
    }
    g_array_append_val (cands, c);
  }
  while (cands->len && !started) {
    gint i = p2p_sched_pick_peer ((P2pSchedCandidate *) cands->data,
        cands->len, size, t, deadline, s->rand);

    if (i < 0) {
      /* holders exist, just not fast enough for this deadline */
      busy = busy || job->consumers->len == 0;
      break;
    }
    rec = g_array_index (cands, P2pSchedCandidate, i).handle;
    GST_DEBUG ("segment %" G_GINT64_FORMAT ": from peer %s (%u candidates, "
        "from byte %" G_GSIZE_FORMAT ", due in %" G_GINT64_FORMAT " ms)",
        job->id, rec->name, cands->len, partial_size (job),
        (deadline - t) / 1000);
    started = start_peer (s, job, rec);
    if (!started)
      g_array_remove_index_fast (cands, i);
  }
  g_array_unref (cands);
  if (holder_busy)
    *holder_busy = busy;
  return started;
}

static void
decide (P2pScheduler * s, Job * job)
{
  gint64 t = now (s);
  gboolean holder_busy = FALSE;
  gint64 deadline, limit;

  if (job->state != JOB_NEW && job->state != JOB_WAITING)
    return;
  /* a prefetch decided again (its peer failed) meets the prefetch rules
   * again: the player may have switched rendition, or be struggling */
  if (job->consumers->len == 0 && !prefetch_allowed (s)) {
    job_unlink (s, job);
    job_free (job);
    return;
  }
  deadline = job->consumers->len ? job->deadline : NO_DEADLINE;

  if (start_holder (s, job, job_size (s, job), deadline, &holder_busy))
    return;

  if (job->consumers->len == 0) {
    /* a prefetch that no peer can serve now */
    job_unlink (s, job);
    job_free (job);
    return;
  }
  limit = wait_limit (s, job, t, holder_busy);
  GST_DEBUG ("segment %" G_GINT64_FORMAT ": no peer in time (%u peers, "
      "holder busy %d, due in %" G_GINT64_FORMAT " ms): %s %" G_GINT64_FORMAT
      " ms", job->id, g_hash_table_size (s->peers), holder_busy,
      (job->deadline - t) / 1000, limit > t ? "wait" : "HTTP after",
      MAX (limit - t, 0) / 1000);
  if (limit > t) {
    job->state = JOB_WAITING;
    job->wait_until = limit;
    reschedule (s);
    return;
  }
  if (job->state == JOB_WAITING)
    s->counters.backup_http++;
  else if (open_peer_count (s) > 0)
    s->counters.elected_http++;
  job_go_http (s, job);
}

/* Another holder that can send the rest in time goes on from the byte the
 * job reached (the protocol's b), so the origin serves none of it. */
static gboolean
resume_from_peer (P2pScheduler * s, Job * job)
{
  if (!job->partial || job->total <= 0
      || !start_holder (s, job, job->total - partial_size (job),
          job->consumers->len ? job->deadline : NO_DEADLINE, NULL))
    return FALSE;
  s->counters.resumes++;
  return TRUE;
}

/* The peer is too slow for the deadline: the rest comes from the byte it
 * reached, from another peer that can make it, else over HTTP.  @strike:
 * it is worse than slow (it sent nothing, or trickles). */
static void
hand_over (P2pScheduler * s, Job * job, gboolean strike)
{
  PeerRec *rec = job->peer;
  gsize from = partial_size (job);
  GBytes *got;
  gint64 t = now (s);

  job->peer = NULL;
  rec->job = NULL;
  /* slow is not broken (its uplink may be shared, or busy with others):
   * no strike, but its measured pace falls, so urgent segments go to
   * faster ones next time */
  p2p_peer_stats_add_transfer (&rec->stats, job->received - from,
      job->started, job->first_byte >= 0 ? job->first_byte : t, t);
  if (strike)
    p2p_peer_stats_add_strike (&rec->stats, t);
  refuse (job, rec, NO_DEADLINE);
  s->counters.handovers++;
  GST_DEBUG ("segment %" G_GINT64_FORMAT ": peer %s too slow (%" G_GINT64_FORMAT
      " of %" G_GINT64_FORMAT " bytes), handing over", job->id, rec->name,
      job->received, job->total);
  job->state = JOB_NEW;
  got = s->ops.peer_cancel (rec->handle, s->user_data);
  if (got && g_bytes_get_size (got) > 0 && job->total > 0
      && (gint64) (from + g_bytes_get_size (got)) < job->total) {
    GBytes *joined = job->partial ? join_partial (job, got) :
        g_bytes_ref (got);

    g_clear_pointer (&job->partial, g_bytes_unref);
    job->partial = joined;
  }
  g_clear_pointer (&got, g_bytes_unref);
  if (!resume_from_peer (s, job))
    job_go_http (s, job);
}

static void
check_transfer (P2pScheduler * s, Job * job)
{
  gint64 t = now (s);
  gint64 total = job->total > 0 ? job->total : (gint64) job_size (s, job);
  gint64 http_left, elapsed = t - job->started;
  /* this peer's transfer: from the byte it was asked for */
  gint64 from = partial_size (job), got = job->received - from;

  if (job->state != JOB_PEER)
    return;
  /* (no bytes at all is the peer's no-bytes timer's to catch) */
  if (elapsed >= P2P_SCHED_TRICKLE_OBSERVED_US && got > 0
      && got < elapsed * (gdouble) P2P_SCHED_MIN_PEER_RATE / G_USEC_PER_SEC) {
    hand_over (s, job, TRUE);
    return;
  }
  if (job->consumers->len == 0)
    return;
  http_left = p2p_http_stats_estimate_us (&s->http, total - job->received);
  /* not a byte in all the time it had is not slow: it announced what it
   * does not send (three such and it is dropped) */
  if (p2p_sched_should_hand_over (t, job->deadline, job->started, got,
          total - from, p2p_peer_stats_get_rate (&job->peer->stats),
          http_left))
    hand_over (s, job, got == 0);
}

/* --- public -------------------------------------------------------------- */

P2pScheduler *
p2p_scheduler_new (const gchar * self_id, const P2pSchedulerOps * ops,
    const P2pConsumerOps * consumer_ops, gpointer user_data)
{
  P2pScheduler *s = g_new0 (P2pScheduler, 1);

  s->self_id = g_strdup (self_id);
  s->ops = *ops;
  s->cops = *consumer_ops;
  s->user_data = user_data;
  s->peers = g_hash_table_new (NULL, NULL);
  s->jobs = g_hash_table_new (g_int64_hash, g_int64_equal);
  s->sizes = p2p_size_book_new ();
  p2p_playback_model_init (&s->own_model);
  s->model = &s->own_model;
  p2p_http_stats_init (&s->http);
  s->rand = g_rand_new ();
  s->prefetch = TRUE;
  s->own_http_id = G_MININT64;
  s->own_last_id = -1;
  return s;
}

void
p2p_scheduler_free (P2pScheduler * s)
{
  GHashTableIter it;
  PeerRec *rec;
  GList *jobs = g_hash_table_get_values (s->jobs);

  for (GList * l = jobs; l; l = l->next) {
    Job *job = l->data;

    job_unlink (s, job);
    for (guint i = 0; i < job->consumers->len; i++)
      s->cops.go_http (g_ptr_array_index (job->consumers, i),
          job->peers_tried);
    job_free (job);
  }
  g_list_free (jobs);
  s->ops.wake_at (-1, s->user_data);
  g_hash_table_iter_init (&it, s->peers);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec)) {
    g_free (rec->name);
    g_free (rec);
  }
  g_hash_table_destroy (s->peers);
  g_hash_table_destroy (s->jobs);
  g_rand_free (s->rand);
  g_free (s->self_id);
  p2p_size_book_free (s->sizes);
  g_free (s);
}

void
p2p_scheduler_set_seed (P2pScheduler * s, guint32 seed)
{
  g_rand_set_seed (s->rand, seed);
}

void
p2p_scheduler_set_playback_model (P2pScheduler * s, P2pPlaybackModel * model)
{
  s->model = model ? model : &s->own_model;
}

gboolean
p2p_scheduler_struggling (P2pScheduler * s)
{
  return p2p_playback_model_struggling (s->model, s->bandwidth);
}

void
p2p_scheduler_set_bandwidth (P2pScheduler * s, guint64 bandwidth)
{
  s->bandwidth = bandwidth;
}

void
p2p_scheduler_set_prefetch (P2pScheduler * s, gboolean prefetch)
{
  s->prefetch = prefetch;
}

const P2pSchedulerCounters *
p2p_scheduler_get_counters (P2pScheduler * s)
{
  return &s->counters;
}

void
p2p_scheduler_add_peer (P2pScheduler * s, gpointer peer, const gchar * name)
{
  PeerRec *rec;

  if (g_hash_table_contains (s->peers, peer))
    return;
  rec = g_new0 (PeerRec, 1);
  rec->http_id = G_MININT64;
  rec->handle = peer;
  rec->name = g_strdup (name);
  p2p_peer_stats_init (&rec->stats);
  g_hash_table_insert (s->peers, peer, rec);
}

static void
redecide_waiting (P2pScheduler * s)
{
  GList *ids = g_hash_table_get_keys (s->jobs);

  for (GList * l = ids; l; l = l->next) {
    Job *job = g_hash_table_lookup (s->jobs, l->data);

    if (job && job->state == JOB_WAITING)
      decide (s, job);
  }
  g_list_free (ids);
}

void
p2p_scheduler_remove_peer (P2pScheduler * s, gpointer peer)
{
  PeerRec *rec = g_hash_table_lookup (s->peers, peer);
  GHashTableIter it;
  Job *job, *orphan;

  if (!rec)
    return;
  g_hash_table_remove (s->peers, peer);
  g_hash_table_iter_init (&it, s->jobs);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & job))
    g_hash_table_remove (job->refused, rec);
  orphan = rec->job;
  g_free (rec->name);
  g_free (rec);
  if (orphan) {
    orphan->peer = NULL;
    orphan->state = JOB_NEW;
    decide (s, orphan);
  }
  /* jobs waiting for it (the only holder, the elected) decide again now */
  redecide_waiting (s);
  reschedule (s);
}

P2pPeerStats *
p2p_scheduler_get_peer_stats (P2pScheduler * s, gpointer peer)
{
  PeerRec *rec = g_hash_table_lookup (s->peers, peer);

  return rec ? &rec->stats : NULL;
}

/* Jobs that wait re-decide: the peer may now hold what they need. */
void
p2p_scheduler_peer_announced (P2pScheduler * s, gpointer peer)
{
  PeerRec *rec = g_hash_table_lookup (s->peers, peer);
  gint64 step = s->model->id_step > 0 ? s->model->id_step : 1;

  /* which recent segment it fetches from the origin, if any (nothing on
   * the wire says who fetched before, only who fetches now) */
  if (rec && s->model->last_id >= 0)
    for (gint64 id = s->model->last_id - 2 * step;
        id <= s->model->last_id + 3 * step; id += step)
      if (s->ops.peer_is_loading (rec->handle, id, s->user_data)
          && id > rec->http_id) {
        GST_DEBUG ("peer %s fetches segment %" G_GINT64_FORMAT
            " from the origin", rec->name, id);
        rec->http_id = id;
      }
  redecide_waiting (s);
  try_prefetch (s);
  reschedule (s);
}

gboolean
p2p_scheduler_peer_progress (P2pScheduler * s, gpointer peer,
    gint64 segment_id, gint64 received, gint64 total)
{
  PeerRec *rec = g_hash_table_lookup (s->peers, peer);
  Job *job = rec ? rec->job : NULL;
  gint64 from, whole;

  if (!job || job->id != segment_id)
    return TRUE;
  /* asked from byte b, it counts what follows b */
  from = partial_size (job);
  whole = total > 0 ? from + total : -1;
  if (whole > 0 && ((job->expected_size > 0 && whole != job->expected_size)
          || (from > 0 && job->total > 0 && whole != job->total)))
    return FALSE;
  if (whole > 0 && job->total != whole
      && p2p_size_book_declare (s->sizes, segment_id, whole) ==
      P2P_SIZE_WRONG)
    return FALSE;
  if (received > 0 && job->first_byte < 0)
    job->first_byte = now (s);
  job->received = from + received;
  if (whole > 0)
    job->total = whole;
  check_transfer (s, job);
  return TRUE;
}

P2pSchedCheck
p2p_scheduler_peer_done (P2pScheduler * s, gpointer peer, gint64 segment_id,
    GBytes * data, gboolean strike)
{
  PeerRec *rec = g_hash_table_lookup (s->peers, peer);
  Job *job = rec ? rec->job : NULL;
  gint64 t = now (s);
  P2pSchedCheck verdict = P2P_SCHED_CHECK_OK;
  GBytes *whole = NULL;
  gboolean joined = FALSE;

  if (!job || job->id != segment_id)
    return P2P_SCHED_CHECK_OK;
  job->peer = NULL;
  rec->job = NULL;
  job->state = JOB_NEW;
  if (data) {
    joined = job->partial != NULL;
    whole = joined ? join_partial (job, data) : g_bytes_ref (data);
    verdict = s->ops.check (segment_id, whole, job->expected_size,
        s->user_data);
  }
  if (data && check_passed (s, segment_id, whole, verdict)) {
    p2p_peer_stats_add_transfer (&rec->stats, g_bytes_get_size (data),
        job->started, job->first_byte >= 0 ? job->first_byte : t, t);
    job_complete (s, job, whole, P2P_JOB_SOURCE_PEER);
  } else {
    gboolean blamed = strike || verdict == P2P_SCHED_CHECK_WRONG;

    /* wrong once joined to another peer's start: either may have lied, so
     * nobody is banned for it; both have a strike (the other one's came
     * with its hand-over), and the segment starts again from byte 0 */
    if (joined && verdict == P2P_SCHED_CHECK_WRONG) {
      verdict = P2P_SCHED_CHECK_UNVERIFIED;
      g_clear_pointer (&job->partial, g_bytes_unref);
    }

    /* a stall measures it too: a peer that sends nothing is not asked
     * again as if it were new */
    if (strike && !data)
      p2p_peer_stats_add_transfer (&rec->stats,
          job->received - partial_size (job), job->started,
          job->first_byte >= 0 ? job->first_byte : t, t);
    if (blamed)
      p2p_peer_stats_add_strike (&rec->stats, t);
    /* absent: it holds it but is busy uploading (or lost it), for every
     * job a little while; failed or unverifiable: not for this segment */
    if (data || strike) {
      refuse (job, rec, NO_DEADLINE);
    } else {
      rec->busy_until = t + ABSENT_RETRY_US;
      job->absents++;
    }
    /* what it holds cannot be checked yet: not asked again (a prefetch
     * would, at once) before the checks may know more */
    if (verdict == P2P_SCHED_CHECK_UNVERIFIED)
      rec->busy_until = t + UNVERIFIED_RETRY_US;
    decide (s, job);
  }
  if (whole)
    g_bytes_unref (whole);
  try_prefetch (s);
  reschedule (s);
  return verdict;
}

void
p2p_scheduler_fetch (P2pScheduler * s, gint64 segment_id, gdouble duration,
    gint64 expected_size, gpointer consumer)
{
  gint64 t = now (s);
  Job *job = g_hash_table_lookup (s->jobs, &segment_id);
  gint64 deadline;

  p2p_playback_model_request (s->model, t, segment_id);
  s->own_last_id = segment_id;
  if (!job)
    job = job_new (s, segment_id, duration, expected_size);
  if (job->expected_size < 0)
    job->expected_size = expected_size;
  p2p_size_book_set_good (s->sizes, segment_id, expected_size);
  job->duration = MAX (job->duration, duration);
  /* the player needs it when its buffer runs out; never sooner than HTTP
   * could bring it (startup and seeks), so that a peer faster than the
   * origin may still serve them */
  deadline = p2p_playback_model_deadline (s->model, t, 0);
  /* the demuxer measures its bandwidth over the whole request, our wait
   * included: a request slower than its recent history allows makes it
   * switch down, whatever the buffer (without a declared bandwidth, a share
   * of the duration) */
  if (s->bandwidth > 0) {
    gint64 budget = p2p_playback_model_abr_budget_us (s->model,
        job_size (s, job), s->bandwidth);

    if (budget >= 0)
      deadline = MIN (deadline, t + budget);
  } else if (duration > 0) {
    deadline = MIN (deadline, t + (gint64) (duration * P2P_SCHED_ABR_BUDGET *
            G_USEC_PER_SEC));
  }
  /* the model starts playback at the first delivery, while a player
   * prerolls for a while after it: one the model sees with no buffer (at
   * the very start of a live stream) still holds part of a segment */
  deadline = MAX (deadline, t + (gint64) (MAX (duration, 0) *
          P2P_SCHED_MIN_DEADLINE_SHARE * G_USEC_PER_SEC));
  deadline = MAX (deadline,
      t + p2p_http_stats_estimate_us (&s->http, job_size (s, job)));
  job->deadline = job->consumers->len ? MIN (job->deadline, deadline) :
      deadline;
  if (job->consumers->len == 0)
    job->asked = t;
  g_ptr_array_add (job->consumers, consumer);
  if (job->state == JOB_NEW || job->state == JOB_WAITING)
    decide (s, job);
  else if (job->state == JOB_PEER)
    check_transfer (s, job);
  try_prefetch (s);
  reschedule (s);
}

void
p2p_scheduler_served (P2pScheduler * s, gint64 segment_id, gdouble duration)
{
  gint64 t = now (s);

  p2p_playback_model_request (s->model, t, segment_id);
  s->own_last_id = segment_id;
  p2p_playback_model_delivered (s->model, t, duration, 0, 0);
  try_prefetch (s);
  reschedule (s);
}

void
p2p_scheduler_http_done (P2pScheduler * s, gint64 segment_id, GBytes * data,
    gint64 requested, gint64 first_byte, gint64 done)
{
  Job *job = g_hash_table_lookup (s->jobs, &segment_id);

  if (data && requested >= 0 && first_byte >= 0 && done >= 0)
    p2p_http_stats_add (&s->http, g_bytes_get_size (data), requested,
        first_byte, done);
  if (data) {
    learn_size (s, g_bytes_get_size (data));
    p2p_size_book_set_good (s->sizes, segment_id, g_bytes_get_size (data));
  }
  if (!job || job->state != JOB_HTTP)
    return;
  job_unlink (s, job);
  if (data)
    p2p_playback_model_delivered (s->model, now (s), job->duration,
        g_bytes_get_size (data), now (s) - job->asked);
  for (guint i = 0; i < job->consumers->len; i++) {
    gpointer c = g_ptr_array_index (job->consumers, i);

    if (data)
      s->cops.deliver (c, data, P2P_JOB_SOURCE_SHARED);
    else
      s->cops.go_http (c, job->peers_tried);
  }
  job_free (job);
  reschedule (s);
}

void
p2p_scheduler_range_done (P2pScheduler * s, gint64 segment_id, guint token,
    GBytes * data)
{
  Job *job = g_hash_table_lookup (s->jobs, &segment_id);
  GBytes *bytes;

  if (!job || job->state != JOB_RANGE || job->token != token)
    return;
  if (!data) {
    g_clear_pointer (&job->partial, g_bytes_unref);
    job_go_http (s, job);
    reschedule (s);
    return;
  }
  bytes = join_partial (job, data);
  g_clear_pointer (&job->partial, g_bytes_unref);
  if ((job->total < 0 || (gint64) g_bytes_get_size (bytes) == job->total)
      && check_passed (s, segment_id, bytes, s->ops.check (segment_id, bytes,
              job->expected_size, s->user_data)))
    job_complete (s, job, bytes, P2P_JOB_SOURCE_MIXED);
  else
    job_go_http (s, job);
  g_bytes_unref (bytes);
  reschedule (s);
}

void
p2p_scheduler_tick (P2pScheduler * s)
{
  GList *ids = g_hash_table_get_keys (s->jobs);
  gint64 t = now (s);

  for (GList * l = ids; l; l = l->next) {
    Job *job = g_hash_table_lookup (s->jobs, l->data);

    if (!job)
      continue;
    if (job->state == JOB_WAITING && t >= job->wait_until)
      decide (s, job);
    else if (job->state == JOB_PEER)
      check_transfer (s, job);
  }
  g_list_free (ids);
  reschedule (s);
}

static void
reschedule (P2pScheduler * s)
{
  GHashTableIter it;
  Job *job;
  gint64 next = G_MAXINT64;
  gint64 t = now (s);

  g_hash_table_iter_init (&it, s->jobs);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & job)) {
    if (job->state == JOB_WAITING)
      next = MIN (next, job->wait_until);
    else if (job->state == JOB_PEER)
      next = MIN (next, t + CHECK_INTERVAL_US);
  }
  s->ops.wake_at (next == G_MAXINT64 ? -1 : MAX (next, t), s->user_data);
}

/* Segments just ahead of the playhead that peers hold come into the cache
 * before the player asks, the rarest first. */
static gboolean
prefetch_allowed (P2pScheduler * s)
{
  if (!s->prefetch || s->model->last_id < 0)
    return FALSE;
  /* the renditions of a stream share the model: after an ABR switch the
   * swarm the player left would fetch segments nobody plays, on the very
   * downlink that made it switch (ids are the same across renditions) */
  if (s->own_last_id != s->model->last_id)
    return FALSE;
  if (p2p_playback_model_buffer_us (s->model, now (s)) <
      PREFETCH_MIN_BUFFER_US)
    return FALSE;
  /* a player whose downlink barely carries its rendition needs all of it */
  return !p2p_scheduler_struggling (s);
}

static void
try_prefetch (P2pScheduler * s)
{
  GHashTableIter it;
  Job *job;
  PeerRec *rec;
  guint running = 0;
  gint64 step = s->model->id_step > 0 ? s->model->id_step : 1;
  gint64 ids[PREFETCH_AHEAD];
  guint holders[PREFETCH_AHEAD];
  gboolean done[PREFETCH_AHEAD] = { FALSE, };

  if (!prefetch_allowed (s))
    return;
  g_hash_table_iter_init (&it, s->jobs);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & job))
    running += job->state == JOB_PEER && job->consumers->len == 0;

  for (guint i = 0; i < PREFETCH_AHEAD; i++)
    ids[i] = s->model->last_id + (i + 1) * step;
  while (running < PREFETCH_MAX_DOWNLOADS) {
    gint pick;

    for (guint i = 0; i < PREFETCH_AHEAD; i++) {
      holders[i] = 0;
      if (done[i] || g_hash_table_contains (s->jobs, &ids[i])
          || s->ops.have (ids[i], s->user_data))
        continue;
      g_hash_table_iter_init (&it, s->peers);
      while (g_hash_table_iter_next (&it, NULL, (gpointer *) & rec))
        holders[i] += peer_usable (s, rec) && !rec->job
            && rec->busy_until <= now (s)
            && s->ops.peer_has (rec->handle, ids[i], s->user_data);
    }
    for (guint i = 0; i < PREFETCH_AHEAD; i++)
      if (holders[i] < PREFETCH_MIN_HOLDERS)
        holders[i] = 0;
    pick = p2p_sched_pick_prefetch (ids, holders, PREFETCH_AHEAD);
    if (pick < 0)
      return;
    done[pick] = TRUE;
    job = job_new (s, ids[pick], 0, -1);
    decide (s, job);
    if (g_hash_table_lookup (s->jobs, &ids[pick]) == job
        && job->state == JOB_PEER)
      running++;
  }
}

gint64
p2p_scheduler_get_buffer_us (P2pScheduler * s)
{
  return p2p_playback_model_buffer_us (s->model, now (s));
}

guint
p2p_scheduler_get_job_count (P2pScheduler * s)
{
  return g_hash_table_size (s->jobs);
}
