/* gst-p2pcdn simulation: a live swarm driven by the real scheduler.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Model, in brief:
 *  - segment k of the live stream is complete at the origin at
 *    (k - FIRST_SEGMENT) * segment_s; a player learns of it at its next
 *    playlist refresh (every segment_s, the phase set by when it joined);
 *  - a player starts start_behind segments from the end of the playlist,
 *    asks for one segment at a time, the next once the previous arrived and
 *    its buffer is below buffer_segments; playback starts with the first
 *    segment and runs in real time, a stall being an empty buffer;
 *  - a peer transfer goes at the sender's uplink shared among its running
 *    uploads (at most max_uploads, beyond that the answer is "absent"),
 *    capped by the receiver's downlink, with progress every 100 ms;
 *  - the origin answers after origin_latency_ms at the receiver's downlink;
 *  - what a peer holds or fetches over HTTP reaches its neighbours'
 *    schedulers signal_delay_ms later;
 *  - peer handles are link ids, not addresses, so that the schedulers'
 *    hash tables iterate alike from run to run: a run depends on its seed.
 */
#include "sim-swarm.h"

#include <math.h>
#include <string.h>

#include "p2p-scheduler.h"
#include "sim-heap.h"

#define MS 1000
#define SEC G_USEC_PER_SEC
/* The id of the segment complete at the origin at time 0: the stream ran
 * before the simulation, so the first players find a full playlist. */
#define FIRST_SEGMENT 10
#define PROGRESS_US (100 * MS)
/* A player that joined this long before the end should have started. */
#define START_GRACE_US (10 * SEC)

enum {
  EV_JOIN,
  EV_LINK_OPEN,
  EV_PLAYLIST,
  EV_PLAYER,
  EV_HTTP_DONE,
  EV_RANGE_DONE,
  EV_REQ_ARRIVE,
  EV_ABSENT,
  EV_XFER,
  EV_ANNOUNCE,
  EV_WAKE,
  EV_CHURN,
  EV_TRACKER,
};

typedef enum {
  XFER_PENDING,                 /* the request is on its way */
  XFER_ACTIVE,
  XFER_ABSENT,                  /* "absent" is on its way back */
  XFER_OVER,
} XferState;

typedef struct _SimWorld SimWorld;
typedef struct _SimPeer SimPeer;
typedef struct _SimLink SimLink;
typedef struct _SimXfer SimXfer;

/* One direction of a neighbour connection: what @owner's scheduler knows
 * as a peer. */
struct _SimLink
{
  guint id;                     /* the scheduler's handle */
  SimPeer *owner, *remote;
  SimLink *reverse;
  gboolean open;
  gboolean closed;
  SimXfer *xfer;                /* the download @owner runs from @remote */
};

struct _SimXfer
{
  SimLink *link;                /* the receiver's */
  gint64 seg;
  gsize from;                   /* asked from this byte on (b) */
  gsize size;                   /* what follows it */
  XferState state;
  gdouble received;
  gdouble rate;                 /* bytes/s */
  gint64 last;                  /* when received was brought up to date */
  gint64 next_progress;
  guint gen;                    /* bumped when its pending event is stale */
};

struct _SimPeer
{
  SimWorld *w;
  guint index;
  gchar *name;
  gboolean alive;
  guint alive_pos;
  gdouble uplink, downlink;     /* bytes/s */
  P2pScheduler *sched;
  GPtrArray *links;             /* SimLink*, open or opening */
  GPtrArray *uploads;           /* SimXfer* running */
  gint64 *cache_at;             /* by segment id: stored at, -1 not held */
  gint64 *load_start, *load_end;        /* HTTP fetches, -1 none */
  gint64 wake;                  /* the scheduler's armed wake-up, -1 none */
  /* the player */
  gint64 joined, left;
  gint64 edge;                  /* newest segment in its playlist */
  gint64 next_seg;
  gboolean outstanding;
  gboolean playing;
  gint64 first_at;
  gint64 play_base_t;           /* playhead at play_base_pos then */
  gdouble play_base_pos, buf_end;       /* media seconds */
  guint stalls;
  gdouble stalled_s;
};

typedef struct {
  SimPeer *peer;
  gint64 seg;
} SimReq;

typedef struct {
  SimPeer *peer;
  gint64 seg;
  gint64 requested, first_byte;
  gint64 offset;
  guint token;
} SimHttp;

struct _SimWorld
{
  const SimConfig *cfg;
  SimResult *res;
  SimHeap heap;
  gint64 now;
  gint64 end;
  GRand *rand;
  gint64 seg_us;
  gint64 n_segs;                /* ids 0 .. n_segs - 1 */
  GBytes **seg_data;
  gboolean *requested;
  GPtrArray *peers;             /* every SimPeer ever, freed at the end */
  GPtrArray *alive;
  GPtrArray *links;             /* by id - 1 */
  GPtrArray *garbage;           /* requests, transfers, fetches */
  gdouble startup_sum;
};

static const P2pSchedulerOps sim_ops;
static const P2pConsumerOps sim_consumer_ops;

static void player_step (SimPeer * p);

/* --- the stream --------------------------------------------------------- */

