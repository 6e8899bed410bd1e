/* gst-p2pcdn: peer protocol commands: body encoding/decoding and framing.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-protocol"

#include "p2p-peer-codec.h"
#include "p2p-peer-items.h"

#include <stdlib.h>
#include <string.h>

#define P2P_PEER_FRAME_PART 4
#define P2P_PEER_FRAME_BYTES (2 * P2P_PEER_FRAME_PART)

static const guint8 frame_cstr[P2P_PEER_FRAME_PART] = { 'c', 's', 't', 'r' };
static const guint8 frame_cend[P2P_PEER_FRAME_PART] = { 'c', 'e', 'n', 'd' };
static const guint8 frame_dstr[P2P_PEER_FRAME_PART] = { 'd', 's', 't', 'r' };
static const guint8 frame_dend[P2P_PEER_FRAME_PART] = { 'd', 'e', 'n', 'd' };

G_DEFINE_QUARK (p2p-protocol-error-quark, p2p_protocol_error)

void
p2p_peer_command_init (P2pPeerCommand * cmd, P2pPeerCommandType type)
{
  memset (cmd, 0, sizeof (*cmd));
  cmd->type = type;
}

void
p2p_peer_command_clear (P2pPeerCommand * cmd)
{
  g_clear_pointer (&cmd->loaded, g_array_unref);
  g_clear_pointer (&cmd->loading, g_array_unref);
}

void
p2p_peer_command_add_ids (P2pPeerCommand * cmd, gboolean loading,
    const gint64 * ids, guint n_ids)
{
  GArray **array = loading ? &cmd->loading : &cmd->loaded;

  if (*array == NULL)
    *array = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (*array, ids, n_ids);
}

static gint
p2p_peer_id_cmp (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* As multisets: the wire groups ids by their high bits, so an encode and
 * decode keeps every id but not always their order. */
static gboolean
p2p_peer_ids_equal (const GArray * a, const GArray * b)
{
  guint len_a = a ? a->len : 0;
  guint len_b = b ? b->len : 0;
  g_autofree gint64 *sa = NULL;
  g_autofree gint64 *sb = NULL;

  if (len_a != len_b)
    return FALSE;
  if (len_a == 0)
    return TRUE;
  sa = g_memdup2 (a->data, len_a * sizeof (gint64));
  sb = g_memdup2 (b->data, len_b * sizeof (gint64));
  qsort (sa, len_a, sizeof (gint64), p2p_peer_id_cmp);
  qsort (sb, len_b, sizeof (gint64), p2p_peer_id_cmp);
  return memcmp (sa, sb, len_a * sizeof (gint64)) == 0;
}

gboolean
p2p_peer_command_equal (const P2pPeerCommand * a, const P2pPeerCommand * b)
{
  if (a->type != b->type)
    return FALSE;

  switch (a->type) {
    case P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT:
      return p2p_peer_ids_equal (a->loaded, b->loaded) &&
          p2p_peer_ids_equal (a->loading, b->loading);
    case P2P_PEER_CMD_SEGMENT_REQUEST:
      return a->segment_id == b->segment_id &&
          a->request_id == b->request_id && a->byte_from == b->byte_from;
    case P2P_PEER_CMD_SEGMENT_DATA:
      return a->segment_id == b->segment_id &&
          a->request_id == b->request_id && a->size == b->size;
    default:
      return a->segment_id == b->segment_id && a->request_id == b->request_id;
  }
}

const gchar *
p2p_peer_command_type_to_string (P2pPeerCommandType type)
{
  switch (type) {
    case P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT:
      return "SegmentsAnnouncement";
    case P2P_PEER_CMD_SEGMENT_REQUEST:
      return "SegmentRequest";
    case P2P_PEER_CMD_SEGMENT_DATA:
      return "SegmentData";
    case P2P_PEER_CMD_SEGMENT_DATA_SENDING_COMPLETED:
      return "SegmentDataSendingCompleted";
    case P2P_PEER_CMD_SEGMENT_ABSENT:
      return "SegmentAbsent";
    case P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST:
      return "CancelSegmentRequest";
  }
  return "unknown";
}

