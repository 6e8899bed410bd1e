/* Test HTTP origin: server thread, lifecycle and request log.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The SoupServer is created, used and destroyed on the origin's own thread,
 * which runs the origin's GMainContext; callers on other threads only touch
 * the request log (under origin->lock) and the atomic live setting.
 *
 * Log entries are shared between the log array and the message they
 * describe (an atomic refcounted box), so that clearing the log while a
 * request is in flight is safe. Entries handed to callers are deep copies.
 */
#include "p2p-origin-private.h"

#include <errno.h>
#include <string.h>

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_origin_log, "p2pcdn-origin", "the test origin")
#define GST_CAT_DEFAULT p2p_origin_log ()


#define ENTRY_KEY "p2p-origin-entry"

G_DEFINE_QUARK (p2p-origin-error-quark, p2p_origin_error)

static void
entry_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data,
      (GDestroyNotify) p2p_origin_request_clear);
}

static P2pOriginRequest *
entry_new (SoupServerMessage * msg)
{
  P2pOriginRequest *req = g_atomic_rc_box_new0 (P2pOriginRequest);
  SoupMessageHeaders *hdrs = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (g_uri_get_path (uri));
  req->query = g_strdup (g_uri_get_query (uri));
  req->range = g_strdup (soup_message_headers_get_one (hdrs, "Range"));
  req->user_agent = g_strdup (soup_message_headers_get_one (hdrs,
          "User-Agent"));
  req->remote_host = g_strdup (soup_server_message_get_remote_host (msg));
  req->headers = p2p_origin_headers_copy (hdrs);
  req->timestamp_us = g_get_monotonic_time ();
  return req;
}

static void
on_wrote_body_data (SoupServerMessage * msg, guint chunk_size,
    P2pOrigin * origin)
{
  P2pOriginRequest *req = g_object_get_data (G_OBJECT (msg), ENTRY_KEY);

  g_mutex_lock (&origin->lock);
  req->bytes_sent += chunk_size;
  g_mutex_unlock (&origin->lock);
}

/* called with origin->lock held */
static void
p2p_origin_write_entry (P2pOrigin * origin, P2pOriginRequest * req)
{
  g_autofree gchar *line = NULL;

  if (!origin->log_file)
    return;
  line = p2p_origin_request_to_json (req);
  fprintf (origin->log_file, "%s\n", line);
  fflush (origin->log_file);
}

static void
p2p_origin_finish_entry (P2pOrigin * origin, SoupServerMessage * msg,
    gboolean finished)
{
  P2pOriginRequest *req = g_object_get_data (G_OBJECT (msg), ENTRY_KEY);

  /* requests libsoup rejected before any handler ran have no entry */
  if (!req)
    return;

  g_mutex_lock (&origin->lock);
  req->status = soup_server_message_get_status (msg);
  req->finished = finished;
  if (g_hash_table_remove (origin->in_flight, req))
    p2p_origin_write_entry (origin, req);
  g_mutex_unlock (&origin->lock);
}

/* A response cut by a fault (p2p_origin_faults_cut): its connection was
 * taken from the server, which will not say when it ends. */
void
p2p_origin_log_cut (P2pOrigin * origin, SoupServerMessage * msg,
    guint64 bytes_sent)
{
  P2pOriginRequest *req = g_object_get_data (G_OBJECT (msg), ENTRY_KEY);

  g_mutex_lock (&origin->lock);
  req->bytes_sent = bytes_sent;
  g_mutex_unlock (&origin->lock);
  p2p_origin_finish_entry (origin, msg, FALSE);
}

static void
on_request_finished (SoupServer * server, SoupServerMessage * msg,
    P2pOrigin * origin)
{
  p2p_origin_finish_entry (origin, msg, TRUE);
}

static void
on_request_aborted (SoupServer * server, SoupServerMessage * msg,
    P2pOrigin * origin)
{
  p2p_origin_finish_entry (origin, msg, FALSE);
}

