/* gst-p2pcdn: P2pPeerConnection base class: state, timers, back-pressure.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything here runs on the transport's GMainContext; backends marshal
 * their own threads' events onto it before calling the backend_*()
 * functions, so this file needs no lock.
 */
#define G_LOG_DOMAIN "p2p-transport"

#include "p2p-peer-connection.h"

#include <string.h>

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_transport_log, "p2pcdn-transport", "peer connections and data channels")
#define GST_CAT_DEFAULT p2p_transport_log ()


#define P2P_LABEL_BYTES 20

G_DEFINE_ENUM_TYPE (P2pPeerConnectionState, p2p_peer_connection_state,
    G_DEFINE_ENUM_VALUE (P2P_PEER_CONNECTION_STATE_NEW, "new"),
    G_DEFINE_ENUM_VALUE (P2P_PEER_CONNECTION_STATE_GATHERING, "gathering"),
    G_DEFINE_ENUM_VALUE (P2P_PEER_CONNECTION_STATE_HAVE_OFFER, "have-offer"),
    G_DEFINE_ENUM_VALUE (P2P_PEER_CONNECTION_STATE_CONNECTING, "connecting"),
    G_DEFINE_ENUM_VALUE (P2P_PEER_CONNECTION_STATE_OPEN, "open"),
    G_DEFINE_ENUM_VALUE (P2P_PEER_CONNECTION_STATE_CLOSED, "closed"));

G_DEFINE_ENUM_TYPE (P2pCloseReason, p2p_close_reason,
    G_DEFINE_ENUM_VALUE (P2P_CLOSE_REASON_LOCAL, "local"),
    G_DEFINE_ENUM_VALUE (P2P_CLOSE_REASON_REMOTE, "remote"),
    G_DEFINE_ENUM_VALUE (P2P_CLOSE_REASON_OPEN_TIMEOUT, "open-timeout"),
    G_DEFINE_ENUM_VALUE (P2P_CLOSE_REASON_INACTIVE, "inactive"),
    G_DEFINE_ENUM_VALUE (P2P_CLOSE_REASON_FAILED, "failed"));

typedef struct
{
  P2pTransport *transport;
  GMainContext *context;
  P2pPeerConnectionState state;
  gboolean offerer;
  gchar *label;

  /* The one create_offer / accept_offer call in flight. */
  GTask *pending;
  GSource *cancel_source;

  GSource *open_timer;
  GSource *inactivity_timer;

  guint64 buffered_high;
  guint64 buffered_low;
  gsize max_message_size;
  /* send() reached the high mark; ::writable is owed. */
  gboolean blocked;

  gint64 started_at;
  gint64 opened_at;
  gint64 last_receive;
  /* Send progress, for the inactivity timer: bytes handed to send() and
   * how many of them had left the buffer at the previous check. */
  guint64 sent_total;
  guint64 drained_at_check;
  gint64 last_progress;
} P2pPeerConnectionPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (P2pPeerConnection, p2p_peer_connection,
    G_TYPE_OBJECT);

enum
{
  PROP_0,
  PROP_TRANSPORT,
  PROP_STATE,
  N_PROPS
};

