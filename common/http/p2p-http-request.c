/* gst-p2pcdn: one HTTP request run on the manager thread into a P2pFetch.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reproduces souphttpsrc's request behaviour (headers, redirects, range
 * checks, retries of interrupted bodies, the status-to-error mapping) with
 * asynchronous libsoup calls, so one thread serves every request.
 */
#include "p2p-http-request.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (p2p_http_debug);
#define GST_CAT_DEFAULT p2p_http_debug

typedef enum {
  BODY_UNDECIDED,
  BODY_STREAM,
  BODY_ACCUMULATE,
} BodyMode;

struct _P2pHttpRequest
{
  gint refcount;
  SoupSession *session;
  P2pHttpOptions *options;
  P2pFetch *fetch;
  P2pHttpBodyHooks hooks;

  SoupMessage *msg;
  GInputStream *stream;
  guint64 position;             /* next byte to read from the resource */
  gint64 content_size;          /* start + Content-Length, -1 unknown */
  gint retry_count;
  gboolean headers_delivered;
  gchar *redirection_uri;
  gboolean redirection_permanent;
  P2pFetchHeaders pending;      /* headers held back until the body mode is known */
  BodyMode mode;
  GByteArray *body;
  gboolean reading;
};

static void send_request (P2pHttpRequest * req);
static void read_next (P2pHttpRequest * req);

static P2pHttpRequest *
request_ref (P2pHttpRequest * req)
{
  g_atomic_int_inc (&req->refcount);
  return req;
}

static void
request_unref (P2pHttpRequest * req)
{
  if (!g_atomic_int_dec_and_test (&req->refcount))
    return;
  g_clear_object (&req->msg);
  g_clear_object (&req->stream);
  g_clear_object (&req->session);
  p2p_http_options_free (req->options);
  p2p_fetch_unref (req->fetch);
  g_free (req->redirection_uri);
  p2p_fetch_headers_clear (&req->pending);
  if (req->body)
    g_byte_array_unref (req->body);
  if (req->hooks.destroy)
    req->hooks.destroy (req->hooks.user_data);
  g_free (req);
}

static void
request_finish (P2pHttpRequest * req, GError * error)
{
  if (req->hooks.on_end) {
    req->hooks.on_end (error == NULL, req->hooks.user_data);
    req->hooks.on_end = NULL;
  }
  p2p_fetch_set_resume_func (req->fetch, NULL, NULL, NULL, NULL);
  p2p_fetch_finish (req->fetch, error);
  if (req->stream)
    g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL,
        NULL);
}

static void
insert_header (const char *name, const char *value, gpointer user_data)
{
  GstStructure *s = user_data;
  const GValue *old;

  if (!g_utf8_validate (name, -1, NULL) || !g_utf8_validate (value, -1, NULL))
    return;
  old = gst_structure_get_value (s, name);
  if (old && GST_VALUE_HOLDS_ARRAY (old)) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, value);
    gst_value_array_append_value ((GValue *) old, &v);
    g_value_unset (&v);
  } else if (old && G_VALUE_HOLDS_STRING (old)) {
    GValue arr = G_VALUE_INIT, v = G_VALUE_INIT;

    g_value_init (&arr, GST_TYPE_ARRAY);
    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, g_value_get_string (old));
    gst_value_array_append_value (&arr, &v);
    g_value_set_string (&v, value);
    gst_value_array_append_value (&arr, &v);
    gst_structure_set_value (s, name, &arr);
    g_value_unset (&v);
    g_value_unset (&arr);
  } else {
    gst_structure_set (s, name, G_TYPE_STRING, value, NULL);
  }
}

static GstStructure *
make_http_headers (P2pHttpRequest * req)
{
  GstStructure *s, *h;

  s = gst_structure_new ("http-headers", "uri", G_TYPE_STRING,
      req->options->uri, "http-status-code", G_TYPE_UINT,
      soup_message_get_status (req->msg), NULL);
  if (req->redirection_uri)
    gst_structure_set (s, "redirection-uri", G_TYPE_STRING,
        req->redirection_uri, NULL);
  h = gst_structure_new_empty ("request-headers");
  soup_message_headers_foreach (soup_message_get_request_headers (req->msg),
      insert_header, h);
  gst_structure_set (s, "request-headers", GST_TYPE_STRUCTURE, h, NULL);
  gst_structure_free (h);
  h = gst_structure_new_empty ("response-headers");
  soup_message_headers_foreach (soup_message_get_response_headers (req->msg),
      insert_header, h);
  gst_structure_set (s, "response-headers", GST_TYPE_STRUCTURE, h, NULL);
  gst_structure_free (h);
  return s;
}

