/* gst-p2pcdn: plays URIs one after another in one process, each pipeline
 * with its own element properties.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   play-pipelines [--linger S] URI [prop=value ...] [-- URI [prop=value ...]]
 *
 * Each URI plays in its own playbin to fakesinks, as fast as it can; the
 * properties are set on the playbin's source (our element).  One JSON line per
 * pipeline ({"uri", "eos", "error"}), then "done" after lingering S seconds
 * (the process's manager keeps serving its peers meanwhile).  The swarm test
 * (swarm_test.py --scenario config) checks with it that one pipeline's
 * settings leave the others alone.
 */
#include <gst/gst.h>
#include <json-glib/json-glib.h>

static guint opt_linger = 0;
static guint opt_timeout = 60;

static GOptionEntry entries[] = {
  {"linger", 0, 0, G_OPTION_ARG_INT, &opt_linger,
      "Stay S s after the last pipeline, serving peers", "S"},
  {"timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout,
      "Give up on a pipeline after S s", "S"},
  {NULL}
};

static void
on_source_setup (GstElement * playbin, GstElement * source, gpointer data)
{
  gchar **props = data;

  for (guint i = 0; props[i]; i++) {
    gchar **kv = g_strsplit (props[i], "=", 2);

    if (kv[0] && kv[1])
      gst_util_set_object_arg (G_OBJECT (source), kv[0], kv[1]);
    g_strfreev (kv);
  }
}

static GstElement *
fakesink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", FALSE, NULL);
  return sink;
}

/* Plays @uri to EOS or an error; prints its line. */
static gboolean
play (const gchar * uri, gchar ** props)
{
  GstElement *playbin = gst_element_factory_make ("playbin", NULL);
  GstBus *bus = gst_element_get_bus (playbin);
  gint64 deadline = g_get_monotonic_time () + opt_timeout * G_USEC_PER_SEC;
  gboolean eos = FALSE;
  gchar *error_text = NULL;
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  gchar *json;

  g_object_set (playbin, "uri", uri, "video-sink", fakesink (),
      "audio-sink", fakesink (), "connection-speed", (guint64) 100000, NULL);
  g_signal_connect (playbin, "source-setup", G_CALLBACK (on_source_setup),
      props);
  gst_element_set_state (playbin, GST_STATE_PLAYING);
  while (!eos && !error_text) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *msg;

    if (left <= 0) {
      error_text = g_strdup ("timed out");
      break;
    }
    msg = gst_bus_timed_pop_filtered (bus, left * GST_USECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (!msg)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
      eos = TRUE;
    } else {
      GError *error = NULL;

      gst_message_parse_error (msg, &error, NULL);
      error_text = g_strdup (error->message);
      g_error_free (error);
    }
    gst_message_unref (msg);
  }
  gst_element_set_state (playbin, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (playbin);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uri");
  json_builder_add_string_value (b, uri);
  json_builder_set_member_name (b, "eos");
  json_builder_add_boolean_value (b, eos);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error_text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_print ("%s\n", json);
  g_free (json);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  g_free (error_text);
  return eos;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("URI [prop=value ...] "
      "[-- URI [prop=value ...]] ...");
  GError *error = NULL;
  gboolean ok = TRUE;
  gint i = 1;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  /* keep "--" in argv: it separates the pipelines */
  g_option_context_set_strict_posix (ctx, TRUE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2) {
    g_printerr ("%s\n", error ? error->message : "no URI");
    return 2;
  }
  g_option_context_free (ctx);

  while (i < argc) {
    const gchar *uri;
    GPtrArray *props = g_ptr_array_new ();

    if (g_str_equal (argv[i], "--"))
      i++;
    if (i >= argc)
      break;
    uri = argv[i++];
    while (i < argc && !g_str_equal (argv[i], "--"))
      g_ptr_array_add (props, argv[i++]);
    g_ptr_array_add (props, NULL);
    ok &= play (uri, (gchar **) props->pdata);
    g_ptr_array_free (props, TRUE);
  }
  g_usleep (opt_linger * G_USEC_PER_SEC);
  g_print ("done\n");
  return ok ? 0 : 1;
}
