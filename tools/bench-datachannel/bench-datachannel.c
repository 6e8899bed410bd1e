/* gst-p2pcdn: data channel (or plain TCP) throughput benchmark, one side per process.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-datachannel --recv --listen 10.77.0.2:7700
 *   bench-datachannel --send --peer 10.77.0.2:7700 [--tcp] [--bytes N]
 *       [--msg-size N] [--high N] [--low N]
 *
 * The two processes signal over one TCP connection: the sender sends a
 * header line and (WebRTC) its offer, the receiver its answer; at the end
 * the receiver reports its figures on the same connection, and the sender
 * prints one line with both sides' figures.  With --tcp the data goes over
 * that TCP connection itself: the baseline for the same link.
 *
 * Figures: setup = offer created to channel open (offerer), goodput =
 * bytes / (receiver's open or first byte to last byte), CPU = user+system
 * time of the whole process (getrusage) over the transfer, per MB.
 */
#include "p2p-webrtc-transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MB 1e6

static gboolean opt_send, opt_recv, opt_tcp;
static gchar *opt_listen, *opt_peer;
static gint64 opt_bytes = 100 * 1024 * 1024;
static gint opt_msg_size = 65536;
static gint64 opt_high = 1024 * 1024;
static gint64 opt_low = 256 * 1024;

static GOptionEntry entries[] = {
  {"send", 0, 0, G_OPTION_ARG_NONE, &opt_send, "Sender (offerer)", NULL},
  {"recv", 0, 0, G_OPTION_ARG_NONE, &opt_recv, "Receiver (answerer)", NULL},
  {"listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen,
      "Receiver: signalling address", "ADDR:PORT"},
  {"peer", 0, 0, G_OPTION_ARG_STRING, &opt_peer,
      "Sender: the receiver's address", "ADDR:PORT"},
  {"tcp", 0, 0, G_OPTION_ARG_NONE, &opt_tcp, "Plain TCP baseline", NULL},
  {"bytes", 0, 0, G_OPTION_ARG_INT64, &opt_bytes, "Bytes to send", "N"},
  {"msg-size", 0, 0, G_OPTION_ARG_INT, &opt_msg_size, "Message size", "N"},
  {"high", 0, 0, G_OPTION_ARG_INT64, &opt_high, "Buffered high mark", "N"},
  {"low", 0, 0, G_OPTION_ARG_INT64, &opt_low, "Buffered low mark", "N"},
  {NULL}
};

static gint64
bench_cpu_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (gint64) ru.ru_utime.tv_sec * G_USEC_PER_SEC + ru.ru_utime.tv_usec +
      (gint64) ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
}

static void
bench_die (const gchar * what, GError * error)
{
  g_printerr ("bench-datachannel: %s: %s\n", what,
      error ? error->message : "failed");
  exit (1);
}

/* ---- signalling: lines and length-prefixed blobs on one TCP stream ---- */

static gchar *
bench_read_line (GDataInputStream * in)
{
  GError *error = NULL;
  gchar *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

  if (line == NULL)
    bench_die ("signalling read", error);
  return line;
}

static void
bench_write (GOutputStream * out, const gchar * text)
{
  GError *error = NULL;

  if (!g_output_stream_write_all (out, text, strlen (text), NULL, NULL,
          &error) || !g_output_stream_flush (out, NULL, &error))
    bench_die ("signalling write", error);
}

static void
bench_write_blob (GOutputStream * out, const gchar * blob)
{
  g_autofree gchar *header = g_strdup_printf ("%zu\n", strlen (blob));

  bench_write (out, header);
  bench_write (out, blob);
}

static gchar *
bench_read_blob (GDataInputStream * in)
{
  g_autofree gchar *line = bench_read_line (in);
  guint64 size = g_ascii_strtoull (line, NULL, 10);
  gchar *blob;
  GError *error = NULL;

  if (size == 0 || size > 65536)
    bench_die ("signalling blob size", NULL);
  blob = g_malloc0 (size + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), blob, size, NULL, NULL,
          &error))
    bench_die ("signalling read", error);
  return blob;
}

/* ---- main-loop helpers ------------------------------------------------- */

typedef struct
{
  P2pPeerConnection *conn;
  gchar *sdp;
  GError *error;
  gboolean sdp_done;
  gboolean open;
  gboolean closed;

  /* receiver */
  guint64 received;
  gint64 open_at;
  gint64 first_at;
  gint64 last_at;
  gint64 cpu_at_open;
  gint64 cpu_at_last;
  guint messages;

  /* sender */
  guint64 sent;
  guint stalls;
} Bench;

static gboolean
bench_timed_out (gpointer data)
{
  bench_die ("timed out", NULL);
  return G_SOURCE_REMOVE;
}

