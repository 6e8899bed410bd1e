/* gst-p2pcdn: what a request to the loopback gateway asks for.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-gateway-path.h"

#include <string.h>

G_DEFINE_QUARK (p2p-gateway-error-quark, p2p_gateway_error);

#define STATS_NAME "stats.json"

/* Another local user may time our answers: the comparison takes as long
 * whatever prefix of the token they guessed. */
static gboolean
token_matches (const gchar * given, gsize given_len, const gchar * token)
{
  gsize len = strlen (token);
  guint diff = given_len != len;

  for (gsize i = 0; i < len; i++)
    diff |= (guint) (guchar) token[i] ^ (guint) (guchar) (i < given_len ?
        given[i] : 0);
  return diff == 0;
}

static gboolean
is_clean (const gchar * s, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    guchar c = s[i];

    if (c <= ' ' || c >= 0x7f || c == '\\' || c == '#')
      return FALSE;
  }
  return TRUE;
}

/* The origin URL after the token: "http://host/p" as we write it, but
 * also "http:/host/p" (dashdemux2 merges the slashes when it joins a
 * relative URI, measured with 1.22) and "http/host/p".  Returns where the
 * host starts. */
static const gchar *
origin_scheme (const gchar * rest, gsize * scheme_len)
{
  static const gchar *const schemes[] = { "https", "http" };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++) {
    gsize n = strlen (schemes[i]);
    const gchar *p = rest + n;

    if (strncmp (rest, schemes[i], n) != 0)
      continue;
    *scheme_len = n;
    if (g_str_has_prefix (p, "://"))
      p += 3;
    else if (g_str_has_prefix (p, ":/") || *p == '/')
      p += *p == ':' ? 2 : 1;
    else
      return NULL;
    return *p && *p != '/' ? p : NULL;
  }
  return NULL;
}

gboolean
p2p_gateway_parse_path (const gchar * path, const gchar * query,
    const gchar * token, P2pGatewayTarget * target, gchar ** origin_uri,
    GError ** error)
{
  const gchar *slash, *rest, *origin_start;
  gsize scheme_len;
  gchar *joined;
  GUri *uri;
  const gchar *scheme;

  *origin_uri = NULL;
  if (path == NULL || path[0] != '/' || token == NULL || token[0] == '\0') {
    g_set_error_literal (error, P2P_GATEWAY_ERROR,
        P2P_GATEWAY_ERROR_NOT_FOUND, "No such resource");
    return FALSE;
  }
  slash = strchr (path + 1, '/');
  if (!token_matches (path + 1, slash ? (gsize) (slash - path - 1) :
          strlen (path + 1), token) || slash == NULL) {
    g_set_error_literal (error, P2P_GATEWAY_ERROR,
        P2P_GATEWAY_ERROR_NOT_FOUND, "No such resource");
    return FALSE;
  }
  rest = slash + 1;
  if (strcmp (rest, STATS_NAME) == 0) {
    *target = P2P_GATEWAY_TARGET_STATS;
    return TRUE;
  }
  if (strlen (rest) + (query ? strlen (query) + 1 : 0) > P2P_GATEWAY_MAX_URL
      || !is_clean (rest, strlen (rest))
      || (query && !is_clean (query, strlen (query)))
      || !(origin_start = origin_scheme (rest, &scheme_len))) {
    g_set_error_literal (error, P2P_GATEWAY_ERROR,
        P2P_GATEWAY_ERROR_BAD_REQUEST, "Not an http(s) origin URL");
    return FALSE;
  }
  joined = g_strdup_printf ("%.*s://%s%s%s", (int) scheme_len, rest,
      origin_start, query ? "?" : "", query ? query : "");
  uri = g_uri_parse (joined, G_URI_FLAGS_ENCODED, NULL);
  g_free (joined);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0
          && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0') {
    g_clear_pointer (&uri, g_uri_unref);
    g_set_error_literal (error, P2P_GATEWAY_ERROR,
        P2P_GATEWAY_ERROR_BAD_REQUEST, "Not an http(s) origin URL");
    return FALSE;
  }
  *target = P2P_GATEWAY_TARGET_ORIGIN;
  *origin_uri = g_uri_to_string (uri);
  g_uri_unref (uri);
  return TRUE;
}

static gboolean
parse_offset (const gchar * s, const gchar * end, guint64 * out)
{
  guint64 v = 0;

  if (s == end)
    return FALSE;
  for (; s < end; s++) {
    if (!g_ascii_isdigit (*s) || v > (G_MAXINT64 - 9) / 10)
      return FALSE;
    v = v * 10 + (guint64) (*s - '0');
  }
  *out = v;
  return TRUE;
}

gboolean
p2p_gateway_parse_range (const gchar * value, guint64 * start, gint64 * stop)
{
  const gchar *p, *dash, *end;
  guint64 first, last;

  if (value == NULL)
    return FALSE;
  while (*value == ' ')
    value++;
  if (!g_str_has_prefix (value, "bytes="))
    return FALSE;
  p = value + 6;
  end = p + strlen (p);
  while (end > p && end[-1] == ' ')
    end--;
  dash = memchr (p, '-', end - p);
  if (dash == NULL || !parse_offset (p, dash, &first))
    return FALSE;
  if (dash + 1 == end) {
    *start = first;
    *stop = -1;
    return TRUE;
  }
  if (!parse_offset (dash + 1, end, &last) || last < first)
    return FALSE;
  *start = first;
  *stop = (gint64) last + 1;
  return TRUE;
}
