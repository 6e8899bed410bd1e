/* gst-p2pcdn: a rendition's live window, and its segments by id.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-registry-private.h"

gboolean
p2p_manifest_registry_get_live_window (P2pManifestRegistry * reg,
    const gchar * stream_swarm_id, gint64 * first_id)
{
  P2pStream *stream = g_hash_table_lookup (reg->streams, stream_swarm_id);
  gboolean found = FALSE;

  if (!stream || !stream->live)
    return FALSE;
  /* The registry keeps the previous window too: a player a little behind
   * still asks for its segments, so they stay. */
  for (guint i = 0; i < stream->entries->len; i++) {
    P2pEntry *e = g_ptr_array_index (stream->entries, i);

    if (e->kind != P2P_ENTRY_SEGMENT || e->dead)
      continue;
    if (!found || e->seg.id < *first_id)
      *first_id = e->seg.id;
    found = TRUE;
  }
  return found;
}

const P2pSegment *
p2p_manifest_registry_find_segment (P2pManifestRegistry * reg,
    const gchar * stream_swarm_id, gint64 id)
{
  P2pStream *stream = g_hash_table_lookup (reg->streams, stream_swarm_id);

  if (!stream)
    return NULL;
  /* newest last: a refresh appends */
  for (guint i = stream->entries->len; i > 0; i--) {
    P2pEntry *e = g_ptr_array_index (stream->entries, i - 1);

    if (e->kind == P2P_ENTRY_SEGMENT && !e->dead && e->seg.id == id)
      return &e->seg;
  }
  return NULL;
}
