/* gst-p2pcdn: load check for a WebSocket tracker: N clients in S swarms.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Not a test.  Opens --clients WebSockets to URL (at most 64 handshakes at
 * a time), each announces "started" with --offers offers in one of
 * --swarms swarms, answers every offer it is forwarded, re-announces
 * half-way through, and after --duration seconds prints what it saw.
 * Measure the tracker itself from outside (/proc/PID/status, /usr/bin/time).
 *
 *   tracker-load ws://127.0.0.1:8000 --clients 1000 --swarms 10
 *
 * All its clients come from one address: run p2pcdn-tracker with the
 * per-address limits lifted (docs/tracker.md, "Load measured").
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#define MAX_PENDING_CONNECTS 64

typedef struct {
  guint index;
  SoupWebsocketConnection *ws;
  gchar *peer_id;
  gchar *info_hash;
  gint64 announced;             /* monotonic µs of the last announce, 0 = answered */
} Client;

static struct {
  gchar *url;
  gint clients, swarms, offers, duration, sdp_size;
  SoupSession *session;
  Client *all;
  guint next, pending, connected, failed_connect, closed;
  guint64 replies, failures, offers_received, answers_sent, answers_received;
  GArray *latencies;            /* gdouble ms, announce -> reply */
  gchar *sdp;
  gboolean done;
} load;

static gchar *
random_id (const gchar * prefix)
{
  static const gchar alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  GString *id = g_string_new (prefix);

  while (id->len < 20)
    g_string_append_c (id, alphabet[g_random_int_range (0, 62)]);
  return g_string_free (id, FALSE);
}

static void
send_node (Client * client, JsonBuilder * builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree gchar *text = json_to_string (root, FALSE);

  if (soup_websocket_connection_get_state (client->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->ws, text);
}

static void
add_description (JsonBuilder * builder, const gchar * name, const gchar * type)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "sdp");
  json_builder_add_string_value (builder, load.sdp);
  json_builder_end_object (builder);
}

static void
announce (Client * client, const gchar * event)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  gint i;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "numwant");
  json_builder_add_int_value (builder, load.offers);
  if (event) {
    json_builder_set_member_name (builder, "event");
    json_builder_add_string_value (builder, event);
  }
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "announce");
  json_builder_set_member_name (builder, "info_hash");
  json_builder_add_string_value (builder, client->info_hash);
  json_builder_set_member_name (builder, "peer_id");
  json_builder_add_string_value (builder, client->peer_id);
  json_builder_set_member_name (builder, "offers");
  json_builder_begin_array (builder);
  for (i = 0; i < load.offers; i++) {
    g_autofree gchar *offer_id = random_id ("");

    json_builder_begin_object (builder);
    add_description (builder, "offer", "offer");
    json_builder_set_member_name (builder, "offer_id");
    json_builder_add_string_value (builder, offer_id);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  client->announced = g_get_monotonic_time ();
  send_node (client, builder);
}

static void
answer (Client * client, JsonObject * offer)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "announce");
  json_builder_set_member_name (builder, "info_hash");
  json_builder_add_string_value (builder, client->info_hash);
  json_builder_set_member_name (builder, "peer_id");
  json_builder_add_string_value (builder, client->peer_id);
  json_builder_set_member_name (builder, "to_peer_id");
  json_builder_add_string_value (builder,
      json_object_get_string_member_with_default (offer, "peer_id", ""));
  add_description (builder, "answer", "answer");
  json_builder_set_member_name (builder, "offer_id");
  json_builder_add_string_value (builder,
      json_object_get_string_member_with_default (offer, "offer_id", ""));
  json_builder_end_object (builder);
  send_node (client, builder);
  load.answers_sent++;
}

static void
on_message (SoupWebsocketConnection * ws, gint type, GBytes * bytes,
    gpointer user_data)
{
  Client *client = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  gsize length;
  const gchar *data = g_bytes_get_data (bytes, &length);

  if (!json_parser_load_from_data (parser, data, length, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));

  if (json_object_has_member (object, "failure reason")) {
    load.failures++;
  } else if (json_object_has_member (object, "offer")) {
    load.offers_received++;
    answer (client, object);
  } else if (json_object_has_member (object, "answer")) {
    load.answers_received++;
  } else if (json_object_has_member (object, "interval")) {
    gdouble ms = (g_get_monotonic_time () - client->announced) / 1000.0;

    load.replies++;
    g_array_append_val (load.latencies, ms);
  }
}

static void
on_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  load.closed++;
}

static void connect_more (void);

static void
on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Client *client = user_data;
  g_autoptr (GError) error = NULL;

  load.pending--;
  client->ws = soup_session_websocket_connect_finish (load.session, result,
      &error);
  if (client->ws == NULL) {
    if (load.failed_connect++ < 5)
      g_printerr ("connect failed: %s\n", error->message);
  } else {
    load.connected++;
    g_signal_connect (client->ws, "message", G_CALLBACK (on_message), client);
    g_signal_connect (client->ws, "closed", G_CALLBACK (on_closed), client);
    announce (client, "started");
  }
  connect_more ();
}

