/* gst-p2pcdn: the tracker server with real WebSocket clients on 127.0.0.1.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "tracker-test-client.h"

#define WAIT 2000               /* ms for a message that must come */
#define QUIET 200               /* ms during which none may come */

typedef struct {
  P2pTrackerServer *server;
  gchar *info_hash;
} Fixture;

static void
start_server (Fixture * f, const P2pTrackerLimits * limits)
{
  g_autoptr (GError) error = NULL;

  f->server = p2p_tracker_server_new (limits, &error);
  g_assert_no_error (error);
  g_assert_true (p2p_tracker_server_start (f->server, NULL, "127.0.0.1", 0,
          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p2p_tracker_server_get_port (f->server), >, 0);
  f->info_hash = test_id ("Un5pXNncgx4ZjfNSitaa");
}

static void
fixture_setup (Fixture * f, gconstpointer data)
{
  start_server (f, data);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  g_clear_object (&f->server);
  g_free (f->info_hash);
  /* Let closing sockets finish so that no test leaks into the next. */
  test_run_for (50);
}

static TestClient *
connect_client (Fixture * f)
{
  g_autoptr (GError) error = NULL;
  TestClient *client = test_client_connect (f->server, &error);

  g_assert_no_error (error);
  return client;
}

static void
assert_string_member (JsonObject * object, const gchar * name,
    const gchar * value)
{
  g_assert_nonnull (object);
  g_assert_true (json_object_has_member (object, name));
  g_assert_cmpstr (json_object_get_string_member (object, name), ==, value);
}

static void
assert_int_member (JsonObject * object, const gchar * name, gint64 value)
{
  g_assert_nonnull (object);
  g_assert_true (json_object_has_member (object, name));
  g_assert_cmpint (json_object_get_int_member (object, name), ==, value);
}

/* Announces and checks the reply's counts. */
static void
announce (TestClient * client, const gchar * info_hash, const gchar * peer_id,
    const gchar * event, guint n_offers, guint complete, guint incomplete)
{
  g_autofree gchar *text = test_announce (info_hash, peer_id, event, n_offers,
      peer_id);
  g_autoptr (JsonObject) reply = NULL;

  test_client_send (client, text);
  reply = test_client_receive_object (client, WAIT);
  assert_string_member (reply, "action", "announce");
  assert_string_member (reply, "info_hash", info_hash);
  assert_int_member (reply, "interval", P2P_TRACKER_DEFAULT_INTERVAL);
  assert_int_member (reply, "complete", complete);
  assert_int_member (reply, "incomplete", incomplete);
  g_assert_false (json_object_has_member (reply, "failure reason"));
}

static void
assert_failure (TestClient * client, const gchar * text, const gchar * reason,
    const gchar * info_hash)
{
  g_autoptr (JsonObject) reply = NULL;

  /* libsoup will not send invalid UTF-8 as text; JSON in a binary message
   * is what bittorrent-tracker accepts too. */
  if (g_utf8_validate (text, -1, NULL))
    test_client_send (client, text);
  else
    soup_websocket_connection_send_binary (client->ws, text, strlen (text));
  reply = test_client_receive_object (client, WAIT);
  assert_string_member (reply, "failure reason", reason);
  if (info_hash) {
    assert_string_member (reply, "action", "announce");
    assert_string_member (reply, "info_hash", info_hash);
  } else {
    g_assert_cmpuint (json_object_get_size (reply), ==, 1);
  }
}

/* Scrapes one swarm and checks its counts. */
static void
assert_scrape (TestClient * client, const gchar * info_hash, guint complete,
    guint incomplete)
{
  g_autofree gchar *text = g_strdup_printf ("{\"action\":\"scrape\","
      "\"info_hash\":\"%s\"}", info_hash);
  g_autoptr (JsonObject) reply = NULL;
  JsonObject *files, *file;

  test_client_send (client, text);
  reply = test_client_receive_object (client, WAIT);
  assert_string_member (reply, "action", "scrape");
  files = json_object_get_object_member (reply, "files");
  g_assert_nonnull (files);
  file = json_object_get_object_member (files, info_hash);
  assert_int_member (file, "complete", complete);
  assert_int_member (file, "incomplete", incomplete);
  assert_int_member (file, "downloaded", complete);
}

static void
test_offer_answer (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autofree gchar *peer_a = test_id ("-PM0203-AAAAAAAAAAAA");
  g_autofree gchar *peer_b = test_id ("-PM0203-BBBBBBBBBBBB");
  g_autoptr (JsonObject) offer = NULL;
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *first_offer_id = NULL;
  g_autofree gchar *offer_id = NULL;
  JsonObject *description;

  /* Alone in the swarm: its offers go nowhere. */
  announce (a, f->info_hash, peer_a, "started", 2, 0, 1);
  g_assert_null (test_client_receive (a, QUIET));

  announce (b, f->info_hash, peer_b, "started", 3, 0, 2);
  g_assert_null (test_client_receive (b, QUIET));

  /* One other peer: exactly one of B's offers, the first, reaches A. */
  offer = test_client_receive_object (a, WAIT);
  assert_string_member (offer, "action", "announce");
  assert_string_member (offer, "peer_id", peer_b);
  assert_string_member (offer, "info_hash", f->info_hash);
  g_assert_false (json_object_has_member (offer, "to_peer_id"));
  first_offer_id = test_offer_id (peer_b, 0);
  offer_id = g_strdup (json_object_get_string_member (offer, "offer_id"));
  g_assert_cmpstr (offer_id, ==, first_offer_id);
  description = json_object_get_object_member (offer, "offer");
  assert_string_member (description, "type", "offer");
  assert_string_member (description, "sdp", "v=0\r\ns=offer 0\r\n");
  g_assert_null (test_client_receive (a, QUIET));

  text = g_strdup_printf ("{\"action\":\"announce\",\"info_hash\":\"%s\","
      "\"peer_id\":\"%s\",\"to_peer_id\":\"%s\",\"offer_id\":\"%s\","
      "\"answer\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\ns=answer\\r\\n\"}}",
      f->info_hash, peer_a, peer_b, offer_id);
  test_client_send (a, text);

  answer = test_client_receive_object (b, WAIT);
  assert_string_member (answer, "action", "announce");
  assert_string_member (answer, "peer_id", peer_a);
  assert_string_member (answer, "offer_id", offer_id);
  assert_string_member (answer, "info_hash", f->info_hash);
  description = json_object_get_object_member (answer, "answer");
  assert_string_member (description, "type", "answer");
  assert_string_member (description, "sdp", "v=0\r\ns=answer\r\n");
  /* The answerer gets no reply. */
  g_assert_null (test_client_receive (a, QUIET));

  stats = test_get_stats (f->server);
  assert_int_member (stats, "connections", 2);
  assert_int_member (stats, "swarms", 1);
  assert_int_member (stats, "peers", 2);
  assert_int_member (stats, "offers_forwarded", 1);
  assert_int_member (stats, "answers_forwarded", 1);
  assert_int_member (stats, "messages_in", 3);
  assert_int_member (stats, "messages_out", 4);
  assert_int_member (stats, "rejected_messages", 0);
}

static void
test_offers_spread (Fixture * f, gconstpointer data)
{
  TestClient *peers[6];
  g_autoptr (GHashTable) offer_ids = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  g_autofree gchar *last = test_id ("-PM0203-LAST");
  guint i, received = 0;

  for (i = 0; i < G_N_ELEMENTS (peers); i++) {
    g_autofree gchar *prefix = g_strdup_printf ("-PM0203-P%u", i);
    g_autofree gchar *peer_id = test_id (prefix);

    peers[i] = connect_client (f);
    announce (peers[i], f->info_hash, peer_id, "started", 0, 0, i + 1);
  }

  /* 4 offers, 6 other peers: 4 distinct peers get one offer each. */
  {
    g_autoptr (TestClient) last_client = connect_client (f);

    announce (last_client, f->info_hash, last, NULL, 4, 0, 7);
    test_run_for (QUIET);
    for (i = 0; i < G_N_ELEMENTS (peers); i++) {
      g_autoptr (JsonObject) offer = NULL;

      if (g_queue_is_empty (&peers[i]->received))
        continue;
      g_assert_cmpuint (g_queue_get_length (&peers[i]->received), ==, 1);
      offer = test_client_receive_object (peers[i], 0);
      assert_string_member (offer, "peer_id", last);
      g_hash_table_add (offer_ids,
          g_strdup (json_object_get_string_member (offer, "offer_id")));
      received++;
    }
  }
  g_assert_cmpuint (received, ==, 4);
  g_assert_cmpuint (g_hash_table_size (offer_ids), ==, 4);

  for (i = 0; i < G_N_ELEMENTS (peers); i++)
    test_client_free (peers[i]);
}

static void
test_numwant_limits_offers (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autoptr (TestClient) c = connect_client (f);
  g_autofree gchar *text = NULL;
  g_autofree gchar *reply = NULL;
  guint forwarded;

  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  announce (b, f->info_hash, "-PM0203-B00000000000", "started", 0, 0, 2);
  text = test_announce (f->info_hash, "-PM0203-C00000000000", "started", 3,
      "x");
  /* numwant 1 with 3 offers: one forward only. */
  memcpy (strstr (text, "\"numwant\":3"), "\"numwant\":1", 11);
  test_client_send (c, text);
  reply = test_client_receive (c, WAIT);
  g_assert_nonnull (reply);
  test_run_for (QUIET);
  forwarded = g_queue_get_length (&a->received) +
      g_queue_get_length (&b->received);
  g_assert_cmpuint (forwarded, ==, 1);
}

static void
test_stopped_and_close (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autoptr (TestClient) observer = connect_client (f);
  g_autofree gchar *other_hash = test_id ("otherswarm");
  g_autoptr (JsonObject) reply = NULL;
  g_autoptr (JsonObject) stats = NULL;
  JsonObject *files;

  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  /* "completed" and left = 0 count as seeders. */
  announce (b, f->info_hash, "-PM0203-B00000000000", "completed", 0, 1, 1);
  /* One socket, several swarms. */
  announce (b, other_hash, "-PM0203-B00000000000", "started", 0, 0, 1);
  assert_scrape (observer, f->info_hash, 1, 1);
  assert_scrape (observer, other_hash, 0, 1);

  announce (a, f->info_hash, "-PM0203-A00000000000", "stopped", 0, 1, 0);
  assert_scrape (observer, f->info_hash, 1, 0);
  /* Stopping twice is harmless. */
  announce (a, f->info_hash, "-PM0203-A00000000000", "stopped", 0, 1, 0);

  /* Closing B's socket removes it from both swarms. */
  soup_websocket_connection_close (b->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (test_client_wait_closed (b, WAIT));
  test_run_for (50);
  assert_scrape (observer, f->info_hash, 0, 0);
  assert_scrape (observer, other_hash, 0, 0);

  /* A scrape of everything lists no empty swarm. */
  test_client_send (observer, "{\"action\":\"scrape\"}");
  reply = test_client_receive_object (observer, WAIT);
  files = json_object_get_object_member (reply, "files");
  g_assert_nonnull (files);
  g_assert_cmpuint (json_object_get_size (files), ==, 0);

  stats = test_get_stats (f->server);
  assert_int_member (stats, "connections", 2);
  assert_int_member (stats, "swarms", 0);
  assert_int_member (stats, "peers", 0);
}

static void
test_scrape (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autofree gchar *second = test_id ("second");
  g_autofree gchar *unknown = test_id ("unknown");
  g_autofree gchar *text = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autoptr (JsonObject) all = NULL;
  JsonObject *files;

  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  announce (a, second, "-PM0203-A00000000000", NULL, 0, 0, 1);

  text = g_strdup_printf ("{\"action\":\"scrape\",\"info_hash\":"
      "[\"%s\",\"%s\",\"%s\"]}", f->info_hash, second, unknown);
  test_client_send (a, text);
  reply = test_client_receive_object (a, WAIT);
  assert_string_member (reply, "action", "scrape");
  files = json_object_get_object_member (reply, "files");
  g_assert_cmpuint (json_object_get_size (files), ==, 3);
  assert_int_member (json_object_get_object_member (files, unknown),
      "incomplete", 0);
  assert_int_member (json_object_get_object_member (files, second),
      "incomplete", 1);
  assert_int_member (json_object_get_object_member (reply, "flags"),
      "min_request_interval", P2P_TRACKER_DEFAULT_INTERVAL);

  test_client_send (a, "{\"action\":\"scrape\"}");
  all = test_client_receive_object (a, WAIT);
  files = json_object_get_object_member (all, "files");
  g_assert_cmpuint (json_object_get_size (files), ==, 2);
  g_assert_true (json_object_has_member (files, f->info_hash));
  g_assert_true (json_object_has_member (files, second));
}

static void
test_binary_ids (Fixture * f, gconstpointer data)
{
  /* Ids with \u0000 and other bytes json-glib handles badly travel intact. */
  static const gchar peer_a[] =
      "\\u0000\\u001f\\u007f\\u00ff\\\"\\\\abcdefghijklmn";
  static const gchar peer_b[] = "B\\u0000\\u0000\\u0000BBBBBBBBBBBBBBBB";
  static const gchar offer_id[] = "\\u0000\\u0001\\u001f\\u007fxyz"
      "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
      "\\u0000";
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autofree gchar *text = NULL;
  g_autofree gchar *forwarded = NULL;
  g_autofree gchar *reply = NULL;

  text = g_strdup_printf ("{\"action\":\"announce\",\"info_hash\":\"%s\","
      "\"peer_id\":\"%s\",\"event\":\"started\"}", f->info_hash, peer_a);
  test_client_send (a, text);
  reply = test_client_receive (a, WAIT);
  g_assert_nonnull (reply);
  g_assert_null (strstr (reply, "failure"));
  g_free (text);

  text = g_strdup_printf ("{\"action\":\"announce\",\"info_hash\":\"%s\","
      "\"peer_id\":\"%s\",\"offers\":[{\"offer_id\":\"%s\",\"offer\":"
      "{\"type\":\"offer\",\"sdp\":\"x\"}}]}", f->info_hash, peer_b, offer_id);
  test_client_send (b, text);
  g_free (reply);
  reply = test_client_receive (b, WAIT);
  g_assert_null (strstr (reply, "failure"));

  /* Written as JSON.stringify writes them: \u0000, \u001f, raw DEL and
   * raw UTF-8 for U+0080..U+00FF. */
  forwarded = test_client_receive (a, WAIT);
  g_assert_nonnull (forwarded);
  g_assert_nonnull (strstr (forwarded, "\"offer_id\":\"\\u0000\\u0001"
          "\\u001f\x7fxyz\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\\u0000\""));
  g_assert_nonnull (strstr (forwarded,
          "\"peer_id\":\"B\\u0000\\u0000\\u0000BBBBBBBBBBBBBBBB\""));
}

/* @IH@, @PEER@ and @BAD@ in @format become the given strings. */
static gchar *
fill_in (const gchar * format, const gchar * ih, const gchar * peer,
    const gchar * bad)
{
  g_autoptr (GString) text = g_string_new (format);

  g_string_replace (text, "@IH@", ih, 0);
  g_string_replace (text, "@PEER@", peer, 0);
  g_string_replace (text, "@BAD@", bad, 0);
  return g_strdup (text->str);
}

static void
test_malformed (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) bad = connect_client (f);
  g_autoptr (TestClient) good = connect_client (f);
  g_autofree gchar *twenty_one = test_id ("x");
  g_autofree gchar *text = NULL;
  g_autoptr (JsonObject) stats = NULL;
  const gchar *peer = "-PM0203-A00000000000";
  const gchar *ih = f->info_hash;
  struct {
    const gchar *format;
    const gchar *reason;
    gboolean with_info_hash;
  } cases[] = {
    {"not json", "invalid JSON: unexpected character at byte 1", FALSE},
    {"", "invalid JSON: empty message", FALSE},
    {"{\"action\":\"announce\" // comment\n}",
        "invalid JSON: unexpected character at byte 21", FALSE},
    {"{'action':'announce'}", "invalid JSON: unexpected character at byte 1",
        FALSE},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "invalid JSON: nested too deeply at byte 32", FALSE},
    {"{\"a\":\"\t\"}", "invalid JSON: control character in string at byte 6",
        FALSE},
    {"{\"a\":\"\xff\"}", "invalid JSON: not UTF-8", FALSE},
    {"{\"a\":\"\xf4\x8f\xbf\xbd\"}",
        "invalid JSON: reserved character U+10FFFD at byte 6", FALSE},
    {"[1,2]", "invalid message: not a JSON object", FALSE},
    {"{\"action\":\"connect\"}", "invalid action in WS request", FALSE},
    {"{\"action\":5}", "invalid action in WS request", FALSE},
    {"{\"action\":\"announce\",\"info_hash\":\"short\",\"peer_id\":\"@PEER@\"}",
        "invalid info_hash", FALSE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@BAD@X\"}",
        "invalid peer_id", FALSE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":42}",
        "invalid peer_id", FALSE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"answer\":{\"type\":\"answer\",\"sdp\":\"\"}}",
        "invalid `to_peer_id` (required with `answer`)", FALSE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"event\":\"exploded\"}", "invalid event", TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"numwant\":\"5\"}", "invalid numwant", TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"offers\":{}}", "invalid offers", TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"offers\":[{\"offer_id\":\"@PEER@\",\"offer\":\"sdp\"}]}",
        "invalid offer", TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"offers\":[{\"offer_id\":\"1\",\"offer\":{\"sdp\":\"\"}}]}",
        "invalid offer_id", TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"@IH@\",\"peer_id\":\"@PEER@\","
          "\"to_peer_id\":\"@PEER@\",\"offer_id\":\"@PEER@\",\"answer\":5}",
        "invalid answer", TRUE},
    {"{\"action\":\"scrape\",\"info_hash\":[\"@IH@\",7]}",
        "invalid info_hash", FALSE},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_free (text);
    text = fill_in (cases[i].format, ih, peer, twenty_one);
    g_test_message ("sending %s", text);
    assert_failure (bad, text, cases[i].reason,
        cases[i].with_info_hash ? ih : NULL);
  }

  /* Neither the bad client nor anyone else lost service. */
  announce (bad, ih, peer, "started", 0, 0, 1);
  announce (good, ih, "-PM0203-B00000000000", "started", 0, 0, 2);
  g_assert_false (bad->closed);

  stats = test_get_stats (f->server);
  assert_int_member (stats, "rejected_messages", G_N_ELEMENTS (cases));
}

