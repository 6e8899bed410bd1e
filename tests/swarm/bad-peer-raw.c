/* gst-p2pcdn: p2pcdn-bad-peer's modes that abuse the peer protocol itself.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bad-peer-raw.h"

#include <signal.h>
#include <string.h>

#include "protocol/p2p-peer-codec.h"
#include "p2p-peer-connection.h"

static const gchar *const raw_mode_names[] = {
  "absent", "silent", "trickle", "b-flood", "stop-reading", "malformed",
  "oversized-command",
};

/* Re-announce this often, so that joining players' offers reach us. */
#define ANNOUNCE_EVERY_S 3
/* What SegmentData claims in the silent and trickle modes. */
#define CLAIMED_SIZE (188 * 1000)
/* b > 0 requests a link sends: in bursts of FLOOD_BURST every
 * FLOOD_EVERY_MS. */
#define FLOOD_REQUESTS 5000
#define FLOOD_BURST 50
#define FLOOD_EVERY_MS 10
/* 64 KiB chunks of one command: above P2P_PEER_DEFAULT_MAX_COMMAND_SIZE */
#define OVERSIZED_CHUNKS 20
/* The stop-reading peer stops this long after asking. */
#define STOP_AFTER_MS 300
/* the codec's framing: 4 bytes before a command's body, 4 after */
#define FRAME_PART 4
#define CHUNK_EVERY_MS 20

typedef struct {
  P2pTrackerId info_hash;
  GArray *ids;                  /* gint64 */
} RawSwarm;

struct _BadRawPeer
{
  BadRawMode mode;
  P2pTransport *transport;
  P2pTrackerClient *tracker;
  P2pTrackerId peer_id;
  GPtrArray *swarms;            /* RawSwarm* */
  GPtrArray *links;             /* RawLink* */
  guint announce_timer;
  guint64 connections;
  guint64 requests_sent;
  guint64 requests_received;
  /* connections that got the whole malformed or oversized command: only
   * those can be expected to end in a ban (a remote that leaves first
   * never reads it) */
  guint64 delivered;
};

typedef struct {
  BadRawPeer *rp;
  RawSwarm *swarm;
  P2pPeerConnection *conn;
  P2pPeerDecoder *dec;
  P2pTrackerId from;
  P2pTrackerId offer_id;
  GArray *remote_loaded;        /* gint64 */
  guint timer;
  guint flood_sent;
  gboolean attacked;
  GPtrArray *outgoing;          /* GBytes: messages still to send */
} RawLink;

gboolean
bad_raw_mode_from_name (const gchar * mode_name, BadRawMode * mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (raw_mode_names); i++)
    if (g_str_equal (mode_name, raw_mode_names[i])) {
      *mode = (BadRawMode) i;
      return TRUE;
    }
  return FALSE;
}

static void
send_cmd (RawLink * l, const P2pPeerCommand * cmd)
{
  GPtrArray *messages = p2p_peer_command_encode (cmd,
      P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE, NULL);

  for (guint i = 0; messages && i < messages->len; i++)
    p2p_peer_connection_send (l->conn, g_ptr_array_index (messages, i),
        NULL);
  if (messages)
    g_ptr_array_unref (messages);
}

static void
send_simple (RawLink * l, P2pPeerCommandType type, gint64 segment_id,
    gint64 request_id, gint64 size, gint64 byte_from)
{
  P2pPeerCommand cmd;

  p2p_peer_command_init (&cmd, type);
  cmd.segment_id = segment_id;
  cmd.request_id = request_id;
  cmd.size = size;
  cmd.byte_from = byte_from;
  send_cmd (l, &cmd);
  p2p_peer_command_clear (&cmd);
}

static void
send_announcement (RawLink * l, const GArray * loaded, guint repeat)
{
  P2pPeerCommand cmd;

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  for (guint r = 0; loaded && r < repeat; r++)
    p2p_peer_command_add_ids (&cmd, FALSE, (const gint64 *) loaded->data,
        loaded->len);
  send_cmd (l, &cmd);
  p2p_peer_command_clear (&cmd);
}

