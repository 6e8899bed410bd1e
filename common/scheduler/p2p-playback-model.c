/* gst-p2pcdn: where a player of a swarm is, judged from what it asks for.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-playback-model.h"

#include <string.h>

/* A fragment delivered at once still took the demuxer some time: a rate
 * cap keeps one cache hit from counting as infinite. */
#define INSTANT_RATE 1e9

void
p2p_playback_model_init (P2pPlaybackModel * model)
{
  model->n_rates = 0;
  model->next_rate = 0;
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
    P2pPlaybackModel keep = *model;

    p2p_playback_model_init (model);
    /* a seek starts playback again, not the demuxer's bitrate estimate */
    model->id_step = keep.id_step;
    memcpy (model->rates, keep.rates, sizeof (keep.rates));
    model->n_rates = keep.n_rates;
    model->next_rate = keep.next_rate;
  }
  model->last_id = segment_id;
}

void
p2p_playback_model_delivered (P2pPlaybackModel * model, gint64 now,
    gdouble duration, gsize bytes, gint64 elapsed_us)
{
  p2p_playback_model_fragment_done (model, bytes, elapsed_us);
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

void
p2p_playback_model_fragment_done (P2pPlaybackModel * model, gsize bytes,
    gint64 elapsed_us)
{
  gdouble rate = INSTANT_RATE;

  if (bytes > 0 && elapsed_us > 0)
    rate = MIN (bytes * 8.0 * G_USEC_PER_SEC / elapsed_us, INSTANT_RATE);
  model->rates[model->next_rate] = rate;
  model->next_rate = (model->next_rate + 1) % P2P_ABR_HISTORY;
  model->n_rates = MIN (model->n_rates + 1, P2P_ABR_HISTORY);
}

gint64
p2p_playback_model_abr_budget_us (const P2pPlaybackModel * model,
    gsize bytes, guint64 bandwidth)
{
  gdouble want, need, sum = 0;

  if (bandwidth == 0 || bytes == 0)
    return -1;
  for (guint i = 0; i < model->n_rates; i++)
    sum += model->rates[i];
  want = (gdouble) bandwidth * P2P_ABR_SAFETY / P2P_ABR_DEMUX_BITRATE_LIMIT;
  /* the demuxer takes the lower of this fragment's rate and the mean with
   * the ones before it: each must stay at or above what the rendition
   * needs */
  need = MAX (want, (model->n_rates + 1) * want - sum);
  return (gint64) (bytes * 8.0 * G_USEC_PER_SEC / need);
}

gboolean
p2p_playback_model_struggling (const P2pPlaybackModel * model,
    guint64 bandwidth)
{
  if (bandwidth == 0 || model->n_rates < P2P_ABR_HISTORY)
    return FALSE;
  for (guint i = 0; i < model->n_rates; i++)
    if (model->rates[i] >= P2P_ABR_STRUGGLE_FACTOR * bandwidth)
      return FALSE;
  return TRUE;
}
