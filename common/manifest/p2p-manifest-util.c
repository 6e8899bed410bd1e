/* gst-p2pcdn: URI, number and error helpers of the manifest component.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (p2p - manifest - error - quark, p2p_manifest_error);

const gchar *
p2p_resource_kind_to_string (P2pResourceKind kind)
{
  switch (kind) {
    case P2P_RESOURCE_OTHER:
      return "other";
    case P2P_RESOURCE_MANIFEST:
      return "manifest";
    case P2P_RESOURCE_INIT:
      return "init";
    case P2P_RESOURCE_SEGMENT:
      return "segment";
    case P2P_RESOURCE_KEY:
      return "key";
    case P2P_RESOURCE_INDEX:
      return "index";
  }
  return "unknown";
}

/* ENCODED keeps percent escapes as the server wrote them (GUri would
 * otherwise decode and re-encode them differently); SCHEME_NORMALIZE drops
 * :80 / :443 the way a browser's URL parser does. */
#define P2P_URI_FLAGS (G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE)

static gchar *
p2p_uri_without_fragment (const gchar * uri)
{
  const gchar *hash = strchr (uri, '#');

  return hash ? g_strndup (uri, hash - uri) : g_strdup (uri);
}

/* Prints @uri without its fragment and with its host in lower case, as a
 * browser's URL parser does (the swarm id is made of this text); NULL if
 * it cannot be printed. */
static gchar *
p2p_uri_print (GUri * uri)
{
  const gchar *host = g_uri_get_host (uri);
  const gchar *path = g_uri_get_path (uri);
  gchar *lower, *out;
  GUri *copy;
  const gchar *c;

  /* GLib 2.74 can build such a URI ("x:/..//y" resolved) but refuses to
   * print it (found by fuzzing). */
  if (host == NULL && path[0] == '/' && path[1] == '/')
    return NULL;
  for (c = host; c && *c && !g_ascii_isupper (*c); c++);
  if (c == NULL || *c == '\0')
    return g_uri_to_string_partial (uri, G_URI_HIDE_FRAGMENT);
  lower = g_ascii_strdown (host, -1);
  copy = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri),
      g_uri_get_userinfo (uri), lower, g_uri_get_port (uri),
      g_uri_get_path (uri), g_uri_get_query (uri), NULL);
  out = g_uri_to_string (copy);
  g_uri_unref (copy);
  g_free (lower);
  return out;
}

gchar *
p2p_uri_normalize (const gchar * uri)
{
  GUri *parsed = g_uri_parse (uri, P2P_URI_FLAGS, NULL);
  gchar *out;

  if (parsed == NULL)
    return p2p_uri_without_fragment (uri);
  out = p2p_uri_print (parsed);
  g_uri_unref (parsed);
  return out ? out : p2p_uri_without_fragment (uri);
}

GUri *
p2p_uri_parse_base (const gchar * base)
{
  return g_uri_parse (base, P2P_URI_FLAGS, NULL);
}

gchar *
p2p_uri_resolve_parsed (GUri * base, const gchar * ref)
{
  GUri *resolved;
  gchar *out;

  resolved = g_uri_parse_relative (base, ref, P2P_URI_FLAGS, NULL);
  if (resolved == NULL)
    return NULL;
  out = p2p_uri_print (resolved);
  g_uri_unref (resolved);
  return out;
}

gchar *
p2p_uri_resolve (const gchar * base, const gchar * ref)
{
  GUri *base_uri = p2p_uri_parse_base (base);
  gchar *out;

  if (base_uri == NULL)
    return NULL;
  out = p2p_uri_resolve_parsed (base_uri, ref);
  g_uri_unref (base_uri);
  return out;
}

gboolean
p2p_uri_is_http (const gchar * s, gsize len)
{
  if (len >= 7 && g_ascii_strncasecmp (s, "http://", 7) == 0)
    return TRUE;
  return len >= 8 && g_ascii_strncasecmp (s, "https://", 8) == 0;
}

gchar *
p2p_uri_strip_query (const gchar * uri)
{
  const gchar *q = strchr (uri, '?');

  return q ? g_strndup (uri, q - uri) : g_strdup (uri);
}

gboolean
p2p_parse_uint64 (const gchar * s, guint64 * out)
{
  guint64 v = 0;

  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++) {
    guint digit;

    if (!g_ascii_isdigit (*s))
      return FALSE;
    digit = *s - '0';
    if (v > (G_MAXUINT64 - digit) / 10)
      return FALSE;
    v = v * 10 + digit;
  }
  *out = v;
  return TRUE;
}

gboolean
p2p_parse_int64 (const gchar * s, gint64 * out)
{
  gboolean negative = FALSE;
  guint64 v;

  if (s == NULL)
    return FALSE;
  if (*s == '-' || *s == '+') {
    negative = *s == '-';
    s++;
  }
  if (!p2p_parse_uint64 (s, &v))
    return FALSE;
  if (negative) {
    if (v > (guint64) G_MAXINT64 + 1)
      return FALSE;
    *out = v == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) v;
  } else {
    if (v > G_MAXINT64)
      return FALSE;
    *out = (gint64) v;
  }
  return TRUE;
}

/* Only the plain decimal grammar: g_ascii_strtod alone would also take
 * "nan", "inf" and hexadecimal floats. */
