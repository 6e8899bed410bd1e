/* gst-p2pcdn: one remote peer: its connection and the peer protocol state.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-peer.h"

#include <string.h>

#include "protocol/p2p-peer-codec.h"
#include "p2p-rate-limit.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_peer_log, "p2pcdn-peer", "one remote peer: protocol, uploads, downloads")
#define GST_CAT_DEFAULT p2p_peer_log ()


G_DEFINE_QUARK (p2p-peer-error-quark, p2p_peer_error);

/* An upload larger than this is refused: no real segment is that big, and
 * a remote announcing one must not make us allocate it. */
#define MAX_SEGMENT_SIZE (64 * 1024 * 1024)
/* Unsent bytes an upload keeps in the data channel: one message more, so
 * the link never idles, and a cancel stops it quickly. */
#define UPLOAD_QUEUE_BYTES (64 * 1024)
/* An upload is over when what it queued left, but for this. */
#define UPLOAD_DRAINED_BYTES (4 * 1024)
#define DRAIN_POLL_US (20 * 1000)
/* A remote whose channel takes nothing for this long (it stopped reading)
 * loses its upload, and with it our upload slot. */
#define UPLOAD_STUCK_US (5 * G_USEC_PER_SEC)
/* Requests a remote may make in a second.  p2p-media-loader asks one
 * segment at a time and waits for it; beyond this it is a flood, and each
 * request would cost a lookup and up to a message of queued data (the flood
 * bench's b-flood peers made 100,000 requests that queued 126 MB). */
#define MAX_REQUESTS_PER_S 20
/* A remote over that cap in this many seconds running is dropped and
 * banned.  Capped only, a flooder kept its connection and peer slot (about
 * a megabyte each: webrtcbin, ICE, DTLS, SCTP), so new ones piled up to
 * max-peers: the 10-minute flood bench's memory rose 19 MB in 6 minutes. */
#define FLOOD_SECONDS 5

typedef struct {
  gboolean active;
  gint64 segment_id;
  gint64 request_id;
  gint64 size;                  /* -1 until SegmentData */
  GByteArray *bytes;
  GSource *stall_timer;
} Download;

typedef struct {
  gboolean active;
  gint64 segment_id;
  gint64 request_id;
  GBytes *data;
  gsize offset;
  gboolean completed;           /* SegmentDataSendingCompleted went */
  gint64 moved;                 /* when bytes last went into the channel */
} Upload;

struct _P2pPeer
{
  P2pPeerConnection *connection;
  gchar *peer_id;
  P2pPeerDecoder *decoder;
  P2pPeerCallbacks callbacks;
  gpointer user_data;
  guint stall_timeout_ms;
  GHashTable *loaded;           /* gint64* set, remote's l */
  GHashTable *loading;          /* remote's p */
  Download down;
  Upload up;
  gint64 next_request_id;
  gint64 requests_since;        /* the remote's requests in the second since */
  guint requests;
  guint flood_seconds;          /* seconds in a row over MAX_REQUESTS_PER_S */
  gboolean failed;
  gboolean announced;           /* the remote sent its list at least once */
  P2pRateLimit upload_limit;    /* this remote's share of our uplink */
  P2pRateLimit *shared_limit;   /* the whole process's, not ours */
  GSource *pace_timer;          /* resumes an upload the limits held back */
  gboolean closed;              /* p2p_peer_close() ran */
};

static void fail_peer (P2pPeer * peer, GError * error);

static gint64 *
new_id (gint64 id)
{
  gint64 *p = g_new (gint64, 1);

  *p = id;
  return p;
}

