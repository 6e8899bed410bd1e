/* gst-p2pcdn simulation: the event queue, a binary min-heap.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Events are ordered by time, then by the order they were pushed in, so
 * that a run depends on its seed only.  A sorted list costs O(n) per push,
 * too slow with thousands of peers each holding several pending events.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 time;                  /* simulated us */
  guint64 seq;                  /* push order: ties go first in, first out */
  guint type;
  guint gen;                    /* the owner's generation when pushed */
  gpointer obj;
  gint64 arg;
} SimEvent;

typedef struct {
  SimEvent *ev;
  gsize len, alloc;
  guint64 next_seq;
} SimHeap;

void sim_heap_init (SimHeap * heap);
void sim_heap_clear (SimHeap * heap);
void sim_heap_push (SimHeap * heap, gint64 time, guint type, gpointer obj,
    gint64 arg, guint gen);
/* The earliest event into @out; FALSE when there is none. */
gboolean sim_heap_pop (SimHeap * heap, SimEvent * out);

G_END_DECLS
