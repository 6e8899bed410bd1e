/* Clock-driven live HLS playlists and DASH MPDs from pre-generated segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sliding window and DVR depth, in segments */
#define P2P_ORIGIN_LIVE_WINDOW 6

typedef struct _P2pOriginLive P2pOriginLive;

P2pOriginLive *p2p_origin_live_new (const gchar * content_dir,
    GError ** error);
void p2p_origin_live_free (P2pOriginLive * live);

guint p2p_origin_live_get_segment_duration (P2pOriginLive * live);

GBytes *p2p_origin_live_render (P2pOriginLive * live, const gchar * path,
    gint64 epoch_unix_s, gint64 elapsed_us, guint n_segments,
    const gchar ** content_type, GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pOriginLive, p2p_origin_live_free)

G_END_DECLS