static gboolean
send_command (P2pPeer * peer, const P2pPeerCommand * cmd)
{
  GError *error = NULL;
  GPtrArray *msgs = p2p_peer_command_encode (cmd,
      p2p_peer_connection_get_max_message_size (peer->connection), &error);

  if (!msgs) {
    GST_WARNING ("peer %s: cannot encode %s: %s", peer->peer_id,
        p2p_peer_command_type_to_string (cmd->type), error->message);
    g_error_free (error);
    return FALSE;
  }
  /* Commands are small and must not be lost: they go even above the high
   * mark (send() only refuses at it, and data waits for ::writable). */
  for (guint i = 0; i < msgs->len; i++) {
    if (!p2p_peer_connection_send (peer->connection,
            g_ptr_array_index (msgs, i), &error)) {
      GST_DEBUG ("peer %s: send failed: %s", peer->peer_id, error->message);
      g_clear_error (&error);
      g_ptr_array_unref (msgs);
      return FALSE;
    }
  }
  g_ptr_array_unref (msgs);
  return TRUE;
}

static void
send_simple (P2pPeer * peer, P2pPeerCommandType type, gint64 segment_id,
    gint64 request_id)
{
  P2pPeerCommand cmd;

  p2p_peer_command_init (&cmd, type);
  cmd.segment_id = segment_id;
  cmd.request_id = request_id;
  send_command (peer, &cmd);
  p2p_peer_command_clear (&cmd);
}

/* --- downloads ----------------------------------------------------------- */

/* Sources live on the manager's context, not the default one: keep the
 * GSource itself to destroy it. */
static void
stop_stall_timer (P2pPeer * peer)
{
  if (peer->down.stall_timer) {
    g_source_destroy (peer->down.stall_timer);
    g_clear_pointer (&peer->down.stall_timer, g_source_unref);
  }
}

static void
download_end (P2pPeer * peer, GBytes * data, GError * error)
{
  gint64 id = peer->down.segment_id;

  stop_stall_timer (peer);
  if (peer->down.bytes)
    g_byte_array_unref (peer->down.bytes);
  memset (&peer->down, 0, sizeof (peer->down));
  if (peer->callbacks.downloaded)
    peer->callbacks.downloaded (peer, id, data, error, peer->user_data);
  g_clear_error (&error);
  if (data)
    g_bytes_unref (data);
}

static gboolean
on_stall (gpointer user_data)
{
  P2pPeer *peer = user_data;

  g_clear_pointer (&peer->down.stall_timer, g_source_unref);
  send_simple (peer, P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST,
      peer->down.segment_id, peer->down.request_id);
  download_end (peer, NULL, g_error_new (P2P_PEER_ERROR,
          P2P_PEER_ERROR_STALLED, "peer %s sent nothing for %u ms",
          peer->peer_id, peer->stall_timeout_ms));
  return G_SOURCE_REMOVE;
}

static void
rearm_stall_timer (P2pPeer * peer)
{
  stop_stall_timer (peer);
  if (peer->stall_timeout_ms) {
    peer->down.stall_timer = g_timeout_source_new (peer->stall_timeout_ms);
    g_source_set_callback (peer->down.stall_timer, on_stall, peer, NULL);
    g_source_attach (peer->down.stall_timer,
        p2p_transport_get_context (p2p_peer_connection_get_transport
            (peer->connection)));
  }
}

gboolean
p2p_peer_request (P2pPeer * peer, gint64 segment_id)
{
  return p2p_peer_request_from (peer, segment_id, 0);
}

gboolean
p2p_peer_request_from (P2pPeer * peer, gint64 segment_id, gint64 byte_from)
{
  P2pPeerCommand cmd;

  if (peer->down.active || !p2p_peer_is_open (peer))
    return FALSE;
  /* 4.x counts requests from 1 per connection; stay below 1000 for 2.x. */
  peer->next_request_id = peer->next_request_id % 999 + 1;
  peer->down.active = TRUE;
  peer->down.segment_id = segment_id;
  peer->down.request_id = peer->next_request_id;
  peer->down.size = -1;
  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_REQUEST);
  cmd.segment_id = segment_id;
  cmd.request_id = peer->down.request_id;
  cmd.byte_from = MAX (byte_from, 0);
  if (!send_command (peer, &cmd)) {
    p2p_peer_command_clear (&cmd);
    memset (&peer->down, 0, sizeof (peer->down));
    return FALSE;
  }
  p2p_peer_command_clear (&cmd);
  rearm_stall_timer (peer);
  return TRUE;
}

