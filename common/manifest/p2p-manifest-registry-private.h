/* gst-p2pcdn: the registry's state, shared by its HLS and DASH halves.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every resource the classifier can name is an entry (URI + byte range +
 * kind) of one stream (rendition swarm).  Entries carry the generation of
 * the manifest that listed them last; a refresh keeps the previous
 * generation, so that a segment that just left a live window still
 * classifies, and drops older ones.
 */
#pragma once

#include "p2p-hls-parser.h"
#include "p2p-manifest.h"
#include "p2p-mpd-parser.h"
#include "p2p-sidx.h"

G_BEGIN_DECLS

typedef enum {
  P2P_ENTRY_SEGMENT,
  P2P_ENTRY_INIT,
  P2P_ENTRY_INDEX,
  P2P_ENTRY_KEY,
} P2pEntryKind;

typedef struct _P2pStream P2pStream;

typedef struct {
  P2pSegment seg;               /* first: handed out as P2pSegment */
  P2pStream *stream;
  P2pEntryKind kind;
  guint gen;
  gboolean dead;
} P2pEntry;

/* Everything the registry holds belongs to one presentation: the swarm id
 * of the manifest that described it (the top manifest's URL without its
 * query, or the swarm-id setting).  A presentation is forgotten as a whole
 * once none of its parts was used for the idle bound, so that a player
 * returning to a rendition it left (ABR) still finds it while it plays. */
struct _P2pStream {
  gchar *stream_swarm_id;
  gchar *presentation;
  gint64 last_used;             /* monotonic, us: listed or classified */
  gchar *info_hash;
  gboolean live;
  guint64 bandwidth;            /* declared for the rendition, bit/s, 0 unknown */
  guint gen;
  GPtrArray *entries;           /* P2pEntry, owned, in listing order */
};

typedef struct {
  P2pManifestFormat format;
  gchar *uri;
  gchar *presentation;
  gint64 last_used;             /* monotonic, us: added or classified */
  P2pStream *stream;            /* HLS media playlist; NULL if not shared */
  guint gen;
  P2pMpd *mpd;                  /* DASH: this and the previous one, which */
  P2pMpd *prev_mpd;             /* templates of the last window point into */
  GPtrArray *streams;           /* DASH: P2pStream it feeds, not owned */
} P2pManifestRecord;

/* What a master playlist says about one of its media playlists. */
typedef struct {
  gboolean shared;              /* FALSE for I-frame and subtitle playlists */
  gchar *stream_swarm_id;
  gchar *presentation;
  guint64 bandwidth;            /* the variant's BANDWIDTH, 0 unknown */
} P2pMediaPlaylistInfo;

/* A DASH SegmentTemplate, matched backwards at classification. */
typedef struct {
  const P2pDashRepresentation *rep;
  P2pStream *stream;
  P2pManifestRecord *record;
  guint gen;
} P2pTemplateRef;

/* A DASH SegmentBase whose sidx gives the segments. */
typedef struct {
  gchar *uri;
  gint64 index_start;
  gint64 index_end;
  gdouble period_start;
  guint64 presentation_time_offset;
  guint64 timescale;
  P2pStream *stream;
  P2pManifestRecord *record;
  guint gen;
  P2pSidx *sidx;                /* NULL until the index was fetched */
} P2pIndexRef;

struct _P2pManifestRegistry {
  P2pSwarmProfile profile;
  GHashTable *manifests;        /* uri -> P2pManifestRecord */
  GHashTable *media_playlists;  /* uri -> P2pMediaPlaylistInfo */
  GHashTable *locations;        /* uri (MPD Location) -> presentation */
  GHashTable *session_keys;     /* uri -> presentation */
  GHashTable *streams;          /* stream_swarm_id -> P2pStream */
  GHashTable *by_uri;           /* uri -> GPtrArray of P2pEntry */
  GHashTable *entry_set;        /* P2pEntry -> P2pEntry, by identity */
  GPtrArray *templates;         /* P2pTemplateRef */
  GPtrArray *indexes;           /* P2pIndexRef */

  /* The answer of the last classify */
  GPtrArray *result;
  P2pEntry scratch;
};

P2pStream *p2p_registry_get_stream (P2pManifestRegistry * reg,
    const gchar * stream_swarm_id, const gchar * presentation, gboolean live);

/* Adds or refreshes an entry of @stream at the stream's generation.  An
 * entry already known keeps its id. */
P2pEntry *p2p_registry_upsert (P2pManifestRegistry * reg, P2pStream * stream,
    P2pEntryKind kind, const gchar * uri, gint64 range_start,
    gint64 range_end, gint64 id, gdouble start, gdouble duration);
P2pEntry *p2p_registry_lookup (P2pManifestRegistry * reg, P2pStream * stream,
    P2pEntryKind kind, const gchar * uri, gint64 range_start,
    gint64 range_end);

/* Drops the entries of @stream older than the previous generation. */
void p2p_registry_prune (P2pManifestRegistry * reg, P2pStream * stream);

/* Takes the entries marked dead out of the by-URI buckets of @uris (a
 * set of their URIs); frees none of them. */
void p2p_registry_unlink_dead (P2pManifestRegistry * reg, GHashTable * uris);

P2pManifestRecord *p2p_registry_get_record (P2pManifestRegistry * reg,
    P2pManifestFormat format, const gchar * uri, const gchar * presentation);

/* Records what a parsed manifest describes; never fails (everything that
 * can be wrong was refused by the parser). */
void p2p_registry_add_hls (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * swarm_id, const P2pHlsPlaylist * pl);
void p2p_registry_add_dash (P2pManifestRegistry * reg, const gchar * uri,
    const gchar * swarm_id, P2pMpd * mpd);

/* Materializes the segments of an index whose sidx is known. */
void p2p_registry_index_segments (P2pManifestRegistry * reg,
    P2pIndexRef * ref);

/* Classifies @uri against the live and VOD templates; fills
 * reg->scratch. */
gboolean p2p_registry_match_template (P2pManifestRegistry * reg,
    const gchar * uri, P2pEntry ** entry);

void p2p_index_ref_free (gpointer data);

G_END_DECLS
