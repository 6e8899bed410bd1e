/* gst-p2pcdn: helpers shared by the manifest unit tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "p2p-manifest.h"

/* Returns the contents of tests/manifest/data/@name. */
static inline GBytes *
p2p_test_load (const gchar * name)
{
  gchar *path = g_build_filename (P2P_TEST_DATA_DIR, name, NULL);
  gchar *contents = NULL;
  gsize len = 0;
  GError *error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_free (path);
  return g_bytes_new_take (contents, len);
}

/* The stream swarm id p2p-media-loader derives from an identity string,
 * computed here from first principles. */
static inline gchar *
p2p_test_stream_swarm_id (const gchar * version, const gchar * swarm,
    const gchar * type, const gchar * identity)
{
  GChecksum *sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize n = sizeof (digest);
  gchar *key, *out;

  g_checksum_update (sha1, (const guchar *) identity, strlen (identity));
  g_checksum_get_digest (sha1, digest, &n);
  g_checksum_free (sha1);
  key = g_base64_encode (digest, n);
  out = g_strdup_printf ("%s-%s-%s-%s", version, swarm, type, key);
  g_free (key);
  return out;
}

/* Asserts that @error is a P2P_MANIFEST_ERROR of @code whose message
 * contains @fragment. */
#define p2p_test_assert_error(error, code, fragment) G_STMT_START {      \
    g_assert_error ((error), P2P_MANIFEST_ERROR, (code));               \
    if (strstr ((error)->message, (fragment)) == NULL)                  \
      g_error ("error message \"%s\" lacks \"%s\"", (error)->message,   \
          (fragment));                                                  \
  } G_STMT_END
