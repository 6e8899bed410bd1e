/* gst-p2pcdn: libFuzzer target for the segment hash list parser.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: a hash list as an origin would serve it.  Whatever parses must
 * answer lookups (a listed name, an unlisted one) without trouble.
 */
#include "swarm/p2p-segment-hashes.h"

#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GError *error = NULL;
  P2pSegmentHashes *h = p2p_segment_hashes_parse ((const gchar *) data, size,
      &error);

  if (!h) {
    g_assert (error != NULL);
    g_error_free (error);
    return 0;
  }
  g_assert (error == NULL);
  (void) p2p_segment_hashes_verify (h, "http://o/seg-1.ts", -1, -1, data,
      size);
  (void) p2p_segment_hashes_verify (h, "http://o/video.mp4", 0, 99, data,
      size);
  p2p_segment_hashes_free (h);
  return 0;
}
