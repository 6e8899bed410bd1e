/* Origin responses: bodies with byte ranges, status pages, content types.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-origin-response.h"

#include <string.h>

/* ~1 MiB, a whole number of pattern periods so that consecutive slices of
 * it continue the pattern */
#define PATTERN_CHUNK (P2P_ORIGIN_PATTERN_PERIOD * 4096)

static const struct
{
  const gchar *suffix;
  const gchar *type;
} content_types[] = {
  {".m3u8", "application/vnd.apple.mpegurl"},
  {".mpd", "application/dash+xml"},
  {".ts", "video/mp2t"},
  {".mp4", "video/mp4"},
  {".m4s", "video/iso.segment"},
  {".m4a", "audio/mp4"},
  {".m4v", "video/mp4"},
  {".aac", "audio/aac"},
  {".vtt", "text/vtt"},
  {".json", "application/json"},
  {".xml", "application/xml"},
  {".txt", "text/plain"},
  {".ini", "text/plain"},
};

/**
 * p2p_origin_content_type_for_path:
 * @path: a path or file name; a trailing ".in" (template) is ignored
 *
 * Returns: the MIME type to announce, application/octet-stream if unknown.
 */
const gchar *
p2p_origin_content_type_for_path (const gchar * path)
{
  gsize len = strlen (path);
  guint i;

  if (g_str_has_suffix (path, ".in"))
    len -= 3;
  for (i = 0; i < G_N_ELEMENTS (content_types); i++) {
    gsize slen = strlen (content_types[i].suffix);

    if (len >= slen && g_ascii_strncasecmp (path + len - slen,
            content_types[i].suffix, slen) == 0)
      return content_types[i].type;
  }
  return "application/octet-stream";
}

static gboolean
parse_u64 (const gchar * s, gsize len, guint64 * out)
{
  g_autofree gchar *digits = g_strndup (s, len);

  return len > 0 && g_ascii_isdigit (digits[0]) &&
      g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT64, out, NULL);
}

/**
 * p2p_origin_parse_range:
 * @header: (nullable): a Range request header
 * @total: the full length of the resource
 * @start: (out): first byte of the range
 * @end: (out): last byte of the range, inclusive
 *
 * Understands one byte range (RFC 9110 14.1.2): "bytes=A-B", "bytes=A-",
 * "bytes=-N". Anything else, multiple ranges included, is ignored, which
 * the RFC allows: the full body is sent with 200.
 */
P2pOriginRange
p2p_origin_parse_range (const gchar * header, guint64 total, guint64 * start,
    guint64 * end)
{
  g_autofree gchar *spec = NULL;
  const gchar *dash;
  guint64 a, b;

  if (!header)
    return P2P_ORIGIN_RANGE_NONE;
  spec = g_strstrip (g_strdup (header));
  if (g_ascii_strncasecmp (spec, "bytes=", 6) != 0 || strchr (spec, ','))
    return P2P_ORIGIN_RANGE_NONE;
  dash = strchr (spec + 6, '-');
  if (!dash)
    return P2P_ORIGIN_RANGE_NONE;

  if (dash == spec + 6) {
    /* suffix range: the last N bytes */
    if (!parse_u64 (dash + 1, strlen (dash + 1), &b))
      return P2P_ORIGIN_RANGE_NONE;
    if (b == 0 || total == 0)
      return P2P_ORIGIN_RANGE_UNSATISFIABLE;
    *start = total - MIN (b, total);
    *end = total - 1;
    return P2P_ORIGIN_RANGE_OK;
  }

  if (!parse_u64 (spec + 6, dash - (spec + 6), &a))
    return P2P_ORIGIN_RANGE_NONE;
  if (dash[1] == '\0') {
    b = G_MAXUINT64;
  } else if (!parse_u64 (dash + 1, strlen (dash + 1), &b) || b < a) {
    return P2P_ORIGIN_RANGE_NONE;
  }
  if (a >= total)
    return P2P_ORIGIN_RANGE_UNSATISFIABLE;
  *start = a;
  *end = MIN (b, total - 1);
  return P2P_ORIGIN_RANGE_OK;
}

typedef void (*AppendFunc) (SoupMessageBody * body, guint64 offset,
    guint64 length, gpointer user_data);

