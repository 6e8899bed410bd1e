/* gst-p2pcdn: plugin entry point.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstp2pcdnelements.h"
#include "p2p-manager.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  /* Applications find the manager by type name to hand in their own. */
  g_type_ensure (P2P_TYPE_MANAGER);

  ret |= GST_ELEMENT_REGISTER (p2phlssrc, plugin);
  ret |= GST_ELEMENT_REGISTER (p2pdashsrc, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, p2pcdn,
    "Peer-to-peer CDN sources for HLS and DASH", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