static void
test_too_many_offers (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autofree gchar *text = test_announce (f->info_hash,
      "-PM0203-B00000000000", "started", P2P_TRACKER_DEFAULT_MAX_OFFERS + 1,
      "o");
  g_autoptr (JsonObject) offer = NULL;

  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  assert_failure (b, text, "too many offers (max 10)", f->info_hash);
  /* Refused as a whole: B did not join and A got no offer. */
  assert_scrape (a, f->info_hash, 0, 1);
  g_assert_null (test_client_receive (a, QUIET));
  announce (b, f->info_hash, "-PM0203-B00000000000", "started",
      P2P_TRACKER_DEFAULT_MAX_OFFERS, 0, 2);
  offer = test_client_receive_object (a, WAIT);
  assert_string_member (offer, "peer_id", "-PM0203-B00000000000");
}

static void
test_oversized_message (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) big = connect_client (f);
  g_autoptr (TestClient) good = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *padding = g_strnfill (4096, 'x');
  g_autofree gchar *text = g_strdup_printf ("{\"action\":\"scrape\","
      "\"padding\":\"%s\"}", padding);

  test_client_send (big, text);
  g_assert_true (test_client_wait_closed (big, WAIT));
  /* libsoup 3.2 drops the TCP connection without a close frame. */
  g_assert_cmpuint (big->close_code, !=, SOUP_WEBSOCKET_CLOSE_NORMAL);

  announce (good, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  stats = test_get_stats (f->server);
  assert_int_member (stats, "rejected_messages", 1);
  assert_int_member (stats, "connections", 1);
}

