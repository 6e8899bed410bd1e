/* gst-p2pcdn: WebSocket and raw TCP clients for the tracker server tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything runs on the thread-default main context, which the tests
 * iterate while waiting; the server under test runs on the same context.
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "p2p-tracker-server.h"

G_BEGIN_DECLS

typedef struct {
  SoupWebsocketConnection *ws;
  GQueue received;              /* gchar *, text of each message */
  gboolean closed;
  gushort close_code;
} TestClient;

TestClient *test_client_connect (P2pTrackerServer * server, GError ** error);
/* From @local_ip, e.g. "127.0.0.2": 127.0.0.0/8 is all local on Linux. */
TestClient *test_client_connect_from (P2pTrackerServer * server,
    const gchar * local_ip, GError ** error);
void test_client_send (TestClient * client, const gchar * text);
gchar *test_client_receive (TestClient * client, guint timeout_ms);
JsonObject *test_client_receive_object (TestClient * client, guint timeout_ms);
gboolean test_client_wait_closed (TestClient * client, guint timeout_ms);
void test_client_free (TestClient * client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, test_client_free);

/* Runs the default context for @ms. */
void test_run_for (guint ms);
JsonObject *test_parse_object (const gchar * text);
JsonObject *test_get_stats (P2pTrackerServer * server);
gchar *test_http_get (P2pTrackerServer * server, const gchar * path,
    guint * status);

/* A 20-character id made of @prefix padded with '0'. */
gchar *test_id (const gchar * prefix);
gchar *test_offer_id (const gchar * prefix, guint index);
gchar *test_announce (const gchar * info_hash, const gchar * peer_id,
    const gchar * event, guint n_offers, const gchar * offer_id_prefix);

/* A raw TCP socket that did the WebSocket handshake, for the frames and
 * misbehaviours libsoup's client will not produce. */
GSocketConnection *test_raw_connect (P2pTrackerServer * server,
    gint receive_buffer, GError ** error);
gboolean test_raw_send_frame (GSocketConnection * conn, guint8 opcode,
    gboolean fin, const gchar * payload, gsize length, GError ** error);
gboolean test_raw_wait_eof (GSocketConnection * conn, guint timeout_ms);

G_END_DECLS
