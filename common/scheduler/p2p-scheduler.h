/* gst-p2pcdn: segment jobs of one swarm and the decisions that drive them.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A job is one segment: its state, the bytes a peer sent so far, the peer
 * or HTTP fetch it runs, the consumers waiting for it (none for a
 * prefetch) and a deadline from the playback model.  Two requests for one
 * segment share its job.  The clock, the peers and the cache are reached
 * through P2pSchedulerOps, so that the decisions run under a fake clock in
 * tests; the swarm supplies the real ones.  One thread (the manager's).
 *
 * Decisions, never fixed waits:
 *  - a segment goes to a peer only if the peer is expected to deliver it
 *    before the deadline with a margin, else to HTTP at once;
 *  - with nobody holding it, neighbours elect who fetches it from the origin
 *    (p2p_sched_election_rank): rank 0 at once, backups when their time
 *    comes, or the moment a neighbour announces it;
 *  - a peer transfer falling behind is finished over HTTP from the byte it
 *    reached (a Range request), not fetched again from byte 0;
 *  - segments ahead of the playhead that peers hold are prefetched into the
 *    cache, rarest first, a few downloads at a time.
 */
#pragma once

#include <glib.h>

#include "p2p-peer-stats.h"
#include "p2p-sched-policy.h"
#include "p2p-playback-model.h"

G_BEGIN_DECLS

typedef struct _P2pScheduler P2pScheduler;

typedef enum {
  P2P_JOB_SOURCE_PEER,          /* all bytes from one peer */
  P2P_JOB_SOURCE_MIXED,         /* a peer's start, the rest over HTTP */
  P2P_JOB_SOURCE_SHARED,        /* another consumer's HTTP fetch */
} P2pJobSource;

/* What the checks say of a whole segment assembled from a peer. */
typedef enum {
  P2P_SCHED_CHECK_WRONG = 0,    /* the sender is to blame */
  P2P_SCHED_CHECK_OK = 1,
  /* cannot be checked (a hash list that does not name it yet): not
   * taken, nobody blamed */
  P2P_SCHED_CHECK_UNVERIFIED = 2,
  /* OK, and proven (a hash list names it): its size is known good */
  P2P_SCHED_CHECK_VERIFIED = 3,
} P2pSchedCheck;

typedef struct {
  gint64 (*now) (gpointer user_data);
  /* (Re)arms the one wake-up at clock time @when; -1 cancels it. */
  void (*wake_at) (gint64 when, gpointer user_data);
  gboolean (*peer_is_open) (gpointer peer, gpointer user_data);
  gboolean (*peer_has) (gpointer peer, gint64 segment_id, gpointer user_data);
  gboolean (*peer_is_loading) (gpointer peer, gint64 segment_id,
      gpointer user_data);
  /* Asks @peer for @segment_id from byte @byte_from on (the protocol's b;
   * 0: all of it).  Its progress then counts the bytes from there. */
  gboolean (*peer_request) (gpointer peer, gint64 segment_id,
      gint64 byte_from, gpointer user_data);
  /* Stops the running download; returns what arrived so far, or NULL. */
  GBytes *(*peer_cancel) (gpointer peer, gpointer user_data);
  gboolean (*have) (gint64 segment_id, gpointer user_data);
  /* A whole segment assembled from a peer (and HTTP) passes the checks. */
  P2pSchedCheck (*check) (gint64 segment_id, GBytes * data,
      gint64 expected_size, gpointer user_data);
  void (*store) (gint64 segment_id, GBytes * data, gpointer user_data);
  /* Peers are on their way (the tracker says others watch and connections
   * are being made): worth waiting for while HTTP could still make it. */
  gboolean (*peers_expected) (gpointer user_data);
} P2pSchedulerOps;

typedef struct {
  /* The whole, checked segment; the consumer hands it on. */
  void (*deliver) (gpointer consumer, GBytes * data, P2pJobSource source);
  /* Fetch the segment over HTTP yourself (streaming, from byte 0) and
   * report with p2p_scheduler_http_done(); @peers_tried TRUE when peers
   * were asked first. */
  void (*go_http) (gpointer consumer, gboolean peers_tried);
  /* Fetch bytes [@offset, end) over HTTP for the job and report with
   * p2p_scheduler_range_done (@token); FALSE when it cannot. */
  gboolean (*fetch_range) (gpointer consumer, gint64 segment_id,
      gint64 offset, guint token);
} P2pConsumerOps;

