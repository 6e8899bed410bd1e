/* gst-p2pcdn: P2pTransport base class: configuration shared by all backends.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "p2p-transport"

#include "p2p-transport.h"
#include "p2p-peer-connection.h"

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_transport_log, "p2pcdn-transport", "peer connections and data channels")
#define GST_CAT_DEFAULT p2p_transport_log ()


G_DEFINE_QUARK (p2p-transport-error-quark, p2p_transport_error);

typedef struct
{
  GMainContext *context;
  gchar *stun_server;
  gchar **turn_servers;
  gboolean relay_only;
  guint max_message_size;
  guint64 buffered_high;
  guint64 buffered_low;
  guint gathering_timeout;
  guint open_timeout;
  guint inactivity_timeout;
} P2pTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (P2pTransport, p2p_transport,
    G_TYPE_OBJECT);

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_STUN_SERVER,
  PROP_TURN_SERVERS,
  PROP_MAX_MESSAGE_SIZE,
  PROP_BUFFERED_HIGH,
  PROP_BUFFERED_LOW,
  PROP_GATHERING_TIMEOUT,
  PROP_OPEN_TIMEOUT,
  PROP_INACTIVITY_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* webrtcbin takes "stun://host:port" and "turn(s)://user:pass@host:port";
 * anything else would be dropped silently deep inside libnice, so refuse it
 * here with a message that says what was wrong. */
static gboolean
p2p_transport_check_ice_uri (const gchar * uri, gboolean turn, GError ** error)
{
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GError) local_error = NULL;
  const gchar *scheme;

  parsed = g_uri_parse (uri, G_URI_FLAGS_HAS_PASSWORD, &local_error);
  if (parsed == NULL) {
    g_set_error (error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_ARGUMENT, "Invalid ICE server URI '%s': %s",
        uri, local_error->message);
    return FALSE;
  }
  scheme = g_uri_get_scheme (parsed);
  if (turn ? (g_strcmp0 (scheme, "turn") != 0
          && g_strcmp0 (scheme, "turns") != 0)
      : g_strcmp0 (scheme, "stun") != 0) {
    g_set_error (error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_ARGUMENT,
        "ICE server URI '%s' must start with %s", uri,
        turn ? "turn:// or turns://" : "stun://");
    return FALSE;
  }
  if (g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0') {
    g_set_error (error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_ARGUMENT,
        "ICE server URI '%s' has no host", uri);
    return FALSE;
  }
  if (turn && (g_uri_get_user (parsed) == NULL
          || g_uri_get_password (parsed) == NULL)) {
    g_set_error (error, P2P_TRANSPORT_ERROR,
        P2P_TRANSPORT_ERROR_INVALID_ARGUMENT,
        "TURN server URI '%s' needs user:password@", uri);
    return FALSE;
  }
  return TRUE;
}

gboolean
p2p_transport_set_ice_servers (P2pTransport * self, const gchar * stun_uri,
    const gchar * const *turn_uris, GError ** error)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  guint i;

  g_return_val_if_fail (P2P_IS_TRANSPORT (self), FALSE);

  if (stun_uri != NULL && !p2p_transport_check_ice_uri (stun_uri, FALSE,
          error))
    return FALSE;
  for (i = 0; turn_uris != NULL && turn_uris[i] != NULL; i++) {
    if (!p2p_transport_check_ice_uri (turn_uris[i], TRUE, error))
      return FALSE;
  }

  g_free (priv->stun_server);
  priv->stun_server = g_strdup (stun_uri);
  g_strfreev (priv->turn_servers);
  priv->turn_servers = g_strdupv ((gchar **) turn_uris);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STUN_SERVER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TURN_SERVERS]);
  return TRUE;
}

