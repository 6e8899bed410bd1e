/* gst-p2pcdn: a small element tree built with GMarkup, for the MPD parser.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-xml-tree.h"
#include "p2p-manifest.h"

#include <string.h>

typedef struct
{
  GPtrArray *stack;             /* P2pXmlNode *, not owned */
  P2pXmlNode *root;
} P2pXmlBuilder;

static const gchar *
p2p_xml_local_name (const gchar * name)
{
  const gchar *colon = strrchr (name, ':');

  return colon ? colon + 1 : name;
}

void
p2p_xml_node_free (P2pXmlNode * node)
{
  if (node == NULL)
    return;
  g_free (node->name);
  g_strfreev (node->attr_names);
  g_strfreev (node->attr_values);
  /* Recursion is bounded by P2P_XML_MAX_DEPTH. */
  g_ptr_array_unref (node->children);
  g_string_free (node->text, TRUE);
  g_free (node);
}

static void
p2p_xml_start (GMarkupParseContext * ctx, const gchar * name,
    const gchar ** attr_names, const gchar ** attr_values, gpointer user_data,
    GError ** error)
{
  P2pXmlBuilder *b = user_data;
  P2pXmlNode *node;
  guint n = g_strv_length ((gchar **) attr_names), i;
  gint line;

  g_markup_parse_context_get_position (ctx, &line, NULL);
  if (b->stack->len >= P2P_XML_MAX_DEPTH) {
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
        "line %d: elements nested deeper than %d", line, P2P_XML_MAX_DEPTH);
    return;
  }
  if (b->stack->len == 0 && b->root != NULL) {
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
        "line %d: a second root element <%s>", line, name);
    return;
  }

  node = g_new0 (P2pXmlNode, 1);
  node->name = g_strdup (p2p_xml_local_name (name));
  node->attr_names = g_new0 (gchar *, n + 1);
  node->attr_values = g_new0 (gchar *, n + 1);
  for (i = 0; i < n; i++) {
    node->attr_names[i] = g_strdup (p2p_xml_local_name (attr_names[i]));
    node->attr_values[i] = g_strdup (attr_values[i]);
  }
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)
      p2p_xml_node_free);
  node->text = g_string_new (NULL);
  node->line = line;

  if (b->stack->len == 0)
    b->root = node;
  else
    g_ptr_array_add (((P2pXmlNode *) g_ptr_array_index (b->stack,
                b->stack->len - 1))->children, node);
  g_ptr_array_add (b->stack, node);
}

static void
p2p_xml_end (GMarkupParseContext * ctx, const gchar * name,
    gpointer user_data, GError ** error)
{
  P2pXmlBuilder *b = user_data;

  g_ptr_array_set_size (b->stack, b->stack->len - 1);
}

static void
p2p_xml_text_cb (GMarkupParseContext * ctx, const gchar * text, gsize len,
    gpointer user_data, GError ** error)
{
  P2pXmlBuilder *b = user_data;

  if (b->stack->len > 0)
    g_string_append_len (((P2pXmlNode *) g_ptr_array_index (b->stack,
                b->stack->len - 1))->text, text, len);
}

static const GMarkupParser p2p_xml_parser = {
  p2p_xml_start, p2p_xml_end, p2p_xml_text_cb, NULL, NULL
};

P2pXmlNode *
p2p_xml_parse (const gchar * data, gsize len, GError ** error)
{
  P2pXmlBuilder b = { g_ptr_array_new (), NULL };
  GMarkupParseContext *ctx;
  GError *err = NULL;
  const gchar *nul;

  if (len == 0) {
    g_set_error_literal (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_SYNTAX,
        "MPD is empty");
    g_ptr_array_unref (b.stack);
    return NULL;
  }
  nul = memchr (data, '\0', len);
  if (nul) {
    guint line = 1;
    const gchar *p;

    for (p = data; p < nul; p++)
      line += *p == '\n';
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_SYNTAX,
        "MPD line %u: NUL byte", line);
    g_ptr_array_unref (b.stack);
    return NULL;
  }

  /* GMarkup wants UTF-8 too, but on some invalid bytes GLib 2.74 sets
   * its error twice (found by fuzzing): refuse them first. */
  {
    const gchar *bad;

    if (!g_utf8_validate_len (data, len, &bad)) {
      guint line = 1;
      const gchar *p;

      for (p = data; p < bad; p++)
        line += *p == '\n';
      g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_SYNTAX,
          "MPD line %u: not UTF-8 text", line);
      g_ptr_array_unref (b.stack);
      return NULL;
    }
  }

  /* GMarkup refuses a byte order mark; servers do send one. */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0) {
    data += 3;
    len -= 3;
  }
  ctx = g_markup_parse_context_new (&p2p_xml_parser,
      G_MARKUP_TREAT_CDATA_AS_TEXT, &b, NULL);
  if (g_markup_parse_context_parse (ctx, data, len, &err))
    g_markup_parse_context_end_parse (ctx, &err);
  g_markup_parse_context_free (ctx);
  g_ptr_array_unref (b.stack);

  if (err == NULL && b.root == NULL)
    g_set_error_literal (&err, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY,
        "no root element");
  if (err) {
    /* GMarkup quotes the offending bytes, which may not be UTF-8. */
    gchar *msg = g_utf8_make_valid (err->message, -1);

    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_SYNTAX,
        "MPD is not well-formed XML: %s", msg);
    g_free (msg);
    g_error_free (err);
    p2p_xml_node_free (b.root);
    return NULL;
  }
  return b.root;
}

const gchar *
p2p_xml_attr (const P2pXmlNode * node, const gchar * name)
{
  guint i;

  for (i = 0; node->attr_names[i]; i++)
    if (g_str_equal (node->attr_names[i], name))
      return node->attr_values[i];
  return NULL;
}

P2pXmlNode *
p2p_xml_child (const P2pXmlNode * node, const gchar * name)
{
  guint i;

  for (i = 0; i < node->children->len; i++) {
    P2pXmlNode *child = g_ptr_array_index (node->children, i);

    if (g_str_equal (child->name, name))
      return child;
  }
  return NULL;
}

const gchar *
p2p_xml_text (P2pXmlNode * node)
{
  gsize start = 0, end = node->text->len;

  while (start < end && g_ascii_isspace (node->text->str[start]))
    start++;
  while (end > start && g_ascii_isspace (node->text->str[end - 1]))
    end--;
  if (start > 0 || end < node->text->len) {
    g_string_truncate (node->text, end);
    g_string_erase (node->text, 0, start);
  }
  return node->text->str;
}