static gboolean
on_flood (gpointer user_data)
{
  RawLink *l = user_data;

  for (guint i = 0; i < FLOOD_BURST && l->remote_loaded->len; i++) {
    gint64 id = g_array_index (l->remote_loaded, gint64,
        l->flood_sent % l->remote_loaded->len);

    send_simple (l, P2P_PEER_CMD_SEGMENT_REQUEST, id, l->flood_sent + 1, 0,
        1 + l->flood_sent % 1000);
    l->flood_sent++;
    l->rp->requests_sent++;
  }
  if (l->flood_sent < FLOOD_REQUESTS)
    return G_SOURCE_CONTINUE;
  l->timer = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
on_stop (gpointer user_data)
{
  RawLink *l = user_data;

  l->timer = 0;
  /* the channels stay open; nothing is read until SIGCONT */
  raise (SIGSTOP);
  return G_SOURCE_REMOVE;
}

static gboolean
on_trickle (gpointer user_data)
{
  RawLink *l = user_data;
  static const guint8 sync = 0x47;
  GBytes *one = g_bytes_new_static (&sync, 1);

  p2p_peer_connection_send (l->conn, one, NULL);
  g_bytes_unref (one);
  return G_SOURCE_CONTINUE;
}

/* The chunks of a large command, paced so that the channel's buffer does
 * not refuse them. */
static gboolean
on_send_chunk (gpointer user_data)
{
  RawLink *l = user_data;

  while (l->outgoing->len && p2p_peer_connection_send (l->conn,
          g_ptr_array_index (l->outgoing, 0), NULL))
    g_ptr_array_remove_index (l->outgoing, 0);
  if (l->outgoing->len)
    return G_SOURCE_CONTINUE;
  l->rp->delivered++;
  l->timer = 0;
  return G_SOURCE_REMOVE;
}

/* A command whose chunks never end, past the receiver's bound: the
 * encoder refuses to make one, so its framing is borrowed from the first
 * two chunks of an ordinary command cut small. */
static GPtrArray *
oversized_chunks (void)
{
  P2pPeerCommand cmd;
  GPtrArray *small, *out;
  gint64 ids[64];
  const guint8 *first, *middle;
  gsize first_len, middle_len;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = i;
  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  p2p_peer_command_add_ids (&cmd, FALSE, ids, G_N_ELEMENTS (ids));
  small = p2p_peer_command_encode (&cmd, 4 * FRAME_PART, NULL);
  p2p_peer_command_clear (&cmd);
  if (!small || small->len < 3) {
    if (small)
      g_ptr_array_unref (small);
    return NULL;
  }
  first = g_bytes_get_data (g_ptr_array_index (small, 0), &first_len);
  middle = g_bytes_get_data (g_ptr_array_index (small, 1), &middle_len);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < OVERSIZED_CHUNKS; i++) {
    const guint8 *frame = i == 0 ? first : middle;
    gsize frame_len = i == 0 ? first_len : middle_len;
    guint8 *msg = g_malloc (P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE);

    /* a run of small ints: well-formed until the bound is crossed */
    memset (msg, 0x01, P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE);
    memcpy (msg, frame, FRAME_PART);
    memcpy (msg + P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE - FRAME_PART,
        frame + frame_len - FRAME_PART, FRAME_PART);
    g_ptr_array_add (out, g_bytes_new_take (msg,
            P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE));
  }
  g_ptr_array_unref (small);
  return out;
}

/* The remote told what it holds: the modes that ask start now. */
static void
attack (RawLink * l)
{
  if (l->attacked || l->remote_loaded->len == 0)
    return;
  l->attacked = TRUE;
  switch (l->rp->mode) {
    case BAD_RAW_B_FLOOD:
      l->timer = g_timeout_add (FLOOD_EVERY_MS, on_flood, l);
      break;
    case BAD_RAW_STOP_READING:
      send_simple (l, P2P_PEER_CMD_SEGMENT_REQUEST,
          g_array_index (l->remote_loaded, gint64, 0), 1, 0, 0);
      l->rp->requests_sent++;
      l->timer = g_timeout_add (STOP_AFTER_MS, on_stop, l);
      break;
    case BAD_RAW_MALFORMED:{
      P2pPeerCommand cmd;
      GPtrArray *m;

      p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_REQUEST);
      cmd.segment_id = g_array_index (l->remote_loaded, gint64, 0);
      cmd.request_id = 1;
      m = p2p_peer_command_encode (&cmd, P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE,
          NULL);
      if (m && m->len == 1) {
        gsize len;
        guint8 *bad = g_bytes_unref_to_data (g_bytes_ref (g_ptr_array_index
                (m, 0)), &len);
        GBytes *msg;

        /* the framing intact, the command type byte past the last one */
        bad[FRAME_PART] = 0x7f;
        msg = g_bytes_new_take (bad, len);
        if (p2p_peer_connection_send (l->conn, msg, NULL))
          l->rp->delivered++;
        g_bytes_unref (msg);
        l->rp->requests_sent++;
      }
      if (m)
        g_ptr_array_unref (m);
      p2p_peer_command_clear (&cmd);
      break;
    }
    case BAD_RAW_OVERSIZED_COMMAND:
      l->outgoing = oversized_chunks ();
      if (l->outgoing)
        l->timer = g_timeout_add (CHUNK_EVERY_MS, on_send_chunk, l);
      break;
    default:
      break;
  }
}

