/* gst-p2pcdn: one WebRTC peer connection: a webrtcbin and its data channel.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: webrtcbin emits its signals, notifies and promise
 * replies on its own threads (the "webrtcbin:pc" task thread, sctpdec's
 * and appsrc's streaming threads).  Those handlers touch nothing of the
 * connection: they copy what they got into an event and push it onto the
 * connection's P2pContextQueue, which runs it on the transport's context,
 * in order, while the connection is alive and not shut down.  All fields
 * below are therefore only used on the transport's context.  The handlers'
 * user data is the queue itself (referenced by each signal connection), so
 * a handler racing with shutdown pushes into a stopped queue and nothing
 * happens.  The only other thread-crossing call is
 * p2p_webrtc_connection_route_bus_error(), which also just pushes.
 */
#include "p2p-webrtc-connection.h"
#include "p2p-webrtc-sdp.h"
#include "p2p-context-queue.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (p2p_webrtc_connection_debug);
#define GST_CAT_DEFAULT p2p_webrtc_connection_debug

struct _P2pWebrtcConnection
{
  P2pPeerConnection parent;

  GstElement *webrtcbin;
  GstWebRTCDataChannel *channel;
  P2pContextQueue *queue;

  /* Local candidates as on-ice-candidate reported them (relay-only: the
   * relayed ones alone). */
  GPtrArray *candidates;
  gboolean relay_only;
  /* Our references on the promises handed to webrtcbin: see shutdown. */
  GPtrArray *promises;
  GSource *gather_timer;
  gboolean answering;
  gboolean local_set;
  gboolean gathering_done;
  gboolean description_sent;
  guint64 remote_max_message_size;
};

G_DEFINE_FINAL_TYPE_WITH_CODE (P2pWebrtcConnection, p2p_webrtc_connection,
    P2P_TYPE_PEER_CONNECTION,
    GST_DEBUG_CATEGORY_INIT (p2p_webrtc_connection_debug, "p2pcdn-webrtc", 0,
        "gst-p2pcdn WebRTC peer connection"));

static GQuark p2p_webrtc_queue_quark;

typedef enum
{
  P2P_WEBRTC_STEP_OFFER_CREATED,
  P2P_WEBRTC_STEP_ANSWER_CREATED,
  P2P_WEBRTC_STEP_LOCAL_SET,
  P2P_WEBRTC_STEP_REMOTE_SET,
} P2pWebrtcStep;

typedef struct
{
  GstWebRTCDataChannel *channel;
  GBytes *bytes;
  GError *error;
  GstStructure *reply;
  gchar *text;
  guint value;
} P2pWebrtcEvent;

typedef struct
{
  P2pContextQueue *queue;
  P2pWebrtcStep step;
} P2pWebrtcPromiseData;

static void
p2p_webrtc_event_free (gpointer data)
{
  P2pWebrtcEvent *event = data;

  g_clear_object (&event->channel);
  g_clear_pointer (&event->bytes, g_bytes_unref);
  g_clear_error (&event->error);
  g_clear_pointer (&event->reply, gst_structure_free);
  g_free (event->text);
  g_free (event);
}

static P2pWebrtcEvent *
p2p_webrtc_event_new (GstWebRTCDataChannel * channel)
{
  P2pWebrtcEvent *event = g_new0 (P2pWebrtcEvent, 1);

  if (channel != NULL)
    event->channel = g_object_ref (channel);
  return event;
}

static void
p2p_webrtc_push (P2pContextQueue * queue, P2pContextQueueFunc func,
    P2pWebrtcEvent * event)
{
  p2p_context_queue_push (queue, func, event, p2p_webrtc_event_free);
}

/* ---- on the transport's context ---------------------------------------- */

static void
p2p_webrtc_connection_fail (P2pWebrtcConnection * self, gint code,
    const gchar * what, const GError * cause)
{
  g_autoptr (GError) error = g_error_new (P2P_TRANSPORT_ERROR, code, "%s%s%s",
      what, cause ? ": " : "", cause ? cause->message : "");

  /* the cause may name peer addresses: DEBUG only */
  GST_INFO_OBJECT (self->webrtcbin, "failing: %s", what);
  GST_DEBUG_OBJECT (self->webrtcbin, "failing: %s", error->message);
  p2p_peer_connection_backend_closed (P2P_PEER_CONNECTION (self),
      P2P_CLOSE_REASON_FAILED, error);
}