static void
respond_ranged (SoupServerMessage * msg, guint64 total,
    const gchar * content_type, gboolean honour_range, AppendFunc append,
    gpointer user_data)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  guint64 start = 0, end = 0;
  P2pOriginRange range = P2P_ORIGIN_RANGE_NONE;

  if (honour_range)
    range = p2p_origin_parse_range (soup_message_headers_get_one (req,
            "Range"), total, &start, &end);
  /* libsoup rewrites a 200 answer to a Range request by itself (copying the
   * body); this origin decides alone, so hide the header from it. */
  soup_message_headers_remove (req, "Range");

  soup_message_headers_replace (resp, "Accept-Ranges",
      honour_range ? "bytes" : "none");
  soup_message_headers_set_content_type (resp, content_type, NULL);

  switch (range) {
    case P2P_ORIGIN_RANGE_UNSATISFIABLE:{
      g_autofree gchar *cr = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT,
          total);

      soup_server_message_set_status (msg,
          SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      soup_message_headers_replace (resp, "Content-Range", cr);
      soup_message_headers_set_content_length (resp, 0);
      break;
    }
    case P2P_ORIGIN_RANGE_OK:
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      soup_message_headers_set_content_range (resp, start, end, total);
      soup_message_headers_set_content_length (resp, end - start + 1);
      append (body, start, end - start + 1, user_data);
      break;
    case P2P_ORIGIN_RANGE_NONE:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_length (resp, total);
      append (body, 0, total, user_data);
      break;
  }
  soup_message_body_complete (body);
}

static void
append_slice (SoupMessageBody * body, guint64 offset, guint64 length,
    gpointer user_data)
{
  GBytes *bytes = user_data;

  if (length > 0) {
    g_autoptr (GBytes) slice = g_bytes_new_from_bytes (bytes, offset, length);

    soup_message_body_append_bytes (body, slice);
  }
}

/**
 * p2p_origin_respond_bytes:
 * @honour_range: FALSE to answer every request with 200 and the full body
 *
 * Answers with @body (200, 206 or 416), always with Content-Length.
 */
void
p2p_origin_respond_bytes (SoupServerMessage * msg, GBytes * body,
    const gchar * content_type, gboolean honour_range)
{
  respond_ranged (msg, g_bytes_get_size (body), content_type, honour_range,
      append_slice, body);
}

static GBytes *
pattern_chunk (void)
{
  static GBytes *chunk;

  if (g_once_init_enter (&chunk)) {
    /* one period longer, so a slice can start at any phase */
    gsize size = PATTERN_CHUNK + P2P_ORIGIN_PATTERN_PERIOD;
    guint8 *data = g_malloc (size);
    gsize i;

    for (i = 0; i < size; i++)
      data[i] = i % P2P_ORIGIN_PATTERN_PERIOD;
    g_once_init_leave (&chunk, g_bytes_new_take (data, size));
  }
  return chunk;
}

static void
append_pattern (SoupMessageBody * body, guint64 offset, guint64 length,
    gpointer user_data)
{
  GBytes *chunk = pattern_chunk ();
  gsize phase = offset % P2P_ORIGIN_PATTERN_PERIOD;

  /* slices share the one buffer: a large body costs no memory */
  while (length > 0) {
    gsize n = MIN (length, PATTERN_CHUNK);
    g_autoptr (GBytes) slice = g_bytes_new_from_bytes (chunk, phase, n);

    soup_message_body_append_bytes (body, slice);
    length -= n;
  }
}

/**
 * p2p_origin_respond_pattern:
 * @length: body length, at most P2P_ORIGIN_MAX_PATTERN_BYTES
 *
 * Answers with @length deterministic bytes: byte i is i % 251.
 */
void
p2p_origin_respond_pattern (SoupServerMessage * msg, guint64 length,
    gboolean honour_range)
{
  g_return_if_fail (length <= P2P_ORIGIN_MAX_PATTERN_BYTES);

  respond_ranged (msg, length, "application/octet-stream", honour_range,
      append_pattern, NULL);
}

/**
 * p2p_origin_respond_status:
 *
 * Answers with @status and a short text body naming it.
 */
void
p2p_origin_respond_status (SoupServerMessage * msg, guint status)
{
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  if (status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED
      || SOUP_STATUS_IS_INFORMATIONAL (status)) {
    soup_message_headers_set_content_length (resp, 0);
  } else {
    gchar *text = g_strdup_printf ("%u %s\n", status,
        soup_status_get_phrase (status));

    soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE,
        text, strlen (text));
  }
}