static gsize
seg_size (SimWorld * w, gint64 seg)
{
  /* within 10% of the nominal size, the same in every run */
  guint32 h = (guint32) seg * 2654435761u;
  gdouble f = 0.9 + 0.2 * ((h >> 8) & 0xffff) / 65535.0;

  return (gsize) (w->cfg->bitrate_kbps * 1000 / 8 * w->cfg->segment_s * f);
}

static GBytes *
seg_bytes (SimWorld * w, gint64 seg)
{
  if (!w->seg_data[seg]) {
    gsize size = seg_size (w, seg);
    guint8 *d = g_malloc (size);

    memset (d, (int) (seg & 0xff), size);
    w->seg_data[seg] = g_bytes_new_take (d, size);
  }
  return w->seg_data[seg];
}

static gint64
newest_segment (SimWorld * w, gint64 t)
{
  return MIN (FIRST_SEGMENT + t / w->seg_us, w->n_segs - 1);
}

static gboolean
valid_seg (SimWorld * w, gint64 seg)
{
  return seg >= 0 && seg < w->n_segs;
}

/* --- helpers ------------------------------------------------------------- */

static void
push (SimWorld * w, gint64 t, guint type, gpointer obj, gint64 arg, guint gen)
{
  sim_heap_push (&w->heap, t, type, obj, arg, gen);
}

static gpointer
handle_of (SimLink * l)
{
  return GUINT_TO_POINTER (l->id);
}

static SimLink *
link_of (SimWorld * w, gpointer handle)
{
  return g_ptr_array_index (w->links, GPOINTER_TO_UINT (handle) - 1);
}

static gint64
ms_to_us (gdouble ms)
{
  return (gint64) (ms * MS);
}

/* Tells the neighbours' schedulers that what @p holds or loads changed. */
static void
announce_later (SimPeer * p)
{
  push (p->w, p->w->now + ms_to_us (p->w->cfg->signal_delay_ms), EV_ANNOUNCE,
      p, 0, 0);
}

/* --- the player ---------------------------------------------------------- */

static gdouble
player_position (SimPeer * p, gint64 t)
{
  gdouble pos = p->play_base_pos + (t - p->play_base_t) / (gdouble) SEC;

  return MIN (pos, p->buf_end);
}

static gdouble
player_buffer (SimPeer * p, gint64 t)
{
  return p->playing ? p->buf_end - player_position (p, t) : 0;
}

/* A stall still open at @t (the end, or the peer leaving) counts. */
static void
player_close (SimPeer * p, gint64 t)
{
  gint64 dry;

  if (!p->playing)
    return;
  dry = p->play_base_t + (gint64) ((p->buf_end - p->play_base_pos) * SEC);
  if (t > dry) {
    p->stalls++;
    p->stalled_s += (t - dry) / (gdouble) SEC;
  }
}

typedef enum {
  SRC_PEER, SRC_MIXED, SRC_SHARED, SRC_HTTP, SRC_CACHE,
} DeliverySource;

/* The segment the player waits for arrived (no scheduler call here: this
 * runs inside the scheduler's callbacks). */
static void
player_delivered (SimPeer * p, gint64 seg, gsize size, DeliverySource src)
{
  SimWorld *w = p->w;
  gint64 t = w->now;

  if (!p->outstanding || seg != p->next_seg)
    g_error ("peer %s: segment %" G_GINT64_FORMAT " delivered, waiting for %"
        G_GINT64_FORMAT, p->name, seg, p->next_seg);
  if (!p->playing) {
    p->playing = TRUE;
    p->first_at = t;
    p->play_base_t = t;
    p->play_base_pos = p->buf_end = 0;
    w->res->players_started++;
    w->startup_sum += (t - p->joined) / (gdouble) SEC;
    w->res->startup_max_s = MAX (w->res->startup_max_s,
        (t - p->joined) / (gdouble) SEC);
  } else {
    gdouble pos = p->play_base_pos + (t - p->play_base_t) / (gdouble) SEC;

    if (pos >= p->buf_end) {
      /* ran dry: the stall lasted from then until now */
      player_close (p, t);
      p->play_base_t = t;
      p->play_base_pos = p->buf_end;
    }
  }
  p->buf_end += w->cfg->segment_s;
  w->res->delivered_bytes += size;
  switch (src) {
    case SRC_PEER:
      w->res->bytes_peer += size;
      break;
    case SRC_MIXED:
      w->res->bytes_mixed += size;
      break;
    case SRC_SHARED:
      w->res->bytes_shared += size;
      break;
    case SRC_HTTP:
      w->res->bytes_http += size;
      break;
    case SRC_CACHE:
      w->res->bytes_cache += size;
      break;
  }
  p->outstanding = FALSE;
  p->next_seg++;
  push (w, t, EV_PLAYER, p, 0, 0);
}

