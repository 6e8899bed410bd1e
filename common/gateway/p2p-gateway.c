/* gst-p2pcdn: a loopback HTTP gateway into the manager's swarms.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: the SoupServer and every SoupServerMessage live on
 * the gateway's own thread (its GMainContext).  Each origin request is read
 * from its P2pFetch, which blocks, by a worker of a bounded thread pool;
 * the worker hands headers and bytes over to the gateway thread with
 * g_main_context_invoke() and waits, under the request's lock, while more
 * than QUEUE_LIMIT bytes wait for the client.  The manager is reached only
 * through p2p_manager_open() and p2p_manager_get_stats(), both thread-safe.
 */
#include "p2p-gateway.h"
#include "p2p-gateway-path.h"

#include <string.h>
#include <sys/random.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

GST_DEBUG_CATEGORY_STATIC (p2p_gateway_debug);
#define GST_CAT_DEFAULT p2p_gateway_debug

/* Requests served at once; more get 503 (each holds a worker thread). */
#define MAX_ACTIVE 64
/* Bytes handed to libsoup and not yet written to the client. */
#define QUEUE_LIMIT (1024 * 1024)
/* A client that reads nothing for this long loses its request. */
#define STALL_US (30 * G_USEC_PER_SEC)
#define TOKEN_BYTES 16

struct _P2pGateway
{
  GObject parent;

  P2pManager *manager;          /* owned unless @borrowed */
  gboolean borrowed;
  gchar *token;
  gchar *base;
  guint port;

  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  SoupServer *server;           /* gateway thread */
  GThreadPool *pool;

  GMutex lock;                  /* guards @active */
  GHashTable *active;           /* GatewayRequest set */

  gint n_active;                /* atomic */
  guint64 requests;             /* atomic */
  guint64 bytes;                /* atomic */
  guint64 errors;               /* atomic */
};

G_DEFINE_TYPE (P2pGateway, p2p_gateway, G_TYPE_OBJECT);

typedef struct
{
  gint ref;
  P2pGateway *gateway;          /* no reference: it waits for its workers */
  SoupServerMessage *msg;       /* gateway thread */
  P2pFetch *fetch;
  gboolean head;
  gboolean ranged;
  guint64 start;

  GMutex lock;
  GCond cond;
  gsize queued;                 /* bytes handed to libsoup, not yet written */
  gboolean gone;                /* client finished or disconnected */
  gint64 length;                /* the body's Content-Length, -1 unknown */
  guint64 written;              /* body bytes written to the client */
} GatewayRequest;

static GatewayRequest *
request_ref (GatewayRequest * req)
{
  g_atomic_int_inc (&req->ref);
  return req;
}

static void
request_unref (GatewayRequest * req)
{
  if (!g_atomic_int_dec_and_test (&req->ref))
    return;
  g_clear_object (&req->msg);
  g_clear_pointer (&req->fetch, p2p_fetch_unref);
  g_mutex_clear (&req->lock);
  g_cond_clear (&req->cond);
  g_free (req);
}

static void
request_set_gone (GatewayRequest * req)
{
  gboolean whole;

  g_mutex_lock (&req->lock);
  req->gone = TRUE;
  whole = req->length >= 0 && req->written >= (guint64) req->length;
  g_cond_broadcast (&req->cond);
  g_mutex_unlock (&req->lock);
  /* A client that has its whole body is done before the fetch reported
   * its end: cancelling would throw away a segment the cache and peers
   * still want. */
  if (req->fetch && !whole)
    p2p_fetch_cancel (req->fetch);
}

static gboolean
request_is_gone (GatewayRequest * req)
{
  gboolean gone;

  g_mutex_lock (&req->lock);
  gone = req->gone;
  g_mutex_unlock (&req->lock);
  return gone;
}

/* Gateway thread. */
static void
respond_error (P2pGateway * self, SoupServerMessage * msg, guint status,
    const gchar * reason, const gchar * text)
{
  g_atomic_pointer_add (&self->errors, 1);
  soup_server_message_set_status (msg, status, reason);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY,
      text, strlen (text));
}

/* --- worker -> gateway thread steps ---------------------------------- */

typedef enum
{
  STEP_HEADERS,
  STEP_DATA,
  STEP_END,
  STEP_ABORT,
} StepKind;

typedef struct
{
  GatewayRequest *req;
  StepKind kind;
  guint status;
  gchar *reason;
  gchar *content_type;
  gint64 length;                /* STEP_HEADERS: body bytes, -1 unknown */
  gchar *content_range;
  GBytes *bytes;
} Step;

