/* gst-p2pcdn: the captured bittorrent-tracker frames replayed through ours.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tracker-frames.txt holds the WebSocket frames of pml-2.3.1-vectors.md
 * section 4, exchanged between p2p-media-loader 2.3.1 in Chromium and
 * bittorrent-tracker 11.2.3.  We send the clients' frames and require every
 * frame our tracker sends to be the one bittorrent-tracker sent: same keys
 * in the same order, and the same bytes.
 */
#include <string.h>

#include "tracker-test-client.h"

typedef struct {
  gchar *verb;                  /* send, offers5, recv */
  gchar *conn;                  /* run11, run12, run41, run42 */
  gchar *frame;
} Line;

static GPtrArray *lines;

static void
line_free (Line * line)
{
  g_free (line->verb);
  g_free (line->conn);
  g_free (line->frame);
  g_free (line);
}

static void
load_frames (void)
{
  g_autofree gchar *path = g_test_build_filename (G_TEST_DIST,
      "tracker-frames.txt", NULL);
  g_autofree gchar *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) rows = NULL;
  guint i;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  rows = g_strsplit (contents, "\n", -1);
  for (i = 0; rows[i]; i++) {
    g_auto (GStrv) fields = NULL;
    Line *line;

    if (rows[i][0] == '#' || rows[i][0] == '\0')
      continue;
    fields = g_strsplit (rows[i], " ", 3);
    g_assert_cmpuint (g_strv_length (fields), ==, 3);
    line = g_new0 (Line, 1);
    line->verb = g_strdup (fields[0]);
    line->conn = g_strdup (fields[1]);
    line->frame = g_strdup (fields[2]);
    g_ptr_array_add (lines, line);
  }
  g_assert_cmpuint (lines->len, ==, 13);
}

static gchar *
member_names (const gchar * frame)
{
  g_autoptr (JsonObject) object = test_parse_object (frame);
  g_autoptr (GString) names = g_string_new (NULL);
  GList *members, *l;

  g_assert_nonnull (object);
  members = json_object_get_members (object);
  for (l = members; l; l = l->next)
    g_string_append_printf (names, "%s,", (const gchar *) l->data);
  g_list_free (members);
  return g_strdup (names->str);
}

static void
assert_same_frame (const gchar * ours, const gchar * theirs)
{
  g_autofree gchar *our_keys = NULL;
  g_autofree gchar *their_keys = NULL;

  g_assert_nonnull (ours);
  our_keys = member_names (ours);
  their_keys = member_names (theirs);
  g_assert_cmpstr (our_keys, ==, their_keys);
  g_assert_cmpstr (ours, ==, theirs);
}

static TestClient *
client_for (GHashTable * clients, P2pTrackerServer * server,
    const gchar * conn)
{
  TestClient *client = g_hash_table_lookup (clients, conn);

  if (client == NULL) {
    g_autoptr (GError) error = NULL;

    client = test_client_connect (server, &error);
    g_assert_no_error (error);
    g_hash_table_insert (clients, g_strdup (conn), client);
  }
  return client;
}

/* Replays the lines of @run; with @five_offers, each announce carries all
 * five captured offers instead of the first. */
static void
replay (P2pTrackerServer * server, GHashTable * clients, const gchar * run,
    gboolean five_offers)
{
  GHashTableIter iter;
  gpointer client;
  guint i, received = 0;

  for (i = 0; i < lines->len; i++) {
    Line *line = g_ptr_array_index (lines, i);
    Line *next = i + 1 < lines->len ? g_ptr_array_index (lines, i + 1) : NULL;
    TestClient *c;

    if (!g_str_has_prefix (line->conn, run))
      continue;
    c = client_for (clients, server, line->conn);

    if (g_str_equal (line->verb, "send")) {
      if (five_offers && next && g_str_equal (next->verb, "offers5"))
        test_client_send (c, next->frame);
      else
        test_client_send (c, line->frame);
    } else if (g_str_equal (line->verb, "recv")) {
      g_autofree gchar *ours = test_client_receive (c, 2000);

      g_test_message ("%s expects %.60s...", line->conn, line->frame);
      assert_same_frame (ours, line->frame);
      received++;
    }
  }
  g_assert_cmpuint (received, >, 0);

  /* Nothing beyond what bittorrent-tracker sent. */
  test_run_for (200);
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, NULL, &client))
    g_assert_true (g_queue_is_empty (&((TestClient *) client)->received));
}

static P2pTrackerServer *
start_server (void)
{
  g_autoptr (GError) error = NULL;
  P2pTrackerServer *server = p2p_tracker_server_new (NULL, &error);

  g_assert_no_error (error);
  g_assert_true (p2p_tracker_server_start (server, NULL, "127.0.0.1", 0,
          &error));
  return server;
}

static void
test_run1 (gconstpointer data)
{
  g_autoptr (P2pTrackerServer) server = start_server ();
  g_autoptr (GHashTable) clients = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, (GDestroyNotify) test_client_free);

  replay (server, clients, "run1", GPOINTER_TO_INT (data));
}

/* run4 caught only A's periodic re-announce; the other peer's (run42)
 * earlier announce was not shown, so it is made up here. */
static void
test_run4 (gconstpointer data)
{
  g_autoptr (P2pTrackerServer) server = start_server ();
  g_autoptr (GHashTable) clients = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, (GDestroyNotify) test_client_free);
  TestClient *other = client_for (clients, server, "run42");
  g_autofree gchar *reply = NULL;

  test_client_send (other, "{\"numwant\":5,\"uploaded\":0,\"downloaded\":0,"
      "\"event\":\"started\",\"action\":\"announce\",\"info_hash\":"
      "\"Un5pXNncgx4ZjfNSitaa\",\"peer_id\":\"-PM0203-madeUpPeer00\","
      "\"offers\":[]}");
  reply = test_client_receive (other, 2000);
  g_assert_cmpstr (reply, ==, "{\"complete\":0,\"incomplete\":1,"
      "\"action\":\"announce\",\"interval\":120,\"info_hash\":"
      "\"Un5pXNncgx4ZjfNSitaa\"}");

  replay (server, clients, "run4", GPOINTER_TO_INT (data));
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  load_frames ();
  g_test_add_data_func ("/tracker-vectors/run1", GINT_TO_POINTER (FALSE),
      test_run1);
  g_test_add_data_func ("/tracker-vectors/run1-five-offers",
      GINT_TO_POINTER (TRUE), test_run1);
  g_test_add_data_func ("/tracker-vectors/run4", GINT_TO_POINTER (FALSE),
      test_run4);
  g_test_add_data_func ("/tracker-vectors/run4-five-offers",
      GINT_TO_POINTER (TRUE), test_run4);
  ret = g_test_run ();
  g_ptr_array_unref (lines);
  return ret;
}