static void
player_step (SimPeer * p)
{
  SimWorld *w = p->w;
  const SimConfig *cfg = w->cfg;
  gint64 t = w->now;
  gint64 seg;
  SimReq *req;

  if (!p->alive || p->outstanding)
    return;
  /* fell out of the sliding window: hlsdemux jumps back in */
  if (p->next_seg < p->edge - (gint64) cfg->window + 1) {
    w->res->window_skips++;
    p->next_seg = p->edge - (gint64) cfg->start_behind + 1;
  }
  if (p->next_seg > p->edge)
    return;                     /* the next playlist refresh */
  if (p->playing) {
    gdouble buf = player_buffer (p, t);
    gdouble target = cfg->buffer_segments * cfg->segment_s;

    if (buf >= target) {
      push (w, t + (gint64) ((buf - target) * SEC) + MS, EV_PLAYER, p, 0, 0);
      return;
    }
  }
  seg = p->next_seg;
  p->outstanding = TRUE;
  w->requested[seg] = TRUE;
  if (p->cache_at[seg] >= 0) {
    /* prefetched */
    p2p_scheduler_served (p->sched, seg, cfg->segment_s);
    player_delivered (p, seg, seg_size (w, seg), SRC_CACHE);
    return;
  }
  req = g_new0 (SimReq, 1);
  req->peer = p;
  req->seg = seg;
  g_ptr_array_add (w->garbage, req);
  p2p_scheduler_fetch (p->sched, seg, cfg->segment_s, -1, req);
}

/* --- transfers between peers --------------------------------------------- */

static void
xfer_advance (SimXfer * x, gint64 t)
{
  x->received = MIN ((gdouble) x->size,
      x->received + x->rate * (t - x->last) / SEC);
  x->last = t;
}

static gint64
xfer_done_at (SimXfer * x)
{
  gdouble left = x->size - x->received;

  return x->last + (gint64) ceil (left / x->rate * SEC);
}

static void
xfer_schedule (SimWorld * w, SimXfer * x)
{
  push (w, MIN (x->next_progress, xfer_done_at (x)), EV_XFER, x, 0, x->gen);
}

/* The uplink of @p is shared equally by its running uploads. */
static void
reshare (SimPeer * p)
{
  SimWorld *w = p->w;
  guint n = p->uploads->len;

  for (guint i = 0; i < n; i++) {
    SimXfer *x = g_ptr_array_index (p->uploads, i);

    xfer_advance (x, w->now);
    x->rate = MIN (p->uplink / n, x->link->owner->downlink);
    x->gen++;
    xfer_schedule (w, x);
  }
}

/* Ends @x without telling the receiver's scheduler; returns the bytes it
 * got. */
static gsize
xfer_stop (SimXfer * x)
{
  SimWorld *w = x->link->owner->w;
  SimPeer *sender = x->link->remote;
  gsize got = 0;

  if (x->state == XFER_ACTIVE) {
    xfer_advance (x, w->now);
    got = (gsize) x->received;
    g_ptr_array_remove_fast (sender->uploads, x);
    x->state = XFER_OVER;
    if (sender->alive)
      reshare (sender);
  }
  x->state = XFER_OVER;
  x->gen++;
  if (x->link->xfer == x)
    x->link->xfer = NULL;
  return got;
}

static void
on_req_arrive (SimWorld * w, SimXfer * x)
{
  SimPeer *sender = x->link->remote;

  if (x->state != XFER_PENDING)
    return;
  if (!sender->alive)
    return;
  if (sender->cache_at[x->seg] < 0
      || sender->uploads->len >= w->cfg->max_uploads) {
    SimPeer *asker = x->link->owner;

    x->state = XFER_ABSENT;
    w->res->absent++;
    /* the asker's player does not wait for it: a prefetch */
    if (!asker->outstanding || asker->next_seg != x->seg)
      w->res->absent_prefetch++;
    push (w, w->now + ms_to_us (w->cfg->peer_latency_ms), EV_ABSENT, x, 0, 0);
    return;
  }
  x->state = XFER_ACTIVE;
  x->received = 0;
  x->rate = 1;
  x->last = w->now;
  x->next_progress = w->now + PROGRESS_US;
  g_ptr_array_add (sender->uploads, x);
  reshare (sender);
}

static void
on_absent (SimWorld * w, SimXfer * x)
{
  SimLink *l = x->link;

  if (x->state != XFER_ABSENT)
    return;
  x->state = XFER_OVER;
  if (l->xfer != x)
    return;
  l->xfer = NULL;
  p2p_scheduler_peer_done (l->owner->sched, handle_of (l), x->seg, NULL,
      FALSE);
}

static void
on_xfer (SimWorld * w, SimXfer * x, guint gen)
{
  SimLink *l = x->link;
  gint64 t = w->now;

  if (x->state != XFER_ACTIVE || gen != x->gen)
    return;
  if (t >= xfer_done_at (x)) {
    GBytes *rest = g_bytes_new_from_bytes (seg_bytes (w, x->seg), x->from,
        x->size);

    xfer_advance (x, t);
    x->received = x->size;
    x->state = XFER_OVER;
    g_ptr_array_remove_fast (l->remote->uploads, x);
    reshare (l->remote);
    l->xfer = NULL;
    p2p_scheduler_peer_done (l->owner->sched, handle_of (l), x->seg, rest,
        FALSE);
    g_bytes_unref (rest);
    return;
  }
  xfer_advance (x, t);
  if (t >= x->next_progress)
    x->next_progress += PROGRESS_US;
  x->gen++;
  xfer_schedule (w, x);
  /* may hand the transfer over (peer_cancel): after the re-arm */
  p2p_scheduler_peer_progress (l->owner->sched, handle_of (l), x->seg,
      (gint64) x->received, x->size);
}