static void
p2p_webrtc_connection_maybe_finish_description (P2pWebrtcConnection * self)
{
  GstWebRTCSessionDescription *desc = NULL;
  g_autoptr (GstSDPMessage) msg = NULL;
  g_autofree gchar *text = NULL;

  if (self->description_sent || !self->local_set ||
      (!self->gathering_done && self->gather_timer != NULL))
    return;

  g_object_get (self->webrtcbin, "local-description", &desc, NULL);
  if (desc == NULL) {
    p2p_webrtc_connection_fail (self, P2P_TRANSPORT_ERROR_FAILED,
        "webrtcbin has no local description", NULL);
    return;
  }
  gst_sdp_message_copy (desc->sdp, &msg);
  gst_webrtc_session_description_free (desc);

  p2p_webrtc_sdp_add_candidates (msg, 0, self->candidates);
  /* the second guard of relay-only: whatever webrtcbin put in its own
   * description, only the TURN server's addresses leave the process */
  if (self->relay_only) {
    guint removed = p2p_webrtc_sdp_keep_relay_candidates (msg);

    if (removed > 0)
      GST_DEBUG_OBJECT (self->webrtcbin, "relay only: %u other candidates "
          "kept out of the description", removed);
  }
  if (p2p_webrtc_sdp_count_candidates (msg, 0) == 0) {
    p2p_webrtc_connection_fail (self, P2P_TRANSPORT_ERROR_FAILED,
        "No ICE candidate was gathered", NULL);
    return;
  }

  self->description_sent = TRUE;
  if (self->gather_timer != NULL) {
    g_source_destroy (self->gather_timer);
    g_clear_pointer (&self->gather_timer, g_source_unref);
  }
  text = gst_sdp_message_as_text (msg);
  GST_DEBUG_OBJECT (self->webrtcbin, "local description:\n%s", text);
  p2p_peer_connection_backend_description_ready (P2P_PEER_CONNECTION (self),
      text, NULL);
}

static gboolean
p2p_webrtc_connection_gather_timeout_cb (gpointer user_data)
{
  P2pWebrtcConnection *self = user_data;

  GST_INFO_OBJECT (self->webrtcbin, "ICE gathering not complete in time, "
      "sending %u candidates", self->candidates->len);
  g_clear_pointer (&self->gather_timer, g_source_unref);
  p2p_webrtc_connection_maybe_finish_description (self);
  return G_SOURCE_REMOVE;
}

static void p2p_webrtc_connection_request (P2pWebrtcConnection * self,
    const gchar * action, gpointer arg, P2pWebrtcStep step);

static void
p2p_webrtc_connection_set_local (P2pWebrtcConnection * self,
    const GstStructure * reply, const gchar * field)
{
  P2pTransport *transport =
      p2p_peer_connection_get_transport (P2P_PEER_CONNECTION (self));
  GstWebRTCSessionDescription *desc = NULL;

  if (reply == NULL || !gst_structure_get (reply, field,
          GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL)) {
    p2p_webrtc_connection_fail (self, P2P_TRANSPORT_ERROR_FAILED,
        "webrtcbin produced no local description", NULL);
    return;
  }
  p2p_webrtc_connection_request (self, "set-local-description", desc,
      P2P_WEBRTC_STEP_LOCAL_SET);
  gst_webrtc_session_description_free (desc);

  /* Gathering starts with the local description; cap it as browsers do. */
  self->gather_timer =
      g_timeout_source_new (p2p_transport_get_gathering_timeout (transport));
  g_source_set_callback (self->gather_timer,
      p2p_webrtc_connection_gather_timeout_cb, self, NULL);
  g_source_attach (self->gather_timer, p2p_transport_get_context (transport));
}

