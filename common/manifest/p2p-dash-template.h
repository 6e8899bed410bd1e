/* gst-p2pcdn: DASH SegmentTemplate URLs, expanded and matched backwards.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A live $Number$ template names an unbounded set of segments, so the
 * classifier never enumerates it: it matches a request URL against the
 * template and reads Number and Time back out of it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _P2pDashTemplate P2pDashTemplate;

/* Compiles @tmpl: substitutes $RepresentationID$ (@rep_id) and
 * $Bandwidth$ (@bandwidth), keeps $Number$ and $Time$ (with an optional
 * %0<width>d) as fields unless @allow_fields is FALSE (initialization
 * templates), and resolves the result against @base_uri.  Errors name the
 * problem (unknown identifier, unterminated '$', bad width); the caller
 * adds the element. */
P2pDashTemplate *p2p_dash_template_new (const gchar * base_uri,
    const gchar * tmpl, const gchar * rep_id, guint64 bandwidth,
    gboolean allow_fields, GError ** error);
void p2p_dash_template_free (P2pDashTemplate * t);

gboolean p2p_dash_template_has_number (const P2pDashTemplate * t);
gboolean p2p_dash_template_has_time (const P2pDashTemplate * t);

/* The URL with the given values. */
gchar *p2p_dash_template_expand (const P2pDashTemplate * t, guint64 number,
    guint64 time);

/* TRUE if @uri (normalized) is an expansion of @t; fills in the fields the
 * template has. */
gboolean p2p_dash_template_match (const P2pDashTemplate * t,
    const gchar * uri, guint64 * number, guint64 * time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pDashTemplate, p2p_dash_template_free)

G_END_DECLS
