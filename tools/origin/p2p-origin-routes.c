/* URL routing of the test origin: fault-injection prefixes, live, files.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Prefixes compose (/slow/200/norange/redirect/1/hls/vod/master.m3u8) and
 * are documented in README.md. Everything here runs on the server thread.
 */
#include "p2p-origin-private.h"
#include "p2p-origin-response.h"

#include <string.h>

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_origin_log, "p2pcdn-origin", "the test origin")
#define GST_CAT_DEFAULT p2p_origin_log ()


#define MAX_REDIRECTS 1000
#define MAX_DELAY_MS (10 * 60 * 1000)
/* asked for in any directory of the content, generated from its files */
#define SEGMENT_HASHES_FILE "segments-sha256.json"

static void route_path (P2pOrigin * origin, SoupServerMessage * msg,
    const gchar * path, gboolean honour_range);

/* Matches "<prefix>/<digits>" followed by the end or by "/..."; @rest gets
 * what follows the number ("" or "/..."). */
static gboolean
match_numbered_prefix (const gchar * path, const gchar * prefix,
    guint64 max, guint64 * value, const gchar ** rest)
{
  gsize plen = strlen (prefix);
  const gchar *num, *end;
  g_autofree gchar *digits = NULL;

  if (!g_str_has_prefix (path, prefix) || path[plen] != '/')
    return FALSE;
  num = path + plen + 1;
  end = strchr (num, '/');
  if (!end)
    end = num + strlen (num);
  digits = g_strndup (num, end - num);
  if (!g_ascii_isdigit (digits[0]) ||
      !g_ascii_string_to_unsigned (digits, 10, 0, max, value, NULL))
    return FALSE;
  *rest = end;
  return TRUE;
}

static gboolean
match_word (const gchar * path, const gchar * word, const gchar ** rest)
{
  gsize len = strlen (word);

  if (!g_str_has_prefix (path, word) || (path[len] != '\0' && path[len] != '/'))
    return FALSE;
  *rest = path + len;
  return TRUE;
}

static void
redirect (SoupServerMessage * msg, const gchar * location_path)
{
  const gchar *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree gchar *location = g_strconcat (location_path,
      query ? "?" : "", query ? query : "", NULL);

  p2p_origin_respond_status (msg, SOUP_STATUS_FOUND);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Location", location);
}

typedef struct
{
  P2pOrigin *origin;
  SoupServerMessage *msg;
  gchar *rest;
  gboolean honour_range;
  GSource *source;
  gulong finished_id;
} Delayed;

static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_signal_handler_disconnect (d->msg, d->finished_id);
  g_object_unref (d->msg);
  g_free (d->rest);
  g_free (d);
}

static gboolean
delayed_fire (gpointer data)
{
  Delayed *d = data;

  /* unpause first: a nested /slow/ or /hang pauses again and wins */
  soup_server_message_unpause (d->msg);
  route_path (d->origin, d->msg, d->rest, d->honour_range);
  g_hash_table_remove (d->origin->delayed, d->source);
  return G_SOURCE_REMOVE;
}

static void
delayed_on_finished (SoupServerMessage * msg, Delayed * d)
{
  /* the client went away while we waited */
  g_hash_table_remove (d->origin->delayed, d->source);
}

static void
delay (P2pOrigin * origin, SoupServerMessage * msg, guint delay_ms,
    const gchar * rest, gboolean honour_range)
{
  Delayed *d = g_new0 (Delayed, 1);

  d->origin = origin;
  d->msg = g_object_ref (msg);
  d->rest = g_strdup (rest);
  d->honour_range = honour_range;
  d->source = g_timeout_source_new (delay_ms);
  d->finished_id = g_signal_connect (msg, "finished",
      G_CALLBACK (delayed_on_finished), d);
  g_source_set_callback (d->source, delayed_fire, d, delayed_free);
  g_hash_table_add (origin->delayed, d->source);
  soup_server_message_pause (msg);
  g_source_attach (d->source, origin->context);
}

static gboolean
path_is_safe (const gchar * path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  guint i;

  /* no parent directories, no hidden files (the stamp, temporary dirs) */
  for (i = 0; parts[i]; i++) {
    if (parts[i][0] == '.')
      return FALSE;
  }
  return TRUE;
}

/* The origin as the client addressed it, so absolute URIs in templates work
 * from another network namespace too; falls back to the bind address. */
static gchar *
request_base_url (P2pOrigin * origin, SoupServerMessage * msg)
{
  const gchar *host = soup_message_headers_get_one
      (soup_server_message_get_request_headers (msg), "Host");
  const gchar *p;

  if (!host || !*host)
    return g_strdup (origin->base_url);
  for (p = host; *p; p++) {
    if (!g_ascii_isalnum (*p) && !strchr (".-:[]", *p))
      return g_strdup (origin->base_url);
  }
  return g_strconcat ("http://", host, NULL);
}