static void
p2p_origin_handle (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  P2pOrigin *origin = user_data;
  P2pOriginRequest *req = entry_new (msg);

  g_mutex_lock (&origin->lock);
  g_ptr_array_add (origin->log, g_atomic_rc_box_acquire (req));
  g_hash_table_add (origin->in_flight, g_atomic_rc_box_acquire (req));
  g_mutex_unlock (&origin->lock);
  g_object_set_data_full (G_OBJECT (msg), ENTRY_KEY, req, entry_unref);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data),
      origin);

  GST_DEBUG ("%s %s%s%s", req->method, req->path, req->query ? "?" : "",
      req->query ? req->query : "");
  p2p_origin_route (origin, msg, req->path, TRUE);
}

static gchar *
p2p_origin_format_base_url (const gchar * address, guint port)
{
  /* IPv6 literals need brackets in a URL */
  if (strchr (address, ':'))
    return g_strdup_printf ("http://[%s]:%u", address, port);
  return g_strdup_printf ("http://%s:%u", address, port);
}

static gboolean
p2p_origin_listen (P2pOrigin * origin, GError ** error)
{
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_string
      (origin->address);
  g_autoptr (GSocketAddress) addr = NULL;
  GSList *listeners;
  g_autoptr (GSocketAddress) local = NULL;
  gint64 real;

  if (!inet) {
    g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_LISTEN,
        "Not an IP address: %s", origin->address);
    return FALSE;
  }
  if (origin->port > 65535) {
    g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_LISTEN,
        "Port out of range: %u", origin->port);
    return FALSE;
  }

  origin->server = soup_server_new ("server-header", "p2pcdn-origin ", NULL);
  soup_server_add_handler (origin->server, NULL, p2p_origin_handle, origin,
      NULL);
  g_signal_connect (origin->server, "request-finished",
      G_CALLBACK (on_request_finished), origin);
  g_signal_connect (origin->server, "request-aborted",
      G_CALLBACK (on_request_aborted), origin);

  addr = g_inet_socket_address_new (inet, origin->port);
  if (!soup_server_listen (origin->server, addr, 0, error)) {
    g_prefix_error (error, "Cannot listen on %s:%u: ", origin->address,
        origin->port);
    if (error && *error && (*error)->domain != P2P_ORIGIN_ERROR) {
      (*error)->domain = P2P_ORIGIN_ERROR;
      (*error)->code = P2P_ORIGIN_ERROR_LISTEN;
    }
    return FALSE;
  }

  listeners = soup_server_get_listeners (origin->server);
  local = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (!local)
    return FALSE;
  origin->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  origin->base_url = p2p_origin_format_base_url (origin->address, origin->port);

  /* the live clock starts on a whole second so the MPD's
   * availabilityStartTime is exact */
  real = g_get_real_time ();
  origin->epoch_unix_s = real / G_USEC_PER_SEC;
  origin->epoch_monotonic_us = g_get_monotonic_time () - real % G_USEC_PER_SEC;
  return TRUE;
}

static void
p2p_origin_shutdown (P2pOrigin * origin)
{
  GHashTableIter iter;
  gpointer req;

  g_hash_table_remove_all (origin->delayed);
  if (origin->server) {
    soup_server_disconnect (origin->server);
    g_clear_object (&origin->server);
  }
  /* let the closed connections release their messages */
  while (g_main_context_iteration (origin->context, FALSE));

  /* paused requests (/hang) end without a signal: log them unfinished */
  g_mutex_lock (&origin->lock);
  g_hash_table_iter_init (&iter, origin->in_flight);
  while (g_hash_table_iter_next (&iter, &req, NULL)) {
    p2p_origin_write_entry (origin, req);
    g_hash_table_iter_remove (&iter);
  }
  g_mutex_unlock (&origin->lock);
}

