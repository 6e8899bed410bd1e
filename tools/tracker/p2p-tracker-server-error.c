/* gst-p2pcdn: error domain of the tracker server.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-error.h"

G_DEFINE_QUARK (p2p-tracker-server-error-quark, p2p_tracker_server_error);
