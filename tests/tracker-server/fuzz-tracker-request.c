/* gst-p2pcdn: libFuzzer target for the tracker server's message parser.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Besides not crashing: whatever parses must write back to JSON that parses
 * again to the same text, or relayed offers could be corrupted.
 * Seeds: the frames of tracker-frames.txt, one per file.
 */
#include <stdint.h>
#include <string.h>

#include "p2p-tracker-server-request.h"
#include "p2p-tracker-server-json.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  P2pTrackerServerRequest request;
  g_autofree gchar *written = NULL;
  g_autofree gchar *rewritten = NULL;
  g_autoptr (JsonNode) again = NULL;
  gsize length;

  p2p_tracker_server_request_init (&request);
  if (p2p_tracker_server_request_parse (&request, (const gchar *) data, size,
          10, NULL)) {
    written = p2p_tracker_server_json_to_string (request.root, &length);
    again = p2p_tracker_server_json_parse (written, length, NULL);
    g_assert_nonnull (again);
    rewritten = p2p_tracker_server_json_to_string (again, NULL);
    g_assert_cmpstr (written, ==, rewritten);
  }
  p2p_tracker_server_request_clear (&request);
  return 0;
}
