/* gst-p2pcdn: the swarm manager, owner of every fetch of the process.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: all state below the "manager thread only" line is
 * touched only on the manager's own thread (its GMainContext); other
 * threads reach it through p2p_manager_open(), which schedules work there.
 * The object lock guards the counters read by p2p_manager_get_stats().
 */
#include "p2p-manager.h"

#include <string.h>

#include <stdlib.h>

#include <libsoup/soup.h>

#include "p2p-hash-list.h"
#include "p2p-http-request.h"
#include "p2p-manifest.h"
#include "p2p-segment-fetch.h"
#include "p2p-swarm-id.h"
#include "p2p-swarm-settings.h"
#include "p2p-webrtc-transport.h"

GST_DEBUG_CATEGORY_STATIC (p2p_manager_debug);
#define GST_CAT_DEFAULT p2p_manager_debug

struct _P2pManager
{
  GstObject parent;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  /* configuration, object lock.  Per stream (p2p, trackers, ICE servers,
   * max-peers, peer-upload-rate, upload): defaults for streams whose
   * manifest came without explicit settings, read when a segment is asked
   * for, so a change applies to that stream's next swarm.  Per process
   * (cache-size, upload-rate): applied at once. */
  gchar **trackers;
  gchar *stun_server;
  gchar *turn_server;
  gboolean ice_relay_only;
  guint max_peers;
  guint upload_kbps;            /* all swarms together, 0 = no cap */
  guint peer_upload_kbps;       /* to one peer, 0 = no cap */
  P2pRateLimit upload_limit;    /* manager thread */
  guint64 cache_size;
  gboolean upload;
  gboolean p2p;
  gchar *segment_hashes;        /* URL of the hash list, NULL = none */

  /* counters, object lock */
  guint64 requests[P2P_RESOURCE_INDEX + 1];
  guint64 manifests_parsed;
  guint64 manifests_rejected;
  P2pSegmentCounters seg;
  P2pSwarmCounters swarm_counters;
  guint peers;

  /* manager thread only */
  GHashTable *sessions;         /* session key -> SoupSession */
  P2pManifestRegistry *registry;
  P2pSegmentCache *cache;
  GHashTable *transports;       /* ICE servers key -> P2pTransport */
  GHashTable *tracker_clients;  /* URL -> P2pTrackerClient, on first use */
  gboolean no_webrtc;           /* webrtcbin missing: HTTP only */
  GThread *dtls_warm_up;        /* making the DTLS certificate, or NULL */
  gboolean dtls_warm_up_asked;  /* once: every playlist refresh opens here */
  gboolean warned_relay_no_turn;        /* said once: relay-only, no TURN */
  /* swarm id -> the explicit settings ("p2pcdn-swarm-settings") of the
   * element that last loaded a manifest of that stream */
  GHashTable *stream_settings;
  P2pTrackerId peer_id;
  GHashTable *swarms;           /* info_hash -> P2pSwarm */
  /* stream and role ("v2-<swarmId>-main") -> P2pPlaybackModel: the
   * renditions of a stream share the player's model; forgotten with the
   * stream */
  GHashTable *playback_models;
  GHashTable *hash_lists;       /* resolved URL -> P2pHashList */
  /* the manager thread's copies of the counters above, published under
   * the object lock after each change */
  P2pSegmentCounters seg_live;
  P2pSwarmCounters swarm_live;
  gboolean left;                /* leave_all() ran: HTTP only from now on */
};

G_DEFINE_TYPE (P2pManager, p2p_manager, GST_TYPE_OBJECT);

static GMutex default_lock;
static P2pManager *default_manager;     /* never released */

/* Swarms nobody fetched from for this long are left (trackers told). */
#define SWARM_IDLE_US (60 * G_USEC_PER_SEC)
/* Uploads a swarm runs at once.  A new segment reaches N peers fastest
 * one upload at a time: each round takes a segment's time on our uplink
 * and doubles its holders (log2 N rounds), where k at a time take k times
 * as long per round for only k + 1 times the holders.  The refused ask a
 * peer that got it from us meanwhile. */
#define P2P_MANAGER_MAX_UPLOADS 1
/* Leaving at the end: how long the trackers' "stopped" and the peers'
 * channel closes may take to go out, at most. */
#define LEAVE_TRACKERS_MS 1000
#define LEAVE_PEERS_MS 1000
/* Segment hash lists held at once: one a rendition (a relative
 * segment-hashes URL), a few renditions a stream, a few streams a
 * process; a manifest cannot make us fetch and keep more. */
#define MAX_HASH_LISTS 32

typedef struct {
  P2pManager *manager;
  P2pHttpOptions *options;
  P2pFetch *fetch;
} OpenJob;

static void
publish_counters (gpointer data)
{
  P2pManager *self = data;
  GHashTableIter it;
  P2pSwarm *swarm;
  guint peers = 0;

  g_hash_table_iter_init (&it, self->swarms);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & swarm))
    peers += p2p_swarm_get_peer_count (swarm);
  GST_OBJECT_LOCK (self);
  self->seg = self->seg_live;
  self->swarm_counters = self->swarm_live;
  self->peers = peers;
  GST_OBJECT_UNLOCK (self);
}

/* The key of the playback model the renditions of @stream_swarm_id share:
 * they differ only in the part after the last '-'. */
static gchar *
playback_model_key (const gchar * stream_swarm_id)
{
  const gchar *dash = strrchr (stream_swarm_id, '-');

  return dash ? g_strndup (stream_swarm_id, dash - stream_swarm_id) :
      g_strdup (stream_swarm_id);
}

/* What the process knows of a presentation goes with its swarms: once none
 * of its manifests and segments was asked for during SWARM_IDLE_US (its
 * swarms were left by then), the registry forgets it, and with it its
 * settings and playback model, so that a long-running process playing one
 * stream after another stays bounded. */
