/* gst-p2pcdn: the swarm manager, owner of every fetch of the process.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: all state below the "manager thread only" line is
 * touched only on the manager's own thread (its GMainContext); other
 * threads reach it through p2p_manager_open(), which schedules work there.
 * The object lock guards the counters read by p2p_manager_get_stats().
 */
#include "p2p-manager.h"

#include <libsoup/soup.h>

#include "p2p-http-request.h"
#include "p2p-manifest.h"

GST_DEBUG_CATEGORY_STATIC (p2p_manager_debug);
#define GST_CAT_DEFAULT p2p_manager_debug

struct _P2pManager
{
  GstObject parent;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  /* counters, object lock */
  guint64 requests[P2P_RESOURCE_INDEX + 1];
  guint64 manifests_parsed;
  guint64 manifests_rejected;

  /* manager thread only */
  GHashTable *sessions;         /* session key -> SoupSession */
  P2pManifestRegistry *registry;
};

G_DEFINE_TYPE (P2pManager, p2p_manager, GST_TYPE_OBJECT);

static GMutex default_lock;
static P2pManager *default_manager;     /* weak: cleared in finalize */

typedef struct {
  P2pManager *manager;
  P2pHttpOptions *options;
  P2pFetch *fetch;
} OpenJob;

static gpointer
manager_thread (gpointer data)
{
  P2pManager *self = data;

  g_main_context_push_thread_default (self->context);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
  self->registry = p2p_manifest_registry_new ();
  g_main_loop_run (self->loop);
  g_hash_table_destroy (self->sessions);
  p2p_manifest_registry_free (self->registry);
  /* Let cancelled I/O callbacks run and drop their references. */
  while (g_main_context_iteration (self->context, FALSE));
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
p2p_manager_init (P2pManager * self)
{
  /* Not floating: applications create it with g_object_new() and own it. */
  g_object_ref_sink (self);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("p2pcdn-manager", manager_thread, self);
}

static void
p2p_manager_finalize (GObject * object)
{
  P2pManager *self = P2P_MANAGER (object);

  g_mutex_lock (&default_lock);
  if (default_manager == self)
    default_manager = NULL;
  g_mutex_unlock (&default_lock);

  g_main_context_invoke (self->context, (GSourceFunc) g_main_loop_quit,
      self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (p2p_manager_parent_class)->finalize (object);
}

enum
{
  PROP_0,
  PROP_STATS,
};

static void
p2p_manager_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  switch (prop_id) {
    case PROP_STATS:
      g_value_take_boxed (value, p2p_manager_get_stats (P2P_MANAGER (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_manager_class_init (P2pManagerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = p2p_manager_finalize;
  gobject_class->get_property = p2p_manager_get_property;

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
  GST_DEBUG_CATEGORY_INIT (p2p_manager_debug, "p2pmanager", 0,
      "p2pcdn swarm manager");
}

P2pManager *
p2p_manager_new (void)
{
  return g_object_new (P2P_TYPE_MANAGER, NULL);
}

P2pManager *
p2p_manager_get_default (void)
{
  P2pManager *m;

  /* The default lives while some element holds it; a ref taken during
   * finalize must not resurrect it, hence the lock in both places. */
  g_mutex_lock (&default_lock);
  if (default_manager && g_atomic_int_get (&G_OBJECT (default_manager)->ref_count) > 0)
    m = gst_object_ref (default_manager);
  else
    m = default_manager = p2p_manager_new ();
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
  GST_DEBUG_OBJECT (self, "new HTTP session for %s", key);
  g_hash_table_insert (self->sessions, key, session);
  return session;
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
    GST_OBJECT_LOCK (self);
    self->manifests_parsed++;
    GST_OBJECT_UNLOCK (self);
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
  P2pHttpBodyHooks manifest_hooks =
      { manifest_wanted, manifest_transform, self };
  P2pHttpBodyHooks index_hooks = { index_wanted, index_transform, self };
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
