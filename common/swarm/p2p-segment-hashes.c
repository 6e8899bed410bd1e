/* gst-p2pcdn: a stream's list of segment SHA-256 hashes (PeerTube's format).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-segment-hashes.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (p2p-segment-hashes-error-quark, p2p_segment_hashes_error);

#define SHA256_LEN 32
/* the format needs two levels: {"name": {"0-99": "..."}} */
#define MAX_DEPTH 4

struct _P2pSegmentHashes
{
  /* "name" (whole file) or "name\nstart-end" -> 32-byte digest */
  GHashTable *digests;
};

static gchar *
entry_key (const gchar * name, gint64 range_start, gint64 range_end)
{
  if (range_start < 0)
    return g_strdup (name);
  return g_strdup_printf ("%s\n%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, name,
      range_start, range_end);
}

/* json-glib recurses once a level: refuse deep nesting before it parses. */
static gboolean
nesting_ok (const gchar * data, gsize len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++) {
    gchar c = data[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '{' || c == '[') {
      if (++depth > MAX_DEPTH)
        return FALSE;
    } else if ((c == '}' || c == ']') && depth > 0) {
      depth--;
    }
  }
  return TRUE;
}

static guint8 *
parse_digest (JsonNode * node)
{
  const gchar *hex;
  guint8 *digest;

  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  hex = json_node_get_string (node);
  if (strlen (hex) != SHA256_LEN * 2)
    return NULL;
  digest = g_malloc (SHA256_LEN);
  for (guint i = 0; i < SHA256_LEN; i++) {
    gint hi = g_ascii_xdigit_value (hex[2 * i]);
    gint lo = g_ascii_xdigit_value (hex[2 * i + 1]);

    if (hi < 0 || lo < 0) {
      g_free (digest);
      return NULL;
    }
    digest[i] = (guint8) (hi << 4 | lo);
  }
  return digest;
}

/* "start-end", inclusive, start <= end */
static gboolean
parse_range (const gchar * text, gint64 * start, gint64 * end)
{
  const gchar *dash = strchr (text, '-');
  gchar *first;
  guint64 a = 0, b = 0;
  gboolean ok;

  if (!dash)
    return FALSE;
  first = g_strndup (text, dash - text);
  ok = g_ascii_string_to_unsigned (first, 10, 0, G_MAXINT64, &a, NULL)
      && g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &b, NULL)
      && a <= b;
  g_free (first);
  *start = (gint64) a;
  *end = (gint64) b;
  return ok;
}

static gboolean
add_entry (P2pSegmentHashes * h, const gchar * name, gint64 start,
    gint64 end, JsonNode * value, GError ** error)
{
  guint8 *digest = parse_digest (value);

  if (!digest) {
    g_set_error (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_SYNTAX,
        "hash of \"%s\" is not 64 hex digits", name);
    return FALSE;
  }
  if (g_hash_table_size (h->digests) >= P2P_SEGMENT_HASHES_MAX_ENTRIES) {
    g_free (digest);
    g_set_error (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_TOO_LARGE, "more than %u hashes",
        P2P_SEGMENT_HASHES_MAX_ENTRIES);
    return FALSE;
  }
  g_hash_table_replace (h->digests, entry_key (name, start, end), digest);
  return TRUE;
}

static gboolean
add_file (P2pSegmentHashes * h, const gchar * name, JsonNode * value,
    GError ** error)
{
  JsonObject *ranges;
  JsonObjectIter it;
  const gchar *range;
  JsonNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return add_entry (h, name, -1, -1, value, error);
  ranges = json_node_get_object (value);
  json_object_iter_init (&it, ranges);
  while (json_object_iter_next (&it, &range, &node)) {
    gint64 start, end;

    if (!parse_range (range, &start, &end)) {
      g_set_error (error, P2P_SEGMENT_HASHES_ERROR,
          P2P_SEGMENT_HASHES_ERROR_SYNTAX,
          "byte range \"%s\" of \"%s\" is not start-end", range, name);
      return FALSE;
    }
    if (!add_entry (h, name, start, end, node, error))
      return FALSE;
  }
  return TRUE;
}

P2pSegmentHashes *
p2p_segment_hashes_parse (const gchar * data, gsize len, GError ** error)
{
  JsonParser *parser;
  JsonNode *root;
  JsonObjectIter it;
  const gchar *name;
  JsonNode *value;
  P2pSegmentHashes *h;
  GError *json_error = NULL;

  if (len > P2P_SEGMENT_HASHES_MAX_SIZE) {
    g_set_error (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_TOO_LARGE,
        "hash list of %" G_GSIZE_FORMAT " bytes", len);
    return NULL;
  }
  if (memchr (data, '\0', len) || !nesting_ok (data, len)) {
    g_set_error_literal (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_SYNTAX,
        "hash list holds NUL bytes or nests too deep");
    return NULL;
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &json_error)) {
    g_set_error (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_SYNTAX, "hash list: %s", json_error->message);
    g_error_free (json_error);
    g_object_unref (parser);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, P2P_SEGMENT_HASHES_ERROR,
        P2P_SEGMENT_HASHES_ERROR_SYNTAX, "hash list is not a JSON object");
    g_object_unref (parser);
    return NULL;
  }
  h = g_new0 (P2pSegmentHashes, 1);
  h->digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&it, json_node_get_object (root));
  while (json_object_iter_next (&it, &name, &value)) {
    /* a name with a newline could collide with a range key */
    if (!*name || strchr (name, '\n')) {
      g_set_error_literal (error, P2P_SEGMENT_HASHES_ERROR,
          P2P_SEGMENT_HASHES_ERROR_SYNTAX, "empty or multi-line file name");
      goto fail;
    }
    if (!add_file (h, name, value, error))
      goto fail;
  }
  g_object_unref (parser);
  return h;

fail:
  g_object_unref (parser);
  p2p_segment_hashes_free (h);
  return NULL;
}

void
p2p_segment_hashes_free (P2pSegmentHashes * hashes)
{
  if (!hashes)
    return;
  g_hash_table_unref (hashes->digests);
  g_free (hashes);
}

guint
p2p_segment_hashes_count (const P2pSegmentHashes * hashes)
{
  return g_hash_table_size (hashes->digests);
}

gchar *
p2p_segment_hashes_file_name (const gchar * uri)
{
  gsize end = strcspn (uri, "?#");
  const gchar *slash = g_strrstr_len (uri, (gssize) end, "/");
  const gchar *name = slash ? slash + 1 : uri;

  if (name >= uri + end)
    return NULL;
  return g_uri_unescape_segment (name, uri + end, NULL);
}

P2pHashVerdict
p2p_segment_hashes_verify (const P2pSegmentHashes * hashes,
    const gchar * uri, gint64 range_start, gint64 range_end,
    const guint8 * data, gsize len)
{
  gchar *name = p2p_segment_hashes_file_name (uri);
  gchar *key;
  const guint8 *expected;
  GChecksum *sha;
  guint8 digest[SHA256_LEN];
  gsize digest_len = sizeof (digest);

  if (!name)
    return P2P_HASH_UNKNOWN;
  key = entry_key (name, range_end >= 0 ? range_start : -1, range_end);
  expected = g_hash_table_lookup (hashes->digests, key);
  g_free (key);
  g_free (name);
  if (!expected)
    return P2P_HASH_UNKNOWN;
  sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sha, data, len);
  g_checksum_get_digest (sha, digest, &digest_len);
  g_checksum_free (sha);
  return memcmp (digest, expected, SHA256_LEN) == 0 ? P2P_HASH_MATCH :
      P2P_HASH_MISMATCH;
}