/* --- the scheduler's ops ------------------------------------------------- */

static gint64
op_now (gpointer user_data)
{
  return ((SimPeer *) user_data)->w->now;
}

static void
op_wake_at (gint64 when, gpointer user_data)
{
  SimPeer *p = user_data;

  if (when == p->wake)
    return;
  p->wake = when;
  if (when >= 0)
    push (p->w, when, EV_WAKE, p, when, 0);
}

static gboolean
op_peer_is_open (gpointer peer, gpointer user_data)
{
  SimLink *l = link_of (((SimPeer *) user_data)->w, peer);

  return l->open && !l->closed;
}

static gboolean
op_peer_has (gpointer peer, gint64 seg, gpointer user_data)
{
  SimWorld *w = ((SimPeer *) user_data)->w;
  SimPeer *r = link_of (w, peer)->remote;

  /* as announced: what it stored a signalling delay ago */
  return valid_seg (w, seg) && r->cache_at[seg] >= 0
      && r->cache_at[seg] + ms_to_us (w->cfg->signal_delay_ms) <= w->now;
}

static gboolean
op_peer_is_loading (gpointer peer, gint64 seg, gpointer user_data)
{
  SimWorld *w = ((SimPeer *) user_data)->w;
  SimPeer *r = link_of (w, peer)->remote;
  gint64 delay = ms_to_us (w->cfg->signal_delay_ms);

  return valid_seg (w, seg) && r->load_start[seg] >= 0
      && r->load_start[seg] + delay <= w->now
      && (r->load_end[seg] < 0 || r->load_end[seg] + delay > w->now);
}

static gboolean
op_peer_request (gpointer peer, gint64 seg, gint64 byte_from,
    gpointer user_data)
{
  SimWorld *w = ((SimPeer *) user_data)->w;
  SimLink *l = link_of (w, peer);
  SimXfer *x;

  if (l->xfer || !l->open || l->closed || !valid_seg (w, seg))
    return FALSE;
  x = g_new0 (SimXfer, 1);
  x->link = l;
  x->seg = seg;
  x->from = MIN ((gsize) MAX (byte_from, 0), seg_size (w, seg));
  x->size = seg_size (w, seg) - x->from;
  x->state = XFER_PENDING;
  l->xfer = x;
  g_ptr_array_add (w->garbage, x);
  w->res->peer_requests++;
  push (w, w->now + ms_to_us (w->cfg->peer_latency_ms), EV_REQ_ARRIVE, x, 0,
      0);
  return TRUE;
}

static GBytes *
op_peer_cancel (gpointer peer, gpointer user_data)
{
  SimWorld *w = ((SimPeer *) user_data)->w;
  SimLink *l = link_of (w, peer);
  SimXfer *x = l->xfer;
  gsize got;

  if (!x)
    return NULL;
  w->res->cancels++;
  got = xfer_stop (x);
  return got > 0 ?
      g_bytes_new_from_bytes (seg_bytes (w, x->seg), x->from, got) :
      NULL;
}

static gboolean
op_have (gint64 seg, gpointer user_data)
{
  SimPeer *p = user_data;

  return valid_seg (p->w, seg) && p->cache_at[seg] >= 0;
}

static P2pSchedCheck
op_check (gint64 seg, GBytes * data, gint64 expected_size, gpointer user_data)
{
  SimPeer *p = user_data;

  /* a wrongly assembled segment is the simulator's bug, or the
   * scheduler's: stop there */
  if (g_bytes_get_size (data) != seg_size (p->w, seg))
    g_error ("peer %s: segment %" G_GINT64_FORMAT " assembled with %"
        G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT, p->name, seg,
        g_bytes_get_size (data), seg_size (p->w, seg));
  return P2P_SCHED_CHECK_OK;
}

static void
op_store (gint64 seg, GBytes * data, gpointer user_data)
{
  SimPeer *p = user_data;

  if (!valid_seg (p->w, seg) || p->cache_at[seg] >= 0)
    return;
  p->cache_at[seg] = p->w->now;
  announce_later (p);
}

static gboolean
op_peers_expected (gpointer user_data)
{
  return FALSE;
}

static const P2pSchedulerOps sim_ops = {
  op_now, op_wake_at, op_peer_is_open, op_peer_has, op_peer_is_loading,
  op_peer_request, op_peer_cancel, op_have, op_check, op_store,
  op_peers_expected,
};

/* --- the consumer's ops: the player's requests and the origin ------------ */

static void
c_deliver (gpointer consumer, GBytes * data, P2pJobSource source)
{
  SimReq *req = consumer;
  DeliverySource src = source == P2P_JOB_SOURCE_PEER ? SRC_PEER :
      source == P2P_JOB_SOURCE_MIXED ? SRC_MIXED : SRC_SHARED;

  if (req->peer->alive)
    player_delivered (req->peer, req->seg, g_bytes_get_size (data), src);
}

