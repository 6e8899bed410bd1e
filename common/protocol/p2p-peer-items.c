/* gst-p2pcdn: reading and writing the typed items of a peer command body.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-protocol"

#include "p2p-peer-items.h"
#include "p2p-peer-codec.h"

#define P2P_PEER_MAX_GROUPS 255
#define P2P_PEER_MAX_GROUP_IDS 255

void
p2p_peer_items_put_int (GByteArray * out, gint64 value)
{
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;
  guint8 bytes[1 + P2P_PEER_INT_MAX_BYTES];
  guint bits = 1;               /* the sign bit */
  guint64 m;
  guint n, i;

  for (m = magnitude; m != 0; m >>= 1)
    bits++;
  /* 0 still takes one byte */
  n = magnitude == 0 ? 1 : (bits + 7) / 8;

  bytes[0] = (P2P_PEER_ITEM_INT << 4) | n;
  for (i = 0; i < n; i++)
    bytes[1 + i] = (magnitude >> (8 * (n - 1 - i))) & 0xff;
  if (value < 0)
    bytes[1] |= 0x80;
  g_byte_array_append (out, bytes, 1 + n);
}

typedef struct {
  gint64 common;
  GByteArray *low;
} P2pPeerGroup;

static void
p2p_peer_group_free (gpointer data)
{
  P2pPeerGroup *group = data;

  g_byte_array_unref (group->low);
  g_free (group);
}

gboolean
p2p_peer_items_put_array (GByteArray * out, const gint64 * ids, guint n_ids,
    GError ** error)
{
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func
      (p2p_peer_group_free);
  g_autoptr (GHashTable) by_common = g_hash_table_new (g_int64_hash,
      g_int64_equal);
  guint n_wire_groups = 0;
  guint8 header[2];
  guint i;

  for (i = 0; i < n_ids; i++) {
    gint64 common = ids[i] & ~(gint64) 0xff;
    guint8 low = ids[i] & 0xff;
    P2pPeerGroup *group = g_hash_table_lookup (by_common, &common);

    if (group == NULL) {
      group = g_new0 (P2pPeerGroup, 1);
      group->common = common;
      group->low = g_byte_array_new ();
      g_ptr_array_add (groups, group);
      g_hash_table_insert (by_common, &group->common, group);
    }
    g_byte_array_append (group->low, &low, 1);
  }

  for (i = 0; i < groups->len; i++) {
    P2pPeerGroup *group = g_ptr_array_index (groups, i);
    n_wire_groups += (group->low->len + P2P_PEER_MAX_GROUP_IDS - 1) /
        P2P_PEER_MAX_GROUP_IDS;
  }
  if (n_wire_groups > P2P_PEER_MAX_GROUPS) {
    g_set_error (error, P2P_PROTOCOL_ERROR,
        P2P_PROTOCOL_ERROR_ARRAY_TOO_LARGE,
        "%u ids need %u groups, at most %u fit in one array", n_ids,
        n_wire_groups, P2P_PEER_MAX_GROUPS);
    return FALSE;
  }

  header[0] = P2P_PEER_ITEM_ARRAY << 4;
  header[1] = n_wire_groups;
  g_byte_array_append (out, header, 2);

  for (i = 0; i < groups->len; i++) {
    P2pPeerGroup *group = g_ptr_array_index (groups, i);
    guint done;

    /* A count byte of 0 would mean 0 ids to PML 2.x and 256 to 4.x, so a
     * common part with 256 ids goes out as two groups. */
    for (done = 0; done < group->low->len;) {
      guint count = MIN (group->low->len - done, P2P_PEER_MAX_GROUP_IDS);

      p2p_peer_items_put_int (out, group->common + count);
      g_byte_array_append (out, group->low->data + done, count);
      done += count;
    }
  }
  return TRUE;
}

static gboolean
p2p_peer_reader_header (P2pPeerReader * r, P2pPeerItemType type,
    GError ** error)
{
  guint found;

  if (r->pos >= r->len) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
        "body ends at byte %" G_GSIZE_FORMAT " where a value should start",
        r->pos);
    return FALSE;
  }
  found = r->data[r->pos] >> 4;
  if (found != type) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_BAD_TYPE,
        "item of type %u where type %u is expected at byte %" G_GSIZE_FORMAT,
        found, type, r->pos);
    return FALSE;
  }
  return TRUE;
}