static void
serve_template (P2pOrigin * origin, SoupServerMessage * msg,
    const gchar * file, const gchar * path, gboolean honour_range)
{
  g_autofree gchar *contents = NULL;
  g_autofree gchar *base = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  GString *text;
  gsize len;

  if (!g_file_get_contents (file, &contents, &len, &error)) {
    GST_WARNING ("%s", error->message);
    p2p_origin_respond_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
    return;
  }
  base = request_base_url (origin, msg);
  text = g_string_new_len (contents, len);
  g_string_replace (text, "@BASE@", base, 0);
  body = g_string_free_to_bytes (text);
  p2p_origin_respond_bytes (msg, body,
      p2p_origin_content_type_for_path (path), honour_range);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* The hash list p2p-media-loader's PeerTube integration reads
 * (segments-sha256.json): the SHA-256 of each media file of @dir, by file
 * name.  Files cut by byte ranges are listed whole only. */
static GBytes *
make_segment_hashes (const gchar * dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *json = g_string_new ("{");
  const gchar *name;

  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".ts") || g_str_has_suffix (name, ".m4s")
        || g_str_has_suffix (name, ".mp4") || g_str_has_suffix (name, ".aac"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    const gchar *n = g_ptr_array_index (names, i);
    g_autofree gchar *path = g_build_filename (dir, n, NULL);
    g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
    g_autofree gchar *sha = NULL;

    if (!mapped)
      continue;
    sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
        (const guchar *) g_mapped_file_get_contents (mapped),
        g_mapped_file_get_length (mapped));
    g_string_append_printf (json, "%s\"%s\":\"%s\"",
        json->len > 1 ? "," : "", n, sha);
  }
  g_string_append (json, "}");
  return g_string_free_to_bytes (json);
}

static void
serve_static (P2pOrigin * origin, SoupServerMessage * msg, const gchar * path,
    gboolean honour_range)
{
  g_autofree gchar *decoded = g_uri_unescape_string (path, "/");
  g_autofree gchar *file = NULL;
  g_autofree gchar *template = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  if (!decoded || !path_is_safe (decoded)) {
    p2p_origin_respond_status (msg, SOUP_STATUS_NOT_FOUND);
    return;
  }
  file = g_build_filename (origin->content_dir, decoded, NULL);
  if (g_str_has_suffix (file, "/" SEGMENT_HASHES_FILE)
      && !g_file_test (file, G_FILE_TEST_EXISTS)) {
    g_autofree gchar *dir = g_path_get_dirname (file);

    if (g_file_test (dir, G_FILE_TEST_IS_DIR)) {
      body = make_segment_hashes (dir);
      p2p_origin_respond_bytes (msg, body, "application/json", honour_range);
    } else {
      p2p_origin_respond_status (msg, SOUP_STATUS_NOT_FOUND);
    }
    return;
  }
  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR)) {
    template = g_strconcat (file, ".in", NULL);
    if (g_file_test (template, G_FILE_TEST_IS_REGULAR))
      serve_template (origin, msg, template, decoded, honour_range);
    else
      p2p_origin_respond_status (msg, SOUP_STATUS_NOT_FOUND);
    return;
  }

  mapped = g_mapped_file_new (file, FALSE, &error);
  if (!mapped) {
    GST_WARNING ("%s", error->message);
    p2p_origin_respond_status (msg, SOUP_STATUS_FORBIDDEN);
    return;
  }
  body = g_mapped_file_get_bytes (mapped);
  p2p_origin_respond_bytes (msg, body,
      p2p_origin_content_type_for_path (decoded), honour_range);
}

/* The hash list of a live HLS rendition: the segments its playlist lists
 * now, as the origin serves them (PeerTube refreshes its live lists as
 * segments appear).  NULL when @dir has no live playlist. */
static GBytes *
make_live_segment_hashes (P2pOrigin * origin, const gchar * dir,
    gint64 elapsed)
{
  g_autofree gchar *playlist_path = g_strconcat (dir, "/index.m3u8", NULL);
  guint n = g_atomic_int_get (&origin->live_segments);
  const gchar *type;
  g_autoptr (GBytes) playlist = p2p_origin_live_render (origin->live,
      playlist_path, origin->epoch_unix_s, elapsed, n, &type, NULL);
  g_auto (GStrv) lines = NULL;
  GString *json;

  if (!playlist)
    return NULL;
  lines = g_strsplit (g_bytes_get_data (playlist, NULL), "\n", -1);
  json = g_string_new ("{");
  for (guint i = 0; lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);
    g_autofree gchar *seg_path = NULL;
    g_autoptr (GBytes) seg = NULL;
    g_autofree gchar *sha = NULL;

    if (!*line || *line == '#' || strchr (line, '/'))
      continue;
    seg_path = g_strconcat (dir, "/", line, NULL);
    seg = p2p_origin_live_render (origin->live, seg_path,
        origin->epoch_unix_s, elapsed, n, &type, NULL);
    if (!seg)
      continue;
    sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, seg);
    g_string_append_printf (json, "%s\"%s\":\"%s\"",
        json->len > 1 ? "," : "", line, sha);
  }
  g_string_append (json, "}");
  return g_string_free_to_bytes (json);
}

