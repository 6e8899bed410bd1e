/* gst-p2pcdn tests: the peer protocol layer over the in-process fake transport.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two P2pPeer ends talk through fake connections: announcements, a
 * download, and what a broken or dead remote does to the other end.
 */
#include <string.h>

#include "p2p-fake-transport.h"
#include "p2p-peer.h"
#include "p2p-segment-check.h"
#include "protocol/p2p-peer-codec.h"

typedef struct {
  GBytes *served;               /* what lookup() returns */
  gint announced;
  gint64 got_id;
  GBytes *got;
  GError *got_error;
  gboolean downloaded;
  GError *failed;
  guint lookups;
} End;

typedef struct {
  P2pTransport *ta, *tb;
  P2pPeerConnection *ca, *cb;
  P2pPeer *a, *b;
  End ea, eb;
} Pair;

static void
on_announced (P2pPeer * peer, gpointer user_data)
{
  ((End *) user_data)->announced++;
}

static void
on_downloaded (P2pPeer * peer, gint64 id, GBytes * data, const GError * error,
    gpointer user_data)
{
  End *e = user_data;

  e->downloaded = TRUE;
  e->got_id = id;
  e->got = data ? g_bytes_ref (data) : NULL;
  e->got_error = error ? g_error_copy (error) : NULL;
}

static GBytes *
on_lookup (P2pPeer * peer, gint64 id, gpointer user_data)
{
  End *e = user_data;

  e->lookups++;
  return e->served ? g_bytes_ref (e->served) : NULL;
}

static void
on_failed (P2pPeer * peer, const GError * error, gpointer user_data)
{
  End *e = user_data;

  if (!e->failed)
    e->failed = g_error_copy (error);
}

static const P2pPeerCallbacks callbacks = {
  on_announced, on_downloaded, on_lookup, NULL, on_failed,
};

static void
on_offer (GObject * src, GAsyncResult * res, gpointer user_data)
{
  gchar **out = user_data;

  *out = p2p_peer_connection_create_offer_finish (P2P_PEER_CONNECTION (src),
      res, NULL);
}

static void
on_answer (GObject * src, GAsyncResult * res, gpointer user_data)
{
  gchar **out = user_data;

  *out = p2p_peer_connection_accept_offer_finish (P2P_PEER_CONNECTION (src),
      res, NULL);
}