static void
test_fragmented_oversized (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) raw = test_raw_connect (f->server, 0, &error);
  g_autoptr (TestClient) good = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *chunk = g_strnfill (1000, ' ');
  guint i;

  g_assert_no_error (error);
  /* Each frame is small; the message they build never ends.  libsoup 3.2
   * alone would buffer it without bound. */
  g_assert_true (test_raw_send_frame (raw, 0x1, FALSE, "{\"a\":\"", 6,
          &error));
  for (i = 0; i < 100 && !error; i++)
    test_raw_send_frame (raw, 0x0, FALSE, chunk, 1000, &error);
  g_assert_true (test_raw_wait_eof (raw, WAIT));

  announce (good, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  stats = test_get_stats (f->server);
  assert_int_member (stats, "rejected_messages", 1);
  assert_int_member (stats, "connections", 1);
}

static void
test_fragmented_ok (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) raw = test_raw_connect (f->server, 0, &error);
  g_autoptr (JsonObject) stats = NULL;

  g_assert_no_error (error);
  /* A message in three frames within the limits is served. */
  g_assert_true (test_raw_send_frame (raw, 0x1, FALSE, "{\"act", 5, &error));
  g_assert_true (test_raw_send_frame (raw, 0x0, FALSE, "ion\":\"scr", 9,
          &error));
  g_assert_true (test_raw_send_frame (raw, 0x0, TRUE, "ape\"}", 5, &error));
  test_run_for (QUIET);
  stats = test_get_stats (f->server);
  assert_int_member (stats, "messages_in", 1);
  assert_int_member (stats, "messages_out", 1);
  assert_int_member (stats, "rejected_messages", 0);
}

