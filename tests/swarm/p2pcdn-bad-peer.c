/* gst-p2pcdn: a misbehaving peer for tests, on the real stack.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Joins the swarms of an HLS stream the way a player does (the same
 * manifests through the manifest registry, so the same swarm ids; real
 * WebRTC data channels, the p2p-media-loader codec, a real tracker) and
 * then serves wrong bytes.  It fetches every segment from the origin once,
 * spoils it as --mode says and puts the result into its own segment cache:
 * the ordinary swarm code announces and uploads it, so what reaches other
 * peers is exactly what a lying p2p-media-loader peer would send.
 *
 *   corrupt   bytes flipped in every packet's payload, sync bytes and size
 *             intact (only a hash catches it)
 *   truncate  the second half of the packets dropped (whole packets: the
 *             container check passes)
 *   lie       the next segment's bytes (a valid segment, the wrong one)
 *   oversize  null packets appended
 *
 * The modes of bad-peer-raw.h abuse the protocol instead (requests with
 * b > 0, silence, trickling, a reader that stops, malformed commands).
 *
 * Prints one JSON line when it ends (SIGTERM/SIGINT or --timeout):
 * {"mode": ..., "segments": N, "uploads": N, "upload_bytes": N,
 *  "peers_connected": N}, or bad_raw_peer_report()'s.
 */
#include <gst/gst.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <string.h>

#include "p2p-manifest.h"
#include "p2p-swarm.h"
#include "p2p-webrtc-transport.h"
#include "bad-peer-raw.h"

#define TS_PACKET 188
/* enough for the test content's segments of all renditions */
#define BAD_PEER_CACHE_BYTES (256 * 1024 * 1024)

typedef enum {
  MODE_CORRUPT,
  MODE_TRUNCATE,
  MODE_LIE,
  MODE_OVERSIZE,
} Mode;

static const gchar *const mode_names[] = {
  "corrupt", "truncate", "lie", "oversize",
};

typedef struct {
  gint64 id;
  GBytes *data;
} Fetched;

static GBytes *
http_get (SoupSession * session, const gchar * uri, GError ** error)
{
  SoupMessage *msg = soup_message_new ("GET", uri);
  GBytes *body;

  if (!msg) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "bad URI %s", uri);
    return NULL;
  }
  body = soup_session_send_and_read (session, msg, NULL, error);
  if (body && soup_message_get_status (msg) != SOUP_STATUS_OK) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: HTTP %u", uri,
        soup_message_get_status (msg));
    g_clear_pointer (&body, g_bytes_unref);
  }
  g_object_unref (msg);
  return body;
}

/* The URI lines of a playlist, resolved against @base. */
static GPtrArray *
uri_lines (GBytes * playlist, const gchar * base)
{
  gchar *text = g_strndup (g_bytes_get_data (playlist, NULL),
      g_bytes_get_size (playlist));
  gchar **lines = g_strsplit (text, "\n", -1);
  GPtrArray *uris = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);

    if (*line && *line != '#')
      g_ptr_array_add (uris, gst_uri_join_strings (base, line));
  }
  g_strfreev (lines);
  g_free (text);
  return uris;
}

static GBytes *
spoil (Mode mode, GBytes * data, GBytes * next)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (data, &len);
  GByteArray *out = g_byte_array_new ();

  switch (mode) {
    case MODE_CORRUPT:
      g_byte_array_append (out, d, len);
      for (gsize off = 0; off + TS_PACKET <= out->len; off += TS_PACKET)
        for (guint i = 8; i < TS_PACKET; i += 16)
          out->data[off + i] ^= 0x5a;
      break;
    case MODE_TRUNCATE:
      g_byte_array_append (out, d, (len / TS_PACKET / 2) * TS_PACKET);
      break;
    case MODE_LIE:
      g_byte_array_free (out, TRUE);
      return g_bytes_ref (next ? next : data);
    case MODE_OVERSIZE:{
      guint8 null_packet[TS_PACKET];

      memset (null_packet, 0xff, sizeof (null_packet));
      null_packet[0] = 0x47;
      null_packet[1] = 0x1f;    /* PID 0x1fff */
      null_packet[2] = 0xff;
      null_packet[3] = 0x10;
      g_byte_array_append (out, d, len);
      for (guint i = 0; i < 64; i++)
        g_byte_array_append (out, null_packet, sizeof (null_packet));
      break;
    }
  }
  return g_byte_array_free_to_bytes (out);
}