static gint64
origin_time (SimPeer * p, gsize bytes)
{
  return ms_to_us (p->w->cfg->origin_latency_ms) +
      (gint64) (bytes / p->downlink * SEC);
}

static void
c_go_http (gpointer consumer, gboolean peers_tried)
{
  SimReq *req = consumer;
  SimPeer *p = req->peer;
  SimWorld *w = p->w;
  SimHttp *h;
  gsize size;

  /* a leaving peer's scheduler hands its consumers back: nobody plays */
  if (!p->alive)
    return;
  size = seg_size (w, req->seg);
  h = g_new0 (SimHttp, 1);
  h->peer = p;
  h->seg = req->seg;
  h->requested = w->now;
  h->first_byte = w->now + ms_to_us (w->cfg->origin_latency_ms);
  g_ptr_array_add (w->garbage, h);
  w->res->origin_fetches++;
  /* before the first segments, no link is open yet: HTTP by design */
  if (p->buf_end < w->cfg->start_behind * w->cfg->segment_s - 1e-3)
    w->res->origin_fetches_startup++;
  p->load_start[req->seg] = w->now;
  p->load_end[req->seg] = -1;
  announce_later (p);
  push (w, w->now + origin_time (p, size), EV_HTTP_DONE, h, 0, 0);
}

static gboolean
c_fetch_range (gpointer consumer, gint64 seg, gint64 offset, guint token)
{
  SimReq *req = consumer;
  SimPeer *p = req->peer;
  SimWorld *w = p->w;
  SimHttp *h;
  gsize size = seg_size (w, seg);

  if (!p->alive || offset <= 0 || offset >= (gint64) size)
    return FALSE;
  h = g_new0 (SimHttp, 1);
  h->peer = p;
  h->seg = seg;
  h->offset = offset;
  h->token = token;
  g_ptr_array_add (w->garbage, h);
  w->res->range_fetches++;
  push (w, w->now + origin_time (p, size - offset), EV_RANGE_DONE, h, 0, 0);
  return TRUE;
}

static const P2pConsumerOps sim_consumer_ops = {
  c_deliver, c_go_http, c_fetch_range,
};

static void
on_http_done (SimWorld * w, SimHttp * h)
{
  SimPeer *p = h->peer;
  GBytes *data = seg_bytes (w, h->seg);

  if (!p->alive)
    return;
  /* counted when served: a fetch of a peer that left is cut short */
  w->res->origin_bytes += g_bytes_get_size (data);
  /* as the product: loading off and into the cache (announced), the
   * lead consumer's player has it, then the job's other consumers */
  p->load_end[h->seg] = w->now;
  if (p->cache_at[h->seg] < 0)
    p->cache_at[h->seg] = w->now;
  announce_later (p);
  player_delivered (p, h->seg, g_bytes_get_size (data), SRC_HTTP);
  p2p_scheduler_http_done (p->sched, h->seg, data, h->requested,
      h->first_byte, w->now);
}

static void
on_range_done (SimWorld * w, SimHttp * h)
{
  GBytes *whole = seg_bytes (w, h->seg);
  GBytes *rest;

  if (!h->peer->alive)
    return;
  w->res->origin_bytes += g_bytes_get_size (whole) - h->offset;
  rest = g_bytes_new_from_bytes (whole, h->offset,
      g_bytes_get_size (whole) - h->offset);
  p2p_scheduler_range_done (h->peer->sched, h->seg, h->token, rest);
  g_bytes_unref (rest);
}

/* --- peers joining and leaving ------------------------------------------- */

static gdouble
pick_uplink (SimWorld * w)
{
  const SimConfig *cfg = w->cfg;
  gdouble total = 0, r;

  for (guint i = 0; i < cfg->n_uplinks; i++)
    total += cfg->uplinks[i].share;
  r = g_rand_double (w->rand) * total;
  for (guint i = 0; i < cfg->n_uplinks; i++) {
    const SimUplinkClass *c = &cfg->uplinks[i];

    if (r < c->share || i + 1 == cfg->n_uplinks)
      return (c->lo_kbps + g_rand_double (w->rand) * (c->hi_kbps -
              c->lo_kbps)) * 1000 / 8;
    r -= c->share;
  }
  g_assert_not_reached ();
  return 0;
}

static gboolean
linked (SimPeer * a, SimPeer * b)
{
  for (guint i = 0; i < a->links->len; i++)
    if (((SimLink *) g_ptr_array_index (a->links, i))->remote == b)
      return TRUE;
  return FALSE;
}

static SimLink *
link_new (SimWorld * w, SimPeer * owner, SimPeer * remote)
{
  SimLink *l = g_new0 (SimLink, 1);

  g_ptr_array_add (w->links, l);
  l->id = w->links->len;
  l->owner = owner;
  l->remote = remote;
  g_ptr_array_add (owner->links, l);
  return l;
}

/* The tracker introduces random peers; a connection is made when both
 * ends have room for it, and opens a little later. */