static void
step_free (Step * step)
{
  request_unref (step->req);
  g_free (step->reason);
  g_free (step->content_type);
  g_free (step->content_range);
  g_clear_pointer (&step->bytes, g_bytes_unref);
  g_free (step);
}

static gboolean
run_step (gpointer data)
{
  Step *step = data;
  GatewayRequest *req = step->req;
  SoupServerMessage *msg = req->msg;
  SoupMessageHeaders *h;
  SoupMessageBody *body;

  if (request_is_gone (req))
    return G_SOURCE_REMOVE;
  h = soup_server_message_get_response_headers (msg);
  body = soup_server_message_get_response_body (msg);
  switch (step->kind) {
    case STEP_HEADERS:
      soup_server_message_set_status (msg, step->status, step->reason);
      if (step->content_type)
        soup_message_headers_replace (h, "Content-Type", step->content_type);
      if (step->content_range)
        soup_message_headers_replace (h, "Content-Range", step->content_range);
      soup_message_headers_replace (h, "Accept-Ranges", "bytes");
      if (step->length >= 0)
        soup_message_headers_set_content_length (h, step->length);
      else
        soup_message_headers_set_encoding (h, SOUP_ENCODING_CHUNKED);
      soup_message_body_set_accumulate (body, FALSE);
      if (req->head)
        soup_message_body_complete (body);
      break;
    case STEP_DATA:
      soup_message_body_append_bytes (body, step->bytes);
      break;
    case STEP_END:
      soup_message_body_complete (body);
      break;
    case STEP_ABORT:{
      /* The body cannot be completed: closing the connection is how HTTP
       * tells the client that it is short. */
      GIOStream *stream = soup_server_message_steal_connection (msg);

      if (stream) {
        g_io_stream_close (stream, NULL, NULL);
        g_object_unref (stream);
      }
      request_set_gone (req);
      return G_SOURCE_REMOVE;
    }
  }
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
post_step (GatewayRequest * req, Step * step)
{
  step->req = request_ref (req);
  g_main_context_invoke_full (req->gateway->context, G_PRIORITY_DEFAULT,
      run_step, step, (GDestroyNotify) step_free);
}

static void
post_simple (GatewayRequest * req, StepKind kind)
{
  Step *step = g_new0 (Step, 1);

  step->kind = kind;
  post_step (req, step);
}

/* Worker thread: waits until the client took enough of the queued bytes. */
static gboolean
wait_for_room (GatewayRequest * req)
{
  gint64 deadline = g_get_monotonic_time () + STALL_US;
  gboolean ok;

  g_mutex_lock (&req->lock);
  while (!req->gone && req->queued > QUEUE_LIMIT)
    if (!g_cond_wait_until (&req->cond, &req->lock, deadline))
      break;
  ok = !req->gone && req->queued <= QUEUE_LIMIT;
  g_mutex_unlock (&req->lock);
  return ok;
}

static gchar *
origin_total (const P2pFetchHeaders * h)
{
  const GstStructure *resp = NULL;
  const gchar *range, *slash;
  gchar *total;

  if (h->http_headers)
    gst_structure_get (h->http_headers, "response-headers",
        GST_TYPE_STRUCTURE, &resp, NULL);
  range = resp ? gst_structure_get_string (resp, "Content-Range") : NULL;
  if (!range)
    range = resp ? gst_structure_get_string (resp, "content-range") : NULL;
  slash = range ? strrchr (range, '/') : NULL;
  total = g_strdup (slash && slash[1] ? slash + 1 : "*");
  if (resp)
    gst_structure_free ((GstStructure *) resp);
  return total;
}

/* Origin errors reach the client with the origin's status; failures with
 * no HTTP status are a bad gateway. */
static void
post_failure (GatewayRequest * req, guint status, const gchar * message)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_HEADERS;
  step->status = status >= 400 && status < 600 ? status : 502;
  step->reason = g_strdup (soup_status_get_phrase (step->status));
  step->content_type = g_strdup ("text/plain");
  step->length = 0;
  g_atomic_pointer_add (&req->gateway->errors, 1);
  GST_INFO ("request failed (%u): %s", step->status, message);
  post_step (req, step);
  post_simple (req, STEP_END);
}