static gpointer
p2p_origin_thread_main (gpointer data)
{
  P2pOrigin *origin = data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (origin->context);

  ok = p2p_origin_listen (origin, &error);
  g_mutex_lock (&origin->start_lock);
  origin->start_error = error;
  origin->start_done = TRUE;
  g_cond_signal (&origin->start_cond);
  g_mutex_unlock (&origin->start_lock);

  if (ok)
    g_main_loop_run (origin->loop);

  p2p_origin_shutdown (origin);
  g_main_context_pop_thread_default (origin->context);
  return NULL;
}

static gboolean
p2p_origin_quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
p2p_origin_destroy_source (gpointer data)
{
  g_source_destroy (data);
  g_source_unref (data);
}

/**
 * p2p_origin_new_full:
 * @content_dir: a directory filled by make-content.sh (or any files to serve)
 * @address: the IP address to bind, e.g. "127.0.0.1"
 * @port: the TCP port, 0 for any free port
 *
 * Starts serving on a thread of its own; returns once the socket listens.
 *
 * Returns: (transfer full): the origin, or NULL with @error set
 */
P2pOrigin *
p2p_origin_new_full (const gchar * content_dir, const gchar * address,
    guint port, GError ** error)
{
  P2pOrigin *origin;
  GError *local = NULL;

  g_return_val_if_fail (content_dir != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!g_file_test (content_dir, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_CONTENT,
        "Content directory %s does not exist", content_dir);
    return NULL;
  }

  origin = g_new0 (P2pOrigin, 1);
  origin->content_dir = g_canonicalize_filename (content_dir, NULL);
  origin->address = g_strdup (address);
  origin->port = port;
  origin->live_segments = P2P_ORIGIN_DEFAULT_LIVE_SEGMENTS;
  origin->live = p2p_origin_live_new (origin->content_dir, &local);
  if (!origin->live) {
    GST_DEBUG ("No live content, /live/ will answer 404: %s", local->message);
    g_clear_error (&local);
  }
  origin->delayed = g_hash_table_new_full (NULL, NULL,
      p2p_origin_destroy_source, NULL);
  g_mutex_init (&origin->lock);
  origin->log = g_ptr_array_new_with_free_func (entry_unref);
  origin->in_flight = g_hash_table_new_full (NULL, NULL, entry_unref, NULL);
  origin->faults = p2p_origin_faults_new ();
  g_mutex_init (&origin->start_lock);
  g_cond_init (&origin->start_cond);
  origin->context = g_main_context_new ();
  origin->loop = g_main_loop_new (origin->context, FALSE);

  origin->thread = g_thread_new ("p2p-origin", p2p_origin_thread_main, origin);
  g_mutex_lock (&origin->start_lock);
  while (!origin->start_done)
    g_cond_wait (&origin->start_cond, &origin->start_lock);
  g_mutex_unlock (&origin->start_lock);

  if (origin->start_error) {
    g_propagate_error (error, g_steal_pointer (&origin->start_error));
    p2p_origin_free (origin);
    return NULL;
  }
  GST_DEBUG ("Serving %s on %s", origin->content_dir, origin->base_url);
  return origin;
}

/**
 * p2p_origin_new:
 * @content_dir: a directory filled by make-content.sh (or any files to serve)
 *
 * Starts serving @content_dir on 127.0.0.1 and a free port.
 *
 * Returns: (transfer full): the origin, or NULL with @error set
 */
P2pOrigin *
p2p_origin_new (const gchar * content_dir, GError ** error)
{
  return p2p_origin_new_full (content_dir, "127.0.0.1", 0, error);
}

/**
 * p2p_origin_free:
 *
 * Stops the server thread (closing open connections, hung ones included)
 * and frees everything.
 */
