/* gst-p2pcdn: the loopback gateway against the test origin, as a client
 * sees it.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "p2p-gateway.h"
#include "p2p-gateway-path.h"
#include "p2p-test-util.h"

static P2pOrigin *origin;
static P2pManager *manager;
static P2pGateway *gateway;
static SoupSession *session;

typedef struct {
  guint status;
  GBytes *body;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_clear (Reply * r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
}

static void
get (const gchar * method, const gchar * url, const gchar * range, Reply * r)
{
  SoupMessage *msg = soup_message_new (method, url);
  GError *error = NULL;

  g_assert_nonnull (msg);
  if (range)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Range", range);
  r->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers
      (msg));
  g_object_unref (msg);
}

static gchar *
origin_url (const gchar * path)
{
  return g_strconcat (p2p_origin_get_base_url (origin), path, NULL);
}

static guint
origin_requests (void)
{
  GPtrArray *log = p2p_origin_get_log (origin);
  guint n = log->len;

  g_ptr_array_unref (log);
  return n;
}

/* A segment through the gateway is the origin's segment, byte for byte;
 * so is a byte range of it, answered as 206 with Content-Range. */
static void
test_segment_and_range (void)
{
  gchar *direct = origin_url ("/hls/vod/v0/seg003.ts");
  gchar *via = p2p_gateway_url_for (gateway, direct);
  Reply d = { 0, }, g = { 0, }, part = { 0, }, head = { 0, };
  gchar *expected_range;
  gsize size;

  get ("GET", direct, NULL, &d);
  get ("GET", via, NULL, &g);
  g_assert_cmpuint (d.status, ==, 200);
  g_assert_cmpuint (g.status, ==, 200);
  g_assert_true (g_bytes_equal (d.body, g.body));

  get ("GET", via, "bytes=100-1099", &part);
  g_assert_cmpuint (part.status, ==, 206);
  g_assert_cmpuint (g_bytes_get_size (part.body), ==, 1000);
  g_assert_cmpmem (g_bytes_get_data (part.body, NULL), 1000,
      (const guint8 *) g_bytes_get_data (d.body, NULL) + 100, 1000);
  size = g_bytes_get_size (d.body);
  expected_range = g_strdup_printf ("bytes 100-1099/%" G_GSIZE_FORMAT, size);
  g_assert_cmpstr (soup_message_headers_get_one (part.headers,
          "Content-Range"), ==, expected_range);

  /* ffmpeg asks for everything with "bytes=0-": the whole body, 200 */
  reply_clear (&g);
  get ("GET", via, "bytes=0-", &g);
  g_assert_cmpuint (g.status, ==, 200);
  g_assert_true (g_bytes_equal (d.body, g.body));

  get ("HEAD", via, NULL, &head);
  g_assert_cmpuint (head.status, ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (head.headers), ==,
      (goffset) size);

  g_free (expected_range);
  reply_clear (&d);
  reply_clear (&g);
  reply_clear (&part);
  reply_clear (&head);
  g_free (via);
  g_free (direct);
}

/* Every URI of a manifest read through the gateway leads back to it: the
 * absolute ones are rewritten, the relative ones resolve against the
 * gateway URL; and each rendition played through it matches the origin. */
static void
test_manifest_rewritten (void)
{
  gchar *direct = origin_url ("/hls/abs/v0/index.m3u8");
  gchar *via = p2p_gateway_url_for (gateway, direct);
  Reply r = { 0, };
  gchar *text, **lines;
  guint uris = 0;

  get ("GET", via, NULL, &r);
  g_assert_cmpuint (r.status, ==, 200);
  text = g_strndup (g_bytes_get_data (r.body, NULL),
      g_bytes_get_size (r.body));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    Reply seg = { 0, };

    if (!lines[i][0] || lines[i][0] == '#')
      continue;
    g_assert_true (g_str_has_prefix (lines[i],
            p2p_gateway_get_base (gateway)));
    get ("GET", g_strstrip (lines[i]), NULL, &seg);
    g_assert_cmpuint (seg.status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (seg.body), >, 1000);
    reply_clear (&seg);
    uris++;
  }
  g_assert_cmpuint (uris, ==, 10);
  g_strfreev (lines);
  g_free (text);
  reply_clear (&r);
  g_free (via);
  g_free (direct);
}