static void
p2p_webrtc_connection_on_promise_event (GObject * target, gpointer data)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (target);
  P2pWebrtcEvent *event = data;
  g_autoptr (GError) error = NULL;

  if (event->error != NULL)
    error = g_error_copy (event->error);
  else if (event->reply != NULL && gst_structure_has_field (event->reply,
          "error"))
    gst_structure_get (event->reply, "error", G_TYPE_ERROR, &error, NULL);
  if (error != NULL) {
    p2p_webrtc_connection_fail (self,
        event->value == P2P_WEBRTC_STEP_REMOTE_SET ?
        P2P_TRANSPORT_ERROR_INVALID_SDP : P2P_TRANSPORT_ERROR_FAILED,
        event->value == P2P_WEBRTC_STEP_REMOTE_SET ?
        "webrtcbin refused the remote description" :
        "webrtcbin negotiation failed", error);
    return;
  }

  switch (event->value) {
    case P2P_WEBRTC_STEP_OFFER_CREATED:
      p2p_webrtc_connection_set_local (self, event->reply, "offer");
      break;
    case P2P_WEBRTC_STEP_ANSWER_CREATED:
      p2p_webrtc_connection_set_local (self, event->reply, "answer");
      break;
    case P2P_WEBRTC_STEP_LOCAL_SET:
      self->local_set = TRUE;
      p2p_webrtc_connection_maybe_finish_description (self);
      break;
    case P2P_WEBRTC_STEP_REMOTE_SET:
      if (self->answering)
        p2p_webrtc_connection_request (self, "create-answer", NULL,
            P2P_WEBRTC_STEP_ANSWER_CREATED);
      break;
  }
}

static void
p2p_webrtc_connection_on_gathering_event (GObject * target, gpointer data)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (target);
  P2pWebrtcEvent *event = data;

  if (event->value == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) {
    self->gathering_done = TRUE;
    p2p_webrtc_connection_maybe_finish_description (self);
  }
}

static void
p2p_webrtc_connection_on_candidate_event (GObject * target, gpointer data)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (target);
  P2pWebrtcEvent *event = data;

  if (self->relay_only && !p2p_webrtc_sdp_candidate_is_relay (event->text)) {
    GST_DEBUG_OBJECT (self->webrtcbin, "relay only: candidate %s not used",
        event->text);
    return;
  }
  if (self->relay_only)
    g_ptr_array_add (self->candidates,
        p2p_webrtc_sdp_scrub_related_address (event->text));
  else
    g_ptr_array_add (self->candidates, g_steal_pointer (&event->text));
}

static void
p2p_webrtc_connection_on_state_event (GObject * target, gpointer data)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (target);
  P2pWebrtcEvent *event = data;

  GST_DEBUG_OBJECT (self->webrtcbin, "connection-state %u", event->value);
  /* transport.md: ice-connection-state never notified, connection-state
   * does; a closed one is the remote ending the DTLS session. */
  if (event->value == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED)
    p2p_webrtc_connection_fail (self, P2P_TRANSPORT_ERROR_FAILED,
        "ICE or DTLS connection failed", NULL);
  else if (event->value == GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED)
    p2p_peer_connection_backend_closed (P2P_PEER_CONNECTION (self),
        P2P_CLOSE_REASON_REMOTE, NULL);
}

static void
p2p_webrtc_connection_opened (P2pWebrtcConnection * self)
{
  g_autofree gchar *label = NULL;
  GstWebRTCSCTPTransport *sctp = NULL;
  guint64 max_size = 0;

  g_object_get (self->channel, "label", &label, NULL);
  g_object_get (self->webrtcbin, "sctp-transport", &sctp, NULL);
  if (sctp != NULL) {
    g_object_get (sctp, "max-message-size", &max_size, NULL);
    gst_object_unref (sctp);
  }
  if (self->remote_max_message_size > 0)
    max_size = max_size > 0 ? MIN (max_size, self->remote_max_message_size)
        : self->remote_max_message_size;
  GST_INFO_OBJECT (self->webrtcbin, "channel '%s' open, max message size %"
      G_GUINT64_FORMAT, label, max_size);
  p2p_peer_connection_backend_opened (P2P_PEER_CONNECTION (self), label,
      (gsize) MIN (max_size, G_MAXSIZE));
}

