/* gst-p2pcdn: unit tests of the peer protocol codec against captured PML 2.3.1 bytes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "protocol/p2p-peer-codec.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers */

static GBytes *
hex_to_bytes (const gchar * hex)
{
  gsize len = strlen (hex), i;
  guint8 *data;

  g_assert_cmpuint (len % 2, ==, 0);
  data = g_malloc (len / 2 + 1);
  for (i = 0; i < len / 2; i++) {
    gint hi = g_ascii_xdigit_value (hex[2 * i]);
    gint lo = g_ascii_xdigit_value (hex[2 * i + 1]);

    g_assert_cmpint (hi, >=, 0);
    g_assert_cmpint (lo, >=, 0);
    data[i] = (hi << 4) | lo;
  }
  return g_bytes_new_take (data, len / 2);
}

static gchar *
bytes_to_hex (GBytes * bytes)
{
  gsize len, i;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

static P2pPeerCommandType
command_type_from_name (const gchar * name)
{
  guint t;

  for (t = 0; t <= P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST; t++) {
    if (g_str_equal (name, p2p_peer_command_type_to_string (t)))
      return t;
  }
  g_error ("unknown command name %s", name);
  return 0;
}

static void
ids_from_json (P2pPeerCommand * cmd, gboolean loading, JsonObject * obj,
    const gchar * name)
{
  JsonArray *array;
  guint i;

  if (!json_object_has_member (obj, name))
    return;
  array = json_object_get_array_member (obj, name);
  for (i = 0; i < json_array_get_length (array); i++) {
    gint64 id = json_array_get_int_element (array, i);
    p2p_peer_command_add_ids (cmd, loading, &id, 1);
  }
}

/* The expected decoding, as the capture report writes it. */
static void
command_from_json (P2pPeerCommand * cmd, const gchar * text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  p2p_peer_command_init (cmd,
      command_type_from_name (json_object_get_string_member (obj, "c")));
  cmd->segment_id = json_object_get_int_member_with_default (obj, "i", 0);
  cmd->request_id = json_object_get_int_member_with_default (obj, "r", 0);
  cmd->size = json_object_get_int_member_with_default (obj, "s", 0);
  cmd->byte_from = json_object_get_int_member_with_default (obj, "b", 0);
  ids_from_json (cmd, FALSE, obj, "l");
  ids_from_json (cmd, TRUE, obj, "p");
}

/* The captures list ids in the sender's storage order; we keep it. */
static gboolean
ids_in_same_order (GArray * a, GArray * b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->len == b->len &&
      memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0;
}

typedef struct {
  gchar *kind;
  gchar *json;
  gchar **hex;
} Vector;

static void
vector_free (gpointer data)
{
  Vector *v = data;

  g_free (v->kind);
  g_free (v->json);
  g_strfreev (v->hex);
  g_free (v);
}

static GPtrArray *
load_vectors (void)
{
  g_autofree gchar *path = g_test_build_filename (G_TEST_DIST,
      "pml-2.3.1-peer-vectors.txt", NULL);
  g_autofree gchar *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *vectors = g_ptr_array_new_with_free_func (vector_free);
  guint i;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) cols = NULL;
    Vector *v;

    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    cols = g_strsplit (lines[i], "\t", 3);
    g_assert_cmpuint (g_strv_length (cols), ==, 3);
    v = g_new0 (Vector, 1);
    v->kind = g_strdup (cols[0]);
    v->json = g_strdup (cols[1]);
    v->hex = g_strsplit (cols[2], " ", -1);
    g_ptr_array_add (vectors, v);
  }
  return vectors;
}

static P2pPeerMessageKind
feed_hex (P2pPeerDecoder * dec, const gchar * hex, P2pPeerCommand * cmd,
    GError ** error)
{
  g_autoptr (GBytes) msg = hex_to_bytes (hex);
  gsize len;
  const guint8 *data = g_bytes_get_data (msg, &len);

  return p2p_peer_decoder_feed (dec, data, len, cmd, error);
}