typedef struct {
  guint64 handovers;            /* peer transfers given up as too slow */
  guint64 resumes;              /* of those, finished by another peer (b) */
  guint64 prefetches;           /* segments fetched ahead from peers */
  guint64 elected_http;         /* HTTP fetches as elected rank 0 */
  guint64 backup_http;          /* HTTP fetches after waiting as a backup */
} P2pSchedulerCounters;

P2pScheduler *p2p_scheduler_new (const gchar * self_id,
    const P2pSchedulerOps * ops, const P2pConsumerOps * consumer_ops,
    gpointer user_data);
/* Consumers still waiting are told go_http().  Peer downloads are left to
 * the owner, which frees its peers first (no peer op is called). */
void p2p_scheduler_free (P2pScheduler * sched);
void p2p_scheduler_set_seed (P2pScheduler * sched, guint32 seed);
/* Uses @model (which must outlive the scheduler) instead of its own: the
 * renditions of one stream share the player's model, so that an ABR switch
 * continues it rather than starting it over.  NULL: its own again. */
void p2p_scheduler_set_playback_model (P2pScheduler * sched,
    P2pPlaybackModel * model);
/* The bandwidth (bit/s) the playlist declares for this rendition, 0 when
 * unknown: how long a request may take before the demuxer switches down
 * follows from it (p2p-playback-model.h). */
void p2p_scheduler_set_bandwidth (P2pScheduler * sched, guint64 bandwidth);
/* The player's last fragments came barely faster than its rendition plays
 * (p2p_playback_model_struggling): no prefetch, and the swarm uploads
 * nothing, until they come fast again. */
gboolean p2p_scheduler_struggling (P2pScheduler * sched);
/* Whether prefetching is allowed (default TRUE). */
void p2p_scheduler_set_prefetch (P2pScheduler * sched, gboolean prefetch);
const P2pSchedulerCounters *p2p_scheduler_get_counters (P2pScheduler * sched);

/* Peers, by opaque handle.  Removing one twice is harmless. */
void p2p_scheduler_add_peer (P2pScheduler * sched, gpointer peer,
    const gchar * name);
void p2p_scheduler_remove_peer (P2pScheduler * sched, gpointer peer);
P2pPeerStats *p2p_scheduler_get_peer_stats (P2pScheduler * sched,
    gpointer peer);
/* The peer's list of segments changed (or it opened). */
void p2p_scheduler_peer_announced (P2pScheduler * sched, gpointer peer);
/* Returns FALSE when the size the peer announced (@total) contradicts a
 * size known good (the manifest's byte range, an HTTP fetch, a copy a hash
 * list proved): the caller drops the peer, whose bytes are not waited
 * for.  Peers that declare different sizes while none is known good
 * dispute the segment: what one of them sends is played, not shared (not
 * stored) until a good size settles it. */
gboolean p2p_scheduler_peer_progress (P2pScheduler * sched, gpointer peer,
    gint64 segment_id, gint64 received, gint64 total);
/* The peer's download ended: @data (whole, unchecked) or NULL; @strike when
 * the failure counts against the peer (a stall, wrong bytes).  Returns what
 * the check said of @data (OK without data, or when the peer's download
 * was no longer wanted).  Bytes that fail go nowhere: the job is decided
 * again without this peer (another holder, or HTTP). */
P2pSchedCheck p2p_scheduler_peer_done (P2pScheduler * sched, gpointer peer,
    gint64 segment_id, GBytes * data, gboolean strike);

/* A consumer asks for @segment_id (@duration seconds, @expected_size bytes
 * or -1).  It is answered through the consumer ops, possibly at once. */
void p2p_scheduler_fetch (P2pScheduler * sched, gint64 segment_id,
    gdouble duration, gint64 expected_size, gpointer consumer);
/* A consumer's request was served from the cache at once: the playback
 * model counts it (and prefetch looks further ahead). */
void p2p_scheduler_served (P2pScheduler * sched, gint64 segment_id,
    gdouble duration);
/* The consumer's own HTTP fetch (go_http) ended: the whole segment, or
 * NULL.  @requested/@first_byte/@done time it (clock us, -1 unknown). */
void p2p_scheduler_http_done (P2pScheduler * sched, gint64 segment_id,
    GBytes * data, gint64 requested, gint64 first_byte, gint64 done);
void p2p_scheduler_range_done (P2pScheduler * sched, gint64 segment_id,
    guint token, GBytes * data);
/* The wake-up armed through wake_at() is due. */
void p2p_scheduler_tick (P2pScheduler * sched);

/* The player's buffer as the playback model sees it (us). */
gint64 p2p_scheduler_get_buffer_us (P2pScheduler * sched);
guint p2p_scheduler_get_job_count (P2pScheduler * sched);

G_END_DECLS
