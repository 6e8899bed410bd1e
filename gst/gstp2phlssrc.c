/* gst-p2pcdn: p2phlssrc, a drop-in souphttpsrc for HLS that shares segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-p2phlssrc
 *
 * Fetches HLS manifests and segments like souphttpsrc does, through the
 * process's swarm manager, so that segments can come from peers.
 *
 * |[
 * gst-launch-1.0 playbin uri=p2phls+https://example.com/stream
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstp2psrc.h"
#include "gstp2pcdnelements.h"

#define GST_TYPE_P2P_HLS_SRC (gst_p2p_hls_src_get_type ())
G_DECLARE_FINAL_TYPE (GstP2pHlsSrc, gst_p2p_hls_src, GST, P2P_HLS_SRC,
    GstP2pSrc);

struct _GstP2pHlsSrc
{
  GstP2pSrc parent;
};

G_DEFINE_TYPE (GstP2pHlsSrc, gst_p2p_hls_src, GST_TYPE_P2P_SRC);
GST_ELEMENT_REGISTER_DEFINE (p2phlssrc, "p2phlssrc", GST_RANK_SECONDARY,
    GST_TYPE_P2P_HLS_SRC);

/* Plain http(s) too, so that raising the rank above souphttpsrc's switches
 * an unchanged application over to the plugin. */
static const gchar *const protocols[] =
    { "p2phls+http", "p2phls+https", "http", "https", NULL };

static void
gst_p2p_hls_src_class_init (GstP2pHlsSrcClass * klass)
{
  GstP2pSrcClass *p2p_class = GST_P2P_SRC_CLASS (klass);

  p2p_class->scheme_prefix = "p2phls+";
  p2p_class->demux2_name = "hlsdemux2";
  p2p_class->legacy_demux_name = "hlsdemux";
  p2p_class->protocols = protocols;
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass),
      "P2P HLS source", "Source/Network",
      "Receives HLS manifests and segments over HTTP and from peers",
      "gst-p2pcdn developers");
}

static void
gst_p2p_hls_src_init (GstP2pHlsSrc * self)
{
}
