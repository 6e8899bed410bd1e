/* Tests of the test origin: HTTP behaviour, request log, live rendering.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs against a small content tree written to a temporary directory, so it
 * needs neither ffmpeg nor GStreamer (test-origin-play covers those).
 */
#include "p2p-origin.h"
#include "p2p-origin-bmff.h"
#include "p2p-origin-live.h"
#include "p2p-origin-response.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define SEGMENT_SIZE 1000
#define TIMESCALE 1000

static gchar *content_dir;
static P2pOrigin *origin;
static SoupSession *session;

/* --- content fixture --------------------------------------------------- */

static void
write_file (const gchar * rel, const void *data, gsize len)
{
  g_autofree gchar *path = g_build_filename (content_dir, rel, NULL);
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
put_u32 (guint8 * p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
put_u64 (guint8 * p, guint64 v)
{
  put_u32 (p, v >> 32);
  put_u32 (p + 4, (guint32) v);
}

static guint64
get_u64 (const guint8 * p)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

/* styp(16) sidx v1(44) moof(8){traf(8){tfdt v1(20)}} mdat(8+4): a media
 * segment whose sidx and tfdt times are @t */
#define SEG_LEN (16 + 44 + 36 + 12)
#define SIDX_EPT_OFFSET (16 + 8 + 4 + 8)
#define TFDT_TIME_OFFSET (16 + 44 + 8 + 8 + 12)

static void
make_fmp4_segment (guint8 * b, guint64 t)
{
  memset (b, 0, SEG_LEN);
  put_u32 (b, 16);
  memcpy (b + 4, "stypmsdh", 8);
  put_u32 (b + 16, 44);
  memcpy (b + 20, "sidx", 4);
  b[24] = 1;                    /* version */
  put_u32 (b + 28, 1);          /* reference_ID */
  put_u32 (b + 32, TIMESCALE);
  put_u64 (b + SIDX_EPT_OFFSET, t);
  put_u32 (b + 60, 36);
  memcpy (b + 64, "moof", 4);
  put_u32 (b + 68, 28);
  memcpy (b + 72, "traf", 4);
  put_u32 (b + 76, 20);
  memcpy (b + 80, "tfdt", 4);
  b[84] = 1;
  put_u64 (b + TFDT_TIME_OFFSET, t);
  put_u32 (b + 96, 12);
  memcpy (b + 100, "mdat", 4);
}

static void
make_content (void)
{
  static const gchar live_ini[] =
      "[live]\nsegment-duration=2\nsegment-count=3\n"
      "[hls]\nrenditions=v0;\n"
      "[dash]\nrepresentations=0;\ntimescales=1000;\n";
  static const gchar period[] = "<Period id=\"0\" start=\"PT0S\"/>\n";
  guint8 seg[SEGMENT_SIZE];
  guint8 fmp4[SEG_LEN];
  guint i;

  for (i = 0; i < SEGMENT_SIZE; i++)
    seg[i] = i * 7;
  write_file ("vod/seg.ts", seg, sizeof seg);
  write_file ("vod/empty.mp4", "", 0);
  write_file ("vod/index.m3u8", "#EXTM3U\nseg.ts\n", 15);
  write_file ("vod/abs.m3u8.in", "#EXTM3U\n@BASE@/vod/seg.ts\n", 26);
  write_file ("vod/manifest.mpd", "<MPD/>", 6);
  write_file ("vod/init.m4s", seg, 16);
  write_file (".content-version", "x", 1);

  write_file ("live/live.ini", live_ini, strlen (live_ini));
  write_file ("live/dash/period.xml", period, strlen (period));
  write_file ("live/hls/master.m3u8", "#EXTM3U\n", 8);
  for (i = 0; i < 3; i++) {
    g_autofree gchar *ts = g_strdup_printf ("live/hls/v0/seg%03u.ts", i);
    g_autofree gchar *m4s = g_strdup_printf
        ("live/dash/chunk-stream0-%05u.m4s", i + 1);

    memset (seg, 'a' + i, sizeof seg);
    write_file (ts, seg, sizeof seg);
    make_fmp4_segment (fmp4, i * 2 * TIMESCALE);
    write_file (m4s, fmp4, sizeof fmp4);
  }
  write_file ("live/dash/init-stream0.m4s", "init", 4);
}

static gboolean
remove_tree (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR))
      remove_tree (child);
    else
      g_unlink (child);
  }
  return g_rmdir (path) == 0;
}

