/* gst-p2pcdn: the swarm manager, owner of every fetch of the process.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "p2p-fetch.h"
#include "p2p-http-options.h"

G_BEGIN_DECLS

/* GstContext type through which an application hands its own manager to the
 * sources of a pipeline; the structure holds it in the field "manager". */
#define P2P_MANAGER_CONTEXT_TYPE "p2pcdn.swarm-manager"

#define P2P_MANAGER_DEFAULT_MAX_PEERS 20
#define P2P_MANAGER_DEFAULT_CACHE_SIZE (64 * 1024 * 1024)

#define P2P_TYPE_MANAGER (p2p_manager_get_type ())
G_DECLARE_FINAL_TYPE (P2pManager, p2p_manager, P2P, MANAGER, GstObject);

P2pManager *p2p_manager_new (void);
/* The process-wide manager, created on first use; free it with
 * gst_object_unref() like any other reference. */
P2pManager *p2p_manager_get_default (void);

GstContext *p2p_manager_make_context (P2pManager * manager);
P2pManager *p2p_manager_from_context (GstContext * context);

/* Starts serving a request; thread-safe, never blocks.  The caller reads
 * the returned fetch and cancels it when it no longer wants it. */
P2pFetch *p2p_manager_open (P2pManager * manager,
    const P2pHttpOptions * options);

/* Figures of the manager, as a "p2pcdn-stats" structure. */
GstStructure *p2p_manager_get_stats (P2pManager * manager);

G_END_DECLS