static gboolean
append_extra_header (GQuark field_id, const GValue * value, gpointer user_data)
{
  SoupMessageHeaders *headers = user_data;
  const gchar *name = g_quark_to_string (field_id);
  gchar *str = NULL;

  if (GST_VALUE_HOLDS_ARRAY (value) || GST_VALUE_HOLDS_LIST (value)) {
    guint i, n = GST_VALUE_HOLDS_ARRAY (value) ?
        gst_value_array_get_size (value) : gst_value_list_get_size (value);

    for (i = 0; i < n; i++) {
      const GValue *v = GST_VALUE_HOLDS_ARRAY (value) ?
          gst_value_array_get_value (value, i) :
          gst_value_list_get_value (value, i);

      append_extra_header (field_id, v, user_data);
    }
    return TRUE;
  }

  if (G_VALUE_HOLDS_STRING (value)) {
    str = g_value_dup_string (value);
  } else {
    GValue dest = G_VALUE_INIT;

    g_value_init (&dest, G_TYPE_STRING);
    if (g_value_transform (value, &dest))
      str = g_value_dup_string (&dest);
    g_value_unset (&dest);
  }
  if (str) {
    soup_message_headers_append (headers, name, str);
    g_free (str);
  }
  return TRUE;
}

static gboolean
on_accept_certificate (SoupMessage * msg, GTlsCertificate * cert,
    GTlsCertificateFlags errors, gpointer user_data)
{
  P2pHttpRequest *req = user_data;

  return !req->options->ssl_strict;
}

static gboolean
on_authenticate (SoupMessage * msg, SoupAuth * auth, gboolean retrying,
    gpointer user_data)
{
  P2pHttpRequest *req = user_data;
  const P2pHttpOptions *o = req->options;

  if (retrying)
    return FALSE;
  if (soup_auth_is_for_proxy (auth)) {
    if (o->proxy_id && o->proxy_pw)
      soup_auth_authenticate (auth, o->proxy_id, o->proxy_pw);
  } else if (o->user_id && o->user_pw) {
    soup_auth_authenticate (auth, o->user_id, o->user_pw);
  }
  return FALSE;
}

static void
on_restarted (SoupMessage * msg, gpointer user_data)
{
  P2pHttpRequest *req = user_data;
  guint status = soup_message_get_status (msg);

  if (!SOUP_STATUS_IS_REDIRECTION (status))
    return;
  g_free (req->redirection_uri);
  req->redirection_uri = g_uri_to_string (soup_message_get_uri (msg));
  req->redirection_permanent = (status == SOUP_STATUS_MOVED_PERMANENTLY);
}

static void
set_range_header (P2pHttpRequest * req)
{
  SoupMessageHeaders *h = soup_message_get_request_headers (req->msg);
  gint64 stop = req->options->stop;

  if (req->position == 0 && stop < 0) {
    soup_message_headers_remove (h, "Range");
    return;
  }
  soup_message_headers_set_range (h, req->position, stop > 0 ? stop - 1 : -1);
}