static void
assert_decode_error (const gchar * body_hex, gint code)
{
  g_autoptr (GBytes) body = hex_to_bytes (body_hex);
  g_autoptr (GError) error = NULL;
  P2pPeerCommand cmd;
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  if (!p2p_peer_command_decode (data, len, &cmd, &error)) {
    g_test_message ("%s -> %s", body_hex, error->message);
    g_assert_error (error, P2P_PROTOCOL_ERROR, code);
    return;
  }
  g_test_fail_printf ("%s decoded as %s", body_hex,
      p2p_peer_command_type_to_string (cmd.type));
  p2p_peer_command_clear (&cmd);
}

static void
decode_body_hex (const gchar * body_hex, P2pPeerCommand * cmd)
{
  g_autoptr (GBytes) body = hex_to_bytes (body_hex);
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  p2p_peer_command_decode (data, len, cmd, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* captured vectors */

static void
test_vectors_decode (void)
{
  g_autoptr (GPtrArray) vectors = load_vectors ();
  guint i, n_cmds = 0, n_chunked = 0, n_bodies = 0, n_data = 0;

  for (i = 0; i < vectors->len; i++) {
    Vector *v = g_ptr_array_index (vectors, i);
    g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
    P2pPeerCommand expected, got;
    guint n = g_strv_length (v->hex), k;

    if (g_str_equal (v->kind, "data")) {
      g_assert_cmpint (feed_hex (dec, v->hex[0], &got, NULL), ==,
          P2P_PEER_MESSAGE_DATA);
      n_data++;
      continue;
    }

    command_from_json (&expected, v->json);
    if (g_str_equal (v->kind, "body")) {
      decode_body_hex (v->hex[0], &got);
      n_bodies++;
    } else {
      for (k = 0; k + 1 < n; k++) {
        g_autoptr (GError) error = NULL;

        g_assert_cmpint (feed_hex (dec, v->hex[k], &got, &error), ==,
            P2P_PEER_MESSAGE_INCOMPLETE);
        g_assert_no_error (error);
      }
      {
        g_autoptr (GError) error = NULL;

        g_assert_cmpint (feed_hex (dec, v->hex[n - 1], &got, &error), ==,
            P2P_PEER_MESSAGE_COMMAND);
        g_assert_no_error (error);
      }
      n_cmds++;
      n_chunked += n > 1;
    }
    if (!p2p_peer_command_equal (&expected, &got) ||
        !ids_in_same_order (expected.loaded, got.loaded) ||
        !ids_in_same_order (expected.loading, got.loading))
      g_test_fail_printf ("%s decodes differently from %s", v->hex[0],
          v->json);
    p2p_peer_command_clear (&expected);
    p2p_peer_command_clear (&got);
  }
  g_test_message ("%u commands (%u chunked), %u bodies, %u data", n_cmds,
      n_chunked, n_bodies, n_data);
  /* every framed message of the capture report */
  g_assert_cmpuint (n_cmds, ==, 76);
  g_assert_cmpuint (n_chunked, ==, 4);
  g_assert_cmpuint (n_bodies, ==, 4);
  g_assert_cmpuint (n_data, ==, 6);
}

static void
test_vectors_encode (void)
{
  g_autoptr (GPtrArray) vectors = load_vectors ();
  guint i, n_checked = 0;

  for (i = 0; i < vectors->len; i++) {
    Vector *v = g_ptr_array_index (vectors, i);
    g_autoptr (GPtrArray) messages = NULL;
    g_autoptr (GError) error = NULL;
    P2pPeerCommand cmd;
    guint n = g_strv_length (v->hex), k;

    if (!g_str_equal (v->kind, "cmd"))
      continue;
    /* the injected request was hand-built with r = 123, like PML's */
    command_from_json (&cmd, v->json);
    /* run3 forced chunking with webRtcMaxMessageSize = 20 */
    messages = p2p_peer_command_encode (&cmd, n > 1 ? 20 : 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (messages->len, ==, n);
    for (k = 0; k < n; k++) {
      g_autofree gchar *hex = bytes_to_hex (g_ptr_array_index (messages, k));
      g_assert_cmpstr (hex, ==, v->hex[k]);
    }
    p2p_peer_command_clear (&cmd);
    n_checked++;
  }
  g_assert_cmpuint (n_checked, ==, 76);
}

/* The two examples of protocols.md section 3. */
static void
test_reference_examples (void)
{
  g_autoptr (GPtrArray) request = NULL;
  g_autoptr (GPtrArray) announce = NULL;
  g_autofree gchar *request_hex = NULL;
  g_autofree gchar *announce_hex = NULL;
  P2pPeerCommand cmd;
  gint64 ids[14];
  guint i;

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_REQUEST);
  cmd.segment_id = 1234;
  cmd.request_id = 77;
  request = p2p_peer_command_encode (&cmd, 0, NULL);
  g_assert_nonnull (request);
  request_hex = bytes_to_hex (g_ptr_array_index (request, 0));
  g_assert_cmpstr (request_hex, ==, "63737472016902" "04d2" "72014d"
      "63656e64");

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  for (i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = i;
  p2p_peer_command_add_ids (&cmd, FALSE, ids, G_N_ELEMENTS (ids));
  announce = p2p_peer_command_encode (&cmd, 0, NULL);
  g_assert_nonnull (announce);
  announce_hex = bytes_to_hex (g_ptr_array_index (announce, 0));
  g_assert_cmpstr (announce_hex, ==, "63737472" "006c1001010e"
      "000102030405060708090a0b0c0d" "63656e64");
  p2p_peer_command_clear (&cmd);
}

/* ------------------------------------------------------------------ */
/* encoder strictness (protocols.md section 5) */

static void
assert_encode_error (const P2pPeerCommand * cmd, gsize max,
    gint code)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *messages = p2p_peer_command_encode (cmd, max, &error);

  g_assert_null (messages);
  g_assert_error (error, P2P_PROTOCOL_ERROR, code);
}

static void
test_encode_strict (void)
{
  P2pPeerCommand cmd;
  gint64 bad_id = -1;
  g_autoptr (GArray) many = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 i;

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_ABSENT);
  cmd.segment_id = 5;
  cmd.request_id = 0;           /* 4.x counts requests from 1 */
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_INVALID_VALUE);
  cmd.request_id = 1;
  cmd.segment_id = -1;
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_INVALID_VALUE);
  cmd.segment_id = P2P_PEER_MAX_INT + 1;    /* would need 8 bytes */
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_INVALID_VALUE);
  cmd.segment_id = 5;
  assert_encode_error (&cmd, 8, P2P_PROTOCOL_ERROR_INVALID_VALUE);

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_DATA);
  cmd.segment_id = 1;
  cmd.request_id = 1;
  cmd.size = 0;                 /* say "nothing" with SegmentAbsent */
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_INVALID_VALUE);

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_REQUEST);
  cmd.segment_id = 1;
  cmd.request_id = 1;
  cmd.byte_from = -5;
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_INVALID_VALUE);

  cmd.type = 6;
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND);

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  p2p_peer_command_add_ids (&cmd, TRUE, &bad_id, 1);
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_INVALID_VALUE);
  p2p_peer_command_clear (&cmd);

  /* 256 groups do not fit the one-byte group count */
  for (i = 0; i < 256; i++) {
    gint64 id = i * 256;
    g_array_append_val (many, id);
  }
  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  p2p_peer_command_add_ids (&cmd, FALSE, (gint64 *) many->data, many->len);
  assert_encode_error (&cmd, 0, P2P_PROTOCOL_ERROR_ARRAY_TOO_LARGE);
  p2p_peer_command_clear (&cmd);
}

