/* gst-p2pcdn tests: telling a peer on our subnet from its SDP.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-locality.h"

static const gchar *sdp_lan =
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "a=candidate:1 1 UDP 2015363327 192.168.7.23 50123 typ host\r\n"
    "a=candidate:2 1 UDP 1679819007 203.0.113.9 50123 typ srflx raddr "
    "192.168.7.23 rport 50123\r\n";
static const gchar *sdp_far =
    "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "a=candidate:1 1 UDP 2015363327 10.9.9.9 50123 typ host\r\n"
    "a=candidate:2 1 UDP 2015363327 4a1b7d2e-0000-4000-8000-1234.local "
    "50124 typ host\r\n"
    "a=candidate:3 1 UDP 1679819007 192.168.7.99 50123 typ srflx\r\n";

static GPtrArray *
subnets (void)
{
  GPtrArray *s = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (s, g_inet_address_mask_new_from_string ("192.168.7.0/24",
          NULL));
  g_ptr_array_add (s, g_inet_address_mask_new_from_string ("fd00::/64",
          NULL));
  return s;
}

static void
test_same_subnet (void)
{
  GPtrArray *s = subnets ();

  g_assert_true (p2p_locality_sdp_is_local (sdp_lan, s));
  /* a server-reflexive address on our subnet is not the remote's own, and
   * mDNS names say nothing */
  g_assert_false (p2p_locality_sdp_is_local (sdp_far, s));
  g_assert_false (p2p_locality_sdp_is_local ("garbage\na=candidate:x",
          s));
  g_assert_false (p2p_locality_sdp_is_local (NULL, s));
  g_ptr_array_unref (s);
}

static void
test_local_subnets (void)
{
  GPtrArray *s = p2p_locality_local_subnets ();
  gchar *sdp = g_strdup_printf ("a=candidate:1 1 UDP 1 %s 5000 typ host\r\n",
      "127.0.0.1");

  /* the loopback interface is one of ours */
  g_assert_true (p2p_locality_sdp_is_local (sdp, s));
  g_free (sdp);
  g_ptr_array_unref (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/locality/same-subnet", test_same_subnet);
  g_test_add_func ("/locality/local-subnets", test_local_subnets);
  return g_test_run ();
}
