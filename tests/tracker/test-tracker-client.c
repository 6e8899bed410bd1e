/* gst-p2pcdn: the tracker client against our tracker server and a fake one.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything runs on one GMainContext, pushed as the thread default for
 * each test, as the swarm manager's thread does.
 */
#include "tracker/p2p-tracker-client.h"
#include "p2p-tracker-server.h"

#include <libsoup/soup.h>
#include <string.h>

#define WAIT_MS 3000            /* for what must come */
#define INFO_HASH "Un5pXNncgx4ZjfNSitaa"
#define PEER "-PM0203-C3nNqmoUiVoo"

static GMainContext *test_context;

/* Iterates the test context until @cond holds or @ms passed. */
#define WAIT_UNTIL(cond, ms) G_STMT_START {                             \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (ms) * 1000;  \
    while (!(cond) && g_get_monotonic_time () < _deadline)             \
      g_main_context_iteration (test_context, TRUE);                   \
  } G_STMT_END

static void
run_for (guint ms)
{
  WAIT_UNTIL (FALSE, ms);
}

/* iteration (TRUE) returns at least this often */
static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GSource *waker;
} Fixture;

static void
fixture_setup (Fixture * f, gconstpointer data)
{
  test_context = g_main_context_new ();
  g_main_context_push_thread_default (test_context);
  f->waker = g_timeout_source_new (10);
  g_source_set_callback (f->waker, wake_up, NULL, NULL);
  g_source_attach (f->waker, test_context);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  /* lets closing sockets finish, so that nothing leaks into the next test */
  run_for (100);
  g_source_destroy (f->waker);
  g_source_unref (f->waker);
  g_main_context_pop_thread_default (test_context);
  g_clear_pointer (&test_context, g_main_context_unref);
}

/* ------------------------------------------------------------------ */
/* What one client saw */

typedef struct {
  const gchar *kind;            /* signal name */
  gboolean has_info_hash;
  P2pTrackerId info_hash;
  P2pTrackerId peer_id;
  P2pTrackerId offer_id;
  gchar *text;                  /* SDP or failure reason */
  guint interval;
  gint64 complete;
  gint64 incomplete;
} Event;

static void
event_free (Event * e)
{
  g_free (e->text);
  g_free (e);
}

typedef struct {
  P2pTrackerClient *client;
  P2pTrackerId peer_id;
  guint connected;
  guint disconnected;
  GArray *attempts;             /* gint64 monotonic time of each ::connecting */
  gint64 disconnected_at;
  GPtrArray *events;
} Peer;

static Event *
peer_record (Peer * p, const gchar * kind, gpointer info_hash)
{
  Event *e = g_new0 (Event, 1);

  g_assert_true (g_main_context_is_owner (test_context));
  e->kind = kind;
  if (info_hash != NULL) {
    e->has_info_hash = TRUE;
    e->info_hash = *(P2pTrackerId *) info_hash;
  }
  g_ptr_array_add (p->events, e);
  return e;
}

static void
on_connecting (P2pTrackerClient * client, Peer * p)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (p->attempts, now);
}

static void
on_connected (P2pTrackerClient * client, Peer * p)
{
  g_assert_true (g_main_context_is_owner (test_context));
  g_assert_true (p2p_tracker_client_is_connected (client));
  p->connected++;
}

static void
on_disconnected (P2pTrackerClient * client, Peer * p)
{
  g_assert_false (p2p_tracker_client_is_connected (client));
  p->disconnected++;
  p->disconnected_at = g_get_monotonic_time ();
}

static void
on_announce_reply (P2pTrackerClient * client, gpointer info_hash,
    guint interval, gint64 complete, gint64 incomplete, Peer * p)
{
  Event *e = peer_record (p, "announce-reply", info_hash);

  e->interval = interval;
  e->complete = complete;
  e->incomplete = incomplete;
}

