/* gst-p2pcdn: FIFO that carries events from any thread onto one GMainContext.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: `lock` guards `events`, `scheduled` and `stopped`.
 * It is never held while an event runs or a destroy notify is called, so an
 * event may push to any queue (its own included) or stop it.
 */
#define G_LOG_DOMAIN "p2p-transport"

#include "p2p-context-queue.h"

struct _P2pContextQueue
{
  gatomicrefcount ref_count;
  GMainContext *context;
  GWeakRef target;

  GMutex lock;
  GQueue events;
  gboolean scheduled;
  gboolean stopped;
};

typedef struct
{
  P2pContextQueueFunc func;
  gpointer data;
  GDestroyNotify destroy;
} P2pContextEvent;

static void
p2p_context_event_free (P2pContextEvent * event)
{
  if (event->destroy != NULL)
    event->destroy (event->data);
  g_free (event);
}

P2pContextQueue *
p2p_context_queue_new (GMainContext * context, GObject * target)
{
  P2pContextQueue *queue = g_new0 (P2pContextQueue, 1);

  g_atomic_ref_count_init (&queue->ref_count);
  queue->context = g_main_context_ref (context);
  g_weak_ref_init (&queue->target, target);
  g_mutex_init (&queue->lock);
  g_queue_init (&queue->events);
  return queue;
}

P2pContextQueue *
p2p_context_queue_ref (P2pContextQueue * queue)
{
  g_atomic_ref_count_inc (&queue->ref_count);
  return queue;
}

void
p2p_context_queue_unref (P2pContextQueue * queue)
{
  if (!g_atomic_ref_count_dec (&queue->ref_count))
    return;
  g_queue_clear_full (&queue->events, (GDestroyNotify) p2p_context_event_free);
  g_mutex_clear (&queue->lock);
  g_weak_ref_clear (&queue->target);
  g_main_context_unref (queue->context);
  g_free (queue);
}

static gboolean
p2p_context_queue_dispatch (gpointer user_data)
{
  P2pContextQueue *queue = user_data;
  GQueue batch = G_QUEUE_INIT;
  GObject *target;
  P2pContextEvent *event;
  gboolean stopped;

  g_mutex_lock (&queue->lock);
  batch = queue->events;
  g_queue_init (&queue->events);
  queue->scheduled = FALSE;
  g_mutex_unlock (&queue->lock);

  target = g_weak_ref_get (&queue->target);
  while ((event = g_queue_pop_head (&batch)) != NULL) {
    g_mutex_lock (&queue->lock);
    stopped = queue->stopped;
    g_mutex_unlock (&queue->lock);
    if (target != NULL && !stopped)
      event->func (target, event->data);
    p2p_context_event_free (event);
  }
  g_clear_object (&target);
  return G_SOURCE_REMOVE;
}

void
p2p_context_queue_push (P2pContextQueue * queue, P2pContextQueueFunc func,
    gpointer data, GDestroyNotify destroy)
{
  P2pContextEvent *event;
  gboolean schedule = FALSE;

  g_mutex_lock (&queue->lock);
  if (!queue->stopped) {
    event = g_new (P2pContextEvent, 1);
    event->func = func;
    event->data = data;
    event->destroy = destroy;
    g_queue_push_tail (&queue->events, event);
    schedule = !queue->scheduled;
    queue->scheduled = TRUE;
    data = NULL;
  }
  g_mutex_unlock (&queue->lock);

  if (data != NULL && destroy != NULL)
    destroy (data);

  if (schedule) {
    GSource *source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, p2p_context_queue_dispatch,
        p2p_context_queue_ref (queue),
        (GDestroyNotify) p2p_context_queue_unref);
    g_source_set_static_name (source, "p2p-context-queue");
    g_source_attach (source, queue->context);
    g_source_unref (source);
  }
}

void
p2p_context_queue_stop (P2pContextQueue * queue)
{
  GQueue dropped;

  g_mutex_lock (&queue->lock);
  queue->stopped = TRUE;
  dropped = queue->events;
  g_queue_init (&queue->events);
  g_mutex_unlock (&queue->lock);

  g_queue_clear_full (&dropped, (GDestroyNotify) p2p_context_event_free);
}