static void
test_encode_big_values (void)
{
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
  g_autofree gchar *hex = NULL;
  P2pPeerCommand cmd, got;
  GBytes *msg;

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_DATA);
  cmd.segment_id = P2P_PEER_MAX_INT;
  cmd.request_id = 128;
  cmd.size = 1;
  messages = p2p_peer_command_encode (&cmd, 0, NULL);
  g_assert_nonnull (messages);
  msg = g_ptr_array_index (messages, 0);
  hex = bytes_to_hex (msg);
  /* 2^53 - 1 takes 7 bytes (4.x reads no more); 128 needs 2 for the sign */
  g_assert_cmpstr (hex, ==, "63737472" "0269071fffffffffffff" "730101"
      "72020080" "63656e64");
  g_assert_cmpint (p2p_peer_decoder_feed (dec, g_bytes_get_data (msg, NULL),
          g_bytes_get_size (msg), &got, NULL), ==, P2P_PEER_MESSAGE_COMMAND);
  g_assert_true (p2p_peer_command_equal (&cmd, &got));
  p2p_peer_command_clear (&got);
}

/* A common part with 256 ids goes out as two groups of one common part,
 * never as a count byte of 0. */
static void
test_encode_256_ids_in_one_block (void)
{
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
  P2pPeerCommand cmd, got;
  gint64 ids[256];
  const guint8 *data;
  gsize len;
  guint i;

  for (i = 0; i < 256; i++)
    ids[i] = 512 + i;
  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  p2p_peer_command_add_ids (&cmd, FALSE, ids, 256);
  messages = p2p_peer_command_encode (&cmd, 0, NULL);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 1);
  data = g_bytes_get_data (g_ptr_array_index (messages, 0), &len);
  /* cstr, type, 'l', 0x10, 2 groups, int 512 + 255 = 0x02ff */
  g_assert_cmpmem (data + 4, 8, "\x00l\x10\x02\x02\x02\xff\x00", 8);
  /* second group: 512 + 1 = 0x0201, then id 767's low byte */
  g_assert_cmpmem (data + 4 + 7 + 255, 4, "\x02\x02\x01\xff", 4);

  g_assert_cmpint (p2p_peer_decoder_feed (dec, data, len, &got, NULL), ==,
      P2P_PEER_MESSAGE_COMMAND);
  g_assert_true (p2p_peer_command_equal (&cmd, &got));
  p2p_peer_command_clear (&got);
  p2p_peer_command_clear (&cmd);
}

