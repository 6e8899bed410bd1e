/* gst-p2pcdn: FIFO that carries events from any thread onto one GMainContext.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Backends push events from GStreamer's threads (or another fake peer's
 * context); they run, in push order, on the queue's context, and only while
 * the target object is alive and the queue was not stopped.  One FIFO per
 * connection keeps a message from overtaking the close that followed it,
 * which separate idle sources would not guarantee.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _P2pContextQueue P2pContextQueue;

/* @target is a strong reference for the duration of the call. */
typedef void (*P2pContextQueueFunc) (GObject * target, gpointer data);

/* Holds only a weak reference to @target. */
P2pContextQueue *p2p_context_queue_new (GMainContext * context,
    GObject * target);
P2pContextQueue *p2p_context_queue_ref (P2pContextQueue * queue);
void p2p_context_queue_unref (P2pContextQueue * queue);

/* Thread-safe.  @destroy frees @data whether or not @func ran. */
void p2p_context_queue_push (P2pContextQueue * queue, P2pContextQueueFunc func,
    gpointer data, GDestroyNotify destroy);

/* Thread-safe.  Drops what is queued and everything pushed later; an event
 * that is running finishes, later ones of the same batch do not run. */
void p2p_context_queue_stop (P2pContextQueue * queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P2pContextQueue, p2p_context_queue_unref)

G_END_DECLS
