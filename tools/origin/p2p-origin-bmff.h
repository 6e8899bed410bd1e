/* Shifts the media times of an ISO BMFF media segment (tfdt, sidx).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean p2p_origin_bmff_shift_times (guint8 * data, gsize size,
    guint32 track_timescale, guint64 shift_seconds, GError ** error);

G_END_DECLS
