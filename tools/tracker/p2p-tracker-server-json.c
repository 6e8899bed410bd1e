/* gst-p2pcdn: JSON text <-> JsonNode for the tracker, safe for binary strings.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "p2p-tracker-server-json.h"
#include "p2p-tracker-server-error.h"

#define NUL_CODE_POINT 0x10FFFD
#define NUL_LENGTH 4

static gboolean
malformed (GError ** error, const gchar * what, gsize offset)
{
  g_set_error (error, P2P_TRACKER_SERVER_ERROR,
      P2P_TRACKER_SERVER_ERROR_MALFORMED, "invalid JSON: %s at byte %"
      G_GSIZE_FORMAT, what, offset);
  return FALSE;
}

static gint
hex4 (const gchar * p)
{
  gint value = 0;
  gint i;

  for (i = 0; i < 4; i++) {
    gint digit = g_ascii_xdigit_value (p[i]);
    if (digit < 0)
      return -1;
    value = value * 16 + digit;
  }
  return value;
}

static gboolean
is_json_outside_char (guchar c)
{
  /* Everything RFC 8259 allows between strings: keeping json-glib's
   * extensions (comments, 'strings', identifiers) out means this scanner and
   * json-glib agree on where every string starts and ends. */
  return strchr (" \t\r\n[]{}:,-+.0123456789eEtrufalsn", c) != NULL && c;
}

/* json-glib 1.6 turns an integer beyond 64 bits into garbage and 1e400 into
 * infinity, which it then writes as "inf.0": refuse numbers that could. */
static gboolean
number_is_safe (const gchar * p, gsize length)
{
  guint mantissa = 0, exponent = 0;
  gboolean in_exponent = FALSE, fractional = FALSE, negative_exponent = FALSE;
  gboolean significant = FALSE;
  gsize i;

  for (i = 0; i < length; i++) {
    if (p[i] == 'e' || p[i] == 'E') {
      in_exponent = fractional = TRUE;
    } else if (p[i] == '.') {
      fractional = TRUE;
    } else if (p[i] == '-' && in_exponent) {
      negative_exponent = TRUE;
    } else if (g_ascii_isdigit (p[i]) && in_exponent) {
      if (exponent < 1000)
        exponent = exponent * 10 + (p[i] - '0');
    } else if (g_ascii_isdigit (p[i])) {
      significant |= p[i] != '0';
      if (significant)
        mantissa++;
    }
  }
  if (!fractional)
    return mantissa <= 18;
  /* A tiny number only rounds to 0. */
  return mantissa <= 20 && (negative_exponent || exponent <= 280);
}

/* Copies @data into @out, replacing \u0000 by the sentinel, and refuses what
 * json-glib would misread or recurse too deeply on. */
static gboolean
prescan (const gchar * data, gsize length, GString * out, GError ** error)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize i = 0;

  while (i < length) {
    guchar c = data[i];

    if (!in_string) {
      if (c == '"') {
        in_string = TRUE;
      } else if (c == '[' || c == '{') {
        if (++depth > P2P_TRACKER_SERVER_JSON_MAX_DEPTH)
          return malformed (error, "nested too deeply", i);
      } else if (c == ']' || c == '}') {
        if (depth > 0)
          depth--;
      } else if (c == '-' || c == '+' || c == '.' || g_ascii_isdigit (c)) {
        gsize end = i + 1;

        while (end < length && strchr ("+-.eE0123456789", data[end])
            && data[end])
          end++;
        if (!number_is_safe (data + i, end - i))
          return malformed (error, "number out of range", i);
        g_string_append_len (out, data + i, end - i);
        i = end;
        continue;
      } else if (!is_json_outside_char (c)) {
        return malformed (error, "unexpected character", i);
      }
      g_string_append_c (out, c);
      i++;
      continue;
    }

    if (c == '"') {
      in_string = FALSE;
    } else if (c < 0x20) {
      return malformed (error, "control character in string", i);
    } else if (c == 0xf4 && length - i >= NUL_LENGTH
        && memcmp (data + i, P2P_TRACKER_SERVER_JSON_NUL, NUL_LENGTH) == 0) {
      return malformed (error, "reserved character U+10FFFD", i);
    } else if (c == '\\') {
      gint value;

      if (i + 1 >= length)
        return malformed (error, "truncated escape", i);
      if (data[i + 1] != 'u') {
        /* GScanner would also take octal and other C escapes. */
        if (!strchr ("\"\\/bfnrt", data[i + 1]) || !data[i + 1])
          return malformed (error, "bad escape", i);
        g_string_append_len (out, data + i, 2);
        i += 2;
        continue;
      }
      if (length - i < 6 || (value = hex4 (data + i + 2)) < 0)
        return malformed (error, "bad \\u escape", i);
      if (value == 0) {
        g_string_append_len (out, P2P_TRACKER_SERVER_JSON_NUL, NUL_LENGTH);
        i += 6;
        continue;
      }
      /* A lone surrogate cannot be written as UTF-8: json-glib would make
       * invalid UTF-8 of it, which no text frame may carry (JSON.parse
       * keeps it; we refuse it). */
      if (value >= 0xdc00 && value <= 0xdfff)
        return malformed (error, "lone surrogate in \\u escape", i);
      if (value >= 0xd800 && value <= 0xdbff) {
        gint low = length - i >= 12 && data[i + 6] == '\\'
            && data[i + 7] == 'u' ? hex4 (data + i + 8) : -1;

        if (low < 0xdc00 || low > 0xdfff)
          return malformed (error, "lone surrogate in \\u escape", i);
        /* \udbff\udffd would decode to the sentinel. */
        if (value == 0xdbff && low == 0xdffd)
          return malformed (error, "reserved character U+10FFFD", i);
        g_string_append_len (out, data + i, 12);
        i += 12;
        continue;
      }
      g_string_append_len (out, data + i, 6);
      i += 6;
      continue;
    }
    g_string_append_c (out, c);
    i++;
  }

  if (in_string)
    return malformed (error, "unterminated string", length);
  return TRUE;
}

