/* gst-p2pcdn: base class of the p2phlssrc and p2pdashsrc source elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element keeps souphttpsrc's properties and streaming-thread contract
 * (push mode, BYTES seeks for ranges, http-headers, the same errors) and
 * hands every request to the swarm manager, reading the answer from a
 * P2pFetch.
 *
 * Thread safety notes: properties are guarded by the object lock.  The
 * request state (fetch, positions, sizes) is touched by the streaming thread
 * and by do_seek()/start()/stop(), which GstBaseSrc serializes with the
 * stream lock; unlock() only cancels the current fetch, taking the object
 * lock to read it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstp2psrc.h"

#include <string.h>

#include "p2p-manager.h"
#include "p2p-swarm-settings.h"
#include "p2p-gateway.h"

GST_DEBUG_CATEGORY_STATIC (gst_p2p_src_debug);
#define GST_CAT_DEFAULT gst_p2p_src_debug

#define DEFAULT_USER_AGENT "GStreamer p2pcdn {VERSION} "
#define DEFAULT_IRADIO_MODE TRUE
#define DEFAULT_SOUP_LOG_LEVEL 2        /* SOUP_LOGGER_LOG_HEADERS, as souphttpsrc */
#define DEFAULT_COMPRESS FALSE
#define DEFAULT_KEEP_ALIVE TRUE
#define DEFAULT_SSL_STRICT TRUE
#define DEFAULT_SSL_USE_SYSTEM_CA_FILE TRUE
#define DEFAULT_TIMEOUT 15
#define DEFAULT_RETRIES 3
#define DEFAULT_RETRY_BACKOFF_FACTOR 0.0
#define DEFAULT_RETRY_BACKOFF_MAX 60.0
#define DEFAULT_METHOD NULL
#define DEFAULT_BLOCKSIZE (64 * 1024)
#define NOENV "; no environment variable"

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_IS_LIVE,
  PROP_USER_AGENT,
  PROP_AUTOMATIC_REDIRECT,
  PROP_PROXY,
  PROP_USER_ID,
  PROP_USER_PW,
  PROP_PROXY_ID,
  PROP_PROXY_PW,
  PROP_COOKIES,
  PROP_IRADIO_MODE,
  PROP_TIMEOUT,
  PROP_EXTRA_HEADERS,
  PROP_SOUP_LOG_LEVEL,
  PROP_COMPRESS,
  PROP_KEEP_ALIVE,
  PROP_SSL_STRICT,
  PROP_SSL_CA_FILE,
  PROP_SSL_USE_SYSTEM_CA_FILE,
  PROP_TLS_DATABASE,
  PROP_RETRIES,
  PROP_RETRY_BACKOFF_FACTOR,
  PROP_RETRY_BACKOFF_MAX,
  PROP_METHOD,
  PROP_TLS_INTERACTION,
  PROP_SWARM_ID,
  /* forwarded to the swarm manager when set */
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
  N_PROPS
};

/* Manager settings an element may carry.  The per-stream ones
 * (p2p_swarm_settings_has_property()) travel with the element's requests
 * and apply to the stream whose manifest it loads, not to other pipelines;
 * the per-process ones (cache-size, upload-rate) are applied to the manager
 * it uses when it starts. */
static const struct
{
  const gchar *name;
  const gchar *blurb;
} manager_props[] = {
  /* a string list cannot be set from gst-launch 1.22: the element takes
   * the environment variable's comma separated form */
  {"trackers", "WebTorrent tracker URLs (ws:// or wss://), comma separated; "
        "empty = no peers (per stream; default: $P2PCDN_TRACKERS, else none)"},
  {"stun-server", "STUN server, stun://host:port (per stream; default: "
        "$P2PCDN_STUN, else none)"},
  {"turn-server", "TURN server, turn(s)://user:password@host:port (per "
        "stream; default: $P2PCDN_TURN, else none)"},
  {"ice-relay-only", "Reach peers only through the TURN server: no host or "
        "server-reflexive address of ours is offered to them; without a TURN "
        "server, no peers (per stream; default: true if "
        "$P2PCDN_ICE_RELAY_ONLY is 1 or on, else false)"},
  {"max-peers", "Peers connected at most in the stream's swarm (per stream; "
        "default: 20" NOENV ")"},
  {"upload-rate", "Upload to peers of all swarms together, kbit/s, 0 = no "
        "cap (per process: sets the manager's, for every pipeline; default: "
        "0" NOENV ")"},
  {"peer-upload-rate", "Upload to one peer, kbit/s, 0 = no cap (per "
        "stream; default: 0" NOENV ")"},
  {"cache-size", "Bytes of segments kept for peers and replays (per "
        "process: sets the manager's, for every pipeline; default: "
        "$P2PCDN_CACHE_SIZE, else 67108864)"},
  {"upload", "Serve the stream's segments to peers (per stream; default: "
        "true" NOENV ")"},
  {"p2p", "Fetch the stream's segments from peers, false = HTTP only (per "
        "stream; default: false if $P2PCDN_P2P is off or 0, else true)"},
  {"segment-hashes", "URL of the stream's SHA-256 segment list "
        "(PeerTube's segments-sha256.json), relative to each segment's URI "
        "when relative; peers' segments are taken only when they match it "
        "(per process: sets the manager's, for every pipeline; default: "
        "$P2PCDN_SEGMENT_HASHES, else none)"},
};

#define STATS_INTERVAL_US (2 * G_USEC_PER_SEC)

typedef struct
{
  /* properties, object lock */
  gchar *location;              /* as set, possibly with our scheme */
  gchar *http_location;         /* the same as plain http(s) */
  gboolean custom_scheme;       /* location carried our scheme */
  gchar *redirection_uri;       /* plain http(s), from the last response */
  gboolean redirection_permanent;
  gboolean answered_manifest;   /* the last response was a manifest */
  /* the manager's gateway ("http://127.0.0.1:PORT/TOKEN/") when the
   * demuxer downloads by itself; NULL: it makes our element per URI */
  gchar *gateway_base;
  /* posts the manager's figures while the demuxer reads past us */
  GstClockID stats_tick;        /* object lock */
  P2pHttpOptions *opts;         /* uri/start/stop unused here */
  gboolean iradio_mode;
  gint log_level;
  GValue manager_values[G_N_ELEMENTS (manager_props)];  /* unset = not set */
  gint64 last_stats_post;

  P2pManager *manager;          /* object lock */
  gboolean configured_source;   /* not made by a demuxer: see start() */

  /* request state, stream lock */
  P2pFetch *fetch;              /* also read under the object lock by unlock() */
  gboolean flushing;
  guint64 request_position;
  guint64 read_position;
  gint64 stop_position;
  gboolean have_size;
  guint64 content_size;
  gboolean seekable;
  gboolean got_headers;
  gboolean have_body;
  gboolean fetch_is_segment;
} GstP2pSrcPrivate;