/* Returns FALSE when @path is not generated live and is a plain file. */
static gboolean
serve_live (P2pOrigin * origin, SoupServerMessage * msg, const gchar * path,
    gboolean honour_range)
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  const gchar *content_type = NULL;
  gint64 elapsed;

  if (!origin->live)
    return FALSE;

  elapsed = g_get_monotonic_time () - origin->epoch_monotonic_us;
  if (g_str_has_suffix (path, "/" SEGMENT_HASHES_FILE)) {
    g_autofree gchar *dir = g_path_get_dirname (path);

    body = make_live_segment_hashes (origin, dir, elapsed);
    if (!body)
      return FALSE;
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Cache-Control", "no-cache");
    p2p_origin_respond_bytes (msg, body, "application/json", honour_range);
    return TRUE;
  }
  body = p2p_origin_live_render (origin->live, path, origin->epoch_unix_s,
      elapsed, g_atomic_int_get (&origin->live_segments), &content_type,
      &error);
  if (!body && !error)
    return FALSE;

  if (error) {
    if (g_error_matches (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_NOT_FOUND)) {
      GST_DEBUG ("%s", error->message);
      p2p_origin_respond_status (msg, SOUP_STATUS_NOT_FOUND);
    } else {
      GST_WARNING ("%s", error->message);
      p2p_origin_respond_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
    }
    return TRUE;
  }
  if (g_str_has_suffix (path, ".m3u8") || g_str_has_suffix (path, ".mpd"))
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Cache-Control", "no-cache");
  p2p_origin_respond_bytes (msg, body, content_type, honour_range);
  return TRUE;
}

static void
route_path (P2pOrigin * origin, SoupServerMessage * msg, const gchar * path,
    gboolean honour_range)
{
  const gchar *rest;
  guint64 n;

  if (match_word (path, "/hang", &rest)) {
    /* never answered; the connection closes with the origin */
    soup_server_message_pause (msg);
  } else if (match_word (path, "/redirect-loop", &rest)) {
    redirect (msg, path);
  } else if (match_numbered_prefix (path, "/status", 599, &n, &rest)) {
    p2p_origin_respond_status (msg, n >= 200 ? (guint) n :
        SOUP_STATUS_BAD_REQUEST);
  } else if (match_numbered_prefix (path, "/redirect", MAX_REDIRECTS, &n,
          &rest) && rest[0] == '/') {
    if (n == 0) {
      route_path (origin, msg, rest, honour_range);
    } else {
      g_autofree gchar *next = g_strdup_printf ("/redirect/%u%s",
          (guint) n - 1, rest);

      redirect (msg, next);
    }
  } else if (match_numbered_prefix (path, "/slow", MAX_DELAY_MS, &n, &rest)
      && rest[0] == '/') {
    delay (origin, msg, n, rest, honour_range);
  } else if (match_word (path, "/norange", &rest) && rest[0] == '/') {
    route_path (origin, msg, rest, FALSE);
  } else if (match_numbered_prefix (path, "/bytes",
          P2P_ORIGIN_MAX_PATTERN_BYTES, &n, &rest) && rest[0] == '\0') {
    p2p_origin_respond_pattern (msg, n, honour_range);
  } else if (!g_str_has_prefix (path, "/live/") ||
      !serve_live (origin, msg, path, honour_range)) {
    serve_static (origin, msg, path, honour_range);
  }
}

/**
 * p2p_origin_route:
 * @path: the request path, still %-encoded
 *
 * Answers @msg, possibly later (it is then paused).
 */
void
p2p_origin_route (P2pOrigin * origin, SoupServerMessage * msg,
    const gchar * path, gboolean honour_range)
{
  const gchar *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);

  /* lets a browser demo (hls.js, p2p-media-loader) read the content */
  soup_message_headers_replace (resp, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (resp, "Access-Control-Expose-Headers",
      "Content-Length, Content-Range, Accept-Ranges");

  if (method == SOUP_METHOD_OPTIONS) {
    soup_message_headers_replace (resp, "Access-Control-Allow-Methods",
        "GET, HEAD, OPTIONS");
    soup_message_headers_replace (resp, "Access-Control-Allow-Headers",
        "Range, Cache-Control");
    soup_message_headers_replace (resp, "Access-Control-Max-Age", "86400");
    p2p_origin_respond_status (msg, SOUP_STATUS_NO_CONTENT);
  } else if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
    soup_message_headers_replace (resp, "Allow", "GET, HEAD, OPTIONS");
    p2p_origin_respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  } else {
    guint fault = p2p_origin_faults_match (origin->faults, path);
    gssize cut;

    if (fault >= 400) {
      p2p_origin_respond_status (msg, fault);
      return;
    }
    route_path (origin, msg, path, honour_range);
    /* a /slow/ or /hang answer is not written yet: it goes out whole */
    if (fault == P2P_ORIGIN_FAULT_RESET
        && (cut = p2p_origin_faults_cut (msg)) >= 0)
      p2p_origin_log_cut (origin, msg, cut);
  }
}
