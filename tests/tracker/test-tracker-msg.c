/* gst-p2pcdn: unit tests of the tracker messages against captured Chromium frames.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tracker/p2p-tracker-msg.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define INFO_HASH "Un5pXNncgx4ZjfNSitaa"
#define PEER_A "-PM0203-C3nNqmoUiVoo"
#define PEER_B "-PM0203-VQM2wT9UuvdD"
#define SDP_OFFER "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" \
  "a=setup:actpass\r\na=sctp-port:5000\r\n"

typedef struct {
  gchar *kind;                  /* "frame" or "offer-id" */
  gchar *tag;
  gchar *text;
} Line;

static void
line_free (gpointer data)
{
  Line *l = data;

  g_free (l->kind);
  g_free (l->tag);
  g_free (l->text);
  g_free (l);
}

static GPtrArray *
load_frames (void)
{
  g_autofree gchar *path = g_test_build_filename (G_TEST_DIST,
      "pml-2.3.1-tracker-frames.txt", NULL);
  g_autofree gchar *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (line_free);
  guint i;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) cols = NULL;
    Line *l;

    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    cols = g_strsplit (lines[i], "\t", 3);
    g_assert_cmpuint (g_strv_length (cols), ==, 3);
    l = g_new0 (Line, 1);
    l->kind = g_strdup (cols[0]);
    l->tag = g_strdup (cols[1]);
    l->text = g_strdup (cols[2]);
    g_ptr_array_add (out, l);
  }
  return out;
}

static void
id_from (P2pTrackerId * id, const gchar * str)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (p2p_tracker_id_from_string (id, str, -1, &error));
  g_assert_no_error (error);
}

static void
assert_id (const P2pTrackerId * id, const gchar * ascii)
{
  g_autofree gchar *s = p2p_tracker_id_to_ascii (id);

  g_assert_cmpstr (s, ==, ascii);
}

/* The offer_id a JSON string token stands for. */
static void
id_from_token (P2pTrackerId * id, const gchar * token)
{
  g_autofree gchar *frame = g_strdup_printf ("{\"action\":\"announce\","
      "\"info_hash\":\"" INFO_HASH "\",\"peer_id\":\"" PEER_B "\","
      "\"offer_id\":%s,\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}",
      token);
  g_autoptr (GError) error = NULL;
  P2pTrackerMsg msg;

  g_assert_true (p2p_tracker_msg_parse (frame, -1, &msg, &error));
  g_assert_no_error (error);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_OFFER);
  *id = msg.offer_id;
  p2p_tracker_msg_clear (&msg);
}