static void gst_p2p_src_uri_handler_init (gpointer g_iface,
    gpointer iface_data);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstP2pSrc, gst_p2p_src, GST_TYPE_PUSH_SRC,
    G_ADD_PRIVATE (GstP2pSrc)
    G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_p2p_src_uri_handler_init));

#define PRIV(obj) ((GstP2pSrcPrivate *) gst_p2p_src_get_instance_private (GST_P2P_SRC (obj)))

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* Strips any "p2pXXX+" scheme prefix: the manager speaks plain http(s). */
static gchar *
to_http_uri (const gchar * uri, gboolean * had_prefix)
{
  const gchar *plus;

  *had_prefix = FALSE;
  if (!uri)
    return NULL;
  plus = strchr (uri, '+');
  if (g_str_has_prefix (uri, "p2p") && plus && plus < strchr (uri, ':')) {
    *had_prefix = TRUE;
    return g_strdup (plus + 1);
  }
  return g_strdup (uri);
}

static gboolean
gst_p2p_src_set_location (GstP2pSrc * self, const gchar * uri, GError ** error)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  gboolean had_prefix;
  gchar *http_uri = to_http_uri (uri, &had_prefix);

  if (uri && !g_str_has_prefix (http_uri, "http://")
      && !g_str_has_prefix (http_uri, "https://")) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "Not an http(s) URI: %s", uri);
    g_free (http_uri);
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  g_free (priv->location);
  g_free (priv->http_location);
  priv->location = g_strdup (uri);
  priv->http_location = http_uri;
  priv->custom_scheme = had_prefix;
  g_clear_pointer (&priv->redirection_uri, g_free);
  priv->answered_manifest = FALSE;
  GST_OBJECT_UNLOCK (self);
  return uri != NULL;
}

/* The demuxers copy Referer from the manifest request, custom scheme and
 * all; origins must see plain http(s). */
static gboolean
strip_scheme_in_header (GQuark field, GValue * value, gpointer user_data)
{
  if (G_VALUE_HOLDS_STRING (value)) {
    gboolean had_prefix;
    gchar *plain = to_http_uri (g_value_get_string (value), &had_prefix);

    if (had_prefix)
      g_value_take_string (value, plain);
    else
      g_free (plain);
  }
  return TRUE;
}

static void
gst_p2p_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstP2pSrc *self = GST_P2P_SRC (object);
  GstP2pSrcPrivate *priv = PRIV (self);
  P2pHttpOptions *o = priv->opts;

  if (prop_id == PROP_LOCATION) {
    GError *error = NULL;

    if (!gst_p2p_src_set_location (self, g_value_get_string (value), &error)) {
      if (error)
        GST_WARNING_OBJECT (self, "%s", error->message);
      g_clear_error (&error);
    }
    return;
  }
  if (prop_id == PROP_IS_LIVE) {
    gst_base_src_set_live (GST_BASE_SRC (self), g_value_get_boolean (value));
    return;
  }

  GST_OBJECT_LOCK (self);
  if (prop_id >= PROP_TRACKERS) {
    GValue *v = &priv->manager_values[prop_id - PROP_TRACKERS];

    if (G_IS_VALUE (v))
      g_value_unset (v);
    g_value_init (v, G_VALUE_TYPE (value));
    g_value_copy (value, v);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  switch (prop_id) {
    case PROP_USER_AGENT:
      g_free (o->user_agent);
      o->user_agent = g_value_dup_string (value);
      break;
    case PROP_AUTOMATIC_REDIRECT:
      o->automatic_redirect = g_value_get_boolean (value);
      break;
    case PROP_PROXY:{
      const gchar *proxy = g_value_get_string (value);

      g_clear_pointer (&o->proxy, g_free);
      if (proxy && *proxy)
        o->proxy = strstr (proxy, "://") ? g_strdup (proxy) :
            g_strconcat ("http://", proxy, NULL);
      break;
    }
    case PROP_USER_ID:
      g_free (o->user_id);
      o->user_id = g_value_dup_string (value);
      break;
    case PROP_USER_PW:
      g_free (o->user_pw);
      o->user_pw = g_value_dup_string (value);
      break;
    case PROP_PROXY_ID:
      g_free (o->proxy_id);
      o->proxy_id = g_value_dup_string (value);
      break;
    case PROP_PROXY_PW:
      g_free (o->proxy_pw);
      o->proxy_pw = g_value_dup_string (value);
      break;
    case PROP_COOKIES:
      g_strfreev (o->cookies);
      o->cookies = g_strdupv (g_value_get_boxed (value));
      break;
    case PROP_IRADIO_MODE:
      priv->iradio_mode = g_value_get_boolean (value);
      break;
    case PROP_TIMEOUT:
      o->timeout = g_value_get_uint (value);
      break;
    case PROP_EXTRA_HEADERS:{
      const GstStructure *s = gst_value_get_structure (value);

      if (o->extra_headers)
        gst_structure_free (o->extra_headers);
      o->extra_headers = s ? gst_structure_copy (s) : NULL;
      if (o->extra_headers)
        gst_structure_map_in_place (o->extra_headers, strip_scheme_in_header,
            NULL);
      break;
    }
    case PROP_SOUP_LOG_LEVEL:
      priv->log_level = g_value_get_enum (value);
      break;
    case PROP_COMPRESS:
      o->compress = g_value_get_boolean (value);
      break;
    case PROP_KEEP_ALIVE:
      o->keep_alive = g_value_get_boolean (value);
      break;
    case PROP_SSL_STRICT:
      o->ssl_strict = g_value_get_boolean (value);
      break;
    case PROP_SSL_CA_FILE:
      g_free (o->ssl_ca_file);
      o->ssl_ca_file = g_value_dup_string (value);
      break;
    case PROP_SSL_USE_SYSTEM_CA_FILE:
      o->ssl_use_system_ca_file = g_value_get_boolean (value);
      break;
    case PROP_TLS_DATABASE:
      g_clear_object (&o->tls_database);
      o->tls_database = g_value_dup_object (value);
      break;
    case PROP_TLS_INTERACTION:
      g_clear_object (&o->tls_interaction);
      o->tls_interaction = g_value_dup_object (value);
      break;
    case PROP_RETRIES:
      o->retries = g_value_get_int (value);
      break;
    case PROP_RETRY_BACKOFF_FACTOR:
      o->retry_backoff_factor = g_value_get_double (value);
      break;
    case PROP_RETRY_BACKOFF_MAX:
      o->retry_backoff_max = g_value_get_double (value);
      break;
    case PROP_METHOD:
      g_free (o->method);
      o->method = g_value_dup_string (value);
      break;
    case PROP_SWARM_ID:
      g_free (o->swarm_id);
      o->swarm_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_p2p_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstP2pSrc *self = GST_P2P_SRC (object);
  GstP2pSrcPrivate *priv = PRIV (self);
  P2pHttpOptions *o = priv->opts;

  if (prop_id == PROP_IS_LIVE) {
    g_value_set_boolean (value, gst_base_src_is_live (GST_BASE_SRC (self)));
    return;
  }

  GST_OBJECT_LOCK (self);
  if (prop_id >= PROP_TRACKERS) {
    GValue *v = &priv->manager_values[prop_id - PROP_TRACKERS];

    if (G_IS_VALUE (v))
      g_value_copy (v, value);
    else
      g_param_value_set_default (pspec, value);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, priv->location);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, o->user_agent);
      break;
    case PROP_AUTOMATIC_REDIRECT:
      g_value_set_boolean (value, o->automatic_redirect);
      break;
    case PROP_PROXY:
      g_value_set_string (value, o->proxy);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, o->user_id);
      break;
    case PROP_USER_PW:
      g_value_set_string (value, o->user_pw);
      break;
    case PROP_PROXY_ID:
      g_value_set_string (value, o->proxy_id);
      break;
    case PROP_PROXY_PW:
      g_value_set_string (value, o->proxy_pw);
      break;
    case PROP_COOKIES:
      g_value_set_boxed (value, o->cookies);
      break;
    case PROP_IRADIO_MODE:
      g_value_set_boolean (value, priv->iradio_mode);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, o->timeout);
      break;
    case PROP_EXTRA_HEADERS:
      gst_value_set_structure (value, o->extra_headers);
      break;
    case PROP_SOUP_LOG_LEVEL:
      g_value_set_enum (value, priv->log_level);
      break;
    case PROP_COMPRESS:
      g_value_set_boolean (value, o->compress);
      break;
    case PROP_KEEP_ALIVE:
      g_value_set_boolean (value, o->keep_alive);
      break;
    case PROP_SSL_STRICT:
      g_value_set_boolean (value, o->ssl_strict);
      break;
    case PROP_SSL_CA_FILE:
      g_value_set_string (value, o->ssl_ca_file);
      break;
    case PROP_SSL_USE_SYSTEM_CA_FILE:
      g_value_set_boolean (value, o->ssl_use_system_ca_file);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, o->tls_database);
      break;
    case PROP_TLS_INTERACTION:
      g_value_set_object (value, o->tls_interaction);
      break;
    case PROP_RETRIES:
      g_value_set_int (value, o->retries);
      break;
    case PROP_RETRY_BACKOFF_FACTOR:
      g_value_set_double (value, o->retry_backoff_factor);
      break;
    case PROP_RETRY_BACKOFF_MAX:
      g_value_set_double (value, o->retry_backoff_max);
      break;
    case PROP_METHOD:
      g_value_set_string (value, o->method);
      break;
    case PROP_SWARM_ID:
      g_value_set_string (value, o->swarm_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
drop_fetch (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  P2pFetch *fetch;

  GST_OBJECT_LOCK (self);
  fetch = g_steal_pointer (&priv->fetch);
  GST_OBJECT_UNLOCK (self);
  if (fetch) {
    p2p_fetch_cancel (fetch);
    p2p_fetch_unref (fetch);
  }
}

static void
gst_p2p_src_reset (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);

  drop_fetch (self);
  priv->request_position = 0;
  priv->read_position = 0;
  priv->stop_position = -1;
  priv->have_size = FALSE;
  priv->content_size = 0;
  priv->seekable = TRUE;
  priv->got_headers = FALSE;
  priv->have_body = FALSE;
}