static gboolean
build_message (P2pHttpRequest * req, GError ** error)
{
  const P2pHttpOptions *o = req->options;
  SoupMessageHeaders *h;
  GString *ua;

  req->msg = soup_message_new (o->method ? o->method : SOUP_METHOD_GET, o->uri);
  if (!req->msg) {
    g_set_error (error, P2P_FETCH_ERROR, P2P_FETCH_ERROR_OPEN_READ,
        "Error parsing URL: %s", o->uri);
    return FALSE;
  }
  h = soup_message_get_request_headers (req->msg);

  ua = g_string_new (o->user_agent ? o->user_agent : "");
  if (ua->len == 0 || ua->str[ua->len - 1] == ' ')
    g_string_append_printf (ua, "libsoup/%u.%u.%u", soup_get_major_version (),
        soup_get_minor_version (), soup_get_micro_version ());
  soup_message_headers_append (h, "User-Agent", ua->str);
  g_string_free (ua, TRUE);

  if (!o->keep_alive)
    soup_message_headers_append (h, "Connection", "close");
  if (o->cookies) {
    for (gchar ** c = o->cookies; *c; c++)
      soup_message_headers_append (h, "Cookie", *c);
    soup_message_disable_feature (req->msg, SOUP_TYPE_COOKIE_JAR);
  }
  if (!o->compress)
    soup_message_headers_append (h, "Accept-Encoding", "identity");
  if (o->extra_headers)
    gst_structure_foreach (o->extra_headers, append_extra_header, h);

  soup_message_set_flags (req->msg,
      o->automatic_redirect ? 0 : SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (req->msg, "accept-certificate",
      G_CALLBACK (on_accept_certificate), req);
  g_signal_connect (req->msg, "authenticate", G_CALLBACK (on_authenticate),
      req);
  if (o->automatic_redirect)
    g_signal_connect (req->msg, "restarted", G_CALLBACK (on_restarted), req);
  return TRUE;
}

static gboolean
can_retry (P2pHttpRequest * req)
{
  return req->options->retries < 0
      || req->retry_count < req->options->retries;
}

static void
deliver_headers (P2pHttpRequest * req)
{
  if (req->headers_delivered)
    return;
  req->headers_delivered = TRUE;
  p2p_fetch_set_headers (req->fetch, &req->pending);
}

/* The same mapping as souphttpsrc's parse_status(): returns NULL when the
 * status is not an error. */
static GError *
status_error (P2pHttpRequest * req, guint status, gboolean * eos)
{
  const gchar *reason = soup_message_get_reason_phrase (req->msg);
  P2pFetchErrorCode code;

  *eos = FALSE;
  if (!(SOUP_STATUS_IS_CLIENT_ERROR (status)
          || SOUP_STATUS_IS_REDIRECTION (status)
          || SOUP_STATUS_IS_SERVER_ERROR (status)))
    return NULL;
  if (reason && !g_utf8_validate (reason, -1, NULL))
    reason = "(invalid)";

  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE
      && req->options->have_body && (req->options->known_size < 0
          || (gint64) req->position >= req->options->known_size)) {
    *eos = TRUE;
    return NULL;
  }

  if (status == SOUP_STATUS_NOT_FOUND)
    code = P2P_FETCH_ERROR_NOT_FOUND;
  else if (status == SOUP_STATUS_UNAUTHORIZED
      || status == SOUP_STATUS_PAYMENT_REQUIRED
      || status == SOUP_STATUS_FORBIDDEN
      || status == SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED)
    code = P2P_FETCH_ERROR_NOT_AUTHORIZED;
  else
    code = P2P_FETCH_ERROR_OPEN_READ;

  /* Like souphttpsrc 1.22, the redirect detail is the last URI a redirect
   * led to (fill_pending_headers), not the Location of a final 3xx. */
  return g_error_new (P2P_FETCH_ERROR, code, "%s", reason ? reason : "");
}

static void
fill_pending_headers (P2pHttpRequest * req)
{
  SoupMessageHeaders *rh = soup_message_get_response_headers (req->msg);
  guint status = soup_message_get_status (req->msg);
  const gchar *accept_ranges, *ct;

  p2p_fetch_headers_clear (&req->pending);
  req->pending.status = status;
  req->pending.is_segment = req->options->is_segment;
  req->pending.content_length = -1;
  req->pending.seekable = TRUE;
  req->pending.final_uri = g_uri_to_string (soup_message_get_uri (req->msg));
  req->pending.redirected = req->redirection_uri != NULL;
  req->pending.redirect_permanent = req->redirection_permanent;
  req->pending.redirect_uri = g_strdup (req->redirection_uri);
  req->pending.reason = g_strdup (soup_message_get_reason_phrase (req->msg));
  req->pending.http_headers = make_http_headers (req);
  if (SOUP_STATUS_IS_SUCCESSFUL (status)
      && soup_message_headers_get_encoding (rh) ==
      SOUP_ENCODING_CONTENT_LENGTH)
    req->pending.content_length = soup_message_headers_get_content_length (rh);
  accept_ranges = soup_message_headers_get_one (rh, "Accept-Ranges");
  if (accept_ranges && g_ascii_strcasecmp (accept_ranges, "none") == 0)
    req->pending.seekable = FALSE;
  ct = soup_message_headers_get_content_type (rh, NULL);
  req->pending.content_type = g_strdup (ct);
}