static void p2p_webrtc_connection_connect_channel (P2pContextQueue * queue,
    GstWebRTCDataChannel * channel);

static void
p2p_webrtc_connection_on_data_channel_event (GObject * target, gpointer data)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (target);
  P2pWebrtcEvent *event = data;
  GstWebRTCDataChannelState state;

  if (self->channel != NULL) {
    GST_INFO_OBJECT (self->webrtcbin, "ignoring an extra data channel");
    g_signal_handlers_disconnect_by_data (event->channel, self->queue);
    gst_webrtc_data_channel_close (event->channel);
    return;
  }
  self->channel = g_object_ref (event->channel);
  g_object_set (self->channel, "buffered-amount-low-threshold",
      p2p_transport_get_buffered_low (p2p_peer_connection_get_transport
          (P2P_PEER_CONNECTION (self))), NULL);
  g_object_get (self->channel, "ready-state", &state, NULL);
  if (state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    p2p_webrtc_connection_opened (self);
}

static void
p2p_webrtc_connection_on_channel_event (GObject * target, gpointer data)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (target);
  P2pPeerConnection *conn = P2P_PEER_CONNECTION (target);
  P2pWebrtcEvent *event = data;

  if (event->channel != self->channel)
    return;
  if (event->bytes != NULL)
    p2p_peer_connection_backend_received (conn, event->bytes);
  else if (event->error != NULL)
    p2p_webrtc_connection_fail (self, P2P_TRANSPORT_ERROR_FAILED,
        "Data channel error", event->error);
  else if (g_strcmp0 (event->text, "open") == 0)
    p2p_webrtc_connection_opened (self);
  else if (g_strcmp0 (event->text, "close") == 0)
    p2p_peer_connection_backend_closed (conn, P2P_CLOSE_REASON_REMOTE, NULL);
  else if (g_strcmp0 (event->text, "low") == 0)
    p2p_peer_connection_backend_buffered_low (conn);
}

static void
p2p_webrtc_connection_on_bus_error_event (GObject * target, gpointer data)
{
  P2pWebrtcEvent *event = data;

  p2p_webrtc_connection_fail (P2P_WEBRTC_CONNECTION (target),
      P2P_TRANSPORT_ERROR_FAILED, event->text, event->error);
}

/* ---- on GStreamer's threads: copy and push, nothing else --------------- */

static void
p2p_webrtc_on_promise (GstPromise * promise, gpointer user_data)
{
  P2pWebrtcPromiseData *pd = user_data;
  P2pWebrtcEvent *event = p2p_webrtc_event_new (NULL);

  event->value = pd->step;
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED) {
    const GstStructure *reply = gst_promise_get_reply (promise);

    if (reply != NULL)
      event->reply = gst_structure_copy (reply);
  } else {
    event->error = g_error_new_literal (P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_FAILED, "webrtcbin dropped the request");
  }
  p2p_webrtc_push (pd->queue, p2p_webrtc_connection_on_promise_event, event);
}

static void
p2p_webrtc_promise_data_free (gpointer data)
{
  P2pWebrtcPromiseData *pd = data;

  p2p_context_queue_unref (pd->queue);
  g_free (pd);
}

/* Emits a webrtcbin action taking (@arg, promise); the reply comes back as
 * a P2P_WEBRTC_STEP event.  webrtcbin keeps its own reference on the
 * promise until it replied. */
static void
p2p_webrtc_connection_request (P2pWebrtcConnection * self,
    const gchar * action, gpointer arg, P2pWebrtcStep step)
{
  P2pWebrtcPromiseData *pd = g_new0 (P2pWebrtcPromiseData, 1);
  GstPromise *promise;

  pd->queue = p2p_context_queue_ref (self->queue);
  pd->step = step;
  promise = gst_promise_new_with_change_func (p2p_webrtc_on_promise, pd,
      p2p_webrtc_promise_data_free);
  g_ptr_array_add (self->promises, gst_promise_ref (promise));
  g_signal_emit_by_name (self->webrtcbin, action, arg, promise);
  gst_promise_unref (promise);
}

