/* gst-p2pcdn: in-process fake transport for tests of the swarm manager.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: the two ends of a link may live on different
 * contexts (threads).  One process-wide lock, `p2p_fake`, guards every
 * link, the table of open offers and each end's fields; it is taken before
 * any P2pContextQueue lock (pushing while holding it is fine, queues never
 * call out under their lock) and is never held while a connection's
 * backend_*() function or a signal runs.
 */
#define G_LOG_DOMAIN "p2p-transport"

#include "p2p-fake-transport.h"
#include "p2p-context-queue.h"

#include <string.h>

#define P2P_FAKE_OFFER "p2p-fake-offer"
#define P2P_FAKE_ANSWER "p2p-fake-answer"

struct _P2pFakeTransport
{
  P2pTransport parent;
};

G_DEFINE_FINAL_TYPE (P2pFakeTransport, p2p_fake_transport,
    P2P_TYPE_TRANSPORT);

#define P2P_TYPE_FAKE_CONNECTION (p2p_fake_connection_get_type ())
G_DECLARE_FINAL_TYPE (P2pFakeConnection, p2p_fake_connection, P2P,
    FAKE_CONNECTION, P2pPeerConnection)

typedef struct
{
  P2pContextQueue *queue;       /* NULL until the end exists */
  guint64 low;                  /* this end's buffered-low */
  gboolean closed;
  gboolean dead;
  gboolean remote_closed;       /* the other end closed: tell after inbox */
  GQueue inbox;                 /* GBytes for this end */
  guint64 inbox_bytes;          /* = the other end's buffered amount */
  gboolean delivering;          /* a delivery event is queued */
} P2pFakeEnd;

typedef struct
{
  gatomicrefcount ref_count;
  gchar *id;
  gchar *label;
  gboolean answered;
  P2pFakeEnd end[2];            /* 0 = offerer, 1 = answerer */
} P2pFakeLink;

struct _P2pFakeConnection
{
  P2pPeerConnection parent;

  P2pContextQueue *queue;
  P2pFakeLink *link;
  guint side;
};

G_DEFINE_FINAL_TYPE (P2pFakeConnection, p2p_fake_connection,
    P2P_TYPE_PEER_CONNECTION);

G_LOCK_DEFINE_STATIC (p2p_fake);
static GHashTable *p2p_fake_offers;     /* id -> P2pFakeLink, unanswered */

static P2pFakeLink *
p2p_fake_link_ref (P2pFakeLink * link)
{
  g_atomic_ref_count_inc (&link->ref_count);
  return link;
}

static void
p2p_fake_link_unref (P2pFakeLink * link)
{
  guint i;

  if (!g_atomic_ref_count_dec (&link->ref_count))
    return;
  for (i = 0; i < 2; i++) {
    g_queue_clear_full (&link->end[i].inbox, (GDestroyNotify) g_bytes_unref);
    g_clear_pointer (&link->end[i].queue, p2p_context_queue_unref);
  }
  g_free (link->id);
  g_free (link->label);
  g_free (link);
}

/* ---- events, run on the receiving end's context ------------------------ */

static void
p2p_fake_on_description (GObject * target, gpointer data)
{
  p2p_peer_connection_backend_description_ready (P2P_PEER_CONNECTION
      (target), data, NULL);
}

static void
p2p_fake_on_open (GObject * target, gpointer data)
{
  p2p_peer_connection_backend_opened (P2P_PEER_CONNECTION (target), data, 0);
}

static void
p2p_fake_on_remote_closed (GObject * target, gpointer data)
{
  p2p_peer_connection_backend_closed (P2P_PEER_CONNECTION (target),
      P2P_CLOSE_REASON_REMOTE, NULL);
}

static void
p2p_fake_on_low (GObject * target, gpointer data)
{
  p2p_peer_connection_backend_buffered_low (P2P_PEER_CONNECTION (target));
}

static void p2p_fake_on_deliver (GObject * target, gpointer data);

/* Called with the lock held: the next step for end @side's inbox. */
static void
p2p_fake_end_schedule_locked (P2pFakeLink * link, guint side)
{
  P2pFakeEnd *end = &link->end[side];

  if (end->queue == NULL || end->closed || end->dead || end->delivering)
    return;
  if (!g_queue_is_empty (&end->inbox)) {
    end->delivering = TRUE;
    p2p_context_queue_push (end->queue, p2p_fake_on_deliver, NULL, NULL);
  } else if (end->remote_closed) {
    end->remote_closed = FALSE;
    p2p_context_queue_push (end->queue, p2p_fake_on_remote_closed, NULL,
        NULL);
  }
}

