/* gst-p2pcdn tests: souphttpsrc's properties reach the origin the same way.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * souphttpsrc and p2phlssrc fetch the same URL with the same property
 * values; the origin's request log must show the same request headers, and
 * both must post the same http-headers message.
 */
#include <string.h>

#include "p2p-test-util.h"

static P2pOrigin *origin;

typedef struct {
  GPtrArray *log;
  GstStructure *http_headers;   /* the element message */
  gboolean eos;
} Run;

static gboolean
keep_http_headers (GstElement * pipeline, GstMessage * msg, gpointer data)
{
  Run *run = data;
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && (s = gst_message_get_structure (msg))
      && gst_structure_has_name (s, "http-headers") && !run->http_headers)
    run->http_headers = gst_structure_copy (s);
  return TRUE;
}

typedef void (*Configure) (GstElement * src);

static void
run_one (const gchar * factory, const gchar * path, Configure configure,
    Run * run)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make (factory, NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  gchar *url = p2p_test_url (origin, NULL, path);
  P2pPlayResult r;

  g_object_set (src, "location", url, NULL);
  configure (src);
  gst_bin_add_many (GST_BIN (pipeline), src, sink, NULL);
  g_assert_true (gst_element_link (src, sink));
  p2p_origin_clear_log (origin);
  memset (run, 0, sizeof (*run));
  p2p_test_play (pipeline, 20, keep_http_headers, run, &r);
  gst_object_unref (pipeline);
  run->eos = r.eos;
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  run->log = p2p_origin_get_log (origin);
  p2p_play_result_clear (&r);
  g_free (url);
}

static void
run_clear (Run * run)
{
  g_ptr_array_unref (run->log);
  if (run->http_headers)
    gst_structure_free (run->http_headers);
}

static const gchar *
header (Run * run, const gchar * name)
{
  P2pOriginRequest *req;

  g_assert_cmpuint (run->log->len, ==, 1);
  req = g_ptr_array_index (run->log, 0);
  return soup_message_headers_get_list (req->headers, name);
}

static void
assert_same_headers (Run * soup, Run * ours, const gchar * const *names)
{
  for (guint i = 0; names[i]; i++) {
    g_test_message ("%s: souphttpsrc \"%s\", p2phlssrc \"%s\"", names[i],
        header (soup, names[i]), header (ours, names[i]));
    g_assert_cmpstr (header (ours, names[i]), ==, header (soup, names[i]));
  }
}

static void
configure_headers (GstElement * src)
{
  const gchar *cookies[] = { "session=abc", "lang=en", NULL };
  GstStructure *extra = gst_structure_new ("extra-headers",
      "X-Test", G_TYPE_STRING, "42", "Cache-Control", G_TYPE_STRING,
      "max-age=0", NULL);

  g_object_set (src, "user-agent", "TestPlayer/1.0", "cookies", cookies,
      "extra-headers", extra, "keep-alive", FALSE, "compress", TRUE,
      "iradio-mode", FALSE, NULL);
  gst_structure_free (extra);
}

static void
test_request_headers (void)
{
  static const gchar *const names[] = { "User-Agent", "Cookie", "X-Test",
    "Cache-Control", "Connection", "Accept-Encoding", "icy-metadata", NULL
  };
  Run soup, ours;

  run_one ("souphttpsrc", "/bytes/1000", configure_headers, &soup);
  run_one ("p2phlssrc", "/bytes/1000", configure_headers, &ours);
  g_assert_true (soup.eos);
  g_assert_true (ours.eos);
  assert_same_headers (&soup, &ours, names);
  run_clear (&soup);
  run_clear (&ours);
}

static void
configure_defaults (GstElement * src)
{
}

