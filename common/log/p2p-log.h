/* gst-p2pcdn: one GStreamer debug category per component, "p2pcdn-<name>".
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The libraries of common/ are linked into the plugin, the tests and the
 * tools, and some of them run before gst_init() (the simulation, unit tests
 * of one layer).  A category is therefore made on first use rather than in a
 * plugin_init: GStreamer applies GST_DEBUG to categories made before
 * gst_init() as well, so `GST_DEBUG='p2pcdn*:5'` reaches every line.
 *
 *   P2P_LOG_CATEGORY (p2p_swarm_log, "p2pcdn-swarm", "peers and segments");
 *   #define GST_CAT_DEFAULT p2p_swarm_log ()
 */
#pragma once

#include <gst/gst.h>

#ifndef GST_DISABLE_GST_DEBUG
#define P2P_LOG_CATEGORY(func, name, description)                            \
  static G_GNUC_UNUSED GstDebugCategory *                                   \
  func (void)                                                               \
  {                                                                         \
    static gsize cat = 0;                                                   \
    if (g_once_init_enter (&cat))                                           \
      g_once_init_leave (&cat,                                              \
          (gsize) _gst_debug_category_new (name, 0, description));          \
    return (GstDebugCategory *) cat;                                        \
  }
#else
#define P2P_LOG_CATEGORY(func, name, description)                            \
  static G_GNUC_UNUSED GstDebugCategory *                                   \
  func (void)                                                               \
  {                                                                         \
    return NULL;                                                            \
  }
#endif