static void
p2p_fake_on_deliver (GObject * target, gpointer data)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (target);
  P2pFakeLink *link = self->link;
  P2pFakeEnd *end, *sender;
  GBytes *message = NULL;
  guint64 before;

  G_LOCK (p2p_fake);
  end = &link->end[self->side];
  sender = &link->end[1 - self->side];
  end->delivering = FALSE;
  if (!end->closed && !end->dead)
    message = g_queue_pop_head (&end->inbox);
  if (message != NULL) {
    before = end->inbox_bytes;
    end->inbox_bytes -= g_bytes_get_size (message);
    if (sender->queue != NULL && !sender->closed && !sender->dead &&
        before > sender->low && end->inbox_bytes <= sender->low)
      p2p_context_queue_push (sender->queue, p2p_fake_on_low, NULL, NULL);
  }
  p2p_fake_end_schedule_locked (link, self->side);
  G_UNLOCK (p2p_fake);

  if (message != NULL) {
    p2p_peer_connection_backend_received (P2P_PEER_CONNECTION (self),
        message);
    g_bytes_unref (message);
  }
}

/* ---- P2pPeerConnection vfuncs ------------------------------------------ */

static void
p2p_fake_connection_attach_locked (P2pFakeConnection * self,
    P2pFakeLink * link, guint side)
{
  P2pTransport *transport =
      p2p_peer_connection_get_transport (P2P_PEER_CONNECTION (self));

  self->link = p2p_fake_link_ref (link);
  self->side = side;
  link->end[side].queue = p2p_context_queue_ref (self->queue);
  link->end[side].low = p2p_transport_get_buffered_low (transport);
}

static void
p2p_fake_connection_start_offer (P2pPeerConnection * conn,
    const gchar * label)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (conn);
  P2pFakeLink *link = g_new0 (P2pFakeLink, 1);

  g_atomic_ref_count_init (&link->ref_count);
  link->id = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  link->label = g_strdup (label);

  G_LOCK (p2p_fake);
  if (p2p_fake_offers == NULL)
    p2p_fake_offers = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (p2p_fake_offers, link->id, link);
  p2p_fake_connection_attach_locked (self, link, 0);
  G_UNLOCK (p2p_fake);
  p2p_fake_link_unref (link);   /* the table's reference is the end's */

  p2p_context_queue_push (self->queue, p2p_fake_on_description,
      g_strdup_printf (P2P_FAKE_OFFER " %s %s", link->id, label), g_free);
}

/* "<kind> <id>[ <label>]" -> id, or NULL. */
static gchar *
p2p_fake_parse (const gchar * sdp, const gchar * kind, GError ** error)
{
  g_auto (GStrv) parts = g_strsplit (sdp, " ", 3);

  if (g_strv_length (parts) < 2 || g_strcmp0 (parts[0], kind) != 0) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
        "Not a fake transport %s", strcmp (kind, P2P_FAKE_OFFER) == 0 ?
        "offer" : "answer");
    return NULL;
  }
  return g_strdup (parts[1]);
}

static gboolean
p2p_fake_connection_start_answer (P2pPeerConnection * conn, const gchar * sdp,
    GError ** error)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (conn);
  g_autofree gchar *id = p2p_fake_parse (sdp, P2P_FAKE_OFFER, error);
  P2pFakeLink *link;

  if (id == NULL)
    return FALSE;

  G_LOCK (p2p_fake);
  link = p2p_fake_offers ? g_hash_table_lookup (p2p_fake_offers, id) : NULL;
  if (link == NULL || link->answered) {
    G_UNLOCK (p2p_fake);
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
        "Fake offer %s is unknown, closed or already answered", id);
    return FALSE;
  }
  link->answered = TRUE;
  p2p_fake_connection_attach_locked (self, link, 1);
  G_UNLOCK (p2p_fake);

  p2p_context_queue_push (self->queue, p2p_fake_on_description,
      g_strdup_printf (P2P_FAKE_ANSWER " %s", id), g_free);
  return TRUE;
}

static gboolean
p2p_fake_connection_set_answer (P2pPeerConnection * conn, const gchar * sdp,
    GError ** error)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (conn);
  g_autofree gchar *id = p2p_fake_parse (sdp, P2P_FAKE_ANSWER, error);
  P2pFakeLink *link = self->link;
  guint i;

  if (id == NULL)
    return FALSE;
  if (strcmp (id, link->id) != 0) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
        "Fake answer %s does not answer offer %s", id, link->id);
    return FALSE;
  }

  G_LOCK (p2p_fake);
  g_hash_table_remove (p2p_fake_offers, link->id);
  /* An answerer that died before the open leaves us to the open timeout,
   * as a real one would. */
  for (i = 0; i < 2; i++) {
    P2pFakeEnd *end = &link->end[i];

    if (end->queue != NULL && !end->closed && !end->dead &&
        !link->end[1 - i].dead)
      p2p_context_queue_push (end->queue, p2p_fake_on_open,
          g_strdup (link->label), g_free);
  }
  G_UNLOCK (p2p_fake);
  return TRUE;
}

