/* gst-p2pcdn: what the tracker keeps per client address.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "p2p-tracker-server-address.h"

/* Bytes of an IPv6 address that name one host's network: ISPs hand each
 * customer at least a /64, so counting per full address would let one host
 * use 2^64 of them. */
#define IPV6_PREFIX_BYTES 8

/* Returns: (transfer full): the IPv4 address, "/64 prefix" for IPv6 (an
 * IPv4-mapped IPv6 address counts as its IPv4 one), "unknown" otherwise. */
gchar *
p2p_tracker_server_address_key (GSocketAddress * address)
{
  GInetAddress *inet;
  const guint8 *bytes;
  guint8 prefix[16] = { 0 };
  g_autoptr (GInetAddress) v4 = NULL;
  g_autoptr (GInetAddress) network = NULL;
  g_autofree gchar *text = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_to_string (inet);

  bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_is_loopback (inet) == FALSE
      && memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
    v4 = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    return g_inet_address_to_string (v4);
  }
  memcpy (prefix, bytes, IPV6_PREFIX_BYTES);
  network = g_inet_address_new_from_bytes (prefix, G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (network);
  return g_strdup_printf ("%s/64", text);
}

P2pTrackerServerAddress *
p2p_tracker_server_address_new (const gchar * key, guint announce_burst,
    guint offer_burst, gint64 now)
{
  P2pTrackerServerAddress *address = g_new0 (P2pTrackerServerAddress, 1);

  address->key = g_strdup (key);
  p2p_tracker_server_bucket_init (&address->announces, announce_burst, now);
  p2p_tracker_server_bucket_init (&address->offers, offer_burst, now);
  return address;
}

void
p2p_tracker_server_address_free (P2pTrackerServerAddress * address)
{
  g_free (address->key);
  g_free (address);
}