static void
p2p_webrtc_on_gathering_state (GstElement * webrtcbin, GParamSpec * pspec,
    P2pContextQueue * queue)
{
  P2pWebrtcEvent *event = p2p_webrtc_event_new (NULL);
  GstWebRTCICEGatheringState state;

  g_object_get (webrtcbin, "ice-gathering-state", &state, NULL);
  event->value = state;
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_gathering_event, event);
}

static void
p2p_webrtc_on_connection_state (GstElement * webrtcbin, GParamSpec * pspec,
    P2pContextQueue * queue)
{
  P2pWebrtcEvent *event = p2p_webrtc_event_new (NULL);
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtcbin, "connection-state", &state, NULL);
  event->value = state;
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_state_event, event);
}

static void
p2p_webrtc_on_ice_candidate (GstElement * webrtcbin, guint mline,
    const gchar * candidate, P2pContextQueue * queue)
{
  P2pWebrtcEvent *event = p2p_webrtc_event_new (NULL);

  event->text = g_strdup (candidate);
  event->value = mline;
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_candidate_event, event);
}

static void
p2p_webrtc_on_data_channel (GstElement * webrtcbin,
    GstWebRTCDataChannel * channel, P2pContextQueue * queue)
{
  /* Connected here, not once the event reached our context: the remote may
   * send right after its open, and those messages must not be lost. */
  p2p_webrtc_connection_connect_channel (queue, channel);
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_data_channel_event,
      p2p_webrtc_event_new (channel));
}

static void
p2p_webrtc_push_channel_event (P2pContextQueue * queue,
    GstWebRTCDataChannel * channel, const gchar * what)
{
  P2pWebrtcEvent *event = p2p_webrtc_event_new (channel);

  event->text = g_strdup (what);
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_channel_event, event);
}

static void
p2p_webrtc_on_channel_open (GstWebRTCDataChannel * channel,
    P2pContextQueue * queue)
{
  p2p_webrtc_push_channel_event (queue, channel, "open");
}

static void
p2p_webrtc_on_channel_close (GstWebRTCDataChannel * channel,
    P2pContextQueue * queue)
{
  p2p_webrtc_push_channel_event (queue, channel, "close");
}

static void
p2p_webrtc_on_channel_low (GstWebRTCDataChannel * channel,
    P2pContextQueue * queue)
{
  p2p_webrtc_push_channel_event (queue, channel, "low");
}

static void
p2p_webrtc_on_channel_error (GstWebRTCDataChannel * channel, GError * error,
    P2pContextQueue * queue)
{
  P2pWebrtcEvent *event = p2p_webrtc_event_new (channel);

  event->error = error ? g_error_copy (error) : g_error_new_literal
      (P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_FAILED, "unknown error");
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_channel_event, event);
}

static void
p2p_webrtc_on_message_data (GstWebRTCDataChannel * channel, GBytes * data,
    P2pContextQueue * queue)
{
  P2pWebrtcEvent *event;

  /* An empty message carries nothing the peer protocol could use. */
  if (data == NULL || g_bytes_get_size (data) == 0)
    return;
  event = p2p_webrtc_event_new (channel);
  event->bytes = g_bytes_ref (data);
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_channel_event, event);
}

static void
p2p_webrtc_on_message_string (GstWebRTCDataChannel * channel,
    const gchar * str, P2pContextQueue * queue)
{
  P2pWebrtcEvent *event;

  if (str == NULL || *str == '\0')
    return;
  /* Our peers speak binary; a text message is passed on as its UTF-8 bytes
   * and the protocol layer decides. */
  event = p2p_webrtc_event_new (channel);
  event->bytes = g_bytes_new (str, strlen (str));
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_channel_event, event);
}

static void
p2p_webrtc_connect (gpointer instance, const gchar * signal, GCallback cb,
    P2pContextQueue * queue)
{
  g_signal_connect_data (instance, signal, cb, p2p_context_queue_ref (queue),
      (GClosureNotify) (void (*)(void)) p2p_context_queue_unref, 0);
}