/* ------------------------------------------------------------------ */
/* Encoding */

static gboolean
p2p_peer_check_range (gchar field, gint64 value, gint64 min, GError ** error)
{
  if (value < min || value > P2P_PEER_MAX_INT) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_INVALID_VALUE,
        "'%c' = %" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT "..%"
        G_GINT64_FORMAT, field, value, min, P2P_PEER_MAX_INT);
    return FALSE;
  }
  return TRUE;
}

static void
p2p_peer_put_int_field (GByteArray * body, gchar name, gint64 value)
{
  guint8 byte = name;

  g_byte_array_append (body, &byte, 1);
  p2p_peer_items_put_int (body, value);
}

static gboolean
p2p_peer_put_ids_field (GByteArray * body, gchar name, const GArray * ids,
    GError ** error)
{
  guint8 byte = name;
  guint i;

  /* PML leaves out empty arrays */
  if (ids == NULL || ids->len == 0)
    return TRUE;
  for (i = 0; i < ids->len; i++) {
    if (!p2p_peer_check_range (name, g_array_index (ids, gint64, i), 0,
            error))
      return FALSE;
  }
  g_byte_array_append (body, &byte, 1);
  return p2p_peer_items_put_array (body, (const gint64 *) ids->data, ids->len,
      error);
}

/* Field order as PML writes it: l,p / i,r(,b) / i,s,r / i,r.  4.x counts
 * request ids from 1 and drops a SegmentData with s = 0, hence r >= 1 and
 * s >= 1. */
static GByteArray *
p2p_peer_command_encode_body (const P2pPeerCommand * cmd, GError ** error)
{
  g_autoptr (GByteArray) body = g_byte_array_new ();
  guint8 type = cmd->type;

  if (cmd->type > P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST) {
    g_set_error (error, P2P_PROTOCOL_ERROR,
        P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND, "unknown command type %u",
        cmd->type);
    return NULL;
  }
  g_byte_array_append (body, &type, 1);

  if (cmd->type == P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT) {
    if (!p2p_peer_put_ids_field (body, 'l', cmd->loaded, error) ||
        !p2p_peer_put_ids_field (body, 'p', cmd->loading, error))
      return NULL;
    return g_steal_pointer (&body);
  }

  if (!p2p_peer_check_range ('i', cmd->segment_id, 0, error) ||
      !p2p_peer_check_range ('r', cmd->request_id, 1, error))
    return NULL;

  p2p_peer_put_int_field (body, 'i', cmd->segment_id);
  switch (cmd->type) {
    case P2P_PEER_CMD_SEGMENT_REQUEST:
      if (!p2p_peer_check_range ('b', cmd->byte_from, 0, error))
        return NULL;
      p2p_peer_put_int_field (body, 'r', cmd->request_id);
      if (cmd->byte_from > 0)
        p2p_peer_put_int_field (body, 'b', cmd->byte_from);
      break;
    case P2P_PEER_CMD_SEGMENT_DATA:
      if (!p2p_peer_check_range ('s', cmd->size, 1, error))
        return NULL;
      p2p_peer_put_int_field (body, 's', cmd->size);
      p2p_peer_put_int_field (body, 'r', cmd->request_id);
      break;
    default:
      p2p_peer_put_int_field (body, 'r', cmd->request_id);
      break;
  }
  return g_steal_pointer (&body);
}

static GBytes *
p2p_peer_frame (const guint8 * start, const guint8 * part, gsize len,
    const guint8 * end)
{
  guint8 *msg = g_malloc (len + P2P_PEER_FRAME_BYTES);

  memcpy (msg, start, P2P_PEER_FRAME_PART);
  if (len > 0)
    memcpy (msg + P2P_PEER_FRAME_PART, part, len);
  memcpy (msg + P2P_PEER_FRAME_PART + len, end, P2P_PEER_FRAME_PART);
  return g_bytes_new_take (msg, len + P2P_PEER_FRAME_BYTES);
}

