/* gst-p2pcdn: the stream's segment hash list, fetched from the origin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Manager thread only.  The list (PeerTube's segments-sha256.json, see
 * swarm/p2p-segment-hashes.h) comes over HTTP on the same session and with
 * the same settings as the segment request that needed it, never from
 * peers.  Live lists grow with the stream: they are fetched again while
 * segments are requested, and when a peer's segment is not listed yet.
 */
#pragma once

#include <libsoup/soup.h>

#include "p2p-http-options.h"
#include "swarm/p2p-segment-hashes.h"

G_BEGIN_DECLS

typedef struct _P2pHashList P2pHashList;

P2pHashList *p2p_hash_list_new (const gchar * uri);
/* What a running fetch still holds is let go when it ends. */
void p2p_hash_list_free (P2pHashList * list);
const gchar *p2p_hash_list_get_uri (P2pHashList * list);

/* Fetches the list unless a fetch runs or the copy held is fresh enough
 * (VOD: once; live: P2P_HASH_LIST_LIVE_REFRESH_US).  @options: the
 * request that needs it (its HTTP settings are used, its URI is not). */
void p2p_hash_list_refresh (P2pHashList * list, SoupSession * session,
    const P2pHttpOptions * options, gboolean live);
/* The same, with the session and settings of the last refresh. */
void p2p_hash_list_refresh_again (P2pHashList * list);

/* The list held now; NULL before the first fetch succeeded. */
const P2pSegmentHashes *p2p_hash_list_get (P2pHashList * list);

G_END_DECLS