static void
on_command (RawLink * l, const P2pPeerCommand * cmd)
{
  switch (cmd->type) {
    case P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT:
      g_array_set_size (l->remote_loaded, 0);
      if (cmd->loaded)
        g_array_append_vals (l->remote_loaded, cmd->loaded->data,
            cmd->loaded->len);
      attack (l);
      break;
    case P2P_PEER_CMD_SEGMENT_REQUEST:
      l->rp->requests_received++;
      if (l->rp->mode == BAD_RAW_SILENT || l->rp->mode == BAD_RAW_TRICKLE)
        send_simple (l, P2P_PEER_CMD_SEGMENT_DATA, cmd->segment_id,
            cmd->request_id, CLAIMED_SIZE, 0);
      if (l->rp->mode == BAD_RAW_TRICKLE && !l->timer)
        l->timer = g_timeout_add_seconds (1, on_trickle, l);
      break;
    default:
      break;
  }
}

static void
on_message (P2pPeerConnection * conn, GBytes * message, gpointer user_data)
{
  RawLink *l = user_data;
  P2pPeerCommand cmd;
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);

  if (p2p_peer_decoder_feed (l->dec, data, len, &cmd, NULL) ==
      P2P_PEER_MESSAGE_COMMAND) {
    on_command (l, &cmd);
    p2p_peer_command_clear (&cmd);
  }
}

static void
on_open (P2pPeerConnection * conn, gpointer user_data)
{
  RawLink *l = user_data;
  gboolean serves = l->rp->mode == BAD_RAW_ABSENT
      || l->rp->mode == BAD_RAW_SILENT || l->rp->mode == BAD_RAW_TRICKLE;

  l->rp->connections++;
  send_announcement (l, serves ? l->swarm->ids : NULL, 1);
}

static void
raw_link_free (RawLink * l)
{
  if (l->timer)
    g_source_remove (l->timer);
  g_signal_handlers_disconnect_by_data (l->conn, l);
  p2p_peer_connection_close (l->conn);
  g_object_unref (l->conn);
  g_object_unref (l->dec);
  g_array_unref (l->remote_loaded);
  if (l->outgoing)
    g_ptr_array_unref (l->outgoing);
  g_free (l);
}

static gboolean
remove_link (gpointer user_data)
{
  RawLink *l = user_data;

  g_ptr_array_remove (l->rp->links, l);
  return G_SOURCE_REMOVE;
}

static void
on_closed (P2pPeerConnection * conn, P2pCloseReason reason,
    const GError * error, gpointer user_data)
{
  /* not inside the connection's own signal */
  g_idle_add (remove_link, user_data);
}

static void
on_answer_made (GObject * source, GAsyncResult * res, gpointer user_data)
{
  RawLink *l = user_data;
  gchar *sdp = p2p_peer_connection_accept_offer_finish (l->conn, res, NULL);

  if (!sdp) {
    g_ptr_array_remove (l->rp->links, l);
    return;
  }
  p2p_tracker_client_send_answer (l->rp->tracker, &l->swarm->info_hash,
      &l->rp->peer_id, &l->from, &l->offer_id, sdp, NULL);
  g_free (sdp);
}