static void
iterate_until (gboolean * flag, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static gboolean
both_open (Pair * p)
{
  return p2p_peer_is_open (p->a) && p2p_peer_is_open (p->b);
}

static void
pair_open (Pair * p, guint stall_ms)
{
  gchar *offer = NULL, *answer = NULL;
  gboolean open = FALSE;
  gint64 end;

  memset (p, 0, sizeof (*p));
  p->ta = p2p_fake_transport_new (NULL);
  p->tb = p2p_fake_transport_new (NULL);
  p->ca = p2p_transport_create_connection (p->ta);
  p->cb = p2p_transport_create_connection (p->tb);
  p2p_peer_connection_create_offer_async (p->ca, NULL, on_offer, &offer);
  while (!offer)
    g_main_context_iteration (NULL, TRUE);
  p2p_peer_connection_accept_offer_async (p->cb, offer, NULL, on_answer,
      &answer);
  while (!answer)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (p2p_peer_connection_set_answer (p->ca, answer, NULL));
  p->a = p2p_peer_new (p->ca, "A", stall_ms, &callbacks, &p->ea);
  p->b = p2p_peer_new (p->cb, "B", stall_ms, &callbacks, &p->eb);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!(open = both_open (p)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (open);
  g_free (offer);
  g_free (answer);
}

static void
end_clear (End * e)
{
  g_clear_pointer (&e->served, g_bytes_unref);
  g_clear_pointer (&e->got, g_bytes_unref);
  g_clear_error (&e->got_error);
  g_clear_error (&e->failed);
}

static void
pair_close (Pair * p)
{
  p2p_peer_free (p->a);
  p2p_peer_free (p->b);
  g_object_unref (p->ca);
  g_object_unref (p->cb);
  g_object_unref (p->ta);
  g_object_unref (p->tb);
  end_clear (&p->ea);
  end_clear (&p->eb);
  while (g_main_context_iteration (NULL, FALSE));
}

/* A segment of @packets MPEG-TS packets with a recognisable payload. */
static GBytes *
make_ts (guint packets)
{
  guint8 *data = g_malloc (packets * 188);

  for (guint i = 0; i < packets * 188; i++)
    data[i] = (i % 188 == 0) ? 0x47 : (guint8) (i * 7);
  return g_bytes_new_take (data, packets * 188);
}

static void
test_announce_and_download (void)
{
  Pair p;
  gint64 ids[] = { 3, 4, 5 };
  GArray *held = g_array_new (FALSE, FALSE, sizeof (gint64));

  pair_open (&p, 2000);
  g_array_append_vals (held, ids, 3);
  p2p_peer_announce (p.a, held, NULL);
  iterate_until ((gboolean *) & p.eb.announced, 2000);
  g_assert_true (p2p_peer_has_segment (p.b, 4));
  g_assert_false (p2p_peer_has_segment (p.b, 6));

  /* larger than one message: the data arrives in several */
  p.ea.served = make_ts (1000);
  g_assert_true (p2p_peer_request (p.b, 4));
  g_assert_false (p2p_peer_request (p.b, 5));   /* one at a time */
  iterate_until (&p.eb.downloaded, 5000);
  g_assert_no_error (p.eb.got_error);
  g_assert_cmpint (p.eb.got_id, ==, 4);
  g_assert_true (g_bytes_equal (p.eb.got, p.ea.served));
  g_assert_null (p.ea.failed);
  g_assert_null (p.eb.failed);
  g_array_unref (held);
  pair_close (&p);
}

/* b > 0: the rest of the segment from that byte, as p2p-media-loader 2.3.1
 * asks when it resumes elsewhere; b at the end is absent. */
static void
test_download_from_offset (void)
{
  Pair p;
  GBytes *tail;

  pair_open (&p, 2000);
  p.ea.served = make_ts (1000);
  g_assert_true (p2p_peer_request_from (p.b, 4, 1000));
  iterate_until (&p.eb.downloaded, 5000);
  g_assert_no_error (p.eb.got_error);
  tail = g_bytes_new_from_bytes (p.ea.served, 1000, 1000 * 188 - 1000);
  g_assert_true (g_bytes_equal (p.eb.got, tail));
  g_bytes_unref (tail);

  p.eb.downloaded = FALSE;
  g_clear_pointer (&p.eb.got, g_bytes_unref);
  g_assert_true (p2p_peer_request_from (p.b, 4, 1000 * 188));
  iterate_until (&p.eb.downloaded, 5000);
  g_assert_null (p.eb.got);
  g_assert_error (p.eb.got_error, P2P_PEER_ERROR, P2P_PEER_ERROR_ABSENT);
  g_assert_null (p.ea.failed);
  g_assert_null (p.eb.failed);
  pair_close (&p);
}

static void
test_absent (void)
{
  Pair p;

  pair_open (&p, 2000);
  g_assert_true (p2p_peer_request (p.b, 9));
  iterate_until (&p.eb.downloaded, 5000);
  g_assert_null (p.eb.got);
  g_assert_error (p.eb.got_error, P2P_PEER_ERROR, P2P_PEER_ERROR_ABSENT);
  g_assert_null (p.eb.failed);  /* absent is no offence */
  pair_close (&p);
}

static void
test_malformed_command_drops_peer (void)
{
  Pair p;
  /* framed like a command, with an unknown command type */
  static const guint8 bad[] = { 'c', 's', 't', 'r', 0x09, 'i', 0x01, 0x01,
    'c', 'e', 'n', 'd'
  };
  GBytes *msg = g_bytes_new_static (bad, sizeof (bad));

  pair_open (&p, 2000);
  g_assert_true (p2p_peer_connection_send (p.ca, msg, NULL));
  iterate_until ((gboolean *) & p.eb.failed, 2000);
  g_assert_error (p.eb.failed, P2P_PEER_ERROR, P2P_PEER_ERROR_PROTOCOL);
  g_bytes_unref (msg);
  pair_close (&p);
}

static void
test_more_bytes_than_announced_drops_peer (void)
{
  Pair p;
  P2pPeerCommand cmd;
  GPtrArray *msgs;
  GBytes *extra = make_ts (2);

  pair_open (&p, 2000);
  g_assert_true (p2p_peer_request (p.b, 1));
  /* the remote claims 188 bytes and sends 376 */
  p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_DATA);
  cmd.segment_id = 1;
  cmd.request_id = 1;
  cmd.size = 188;
  msgs = p2p_peer_command_encode (&cmd, 0, NULL);
  p2p_peer_command_clear (&cmd);
  for (guint i = 0; i < msgs->len; i++)
    p2p_peer_connection_send (p.ca, g_ptr_array_index (msgs, i), NULL);
  p2p_peer_connection_send (p.ca, extra, NULL);
  iterate_until ((gboolean *) & p.eb.failed, 2000);
  g_assert_error (p.eb.failed, P2P_PEER_ERROR, P2P_PEER_ERROR_SIZE);
  g_assert_null (p.eb.got);
  g_ptr_array_unref (msgs);
  g_bytes_unref (extra);
  pair_close (&p);
}

static void
test_dead_peer_stalls_out (void)
{
  Pair p;
  gint64 start;

  pair_open (&p, 300);
  p2p_fake_transport_kill (p.ca);
  start = g_get_monotonic_time ();
  g_assert_true (p2p_peer_request (p.b, 2));
  iterate_until (&p.eb.downloaded, 5000);
  /* nothing says the remote died: the stall timer does */
  g_assert_error (p.eb.got_error, P2P_PEER_ERROR, P2P_PEER_ERROR_STALLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  pair_close (&p);
}

/* A remote that stops reading mid-upload (its end gone quiet, as the
 * misbehaving peer's stop-reading mode does) is dropped once it took
 * nothing for 5 s: it would keep what we queued for it, and its place. */
static void
test_stopped_reader_dropped (void)
{
  Pair p;
  gint64 start;
  gboolean never = FALSE;

  pair_open (&p, 60000);
  p.ea.served = make_ts (20000);        /* 3.7 MB: far more than one queue */
  g_assert_true (p2p_peer_request (p.b, 4));
  iterate_until (&never, 200);          /* the upload runs */
  p2p_fake_transport_kill (p.cb);
  start = g_get_monotonic_time ();
  iterate_until ((gboolean *) & p.ea.failed, 8000);
  g_assert_error (p.ea.failed, P2P_PEER_ERROR, P2P_PEER_ERROR_NOT_READING);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 4 * G_USEC_PER_SEC);
  pair_close (&p);
}

/* A remote that floods requests (each replacing the last) gets "absent"
 * beyond 20 a second: no lookup, no data queued for it. */
static void
test_request_flood_capped (void)
{
  Pair p;
  gboolean never = FALSE;

  pair_open (&p, 2000);
  p.ea.served = make_ts (1000);
  for (guint i = 0; i < 200; i++) {
    P2pPeerCommand cmd;
    GPtrArray *msgs;

    p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_REQUEST);
    cmd.segment_id = 4;
    cmd.request_id = 1 + i % 999;
    msgs = p2p_peer_command_encode (&cmd, 0, NULL);
    p2p_peer_command_clear (&cmd);
    for (guint k = 0; k < msgs->len; k++)
      p2p_peer_connection_send (p.cb, g_ptr_array_index (msgs, k), NULL);
    g_ptr_array_unref (msgs);
  }
  iterate_until (&never, 300);
  g_assert_cmpuint (p.ea.lookups, >=, 1);
  g_assert_cmpuint (p.ea.lookups, <=, 40);
  g_assert_null (p.ea.failed);
  pair_close (&p);
}