/* The origin's error statuses reach the client unchanged. */
static void
test_origin_errors (void)
{
  const gchar *paths[] = { "/status/404", "/status/403", "/status/503",
    "/hls/vod/nothing-here.ts"
  };
  const guint expected[] = { 404, 403, 503, 404 };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
    gchar *direct = origin_url (paths[i]);
    gchar *via = p2p_gateway_url_for (gateway, direct);
    Reply r = { 0, };

    get ("GET", via, NULL, &r);
    g_assert_cmpuint (r.status, ==, expected[i]);
    reply_clear (&r);
    g_free (via);
    g_free (direct);
  }
}

/* Requests without our token or not for an http(s) origin are refused
 * before anything is fetched. */
static void
test_refused (void)
{
  gchar *direct = origin_url ("/hls/vod/v0/seg001.ts");
  gchar *base = g_strdup_printf ("http://127.0.0.1:%u/",
      p2p_gateway_get_port (gateway));
  struct {
    const gchar *method;
    gchar *url;
    guint status;
  } cases[] = {
    {"GET", g_strconcat (base, "0123456789abcdef0123456789abcdef/", direct,
            NULL), 404},
    {"GET", g_strconcat (base, direct, NULL), 404},
    {"GET", g_strconcat (base, NULL), 404},
    {"GET", g_strconcat (p2p_gateway_get_base (gateway),
            "file:///etc/passwd", NULL), 400},
    {"GET", g_strconcat (p2p_gateway_get_base (gateway), "ftp://x/y", NULL),
        400},
    {"GET", g_strconcat (p2p_gateway_get_base (gateway), "http://", NULL),
        400},
    {"GET", g_strconcat (p2p_gateway_get_base (gateway), "../../etc/passwd",
            NULL), 404},
    {"POST", p2p_gateway_url_for (gateway, direct), 405},
  };
  guint before = origin_requests ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Reply r = { 0, };

    get (cases[i].method, cases[i].url, NULL, &r);
    g_assert_cmpuint (r.status, ==, cases[i].status);
    reply_clear (&r);
    g_free (cases[i].url);
  }
  g_assert_cmpuint (origin_requests (), ==, before);
  g_free (base);
  g_free (direct);
}

static gboolean
gateway_still_serves (void)
{
  gchar *direct = origin_url ("/hls/vod/v1/seg000.ts");
  gchar *via = p2p_gateway_url_for (gateway, direct);
  Reply r = { 0, };
  gboolean ok;

  get ("GET", via, NULL, &r);
  ok = r.status == 200 && g_bytes_get_size (r.body) > 1000;
  reply_clear (&r);
  g_free (via);
  g_free (direct);
  return ok;
}

static GSocketConnection *
connect_raw (void)
{
  GSocketClient *client = g_socket_client_new ();
  GError *error = NULL;
  GSocketConnection *c = g_socket_client_connect_to_host (client, "127.0.0.1",
      p2p_gateway_get_port (gateway), NULL, &error);

  g_assert_no_error (error);
  g_object_unref (client);
  return c;
}

/* A request with a megabyte of headers gets an HTTP error or a closed
 * connection, not a fetch; hundreds of idle connections do not keep the
 * gateway from serving. */
static void
test_abuse (void)
{
  GSocketConnection *c = connect_raw ();
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (c));
  GString *req = g_string_new (NULL);
  gchar *path = p2p_gateway_url_for (gateway, "http://127.0.0.1:1/x");
  gchar answer[64] = { 0, };
  GPtrArray *idle = g_ptr_array_new_with_free_func (g_object_unref);
  guint before = origin_requests ();

  g_string_append_printf (req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n",
      strstr (path + 7, "/"));
  for (guint i = 0; i < 16384; i++)
    g_string_append_printf (req, "X-Filler-%u: %s\r\n", i,
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append (req, "\r\n");
  /* the gateway may close before it read all: ignore write errors */
  g_output_stream_write_all (out, req->str, req->len, NULL, NULL, NULL);
  g_input_stream_read_all (in, answer, sizeof answer - 1, NULL, NULL, NULL);
  g_assert_true (answer[0] == '\0' || g_str_has_prefix (answer, "HTTP/1.1 4")
      || g_str_has_prefix (answer, "HTTP/1.1 5"));
  g_object_unref (c);
  g_assert_cmpuint (origin_requests (), ==, before);

  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (idle, connect_raw ());
  g_assert_true (gateway_still_serves ());
  g_ptr_array_unref (idle);
  g_assert_true (gateway_still_serves ());
  g_string_free (req, TRUE);
  g_free (path);
}

