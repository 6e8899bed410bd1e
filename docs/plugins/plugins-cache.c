/* gst-p2pcdn: writes the plugin's documentation cache, in the shape of
 * GStreamer's own docs/plugins/gst_plugins_cache.json (hotdoc's plugin
 * scanner), from the loaded plugin itself.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   plugins-cache PLUGIN.so > docs/plugins/gst_plugins_cache.json
 *
 * Per element: metadata, rank, type hierarchy, interfaces, pad templates and
 * the properties our classes define (those of GstBaseSrc and GstObject are
 * GStreamer's), each with blurb, type, flags, default and range; the enums
 * they use under "other-types".  Defaults are the property specs' (the
 * environment changes some at run time: the blurbs say which).  The output
 * is sorted, so the file changes only when the documentation does; a test
 * (suite "docs") fails when the committed file is out of date:
 * `ninja -C build update-plugins-cache` rewrites it.
 */
#include <stdlib.h>
#include <string.h>

#include <gst/base/base.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_bool (JsonBuilder * b, const gchar * name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

/* A value as the cache spells it: serialized text, or null. */
static void
add_value (JsonBuilder * b, const gchar * name, const GValue * v)
{
  gchar *text = NULL;

  if (G_VALUE_HOLDS_STRING (v))
    text = g_value_dup_string (v);
  else if (G_VALUE_HOLDS_ENUM (v)) {
    GEnumValue *e = g_enum_get_value (g_type_class_peek (G_VALUE_TYPE (v)),
        g_value_get_enum (v));

    text = e ? g_strdup (e->value_nick) : NULL;
  } else if (!G_VALUE_HOLDS_BOXED (v) && !G_VALUE_HOLDS_OBJECT (v))
    text = gst_value_serialize (v);
  add_string (b, name, text);
  g_free (text);
}

#define ADD_RANGE(b, pspec, TYPE, type)                                       \
  G_STMT_START {                                                             \
    GValue v = G_VALUE_INIT;                                                 \
    g_value_init (&v, G_TYPE_##TYPE);                                        \
    g_value_set_##type (&v, G_PARAM_SPEC_##TYPE (pspec)->minimum);           \
    add_value (b, "min", &v);                                                \
    g_value_set_##type (&v, G_PARAM_SPEC_##TYPE (pspec)->maximum);           \
    add_value (b, "max", &v);                                                \
    g_value_unset (&v);                                                      \
  } G_STMT_END

static gint
compare_pspecs (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(GParamSpec **) a)->name, (*(GParamSpec **) b)->name);
}

static gboolean
is_ours (GType owner)
{
  return owner != GST_TYPE_OBJECT && owner != GST_TYPE_ELEMENT
      && owner != GST_TYPE_BASE_SRC && owner != GST_TYPE_PUSH_SRC;
}