static void
test_default_headers (void)
{
  /* User-Agent differs on purpose (it names the element) */
  static const gchar *const names[] = { "Cookie", "Connection",
    "Accept-Encoding", "icy-metadata", "Range", NULL
  };
  Run soup, ours;

  run_one ("souphttpsrc", "/bytes/1000", configure_defaults, &soup);
  run_one ("p2phlssrc", "/bytes/1000", configure_defaults, &ours);
  assert_same_headers (&soup, &ours, names);
  g_assert_nonnull (strstr (header (&ours, "User-Agent"), "p2pcdn"));
  run_clear (&soup);
  run_clear (&ours);
}

static void
configure_head (GstElement * src)
{
  g_object_set (src, "method", "HEAD", NULL);
}

/* dashdemux asks for UTCTiming with method HEAD */
static void
test_method_head (void)
{
  Run soup, ours;
  P2pOriginRequest *req;

  run_one ("souphttpsrc", "/bytes/1000", configure_head, &soup);
  run_one ("p2phlssrc", "/bytes/1000", configure_head, &ours);
  g_assert_cmpint (ours.eos, ==, soup.eos);
  req = g_ptr_array_index (ours.log, 0);
  g_assert_cmpstr (req->method, ==, "HEAD");
  g_assert_cmpuint (req->bytes_sent, ==, 0);
  run_clear (&soup);
  run_clear (&ours);
}

static gboolean
same_field (GQuark field, const GValue * value, gpointer user_data)
{
  const GValue *other = gst_structure_id_get_value (user_data, field);

  g_assert_nonnull (other);
  if (G_VALUE_HOLDS_STRING (value) || G_VALUE_HOLDS_UINT (value))
    g_assert_true (gst_value_compare (value, other) == GST_VALUE_EQUAL);
  return TRUE;
}

/* The http-headers message: same fields, same URI and status. */
static void
test_http_headers_message (void)
{
  Run soup, ours;

  run_one ("souphttpsrc", "/redirect/1/bytes/1000", configure_defaults, &soup);
  run_one ("p2phlssrc", "/redirect/1/bytes/1000", configure_defaults, &ours);
  g_assert_nonnull (soup.http_headers);
  g_assert_nonnull (ours.http_headers);
  g_test_message ("souphttpsrc %" GST_PTR_FORMAT, soup.http_headers);
  g_test_message ("p2phlssrc   %" GST_PTR_FORMAT, ours.http_headers);
  gst_structure_foreach (soup.http_headers, same_field, ours.http_headers);
  run_clear (&soup);
  run_clear (&ours);
}

static void
configure_referer (GstElement * src)
{
  GstStructure *extra = gst_structure_new ("extra-headers", "Referer",
      G_TYPE_STRING, "p2phls+http://example.com/master.m3u8", NULL);

  g_object_set (src, "extra-headers", extra, NULL);
  gst_structure_free (extra);
}

/* Demuxers copy the manifest's URI, our scheme and all, into Referer: the
 * origin must see plain http. */
static void
test_referer_scheme_stripped (void)
{
  Run ours;

  run_one ("p2phlssrc", "/bytes/10", configure_referer, &ours);
  g_assert_cmpstr (header (&ours, "Referer"), ==,
      "http://example.com/master.m3u8");
  run_clear (&ours);
}

typedef struct {
  GstElement *src;
  gint64 duration;
} DurationProbe;

static GstPadProbeReturn
query_duration_on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  DurationProbe *d = data;

  if (d->duration < 0)
    gst_element_query_duration (d->src, GST_FORMAT_BYTES, &d->duration);
  return GST_PAD_PROBE_OK;
}

/* What the demuxers rely on: push mode only, bandwidth-limited, and the
 * BYTES duration known on the first buffer. */