static gboolean
p2p_is_decimal_number (const gchar * s)
{
  gboolean digits = FALSE;

  if (*s == '-' || *s == '+')
    s++;
  for (; g_ascii_isdigit (*s); s++)
    digits = TRUE;
  if (*s == '.') {
    for (s++; g_ascii_isdigit (*s); s++)
      digits = TRUE;
  }
  if (!digits)
    return FALSE;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '-' || *s == '+')
      s++;
    if (!g_ascii_isdigit (*s))
      return FALSE;
    while (g_ascii_isdigit (*s))
      s++;
  }
  return *s == '\0';
}

gboolean
p2p_parse_double (const gchar * s, gdouble * out)
{
  gdouble v;

  if (s == NULL || !p2p_is_decimal_number (s))
    return FALSE;
  v = g_ascii_strtod (s, NULL);
  if (!isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
p2p_parse_byte_range (const gchar * s, gint64 * first, gint64 * last)
{
  const gchar *dash;
  gchar *a;
  guint64 f, l;
  gboolean ok;

  if (s == NULL || (dash = strchr (s, '-')) == NULL)
    return FALSE;
  a = g_strndup (s, dash - s);
  ok = p2p_parse_uint64 (g_strstrip (a), &f);
  g_free (a);
  if (!ok)
    return FALSE;
  a = g_strdup (dash + 1);
  ok = p2p_parse_uint64 (g_strstrip (a), &l);
  g_free (a);
  if (!ok || f > l || l > G_MAXINT64)
    return FALSE;
  *first = (gint64) f;
  *last = (gint64) l;
  return TRUE;
}

/* Years and months have no fixed length; DASH players count 365 and 30
 * days, and so do we. */
gboolean
p2p_parse_xs_duration (const gchar * s, gdouble * out)
{
  gboolean in_time = FALSE, any = FALSE;
  gdouble total = 0;

  if (s == NULL)
    return FALSE;
  while (g_ascii_isspace (*s))
    s++;
  if (*s++ != 'P')
    return FALSE;
  while (*s && !g_ascii_isspace (*s)) {
    gchar *end;
    gdouble v, unit;

    if (*s == 'T') {
      if (in_time)
        return FALSE;
      in_time = TRUE;
      s++;
      continue;
    }
    if (!g_ascii_isdigit (*s) && *s != '.')
      return FALSE;
    v = g_ascii_strtod (s, &end);
    if (end == s || !isfinite (v) || v < 0)
      return FALSE;
    s = end;
    switch (*s) {
      case 'Y':
        unit = in_time ? -1 : 365 * 86400.0;
        break;
      case 'M':
        unit = in_time ? 60 : 30 * 86400.0;
        break;
      case 'W':
        unit = in_time ? -1 : 7 * 86400.0;
        break;
      case 'D':
        unit = in_time ? -1 : 86400;
        break;
      case 'H':
        unit = in_time ? 3600 : -1;
        break;
      case 'S':
        unit = in_time ? 1 : -1;
        break;
      default:
        unit = -1;
        break;
    }
    if (unit < 0)
      return FALSE;
    total += v * unit;
    any = TRUE;
    s++;
  }
  while (g_ascii_isspace (*s))
    s++;
  if (!any || *s != '\0' || !isfinite (total))
    return FALSE;
  *out = total;
  return TRUE;
}

gchar *
p2p_js_number_to_string (gdouble v)
{
  gchar buf[64], digits[32];
  gint precision, exponent, k = 0, n, i;
  GString *out;
  const gchar *p;

  if (isnan (v))
    return g_strdup ("NaN");
  if (isinf (v))
    return g_strdup (v > 0 ? "Infinity" : "-Infinity");
  if (v == 0)
    return g_strdup ("0");

  /* The shortest digit string that reads back as @v, which is what
   * ECMAScript prints; %.*e rounds correctly, so the first precision that
   * round-trips gives the same digits. */
  for (precision = 1; precision <= 17; precision++) {
    g_snprintf (buf, sizeof (buf), "%.*e", precision - 1, v);
    if (g_ascii_strtod (buf, NULL) == v)
      break;
  }

  out = g_string_new (v < 0 ? "-" : "");
  p = buf + (buf[0] == '-');
  for (; *p && *p != 'e'; p++) {
    if (g_ascii_isdigit (*p))
      digits[k++] = *p;
  }
  exponent = atoi (p + 1);
  while (k > 1 && digits[k - 1] == '0')
    k--;
  digits[k] = '\0';
  n = exponent + 1;

  if (k <= n && n <= 21) {
    g_string_append (out, digits);
    for (i = 0; i < n - k; i++)
      g_string_append_c (out, '0');
  } else if (0 < n && n <= 21) {
    g_string_append_len (out, digits, n);
    g_string_append_c (out, '.');
    g_string_append (out, digits + n);
  } else if (-6 < n && n <= 0) {
    g_string_append (out, "0.");
    for (i = 0; i < -n; i++)
      g_string_append_c (out, '0');
    g_string_append (out, digits);
  } else {
    g_string_append_c (out, digits[0]);
    if (k > 1) {
      g_string_append_c (out, '.');
      g_string_append (out, digits + 1);
    }
    g_string_append_printf (out, "e%c%d", n - 1 < 0 ? '-' : '+', ABS (n - 1));
  }
  return g_string_free (out, FALSE);
}