static void
forget_unused_streams (P2pManager * self, gint64 now)
{
  GPtrArray *presentations = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *streams = g_ptr_array_new_with_free_func (g_free);
  guint i;

  if (p2p_manifest_registry_expire (self->registry, now, SWARM_IDLE_US,
          presentations, streams) > 0)
    GST_DEBUG_OBJECT (self, "forgot %u unused streams of %u presentations",
        streams->len, presentations->len);
  for (i = 0; i < presentations->len; i++)
    g_hash_table_remove (self->stream_settings,
        g_ptr_array_index (presentations, i));
  for (i = 0; i < streams->len; i++) {
    gchar *key = playback_model_key (g_ptr_array_index (streams, i));

    g_hash_table_remove (self->playback_models, key);
    g_free (key);
  }
  g_ptr_array_unref (presentations);
  g_ptr_array_unref (streams);
}

static gboolean
publish_timer (gpointer data)
{
  P2pManager *self = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter it;
  P2pSwarm *swarm;

  /* one stream's swarm is left once nobody of the process asked for its
   * segments for a while, whatever other streams do: a long-running
   * process does not gather every swarm it ever joined */
  g_hash_table_iter_init (&it, self->swarms);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & swarm)) {
    if (now - p2p_swarm_get_last_used (swarm) > SWARM_IDLE_US) {
      GST_INFO_OBJECT (self, "swarm %s unused for %d s: leaving it",
          p2p_swarm_get_info_hash (swarm),
          (int) (SWARM_IDLE_US / G_USEC_PER_SEC));
      g_hash_table_iter_remove (&it);
    }
  }
  forget_unused_streams (self, now);
  publish_counters (self);
  return G_SOURCE_CONTINUE;
}

static void
close_swarm (P2pSwarm * swarm)
{
  p2p_swarm_close (swarm);
  p2p_swarm_unref (swarm);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
trackers_flushed (P2pManager * self)
{
  GHashTableIter it;
  P2pTrackerClient *client;

  g_hash_table_iter_init (&it, self->tracker_clients);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & client))
    if (!p2p_tracker_client_is_flushed (client))
      return FALSE;
  return TRUE;
}

/* Manager thread.  Leaves every swarm so that nobody has to find out by
 * timeouts: each swarm closes its data channels and announces "stopped";
 * then the WebSockets close after those frames, and we wait (a little)
 * for that and for the channels' closes to go out. */
static void
leave_all (P2pManager * self)
{
  gboolean late = FALSE;
  GSource *deadline;
  GHashTableIter it;
  gpointer value;

  self->left = TRUE;
  if (self->dtls_warm_up) {
    g_thread_join (self->dtls_warm_up);
    self->dtls_warm_up = NULL;
  }
  g_hash_table_remove_all (self->swarms);
  if (g_hash_table_size (self->tracker_clients) == 0)
    return;
  g_hash_table_iter_init (&it, self->tracker_clients);
  while (g_hash_table_iter_next (&it, NULL, &value))
    p2p_tracker_client_close (value);
  deadline = g_timeout_source_new (LEAVE_TRACKERS_MS);
  g_source_set_callback (deadline, set_flag, &late, NULL);
  g_source_attach (deadline, self->context);
  while (!late && !trackers_flushed (self))
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);
  if (!late)
    GST_DEBUG_OBJECT (self, "trackers told we left");
  else
    GST_INFO_OBJECT (self, "trackers did not close in time");
  g_hash_table_iter_init (&it, self->transports);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (P2P_IS_WEBRTC_TRANSPORT (value))
      p2p_webrtc_transport_wait_teardowns (value, LEAVE_PEERS_MS);
}

static gpointer
manager_thread (gpointer data)
{
  P2pManager *self = data;
  GSource *timer;
  guint64 cache_size;

  g_main_context_push_thread_default (self->context);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
  self->registry = p2p_manifest_registry_new ();
  GST_OBJECT_LOCK (self);
  cache_size = self->cache_size;
  GST_OBJECT_UNLOCK (self);
  self->cache = p2p_segment_cache_new (cache_size);
  self->swarms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) close_swarm);
  self->hash_lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) p2p_hash_list_free);
  self->playback_models = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, g_free);
  self->transports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
  self->tracker_clients = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, g_object_unref);
  self->stream_settings = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, (GDestroyNotify) gst_structure_free);
  p2p_tracker_id_generate_peer_id (&self->peer_id, "-PM0203-");
  /* peer counts change without a request: refresh them now and then */
  timer = g_timeout_source_new_seconds (1);
  g_source_set_callback (timer, publish_timer, self, NULL);
  g_source_attach (timer, self->context);

  g_main_loop_run (self->loop);

  g_source_destroy (timer);
  g_source_unref (timer);
  leave_all (self);
  g_hash_table_destroy (self->swarms);
  g_hash_table_destroy (self->hash_lists);
  g_hash_table_destroy (self->playback_models);
  g_hash_table_destroy (self->tracker_clients);
  g_hash_table_destroy (self->transports);
  g_hash_table_destroy (self->stream_settings);
  /* Let cancelled I/O callbacks run and drop their references. */
  while (g_main_context_iteration (self->context, FALSE));
  g_hash_table_destroy (self->sessions);
  p2p_manifest_registry_free (self->registry);
  p2p_segment_cache_free (self->cache);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
apply_env (P2pManager * self)
{
  const gchar *v;

  if ((v = g_getenv ("P2PCDN_TRACKERS")) && *v)
    self->trackers = g_strsplit (v, ",", -1);
  if ((v = g_getenv ("P2PCDN_STUN")) && *v)
    self->stun_server = g_strdup (v);
  if ((v = g_getenv ("P2PCDN_TURN")) && *v)
    self->turn_server = g_strdup (v);
  if ((v = g_getenv ("P2PCDN_CACHE_SIZE")) && *v)
    self->cache_size = g_ascii_strtoull (v, NULL, 10);
  if ((v = g_getenv ("P2PCDN_P2P")) && *v)
    self->p2p = !g_str_equal (v, "0") && g_ascii_strcasecmp (v, "off") != 0;
  if ((v = g_getenv ("P2PCDN_ICE_RELAY_ONLY")) && *v)
    self->ice_relay_only = g_str_equal (v, "1")
        || g_ascii_strcasecmp (v, "on") == 0;
  if ((v = g_getenv ("P2PCDN_SEGMENT_HASHES")) && *v)
    self->segment_hashes = g_strdup (v);
}

