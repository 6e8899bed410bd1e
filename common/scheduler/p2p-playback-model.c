/* gst-p2pcdn: where a player of a swarm is, judged from what it asks for.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-playback-model.h"

void
p2p_playback_model_init (P2pPlaybackModel * model)
{
  model->playing = FALSE;
  model->play_start = 0;
  model->delivered = 0;
  model->last_id = -1;
  model->id_step = 0;
}

void
p2p_playback_model_request (P2pPlaybackModel * model, gint64 now,
    gint64 segment_id)
{
  gint64 step = segment_id - model->last_id;
  gboolean follows;

  if (model->last_id < 0) {
    model->last_id = segment_id;
    return;
  }
  /* HLS ids count up by one; DASH ids are start times in half seconds, so
   * the step is learned from the first neighbours seen. */
  if (model->id_step == 0 && step > 0 && step <= 64)
    model->id_step = step;
  follows = step > 0 && model->id_step > 0 && step <= model->id_step;
  /* the same segment again (a retry) keeps the model */
  if (!follows && step != 0) {
    gint64 id_step = model->id_step;

    p2p_playback_model_init (model);
    model->id_step = id_step;
  }
  model->last_id = segment_id;
}

void
p2p_playback_model_delivered (P2pPlaybackModel * model, gint64 now,
    gdouble duration)
{
  if (!model->playing) {
    model->playing = TRUE;
    model->play_start = now;
    model->delivered = 0;
  }
  /* what ran dry meanwhile is lost time, not a debt: the player stalled
   * and resumes from here */
  if (p2p_playback_model_buffer_us (model, now) == 0) {
    model->play_start = now;
    model->delivered = 0;
  }
  model->delivered += MAX (duration, 0);
}

gint64
p2p_playback_model_buffer_us (const P2pPlaybackModel * model, gint64 now)
{
  gint64 played, held;

  if (!model->playing)
    return 0;
  played = MAX (now - model->play_start, 0);
  held = (gint64) (model->delivered * G_USEC_PER_SEC) - played;
  return MAX (held, 0);
}

gint64
p2p_playback_model_deadline (const P2pPlaybackModel * model, gint64 now,
    gint64 margin_us)
{
  return now + MAX (p2p_playback_model_buffer_us (model, now) - margin_us, 0);
}