/* Over the cap second after second: dropped (and banned by the swarm),
 * no longer only answered "absent". */
static void
test_request_flood_dropped (void)
{
  Pair p;
  gboolean never = FALSE;
  guint sent = 0;

  pair_open (&p, 2000);
  p.ea.served = make_ts (1000);
  for (guint burst = 0; burst < 30 && !p.ea.failed; burst++) {
    for (guint i = 0; i < 40; i++, sent++) {
      P2pPeerCommand cmd;
      GPtrArray *msgs;

      p2p_peer_command_init (&cmd, P2P_PEER_CMD_SEGMENT_REQUEST);
      cmd.segment_id = 4;
      cmd.request_id = 1 + sent % 999;
      msgs = p2p_peer_command_encode (&cmd, 0, NULL);
      p2p_peer_command_clear (&cmd);
      for (guint k = 0; k < msgs->len; k++)
        p2p_peer_connection_send (p.cb, g_ptr_array_index (msgs, k), NULL);
      g_ptr_array_unref (msgs);
    }
    iterate_until (&never, 250);
  }
  g_assert_error (p.ea.failed, P2P_PEER_ERROR, P2P_PEER_ERROR_FLOOD);
  /* not before the fifth second over the cap */
  g_assert_cmpuint (sent, >=, 4 * 4 * 40);
  pair_close (&p);
}

