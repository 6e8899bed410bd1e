/* gst-p2pcdn: manifest model shared by the HLS and DASH sources.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The registry remembers every manifest the plugin fetched (HLS master and
 * media playlists, DASH MPDs) and answers, for any later request, what it is:
 * a manifest, an init segment, a media segment of which swarm and which id
 * (protocols.md section 3), a key, a DASH index (sidx) or something else.
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
  P2P_MANIFEST_ERROR_TOO_LARGE, /* above P2P_MANIFEST_MAX_SIZE or too many segments */
} P2pManifestError;

/* Manifests above this are refused rather than parsed. */
#define P2P_MANIFEST_MAX_SIZE (16 * 1024 * 1024)

/* A rendition listing more segments than this (HLS playlist, DASH
 * SegmentList or SegmentTimeline) is refused, so that a hostile repeat
 * count cannot make us allocate without bound. */
#define P2P_MANIFEST_MAX_SEGMENTS 100000

typedef enum {
  P2P_RESOURCE_OTHER = 0,
  P2P_RESOURCE_MANIFEST,
  P2P_RESOURCE_INIT,
  P2P_RESOURCE_SEGMENT,
  P2P_RESOURCE_KEY,
  /* The indexRange (sidx) of a DASH SegmentBase representation: hand the
   * fetched bytes to p2p_manifest_registry_add_index(). */
  P2P_RESOURCE_INDEX,
} P2pResourceKind;

const gchar *p2p_resource_kind_to_string (P2pResourceKind kind);

typedef enum {
  P2P_MANIFEST_FORMAT_UNKNOWN = 0,
  P2P_MANIFEST_FORMAT_HLS,
  P2P_MANIFEST_FORMAT_DASH,
} P2pManifestFormat;

/* Guesses from the first bytes, the Content-Type and the URI path whether a
 * response is a manifest.  Any of the arguments may be NULL. */
P2pManifestFormat p2p_manifest_sniff (const gchar * uri,
    const gchar * content_type, const guint8 * data, gsize len);

/* Which swarm identity the registry derives (protocols.md sections 4
 * and 5).  V2 is what every deployed p2p-media-loader (2.3 .. 4.x) speaks. */
typedef enum {
  P2P_SWARM_PROFILE_V2 = 0,
  P2P_SWARM_PROFILE_V3,
} P2pSwarmProfile;

/* One media segment (or an init segment) of a rendition.  Byte ranges are
 * inclusive; range_start == -1 means the whole resource. */
typedef struct {
  gchar *uri;                   /* absolute http(s) URI, no custom scheme */
  gint64 range_start;
  gint64 range_end;             /* inclusive, -1 = to the end */
  gint64 id;                    /* protocols.md section 3; -1 for init */
  gdouble start;                /* seconds on the presentation timeline */
  gdouble duration;             /* seconds */
  /* HLS EXT-X-KEY METHOD=AES-128: the whole resource is ciphertext */
  gboolean aes128;
} P2pSegment;

/* What a request is.  Strings and the segment array belong to the registry
 * and stay valid until the next call on the registry; copy what you keep. */
typedef struct {
  P2pResourceKind kind;
  /* "v2-<swarmId>-main-<key>" (or -secondary-), for SEGMENT, INIT, INDEX
   * and KEY; NULL otherwise. */
  const gchar *stream_swarm_id;
  const gchar *info_hash;       /* 20 characters, with stream_swarm_id */
  gboolean live;
  /* the rendition's declared bandwidth (HLS BANDWIDTH, DASH @bandwidth),
   * bit/s; 0 unknown */
  guint64 bandwidth;
  /* SEGMENT: the segments the requested byte range overlaps, in file
   * order; one for an ordinary request, several for a DASH SegmentBase
   * request of the whole file (boundaries from the sidx: bytes before the
   * first segment, the init and the sidx, are not covered by any). INIT:
   * the init segment; INDEX: the index range (its id is -1). */
  const P2pSegment *const *segments;
  guint n_segments;
} P2pRequestInfo;