static void
on_offer (P2pTrackerClient * tracker, const P2pTrackerId * info_hash,
    const P2pTrackerId * from, const P2pTrackerId * offer_id,
    const gchar * sdp, gpointer user_data)
{
  BadRawPeer *rp = user_data;
  RawSwarm *swarm = NULL;
  RawLink *l;

  for (guint i = 0; i < rp->swarms->len; i++) {
    RawSwarm *s = g_ptr_array_index (rp->swarms, i);

    if (p2p_tracker_id_equal (&s->info_hash, info_hash))
      swarm = s;
  }
  if (!swarm)
    return;
  l = g_new0 (RawLink, 1);
  l->rp = rp;
  l->swarm = swarm;
  l->from = *from;
  l->offer_id = *offer_id;
  l->dec = p2p_peer_decoder_new ();
  l->remote_loaded = g_array_new (FALSE, FALSE, sizeof (gint64));
  l->conn = p2p_transport_create_connection (rp->transport);
  g_signal_connect (l->conn, "open", G_CALLBACK (on_open), l);
  g_signal_connect (l->conn, "message", G_CALLBACK (on_message), l);
  g_signal_connect (l->conn, "closed", G_CALLBACK (on_closed), l);
  g_ptr_array_add (rp->links, l);
  p2p_peer_connection_accept_offer_async (l->conn, sdp, NULL, on_answer_made,
      l);
}

static void
announce_all (BadRawPeer * rp, P2pTrackerEvent event)
{
  for (guint i = 0; i < rp->swarms->len; i++) {
    RawSwarm *s = g_ptr_array_index (rp->swarms, i);
    P2pTrackerAnnounce a = { 0, };

    a.info_hash = s->info_hash;
    a.peer_id = rp->peer_id;
    a.event = event;
    p2p_tracker_client_announce (rp->tracker, &a, NULL);
  }
}

static void
on_connected (P2pTrackerClient * tracker, gpointer user_data)
{
  announce_all (user_data, P2P_TRACKER_EVENT_STARTED);
}

static gboolean
on_announce_timer (gpointer user_data)
{
  announce_all (user_data, P2P_TRACKER_EVENT_NONE);
  return G_SOURCE_CONTINUE;
}

static void
raw_swarm_free (RawSwarm * s)
{
  g_array_unref (s->ids);
  g_free (s);
}

BadRawPeer *
bad_raw_peer_new (BadRawMode mode, P2pTransport * transport,
    P2pTrackerClient * tracker, const P2pTrackerId * peer_id)
{
  BadRawPeer *rp = g_new0 (BadRawPeer, 1);

  rp->mode = mode;
  rp->transport = g_object_ref (transport);
  rp->tracker = g_object_ref (tracker);
  rp->peer_id = *peer_id;
  rp->swarms = g_ptr_array_new_with_free_func ((GDestroyNotify)
      raw_swarm_free);
  rp->links = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_link_free);
  g_signal_connect (tracker, "offer", G_CALLBACK (on_offer), rp);
  g_signal_connect (tracker, "connected", G_CALLBACK (on_connected), rp);
  rp->announce_timer = g_timeout_add_seconds (ANNOUNCE_EVERY_S,
      on_announce_timer, rp);
  return rp;
}

void
bad_raw_peer_add_swarm (BadRawPeer * rp, const gchar * info_hash,
    GArray * ids)
{
  RawSwarm *s = g_new0 (RawSwarm, 1);

  p2p_tracker_id_from_string (&s->info_hash, info_hash, -1, NULL);
  s->ids = g_array_ref (ids);
  g_ptr_array_add (rp->swarms, s);
  if (p2p_tracker_client_is_connected (rp->tracker))
    announce_all (rp, P2P_TRACKER_EVENT_STARTED);
}

gchar *
bad_raw_peer_report (BadRawPeer * rp)
{
  return g_strdup_printf ("{\"mode\": \"%s\", \"connections\": %"
      G_GUINT64_FORMAT ", \"requests_sent\": %" G_GUINT64_FORMAT
      ", \"requests_received\": %" G_GUINT64_FORMAT ", \"delivered\": %"
      G_GUINT64_FORMAT "}", raw_mode_names[rp->mode], rp->connections,
      rp->requests_sent, rp->requests_received, rp->delivered);
}

void
bad_raw_peer_free (BadRawPeer * rp)
{
  g_source_remove (rp->announce_timer);
  g_signal_handlers_disconnect_by_data (rp->tracker, rp);
  g_ptr_array_unref (rp->links);
  g_ptr_array_unref (rp->swarms);
  g_object_unref (rp->tracker);
  g_object_unref (rp->transport);
  g_free (rp);
}
