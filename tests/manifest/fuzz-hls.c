/* gst-p2pcdn: libFuzzer target for the HLS parser, registry and rewriter.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest-rewrite.h"
#include "p2p-manifest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "p2phls+"

static const gchar master[] = "#EXTM3U\n"
    "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"playlist.m3u8\"\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=1000,CODECS=\"avc1.4d401f,mp4a.40.2\","
    "RESOLUTION=640x360,AUDIO=\"a\"\nplaylist.m3u8\n";

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

/* The rewriter only inserts the prefix. */
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
  P2pManifestRegistry *reg = p2p_manifest_registry_new ();
  const gchar *uri = "http://o.test/a/playlist.m3u8";
  GError *error = NULL;
  P2pRequestInfo info;
  GBytes *out;

  /* Half of the inputs are media playlists named by a master. */
  if (size > 0 && (data[size - 1] & 1)) {
    out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS,
        "http://o.test/a/master.m3u8", NULL, (const guint8 *) master,
        strlen (master), PREFIX, NULL);
    g_bytes_unref (out);
  }

  out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS, uri, NULL,
      data, size, PREFIX, &error);
  if (out) {
    check_rewrite (out, size);
    g_bytes_unref (out);
    /* A refresh with the same text prunes and keeps ids. */
    out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_HLS, uri, NULL,
        data, size, PREFIX, NULL);
    if (out == NULL)
      abort ();
    g_bytes_unref (out);
    p2p_manifest_registry_classify (reg, "http://o.test/a/segment0.ts", -1,
        -1, &info);
    p2p_manifest_registry_classify (reg, "http://o.test/a/index.ts", 100,
        -1, &info);
    p2p_manifest_registry_classify (reg, "http://o.test/a/playlist.m3u8", -1,
        -1, &info);
    if (info.kind != P2P_RESOURCE_MANIFEST)
      abort ();
  } else if (error == NULL || error->domain != P2P_MANIFEST_ERROR) {
    abort ();
  }
  g_clear_error (&error);
  p2p_manifest_registry_free (reg);

  /* The rewriter alone, on any bytes. */
  out = p2p_hls_rewrite (data, size, PREFIX);
  check_rewrite (out, size);
  g_bytes_unref (out);
  return 0;
}
