/* gst-p2pcdn: a small element tree built with GMarkup, for the MPD parser.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _P2pXmlNode P2pXmlNode;

struct _P2pXmlNode {
  gchar *name;                  /* local name: namespace prefix removed */
  gchar **attr_names;           /* local names */
  gchar **attr_values;
  GPtrArray *children;          /* P2pXmlNode */
  GString *text;                /* character data directly inside */
  gint line;                    /* where the start tag is */
};

/* Deeper documents are refused: no MPD needs more than a handful. */
#define P2P_XML_MAX_DEPTH 32

/* Parses a whole document; errors are P2P_MANIFEST_ERROR_SYNTAX naming the
 * line. */
P2pXmlNode *p2p_xml_parse (const gchar * data, gsize len, GError ** error);
void p2p_xml_node_free (P2pXmlNode * node);

const gchar *p2p_xml_attr (const P2pXmlNode * node, const gchar * name);
/* The first child element called @name, or NULL. */
P2pXmlNode *p2p_xml_child (const P2pXmlNode * node, const gchar * name);
/* The trimmed character data of @node (owned by @node). */
const gchar *p2p_xml_text (P2pXmlNode * node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pXmlNode, p2p_xml_node_free)

G_END_DECLS
