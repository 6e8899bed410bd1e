/* gst-p2pcdn: swarm identity of a rendition (protocols.md sections 4, 5).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything a profile decides lives here, so that a later generation of
 * p2p-media-loader only needs another case in these functions.
 */
#pragma once

#include "p2p-manifest.h"

G_BEGIN_DECLS

/* What the player knows about a rendition, as the strings p2p-media-loader
 * builds its stream key from.  NULL means "undefined" in its code (not the
 * same as "" for every field: an undefined bitrate prints as 0).  Numbers
 * are already in JavaScript's notation (p2p_js_number_to_string()). */
typedef struct {
  const gchar *bitrate;
  const gchar *codecs;
  const gchar *width;
  const gchar *height;
  const gchar *language;
  const gchar *channels;
  const gchar *name;
  const gchar *frame_rate;
  const gchar *video_range;
} P2pStreamAttrs;

/* The text the profile hashes into the stream key, for example
 * "0--------" for an HLS media playlist without a master.  V2 normalizes
 * codecs, language, channels, name, frame rate and video range the way
 * p2p-media-loader 2.3 does; V3 takes the values as they are. */
gchar *p2p_swarm_identity_string (P2pSwarmProfile profile,
    const P2pStreamAttrs * attrs);

/* "v2-" + @swarm_id + "-main-" (or "-secondary-") + base64 (SHA-1
 * (identity string)), with "v3-" for the V3 profile. */
gchar *p2p_swarm_stream_swarm_id (P2pSwarmProfile profile,
    const gchar * swarm_id, gboolean secondary, const P2pStreamAttrs * attrs);

/* The swarm id a manifest fetched from @uri gets when added to a registry
 * with @swarm_id (NULL = derived: the normalized URL without its query). */
gchar *p2p_swarm_id_for_manifest (const gchar * uri, const gchar * swarm_id);

/* The swarm id inside a stream swarm id ("v2-<swarmId>-main-<key>"); NULL
 * when @stream_swarm_id has no such shape. */
gchar *p2p_swarm_id_of_stream (const gchar * stream_swarm_id);

/* The 20-character tracker info_hash of a stream swarm id: base64 of the
 * first 15 bytes of its SHA-1. */
gchar *p2p_swarm_info_hash (const gchar * stream_swarm_id);

/* Segment ids: HLS live = media sequence number, VOD = index (V2);
 * media sequence + index always (V3).  DASH: trunc (start / 0.5) (V2),
 * round (start * 10) (V3). */
gint64 p2p_swarm_hls_segment_id (P2pSwarmProfile profile, gboolean live,
    gint64 media_sequence_number, gint64 index);
gint64 p2p_swarm_dash_segment_id (P2pSwarmProfile profile, gdouble start);

G_END_DECLS
