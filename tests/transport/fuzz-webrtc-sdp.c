/* gst-p2pcdn: libFuzzer target for the remote SDP checks of the WebRTC backend.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Remote SDP comes from any peer through the tracker; p2p_webrtc_sdp_parse
 * is the first code that reads it.
 */
#include "p2p-webrtc-sdp.h"
#include "p2p-transport.h"
#include "p2p-locality.h"

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  g_autofree gchar *text = NULL;
  GstSDPMessage *msg;
  GError *error = NULL;

  if (size > P2P_TRANSPORT_MAX_SDP_SIZE)
    return 0;
  text = g_strndup ((const gchar *) data, size);
  /* the swarm reads the candidates of any offer or answer for locality */
  {
    g_autoptr (GPtrArray) subnets = g_ptr_array_new_with_free_func
        (g_object_unref);

    g_ptr_array_add (subnets, g_inet_address_mask_new_from_string
        ("10.0.0.0/8", NULL));
    (void) p2p_locality_sdp_is_local (text, subnets);
  }
  msg = p2p_webrtc_sdp_parse (text, &error);
  if (msg != NULL) {
    g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
    gchar *out;

    g_assert_no_error (error);
    (void) p2p_webrtc_sdp_get_max_message_size (msg);
    g_ptr_array_add (candidates, "candidate:1 1 UDP 1 127.0.0.1 9 typ host");
    p2p_webrtc_sdp_add_candidates (msg, 0, candidates);
    g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), >, 0);
    /* relay-only's filter on any description: only relay lines stay */
    (void) p2p_webrtc_sdp_keep_relay_candidates (msg);
    for (guint m = 0; m < gst_sdp_message_medias_len (msg); m++) {
      const GstSDPMedia *media = gst_sdp_message_get_media (msg, m);

      for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++) {
        const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);

        if (g_strcmp0 (attr->key, "candidate") == 0)
          g_assert_true (p2p_webrtc_sdp_candidate_is_relay (attr->value));
      }
    }
    out = gst_sdp_message_as_text (msg);
    g_free (out);
    gst_sdp_message_free (msg);
  } else {
    g_assert_nonnull (error);
    g_assert_true (error->domain == P2P_TRANSPORT_ERROR);
    g_error_free (error);
  }
  return 0;
}