static gboolean
p2p_fake_connection_send (P2pPeerConnection * conn, GBytes * message,
    GError ** error)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (conn);
  P2pFakeEnd *peer;

  G_LOCK (p2p_fake);
  peer = &self->link->end[1 - self->side];
  peer->inbox_bytes += g_bytes_get_size (message);
  /* A dead peer's buffer only grows; keep the count, not the bytes. */
  if (!peer->dead && !peer->closed) {
    g_queue_push_tail (&peer->inbox, g_bytes_ref (message));
    p2p_fake_end_schedule_locked (self->link, 1 - self->side);
  }
  G_UNLOCK (p2p_fake);
  return TRUE;
}

static guint64
p2p_fake_connection_get_buffered_amount (P2pPeerConnection * conn)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (conn);
  guint64 amount = 0;

  if (self->link == NULL)
    return 0;
  G_LOCK (p2p_fake);
  amount = self->link->end[1 - self->side].inbox_bytes;
  G_UNLOCK (p2p_fake);
  return amount;
}

static void
p2p_fake_connection_shutdown (P2pPeerConnection * conn)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (conn);
  P2pFakeLink *link = self->link;
  P2pFakeEnd *end, *peer;

  p2p_context_queue_stop (self->queue);
  if (link == NULL)
    return;

  G_LOCK (p2p_fake);
  end = &link->end[self->side];
  peer = &link->end[1 - self->side];
  end->closed = TRUE;
  g_queue_clear_full (&end->inbox, (GDestroyNotify) g_bytes_unref);
  if (!link->answered && p2p_fake_offers != NULL)
    g_hash_table_remove (p2p_fake_offers, link->id);
  if (end->dead) {
    /* Whatever was on its way from the dead end never arrives. */
    g_queue_clear_full (&peer->inbox, (GDestroyNotify) g_bytes_unref);
  } else if (peer->queue != NULL && !peer->closed) {
    peer->remote_closed = TRUE;
    p2p_fake_end_schedule_locked (link, 1 - self->side);
  }
  G_UNLOCK (p2p_fake);

  self->link = NULL;
  p2p_fake_link_unref (link);
}

void
p2p_fake_transport_kill (P2pPeerConnection * conn)
{
  P2pFakeConnection *self;

  g_return_if_fail (P2P_IS_FAKE_CONNECTION (conn));
  self = P2P_FAKE_CONNECTION (conn);

  if (self->link != NULL) {
    G_LOCK (p2p_fake);
    self->link->end[self->side].dead = TRUE;
    G_UNLOCK (p2p_fake);
  }
  p2p_peer_connection_close (conn);
}

/* ---- GObject ----------------------------------------------------------- */

static void
p2p_fake_connection_constructed (GObject * object)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (object);
  P2pTransport *transport;

  G_OBJECT_CLASS (p2p_fake_connection_parent_class)->constructed (object);

  transport = p2p_peer_connection_get_transport (P2P_PEER_CONNECTION (self));
  self->queue = p2p_context_queue_new (p2p_transport_get_context (transport),
      object);
}

static void
p2p_fake_connection_finalize (GObject * object)
{
  P2pFakeConnection *self = P2P_FAKE_CONNECTION (object);

  g_clear_pointer (&self->queue, p2p_context_queue_unref);

  G_OBJECT_CLASS (p2p_fake_connection_parent_class)->finalize (object);
}

static void
p2p_fake_connection_class_init (P2pFakeConnectionClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  P2pPeerConnectionClass *conn_class = P2P_PEER_CONNECTION_CLASS (klass);

  object_class->constructed = p2p_fake_connection_constructed;
  object_class->finalize = p2p_fake_connection_finalize;

  conn_class->start_offer = p2p_fake_connection_start_offer;
  conn_class->start_answer = p2p_fake_connection_start_answer;
  conn_class->set_answer = p2p_fake_connection_set_answer;
  conn_class->send = p2p_fake_connection_send;
  conn_class->get_buffered_amount = p2p_fake_connection_get_buffered_amount;
  conn_class->shutdown = p2p_fake_connection_shutdown;
}

static void
p2p_fake_connection_init (P2pFakeConnection * self)
{
}

static P2pPeerConnection *
p2p_fake_transport_create_connection (P2pTransport * transport)
{
  return g_object_new (P2P_TYPE_FAKE_CONNECTION, "transport", transport,
      NULL);
}

static void
p2p_fake_transport_class_init (P2pFakeTransportClass * klass)
{
  P2P_TRANSPORT_CLASS (klass)->create_connection =
      p2p_fake_transport_create_connection;
}

static void
p2p_fake_transport_init (P2pFakeTransport * self)
{
}

P2pTransport *
p2p_fake_transport_new (GMainContext * context)
{
  return g_object_new (P2P_TYPE_FAKE_TRANSPORT, "context", context, NULL);
}
