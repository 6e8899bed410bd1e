/* gst-p2pcdn: plays URIs one after another in one process, each pipeline
 * with its own element properties.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   play-pipelines [--linger S] URI [prop=value ...] [-- URI [prop=value ...]]
 *
 * Each URI plays in its own playbin to fakesinks, as fast as it can; the
 * properties are set on the playbin's source (our element).  One JSON line per
 * pipeline, then "done" after lingering S seconds (the process's manager keeps
 * serving its peers meanwhile):
 *   {"uri", "eos", "error", "stats": the last p2pcdn-stats (process-wide),
 *    "headers": {"<p2pcdn-source>": n}: http-headers messages of media
 *    segments by where the bytes came from ("http" when not said),
 *    "typed": how many of them carry a Content-Type,
 *    "events": http-headers events seen on our sources' pads for them}
 * The swarm tests (swarm_test.py --scenario config, http-headers) check with
 * it that one pipeline's settings leave the others alone and that every
 * delivery tells its headers like souphttpsrc.
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

typedef struct {
  GMutex lock;
  GHashTable *sources;          /* p2pcdn-source -> count */
  guint typed;
  guint events;
  GstStructure *stats;
} Seen;

static gboolean
is_media_segment (const GstStructure * s)
{
  const gchar *uri = gst_structure_get_string (s, "uri");

  return uri && (g_str_has_suffix (uri, ".ts") || g_str_has_suffix (uri,
          ".m4s"));
}

static GstPadProbeReturn
on_source_event (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Seen *seen = data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  const GstStructure *s = gst_event_get_structure (event);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_DOWNSTREAM_STICKY && s
      && gst_structure_has_name (s, "http-headers") && is_media_segment (s)) {
    g_mutex_lock (&seen->lock);
    seen->events++;
    g_mutex_unlock (&seen->lock);
  }
  return GST_PAD_PROBE_OK;
}

/* Every source of ours, the demuxers' included. */
static void
on_element_added (GstBin * bin, GstBin * sub, GstElement * element,
    gpointer data)
{
  GstElementFactory *f = gst_element_get_factory (element);
  GstPad *pad;

  if (!f || !g_str_has_prefix (GST_OBJECT_NAME (f), "p2p"))
    return;
  pad = gst_element_get_static_pad (element, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      on_source_event, data, NULL);
  gst_object_unref (pad);
}

static void
count_message (Seen * seen, const GstStructure * s)
{
  const gchar *source;
  const GstStructure *response = NULL;
  guint n;

  if (gst_structure_has_name (s, "p2pcdn-stats")) {
    g_clear_pointer (&seen->stats, gst_structure_free);
    seen->stats = gst_structure_copy (s);
    return;
  }
  if (!gst_structure_has_name (s, "http-headers") || !is_media_segment (s))
    return;
  source = gst_structure_get_string (s, "p2pcdn-source");
  if (!source)
    source = "http";
  n = GPOINTER_TO_UINT (g_hash_table_lookup (seen->sources, source));
  g_hash_table_insert (seen->sources, g_strdup (source),
      GUINT_TO_POINTER (n + 1));
  if (gst_structure_get (s, "response-headers", GST_TYPE_STRUCTURE,
          &response, NULL)) {
    if (gst_structure_has_field (response, "Content-Type"))
      seen->typed++;
    gst_structure_free ((GstStructure *) response);
  }
}

static void
add_counts (JsonBuilder * b, Seen * seen)
{
  GHashTableIter it;
  gpointer key, value;

  json_builder_set_member_name (b, "headers");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&it, seen->sources);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    json_builder_set_member_name (b, key);
    json_builder_add_int_value (b, GPOINTER_TO_UINT (value));
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "typed");
  json_builder_add_int_value (b, seen->typed);
  g_mutex_lock (&seen->lock);
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, seen->events);
  g_mutex_unlock (&seen->lock);
  json_builder_set_member_name (b, "stats");
  if (seen->stats) {
    /* numbers only: the structure's fields as a JSON object */
    json_builder_begin_object (b);
    for (gint i = 0; i < gst_structure_n_fields (seen->stats); i++) {
      const gchar *name = gst_structure_nth_field_name (seen->stats, i);
      guint64 v64;
      guint v;

      json_builder_set_member_name (b, name);
      if (gst_structure_get_uint64 (seen->stats, name, &v64))
        json_builder_add_int_value (b, v64);
      else if (gst_structure_get_uint (seen->stats, name, &v))
        json_builder_add_int_value (b, v);
      else
        json_builder_add_null_value (b);
    }
    json_builder_end_object (b);
  } else {
    json_builder_add_null_value (b);
  }
}

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
  Seen seen = { 0, };

  g_mutex_init (&seen.lock);
  seen.sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (playbin, "deep-element-added",
      G_CALLBACK (on_element_added), &seen);

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
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    if (!msg)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT) {
      count_message (&seen, gst_message_get_structure (msg));
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
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
  add_counts (b, &seen);
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
  g_hash_table_unref (seen.sources);
  g_clear_pointer (&seen.stats, gst_structure_free);
  g_mutex_clear (&seen.lock);
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
