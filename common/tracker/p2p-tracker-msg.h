/* gst-p2pcdn: WebTorrent WebSocket tracker messages (JSON text frames).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builds what a client sends (announce, answer, scrape) and parses every
 * frame of the protocol, in both directions, into a tagged struct
 * (protocols.md section 1, pml-2.3.1-vectors.md section 4).
 *
 * info_hash, peer_id, offer_id and to_peer_id are 20 "binary string"
 * characters on the wire: each byte is the code point U+0000..U+00FF.
 * Here they are always held as their 20 bytes (P2pTrackerId).
 *
 * Pure code, no I/O, no global state; thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define P2P_TRACKER_MSG_ERROR (p2p_tracker_msg_error_quark ())
GQuark p2p_tracker_msg_error_quark (void);

typedef enum {
  P2P_TRACKER_MSG_ERROR_TOO_LARGE,      /* frame, SDP or offer count above the bounds */
  P2P_TRACKER_MSG_ERROR_SYNTAX,         /* not JSON, not an object, nested too deep */
  P2P_TRACKER_MSG_ERROR_MISSING_FIELD,  /* a required member is absent */
  P2P_TRACKER_MSG_ERROR_BAD_TYPE,       /* a member of the wrong JSON type */
  P2P_TRACKER_MSG_ERROR_BAD_VALUE,      /* wrong id length, code point, range, event */
  P2P_TRACKER_MSG_ERROR_UNKNOWN_ACTION, /* action neither announce nor scrape */
} P2pTrackerMsgError;

#define P2P_TRACKER_MAX_FRAME (64 * 1024)
#define P2P_TRACKER_MAX_SDP (16 * 1024)
#define P2P_TRACKER_MAX_OFFERS 10
#define P2P_TRACKER_MAX_SCRAPE 64
#define P2P_TRACKER_ID_LEN 20
/* p2p-media-loader 2.3.x; 5.0 uses "-PM0500-" */
#define P2P_TRACKER_PEER_ID_PREFIX "-PM0203-"

typedef struct {
  guint8 bytes[P2P_TRACKER_ID_LEN];
} P2pTrackerId;

/* Reads a binary string: exactly 20 code points, each <= U+00FF, from
 * UTF-8 @str (@len bytes, or NUL-terminated when -1). */
gboolean p2p_tracker_id_from_string (P2pTrackerId * id, const gchar * str,
    gssize len, GError ** error);
/* The id as a C string when every byte is printable ASCII (info_hash,
 * peer_id in practice), else NULL; for logs and maps keyed by text. */
gchar *p2p_tracker_id_to_ascii (const P2pTrackerId * id);
/* 40 lowercase hex digits, as bittorrent-tracker logs ids. */
gchar *p2p_tracker_id_to_hex (const P2pTrackerId * id);
/* JavaScript compares binary strings code unit by code unit: byte order. */
gint p2p_tracker_id_compare (const P2pTrackerId * a, const P2pTrackerId * b);
/* GHashFunc / GEqualFunc for P2pTrackerId keys. */
guint p2p_tracker_id_hash (gconstpointer id);
gboolean p2p_tracker_id_equal (gconstpointer a, gconstpointer b);

/* @prefix (NULL = P2P_TRACKER_PEER_ID_PREFIX, at most 20 ASCII characters)
 * followed by random [A-Za-z0-9]. */
void p2p_tracker_id_generate_peer_id (P2pTrackerId * id, const gchar * prefix);
/* 20 random [A-Za-z0-9], as 4.x/5.0 do. */
void p2p_tracker_id_generate_offer_id (P2pTrackerId * id);

typedef enum {
  P2P_TRACKER_EVENT_NONE = 0,   /* periodic update: no "event" member */
  P2P_TRACKER_EVENT_STARTED,
  P2P_TRACKER_EVENT_STOPPED,
  P2P_TRACKER_EVENT_COMPLETED,
} P2pTrackerEvent;

typedef struct {
  P2pTrackerId offer_id;
  gchar *sdp;
} P2pTrackerOffer;