static void
gst_p2p_src_find_manager (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  GstQuery *query;
  gboolean have;

  GST_OBJECT_LOCK (self);
  have = priv->manager != NULL;
  GST_OBJECT_UNLOCK (self);
  if (have)
    return;

  query = gst_query_new_context (P2P_MANAGER_CONTEXT_TYPE);
  if (gst_pad_peer_query (GST_BASE_SRC_PAD (self), query)) {
    GstContext *context;

    gst_query_parse_context (query, &context);
    gst_element_set_context (GST_ELEMENT (self), context);
  } else {
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_need_context (GST_OBJECT (self),
            P2P_MANAGER_CONTEXT_TYPE));
  }
  gst_query_unref (query);

  /* Sources made by a demuxer's private downloader never get an answer:
   * they, and plain pipelines, share the process-wide manager. */
  GST_OBJECT_LOCK (self);
  if (!priv->manager)
    priv->manager = p2p_manager_get_default ();
  GST_OBJECT_UNLOCK (self);
}

static void
gst_p2p_src_configure_manager (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);

  for (guint i = 0; i < G_N_ELEMENTS (manager_props); i++) {
    GValue v = G_VALUE_INIT;

    if (p2p_swarm_settings_has_property (manager_props[i].name))
      continue;

    GST_OBJECT_LOCK (self);
    if (G_IS_VALUE (&priv->manager_values[i])) {
      g_value_init (&v, G_VALUE_TYPE (&priv->manager_values[i]));
      g_value_copy (&priv->manager_values[i], &v);
    }
    GST_OBJECT_UNLOCK (self);
    if (G_IS_VALUE (&v)) {
      g_object_set_property (G_OBJECT (priv->manager), manager_props[i].name,
          &v);
      g_value_unset (&v);
    }
  }
}

static void
post_stats (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);

  priv->last_stats_post = g_get_monotonic_time ();
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          p2p_manager_get_stats (priv->manager)));
}

static void
gst_p2p_src_set_context (GstElement * element, GstContext * context)
{
  GstP2pSrcPrivate *priv = PRIV (element);
  P2pManager *manager = p2p_manager_from_context (context);

  if (manager) {
    GST_OBJECT_LOCK (element);
    if (priv->manager)
      gst_object_unref (priv->manager);
    priv->manager = manager;
    GST_OBJECT_UNLOCK (element);
  }
  GST_ELEMENT_CLASS (gst_p2p_src_parent_class)->set_context (element, context);
}

/* A demuxer makes our element for segments and playlists inside its own
 * bin, or without any parent (its private downloader).  The source a user
 * configured (a pipeline's, playbin's) is the other kind. */