static void
bench_iterate_until (const gboolean * flag, guint timeout_s)
{
  guint id = g_timeout_add_seconds (timeout_s, bench_timed_out, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
bench_on_open (P2pPeerConnection * conn, Bench * b)
{
  b->open = TRUE;
  b->open_at = g_get_monotonic_time ();
  b->cpu_at_open = bench_cpu_us ();
}

static void
bench_on_closed (P2pPeerConnection * conn, P2pCloseReason reason,
    GError * error, Bench * b)
{
  g_printerr ("bench-datachannel: connection closed (%s): %s\n",
      p2p_close_reason_to_string (reason), error->message);
  b->closed = TRUE;
}

static void
bench_on_message (P2pPeerConnection * conn, GBytes * message, Bench * b)
{
  gint64 now = g_get_monotonic_time ();

  if (b->first_at == 0)
    b->first_at = now;
  b->received += g_bytes_get_size (message);
  b->messages++;
  if (b->received >= (guint64) opt_bytes) {
    b->last_at = now;
    b->cpu_at_last = bench_cpu_us ();
  }
}

static void
bench_sdp_cb (GObject * source, GAsyncResult * result, gpointer data)
{
  Bench *b = data;

  if (p2p_peer_connection_is_offerer (P2P_PEER_CONNECTION (source)))
    b->sdp = p2p_peer_connection_create_offer_finish (P2P_PEER_CONNECTION
        (source), result, &b->error);
  else
    b->sdp = p2p_peer_connection_accept_offer_finish (P2P_PEER_CONNECTION
        (source), result, &b->error);
  b->sdp_done = TRUE;
}

static void
bench_pump (Bench * b)
{
  static GBytes *payload = NULL;

  if (payload == NULL) {
    guint8 *data = g_malloc (opt_msg_size);
    gint i;

    for (i = 0; i < opt_msg_size; i++)
      data[i] = (guint8) (i * 31 + 7);
    payload = g_bytes_new_take (data, opt_msg_size);
  }
  while (b->sent < (guint64) opt_bytes) {
    gsize size = MIN ((guint64) opt_msg_size, opt_bytes - b->sent);
    g_autoptr (GBytes) msg = g_bytes_new_from_bytes (payload, 0, size);
    GError *error = NULL;

    if (!p2p_peer_connection_send (b->conn, msg, &error)) {
      if (!g_error_matches (error, P2P_TRANSPORT_ERROR,
              P2P_TRANSPORT_ERROR_WOULD_BLOCK))
        bench_die ("send", error);
      b->stalls++;
      g_error_free (error);
      return;
    }
    b->sent += size;
  }
}

static void
bench_on_writable (P2pPeerConnection * conn, Bench * b)
{
  bench_pump (b);
}

static P2pTransport *
bench_transport (void)
{
  GError *error = NULL;
  P2pTransport *t = p2p_webrtc_transport_new (NULL, &error);

  if (t == NULL)
    bench_die ("transport", error);
  g_object_set (t, "buffered-high", (guint64) opt_high, "buffered-low",
      (guint64) opt_low, "max-message-size", (guint) MAX (opt_msg_size, 1),
      NULL);
  return t;
}

static Bench *bench_new (P2pTransport * t);
static void bench_sdp_cb (GObject * source, GAsyncResult * result,
    gpointer data);

static gdouble bench_warm_ms;

/* The first webrtcbin of a process generates the DTLS certificate (about
 * 0.4 s of CPU here); every later one reuses it.  Pay that once before
 * measuring, so setup_ms is what each further connection costs, and report
 * it apart as warm_ms. */
static void
bench_warm_up (P2pTransport * t)
{
  gint64 t0 = g_get_monotonic_time ();
  Bench *b = bench_new (t);

  p2p_peer_connection_create_offer_async (b->conn, NULL, bench_sdp_cb, b);
  while (!b->sdp_done)
    g_main_context_iteration (NULL, TRUE);
  p2p_peer_connection_close (b->conn);
  g_object_unref (b->conn);
  g_free (b->sdp);
  g_clear_error (&b->error);
  g_free (b);
  bench_warm_ms = (g_get_monotonic_time () - t0) / 1000.0;
}

static Bench *
bench_new (P2pTransport * t)
{
  Bench *b = g_new0 (Bench, 1);

  b->conn = p2p_transport_create_connection (t);
  g_signal_connect (b->conn, "open", G_CALLBACK (bench_on_open), b);
  g_signal_connect (b->conn, "closed", G_CALLBACK (bench_on_closed), b);
  g_signal_connect (b->conn, "message", G_CALLBACK (bench_on_message), b);
  g_signal_connect (b->conn, "writable", G_CALLBACK (bench_on_writable), b);
  return b;
}

static void
bench_finish (P2pTransport * t, Bench * b)
{
  p2p_peer_connection_close (b->conn);
  g_object_unref (b->conn);
  if (!p2p_webrtc_transport_wait_teardowns (P2P_WEBRTC_TRANSPORT (t), 5000))
    bench_die ("teardown did not finish in 5 s", NULL);
  g_object_unref (t);
}

/* ---- receiver ---------------------------------------------------------- */

static void
bench_recv_tcp (GSocketConnection * conn, GDataInputStream * in,
    GOutputStream * out)
{
  gsize chunk = MAX (opt_msg_size, 4096);
  g_autofree guint8 *buf = g_malloc (chunk);
  guint64 received = 0;
  gint64 start = 0, cpu0 = 0, end, cpu1;
  g_autofree gchar *report = NULL;

  while (received < (guint64) opt_bytes) {
    GError *error = NULL;
    gssize n = g_input_stream_read (G_INPUT_STREAM (in), buf,
        MIN (chunk, opt_bytes - received), NULL, &error);

    if (n <= 0)
      bench_die ("tcp read", error);
    if (start == 0) {
      start = g_get_monotonic_time ();
      cpu0 = bench_cpu_us ();
    }
    received += n;
  }
  end = g_get_monotonic_time ();
  cpu1 = bench_cpu_us ();
  report = g_strdup_printf ("DONE %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
      " %" G_GINT64_FORMAT " 0\n", end - start, cpu1 - cpu0, received);
  bench_write (out, report);
}

static void
bench_recv_webrtc (P2pTransport * t, GDataInputStream * in,
    GOutputStream * out)
{
  Bench *b = bench_new (t);
  g_autofree gchar *offer = bench_read_blob (in);
  g_autofree gchar *report = NULL;
  gint64 start;

  p2p_peer_connection_accept_offer_async (b->conn, offer, NULL, bench_sdp_cb,
      b);
  bench_iterate_until (&b->sdp_done, 30);
  if (b->sdp == NULL)
    bench_die ("answer", b->error);
  bench_write_blob (out, b->sdp);

  bench_iterate_until (&b->open, 30);
  while (b->last_at == 0 && !b->closed)
    g_main_context_iteration (NULL, TRUE);
  if (b->closed)
    bench_die ("transfer", NULL);
  start = b->open_at;
  report = g_strdup_printf ("DONE %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
      " %" G_GINT64_FORMAT " %u\n", b->last_at - start,
      b->cpu_at_last - b->cpu_at_open, (gint64) b->received, b->messages);
  bench_write (out, report);
  /* Keep the channel until the sender hangs up. */
  g_free (bench_read_line (in));
  bench_finish (t, b);
}

static int
bench_recv (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GSocketConnectable) addr = NULL;
  g_autoptr (GSocketAddressEnumerator) en = NULL;
  g_autoptr (GSocketAddress) sa = NULL;
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree gchar *header = NULL;
  GOutputStream *out;
  GError *error = NULL;
  /* Ready (certificate made) before the sender can connect. */
  P2pTransport *t = bench_transport ();

  bench_warm_up (t);
  addr = g_network_address_parse (opt_listen, 7700, &error);
  if (addr == NULL)
    bench_die ("--listen", error);
  en = g_socket_connectable_enumerate (addr);
  sa = g_socket_address_enumerator_next (en, NULL, &error);
  if (sa == NULL || !g_socket_listener_add_address (listener, sa,
          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error))
    bench_die ("listen", error);
  conn = g_socket_listener_accept (listener, NULL, NULL, &error);
  if (conn == NULL)
    bench_die ("accept", error);
  g_socket_set_option (g_socket_connection_get_socket (conn), IPPROTO_TCP,
      TCP_NODELAY, 1, NULL);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM
          (conn)));
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in),
      MAX (opt_msg_size, 65536));
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  header = bench_read_line (in);
  if (sscanf (header, "BENCH %*s %" G_GINT64_FORMAT " %d", &opt_bytes,
          &opt_msg_size) != 2)
    bench_die ("bad header", NULL);
  if (g_str_has_prefix (header, "BENCH tcp ")) {
    bench_recv_tcp (conn, in, out);
    g_object_unref (t);
  } else {
    bench_recv_webrtc (t, in, out);
  }
  return 0;
}

