/* gst-p2pcdn tests: an element's explicit settings laid over the manager's.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-swarm-settings.h"

static void
defaults (P2pSwarmSettings * s)
{
  const gchar *trackers[] = { "ws://manager:8000", NULL };

  s->p2p = TRUE;
  s->trackers = g_strdupv ((gchar **) trackers);
  s->stun_server = NULL;
  s->turn_server = g_strdup ("turn://u:p@host:3478");
  s->max_peers = 20;
  s->peer_upload_kbps = 0;
  s->upload = TRUE;
}

/* What the element does not set stays the manager's. */
static void
test_nothing_set (void)
{
  P2pSwarmSettings s;
  GstStructure *none = gst_structure_new_empty (P2P_SWARM_SETTINGS_NAME);

  defaults (&s);
  p2p_swarm_settings_overlay (&s, NULL);
  p2p_swarm_settings_overlay (&s, none);
  g_assert_true (s.p2p);
  g_assert_cmpstr (s.trackers[0], ==, "ws://manager:8000");
  g_assert_cmpstr (s.turn_server, ==, "turn://u:p@host:3478");
  g_assert_cmpuint (s.max_peers, ==, 20);
  g_assert_true (s.upload);
  gst_structure_free (none);
  p2p_swarm_settings_clear (&s);
}

static void
test_explicit (void)
{
  P2pSwarmSettings s;
  GstStructure *set = gst_structure_new (P2P_SWARM_SETTINGS_NAME,
      "p2p", G_TYPE_BOOLEAN, FALSE, "upload", G_TYPE_BOOLEAN, FALSE,
      "max-peers", G_TYPE_UINT, 3, "peer-upload-rate", G_TYPE_UINT, 500,
      "stun-server", G_TYPE_STRING, "stun://stun:3478",
      "turn-server", G_TYPE_STRING, NULL,
      "trackers", G_TYPE_STRING, "ws://a:1,ws://b:2", NULL);
  gchar *before, *after;

  defaults (&s);
  before = p2p_swarm_settings_ice_key (&s);
  p2p_swarm_settings_overlay (&s, set);
  after = p2p_swarm_settings_ice_key (&s);
  g_assert_false (s.p2p);
  g_assert_false (s.upload);
  g_assert_cmpuint (s.max_peers, ==, 3);
  g_assert_cmpuint (s.peer_upload_kbps, ==, 500);
  g_assert_cmpstr (s.stun_server, ==, "stun://stun:3478");
  /* set to nothing is set: no TURN server */
  g_assert_null (s.turn_server);
  g_assert_cmpuint (g_strv_length (s.trackers), ==, 2);
  g_assert_cmpstr (s.trackers[1], ==, "ws://b:2");
  /* other ICE servers, another transport */
  g_assert_cmpstr (before, !=, after);
  g_free (before);
  g_free (after);
  gst_structure_free (set);
  p2p_swarm_settings_clear (&s);
}

/* trackers="" on an element: no peers for its stream, whatever the
 * manager has. */
static void
test_no_trackers (void)
{
  P2pSwarmSettings s;
  GstStructure *set = gst_structure_new (P2P_SWARM_SETTINGS_NAME,
      "trackers", G_TYPE_STRING, "", NULL);

  defaults (&s);
  p2p_swarm_settings_overlay (&s, set);
  g_assert_true (s.trackers == NULL || s.trackers[0] == NULL);
  gst_structure_free (set);
  p2p_swarm_settings_clear (&s);
}

static void
test_scopes (void)
{
  const gchar *per_stream[] = { "p2p", "trackers", "stun-server",
    "turn-server", "max-peers", "peer-upload-rate", "upload", NULL
  };

  for (guint i = 0; per_stream[i]; i++)
    g_assert_true (p2p_swarm_settings_has_property (per_stream[i]));
  g_assert_false (p2p_swarm_settings_has_property ("cache-size"));
  g_assert_false (p2p_swarm_settings_has_property ("upload-rate"));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/swarm-settings/nothing-set", test_nothing_set);
  g_test_add_func ("/swarm-settings/explicit", test_explicit);
  g_test_add_func ("/swarm-settings/no-trackers", test_no_trackers);
  g_test_add_func ("/swarm-settings/scopes", test_scopes);
  return g_test_run ();
}