/* What a client announces.  Offers go only with NONE / STARTED. */
typedef struct {
  P2pTrackerId info_hash;
  P2pTrackerId peer_id;
  P2pTrackerEvent event;
  gint numwant;
  gint64 uploaded;
  gint64 downloaded;
  const P2pTrackerOffer *offers;
  guint n_offers;
} P2pTrackerAnnounce;

/* Each returns the JSON text of one frame (free with g_free), with the
 * members in the order Chromium's PML 2.3.1 sends them, or NULL and
 * P2P_TRACKER_MSG_ERROR_BAD_VALUE / _TOO_LARGE. */
gchar *p2p_tracker_msg_build_announce (const P2pTrackerAnnounce * announce,
    GError ** error);
gchar *p2p_tracker_msg_build_answer (const P2pTrackerId * info_hash,
    const P2pTrackerId * peer_id, const P2pTrackerId * to_peer_id,
    const P2pTrackerId * offer_id, const gchar * sdp, GError ** error);
gchar *p2p_tracker_msg_build_scrape (const P2pTrackerId * info_hashes,
    guint n_info_hashes, GError ** error);

typedef enum {
  P2P_TRACKER_MSG_ANNOUNCE,       /* client -> tracker: announce */
  P2P_TRACKER_MSG_ANNOUNCE_REPLY, /* tracker -> client: interval, counts */
  P2P_TRACKER_MSG_OFFER,          /* tracker -> client: a peer's offer */
  P2P_TRACKER_MSG_ANSWER,         /* either way: an answer to an offer */
  P2P_TRACKER_MSG_FAILURE,        /* tracker -> client: "failure reason" */
  P2P_TRACKER_MSG_SCRAPE,         /* client -> tracker: scrape */
  P2P_TRACKER_MSG_SCRAPE_REPLY,   /* tracker -> client: "files" */
} P2pTrackerMsgType;

typedef struct {
  P2pTrackerId info_hash;
  gint64 complete;              /* -1 when absent */
  gint64 incomplete;
  gint64 downloaded;
} P2pTrackerScrapeFile;

/* A parsed frame.  Counters are -1 when absent. */
typedef struct {
  P2pTrackerMsgType type;

  /* every announce-action frame; FAILURE only if the tracker named it */
  gboolean has_info_hash;
  P2pTrackerId info_hash;
  gchar *failure_reason;        /* FAILURE */
  gchar *warning_message;       /* any frame, NULL when absent */

  /* ANNOUNCE_REPLY; also filled when another announce frame carries them.
   * interval falls back to "min interval". */
  gint64 interval;
  gint64 complete;
  gint64 incomplete;

  /* ANNOUNCE, OFFER, ANSWER: the sender (as forwarded by the tracker) */
  P2pTrackerId peer_id;
  /* ANSWER as a client sends it */
  gboolean has_to_peer_id;
  P2pTrackerId to_peer_id;
  /* OFFER, ANSWER */
  P2pTrackerId offer_id;
  gchar *sdp;

  /* ANNOUNCE */
  P2pTrackerEvent event;
  gint64 numwant;
  gint64 uploaded;
  gint64 downloaded;
  P2pTrackerOffer *offers;
  guint n_offers;

  /* SCRAPE (info hashes only, counters -1; none = all), SCRAPE_REPLY */
  P2pTrackerScrapeFile *files;
  guint n_files;
} P2pTrackerMsg;

/* Parses one text frame of @len bytes (-1: NUL-terminated).  On success
 * @msg must be cleared with p2p_tracker_msg_clear(); on failure it holds
 * nothing to free. */
gboolean p2p_tracker_msg_parse (const gchar * frame, gssize len,
    P2pTrackerMsg * msg, GError ** error);
void p2p_tracker_msg_clear (P2pTrackerMsg * msg);

const gchar *p2p_tracker_msg_type_to_string (P2pTrackerMsgType type);
const gchar *p2p_tracker_event_to_string (P2pTrackerEvent event);

G_END_DECLS
