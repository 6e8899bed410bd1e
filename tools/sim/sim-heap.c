/* gst-p2pcdn simulation: the event queue, a binary min-heap.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sim-heap.h"

static inline gboolean
before (const SimEvent * a, const SimEvent * b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void
sim_heap_init (SimHeap * heap)
{
  heap->ev = NULL;
  heap->len = heap->alloc = 0;
  heap->next_seq = 0;
}

void
sim_heap_clear (SimHeap * heap)
{
  g_free (heap->ev);
  sim_heap_init (heap);
}

void
sim_heap_push (SimHeap * heap, gint64 time, guint type, gpointer obj,
    gint64 arg, guint gen)
{
  SimEvent e = { time, heap->next_seq++, type, gen, obj, arg };
  gsize i;

  if (heap->len == heap->alloc) {
    heap->alloc = MAX (heap->alloc * 2, 1024);
    heap->ev = g_renew (SimEvent, heap->ev, heap->alloc);
  }
  /* sift up */
  i = heap->len++;
  while (i > 0) {
    gsize parent = (i - 1) / 2;

    if (!before (&e, &heap->ev[parent]))
      break;
    heap->ev[i] = heap->ev[parent];
    i = parent;
  }
  heap->ev[i] = e;
}

gboolean
sim_heap_pop (SimHeap * heap, SimEvent * out)
{
  SimEvent last;
  gsize i = 0;

  if (heap->len == 0)
    return FALSE;
  *out = heap->ev[0];
  last = heap->ev[--heap->len];
  /* sift the last one down from the root */
  for (;;) {
    gsize child = 2 * i + 1;

    if (child >= heap->len)
      break;
    if (child + 1 < heap->len && before (&heap->ev[child + 1],
            &heap->ev[child]))
      child++;
    if (!before (&heap->ev[child], &last))
      break;
    heap->ev[i] = heap->ev[child];
    i = child;
  }
  if (heap->len > 0)
    heap->ev[i] = last;
  return TRUE;
}