/* --- HTTP helpers -------------------------------------------------------- */

typedef struct
{
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

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
fetch_full (const gchar * method, const gchar * path, const gchar * range,
    gboolean follow, Reply * r)
{
  g_autofree gchar *url = g_strconcat (p2p_origin_get_base_url (origin),
      path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (msg);
  if (range)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Range", range);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-Test", "yes");
  if (!follow)
    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  r->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers
      (msg));
}

static void
fetch (const gchar * path, const gchar * range, Reply * r)
{
  fetch_full ("GET", path, range, FALSE, r);
}

static const gchar *
header (Reply * r, const gchar * name)
{
  return soup_message_headers_get_one (r->headers, name);
}

static gchar *
body_string (Reply * r)
{
  gsize len;
  const gchar *data = g_bytes_get_data (r->body, &len);

  return g_strndup (data, len);
}

/* The origin completes a log entry on its own thread, possibly just after
 * the client has read the response. */
static GPtrArray *
get_log_when_finished (guint expected)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;) {
    GPtrArray *log = p2p_origin_get_log (origin);
    guint i, done = 0;

    for (i = 0; i < log->len; i++)
      done += ((P2pOriginRequest *) log->pdata[i])->finished;
    if (done >= expected || g_get_monotonic_time () > deadline)
      return log;
    g_ptr_array_unref (log);
    g_usleep (10 * 1000);
  }
}

/* --- tests --------------------------------------------------------------- */