/* ------------------------------------------------------------------ */
/* random round trips */

static void
random_command (P2pPeerCommand * cmd)
{
  static const gint64 scales[] = { 1000, 70000, G_GINT64_CONSTANT (1) << 40,
    P2P_PEER_MAX_INT
  };
  P2pPeerCommandType type = g_test_rand_int_range (0, 6);
  gint64 scale = scales[g_test_rand_int_range (0, G_N_ELEMENTS (scales))];

  p2p_peer_command_init (cmd, type);
  if (type == P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT) {
    guint a;

    for (a = 0; a < 2; a++) {
      guint n = g_test_rand_int_range (0, 3) == 0 ? 0 :
          g_test_rand_int_range (1, 600);
      gint64 base = (gint64) (g_test_rand_double () * (scale - 1000));
      guint k;

      for (k = 0; k < n; k++) {
        /* mostly clustered like a playlist, sometimes far apart */
        gint64 id = g_test_rand_int_range (0, 10) == 0 ?
            (gint64) (g_test_rand_double () * scale) :
            base + g_test_rand_int_range (0, 1000);
        p2p_peer_command_add_ids (cmd, a == 1, &id, 1);
      }
    }
    return;
  }
  cmd->segment_id = (gint64) (g_test_rand_double () * scale);
  cmd->request_id = g_test_rand_int_range (1, 1000);
  if (type == P2P_PEER_CMD_SEGMENT_DATA)
    cmd->size = 1 + (gint64) (g_test_rand_double () * (scale - 1));
  if (type == P2P_PEER_CMD_SEGMENT_REQUEST && g_test_rand_bit ())
    cmd->byte_from = 1 + g_test_rand_int_range (0, 1 << 24);
}

static void
test_random_round_trip (void)
{
  g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
  guint iter, n_multi = 0;

  for (iter = 0; iter < 3000; iter++) {
    g_autoptr (GPtrArray) messages = NULL;
    g_autoptr (GError) error = NULL;
    P2pPeerCommand cmd, got;
    gsize max = g_test_rand_bit ()? (gsize) g_test_rand_int_range (9, 80) :
        (gsize) g_test_rand_int_range (9, 70000);
    gsize first_len = 0;
    guint k;

    random_command (&cmd);
    messages = p2p_peer_command_encode (&cmd, max, &error);
    g_assert_no_error (error);
    n_multi += messages->len > 1;
    for (k = 0; k < messages->len; k++) {
      GBytes *msg = g_ptr_array_index (messages, k);
      gsize len = g_bytes_get_size (msg);
      P2pPeerMessageKind kind;

      g_assert_cmpuint (len, <=, max);
      g_assert_cmpuint (len, >, 8);
      if (k == 0)
        first_len = len;
      else if (k + 1 < messages->len)
        g_assert_cmpuint (len, ==, first_len);
      else
        g_assert_cmpuint (len, <=, first_len);

      kind = p2p_peer_decoder_feed (dec, g_bytes_get_data (msg, NULL), len,
          &got, &error);
      g_assert_no_error (error);
      g_assert_cmpint (kind, ==, k + 1 == messages->len ?
          P2P_PEER_MESSAGE_COMMAND : P2P_PEER_MESSAGE_INCOMPLETE);
    }
    g_assert_true (p2p_peer_command_equal (&cmd, &got));
    p2p_peer_command_clear (&cmd);
    p2p_peer_command_clear (&got);
  }
  g_assert_cmpuint (n_multi, >, 100);
}

