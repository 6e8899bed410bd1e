/* gst-p2pcdn: libFuzzer target for the MPD parser, registry and rewriter.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-rewrite.h"
#include "p2p-manifest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "p2pdash+"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* A warning or a critical is a bug the fuzzer should report; abort ()
 * (not GLib's breakpoint trap) so that libFuzzer saves the input. */
static GLogWriterOutput
p2p_fuzz_log_writer (GLogLevelFlags level, const GLogField * fields,
    gsize n_fields, gpointer user_data)
{
  g_log_writer_standard_streams (level, fields, n_fields, user_data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (p2p_fuzz_log_writer, NULL, NULL);
  return 0;
}

static void
check_rewrite (GBytes * out, size_t size)
{
  gsize len = g_bytes_get_size (out);

  if (len < size || (len - size) % strlen (PREFIX) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static const gchar *requests[] = {
    "http://o.test/dash/chunk-stream0-00001.m4s",
    "http://o.test/dash/chunk-stream1-00003.m4s",
    "http://o.test/dash/init-stream0.m4s",
    "http://o.test/dash/single-stream0.mp4",
    "http://o.test/dash/v/9000.m4s",
    "http://o.test/dash/0/1234567890.m4s",
  };
  /* A small sidx (3 references) for SegmentBase representations. */
  static const guint8 sidx[] = {
    0, 0, 0, 68, 's', 'i', 'd', 'x', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x03, 0xe8,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
    0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, 0x90, 0, 0, 0,
    0, 0, 0x07, 0xd0, 0, 0, 0x07, 0xd0, 0x90, 0, 0, 0,
    0, 0, 0x0b, 0xb8, 0, 0, 0x07, 0xd0, 0x90, 0, 0, 0,
  };
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *uri = "http://o.test/dash/manifest.mpd";
  GError *error = NULL;
  P2pRequestInfo info;
  GBytes *out;
  guint i;

  if (size > 0 && (data[size - 1] & 1))
    p2p_manifest_registry_set_profile (reg, P2P_SWARM_PROFILE_V3);
  out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_DASH, uri, NULL,
      data, size, PREFIX, &error);
  if (out) {
    check_rewrite (out, size);
    g_bytes_unref (out);
    for (i = 0; i < G_N_ELEMENTS (requests); i++) {
      p2p_manifest_registry_classify (reg, requests[i], -1, -1, &info);
      if (info.kind == P2P_RESOURCE_INDEX)
        p2p_manifest_registry_add_index (reg, requests[i], 0, sidx,
            sizeof (sidx), NULL);
      p2p_manifest_registry_classify (reg, requests[i], 0, 99999, &info);
    }
    /* A refresh: the previous templates stay one more round. */
    out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_DASH, uri,
        NULL, data, size, PREFIX, NULL);
    if (out == NULL)
      abort ();
    g_bytes_unref (out);
    p2p_manifest_registry_classify (reg, requests[0], -1, -1, &info);
  } else if (error == NULL || error->domain != P2P_MANIFEST_ERROR) {
    abort ();
  }
  g_clear_error (&error);
  p2p_manifest_registry_free (reg);

  out = p2p_mpd_rewrite (data, size, PREFIX);
  check_rewrite (out, size);
  g_bytes_unref (out);
  return 0;
}