/* ---- sender ------------------------------------------------------------ */

static GSocketConnection *
bench_connect (void)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;) {
    GError *error = NULL;
    GSocketConnection *conn = g_socket_client_connect_to_host (client,
        opt_peer, 7700, NULL, &error);

    if (conn != NULL) {
      g_socket_set_option (g_socket_connection_get_socket (conn),
          IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      return conn;
    }
    if (g_get_monotonic_time () > deadline)
      bench_die ("connect", error);
    g_error_free (error);
    g_usleep (100 * 1000);
  }
}

static gdouble bench_offer_ms, bench_connect_ms;

static void
bench_report (const gchar * mode, gdouble setup_ms, const gchar * done,
    gint64 send_cpu_us, guint stalls)
{
  gint64 elapsed_us = 0, recv_cpu_us = 0, bytes = 0;
  guint messages = 0;
  gdouble mb, secs;

  if (sscanf (done, "DONE %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %"
          G_GINT64_FORMAT " %u", &elapsed_us, &recv_cpu_us, &bytes,
          &messages) != 4 || elapsed_us <= 0)
    bench_die ("bad report", NULL);
  mb = bytes / MB;
  secs = elapsed_us / 1e6;
  g_print ("mode=%s msg=%d high=%" G_GINT64_FORMAT " low=%" G_GINT64_FORMAT
      " bytes=%" G_GINT64_FORMAT " warm_ms=%.1f setup_ms=%.1f (offer_ms=%.1f "
      "answer_to_open_ms=%.1f) goodput_MBps=%.2f goodput_Mbps=%.2f "
      "send_cpu_ms_per_MB=%.1f recv_cpu_ms_per_MB=%.1f stalls=%u\n", mode,
      opt_msg_size, opt_high, opt_low, bytes, bench_warm_ms, setup_ms,
      bench_offer_ms, bench_connect_ms, mb / secs, mb * 8 / secs, send_cpu_us / 1000.0 / mb,
      recv_cpu_us / 1000.0 / mb, stalls);
}