gboolean
p2p_peer_reader_int (P2pPeerReader * r, gint64 * value, GError ** error)
{
  guint64 magnitude;
  gboolean negative;
  guint n, i;

  if (!p2p_peer_reader_header (r, P2P_PEER_ITEM_INT, error))
    return FALSE;

  n = r->data[r->pos] & 0x0f;
  if (n > P2P_PEER_INT_MAX_BYTES) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_INT_TOO_LONG,
        "int of %u bytes at byte %" G_GSIZE_FORMAT ", at most %u allowed", n,
        r->pos, P2P_PEER_INT_MAX_BYTES);
    return FALSE;
  }
  if (r->len - r->pos - 1 < n) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
        "int of %u bytes at byte %" G_GSIZE_FORMAT " runs past the end", n,
        r->pos);
    return FALSE;
  }
  r->pos++;

  /* PML never sends a zero-length int, but it would read it as 0. */
  if (n == 0) {
    *value = 0;
    return TRUE;
  }

  negative = (r->data[r->pos] & 0x80) != 0;
  magnitude = r->data[r->pos] & 0x7f;
  for (i = 1; i < n; i++)
    magnitude = (magnitude << 8) | r->data[r->pos + i];
  r->pos += n;

  /* With 8 bytes and the sign bit cleared, magnitude < 2^63. */
  *value = negative ? -(gint64) magnitude : (gint64) magnitude;
  return TRUE;
}

gboolean
p2p_peer_reader_array (P2pPeerReader * r, GArray * ids, GError ** error)
{
  guint n_groups, g;

  if (!p2p_peer_reader_header (r, P2P_PEER_ITEM_ARRAY, error))
    return FALSE;
  if (r->len - r->pos < 2) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
        "array at byte %" G_GSIZE_FORMAT " has no group count", r->pos);
    return FALSE;
  }
  n_groups = r->data[r->pos + 1];
  r->pos += 2;

  for (g = 0; g < n_groups; g++) {
    gint64 header, common;
    guint count, i;

    if (!p2p_peer_reader_int (r, &header, error))
      return FALSE;
    if (header < 0) {
      g_set_error (error, P2P_PROTOCOL_ERROR,
          P2P_PROTOCOL_ERROR_INVALID_VALUE,
          "negative array group header %" G_GINT64_FORMAT, header);
      return FALSE;
    }
    count = header & 0xff;
    common = header - count;
    /* PML 2.x writes a group of 256 ids with a count byte of 0 (its own
     * reader then fails); 4.x reads 0 as 256.  Nobody sends empty groups. */
    if (count == 0)
      count = 256;

    if (r->len - r->pos < count) {
      g_set_error (error, P2P_PROTOCOL_ERROR,
          P2P_PROTOCOL_ERROR_ARRAY_TOO_LARGE,
          "array group claims %u ids, only %" G_GSIZE_FORMAT " bytes left",
          count, r->len - r->pos);
      return FALSE;
    }
    if (ids != NULL) {
      for (i = 0; i < count; i++) {
        gint64 id = common + r->data[r->pos + i];
        g_array_append_val (ids, id);
      }
    }
    r->pos += count;
  }
  return TRUE;
}

gboolean
p2p_peer_reader_skip_string (P2pPeerReader * r, GError ** error)
{
  gsize len;

  if (!p2p_peer_reader_header (r, P2P_PEER_ITEM_STRING, error))
    return FALSE;
  if (r->len - r->pos < 2) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
        "string at byte %" G_GSIZE_FORMAT " has no length", r->pos);
    return FALSE;
  }
  len = ((r->data[r->pos] & 0x0f) << 8) | r->data[r->pos + 1];
  if (r->len - r->pos - 2 < len) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
        "string of %" G_GSIZE_FORMAT " bytes at byte %" G_GSIZE_FORMAT
        " runs past the end", len, r->pos);
    return FALSE;
  }
  r->pos += 2 + len;
  return TRUE;
}
