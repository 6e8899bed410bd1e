/* gst-p2pcdn: DASH MPD parser (ISO/IEC 23009-1), flattened per Representation.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "p2p-dash-template.h"
#include "p2p-manifest.h"

G_BEGIN_DECLS

typedef enum {
  P2P_DASH_CONTENT_OTHER = 0,   /* text, images, trick modes: not shared */
  P2P_DASH_CONTENT_VIDEO,
  P2P_DASH_CONTENT_AUDIO,
} P2pDashContent;

typedef enum {
  P2P_DASH_ADDRESSING_NONE = 0,
  P2P_DASH_ADDRESSING_TEMPLATE,
  P2P_DASH_ADDRESSING_LIST,
  P2P_DASH_ADDRESSING_BASE,
} P2pDashAddressing;

/* One <S> of a SegmentTimeline, its repeat count resolved. */
typedef struct {
  guint64 t;                    /* timescale units, media timeline */
  guint64 d;
  guint64 count;                /* segments in the run; 0 = no end (r=-1) */
  guint64 first;                /* index of its first segment */
} P2pDashRun;

typedef struct {
  gchar *uri;                   /* absolute; NULL = none */
  gint64 range_start;           /* -1 = whole resource */
  gint64 range_end;
} P2pDashUrl;

/* A Representation with everything it inherits from its AdaptationSet,
 * Period and MPD already applied. */
typedef struct {
  guint period;                 /* index of its Period */
  gdouble period_start;         /* seconds */
  gdouble period_duration;      /* seconds, NAN when unknown */
  P2pDashContent content;

  /* What the swarm identity is built from, as written (NULL = absent). */
  gchar *id;
  guint64 bandwidth;
  gchar *codecs;
  gchar *width;
  gchar *height;
  gchar *frame_rate;
  gchar *lang;                  /* AdaptationSet@lang */
  gchar *label;                 /* AdaptationSet Label / @label */
  gchar *channels;              /* AudioChannelConfiguration@value */
  guint channel_count;          /* decoded as players do, 0 = unknown */
  gchar *video_range;           /* SDR, PQ, HLG from the CICP property */

  gchar *base_url;              /* resolved BaseURL */
  P2pDashAddressing addressing;
  guint64 timescale;
  guint64 duration;             /* @duration, 0 = none */
  guint64 start_number;
  guint64 end_number;           /* @endNumber, 0 = none */
  guint64 presentation_time_offset;
  GArray *timeline;             /* P2pDashRun; NULL without SegmentTimeline */
  P2pDashTemplate *media;       /* TEMPLATE */
  P2pDashUrl init;
  GArray *segments;             /* P2pDashUrl, LIST */
  P2pDashUrl index;             /* BASE: the indexRange of base_url */
} P2pDashRepresentation;

typedef struct {
  gboolean dynamic;
  GPtrArray *locations;         /* gchar *: MPD.Location, resolved */
  GPtrArray *representations;   /* P2pDashRepresentation */
} P2pMpd;

/* Parses an MPD fetched from @base_uri.  Errors name the line and the
 * element: malformed XML, NUL bytes, a root that is not MPD, impossible or
 * overflowing numbers, missing required attributes, SegmentTimelines or
 * SegmentLists of more than P2P_MANIFEST_MAX_SEGMENTS segments. */
P2pMpd *p2p_mpd_parse (const gchar * base_uri, const guint8 * data,
    gsize len, GError ** error);
void p2p_mpd_free (P2pMpd * mpd);

/* Start and duration (seconds, presentation timeline) of segment @index
 * (0-based) of @rep; FALSE if it does not exist. */
gboolean p2p_dash_representation_segment_time (const P2pDashRepresentation *
    rep, guint64 index, gdouble * start, gdouble * duration);

/* The index of the SegmentTimeline segment starting at media time @t. */
gboolean p2p_dash_representation_index_of_time (const P2pDashRepresentation *
    rep, guint64 t, guint64 * index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pMpd, p2p_mpd_free)

G_END_DECLS