enum
{
  SIGNAL_OPEN,
  SIGNAL_MESSAGE,
  SIGNAL_WRITABLE,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const gchar *
p2p_close_reason_to_string (P2pCloseReason reason)
{
  GEnumClass *klass = g_type_class_ref (P2P_TYPE_CLOSE_REASON);
  GEnumValue *value = g_enum_get_value (klass, reason);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

const gchar *
p2p_peer_connection_state_to_string (P2pPeerConnectionState s)
{
  GEnumClass *klass = g_type_class_ref (P2P_TYPE_PEER_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (klass, s);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

static void
p2p_peer_connection_set_state (P2pPeerConnection * self,
    P2pPeerConnectionState state)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  if (priv->state == state)
    return;
  GST_DEBUG ("connection %p: %s -> %s", self,
      p2p_peer_connection_state_to_string (priv->state),
      p2p_peer_connection_state_to_string (state));
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
p2p_clear_source (GSource ** source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

static GSource *
p2p_peer_connection_add_timeout (P2pPeerConnection * self, guint ms,
    GSourceFunc func)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  GSource *source = g_timeout_source_new (ms);

  /* The object owns the source and destroys it before it goes away, so a
   * plain pointer is safe here. */
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, priv->context);
  return source;
}

/* Moves to CLOSED and releases the backend; signals nothing. */
static void
p2p_peer_connection_shutdown (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  p2p_clear_source (&priv->open_timer);
  p2p_clear_source (&priv->inactivity_timer);
  p2p_clear_source (&priv->cancel_source);
  p2p_peer_connection_set_state (self, P2P_PEER_CONNECTION_STATE_CLOSED);
  P2P_PEER_CONNECTION_GET_CLASS (self)->shutdown (self);
}

/* Fails the pending call, if any, after shutting down.  Takes @error. */
static gboolean
p2p_peer_connection_fail_pending (P2pPeerConnection * self, GError * error)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  GTask *task = g_steal_pointer (&priv->pending);

  if (task == NULL) {
    g_error_free (error);
    return FALSE;
  }

  p2p_peer_connection_shutdown (self);
  g_task_return_error (task, error);
  g_object_unref (task);
  return TRUE;
}

static gboolean
p2p_peer_connection_on_cancelled (GCancellable * cancellable,
    gpointer user_data)
{
  P2pPeerConnection *self = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  g_object_ref (self);
  p2p_peer_connection_fail_pending (self, error);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
p2p_peer_connection_begin_pending (P2pPeerConnection * self, GTask * task,
    GCancellable * cancellable)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  priv->pending = task;
  priv->started_at = g_get_monotonic_time ();
  if (cancellable != NULL) {
    priv->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (priv->cancel_source,
        (GSourceFunc) (void (*)(void)) p2p_peer_connection_on_cancelled, self,
        NULL);
    g_source_attach (priv->cancel_source, priv->context);
  }
}

static gboolean
p2p_peer_connection_open_timeout_cb (gpointer user_data)
{
  P2pPeerConnection *self = user_data;
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&priv->open_timer, g_source_unref);
  error = g_error_new (P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_TIMEOUT,
      "Data channel did not open within %u ms",
      p2p_transport_get_open_timeout (priv->transport));
  p2p_peer_connection_backend_closed (self, P2P_CLOSE_REASON_OPEN_TIMEOUT,
      error);
  return G_SOURCE_REMOVE;
}

static void
p2p_peer_connection_start_open_timer (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  p2p_clear_source (&priv->open_timer);
  priv->open_timer = p2p_peer_connection_add_timeout (self,
      p2p_transport_get_open_timeout (priv->transport),
      p2p_peer_connection_open_timeout_cb);
}

/* Activity is a received message, or bytes leaving the send buffer (an
 * uploader may hear nothing from a healthy downloader for a while, but a
 * dead one stops draining it).  Drain is sampled at each check, so a dead
 * peer is detected within one to two timeouts.  The timer is re-armed to the
 * deadline instead of being reset per message: a busy connection costs no
 * timer work. */
static gboolean
p2p_peer_connection_inactivity_cb (gpointer user_data)
{
  P2pPeerConnection *self = user_data;
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  guint timeout_ms = p2p_transport_get_inactivity_timeout (priv->transport);
  gint64 now = g_get_monotonic_time ();
  guint64 drained = priv->sent_total -
      P2P_PEER_CONNECTION_GET_CLASS (self)->get_buffered_amount (self);
  gint64 deadline;

  if (drained > priv->drained_at_check) {
    priv->drained_at_check = drained;
    priv->last_progress = now;
  }
  deadline = MAX (priv->last_receive, priv->last_progress) +
      (gint64) timeout_ms * 1000;

  g_clear_pointer (&priv->inactivity_timer, g_source_unref);
  if (now < deadline) {
    priv->inactivity_timer = p2p_peer_connection_add_timeout (self,
        (guint) ((deadline - now + 999) / 1000),
        p2p_peer_connection_inactivity_cb);
  } else {
    g_autoptr (GError) error = g_error_new (P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_TIMEOUT,
        "Nothing received and nothing delivered for %u ms", timeout_ms);

    p2p_peer_connection_backend_closed (self, P2P_CLOSE_REASON_INACTIVE,
        error);
  }
  return G_SOURCE_REMOVE;
}

static gchar *
p2p_peer_connection_make_label (void)
{
  GString *label = g_string_sized_new (P2P_LABEL_BYTES * 2);
  guint i;

  for (i = 0; i < P2P_LABEL_BYTES; i++)
    g_string_append_printf (label, "%02x", g_random_int_range (0, 256));
  return g_string_free (label, FALSE);
}

static gboolean
p2p_peer_connection_check_sdp (const gchar * sdp, GError ** error)
{
  if (sdp == NULL || *sdp == '\0') {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
        "Empty session description");
    return FALSE;
  }
  if (strnlen (sdp, P2P_TRANSPORT_MAX_SDP_SIZE + 1) >
      P2P_TRANSPORT_MAX_SDP_SIZE) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_INVALID_SDP,
        "Session description larger than %u bytes",
        P2P_TRANSPORT_MAX_SDP_SIZE);
    return FALSE;
  }
  return TRUE;
}

