/* gst-p2pcdn: a token bucket that caps an upload rate.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure; times in microseconds of the caller's clock.  One bucket per peer
 * caps what one remote gets; one shared by every peer of the process caps
 * the device's whole upload.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 rate;                 /* bytes/s, 0 = no limit */
  gdouble tokens;               /* bytes that may go now */
  gint64 updated;
} P2pRateLimit;

void p2p_rate_limit_init (P2pRateLimit * limit, guint64 rate);
void p2p_rate_limit_set_rate (P2pRateLimit * limit, guint64 rate);
/* How many of @want bytes may go at @now (all of them without a limit). */
gsize p2p_rate_limit_available (P2pRateLimit * limit, gint64 now, gsize want);
/* @n bytes went. */
void p2p_rate_limit_consume (P2pRateLimit * limit, gsize n);
/* When @want bytes (at most one burst) may go, from @now (0 = now). */
gint64 p2p_rate_limit_wait_us (P2pRateLimit * limit, gint64 now, gsize want);

G_END_DECLS