static gboolean
made_by_demuxer (GstElement * element)
{
  GstObject *parent = gst_object_get_parent (GST_OBJECT (element));
  gboolean demuxer = parent == NULL;

  while (parent && !demuxer) {
    GstObject *next = gst_object_get_parent (parent);

    if (GST_IS_ELEMENT (parent)) {
      GstElementFactory *f = gst_element_get_factory (GST_ELEMENT (parent));
      const gchar *klass = f ? gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_KLASS) : NULL;

      demuxer = klass && strstr (klass, "Demuxer") != NULL;
    }
    gst_object_unref (parent);
    parent = next;
  }
  if (parent)
    gst_object_unref (parent);
  return demuxer;
}

static gint
factory_rank (const gchar * name)
{
  GstElementFactory *f = name ? gst_element_factory_find (name) : NULL;
  gint rank = f ? (gint) gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (f))
      : -1;

  if (f)
    gst_object_unref (f);
  return rank;
}

/* urisourcebin (playbin3, uridecodebin3) plugs the adaptive demuxer of
 * highest rank itself, and only a streams-aware bin can run hlsdemux2 or
 * dashdemux2; those download everything with their own HTTP client, which
 * can reach the swarm only through the gateway.  Legacy playbin's
 * decodebin cannot run them and plugs hlsdemux or dashdemux, which create
 * our element for every URI: no extra hop. */
static gboolean
downloads_by_itself (GstP2pSrc * self)
{
  GstP2pSrcClass *klass = GST_P2P_SRC_GET_CLASS (self);
  GstObject *parent = gst_object_get_parent (GST_OBJECT (self));
  gboolean in_urisourcebin = FALSE;
  gint demux2_rank;

  while (parent && !in_urisourcebin) {
    GstObject *next = gst_object_get_parent (parent);
    GstElementFactory *f = GST_IS_ELEMENT (parent) ?
        gst_element_get_factory (GST_ELEMENT (parent)) : NULL;

    in_urisourcebin = f && g_strcmp0 (GST_OBJECT_NAME (f), "urisourcebin") == 0;
    gst_object_unref (parent);
    parent = next;
  }
  g_clear_pointer (&parent, gst_object_unref);
  demux2_rank = factory_rank (klass->demux2_name);
  return in_urisourcebin && demux2_rank > GST_RANK_NONE
      && demux2_rank >= factory_rank (klass->legacy_demux_name);
}

static gboolean
stats_tick (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer data)
{
  post_stats (GST_P2P_SRC (data));
  return TRUE;
}

/* Figures change while no segment passes through us: always on the
 * gateway path, and on the direct one once the demuxer has every segment
 * while we still serve peers (uploads, bans).  The source the application
 * made posts them from the system clock too. */
static void
start_stats_tick (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  GstClock *clock = gst_system_clock_obtain ();
  GstClockID id = gst_clock_new_periodic_id (clock,
      gst_clock_get_time (clock) + STATS_INTERVAL_US * GST_USECOND,
      STATS_INTERVAL_US * GST_USECOND);

  gst_clock_id_wait_async (id, stats_tick, gst_object_ref (self),
      gst_object_unref);
  GST_OBJECT_LOCK (self);
  priv->stats_tick = id;
  GST_OBJECT_UNLOCK (self);
  gst_object_unref (clock);
}

static void
stop_stats_tick (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  GstClockID id;

  GST_OBJECT_LOCK (self);
  id = priv->stats_tick;
  priv->stats_tick = NULL;
  GST_OBJECT_UNLOCK (self);
  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
}

static void
gst_p2p_src_choose_path (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  P2pGateway *gateway = NULL;
  GError *error = NULL;

  if (downloads_by_itself (self)) {
    gateway = p2p_gateway_get_for_manager (priv->manager, &error);
    if (!gateway) {
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ,
          ("Peer-to-peer is off for this stream: no local gateway for %s",
              GST_P2P_SRC_GET_CLASS (self)->demux2_name),
          ("%s", error->message));
      g_clear_error (&error);
    }
  }
  GST_OBJECT_LOCK (self);
  g_free (priv->gateway_base);
  priv->gateway_base = gateway ? g_strdup (p2p_gateway_get_base (gateway)) :
      NULL;
  GST_OBJECT_UNLOCK (self);
  if (gateway || priv->configured_source)
    start_stats_tick (self);
  GST_INFO_OBJECT (self, "%s downloads through %s",
      gateway ? GST_P2P_SRC_GET_CLASS (self)->demux2_name : "the demuxer",
      gateway ? "the gateway" : "our elements");
}

static gboolean
gst_p2p_src_start (GstBaseSrc * bsrc)
{
  GstP2pSrc *self = GST_P2P_SRC (bsrc);
  GstP2pSrcPrivate *priv = PRIV (self);
  gboolean have_location;

  GST_OBJECT_LOCK (self);
  have_location = priv->http_location != NULL;
  GST_OBJECT_UNLOCK (self);
  if (!have_location) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("No URL set."),
        ("Missing location property"));
    return FALSE;
  }
  gst_p2p_src_find_manager (self);
  gst_p2p_src_configure_manager (self);
  priv->configured_source = !made_by_demuxer (GST_ELEMENT (self));
  gst_p2p_src_choose_path (self);
  return TRUE;
}

static gboolean
gst_p2p_src_stop (GstBaseSrc * bsrc)
{
  stop_stats_tick (GST_P2P_SRC (bsrc));
  gst_p2p_src_reset (GST_P2P_SRC (bsrc));
  return TRUE;
}

static gboolean
gst_p2p_src_unlock (GstBaseSrc * bsrc)
{
  GstP2pSrcPrivate *priv = PRIV (bsrc);

  GST_OBJECT_LOCK (bsrc);
  priv->flushing = TRUE;
  if (priv->fetch)
    p2p_fetch_cancel (priv->fetch);
  GST_OBJECT_UNLOCK (bsrc);
  return TRUE;
}

static gboolean
gst_p2p_src_unlock_stop (GstBaseSrc * bsrc)
{
  GstP2pSrcPrivate *priv = PRIV (bsrc);
  gboolean cancelled;

  GST_OBJECT_LOCK (bsrc);
  priv->flushing = FALSE;
  cancelled = priv->fetch && p2p_fetch_is_cancelled (priv->fetch);
  GST_OBJECT_UNLOCK (bsrc);
  /* A cancelled fetch is gone for good: reopen where we stopped reading. */
  if (cancelled) {
    drop_fetch (GST_P2P_SRC (bsrc));
    priv->request_position = priv->read_position;
  }
  return TRUE;
}

static gboolean
gst_p2p_src_get_size (GstBaseSrc * bsrc, guint64 * size)
{
  GstP2pSrcPrivate *priv = PRIV (bsrc);

  if (!priv->have_size)
    return FALSE;
  *size = priv->content_size;
  return TRUE;
}

