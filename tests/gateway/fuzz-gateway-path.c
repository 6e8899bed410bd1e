/* gst-p2pcdn: libFuzzer target for the gateway's request path, query and
 * Range parsers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: path, '\0', query (absent when there is no second '\0' part),
 * '\0', Range value.  Whatever is accepted must be an http(s) URL without
 * control characters, and a range must be ordered.
 */
#include "p2p-gateway-path.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

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
  static const gchar token[] = "00112233445566778899aabbccddeeff";
  gchar *copy = g_malloc (size + 1);
  gchar *path, *query = NULL, *range = NULL, *origin = NULL, *nul;
  P2pGatewayTarget target;
  GError *error = NULL;
  guint64 start;
  gint64 stop;

  memcpy (copy, data, size);
  copy[size] = '\0';
  path = copy;
  nul = memchr (copy, '\0', size);
  if (nul && (gsize) (nul - copy) < size) {
    query = nul + 1;
    range = memchr (query, '\0', copy + size - query);
    if (range && range < copy + size)
      range++;
    else
      range = NULL;
  }
  /* half the inputs get the right token, so the URL checks are reached */
  if (size > 0 && (data[0] & 1)) {
    gchar *with_token = g_strconcat ("/", token, "/", path, NULL);

    if (p2p_gateway_parse_path (with_token, query, token, &target, &origin,
            &error)) {
      if (target == P2P_GATEWAY_TARGET_ORIGIN) {
        if (!g_str_has_prefix (origin, "http://")
            && !g_str_has_prefix (origin, "https://"))
          abort ();
        for (const gchar * p = origin; *p; p++)
          if ((guchar) * p <= ' ')
            abort ();
      }
    } else if (error == NULL) {
      abort ();
    }
    g_free (with_token);
  } else if (p2p_gateway_parse_path (path, query, token, &target, &origin,
          &error)) {
    /* without "/TOKEN/" in front nothing may pass */
    if (!g_str_has_prefix (path + 1, token))
      abort ();
  }
  g_clear_error (&error);
  g_free (origin);
  if (range && p2p_gateway_parse_range (range, &start, &stop)
      && stop >= 0 && (guint64) stop <= start)
    abort ();
  g_free (copy);
  return 0;
}
