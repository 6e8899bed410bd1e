/* gst-p2pcdn: element registrations of the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (p2phlssrc);
GST_ELEMENT_REGISTER_DECLARE (p2pdashsrc);

G_END_DECLS