static void
fail_with_headers (P2pHttpRequest * req, GError * error)
{
  req->pending.failed = TRUE;
  deliver_headers (req);
  request_finish (req, error);
}

static void
on_sent (GObject * source, GAsyncResult * res, gpointer user_data)
{
  P2pHttpRequest *req = user_data;
  GError *error = NULL;
  GError *status_err;
  gboolean eos = FALSE;
  guint status;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || p2p_fetch_is_cancelled (req->fetch)) {
    request_finish (req, error ? error :
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
    goto out;
  }

  status = soup_message_get_status (req->msg);
  GST_DEBUG ("%s: status %u%s%s", req->options->uri, status,
      error ? ", " : "", error ? error->message : "");

  if (req->headers_delivered) {
    /* A retry of an interrupted body: it must continue where we were. */
    if (!req->stream || status != SOUP_STATUS_PARTIAL_CONTENT) {
      if (req->stream && SOUP_STATUS_IS_SUCCESSFUL (status))
        request_finish (req, g_error_new (P2P_FETCH_ERROR,
                P2P_FETCH_ERROR_SEEK, "Server does not support seeking."));
      else if (can_retry (req) && !(status >= 400 && status < 500)) {
        g_clear_error (&error);
        g_clear_object (&req->stream);
        send_request (req);
        goto out;
      } else
        request_finish (req, g_error_new (P2P_FETCH_ERROR,
                P2P_FETCH_ERROR_READ, "A network error occurred, or the server "
                "closed the connection unexpectedly."));
      g_clear_error (&error);
      goto out;
    }
    g_clear_error (&error);
    read_next (req);
    goto out;
  }

  fill_pending_headers (req);

  status_err = status_error (req, status, &eos);
  if (eos) {
    deliver_headers (req);
    request_finish (req, NULL);
    g_clear_error (&error);
    goto out;
  }
  if (status_err) {
    g_clear_error (&error);
    fail_with_headers (req, status_err);
    goto out;
  }
  if (!req->stream) {
    GError *e = g_error_new (P2P_FETCH_ERROR, P2P_FETCH_ERROR_FAILED,
        "Could not get a response from %s: %s", req->options->uri,
        error ? error->message : "unknown error");

    g_clear_error (&error);
    fail_with_headers (req, e);
    goto out;
  }
  if (req->position > 0 && status != SOUP_STATUS_PARTIAL_CONTENT) {
    fail_with_headers (req, g_error_new_literal (P2P_FETCH_ERROR,
            P2P_FETCH_ERROR_SEEK, "Server does not support seeking."));
    goto out;
  }
  if (req->pending.content_length >= 0)
    req->content_size = req->position + req->pending.content_length;

  if (req->hooks.wants_body && SOUP_STATUS_IS_SUCCESSFUL (status)
      && g_strcmp0 (soup_message_get_method (req->msg), "GET") == 0)
    req->mode = BODY_UNDECIDED;
  else
    req->mode = BODY_STREAM;
  if (req->mode == BODY_STREAM)
    deliver_headers (req);
  read_next (req);

out:
  request_unref (req);
}

static void
finish_body (P2pHttpRequest * req)
{
  GError *error = NULL;
  GBytes *body, *out;

  if (req->mode != BODY_ACCUMULATE) {
    deliver_headers (req);
    request_finish (req, NULL);
    return;
  }

  body = g_byte_array_free_to_bytes (g_steal_pointer (&req->body));
  out = req->hooks.transform (req->options, req->pending.final_uri, body,
      &req->pending.warning, &error, req->hooks.user_data);
  g_bytes_unref (body);
  if (!out) {
    fail_with_headers (req, error);
    return;
  }
  req->pending.is_manifest = TRUE;
  req->pending.content_length = g_bytes_get_size (out);
  deliver_headers (req);
  if (g_bytes_get_size (out) > 0)
    p2p_fetch_push (req->fetch, out);
  g_bytes_unref (out);
  request_finish (req, NULL);
}

