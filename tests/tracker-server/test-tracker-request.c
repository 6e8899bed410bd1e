/* gst-p2pcdn: parsing and validation of client messages to the tracker.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "p2p-tracker-server-request.h"
#include "p2p-tracker-server-error.h"

#define IH "Un5pXNncgx4ZjfNSitaa"
#define PEER "-PM0203-C3nNqmoUiVoo"
#define OFFER "{\"offer_id\":\"" PEER "\",\"offer\":{\"type\":\"offer\"," \
    "\"sdp\":\"v=0\\r\\n\"}}"

static gboolean
parse (P2pTrackerServerRequest * request, const gchar * text, GError ** error)
{
  return p2p_tracker_server_request_parse (request, text, strlen (text), 10,
      error);
}

static void
test_announce (void)
{
  P2pTrackerServerRequest request;
  g_autoptr (GError) error = NULL;
  P2pTrackerServerOffer *offer;

  p2p_tracker_server_request_init (&request);
  g_assert_true (parse (&request, "{\"numwant\":5,\"uploaded\":0,"
          "\"downloaded\":0,\"event\":\"started\",\"action\":\"announce\","
          "\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER "\",\"offers\":["
          OFFER "," OFFER "]}", &error));
  g_assert_no_error (error);
  g_assert_cmpint (request.action, ==, P2P_TRACKER_SERVER_ACTION_ANNOUNCE);
  g_assert_cmpstr (request.info_hash, ==, IH);
  g_assert_cmpstr (request.peer_id, ==, PEER);
  g_assert_cmpint (request.event, ==, P2P_TRACKER_SERVER_EVENT_STARTED);
  g_assert_cmpint (request.numwant, ==, 5);
  g_assert_false (request.left_is_zero);
  g_assert_null (request.answer);
  g_assert_cmpuint (request.offers->len, ==, 2);
  offer = &g_array_index (request.offers, P2pTrackerServerOffer, 1);
  g_assert_cmpstr (offer->offer_id, ==, PEER);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (offer->offer));

  /* A periodic announce: no event, left 0 makes a seeder. */
  g_assert_true (parse (&request, "{\"action\":\"announce\",\"info_hash\":\""
          IH "\",\"peer_id\":\"" PEER "\",\"left\":0}", &error));
  g_assert_cmpint (request.event, ==, P2P_TRACKER_SERVER_EVENT_UPDATE);
  g_assert_cmpint (request.numwant, ==, -1);
  g_assert_true (request.left_is_zero);
  g_assert_null (request.offers);

  /* null is as good as absent, as in JavaScript. */
  g_assert_true (parse (&request, "{\"action\":\"announce\",\"info_hash\":\""
          IH "\",\"peer_id\":\"" PEER "\",\"event\":null,\"answer\":null,"
          "\"offers\":null,\"numwant\":null}", &error));
  g_assert_no_error (error);
  p2p_tracker_server_request_clear (&request);
}