static gboolean
gst_p2p_src_is_seekable (GstBaseSrc * bsrc)
{
  return PRIV (bsrc)->seekable;
}

static gboolean
gst_p2p_src_do_seek (GstBaseSrc * bsrc, GstSegment * segment)
{
  GstP2pSrcPrivate *priv = PRIV (bsrc);

  GST_DEBUG_OBJECT (bsrc, "do_seek(%" G_GUINT64_FORMAT "-%" G_GINT64_FORMAT
      ")", segment->start, (gint64) segment->stop);
  if (priv->read_position == segment->start
      && priv->request_position == priv->read_position
      && priv->stop_position == (gint64) segment->stop)
    return TRUE;

  if (priv->got_headers && !priv->seekable) {
    GST_WARNING_OBJECT (bsrc, "Not seekable");
    return FALSE;
  }
  if (segment->rate < 0.0 || segment->format != GST_FORMAT_BYTES) {
    GST_WARNING_OBJECT (bsrc, "Invalid seek segment");
    return FALSE;
  }

  drop_fetch (GST_P2P_SRC (bsrc));
  priv->request_position = segment->start;
  priv->read_position = segment->start;
  priv->stop_position = segment->stop;
  return TRUE;
}

/* Object lock. */
static gchar *
with_scheme (GstP2pSrc * self, const gchar * http_uri)
{
  GstP2pSrcPrivate *priv = PRIV (self);

  return g_strconcat (priv->gateway_base ? priv->gateway_base :
      GST_P2P_SRC_GET_CLASS (self)->scheme_prefix, http_uri, NULL);
}

static gboolean
gst_p2p_src_query (GstBaseSrc * bsrc, GstQuery * query)
{
  GstP2pSrc *self = GST_P2P_SRC (bsrc);
  GstP2pSrcPrivate *priv = PRIV (self);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_URI:{
      gboolean ours;

      /* Answering with our scheme makes the demuxer create our element
       * again for every URI it resolves against this one; with the
       * gateway's URL, its own downloader asks the gateway. */
      GST_OBJECT_LOCK (self);
      ours = priv->custom_scheme || priv->answered_manifest;
      if (ours) {
        gchar *uri = with_scheme (self, priv->http_location);

        gst_query_set_uri (query, uri);
        g_free (uri);
      } else {
        gst_query_set_uri (query, priv->location);
      }
      if (priv->redirection_uri) {
        gchar *uri = ours ? with_scheme (self, priv->redirection_uri) :
            g_strdup (priv->redirection_uri);

        gst_query_set_uri_redirection (query, uri);
        gst_query_set_uri_redirection_permanent (query,
            priv->redirection_permanent);
        g_free (uri);
      }
      GST_OBJECT_UNLOCK (self);
      return TRUE;
    }
    case GST_QUERY_SCHEDULING:
      /* Push only: offering pull mode makes typefind read a manifest with
       * a string of small range requests. */
      gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEEKABLE |
          GST_SCHEDULING_FLAG_SEQUENTIAL |
          GST_SCHEDULING_FLAG_BANDWIDTH_LIMITED, 1, -1, 0);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
      return TRUE;
    default:
      return GST_BASE_SRC_CLASS (gst_p2p_src_parent_class)->query (bsrc, query);
  }
}

static P2pHttpOptions *
make_request_options (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  P2pHttpOptions *o;
  GString *ua;

  GST_OBJECT_LOCK (self);
  o = p2p_http_options_copy (priv->opts);
  g_free (o->uri);
  o->uri = g_strdup (priv->http_location);
  for (guint i = 0; i < G_N_ELEMENTS (manager_props); i++) {
    if (!G_IS_VALUE (&priv->manager_values[i])
        || !p2p_swarm_settings_has_property (manager_props[i].name))
      continue;
    if (!o->swarm_settings)
      o->swarm_settings = gst_structure_new_empty (P2P_SWARM_SETTINGS_NAME);
    gst_structure_set_value (o->swarm_settings, manager_props[i].name,
        &priv->manager_values[i]);
  }
  /* even none set says something: this pipeline wants the defaults for
   * the stream it loads, whatever an earlier one chose */
  if (!o->swarm_settings && priv->configured_source)
    o->swarm_settings = gst_structure_new_empty (P2P_SWARM_SETTINGS_NAME);
  GST_OBJECT_UNLOCK (self);

  ua = g_string_new (o->user_agent ? o->user_agent : "");
  g_string_replace (ua, "{VERSION}", VERSION, 0);
  g_free (o->user_agent);
  o->user_agent = g_string_free (ua, FALSE);
  if (priv->iradio_mode) {
    if (!o->extra_headers)
      o->extra_headers = gst_structure_new_empty ("extra-headers");
    gst_structure_set (o->extra_headers, "icy-metadata", G_TYPE_STRING, "1",
        NULL);
  }
  o->log_level = priv->log_level;
  o->start = priv->request_position;
  o->stop = priv->stop_position;
  o->blocksize = MAX (gst_base_src_get_blocksize (GST_BASE_SRC (self)), 4096);
  o->have_body = priv->have_body;
  o->known_size = priv->have_size ? (gint64) priv->content_size : -1;
  g_free (o->scheme_prefix);
  GST_OBJECT_LOCK (self);
  o->scheme_prefix = g_strdup (priv->gateway_base ? priv->gateway_base :
      GST_P2P_SRC_GET_CLASS (self)->scheme_prefix);
  GST_OBJECT_UNLOCK (self);
  return o;
}

