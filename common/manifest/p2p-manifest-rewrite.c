/* gst-p2pcdn: prefixes absolute http(s) URIs of a manifest with our scheme.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Both rewriters copy the input and only insert the prefix at the start of
 * the URIs concerned; they never re-serialize, so the output differs from
 * the input by exactly those insertions.
 */
#include "p2p-manifest-rewrite.h"
#include "p2p-manifest-private.h"

#include <string.h>

/* Copies @line (without its terminator) inserting @prefix before the URI
 * of every URI="..." attribute that is absolute.  Quoted values may hold
 * commas, so the attribute list is walked rather than searched. */
static void
p2p_hls_rewrite_tag (GString * out, const gchar * line, gsize len,
    const gchar * prefix)
{
  const gchar *end = line + len;
  const gchar *p = memchr (line, ':', len);

  if (p == NULL) {
    g_string_append_len (out, line, len);
    return;
  }
  p++;
  g_string_append_len (out, line, p - line);
  while (p < end) {
    const gchar *name = p, *name_end, *trimmed_end, *next;
    gboolean is_uri;

    while (name < end && (*name == ' ' || *name == '\t'))
      name++;
    name_end = name;
    while (name_end < end && *name_end != '=' && *name_end != ',')
      name_end++;
    trimmed_end = name_end;
    while (trimmed_end > name && (trimmed_end[-1] == ' '
            || trimmed_end[-1] == '\t'))
      trimmed_end--;
    is_uri = trimmed_end - name == 3 && memcmp (name, "URI", 3) == 0;
    g_string_append_len (out, p, name_end - p);
    p = name_end;

    if (p < end && *p == '=') {
      g_string_append_c (out, *p++);
      if (p < end && *p == '"') {
        const gchar *value = p + 1;
        const gchar *close = memchr (value, '"', end - value);
        const gchar *value_end = close ? close : end;

        g_string_append_c (out, '"');
        if (is_uri && p2p_uri_is_http (value, value_end - value))
          g_string_append (out, prefix);
        g_string_append_len (out, value, value_end - value);
        p = value_end;
        if (close) {
          g_string_append_c (out, '"');
          p++;
        }
      }
      /* An unquoted value, or whatever follows the quotes. */
      for (next = p; next < end && *next != ','; next++);
      g_string_append_len (out, p, next - p);
      p = next;
    }
    if (p < end)
      g_string_append_c (out, *p++);
  }
}

GBytes *
p2p_hls_rewrite (const guint8 * data, gsize len, const gchar * prefix)
{
  const gchar *s = (const gchar *) data, *end = s + len;
  GString *out;

  if (prefix == NULL || *prefix == '\0')
    return g_bytes_new (data, len);
  out = g_string_sized_new (len + len / 8);
  while (s < end) {
    const gchar *nl = memchr (s, '\n', end - s);
    const gchar *line_end = nl ? nl + 1 : end;
    const gchar *content_end = nl ? nl : end;
    const gchar *p = s;

    if (content_end > s && content_end[-1] == '\r')
      content_end--;
    while (p < content_end && (*p == ' ' || *p == '\t'))
      p++;
    if (p < content_end && *p == '#') {
      if (content_end - p > 4 && memcmp (p, "#EXT", 4) == 0) {
        g_string_append_len (out, s, p - s);
        p2p_hls_rewrite_tag (out, p, content_end - p, prefix);
        g_string_append_len (out, content_end, line_end - content_end);
      } else {
        g_string_append_len (out, s, line_end - s);
      }
    } else {
      g_string_append_len (out, s, p - s);
      if (p2p_uri_is_http (p, content_end - p))
        g_string_append (out, prefix);
      g_string_append_len (out, p, line_end - p);
    }
    s = line_end;
  }
  return g_string_free_to_bytes (out);
}

typedef struct
{
  const gchar *s;
  const gchar *end;
  GString *out;
  const gchar *prefix;
  /* Inside a BaseURL or Location whose text has not started yet. */
  gboolean url_text;
} P2pMpdRewriter;

/* Copies up to and including @terminator (or to the end). */
static void
p2p_mpd_copy_through (P2pMpdRewriter * w, const gchar * terminator)
{
  gsize n = strlen (terminator);
  const gchar *p = w->s;

  while (p < w->end && ((gsize) (w->end - p) < n || memcmp (p, terminator,
              n) != 0))
    p++;
  p = p < w->end ? p + n : w->end;
  g_string_append_len (w->out, w->s, p - w->s);
  w->s = p;
}

static gboolean
p2p_mpd_starts (P2pMpdRewriter * w, const gchar * what)
{
  gsize n = strlen (what);

  return (gsize) (w->end - w->s) >= n && memcmp (w->s, what, n) == 0;
}

static const gchar *
p2p_mpd_local_name (const gchar * name, const gchar * name_end)
{
  const gchar *p;

  for (p = name_end; p > name; p--)
    if (p[-1] == ':')
      return p;
  return name;
}

