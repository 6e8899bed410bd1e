/* gst-p2pcdn: the WebRTC transport: webrtcbins in one private GstPipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread safety notes: the pipeline's structure (adding and removing
 * webrtcbins) is changed from the transport's context (add) and from
 * teardown threads (remove); GstBin locks itself.  `lock` guards `pending`
 * and `max_teardown` and is never held across a GStreamer call.  A teardown
 * thread holds a reference on the transport, so the transport (and its
 * pipeline) outlives every webrtcbin in it; the last unref may therefore
 * happen on a teardown thread, which is fine: dispose only touches the
 * pipeline.
 */
#include "p2p-webrtc-transport.h"
#include "p2p-webrtc-connection.h"

GST_DEBUG_CATEGORY_STATIC (p2p_webrtc_transport_debug);
#define GST_CAT_DEFAULT p2p_webrtc_transport_debug

/* A channel being closed gets this long to tell the remote (SCTP stream
 * reset) before its webrtcbin goes down. */
#define P2P_WEBRTC_CLOSE_GRACE_US (200 * G_TIME_SPAN_MILLISECOND)
/* After a forced reset: time for it to leave through DTLS and ICE. */
#define P2P_WEBRTC_RESET_GRACE_US (250 * G_TIME_SPAN_MILLISECOND)

struct _P2pWebrtcTransport
{
  P2pTransport parent;

  GstElement *pipeline;

  GMutex lock;
  GCond cond;
  guint pending;
  gint64 max_teardown;
};

static void p2p_webrtc_transport_initable_init (GInitableIface * iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (P2pWebrtcTransport, p2p_webrtc_transport,
    P2P_TYPE_TRANSPORT,
    G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
        p2p_webrtc_transport_initable_init);
    GST_DEBUG_CATEGORY_INIT (p2p_webrtc_transport_debug, "p2pcdn-webrtc",
        0, "gst-p2pcdn WebRTC transport"));

typedef struct
{
  P2pWebrtcTransport *transport;
  GstElement *webrtcbin;
  GstWebRTCDataChannel *channel;
} P2pTeardownJob;

static void
p2p_webrtc_send_flush_start (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);
  GstElementFactory *factory = gst_element_get_factory (element);
  GstIterator *pads;
  GValue pad = G_VALUE_INIT;

  if (factory == NULL || g_strcmp0 (GST_OBJECT_NAME (factory), "sctpenc") != 0)
    return;

  /* sctpenc's streaming thread may be waiting for SCTP buffer space that a
   * dead or slow peer never frees, holding a pad lock that the state change
   * to NULL then waits for; flush-start wakes it up. */
  pads = gst_element_iterate_sink_pads (element);
  while (gst_iterator_next (pads, &pad) == GST_ITERATOR_OK) {
    GST_DEBUG_OBJECT (element, "flush-start on %s",
        GST_OBJECT_NAME (g_value_get_object (&pad)));
    gst_pad_send_event (g_value_get_object (&pad),
        gst_event_new_flush_start ());
    g_value_reset (&pad);
  }
  g_value_unset (&pad);
  gst_iterator_free (pads);
}

static void
p2p_webrtc_flush_sctp (GstElement * element)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (element));

  while (gst_iterator_foreach (it, p2p_webrtc_send_flush_start, NULL) ==
      GST_ITERATOR_RESYNC)
    gst_iterator_resync (it);
  gst_iterator_free (it);
}

static void
p2p_webrtc_collect_sctpenc (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);
  GstElementFactory *factory = gst_element_get_factory (element);
  GList **found = user_data;

  if (factory != NULL && g_strcmp0 (GST_OBJECT_NAME (factory), "sctpenc") == 0)
    *found = g_list_prepend (*found, gst_object_ref (element));
}

/* Releasing sctpenc's request pad is how webrtcbin itself ends a stream: it
 * wakes a streaming thread waiting for buffer space and asks SCTP for the
 * stream reset that makes the remote close its side.  webrtcbin does it
 * only once the data queued before the close has left, which never happens
 * when the peer reads slowly or not at all; this does it at once.  SCTP
 * still sends the reset after the data it already accepted, so a remote
 * that is alive but slow may not get it before we go down: its inactivity
 * timeout is the backstop. */
static void
p2p_webrtc_reset_streams (GstElement * webrtcbin)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (webrtcbin));
  GList *encoders = NULL, *l;

  while (gst_iterator_foreach (it, p2p_webrtc_collect_sctpenc, &encoders) ==
      GST_ITERATOR_RESYNC) {
    g_list_free_full (encoders, gst_object_unref);
    encoders = NULL;
    gst_iterator_resync (it);
  }
  gst_iterator_free (it);

  for (l = encoders; l != NULL; l = l->next) {
    GstElement *sctpenc = l->data;
    GList *pads, *p;

    GST_OBJECT_LOCK (sctpenc);
    pads = g_list_copy_deep (sctpenc->sinkpads, (GCopyFunc) gst_object_ref,
        NULL);
    GST_OBJECT_UNLOCK (sctpenc);
    for (p = pads; p != NULL; p = p->next) {
      GST_DEBUG_OBJECT (sctpenc, "resetting stream of %s",
          GST_OBJECT_NAME (p->data));
      gst_element_release_request_pad (sctpenc, p->data);
    }
    g_list_free_full (pads, gst_object_unref);
  }
  g_list_free_full (encoders, gst_object_unref);
}

