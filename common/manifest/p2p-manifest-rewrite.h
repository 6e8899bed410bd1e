/* gst-p2pcdn: prefixes absolute http(s) URIs of a manifest with our scheme.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Relative URIs keep the custom scheme of the manifest's own URI when the
 * demuxer joins them; absolute ones would go straight to souphttpsrc, so
 * they get the prefix ("p2phls+" turns http://h/a.ts into
 * p2phls+http://h/a.ts).  Every other byte is kept, line endings included.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* HLS: URI lines and URI="..." attributes of any tag. */
GBytes *p2p_hls_rewrite (const guint8 * data, gsize len,
    const gchar * prefix);

/* DASH: BaseURL and Location text, and the media, initialization and
 * sourceURL attributes. */
GBytes *p2p_mpd_rewrite (const guint8 * data, gsize len,
    const gchar * prefix);

G_END_DECLS
