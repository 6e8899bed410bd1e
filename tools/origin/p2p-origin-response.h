/* Origin responses: bodies with byte ranges, status pages, content types.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Largest /bytes/N body: it is served from a shared pattern, not allocated */
#define P2P_ORIGIN_MAX_PATTERN_BYTES (G_GUINT64_CONSTANT (1) << 34)
/* Byte i of a /bytes/N body is i % P2P_ORIGIN_PATTERN_PERIOD */
#define P2P_ORIGIN_PATTERN_PERIOD 251

typedef enum
{
  P2P_ORIGIN_RANGE_NONE,        /* no Range, or one this origin ignores */
  P2P_ORIGIN_RANGE_OK,          /* one satisfiable range */
  P2P_ORIGIN_RANGE_UNSATISFIABLE,
} P2pOriginRange;

P2pOriginRange p2p_origin_parse_range (const gchar * header, guint64 total,
    guint64 * start, guint64 * end);

const gchar *p2p_origin_content_type_for_path (const gchar * path);

void p2p_origin_respond_status (SoupServerMessage * msg, guint status);
void p2p_origin_respond_bytes (SoupServerMessage * msg, GBytes * body,
    const gchar * content_type, gboolean honour_range);
void p2p_origin_respond_pattern (SoupServerMessage * msg, guint64 length,
    gboolean honour_range);

G_END_DECLS