typedef struct _P2pManifestRegistry P2pManifestRegistry;

P2pManifestRegistry *p2p_manifest_registry_new (void);
void p2p_manifest_registry_free (P2pManifestRegistry * reg);

/* Chooses the identity profile for manifests added afterwards (default
 * P2P_SWARM_PROFILE_V2). */
void p2p_manifest_registry_set_profile (P2pManifestRegistry * reg,
    P2pSwarmProfile profile);

/* Parses a manifest fetched from @uri (the final URL after redirects, plain
 * http or https) and records what it describes.  @format may be
 * P2P_MANIFEST_FORMAT_UNKNOWN to sniff it.  @swarm_id overrides the swarm id
 * derivation (NULL = protocols.md section 4).
 *
 * On success returns the bytes to hand downstream: the same text with every
 * absolute http:// or https:// URI (HLS: URI lines and URI="..." attributes;
 * DASH: BaseURL and Location text, media, initialization and sourceURL
 * attributes) prefixed with @scheme_prefix (for example "p2phls+"), so that
 * the demuxer sends those requests back through our element.  Relative URIs
 * and every other byte are left alone.  @scheme_prefix NULL or "" returns
 * the text unchanged.  On failure returns NULL, sets @error and leaves the
 * registry as it was. */
GBytes *p2p_manifest_registry_add (P2pManifestRegistry * reg,
    P2pManifestFormat format, const gchar * uri, const gchar * swarm_id,
    const guint8 * data, gsize len, const gchar * scheme_prefix,
    GError ** error);

/* Teaches the registry the segment boundaries of a DASH SegmentBase
 * representation: @data are bytes of @uri starting at byte @range_start
 * (the start of the request classified P2P_RESOURCE_INDEX; -1 = 0) and
 * containing the whole sidx box (they may start earlier or go further).
 * Afterwards requests for that file classify to the segments they cover. */
gboolean p2p_manifest_registry_add_index (P2pManifestRegistry * reg,
    const gchar * uri, gint64 range_start, const guint8 * data, gsize len,
    GError ** error);

/* The lowest segment id a live rendition still lists (its current and
 * previous window); FALSE for VOD, or when the manifest names no segments
 * (a DASH SegmentTemplate matched by URL). */
gboolean p2p_manifest_registry_get_live_window (P2pManifestRegistry * reg,
    const gchar * stream_swarm_id, gint64 * first_id);

/* The media segment @id of the rendition @stream_swarm_id as its latest
 * manifests list it, or NULL (unknown, or named only by a DASH template).
 * Valid until the next call on the registry. */
const P2pSegment *p2p_manifest_registry_find_segment (P2pManifestRegistry *
    reg, const gchar * stream_swarm_id, gint64 id);

/* Forgets every presentation (the manifests, streams and segments of one
 * swarm id) none of whose streams or manifests was listed or classified
 * in the @idle_us before @now (monotonic time, us), so that a process
 * playing many streams one after another keeps only those in use.  Appends
 * the forgotten swarm ids to @presentations and stream swarm ids to
 * @streams (either may be NULL; strings owned by the arrays' free func,
 * set it to g_free).  Returns the number of streams forgotten. */
guint p2p_manifest_registry_expire (P2pManifestRegistry * reg, gint64 now,
    gint64 idle_us, GPtrArray * presentations, GPtrArray * streams);

/* The streams (renditions) the registry holds. */
guint p2p_manifest_registry_get_n_streams (P2pManifestRegistry * reg);

/* Classifies a request for @uri (plain http(s)) and the inclusive byte range
 * [@range_start, @range_end] (-1 = unranged / to the end). */
void p2p_manifest_registry_classify (P2pManifestRegistry * reg,
    const gchar * uri, gint64 range_start, gint64 range_end,
    P2pRequestInfo * info);

G_END_DECLS