GBytes *
p2p_peer_cancel_download_keep (P2pPeer * peer)
{
  GBytes *partial = NULL;

  if (!peer->down.active)
    return NULL;
  if (peer->down.bytes && peer->down.bytes->len > 0)
    partial = g_bytes_new (peer->down.bytes->data, peer->down.bytes->len);
  p2p_peer_cancel_download (peer);
  return partial;
}

void
p2p_peer_cancel_download (P2pPeer * peer)
{
  if (!peer->down.active)
    return;
  send_simple (peer, P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST,
      peer->down.segment_id, peer->down.request_id);
  download_end (peer, NULL, g_error_new (P2P_PEER_ERROR,
          P2P_PEER_ERROR_CANCELLED, "cancelled"));
}

static gboolean
matches_download (P2pPeer * peer, const P2pPeerCommand * cmd)
{
  return peer->down.active && cmd->segment_id == peer->down.segment_id
      && cmd->request_id == peer->down.request_id;
}

static void
maybe_complete_download (P2pPeer * peer)
{
  GBytes *data;

  if (peer->down.size < 0 || (gint64) peer->down.bytes->len < peer->down.size)
    return;
  data = g_byte_array_free_to_bytes (g_steal_pointer (&peer->down.bytes));
  download_end (peer, data, NULL);
}

static void
on_data_bytes (P2pPeer * peer, const guint8 * data, gsize len)
{
  /* Stale data of a cancelled request may still arrive: ignore it. */
  if (!peer->down.active || peer->down.size < 0)
    return;
  if ((gint64) (peer->down.bytes->len + len) > peer->down.size) {
    fail_peer (peer, g_error_new (P2P_PEER_ERROR, P2P_PEER_ERROR_SIZE,
            "peer %s sent more than the announced %" G_GINT64_FORMAT
            " bytes", peer->peer_id, peer->down.size));
    return;
  }
  g_byte_array_append (peer->down.bytes, data, len);
  rearm_stall_timer (peer);
  if (peer->down.bytes->len < peer->down.size && peer->callbacks.progress) {
    peer->callbacks.progress (peer, peer->down.segment_id,
        peer->down.bytes->len, peer->down.size, peer->user_data);
    /* the owner may have cancelled it (handed over to HTTP) or closed us */
    if (!peer->down.active || !peer->down.bytes)
      return;
  }
  maybe_complete_download (peer);
}

/* --- uploads ------------------------------------------------------------- */

static void
stop_pace_timer (P2pPeer * peer)
{
  if (peer->pace_timer) {
    g_source_destroy (peer->pace_timer);
    g_clear_pointer (&peer->pace_timer, g_source_unref);
  }
}

static void
upload_end (P2pPeer * peer, gboolean complete)
{
  gint64 id = peer->up.segment_id;
  gsize sent = peer->up.offset;

  stop_pace_timer (peer);
  g_clear_pointer (&peer->up.data, g_bytes_unref);
  memset (&peer->up, 0, sizeof (peer->up));
  if (peer->callbacks.uploaded)
    peer->callbacks.uploaded (peer, id, sent, complete, peer->user_data);
}

static void pump_upload (P2pPeer * peer);

static gboolean
on_pace_timer (gpointer user_data)
{
  P2pPeer *peer = user_data;

  g_clear_pointer (&peer->pace_timer, g_source_unref);
  pump_upload (peer);
  return G_SOURCE_REMOVE;
}

static void
arm_pace_timer (P2pPeer * peer, gint64 wait_us)
{
  if (peer->pace_timer)
    return;
  peer->pace_timer = g_timeout_source_new (MAX ((wait_us + 999) / 1000, 1));
  g_source_set_callback (peer->pace_timer, on_pace_timer, peer, NULL);
  g_source_attach (peer->pace_timer,
      p2p_transport_get_context (p2p_peer_connection_get_transport
          (peer->connection)));
}