static void
serve_fetch (gpointer data, gpointer user_data)
{
  GatewayRequest *req = data;
  P2pGateway *self = req->gateway;
  const P2pFetchHeaders *h;
  GError *error = NULL;
  Step *step;
  GBytes *bytes;
  guint64 sent = 0;

  h = p2p_fetch_wait_headers (req->fetch, &error);
  if (h == NULL || h->failed) {
    guint status = h ? h->status : 0;

    if (h && !error)
      while ((bytes = p2p_fetch_pop (req->fetch, &error)))
        g_bytes_unref (bytes);
    post_failure (req, status, error ? error->message : "failed");
    g_clear_error (&error);
    goto done;
  }

  step = g_new0 (Step, 1);
  step->kind = STEP_HEADERS;
  step->status = req->ranged ? 206 : 200;
  step->reason = g_strdup (soup_status_get_phrase (step->status));
  step->content_type = g_strdup (h->content_type);
  step->length = h->content_length;
  g_mutex_lock (&req->lock);
  req->length = req->head ? -1 : h->content_length;
  g_mutex_unlock (&req->lock);
  if (req->ranged && h->content_length > 0) {
    gchar *total = origin_total (h);

    step->content_range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%"
        G_GUINT64_FORMAT "/%s", req->start,
        req->start + h->content_length - 1, total);
    g_free (total);
  }
  post_step (req, step);
  if (req->head) {
    p2p_fetch_cancel (req->fetch);
    goto done;
  }

  while ((bytes = p2p_fetch_pop (req->fetch, &error))) {
    gsize size = g_bytes_get_size (bytes);

    if (!wait_for_room (req)) {
      g_bytes_unref (bytes);
      p2p_fetch_cancel (req->fetch);
      GST_INFO ("client stalled or left after %" G_GUINT64_FORMAT " bytes",
          sent);
      post_simple (req, STEP_ABORT);
      goto done;
    }
    g_mutex_lock (&req->lock);
    req->queued += size;
    g_mutex_unlock (&req->lock);
    sent += size;
    g_atomic_pointer_add (&self->bytes, size);
    step = g_new0 (Step, 1);
    step->kind = STEP_DATA;
    step->bytes = bytes;
    post_step (req, step);
  }
  if (error || (h->content_length >= 0 && sent != (guint64) h->content_length)) {
    GST_INFO ("body cut after %" G_GUINT64_FORMAT " bytes: %s", sent,
        error ? error->message : "short");
    g_clear_error (&error);
    g_atomic_pointer_add (&self->errors, 1);
    post_simple (req, STEP_ABORT);
  } else {
    post_simple (req, STEP_END);
  }

done:
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->active, req);
  g_mutex_unlock (&self->lock);
  g_atomic_int_add (&self->n_active, -1);
  request_unref (req);
}

/* --- gateway thread: requests ---------------------------------------- */

static void
on_wrote_body_data (SoupServerMessage * msg, guint size, GatewayRequest * req)
{
  g_mutex_lock (&req->lock);
  req->queued = req->queued > size ? req->queued - size : 0;
  req->written += size;
  g_cond_broadcast (&req->cond);
  g_mutex_unlock (&req->lock);
}

static void
on_finished (SoupServerMessage * msg, GatewayRequest * req)
{
  request_set_gone (req);
}

