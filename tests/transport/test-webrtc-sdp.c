/* gst-p2pcdn tests: remote SDP checks of the WebRTC backend.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-webrtc-sdp.h"
#include "p2p-transport.h"
#include "chromium-offer.h"

#include <string.h>

static void
test_chromium (void)
{
  const gchar *offers[] = { CHROMIUM_OFFER_SDP, CHROMIUM_OFFER_MDNS_SDP };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (offers); i++) {
    GError *error = NULL;
    g_autoptr (GstSDPMessage) msg = p2p_webrtc_sdp_parse (offers[i], &error);

    g_assert_no_error (error);
    g_assert_nonnull (msg);
    g_assert_cmpuint (p2p_webrtc_sdp_get_max_message_size (msg), ==, 262144);
    g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), ==, 1);
  }
}

static void
expect_invalid (const gchar * sdp, const gchar * why)
{
  GError *error = NULL;
  GstSDPMessage *msg = p2p_webrtc_sdp_parse (sdp, &error);

  g_assert_null (msg);
  g_assert_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP);
  g_assert_nonnull (strstr (error->message, why));
  g_error_free (error);
}

/* Replaces the first occurrence of @from in the Chromium offer. */
static gchar *
edit_offer (const gchar * from, const gchar * to)
{
  const gchar *sdp = CHROMIUM_OFFER_SDP;
  const gchar *at = strstr (sdp, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - sdp), sdp, to,
      at + strlen (from));
}

static void
test_invalid (void)
{
  g_autofree gchar *no_ufrag = edit_offer ("a=ice-ufrag:Vq7e\r\n", "");
  g_autofree gchar *no_fp = edit_offer ("a=fingerprint:", "a=x-fingerprint:");
  g_autofree gchar *video = edit_offer ("m=application 34633 UDP/DTLS/SCTP "
      "webrtc-datachannel", "m=video 9 UDP/TLS/RTP/SAVPF 96");
  g_autofree gchar *rejected = edit_offer ("m=application 34633",
      "m=application 0");
  g_autofree gchar *no_media = g_strndup (CHROMIUM_OFFER_SDP,
      strstr (CHROMIUM_OFFER_SDP, "m=") - CHROMIUM_OFFER_SDP);

  expect_invalid ("", "Not a session description");
  expect_invalid ("hello world", "Not a session description");
  expect_invalid ("\x01\x02\xff\r\n", "Not a session description");
  expect_invalid (no_media, "no m= line");
  expect_invalid (no_ufrag, "ICE credentials");
  expect_invalid (no_fp, "fingerprint");
  expect_invalid (video, "Only data channels");
  expect_invalid (rejected, "rejected");
}

static void
test_max_message_size (void)
{
  g_autofree gchar *absent = edit_offer ("a=max-message-size:262144\r\n", "");
  g_autofree gchar *junk = edit_offer ("262144", "12ab");
  g_autoptr (GstSDPMessage) m1 = p2p_webrtc_sdp_parse (absent, NULL);
  g_autoptr (GstSDPMessage) m2 = p2p_webrtc_sdp_parse (junk, NULL);

  g_assert_cmpuint (p2p_webrtc_sdp_get_max_message_size (m1), ==, 0);
  g_assert_cmpuint (p2p_webrtc_sdp_get_max_message_size (m2), ==, 0);
}

static void
test_add_candidates (void)
{
  g_autofree gchar *bare = edit_offer ("a=candidate:3914519396 1 udp "
      "2113937151 10.200.0.1 34633 typ host generation 0 network-cost 999\r\n",
      "");
  g_autoptr (GstSDPMessage) msg = p2p_webrtc_sdp_parse (bare, NULL);
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  g_autofree gchar *text = NULL;

  g_ptr_array_add (candidates,
      "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
  g_ptr_array_add (candidates,
      "a=candidate:2 1 UDP 2015363071 10.0.0.2 40001 typ host");
  g_ptr_array_add (candidates, "not a candidate");
  g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), ==, 0);
  p2p_webrtc_sdp_add_candidates (msg, 0, candidates);
  g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), ==, 2);
  /* Already there: left alone. */
  p2p_webrtc_sdp_add_candidates (msg, 0, candidates);
  g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), ==, 2);
  text = gst_sdp_message_as_text (msg);
  g_assert_nonnull (strstr (text,
          "a=candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host\r\n"));
  /* Out-of-range m-line: nothing happens. */
  p2p_webrtc_sdp_add_candidates (msg, 7, candidates);
  g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 7), ==, 0);
}

/* Relay only: host, srflx and prflx lines go, relay lines stay, whatever
 * the case and spacing webrtcbin or a browser used. */
static void
test_keep_relay_candidates (void)
{
  g_autofree gchar *offer = edit_offer ("a=candidate:3914519396 1 udp "
      "2113937151 10.200.0.1 34633 typ host generation 0 network-cost 999\r\n",
      "a=candidate:1 1 UDP 2015363327 10.200.0.1 40000 typ host\r\n"
      "a=candidate:2 1 UDP 1679819007 203.0.113.7 40001 typ srflx raddr "
      "10.200.0.1 rport 40000\r\n"
      "a=candidate:3 1 UDP 33562623 127.0.0.1 49160 typ relay raddr "
      "10.200.0.1 rport 40002\r\n"
      "a=candidate:4 1 TCP 1015021823 10.200.0.1 9 typ host tcptype active\r\n");
  g_autoptr (GstSDPMessage) msg = p2p_webrtc_sdp_parse (offer, NULL);
  g_autofree gchar *text = NULL;

  g_assert_true (p2p_webrtc_sdp_candidate_is_relay
      ("candidate:3 1 UDP 33562623 127.0.0.1 49160 typ relay"));
  g_assert_true (p2p_webrtc_sdp_candidate_is_relay
      ("a=candidate:3 1 UDP 33562623 127.0.0.1 49160 typ relay raddr x"));
  g_assert_false (p2p_webrtc_sdp_candidate_is_relay
      ("candidate:1 1 UDP 2015363327 10.0.0.1 40000 typ host"));
  g_assert_false (p2p_webrtc_sdp_candidate_is_relay
      ("candidate:1 1 UDP 2015363327 relay 40000 typ"));
  g_assert_false (p2p_webrtc_sdp_candidate_is_relay (""));
  g_assert_false (p2p_webrtc_sdp_candidate_is_relay (NULL));

  g_assert_nonnull (msg);
  g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), ==, 4);
  g_assert_cmpuint (p2p_webrtc_sdp_keep_relay_candidates (msg), ==, 3);
  g_assert_cmpuint (p2p_webrtc_sdp_count_candidates (msg, 0), ==, 1);
  text = gst_sdp_message_as_text (msg);
  g_assert_null (strstr (text, "typ host"));
  g_assert_null (strstr (text, "typ srflx"));
  g_assert_nonnull (strstr (text,
          "a=candidate:3 1 UDP 33562623 127.0.0.1 49160 typ relay raddr "
          "0.0.0.0 rport 0\r\n"));
  /* our own address is in no line any more */
  g_assert_null (strstr (text, "10.200.0.1"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/webrtc-sdp/chromium", test_chromium);
  g_test_add_func ("/webrtc-sdp/invalid", test_invalid);
  g_test_add_func ("/webrtc-sdp/max-message-size", test_max_message_size);
  g_test_add_func ("/webrtc-sdp/add-candidates", test_add_candidates);
  g_test_add_func ("/webrtc-sdp/keep-relay-candidates",
      test_keep_relay_candidates);
  return g_test_run ();
}