static void
p2p_transport_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  P2pTransport *self = P2P_TRANSPORT (object);
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  g_autoptr (GError) error = NULL;

  switch (prop_id) {
    case PROP_CONTEXT:
      priv->context = g_value_dup_boxed (value);
      if (priv->context == NULL)
        priv->context = g_main_context_ref (g_main_context_default ());
      break;
    case PROP_STUN_SERVER:
      if (!p2p_transport_set_ice_servers (self, g_value_get_string (value),
              (const gchar * const *) priv->turn_servers, &error))
        GST_WARNING ("%s", error->message);
      break;
    case PROP_TURN_SERVERS:
      if (!p2p_transport_set_ice_servers (self, priv->stun_server,
              g_value_get_boxed (value), &error))
        GST_WARNING ("%s", error->message);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      priv->max_message_size = g_value_get_uint (value);
      break;
    case PROP_BUFFERED_HIGH:
      priv->buffered_high = g_value_get_uint64 (value);
      break;
    case PROP_BUFFERED_LOW:
      priv->buffered_low = g_value_get_uint64 (value);
      break;
    case PROP_GATHERING_TIMEOUT:
      priv->gathering_timeout = g_value_get_uint (value);
      break;
    case PROP_OPEN_TIMEOUT:
      priv->open_timeout = g_value_get_uint (value);
      break;
    case PROP_INACTIVITY_TIMEOUT:
      priv->inactivity_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_transport_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  P2pTransport *self = P2P_TRANSPORT (object);
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);

  switch (prop_id) {
    case PROP_CONTEXT:
      g_value_set_boxed (value, priv->context);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string (value, priv->stun_server);
      break;
    case PROP_TURN_SERVERS:
      g_value_set_boxed (value, priv->turn_servers);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint (value, priv->max_message_size);
      break;
    case PROP_BUFFERED_HIGH:
      g_value_set_uint64 (value, priv->buffered_high);
      break;
    case PROP_BUFFERED_LOW:
      g_value_set_uint64 (value, priv->buffered_low);
      break;
    case PROP_GATHERING_TIMEOUT:
      g_value_set_uint (value, priv->gathering_timeout);
      break;
    case PROP_OPEN_TIMEOUT:
      g_value_set_uint (value, priv->open_timeout);
      break;
    case PROP_INACTIVITY_TIMEOUT:
      g_value_set_uint (value, priv->inactivity_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
p2p_transport_finalize (GObject * object)
{
  P2pTransport *self = P2P_TRANSPORT (object);
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);

  g_clear_pointer (&priv->context, g_main_context_unref);
  g_free (priv->stun_server);
  g_strfreev (priv->turn_servers);

  G_OBJECT_CLASS (p2p_transport_parent_class)->finalize (object);
}

static void
p2p_transport_class_init (P2pTransportClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->set_property = p2p_transport_set_property;
  object_class->get_property = p2p_transport_get_property;
  object_class->finalize = p2p_transport_finalize;

  properties[PROP_CONTEXT] = g_param_spec_boxed ("context", "Context",
      "Main context all signals and callbacks are delivered on",
      G_TYPE_MAIN_CONTEXT, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
      G_PARAM_STATIC_STRINGS);
  properties[PROP_STUN_SERVER] = g_param_spec_string ("stun-server",
      "STUN server", "stun://host:port", NULL, rw);
  properties[PROP_TURN_SERVERS] = g_param_spec_boxed ("turn-servers",
      "TURN servers", "turn(s)://user:password@host:port", G_TYPE_STRV, rw);
  properties[PROP_MAX_MESSAGE_SIZE] = g_param_spec_uint ("max-message-size",
      "Max message size", "Largest message send() accepts, bytes",
      1, G_MAXINT32, P2P_TRANSPORT_DEFAULT_MAX_MESSAGE_SIZE,
      rw | G_PARAM_CONSTRUCT);
  properties[PROP_BUFFERED_HIGH] = g_param_spec_uint64 ("buffered-high",
      "Buffered high mark", "send() refuses at or above this, bytes",
      1, G_MAXUINT32, P2P_TRANSPORT_DEFAULT_BUFFERED_HIGH,
      rw | G_PARAM_CONSTRUCT);
  properties[PROP_BUFFERED_LOW] = g_param_spec_uint64 ("buffered-low",
      "Buffered low mark", "::writable fires at or below this, bytes",
      0, G_MAXUINT32, P2P_TRANSPORT_DEFAULT_BUFFERED_LOW,
      rw | G_PARAM_CONSTRUCT);
  properties[PROP_GATHERING_TIMEOUT] = g_param_spec_uint ("gathering-timeout",
      "Gathering timeout", "Cap on ICE gathering, ms", 1, 600000,
      P2P_TRANSPORT_DEFAULT_GATHERING_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);
  properties[PROP_OPEN_TIMEOUT] = g_param_spec_uint ("open-timeout",
      "Open timeout", "The data channel must open within this, ms", 1,
      600000, P2P_TRANSPORT_DEFAULT_OPEN_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);
  properties[PROP_INACTIVITY_TIMEOUT] =
      g_param_spec_uint ("inactivity-timeout", "Inactivity timeout",
      "Close when nothing arrived for this long, ms (0 = never)", 0,
      G_MAXUINT32, P2P_TRANSPORT_DEFAULT_INACTIVITY_TIMEOUT_MS,
      rw | G_PARAM_CONSTRUCT);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
p2p_transport_init (P2pTransport * self)
{
}

GMainContext *
p2p_transport_get_context (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);

  g_return_val_if_fail (P2P_IS_TRANSPORT (self), NULL);
  return priv->context;
}

P2pPeerConnection *
p2p_transport_create_connection (P2pTransport * self)
{
  g_return_val_if_fail (P2P_IS_TRANSPORT (self), NULL);
  return P2P_TRANSPORT_GET_CLASS (self)->create_connection (self);
}

const gchar *
p2p_transport_get_stun_server (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->stun_server;
}

const gchar *const *
p2p_transport_get_turn_servers (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return (const gchar * const *) priv->turn_servers;
}

void
p2p_transport_set_relay_only (P2pTransport * self, gboolean relay_only)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  priv->relay_only = relay_only;
}

gboolean
p2p_transport_get_relay_only (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->relay_only;
}

guint
p2p_transport_get_max_message_size (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->max_message_size;
}

guint64
p2p_transport_get_buffered_high (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->buffered_high;
}

/* A low mark at or above the high mark would never let ::writable fire
 * before send() refuses again; clamp rather than trust the caller. */
guint64
p2p_transport_get_buffered_low (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return MIN (priv->buffered_low, priv->buffered_high - 1);
}

guint
p2p_transport_get_gathering_timeout (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->gathering_timeout;
}

guint
p2p_transport_get_open_timeout (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->open_timeout;
}

guint
p2p_transport_get_inactivity_timeout (P2pTransport * self)
{
  P2pTransportPrivate *priv = p2p_transport_get_instance_private (self);
  return priv->inactivity_timeout;
}
