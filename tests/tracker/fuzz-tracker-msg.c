/* gst-p2pcdn: libFuzzer target for the tracker message parser and builders.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: one tracker frame.  Whatever parses and can be built again (a
 * client's announce, answer or scrape) must parse back to the same fields.
 */
#include "tracker/p2p-tracker-msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
check_same_ids (const P2pTrackerId * a, const P2pTrackerId * b)
{
  if (!p2p_tracker_id_equal (a, b))
    abort ();
}

static void
check_rebuild (const P2pTrackerMsg * msg)
{
  g_autofree gchar *frame = NULL;
  P2pTrackerMsg again;
  guint i;

  if (msg->type == P2P_TRACKER_MSG_ANNOUNCE) {
    P2pTrackerAnnounce a = { 0 };

    a.info_hash = msg->info_hash;
    a.peer_id = msg->peer_id;
    a.event = msg->event;
    a.numwant = MAX (msg->numwant, 0);
    a.uploaded = MAX (msg->uploaded, 0);
    a.downloaded = MAX (msg->downloaded, 0);
    a.offers = msg->offers;
    a.n_offers = msg->n_offers;
    if (a.numwant > G_MAXINT)
      return;
    frame = p2p_tracker_msg_build_announce (&a, NULL);
  } else if (msg->type == P2P_TRACKER_MSG_ANSWER && msg->has_to_peer_id) {
    frame = p2p_tracker_msg_build_answer (&msg->info_hash, &msg->peer_id,
        &msg->to_peer_id, &msg->offer_id, msg->sdp, NULL);
  } else if (msg->type == P2P_TRACKER_MSG_SCRAPE && msg->n_files > 0 &&
      msg->n_files <= P2P_TRACKER_MAX_SCRAPE) {
    g_autofree P2pTrackerId *hashes = g_new (P2pTrackerId, msg->n_files);

    for (i = 0; i < msg->n_files; i++)
      hashes[i] = msg->files[i].info_hash;
    frame = p2p_tracker_msg_build_scrape (hashes, msg->n_files, NULL);
  }
  /* refused by the stricter builder (control characters in an SDP, ...) */
  if (frame == NULL)
    return;

  if (!p2p_tracker_msg_parse (frame, -1, &again, NULL) ||
      again.type != msg->type)
    abort ();
  check_same_ids (&again.info_hash, &msg->info_hash);
  if (msg->type == P2P_TRACKER_MSG_ANNOUNCE) {
    check_same_ids (&again.peer_id, &msg->peer_id);
    if (again.event != msg->event || again.n_offers != msg->n_offers)
      abort ();
    for (i = 0; i < msg->n_offers; i++) {
      check_same_ids (&again.offers[i].offer_id, &msg->offers[i].offer_id);
      if (strcmp (again.offers[i].sdp, msg->offers[i].sdp) != 0)
        abort ();
    }
  } else if (msg->type == P2P_TRACKER_MSG_ANSWER) {
    check_same_ids (&again.to_peer_id, &msg->to_peer_id);
    check_same_ids (&again.offer_id, &msg->offer_id);
    if (strcmp (again.sdp, msg->sdp) != 0)
      abort ();
  } else {
    if (again.n_files != msg->n_files)
      abort ();
    for (i = 0; i < msg->n_files; i++)
      check_same_ids (&again.files[i].info_hash, &msg->files[i].info_hash);
  }
  p2p_tracker_msg_clear (&again);
}

/* Text handed on (SDP to the WebRTC layer, reasons to logs) is UTF-8. */
static void
check_utf8 (const P2pTrackerMsg * msg)
{
  const gchar *texts[] = { msg->failure_reason, msg->warning_message,
    msg->sdp
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] && !g_utf8_validate (texts[i], -1, NULL))
      abort ();
  for (i = 0; i < msg->n_offers; i++)
    if (!g_utf8_validate (msg->offers[i].sdp, -1, NULL))
      abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  P2pTrackerMsg msg;
  P2pTrackerId id;

  if (p2p_tracker_msg_parse ((const gchar *) data, size, &msg, NULL)) {
    check_utf8 (&msg);
    check_rebuild (&msg);
    p2p_tracker_msg_clear (&msg);
  }
  p2p_tracker_id_from_string (&id, (const gchar *) data, size, NULL);
  return 0;
}