static void
test_segment_check (void)
{
  GBytes *ts = make_ts (10);
  gsize len;
  const guint8 *d = g_bytes_get_data (ts, &len);
  guint8 *broken = g_memdup2 (d, len);
  /* two ISO BMFF boxes: styp (16 bytes) and mdat (12 bytes) */
  static const guint8 bmff[] = {
    0, 0, 0, 16, 's', 't', 'y', 'p', 'm', 's', 'd', 'h', 0, 0, 0, 0,
    0, 0, 0, 12, 'm', 'd', 'a', 't', 1, 2, 3, 4
  };
  GError *error = NULL;

  g_assert_true (p2p_segment_check (d, len, len, 0, NULL));
  g_assert_true (p2p_segment_check (d, len, -1, 0, NULL));
  g_assert_false (p2p_segment_check (d, len, len + 1, 0, &error));
  g_assert_error (error, P2P_SEGMENT_CHECK_ERROR, P2P_SEGMENT_CHECK_ERROR_SIZE);
  g_clear_error (&error);
  broken[188 * 5] = 0x00;       /* a lost sync byte */
  g_assert_false (p2p_segment_check (broken, len, len, 0, &error));
  g_assert_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE);
  g_clear_error (&error);
  g_assert_true (p2p_segment_check (bmff, sizeof (bmff), -1, 0, NULL));
  g_assert_false (p2p_segment_check (bmff, sizeof (bmff) - 1, -1, 0, NULL));
  g_assert_false (p2p_segment_check ((const guint8 *) "hello world", 11, -1, 0,
          NULL));
  g_free (broken);
  g_bytes_unref (ts);
}

/* A remote announcing more ids than anyone holds: the newest
 * P2P_PEER_MAX_ANNOUNCED_IDS are kept. */