/* The upload rate caps let @n bytes go now, and the channel holds little
 * unsent: else a timer resumes.  Bytes parked in the data channel's buffer
 * (up to a MiB) would make an upload look done while a shaped uplink still
 * carries it, and several such would share the link, each too slowly. */
static gboolean
pace_allows (P2pPeer * peer, gsize n)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait;

  if (p2p_peer_connection_get_buffered_amount (peer->connection) >
      UPLOAD_QUEUE_BYTES) {
    arm_pace_timer (peer, DRAIN_POLL_US);
    return FALSE;
  }
  if (p2p_rate_limit_available (&peer->upload_limit, now, n) == n
      && p2p_rate_limit_available (peer->shared_limit, now, n) == n)
    return TRUE;
  if (peer->pace_timer)
    return FALSE;
  wait = MAX (p2p_rate_limit_wait_us (&peer->upload_limit, now, n),
      p2p_rate_limit_wait_us (peer->shared_limit, now, n));
  arm_pace_timer (peer, wait);
  return FALSE;
}


static void
pump_upload (P2pPeer * peer)
{
  gsize total, chunk = MIN (p2p_peer_connection_get_max_message_size
      (peer->connection), P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE);

  if (!peer->up.active)
    return;
  /* A remote that takes nothing keeps what we queued for it (and its
   * SCTP association's buffers) for as long as the connection lives, and
   * its place among our peers: it goes, not only its upload, and is not
   * taken back (dropped only, it offered again at once: a connection every
   * few seconds, and the flood bench's memory grew ten times faster). */
  if (g_get_monotonic_time () - peer->up.moved > UPLOAD_STUCK_US) {
    fail_peer (peer, g_error_new (P2P_PEER_ERROR, P2P_PEER_ERROR_NOT_READING,
            "peer %s took nothing of an upload for %d s", peer->peer_id,
            (int) (UPLOAD_STUCK_US / G_USEC_PER_SEC)));
    return;
  }
  total = g_bytes_get_size (peer->up.data);
  while (peer->up.offset < total
      && p2p_peer_connection_is_writable (peer->connection)) {
    gsize n = MIN (chunk, total - peer->up.offset);
    GBytes *part;
    GError *error = NULL;
    gboolean ok;

    if (!pace_allows (peer, n))
      return;                   /* the pace timer resumes */
    part = g_bytes_new_from_bytes (peer->up.data, peer->up.offset, n);
    ok = p2p_peer_connection_send (peer->connection, part, &error);

    g_bytes_unref (part);
    if (!ok) {
      if (g_error_matches (error, P2P_TRANSPORT_ERROR,
              P2P_TRANSPORT_ERROR_WOULD_BLOCK)) {
        g_error_free (error);
        return;                 /* ::writable resumes */
      }
      GST_DEBUG ("peer %s: upload failed: %s", peer->peer_id, error->message);
      g_error_free (error);
      upload_end (peer, FALSE);
      return;
    }
    p2p_rate_limit_consume (&peer->upload_limit, n);
    p2p_rate_limit_consume (peer->shared_limit, n);
    peer->up.offset += n;
    peer->up.moved = g_get_monotonic_time ();
  }
  if (peer->up.offset == total) {
    if (!peer->up.completed) {
      send_simple (peer, P2P_PEER_CMD_SEGMENT_DATA_SENDING_COMPLETED,
          peer->up.segment_id, peer->up.request_id);
      peer->up.completed = TRUE;
    }
    /* done when it left, not when it was queued: until then it counts as
     * running, so the swarm's upload limit means what it says */
    if (p2p_peer_connection_get_buffered_amount (peer->connection) >
        UPLOAD_DRAINED_BYTES) {
      arm_pace_timer (peer, DRAIN_POLL_US);
      return;
    }
    upload_end (peer, TRUE);
  }
}