static void
p2p_webrtc_connection_connect_channel (P2pContextQueue * queue,
    GstWebRTCDataChannel * channel)
{
  p2p_webrtc_connect (channel, "on-open",
      G_CALLBACK (p2p_webrtc_on_channel_open), queue);
  p2p_webrtc_connect (channel, "on-close",
      G_CALLBACK (p2p_webrtc_on_channel_close), queue);
  p2p_webrtc_connect (channel, "on-error",
      G_CALLBACK (p2p_webrtc_on_channel_error), queue);
  p2p_webrtc_connect (channel, "on-message-data",
      G_CALLBACK (p2p_webrtc_on_message_data), queue);
  p2p_webrtc_connect (channel, "on-message-string",
      G_CALLBACK (p2p_webrtc_on_message_string), queue);
  p2p_webrtc_connect (channel, "on-buffered-amount-low",
      G_CALLBACK (p2p_webrtc_on_channel_low), queue);
}

gboolean
p2p_webrtc_connection_route_bus_error (GstMessage * message)
{
  GstObject *object = GST_MESSAGE_SRC (message);
  P2pContextQueue *queue = NULL;
  P2pWebrtcEvent *event;
  gchar *debug = NULL;

  if (object == NULL)
    return FALSE;
  gst_object_ref (object);
  while (object != NULL) {
    GstObject *parent;

    queue = g_object_get_qdata (G_OBJECT (object), p2p_webrtc_queue_quark);
    if (queue != NULL) {
      p2p_context_queue_ref (queue);
      gst_object_unref (object);
      break;
    }
    parent = gst_object_get_parent (object);
    gst_object_unref (object);
    object = parent;
  }
  if (queue == NULL)
    return FALSE;

  event = p2p_webrtc_event_new (NULL);
  gst_message_parse_error (message, &event->error, &debug);
  event->text = g_strdup_printf ("Error from %s",
      GST_MESSAGE_SRC_NAME (message));
  /* libnice's and the DTLS elements' texts name peer addresses */
  GST_DEBUG ("%s: %s (%s)", event->text, event->error->message,
      GST_STR_NULL (debug));
  g_free (debug);
  p2p_webrtc_push (queue, p2p_webrtc_connection_on_bus_error_event, event);
  p2p_context_queue_unref (queue);
  return TRUE;
}

/* ---- P2pPeerConnection vfuncs ------------------------------------------ */

static void
p2p_webrtc_connection_start_offer (P2pPeerConnection * conn,
    const gchar * label)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (conn);
  GstStructure *options;

  /* What a browser's simple-peer creates (protocols.md, section 2). */
  options = gst_structure_new ("options", "ordered", G_TYPE_BOOLEAN, TRUE,
      "protocol", G_TYPE_STRING, "", "negotiated", G_TYPE_BOOLEAN, FALSE,
      NULL);
  g_signal_emit_by_name (self->webrtcbin, "create-data-channel", label,
      options, &self->channel);
  gst_structure_free (options);
  if (self->channel == NULL) {
    p2p_webrtc_connection_fail (self, P2P_TRANSPORT_ERROR_FAILED,
        "webrtcbin did not create a data channel", NULL);
    return;
  }
  g_object_set (self->channel, "buffered-amount-low-threshold",
      p2p_transport_get_buffered_low (p2p_peer_connection_get_transport
          (conn)), NULL);
  p2p_webrtc_connection_connect_channel (self->queue, self->channel);

  p2p_webrtc_connection_request (self, "create-offer", NULL,
      P2P_WEBRTC_STEP_OFFER_CREATED);
}

static gboolean
p2p_webrtc_connection_set_remote (P2pWebrtcConnection * self,
    GstWebRTCSDPType type, const gchar * sdp, GError ** error)
{
  GstSDPMessage *msg;
  GstWebRTCSessionDescription *desc;

  msg = p2p_webrtc_sdp_parse (sdp, error);
  if (msg == NULL)
    return FALSE;
  self->remote_max_message_size = p2p_webrtc_sdp_get_max_message_size (msg);
  desc = gst_webrtc_session_description_new (type, msg);
  p2p_webrtc_connection_request (self, "set-remote-description", desc,
      P2P_WEBRTC_STEP_REMOTE_SET);
  gst_webrtc_session_description_free (desc);
  return TRUE;
}