void
p2p_peer_connection_create_offer_async (P2pPeerConnection * self,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  GTask *task;

  g_return_if_fail (P2P_IS_PEER_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, p2p_peer_connection_create_offer_async);
  if (priv->state != P2P_PEER_CONNECTION_STATE_NEW) {
    g_task_return_new_error (task, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_STATE,
        "Cannot create an offer in state %s",
        p2p_peer_connection_state_to_string (priv->state));
    g_object_unref (task);
    return;
  }

  priv->offerer = TRUE;
  priv->label = p2p_peer_connection_make_label ();
  p2p_peer_connection_begin_pending (self, task, cancellable);
  p2p_peer_connection_set_state (self, P2P_PEER_CONNECTION_STATE_GATHERING);
  P2P_PEER_CONNECTION_GET_CLASS (self)->start_offer (self, priv->label);
}

gchar *
p2p_peer_connection_create_offer_finish (P2pPeerConnection * self,
    GAsyncResult * result, GError ** error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
p2p_peer_connection_accept_offer_async (P2pPeerConnection * self,
    const gchar * sdp, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (P2P_IS_PEER_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, p2p_peer_connection_accept_offer_async);
  if (priv->state != P2P_PEER_CONNECTION_STATE_NEW) {
    g_task_return_new_error (task, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_STATE,
        "Cannot accept an offer in state %s",
        p2p_peer_connection_state_to_string (priv->state));
    g_object_unref (task);
    return;
  }

  priv->offerer = FALSE;
  p2p_peer_connection_begin_pending (self, task, cancellable);
  p2p_peer_connection_set_state (self, P2P_PEER_CONNECTION_STATE_GATHERING);
  if (!p2p_peer_connection_check_sdp (sdp, &error) ||
      !P2P_PEER_CONNECTION_GET_CLASS (self)->start_answer (self, sdp, &error)) {
    p2p_peer_connection_fail_pending (self, error);
    return;
  }
  /* The remote counts its 15 s from about now, so do we. */
  p2p_peer_connection_start_open_timer (self);
}

gchar *
p2p_peer_connection_accept_offer_finish (P2pPeerConnection * self,
    GAsyncResult * result, GError ** error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
p2p_peer_connection_set_answer (P2pPeerConnection * self, const gchar * sdp,
    GError ** error)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), FALSE);

  if (priv->state != P2P_PEER_CONNECTION_STATE_HAVE_OFFER) {
    g_set_error (error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_STATE, "Cannot set an answer in state %s",
        p2p_peer_connection_state_to_string (priv->state));
    return FALSE;
  }
  if (!p2p_peer_connection_check_sdp (sdp, error) ||
      !P2P_PEER_CONNECTION_GET_CLASS (self)->set_answer (self, sdp, error))
    return FALSE;

  p2p_peer_connection_set_state (self, P2P_PEER_CONNECTION_STATE_CONNECTING);
  p2p_peer_connection_start_open_timer (self);
  return TRUE;
}

gboolean
p2p_peer_connection_send (P2pPeerConnection * self, GBytes * message,
    GError ** error)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  P2pPeerConnectionClass *klass;
  gsize size;

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  klass = P2P_PEER_CONNECTION_GET_CLASS (self);
  if (priv->state != P2P_PEER_CONNECTION_STATE_OPEN) {
    g_set_error (error, P2P_TRANSPORT_ERROR,
        priv->state == P2P_PEER_CONNECTION_STATE_CLOSED ?
        P2P_TRANSPORT_ERROR_CLOSED : P2P_TRANSPORT_ERROR_INVALID_STATE,
        "Cannot send in state %s",
        p2p_peer_connection_state_to_string (priv->state));
    return FALSE;
  }
  size = g_bytes_get_size (message);
  if (size == 0 || size > priv->max_message_size) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_MESSAGE_SIZE,
        "Message of %" G_GSIZE_FORMAT " bytes (allowed 1 to %" G_GSIZE_FORMAT
        ")", size, priv->max_message_size);
    return FALSE;
  }
  if (klass->get_buffered_amount (self) >= priv->buffered_high) {
    priv->blocked = TRUE;
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_WOULD_BLOCK,
        "Send buffer full (%" G_GUINT64_FORMAT " bytes), wait for ::writable",
        priv->buffered_high);
    return FALSE;
  }
  if (!klass->send (self, message, error))
    return FALSE;
  priv->sent_total += size;
  if (klass->get_buffered_amount (self) >= priv->buffered_high)
    priv->blocked = TRUE;
  return TRUE;
}