static void
start_upload (P2pPeer * peer, const P2pPeerCommand * req)
{
  GBytes *data = NULL;
  P2pPeerCommand cmd;
  gint64 now = g_get_monotonic_time ();

  if (peer->failed)
    return;                     /* what was still queued from a dropped one */
  if (peer->up.active)
    upload_end (peer, FALSE);   /* a new request replaces the current one */
  if (now - peer->requests_since >= G_USEC_PER_SEC) {
    gboolean flooded = peer->requests > MAX_REQUESTS_PER_S
        && now - peer->requests_since < 2 * G_USEC_PER_SEC;

    peer->flood_seconds = flooded ? peer->flood_seconds + 1 : 0;
    peer->requests_since = now;
    peer->requests = 0;
  }
  if (++peer->requests > MAX_REQUESTS_PER_S) {
    if (peer->flood_seconds + 1 >= FLOOD_SECONDS) {
      fail_peer (peer, g_error_new (P2P_PEER_ERROR, P2P_PEER_ERROR_FLOOD,
              "peer %s asked more than %d times a second for %d s",
              peer->peer_id, MAX_REQUESTS_PER_S, FLOOD_SECONDS));
      return;
    }
    send_simple (peer, P2P_PEER_CMD_SEGMENT_ABSENT, req->segment_id,
        req->request_id);
    return;
  }

  if (peer->callbacks.lookup)
    data = peer->callbacks.lookup (peer, req->segment_id, peer->user_data);
  /* b > 0: the rest of a segment the remote got part of elsewhere, and
   * SegmentData's s counts what follows (p2p-media-loader 2.3.1 checks
   * s = total - b).  A b at or past the end is answered as absent. */
  if (data && req->byte_from > 0) {
    gsize size = g_bytes_get_size (data);
    GBytes *rest = (gsize) req->byte_from < size ?
        g_bytes_new_from_bytes (data, req->byte_from, size - req->byte_from) :
        g_bytes_new (NULL, 0);

    g_bytes_unref (data);
    data = rest;
  }
  if (!data || g_bytes_get_size (data) == 0) {
    if (data && peer->callbacks.uploaded)
      peer->callbacks.uploaded (peer, req->segment_id, 0, FALSE,
          peer->user_data);
    g_clear_pointer (&data, g_bytes_unref);
    send_simple (peer, P2P_PEER_CMD_SEGMENT_ABSENT, req->segment_id,
        req->request_id);
    return;
  }

  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_DATA);
  cmd.segment_id = req->segment_id;
  cmd.request_id = req->request_id;
  cmd.size = g_bytes_get_size (data);
  if (!send_command (peer, &cmd)) {
    p2p_peer_command_clear (&cmd);
    g_bytes_unref (data);
    /* releases what the lookup took (the cache pin) */
    if (peer->callbacks.uploaded)
      peer->callbacks.uploaded (peer, req->segment_id, 0, FALSE,
          peer->user_data);
    return;
  }
  p2p_peer_command_clear (&cmd);
  peer->up.active = TRUE;
  peer->up.segment_id = req->segment_id;
  peer->up.request_id = req->request_id;
  peer->up.data = data;
  peer->up.offset = 0;
  peer->up.moved = g_get_monotonic_time ();
  pump_upload (peer);
}

/* --- incoming messages --------------------------------------------------- */

/* The newest ids are last (a live window's): beyond the cap, the oldest
 * are forgotten. */
static void
set_from_array (GHashTable * set, const GArray * ids)
{
  g_hash_table_remove_all (set);
  if (!ids)
    return;
  for (guint i = ids->len > P2P_PEER_MAX_ANNOUNCED_IDS ?
      ids->len - P2P_PEER_MAX_ANNOUNCED_IDS : 0; i < ids->len; i++) {
    gint64 id = g_array_index (ids, gint64, i);

    g_hash_table_add (set, new_id (id));
  }
}