/* Posts the error souphttpsrc would post for the same failure. */
static void
post_fetch_error (GstP2pSrc * self, const GError * error,
    const P2pFetchHeaders * h)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  guint status = h ? h->status : 0;
  const gchar *redirect = h ? h->redirect_uri : NULL;
  const gchar *reason = h && h->reason ? h->reason : "";
  gint code;

  if (error->domain != P2P_FETCH_ERROR) {
    GST_ELEMENT_ERROR (self, RESOURCE, READ, (NULL), ("%s", error->message));
    return;
  }

  switch (error->code) {
    case P2P_FETCH_ERROR_NOT_FOUND:
      code = GST_RESOURCE_ERROR_NOT_FOUND;
      break;
    case P2P_FETCH_ERROR_NOT_AUTHORIZED:
      code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case P2P_FETCH_ERROR_OPEN_READ:
      code = GST_RESOURCE_ERROR_OPEN_READ;
      break;
    case P2P_FETCH_ERROR_READ:
      code = GST_RESOURCE_ERROR_READ;
      break;
    case P2P_FETCH_ERROR_SEEK:
      priv->seekable = FALSE;
      GST_ELEMENT_ERROR_WITH_DETAILS (self, RESOURCE, SEEK,
          ("Server does not support seeking."),
          ("Server does not accept Range HTTP header, URL: %s, Redirect to: %s",
              priv->http_location, GST_STR_NULL (redirect)),
          ("http-status-code", G_TYPE_UINT, status,
              "http-redirection-uri", G_TYPE_STRING, GST_STR_NULL (redirect),
              NULL));
      return;
    case P2P_FETCH_ERROR_MANIFEST:
      GST_ELEMENT_ERROR (self, STREAM, DECODE, ("%s", error->message),
          ("URL: %s", priv->http_location));
      return;
    case P2P_FETCH_ERROR_FAILED:
    default:
      /* souphttpsrc leaves these to GstBaseSrc's "Internal data stream
       * error"; the same domain and code, with the cause in the text. */
      GST_ELEMENT_ERROR_WITH_DETAILS (self, STREAM, FAILED,
          ("%s", error->message), ("URL: %s", priv->http_location),
          ("flow-return", G_TYPE_INT, GST_FLOW_ERROR, NULL));
      return;
  }

  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_ERROR, GST_RESOURCE_ERROR, code, g_strdup (reason),
      g_strdup_printf ("%s (%u), URL: %s, Redirect to: %s", reason, status,
          priv->http_location, GST_STR_NULL (redirect)),
      __FILE__, GST_FUNCTION, __LINE__,
      gst_structure_new ("details", "http-status-code", G_TYPE_UINT, status,
          "http-redirect-uri", G_TYPE_STRING, GST_STR_NULL (redirect), NULL));
}

static GstFlowReturn
fail_flow (GstP2pSrc * self, GError * error, const P2pFetchHeaders * h)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ret = GST_FLOW_FLUSHING;
  else
    post_fetch_error (self, error, h);
  g_error_free (error);
  return ret;
}

/* First look at a new response: everything souphttpsrc does in
 * got_headers(), on the streaming thread. */
static GstFlowReturn
handle_headers (GstP2pSrc * self, P2pFetch * fetch)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  GstBaseSrc *bsrc = GST_BASE_SRC (self);
  GError *error = NULL;
  const P2pFetchHeaders *h = p2p_fetch_wait_headers (fetch, &error);

  if (!h)
    return fail_flow (self, error, NULL);

  if (h->http_headers)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self),
            gst_structure_copy (h->http_headers)));

  GST_OBJECT_LOCK (self);
  if (h->redirected) {
    g_free (priv->redirection_uri);
    priv->redirection_uri = g_strdup (h->final_uri);
    priv->redirection_permanent = h->redirect_permanent;
  }
  if (h->is_manifest)
    priv->answered_manifest = TRUE;
  GST_OBJECT_UNLOCK (self);

  if (h->failed) {
    GBytes *none = p2p_fetch_pop (fetch, &error);

    g_clear_pointer (&none, g_bytes_unref);
    if (!error)
      error = g_error_new_literal (P2P_FETCH_ERROR, P2P_FETCH_ERROR_FAILED,
          "Request failed");
    return fail_flow (self, error, h);
  }

  priv->got_headers = TRUE;
  priv->fetch_is_segment = h->is_segment;
  if (!h->seekable)
    priv->seekable = FALSE;
  if (h->content_length >= 0) {
    guint64 size = priv->request_position + h->content_length;

    if (!priv->have_size || priv->content_size != size) {
      priv->content_size = size;
      priv->have_size = TRUE;
      bsrc->segment.duration = size;
      gst_element_post_message (GST_ELEMENT (self),
          gst_message_new_duration_changed (GST_OBJECT (self)));
    }
  }
  if (h->warning)
    GST_ELEMENT_WARNING (self, STREAM, DECODE, ("%s", h->warning), (NULL));
  if (h->http_headers)
    gst_pad_push_event (GST_BASE_SRC_PAD (self),
        gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM_STICKY,
            gst_structure_copy (h->http_headers)));
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_p2p_src_create (GstPushSrc * psrc, GstBuffer ** outbuf)
{
  GstP2pSrc *self = GST_P2P_SRC (psrc);
  GstP2pSrcPrivate *priv = PRIV (self);
  GError *error = NULL;
  GBytes *bytes;
  GstBuffer *buf;
  gsize size;

  GST_OBJECT_LOCK (self);
  if (priv->flushing) {
    GST_OBJECT_UNLOCK (self);
    return GST_FLOW_FLUSHING;
  }
  GST_OBJECT_UNLOCK (self);

  if (!priv->fetch) {
    P2pHttpOptions *options;
    P2pFetch *fetch;
    GstFlowReturn ret;

    if (priv->stop_position >= 0
        && priv->request_position >= (guint64) priv->stop_position)
      return GST_FLOW_EOS;
    options = make_request_options (self);
    fetch = p2p_manager_open (priv->manager, options);
    p2p_http_options_free (options);
    GST_OBJECT_LOCK (self);
    priv->fetch = fetch;
    if (priv->flushing)
      p2p_fetch_cancel (fetch);
    GST_OBJECT_UNLOCK (self);

    ret = handle_headers (self, fetch);
    if (ret != GST_FLOW_OK) {
      drop_fetch (self);
      return ret;
    }
  }

  bytes = p2p_fetch_pop (priv->fetch, &error);
  if (!bytes) {
    GstFlowReturn ret;

    if (!error) {
      priv->have_body = TRUE;
      /* Every finished segment tells the application where bytes came
       * from; the last one of a stream is the figure at EOS. */
      if (priv->fetch_is_segment)
        post_stats (self);
      drop_fetch (self);
      return GST_FLOW_EOS;
    }
    ret = fail_flow (self, error, NULL);
    if (ret != GST_FLOW_FLUSHING)
      drop_fetch (self);
    return ret;
  }

  if (g_get_monotonic_time () - priv->last_stats_post > STATS_INTERVAL_US)
    post_stats (self);
  size = g_bytes_get_size (bytes);
  buf = gst_buffer_new_wrapped_bytes (bytes);
  g_bytes_unref (bytes);
  GST_BUFFER_OFFSET (buf) = priv->read_position;
  priv->read_position += size;
  priv->request_position = priv->read_position;
  GST_BUFFER_OFFSET_END (buf) = priv->read_position;
  if (priv->have_size && priv->read_position > priv->content_size) {
    priv->content_size = priv->read_position;
    GST_BASE_SRC (self)->segment.duration = priv->content_size;
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_duration_changed (GST_OBJECT (self)));
  }
  *outbuf = buf;
  return GST_FLOW_OK;
}

