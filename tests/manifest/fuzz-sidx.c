/* gst-p2pcdn: libFuzzer target for the sidx parser and add_index().
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-manifest.h"
#include "p2p-sidx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const gchar mpd[] = "<MPD type=\"static\""
    " mediaPresentationDuration=\"PT60S\"><Period><AdaptationSet"
    " mimeType=\"video/mp4\"><Representation id=\"v\" bandwidth=\"1\">"
    "<BaseURL>v.mp4</BaseURL><SegmentBase indexRange=\"0-31\""
    " timescale=\"1000\" presentationTimeOffset=\"500\">"
    "<Initialization range=\"0-99\"/></SegmentBase></Representation>"
    "</AdaptationSet></Period></MPD>";

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

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const guint64 offsets[] = { 0, 815, G_MAXUINT64 - 64 };
  P2pManifestRegistry *reg;
  P2pRequestInfo info;
  GError *error = NULL;
  GBytes *out;
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (offsets); i++) {
    P2pSidx *sidx = p2p_sidx_parse (data, size, offsets[i], &error);

    if (sidx) {
      guint64 end = offsets[i];

      /* References are contiguous and never wrap around. */
      for (j = 0; j < sidx->references->len; j++) {
        const P2pSidxReference *r = &g_array_index (sidx->references,
            P2pSidxReference, j);

        if (r->size == 0 || r->offset < end || r->offset + r->size <= r->offset)
          abort ();
        end = r->offset + r->size;
      }
      p2p_sidx_free (sidx);
    } else if (error == NULL || error->domain != P2P_MANIFEST_ERROR) {
      abort ();
    }
    g_clear_error (&error);
  }

  reg = p2p_manifest_registry_new ();
  out = p2p_manifest_registry_add (reg, P2P_MANIFEST_FORMAT_DASH,
      "http://o.test/od.mpd", NULL, (const guint8 *) mpd, strlen (mpd), NULL,
      NULL);
  if (out == NULL)
    abort ();
  g_bytes_unref (out);
  if (size <= 1000000 && p2p_manifest_registry_add_index (reg,
          "http://o.test/v.mp4", 0, data, size, NULL)) {
    p2p_manifest_registry_classify (reg, "http://o.test/v.mp4", -1, -1, &info);
    p2p_manifest_registry_classify (reg, "http://o.test/v.mp4", 5000, 6000,
        &info);
  }
  p2p_manifest_registry_free (reg);
  return 0;
}
