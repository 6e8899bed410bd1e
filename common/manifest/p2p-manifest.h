/* gst-p2pcdn: manifest model shared by the HLS and DASH sources.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The registry remembers every manifest the plugin fetched (HLS master and
 * media playlists, DASH MPDs) and answers, for any later request, what it is:
 * a manifest, an init segment, a media segment of which swarm and which id
 * (protocols.md section 3), a key, or something else.
 *
 * Not thread-safe: the swarm manager uses it from its own thread only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_MANIFEST_ERROR (p2p_manifest_error_quark ())
GQuark p2p_manifest_error_quark (void);

typedef enum {
  P2P_MANIFEST_ERROR_SYNTAX,    /* not a playlist / MPD, or malformed */
  P2P_MANIFEST_ERROR_INVALID,   /* well formed but impossible values */
  P2P_MANIFEST_ERROR_TOO_LARGE, /* above P2P_MANIFEST_MAX_SIZE */
} P2pManifestError;

/* Manifests above this are refused rather than parsed. */
#define P2P_MANIFEST_MAX_SIZE (16 * 1024 * 1024)

typedef enum {
  P2P_RESOURCE_OTHER = 0,
  P2P_RESOURCE_MANIFEST,
  P2P_RESOURCE_INIT,
  P2P_RESOURCE_SEGMENT,
  P2P_RESOURCE_KEY,
} P2pResourceKind;

const gchar *p2p_resource_kind_to_string (P2pResourceKind kind);

typedef enum {
  P2P_MANIFEST_FORMAT_UNKNOWN = 0,
  P2P_MANIFEST_FORMAT_HLS,
  P2P_MANIFEST_FORMAT_DASH,
} P2pManifestFormat;

/* Guesses from the URI path, the Content-Type and the first bytes whether a
 * response is a manifest.  Any of the arguments may be NULL. */
P2pManifestFormat p2p_manifest_sniff (const gchar *uri,
    const gchar *content_type, const guint8 *data, gsize len);

/* One media segment (or an init segment) of a rendition.  Byte ranges are
 * inclusive; range_start == -1 means the whole resource. */
typedef struct {
  gchar *uri;                   /* absolute http(s) URI, no custom scheme */
  gint64 range_start;
  gint64 range_end;             /* inclusive, -1 = to the end */
  gint64 id;                    /* protocols.md section 3 */
  gdouble start;                /* seconds on the presentation timeline */
  gdouble duration;             /* seconds */
} P2pSegment;

/* What a request is.  Strings and the segment array belong to the registry
 * and stay valid until the next call that changes it; copy what you keep. */
typedef struct {
  P2pResourceKind kind;
  const gchar *stream_swarm_id; /* "v2-<swarmId>-main-<key>", SEGMENT/INIT */
  const gchar *info_hash;       /* 20 characters, SEGMENT/INIT */
  gboolean live;
  /* SEGMENT: the segments the requested byte range covers, in order; one
   * for an ordinary request, several for a DASH SegmentBase request of the
   * whole file (boundaries from the sidx). */
  const P2pSegment *segments[64];
  guint n_segments;
} P2pRequestInfo;

typedef struct _P2pManifestRegistry P2pManifestRegistry;

P2pManifestRegistry *p2p_manifest_registry_new (void);
void p2p_manifest_registry_free (P2pManifestRegistry * reg);

/* Parses a manifest fetched from @uri (the final URL after redirects, plain
 * http or https) and records what it describes.  @swarm_id overrides the
 * swarm id derivation (NULL = protocols.md section 4).
 *
 * On success returns the bytes to hand downstream: the same text with every
 * absolute http:// or https:// URI (segment, playlist, key, map, BaseURL,
 * template) prefixed with @scheme_prefix (for example "p2phls+"), so that
 * the demuxer sends those requests back through our element.  Relative URIs
 * are left alone.  On failure returns NULL and sets @error. */
GBytes *p2p_manifest_registry_add (P2pManifestRegistry * reg,
    P2pManifestFormat format, const gchar * uri, const gchar * swarm_id,
    const guint8 * data, gsize len, const gchar * scheme_prefix,
    GError ** error);

/* Classifies a request for @uri (plain http(s)) and the inclusive byte range
 * [@range_start, @range_end] (-1 = unranged / to the end). */
void p2p_manifest_registry_classify (P2pManifestRegistry * reg,
    const gchar * uri, gint64 range_start, gint64 range_end,
    P2pRequestInfo * info);

G_END_DECLS
