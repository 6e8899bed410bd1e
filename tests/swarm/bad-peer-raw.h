/* gst-p2pcdn: p2pcdn-bad-peer's modes that abuse the peer protocol itself.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * No P2pSwarm here: the bad peer answers the offers the tracker forwards
 * (real WebRTC data channels) and speaks the p2p-media-loader codec by
 * hand, so that it can send what our own peer code never would.
 */
#pragma once

#include "p2p-transport.h"
#include "tracker/p2p-tracker-client.h"

G_BEGIN_DECLS

typedef enum {
  /* announces every segment, never answers a request */
  BAD_RAW_ABSENT,
  /* answers with SegmentData, then sends nothing */
  BAD_RAW_SILENT,
  /* answers with SegmentData, then one byte a second */
  BAD_RAW_TRICKLE,
  /* asks for the remote's segments from a byte > 0, thousands of times */
  BAD_RAW_B_FLOOD,
  /* asks for a segment, then stops reading (the process stops itself with
   * SIGSTOP: its data channels stay open until ICE gives up) */
  BAD_RAW_STOP_READING,
  /* a command cut short */
  BAD_RAW_MALFORMED,
  /* an announcement above the 1 MiB command bound, in 64 KiB chunks */
  BAD_RAW_OVERSIZED_COMMAND,
} BadRawMode;

typedef struct _BadRawPeer BadRawPeer;

/* @mode_name: one of bad_raw_mode_names; FALSE when it is not. */
gboolean bad_raw_mode_from_name (const gchar * mode_name, BadRawMode * mode);

BadRawPeer *bad_raw_peer_new (BadRawMode mode, P2pTransport * transport,
    P2pTrackerClient * tracker, const P2pTrackerId * peer_id);
/* Joins the swarm @info_hash (20 characters) whose segments are @ids. */
void bad_raw_peer_add_swarm (BadRawPeer * rp, const gchar * info_hash,
    GArray * ids);
/* The figures as one JSON object (newly allocated). */
gchar *bad_raw_peer_report (BadRawPeer * rp);
void bad_raw_peer_free (BadRawPeer * rp);

G_END_DECLS
