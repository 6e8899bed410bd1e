/* gst-p2pcdn: base class of the p2phlssrc and p2pdashsrc source elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

#define GST_TYPE_P2P_SRC (gst_p2p_src_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstP2pSrc, gst_p2p_src, GST, P2P_SRC, GstPushSrc);

/* The two elements differ only in the URI schemes they answer to. */
struct _GstP2pSrcClass
{
  GstPushSrcClass parent_class;

  /* "p2phls+": prefixed to http(s) URIs handed to the demuxer */
  const gchar *scheme_prefix;
  const gchar *const *protocols;
  /* the streams-aware demuxer of the format, and the one it replaces */
  const gchar *demux2_name;
  const gchar *legacy_demux_name;
};

G_END_DECLS
