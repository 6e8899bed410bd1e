/* gst-p2pcdn: the limits a tracker server enforces, with their defaults.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_TRACKER_DEFAULT_INTERVAL 120
#define P2P_TRACKER_DEFAULT_MAX_MESSAGE_SIZE (64 * 1024)
#define P2P_TRACKER_DEFAULT_MAX_OFFERS 10
#define P2P_TRACKER_DEFAULT_MAX_CONNECTIONS 10000
#define P2P_TRACKER_DEFAULT_IDLE_TIMEOUT 240
#define P2P_TRACKER_DEFAULT_MAX_SWARMS_PER_CONNECTION 64
#define P2P_TRACKER_DEFAULT_MAX_SEND_BACKLOG (1024 * 1024)
#define P2P_TRACKER_DEFAULT_HANDSHAKE_TIMEOUT 10
/* A carrier-grade NAT puts many viewers behind one address; 256 of them is
 * 2.5 % of the default max-connections, so one address cannot take the
 * tracker.  IPv6 addresses count per /64, what one host usually gets. */
#define P2P_TRACKER_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS 256
/* A viewer announces each of its swarms (video, audio) on start, on a
 * rendition switch and every interval: a few a minute.  The burst covers
 * a start with every rendition; the rate is 60x the steady need. */
#define P2P_TRACKER_DEFAULT_ANNOUNCE_RATE 1
#define P2P_TRACKER_DEFAULT_ANNOUNCE_BURST 20
/* Per address: what 256 viewers behind one NAT need in steady state
 * (about 4 a second at interval 120 with two swarms each), times 5. */
#define P2P_TRACKER_DEFAULT_ADDRESS_ANNOUNCE_RATE 20
#define P2P_TRACKER_DEFAULT_ADDRESS_ANNOUNCE_BURST 400
/* Browsers send 5 offers per announce; each forwarded offer costs the
 * tracker a send and another peer an ICE gathering. */
#define P2P_TRACKER_DEFAULT_OFFER_RATE 5
#define P2P_TRACKER_DEFAULT_OFFER_BURST 100
#define P2P_TRACKER_DEFAULT_ADDRESS_OFFER_RATE 100
#define P2P_TRACKER_DEFAULT_ADDRESS_OFFER_BURST 2000
/* Swarms cost memory whoever makes them: 64 swarms per connection times
 * 10000 connections would be 640000; real deployments have a few per
 * stream rendition. */
#define P2P_TRACKER_DEFAULT_MAX_SWARMS 50000
/* A scrape of every swarm lists at most this many (the largest); together
 * with the reply being reused for a second (p2p-tracker-server-private.h)
 * this bounds what a scrape flood costs. */
#define P2P_TRACKER_DEFAULT_MAX_SCRAPE_SWARMS 1000
/* Offers forwarded to one connection that may still be answered: an
 * answer for any other offer is dropped.  Browsers give an offer ~50 s. */
#define P2P_TRACKER_DEFAULT_MAX_PENDING_OFFERS 64
#define P2P_TRACKER_DEFAULT_OFFER_TIMEOUT 60

typedef struct {
  guint interval;               /* seconds, sent to clients as "interval" */
  gsize max_message_size;       /* bytes of one incoming WebSocket message */
  guint max_offers;             /* offers in one announce */
  guint max_connections;        /* open WebSocket connections */
  guint idle_timeout;           /* seconds without a message before closing; 0 = never */
  guint max_swarms_per_connection;      /* (swarm, peer_id) pairs one socket may hold */
  gsize max_send_backlog;       /* bytes queued to a client that does not read */
  guint handshake_timeout;      /* seconds a TCP connection may stay plain HTTP */
  guint max_connections_per_address;    /* TCP connections from one IPv4 address or IPv6 /64 */
  guint announce_rate;          /* announces and scrapes a second, per connection */
  guint announce_burst;
  guint address_announce_rate;  /* the same, per address */
  guint address_announce_burst;
  guint offer_rate;             /* offers forwarded a second, per connection */
  guint offer_burst;
  guint address_offer_rate;     /* the same, per address */
  guint address_offer_burst;
  guint max_swarms;             /* swarms on the whole tracker */
  guint max_scrape_swarms;      /* swarms listed by a scrape of all */
  guint max_pending_offers;     /* unanswered offers remembered per connection */
  guint offer_timeout;          /* seconds an offer may be answered */
} P2pTrackerLimits;

void p2p_tracker_limits_init (P2pTrackerLimits * limits);
gboolean p2p_tracker_limits_check (const P2pTrackerLimits * limits,
    GError ** error);

G_END_DECLS