static void
bench_send_tcp (GOutputStream * out, GDataInputStream * in)
{
  gsize chunk = opt_msg_size;
  g_autofree guint8 *buf = g_malloc0 (chunk);
  guint64 sent = 0;
  gint64 cpu0 = bench_cpu_us ();
  g_autofree gchar *done = NULL;

  while (sent < (guint64) opt_bytes) {
    GError *error = NULL;
    gsize n = MIN (chunk, opt_bytes - sent);

    if (!g_output_stream_write_all (out, buf, n, NULL, NULL, &error))
      bench_die ("tcp write", error);
    sent += n;
  }
  done = bench_read_line (in);
  bench_report ("tcp", 0, done, bench_cpu_us () - cpu0, 0);
}

static void
bench_send_webrtc (GOutputStream * out, GDataInputStream * in)
{
  P2pTransport *t = bench_transport ();
  Bench *b;
  g_autofree gchar *answer = NULL;
  g_autofree gchar *done = NULL;
  GError *error = NULL;
  gint64 cpu0, t0;

  bench_warm_up (t);
  b = bench_new (t);
  t0 = g_get_monotonic_time ();
  p2p_peer_connection_create_offer_async (b->conn, NULL, bench_sdp_cb, b);
  bench_iterate_until (&b->sdp_done, 30);
  if (b->sdp == NULL)
    bench_die ("offer", b->error);
  bench_offer_ms = (g_get_monotonic_time () - t0) / 1000.0;
  bench_write_blob (out, b->sdp);
  answer = bench_read_blob (in);
  t0 = g_get_monotonic_time ();
  if (!p2p_peer_connection_set_answer (b->conn, answer, &error))
    bench_die ("set answer", error);
  bench_iterate_until (&b->open, 30);
  bench_connect_ms = (g_get_monotonic_time () - t0) / 1000.0;

  cpu0 = bench_cpu_us ();
  bench_pump (b);
  while (b->sent < (guint64) opt_bytes && !b->closed)
    g_main_context_iteration (NULL, TRUE);
  /* Everything is queued; the streaming threads deliver it while we wait
   * for the receiver's report. */
  done = bench_read_line (in);
  bench_report ("webrtc", p2p_peer_connection_get_setup_time (b->conn) /
      1000.0, done, bench_cpu_us () - cpu0, b->stalls);
  bench_write (out, "BYE\n");
  bench_finish (t, b);
}

static int
bench_send (void)
{
  g_autoptr (GSocketConnection) conn = bench_connect ();
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree gchar *header = NULL;
  GOutputStream *out;

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM
          (conn)));
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  header = g_strdup_printf ("BENCH %s %" G_GINT64_FORMAT " %d\n",
      opt_tcp ? "tcp" : "webrtc", opt_bytes, opt_msg_size);
  bench_write (out, header);
  if (opt_tcp)
    bench_send_tcp (out, in);
  else
    bench_send_webrtc (out, in);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- data channel "
      "benchmark (run one --recv and one --send)");
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    bench_die ("options", error);
  if (opt_send == opt_recv || (opt_send && opt_peer == NULL) ||
      (opt_recv && opt_listen == NULL) || opt_bytes <= 0 ||
      opt_msg_size <= 0 || opt_low >= opt_high) {
    g_printerr ("%s", g_option_context_get_help (ctx, TRUE, NULL));
    return 2;
  }
  return opt_send ? bench_send () : bench_recv ();
}