static void
test_parse_range (void)
{
  guint64 s = 0, e = 0;

  g_assert_cmpint (p2p_origin_parse_range (NULL, 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=2-5", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_OK);
  g_assert_cmpuint (s, ==, 2);
  g_assert_cmpuint (e, ==, 5);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=4-", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_OK);
  g_assert_cmpuint (e, ==, 9);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=3-100", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_OK);
  g_assert_cmpuint (e, ==, 9);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=-3", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_OK);
  g_assert_cmpuint (s, ==, 7);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=-30", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_OK);
  g_assert_cmpuint (s, ==, 0);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=10-", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_UNSATISFIABLE);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=-0", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_UNSATISFIABLE);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=0-", 0, &s, &e), ==,
      P2P_ORIGIN_RANGE_UNSATISFIABLE);
  /* ignored: the full body is sent */
  g_assert_cmpint (p2p_origin_parse_range ("bytes=5-2", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=0-1,4-5", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
  g_assert_cmpint (p2p_origin_parse_range ("items=0-1", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=x-1", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
  g_assert_cmpint (p2p_origin_parse_range ("bytes=-", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
  g_assert_cmpint (p2p_origin_parse_range
      ("bytes=99999999999999999999999-", 10, &s, &e), ==,
      P2P_ORIGIN_RANGE_NONE);
}

static void
test_content_types (void)
{
  const gchar *cases[][2] = {
    {"/vod/index.m3u8", "application/vnd.apple.mpegurl"},
    {"/vod/abs.m3u8", "application/vnd.apple.mpegurl"},
    {"/vod/manifest.mpd", "application/dash+xml"},
    {"/vod/seg.ts", "video/mp2t"},
    {"/vod/empty.mp4", "video/mp4"},
    {"/vod/init.m4s", "video/iso.segment"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_auto (Reply) r = { 0 };

    fetch (cases[i][0], NULL, &r);
    g_assert_cmpuint (r.status, ==, 200);
    g_assert_cmpstr (header (&r, "Content-Type"), ==, cases[i][1]);
    g_assert_cmpint (soup_message_headers_get_content_length (r.headers), ==,
        g_bytes_get_size (r.body));
  }
}

static void
test_ranges (void)
{
  g_auto (Reply) full = { 0 };
  g_auto (Reply) part = { 0 };
  g_auto (Reply) tail = { 0 };
  g_auto (Reply) past = { 0 };
  g_auto (Reply) norange = { 0 };
  g_auto (Reply) empty = { 0 };
  const guint8 *all;

  fetch ("/vod/seg.ts", NULL, &full);
  g_assert_cmpuint (full.status, ==, 200);
  g_assert_cmpstr (header (&full, "Accept-Ranges"), ==, "bytes");
  g_assert_cmpuint (g_bytes_get_size (full.body), ==, SEGMENT_SIZE);
  all = g_bytes_get_data (full.body, NULL);

  fetch ("/vod/seg.ts", "bytes=100-199", &part);
  g_assert_cmpuint (part.status, ==, 206);
  g_assert_cmpstr (header (&part, "Content-Range"), ==, "bytes 100-199/1000");
  g_assert_cmpint (soup_message_headers_get_content_length (part.headers), ==,
      100);
  g_assert_cmpmem (g_bytes_get_data (part.body, NULL), 100, all + 100, 100);

  fetch ("/vod/seg.ts", "bytes=-10", &tail);
  g_assert_cmpuint (tail.status, ==, 206);
  g_assert_cmpmem (g_bytes_get_data (tail.body, NULL), 10, all + 990, 10);

  fetch ("/vod/seg.ts", "bytes=1000-", &past);
  g_assert_cmpuint (past.status, ==, 416);
  g_assert_cmpstr (header (&past, "Content-Range"), ==, "bytes */1000");
  g_assert_cmpuint (g_bytes_get_size (past.body), ==, 0);

  fetch ("/norange/vod/seg.ts", "bytes=100-199", &norange);
  g_assert_cmpuint (norange.status, ==, 200);
  g_assert_null (header (&norange, "Content-Range"));
  g_assert_cmpuint (g_bytes_get_size (norange.body), ==, SEGMENT_SIZE);

  fetch ("/vod/empty.mp4", NULL, &empty);
  g_assert_cmpuint (empty.status, ==, 200);
  g_assert_cmpstr (header (&empty, "Content-Length"), ==, "0");
}

static void
test_head (void)
{
  g_auto (Reply) r = { 0 };

  fetch_full ("HEAD", "/vod/seg.ts", NULL, FALSE, &r);
  g_assert_cmpuint (r.status, ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (r.headers), ==,
      SEGMENT_SIZE);
  g_assert_cmpuint (g_bytes_get_size (r.body), ==, 0);
}

static void
test_template (void)
{
  g_auto (Reply) r = { 0 };
  g_autofree gchar *body = NULL;
  g_autofree gchar *expected = NULL;

  fetch ("/vod/abs.m3u8", NULL, &r);
  g_assert_cmpuint (r.status, ==, 200);
  body = body_string (&r);
  expected = g_strdup_printf ("#EXTM3U\n%s/vod/seg.ts\n",
      p2p_origin_get_base_url (origin));
  g_assert_cmpstr (body, ==, expected);
}

static void
test_status (void)
{
  const guint codes[] = { 200, 400, 401, 403, 404, 500, 503 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (codes); i++) {
    g_autofree gchar *path = g_strdup_printf ("/status/%u", codes[i]);
    g_autofree gchar *nested = g_strdup_printf ("/status/%u/vod/seg.ts",
        codes[i]);
    g_auto (Reply) r = { 0 };
    g_auto (Reply) n = { 0 };

    fetch (path, NULL, &r);
    g_assert_cmpuint (r.status, ==, codes[i]);
    fetch (nested, NULL, &n);
    g_assert_cmpuint (n.status, ==, codes[i]);
    g_assert_cmpint (soup_message_headers_get_content_length (n.headers), ==,
        g_bytes_get_size (n.body));
  }
}

static void
test_not_found (void)
{
  const gchar *paths[] = {
    "/nope", "/vod", "/vod/", "/.content-version",
    "/vod/%2e%2e/%2e%2e/etc/passwd", "/status/abc", "/status/700",
    "/redirect/x/vod/seg.ts",
    "/bytes/99999999999999", "/bytes/10/x", "/live/hls/v0/seg099.ts",
    "/live/hls/v9/index.m3u8", "/live/dash/chunk-stream0-00000.m4s",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_auto (Reply) r = { 0 };

    fetch (paths[i], NULL, &r);
    if (r.status != 404)
      g_error ("%s: got %u, expected 404", paths[i], r.status);
  }

  /* libsoup itself refuses an encoded NUL */
  {
    g_auto (Reply) r = { 0 };

    fetch ("/vod/seg.ts%00", NULL, &r);
    g_assert_cmpuint (r.status, ==, 400);
  }
}

static void
test_methods (void)
{
  g_auto (Reply) post = { 0 };
  g_auto (Reply) options = { 0 };

  fetch_full ("POST", "/vod/seg.ts", NULL, FALSE, &post);
  g_assert_cmpuint (post.status, ==, 405);
  g_assert_cmpstr (header (&post, "Allow"), ==, "GET, HEAD, OPTIONS");
  fetch_full ("OPTIONS", "/vod/seg.ts", NULL, FALSE, &options);
  g_assert_cmpuint (options.status, ==, 204);
  g_assert_cmpstr (header (&options, "Access-Control-Allow-Origin"), ==, "*");
}

static void
test_redirects (void)
{
  g_auto (Reply) one = { 0 };
  g_auto (Reply) followed = { 0 };
  g_auto (Reply) loop = { 0 };
  g_autoptr (GPtrArray) log = NULL;
  P2pOriginRequest *req;

  fetch ("/redirect/2/vod/seg.ts?x=1", NULL, &one);
  g_assert_cmpuint (one.status, ==, 302);
  g_assert_cmpstr (header (&one, "Location"), ==, "/redirect/1/vod/seg.ts?x=1");

  p2p_origin_clear_log (origin);
  fetch_full ("GET", "/redirect/2/vod/seg.ts", NULL, TRUE, &followed);
  g_assert_cmpuint (followed.status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (followed.body), ==, SEGMENT_SIZE);
  log = get_log_when_finished (3);
  g_assert_cmpuint (log->len, ==, 3);
  req = log->pdata[2];
  g_assert_cmpstr (req->path, ==, "/redirect/0/vod/seg.ts");

  fetch ("/redirect-loop", NULL, &loop);
  g_assert_cmpuint (loop.status, ==, 302);
  g_assert_cmpstr (header (&loop, "Location"), ==, "/redirect-loop");
}

static void
on_slow_done (GObject * source, GAsyncResult * res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION
      (source), res, &error);

  g_assert_no_error (error);
  g_assert_nonnull (body);
  *(gint64 *) user_data = g_get_monotonic_time ();
}

/* Returns the state of the logged request for @path: -1 not seen yet,
 * 0 in flight, 1 finished. */
static gint
request_state (const gchar * path)
{
  g_autoptr (GPtrArray) log = p2p_origin_get_log (origin);
  guint i;

  for (i = 0; i < log->len; i++) {
    P2pOriginRequest *req = log->pdata[i];

    if (g_str_equal (req->path, path))
      return req->finished;
  }
  return -1;
}

static void
test_slow (void)
{
  g_autofree gchar *url = g_strconcat (p2p_origin_get_base_url (origin),
      "/slow/1000/vod/seg.ts", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  gint64 start = g_get_monotonic_time ();
  gint64 slow_done = 0;
  g_auto (Reply) r = { 0 };

  p2p_origin_clear_log (origin);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
      on_slow_done, &slow_done);
  while (request_state ("/slow/1000/vod/seg.ts") < 0) {
    g_main_context_iteration (NULL, FALSE);
    g_usleep (1000);
  }

  /* the server answers others while the slow request waits */
  fetch ("/vod/seg.ts", NULL, &r);
  g_assert_cmpuint (r.status, ==, 200);
  g_assert_cmpint (request_state ("/slow/1000/vod/seg.ts"), ==, 0);

  while (!slow_done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (slow_done - start, >=, 1000 * 1000);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

/* A request cut by a reset rule: the body ends before its Content-Length;
 * returns the body bytes the origin logged. */
static guint64
fetch_cut (const gchar * path, const gchar * range)
{
  g_autofree gchar *url = g_strconcat (p2p_origin_get_base_url (origin),
      path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GPtrArray) log = NULL;
  P2pOriginRequest *req;

  p2p_origin_clear_log (origin);
  if (range)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Range", range);
  /* libsoup takes the early end for the end: Content-Length tells */
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, range ? 206 : 200);
  g_assert_cmpint (g_bytes_get_size (body), <,
      soup_message_headers_get_content_length
      (soup_message_get_response_headers (msg)));
  log = get_log_when_finished (0);
  g_assert_cmpuint (log->len, ==, 1);
  req = log->pdata[0];
  g_assert_false (req->finished);
  return req->bytes_sent;
}

static void
test_faults (void)
{
  P2pOrigin *shared = origin;
  const gchar *bad[] = { "600:/x", "399:/x", "reset", "reset:", "503:/x:y",
    "503:/x:-1", "nope:/x", "503:/x:99999999",
  };
  g_autoptr (GError) error = NULL;
  g_auto (Reply) before = { 0 };
  g_auto (Reply) during = { 0 };
  g_auto (Reply) after = { 0 };
  g_auto (Reply) again = { 0 };

  origin = p2p_origin_new (content_dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_false (p2p_origin_add_fault (origin, bad[i], &error));
    g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    g_clear_error (&error);
  }
  g_assert_true (p2p_origin_add_fault (origin, "503:/vod/seg.ts:1", &error));
  g_assert_true (p2p_origin_add_fault (origin, "reset:/redirect/0/*",
          &error));
  g_assert_no_error (error);

  /* nothing before the rules are armed */
  fetch ("/vod/seg.ts", NULL, &before);
  g_assert_cmpuint (before.status, ==, 200);

  p2p_origin_arm_faults (origin);
  fetch ("/vod/seg.ts", NULL, &during);
  g_assert_cmpuint (during.status, ==, 503);
  /* half the body (of the range), then the connection closes */
  g_assert_cmpuint (fetch_cut ("/redirect/0/vod/seg.ts", NULL), ==,
      SEGMENT_SIZE / 2);
  g_assert_cmpuint (fetch_cut ("/redirect/0/vod/seg.ts", "bytes=100-"), ==,
      (SEGMENT_SIZE - 100) / 2);

  /* a window ends; a rule without one does not; arming again reopens */
  g_usleep (1100 * 1000);
  fetch ("/vod/seg.ts", NULL, &after);
  g_assert_cmpuint (after.status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (after.body), ==, SEGMENT_SIZE);
  g_assert_cmpuint (fetch_cut ("/redirect/0/vod/seg.ts", NULL), ==,
      SEGMENT_SIZE / 2);
  p2p_origin_arm_faults (origin);
  fetch ("/vod/seg.ts", NULL, &again);
  g_assert_cmpuint (again.status, ==, 503);

  p2p_origin_free (origin);
  origin = shared;
}

static void
test_hang (void)
{
  g_autofree gchar *url = g_strconcat (p2p_origin_get_base_url (origin),
      "/hang", NULL);
  g_autoptr (SoupSession) s = soup_session_new_with_options ("timeout", 1,
      NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GPtrArray) log = NULL;
  P2pOriginRequest *req;

  p2p_origin_clear_log (origin);
  body = soup_session_send_and_read (s, msg, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  log = p2p_origin_get_log (origin);
  g_assert_cmpuint (log->len, ==, 1);
  req = log->pdata[0];
  g_assert_cmpstr (req->path, ==, "/hang");
  g_assert_false (req->finished);
  g_assert_cmpuint (req->status, ==, 0);
}

static void
test_bytes (void)
{
  g_auto (Reply) small = { 0 };
  g_auto (Reply) across = { 0 };
  const guint8 *d;
  gsize len, i;

  fetch ("/bytes/600", NULL, &small);
  g_assert_cmpuint (small.status, ==, 200);
  d = g_bytes_get_data (small.body, &len);
  g_assert_cmpuint (len, ==, 600);
  for (i = 0; i < len; i++)
    g_assert_cmpuint (d[i], ==, i % 251);

  /* a range across the origin's internal 1 MiB chunks keeps the pattern */
  fetch ("/bytes/3000000", "bytes=1028000-1029999", &across);
  g_assert_cmpuint (across.status, ==, 206);
  d = g_bytes_get_data (across.body, &len);
  g_assert_cmpuint (len, ==, 2000);
  for (i = 0; i < len; i++)
    g_assert_cmpuint (d[i], ==, (1028000 + i) % 251);
}

static void
test_log (void)
{
  g_autofree gchar *log_path = g_build_filename (content_dir, "log.jsonl",
      NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) log = NULL;
  g_autofree gchar *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (Reply) a = { 0 };
  g_auto (Reply) b = { 0 };
  P2pOriginRequest *req;
  JsonObject *obj = NULL;
  guint i;

  g_assert_true (p2p_origin_set_log_file (origin, log_path, &error));
  g_assert_no_error (error);
  p2p_origin_clear_log (origin);
  fetch ("/vod/seg.ts?q=1", "bytes=0-9", &a);
  fetch ("/status/503", NULL, &b);
  log = get_log_when_finished (2);
  g_assert_true (p2p_origin_set_log_file (origin, NULL, &error));

  g_assert_cmpuint (log->len, ==, 2);
  req = log->pdata[0];
  g_assert_cmpstr (req->method, ==, "GET");
  g_assert_cmpstr (req->path, ==, "/vod/seg.ts");
  g_assert_cmpstr (req->query, ==, "q=1");
  g_assert_cmpstr (req->range, ==, "bytes=0-9");
  g_assert_cmpstr (req->user_agent, ==, "origin-test");
  g_assert_cmpstr (soup_message_headers_get_one (req->headers, "X-Test"), ==,
      "yes");
  g_assert_cmpuint (req->status, ==, 206);
  g_assert_cmpuint (req->bytes_sent, ==, 10);
  g_assert_true (req->finished);
  g_assert_cmpint (req->timestamp_us, <=,
      ((P2pOriginRequest *) log->pdata[1])->timestamp_us);
  g_assert_null (((P2pOriginRequest *) log->pdata[1])->range);

  g_file_get_contents (log_path, &contents, NULL, &error);
  g_assert_no_error (error);
  /* requests of earlier tests that end late may be logged too */
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  for (i = 0; lines[i]; i++) {
    json_parser_load_from_data (parser, lines[i], -1, &error);
    g_assert_no_error (error);
    obj = json_node_get_object (json_parser_get_root (parser));
    if (g_str_equal (json_object_get_string_member (obj, "path"),
            "/status/503"))
      break;
  }
  g_assert_nonnull (lines[i]);
  g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, 503);
  g_assert_true (json_object_get_boolean_member (obj, "finished"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (obj, "headers"), "X-Test"), ==, "yes");

  p2p_origin_clear_log (origin);
  g_ptr_array_unref (g_steal_pointer (&log));
  log = p2p_origin_get_log (origin);
  g_assert_cmpuint (log->len, ==, 0);

  g_assert_false (p2p_origin_set_log_file (origin, "/nonexistent/dir/log",
          &error));
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_LOG);
}

static void
test_new_errors (void)
{
  g_autoptr (GError) error = NULL;
  P2pOrigin *o;

  o = p2p_origin_new ("/nonexistent/content", &error);
  g_assert_null (o);
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_CONTENT);
  g_clear_error (&error);

  o = p2p_origin_new_full (content_dir, "not-an-address", 0, &error);
  g_assert_null (o);
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_LISTEN);
  g_clear_error (&error);

  /* the running origin's port is taken */
  o = p2p_origin_new_full (content_dir, "127.0.0.1",
      p2p_origin_get_port (origin), &error);
  g_assert_null (o);
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_LISTEN);
}

static void
test_start_stop (void)
{
  guint i;

  /* freeing at once must not lose the stop request (and hang) */
  for (i = 0; i < 50; i++) {
    g_autoptr (GError) error = NULL;
    P2pOrigin *o = p2p_origin_new (content_dir, &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (p2p_origin_get_base_url (o),
            "http://127.0.0.1:"));
    p2p_origin_free (o);
  }
}

/* --- live --------------------------------------------------------------- */

static gchar *
render (P2pOriginLive * live, const gchar * path, gdouble elapsed_s,
    guint n_segments)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  const gchar *type = NULL;
  gsize len;
  const gchar *data;

  body = p2p_origin_live_render (live, path, 1700000000,
      elapsed_s * G_USEC_PER_SEC, n_segments, &type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  data = g_bytes_get_data (body, &len);
  return g_strndup (data, len);
}

static void
test_live_hls (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pOriginLive) live = p2p_origin_live_new (content_dir, &error);
  g_autofree gchar *start = NULL;
  g_autofree gchar *sliding = NULL;
  g_autofree gchar *ended = NULL;
  g_autofree gchar *endless = NULL;
  g_autoptr (GBytes) seg = NULL;
  const gchar *type;

  g_assert_no_error (error);

  start = render (live, "/live/hls/v0/index.m3u8", 0.5, 15);
  g_assert_cmpstr (start, ==, "#EXTM3U\n#EXT-X-VERSION:3\n"
      "#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
      "#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXTINF:2.000,\nseg000.ts\n");

  /* 7 segments published, window of 6, wraps of the 3 sources marked */
  sliding = render (live, "/live/hls/v0/index.m3u8", 13.0, 15);
  g_assert_cmpstr (sliding, ==, "#EXTM3U\n#EXT-X-VERSION:3\n"
      "#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n"
      "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
      "#EXTINF:2.000,\nseg001.ts\n#EXTINF:2.000,\nseg002.ts\n"
      "#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nseg003.ts\n"
      "#EXTINF:2.000,\nseg004.ts\n#EXTINF:2.000,\nseg005.ts\n"
      "#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nseg006.ts\n");

  ended = render (live, "/live/hls/v0/index.m3u8", 1000.0, 4);
  g_assert_true (g_str_has_suffix (ended, "seg003.ts\n#EXT-X-ENDLIST\n"));
  g_assert_nonnull (strstr (ended, "#EXT-X-MEDIA-SEQUENCE:0\n"));

  endless = render (live, "/live/hls/v0/index.m3u8", 1000.0, 0);
  g_assert_null (strstr (endless, "ENDLIST"));
  g_assert_nonnull (strstr (endless, "#EXT-X-MEDIA-SEQUENCE:495\n"));
  g_assert_nonnull (strstr (endless, "#EXT-X-DISCONTINUITY-SEQUENCE:165\n"));

  /* segment 4 is pre-generated segment 1 */
  seg = p2p_origin_live_render (live, "/live/hls/v0/seg004.ts", 0, 0, 15,
      &type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "video/mp2t");
  g_assert_cmpuint (g_bytes_get_size (seg), ==, SEGMENT_SIZE);
  g_assert_cmpint (((const gchar *) g_bytes_get_data (seg, NULL))[0], ==, 'b');

  g_assert_null (p2p_origin_live_render (live, "/live/hls/v0/seg015.ts", 0,
          0, 15, &type, &error));
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* served as files, not generated */
  g_assert_null (p2p_origin_live_render (live, "/live/hls/master.m3u8", 0, 0,
          15, &type, &error));
  g_assert_no_error (error);
}

static void
test_live_dash (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pOriginLive) live = p2p_origin_live_new (content_dir, &error);
  g_autofree gchar *dynamic = NULL;
  g_autofree gchar *ended = NULL;
  g_autofree gchar *endless = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) again = NULL;
  const guint8 *a, *b;
  const gchar *type;

  g_assert_no_error (error);

  dynamic = render (live, "/live/dash/manifest.mpd", 5.0, 15);
  g_assert_nonnull (strstr (dynamic, "type=\"dynamic\""));
  g_assert_nonnull (strstr (dynamic,
          "availabilityStartTime=\"2023-11-14T22:13:20Z\""));
  g_assert_nonnull (strstr (dynamic, "publishTime=\"2023-11-14T22:13:25Z\""));
  g_assert_nonnull (strstr (dynamic, "minimumUpdatePeriod=\"PT2S\""));
  g_assert_nonnull (strstr (dynamic, "timeShiftBufferDepth=\"PT12S\""));
  g_assert_nonnull (strstr (dynamic, "mediaPresentationDuration=\"PT30S\""));
  g_assert_nonnull (strstr (dynamic, "<Period id=\"0\""));
  g_assert_true (g_str_has_suffix (dynamic, "</MPD>\n"));

  ended = render (live, "/live/dash/manifest.mpd", 30.0, 15);
  g_assert_nonnull (strstr (ended, "type=\"static\""));
  g_assert_null (strstr (ended, "minimumUpdatePeriod"));

  endless = render (live, "/live/dash/manifest.mpd", 1e6, 0);
  g_assert_nonnull (strstr (endless, "type=\"dynamic\""));
  g_assert_null (strstr (endless, "mediaPresentationDuration"));

  /* number 5 is pre-generated number 2 moved one cycle (3 x 2 s) later */
  first = p2p_origin_live_render (live, "/live/dash/chunk-stream0-00002.m4s",
      0, 0, 0, &type, &error);
  g_assert_no_error (error);
  again = p2p_origin_live_render (live, "/live/dash/chunk-stream0-00005.m4s",
      0, 0, 0, &type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "video/iso.segment");
  a = g_bytes_get_data (first, NULL);
  b = g_bytes_get_data (again, NULL);
  g_assert_cmpuint (get_u64 (a + TFDT_TIME_OFFSET), ==, 2 * TIMESCALE);
  g_assert_cmpuint (get_u64 (b + TFDT_TIME_OFFSET), ==, 8 * TIMESCALE);
  g_assert_cmpuint (get_u64 (b + SIDX_EPT_OFFSET), ==, 8 * TIMESCALE);

  g_assert_null (p2p_origin_live_render (live,
          "/live/dash/chunk-stream0-00016.m4s", 0, 0, 15, &type, &error));
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (p2p_origin_live_render (live,
          "/live/dash/chunk-stream7-00001.m4s", 0, 0, 15, &type, &error));
  g_assert_no_error (error);
}