static void
no_deliver (gpointer consumer, GBytes * data, P2pJobSource source)
{
}

static void
no_http (gpointer consumer, gboolean peers_tried)
{
}

static gboolean
no_range (gpointer consumer, gint64 segment_id, gint64 offset, guint token)
{
  return FALSE;
}

static const P2pConsumerOps no_consumer = { no_deliver, no_http, no_range };

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Loads one media playlist: its segments, spoiled, into @cache; returns
 * the rendition's swarm (info_hash, stream_swarm_id) or FALSE. */
static gboolean
load_rendition (SoupSession * session, P2pManifestRegistry * reg,
    P2pSegmentCache * cache, Mode mode, const gchar * uri, gchar ** info_hash,
    gchar ** stream_swarm_id, GArray * ids, GError ** error)
{
  GBytes *playlist = http_get (session, uri, error);
  GBytes *rewritten;
  GPtrArray *uris;
  GArray *fetched;

  if (!playlist)
    return FALSE;
  rewritten = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS, uri,
      NULL, g_bytes_get_data (playlist, NULL), g_bytes_get_size (playlist),
      NULL, error);
  if (!rewritten) {
    g_bytes_unref (playlist);
    return FALSE;
  }
  g_bytes_unref (rewritten);
  uris = uri_lines (playlist, uri);
  g_bytes_unref (playlist);
  fetched = g_array_new (FALSE, FALSE, sizeof (Fetched));
  *info_hash = *stream_swarm_id = NULL;
  for (guint i = 0; i < uris->len; i++) {
    P2pRequestInfo info;
    Fetched f;

    p2p_manifest_registry_classify (reg, g_ptr_array_index (uris, i), -1, -1,
        &info);
    if (info.kind != P2P_RESOURCE_SEGMENT || info.n_segments != 1)
      continue;
    if (!*info_hash) {
      *info_hash = g_strdup (info.info_hash);
      *stream_swarm_id = g_strdup (info.stream_swarm_id);
    }
    f.id = info.segments[0]->id;
    f.data = http_get (session, g_ptr_array_index (uris, i), error);
    if (!f.data)
      break;
    g_array_append_val (fetched, f);
  }
  g_ptr_array_unref (uris);
  for (guint i = 0; i < fetched->len; i++) {
    Fetched *f = &g_array_index (fetched, Fetched, i);
    GBytes *next = i + 1 < fetched->len ?
        g_array_index (fetched, Fetched, i + 1).data : NULL;
    GBytes *bad = spoil (mode, f->data, next);

    if (*error == NULL && !p2p_segment_cache_put (cache, *info_hash, f->id,
            bad, FALSE, error))
      g_prefix_error (error, "segment %" G_GINT64_FORMAT ": ", f->id);
    g_bytes_unref (bad);
    g_array_append_val (ids, f->id);
  }
  for (guint i = 0; i < fetched->len; i++)
    g_bytes_unref (g_array_index (fetched, Fetched, i).data);
  g_array_unref (fetched);
  if (*error == NULL && !*info_hash)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "%s lists no segment", uri);
  if (*error) {
    g_clear_pointer (info_hash, g_free);
    g_clear_pointer (stream_swarm_id, g_free);
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  gchar *opt_mode = NULL, *opt_tracker = NULL;
  gint opt_timeout = 120;
  GOptionEntry entries[] = {
    {"mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode,
        "corrupt, truncate, lie or oversize", "MODE"},
    {"tracker", 't', 0, G_OPTION_ARG_STRING, &opt_tracker, "Tracker URL",
        "URL"},
    {"timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout, "Leave after S s", "S"},
    {NULL},
  };
  GOptionContext *ctx = g_option_context_new ("MASTER-URI");
  GError *error = NULL;
  Mode mode = MODE_CORRUPT;
  BadRawMode raw_mode;
  BadRawPeer *raw = NULL;
  gboolean mode_ok = FALSE;
  SoupSession *session;
  P2pManifestRegistry *reg;
  P2pSegmentCache *cache;
  P2pTransport *transport;
  GPtrArray *trackers, *swarms, *variants;
  P2pSwarmCounters counters = { 0, };
  P2pTrackerId peer_id;
  GMainLoop *loop;
  GBytes *master, *rewritten = NULL;
  guint n_segments = 0;
  P2pTrackerClient *tracker;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2
      || !opt_tracker) {
    g_printerr ("%s\nusage: p2pcdn-bad-peer --mode MODE --tracker URL "
        "MASTER-URI\n", error ? error->message : "");
    return 2;
  }
  g_option_context_free (ctx);
  for (guint i = 0; opt_mode && i < G_N_ELEMENTS (mode_names); i++)
    if (g_str_equal (opt_mode, mode_names[i])) {
      mode = (Mode) i;
      mode_ok = TRUE;
    }
  if (!mode_ok && !(opt_mode && bad_raw_mode_from_name (opt_mode,
              &raw_mode))) {
    g_printerr ("unknown mode %s\n", opt_mode ? opt_mode : "(none)");
    return 2;
  }

  session = soup_session_new ();
  reg = p2p_manifest_registry_new ();
  cache = p2p_segment_cache_new (BAD_PEER_CACHE_BYTES);
  swarms = g_ptr_array_new_with_free_func ((GDestroyNotify) p2p_swarm_unref);
  master = http_get (session, argv[1], &error);
  if (master)
    rewritten = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS,
        argv[1], NULL, g_bytes_get_data (master, NULL),
        g_bytes_get_size (master), NULL, &error);
  if (!rewritten) {
    g_printerr ("master playlist: %s\n", error->message);
    return 1;
  }
  g_bytes_unref (rewritten);
  variants = uri_lines (master, argv[1]);

  loop = g_main_loop_new (NULL, FALSE);
  transport = p2p_webrtc_transport_new (NULL, &error);
  if (!transport) {
    g_printerr ("WebRTC: %s\n", error->message);
    return 1;
  }
  trackers = g_ptr_array_new_with_free_func (g_object_unref);
  tracker = p2p_tracker_client_new (opt_tracker, NULL, &error);
  if (!tracker) {
    g_printerr ("tracker: %s\n", error->message);
    return 1;
  }
  g_ptr_array_add (trackers, tracker);
  /* what p2p-media-loader 2.x calls itself */
  p2p_tracker_id_generate_peer_id (&peer_id, "-PM0203-");
  if (!mode_ok)
    raw = bad_raw_peer_new (raw_mode, transport, tracker, &peer_id);

  for (guint i = 0; i < variants->len; i++) {
    const gchar *uri = g_ptr_array_index (variants, i);
    gchar *info_hash, *stream_swarm_id;
    P2pSwarmConfig config = { 0, };
    GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

    if (!load_rendition (session, reg, cache, mode, uri, &info_hash,
            &stream_swarm_id, ids, &error)) {
      g_printerr ("%s: %s\n", uri, error->message);
      return 1;
    }
    n_segments += ids->len;
    if (raw) {
      bad_raw_peer_add_swarm (raw, info_hash, ids);
      g_array_unref (ids);
      g_free (info_hash);
      g_free (stream_swarm_id);
      continue;
    }
    g_array_unref (ids);
    config.max_peers = 20;
    config.upload = TRUE;
    config.stall_timeout_ms = 2000;
    config.offers_per_announce = 5;
    config.consumer_ops = &no_consumer;
    g_ptr_array_add (swarms, p2p_swarm_new (info_hash, stream_swarm_id,
            &peer_id, &config, transport, trackers, cache, &counters));
    g_free (info_hash);
    g_free (stream_swarm_id);
  }
  g_print ("p2pcdn-bad-peer ready: %s, %u segments\n", opt_mode, n_segments);

  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  g_timeout_add_seconds (opt_timeout, quit, loop);
  g_main_loop_run (loop);

  g_ptr_array_unref (swarms);
  if (raw) {
    gchar *report = bad_raw_peer_report (raw);

    g_print ("%s\n", report);
    g_free (report);
    bad_raw_peer_free (raw);
  } else {
    g_print ("{\"mode\": \"%s\", \"segments\": %u, \"uploads\": %"
        G_GUINT64_FORMAT ", \"upload_bytes\": %" G_GUINT64_FORMAT
        ", \"peers_connected\": %" G_GUINT64_FORMAT "}\n", mode_names[mode],
        n_segments, counters.uploads, counters.upload_bytes,
        counters.peers_connected);
  }
  g_ptr_array_unref (trackers);
  g_object_unref (transport);
  p2p_segment_cache_free (cache);
  p2p_manifest_registry_free (reg);
  g_ptr_array_unref (variants);
  g_bytes_unref (master);
  g_object_unref (session);
  g_main_loop_unref (loop);
  g_free (opt_mode);
  g_free (opt_tracker);
  return 0;
}