/* ------------------------------------------------------------------ */
/* what deployed peers send that the encoder never would */

static void
test_decode_liberal (void)
{
  P2pPeerCommand cmd;
  GString *hex;
  guint i;

  /* unknown fields of every known type are skipped; 'b' is read */
  decode_body_hex ("01" "6901" "08" "7a2003616263" "7810010102" "0506"
      "79020102" "7202" "03e5" "6202" "1000", &cmd);
  g_assert_cmpint (cmd.type, ==, P2P_PEER_CMD_SEGMENT_REQUEST);
  g_assert_cmpint (cmd.segment_id, ==, 8);
  g_assert_cmpint (cmd.request_id, ==, 997);
  g_assert_cmpint (cmd.byte_from, ==, 4096);

  /* an 8-byte int, a non-minimal int and a zero-length int */
  decode_body_hex ("02" "69087fffffffffffffff" "7303000100" "7200", &cmd);
  g_assert_cmpint (cmd.segment_id, ==, G_MAXINT64);
  g_assert_cmpint (cmd.size, ==, 256);
  g_assert_cmpint (cmd.request_id, ==, 0);

  /* PML 2.x omits r = 0 in Cancel / Absent / Completed */
  decode_body_hex ("05" "690109", &cmd);
  g_assert_cmpint (cmd.type, ==, P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST);
  g_assert_cmpint (cmd.segment_id, ==, 9);
  g_assert_cmpint (cmd.request_id, ==, 0);

  /* unsorted, duplicated, several groups, an empty 'p' */
  decode_body_hex ("00" "6c" "1002" "020202" "0500" "0103" "0a0a07"
      "70" "1000", &cmd);
  g_assert_nonnull (cmd.loaded);
  g_assert_null (cmd.loading);
  g_assert_cmpuint (cmd.loaded->len, ==, 5);
  g_assert_cmpint (g_array_index (cmd.loaded, gint64, 0), ==, 517);
  g_assert_cmpint (g_array_index (cmd.loaded, gint64, 1), ==, 512);
  g_assert_cmpint (g_array_index (cmd.loaded, gint64, 4), ==, 7);
  p2p_peer_command_clear (&cmd);

  /* what PML 2.x writes for 256 ids of one common part: count byte 0 */
  hex = g_string_new ("00" "6c" "1001" "020100");
  for (i = 0; i < 256; i++)
    g_string_append_printf (hex, "%02x", 255 - i);
  decode_body_hex (hex->str, &cmd);
  g_string_free (hex, TRUE);
  g_assert_cmpuint (cmd.loaded->len, ==, 256);
  g_assert_cmpint (g_array_index (cmd.loaded, gint64, 0), ==, 256 + 255);
  g_assert_cmpint (g_array_index (cmd.loaded, gint64, 255), ==, 256);
  p2p_peer_command_clear (&cmd);

  /* an announcement with neither l nor p */
  decode_body_hex ("00", &cmd);
  g_assert_null (cmd.loaded);
  g_assert_null (cmd.loading);
}

/* ------------------------------------------------------------------ */
/* malformed input */