static gchar *
stats_json (P2pGateway * self)
{
  GstStructure *s = p2p_gateway_get_stats (self);
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  gchar *out;

  json_builder_begin_object (b);
  for (gint i = 0; i < gst_structure_n_fields (s); i++) {
    const gchar *name = gst_structure_nth_field_name (s, i);
    const GValue *v = gst_structure_get_value (s, name);
    GValue as_int = G_VALUE_INIT;

    g_value_init (&as_int, G_TYPE_INT64);
    if (!g_value_transform (v, &as_int))
      continue;
    json_builder_set_member_name (b, name);
    json_builder_add_int_value (b, g_value_get_int64 (&as_int));
    g_value_unset (&as_int);
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  out = json_to_string (root, TRUE);
  json_node_unref (root);
  g_object_unref (b);
  gst_structure_free (s);
  return out;
}

static void
start_origin_request (P2pGateway * self, SoupServerMessage * msg,
    const gchar * origin_uri, gboolean head)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  P2pHttpOptions *options = p2p_http_options_new ();
  GatewayRequest *req;
  const gchar *ua = soup_message_headers_get_one (in, "User-Agent");
  guint64 start = 0;
  gint64 stop = -1;

  if (g_atomic_int_add (&self->n_active, 1) >= MAX_ACTIVE) {
    g_atomic_int_add (&self->n_active, -1);
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Retry-After", "1");
    respond_error (self, msg, 503, NULL, "Too many requests at once\n");
    p2p_http_options_free (options);
    return;
  }

  req = g_new0 (GatewayRequest, 1);
  req->ref = 1;
  req->gateway = self;
  req->msg = g_object_ref (msg);
  req->head = head;
  req->length = -1;
  g_mutex_init (&req->lock);
  g_cond_init (&req->cond);
  /* "bytes=0-" (ffmpeg asks so for everything) is the whole body: 200,
   * and a manifest stays a manifest to rewrite */
  req->ranged = p2p_gateway_parse_range (soup_message_headers_get_one (in,
          "Range"), &start, &stop) && (start > 0 || stop >= 0);
  if (!req->ranged) {
    start = 0;
    stop = -1;
  }
  req->start = start;

  options->uri = g_strdup (origin_uri);
  options->start = start;
  options->stop = stop;
  options->user_agent = g_strdup (ua ? ua : "p2pcdn-gateway");
  options->scheme_prefix = g_strdup (self->base);
  req->fetch = p2p_manager_open (self->manager, options);
  p2p_http_options_free (options);

  g_signal_connect_data (msg, "wrote-body-data",
      G_CALLBACK (on_wrote_body_data), request_ref (req),
      (GClosureNotify) request_unref, 0);
  g_signal_connect_data (msg, "finished", G_CALLBACK (on_finished),
      request_ref (req), (GClosureNotify) request_unref, 0);
  soup_server_message_pause (msg);
  g_mutex_lock (&self->lock);
  g_hash_table_add (self->active, req);
  g_mutex_unlock (&self->lock);
  g_atomic_pointer_add (&self->requests, 1);
  GST_DEBUG ("%s%s", head ? "HEAD " : "", origin_uri);
  g_thread_pool_push (self->pool, req, NULL);
}

static void
handle_request (SoupServer * server, SoupServerMessage * msg,
    const char *unused_path, GHashTable * unused_query, gpointer data)
{
  P2pGateway *self = data;
  GUri *uri = soup_server_message_get_uri (msg);
  const gchar *method = soup_server_message_get_method (msg);
  P2pGatewayTarget target;
  gchar *origin_uri = NULL;
  GError *error = NULL;

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Allow", "GET, HEAD");
    respond_error (self, msg, 405, NULL, "Only GET and HEAD\n");
    return;
  }
  if (!p2p_gateway_parse_path (g_uri_get_path (uri), g_uri_get_query (uri),
          self->token, &target, &origin_uri, &error)) {
    GST_DEBUG ("refused: %s", error->message);
    respond_error (self, msg, error->code == P2P_GATEWAY_ERROR_NOT_FOUND ?
        404 : 400, NULL, error->message);
    g_error_free (error);
    return;
  }
  if (target == P2P_GATEWAY_TARGET_STATS) {
    gchar *json = stats_json (self);

    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_TAKE, json, strlen (json));
    return;
  }
  start_origin_request (self, msg, origin_uri, method == SOUP_METHOD_HEAD);
  g_free (origin_uri);
}

/* --- lifetime -------------------------------------------------------- */

static gpointer
gateway_thread (gpointer data)
{
  P2pGateway *self = data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE));
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
p2p_gateway_init (P2pGateway * self)
{
  g_mutex_init (&self->lock);
  self->active = g_hash_table_new (NULL, NULL);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
}

static void
p2p_gateway_finalize (GObject * object)
{
  P2pGateway *self = P2P_GATEWAY (object);
  GHashTableIter it;
  gpointer req;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&it, self->active);
  while (g_hash_table_iter_next (&it, &req, NULL))
    request_set_gone (req);
  g_mutex_unlock (&self->lock);
  if (self->pool)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  if (self->thread) {
    g_main_context_invoke (self->context, (GSourceFunc) g_main_loop_quit,
        self->loop);
    g_thread_join (self->thread);
  }
  g_clear_object (&self->server);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_hash_table_destroy (self->active);
  g_mutex_clear (&self->lock);
  if (!self->borrowed && self->manager)
    gst_object_unref (self->manager);
  g_free (self->token);
  g_free (self->base);
  G_OBJECT_CLASS (p2p_gateway_parent_class)->finalize (object);
}