static void
connect_peers (SimWorld * w, SimPeer * p)
{
  guint n_alive = w->alive->len;
  guint tries = MIN (w->cfg->intro, n_alive > 0 ? n_alive - 1 : 0);
  guint asked = 0;

  /* small swarms: everyone; large ones: random draws */
  for (guint i = 0; asked < tries && i < 4 * w->cfg->intro + n_alive; i++) {
    SimPeer *q;
    SimLink *a, *b;

    if (p->links->len >= w->cfg->max_peers)
      break;
    q = n_alive <= w->cfg->intro + 1 ? g_ptr_array_index (w->alive,
        i % n_alive) : g_ptr_array_index (w->alive,
        g_rand_int_range (w->rand, 0, n_alive));
    if (n_alive <= w->cfg->intro + 1 && i >= n_alive)
      break;
    if (q == p)
      continue;
    asked++;
    if (q->links->len >= w->cfg->max_peers || linked (p, q))
      continue;
    a = link_new (w, p, q);
    b = link_new (w, q, p);
    a->reverse = b;
    b->reverse = a;
    p2p_scheduler_add_peer (p->sched, handle_of (a), q->name);
    p2p_scheduler_add_peer (q->sched, handle_of (b), p->name);
    push (w, w->now + ms_to_us (w->cfg->connect_delay_ms), EV_LINK_OPEN, a, 0,
        0);
  }
}

static void
on_link_open (SimWorld * w, SimLink * l)
{
  if (l->closed)
    return;
  l->open = l->reverse->open = TRUE;
  /* both ends send what they hold */
  p2p_scheduler_peer_announced (l->owner->sched, handle_of (l));
  p2p_scheduler_peer_announced (l->remote->sched, handle_of (l->reverse));
}

static void
on_announce (SimWorld * w, SimPeer * p)
{
  if (!p->alive)
    return;
  for (guint i = 0; i < p->links->len; i++) {
    SimLink *l = g_ptr_array_index (p->links, i);

    if (l->open && !l->closed)
      p2p_scheduler_peer_announced (l->remote->sched, handle_of (l->reverse));
  }
}

static SimPeer *
peer_join (SimWorld * w)
{
  SimPeer *p = g_new0 (SimPeer, 1);
  gint64 t = w->now;

  p->w = w;
  p->index = w->peers->len;
  p->name = g_strdup_printf ("peer-%05u", p->index);
  p->alive = TRUE;
  p->uplink = pick_uplink (w);
  p->downlink = w->cfg->downlink_kbps * 1000 / 8;
  p->links = g_ptr_array_new ();
  p->uploads = g_ptr_array_new ();
  p->cache_at = g_new (gint64, w->n_segs);
  p->load_start = g_new (gint64, w->n_segs);
  p->load_end = g_new (gint64, w->n_segs);
  for (gint64 i = 0; i < w->n_segs; i++)
    p->cache_at[i] = p->load_start[i] = p->load_end[i] = -1;
  p->wake = -1;
  p->joined = t;
  p->left = -1;
  g_ptr_array_add (w->peers, p);
  p->alive_pos = w->alive->len;
  g_ptr_array_add (w->alive, p);
  w->res->peers_total++;

  p->sched = p2p_scheduler_new (p->name, &sim_ops, &sim_consumer_ops, p);
  p2p_scheduler_set_seed (p->sched, w->cfg->seed * 1000003u + p->index);
  p2p_scheduler_set_prefetch (p->sched, w->cfg->prefetch);
  connect_peers (w, p);

  /* the playlist comes first; the player starts from it */
  p->edge = newest_segment (w, t);
  p->next_seg = p->edge - (gint64) w->cfg->start_behind + 1;
  push (w, t + ms_to_us (w->cfg->origin_latency_ms), EV_PLAYER, p, 0, 0);
  push (w, t + w->seg_us, EV_PLAYLIST, p, 0, 0);
  push (w, t + (gint64) (w->cfg->tracker_interval_s * SEC), EV_TRACKER, p, 0,
      0);
  return p;
}

static void
collect_counters (SimWorld * w, SimPeer * p)
{
  const P2pSchedulerCounters *c = p2p_scheduler_get_counters (p->sched);

  w->res->handovers += c->handovers;
  w->res->resumes += c->resumes;
  w->res->prefetches += c->prefetches;
  w->res->elected_http += c->elected_http;
  w->res->backup_http += c->backup_http;
}

static void
peer_retire (SimWorld * w, SimPeer * p)
{
  SimPeer *last;

  p->alive = FALSE;
  p->left = w->now;
  player_close (p, w->now);
  if (p->stalls)
    w->res->players_stalled++;
  if (!p->playing && w->now - p->joined >= START_GRACE_US)
    w->res->players_not_started++;
  w->res->stalls += p->stalls;
  w->res->stalled_s += p->stalled_s;
  w->res->peer_hours += (w->now - p->joined) / (3600.0 * SEC);
  /* out of the alive set: the last one takes its place */
  last = g_ptr_array_index (w->alive, w->alive->len - 1);
  g_ptr_array_index (w->alive, p->alive_pos) = last;
  last->alive_pos = p->alive_pos;
  g_ptr_array_set_size (w->alive, w->alive->len - 1);
}

/* Its neighbours lose it: the segments it sent just stop, their schedulers
 * hand them elsewhere. */