static void
gst_p2p_src_finalize (GObject * object)
{
  GstP2pSrcPrivate *priv = PRIV (object);

  drop_fetch (GST_P2P_SRC (object));
  g_free (priv->location);
  g_free (priv->http_location);
  g_free (priv->redirection_uri);
  g_free (priv->gateway_base);
  p2p_http_options_free (priv->opts);
  for (guint i = 0; i < G_N_ELEMENTS (manager_props); i++)
    if (G_IS_VALUE (&priv->manager_values[i]))
      g_value_unset (&priv->manager_values[i]);
  if (priv->manager)
    gst_object_unref (priv->manager);
  G_OBJECT_CLASS (gst_p2p_src_parent_class)->finalize (object);
}

static void
gst_p2p_src_init (GstP2pSrc * self)
{
  GstP2pSrcPrivate *priv = PRIV (self);
  const gchar *proxy = g_getenv ("http_proxy");

  priv->opts = p2p_http_options_new ();
  priv->opts->user_agent = g_strdup (DEFAULT_USER_AGENT);
  priv->opts->compress = DEFAULT_COMPRESS;
  priv->opts->timeout = DEFAULT_TIMEOUT;
  priv->opts->retries = DEFAULT_RETRIES;
  priv->opts->retry_backoff_factor = DEFAULT_RETRY_BACKOFF_FACTOR;
  priv->opts->retry_backoff_max = DEFAULT_RETRY_BACKOFF_MAX;
  if (proxy && *proxy)
    priv->opts->proxy = strstr (proxy, "://") ? g_strdup (proxy) :
        g_strconcat ("http://", proxy, NULL);
  priv->iradio_mode = DEFAULT_IRADIO_MODE;
  priv->log_level = DEFAULT_SOUP_LOG_LEVEL;
  gst_base_src_set_automatic_eos (GST_BASE_SRC (self), FALSE);
  gst_base_src_set_blocksize (GST_BASE_SRC (self), DEFAULT_BLOCKSIZE);
  gst_p2p_src_reset (self);
}