static void
p2p_manager_init (P2pManager * self)
{
  /* Not floating: applications create it with g_object_new() and own it. */
  g_object_ref_sink (self);
  self->max_peers = P2P_MANAGER_DEFAULT_MAX_PEERS;
  self->cache_size = P2P_MANAGER_DEFAULT_CACHE_SIZE;
  self->upload = TRUE;
  self->p2p = TRUE;
  apply_env (self);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("p2pcdn-manager", manager_thread, self);
}

static void
p2p_manager_finalize (GObject * object)
{
  P2pManager *self = P2P_MANAGER (object);

  g_main_context_invoke (self->context, (GSourceFunc) g_main_loop_quit,
      self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_strfreev (self->trackers);
  g_free (self->stun_server);
  g_free (self->turn_server);
  g_free (self->segment_hashes);
  G_OBJECT_CLASS (p2p_manager_parent_class)->finalize (object);
}

enum
{
  PROP_0,
  PROP_STATS,
  PROP_TRACKERS,
  PROP_STUN_SERVER,
  PROP_TURN_SERVER,
  PROP_ICE_RELAY_ONLY,
  PROP_MAX_PEERS,
  PROP_UPLOAD_RATE,
  PROP_PEER_UPLOAD_RATE,
  PROP_CACHE_SIZE,
  PROP_UPLOAD,
  PROP_P2P,
  PROP_SEGMENT_HASHES,
};

static gboolean
set_cache_size_cb (gpointer data)
{
  P2pManager *self = data;
  guint64 size;

  GST_OBJECT_LOCK (self);
  size = self->cache_size;
  GST_OBJECT_UNLOCK (self);
  if (self->cache)
    p2p_segment_cache_set_max_bytes (self->cache, size);
  return G_SOURCE_REMOVE;
}

/* Not g_main_context_invoke(): it would run @func here, under our object
 * lock, while the manager thread has not yet taken its context. */
static void
run_on_manager_thread (P2pManager * self, GSourceFunc func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static gboolean
set_upload_rate_cb (gpointer data)
{
  P2pManager *self = data;
  guint kbps;

  GST_OBJECT_LOCK (self);
  kbps = self->upload_kbps;
  GST_OBJECT_UNLOCK (self);
  p2p_rate_limit_set_rate (&self->upload_limit, kbps * 1000ull / 8);
  return G_SOURCE_REMOVE;
}

static void
p2p_manager_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  P2pManager *self = P2P_MANAGER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TRACKERS:
      g_strfreev (self->trackers);
      self->trackers = g_value_dup_boxed (value);
      break;
    case PROP_STUN_SERVER:
      g_free (self->stun_server);
      self->stun_server = g_value_dup_string (value);
      break;
    case PROP_TURN_SERVER:
      g_free (self->turn_server);
      self->turn_server = g_value_dup_string (value);
      break;
    case PROP_ICE_RELAY_ONLY:
      self->ice_relay_only = g_value_get_boolean (value);
      break;
    case PROP_UPLOAD_RATE:
      self->upload_kbps = g_value_get_uint (value);
      run_on_manager_thread (self, set_upload_rate_cb);
      break;
    case PROP_PEER_UPLOAD_RATE:
      self->peer_upload_kbps = g_value_get_uint (value);
      break;
    case PROP_MAX_PEERS:
      self->max_peers = g_value_get_uint (value);
      break;
    case PROP_CACHE_SIZE:
      self->cache_size = g_value_get_uint64 (value);
      run_on_manager_thread (self, set_cache_size_cb);
      break;
    case PROP_UPLOAD:
      self->upload = g_value_get_boolean (value);
      break;
    case PROP_P2P:
      self->p2p = g_value_get_boolean (value);
      break;
    case PROP_SEGMENT_HASHES:
      g_free (self->segment_hashes);
      self->segment_hashes = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
p2p_manager_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  P2pManager *self = P2P_MANAGER (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, p2p_manager_get_stats (self));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TRACKERS:
      g_value_set_boxed (value, self->trackers);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string (value, self->stun_server);
      break;
    case PROP_TURN_SERVER:
      g_value_set_string (value, self->turn_server);
      break;
    case PROP_ICE_RELAY_ONLY:
      g_value_set_boolean (value, self->ice_relay_only);
      break;
    case PROP_UPLOAD_RATE:
      g_value_set_uint (value, self->upload_kbps);
      break;
    case PROP_PEER_UPLOAD_RATE:
      g_value_set_uint (value, self->peer_upload_kbps);
      break;
    case PROP_MAX_PEERS:
      g_value_set_uint (value, self->max_peers);
      break;
    case PROP_CACHE_SIZE:
      g_value_set_uint64 (value, self->cache_size);
      break;
    case PROP_UPLOAD:
      g_value_set_boolean (value, self->upload);
      break;
    case PROP_P2P:
      g_value_set_boolean (value, self->p2p);
      break;
    case PROP_SEGMENT_HASHES:
      g_value_set_string (value, self->segment_hashes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
p2p_manager_class_init (P2pManagerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = p2p_manager_finalize;
  gobject_class->get_property = p2p_manager_get_property;
  gobject_class->set_property = p2p_manager_set_property;

  /**
   * P2pManager:stats:
   *
   * The manager's figures as a "p2pcdn-stats" structure.  Applications
   * reach the type by name ("P2pManager") once the plugin is loaded, so
   * they need no header or library of ours.
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "The manager's figures",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TRACKERS,
      g_param_spec_boxed ("trackers", "Trackers",
          "WebTorrent tracker URLs (ws:// or wss://); none = no peers "
          "(default: $P2PCDN_TRACKERS, comma separated)", G_TYPE_STRV,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STUN_SERVER,
      g_param_spec_string ("stun-server", "STUN server",
          "stun://host:port (default: $P2PCDN_STUN)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TURN_SERVER,
      g_param_spec_string ("turn-server", "TURN server",
          "turn(s)://user:password@host:port (default: $P2PCDN_TURN)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_ICE_RELAY_ONLY,
      g_param_spec_boolean ("ice-relay-only", "ICE relay only",
          "Reach peers only through the TURN server, offering them no host "
          "or server-reflexive address of ours; without a TURN server, no "
          "peers (default: $P2PCDN_ICE_RELAY_ONLY)", FALSE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_MAX_PEERS,
      g_param_spec_uint ("max-peers", "Maximum peers",
          "Peers connected at most, per swarm", 0, 1000,
          P2P_MANAGER_DEFAULT_MAX_PEERS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_UPLOAD_RATE,
      g_param_spec_uint ("upload-rate", "Upload rate",
          "Upload to peers of all swarms together, kbit/s (0 = no cap)",
          0, G_MAXUINT / 1000, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PEER_UPLOAD_RATE,
      g_param_spec_uint ("peer-upload-rate", "Upload rate per peer",
          "Upload to one peer, kbit/s (0 = no cap)", 0, G_MAXUINT / 1000, 0,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_CACHE_SIZE,
      g_param_spec_uint64 ("cache-size", "Cache size",
          "Bytes of segments kept for peers and replays (default: "
          "$P2PCDN_CACHE_SIZE)", 0, G_MAXUINT64,
          P2P_MANAGER_DEFAULT_CACHE_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_UPLOAD,
      g_param_spec_boolean ("upload", "Upload", "Serve segments to peers",
          TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_P2P,
      g_param_spec_boolean ("p2p", "Peer-to-peer",
          "Fetch segments from peers (off: HTTP only; default: $P2PCDN_P2P)",
          TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SEGMENT_HASHES,
      g_param_spec_string ("segment-hashes", "Segment hashes",
          "URL of the stream's SHA-256 segment list (PeerTube's "
          "segments-sha256.json; relative: to each segment's URI, one list a "
          "rendition); set: only segments from peers that match it are "
          "taken (default: $P2PCDN_SEGMENT_HASHES)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  GST_DEBUG_CATEGORY_INIT (p2p_manager_debug, "p2pcdn-manager", 0,
      "p2pcdn swarm manager");
}

P2pManager *
p2p_manager_new (void)
{
  return g_object_new (P2P_TYPE_MANAGER, NULL);
}

typedef struct {
  P2pManager *manager;
  GMutex lock;
  GCond cond;
  gboolean done;
} ExitJob;

static gboolean
leave_on_exit_cb (gpointer data)
{
  ExitJob *job = data;

  leave_all (job->manager);
  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
  return G_SOURCE_REMOVE;
}

/* The default manager is never released, so its swarms would end with the
 * process, silently: peers would wait for their timeouts and the trackers
 * would keep offering us.  At exit, its thread leaves them properly, within
 * a bound. */
static void
leave_on_exit (void)
{
  ExitJob *job;
  gint64 until;
  gboolean done;

  g_mutex_lock (&default_lock);
  if (!default_manager) {
    g_mutex_unlock (&default_lock);
    return;
  }
  job = g_new0 (ExitJob, 1);
  job->manager = gst_object_ref (default_manager);
  g_mutex_unlock (&default_lock);
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  until = g_get_monotonic_time () + (LEAVE_TRACKERS_MS + LEAVE_PEERS_MS +
      500) * G_TIME_SPAN_MILLISECOND;
  g_main_context_invoke (job->manager->context, leave_on_exit_cb, job);
  g_mutex_lock (&job->lock);
  while (!job->done && g_cond_wait_until (&job->cond, &job->lock, until));
  done = job->done;
  g_mutex_unlock (&job->lock);
  /* a job the manager thread did not finish in time is left to it */
  if (done) {
    gst_object_unref (job->manager);
    g_mutex_clear (&job->lock);
    g_cond_clear (&job->cond);
    g_free (job);
  }
}

P2pManager *
p2p_manager_get_default (void)
{
  P2pManager *m;

  /* The default lives as long as the process: pipelines come and go (a
   * player zapping channels), its HTTP connections and cache stay.  Its
   * swarms leave once nothing has been fetched for a while. */
  g_mutex_lock (&default_lock);
  if (!default_manager) {
    default_manager = p2p_manager_new ();
    atexit (leave_on_exit);
  }
  m = gst_object_ref (default_manager);
  g_mutex_unlock (&default_lock);
  return m;
}

GstContext *
p2p_manager_make_context (P2pManager * manager)
{
  GstContext *context = gst_context_new (P2P_MANAGER_CONTEXT_TYPE, TRUE);

  gst_structure_set (gst_context_writable_structure (context), "manager",
      P2P_TYPE_MANAGER, manager, NULL);
  return context;
}

P2pManager *
p2p_manager_from_context (GstContext * context)
{
  P2pManager *manager = NULL;

  if (g_strcmp0 (gst_context_get_context_type (context),
          P2P_MANAGER_CONTEXT_TYPE) != 0)
    return NULL;
  gst_structure_get (gst_context_get_structure (context), "manager",
      P2P_TYPE_MANAGER, &manager, NULL);
  return manager;
}

static SoupSession *
get_session (P2pManager * self, const P2pHttpOptions * o)
{
  gchar *key = p2p_http_options_session_key (o);
  SoupSession *session = g_hash_table_lookup (self->sessions, key);

  if (session) {
    g_free (key);
    return session;
  }

  session = soup_session_new_with_options ("timeout", o->timeout,
      "max-conns-per-host", 8, NULL);
  if (o->proxy) {
    GProxyResolver *resolver = g_simple_proxy_resolver_new (o->proxy, NULL);

    soup_session_set_proxy_resolver (session, resolver);
    g_object_unref (resolver);
  }
  if (o->tls_database) {
    soup_session_set_tls_database (session, o->tls_database);
  } else if (o->ssl_ca_file) {
    GError *error = NULL;
    GTlsDatabase *db = g_tls_file_database_new (o->ssl_ca_file, &error);

    if (db) {
      soup_session_set_tls_database (session, db);
      g_object_unref (db);
    } else {
      GST_WARNING_OBJECT (self, "Cannot load %s: %s", o->ssl_ca_file,
          error->message);
      g_clear_error (&error);
    }
  } else if (!o->ssl_use_system_ca_file) {
    soup_session_set_tls_database (session, NULL);
  }
  if (o->tls_interaction)
    soup_session_set_tls_interaction (session, o->tls_interaction);
  p2p_http_session_set_log_level (session, o->log_level);
  GST_DEBUG_OBJECT (self, "new HTTP session for %s", key);
  g_hash_table_insert (self->sessions, key, session);
  return session;
}

/* The hash list of the segment at @segment_uri: the segment-hashes URL,
 * resolved against the segment's URI when relative (PeerTube keeps one
 * list next to each rendition's files, whose names repeat across
 * renditions).  NULL when none is configured, or too many are in use, or
 * (!@create) none is held yet. */
static P2pHashList *
hash_list_for (P2pManager * self, const gchar * segment_uri, gboolean create)
{
  gchar *ref, *url;
  P2pHashList *list;

  GST_OBJECT_LOCK (self);
  ref = g_strdup (self->segment_hashes);
  GST_OBJECT_UNLOCK (self);
  if (!ref || !*ref) {
    g_free (ref);
    return NULL;
  }
  url = gst_uri_join_strings (segment_uri, ref);
  g_free (ref);
  if (!url)
    return NULL;
  list = g_hash_table_lookup (self->hash_lists, url);
  if (!list && create
      && g_hash_table_size (self->hash_lists) < MAX_HASH_LISTS) {
    list = p2p_hash_list_new (url);
    g_hash_table_insert (self->hash_lists, g_strdup (url), list);
  }
  g_free (url);
  return list;
}

static gboolean
manifest_wanted (const gchar * final_uri, const gchar * content_type,
    const guint8 * first, gsize len, gpointer user_data)
{
  return p2p_manifest_sniff (final_uri, content_type, first, len) !=
      P2P_MANIFEST_FORMAT_UNKNOWN;
}

/* Runs on the manager thread while the manager lives: it stops its loop
 * before it goes. */
static GBytes *
manifest_transform (const P2pHttpOptions * options, const gchar * final_uri,
    GBytes * body, gchar ** warning, GError ** error, gpointer user_data)
{
  P2pManager *self = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);
  P2pManifestFormat format;
  GError *parse_error = NULL;
  GBytes *out;

  format = p2p_manifest_sniff (final_uri, NULL, data, len);
  if (format == P2P_MANIFEST_FORMAT_UNKNOWN)
    format = p2p_manifest_sniff (final_uri, NULL, NULL, 0);
  out = p2p_manifest_registry_add (self->registry, format, final_uri,
      options->swarm_id, data, len, options->scheme_prefix,
      &parse_error);
  if (out) {
    P2pHashList *list = hash_list_for (self, final_uri, FALSE);

    GST_OBJECT_LOCK (self);
    self->manifests_parsed++;
    GST_OBJECT_UNLOCK (self);
    /* The demuxer's own sources (segments, media playlists) carry no
     * settings: the stream keeps those of the element that loaded it. */
    if (options->swarm_settings)
      g_hash_table_insert (self->stream_settings,
          p2p_swarm_id_for_manifest (final_uri, options->swarm_id),
          gst_structure_copy (options->swarm_settings));
    /* a live playlist names new segments: peers may send them before our
     * request for them would refresh the list */
    if (list)
      p2p_hash_list_refresh (list, get_session (self, options), options,
          TRUE);
    return out;
  }

  GST_OBJECT_LOCK (self);
  self->manifests_rejected++;
  GST_OBJECT_UNLOCK (self);
  if (g_error_matches (parse_error, P2P_MANIFEST_ERROR,
          P2P_MANIFEST_ERROR_TOO_LARGE)) {
    g_set_error (error, P2P_FETCH_ERROR, P2P_FETCH_ERROR_MANIFEST,
        "Manifest %s refused: %s", final_uri, parse_error->message);
    g_error_free (parse_error);
    return NULL;
  }
  /* The demuxer may still make sense of it: hand it over untouched and let
   * this resource go over HTTP only. */
  *warning = g_strdup_printf ("Manifest %s not understood, peer-to-peer is "
      "off for it: %s", final_uri, parse_error->message);
  GST_WARNING_OBJECT (self, "%s", *warning);
  g_error_free (parse_error);
  return g_bytes_ref (body);
}

static gboolean
index_wanted (const gchar * final_uri, const gchar * content_type,
    const guint8 * first, gsize len, gpointer user_data)
{
  return TRUE;
}

/* A DASH SegmentBase index: the registry learns the segment boundaries of
 * the file, the bytes go on unchanged. */
static GBytes *
index_transform (const P2pHttpOptions * options, const gchar * final_uri,
    GBytes * body, gchar ** warning, GError ** error, gpointer user_data)
{
  P2pManager *self = user_data;
  GError *index_error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  if (!p2p_manifest_registry_add_index (self->registry, options->uri,
          options->start, data, len, &index_error)) {
    GST_WARNING_OBJECT (self, "index of %s not understood: %s", options->uri,
        index_error->message);
    g_error_free (index_error);
  }
  return g_bytes_ref (body);
}

/* The player's model for the stream of @stream_swarm_id, shared by its
 * renditions. */
static P2pPlaybackModel *
playback_model_for (P2pManager * self, const gchar * stream_swarm_id)
{
  gchar *key = playback_model_key (stream_swarm_id);
  P2pPlaybackModel *model = g_hash_table_lookup (self->playback_models, key);

  if (model) {
    g_free (key);
    return model;
  }
  model = g_new0 (P2pPlaybackModel, 1);
  p2p_playback_model_init (model);
  g_hash_table_insert (self->playback_models, key, model);
  return model;
}

/* Bytes from peers (P2pSwarmCheckFunc): the size and container the
 * manifest implies, then, with a hash list, its hash.  Unverified peer
 * bytes are taken only without a list (docs/architecture.md, "Bytes from
 * peers"). */
static gboolean
check_peer_segment (const gchar * stream_swarm_id, gint64 segment_id,
    GBytes * data, gint64 expected_size, gboolean * verified, GError ** error,
    gpointer user_data)
{
  P2pManager *self = user_data;
  const P2pSegment *seg = p2p_manifest_registry_find_segment (self->registry,
      stream_swarm_id, segment_id);
  const P2pSegmentHashes *hashes;
  P2pHashList *list;
  gboolean configured;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  if (expected_size < 0 && seg && seg->range_start >= 0 && seg->range_end >= 0)
    expected_size = seg->range_end - seg->range_start + 1;
  if (!p2p_segment_check (bytes, len, expected_size, seg && seg->aes128 ?
          P2P_SEGMENT_CHECK_AES128 : P2P_SEGMENT_CHECK_NONE, error))
    return FALSE;
  GST_OBJECT_LOCK (self);
  configured = self->segment_hashes && *self->segment_hashes;
  GST_OBJECT_UNLOCK (self);
  if (!configured)
    return TRUE;
  list = seg ? hash_list_for (self, seg->uri, TRUE) : NULL;
  if (!list) {
    g_set_error_literal (error, P2P_SEGMENT_CHECK_ERROR,
        P2P_SEGMENT_CHECK_ERROR_UNVERIFIED, "no hash list for it");
    return FALSE;
  }
  hashes = p2p_hash_list_get (list);
  switch (hashes && seg ? p2p_segment_hashes_verify (hashes, seg->uri,
          seg->range_start, seg->range_end, bytes, len) : P2P_HASH_UNKNOWN) {
    case P2P_HASH_MATCH:
      *verified = TRUE;
      return TRUE;
    case P2P_HASH_MISMATCH:
      g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
          P2P_SEGMENT_CHECK_ERROR_HASH, "SHA-256 differs from %s",
          p2p_hash_list_get_uri (list));
      return FALSE;
    default:
      /* a live list may name it by now */
      p2p_hash_list_refresh_again (list);
      g_set_error (error, P2P_SEGMENT_CHECK_ERROR,
          P2P_SEGMENT_CHECK_ERROR_UNVERIFIED, "not in the hash list %s%s",
          p2p_hash_list_get_uri (list), hashes ? "" :
          " (not loaded)");
      return FALSE;
  }
}

/* What the stream of @info asks for: the manager's properties, the explicit
 * settings of the element that loaded its manifest, then the request's own. */
static void
resolve_settings (P2pManager * self, const P2pRequestInfo * info,
    const P2pHttpOptions * options, P2pSwarmSettings * settings)
{
  gchar *swarm_id = info->stream_swarm_id ?
      p2p_swarm_id_of_stream (info->stream_swarm_id) : NULL;

  GST_OBJECT_LOCK (self);
  settings->p2p = self->p2p;
  settings->trackers = g_strdupv (self->trackers);
  settings->stun_server = g_strdup (self->stun_server);
  settings->turn_server = g_strdup (self->turn_server);
  settings->ice_relay_only = self->ice_relay_only;
  settings->max_peers = self->max_peers;
  settings->peer_upload_kbps = self->peer_upload_kbps;
  settings->upload = self->upload;
  GST_OBJECT_UNLOCK (self);
  if (swarm_id)
    p2p_swarm_settings_overlay (settings,
        g_hash_table_lookup (self->stream_settings, swarm_id));
  p2p_swarm_settings_overlay (settings, options->swarm_settings);
  g_free (swarm_id);
}

/* A stream with P2P is opening: its first peers need the DTLS certificate,
 * which takes a while to make (p2p-webrtc-transport.c); make it while the
 * playlists load, not when the first offer is due. */
static void
warm_up_webrtc (P2pManager * self, const P2pRequestInfo * info,
    const P2pHttpOptions * options)
{
  P2pSwarmSettings settings = { 0 };
  GThread *thread;

  if (self->no_webrtc || self->dtls_warm_up_asked)
    return;
  resolve_settings (self, info, options, &settings);
  if (settings.p2p && settings.trackers && settings.trackers[0]) {
    self->dtls_warm_up_asked = TRUE;
    /* NULL when another manager of the process made it */
    if ((thread = p2p_webrtc_transport_warm_up ())) {
      GST_DEBUG_OBJECT (self, "making the DTLS certificate");
      self->dtls_warm_up = thread;
    }
  }
  p2p_swarm_settings_clear (&settings);
}

/* The WebRTC transport for @settings' ICE servers, made on first use. */
static P2pTransport *
get_transport (P2pManager * self, const P2pSwarmSettings * settings)
{
  gchar *key = p2p_swarm_settings_ice_key (settings);
  P2pTransport *transport = g_hash_table_lookup (self->transports, key);
  const gchar *turns[] = { settings->turn_server, NULL };
  GError *error = NULL;

  if (transport || self->no_webrtc) {
    g_free (key);
    return transport;
  }
  transport = p2p_webrtc_transport_new (self->context, &error);
  if (!transport) {
    GST_ERROR_OBJECT (self, "no WebRTC transport, HTTP only: %s",
        error->message);
    g_clear_error (&error);
    self->no_webrtc = TRUE;
    g_free (key);
    return NULL;
  }
  if (!p2p_transport_set_ice_servers (transport, settings->stun_server,
          settings->turn_server ? turns : NULL, &error)) {
    GST_WARNING_OBJECT (self, "ICE servers refused: %s", error->message);
    g_clear_error (&error);
  }
  p2p_transport_set_relay_only (transport, settings->ice_relay_only);
  g_hash_table_insert (self->transports, key, transport);
  return transport;
}

/* The clients of @urls, one per tracker URL for the whole manager. */
static GPtrArray *
get_tracker_clients (P2pManager * self, gchar ** urls)
{
  GPtrArray *clients = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; urls[i]; i++) {
    gchar *url = g_strstrip (g_strdup (urls[i]));
    P2pTrackerClient *client = g_hash_table_lookup (self->tracker_clients,
        url);
    GError *error = NULL;

    if (!client && *url) {
      client = p2p_tracker_client_new (url, self->context, &error);
      if (client) {
        g_hash_table_insert (self->tracker_clients, g_strdup (url), client);
      } else {
        GST_WARNING_OBJECT (self, "tracker %s refused: %s", url,
            error->message);
        g_clear_error (&error);
      }
    }
    if (client)
      g_ptr_array_add (clients, g_object_ref (client));
    g_free (url);
  }
  return clients;
}

/* The swarm of @info, started on first use with the stream's settings;
 * NULL when peer-to-peer is off for it or it has no tracker. */
static P2pSwarm *
get_swarm (P2pManager * self, const P2pRequestInfo * info,
    const P2pHttpOptions * options)
{
  P2pSwarm *swarm;
  P2pSwarmSettings settings = { 0, };
  P2pSwarmConfig config = { 0, };
  P2pTransport *transport;
  GPtrArray *trackers;

  if (self->left)
    return NULL;
  resolve_settings (self, info, options, &settings);
  /* off for this request's stream; a swarm other pipelines use stays */
  if (!settings.p2p || !settings.trackers || !settings.trackers[0]) {
    p2p_swarm_settings_clear (&settings);
    return NULL;
  }
  /* relayed only, with no relay: no peer can be reached without our
   * addresses */
  if (settings.ice_relay_only && !(settings.turn_server
          && *settings.turn_server)) {
    if (!self->warned_relay_no_turn)
      GST_WARNING_OBJECT (self, "ice-relay-only is set but no TURN server: "
          "no peers, segments come over HTTP");
    self->warned_relay_no_turn = TRUE;
    p2p_swarm_settings_clear (&settings);
    return NULL;
  }
  swarm = g_hash_table_lookup (self->swarms, info->info_hash);
  if (swarm || !(transport = get_transport (self, &settings))) {
    p2p_swarm_settings_clear (&settings);
    return swarm;
  }
  trackers = get_tracker_clients (self, settings.trackers);

  config.max_peers = settings.max_peers;
  config.upload = settings.upload;
  config.peer_upload_rate = settings.peer_upload_kbps * 1000ull / 8;
  config.stall_timeout_ms = 2000;
  config.offers_per_announce = 5;
  config.max_uploads = P2P_MANAGER_MAX_UPLOADS;
  config.live = info->live;
  config.consumer_ops = &p2p_segment_fetch_consumer_ops;
  config.upload_limit = &self->upload_limit;
  config.playback_model = playback_model_for (self, info->stream_swarm_id);
  config.check_segment = check_peer_segment;
  config.check_data = self;
  swarm = p2p_swarm_new (info->info_hash, info->stream_swarm_id,
      &self->peer_id, &config, transport, trackers, self->cache,
      &self->swarm_live);
  GST_INFO_OBJECT (self, "joined swarm %s (%s) through %u trackers",
      info->info_hash, info->stream_swarm_id, trackers->len);
  g_hash_table_insert (self->swarms, g_strdup (info->info_hash), swarm);
  g_ptr_array_unref (trackers);
  p2p_swarm_settings_clear (&settings);
  return swarm;
}

/* A request for exactly one whole segment (or exactly its byte range) can
 * be served from the cache or by peers. */
static gboolean
is_whole_segment (const P2pRequestInfo * info, const P2pHttpOptions * o)
{
  const P2pSegment *seg;

  if (info->kind != P2P_RESOURCE_SEGMENT || info->n_segments != 1
      || !info->info_hash)
    return FALSE;
  seg = info->segments[0];
  if (seg->range_start < 0)
    return o->start == 0 && o->stop < 0;
  return (gint64) o->start == seg->range_start && seg->range_end >= 0
      && o->stop == seg->range_end + 1;
}

static void
start_segment (P2pManager * self, OpenJob * job, const P2pRequestInfo * info)
{
  P2pSegmentRequest *req = g_new0 (P2pSegmentRequest, 1);
  const P2pSegment *seg = info->segments[0];
  P2pHashList *hash_list;
  gint64 first_id;

  /* live segments that left the window go from the cache */
  if (info->live && p2p_manifest_registry_get_live_window (self->registry,
          info->stream_swarm_id, &first_id))
    p2p_segment_cache_set_live_window (self->cache, info->info_hash,
        first_id);

  req->session = g_object_ref (get_session (self, job->options));
  req->options = p2p_http_options_copy (job->options);
  req->options->is_segment = TRUE;
  req->fetch = p2p_fetch_ref (job->fetch);
  req->swarm = get_swarm (self, info, job->options);
  if (req->swarm) {
    p2p_swarm_ref (req->swarm);
    p2p_swarm_set_bandwidth (req->swarm, info->bandwidth);
  }
  /* over HTTP like the segment itself: the origin, never peers */
  if (req->swarm && (hash_list = hash_list_for (self, seg->uri, TRUE)))
    p2p_hash_list_refresh (hash_list, req->session, req->options, info->live);
  req->cache = self->cache;
  req->info_hash = g_strdup (info->info_hash);
  req->segment_id = seg->id;
  req->expected_size = seg->range_start >= 0 && seg->range_end >= 0 ?
      seg->range_end - seg->range_start + 1 : -1;
  req->check_flags = seg->aes128 ? P2P_SEGMENT_CHECK_AES128 :
      P2P_SEGMENT_CHECK_NONE;
  req->live = info->live;
  req->duration = seg->duration;
  req->counters = &self->seg_live;
  req->changed = publish_counters;
  req->changed_data = self;
  p2p_segment_fetch_start (req);
}

static void
open_job_free (OpenJob * job)
{
  gst_object_unref (job->manager);
  p2p_http_options_free (job->options);
  p2p_fetch_unref (job->fetch);
  g_free (job);
}

static gboolean
open_on_manager_thread (gpointer data)
{
  OpenJob *job = data;
  P2pManager *self = job->manager;
  P2pRequestInfo info;
  P2pHttpBodyHooks manifest_hooks = {
    .wants_body = manifest_wanted,
    .transform = manifest_transform,
    .user_data = self,
  };
  P2pHttpBodyHooks index_hooks = {
    .wants_body = index_wanted,
    .transform = index_transform,
    .user_data = self,
  };
  const P2pHttpBodyHooks *hooks = NULL;
  gint64 range_end;

  if (p2p_fetch_is_cancelled (job->fetch)) {
    p2p_fetch_finish (job->fetch, g_error_new_literal (G_IO_ERROR,
            G_IO_ERROR_CANCELLED, "Cancelled"));
    return G_SOURCE_REMOVE;
  }

  range_end = job->options->stop > 0 ? job->options->stop - 1 : -1;
  p2p_manifest_registry_classify (self->registry, job->options->uri,
      job->options->start == 0 && range_end < 0 ? -1 :
      (gint64) job->options->start, range_end, &info);
  GST_OBJECT_LOCK (self);
  self->requests[info.kind]++;
  GST_OBJECT_UNLOCK (self);
  if (info.kind == P2P_RESOURCE_SEGMENT && info.n_segments > 0)
    GST_DEBUG_OBJECT (self, "%s: segment %" G_GINT64_FORMAT " (+%u) of %s",
        job->options->uri, info.segments[0]->id, info.n_segments - 1,
        info.stream_swarm_id);
  else
    GST_DEBUG_OBJECT (self, "%s: %s", job->options->uri,
        p2p_resource_kind_to_string (info.kind));

  if (info.kind != P2P_RESOURCE_SEGMENT && !self->left)
    warm_up_webrtc (self, &info, job->options);
  if (is_whole_segment (&info, job->options)) {
    start_segment (self, job, &info);
    return G_SOURCE_REMOVE;
  }
  if (info.kind == P2P_RESOURCE_SEGMENT)
    job->options->is_segment = TRUE;

  /* Only whole bodies can be manifests worth rewriting. */
  if (info.kind == P2P_RESOURCE_INDEX)
    hooks = &index_hooks;
  else if (job->options->start == 0 && job->options->stop < 0)
    hooks = &manifest_hooks;
  p2p_http_request_start (get_session (self, job->options), job->options,
      job->fetch, hooks);
  return G_SOURCE_REMOVE;
}

P2pFetch *
p2p_manager_open (P2pManager * manager, const P2pHttpOptions * options)
{
  OpenJob *job = g_new0 (OpenJob, 1);
  P2pFetch *fetch = p2p_fetch_new (manager->context);
  GSource *source;

  job->manager = gst_object_ref (manager);
  job->options = p2p_http_options_copy (options);
  job->fetch = p2p_fetch_ref (fetch);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, open_on_manager_thread, job,
      (GDestroyNotify) open_job_free);
  g_source_attach (source, manager->context);
  g_source_unref (source);
  return fetch;
}