GPtrArray *
p2p_peer_command_encode (const P2pPeerCommand * cmd, gsize max_message_size,
    GError ** error)
{
  g_autoptr (GByteArray) body = NULL;
  GPtrArray *messages;
  gsize room, n_chunks, part, i;

  g_return_val_if_fail (cmd != NULL, NULL);

  if (max_message_size == 0)
    max_message_size = P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE;
  if (max_message_size <= P2P_PEER_FRAME_BYTES) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_INVALID_VALUE,
        "max message size %" G_GSIZE_FORMAT " leaves no room for a body",
        max_message_size);
    return NULL;
  }

  body = p2p_peer_command_encode_body (cmd, error);
  if (body == NULL)
    return NULL;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  room = max_message_size - P2P_PEER_FRAME_BYTES;
  if (body->len <= room) {
    g_ptr_array_add (messages, p2p_peer_frame (frame_cstr, body->data,
            body->len, frame_cend));
    return messages;
  }

  /* The fewest equal parts that fit.  PML computes ceil(len / max) and adds
   * one if that does not fit; whenever its result fits it is this minimum,
   * so the chunks are byte-identical to PML's, and the minimum never
   * leaves an empty last part. */
  n_chunks = (body->len + room - 1) / room;
  part = (body->len + n_chunks - 1) / n_chunks;
  for (i = 0; i < n_chunks; i++) {
    gsize offset = i * part;
    gsize len = MIN (part, body->len - offset);

    g_ptr_array_add (messages, p2p_peer_frame (i == 0 ? frame_cstr :
            frame_dstr, body->data + offset, len,
            i == n_chunks - 1 ? frame_cend : frame_dend));
  }
  return messages;
}

/* ------------------------------------------------------------------ */
/* Decoding */

/* Which fields a command type reads, and as what item type. */
static gboolean
p2p_peer_field_wanted (P2pPeerCommandType type, guint8 name,
    P2pPeerItemType * item)
{
  if (type == P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT) {
    *item = P2P_PEER_ITEM_ARRAY;
    return name == 'l' || name == 'p';
  }
  *item = P2P_PEER_ITEM_INT;
  switch (name) {
    case 'i':
    case 'r':
      return TRUE;
    case 's':
      return type == P2P_PEER_CMD_SEGMENT_DATA;
    case 'b':
      return type == P2P_PEER_CMD_SEGMENT_REQUEST;
    default:
      return FALSE;
  }
}

static gboolean
p2p_peer_missing (const gchar * what, P2pPeerCommandType type, GError ** error)
{
  g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_MISSING_FIELD,
      "%s without '%s'", p2p_peer_command_type_to_string (type), what);
  return FALSE;
}