static void
on_offer (P2pTrackerClient * client, gpointer info_hash, gpointer from,
    gpointer offer_id, const gchar * sdp, Peer * p)
{
  Event *e = peer_record (p, "offer", info_hash);

  e->peer_id = *(P2pTrackerId *) from;
  e->offer_id = *(P2pTrackerId *) offer_id;
  e->text = g_strdup (sdp);
}

static void
on_answer (P2pTrackerClient * client, gpointer info_hash, gpointer from,
    gpointer offer_id, const gchar * sdp, Peer * p)
{
  Event *e = peer_record (p, "answer", info_hash);

  e->peer_id = *(P2pTrackerId *) from;
  e->offer_id = *(P2pTrackerId *) offer_id;
  e->text = g_strdup (sdp);
}

static void
on_failure (P2pTrackerClient * client, gpointer info_hash,
    const gchar * reason, Peer * p)
{
  peer_record (p, "failure", info_hash)->text = g_strdup (reason);
}

static Peer *
peer_new (const gchar * url)
{
  g_autoptr (GError) error = NULL;
  Peer *p = g_new0 (Peer, 1);

  p->attempts = g_array_new (FALSE, FALSE, sizeof (gint64));
  p->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  p2p_tracker_id_generate_peer_id (&p->peer_id, NULL);
  p->client = p2p_tracker_client_new (url, test_context, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p->client);
  g_assert_cmpstr (p2p_tracker_client_get_url (p->client), ==, url);
  /* connecting starts on the next iteration: nothing is missed */
  g_assert_cmpuint (p2p_tracker_client_get_n_attempts (p->client), ==, 0);
  g_signal_connect (p->client, "connecting", G_CALLBACK (on_connecting), p);
  g_signal_connect (p->client, "connected", G_CALLBACK (on_connected), p);
  g_signal_connect (p->client, "disconnected", G_CALLBACK (on_disconnected), p);
  g_signal_connect (p->client, "announce-reply",
      G_CALLBACK (on_announce_reply), p);
  g_signal_connect (p->client, "offer", G_CALLBACK (on_offer), p);
  g_signal_connect (p->client, "answer", G_CALLBACK (on_answer), p);
  g_signal_connect (p->client, "failure", G_CALLBACK (on_failure), p);
  return p;
}

static void
peer_free (Peer * p)
{
  g_clear_object (&p->client);
  g_array_unref (p->attempts);
  g_ptr_array_unref (p->events);
  g_free (p);
}

static guint
peer_count (Peer * p, const gchar * kind)
{
  guint i, n = 0;

  for (i = 0; i < p->events->len; i++)
    n += g_str_equal (((Event *) g_ptr_array_index (p->events, i))->kind, kind);
  return n;
}

/* The @nth (from 0) event of @kind, which must have come. */
static Event *
peer_event (Peer * p, const gchar * kind, guint nth)
{
  guint i;

  for (i = 0; i < p->events->len; i++) {
    Event *e = g_ptr_array_index (p->events, i);

    if (g_str_equal (e->kind, kind) && nth-- == 0)
      return e;
  }
  g_assert_not_reached ();
  return NULL;
}

static void
make_id (P2pTrackerId * id, const gchar * text)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (p2p_tracker_id_from_string (id, text, -1, &error));
  g_assert_no_error (error);
}

static void
assert_id (const P2pTrackerId * a, const P2pTrackerId * b)
{
  g_assert_cmpmem (a->bytes, P2P_TRACKER_ID_LEN, b->bytes, P2P_TRACKER_ID_LEN);
}

static P2pTrackerServer *
server_start (guint interval, guint port)
{
  g_autoptr (GError) error = NULL;
  P2pTrackerServer *server;
  P2pTrackerLimits limits;

  p2p_tracker_limits_init (&limits);
  limits.interval = interval;
  server = p2p_tracker_server_new (&limits, &error);
  g_assert_no_error (error);
  g_assert_true (p2p_tracker_server_start (server, test_context, "127.0.0.1",
          port, &error));
  g_assert_no_error (error);
  return server;
}

