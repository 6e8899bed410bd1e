/* gst-p2pcdn: HLS master and media playlist parser (RFC 8216).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "p2p-manifest.h"

G_BEGIN_DECLS

/* One EXT-X-STREAM-INF.  Attribute values are kept as written (quotes
 * removed), NULL when absent: the swarm identity needs them verbatim. */
typedef struct {
  gchar *uri;                   /* absolute */
  gchar *bandwidth;
  gchar *average_bandwidth;
  gchar *codecs;
  gchar *resolution;
  gchar *frame_rate;
  gchar *video_range;
  gchar *audio;                 /* GROUP-ID of its audio renditions */
} P2pHlsVariant;

/* One EXT-X-MEDIA. */
typedef struct {
  gchar *type;                  /* AUDIO, VIDEO, SUBTITLES, CLOSED-CAPTIONS */
  gchar *group_id;
  gchar *name;
  gchar *language;
  gchar *channels;
  gchar *uri;                   /* absolute, NULL when muxed in the variant */
} P2pHlsRendition;

typedef struct {
  gchar *uri;                   /* absolute */
  gint64 range_start;           /* -1 = whole resource */
  gint64 range_end;             /* inclusive */
} P2pHlsResource;

typedef struct {
  P2pHlsResource resource;
  gdouble duration;
  gdouble start;                /* sum of the durations before it */
  gint64 sequence;              /* media sequence number */
  gint map;                     /* index into maps, -1 = none */
  gboolean discontinuity;
  gboolean aes128;              /* under an EXT-X-KEY METHOD=AES-128 */
} P2pHlsSegment;

typedef struct {
  gboolean is_master;

  /* master playlist */
  GPtrArray *variants;          /* P2pHlsVariant */
  GPtrArray *renditions;        /* P2pHlsRendition */
  GPtrArray *iframe_uris;       /* gchar *, absolute */

  /* media playlist */
  gint64 media_sequence;
  gboolean endlist;
  GArray *segments;             /* P2pHlsSegment */
  GPtrArray *maps;              /* P2pHlsResource *: EXT-X-MAP */

  /* both: EXT-X-KEY / EXT-X-SESSION-KEY URIs, absolute */
  GPtrArray *keys;
} P2pHlsPlaylist;

/* Parses @data, resolving every URI against @base_uri.  Refuses with a
 * P2P_MANIFEST_ERROR naming the line: a missing #EXTM3U, NUL bytes, text
 * that is not UTF-8, malformed attribute lists, negative or non-finite
 * durations, numbers that overflow, a segment URI without #EXTINF (or the
 * reverse), more than P2P_MANIFEST_MAX_SEGMENTS segments. */
P2pHlsPlaylist *p2p_hls_parse (const gchar * base_uri, const guint8 * data,
    gsize len, GError ** error);

void p2p_hls_playlist_free (P2pHlsPlaylist * playlist);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pHlsPlaylist, p2p_hls_playlist_free)

G_END_DECLS