static void
handle_command (P2pPeer * peer, P2pPeerCommand * cmd)
{
  switch (cmd->type) {
    case P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT:
      set_from_array (peer->loaded, cmd->loaded);
      set_from_array (peer->loading, cmd->loading);
      peer->announced = TRUE;
      if (peer->callbacks.announced)
        peer->callbacks.announced (peer, peer->user_data);
      break;
    case P2P_PEER_CMD_SEGMENT_REQUEST:
      start_upload (peer, cmd);
      break;
    case P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST:
      if (peer->up.active && peer->up.segment_id == cmd->segment_id
          && peer->up.request_id == cmd->request_id)
        upload_end (peer, FALSE);
      break;
    case P2P_PEER_CMD_SEGMENT_DATA:
      if (!matches_download (peer, cmd))
        break;                  /* a late answer to a cancelled request */
      if (peer->down.size >= 0 || cmd->size <= 0
          || cmd->size > MAX_SEGMENT_SIZE) {
        fail_peer (peer, g_error_new (P2P_PEER_ERROR,
                P2P_PEER_ERROR_PROTOCOL, "peer %s: bad SegmentData (s=%"
                G_GINT64_FORMAT ")", peer->peer_id, cmd->size));
        return;
      }
      peer->down.size = cmd->size;
      peer->down.bytes = g_byte_array_sized_new (cmd->size);
      rearm_stall_timer (peer);
      if (peer->callbacks.progress)
        peer->callbacks.progress (peer, peer->down.segment_id, 0,
            peer->down.size, peer->user_data);
      break;
    case P2P_PEER_CMD_SEGMENT_ABSENT:
      if (matches_download (peer, cmd))
        download_end (peer, NULL, g_error_new (P2P_PEER_ERROR,
                P2P_PEER_ERROR_ABSENT, "peer %s does not have segment %"
                G_GINT64_FORMAT, peer->peer_id, cmd->segment_id));
      break;
    case P2P_PEER_CMD_SEGMENT_DATA_SENDING_COMPLETED:
      if (matches_download (peer, cmd) && (peer->down.size < 0
              || (gint64) peer->down.bytes->len != peer->down.size))
        fail_peer (peer, g_error_new (P2P_PEER_ERROR, P2P_PEER_ERROR_SIZE,
                "peer %s completed segment %" G_GINT64_FORMAT
                " short of its announced size", peer->peer_id,
                cmd->segment_id));
      break;
  }
}

static void
on_message (P2pPeerConnection * conn, GBytes * message, gpointer user_data)
{
  P2pPeer *peer = user_data;
  P2pPeerCommand cmd;
  GError *error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);

  if (peer->failed)
    return;
  switch (p2p_peer_decoder_feed (peer->decoder, data, len, &cmd, &error)) {
    case P2P_PEER_MESSAGE_DATA:
      on_data_bytes (peer, data, len);
      break;
    case P2P_PEER_MESSAGE_COMMAND:
      handle_command (peer, &cmd);
      p2p_peer_command_clear (&cmd);
      break;
    case P2P_PEER_MESSAGE_INCOMPLETE:
      break;
    case P2P_PEER_MESSAGE_INVALID:
      fail_peer (peer, g_error_new (P2P_PEER_ERROR, P2P_PEER_ERROR_PROTOCOL,
              "peer %s sent a malformed command: %s", peer->peer_id,
              error->message));
      g_error_free (error);
      break;
  }
}

static void
on_writable (P2pPeerConnection * conn, gpointer user_data)
{
  pump_upload (user_data);
}

static void
on_closed (P2pPeerConnection * conn, P2pCloseReason reason,
    const GError * error, gpointer user_data)
{
  P2pPeer *peer = user_data;

  fail_peer (peer, g_error_new (P2P_PEER_ERROR, P2P_PEER_ERROR_CLOSED,
          "connection to %s closed (%s)", peer->peer_id,
          p2p_close_reason_to_string (reason)));
}

/* Ends what is running and tells the owner once; the owner frees us. */
static void
fail_peer (P2pPeer * peer, GError * error)
{
  if (peer->failed) {
    g_error_free (error);
    return;
  }
  peer->failed = TRUE;
  GST_DEBUG ("%s", error->message);
  if (peer->down.active)
    download_end (peer, NULL, g_error_copy (error));
  if (peer->up.active)
    upload_end (peer, FALSE);
  if (peer->callbacks.failed)
    peer->callbacks.failed (peer, error, peer->user_data);
  g_error_free (error);
}