static void
test_announcement_capped (void)
{
  Pair p;
  GArray *held = g_array_new (FALSE, FALSE, sizeof (gint64));
  const gint64 n = 3 * P2P_PEER_MAX_ANNOUNCED_IDS;

  pair_open (&p, 2000);
  for (gint64 id = 0; id < n; id++)
    g_array_append_val (held, id);
  p2p_peer_announce (p.a, held, NULL);
  iterate_until ((gboolean *) & p.eb.announced, 2000);
  g_assert_cmpint (p.eb.announced, ==, 1);
  g_assert_true (p2p_peer_has_segment (p.b, n - 1));
  g_assert_true (p2p_peer_has_segment (p.b, n - P2P_PEER_MAX_ANNOUNCED_IDS));
  g_assert_false (p2p_peer_has_segment (p.b,
          n - P2P_PEER_MAX_ANNOUNCED_IDS - 1));
  g_assert_false (p2p_peer_has_segment (p.b, 0));
  g_assert_null (p.eb.failed);
  g_array_unref (held);
  pair_close (&p);
}

/* Segments honest peers send that are neither TS nor ISO BMFF in the
 * clear: AES-128 ciphertext and HLS packed audio. */
static void
test_segment_check_encrypted_and_audio (void)
{
  guint8 cipher[64];
  /* an ID3 tag of 10 + 4 bytes, then two ADTS frames of 9 and 8 bytes */
  static const guint8 aac[] = {
    'I', 'D', '3', 4, 0, 0, 0, 0, 0, 4, 'P', 'R', 'I', 'V',
    0xff, 0xf1, 0x50, 0x80, 0x01, 0x3f, 0xfc, 0xaa, 0xbb,
    0xff, 0xf1, 0x50, 0x80, 0x01, 0x1f, 0xfc, 0xcc,
  };
  GError *error = NULL;

  for (guint i = 0; i < sizeof (cipher); i++)
    cipher[i] = (guint8) (i * 37 + 11);
  /* no sync byte anywhere: only the AES-128 flag lets it pass */
  g_assert_false (p2p_segment_check (cipher, sizeof (cipher), -1, 0, NULL));
  g_assert_true (p2p_segment_check (cipher, sizeof (cipher), -1,
          P2P_SEGMENT_CHECK_AES128, NULL));
  g_assert_false (p2p_segment_check (cipher, sizeof (cipher) - 1, -1,
          P2P_SEGMENT_CHECK_AES128, &error));
  g_assert_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE);
  g_clear_error (&error);
  g_assert_false (p2p_segment_check (cipher, sizeof (cipher), 80,
          P2P_SEGMENT_CHECK_AES128, NULL));

  g_assert_true (p2p_segment_check (aac, sizeof (aac), -1, 0, NULL));
  /* without the tag, and cut inside the last frame */
  g_assert_true (p2p_segment_check (aac + 14, sizeof (aac) - 14, -1, 0,
          NULL));
  g_assert_false (p2p_segment_check (aac, sizeof (aac) - 1, -1, 0, &error));
  g_assert_error (error, P2P_SEGMENT_CHECK_ERROR,
      P2P_SEGMENT_CHECK_ERROR_STRUCTURE);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/peer/announce-and-download", test_announce_and_download);
  g_test_add_func ("/peer/absent", test_absent);
  g_test_add_func ("/peer/request-flood-capped", test_request_flood_capped);
  g_test_add_func ("/peer/request-flood-dropped", test_request_flood_dropped);
  g_test_add_func ("/peer/stopped-reader-dropped",
      test_stopped_reader_dropped);
  g_test_add_func ("/peer/download-from-offset", test_download_from_offset);
  g_test_add_func ("/peer/announcement-capped", test_announcement_capped);
  g_test_add_func ("/peer/segment-check-encrypted-and-audio",
      test_segment_check_encrypted_and_audio);
  g_test_add_func ("/peer/malformed-command", test_malformed_command_drops_peer);
  g_test_add_func ("/peer/more-than-announced",
      test_more_bytes_than_announced_drops_peer);
  g_test_add_func ("/peer/dead-peer", test_dead_peer_stalls_out);
  g_test_add_func ("/peer/segment-check", test_segment_check);
  return g_test_run ();
}