static void
test_live_http (void)
{
  g_auto (Reply) playlist = { 0 };
  g_auto (Reply) mpd = { 0 };
  g_auto (Reply) master = { 0 };
  g_autofree gchar *text = NULL;

  g_assert_cmpuint (p2p_origin_get_live_segments (origin), ==,
      P2P_ORIGIN_DEFAULT_LIVE_SEGMENTS);
  p2p_origin_set_live_segments (origin, 1);
  fetch ("/live/hls/v0/index.m3u8", NULL, &playlist);
  p2p_origin_set_live_segments (origin, P2P_ORIGIN_DEFAULT_LIVE_SEGMENTS);
  g_assert_cmpuint (playlist.status, ==, 200);
  g_assert_cmpstr (header (&playlist, "Cache-Control"), ==, "no-cache");
  text = body_string (&playlist);
  g_assert_true (g_str_has_suffix (text, "seg000.ts\n#EXT-X-ENDLIST\n"));

  fetch ("/live/dash/manifest.mpd", NULL, &mpd);
  g_assert_cmpuint (mpd.status, ==, 200);
  g_assert_cmpstr (header (&mpd, "Content-Type"), ==, "application/dash+xml");
  fetch ("/live/hls/master.m3u8", NULL, &master);
  g_assert_cmpuint (master.status, ==, 200);
}