static void
test_idle_timeout (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) silent = connect_client (f);
  g_autoptr (TestClient) chatty = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  gint64 start = g_get_monotonic_time ();
  guint i;

  announce (silent, f->info_hash, "-PM0203-S00000000000", "started", 0, 0, 1);
  /* chatty speaks every 400 ms, under the 1 s timeout, for 2.4 s. */
  for (i = 0; i < 6; i++) {
    g_autofree gchar *text = test_announce (f->info_hash,
        "-PM0203-C00000000000", NULL, 0, "o");

    test_client_send (chatty, text);
    g_free (test_client_receive (chatty, WAIT));
    test_run_for (400);
  }
  g_assert_true (silent->closed);
  g_assert_cmpuint (silent->close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_false (chatty->closed);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_TIME_SPAN_SECOND);

  stats = test_get_stats (f->server);
  assert_int_member (stats, "connections_closed_idle", 1);
  assert_int_member (stats, "peers", 1);
}

static void
test_max_connections (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  TestClient *b = connect_client (f);
  g_autoptr (TestClient) d = NULL;
  g_autoptr (GError) error = NULL;
  TestClient *c;
  g_autoptr (JsonObject) stats = NULL;

  c = test_client_connect (f->server, &error);
  g_assert_null (c);
  g_assert_error (error, SOUP_WEBSOCKET_ERROR,
      SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET);
  g_clear_error (&error);

  /* A slot frees when a client leaves. */
  soup_websocket_connection_close (b->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (test_client_wait_closed (b, WAIT));
  test_client_free (b);
  test_run_for (50);
  d = connect_client (f);
  announce (d, f->info_hash, "-PM0203-D00000000000", "started", 0, 0, 1);

  stats = test_get_stats (f->server);
  assert_int_member (stats, "connections_refused", 1);
  assert_int_member (stats, "connections", 2);
  g_assert_false (a->closed);
}

static void
test_max_swarms (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autofree gchar *text = test_announce ("third-swarm-00000000",
      "-PM0203-A00000000000", "started", 0, "o");

  announce (a, "first-swarm-00000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  announce (a, "second-swarm-0000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  assert_failure (a, text, "too many swarms on this connection (max 2)",
      "third-swarm-00000000");
  /* Leaving one makes room. */
  announce (a, "first-swarm-00000000", "-PM0203-A00000000000", "stopped", 0,
      0, 0);
  announce (a, "third-swarm-00000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
}

static void
test_peer_id_taken (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) thief = connect_client (f);
  g_autofree gchar *text = test_announce (f->info_hash,
      "-PM0203-A00000000000", "started", 0, "o");

  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  assert_failure (thief, text,
      "peer_id is already in this swarm on another connection",
      f->info_hash);
  /* Once A left, the id is free again. */
  soup_websocket_connection_close (a->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (test_client_wait_closed (a, WAIT));
  test_run_for (50);
  announce (thief, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
}

static void
test_send_backlog (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) sink = NULL;
  g_autoptr (TestClient) source = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *sdp = g_strnfill (60000, 'a');
  g_autofree gchar *text = NULL;
  g_autofree gchar *sink_announce = test_announce (f->info_hash,
      "-PM0203-SINK00000000", "started", 0, "o");
  guint i;

  /* A client that announces, then never reads. */
  sink = test_raw_connect (f->server, 4096, &error);
  g_assert_no_error (error);
  g_assert_true (test_raw_send_frame (sink, 0x1, TRUE, sink_announce,
          strlen (sink_announce), &error));
  test_run_for (QUIET);

  text = g_strdup_printf ("{\"action\":\"announce\",\"info_hash\":\"%s\","
      "\"peer_id\":\"-PM0203-SOURCE000000\",\"offers\":[{\"offer_id\":"
      "\"abcdefghijklmnopqrst\",\"offer\":{\"type\":\"offer\",\"sdp\":\"%s\"}}]}",
      f->info_hash, sdp);
  for (i = 0; i < 400; i++) {
    g_autoptr (JsonObject) reply = NULL;

    test_client_send (source, text);
    reply = test_client_receive_object (source, WAIT);
    g_assert_nonnull (reply);
    if (json_object_get_int_member (reply, "incomplete") == 1)
      break;
  }
  /* The sink was dropped from the swarm once 1 MiB waited for it. */
  g_assert_cmpuint (i, <, 400);
  stats = test_get_stats (f->server);
  assert_int_member (stats, "connections_closed_backlog", 1);
}

static void
test_http (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *body = NULL;
  guint status;
  JsonArray *swarms;
  JsonObject *swarm;

  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  stats = test_get_stats (f->server);
  assert_int_member (stats, "connections", 1);
  assert_int_member (stats, "swarms", 1);
  assert_int_member (stats, "peers", 1);
  swarms = json_object_get_array_member (stats, "swarm_peers");
  g_assert_cmpuint (json_array_get_length (swarms), ==, 1);
  swarm = json_array_get_object_element (swarms, 0);
  assert_string_member (swarm, "info_hash", f->info_hash);
  assert_string_member (swarm, "info_hash_hex",
      "556e3570584e6e636778345a6a664e5369746161");
  assert_int_member (swarm, "peers", 1);
  assert_int_member (swarm, "incomplete", 1);

  /* The listing of swarms is reused for a second, the counts are not. */
  announce (a, "second-swarm-0000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  g_clear_pointer (&stats, json_object_unref);
  stats = test_get_stats (f->server);
  assert_int_member (stats, "swarms", 2);
  swarms = json_object_get_array_member (stats, "swarm_peers");
  g_assert_cmpuint (json_array_get_length (swarms), ==, 1);

  /* Plain HTTP elsewhere is refused, not served. */
  body = test_http_get (f->server, "/announce", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_true (g_str_has_prefix (body, "p2pcdn-tracker: a WebSocket"));
}

/* The stats without a connection of their own, for tests that count
 * connections per address. */
static JsonObject *
server_stats (Fixture * f)
{
  g_autoptr (JsonNode) node = p2p_tracker_server_get_stats (f->server);

  return json_node_dup_object (node);
}

static TestClient *
connect_from (Fixture * f, const gchar * local_ip)
{
  g_autoptr (GError) error = NULL;
  TestClient *client = test_client_connect_from (f->server, local_ip, &error);

  g_assert_no_error (error);
  return client;
}

static void
test_connections_per_address (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_from (f, "127.0.0.1");
  g_autoptr (TestClient) b = connect_from (f, "127.0.0.1");
  g_autoptr (TestClient) other = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) stats = NULL;
  TestClient *c;

  c = test_client_connect_from (f->server, "127.0.0.1", &error);
  g_assert_null (c);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Another address still gets in. */
  other = connect_from (f, "127.0.0.2");
  announce (other, f->info_hash, "-PM0203-OTHER0000000", "started", 0, 0, 1);
  stats = server_stats (f);
  assert_int_member (stats, "connections_refused_address", 1);
  assert_int_member (stats, "connections", 3);
  g_assert_false (a->closed);
  g_assert_false (b->closed);
}

static void
test_announce_rate (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *text = test_announce (f->info_hash,
      "-PM0203-A00000000000", NULL, 0, "o");

  /* burst 3, then 1 a second */
  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  announce (a, f->info_hash, "-PM0203-A00000000000", NULL, 0, 0, 1);
  announce (a, f->info_hash, "-PM0203-A00000000000", NULL, 0, 0, 1);
  assert_failure (a, text, "too many requests, retry later", f->info_hash);
  test_run_for (1100);
  announce (a, f->info_hash, "-PM0203-A00000000000", NULL, 0, 0, 1);

  stats = server_stats (f);
  assert_int_member (stats, "announces_rate_limited", 1);
}

static void
test_address_announce_rate (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_from (f, "127.0.0.1");
  g_autoptr (TestClient) c = NULL;
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *text = test_announce (f->info_hash,
      "-PM0203-B00000000000", NULL, 0, "o");
  TestClient *b = connect_from (f, "127.0.0.1");

  /* The address has 4 announces at once, whichever connection makes them. */
  announce (a, f->info_hash, "-PM0203-A00000000000", "started", 0, 0, 1);
  announce (a, f->info_hash, "-PM0203-A00000000000", NULL, 0, 0, 1);
  announce (a, f->info_hash, "-PM0203-A00000000000", NULL, 0, 0, 1);
  announce (b, f->info_hash, "-PM0203-B00000000000", "started", 0, 0, 2);
  assert_failure (b, text, "too many requests, retry later", f->info_hash);

  /* A new connection from the same address gets no fresh tokens... */
  soup_websocket_connection_close (b->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (test_client_wait_closed (b, WAIT));
  test_client_free (b);
  b = connect_from (f, "127.0.0.1");
  assert_failure (b, text, "too many requests, retry later", f->info_hash);
  test_client_free (b);

  /* ...while another address is served. */
  c = connect_from (f, "127.0.0.3");
  announce (c, f->info_hash, "-PM0203-C00000000000", "started", 0, 0, 2);
  stats = server_stats (f);
  assert_int_member (stats, "announces_rate_limited", 2);
}

static void
test_offer_rate (Fixture * f, gconstpointer data)
{
  TestClient *peers[5];
  g_autoptr (TestClient) offerer = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  guint i, received = 0;

  for (i = 0; i < G_N_ELEMENTS (peers); i++) {
    g_autofree gchar *prefix = g_strdup_printf ("-PM0203-P%u", i);
    g_autofree gchar *peer_id = test_id (prefix);

    peers[i] = connect_client (f);
    announce (peers[i], f->info_hash, peer_id, "started", 0, 0, i + 1);
  }

  /* 5 offers, 5 other peers, a burst of 2: the announce stands, 2 offers
   * go out. */
  announce (offerer, f->info_hash, "-PM0203-OFFERER00000", "started", 5, 0,
      6);
  test_run_for (QUIET);
  for (i = 0; i < G_N_ELEMENTS (peers); i++)
    received += g_queue_get_length (&peers[i]->received);
  g_assert_cmpuint (received, ==, 2);

  stats = server_stats (f);
  assert_int_member (stats, "offers_forwarded", 2);
  assert_int_member (stats, "offers_rate_limited", 3);
  for (i = 0; i < G_N_ELEMENTS (peers); i++)
    test_client_free (peers[i]);
}

static gchar *
answer_text (const gchar * info_hash, const gchar * peer_id,
    const gchar * to_peer_id, const gchar * offer_id)
{
  return g_strdup_printf ("{\"action\":\"announce\",\"info_hash\":\"%s\","
      "\"peer_id\":\"%s\",\"to_peer_id\":\"%s\",\"offer_id\":\"%s\","
      "\"answer\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}}", info_hash,
      peer_id, to_peer_id, offer_id);
}

static void
test_unsolicited_answer (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  TestClient *others[2];
  const gchar *other_ids[2] = { "-PM0203-B00000000000",
    "-PM0203-C00000000000"
  };
  const gchar *peer_a = "-PM0203-A00000000000";
  g_autoptr (JsonObject) offer = NULL;
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *offer_text = NULL;
  g_autofree gchar *forged = NULL;
  g_autofree gchar *real = NULL;
  g_autofree gchar *stolen = NULL;
  const gchar *offer_id;
  guint to, bystander;

  others[0] = connect_client (f);
  others[1] = connect_client (f);
  announce (a, f->info_hash, peer_a, "started", 0, 0, 1);
  announce (others[0], f->info_hash, other_ids[0], "started", 0, 0, 2);
  announce (others[1], f->info_hash, other_ids[1], "started", 0, 0, 3);

  /* An answer out of the blue never reaches A. */
  forged = answer_text (f->info_hash, other_ids[0], peer_a,
      "forged-offer-id-0000");
  test_client_send (others[0], forged);
  g_assert_null (test_client_receive (a, QUIET));

  /* A offers to one peer; only that peer may answer, and only once. */
  offer_text = test_announce (f->info_hash, peer_a, NULL, 1, "a");
  test_client_send (a, offer_text);
  g_free (test_client_receive (a, WAIT));
  test_run_for (QUIET);
  to = g_queue_is_empty (&others[0]->received) ? 1 : 0;
  bystander = 1 - to;
  offer = test_client_receive_object (others[to], WAIT);
  offer_id = json_object_get_string_member (offer, "offer_id");

  stolen = answer_text (f->info_hash, other_ids[bystander], peer_a, offer_id);
  test_client_send (others[bystander], stolen);
  g_assert_null (test_client_receive (a, QUIET));

  real = answer_text (f->info_hash, other_ids[to], peer_a, offer_id);
  test_client_send (others[to], real);
  answer = test_client_receive_object (a, WAIT);
  assert_string_member (answer, "peer_id", other_ids[to]);
  assert_string_member (answer, "offer_id", offer_id);

  test_client_send (others[to], real);
  g_assert_null (test_client_receive (a, QUIET));

  stats = server_stats (f);
  assert_int_member (stats, "answers_forwarded", 1);
  assert_int_member (stats, "answers_unsolicited", 3);
  test_client_free (others[0]);
  test_client_free (others[1]);
}

static void
test_max_swarms_total (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *text = test_announce ("third-swarm-00000000",
      "-PM0203-B00000000000", "started", 0, "o");

  announce (a, "first-swarm-00000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  announce (a, "second-swarm-0000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  /* The cap is the tracker's, not the connection's. */
  assert_failure (b, text, "too many swarms on this tracker (max 2)",
      "third-swarm-00000000");
  announce (b, "first-swarm-00000000", "-PM0203-B00000000000", "started", 0,
      0, 2);
  announce (a, "second-swarm-0000000", "-PM0203-A00000000000", "stopped", 0,
      0, 0);
  announce (b, "third-swarm-00000000", "-PM0203-B00000000000", "started", 0,
      0, 1);
  stats = server_stats (f);
  assert_int_member (stats, "swarms_refused", 1);
}

static void
test_full_scrape_bound (Fixture * f, gconstpointer data)
{
  g_autoptr (TestClient) a = connect_client (f);
  g_autoptr (TestClient) b = connect_client (f);
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  JsonObject *files;

  announce (a, "swarm-one-0000000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  announce (a, "swarm-two-0000000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  announce (a, "swarm-three-00000000", "-PM0203-A00000000000", "started", 0,
      0, 1);
  announce (b, "swarm-three-00000000", "-PM0203-B00000000000", "started", 0,
      0, 2);

  /* Only the 2 largest are listed. */
  test_client_send (a, "{\"action\":\"scrape\"}");
  first = test_client_receive_object (a, WAIT);
  assert_string_member (first, "action", "scrape");
  files = json_object_get_object_member (first, "files");
  g_assert_cmpuint (json_object_get_size (files), ==, 2);
  g_assert_true (json_object_has_member (files, "swarm-three-00000000"));

  /* A scrape of all right after is served from the same listing. */
  announce (b, "swarm-four-000000000", "-PM0203-B00000000000", "started", 0,
      0, 1);
  announce (b, "swarm-five-000000000", "-PM0203-B00000000000", "started", 0,
      0, 1);
  announce (a, "swarm-five-000000000", "-PM0203-A00000000000", "started", 0,
      0, 2);
  test_client_send (b, "{\"action\":\"scrape\"}");
  second = test_client_receive_object (b, WAIT);
  files = json_object_get_object_member (second, "files");
  g_assert_cmpuint (json_object_get_size (files), ==, 2);
  g_assert_false (json_object_has_member (files, "swarm-five-000000000"));
}

static void
test_bad_limits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pTrackerServer) server = NULL;
  P2pTrackerLimits limits;

  p2p_tracker_limits_init (&limits);
  limits.max_message_size = 10;
  server = p2p_tracker_server_new (&limits, &error);
  g_assert_null (server);
  g_assert_error (error, P2P_TRACKER_SERVER_ERROR,
      P2P_TRACKER_SERVER_ERROR_CONFIG);
  g_clear_error (&error);

  server = p2p_tracker_server_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_false (p2p_tracker_server_start (server, NULL, "not-an-ip", 0,
          &error));
  g_assert_error (error, P2P_TRACKER_SERVER_ERROR,
      P2P_TRACKER_SERVER_ERROR_CONFIG);
}

int
main (int argc, char **argv)
{
  static P2pTrackerLimits defaults, small_messages, short_idle, two_conns,
      two_swarms, unlimited, two_per_address, slow_announces,
      slow_address, slow_offers, two_swarms_total, short_scrape;

  g_test_init (&argc, &argv, NULL);

  p2p_tracker_limits_init (&defaults);
  small_messages = defaults;
  small_messages.max_message_size = 4096;
  short_idle = defaults;
  short_idle.idle_timeout = 1;
  two_conns = defaults;
  two_conns.max_connections = 2;
  two_swarms = defaults;
  two_swarms.max_swarms_per_connection = 2;
  /* For tests that flood on purpose. */
  unlimited = defaults;
  unlimited.announce_rate = unlimited.address_announce_rate = 1000000;
  unlimited.announce_burst = unlimited.address_announce_burst = 1000000;
  two_per_address = defaults;
  two_per_address.max_connections_per_address = 2;
  slow_announces = defaults;
  slow_announces.announce_burst = 3;
  slow_announces.announce_rate = 1;
  slow_address = defaults;
  slow_address.address_announce_burst = 4;
  slow_address.address_announce_rate = 1;
  slow_offers = defaults;
  slow_offers.offer_burst = 2;
  slow_offers.offer_rate = 1;
  two_swarms_total = defaults;
  two_swarms_total.max_swarms = 2;
  short_scrape = defaults;
  short_scrape.max_scrape_swarms = 2;

#define ADD(path, limits, func) \
  g_test_add (path, Fixture, limits, fixture_setup, func, fixture_teardown)
  ADD ("/tracker-server/offer-answer", &defaults, test_offer_answer);
  ADD ("/tracker-server/offers-spread", &defaults, test_offers_spread);
  ADD ("/tracker-server/numwant", &defaults, test_numwant_limits_offers);
  ADD ("/tracker-server/stopped-and-close", &defaults, test_stopped_and_close);
  ADD ("/tracker-server/scrape", &defaults, test_scrape);
  ADD ("/tracker-server/binary-ids", &defaults, test_binary_ids);
  ADD ("/tracker-server/malformed", &defaults, test_malformed);
  ADD ("/tracker-server/too-many-offers", &defaults, test_too_many_offers);
  ADD ("/tracker-server/oversized-message", &small_messages,
      test_oversized_message);
  ADD ("/tracker-server/fragmented-oversized", &small_messages,
      test_fragmented_oversized);
  ADD ("/tracker-server/fragmented-ok", &small_messages, test_fragmented_ok);
  ADD ("/tracker-server/idle-timeout", &short_idle, test_idle_timeout);
  ADD ("/tracker-server/max-connections", &two_conns, test_max_connections);
  ADD ("/tracker-server/max-swarms", &two_swarms, test_max_swarms);
  ADD ("/tracker-server/peer-id-taken", &defaults, test_peer_id_taken);
  ADD ("/tracker-server/send-backlog", &unlimited, test_send_backlog);
  ADD ("/tracker-server/http", &defaults, test_http);
  ADD ("/tracker-server/connections-per-address", &two_per_address,
      test_connections_per_address);
  ADD ("/tracker-server/announce-rate", &slow_announces, test_announce_rate);
  ADD ("/tracker-server/address-announce-rate", &slow_address,
      test_address_announce_rate);
  ADD ("/tracker-server/offer-rate", &slow_offers, test_offer_rate);
  ADD ("/tracker-server/unsolicited-answer", &defaults,
      test_unsolicited_answer);
  ADD ("/tracker-server/max-swarms-total", &two_swarms_total,
      test_max_swarms_total);
  ADD ("/tracker-server/full-scrape-bound", &short_scrape,
      test_full_scrape_bound);
#undef ADD
  g_test_add_func ("/tracker-server/bad-limits", test_bad_limits);

  return g_test_run ();
}