static gboolean
p2p_mpd_name_is (const gchar * name, const gchar * name_end, const gchar * what)
{
  const gchar *local = p2p_mpd_local_name (name, name_end);
  gsize n = strlen (what);

  return (gsize) (name_end - local) == n && memcmp (local, what, n) == 0;
}

static gboolean
p2p_mpd_is_name_char (gchar c)
{
  return c != '\0' && !g_ascii_isspace (c) && c != '/' && c != '>' && c != '=';
}

/* A start tag: copies it, prefixing the URL attributes. */
static void
p2p_mpd_start_tag (P2pMpdRewriter * w)
{
  const gchar *p = w->s + 1, *name = p, *name_end;
  gboolean self_closing = FALSE;

  while (p < w->end && p2p_mpd_is_name_char (*p))
    p++;
  name_end = p;
  g_string_append_len (w->out, w->s, p - w->s);

  while (p < w->end && *p != '>') {
    const gchar *attr = p, *attr_end, *q;
    gchar quote;

    if (*p == '/') {
      self_closing = TRUE;
      g_string_append_c (w->out, *p++);
      continue;
    }
    if (!p2p_mpd_is_name_char (*p)) {
      g_string_append_c (w->out, *p++);
      continue;
    }
    self_closing = FALSE;
    while (p < w->end && p2p_mpd_is_name_char (*p))
      p++;
    attr_end = p;
    while (p < w->end && g_ascii_isspace (*p))
      p++;
    if (p >= w->end || *p != '=') {
      g_string_append_len (w->out, attr, p - attr);
      continue;
    }
    p++;
    while (p < w->end && g_ascii_isspace (*p))
      p++;
    if (p >= w->end || (*p != '"' && *p != '\'')) {
      g_string_append_len (w->out, attr, p - attr);
      continue;
    }
    quote = *p++;
    g_string_append_len (w->out, attr, p - attr);
    for (q = p; q < w->end && *q != quote; q++);
    if ((p2p_mpd_name_is (attr, attr_end, "media")
            || p2p_mpd_name_is (attr, attr_end, "initialization")
            || p2p_mpd_name_is (attr, attr_end, "sourceURL"))
        && p2p_uri_is_http (p, q - p))
      g_string_append (w->out, w->prefix);
    if (q < w->end)
      q++;
    g_string_append_len (w->out, p, q - p);
    p = q;
  }
  if (p < w->end)
    g_string_append_c (w->out, *p++);
  w->s = p;
  w->url_text = !self_closing && (p2p_mpd_name_is (name, name_end, "BaseURL")
      || p2p_mpd_name_is (name, name_end, "Location"));
}

/* Character data: the first non-blank character of a BaseURL or Location
 * is where the URL starts. */
static void
p2p_mpd_text (P2pMpdRewriter * w)
{
  const gchar *p = w->s;

  while (p < w->end && *p != '<') {
    if (w->url_text && !g_ascii_isspace (*p)) {
      g_string_append_len (w->out, w->s, p - w->s);
      if (p2p_uri_is_http (p, w->end - p))
        g_string_append (w->out, w->prefix);
      w->s = p;
      w->url_text = FALSE;
    }
    p++;
  }
  g_string_append_len (w->out, w->s, p - w->s);
  w->s = p;
}

GBytes *
p2p_mpd_rewrite (const guint8 * data, gsize len, const gchar * prefix)
{
  P2pMpdRewriter w;

  if (prefix == NULL || *prefix == '\0')
    return g_bytes_new (data, len);
  w.s = (const gchar *) data;
  w.end = w.s + len;
  w.out = g_string_sized_new (len + len / 8);
  w.prefix = prefix;
  w.url_text = FALSE;

  while (w.s < w.end) {
    if (*w.s != '<') {
      p2p_mpd_text (&w);
    } else if (p2p_mpd_starts (&w, "<!--")) {
      p2p_mpd_copy_through (&w, "-->");
    } else if (p2p_mpd_starts (&w, "<![CDATA[")) {
      gboolean url_text = w.url_text;

      g_string_append_len (w.out, w.s, 9);
      w.s += 9;
      if (url_text) {
        const gchar *p = w.s;

        while (p < w.end && g_ascii_isspace (*p))
          p++;
        g_string_append_len (w.out, w.s, p - w.s);
        w.s = p;
        if (p2p_uri_is_http (p, w.end - p))
          g_string_append (w.out, prefix);
        w.url_text = FALSE;
      }
      p2p_mpd_copy_through (&w, "]]>");
    } else if (p2p_mpd_starts (&w, "<?")) {
      p2p_mpd_copy_through (&w, "?>");
    } else if (p2p_mpd_starts (&w, "<!") || p2p_mpd_starts (&w, "</")) {
      w.url_text = FALSE;
      p2p_mpd_copy_through (&w, ">");
    } else {
      p2p_mpd_start_tag (&w);
    }
  }
  return g_string_free_to_bytes (w.out);
}
