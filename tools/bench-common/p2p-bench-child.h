/* gst-p2pcdn: what the benchmark programs share: a measured child run and
 * medians.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs `SELF --child WHAT URL LOOPS` and waits for it: its CPU time (user
 * and system, seconds) and peak RSS (MiB), from wait4().  A child that
 * fails ends the benchmark (g_error). */
void p2p_bench_run_child (const gchar * self, const gchar * what,
    const gchar * url, guint loops, gdouble * cpu_s, gdouble * rss_mb);

/* The median of @n values (sorts @v). */
gdouble p2p_bench_median (gdouble * v, guint n);

G_END_DECLS
