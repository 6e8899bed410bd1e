/* gst-p2pcdn: libFuzzer target for the peer protocol decoder and encoder.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: one byte choosing the re-encoding message size, then data-channel
 * messages, each as a 2-byte big-endian length and its bytes (the seed
 * corpus, made by make-peer-corpus.py, holds the captured vectors so).
 * Every decoded command that we are willing to send must survive an
 * encode/decode round trip unchanged.
 */
#include "protocol/p2p-peer-codec.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
check_round_trip (const P2pPeerCommand * cmd, gsize max)
{
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (P2pPeerDecoder) dec = p2p_peer_decoder_new ();
  P2pPeerCommand got;
  P2pPeerMessageKind kind = P2P_PEER_MESSAGE_INVALID;
  guint i;

  /* values we refuse to send (r = 0, > 2^53, ...) end here */
  messages = p2p_peer_command_encode (cmd, max, NULL);
  if (messages == NULL)
    return;

  for (i = 0; i < messages->len; i++) {
    GBytes *msg = g_ptr_array_index (messages, i);

    if (g_bytes_get_size (msg) > max)
      abort ();
    kind = p2p_peer_decoder_feed (dec, g_bytes_get_data (msg, NULL),
        g_bytes_get_size (msg), &got, NULL);
    if (kind != (i + 1 == messages->len ? P2P_PEER_MESSAGE_COMMAND :
            P2P_PEER_MESSAGE_INCOMPLETE))
      abort ();
  }
  if (!p2p_peer_command_equal (cmd, &got))
    abort ();
  p2p_peer_command_clear (&got);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  g_autoptr (P2pPeerDecoder) dec = NULL;
  P2pPeerCommand cmd;
  gsize max, pos;

  if (size < 1)
    return 0;
  max = data[0] < 128 ? 9 + data[0] : P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE;

  /* the rest as one joined body */
  if (p2p_peer_command_decode (data + 1, size - 1, &cmd, NULL)) {
    check_round_trip (&cmd, max);
    p2p_peer_command_clear (&cmd);
  }

  /* the rest as a sequence of messages on one connection */
  dec = g_object_new (P2P_TYPE_PEER_DECODER, "max-command-size", 4096, NULL);
  for (pos = 1; pos + 2 <= size;) {
    gsize len = MIN ((gsize) ((data[pos] << 8) | data[pos + 1]),
        size - pos - 2);

    if (p2p_peer_decoder_feed (dec, data + pos + 2, len, &cmd, NULL) ==
        P2P_PEER_MESSAGE_COMMAND) {
      check_round_trip (&cmd, max);
      p2p_peer_command_clear (&cmd);
    }
    pos += 2 + len;
  }
  return 0;
}
