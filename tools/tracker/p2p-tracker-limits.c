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
  limits->max_connections_per_address =
      P2P_TRACKER_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  limits->announce_rate = P2P_TRACKER_DEFAULT_ANNOUNCE_RATE;
  limits->announce_burst = P2P_TRACKER_DEFAULT_ANNOUNCE_BURST;
  limits->address_announce_rate = P2P_TRACKER_DEFAULT_ADDRESS_ANNOUNCE_RATE;
  limits->address_announce_burst = P2P_TRACKER_DEFAULT_ADDRESS_ANNOUNCE_BURST;
  limits->offer_rate = P2P_TRACKER_DEFAULT_OFFER_RATE;
  limits->offer_burst = P2P_TRACKER_DEFAULT_OFFER_BURST;
  limits->address_offer_rate = P2P_TRACKER_DEFAULT_ADDRESS_OFFER_RATE;
  limits->address_offer_burst = P2P_TRACKER_DEFAULT_ADDRESS_OFFER_BURST;
  limits->max_swarms = P2P_TRACKER_DEFAULT_MAX_SWARMS;
  limits->max_scrape_swarms = P2P_TRACKER_DEFAULT_MAX_SCRAPE_SWARMS;
  limits->max_pending_offers = P2P_TRACKER_DEFAULT_MAX_PENDING_OFFERS;
  limits->offer_timeout = P2P_TRACKER_DEFAULT_OFFER_TIMEOUT;
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
      error)
      && check_range ("max-connections-per-address",
      limits->max_connections_per_address, 1, 1000000, error)
      && check_range ("announce-rate", limits->announce_rate, 1, 1000000,
      error)
      && check_range ("announce-burst", limits->announce_burst, 1, 1000000,
      error)
      && check_range ("address-announce-rate", limits->address_announce_rate,
      1, 1000000, error)
      && check_range ("address-announce-burst",
      limits->address_announce_burst, 1, 1000000, error)
      && check_range ("offer-rate", limits->offer_rate, 1, 1000000, error)
      && check_range ("offer-burst", limits->offer_burst, 1, 1000000, error)
      && check_range ("address-offer-rate", limits->address_offer_rate, 1,
      1000000, error)
      && check_range ("address-offer-burst", limits->address_offer_burst, 1,
      1000000, error)
      && check_range ("max-swarms", limits->max_swarms, 1, 10000000, error)
      && check_range ("max-scrape-swarms", limits->max_scrape_swarms, 0,
      100000, error)
      && check_range ("max-pending-offers", limits->max_pending_offers, 0,
      10000, error)
      && check_range ("offer-timeout", limits->offer_timeout, 1, 3600,
      error);
}
