/* gst-p2pcdn tests: our sources fail like souphttpsrc on the same URLs.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case runs souphttpsrc and p2phlssrc side by side against the test
 * origin and compares what an application sees: the error's domain and
 * code, its http-status-code and http-redirect-uri details, and how many
 * requests reached the origin (retry behaviour).
 */
#include <gio/gio.h>
#include <string.h>

#include "p2p-test-util.h"

static P2pOrigin *origin;

typedef struct {
  const gchar *path;            /* on the origin, or NULL: connection refused */
  guint timeout;                /* the element's timeout property, 0 = default */
  gint64 seek_to;               /* BYTES seek before playing, -1 = none */
  gboolean expect_error;
} ErrorCase;

typedef struct {
  P2pPlayResult result;
  guint requests;
} Outcome;

static guint16
refused_port (void)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound;
  guint16 port;

  g_assert_true (g_socket_bind (s, addr, FALSE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Closed without listening: connecting to it is refused. */
  g_socket_close (s, NULL);
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  g_object_unref (s);
  return port;
}

static void
run_one (const gchar * factory, const gchar * url, const ErrorCase * c,
    Outcome * out)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make (factory, "src");
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GPtrArray *log;

  g_assert_nonnull (src);
  g_object_set (src, "location", url, NULL);
  if (c->timeout)
    g_object_set (src, "timeout", c->timeout, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, sink, NULL);
  g_assert_true (gst_element_link (src, sink));

  if (c->seek_to >= 0) {
    gst_element_set_state (pipeline, GST_STATE_READY);
    g_assert_true (gst_element_send_event (src,
            gst_event_new_seek (1.0, GST_FORMAT_BYTES, GST_SEEK_FLAG_FLUSH,
                GST_SEEK_TYPE_SET, c->seek_to, GST_SEEK_TYPE_NONE, -1)));
  }

  p2p_origin_clear_log (origin);
  p2p_test_play (pipeline, 30, NULL, NULL, &out->result);
  gst_object_unref (pipeline);
  /* let the origin log requests still in flight */
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  log = p2p_origin_get_log (origin);
  out->requests = log->len;
  g_ptr_array_unref (log);
}

static const gchar *
detail_string (const GstStructure * s, const gchar * field)
{
  return s ? gst_structure_get_string (s, field) : NULL;
}

static gboolean
same_detail (GQuark field, const GValue * value, gpointer user_data)
{
  const GValue *other = gst_structure_id_get_value (user_data, field);

  if (!other || gst_value_compare (value, other) != GST_VALUE_EQUAL)
    g_error ("detail %s differs from souphttpsrc's", g_quark_to_string (field));
  return TRUE;
}

static void
test_error_case (gconstpointer data)
{
  const ErrorCase *c = data;
  gchar *url;
  Outcome soup = { 0, }, ours = { 0, };
  guint soup_status = 0, our_status = 0;

  if (c->path)
    url = p2p_test_url (origin, NULL, c->path);
  else
    url = g_strdup_printf ("http://127.0.0.1:%u/nothing-listens",
        refused_port ());

  run_one ("souphttpsrc", url, c, &soup);
  run_one ("p2phlssrc", url, c, &ours);

  g_test_message ("souphttpsrc: %s %d \"%s\" %" GST_PTR_FORMAT " (%u req)",
      soup.result.error ? g_quark_to_string (soup.result.error->domain) :
      "no error", soup.result.error ? soup.result.error->code : 0,
      soup.result.error ? soup.result.error->message : "",
      soup.result.error_details, soup.requests);
  g_test_message ("p2phlssrc:   %s %d \"%s\" %" GST_PTR_FORMAT " (%u req)",
      ours.result.error ? g_quark_to_string (ours.result.error->domain) :
      "no error", ours.result.error ? ours.result.error->code : 0,
      ours.result.error ? ours.result.error->message : "",
      ours.result.error_details, ours.requests);

  g_assert_false (soup.result.timed_out);
  g_assert_false (ours.result.timed_out);
  if (c->expect_error)
    g_assert_nonnull (soup.result.error);
  g_assert_cmpint (!!soup.result.error, ==, !!ours.result.error);
  if (soup.result.error) {
    g_assert_cmpstr (g_quark_to_string (ours.result.error->domain), ==,
        g_quark_to_string (soup.result.error->domain));
    g_assert_cmpint (ours.result.error->code, ==, soup.result.error->code);
    g_assert_cmpint (!!ours.result.error_details, ==,
        !!soup.result.error_details);
    if (soup.result.error_details) {
      gst_structure_get_uint (soup.result.error_details, "http-status-code",
          &soup_status);
      gst_structure_get_uint (ours.result.error_details, "http-status-code",
          &our_status);
      g_assert_cmpuint (our_status, ==, soup_status);
      g_assert_cmpstr (detail_string (ours.result.error_details,
              "http-redirect-uri"), ==,
          detail_string (soup.result.error_details, "http-redirect-uri"));
      /* every detail souphttpsrc gives, with the same value */
      gst_structure_foreach (soup.result.error_details, same_detail,
          ours.result.error_details);
    }
  } else {
    g_assert_true (ours.result.eos);
    g_assert_cmpuint (ours.result.bytes, ==, soup.result.bytes);
  }
  if (c->path)
    g_assert_cmpuint (ours.requests, ==, soup.requests);

  p2p_play_result_clear (&soup.result);
  p2p_play_result_clear (&ours.result);
  g_free (url);
}

static const ErrorCase cases[] = {
  {"/status/404", 0, -1, TRUE},
  {"/status/403", 0, -1, TRUE},
  {"/status/401", 0, -1, TRUE},
  {"/status/500", 0, -1, TRUE},
  {"/status/503", 0, -1, TRUE},
  {"/redirect-loop", 0, -1, TRUE},
  {"/hang", 2, -1, TRUE},
  {NULL, 0, -1, TRUE},
  {"/norange/bytes/100000", 0, 1000, TRUE},
  {"/bytes/100000", 0, 1000, FALSE},
  {"/redirect/2/bytes/5000", 0, -1, FALSE},
  {"/bytes/5000", 0, 5000, FALSE},
};

static const gchar *const names[] = {
  "404", "403", "401", "500", "503", "redirect-loop", "timeout",
  "connection-refused", "range-not-supported", "range-ok", "redirect-ok",
  "range-at-end",
};

int
main (int argc, char **argv)
{
  int ret;

  p2p_test_init (&argc, &argv);
  origin = p2p_test_origin_new ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *name = g_strdup_printf ("/http-errors/%s", names[i]);

    g_test_add_data_func (name, &cases[i], test_error_case);
    g_free (name);
  }
  ret = g_test_run ();
  p2p_origin_free (origin);
  return ret;
}
