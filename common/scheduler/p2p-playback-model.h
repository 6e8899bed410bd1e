/* gst-p2pcdn: where a player of a swarm is, judged from what it asks for.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The source elements see no pipeline position (the demuxer owns them), so
 * the model reads the request pattern: playback is taken to start when the
 * first segment after a (re)start is delivered, and to advance in real time
 * from then on.  What was delivered minus what has played since is what the
 * player holds ahead; a segment asked for now must arrive before that runs
 * out.  A request that does not follow the previous one (a seek, a switch
 * to another position) starts the model again.  Pure, injected clock (us).
 *
 * It also keeps what the demuxer's bitrate estimate is made of.  GStreamer's
 * adaptive demuxers (adaptivedemux, 1.22) time each fragment from its
 * request to its last byte, our wait included, take the mean of the rates of
 * the last three fragments, and switch down when 0.8 x that mean falls below
 * the bandwidth the playlist declares for the current rendition; the
 * fragment's own rate counts too, as the lower of the two.  So a request
 * may take no longer than its own bytes at that rate allow, and less when
 * the two before it were slow.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The demuxer averages this many fragments: the one asked for now and the
 * ones before it that we remember. */
#define P2P_ABR_LOOKBACK 3
#define P2P_ABR_HISTORY (P2P_ABR_LOOKBACK - 1)
/* adaptivedemux's default bitrate-limit */
#define P2P_ABR_DEMUX_BITRATE_LIMIT 0.8
/* The rendition is held with this much to spare: our clock and the
 * demuxer's do not start a fragment at the same instant. */
#define P2P_ABR_SAFETY 1.2
/* The player struggles when its last fragments all came slower than this
 * many times the rendition's bandwidth: its downlink has no room left for
 * what peers cost it (prefetches, the acknowledgements of our uploads). */
#define P2P_ABR_STRUGGLE_FACTOR 2.0

typedef struct {
  gboolean playing;             /* a segment was delivered since the start */
  gint64 play_start;            /* clock time playback began */
  gdouble delivered;            /* seconds of media delivered since then */
  gint64 last_id;               /* last segment asked for, -1 none */
  gint64 id_step;               /* id difference between neighbours, 0 unknown */
  /* the demuxer's view: rates (bit/s) of the last fragments, newest at
   * rates[(next + P2P_ABR_HISTORY - 1) % P2P_ABR_HISTORY] */
  gdouble rates[P2P_ABR_HISTORY];
  guint n_rates;
  guint next_rate;
} P2pPlaybackModel;

void p2p_playback_model_init (P2pPlaybackModel * model);
/* The player asks for @segment_id at @now. */
void p2p_playback_model_request (P2pPlaybackModel * model, gint64 now,
    gint64 segment_id);
/* A segment of @duration seconds and @bytes reached the player at @now,
 * @elapsed_us after it asked (p2p_playback_model_fragment_done()). */
void p2p_playback_model_delivered (P2pPlaybackModel * model, gint64 now,
    gdouble duration, gsize bytes, gint64 elapsed_us);
/* Media time the player holds ahead of its playhead at @now (us, >= 0). */
gint64 p2p_playback_model_buffer_us (const P2pPlaybackModel * model,
    gint64 now);
/* When a segment asked for at @now must be complete: when the buffer runs
 * dry, less @margin_us (never before @now). */
gint64 p2p_playback_model_deadline (const P2pPlaybackModel * model,
    gint64 now, gint64 margin_us);
/* A fragment of @bytes reached the player @elapsed_us after it asked
 * (0 bytes or 0 us: at once, a cache hit). */
void p2p_playback_model_fragment_done (P2pPlaybackModel * model, gsize bytes,
    gint64 elapsed_us);
/* How long the next request, of about @bytes, may take before the demuxer
 * leaves a rendition declared at @bandwidth bit/s (-1: @bandwidth unknown). */
gint64 p2p_playback_model_abr_budget_us (const P2pPlaybackModel * model,
    gsize bytes, guint64 bandwidth);
/* Whether the fragments remembered (two) all came slower than
 * P2P_ABR_STRUGGLE_FACTOR x @bandwidth (FALSE when it is unknown). */
gboolean p2p_playback_model_struggling (const P2pPlaybackModel * model,
    guint64 bandwidth);

G_END_DECLS
