/* gst-p2pcdn: p2p-media-loader v2 peer protocol, command codec.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A data-channel message is either one chunk of a framed command
 * ("cstr"/"dstr" ... "cend"/"dend") or raw segment bytes (protocols.md
 * section 3, pml-2.3.1-vectors.md).  The encoder is strict: it only emits
 * what every deployed generation (PML 1.0.4 .. 4.x) accepts (protocols.md
 * section 5).  The decoder accepts everything those generations send and
 * refuses the rest with a P2P_PROTOCOL_ERROR.
 *
 * Pure code, no I/O, no global state; a P2pPeerDecoder belongs to one
 * connection and one thread.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define P2P_PROTOCOL_ERROR (p2p_protocol_error_quark ())
GQuark p2p_protocol_error_quark (void);

typedef enum {
  P2P_PROTOCOL_ERROR_UNKNOWN_COMMAND,   /* command type byte above 5 */
  P2P_PROTOCOL_ERROR_BAD_TYPE,          /* unknown item type, or a field of the wrong type */
  P2P_PROTOCOL_ERROR_INT_TOO_LONG,      /* int of more than 8 magnitude bytes */
  P2P_PROTOCOL_ERROR_MISSING_FIELD,     /* i, r or s absent */
  P2P_PROTOCOL_ERROR_TRUNCATED,         /* body ends inside a field */
  P2P_PROTOCOL_ERROR_ARRAY_TOO_LARGE,   /* array claims more ids than it can hold */
  P2P_PROTOCOL_ERROR_CHUNK_SEQUENCE,    /* dstr without cstr, cstr inside a command */
  P2P_PROTOCOL_ERROR_TOO_LARGE,         /* joined command above the decoder's bound */
  P2P_PROTOCOL_ERROR_INVALID_VALUE,     /* negative value, or a value we refuse to send */
} P2pProtocolError;

typedef enum {
  P2P_PEER_CMD_SEGMENTS_ANNOUNCEMENT = 0,
  P2P_PEER_CMD_SEGMENT_REQUEST = 1,
  P2P_PEER_CMD_SEGMENT_DATA = 2,
  P2P_PEER_CMD_SEGMENT_DATA_SENDING_COMPLETED = 3,
  P2P_PEER_CMD_SEGMENT_ABSENT = 4,
  P2P_PEER_CMD_CANCEL_SEGMENT_REQUEST = 5,
} P2pPeerCommandType;

/* What PML itself uses as webRtcMaxMessageSize, for commands and data. */
#define P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE 65535
/* Default bound of a joined command body in a P2pPeerDecoder. */
#define P2P_PEER_DEFAULT_MAX_COMMAND_SIZE (1024 * 1024)
/* Largest value we send: JavaScript peers read ints as doubles. */
#define P2P_PEER_MAX_INT ((G_GINT64_CONSTANT (1) << 53) - 1)

/* One command.  Only the fields of its type are meaningful:
 *  SEGMENTS_ANNOUNCEMENT: loaded (l), loading (p)
 *  SEGMENT_REQUEST:       segment_id (i), request_id (r), byte_from (b)
 *  SEGMENT_DATA:          segment_id (i), request_id (r), size (s)
 *  the other three:       segment_id (i), request_id (r)
 * Ids are in the sender's order, duplicates kept.  Decoded values are
 * never negative.  byte_from is 0 when absent, as PML omits b = 0. */
typedef struct {
  P2pPeerCommandType type;
  gint64 segment_id;
  gint64 request_id;
  gint64 size;
  gint64 byte_from;
  GArray *loaded;               /* of gint64, NULL when empty */
  GArray *loading;              /* of gint64, NULL when empty */
} P2pPeerCommand;

void p2p_peer_command_init (P2pPeerCommand * cmd, P2pPeerCommandType type);
void p2p_peer_command_clear (P2pPeerCommand * cmd);
/* Appends to cmd->loaded / cmd->loading, creating the array. */
void p2p_peer_command_add_ids (P2pPeerCommand * cmd, gboolean loading,
    const gint64 * ids, guint n_ids);
/* Same type and same fields of that type; announcement ids compare as
 * multisets, since the wire groups them by their high bits. */
gboolean p2p_peer_command_equal (const P2pPeerCommand * a,
    const P2pPeerCommand * b);
const gchar *p2p_peer_command_type_to_string (P2pPeerCommandType type);

/* Encodes @cmd into the data-channel messages to send, in order: one
 * "cstr..cend" message, or equal "cstr..dend", "dstr..dend", ...,
 * "dstr..cend" chunks when the body plus 8 frame bytes exceeds
 * @max_message_size (0 = P2P_PEER_DEFAULT_MAX_MESSAGE_SIZE; at least 9).
 * Returns a GPtrArray of GBytes, or NULL with P2P_PROTOCOL_ERROR_INVALID_VALUE
 * (r < 1, s < 1, negative or too large ids, ...) or _ARRAY_TOO_LARGE. */
GPtrArray *p2p_peer_command_encode (const P2pPeerCommand * cmd,
    gsize max_message_size, GError ** error);

/* Decodes one unframed, joined command body into @cmd (initialised here;
 * clear it after success).  On failure @cmd holds nothing to free. */
gboolean p2p_peer_command_decode (const guint8 * body, gsize len,
    P2pPeerCommand * cmd, GError ** error);

/* TRUE if @data is framed as a command chunk (the receiver's only test). */
gboolean p2p_peer_message_is_command_chunk (const guint8 * data, gsize len);

typedef enum {
  P2P_PEER_MESSAGE_INVALID = 0, /* error set; partial command dropped */
  P2P_PEER_MESSAGE_DATA,        /* raw segment bytes: count them towards s */
  P2P_PEER_MESSAGE_COMMAND,     /* a complete command was decoded */
  P2P_PEER_MESSAGE_INCOMPLETE,  /* a chunk was stored, more must follow */
} P2pPeerMessageKind;

#define P2P_TYPE_PEER_DECODER (p2p_peer_decoder_get_type ())
G_DECLARE_FINAL_TYPE (P2pPeerDecoder, p2p_peer_decoder, P2P, PEER_DECODER,
    GObject)

P2pPeerDecoder *p2p_peer_decoder_new (void);

/* Classifies one received data-channel message.  With _COMMAND, @cmd holds
 * the command (clear it when done); otherwise @cmd holds nothing.  Raw data
 * between the chunks of a command is returned as _DATA and does not break
 * the command. */
P2pPeerMessageKind p2p_peer_decoder_feed (P2pPeerDecoder * self,
    const guint8 * data, gsize len, P2pPeerCommand * cmd, GError ** error);

/* Forgets a partly received command. */
void p2p_peer_decoder_reset (P2pPeerDecoder * self);

G_END_DECLS
