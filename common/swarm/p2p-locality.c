/* gst-p2pcdn: is a peer on one of our own networks?
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-locality.h"

#include <ifaddrs.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

static guint
prefix_length (const struct sockaddr *mask)
{
  const guint8 *b;
  gsize n;
  guint bits = 0;

  if (mask->sa_family == AF_INET) {
    b = (const guint8 *) &((const struct sockaddr_in *) mask)->sin_addr;
    n = 4;
  } else {
    b = (const guint8 *) &((const struct sockaddr_in6 *) mask)->sin6_addr;
    n = 16;
  }
  for (gsize i = 0; i < n; i++)
    for (gint k = 7; k >= 0 && (b[i] >> k) & 1; k--)
      bits++;
  return bits;
}

GPtrArray *
p2p_locality_local_subnets (void)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  struct ifaddrs *ifs = NULL;

  if (getifaddrs (&ifs) != 0)
    return out;
  for (struct ifaddrs * i = ifs; i; i = i->ifa_next) {
    guint8 net[16];
    gsize n;
    const guint8 *a, *m;
    GInetAddress *addr;
    GInetAddressMask *mask;
    GSocketFamily family;

    if (!i->ifa_addr || !i->ifa_netmask)
      continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      a = (const guint8 *) &((struct sockaddr_in *) i->ifa_addr)->sin_addr;
      m = (const guint8 *) &((struct sockaddr_in *) i->ifa_netmask)->sin_addr;
      n = 4;
      family = G_SOCKET_FAMILY_IPV4;
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      a = (const guint8 *) &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr;
      m = (const guint8 *) &((struct sockaddr_in6 *) i->ifa_netmask)->
          sin6_addr;
      n = 16;
      family = G_SOCKET_FAMILY_IPV6;
    } else {
      continue;
    }
    /* a mask's address must have no host bits */
    for (gsize k = 0; k < n; k++)
      net[k] = a[k] & m[k];
    addr = g_inet_address_new_from_bytes (net, family);
    mask = g_inet_address_mask_new (addr, prefix_length (i->ifa_netmask),
        NULL);
    if (mask)
      g_ptr_array_add (out, mask);
    g_object_unref (addr);
  }
  freeifaddrs (ifs);
  return out;
}

gboolean
p2p_locality_sdp_is_local (const gchar * sdp, GPtrArray * subnets)
{
  gchar **lines;
  gboolean local = FALSE;

  if (!sdp || !subnets || subnets->len == 0)
    return FALSE;
  lines = g_strsplit (sdp, "\n", -1);
  for (guint i = 0; lines[i] && !local; i++) {
    gchar **f;
    GInetAddress *addr;

    if (!g_str_has_prefix (lines[i], "a=candidate:"))
      continue;
    f = g_strsplit (g_strstrip (lines[i]) + strlen ("a=candidate:"), " ", 9);
    /* foundation component transport priority address port typ TYPE */
    if (g_strv_length (f) >= 8 && g_str_equal (f[6], "typ")
        && g_str_equal (f[7], "host")
        && (addr = g_inet_address_new_from_string (f[4]))) {
      for (guint k = 0; k < subnets->len && !local; k++)
        local = g_inet_address_mask_matches (g_ptr_array_index (subnets, k),
            addr);
      g_object_unref (addr);
    }
    g_strfreev (f);
  }
  g_strfreev (lines);
  return local;
}
