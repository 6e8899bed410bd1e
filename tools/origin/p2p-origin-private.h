/* State shared by the origin's server thread files.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "p2p-origin.h"
#include "p2p-origin-live.h"
#include "p2p-origin-faults.h"

#include <stdio.h>

G_BEGIN_DECLS

/* Thread safety notes: everything below is written once before the server
 * thread starts, or touched only from that thread, except what @lock
 * protects (the request log, the in-flight set and the log file, which
 * callers of the public API use too) and @live_segments (atomic).
 * @start_lock only hands the listening result back to p2p_origin_new_full().
 * There is no nesting of locks. */
struct _P2pOrigin
{
  gchar *content_dir;
  gchar *address;
  guint port;
  gchar *base_url;

  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;

  /* server thread only */
  SoupServer *server;
  GHashTable *delayed;          /* GSource* of /slow/ requests in their wait */

  P2pOriginLive *live;          /* NULL when the content has no live/ */
  gint64 epoch_unix_s;          /* live stream start, whole seconds */
  gint64 epoch_monotonic_us;    /* the same instant on the monotonic clock */
  gint live_segments;           /* atomic */
  P2pOriginFaults *faults;      /* locks itself */

  GMutex lock;
  GPtrArray *log;               /* shared P2pOriginRequest*, see p2p-origin.c */
  GHashTable *in_flight;        /* the same entries until their response ends */
  FILE *log_file;

  GMutex start_lock;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;
};

void p2p_origin_route (P2pOrigin * origin, SoupServerMessage * msg,
    const gchar * path, gboolean honour_range);

void p2p_origin_request_clear (P2pOriginRequest * req);
SoupMessageHeaders *p2p_origin_headers_copy (SoupMessageHeaders * src);
void p2p_origin_log_cut (P2pOrigin * origin, SoupServerMessage * msg,
    guint64 bytes_sent);

G_END_DECLS