/* --- life cycle ---------------------------------------------------------- */

P2pPeer *
p2p_peer_new (P2pPeerConnection * connection, const gchar * peer_id,
    guint stall_timeout_ms, const P2pPeerCallbacks * callbacks,
    gpointer user_data)
{
  P2pPeer *peer = g_new0 (P2pPeer, 1);

  peer->connection = g_object_ref (connection);
  peer->peer_id = g_strdup (peer_id);
  peer->decoder = p2p_peer_decoder_new ();
  peer->callbacks = *callbacks;
  peer->user_data = user_data;
  peer->stall_timeout_ms = stall_timeout_ms;
  peer->loaded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      NULL);
  peer->loading = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      NULL);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), peer);
  g_signal_connect (connection, "writable", G_CALLBACK (on_writable), peer);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), peer);
  return peer;
}

void
p2p_peer_close (P2pPeer * peer)
{
  if (peer->closed)
    return;
  peer->closed = TRUE;
  /* failed: is_open() says no and nothing more is parsed, even if the
   * owner keeps us around for a while */
  peer->failed = TRUE;
  g_signal_handlers_disconnect_by_data (peer->connection, peer);
  stop_stall_timer (peer);
  stop_pace_timer (peer);
  if (peer->down.bytes)
    g_byte_array_unref (peer->down.bytes);
  memset (&peer->down, 0, sizeof (peer->down));
  if (peer->up.active)
    upload_end (peer, FALSE);
  /* now, not when freed: the remote learns at once that we are gone */
  p2p_peer_connection_close (peer->connection);
}

void
p2p_peer_free (P2pPeer * peer)
{
  if (!peer)
    return;
  if (!peer->closed) {
    /* no callback from here on, not even the upload's */
    peer->callbacks.uploaded = NULL;
    p2p_peer_close (peer);
  }
  g_object_unref (peer->connection);
  g_object_unref (peer->decoder);
  g_hash_table_destroy (peer->loaded);
  g_hash_table_destroy (peer->loading);
  g_free (peer->peer_id);
  g_free (peer);
}

const gchar *
p2p_peer_get_id (P2pPeer * peer)
{
  return peer->peer_id;
}

gboolean
p2p_peer_is_open (P2pPeer * peer)
{
  return !peer->failed && p2p_peer_connection_get_state (peer->connection)
      == P2P_PEER_CONNECTION_STATE_OPEN;
}

gboolean
p2p_peer_has_segment (P2pPeer * peer, gint64 segment_id)
{
  return g_hash_table_contains (peer->loaded, &segment_id);
}

gboolean
p2p_peer_is_loading_segment (P2pPeer * peer, gint64 segment_id)
{
  return g_hash_table_contains (peer->loading, &segment_id);
}

void
p2p_peer_set_upload_limits (P2pPeer * peer, guint64 rate,
    P2pRateLimit * shared)
{
  p2p_rate_limit_init (&peer->upload_limit, rate);
  peer->shared_limit = shared;
}

gboolean
p2p_peer_has_announced (P2pPeer * peer)
{
  return peer->announced;
}

gboolean
p2p_peer_is_downloading (P2pPeer * peer)
{
  return peer->down.active;
}



void
p2p_peer_announce (P2pPeer * peer, const GArray * loaded,
    const GArray * loading)
{
  P2pPeerCommand cmd;

  if (!p2p_peer_is_open (peer))
    return;
  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT);
  if (loaded && loaded->len)
    p2p_peer_command_add_ids (&cmd, FALSE, (const gint64 *) loaded->data,
        loaded->len);
  if (loading && loading->len)
    p2p_peer_command_add_ids (&cmd, TRUE, (const gint64 *) loading->data,
        loading->len);
  send_command (peer, &cmd);
  p2p_peer_command_clear (&cmd);
}
