/* gst-p2pcdn: the stream's segment hash list, fetched from the origin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-hash-list.h"

#include "p2p-http-request.h"
#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_hash_list_log, "p2pcdn-hashes", "segment hash list from the origin")
#define GST_CAT_DEFAULT p2p_hash_list_log ()

/* A live list gains an entry a segment: fetched again at most this often
 * (PeerTube's live segments last 2 s and more). */
#define P2P_HASH_LIST_LIVE_REFRESH_US (1 * G_USEC_PER_SEC)
/* A list that could not be fetched or parsed is tried again after this:
 * peers' bytes cannot be taken meanwhile, HTTP serves. */
#define P2P_HASH_LIST_RETRY_US (5 * G_USEC_PER_SEC)

/* Shared with the fetch under way, which may outlive the manager. */
typedef struct {
  gchar *uri;
  P2pSegmentHashes *hashes;
  gint64 attempted;             /* monotonic, of the last fetch; 0 never */
  gboolean fetching;
  gboolean ok;                  /* the last fetch gave a list */
  SoupSession *session;         /* of the last refresh */
  P2pHttpOptions *options;
} ListState;

struct _P2pHashList
{
  ListState *state;
};

typedef struct {
  ListState *state;
  GByteArray *body;
  gboolean too_large;
} ListFetch;

static void
list_state_clear (ListState * st)
{
  g_free (st->uri);
  p2p_segment_hashes_free (st->hashes);
  g_clear_object (&st->session);
  g_clear_pointer (&st->options, p2p_http_options_free);
}

P2pHashList *
p2p_hash_list_new (const gchar * uri)
{
  P2pHashList *list = g_new0 (P2pHashList, 1);

  list->state = g_rc_box_new0 (ListState);
  list->state->uri = g_strdup (uri);
  return list;
}

void
p2p_hash_list_free (P2pHashList * list)
{
  if (!list)
    return;
  g_rc_box_release_full (list->state, (GDestroyNotify) list_state_clear);
  g_free (list);
}

const gchar *
p2p_hash_list_get_uri (P2pHashList * list)
{
  return list->state->uri;
}

const P2pSegmentHashes *
p2p_hash_list_get (P2pHashList * list)
{
  return list->state->hashes;
}

static void
fetch_data (GBytes * bytes, gpointer user_data)
{
  ListFetch *f = user_data;
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);

  if (f->too_large)
    return;
  if (f->body->len + len > P2P_SEGMENT_HASHES_MAX_SIZE) {
    f->too_large = TRUE;
    return;
  }
  g_byte_array_append (f->body, p, len);
}

static void
fetch_end (gboolean complete, gpointer user_data)
{
  ListFetch *f = user_data;
  ListState *st = f->state;
  GError *error = NULL;
  P2pSegmentHashes *hashes;

  st->fetching = FALSE;
  st->ok = FALSE;
  if (!complete || f->too_large) {
    GST_WARNING ("segment hash list %s not fetched%s: peers' segments are "
        "not taken", st->uri, f->too_large ? " (too large)" : "");
    return;
  }
  hashes = p2p_segment_hashes_parse ((const gchar *) f->body->data,
      f->body->len, &error);
  if (!hashes) {
    GST_WARNING ("segment hash list %s refused: %s", st->uri,
        error->message);
    g_error_free (error);
    return;
  }
  GST_INFO ("segment hash list %s: %u hashes", st->uri,
      p2p_segment_hashes_count (hashes));
  p2p_segment_hashes_free (st->hashes);
  st->hashes = hashes;
  st->ok = TRUE;
}

static void
fetch_destroy (gpointer user_data)
{
  ListFetch *f = user_data;

  g_byte_array_unref (f->body);
  g_rc_box_release_full (f->state, (GDestroyNotify) list_state_clear);
  g_free (f);
}

static void
start_fetch (ListState * st)
{
  ListFetch *f = g_new0 (ListFetch, 1);
  P2pHttpOptions *options = p2p_http_options_copy (st->options);
  P2pHttpBodyHooks hooks = {
    .on_data = fetch_data,
    .on_end = fetch_end,
    .destroy = fetch_destroy,
  };
  P2pFetch *fetch;

  f->state = g_rc_box_acquire (st);
  f->body = g_byte_array_new ();
  hooks.user_data = f;
  g_free (options->uri);
  options->uri = g_strdup (st->uri);
  options->start = 0;
  options->stop = -1;
  options->have_body = FALSE;
  options->known_size = -1;
  options->is_segment = FALSE;
  st->fetching = TRUE;
  st->attempted = g_get_monotonic_time ();
  fetch = p2p_fetch_new_discarding (g_main_context_get_thread_default ());
  p2p_http_request_start (st->session, options, fetch, &hooks);
  p2p_fetch_unref (fetch);
  p2p_http_options_free (options);
}

static gboolean
due (ListState * st, gboolean live)
{
  gint64 age = g_get_monotonic_time () - st->attempted;

  if (st->fetching || !st->session)
    return FALSE;
  if (st->attempted == 0)
    return TRUE;
  if (!st->ok)
    return age >= P2P_HASH_LIST_RETRY_US;
  return live && age >= P2P_HASH_LIST_LIVE_REFRESH_US;
}

void
p2p_hash_list_refresh (P2pHashList * list, SoupSession * session,
    const P2pHttpOptions * options, gboolean live)
{
  ListState *st = list->state;

  if (st->session != session) {
    g_clear_object (&st->session);
    st->session = g_object_ref (session);
  }
  g_clear_pointer (&st->options, p2p_http_options_free);
  st->options = p2p_http_options_copy (options);
  if (due (st, live))
    start_fetch (st);
}

void
p2p_hash_list_refresh_again (P2pHashList * list)
{
  if (due (list->state, TRUE))
    start_fetch (list->state);
}