static gboolean
p2p_webrtc_connection_start_answer (P2pPeerConnection * conn,
    const gchar * sdp, GError ** error)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (conn);

  self->answering = TRUE;
  return p2p_webrtc_connection_set_remote (self, GST_WEBRTC_SDP_TYPE_OFFER,
      sdp, error);
}

static gboolean
p2p_webrtc_connection_set_answer (P2pPeerConnection * conn, const gchar * sdp,
    GError ** error)
{
  return p2p_webrtc_connection_set_remote (P2P_WEBRTC_CONNECTION (conn),
      GST_WEBRTC_SDP_TYPE_ANSWER, sdp, error);
}

static gboolean
p2p_webrtc_connection_send (P2pPeerConnection * conn, GBytes * message,
    GError ** error)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (conn);
  g_autoptr (GError) local_error = NULL;

  if (!gst_webrtc_data_channel_send_data_full (self->channel, message,
          &local_error)) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_FAILED,
        "Data channel refused the message: %s", local_error->message);
    return FALSE;
  }
  return TRUE;
}

static guint64
p2p_webrtc_connection_get_buffered_amount (P2pPeerConnection * conn)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (conn);
  guint64 amount = 0;

  if (self->channel != NULL)
    g_object_get (self->channel, "buffered-amount", &amount, NULL);
  return amount;
}

static void
p2p_webrtc_connection_shutdown (P2pPeerConnection * conn)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (conn);
  P2pWebrtcTransport *transport =
      P2P_WEBRTC_TRANSPORT (p2p_peer_connection_get_transport (conn));

  if (self->webrtcbin == NULL)
    return;

  p2p_context_queue_stop (self->queue);
  /* webrtcbin 1.22 frees a request still queued when it goes down without
   * replying to its promise, and freeing a pending promise is a critical
   * (seen: an offer cancelled at once, then the connection closed).  A
   * promise we interrupt first is done; a reply after it is dropped. */
  for (guint i = 0; i < self->promises->len; i++)
    gst_promise_interrupt (g_ptr_array_index (self->promises, i));
  if (self->gather_timer != NULL) {
    g_source_destroy (self->gather_timer);
    g_clear_pointer (&self->gather_timer, g_source_unref);
  }
  g_signal_handlers_disconnect_by_data (self->webrtcbin, self->queue);
  if (self->channel != NULL) {
    g_signal_handlers_disconnect_by_data (self->channel, self->queue);
    /* Starts the SCTP stream reset that tells the remote we are gone; the
     * teardown thread gives it a moment before the element goes down. */
    gst_webrtc_data_channel_close (self->channel);
  }
  p2p_webrtc_transport_teardown (transport, self->webrtcbin, self->channel);
  gst_clear_object (&self->webrtcbin);
  g_clear_object (&self->channel);
}

/* ---- GObject ----------------------------------------------------------- */

/* libnice tries a UPnP port mapping for every connection: browsers do not,
 * it adds its 200 ms timeout to every gathering, and with many connections
 * it floods the router (transport.md).  STUN and TURN are the way out of a
 * NAT here. */
static void
p2p_webrtc_connection_disable_upnp (GstElement * webrtcbin)
{
  GObject *ice = NULL, *agent = NULL;

  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (ice),
          "agent") != NULL)
    g_object_get (ice, "agent", &agent, NULL);
  if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS
          (agent), "upnp") != NULL)
    g_object_set (agent, "upnp", FALSE, NULL);
  g_clear_object (&agent);
  g_clear_object (&ice);
}

