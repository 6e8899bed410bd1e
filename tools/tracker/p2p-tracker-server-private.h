/* gst-p2pcdn: state shared by the tracker server's transport and its protocol.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "p2p-tracker-server.h"
#include "p2p-tracker-server-connection.h"
#include "p2p-tracker-server-swarm.h"

G_BEGIN_DECLS

/* At most this many swarms are listed by /stats. */
#define P2P_TRACKER_SERVER_LIST_MAX 1000
/* A scrape of all swarms sorts them all: its reply is reused this long, so
 * that a flood of them from many connections costs one sort a second. */
#define P2P_TRACKER_SERVER_SCRAPE_CACHE_US G_TIME_SPAN_SECOND
/* What a scrape of all swarms takes from the announce buckets. */
#define P2P_TRACKER_SERVER_FULL_SCRAPE_COST 5

typedef struct {
  guint64 messages_in;
  guint64 messages_out;
  guint64 offers_forwarded;
  guint64 answers_forwarded;
  guint64 answers_undeliverable;        /* to_peer_id not in the swarm */
  guint64 rejected_messages;    /* failure replies and over-long messages */
  guint64 connections_accepted;
  guint64 connections_refused;  /* over max-connections */
  guint64 closed_idle;
  guint64 closed_backlog;
  guint64 refused_address;      /* over max-connections-per-address */
  guint64 announces_rate_limited;       /* announces and scrapes refused */
  guint64 offers_rate_limited;  /* offers not forwarded */
  guint64 answers_unsolicited;  /* no such offer forwarded to the answerer */
  guint64 swarms_refused;       /* over max-swarms */
} P2pTrackerServerCounters;

struct _P2pTrackerServer {
  GObject parent;

  P2pTrackerLimits limits;
  GMainContext *context;
  SoupServer *soup;
  GSocketService *service;
  gchar *address;
  guint port;

  GHashTable *swarms;           /* info_hash -> P2pTrackerServerSwarm, owned */
  GHashTable *connections;      /* every P2pTrackerServerConnection not yet freed */
  guint n_open;                 /* connections not CLOSED */
  GQueue idle;                  /* OPEN connections, least recently active first */
  GQueue doomed;                /* DOOMED connections, for the reaper */
  GPtrArray *dead;              /* CLOSED connections, for the reaper */
  GSource *reaper;
  GSource *sweeper;

  GHashTable *tcp;              /* remote "address:port" -> newest TcpRecord */
  GQueue tcp_all;               /* every TcpRecord: open TCP connections */
  GQueue tcp_pending;           /* TcpRecords not upgraded, oldest first */
  GHashTable *addresses;        /* key -> P2pTrackerServerAddress, owned */

  JsonObject *full_scrape;      /* "files" of the last scrape of all */
  gint64 full_scrape_time;
  JsonArray *stats_swarms;      /* "swarm_peers" of the last /stats */
  gint64 stats_swarms_time;

  guint64 next_id;
  P2pTrackerServerCounters counters;
};

/* p2p-tracker-server.c */
void p2p_tracker_server_send (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, JsonNode * message);
void p2p_tracker_server_condemn (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, gushort code, const gchar * reason);
void p2p_tracker_server_drop_peer (P2pTrackerServer * self,
    P2pTrackerServerPeer * peer);
P2pTrackerServerAddress *p2p_tracker_server_address_ref (P2pTrackerServer *
    self, GSocketAddress * remote);
void p2p_tracker_server_address_unref (P2pTrackerServer * self,
    P2pTrackerServerAddress * address);

/* p2p-tracker-server-handler.c */
void p2p_tracker_server_handle_message (P2pTrackerServer * self,
    P2pTrackerServerConnection * conn, const gchar * data, gsize length);
GPtrArray *p2p_tracker_server_list_swarms (P2pTrackerServer * self,
    guint max);

G_END_DECLS
