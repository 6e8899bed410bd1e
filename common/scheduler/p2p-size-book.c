/* gst-p2pcdn: the sizes of a rendition's segments, known good or declared
 * by peers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-size-book.h"

typedef struct {
  gint64 good;                  /* -1 unknown */
  gint64 declared;              /* the first size a peer declared, -1 none */
  gboolean disputed;            /* another peer declared another size */
} SizeRec;

struct _P2pSizeBook {
  GTree *segments;              /* gint64* id -> SizeRec */
};

static gint
compare_ids (gconstpointer a, gconstpointer b, gpointer unused)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

P2pSizeBook *
p2p_size_book_new (void)
{
  P2pSizeBook *book = g_new0 (P2pSizeBook, 1);

  book->segments = g_tree_new_full (compare_ids, NULL, g_free, g_free);
  return book;
}

void
p2p_size_book_free (P2pSizeBook * book)
{
  if (book == NULL)
    return;
  g_tree_destroy (book->segments);
  g_free (book);
}

static SizeRec *
lookup (P2pSizeBook * book, gint64 segment_id)
{
  return g_tree_lookup (book->segments, &segment_id);
}

static SizeRec *
get (P2pSizeBook * book, gint64 segment_id)
{
  SizeRec *rec = lookup (book, segment_id);
  gint64 *key;

  if (rec)
    return rec;
  if (g_tree_nnodes (book->segments) >= P2P_SIZE_BOOK_MAX)
    g_tree_remove (book->segments,
        g_tree_node_key (g_tree_node_first (book->segments)));
  key = g_new (gint64, 1);
  *key = segment_id;
  rec = g_new (SizeRec, 1);
  rec->good = rec->declared = -1;
  rec->disputed = FALSE;
  g_tree_insert (book->segments, key, rec);
  return rec;
}

void
p2p_size_book_set_good (P2pSizeBook * book, gint64 segment_id, gint64 size)
{
  SizeRec *rec;

  if (size <= 0)
    return;
  rec = get (book, segment_id);
  rec->good = size;
  rec->disputed = FALSE;
}

gint64
p2p_size_book_get_good (P2pSizeBook * book, gint64 segment_id)
{
  SizeRec *rec = lookup (book, segment_id);

  return rec ? rec->good : -1;
}

P2pSizeVerdict
p2p_size_book_declare (P2pSizeBook * book, gint64 segment_id, gint64 size)
{
  SizeRec *rec = get (book, segment_id);

  if (rec->good > 0)
    return size == rec->good ? P2P_SIZE_AGREES : P2P_SIZE_WRONG;
  if (rec->declared < 0)
    rec->declared = size;
  else if (rec->declared != size)
    rec->disputed = TRUE;
  return rec->disputed ? P2P_SIZE_DISPUTED : P2P_SIZE_AGREES;
}

gboolean
p2p_size_book_is_disputed (P2pSizeBook * book, gint64 segment_id)
{
  SizeRec *rec = lookup (book, segment_id);

  return rec && rec->disputed;
}