static void
p2p_gateway_class_init (P2pGatewayClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = p2p_gateway_finalize;
  GST_DEBUG_CATEGORY_INIT (p2p_gateway_debug, "p2pcdn-gateway", 0,
      "gst-p2pcdn loopback HTTP gateway");
}

static gchar *
new_token (void)
{
  guint8 raw[TOKEN_BYTES];
  GString *s = g_string_sized_new (2 * TOKEN_BYTES);
  gsize got = 0;

  while (got < sizeof raw) {
    gssize n = getrandom (raw + got, sizeof raw - got, 0);

    if (n > 0)
      got += n;
  }
  for (gsize i = 0; i < sizeof raw; i++)
    g_string_append_printf (s, "%02x", raw[i]);
  return g_string_free (s, FALSE);
}

static P2pGateway *
gateway_start (P2pManager * manager, gboolean borrowed, const gchar * host,
    guint port, GError ** error)
{
  P2pGateway *self = g_object_new (P2P_TYPE_GATEWAY, NULL);
  GSocketAddress *addr;
  GSList *uris;
  gboolean ok;

  self->manager = borrowed ? manager : gst_object_ref (manager);
  self->borrowed = borrowed;
  self->token = new_token ();
  addr = g_inet_socket_address_new_from_string (host, port);
  if (addr == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "Not an IP address: %s", host);
    g_object_unref (self);
    return NULL;
  }
  self->server = soup_server_new ("server-header", "p2pcdn-gateway ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  g_main_context_push_thread_default (self->context);
  ok = soup_server_listen (self->server, addr, 0, error);
  g_main_context_pop_thread_default (self->context);
  g_object_unref (addr);
  if (!ok) {
    g_object_unref (self);
    return NULL;
  }
  uris = soup_server_get_uris (self->server);
  self->port = uris ? (guint) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->base = g_strdup_printf ("http://%s%s%s:%u/%s/",
      strchr (host, ':') ? "[" : "", host, strchr (host, ':') ? "]" : "",
      self->port, self->token);
  self->pool = g_thread_pool_new (serve_fetch, self, MAX_ACTIVE, FALSE, NULL);
  self->thread = g_thread_new ("p2pcdn-gateway", gateway_thread, self);
  GST_INFO ("listening on %s:%u", host, self->port);
  return self;
}

P2pGateway *
p2p_gateway_new (P2pManager * manager, const gchar * host, guint port,
    GError ** error)
{
  g_return_val_if_fail (P2P_IS_MANAGER (manager), NULL);
  return gateway_start (manager, FALSE, host, port, error);
}

static GMutex for_manager_lock;

P2pGateway *
p2p_gateway_get_for_manager (P2pManager * manager, GError ** error)
{
  static GQuark quark;
  P2pGateway *gateway;

  g_return_val_if_fail (P2P_IS_MANAGER (manager), NULL);
  g_mutex_lock (&for_manager_lock);
  if (!quark)
    quark = g_quark_from_static_string ("p2pcdn-gateway");
  gateway = g_object_get_qdata (G_OBJECT (manager), quark);
  if (!gateway) {
    /* The manager owns its gateway: no reference back, or neither would
     * ever go. */
    gateway = gateway_start (manager, TRUE, "127.0.0.1", 0, error);
    if (gateway)
      g_object_set_qdata_full (G_OBJECT (manager), quark, gateway,
          g_object_unref);
  }
  g_mutex_unlock (&for_manager_lock);
  return gateway;
}

const gchar *
p2p_gateway_get_base (P2pGateway * self)
{
  return self->base;
}

guint
p2p_gateway_get_port (P2pGateway * self)
{
  return self->port;
}

gchar *
p2p_gateway_url_for (P2pGateway * self, const gchar * origin_uri)
{
  return g_strconcat (self->base, origin_uri, NULL);
}

GstStructure *
p2p_gateway_get_stats (P2pGateway * self)
{
  GstStructure *s = p2p_manager_get_stats (self->manager);

  gst_structure_set (s,
      "gateway-requests", G_TYPE_UINT64,
      (guint64) g_atomic_pointer_get (&self->requests),
      "gateway-bytes", G_TYPE_UINT64,
      (guint64) g_atomic_pointer_get (&self->bytes),
      "gateway-errors", G_TYPE_UINT64,
      (guint64) g_atomic_pointer_get (&self->errors),
      "gateway-active", G_TYPE_UINT,
      (guint) g_atomic_int_get (&self->n_active), NULL);
  return s;
}
