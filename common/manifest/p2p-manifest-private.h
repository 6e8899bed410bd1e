/* gst-p2pcdn: helpers shared by the manifest parsers (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "p2p-manifest.h"

G_BEGIN_DECLS

/* Returns @uri reduced to the form both the parsers and the classifier
 * compare: parsed and printed again by GUri (dot segments removed, default
 * port dropped), without its fragment.  Never NULL: a string GUri refuses
 * is returned as is, minus its fragment. */
gchar *p2p_uri_normalize (const gchar * uri);

/* Resolves @ref against @base (RFC 3986) and normalizes the result; NULL if
 * either cannot be parsed. */
gchar *p2p_uri_resolve (const gchar * base, const gchar * ref);

/* The same with @base parsed once, for the many URIs of one playlist
 * (p2p_uri_parse_base() returns NULL if @base cannot be parsed). */
GUri *p2p_uri_parse_base (const gchar * base);
gchar *p2p_uri_resolve_parsed (GUri * base, const gchar * ref);

/* TRUE if @s starts with http:// or https:// (any case). */
gboolean p2p_uri_is_http (const gchar * s, gsize len);

/* The swarm id protocols.md section 4 derives from a manifest URL: the URL
 * up to its first '?'. */
gchar *p2p_uri_strip_query (const gchar * uri);

/* Strict decimal parsers: the whole string must be the number (no sign for
 * the unsigned one); FALSE on anything else, including overflow. */
gboolean p2p_parse_uint64 (const gchar * s, guint64 * out);
gboolean p2p_parse_int64 (const gchar * s, gint64 * out);
/* A finite decimal floating point number. */
gboolean p2p_parse_double (const gchar * s, gdouble * out);
/* "first-last" inclusive byte range with first <= last. */
gboolean p2p_parse_byte_range (const gchar * s, gint64 * first,
    gint64 * last);
/* An xs:duration ("PT1H2M3.5S"), non-negative, in seconds. */
gboolean p2p_parse_xs_duration (const gchar * s, gdouble * out);

/* Formats @v the way JavaScript's Number.prototype.toString() does, since
 * p2p-media-loader hashes such strings into the swarm identity. */
gchar *p2p_js_number_to_string (gdouble v);

G_END_DECLS