static void
test_scheduling_and_duration (void)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("p2phlssrc", NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  gchar *url = p2p_test_url (origin, NULL, "/bytes/123456");
  GstQuery *q = gst_query_new_scheduling ();
  GstSchedulingFlags flags;
  DurationProbe d = { src, -1 };
  GstPad *pad;
  P2pPlayResult r;

  g_object_set (src, "location", url, NULL);
  g_assert_true (gst_element_query (src, q));
  gst_query_parse_scheduling (q, &flags, NULL, NULL, NULL);
  g_assert_true (gst_query_has_scheduling_mode (q, GST_PAD_MODE_PUSH));
  g_assert_false (gst_query_has_scheduling_mode (q, GST_PAD_MODE_PULL));
  g_assert_true (flags & GST_SCHEDULING_FLAG_BANDWIDTH_LIMITED);
  g_assert_true (flags & GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (q);

  gst_bin_add_many (GST_BIN (pipeline), src, sink, NULL);
  gst_element_link (src, sink);
  pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, query_duration_on_buffer,
      &d, NULL);
  gst_object_unref (pad);
  p2p_test_play (pipeline, 20, NULL, NULL, &r);
  g_assert_true (r.eos);
  g_assert_cmpint (d.duration, ==, 123456);
  gst_object_unref (pipeline);
  p2p_play_result_clear (&r);
  g_free (url);
}

static void
keep_http_log_line (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  if (g_str_equal (gst_debug_category_get_name (category), "p2pcdn-http")
      && level == GST_LEVEL_TRACE)
    g_ptr_array_add (user_data, g_strdup (gst_debug_message_get (message)));
}

static gboolean
logged (GPtrArray * lines, const gchar * text)
{
  for (guint i = 0; i < lines->len; i++)
    if (strstr (g_ptr_array_index (lines, i), text))
      return TRUE;
  return FALSE;
}

static void
configure_log_minimal (GstElement * src)
{
  gst_util_set_object_arg (G_OBJECT (src), "http-log-level", "minimal");
}

static void
configure_log_headers (GstElement * src)
{
  gst_util_set_object_arg (G_OBJECT (src), "http-log-level", "headers");
}

static void
configure_log_none (GstElement * src)
{
  gst_util_set_object_arg (G_OBJECT (src), "http-log-level", "none");
}

/* http-log-level: souphttpsrc's SoupLogger lines, in p2pcdn-http at TRACE. */
static void
test_http_log_level (void)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  Run run;

  gst_debug_set_threshold_for_name ("p2pcdn-http", GST_LEVEL_TRACE);
  gst_debug_add_log_function (keep_http_log_line, lines, NULL);

  run_one ("p2phlssrc", "/bytes/1001", configure_log_none, &run);
  run_clear (&run);
  g_assert_false (logged (lines, "GET /bytes/1001"));

  run_one ("p2phlssrc", "/bytes/1002", configure_log_minimal, &run);
  run_clear (&run);
  g_assert_true (logged (lines, "> GET /bytes/1002 HTTP/1.1"));
  g_assert_true (logged (lines, "< HTTP/1.1 200"));
  g_assert_false (logged (lines, "User-Agent:"));

  run_one ("p2phlssrc", "/bytes/1003", configure_log_headers, &run);
  run_clear (&run);
  g_assert_true (logged (lines, "> GET /bytes/1003 HTTP/1.1"));
  g_assert_true (logged (lines, "> User-Agent: GStreamer p2pcdn"));
  g_assert_true (logged (lines, "< Content-Length: 1003"));

  gst_debug_remove_log_function (keep_http_log_line);
  gst_debug_set_threshold_for_name ("p2pcdn-http", GST_LEVEL_NONE);
  g_ptr_array_unref (lines);
}

int
main (int argc, char **argv)
{
  int ret;

  p2p_test_init (&argc, &argv);
  origin = p2p_test_origin_new ();
  g_test_add_func ("/http-properties/request-headers", test_request_headers);
  g_test_add_func ("/http-properties/default-headers", test_default_headers);
  g_test_add_func ("/http-properties/method-head", test_method_head);
  g_test_add_func ("/http-properties/scheduling-and-duration",
      test_scheduling_and_duration);
  g_test_add_func ("/http-properties/referer-scheme-stripped",
      test_referer_scheme_stripped);
  g_test_add_func ("/http-properties/http-headers-message",
      test_http_headers_message);
  g_test_add_func ("/http-properties/http-log-level", test_http_log_level);
  ret = g_test_run ();
  p2p_origin_free (origin);
  return ret;
}