static void
parse_ok (const gchar * frame, P2pTrackerMsg * msg)
{
  g_autoptr (GError) error = NULL;

  p2p_tracker_msg_parse (frame, -1, msg, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* captured frames */

static void
test_captured_frames (void)
{
  g_autoptr (GPtrArray) lines = load_frames ();
  P2pTrackerId first_offer_id = { {0} };
  guint counts[P2P_TRACKER_MSG_SCRAPE_REPLY + 1] = { 0 };
  guint i;

  for (i = 0; i < lines->len; i++) {
    Line *l = g_ptr_array_index (lines, i);
    P2pTrackerMsg msg;

    if (g_str_equal (l->kind, "offer-id")) {
      /* the list that precedes a frame starts with its one shown offer */
      Line *prev = i > 0 ? g_ptr_array_index (lines, i - 1) : NULL;

      if (prev == NULL || !g_str_equal (prev->kind, "offer-id") ||
          !g_str_equal (prev->tag, l->tag))
        id_from_token (&first_offer_id, l->text);
      continue;
    }

    parse_ok (l->text, &msg);
    g_test_message ("%s: %s", l->tag, p2p_tracker_msg_type_to_string
        (msg.type));
    counts[msg.type]++;
    g_assert_true (msg.has_info_hash);
    assert_id (&msg.info_hash, INFO_HASH);
    g_assert_null (msg.warning_message);

    switch (msg.type) {
      case P2P_TRACKER_MSG_ANNOUNCE:
        g_assert_true (g_str_has_prefix (l->tag, "client-tracker"));
        g_assert_cmpint (msg.event, ==,
            strstr (l->tag, "periodic") ? P2P_TRACKER_EVENT_NONE :
            P2P_TRACKER_EVENT_STARTED);
        g_assert_cmpint (msg.numwant, ==, 5);
        g_assert_cmpint (msg.uploaded, ==, 0);
        g_assert_cmpint (msg.downloaded, ==, 0);
        g_assert_cmpmem (msg.peer_id.bytes, 8, "-PM0203-", 8);
        /* the report shows the first of the 5 offers */
        g_assert_cmpuint (msg.n_offers, ==, 1);
        g_assert_cmpmem (msg.offers[0].offer_id.bytes, 20,
            first_offer_id.bytes, 20);
        g_assert_true (g_str_has_prefix (msg.offers[0].sdp, "v=0\r\n"));
        g_assert_nonnull (strstr (msg.offers[0].sdp, "a=setup:actpass\r\n"));
        break;
      case P2P_TRACKER_MSG_ANNOUNCE_REPLY:
        g_assert_cmpint (msg.interval, ==, 120);
        g_assert_cmpint (msg.complete, ==, 0);
        g_assert_cmpint (msg.incomplete, >=, 1);
        break;
      case P2P_TRACKER_MSG_OFFER:
        g_assert_true (g_str_has_prefix (l->tag, "tracker-client"));
        g_assert_false (msg.has_to_peer_id);
        g_assert_nonnull (strstr (msg.sdp, "a=setup:actpass\r\n"));
        break;
      case P2P_TRACKER_MSG_ANSWER:
        if (g_str_has_prefix (l->tag, "client-tracker")) {
          assert_id (&msg.peer_id, PEER_A);
          g_assert_true (msg.has_to_peer_id);
          assert_id (&msg.to_peer_id, PEER_B);
        } else {
          assert_id (&msg.peer_id, PEER_A);
          g_assert_false (msg.has_to_peer_id);
        }
        /* A answers the offer B made first */
        g_assert_cmpmem (msg.offer_id.bytes, 20, "j\x12\xd3\xd9\x96\x8f\xd2vE"
            "\xedo\xe8\x41\xa9\xa2\xd6\xc3\x91_\xe7", 20);
        g_assert_nonnull (strstr (msg.sdp, "a=setup:active\r\n"));
        break;
      default:
        g_test_fail_printf ("unexpected %s", p2p_tracker_msg_type_to_string
            (msg.type));
    }
    p2p_tracker_msg_clear (&msg);
  }
  g_assert_cmpuint (counts[P2P_TRACKER_MSG_ANNOUNCE], ==, 3);
  g_assert_cmpuint (counts[P2P_TRACKER_MSG_ANNOUNCE_REPLY], ==, 3);
  g_assert_cmpuint (counts[P2P_TRACKER_MSG_OFFER], ==, 2);
  g_assert_cmpuint (counts[P2P_TRACKER_MSG_ANSWER], ==, 2);
}

/* Every captured offer_id: read, then written back in the very bytes
 * JSON.stringify put on the wire. */
static void
test_captured_offer_ids (void)
{
  g_autoptr (GPtrArray) lines = load_frames ();
  P2pTrackerId info_hash, peer, to_peer;
  guint i, n = 0;

  id_from (&info_hash, INFO_HASH);
  id_from (&peer, PEER_A);
  id_from (&to_peer, PEER_B);
  for (i = 0; i < lines->len; i++) {
    Line *l = g_ptr_array_index (lines, i);
    g_autofree gchar *answer = NULL;
    g_autofree gchar *expected = NULL;
    P2pTrackerId offer_id;

    if (!g_str_equal (l->kind, "offer-id"))
      continue;
    id_from_token (&offer_id, l->text);
    answer = p2p_tracker_msg_build_answer (&info_hash, &peer, &to_peer,
        &offer_id, "v=0\r\n", NULL);
    g_assert_nonnull (answer);
    expected = g_strdup_printf (",\"offer_id\":%s}", l->text);
    g_assert_true (g_str_has_suffix (answer, expected));
    n++;
  }
  g_assert_cmpuint (n, ==, 16);
}

/* The one offer_id whose wire bytes the report spells out. */
static void
test_offer_id_wire_bytes (void)
{
  static const guint8 id_bytes[20] = {
    0x60, 0xd7, 0x7c, 0xf5, 0x99, 0x54, 0xf5, 0x21, 0x51, 0x5d,
    0x12, 0xe6, 0xa4, 0x8e, 0x2e, 0x5e, 0x78, 0x35, 0xbe, 0xa1
  };
  static const gchar token[] = "\"`\xc3\x97|\xc3\xb5\xc2\x99T\xc3\xb5!Q]"
      "\\u0012\xc3\xa6\xc2\xa4\xc2\x8e.^x5\xc2\xbe\xc2\xa1\"";
  P2pTrackerId id, info_hash, peer;
  g_autofree gchar *answer = NULL;

  id_from_token (&id, token);
  g_assert_cmpmem (id.bytes, 20, id_bytes, 20);

  id_from (&info_hash, INFO_HASH);
  id_from (&peer, PEER_A);
  answer = p2p_tracker_msg_build_answer (&info_hash, &peer, &peer, &id,
      "v=0\r\n", NULL);
  g_assert_nonnull (strstr (answer, token));
}

/* ------------------------------------------------------------------ */
/* what we build */

static GList *
member_names (JsonObject * obj)
{
  GList *names = json_object_get_members (obj);
  GList *l;

  for (l = names; l != NULL; l = l->next)
    l->data = g_strdup (l->data);
  return names;
}

static void
assert_same_members (JsonObject * ours, JsonObject * theirs)
{
  GList *a = member_names (ours);
  GList *b = member_names (theirs);
  GList *x, *y;

  for (x = a, y = b; x != NULL && y != NULL; x = x->next, y = y->next)
    g_assert_cmpstr (x->data, ==, y->data);
  g_assert_true (x == NULL && y == NULL);
  g_list_free_full (a, g_free);
  g_list_free_full (b, g_free);
}

/* Same members, in the same order, at every level a browser frame has. */
static void
assert_same_shape (const gchar * ours, const gchar * theirs)
{
  g_autoptr (JsonParser) po = json_parser_new ();
  g_autoptr (JsonParser) pt = json_parser_new ();
  JsonObject *o, *t;

  g_assert_true (json_parser_load_from_data (po, ours, -1, NULL));
  g_assert_true (json_parser_load_from_data (pt, theirs, -1, NULL));
  o = json_node_get_object (json_parser_get_root (po));
  t = json_node_get_object (json_parser_get_root (pt));
  assert_same_members (o, t);

  if (json_object_has_member (t, "offers")) {
    JsonObject *oo = json_array_get_object_element
        (json_object_get_array_member (o, "offers"), 0);
    JsonObject *to = json_array_get_object_element
        (json_object_get_array_member (t, "offers"), 0);

    assert_same_members (oo, to);
    assert_same_members (json_object_get_object_member (oo, "offer"),
        json_object_get_object_member (to, "offer"));
  }
  if (json_object_has_member (t, "answer"))
    assert_same_members (json_object_get_object_member (o, "answer"),
        json_object_get_object_member (t, "answer"));
}

static const gchar *
captured_frame (GPtrArray * lines, const gchar * tag_part)
{
  guint i;

  for (i = 0; i < lines->len; i++) {
    Line *l = g_ptr_array_index (lines, i);

    if (g_str_equal (l->kind, "frame") && strstr (l->tag, tag_part))
      return l->text;
  }
  g_assert_not_reached ();
  return NULL;
}

static void
test_build_like_browser (void)
{
  g_autoptr (GPtrArray) lines = load_frames ();
  P2pTrackerOffer offers[5];
  P2pTrackerAnnounce a = { 0 };
  g_autofree gchar *started = NULL;
  g_autofree gchar *periodic = NULL;
  g_autofree gchar *answer = NULL;
  P2pTrackerMsg msg;
  guint i;

  id_from (&a.info_hash, INFO_HASH);
  p2p_tracker_id_generate_peer_id (&a.peer_id, NULL);
  for (i = 0; i < G_N_ELEMENTS (offers); i++) {
    p2p_tracker_id_generate_offer_id (&offers[i].offer_id);
    offers[i].sdp = (gchar *) SDP_OFFER;
  }
  a.event = P2P_TRACKER_EVENT_STARTED;
  a.numwant = 5;
  a.offers = offers;
  a.n_offers = 5;
  started = p2p_tracker_msg_build_announce (&a, NULL);
  g_assert_nonnull (started);
  assert_same_shape (started, captured_frame (lines,
          "client-tracker-announce-with-offers"));

  parse_ok (started, &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_ANNOUNCE);
  g_assert_cmpint (msg.event, ==, P2P_TRACKER_EVENT_STARTED);
  g_assert_cmpint (msg.numwant, ==, 5);
  g_assert_cmpint (msg.uploaded, ==, 0);
  g_assert_true (p2p_tracker_id_equal (&msg.peer_id, &a.peer_id));
  g_assert_cmpuint (msg.n_offers, ==, 5);
  for (i = 0; i < 5; i++) {
    g_assert_true (p2p_tracker_id_equal (&msg.offers[i].offer_id,
            &offers[i].offer_id));
    g_assert_cmpstr (msg.offers[i].sdp, ==, SDP_OFFER);
  }
  p2p_tracker_msg_clear (&msg);

  a.event = P2P_TRACKER_EVENT_NONE;
  a.uploaded = 123456789;
  a.downloaded = 42;
  periodic = p2p_tracker_msg_build_announce (&a, NULL);
  assert_same_shape (periodic, captured_frame (lines, "periodic"));
  parse_ok (periodic, &msg);
  g_assert_cmpint (msg.event, ==, P2P_TRACKER_EVENT_NONE);
  g_assert_cmpint (msg.uploaded, ==, 123456789);
  g_assert_cmpint (msg.downloaded, ==, 42);
  p2p_tracker_msg_clear (&msg);

  answer = p2p_tracker_msg_build_answer (&a.info_hash, &a.peer_id,
      &offers[0].offer_id, &offers[1].offer_id, "v=0\r\na=setup:active\r\n",
      NULL);
  assert_same_shape (answer, captured_frame (lines, "client-tracker-a-s"));
  parse_ok (answer, &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_ANSWER);
  g_assert_true (msg.has_to_peer_id);
  g_assert_true (p2p_tracker_id_equal (&msg.to_peer_id, &offers[0].offer_id));
  g_assert_true (p2p_tracker_id_equal (&msg.offer_id, &offers[1].offer_id));
  g_assert_cmpstr (msg.sdp, ==, "v=0\r\na=setup:active\r\n");
  p2p_tracker_msg_clear (&msg);

  /* an SDP that looks like the builder's id placeholders stays an SDP */
  for (i = 0; i < 12; i++) {
    g_autofree gchar *sdp = g_strdup_printf (i < 6 ? "\\u0001p2p-id-%u" :
        "p2p-id-%u", i % 6);
    g_autofree gchar *frame = NULL;

    offers[0].sdp = sdp;
    frame = p2p_tracker_msg_build_announce (&a, NULL);
    parse_ok (frame, &msg);
    g_assert_cmpstr (msg.offers[0].sdp, ==, sdp);
    g_assert_true (p2p_tracker_id_equal (&msg.offers[0].offer_id,
            &offers[0].offer_id));
    p2p_tracker_msg_clear (&msg);
  }
}

static void
test_build_stopped_and_scrape (void)
{
  P2pTrackerAnnounce a = { 0 };
  P2pTrackerId hashes[3];
  g_autofree gchar *stopped = NULL;
  g_autofree gchar *scrape = NULL;
  P2pTrackerMsg msg;
  guint i;

  id_from (&a.info_hash, INFO_HASH);
  id_from (&a.peer_id, PEER_A);
  a.event = P2P_TRACKER_EVENT_STOPPED;
  a.numwant = 50;
  stopped = p2p_tracker_msg_build_announce (&a, NULL);
  /* what bittorrent-tracker's client sends on stop() */
  g_assert_cmpstr (stopped, ==, "{\"numwant\":50,\"uploaded\":0,"
      "\"downloaded\":0,\"event\":\"stopped\",\"action\":\"announce\","
      "\"info_hash\":\"" INFO_HASH "\",\"peer_id\":\"" PEER_A "\"}");
  parse_ok (stopped, &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_ANNOUNCE);
  g_assert_cmpint (msg.event, ==, P2P_TRACKER_EVENT_STOPPED);
  g_assert_cmpuint (msg.n_offers, ==, 0);
  p2p_tracker_msg_clear (&msg);

  for (i = 0; i < 3; i++)
    p2p_tracker_id_generate_offer_id (&hashes[i]);
  hashes[2].bytes[0] = 0;
  scrape = p2p_tracker_msg_build_scrape (hashes, 3, NULL);
  parse_ok (scrape, &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_SCRAPE);
  g_assert_cmpuint (msg.n_files, ==, 3);
  for (i = 0; i < 3; i++) {
    g_assert_true (p2p_tracker_id_equal (&msg.files[i].info_hash,
            &hashes[i]));
    g_assert_cmpint (msg.files[i].complete, ==, -1);
  }
  p2p_tracker_msg_clear (&msg);
}

static void
assert_build_error (gchar * frame, GError ** error, gint code)
{
  g_assert_null (frame);
  g_assert_error (*error, P2P_TRACKER_MSG_ERROR, code);
  g_test_message ("refused: %s", (*error)->message);
  g_clear_error (error);
}

static void
test_build_refuses (void)
{
  P2pTrackerOffer offers[11];
  P2pTrackerAnnounce a = { 0 };
  GError *error = NULL;
  gchar *frame, *big;
  guint i;

  id_from (&a.info_hash, INFO_HASH);
  id_from (&a.peer_id, PEER_A);
  for (i = 0; i < G_N_ELEMENTS (offers); i++) {
    p2p_tracker_id_generate_offer_id (&offers[i].offer_id);
    offers[i].sdp = (gchar *) SDP_OFFER;
  }
  a.offers = offers;
  a.n_offers = 11;
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_TOO_LARGE);

  a.n_offers = 1;
  a.event = P2P_TRACKER_EVENT_COMPLETED;
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_BAD_VALUE);

  a.event = P2P_TRACKER_EVENT_STARTED;
  a.numwant = -1;
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  a.numwant = 1;

  /* json-glib would write 0x1f raw, which JSON.parse refuses */
  offers[0].sdp = (gchar *) "v=0\x1f\r\n";
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  offers[0].sdp = (gchar *) "v=0\xff\r\n";
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_BAD_VALUE);

  big = g_malloc (P2P_TRACKER_MAX_SDP + 2);
  memset (big, 'a', P2P_TRACKER_MAX_SDP + 1);
  big[P2P_TRACKER_MAX_SDP + 1] = '\0';
  offers[0].sdp = big;
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_TOO_LARGE);

  /* 10 SDPs of 16 KiB fit each bound but not the frame */
  big[P2P_TRACKER_MAX_SDP] = '\0';
  for (i = 0; i < 10; i++)
    offers[i].sdp = big;
  a.n_offers = 10;
  frame = p2p_tracker_msg_build_announce (&a, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_TOO_LARGE);
  g_free (big);

  frame = p2p_tracker_msg_build_answer (&a.info_hash, &a.peer_id, &a.peer_id,
      &offers[0].offer_id, NULL, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  frame = p2p_tracker_msg_build_scrape (&a.info_hash, 0, &error);
  assert_build_error (frame, &error, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
}

/* ------------------------------------------------------------------ */
/* binary strings and generated ids */

static void
test_binary_strings (void)
{
  P2pTrackerId info_hash, peer, id;
  GError *error = NULL;
  guint start;

  id_from (&info_hash, INFO_HASH);
  id_from (&peer, PEER_A);

  /* all 256 byte values survive a build and a parse */
  for (start = 0; start < 256; start += 20) {
    g_autofree gchar *frame = NULL;
    P2pTrackerMsg msg;
    guint i;

    for (i = 0; i < 20; i++)
      id.bytes[i] = (start + i) & 0xff;
    frame = p2p_tracker_msg_build_answer (&info_hash, &peer, &id, &id,
        "v=0\r\n", NULL);
    g_assert_nonnull (frame);
    /* controls escaped as JSON.stringify does, none raw */
    for (i = 0; frame[i] != '\0'; i++)
      g_assert_cmpint ((guchar) frame[i], >=, 0x20);
    parse_ok (frame, &msg);
    g_assert_true (p2p_tracker_id_equal (&msg.offer_id, &id));
    g_assert_true (p2p_tracker_id_equal (&msg.to_peer_id, &id));
    p2p_tracker_msg_clear (&msg);
    if (start == 0) {
      g_assert_nonnull (strstr (frame, "\"\\u0000\\u0001"));
      g_assert_nonnull (strstr (frame, "\\u0007\\b\\t\\n\\u000b\\f\\r"));
    }
  }

  /* with an explicit length, an embedded NUL byte is U+0000 */
  g_assert_true (p2p_tracker_id_from_string (&id, "\0bcdefghijklmnopqrs\xc3\xbf",
          21, NULL));
  g_assert_cmpint (id.bytes[0], ==, 0);
  g_assert_cmpint (id.bytes[19], ==, 0xff);

  g_assert_false (p2p_tracker_id_from_string (&id, "Un5pXNncgx4ZjfNSita",
          -1, &error));
  g_assert_error (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_false (p2p_tracker_id_from_string (&id, INFO_HASH "a", -1,
          &error));
  g_assert_error (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  g_clear_error (&error);
  /* U+0100, an overlong NUL, a lone continuation byte, U+FFFF */
  g_assert_false (p2p_tracker_id_from_string (&id,
          "\xc4\x80" "bcdefghijklmnopqrst", -1, &error));
  g_clear_error (&error);
  g_assert_false (p2p_tracker_id_from_string (&id,
          "\xc0\x80" "bcdefghijklmnopqrst", -1, &error));
  g_clear_error (&error);
  g_assert_false (p2p_tracker_id_from_string (&id,
          "\x80" "bcdefghijklmnopqrst", -1, &error));
  g_clear_error (&error);
  g_assert_false (p2p_tracker_id_from_string (&id,
          "\xef\xbf\xbf" "bcdefghijklmnopqrs", -1, &error));
  g_assert_error (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  g_clear_error (&error);
}

static void
test_generated_ids (void)
{
  P2pTrackerId a, b, v3;
  g_autofree gchar *hex = NULL;
  guint i;

  p2p_tracker_id_generate_peer_id (&a, NULL);
  p2p_tracker_id_generate_peer_id (&b, NULL);
  p2p_tracker_id_generate_peer_id (&v3, "-PM0500-");
  g_assert_cmpmem (a.bytes, 8, "-PM0203-", 8);
  g_assert_cmpmem (v3.bytes, 8, "-PM0500-", 8);
  for (i = 8; i < 20; i++)
    g_assert_true (g_ascii_isalnum (a.bytes[i]));
  g_assert_false (p2p_tracker_id_equal (&a, &b));
  g_assert_cmpint (p2p_tracker_id_compare (&a, &b), ==,
      -p2p_tracker_id_compare (&b, &a));

  p2p_tracker_id_generate_offer_id (&a);
  for (i = 0; i < 20; i++)
    g_assert_true (g_ascii_isalnum (a.bytes[i]));

  id_from (&a, INFO_HASH);
  hex = p2p_tracker_id_to_hex (&a);
  g_assert_cmpstr (hex, ==, "556e3570584e6e636778345a6a664e5369746161");
  a.bytes[3] = 0x80;
  g_assert_null (p2p_tracker_id_to_ascii (&a));
}

/* ------------------------------------------------------------------ */
/* frames from trackers that the browser capture did not show */

static void
test_parse_other_replies (void)
{
  P2pTrackerMsg msg;

  /* bittorrent-tracker on a frame it could not parse */
  parse_ok ("{\"failure reason\":\"invalid info_hash\"}", &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_FAILURE);
  g_assert_cmpstr (msg.failure_reason, ==, "invalid info_hash");
  g_assert_false (msg.has_info_hash);
  p2p_tracker_msg_clear (&msg);

  parse_ok ("{\"action\":\"announce\",\"failure reason\":\"full\","
      "\"info_hash\":\"" INFO_HASH "\"}", &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_FAILURE);
  g_assert_true (msg.has_info_hash);
  p2p_tracker_msg_clear (&msg);

  parse_ok ("{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
      "\"complete\":3,\"incomplete\":4.0,\"min interval\":60,"
      "\"warning message\":\"slow down\",\"extra\":[1,{\"x\":null}]}", &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_ANNOUNCE_REPLY);
  g_assert_cmpint (msg.interval, ==, 60);
  g_assert_cmpint (msg.complete, ==, 3);
  g_assert_cmpint (msg.incomplete, ==, 4);
  g_assert_cmpstr (msg.warning_message, ==, "slow down");
  p2p_tracker_msg_clear (&msg);

  /* a null member counts as absent */
  parse_ok ("{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
      "\"interval\":30,\"warning message\":null}", &msg);
  g_assert_cmpint (msg.interval, ==, 30);
  g_assert_null (msg.warning_message);
  g_assert_cmpint (msg.complete, ==, -1);
  p2p_tracker_msg_clear (&msg);

  parse_ok ("{\"action\":\"scrape\",\"files\":{\"" INFO_HASH "\":"
      "{\"complete\":1,\"incomplete\":2,\"downloaded\":7},"
      "\"\\u0000bcdefghijklmnopqrst\":{}},\"flags\":{}}", &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_SCRAPE_REPLY);
  g_assert_cmpuint (msg.n_files, ==, 2);
  assert_id (&msg.files[0].info_hash, INFO_HASH);
  g_assert_cmpint (msg.files[0].downloaded, ==, 7);
  g_assert_cmpint (msg.files[1].info_hash.bytes[0], ==, 0);
  g_assert_cmpint (msg.files[1].complete, ==, -1);
  p2p_tracker_msg_clear (&msg);

  parse_ok ("{\"action\":\"scrape\",\"info_hash\":\"" INFO_HASH "\"}", &msg);
  g_assert_cmpint (msg.type, ==, P2P_TRACKER_MSG_SCRAPE);
  g_assert_cmpuint (msg.n_files, ==, 1);
  p2p_tracker_msg_clear (&msg);

  /* a length that stops before trailing bytes */
  g_assert_true (p2p_tracker_msg_parse ("{\"failure reason\":\"x\"}garbage",
          22, &msg, NULL));
  p2p_tracker_msg_clear (&msg);
}

static void
assert_parse_error (const gchar * frame, gssize len, gint code)
{
  g_autoptr (GError) error = NULL;
  P2pTrackerMsg msg;

  if (p2p_tracker_msg_parse (frame, len, &msg, &error)) {
    g_test_fail_printf ("accepted %.80s as %s", frame,
        p2p_tracker_msg_type_to_string (msg.type));
    p2p_tracker_msg_clear (&msg);
    return;
  }
  {
    g_autofree gchar *shown = g_strescape (frame, NULL);

    g_test_message ("%.60s -> %s", shown, error->message);
  }
  g_assert_error (error, P2P_TRACKER_MSG_ERROR, code);
}

#define REPLY "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
#define OFFER REPLY "\"peer_id\":\"" PEER_B "\","

static void
test_parse_malformed (void)
{
  GString *s;
  guint i;

  /* not JSON objects */
  assert_parse_error ("", -1, P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error ("hello", -1, P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error ("[1,2]", -1, P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error ("{\"action\":", -1, P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error ("{\"a\":\"\xff\"}", -1, P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error ("{\"action\":\"scrape\"}\0x", 21,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  /* "\u0x00" is not an escape and must not turn into one */
  assert_parse_error (REPLY "\"warning message\":\"\\u0x00\"}", -1,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  /* C escapes JSON has not (found by fuzz-tracker-msg): "\214" is a
   * lone byte */
  assert_parse_error (OFFER "\"offer_id\":\"" PEER_A "\",\"offer\":"
      "{\"type\":\"offer\",\"sdp\":\"v=0\\214n\"}}", -1,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error (REPLY "\"warning message\":\"\\x41\"}", -1,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  /* lone surrogates have no UTF-8 form: an SDP must not carry one on */
  assert_parse_error (OFFER "\"offer_id\":\"" PEER_A "\",\"offer\":"
      "{\"type\":\"offer\",\"sdp\":\"v=0\\udddd x\"}}", -1,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error (REPLY "\"warning message\":\"\\ud800 x\"}", -1,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  assert_parse_error (REPLY "\"warning message\":\"\\ud800\\u0041\"}", -1,
      P2P_TRACKER_MSG_ERROR_SYNTAX);
  {
    const gchar *pair = REPLY "\"interval\":5,"
        "\"warning message\":\"\\ud83d\\ude00\"}";
    P2pTrackerMsg msg;
    GError *error = NULL;

    g_assert_true (p2p_tracker_msg_parse (pair, -1, &msg, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (msg.warning_message, ==, "\xf0\x9f\x98\x80");
    p2p_tracker_msg_clear (&msg);
  }
  s = g_string_new (NULL);
  for (i = 0; i < 20000; i++)
    g_string_append_c (s, '[');
  assert_parse_error (s->str, -1, P2P_TRACKER_MSG_ERROR_SYNTAX);
  g_string_free (s, TRUE);

  /* actions */
  assert_parse_error ("{}", -1, P2P_TRACKER_MSG_ERROR_MISSING_FIELD);
  assert_parse_error ("{\"action\":7}", -1, P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error ("{\"action\":\"connect\"}", -1,
      P2P_TRACKER_MSG_ERROR_UNKNOWN_ACTION);

  /* info_hash and other ids */
  assert_parse_error ("{\"action\":\"announce\",\"interval\":1}", -1,
      P2P_TRACKER_MSG_ERROR_MISSING_FIELD);
  assert_parse_error ("{\"action\":\"announce\",\"info_hash\":5}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error ("{\"action\":\"announce\",\"info_hash\":\"short\"}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error ("{\"action\":\"announce\",\"info_hash\":"
      "\"\\u0100n5pXNncgx4ZjfNSitaa\"}", -1, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error ("{\"action\":\"announce\",\"info_hash\":"
      "\"\\uffffn5pXNncgx4ZjfNSitaa\"}", -1, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error ("{\"action\":\"announce\",\"info_hash\":"
      "\"\xef\xbf\xbfn5pXNncgx4ZjfNSitaa\"}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (REPLY "\"answer\":{\"sdp\":\"v=0\"},"
      "\"offer_id\":\"" INFO_HASH "\"}", -1,
      P2P_TRACKER_MSG_ERROR_MISSING_FIELD);
  assert_parse_error (OFFER "\"offer\":{\"sdp\":\"v=0\"}}", -1,
      P2P_TRACKER_MSG_ERROR_MISSING_FIELD);
  assert_parse_error (OFFER "\"offer\":{\"sdp\":\"v=0\"},\"offer_id\":["
      "\"" INFO_HASH "\"]}", -1, P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (OFFER "\"answer\":{\"sdp\":\"v=0\"},\"offer_id\":\""
      INFO_HASH "\",\"to_peer_id\":\"x\"}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);

  /* counters */
  assert_parse_error (REPLY "\"interval\":\"120\"}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (REPLY "\"interval\":true}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (REPLY "\"interval\":-1}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (REPLY "\"complete\":1.5}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (REPLY "\"complete\":1e300}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);

  /* offers and answers */
  assert_parse_error (OFFER "\"offer\":\"v=0\",\"offer_id\":\"" INFO_HASH
      "\"}", -1, P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (OFFER "\"offer\":{\"type\":\"answer\",\"sdp\":\"v\"},"
      "\"offer_id\":\"" INFO_HASH "\"}", -1, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (OFFER "\"offer\":{\"type\":\"offer\",\"sdp\":5},"
      "\"offer_id\":\"" INFO_HASH "\"}", -1, P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (OFFER "\"offer\":{\"type\":\"offer\"},"
      "\"offer_id\":\"" INFO_HASH "\"}", -1,
      P2P_TRACKER_MSG_ERROR_MISSING_FIELD);
  assert_parse_error (OFFER "\"offer\":{\"sdp\":\"v=0\\u0000\"},"
      "\"offer_id\":\"" INFO_HASH "\"}", -1, P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (OFFER "\"offer\":{\"sdp\":\"v\"},\"answer\":{\"sdp\":"
      "\"v\"},\"offer_id\":\"" INFO_HASH "\"}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (OFFER "\"event\":\"paused\"}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error (OFFER "\"offers\":{}}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (OFFER "\"offers\":[7]}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error (OFFER "\"offers\":[{\"offer_id\":\"" INFO_HASH "\","
      "\"offer\":{\"sdp\":\"v\"}},{\"offer\":{\"sdp\":\"v\"}}]}", -1,
      P2P_TRACKER_MSG_ERROR_MISSING_FIELD);

  /* scrape */
  assert_parse_error ("{\"action\":\"scrape\",\"files\":[]}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error ("{\"action\":\"scrape\",\"files\":{\"" INFO_HASH
      "\":3}}", -1, P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error ("{\"action\":\"scrape\",\"files\":{\"abc\":{}}}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  assert_parse_error ("{\"action\":\"scrape\",\"info_hash\":[1]}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);
  assert_parse_error ("{\"action\":\"scrape\",\"info_hash\":{}}", -1,
      P2P_TRACKER_MSG_ERROR_BAD_TYPE);

  /* bounds */
  s = g_string_new (OFFER "\"offers\":[");
  for (i = 0; i < 11; i++)
    g_string_append_printf (s, "%s{\"offer_id\":\"" INFO_HASH "\","
        "\"offer\":{\"sdp\":\"v\"}}", i ? "," : "");
  g_string_append (s, "]}");
  assert_parse_error (s->str, -1, P2P_TRACKER_MSG_ERROR_TOO_LARGE);
  g_string_free (s, TRUE);

  s = g_string_new (OFFER "\"offer_id\":\"" INFO_HASH "\",\"offer\":"
      "{\"sdp\":\"");
  for (i = 0; i <= P2P_TRACKER_MAX_SDP; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, "\"}}");
  assert_parse_error (s->str, -1, P2P_TRACKER_MSG_ERROR_TOO_LARGE);
  while (s->len <= P2P_TRACKER_MAX_FRAME)
    g_string_append_c (s, ' ');
  assert_parse_error (s->str, -1, P2P_TRACKER_MSG_ERROR_TOO_LARGE);
  g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tracker/captured/frames", test_captured_frames);
  g_test_add_func ("/tracker/captured/offer-ids", test_captured_offer_ids);
  g_test_add_func ("/tracker/captured/offer-id-wire-bytes",
      test_offer_id_wire_bytes);
  g_test_add_func ("/tracker/build/like-browser", test_build_like_browser);
  g_test_add_func ("/tracker/build/stopped-and-scrape",
      test_build_stopped_and_scrape);
  g_test_add_func ("/tracker/build/refuses", test_build_refuses);
  g_test_add_func ("/tracker/ids/binary-strings", test_binary_strings);
  g_test_add_func ("/tracker/ids/generated", test_generated_ids);
  g_test_add_func ("/tracker/parse/other-replies", test_parse_other_replies);
  g_test_add_func ("/tracker/parse/malformed", test_parse_malformed);

  return g_test_run ();
}