static void
test_bmff_errors (void)
{
  guint8 seg[SEG_LEN];
  /* moof { traf { tfdt version 0 } } */
  guint8 v0[32] = { 0 };
  g_autoptr (GError) error = NULL;
  gsize cut;

  /* every truncation is an error, never a read past the end */
  make_fmp4_segment (seg, 0);
  for (cut = 1; cut < SEG_LEN; cut++) {
    g_autofree guint8 *copy = g_memdup2 (seg, cut);

    if (p2p_origin_bmff_shift_times (copy, cut, TIMESCALE, 6, &error)) {
      /* only cuts between whole top-level boxes can be walked */
      g_assert_true (cut == 16 || cut == 60 || cut == 96);
    } else {
      g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_CONTENT);
      g_clear_error (&error);
    }
  }

  /* a version 0 time that would overflow 32 bits */
  put_u32 (v0, 32);
  memcpy (v0 + 4, "moof", 4);
  put_u32 (v0 + 8, 24);
  memcpy (v0 + 12, "traf", 4);
  put_u32 (v0 + 16, 16);
  memcpy (v0 + 20, "tfdt", 4);
  put_u32 (v0 + 28, G_MAXUINT32 - 10);
  g_assert_true (p2p_origin_bmff_shift_times (v0, sizeof v0, 1, 10, &error));
  g_assert_no_error (error);
  g_assert_false (p2p_origin_bmff_shift_times (v0, sizeof v0, 1, 1, &error));
  g_assert_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_CONTENT);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  content_dir = g_dir_make_tmp ("p2p-origin-test-XXXXXX", &error);
  g_assert_no_error (error);
  make_content ();
  origin = p2p_origin_new (content_dir, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("user-agent", "origin-test", NULL);

  g_test_add_func ("/origin/parse-range", test_parse_range);
  g_test_add_func ("/origin/content-types", test_content_types);
  g_test_add_func ("/origin/ranges", test_ranges);
  g_test_add_func ("/origin/head", test_head);
  g_test_add_func ("/origin/template", test_template);
  g_test_add_func ("/origin/status", test_status);
  g_test_add_func ("/origin/not-found", test_not_found);
  g_test_add_func ("/origin/methods", test_methods);
  g_test_add_func ("/origin/redirects", test_redirects);
  g_test_add_func ("/origin/slow", test_slow);
  g_test_add_func ("/origin/hang", test_hang);
  g_test_add_func ("/origin/faults", test_faults);
  g_test_add_func ("/origin/bytes", test_bytes);
  g_test_add_func ("/origin/log", test_log);
  g_test_add_func ("/origin/new-errors", test_new_errors);
  g_test_add_func ("/origin/start-stop", test_start_stop);
  g_test_add_func ("/origin/live/hls", test_live_hls);
  g_test_add_func ("/origin/live/dash", test_live_dash);
  g_test_add_func ("/origin/live/http", test_live_http);
  g_test_add_func ("/origin/bmff-errors", test_bmff_errors);
  ret = g_test_run ();

  g_object_unref (session);
  p2p_origin_free (origin);
  remove_tree (content_dir);
  g_free (content_dir);
  return ret;
}
