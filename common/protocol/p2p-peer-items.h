/* gst-p2pcdn: typed items of the peer protocol body (internal).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An item's first byte carries its type in the high nibble: 0 int,
 * 1 similar-int array, 2 string (protocols.md section 3).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  P2P_PEER_ITEM_INT = 0,
  P2P_PEER_ITEM_ARRAY = 1,
  P2P_PEER_ITEM_STRING = 2,
} P2pPeerItemType;

/* Most magnitude bytes we read: a gint64 holds 8 with the sign bit. */
#define P2P_PEER_INT_MAX_BYTES 8

void p2p_peer_items_put_int (GByteArray * out, gint64 value);
/* Groups @ids by their common part (value & ~0xff) in order of first
 * appearance, at most 255 ids per group, at most 255 groups. */
gboolean p2p_peer_items_put_array (GByteArray * out, const gint64 * ids,
    guint n_ids, GError ** error);

typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
} P2pPeerReader;

gboolean p2p_peer_reader_int (P2pPeerReader * r, gint64 * value,
    GError ** error);
/* Appends the ids to @ids (of gint64) or, if NULL, only skips them. */
gboolean p2p_peer_reader_array (P2pPeerReader * r, GArray * ids,
    GError ** error);
gboolean p2p_peer_reader_skip_string (P2pPeerReader * r, GError ** error);

G_END_DECLS