static void
peer_leave (SimWorld * w, SimPeer * p)
{
  GPtrArray *neighbours = g_ptr_array_new ();

  peer_retire (w, p);
  for (guint i = 0; i < p->links->len; i++) {
    SimLink *l = g_ptr_array_index (p->links, i);
    SimLink *r = l->reverse;

    if (r->xfer)
      xfer_stop (r->xfer);
    if (l->xfer)
      xfer_stop (l->xfer);
    l->open = r->open = FALSE;
    l->closed = r->closed = TRUE;
    g_ptr_array_remove_fast (l->remote->links, r);
    g_ptr_array_add (neighbours, r);
  }
  for (guint i = 0; i < neighbours->len; i++) {
    SimLink *r = g_ptr_array_index (neighbours, i);

    p2p_scheduler_remove_peer (r->owner->sched, handle_of (r));
  }
  g_ptr_array_unref (neighbours);
  collect_counters (w, p);
  p2p_scheduler_free (p->sched);
  p->sched = NULL;
}

static void
count_local_minima (SimWorld * w)
{
  GPtrArray *names = g_ptr_array_new ();
  guint64 minima = 0, segs = 0;

  for (gint64 seg = 0; seg < w->n_segs; seg++) {
    if (!w->requested[seg])
      continue;
    segs++;
    for (guint i = 0; i < w->alive->len; i++) {
      SimPeer *p = g_ptr_array_index (w->alive, i);

      g_ptr_array_set_size (names, 0);
      for (guint j = 0; j < p->links->len; j++) {
        SimLink *l = g_ptr_array_index (p->links, j);

        if (l->open)
          g_ptr_array_add (names, l->remote->name);
      }
      minima += p2p_sched_election_rank (p->name,
          (const gchar * const *) names->pdata, names->len, seg) == 0;
    }
  }
  w->res->local_minima = segs ? minima / (gdouble) segs : 0;
  g_ptr_array_unref (names);
}

/* --- the run ------------------------------------------------------------- */

static void
dispatch (SimWorld * w, const SimEvent * e)
{
  SimPeer *p = e->obj;

  switch (e->type) {
    case EV_JOIN:
      peer_join (w);
      break;
    case EV_LINK_OPEN:
      on_link_open (w, e->obj);
      break;
    case EV_PLAYLIST:
      if (!p->alive)
        break;
      p->edge = newest_segment (w, w->now);
      push (w, w->now + w->seg_us, EV_PLAYLIST, p, 0, 0);
      player_step (p);
      break;
    case EV_PLAYER:
      player_step (p);
      break;
    case EV_HTTP_DONE:
      on_http_done (w, e->obj);
      break;
    case EV_RANGE_DONE:
      on_range_done (w, e->obj);
      break;
    case EV_REQ_ARRIVE:
      on_req_arrive (w, e->obj);
      break;
    case EV_ABSENT:
      on_absent (w, e->obj);
      break;
    case EV_XFER:
      on_xfer (w, e->obj, e->gen);
      break;
    case EV_ANNOUNCE:
      on_announce (w, p);
      break;
    case EV_WAKE:
      if (!p->alive || p->wake != e->arg)
        break;
      p->wake = -1;
      p2p_scheduler_tick (p->sched);
      break;
    case EV_CHURN:{
      gdouble mean_s = 60.0 / (w->cfg->churn_per_min * w->cfg->n_peers);

      if (w->alive->len > 0)
        peer_leave (w, g_ptr_array_index (w->alive,
                g_rand_int_range (w->rand, 0, w->alive->len)));
      peer_join (w);
      push (w, w->now + (gint64) (-log (1 - g_rand_double (w->rand)) *
              mean_s * SEC), EV_CHURN, NULL, 0, 0);
      break;
    }
    case EV_TRACKER:
      if (!p->alive)
        break;
      connect_peers (w, p);
      push (w, w->now + (gint64) (w->cfg->tracker_interval_s * SEC),
          EV_TRACKER, p, 0, 0);
      break;
    default:
      g_assert_not_reached ();
  }
}