typedef struct {
  guint pending;
  guint ok;
  guint busy;
  guint other;
} Burst;

static void
burst_done (GObject * source, GAsyncResult * res, gpointer data)
{
  Burst *b = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION
      (source), res);
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source),
      res, NULL);
  guint status = soup_message_get_status (msg);

  if (status == 200 && body && g_bytes_get_size (body) > 1000)
    b->ok++;
  else if (status == 503)
    b->busy++;
  else
    b->other++;
  g_clear_pointer (&body, g_bytes_unref);
  b->pending--;
}

/* More slow requests at once than the gateway serves (the manager asks the
 * origin 8 at a time, so they stay open): the ones over its
 * limit get 503 at once, the others their bytes. */
static void
test_too_many_at_once (void)
{
  SoupSession *many = soup_session_new_with_options ("max-conns", 200,
      "max-conns-per-host", 200, "timeout", 30, NULL);
  gchar *direct = origin_url ("/slow/400/hls/vod/v0/seg004.ts");
  gchar *via = p2p_gateway_url_for (gateway, direct);
  Burst b = { 0, };

  for (guint i = 0; i < 80; i++) {
    SoupMessage *msg = soup_message_new ("GET", via);

    b.pending++;
    soup_session_send_and_read_async (many, msg, G_PRIORITY_DEFAULT, NULL,
        burst_done, &b);
    g_object_unref (msg);
  }
  while (b.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("80 slow requests: %u served, %u refused with 503, %u "
      "other", b.ok, b.busy, b.other);
  g_assert_cmpuint (b.other, ==, 0);
  g_assert_cmpuint (b.busy, >, 0);
  g_assert_cmpuint (b.ok, >=, 60);
  g_assert_true (gateway_still_serves ());
  g_object_unref (many);
  g_free (via);
  g_free (direct);
}

static void
test_stats_endpoint (void)
{
  gchar *url = g_strconcat (p2p_gateway_get_base (gateway), "stats.json",
      NULL);
  Reply r = { 0, };
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  JsonObject *o;

  get ("GET", url, NULL, &r);
  g_assert_cmpuint (r.status, ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (r.body, NULL),
      g_bytes_get_size (r.body), &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "gateway-requests"), >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "gateway-bytes"), >, 0);
  g_assert_true (json_object_has_member (o, "http-bytes"));
  g_object_unref (parser);
  reply_clear (&r);
  g_free (url);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  int ret;

  g_setenv ("P2PCDN_P2P", "off", TRUE);
  /* The manager and gateway are linked in: loading our plugin too would
   * hold a second copy of them (an ODR violation under ASan). */
  g_unsetenv ("GST_PLUGIN_PATH");
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  origin = p2p_test_origin_new ();
  manager = p2p_manager_new ();
  gateway = p2p_gateway_get_for_manager (manager, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("timeout", 30, NULL);

  g_test_add_func ("/gateway/segment-and-range", test_segment_and_range);
  g_test_add_func ("/gateway/manifest-rewritten", test_manifest_rewritten);
  g_test_add_func ("/gateway/origin-errors", test_origin_errors);
  g_test_add_func ("/gateway/refused", test_refused);
  g_test_add_func ("/gateway/abuse", test_abuse);
  g_test_add_func ("/gateway/too-many-at-once", test_too_many_at_once);
  g_test_add_func ("/gateway/stats-endpoint", test_stats_endpoint);
  ret = g_test_run ();

  g_object_unref (session);
  gst_object_unref (manager);
  p2p_origin_free (origin);
  return ret;
}
