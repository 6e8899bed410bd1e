/* gst-p2pcdn: p2pdashsrc, a drop-in souphttpsrc for DASH that shares segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-p2pdashsrc
 *
 * Fetches DASH manifests and segments like souphttpsrc does, through the
 * process's swarm manager, so that segments can come from peers.
 *
 * |[
 * gst-launch-1.0 playbin uri=p2pdash+https://example.com/stream
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstp2psrc.h"
#include "gstp2pcdnelements.h"

#define GST_TYPE_P2P_DASH_SRC (gst_p2p_dash_src_get_type ())
G_DECLARE_FINAL_TYPE (GstP2pDashSrc, gst_p2p_dash_src, GST, P2P_DASH_SRC,
    GstP2pSrc);

struct _GstP2pDashSrc
{
  GstP2pSrc parent;
};

G_DEFINE_TYPE (GstP2pDashSrc, gst_p2p_dash_src, GST_TYPE_P2P_SRC);
GST_ELEMENT_REGISTER_DEFINE (p2pdashsrc, "p2pdashsrc", GST_RANK_SECONDARY,
    GST_TYPE_P2P_DASH_SRC);

/* Plain http(s) too, so that raising the rank above souphttpsrc's switches
 * an unchanged application over to the plugin. */
static const gchar *const protocols[] =
    { "p2pdash+http", "p2pdash+https", "http", "https", NULL };

static void
gst_p2p_dash_src_class_init (GstP2pDashSrcClass * klass)
{
  GstP2pSrcClass *p2p_class = GST_P2P_SRC_CLASS (klass);

  p2p_class->scheme_prefix = "p2pdash+";
  p2p_class->demux2_name = "dashdemux2";
  p2p_class->legacy_demux_name = "dashdemux";
  p2p_class->protocols = protocols;
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass),
      "P2P DASH source", "Source/Network",
      "Receives DASH manifests and segments over HTTP and from peers",
      "gst-p2pcdn developers");
}

static void
gst_p2p_dash_src_init (GstP2pDashSrc * self)
{
}