static void
connect_more (void)
{
  while (load.pending < MAX_PENDING_CONNECTS && load.next < (guint) load.clients) {
    Client *client = &load.all[load.next++];
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", load.url);

    load.pending++;
    soup_session_websocket_connect_async (load.session, msg, NULL, NULL,
        G_PRIORITY_DEFAULT, NULL, on_connected, client);
  }
}

static gboolean
on_half_time (gpointer user_data)
{
  gint i;

  g_print ("%.1f s: re-announcing (%u connected)\n",
      load.duration / 2.0, load.connected);
  for (i = 0; i < load.clients; i++)
    if (load.all[i].ws)
      announce (&load.all[i], NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_end (gpointer user_data)
{
  load.done = TRUE;
  return G_SOURCE_REMOVE;
}

static gint
compare_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  struct rlimit rl;
  guint open = 0;
  gint i;
  GOptionEntry entries[] = {
    {"clients", 'n', 0, G_OPTION_ARG_INT, &load.clients, "clients (1000)",
        "N"},
    {"swarms", 's', 0, G_OPTION_ARG_INT, &load.swarms, "swarms (10)", "N"},
    {"offers", 'o', 0, G_OPTION_ARG_INT, &load.offers,
        "offers per announce (5)", "N"},
    {"duration", 'd', 0, G_OPTION_ARG_INT, &load.duration, "seconds (20)",
        "S"},
    {"sdp-size", 0, 0, G_OPTION_ARG_INT, &load.sdp_size,
        "bytes of each SDP (600)", "B"},
    {NULL}
  };

  load.clients = 1000;
  load.swarms = 10;
  load.offers = 5;
  load.duration = 20;
  load.sdp_size = 600;
  context = g_option_context_new ("URL - WebSocket tracker load check");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2
      || load.clients < 1 || load.swarms < 1 || load.offers < 0
      || load.duration < 2 || load.sdp_size < 1) {
    g_printerr ("usage: tracker-load URL [--clients N] [--swarms N] "
        "[--offers N] [--duration S]\n");
    return 2;
  }
  load.url = argv[1];

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit (RLIMIT_NOFILE, &rl);
  }

  load.sdp = g_strnfill (load.sdp_size, 'a');
  load.latencies = g_array_new (FALSE, FALSE, sizeof (gdouble));
  load.session = soup_session_new_with_options ("max-conns",
      load.clients + 16, "max-conns-per-host", load.clients + 16, NULL);
  load.all = g_new0 (Client, load.clients);
  for (i = 0; i < load.clients; i++) {
    g_autofree gchar *prefix = g_strdup_printf ("swarm-%d-", i % load.swarms);

    load.all[i].index = i;
    load.all[i].peer_id = random_id ("-LD0001-");
    load.all[i].info_hash = random_id (prefix);
    /* Same swarm for the same i % swarms. */
    memset (load.all[i].info_hash + strlen (prefix), 'x',
        20 - strlen (prefix));
  }

  connect_more ();
  g_timeout_add_seconds (load.duration / 2, on_half_time, NULL);
  g_timeout_add_seconds (load.duration, on_end, NULL);
  while (!load.done)
    g_main_context_iteration (NULL, TRUE);

  for (i = 0; i < load.clients; i++)
    if (load.all[i].ws && soup_websocket_connection_get_state (load.all[i].ws)
        == SOUP_WEBSOCKET_STATE_OPEN)
      open++;
  g_array_sort (load.latencies, compare_double);

  g_print ("clients %d, swarms %d, offers/announce %d, duration %d s\n",
      load.clients, load.swarms, load.offers, load.duration);
  g_print ("connected %u, connect failures %u, open at end %u, closed %u\n",
      load.connected, load.failed_connect, open, load.closed);
  g_print ("announce replies %" G_GUINT64_FORMAT " (expected %u), failures %"
      G_GUINT64_FORMAT "\n", load.replies, 2 * load.connected, load.failures);
  g_print ("offers received %" G_GUINT64_FORMAT ", answers sent %"
      G_GUINT64_FORMAT ", answers received %" G_GUINT64_FORMAT "\n",
      load.offers_received, load.answers_sent, load.answers_received);
  if (load.latencies->len > 0)
    g_print ("announce->reply ms: p50 %.1f, p99 %.1f, max %.1f\n",
        g_array_index (load.latencies, gdouble, load.latencies->len / 2),
        g_array_index (load.latencies, gdouble,
            load.latencies->len * 99 / 100),
        g_array_index (load.latencies, gdouble, load.latencies->len - 1));
  return load.connected == (guint) load.clients && load.failures == 0 ? 0 : 1;
}