guint64
p2p_peer_connection_get_buffered_amount (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), 0);
  if (priv->state == P2P_PEER_CONNECTION_STATE_CLOSED)
    return 0;
  return P2P_PEER_CONNECTION_GET_CLASS (self)->get_buffered_amount (self);
}

gboolean
p2p_peer_connection_is_writable (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), FALSE);
  return priv->state == P2P_PEER_CONNECTION_STATE_OPEN &&
      P2P_PEER_CONNECTION_GET_CLASS (self)->get_buffered_amount (self) <
      priv->buffered_high;
}

gsize
p2p_peer_connection_get_max_message_size (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), 0);
  return priv->max_message_size;
}

gint64
p2p_peer_connection_get_last_receive_time (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), 0);
  return priv->last_receive;
}

gint64
p2p_peer_connection_get_setup_time (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), -1);
  if (priv->opened_at == 0)
    return -1;
  return priv->opened_at - priv->started_at;
}

void
p2p_peer_connection_close (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_if_fail (P2P_IS_PEER_CONNECTION (self));

  if (priv->state == P2P_PEER_CONNECTION_STATE_CLOSED)
    return;
  g_object_ref (self);
  if (!p2p_peer_connection_fail_pending (self,
          g_error_new_literal (P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_CLOSED,
              "Connection closed locally")))
    p2p_peer_connection_shutdown (self);
  g_object_unref (self);
}

P2pTransport *
p2p_peer_connection_get_transport (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), NULL);
  return priv->transport;
}

P2pPeerConnectionState
p2p_peer_connection_get_state (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self),
      P2P_PEER_CONNECTION_STATE_CLOSED);
  return priv->state;
}

gboolean
p2p_peer_connection_is_offerer (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), FALSE);
  return priv->offerer;
}

const gchar *
p2p_peer_connection_get_label (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_PEER_CONNECTION (self), NULL);
  return priv->label;
}

void
p2p_peer_connection_backend_description_ready (P2pPeerConnection * self,
    const gchar * sdp, const GError * error)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  GTask *task;

  if (priv->pending == NULL)
    return;

  g_object_ref (self);
  if (error != NULL) {
    p2p_peer_connection_fail_pending (self, g_error_copy (error));
  } else {
    task = g_steal_pointer (&priv->pending);
    p2p_clear_source (&priv->cancel_source);
    p2p_peer_connection_set_state (self, priv->offerer ?
        P2P_PEER_CONNECTION_STATE_HAVE_OFFER :
        P2P_PEER_CONNECTION_STATE_CONNECTING);
    g_task_return_pointer (task, g_strdup (sdp), g_free);
    g_object_unref (task);
  }
  g_object_unref (self);
}

void
p2p_peer_connection_backend_opened (P2pPeerConnection * self,
    const gchar * label, gsize remote_max_message_size)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  guint inactivity = p2p_transport_get_inactivity_timeout (priv->transport);

  if (priv->state != P2P_PEER_CONNECTION_STATE_CONNECTING)
    return;

  if (!priv->offerer && label != NULL) {
    g_free (priv->label);
    priv->label = g_strdup (label);
  }
  if (remote_max_message_size > 0)
    priv->max_message_size = MIN (priv->max_message_size,
        remote_max_message_size);
  p2p_clear_source (&priv->open_timer);
  priv->opened_at = priv->last_receive = priv->last_progress =
      g_get_monotonic_time ();
  if (inactivity > 0)
    priv->inactivity_timer = p2p_peer_connection_add_timeout (self,
        inactivity, p2p_peer_connection_inactivity_cb);

  g_object_ref (self);
  p2p_peer_connection_set_state (self, P2P_PEER_CONNECTION_STATE_OPEN);
  g_signal_emit (self, signals[SIGNAL_OPEN], 0);
  g_object_unref (self);
}