/* Returns TRUE when the channel finished closing on its own (the remote
 * was told), FALSE when it is stuck behind data the peer does not take. */
static gboolean
p2p_webrtc_wait_channel_closed (GstWebRTCDataChannel * channel)
{
  gint64 deadline = g_get_monotonic_time () + P2P_WEBRTC_CLOSE_GRACE_US;
  GstWebRTCDataChannelState state;

  do {
    g_object_get (channel, "ready-state", &state, NULL);
    GST_LOG_OBJECT (channel, "ready-state %d", state);
    if (state != GST_WEBRTC_DATA_CHANNEL_STATE_CLOSING)
      return TRUE;
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  } while (g_get_monotonic_time () < deadline);
  return FALSE;
}

static gpointer
p2p_webrtc_teardown_thread (gpointer data)
{
  P2pTeardownJob *job = data;
  P2pWebrtcTransport *self = job->transport;
  gint64 start = g_get_monotonic_time ();
  gint64 took;

  if (job->channel != NULL && !p2p_webrtc_wait_channel_closed (job->channel)) {
    GST_INFO_OBJECT (self, "%s: channel still closing, forcing the reset",
        GST_OBJECT_NAME (job->webrtcbin));
    p2p_webrtc_reset_streams (job->webrtcbin);
    g_usleep (P2P_WEBRTC_RESET_GRACE_US);
  }

  p2p_webrtc_flush_sctp (job->webrtcbin);
  gst_element_set_state (job->webrtcbin, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (self->pipeline), job->webrtcbin);
  took = g_get_monotonic_time () - start;
  GST_INFO_OBJECT (self, "%s taken down in %" G_GINT64_FORMAT " us",
      GST_OBJECT_NAME (job->webrtcbin), took);

  gst_object_unref (job->webrtcbin);
  g_clear_object (&job->channel);
  g_free (job);

  g_mutex_lock (&self->lock);
  self->pending--;
  self->max_teardown = MAX (self->max_teardown, took);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  g_object_unref (self);
  return NULL;
}

void
p2p_webrtc_transport_teardown (P2pWebrtcTransport * self,
    GstElement * webrtcbin, GstWebRTCDataChannel * channel)
{
  P2pTeardownJob *job = g_new0 (P2pTeardownJob, 1);

  /* Keep the pipeline's own state changes away from it from now on. */
  gst_element_set_locked_state (webrtcbin, TRUE);

  job->transport = g_object_ref (self);
  job->webrtcbin = gst_object_ref (webrtcbin);
  job->channel = channel ? g_object_ref (channel) : NULL;

  g_mutex_lock (&self->lock);
  self->pending++;
  g_mutex_unlock (&self->lock);

  /* A thread of its own: if a teardown ever hung despite the flush, it
   * would cost one thread, not the manager's loop or a pool slot. */
  g_thread_unref (g_thread_new ("p2p-teardown", p2p_webrtc_teardown_thread,
          job));
}

guint
p2p_webrtc_transport_get_pending_teardowns (P2pWebrtcTransport * self)
{
  guint pending;

  g_return_val_if_fail (P2P_IS_WEBRTC_TRANSPORT (self), 0);
  g_mutex_lock (&self->lock);
  pending = self->pending;
  g_mutex_unlock (&self->lock);
  return pending;
}

gint64
p2p_webrtc_transport_get_max_teardown_time (P2pWebrtcTransport * self)
{
  gint64 took;

  g_return_val_if_fail (P2P_IS_WEBRTC_TRANSPORT (self), 0);
  g_mutex_lock (&self->lock);
  took = self->max_teardown;
  g_mutex_unlock (&self->lock);
  return took;
}