static void
add_properties (JsonBuilder * b, GType type, GHashTable * enums)
{
  GObjectClass *klass = g_type_class_ref (type);
  guint n;
  GParamSpec **specs = g_object_class_list_properties (klass, &n);

  qsort (specs, n, sizeof (GParamSpec *), compare_pspecs);
  json_builder_set_member_name (b, "properties");
  json_builder_begin_object (b);
  for (guint i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    GValue def = G_VALUE_INIT;

    if (!is_ours (p->owner_type))
      continue;
    json_builder_set_member_name (b, p->name);
    json_builder_begin_object (b);
    add_string (b, "blurb", g_param_spec_get_blurb (p));
    add_bool (b, "conditionally-available", FALSE);
    add_bool (b, "construct", (p->flags & G_PARAM_CONSTRUCT) != 0);
    add_bool (b, "construct-only", (p->flags & G_PARAM_CONSTRUCT_ONLY) != 0);
    add_bool (b, "controllable", (p->flags & GST_PARAM_CONTROLLABLE) != 0);
    g_value_init (&def, p->value_type);
    g_param_value_set_default (p, &def);
    add_value (b, "default", &def);
    g_value_unset (&def);
    if (G_IS_PARAM_SPEC_UINT (p))
      ADD_RANGE (b, p, UINT, uint);
    else if (G_IS_PARAM_SPEC_INT (p))
      ADD_RANGE (b, p, INT, int);
    else if (G_IS_PARAM_SPEC_UINT64 (p))
      ADD_RANGE (b, p, UINT64, uint64);
    else if (G_IS_PARAM_SPEC_DOUBLE (p))
      ADD_RANGE (b, p, DOUBLE, double);
    if (G_IS_PARAM_SPEC_ENUM (p))
      g_hash_table_add (enums, (gpointer) p->value_type);
    add_string (b, "mutable", "null");
    add_bool (b, "readable", (p->flags & G_PARAM_READABLE) != 0);
    add_string (b, "type", g_type_name (p->value_type));
    add_bool (b, "writable", (p->flags & G_PARAM_WRITABLE) != 0);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  g_free (specs);
  g_type_class_unref (klass);
}

static void
add_pad_templates (JsonBuilder * b, GstElementFactory * f)
{
  static const gchar *const directions[] = { "unknown", "src", "sink" };
  static const gchar *const presences[] = { "always", "sometimes", "request" };

  json_builder_set_member_name (b, "pad-templates");
  json_builder_begin_object (b);
  for (const GList * l = gst_element_factory_get_static_pad_templates (f); l;
      l = l->next) {
    GstStaticPadTemplate *t = l->data;

    json_builder_set_member_name (b, t->name_template);
    json_builder_begin_object (b);
    add_string (b, "caps", t->static_caps.string);
    add_string (b, "direction", directions[t->direction]);
    add_string (b, "presence", presences[t->presence]);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
}

static const gchar *
rank_name (guint rank)
{
  if (rank >= GST_RANK_PRIMARY)
    return "primary";
  if (rank >= GST_RANK_SECONDARY)
    return "secondary";
  if (rank >= GST_RANK_MARGINAL)
    return "marginal";
  return "none";
}

static void
add_element (JsonBuilder * b, GstElementFactory * f, GHashTable * enums)
{
  GType type = gst_element_factory_get_element_type (f);
  GType *ifaces;
  guint n;
  const gchar *const *protocols;

  json_builder_set_member_name (b, GST_OBJECT_NAME (f));
  json_builder_begin_object (b);
  add_string (b, "author", gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_AUTHOR));
  add_string (b, "description", gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_DESCRIPTION));
  json_builder_set_member_name (b, "hierarchy");
  json_builder_begin_array (b);
  for (GType t = type; t; t = g_type_parent (t))
    json_builder_add_string_value (b, g_type_name (t));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "interfaces");
  json_builder_begin_array (b);
  ifaces = g_type_interfaces (type, &n);
  for (guint i = 0; i < n; i++)
    json_builder_add_string_value (b, g_type_name (ifaces[i]));
  g_free (ifaces);
  json_builder_end_array (b);
  add_string (b, "klass", gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_KLASS));
  add_string (b, "long-name", gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_LONGNAME));
  add_pad_templates (b, f);
  add_properties (b, type, enums);
  add_string (b, "rank", rank_name (gst_plugin_feature_get_rank
          (GST_PLUGIN_FEATURE (f))));
  json_builder_set_member_name (b, "signals");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "uri-protocols");
  json_builder_begin_array (b);
  protocols = gst_element_factory_get_uri_protocols (f);
  for (guint i = 0; protocols && protocols[i]; i++)
    json_builder_add_string_value (b, protocols[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static gint
compare_type_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (g_type_name (*(GType *) a), g_type_name (*(GType *) b));
}

static void
add_enums (JsonBuilder * b, GHashTable * enums)
{
  GArray *types = g_array_new (FALSE, FALSE, sizeof (GType));
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, enums);
  while (g_hash_table_iter_next (&it, &key, NULL)) {
    GType t = (GType) key;

    g_array_append_val (types, t);
  }
  g_array_sort (types, compare_type_names);
  json_builder_set_member_name (b, "other-types");
  json_builder_begin_object (b);
  for (guint i = 0; i < types->len; i++) {
    GType t = g_array_index (types, GType, i);
    GEnumClass *klass = g_type_class_ref (t);

    json_builder_set_member_name (b, g_type_name (t));
    json_builder_begin_object (b);
    add_string (b, "kind", "enum");
    json_builder_set_member_name (b, "values");
    json_builder_begin_array (b);
    for (guint v = 0; v < klass->n_values; v++) {
      gchar *number = g_strdup_printf ("%d", klass->values[v].value);

      json_builder_begin_object (b);
      add_string (b, "desc", klass->values[v].value_name);
      add_string (b, "name", klass->values[v].value_nick);
      add_string (b, "value", number);
      json_builder_end_object (b);
      g_free (number);
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
    g_type_class_unref (klass);
  }
  json_builder_end_object (b);
  g_array_unref (types);
}

static gint
compare_features (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (GST_OBJECT_NAME (a), GST_OBJECT_NAME (b));
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GstPlugin *plugin;
  GList *features;
  GHashTable *enums = g_hash_table_new (NULL, NULL);
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  gchar *json;

  gst_init (&argc, &argv);
  if (argc != 2) {
    g_printerr ("usage: %s PLUGIN.so\n", argv[0]);
    return 2;
  }
  plugin = gst_plugin_load_file (argv[1], &error);
  if (!plugin) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  features = gst_registry_get_feature_list_by_plugin (gst_registry_get (),
      gst_plugin_get_name (plugin));
  features = g_list_sort (features, compare_features);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, gst_plugin_get_name (plugin));
  json_builder_begin_object (b);
  add_string (b, "description", gst_plugin_get_description (plugin));
  json_builder_set_member_name (b, "elements");
  json_builder_begin_object (b);
  for (GList * l = features; l; l = l->next) {
    GstPluginFeature *feature =
        GST_PLUGIN_FEATURE (gst_plugin_feature_load (l->data));

    if (GST_IS_ELEMENT_FACTORY (feature))
      add_element (b, GST_ELEMENT_FACTORY (feature), enums);
    gst_object_unref (feature);
  }
  json_builder_end_object (b);
  /* "libgstp2pcdn.so" -> "gstp2pcdn", as hotdoc names it */
  {
    gchar *base = g_path_get_basename (gst_plugin_get_filename (plugin));
    gchar *dot = strchr (base, '.');

    if (dot)
      *dot = '\0';
    add_string (b, "filename", g_str_has_prefix (base, "lib") ? base + 3 :
        base);
    g_free (base);
  }
  add_string (b, "license", gst_plugin_get_license (plugin));
  add_enums (b, enums);
  add_string (b, "package", gst_plugin_get_package (plugin));
  add_string (b, "source", gst_plugin_get_source (plugin));
  json_builder_set_member_name (b, "tracers");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  add_string (b, "url", gst_plugin_get_origin (plugin));
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 4);
  json = json_generator_to_data (gen, NULL);
  g_print ("%s\n", json);

  g_free (json);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  g_hash_table_unref (enums);
  gst_plugin_list_free (features);
  gst_object_unref (plugin);
  return 0;
}
