/* gst-p2pcdn: p2pcdn-tracker, a WebTorrent WebSocket tracker for the swarm.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <glib-unix.h>
#include <gst/gst.h>

#include "p2p-tracker-server.h"

/* Sockets the process needs besides its WebSocket clients. */
#define FD_RESERVE 128

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* The default soft limit of 1024 descriptors is far below max-connections;
 * raise it to the hard limit, and lower max-connections if still short so
 * that accept() never fails for lack of descriptors. */
static void
fit_descriptor_limit (P2pTrackerLimits * limits)
{
  struct rlimit rl;
  rlim_t needed = (rlim_t) limits->max_connections + FD_RESERVE;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return;
  if (rl.rlim_cur < needed && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = MIN (needed, rl.rlim_max);
    setrlimit (RLIMIT_NOFILE, &rl);
    getrlimit (RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur < needed) {
    guint fitted = rl.rlim_cur > 2 * FD_RESERVE ? rl.rlim_cur - 2 * FD_RESERVE
        : 1;
    g_printerr ("p2pcdn-tracker: only %lu file descriptors: "
        "max-connections lowered to %u\n",
        (unsigned long) rl.rlim_cur, fitted);
    limits->max_connections = fitted;
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (P2pTrackerServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree gchar *bind = g_strdup ("127.0.0.1");
  g_autofree gchar *url = NULL;
  P2pTrackerLimits limits;
  gint port = 8000, interval, max_message_size, max_offers, max_connections,
      idle_timeout, max_swarms, max_send_backlog, handshake_timeout;
  gint per_address, announce_rate, announce_burst, address_announce_rate,
      address_announce_burst, offer_rate, offer_burst, address_offer_rate,
      address_offer_burst, max_swarms_total, max_scrape_swarms,
      max_pending_offers, offer_timeout;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    {"port", 'p', 0, G_OPTION_ARG_INT, &port,
        "TCP port, 0 = any free one (default 8000)", "N"},
    {"bind", 'b', 0, G_OPTION_ARG_STRING, &bind,
        "IP address to listen on (default 127.0.0.1)", "ADDR"},
    {"interval", 0, 0, G_OPTION_ARG_INT, &interval,
        "Re-announce interval told to clients (default 120)", "SECONDS"},
    {"max-message-size", 0, 0, G_OPTION_ARG_INT, &max_message_size,
        "Largest WebSocket message accepted (default 65536)", "BYTES"},
    {"max-offers", 0, 0, G_OPTION_ARG_INT, &max_offers,
        "Most offers in one announce (default 10)", "N"},
    {"max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
        "Most open WebSocket connections (default 10000)", "N"},
    {"idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
        "Close a connection silent this long, 0 = never (default 240)",
        "SECONDS"},
    {"max-swarms-per-connection", 0, 0, G_OPTION_ARG_INT, &max_swarms,
        "Most (swarm, peer_id) pairs on one connection (default 64)", "N"},
    {"max-send-backlog", 0, 0, G_OPTION_ARG_INT, &max_send_backlog,
        "Close a client that leaves this much unread (default 1048576)",
        "BYTES"},
    {"handshake-timeout", 0, 0, G_OPTION_ARG_INT, &handshake_timeout,
        "Drop a TCP connection not upgraded in time (default 10)", "SECONDS"},
    {"max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &per_address,
          "Most TCP connections from one IPv4 address or IPv6 /64, so that "
          "one host cannot take every slot (default 256)", "N"},
    {"announce-rate", 0, 0, G_OPTION_ARG_INT, &announce_rate,
          "Announces and scrapes a second per connection (default 1)", "N"},
    {"announce-burst", 0, 0, G_OPTION_ARG_INT, &announce_burst,
          "... of which this many at once (default 20)", "N"},
    {"address-announce-rate", 0, 0, G_OPTION_ARG_INT,
          &address_announce_rate,
          "Announces and scrapes a second per address (default 20)", "N"},
    {"address-announce-burst", 0, 0, G_OPTION_ARG_INT,
          &address_announce_burst,
          "... of which this many at once (default 400)", "N"},
    {"offer-rate", 0, 0, G_OPTION_ARG_INT, &offer_rate,
          "Offers forwarded a second per connection (default 5)", "N"},
    {"offer-burst", 0, 0, G_OPTION_ARG_INT, &offer_burst,
          "... of which this many at once (default 100)", "N"},
    {"address-offer-rate", 0, 0, G_OPTION_ARG_INT, &address_offer_rate,
          "Offers forwarded a second per address (default 100)", "N"},
    {"address-offer-burst", 0, 0, G_OPTION_ARG_INT, &address_offer_burst,
          "... of which this many at once (default 2000)", "N"},
    {"max-swarms", 0, 0, G_OPTION_ARG_INT, &max_swarms_total,
          "Most swarms on the tracker (default 50000)", "N"},
    {"max-scrape-swarms", 0, 0, G_OPTION_ARG_INT, &max_scrape_swarms,
          "Most swarms listed by a scrape of all (default 1000)", "N"},
    {"max-pending-offers", 0, 0, G_OPTION_ARG_INT, &max_pending_offers,
          "Unanswered offers remembered per connection; an answer to any "
          "other is dropped (default 64)", "N"},
    {"offer-timeout", 0, 0, G_OPTION_ARG_INT, &offer_timeout,
          "Seconds an offer may be answered (default 60)", "SECONDS"},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
        "Log every connection and rejected message (as "
          "GST_DEBUG=p2pcdn-tracker-server:5)", NULL},
    {NULL}
  };

  p2p_tracker_limits_init (&limits);
  interval = limits.interval;
  max_message_size = limits.max_message_size;
  max_offers = limits.max_offers;
  max_connections = limits.max_connections;
  idle_timeout = limits.idle_timeout;
  max_swarms = limits.max_swarms_per_connection;
  max_send_backlog = limits.max_send_backlog;
  handshake_timeout = limits.handshake_timeout;
  per_address = limits.max_connections_per_address;
  announce_rate = limits.announce_rate;
  announce_burst = limits.announce_burst;
  address_announce_rate = limits.address_announce_rate;
  address_announce_burst = limits.address_announce_burst;
  offer_rate = limits.offer_rate;
  offer_burst = limits.offer_burst;
  address_offer_rate = limits.address_offer_rate;
  address_offer_burst = limits.address_offer_burst;
  max_swarms_total = limits.max_swarms;
  max_scrape_swarms = limits.max_scrape_swarms;
  max_pending_offers = limits.max_pending_offers;
  offer_timeout = limits.offer_timeout;

  options = g_option_context_new ("- WebTorrent WebSocket tracker");
  g_option_context_add_main_entries (options, entries, NULL);
  /* the log goes through GStreamer's debug system: GST_DEBUG or
   * --gst-debug=p2pcdn-tracker-server:5 */
  g_option_context_add_group (options, gst_init_get_option_group ());
  g_option_context_set_description (options,
      "Speaks the WebSocket tracker protocol of bittorrent-tracker; "
      "GET /stats on the same port\nserves counters as JSON.");
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("p2pcdn-tracker: %s\n", error->message);
    return 2;
  }
  if (argc > 1 || port < 0 || port > G_MAXUINT16 || interval < 0
      || max_message_size < 0 || max_offers < 0 || max_connections < 0
      || idle_timeout < 0 || max_swarms < 0 || max_send_backlog < 0
      || handshake_timeout < 0 || per_address < 0 || announce_rate < 0
      || announce_burst < 0 || address_announce_rate < 0
      || address_announce_burst < 0 || offer_rate < 0 || offer_burst < 0
      || address_offer_rate < 0 || address_offer_burst < 0
      || max_swarms_total < 0 || max_scrape_swarms < 0
      || max_pending_offers < 0 || offer_timeout < 0) {
    g_printerr ("p2pcdn-tracker: invalid arguments (see --help)\n");
    return 2;
  }
  limits.interval = interval;
  limits.max_message_size = max_message_size;
  limits.max_offers = max_offers;
  limits.max_connections = max_connections;
  limits.idle_timeout = idle_timeout;
  limits.max_swarms_per_connection = max_swarms;
  limits.max_send_backlog = max_send_backlog;
  limits.handshake_timeout = handshake_timeout;
  limits.max_connections_per_address = per_address;
  limits.announce_rate = announce_rate;
  limits.announce_burst = announce_burst;
  limits.address_announce_rate = address_announce_rate;
  limits.address_announce_burst = address_announce_burst;
  limits.offer_rate = offer_rate;
  limits.offer_burst = offer_burst;
  limits.address_offer_rate = address_offer_rate;
  limits.address_offer_burst = address_offer_burst;
  limits.max_swarms = max_swarms_total;
  limits.max_scrape_swarms = max_scrape_swarms;
  limits.max_pending_offers = max_pending_offers;
  limits.offer_timeout = offer_timeout;

  if (verbose)
    gst_debug_set_threshold_for_name ("p2pcdn-tracker-server",
        GST_LEVEL_DEBUG);
  fit_descriptor_limit (&limits);

  server = p2p_tracker_server_new (&limits, &error);
  if (server == NULL) {
    g_printerr ("p2pcdn-tracker: %s\n", error->message);
    return 2;
  }
  if (!p2p_tracker_server_start (server, NULL, bind, port, &error)) {
    g_printerr ("p2pcdn-tracker: %s\n", error->message);
    return 1;
  }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);

  url = p2p_tracker_server_get_url (server);
  printf ("p2pcdn-tracker listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);
  printf ("p2pcdn-tracker shutting down\n");
  return 0;
}