static gboolean
p2p_peer_command_decode_fields (P2pPeerReader * r, P2pPeerCommand * cmd,
    GError ** error)
{
  gboolean have_i = FALSE, have_r = FALSE, have_s = FALSE;

  while (r->pos < r->len) {
    guint8 name = r->data[r->pos++];
    guint8 item_type = r->pos < r->len ? r->data[r->pos] >> 4 : 0;
    P2pPeerItemType wanted_type;
    gboolean wanted = p2p_peer_field_wanted (cmd->type, name, &wanted_type);
    gint64 value = 0;

    if (r->pos >= r->len) {
      g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
          "field 0x%02x has no value", name);
      return FALSE;
    }
    if (wanted && item_type != wanted_type) {
      g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_BAD_TYPE,
          "field '%c' of %s has item type %u, expected %u", name,
          p2p_peer_command_type_to_string (cmd->type), item_type,
          wanted_type);
      return FALSE;
    }

    switch (item_type) {
      case P2P_PEER_ITEM_INT:
        if (!p2p_peer_reader_int (r, &value, error))
          return FALSE;
        break;
      case P2P_PEER_ITEM_ARRAY:
        if (wanted) {
          GArray **ids = name == 'l' ? &cmd->loaded : &cmd->loading;

          /* a repeated field replaces the earlier one, as in PML */
          g_clear_pointer (ids, g_array_unref);
          *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          if (!p2p_peer_reader_array (r, *ids, error))
            return FALSE;
        } else if (!p2p_peer_reader_array (r, NULL, error)) {
          return FALSE;
        }
        break;
      case P2P_PEER_ITEM_STRING:
        if (!p2p_peer_reader_skip_string (r, error))
          return FALSE;
        break;
      default:
        g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_BAD_TYPE,
            "field 0x%02x has unknown item type %u", name, item_type);
        return FALSE;
    }

    if (!wanted || item_type != P2P_PEER_ITEM_INT)
      continue;
    if (value < 0) {
      g_set_error (error, P2P_PROTOCOL_ERROR,
          P2P_PROTOCOL_ERROR_INVALID_VALUE, "negative '%c' = %"
          G_GINT64_FORMAT, name, value);
      return FALSE;
    }
    switch (name) {
      case 'i':
        cmd->segment_id = value;
        have_i = TRUE;
        break;
      case 'r':
        cmd->request_id = value;
        have_r = TRUE;
        break;
      case 's':
        cmd->size = value;
        have_s = TRUE;
        break;
      case 'b':
        cmd->byte_from = value;
        break;
    }
  }

  /* an array of 0 groups is empty, like an absent one */
  if (cmd->loaded != NULL && cmd->loaded->len == 0)
    g_clear_pointer (&cmd->loaded, g_array_unref);
  if (cmd->loading != NULL && cmd->loading->len == 0)
    g_clear_pointer (&cmd->loading, g_array_unref);

  if (cmd->type == P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT)
    return TRUE;
  if (!have_i)
    return p2p_peer_missing ("i", cmd->type, error);
  /* PML 2.x leaves r out of Cancel/Absent/Completed when it is 0 */
  if (!have_r && (cmd->type == P2P_PEER_CMD_SEGMENT_REQUEST ||
          cmd->type == P2P_PEER_CMD_SEGMENT_DATA))
    return p2p_peer_missing ("r", cmd->type, error);
  if (!have_s && cmd->type == P2P_PEER_CMD_SEGMENT_DATA)
    return p2p_peer_missing ("s", cmd->type, error);
  return TRUE;
}

gboolean
p2p_peer_command_decode (const guint8 * body, gsize len, P2pPeerCommand * cmd,
    GError ** error)
{
  P2pPeerReader r = { body, len, 1 };

  g_return_val_if_fail (cmd != NULL, FALSE);
  g_return_val_if_fail (body != NULL || len == 0, FALSE);

  p2p_peer_command_init (cmd, 0);
  if (len == 0) {
    g_set_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TRUNCATED,
        "empty command");
    return FALSE;
  }
  if (body[0] > P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST) {
    g_set_error (error, P2P_PROTOCOL_ERROR,
        P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND, "unknown command type %u",
        body[0]);
    return FALSE;
  }
  cmd->type = body[0];

  if (!p2p_peer_command_decode_fields (&r, cmd, error)) {
    p2p_peer_command_clear (cmd);
    return FALSE;
  }
  return TRUE;
}

gboolean
p2p_peer_message_is_command_chunk (const guint8 * data, gsize len)
{
  const guint8 *tail;

  if (data == NULL || len < P2P_PEER_FRAME_BYTES)
    return FALSE;
  tail = data + len - P2P_PEER_FRAME_PART;
  return (memcmp (data, frame_cstr, P2P_PEER_FRAME_PART) == 0 ||
      memcmp (data, frame_dstr, P2P_PEER_FRAME_PART) == 0) &&
      (memcmp (tail, frame_cend, P2P_PEER_FRAME_PART) == 0 ||
      memcmp (tail, frame_dend, P2P_PEER_FRAME_PART) == 0);
}