GstStructure *
p2p_manager_get_stats (P2pManager * self)
{
  GstStructure *s;

  GST_OBJECT_LOCK (self);
  s = gst_structure_new ("p2pcdn-stats",
      "http-bytes", G_TYPE_UINT64, self->seg.http_bytes,
      "p2p-bytes", G_TYPE_UINT64, self->seg.p2p_bytes,
      "cache-bytes", G_TYPE_UINT64, self->seg.cache_bytes,
      "upload-bytes", G_TYPE_UINT64, self->swarm_counters.upload_bytes,
      "peers", G_TYPE_UINT, self->peers,
      "segments-http", G_TYPE_UINT64, self->seg.segments_http,
      "segments-p2p", G_TYPE_UINT64, self->seg.segments_p2p,
      "segments-cache", G_TYPE_UINT64, self->seg.segments_cache,
      "segments-uploaded", G_TYPE_UINT64, self->swarm_counters.uploads,
      "p2p-failures", G_TYPE_UINT64, self->seg.p2p_failures,
      "peers-dropped", G_TYPE_UINT64, self->swarm_counters.peers_dropped,
      "bad-peer-segments", G_TYPE_UINT64,
      self->swarm_counters.bad_peer_segments,
      "banned-peers", G_TYPE_UINT64, self->swarm_counters.banned_peers,
      "manifest-requests", G_TYPE_UINT64, self->requests[P2P_RESOURCE_MANIFEST],
      "init-requests", G_TYPE_UINT64, self->requests[P2P_RESOURCE_INIT],
      "segment-requests", G_TYPE_UINT64, self->requests[P2P_RESOURCE_SEGMENT],
      "key-requests", G_TYPE_UINT64, self->requests[P2P_RESOURCE_KEY],
      "index-requests", G_TYPE_UINT64, self->requests[P2P_RESOURCE_INDEX],
      "other-requests", G_TYPE_UINT64, self->requests[P2P_RESOURCE_OTHER],
      "manifests-parsed", G_TYPE_UINT64, self->manifests_parsed,
      "manifests-rejected", G_TYPE_UINT64, self->manifests_rejected, NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}