static void
p2p_webrtc_connection_constructed (GObject * object)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (object);
  P2pTransport *transport;
  const gchar *const *turn;
  guint i;

  G_OBJECT_CLASS (p2p_webrtc_connection_parent_class)->constructed (object);

  transport = p2p_peer_connection_get_transport (P2P_PEER_CONNECTION (self));
  self->queue = p2p_context_queue_new (p2p_transport_get_context (transport),
      object);
  self->candidates = g_ptr_array_new_with_free_func (g_free);
  self->promises =
      g_ptr_array_new_with_free_func ((GDestroyNotify) gst_promise_unref);

  self->webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
  g_assert (self->webrtcbin != NULL);   /* checked by the transport */
  gst_object_ref_sink (self->webrtcbin);
  g_object_set (self->webrtcbin, "bundle-policy",
      GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  self->relay_only = p2p_transport_get_relay_only (transport);
  if (self->relay_only)
    g_object_set (self->webrtcbin, "ice-transport-policy",
        GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY, NULL);
  p2p_webrtc_connection_disable_upnp (self->webrtcbin);
  if (p2p_transport_get_stun_server (transport) != NULL)
    g_object_set (self->webrtcbin, "stun-server",
        p2p_transport_get_stun_server (transport), NULL);
  turn = p2p_transport_get_turn_servers (transport);
  for (i = 0; turn != NULL && turn[i] != NULL; i++) {
    gboolean added = FALSE;

    g_signal_emit_by_name (self->webrtcbin, "add-turn-server", turn[i],
        &added);
    if (!added)
      /* not its URL: it holds the password */
      GST_WARNING_OBJECT (self->webrtcbin, "TURN server %u refused", i + 1);
  }

  g_object_set_qdata_full (G_OBJECT (self->webrtcbin), p2p_webrtc_queue_quark,
      p2p_context_queue_ref (self->queue),
      (GDestroyNotify) p2p_context_queue_unref);
  p2p_webrtc_connect (self->webrtcbin, "notify::ice-gathering-state",
      G_CALLBACK (p2p_webrtc_on_gathering_state), self->queue);
  p2p_webrtc_connect (self->webrtcbin, "notify::connection-state",
      G_CALLBACK (p2p_webrtc_on_connection_state), self->queue);
  p2p_webrtc_connect (self->webrtcbin, "on-ice-candidate",
      G_CALLBACK (p2p_webrtc_on_ice_candidate), self->queue);
  p2p_webrtc_connect (self->webrtcbin, "on-data-channel",
      G_CALLBACK (p2p_webrtc_on_data_channel), self->queue);

  gst_bin_add (p2p_webrtc_transport_get_pipeline (P2P_WEBRTC_TRANSPORT
          (transport)), self->webrtcbin);
  gst_element_sync_state_with_parent (self->webrtcbin);
}

static void
p2p_webrtc_connection_finalize (GObject * object)
{
  P2pWebrtcConnection *self = P2P_WEBRTC_CONNECTION (object);

  g_clear_pointer (&self->queue, p2p_context_queue_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->promises, g_ptr_array_unref);

  G_OBJECT_CLASS (p2p_webrtc_connection_parent_class)->finalize (object);
}

static void
p2p_webrtc_connection_class_init (P2pWebrtcConnectionClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  P2pPeerConnectionClass *conn_class = P2P_PEER_CONNECTION_CLASS (klass);

  object_class->constructed = p2p_webrtc_connection_constructed;
  object_class->finalize = p2p_webrtc_connection_finalize;

  conn_class->start_offer = p2p_webrtc_connection_start_offer;
  conn_class->start_answer = p2p_webrtc_connection_start_answer;
  conn_class->set_answer = p2p_webrtc_connection_set_answer;
  conn_class->send = p2p_webrtc_connection_send;
  conn_class->get_buffered_amount = p2p_webrtc_connection_get_buffered_amount;
  conn_class->shutdown = p2p_webrtc_connection_shutdown;

  p2p_webrtc_queue_quark = g_quark_from_static_string ("p2p-webrtc-queue");
}

static void
p2p_webrtc_connection_init (P2pWebrtcConnection * self)
{
}

P2pPeerConnection *
p2p_webrtc_connection_new (P2pWebrtcTransport * transport)
{
  return g_object_new (P2P_TYPE_WEBRTC_CONNECTION, "transport", transport,
      NULL);
}