void
sim_run (const SimConfig * cfg, SimResult * res)
{
  SimWorld world = { 0, }, *w = &world;
  SimEvent e;
  gint64 wall = g_get_monotonic_time ();

  memset (res, 0, sizeof (*res));
  res->n_peers = cfg->n_peers;
  res->duration_s = cfg->duration_s;
  w->cfg = cfg;
  w->res = res;
  sim_heap_init (&w->heap);
  w->end = (gint64) (cfg->duration_s * SEC);
  w->rand = g_rand_new_with_seed (cfg->seed);
  w->seg_us = (gint64) (cfg->segment_s * SEC);
  w->n_segs = FIRST_SEGMENT + w->end / w->seg_us + 2;
  w->seg_data = g_new0 (GBytes *, w->n_segs);
  w->requested = g_new0 (gboolean, w->n_segs);
  w->peers = g_ptr_array_new ();
  w->alive = g_ptr_array_new ();
  w->links = g_ptr_array_new_with_free_func (g_free);
  w->garbage = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < cfg->n_peers; i++)
    push (w, (gint64) (g_rand_double (w->rand) * cfg->join_spread_s * SEC),
        EV_JOIN, NULL, 0, 0);
  if (cfg->churn_per_min > 0)
    push (w, (gint64) (cfg->join_spread_s * SEC), EV_CHURN, NULL, 0, 0);

  while (sim_heap_pop (&w->heap, &e) && e.time <= w->end) {
    w->now = e.time;
    res->events++;
    dispatch (w, &e);
  }
  w->now = w->end;
  count_local_minima (w);

  /* the survivors: their accounts, then their schedulers (whose waiting
   * consumers are handed back and ignored) */
  while (w->alive->len) {
    SimPeer *p = g_ptr_array_index (w->alive, w->alive->len - 1);

    peer_retire (w, p);
  }
  for (guint i = 0; i < w->peers->len; i++) {
    SimPeer *p = g_ptr_array_index (w->peers, i);

    if (p->sched) {
      collect_counters (w, p);
      p2p_scheduler_free (p->sched);
    }
    g_ptr_array_unref (p->links);
    g_ptr_array_unref (p->uploads);
    g_free (p->cache_at);
    g_free (p->load_start);
    g_free (p->load_end);
    g_free (p->name);
    g_free (p);
  }
  for (gint64 i = 0; i < w->n_segs; i++) {
    res->distinct_segments += w->requested[i];
    if (w->seg_data[i])
      g_bytes_unref (w->seg_data[i]);
  }
  res->startup_mean_s = res->players_started ?
      w->startup_sum / res->players_started : 0;
  g_free (w->seg_data);
  g_free (w->requested);
  g_ptr_array_unref (w->peers);
  g_ptr_array_unref (w->alive);
  g_ptr_array_unref (w->links);
  g_ptr_array_unref (w->garbage);
  g_rand_free (w->rand);
  sim_heap_clear (&w->heap);
  res->wall_s = (g_get_monotonic_time () - wall) / (gdouble) SEC;
}

/* --- configuration and results ------------------------------------------- */

void
sim_config_init (SimConfig * cfg)
{
  memset (cfg, 0, sizeof (*cfg));
  cfg->n_peers = 8;
  cfg->duration_s = 120;
  cfg->seed = 1;
  cfg->segment_s = 2;
  cfg->bitrate_kbps = 600;
  cfg->window = 6;
  cfg->start_behind = 3;
  cfg->buffer_segments = 3;
  cfg->max_peers = 20;
  cfg->max_uploads = 2;
  cfg->intro = 30;
  cfg->tracker_interval_s = 30;
  cfg->join_spread_s = 10;
  cfg->churn_per_min = 0.1;
  cfg->prefetch = TRUE;
  cfg->uplinks[0] = (SimUplinkClass) { 0.3, 1000, 1000 };
  cfg->uplinks[1] = (SimUplinkClass) { 0.5, 2000, 5000 };
  cfg->uplinks[2] = (SimUplinkClass) { 0.2, 20000, 20000 };
  cfg->n_uplinks = 3;
  cfg->downlink_kbps = 20000;
  cfg->origin_latency_ms = 100;
  cfg->peer_latency_ms = 30;
  cfg->signal_delay_ms = 50;
  cfg->connect_delay_ms = 500;
}

gboolean
sim_config_parse_uplinks (SimConfig * cfg, const gchar * spec,
    GError ** error)
{
  gchar **parts = g_strsplit (spec, ",", -1);
  guint n = 0;
  gboolean ok = TRUE;

  for (gchar ** s = parts; *s && ok; s++) {
    gchar *end;
    gdouble share, lo, hi;

    share = g_ascii_strtod (*s, &end);
    ok = end != *s && *end == '%' && share > 0
        && n < SIM_MAX_UPLINK_CLASSES;
    if (!ok)
      break;
    lo = hi = g_ascii_strtod (end + 1, &end);
    if (*end == '-')
      hi = g_ascii_strtod (end + 1, &end);
    ok = *end == '\0' && lo > 0 && hi >= lo;
    if (ok)
      cfg->uplinks[n++] = (SimUplinkClass) {
      share / 100, lo * 1000, hi * 1000};
  }
  g_strfreev (parts);
  if (!ok || n == 0) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "uplinks: expected SHARE%%MBIT[-MBIT],... (e.g. 30%%1,50%%2-5,20%%20),"
        " got \"%s\"", spec);
    return FALSE;
  }
  cfg->n_uplinks = n;
  return TRUE;
}

gdouble
sim_result_offload (const SimResult * r)
{
  return r->delivered_bytes ? 1 - (gdouble) r->origin_bytes /
      r->delivered_bytes : 0;
}

gdouble
sim_result_fetches_per_segment (const SimResult * r)
{
  return r->distinct_segments ? (gdouble) r->origin_fetches /
      r->distinct_segments : 0;
}

gdouble
sim_result_steady_fetches_per_segment (const SimResult * r)
{
  return r->distinct_segments ? (gdouble) (r->origin_fetches -
      r->origin_fetches_startup) / r->distinct_segments : 0;
}

gdouble
sim_result_stalls_per_peer_hour (const SimResult * r)
{
  return r->peer_hours > 0 ? r->stalls / r->peer_hours : 0;
}