static void
test_answer (void)
{
  P2pTrackerServerRequest request;
  g_autoptr (GError) error = NULL;

  p2p_tracker_server_request_init (&request);
  g_assert_true (parse (&request, "{\"action\":\"announce\",\"info_hash\":\""
          IH "\",\"peer_id\":\"" PEER "\",\"to_peer_id\":\"-PM0203-VQM2wT9UuvdD\","
          "\"answer\":{\"type\":\"answer\",\"sdp\":\"v=0\"},\"offer_id\":"
          "\"j\\u0012\xc3\x93\xc3\x99\xc2\x96\xc2\x8f\xc3\x92vE\xc3\xado\xc3\xa8"
          "A\xc2\xa9\xc2\xa2\xc3\x96\xc3\x83\xc2\x91_\xc3\xa7\"}", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (request.to_peer_id, ==, "-PM0203-VQM2wT9UuvdD");
  g_assert_nonnull (request.answer);
  g_assert_cmpuint (g_utf8_strlen (request.offer_id, -1), ==, 20);
  p2p_tracker_server_request_clear (&request);
}

static void
test_scrape (void)
{
  P2pTrackerServerRequest request;
  g_autoptr (GError) error = NULL;

  p2p_tracker_server_request_init (&request);
  g_assert_true (parse (&request, "{\"action\":\"scrape\"}", &error));
  g_assert_cmpint (request.action, ==, P2P_TRACKER_SERVER_ACTION_SCRAPE);
  g_assert_null (request.scrape_info_hashes);

  g_assert_true (parse (&request, "{\"action\":\"scrape\",\"info_hash\":\""
          IH "\"}", &error));
  g_assert_cmpuint (request.scrape_info_hashes->len, ==, 1);

  g_assert_true (parse (&request, "{\"action\":\"scrape\",\"info_hash\":[\""
          IH "\",\"" PEER "\"]}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (request.scrape_info_hashes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (request.scrape_info_hashes, 1), ==,
      PEER);
  p2p_tracker_server_request_clear (&request);
}

static void
test_errors (void)
{
  struct {
    const gchar *text;
    gint code;
    gboolean keeps_info_hash;
  } cases[] = {
    {"{", P2P_TRACKER_SERVER_ERROR_MALFORMED, FALSE},
    {"\"announce\"", P2P_TRACKER_SERVER_ERROR_MALFORMED, FALSE},
    {"{\"action\":\"ANNOUNCE\"}", P2P_TRACKER_SERVER_ERROR_MALFORMED, FALSE},
    {"{\"action\":\"announce\",\"info_hash\":[\"" IH "\"],\"peer_id\":\""
          PEER "\"}", P2P_TRACKER_SERVER_ERROR_MALFORMED, FALSE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\"}",
        P2P_TRACKER_SERVER_ERROR_MALFORMED, TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER
          "\",\"answer\":{\"sdp\":\"\"},\"to_peer_id\":\"x\"}",
        P2P_TRACKER_SERVER_ERROR_MALFORMED, TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER
          "\",\"event\":\"started\",\"numwant\":-1}",
        P2P_TRACKER_SERVER_ERROR_INVALID, TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER
          "\",\"event\":7}", P2P_TRACKER_SERVER_ERROR_INVALID, TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER
          "\",\"offers\":[" OFFER ",5]}", P2P_TRACKER_SERVER_ERROR_INVALID,
        TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER
          "\",\"offers\":[{\"offer_id\":\"" PEER "\",\"offer\":{\"type\":"
          "\"answer\",\"sdp\":\"\"}}]}", P2P_TRACKER_SERVER_ERROR_INVALID,
        TRUE},
    {"{\"action\":\"announce\",\"info_hash\":\"" IH "\",\"peer_id\":\"" PEER
          "\",\"offers\":[" OFFER "," OFFER "," OFFER "," OFFER "," OFFER ","
          OFFER "," OFFER "," OFFER "," OFFER "," OFFER "," OFFER "]}",
        P2P_TRACKER_SERVER_ERROR_REFUSED, TRUE},
    {"{\"action\":\"scrape\",\"info_hash\":{}}",
        P2P_TRACKER_SERVER_ERROR_MALFORMED, FALSE},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    P2pTrackerServerRequest request;
    g_autoptr (GError) error = NULL;

    g_test_message ("%s", cases[i].text);
    p2p_tracker_server_request_init (&request);
    g_assert_false (parse (&request, cases[i].text, &error));
    g_assert_error (error, P2P_TRACKER_SERVER_ERROR, cases[i].code);
    if (cases[i].keeps_info_hash)
      g_assert_cmpstr (request.info_hash, ==, IH);
    p2p_tracker_server_request_clear (&request);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracker-request/announce", test_announce);
  g_test_add_func ("/tracker-request/answer", test_answer);
  g_test_add_func ("/tracker-request/scrape", test_scrape);
  g_test_add_func ("/tracker-request/errors", test_errors);
  return g_test_run ();
}
