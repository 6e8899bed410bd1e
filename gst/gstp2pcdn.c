/* gst-p2pcdn: plugin entry point.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstp2pcdnelements.h"
#include "p2p-manager.h"

/* The categories of common/ are made on their first use (common/log/p2p-log.h);
 * made here too, so that `--gst-debug-help` lists every one from the start
 * (a first use later finds the category by its name). */
static void
register_debug_categories (void)
{
#ifndef GST_DISABLE_GST_DEBUG
  static const struct
  {
    const gchar *name;
    const gchar *description;
  } categories[] = {
    {"p2pcdn-manifest", "manifest registry: playlists, segments, swarm identity"},
    {"p2pcdn-cache", "segment cache: stores, pins, evictions"},
    {"p2pcdn-scheduler", "segment jobs: peer or HTTP, deadlines, hand-overs"},
    {"p2pcdn-tracker", "WebSocket tracker client"},
    {"p2pcdn-fetch", "one segment request: cache, swarm, HTTP"},
    {"p2pcdn-peer", "one remote peer: protocol, uploads, downloads"},
    {"p2pcdn-swarm", "one swarm: offers, answers, peers, segments"},
    {"p2pcdn-transport", "peer connections and data channels"},
    {"p2pcdn-webrtc", "gst-p2pcdn WebRTC transport"},
    {"p2pcdn-http", "p2pcdn HTTP"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    _gst_debug_category_new (categories[i].name, 0,
        categories[i].description);
#endif
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  register_debug_categories ();

  /* Applications find the manager by type name to hand in their own. */
  g_type_ensure (P2P_TYPE_MANAGER);

  ret |= GST_ELEMENT_REGISTER (p2phlssrc, plugin);
  ret |= GST_ELEMENT_REGISTER (p2pdashsrc, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, p2pcdn,
    "Peer-to-peer CDN sources for HLS and DASH", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