static void
retry_or_fail (P2pHttpRequest * req, GError * error)
{
  if (can_retry (req)) {
    GST_INFO ("%s: body interrupted at %" G_GUINT64_FORMAT " (%s), retrying",
        req->options->uri, req->position, error ? error->message : "EOF");
    g_clear_error (&error);
    g_clear_object (&req->stream);
    send_request (req);
    return;
  }
  g_clear_error (&error);
  /* souphttpsrc ends with a flow error and no message once it gave up. */
  request_finish (req, g_error_new (P2P_FETCH_ERROR, P2P_FETCH_ERROR_FAILED,
          "Reading %s failed at byte %" G_GUINT64_FORMAT " after %d retries",
          req->options->uri, req->position, req->retry_count));
}

static gboolean
decide_body_mode (P2pHttpRequest * req, const guint8 * data, gsize len)
{
  if (req->hooks.wants_body (req->pending.final_uri, req->pending.content_type,
          data, len, req->hooks.user_data)) {
    req->mode = BODY_ACCUMULATE;
    req->body = g_byte_array_new ();
    return TRUE;
  }
  req->mode = BODY_STREAM;
  deliver_headers (req);
  return FALSE;
}

static void
on_read (GObject * source, GAsyncResult * res, gpointer user_data)
{
  P2pHttpRequest *req = user_data;
  GError *error = NULL;
  GBytes *bytes;
  gsize len;
  gboolean more = TRUE;

  req->reading = FALSE;
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res,
      &error);

  if (p2p_fetch_is_cancelled (req->fetch)) {
    g_clear_error (&error);
    g_clear_pointer (&bytes, g_bytes_unref);
    request_finish (req, g_error_new_literal (G_IO_ERROR,
            G_IO_ERROR_CANCELLED, "Cancelled"));
    goto out;
  }
  if (!bytes) {
    retry_or_fail (req, error);
    goto out;
  }

  len = g_bytes_get_size (bytes);
  if (len == 0) {
    g_bytes_unref (bytes);
    if (req->content_size >= 0 && (gint64) req->position < req->content_size) {
      retry_or_fail (req, NULL);
      goto out;
    }
    if (req->mode == BODY_UNDECIDED)
      decide_body_mode (req, NULL, 0);
    finish_body (req);
    goto out;
  }

  req->position += len;
  req->retry_count = 0;
  if (req->mode == BODY_UNDECIDED)
    decide_body_mode (req, g_bytes_get_data (bytes, NULL), len);

  if (req->mode == BODY_ACCUMULATE) {
    if (req->body->len + len > P2P_HTTP_MAX_MANIFEST) {
      g_bytes_unref (bytes);
      fail_with_headers (req, g_error_new (P2P_FETCH_ERROR,
              P2P_FETCH_ERROR_MANIFEST, "Manifest %s is larger than %d bytes",
              req->options->uri, P2P_HTTP_MAX_MANIFEST));
      goto out;
    }
    g_byte_array_append (req->body, g_bytes_get_data (bytes, NULL), len);
  } else {
    if (req->hooks.on_data)
      req->hooks.on_data (bytes, req->hooks.user_data);
    more = p2p_fetch_push (req->fetch, bytes);
  }
  g_bytes_unref (bytes);

  /* At the end of a range, stop here: reading on would only wait for the
   * server to close. */
  if (req->options->stop > 0 && (gint64) req->position >= req->options->stop) {
    finish_body (req);
    goto out;
  }
  if (more)
    read_next (req);
  /* else: p2p_fetch_pop() schedules resume_reading() */

out:
  request_unref (req);
}

static void
read_next (P2pHttpRequest * req)
{
  if (req->reading)
    return;
  req->reading = TRUE;
  g_input_stream_read_bytes_async (req->stream, req->options->blocksize,
      G_PRIORITY_DEFAULT, p2p_fetch_get_cancellable (req->fetch), on_read,
      request_ref (req));
}

