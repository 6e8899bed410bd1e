/* Origin faults: segment requests answered with an error status or cut
 * mid-body while a window is open.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _P2pOriginFaults P2pOriginFaults;

P2pOriginFaults *p2p_origin_faults_new (void);
void p2p_origin_faults_free (P2pOriginFaults * faults);

/* "ANSWER:GLOB[:SECONDS]", see README.md. */
gboolean p2p_origin_faults_add (P2pOriginFaults * faults, const gchar * spec,
    GError ** error);
void p2p_origin_faults_arm (P2pOriginFaults * faults);

/* The answer for a request of @path now: 0 none, an HTTP status, or
 * P2P_ORIGIN_FAULT_RESET. */
#define P2P_ORIGIN_FAULT_RESET 1
guint p2p_origin_faults_match (P2pOriginFaults * faults, const gchar * path);

/* Writes @msg's response (already routed, 2xx) up to half of its body on the
 * connection taken from the server, then closes it; returns the body bytes
 * written, or -1 when @msg has no such response (it is then sent whole). */
gssize p2p_origin_faults_cut (SoupServerMessage * msg);

G_END_DECLS