void
p2p_peer_connection_backend_received (P2pPeerConnection * self,
    GBytes * message)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  if (priv->state != P2P_PEER_CONNECTION_STATE_OPEN)
    return;
  priv->last_receive = g_get_monotonic_time ();
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);
  g_object_unref (self);
}

void
p2p_peer_connection_backend_buffered_low (P2pPeerConnection * self)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  if (priv->state != P2P_PEER_CONNECTION_STATE_OPEN || !priv->blocked)
    return;
  if (P2P_PEER_CONNECTION_GET_CLASS (self)->get_buffered_amount (self) >
      priv->buffered_low)
    return;
  priv->blocked = FALSE;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_WRITABLE], 0);
  g_object_unref (self);
}

void
p2p_peer_connection_backend_closed (P2pPeerConnection * self,
    P2pCloseReason reason, const GError * error)
{
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);
  g_autoptr (GError) copy = NULL;

  if (priv->state == P2P_PEER_CONNECTION_STATE_CLOSED)
    return;

  if (error != NULL)
    copy = g_error_copy (error);
  else
    copy = g_error_new (P2P_TRANSPORT_ERROR, reason == P2P_CLOSE_REASON_REMOTE
        ? P2P_TRANSPORT_ERROR_CLOSED : P2P_TRANSPORT_ERROR_FAILED,
        "Connection closed (%s)", p2p_close_reason_to_string (reason));

  g_object_ref (self);
  if (!p2p_peer_connection_fail_pending (self, g_error_copy (copy))) {
    GST_DEBUG ("connection %p closed: %s", self, copy->message);
    p2p_peer_connection_shutdown (self);
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0, reason, copy);
  }
  g_object_unref (self);
}

static void
p2p_peer_connection_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  P2pPeerConnection *self = P2P_PEER_CONNECTION (object);
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  switch (prop_id) {
    case PROP_TRANSPORT:
      priv->transport = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_peer_connection_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  P2pPeerConnection *self = P2P_PEER_CONNECTION (object);
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  switch (prop_id) {
    case PROP_TRANSPORT:
      g_value_set_object (value, priv->transport);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_peer_connection_constructed (GObject * object)
{
  P2pPeerConnection *self = P2P_PEER_CONNECTION (object);
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  G_OBJECT_CLASS (p2p_peer_connection_parent_class)->constructed (object);

  g_assert (priv->transport != NULL);
  priv->context = g_main_context_ref (p2p_transport_get_context
      (priv->transport));
  priv->buffered_high = p2p_transport_get_buffered_high (priv->transport);
  priv->buffered_low = p2p_transport_get_buffered_low (priv->transport);
  priv->max_message_size =
      p2p_transport_get_max_message_size (priv->transport);
}

static void
p2p_peer_connection_dispose (GObject * object)
{
  P2pPeerConnection *self = P2P_PEER_CONNECTION (object);

  p2p_peer_connection_close (self);

  G_OBJECT_CLASS (p2p_peer_connection_parent_class)->dispose (object);
}

static void
p2p_peer_connection_finalize (GObject * object)
{
  P2pPeerConnection *self = P2P_PEER_CONNECTION (object);
  P2pPeerConnectionPrivate *priv =
      p2p_peer_connection_get_instance_private (self);

  g_free (priv->label);
  g_clear_object (&priv->transport);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (p2p_peer_connection_parent_class)->finalize (object);
}

static void
p2p_peer_connection_class_init (P2pPeerConnectionClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = p2p_peer_connection_set_property;
  object_class->get_property = p2p_peer_connection_get_property;
  object_class->constructed = p2p_peer_connection_constructed;
  object_class->dispose = p2p_peer_connection_dispose;
  object_class->finalize = p2p_peer_connection_finalize;

  properties[PROP_TRANSPORT] = g_param_spec_object ("transport", "Transport",
      "The transport that created this connection", P2P_TYPE_TRANSPORT,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_enum ("state", "State",
      "Connection state", P2P_TYPE_PEER_CONNECTION_STATE,
      P2P_PEER_CONNECTION_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_WRITABLE] = g_signal_new ("writable",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      P2P_TYPE_CLOSE_REASON, G_TYPE_ERROR);
}

static void
p2p_peer_connection_init (P2pPeerConnection * self)
{
}
