/* gst-p2pcdn: helpers shared by the tracker message builder and parser (internal).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * json-glib carries strings as NUL-terminated C strings and (1.6) writes
 * U+001F unescaped, but binary-string ids may hold any byte, 0x00 and 0x1f
 * included (seen in Chromium's offer_ids).  So the builder writes ids into
 * the generated text itself (p2p_tracker_id_append_json), and the parser
 * turns every "\u0000" escape into "\uffff" first, a noncharacter that no
 * valid frame carries (one that does is refused), read back as byte 0.
 */
#pragma once

#include "p2p-tracker-msg.h"

G_BEGIN_DECLS

#define P2P_TRACKER_NUL_STAND_IN 0xffff
/* JavaScript numbers are exact up to 2^53 */
#define P2P_TRACKER_MAX_COUNT ((G_GINT64_CONSTANT (1) << 53) - 1)

/* Reads @len bytes of UTF-8; with @stand_in, U+FFFF is byte 0.  @what
 * names the field in the error. */
gboolean p2p_tracker_id_decode (P2pTrackerId * id, const gchar * str,
    gsize len, gboolean stand_in, const gchar * what, GError ** error);
/* Appends the JSON string token JSON.stringify writes for @id. */
void p2p_tracker_id_append_json (GString * out, const P2pTrackerId * id);

G_END_DECLS