static void
install_string (GObjectClass * klass, guint id, const gchar * name,
    const gchar * nick, const gchar * blurb, const gchar * def)
{
  g_object_class_install_property (klass, id, g_param_spec_string (name, nick,
          blurb, def, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
install_boolean (GObjectClass * klass, guint id, const gchar * name,
    const gchar * nick, const gchar * blurb, gboolean def)
{
  g_object_class_install_property (klass, id, g_param_spec_boolean (name, nick,
          blurb, def, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static GType
log_level_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {0, "No logging", "none"},
    {1, "Log request and response line", "minimal"},
    {2, "Log request and response line and headers", "headers"},
    {3, "Log everything", "body"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstP2pSrcLogLevel",
            values));
  return type;
}

static void
gst_p2p_src_class_init (GstP2pSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_p2p_src_debug, "p2pcdn-src", 0,
      "p2pcdn source elements");

  gobject_class->set_property = gst_p2p_src_set_property;
  gobject_class->get_property = gst_p2p_src_get_property;
  gobject_class->finalize = gst_p2p_src_finalize;

  /**
   * GstP2pSrc:location:
   *
   * URI to read: our scheme (p2phls+https://...) or plain http(s).
   *
   * Since: 0.1
   */
  install_string (gobject_class, PROP_LOCATION, "location", "Location",
      "Location to read from: p2phls+http(s)://, p2pdash+http(s):// or "
      "plain http(s):// (default: none" NOENV ")", NULL);
  install_string (gobject_class, PROP_USER_AGENT, "user-agent", "User-Agent",
      "Value of the User-Agent HTTP request header field ({VERSION} is "
      "replaced; a trailing space appends libsoup's; default: \""
      DEFAULT_USER_AGENT "\"" NOENV ")", DEFAULT_USER_AGENT);
  install_boolean (gobject_class, PROP_AUTOMATIC_REDIRECT,
      "automatic-redirect", "automatic-redirect",
      "Automatically follow HTTP redirects (HTTP Status Code 3xx; "
      "default: true" NOENV ")", TRUE);
  install_string (gobject_class, PROP_PROXY, "proxy", "Proxy",
      "HTTP proxy server URI (default: $http_proxy, else none)", NULL);
  install_string (gobject_class, PROP_USER_ID, "user-id", "user-id",
      "HTTP location URI user id for authentication (default: none"
      NOENV ")", NULL);
  install_string (gobject_class, PROP_USER_PW, "user-pw", "user-pw",
      "HTTP location URI user password for authentication (default: none"
      NOENV ")", NULL);
  install_string (gobject_class, PROP_PROXY_ID, "proxy-id", "proxy-id",
      "HTTP proxy URI user id for authentication (default: none" NOENV
      ")", NULL);
  install_string (gobject_class, PROP_PROXY_PW, "proxy-pw", "proxy-pw",
      "HTTP proxy URI user password for authentication (default: none"
      NOENV ")", NULL);
  g_object_class_install_property (gobject_class, PROP_COOKIES,
      g_param_spec_boxed ("cookies", "Cookies", "HTTP request cookies (default: none" NOENV ")",
          G_TYPE_STRV, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  install_boolean (gobject_class, PROP_IS_LIVE, "is-live", "is-live",
      "Act like a live source (default: false" NOENV ")", FALSE);
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "timeout",
          "Value in seconds to timeout a blocking I/O (0 = No timeout; "
          "default: 15" NOENV ")", 0,
          3600, DEFAULT_TIMEOUT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_EXTRA_HEADERS,
      g_param_spec_boxed ("extra-headers", "Extra Headers",
          "Extra headers to append to the HTTP request (default: none" NOENV
          ")", GST_TYPE_STRUCTURE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  install_boolean (gobject_class, PROP_IRADIO_MODE, "iradio-mode",
      "iradio-mode", "Enable internet radio mode (ask server to send shoutcast"
      "/icecast metadata interleaved with the actual stream data; default: "
      "true" NOENV ")",
      DEFAULT_IRADIO_MODE);
  g_object_class_install_property (gobject_class, PROP_SOUP_LOG_LEVEL,
      g_param_spec_enum ("http-log-level", "HTTP log level",
          "Set log level for HTTP requests (logged at TRACE in the "
          "p2pcdn-http debug category; default: headers" NOENV ")",
          log_level_get_type (), DEFAULT_SOUP_LOG_LEVEL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  install_boolean (gobject_class, PROP_COMPRESS, "compress", "Compress",
      "Allow compressed content encodings (default: false" NOENV ")",
      DEFAULT_COMPRESS);
  install_boolean (gobject_class, PROP_KEEP_ALIVE, "keep-alive", "keep-alive",
      "Use HTTP persistent connections (default: true" NOENV ")",
      DEFAULT_KEEP_ALIVE);
  install_boolean (gobject_class, PROP_SSL_STRICT, "ssl-strict", "SSL Strict",
      "Strict SSL certificate checking (default: true" NOENV ")",
      DEFAULT_SSL_STRICT);
  install_string (gobject_class, PROP_SSL_CA_FILE, "ssl-ca-file",
      "SSL CA File", "Location of a SSL anchor CA file to use (default: "
      "none" NOENV ")", NULL);
  install_boolean (gobject_class, PROP_SSL_USE_SYSTEM_CA_FILE,
      "ssl-use-system-ca-file", "Use System CA File",
      "Use system CA file (default: true" NOENV ")",
      DEFAULT_SSL_USE_SYSTEM_CA_FILE);
  g_object_class_install_property (gobject_class, PROP_TLS_DATABASE,
      g_param_spec_object ("tls-database", "TLS database",
          "TLS database with anchor certificate authorities used to validate "
          "the server certificate (default: the system's" NOENV ")",
          G_TYPE_TLS_DATABASE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TLS_INTERACTION,
      g_param_spec_object ("tls-interaction", "TLS interaction",
          "A GTlsInteraction object to be used when the connection or "
          "certificate database need to interact with the user (default: "
          "none" NOENV ")",
          G_TYPE_TLS_INTERACTION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RETRIES,
      g_param_spec_int ("retries", "Retries",
          "Maximum number of retries until giving up (-1=infinite; default: "
          "3" NOENV ")", -1,
          G_MAXINT, DEFAULT_RETRIES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstP2pSrc:retry-backoff-factor:
   *
   * Seconds to wait before the first retry, doubled for every further one
   * (as souphttpsrc 1.24).  0 retries at once, like souphttpsrc 1.22.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_RETRY_BACKOFF_FACTOR,
      g_param_spec_double ("retry-backoff-factor", "Backoff factor",
          "Exponential retry backoff factor in seconds (0 = retry at once; "
          "default: 0" NOENV ")", 0.0, G_MAXDOUBLE,
          DEFAULT_RETRY_BACKOFF_FACTOR,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RETRY_BACKOFF_MAX,
      g_param_spec_double ("retry-backoff-max", "Maximum retry backoff delay",
          "Maximum backoff delay in seconds (default: 60" NOENV ")", 0.0,
          G_MAXDOUBLE,
          DEFAULT_RETRY_BACKOFF_MAX,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  install_string (gobject_class, PROP_METHOD, "method", "HTTP method",
      "The HTTP method to use (GET, HEAD, OPTIONS, etc; default: GET"
      NOENV ")", DEFAULT_METHOD);
  /**
   * GstP2pSrc:swarm-id:
   *
   * Overrides the swarm id derived from the manifest URL, so that viewers of
   * one stream served under different URLs share a swarm.
   *
   * Since: 0.1
   */
  install_string (gobject_class, PROP_SWARM_ID, "swarm-id", "Swarm id",
      "Swarm identity of the stream whose manifest this element loads, so "
      "that one stream under different URLs shares a swarm (per stream; "
      "default: the manifest URL without its query" NOENV ")", NULL);

  /* The manager's settings: its ranges and defaults, our descriptions. */
  {
    GObjectClass *mclass = g_type_class_ref (P2P_TYPE_MANAGER);

    for (guint i = 0; i < G_N_ELEMENTS (manager_props); i++) {
      GParamSpec *m = g_object_class_find_property (mclass,
          manager_props[i].name);
      const gchar *nick = g_param_spec_get_nick (m);
      const gchar *blurb = manager_props[i].blurb;
      GParamSpec *p;

      if (G_IS_PARAM_SPEC_BOXED (m) || G_IS_PARAM_SPEC_STRING (m))
        p = g_param_spec_string (m->name, nick, blurb, NULL,
            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
      else if (G_IS_PARAM_SPEC_UINT (m))
        p = g_param_spec_uint (m->name, nick, blurb,
            G_PARAM_SPEC_UINT (m)->minimum, G_PARAM_SPEC_UINT (m)->maximum,
            G_PARAM_SPEC_UINT (m)->default_value,
            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
      else if (G_IS_PARAM_SPEC_UINT64 (m))
        p = g_param_spec_uint64 (m->name, nick, blurb,
            G_PARAM_SPEC_UINT64 (m)->minimum, G_PARAM_SPEC_UINT64 (m)->maximum,
            G_PARAM_SPEC_UINT64 (m)->default_value,
            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
      else
        p = g_param_spec_boolean (m->name, nick, blurb,
            G_PARAM_SPEC_BOOLEAN (m)->default_value,
            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
      g_object_class_install_property (gobject_class, PROP_TRACKERS + i, p);
    }
    g_type_class_unref (mclass);
  }

  gst_element_class_add_static_pad_template (element_class, &src_template);
  element_class->set_context = GST_DEBUG_FUNCPTR (gst_p2p_src_set_context);

  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_p2p_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_p2p_src_stop);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_p2p_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_p2p_src_unlock_stop);
  basesrc_class->get_size = GST_DEBUG_FUNCPTR (gst_p2p_src_get_size);
  basesrc_class->is_seekable = GST_DEBUG_FUNCPTR (gst_p2p_src_is_seekable);
  basesrc_class->do_seek = GST_DEBUG_FUNCPTR (gst_p2p_src_do_seek);
  basesrc_class->query = GST_DEBUG_FUNCPTR (gst_p2p_src_query);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_p2p_src_create);

  gst_type_mark_as_plugin_api (GST_TYPE_P2P_SRC, 0);
}

static GstURIType
gst_p2p_src_uri_get_type (GType type)
{
  return GST_URI_SRC;
}

static const gchar *const *
gst_p2p_src_uri_get_protocols (GType type)
{
  GstP2pSrcClass *klass = g_type_class_ref (type);
  const gchar *const *protocols = klass->protocols;

  g_type_class_unref (klass);
  return protocols;
}

static gchar *
gst_p2p_src_uri_get_uri (GstURIHandler * handler)
{
  gchar *uri;

  GST_OBJECT_LOCK (handler);
  uri = g_strdup (PRIV (handler)->location);
  GST_OBJECT_UNLOCK (handler);
  return uri;
}

static gboolean
gst_p2p_src_uri_set_uri (GstURIHandler * handler, const gchar * uri,
    GError ** error)
{
  return gst_p2p_src_set_location (GST_P2P_SRC (handler), uri, error);
}

static void
gst_p2p_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = g_iface;

  iface->get_type = gst_p2p_src_uri_get_type;
  iface->get_protocols = gst_p2p_src_uri_get_protocols;
  iface->get_uri = gst_p2p_src_uri_get_uri;
  iface->set_uri = gst_p2p_src_uri_set_uri;
}