void
p2p_origin_free (P2pOrigin * origin)
{
  if (!origin)
    return;

  if (origin->thread) {
    /* a source, not g_main_loop_quit(): the loop may not be running yet */
    GSource *quit = g_idle_source_new ();

    g_source_set_callback (quit, p2p_origin_quit, origin->loop, NULL);
    g_source_attach (quit, origin->context);
    g_source_unref (quit);
    g_thread_join (origin->thread);
  }
  g_main_loop_unref (origin->loop);
  g_main_context_unref (origin->context);
  g_hash_table_unref (origin->delayed);
  p2p_origin_live_free (origin->live);
  if (origin->log_file)
    fclose (origin->log_file);
  g_ptr_array_unref (origin->log);
  g_hash_table_unref (origin->in_flight);
  p2p_origin_faults_free (origin->faults);
  g_mutex_clear (&origin->lock);
  g_mutex_clear (&origin->start_lock);
  g_cond_clear (&origin->start_cond);
  g_clear_error (&origin->start_error);
  g_free (origin->content_dir);
  g_free (origin->address);
  g_free (origin->base_url);
  g_free (origin);
}

/**
 * p2p_origin_get_base_url:
 *
 * Returns: "http://ADDRESS:PORT", without a trailing slash
 */
const gchar *
p2p_origin_get_base_url (P2pOrigin * origin)
{
  return origin->base_url;
}

guint
p2p_origin_get_port (P2pOrigin * origin)
{
  return origin->port;
}

/**
 * p2p_origin_get_log:
 *
 * Returns: (transfer full) (element-type P2pOriginRequest): copies of the
 * requests received so far (since the last p2p_origin_clear_log()), oldest
 * first; requests still in flight have finished == FALSE and status 0.
 */
GPtrArray *
p2p_origin_get_log (P2pOrigin * origin)
{
  GPtrArray *copy;
  guint i;

  g_mutex_lock (&origin->lock);
  copy = g_ptr_array_new_full (origin->log->len,
      (GDestroyNotify) p2p_origin_request_free);
  for (i = 0; i < origin->log->len; i++)
    g_ptr_array_add (copy, p2p_origin_request_copy (origin->log->pdata[i]));
  g_mutex_unlock (&origin->lock);
  return copy;
}

void
p2p_origin_clear_log (P2pOrigin * origin)
{
  g_mutex_lock (&origin->lock);
  g_ptr_array_set_size (origin->log, 0);
  g_mutex_unlock (&origin->lock);
}

/**
 * p2p_origin_set_log_file:
 * @path: (nullable): where to write, truncated first; NULL stops logging
 *
 * Writes one JSON object per line (see p2p_origin_request_to_json()) for
 * every request when its response ends, flushed at once.
 */
gboolean
p2p_origin_set_log_file (P2pOrigin * origin, const gchar * path,
    GError ** error)
{
  FILE *f = NULL;

  if (path) {
    f = fopen (path, "w");
    if (!f) {
      int saved = errno;

      g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_LOG,
          "Cannot open log file %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  }
  g_mutex_lock (&origin->lock);
  if (origin->log_file)
    fclose (origin->log_file);
  origin->log_file = f;
  g_mutex_unlock (&origin->lock);
  return TRUE;
}

/**
 * p2p_origin_set_live_segments:
 * @n_segments: segments after which live playlists end (EXT-X-ENDLIST, a
 *   static MPD); 0 for a live stream that never ends
 *
 * Applies at once to every later live request.
 */
void
p2p_origin_set_live_segments (P2pOrigin * origin, guint n_segments)
{
  g_atomic_int_set (&origin->live_segments, MIN (n_segments, G_MAXINT));
}

guint
p2p_origin_get_live_segments (P2pOrigin * origin)
{
  return g_atomic_int_get (&origin->live_segments);
}

/**
 * p2p_origin_add_fault:
 * @spec: "ANSWER:GLOB[:SECONDS]": ANSWER an HTTP status 400..599 or
 *   "reset", GLOB a GPatternSpec on the request path
 *
 * Adds a fault rule; it acts once p2p_origin_arm_faults() is called.
 */
gboolean
p2p_origin_add_fault (P2pOrigin * origin, const gchar * spec, GError ** error)
{
  return p2p_origin_faults_add (origin->faults, spec, error);
}

/**
 * p2p_origin_arm_faults:
 *
 * Starts (again) every rule's window.
 */
void
p2p_origin_arm_faults (P2pOrigin * origin)
{
  p2p_origin_faults_arm (origin->faults);
}
