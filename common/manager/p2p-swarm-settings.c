/* gst-p2pcdn: the settings one stream's swarm starts with.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-swarm-settings.h"

static const gchar *const stream_properties[] = {
  "p2p", "trackers", "stun-server", "turn-server", "ice-relay-only",
  "max-peers",
  "peer-upload-rate", "upload",
};

gboolean
p2p_swarm_settings_has_property (const gchar * name)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_properties); i++)
    if (g_str_equal (name, stream_properties[i]))
      return TRUE;
  return FALSE;
}

static void
replace_string (const GstStructure * s, const gchar * field, gchar ** out)
{
  if (gst_structure_has_field (s, field)) {
    g_free (*out);
    *out = g_strdup (gst_structure_get_string (s, field));
  }
}

void
p2p_swarm_settings_overlay (P2pSwarmSettings * settings,
    const GstStructure * s)
{
  const GValue *v;

  if (!s)
    return;
  gst_structure_get_boolean (s, "p2p", &settings->p2p);
  gst_structure_get_boolean (s, "upload", &settings->upload);
  gst_structure_get_boolean (s, "ice-relay-only", &settings->ice_relay_only);
  gst_structure_get_uint (s, "max-peers", &settings->max_peers);
  gst_structure_get_uint (s, "peer-upload-rate", &settings->peer_upload_kbps);
  replace_string (s, "stun-server", &settings->stun_server);
  replace_string (s, "turn-server", &settings->turn_server);
  /* the elements' form is the environment's: comma separated */
  if ((v = gst_structure_get_value (s, "trackers"))) {
    g_strfreev (settings->trackers);
    if (G_VALUE_HOLDS_STRING (v) && g_value_get_string (v))
      settings->trackers = g_strsplit (g_value_get_string (v), ",", -1);
    else if (G_VALUE_HOLDS (v, G_TYPE_STRV))
      settings->trackers = g_value_dup_boxed (v);
    else
      settings->trackers = NULL;
  }
}

gchar *
p2p_swarm_settings_ice_key (const P2pSwarmSettings * settings)
{
  return g_strdup_printf ("stun=%s turn=%s relay-only=%d",
      settings->stun_server ? settings->stun_server : "",
      settings->turn_server ? settings->turn_server : "",
      settings->ice_relay_only);
}

void
p2p_swarm_settings_clear (P2pSwarmSettings * settings)
{
  g_clear_pointer (&settings->trackers, g_strfreev);
  g_clear_pointer (&settings->stun_server, g_free);
  g_clear_pointer (&settings->turn_server, g_free);
}