static gboolean
resume_reading (gpointer user_data)
{
  P2pHttpRequest *req = user_data;

  if (req->stream && !p2p_fetch_is_cancelled (req->fetch))
    read_next (req);
  return G_SOURCE_REMOVE;
}

static gboolean
send_after_backoff (gpointer user_data)
{
  P2pHttpRequest *req = user_data;

  set_range_header (req);
  soup_session_send_async (req->session, req->msg, G_PRIORITY_DEFAULT,
      p2p_fetch_get_cancellable (req->fetch), on_sent, request_ref (req));
  return G_SOURCE_REMOVE;
}

static void
send_request (P2pHttpRequest * req)
{
  gdouble backoff = 0;

  req->retry_count++;
  if (req->retry_count > 1 && req->options->retry_backoff_factor > 0)
    backoff = MIN (req->options->retry_backoff_factor *
        (1 << MIN (req->retry_count - 1, 20)), req->options->retry_backoff_max);
  if (backoff > 0) {
    GSource *timer = g_timeout_source_new ((guint) (backoff * 1000));

    g_source_set_callback (timer, send_after_backoff, request_ref (req),
        (GDestroyNotify) request_unref);
    g_source_attach (timer, g_main_context_get_thread_default ());
    g_source_unref (timer);
    return;
  }
  send_after_backoff (req);
}

static void
log_printer (SoupLogger * logger, SoupLoggerLogLevel level, char direction,
    const char *data, gpointer user_data)
{
  GST_TRACE ("HTTP session %p: %c %s", user_data, direction, data);
}

/* Asked per message: nothing is formatted while TRACE is off. */
static SoupLoggerLogLevel
log_filter (SoupLogger * logger, SoupMessage * msg, gpointer user_data)
{
  if (gst_debug_category_get_threshold (p2p_http_debug) < GST_LEVEL_TRACE)
    return SOUP_LOGGER_LOG_NONE;
  return GPOINTER_TO_INT (user_data);
}

void
p2p_http_session_set_log_level (SoupSession * session, gint level)
{
  SoupLogger *logger;

  GST_DEBUG_CATEGORY_INIT (p2p_http_debug, "p2pcdn-http", 0, "p2pcdn HTTP");
  if (level <= SOUP_LOGGER_LOG_NONE)
    return;
  logger = soup_logger_new (level);
  /* segments are megabytes: a body is logged up to this */
  soup_logger_set_max_body_size (logger, 4096);
  soup_logger_set_request_filter (logger, log_filter,
      GINT_TO_POINTER (level), NULL);
  soup_logger_set_response_filter (logger, log_filter,
      GINT_TO_POINTER (level), NULL);
  soup_logger_set_printer (logger, log_printer, session, NULL);
  soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));
  g_object_unref (logger);
}

void
p2p_http_request_start (SoupSession * session, const P2pHttpOptions * options,
    P2pFetch * fetch, const P2pHttpBodyHooks * hooks)
{
  P2pHttpRequest *req;
  GError *error = NULL;

  GST_DEBUG_CATEGORY_INIT (p2p_http_debug, "p2pcdn-http", 0, "p2pcdn HTTP");

  req = g_new0 (P2pHttpRequest, 1);
  req->refcount = 1;
  req->session = g_object_ref (session);
  req->options = p2p_http_options_copy (options);
  req->fetch = p2p_fetch_ref (fetch);
  req->position = options->start;
  req->content_size = -1;
  if (hooks)
    req->hooks = *hooks;

  if (options->stop >= 0 && options->start >= (guint64) options->stop) {
    /* souphttpsrc: an empty range is EOS at once, without a request. */
    req->pending.status = 0;
    req->pending.content_length = 0;
    deliver_headers (req);
    request_finish (req, NULL);
    request_unref (req);
    return;
  }

  if (!build_message (req, &error)) {
    req->pending.failed = TRUE;
    deliver_headers (req);
    request_finish (req, error);
    request_unref (req);
    return;
  }
  p2p_fetch_set_resume_func (fetch, resume_reading, req,
      (GBoxedCopyFunc) request_ref, (GDestroyNotify) request_unref);
  send_request (req);
  request_unref (req);
}
