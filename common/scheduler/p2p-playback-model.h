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
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean playing;             /* a segment was delivered since the start */
  gint64 play_start;            /* clock time playback began */
  gdouble delivered;            /* seconds of media delivered since then */
  gint64 last_id;               /* last segment asked for, -1 none */
  gint64 id_step;               /* id difference between neighbours, 0 unknown */
} P2pPlaybackModel;

void p2p_playback_model_init (P2pPlaybackModel * model);
/* The player asks for @segment_id at @now. */
void p2p_playback_model_request (P2pPlaybackModel * model, gint64 now,
    gint64 segment_id);
/* A segment of @duration seconds reached the player at @now. */
void p2p_playback_model_delivered (P2pPlaybackModel * model, gint64 now,
    gdouble duration);
/* Media time the player holds ahead of its playhead at @now (us, >= 0). */
gint64 p2p_playback_model_buffer_us (const P2pPlaybackModel * model,
    gint64 now);
/* When a segment asked for at @now must be complete: when the buffer runs
 * dry, less @margin_us (never before @now). */
gint64 p2p_playback_model_deadline (const P2pPlaybackModel * model,
    gint64 now, gint64 margin_us);

G_END_DECLS
