/* gst-p2pcdn: the limits a tracker server enforces, with their defaults.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-limits.h"
#include "p2p-tracker-server-error.h"

void
p2p_tracker_limits_init (P2pTrackerLimits * limits)
{
  limits->interval = P2P_TRACKER_DEFAULT_INTERVAL;
  limits->max_message_size = P2P_TRACKER_DEFAULT_MAX_MESSAGE_SIZE;
  limits->max_offers = P2P_TRACKER_DEFAULT_MAX_OFFERS;
  limits->max_connections = P2P_TRACKER_DEFAULT_MAX_CONNECTIONS;
  limits->idle_timeout = P2P_TRACKER_DEFAULT_IDLE_TIMEOUT;
  limits->max_swarms_per_connection =
      P2P_TRACKER_DEFAULT_MAX_SWARMS_PER_CONNECTION;
  limits->max_send_backlog = P2P_TRACKER_DEFAULT_MAX_SEND_BACKLOG;
  limits->handshake_timeout = P2P_TRACKER_DEFAULT_HANDSHAKE_TIMEOUT;
}

static gboolean
check_range (const gchar * name, guint64 value, guint64 min, guint64 max,
    GError ** error)
{
  if (value >= min && value <= max)
    return TRUE;
  g_set_error (error, P2P_TRACKER_SERVER_ERROR,
      P2P_TRACKER_SERVER_ERROR_CONFIG,
      "%s must be between %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT
      " (got %" G_GUINT64_FORMAT ")", name, min, max, value);
  return FALSE;
}

gboolean
p2p_tracker_limits_check (const P2pTrackerLimits * limits, GError ** error)
{
  /* A message must at least hold an announce without offers; the upper
   * bounds keep JSON parsing and the send backlog within memory. */
  return check_range ("interval", limits->interval, 1, 24 * 3600, error)
      && check_range ("max-message-size", limits->max_message_size, 256,
      16 * 1024 * 1024, error)
      && check_range ("max-offers", limits->max_offers, 0, 100, error)
      && check_range ("max-connections", limits->max_connections, 1, 1000000,
      error)
      && check_range ("idle-timeout", limits->idle_timeout, 0, 24 * 3600,
      error)
      && check_range ("max-swarms-per-connection",
      limits->max_swarms_per_connection, 1, 10000, error)
      && check_range ("max-send-backlog", limits->max_send_backlog, 4096,
      G_GUINT64_CONSTANT (1) << 30, error)
      && check_range ("handshake-timeout", limits->handshake_timeout, 1, 3600,
      error);
}