gboolean
p2p_webrtc_transport_wait_teardowns (P2pWebrtcTransport * self,
    guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () +
      (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_return_val_if_fail (P2P_IS_WEBRTC_TRANSPORT (self), FALSE);
  g_mutex_lock (&self->lock);
  while (self->pending > 0 && g_cond_wait_until (&self->cond, &self->lock,
          deadline));
  done = self->pending == 0;
  g_mutex_unlock (&self->lock);
  return done;
}

GstBin *
p2p_webrtc_transport_get_pipeline (P2pWebrtcTransport * self)
{
  return GST_BIN (self->pipeline);
}

static GstBusSyncReply
p2p_webrtc_transport_bus_sync (GstBus * bus, GstMessage * message,
    gpointer user_data)
{
  /* Nobody pops this bus, so everything is dropped here or it would pile
   * up for the life of the process. */
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      if (!p2p_webrtc_connection_route_bus_error (message)) {
        g_autoptr (GError) error = NULL;

        gst_message_parse_error (message, &error, NULL);
        /* webrtcbin's and libnice's texts may name addresses: DEBUG */
        GST_WARNING ("Error from %s outside any connection",
            GST_MESSAGE_SRC_NAME (message));
        GST_DEBUG ("Error from %s outside any connection: %s",
            GST_MESSAGE_SRC_NAME (message), error->message);
      }
      break;
    case GST_MESSAGE_WARNING:{
      g_autoptr (GError) error = NULL;

      gst_message_parse_warning (message, &error, NULL);
      GST_DEBUG ("Warning from %s: %s", GST_MESSAGE_SRC_NAME (message),
          error->message);
      break;
    }
    default:
      break;
  }
  /* A sync handler that drops a message owns it. */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

static gboolean
p2p_webrtc_transport_init_failable (GInitable * initable,
    GCancellable * cancellable, GError ** error)
{
  P2pWebrtcTransport *self = P2P_WEBRTC_TRANSPORT (initable);
  static const gchar *const needed[] = {
    "webrtcbin", "nicesrc", "nicesink", "dtlsenc", "sctpenc"
  };
  g_autoptr (GstBus) bus = NULL;
  guint i;

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, error))
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (needed); i++) {
    g_autoptr (GstElementFactory) factory =
        gst_element_factory_find (needed[i]);

    if (factory == NULL) {
      g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_FAILED,
          "GStreamer element '%s' is missing (gst-plugins-bad webrtc, "
          "dtls, sctp and libnice's GStreamer plugin are needed)", needed[i]);
      return FALSE;
    }
  }

  self->pipeline = gst_pipeline_new ("p2p-webrtc-transport");
  gst_object_ref_sink (self->pipeline);
  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, p2p_webrtc_transport_bus_sync, NULL, NULL);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, P2P_TRANSPORT_ERROR, P2P_TRANSPORT_ERROR_FAILED,
        "Could not start the transport pipeline");
    return FALSE;
  }
  return TRUE;
}

static void
p2p_webrtc_transport_initable_init (GInitableIface * iface)
{
  iface->init = p2p_webrtc_transport_init_failable;
}

/* GStreamer's DTLS elements make one RSA-2048 certificate per process, on
 * the first connection, and no offer can be written before it exists:
 * 0.2-0.4 s of CPU here (gst-inspect-1.0 dtlsdec), 0.8 s for a player of
 * eight on two busy cores, more on a small board.  Any dtlsdec made makes
 * it, and the DTLS plugin keeps it for the life of the process. */
static gpointer
warm_up_thread (gpointer data)
{
  GstElement *dec = gst_element_factory_make ("dtlsdec", NULL);

  if (dec) {
    gst_object_ref_sink (dec);
    gst_object_unref (dec);
  }
  return NULL;
}

GThread *
p2p_webrtc_transport_warm_up (void)
{
  static gint started;

  if (!g_atomic_int_compare_and_exchange (&started, 0, 1))
    return NULL;
  return g_thread_try_new ("p2p-dtls-cert", warm_up_thread, NULL, NULL);
}

P2pTransport *
p2p_webrtc_transport_new (GMainContext * context, GError ** error)
{
  return g_initable_new (P2P_TYPE_WEBRTC_TRANSPORT, NULL, error, "context",
      context, NULL);
}

static P2pPeerConnection *
p2p_webrtc_transport_create_connection (P2pTransport * transport)
{
  return p2p_webrtc_connection_new (P2P_WEBRTC_TRANSPORT (transport));
}

static void
p2p_webrtc_transport_dispose (GObject * object)
{
  P2pWebrtcTransport *self = P2P_WEBRTC_TRANSPORT (object);

  if (self->pipeline != NULL) {
    p2p_webrtc_flush_sctp (self->pipeline);
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
    gst_clear_object (&self->pipeline);
  }

  G_OBJECT_CLASS (p2p_webrtc_transport_parent_class)->dispose (object);
}

static void
p2p_webrtc_transport_finalize (GObject * object)
{
  P2pWebrtcTransport *self = P2P_WEBRTC_TRANSPORT (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (p2p_webrtc_transport_parent_class)->finalize (object);
}

static void
p2p_webrtc_transport_class_init (P2pWebrtcTransportClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  P2pTransportClass *transport_class = P2P_TRANSPORT_CLASS (klass);

  object_class->dispose = p2p_webrtc_transport_dispose;
  object_class->finalize = p2p_webrtc_transport_finalize;
  transport_class->create_connection = p2p_webrtc_transport_create_connection;
}

static void
p2p_webrtc_transport_init (P2pWebrtcTransport * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}