/* ------------------------------------------------------------------ */

static void
test_bad_url (void)
{
  const gchar *urls[] = { "http://127.0.0.1:1/", "ws://", "ws:///announce",
    "not a url", "", "wss//tracker", NULL
  };
  guint i;

  for (i = 0; urls[i] != NULL; i++) {
    g_autoptr (GError) error = NULL;
    P2pTrackerClient *client = p2p_tracker_client_new (urls[i], NULL, &error);

    g_assert_null (client);
    g_assert_error (error, P2P_TRACKER_CLIENT_ERROR,
        P2P_TRACKER_CLIENT_ERROR_BAD_URL);
  }
}

/* Two peers meet through the tracker: B's offer reaches A (never B
 * itself), A's answer reaches B with the offer_id of B's offer. */
static void
test_offer_answer (Fixture * f, gconstpointer data)
{
  g_autoptr (P2pTrackerServer) server = server_start (77, 0);
  g_autofree gchar *url = p2p_tracker_server_get_url (server);
  g_autoptr (GError) error = NULL;
  Peer *a = peer_new (url);
  Peer *b = peer_new (url);
  P2pTrackerId info_hash, other_hash;
  /* bytes that need every JSON form: escapes, \u0000, 2-byte UTF-8 */
  const P2pTrackerOffer a_offer = {
    {{0x00, 0x1f, 0x22, 0x5c, 0x7f, 0x80, 0xd7, 0xff, 'a', 'b', 'c', 'd', 'e',
            'f', 'g', 'h', 'i', 'j', 'k', 0x01}},
    (gchar *) "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=A\r\n"
  };
  const P2pTrackerOffer b_offer = {
    {{0x60, 0xd7, 0x7c, 0xf5, 0x99, 0x54, 0xf5, 0x21, 0x51, 0x5d, 0x12, 0xe6,
            0xa4, 0x8e, 0x2e, 0x5e, 0x78, 0x35, 0xbe, 0xa1}},
    (gchar *) "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=B\r\n"
  };
  const gchar *answer_sdp = "v=0\r\no=- 3 2 IN IP4 127.0.0.1\r\ns=answer\r\n";
  P2pTrackerAnnounce announce = { 0 };
  Event *e;

  make_id (&info_hash, INFO_HASH);
  make_id (&other_hash, "P78ZUY66tgmtYL6JoePW");
  WAIT_UNTIL (a->connected && b->connected, WAIT_MS);
  g_assert_cmpuint (a->connected, ==, 1);
  g_assert_cmpuint (b->connected, ==, 1);
  g_assert_cmpuint (a->attempts->len, ==, 1);

  announce.info_hash = info_hash;
  announce.peer_id = a->peer_id;
  announce.event = P2P_TRACKER_EVENT_STARTED;
  announce.numwant = 5;
  announce.offers = &a_offer;
  announce.n_offers = 1;
  g_assert_true (p2p_tracker_client_announce (a->client, &announce, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (peer_count (a, "announce-reply") == 1, WAIT_MS);
  e = peer_event (a, "announce-reply", 0);
  assert_id (&e->info_hash, &info_hash);
  g_assert_cmpuint (e->interval, ==, 77);
  g_assert_cmpint (e->complete, ==, 0);
  g_assert_cmpint (e->incomplete, ==, 1);
  g_assert_cmpuint (p2p_tracker_client_get_interval (a->client, &info_hash),
      ==, 77);
  g_assert_cmpuint (p2p_tracker_client_get_interval (a->client, &other_hash),
      ==, P2P_TRACKER_CLIENT_DEFAULT_INTERVAL);
  g_assert_cmpuint (p2p_tracker_client_get_interval (b->client, &info_hash),
      ==, P2P_TRACKER_CLIENT_DEFAULT_INTERVAL);

  announce.peer_id = b->peer_id;
  announce.offers = &b_offer;
  g_assert_true (p2p_tracker_client_announce (b->client, &announce, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (peer_count (a, "offer") == 1 &&
      peer_count (b, "announce-reply") == 1, WAIT_MS);
  e = peer_event (b, "announce-reply", 0);
  g_assert_cmpint (e->incomplete, ==, 2);
  e = peer_event (a, "offer", 0);
  assert_id (&e->info_hash, &info_hash);
  assert_id (&e->peer_id, &b->peer_id);
  assert_id (&e->offer_id, &b_offer.offer_id);
  g_assert_cmpstr (e->text, ==, b_offer.sdp);

  g_assert_true (p2p_tracker_client_send_answer (a->client, &info_hash,
          &a->peer_id, &b->peer_id, &e->offer_id, answer_sdp, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (peer_count (b, "answer") == 1, WAIT_MS);
  e = peer_event (b, "answer", 0);
  assert_id (&e->info_hash, &info_hash);
  assert_id (&e->peer_id, &a->peer_id);
  assert_id (&e->offer_id, &b_offer.offer_id);
  g_assert_cmpstr (e->text, ==, answer_sdp);
  /* an offer goes to other peers only; the answerer gets no reply */
  run_for (200);
  g_assert_cmpuint (peer_count (b, "offer"), ==, 0);
  g_assert_cmpuint (peer_count (a, "answer"), ==, 0);
  g_assert_cmpuint (peer_count (a, "failure") + peer_count (b, "failure"),
      ==, 0);

  /* A leaves the swarm but keeps its socket: B's next reply counts 1 */
  g_assert_true (p2p_tracker_client_stop (a->client, &info_hash, &a->peer_id,
          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p2p_tracker_client_get_interval (a->client, &info_hash),
      ==, P2P_TRACKER_CLIENT_DEFAULT_INTERVAL);
  WAIT_UNTIL (peer_count (a, "announce-reply") == 2, WAIT_MS);
  g_assert_cmpint (peer_event (a, "announce-reply", 1)->incomplete, ==, 1);
  announce.event = P2P_TRACKER_EVENT_NONE;
  announce.n_offers = 0;
  g_assert_true (p2p_tracker_client_announce (b->client, &announce, &error));
  WAIT_UNTIL (peer_count (b, "announce-reply") == 2, WAIT_MS);
  g_assert_cmpint (peer_event (b, "announce-reply", 1)->incomplete, ==, 1);
  g_assert_true (p2p_tracker_client_is_connected (a->client));

  /* what the codec refuses is an error, not a frame */
  announce.event = P2P_TRACKER_EVENT_STOPPED;
  announce.offers = &b_offer;
  announce.n_offers = 1;
  g_assert_false (p2p_tracker_client_announce (b->client, &announce, &error));
  g_assert_error (error, P2P_TRACKER_MSG_ERROR,
      P2P_TRACKER_MSG_ERROR_BAD_VALUE);
  g_clear_error (&error);

  p2p_tracker_client_close (a->client);
  g_assert_false (p2p_tracker_client_is_connected (a->client));
  g_assert_false (p2p_tracker_client_send_answer (a->client, &info_hash,
          &a->peer_id, &b->peer_id, &b_offer.offer_id, answer_sdp, &error));
  g_assert_error (error, P2P_TRACKER_CLIENT_ERROR,
      P2P_TRACKER_CLIENT_ERROR_CLOSED);
  WAIT_UNTIL (a->disconnected == 1, WAIT_MS);
  g_assert_cmpuint (a->disconnected, ==, 1);
  /* closed means closed: no reconnection */
  run_for (1500);
  g_assert_cmpuint (a->attempts->len, ==, 1);
  g_assert_cmpuint (b->disconnected, ==, 0);

  peer_free (a);
  peer_free (b);
}

/* Gaps between consecutive ::connecting, the first one from @since. */
static void
assert_backoff (Peer * p, guint from, gint64 since, guint n)
{
  gint64 prev = since;
  gint64 prev_gap = 0;
  guint i;

  g_assert_cmpuint (p->attempts->len, >=, from + n);
  for (i = 0; i < n; i++) {
    gint64 t = g_array_index (p->attempts, gint64, from + i);
    gint64 gap = (t - prev) / 1000;
    /* 1 s, 2 s, 4 s ... minus up to a quarter, late under load */
    gint64 base = P2P_TRACKER_CLIENT_MIN_BACKOFF_MS << i;

    g_test_message ("attempt %u after %" G_GINT64_FORMAT " ms", from + i, gap);
    g_assert_cmpint (gap, >=, base * 3 / 4 - 20);
    g_assert_cmpint (gap, <=, base + 1000);
    g_assert_cmpint (gap, >, prev_gap);
    prev = t;
    prev_gap = gap;
  }
}

/* The tracker goes away and comes back on the same port. */
static void
test_reconnect (Fixture * f, gconstpointer data)
{
  P2pTrackerServer *server = server_start (60, 0);
  guint port = p2p_tracker_server_get_port (server);
  g_autofree gchar *url = p2p_tracker_server_get_url (server);
  g_autoptr (GError) error = NULL;
  Peer *p = peer_new (url);
  P2pTrackerAnnounce announce = { 0 };
  guint before;

  WAIT_UNTIL (p->connected == 1, WAIT_MS);
  g_assert_cmpuint (p->connected, ==, 1);

  g_clear_object (&server);
  WAIT_UNTIL (p->disconnected == 1, WAIT_MS);
  g_assert_cmpuint (p->disconnected, ==, 1);
  g_assert_false (p2p_tracker_client_is_connected (p->client));
  make_id (&announce.info_hash, INFO_HASH);
  announce.peer_id = p->peer_id;
  g_assert_false (p2p_tracker_client_announce (p->client, &announce, &error));
  g_assert_error (error, P2P_TRACKER_CLIENT_ERROR,
      P2P_TRACKER_CLIENT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  /* refused at ~1 s and ~3 s; the next try is at 4.5..7 s */
  run_for (4200);
  assert_backoff (p, 1, p->disconnected_at, 2);
  before = p->attempts->len;
  g_assert_cmpuint (before, ==, 3);
  g_assert_cmpuint (p->connected, ==, 1);

  server = server_start (60, port);
  WAIT_UNTIL (p->connected == 2, 6000);
  g_assert_cmpuint (p->connected, ==, 2);
  assert_backoff (p, 1, p->disconnected_at, 3);
  g_assert_cmpuint (p->attempts->len, ==, before + 1);

  /* what an owner does on ::connected */
  g_assert_true (p2p_tracker_client_announce (p->client, &announce, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (peer_count (p, "announce-reply") == 1, WAIT_MS);
  g_assert_cmpuint (peer_event (p, "announce-reply", 0)->interval, ==, 60);

  peer_free (p);
  g_object_unref (server);
}

static guint
free_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Nobody listens: a handful of attempts in 5 s, not a busy loop. */
static void
test_refused (Fixture * f, gconstpointer data)
{
  g_autofree gchar *url = g_strdup_printf ("ws://127.0.0.1:%u/announce",
      free_port ());
  Peer *p = peer_new (url);

  run_for (5000);
  g_test_message ("%u attempts in 5 s", p->attempts->len);
  g_assert_cmpuint (p->attempts->len, >=, 3);
  g_assert_cmpuint (p->attempts->len, <=, 4);
  g_assert_cmpuint (p2p_tracker_client_get_n_attempts (p->client), ==,
      p->attempts->len);
  assert_backoff (p, 1, g_array_index (p->attempts, gint64, 0), 2);
  g_assert_cmpuint (p->connected, ==, 0);
  g_assert_cmpuint (p->disconnected, ==, 0);
  peer_free (p);
}

/* ------------------------------------------------------------------ */
/* A fake tracker that sends whatever the test wants */

typedef struct {
  SoupServer *soup;
  gchar *url;
  guint connections;
  SoupWebsocketConnection *ws;  /* the latest */
  GPtrArray *received;          /* gchar * */
  gboolean close_at_once;       /* close each WebSocket as soon as it opens */
} FakeTracker;

static void
fake_on_message (SoupWebsocketConnection * ws, gint type, GBytes * bytes,
    FakeTracker * t)
{
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);

  g_ptr_array_add (t->received, g_strndup (data, len));
}

static void
fake_on_websocket (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, SoupWebsocketConnection * ws, gpointer user_data)
{
  FakeTracker *t = user_data;

  t->connections++;
  if (t->close_at_once) {
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
        NULL);
    return;
  }
  g_clear_object (&t->ws);
  t->ws = g_object_ref (ws);
  g_signal_connect (ws, "message", G_CALLBACK (fake_on_message), t);
}

static FakeTracker *
fake_tracker_new (void)
{
  g_autoptr (GError) error = NULL;
  FakeTracker *t = g_new0 (FakeTracker, 1);
  GSList *uris;

  t->received = g_ptr_array_new_with_free_func (g_free);
  t->soup = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (t->soup, "/announce", NULL, NULL,
      fake_on_websocket, t, NULL);
  g_assert_true (soup_server_listen_local (t->soup, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (t->soup);
  t->url = g_strdup_printf ("ws://127.0.0.1:%d/announce",
      g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return t;
}

static void
fake_tracker_free (FakeTracker * t)
{
  if (t->ws != NULL) {
    g_signal_handlers_disconnect_by_data (t->ws, t);
    g_object_unref (t->ws);
  }
  soup_server_disconnect (t->soup);
  g_object_unref (t->soup);
  g_ptr_array_unref (t->received);
  g_free (t->url);
  g_free (t);
}

/* Garbage in every shape: each is dropped, the socket stays up, and the
 * frames after it still arrive. */
static void
test_malformed (Fixture * f, gconstpointer data)
{
  static const gchar *const garbage[] = {
    "",
    "not json",
    "[1,2,3]",
    "{}",
    "{\"action\":\"announce\"}",
    "{\"action\":\"announce\",\"info_hash\":\"short\",\"interval\":5}",
    "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
        "\"interval\":\"x\"}",
    "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
        "\"interval\":1e300}",
    "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
        "\"offer\":{\"type\":\"offer\",\"sdp\":\"x\"}}",
    "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
        "\"peer_id\":\"" PEER "\",\"offer_id\":\"" PEER "\","
        "\"offer\":{\"type\":\"offer\",\"sdp\":7}}",
    "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\","
        "\"peer_id\":\"" PEER "\",\"offer_id\":\"" PEER "\","
        "\"offer\":{\"sdp\":\"x\"},\"answer\":{\"sdp\":\"y\"}}",
    "{\"action\":\"announce\",\"info_hash\":\"" INFO_HASH "\"",
    "{\"action\":\"scrape\",\"files\":{}}",
    "{\"action\":\"dance\",\"info_hash\":\"" INFO_HASH "\"}",
    "{\"failure reason\":42}",
    NULL
  };
  static const gchar binary[] = { 0x00, (gchar) 0xff, (gchar) 0xfe, '{', 0x00 };
  FakeTracker *t = fake_tracker_new ();
  Peer *p = peer_new (t->url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GString) big = g_string_new ("{\"failure reason\":\"");
  P2pTrackerAnnounce announce = { 0 };
  P2pTrackerMsg sent;
  Event *e;
  guint i;

  WAIT_UNTIL (p->connected == 1 && t->ws != NULL, WAIT_MS);
  g_assert_cmpuint (p->connected, ==, 1);

  make_id (&announce.info_hash, INFO_HASH);
  announce.peer_id = p->peer_id;
  announce.event = P2P_TRACKER_EVENT_STARTED;
  g_assert_true (p2p_tracker_client_announce (p->client, &announce, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (t->received->len == 1, WAIT_MS);
  g_assert_cmpuint (t->received->len, ==, 1);
  g_assert_true (p2p_tracker_msg_parse (g_ptr_array_index (t->received, 0),
          -1, &sent, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sent.type, ==, P2P_TRACKER_MSG_ANNOUNCE);
  g_assert_cmpint (sent.event, ==, P2P_TRACKER_EVENT_STARTED);
  assert_id (&sent.peer_id, &p->peer_id);
  p2p_tracker_msg_clear (&sent);

  for (i = 0; garbage[i] != NULL; i++)
    soup_websocket_connection_send_text (t->ws, garbage[i]);
  for (i = 0; i < 20000; i++)
    g_string_append_c (deep, '[');
  soup_websocket_connection_send_text (t->ws, deep->str);
  soup_websocket_connection_send_binary (t->ws, binary, sizeof (binary));
  soup_websocket_connection_send_text (t->ws,
      "{\"failure reason\":\"go away\"}");
  soup_websocket_connection_send_text (t->ws, "{\"action\":\"announce\","
      "\"info_hash\":\"" INFO_HASH "\",\"failure reason\":\"bad peer\"}");
  /* interval 5 is clamped; complete and incomplete pass through */
  soup_websocket_connection_send_text (t->ws, "{\"complete\":3,"
      "\"incomplete\":4,\"action\":\"announce\",\"interval\":5,"
      "\"info_hash\":\"" INFO_HASH "\"}");
  WAIT_UNTIL (peer_count (p, "announce-reply") == 1, WAIT_MS);

  g_assert_cmpuint (p->events->len, ==, 3);
  e = g_ptr_array_index (p->events, 0);
  g_assert_cmpstr (e->kind, ==, "failure");
  g_assert_false (e->has_info_hash);
  g_assert_cmpstr (e->text, ==, "go away");
  e = g_ptr_array_index (p->events, 1);
  g_assert_cmpstr (e->kind, ==, "failure");
  g_assert_true (e->has_info_hash);
  assert_id (&e->info_hash, &announce.info_hash);
  g_assert_cmpstr (e->text, ==, "bad peer");
  e = g_ptr_array_index (p->events, 2);
  g_assert_cmpstr (e->kind, ==, "announce-reply");
  g_assert_cmpuint (e->interval, ==, P2P_TRACKER_CLIENT_MIN_INTERVAL);
  g_assert_cmpint (e->complete, ==, 3);
  g_assert_cmpint (e->incomplete, ==, 4);
  g_assert_cmpuint (p2p_tracker_client_get_interval (p->client,
          &announce.info_hash), ==, P2P_TRACKER_CLIENT_MIN_INTERVAL);
  g_assert_true (p2p_tracker_client_is_connected (p->client));
  g_assert_cmpuint (p->disconnected, ==, 0);

  /* a frame above 64 KiB costs the connection, then the client is back */
  while (big->len < P2P_TRACKER_MAX_FRAME + 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  soup_websocket_connection_send_text (t->ws, big->str);
  WAIT_UNTIL (p->disconnected == 1, WAIT_MS);
  g_assert_cmpuint (p->disconnected, ==, 1);
  g_assert_cmpuint (peer_count (p, "failure"), ==, 2);
  WAIT_UNTIL (p->connected == 2 && t->connections == 2, WAIT_MS);
  g_assert_cmpuint (p->connected, ==, 2);
  g_assert_cmpuint (t->connections, ==, 2);

  peer_free (p);
  fake_tracker_free (t);
}

/* The client dies with a handshake under way and with an open socket:
 * nothing may call back into it afterwards. */
static void
test_dispose (Fixture * f, gconstpointer data)
{
  g_autoptr (GSocketListener) silent = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pTrackerServer) server = server_start (60, 0);
  g_autofree gchar *server_url = p2p_tracker_server_get_url (server);
  g_autofree gchar *url = NULL;
  guint16 port;
  Peer *p;

  /* accepts TCP (the kernel does) and never answers the handshake */
  port = g_socket_listener_add_any_inet_port (silent, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("ws://127.0.0.1:%u/", port);
  p = peer_new (url);
  WAIT_UNTIL (p->attempts->len == 1, WAIT_MS);
  run_for (200);
  g_assert_cmpuint (p->connected, ==, 0);
  peer_free (p);
  run_for (300);

  p = peer_new (server_url);
  WAIT_UNTIL (p->connected == 1, WAIT_MS);
  g_assert_cmpuint (p->connected, ==, 1);
  peer_free (p);
  run_for (300);
}

/* A tracker that takes the WebSocket and closes it at once (a proxy with
 * no backend, a tracker over its limits) must see attempts back off as
 * when it refuses, never one per close. */
static void
test_accept_and_close (Fixture * f, gconstpointer data)
{
  FakeTracker *t = fake_tracker_new ();
  Peer *p;

  t->close_at_once = TRUE;
  p = peer_new (t->url);
  run_for (8000);
  g_test_message ("%u attempts, %u WebSockets, %u disconnections in 8 s",
      p->attempts->len, t->connections, p->disconnected);
  /* at 0, ~1, ~3 and ~7 s */
  g_assert_cmpuint (p->attempts->len, >=, 3);
  g_assert_cmpuint (p->attempts->len, <=, 4);
  g_assert_cmpuint (t->connections, ==, p->attempts->len);
  g_assert_cmpuint (p->disconnected, ==, p->attempts->len);
  assert_backoff (p, 1, g_array_index (p->attempts, gint64, 0), 2);
  peer_free (p);
  fake_tracker_free (t);
}

/* Nobody listens when the client starts; once a tracker does, the client
 * finds it at its next attempt. */
static void
test_tracker_starts_late (Fixture * f, gconstpointer data)
{
  guint port = free_port ();
  g_autofree gchar *url = g_strdup_printf ("ws://127.0.0.1:%u/announce",
      port);
  Peer *p = peer_new (url);
  P2pTrackerServer *server;
  gint64 started;

  run_for (2000);
  g_assert_cmpuint (p->connected, ==, 0);
  g_assert_cmpuint (p->attempts->len, ==, 2);

  server = server_start (60, port);
  started = g_get_monotonic_time ();
  /* the third attempt is due ~3 s after the first */
  WAIT_UNTIL (p->connected == 1, 4000);
  g_assert_cmpuint (p->connected, ==, 1);
  g_test_message ("connected %" G_GINT64_FORMAT " ms after the tracker "
      "started", (g_get_monotonic_time () - started) / 1000);
  g_assert_cmpuint (p->attempts->len, ==, 3);
  peer_free (p);
  g_object_unref (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tracker-client/bad-url", test_bad_url);
  g_test_add ("/tracker-client/offer-answer", Fixture, NULL, fixture_setup,
      test_offer_answer, fixture_teardown);
  g_test_add ("/tracker-client/reconnect", Fixture, NULL, fixture_setup,
      test_reconnect, fixture_teardown);
  g_test_add ("/tracker-client/refused", Fixture, NULL, fixture_setup,
      test_refused, fixture_teardown);
  g_test_add ("/tracker-client/malformed", Fixture, NULL, fixture_setup,
      test_malformed, fixture_teardown);
  g_test_add ("/tracker-client/dispose", Fixture, NULL, fixture_setup,
      test_dispose, fixture_teardown);
  g_test_add ("/tracker-client/accept-and-close", Fixture, NULL,
      fixture_setup, test_accept_and_close, fixture_teardown);
  g_test_add ("/tracker-client/tracker-starts-late", Fixture, NULL,
      fixture_setup, test_tracker_starts_late, fixture_teardown);
  return g_test_run ();
}