JsonNode *
p2p_tracker_server_json_parse (const gchar * data, gsize length,
    GError ** error)
{
  g_autoptr (GString) text = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) json_error = NULL;
  JsonNode *root;

  if (!g_utf8_validate_len (data, length, NULL)) {
    g_set_error_literal (error, P2P_TRACKER_SERVER_ERROR,
        P2P_TRACKER_SERVER_ERROR_MALFORMED, "invalid JSON: not UTF-8");
    return NULL;
  }

  text = g_string_sized_new (length);
  if (!prescan (data, length, text, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text->str, text->len, &json_error)) {
    g_set_error (error, P2P_TRACKER_SERVER_ERROR,
        P2P_TRACKER_SERVER_ERROR_MALFORMED, "invalid JSON: %s",
        json_error->message);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root == NULL) {
    g_set_error_literal (error, P2P_TRACKER_SERVER_ERROR,
        P2P_TRACKER_SERVER_ERROR_MALFORMED, "invalid JSON: empty message");
    return NULL;
  }
  return json_node_ref (root);
}

/* json-glib writes 0x1f raw, 0x7f as \u007f and 1e+22 as "1e+22.0":
 * JSON.parse rejects the first and the last, JSON.stringify writes the
 * second raw.  Fixing them (and turning the sentinel back into \u0000)
 * makes our frames byte-identical to bittorrent-tracker's. */
gchar *
p2p_tracker_server_json_to_string (JsonNode * node, gsize * length)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree gchar *raw = NULL;
  gboolean in_string = FALSE;
  GString *out;
  gsize raw_length, i;

  json_generator_set_root (generator, node);
  raw = json_generator_to_data (generator, &raw_length);
  out = g_string_sized_new (raw_length + 16);

  for (i = 0; i < raw_length;) {
    guchar c = raw[i];

    if (!in_string) {
      if (c == '-' || g_ascii_isdigit (c)) {
        gsize end = i + 1;
        gboolean exponent = FALSE;

        while (end < raw_length && raw[end] && strchr ("+-.eE0123456789",
                raw[end])) {
          exponent |= raw[end] == 'e' || raw[end] == 'E';
          end++;
        }
        if (exponent && end - i > 2 && raw[end - 2] == '.'
            && raw[end - 1] == '0')
          g_string_append_len (out, raw + i, end - i - 2);
        else
          g_string_append_len (out, raw + i, end - i);
        i = end;
        continue;
      }
      in_string = c == '"';
      g_string_append_c (out, c);
      i++;
    } else if (c == '"') {
      in_string = FALSE;
      g_string_append_c (out, c);
      i++;
    } else if (c == '\\') {
      if (raw_length - i >= 6 && strncmp (raw + i + 1, "u007f", 5) == 0) {
        g_string_append_c (out, 0x7f);
        i += 6;
      } else {
        g_string_append_len (out, raw + i, MIN (2, raw_length - i));
        i += 2;
      }
    } else if (c == 0x1f) {
      g_string_append (out, "\\u001f");
      i++;
    } else if (c == 0xf4 && raw_length - i >= NUL_LENGTH
        && memcmp (raw + i, P2P_TRACKER_SERVER_JSON_NUL, NUL_LENGTH) == 0) {
      g_string_append (out, "\\u0000");
      i += NUL_LENGTH;
    } else {
      g_string_append_c (out, c);
      i++;
    }
  }

  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
p2p_tracker_server_id_is_valid (const gchar * str)
{
  const gchar *p;
  guint count = 0;

  if (str == NULL)
    return FALSE;
  for (p = str; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (c > 0xff && c != NUL_CODE_POINT)
      return FALSE;
    if (++count > P2P_TRACKER_SERVER_ID_LENGTH)
      return FALSE;
  }
  return count == P2P_TRACKER_SERVER_ID_LENGTH;
}

gchar *
p2p_tracker_server_id_to_hex (const gchar * id)
{
  GString *hex = g_string_sized_new (2 * P2P_TRACKER_SERVER_ID_LENGTH);
  const gchar *p;

  for (p = id; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    g_string_append_printf (hex, "%02x", c == NUL_CODE_POINT ? 0 : c & 0xff);
  }
  return g_string_free (hex, FALSE);
}
