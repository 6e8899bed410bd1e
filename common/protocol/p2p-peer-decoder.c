/* gst-p2pcdn: per-connection classifier and chunk joiner for peer messages.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-protocol"

#include "p2p-peer-codec.h"

#define P2P_PEER_FRAME_PART 4

struct _P2pPeerDecoder
{
  GObject parent;

  guint max_command_size;
  /* unframed parts of the command being joined; NULL when none is */
  GByteArray *pending;
};

enum
{
  PROP_0,
  PROP_MAX_COMMAND_SIZE,
};

G_DEFINE_TYPE (P2pPeerDecoder, p2p_peer_decoder, G_TYPE_OBJECT)

static void
p2p_peer_decoder_finalize (GObject * object)
{
  P2pPeerDecoder *self = P2P_PEER_DECODER (object);

  g_clear_pointer (&self->pending, g_byte_array_unref);
  G_OBJECT_CLASS (p2p_peer_decoder_parent_class)->finalize (object);
}

static void
p2p_peer_decoder_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  P2pPeerDecoder *self = P2P_PEER_DECODER (object);

  switch (prop_id) {
    case PROP_MAX_COMMAND_SIZE:
      self->max_command_size = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_peer_decoder_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  P2pPeerDecoder *self = P2P_PEER_DECODER (object);

  switch (prop_id) {
    case PROP_MAX_COMMAND_SIZE:
      g_value_set_uint (value, self->max_command_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_peer_decoder_class_init (P2pPeerDecoderClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = p2p_peer_decoder_finalize;
  object_class->set_property = p2p_peer_decoder_set_property;
  object_class->get_property = p2p_peer_decoder_get_property;

  /**
   * P2pPeerDecoder:max-command-size:
   *
   * Largest joined command body accepted, in bytes.  A peer that sends
   * more is refused before it can make us buffer without bound.
   */
  g_object_class_install_property (object_class, PROP_MAX_COMMAND_SIZE,
      g_param_spec_uint ("max-command-size", "Max command size",
          "Largest joined command body accepted (bytes)", 1, G_MAXUINT32,
          P2P_PEER_DEFAULT_MAX_COMMAND_SIZE,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
p2p_peer_decoder_init (P2pPeerDecoder * self)
{
  self->max_command_size = P2P_PEER_DEFAULT_MAX_COMMAND_SIZE;
}

P2pPeerDecoder *
p2p_peer_decoder_new (void)
{
  return g_object_new (P2P_TYPE_PEER_DECODER, NULL);
}

void
p2p_peer_decoder_reset (P2pPeerDecoder * self)
{
  g_return_if_fail (P2P_IS_PEER_DECODER (self));

  g_clear_pointer (&self->pending, g_byte_array_unref);
}

static P2pPeerMessageKind
p2p_peer_decoder_fail (P2pPeerDecoder * self, GError ** error,
    P2pProtocolError code, const gchar * message)
{
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_set_error_literal (error, P2P_PROTOCOL_ERROR, code, message);
  return P2P_PEER_MESSAGE_INVALID;
}

P2pPeerMessageKind
p2p_peer_decoder_feed (P2pPeerDecoder * self, const guint8 * data, gsize len,
    P2pPeerCommand * cmd, GError ** error)
{
  const guint8 *part;
  gsize part_len;
  gboolean first, last;
  g_autoptr (GByteArray) joined = NULL;

  g_return_val_if_fail (P2P_IS_PEER_DECODER (self), P2P_PEER_MESSAGE_INVALID);
  g_return_val_if_fail (data != NULL || len == 0, P2P_PEER_MESSAGE_INVALID);
  g_return_val_if_fail (cmd != NULL, P2P_PEER_MESSAGE_INVALID);

  p2p_peer_command_init (cmd, 0);

  /* Segment bytes may sit between the chunks of one command (the sender's
   * own data queue), so they never disturb the joining. */
  if (!p2p_peer_message_is_command_chunk (data, len))
    return P2P_PEER_MESSAGE_DATA;

  /* the framing test passed: 'c' or 'd' tells the two variants apart */
  first = data[0] == 'c';
  last = data[len - P2P_PEER_FRAME_PART] == 'c';
  part = data + P2P_PEER_FRAME_PART;
  part_len = len - 2 * P2P_PEER_FRAME_PART;

  if (first && self->pending != NULL)
    return p2p_peer_decoder_fail (self, error,
        P2P_PROTOCOL_ERROR_CHUNK_SEQUENCE,
        "a command started before the previous one ended");
  if (!first && self->pending == NULL)
    return p2p_peer_decoder_fail (self, error,
        P2P_PROTOCOL_ERROR_CHUNK_SEQUENCE,
        "a continuation chunk arrived without a first chunk");

  if (first && last) {
    if (part_len > self->max_command_size)
      return p2p_peer_decoder_fail (self, error, P2P_PROTOCOL_ERROR_TOO_LARGE,
          "command larger than the decoder accepts");
    if (!p2p_peer_command_decode (part, part_len, cmd, error))
      return P2P_PEER_MESSAGE_INVALID;
    return P2P_PEER_MESSAGE_COMMAND;
  }

  if (first)
    self->pending = g_byte_array_new ();
  if (part_len > self->max_command_size - self->pending->len)
    return p2p_peer_decoder_fail (self, error, P2P_PROTOCOL_ERROR_TOO_LARGE,
        "chunked command larger than the decoder accepts");
  g_byte_array_append (self->pending, part, part_len);

  if (!last)
    return P2P_PEER_MESSAGE_INCOMPLETE;

  joined = g_steal_pointer (&self->pending);
  if (!p2p_peer_command_decode (joined->data, joined->len, cmd, error))
    return P2P_PEER_MESSAGE_INVALID;
  return P2P_PEER_MESSAGE_COMMAND;
}
