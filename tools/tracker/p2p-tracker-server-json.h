/* gst-p2pcdn: JSON text <-> JsonNode for the tracker, safe for binary strings.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * WebTorrent ids (info_hash, peer_id, offer_id, to_peer_id) are "binary
 * strings": 20 code points U+0000..U+00FF.  json-glib 1.6 cuts strings at
 * an escaped U+0000, so the parser stands P2P_TRACKER_SERVER_JSON_NUL in for
 * it inside the tree and the serializer writes it back as \u0000; the
 * sentinel itself is refused in input.  The parser also refuses what
 * JSON.parse refuses and json-glib would accept (comments, single quotes,
 * raw control characters) and bounds the nesting depth.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* U+10FFFD, a private-use code point, in UTF-8. */
#define P2P_TRACKER_SERVER_JSON_NUL "\xf4\x8f\xbf\xbd"
#define P2P_TRACKER_SERVER_JSON_MAX_DEPTH 32
#define P2P_TRACKER_SERVER_ID_LENGTH 20

JsonNode *p2p_tracker_server_json_parse (const gchar * data, gsize length,
    GError ** error);
gchar *p2p_tracker_server_json_to_string (JsonNode * node, gsize * length);

gboolean p2p_tracker_server_id_is_valid (const gchar * str);
gchar *p2p_tracker_server_id_to_hex (const gchar * id);

G_END_DECLS