static void
test_decode_malformed (void)
{
  assert_decode_error ("", P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_decode_error ("06690108720101", P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND);
  assert_decode_error ("ff", P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND);
  /* item type 3 does not exist */
  assert_decode_error ("01693001", P2P_PROTOCOL_ERROR_BAD_TYPE);
  assert_decode_error ("01690108" "7a3000", P2P_PROTOCOL_ERROR_BAD_TYPE);
  /* i as an array, r as a string, l as an int */
  assert_decode_error ("0169100072017b", P2P_PROTOCOL_ERROR_BAD_TYPE);
  assert_decode_error ("016901087220026869", P2P_PROTOCOL_ERROR_BAD_TYPE);
  assert_decode_error ("006c0105", P2P_PROTOCOL_ERROR_BAD_TYPE);
  /* 9 magnitude bytes */
  assert_decode_error ("0169090100000000000000007201",
      P2P_PROTOCOL_ERROR_INT_TOO_LONG);
  assert_decode_error ("01690f00", P2P_PROTOCOL_ERROR_INT_TOO_LONG);
  /* missing fields */
  assert_decode_error ("0172017b", P2P_PROTOCOL_ERROR_MISSING_FIELD);
  assert_decode_error ("01690108", P2P_PROTOCOL_ERROR_MISSING_FIELD);
  assert_decode_error ("0269010872017b", P2P_PROTOCOL_ERROR_MISSING_FIELD);
  assert_decode_error ("04", P2P_PROTOCOL_ERROR_MISSING_FIELD);
  /* truncated */
  assert_decode_error ("0169", P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_decode_error ("01690201", P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_decode_error ("006c10", P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_decode_error ("006c1002010100", P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_decode_error ("0169010872017b7a2005616263",
      P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_decode_error ("0169010872017b7a20", P2P_PROTOCOL_ERROR_TRUNCATED);
  /* a group claiming 255 ids with 2 bytes left */
  assert_decode_error ("006c10010200ff0001",
      P2P_PROTOCOL_ERROR_ARRAY_TOO_LARGE);
  /* 255 groups of 256 ids in a 20-byte body */
  assert_decode_error ("006c10ff02010000000000000000000000000000",
      P2P_PROTOCOL_ERROR_ARRAY_TOO_LARGE);
  /* negative values */
  assert_decode_error ("0169018172017b", P2P_PROTOCOL_ERROR_INVALID_VALUE);
  assert_decode_error ("0269010873018172017b",
      P2P_PROTOCOL_ERROR_INVALID_VALUE);
  assert_decode_error ("006c100101810000", P2P_PROTOCOL_ERROR_INVALID_VALUE);
}

static void
assert_feed (P2pPeerDecoder * dec, const gchar * hex,
    P2pPeerMessageKind expected, gint code)
{
  g_autoptr (GError) error = NULL;
  P2pPeerCommand cmd;
  P2pPeerMessageKind kind = feed_hex (dec, hex, &cmd, &error);

  g_assert_cmpint (kind, ==, expected);
  if (expected == P2P_PEER_MESSAGE_INVALID)
    g_assert_error (error, P2P_PROTOCOL_ERROR, code);
  else
    g_assert_no_error (error);
  p2p_peer_command_clear (&cmd);
}

static void
test_decoder_sequence (void)
{
  g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
  const gchar *request = "6373747201690108720203e563656e64";

  /* classification alone */
  g_assert_false (p2p_peer_message_is_command_chunk ((guint8 *) "cstr", 4));
  g_assert_false (p2p_peer_message_is_command_chunk ((guint8 *) "cstrend",
          7));
  g_assert_true (p2p_peer_message_is_command_chunk ((guint8 *) "dstrdend",
          8));
  g_assert_false (p2p_peer_message_is_command_chunk ((guint8 *) "cstr1234",
          8));
  g_assert_false (p2p_peer_message_is_command_chunk (NULL, 0));

  /* data between two chunks of one command does not break it (the
   * interleaving the capture report describes for run4) */
  assert_feed (dec, "63737472006c100101080064656e64",
      P2P_PEER_MESSAGE_INCOMPLETE, 0);
  assert_feed (dec, "474011180042f0250001c10000ff01ff",
      P2P_PEER_MESSAGE_DATA, 0);
  assert_feed (dec, "647374720102030405060763656e64",
      P2P_PEER_MESSAGE_COMMAND, 0);

  /* a continuation without a start, and the decoder goes on afterwards */
  assert_feed (dec, "647374720102030405060763656e64",
      P2P_PEER_MESSAGE_INVALID, P2P_PROTOCOL_ERROR_CHUNK_SEQUENCE);
  assert_feed (dec, request, P2P_PEER_MESSAGE_COMMAND, 0);

  /* a new command while one is being joined */
  assert_feed (dec, "63737472006c100101080064656e64",
      P2P_PEER_MESSAGE_INCOMPLETE, 0);
  assert_feed (dec, request, P2P_PEER_MESSAGE_INVALID,
      P2P_PROTOCOL_ERROR_CHUNK_SEQUENCE);
  assert_feed (dec, request, P2P_PEER_MESSAGE_COMMAND, 0);

  /* reset drops a partial command */
  assert_feed (dec, "63737472006c100101080064656e64",
      P2P_PEER_MESSAGE_INCOMPLETE, 0);
  p2p_peer_decoder_reset (dec);
  assert_feed (dec, "647374720102030405060763656e64",
      P2P_PEER_MESSAGE_INVALID, P2P_PROTOCOL_ERROR_CHUNK_SEQUENCE);

  /* an empty command and a framed but broken one */
  assert_feed (dec, "6373747263656e64", P2P_PEER_MESSAGE_INVALID,
      P2P_PROTOCOL_ERROR_TRUNCATED);
  assert_feed (dec, "63737472096373747263656e64", P2P_PEER_MESSAGE_INVALID,
      P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND);
  assert_feed (dec, request, P2P_PEER_MESSAGE_COMMAND, 0);
}

static void
test_decoder_bound (void)
{
  g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
  g_autoptr (P2pPeerDecoder) small = NULL;
  g_autoptr (GError) error = NULL;
  guint8 *chunk;
  gsize chunk_len = 65535;
  P2pPeerCommand cmd;
  guint max = 0, i;
  P2pPeerMessageKind kind = P2P_PEER_MESSAGE_INCOMPLETE;

  g_object_get (dec, "max-command-size", &max, NULL);
  g_assert_cmpuint (max, ==, 1024 * 1024);

  /* an endless chunked command is refused once it passes 1 MiB */
  chunk = g_malloc0 (chunk_len);
  memcpy (chunk, "cstr", 4);
  memcpy (chunk + chunk_len - 4, "dend", 4);
  for (i = 0; i < 100 && kind == P2P_PEER_MESSAGE_INCOMPLETE; i++) {
    kind = p2p_peer_decoder_feed (dec, chunk, chunk_len, &cmd, &error);
    memcpy (chunk, "dstr", 4);
  }
  g_free (chunk);
  g_assert_cmpint (kind, ==, P2P_PEER_MESSAGE_INVALID);
  g_assert_error (error, P2P_PROTOCOL_ERROR, P2P_PROTOCOL_ERROR_TOO_LARGE);
  g_assert_cmpuint (i, ==, 17);     /* 16 x 65527 < 1 MiB < 17 x 65527 */

  small = g_object_new (P2P_TYPE_PEER_DECODER, "max-command-size", 16, NULL);
  /* 13 body bytes fit, the 4-chunk announcement (41 bytes) does not */
  assert_feed (small, "63737472026901087303010280720203e563656e64",
      P2P_PEER_MESSAGE_COMMAND, 0);
  assert_feed (small, "63737472006c1001011d000102030464656e64",
      P2P_PEER_MESSAGE_INCOMPLETE, 0);
  assert_feed (small, "6473747205060708090a0b0c0d101464656e64",
      P2P_PEER_MESSAGE_INVALID, P2P_PROTOCOL_ERROR_TOO_LARGE);
  assert_feed (small, "63737472006c1001010c000102030405060708090a0b"
      "70100101010c63656e64", P2P_PEER_MESSAGE_INVALID,
      P2P_PROTOCOL_ERROR_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/vectors/decode", test_vectors_decode);
  g_test_add_func ("/protocol/vectors/encode", test_vectors_encode);
  g_test_add_func ("/protocol/reference-examples", test_reference_examples);
  g_test_add_func ("/protocol/encode/strict", test_encode_strict);
  g_test_add_func ("/protocol/encode/big-values", test_encode_big_values);
  g_test_add_func ("/protocol/encode/256-ids-in-one-block",
      test_encode_256_ids_in_one_block);
  g_test_add_func ("/protocol/round-trip/random", test_random_round_trip);
  g_test_add_func ("/protocol/decode/liberal", test_decode_liberal);
  g_test_add_func ("/protocol/decode/malformed", test_decode_malformed);
  g_test_add_func ("/protocol/decoder/sequence", test_decoder_sequence);
  g_test_add_func ("/protocol/decoder/bound", test_decoder_bound);

  return g_test_run ();
}
