/* gst-p2pcdn: JSON parsing and writing of the tracker server, binary ids.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "p2p-tracker-server-json.h"
#include "p2p-tracker-server-error.h"

/* Every byte value survives parse + write, written as JSON.stringify does. */
static void
test_all_bytes_round_trip (void)
{
  guint start;

  for (start = 0; start < 256; start += 20) {
    g_autoptr (GString) text = g_string_new ("\"");
    g_autoptr (GString) expected = g_string_new ("\"");
    g_autoptr (JsonNode) node = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree gchar *written = NULL;
    g_autofree gchar *hex = NULL;
    g_autoptr (GString) expected_hex = g_string_new (NULL);
    guint i;

    for (i = 0; i < 20; i++) {
      guint byte = (start + i) & 0xff;

      g_string_append_printf (text, "\\u%04x", byte);
      g_string_append_printf (expected_hex, "%02x", byte);
      if (byte == '"' || byte == '\\')
        g_string_append_printf (expected, "\\%c", byte);
      else if (byte == '\b')
        g_string_append (expected, "\\b");
      else if (byte == '\t')
        g_string_append (expected, "\\t");
      else if (byte == '\n')
        g_string_append (expected, "\\n");
      else if (byte == '\f')
        g_string_append (expected, "\\f");
      else if (byte == '\r')
        g_string_append (expected, "\\r");
      else if (byte < 0x20)
        g_string_append_printf (expected, "\\u%04x", byte);
      else
        g_string_append_unichar (expected, byte);
    }
    g_string_append_c (text, '"');
    g_string_append_c (expected, '"');

    node = p2p_tracker_server_json_parse (text->str, text->len, &error);
    g_assert_no_error (error);
    g_assert_true (p2p_tracker_server_id_is_valid (json_node_get_string
            (node)));
    hex = p2p_tracker_server_id_to_hex (json_node_get_string (node));
    g_assert_cmpstr (hex, ==, expected_hex->str);
    written = p2p_tracker_server_json_to_string (node, NULL);
    g_assert_cmpstr (written, ==, expected->str);
  }
}

static void
test_object_round_trip (void)
{
  const gchar *text = "{\"b\":1,\"a\":[true,false,null,-2.5],"
      "\"s\":\"x\\u0000y\",\"\\u0000\":{}}";
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *written = NULL;
  gsize length;

  node = p2p_tracker_server_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  written = p2p_tracker_server_json_to_string (node, &length);
  g_assert_cmpstr (written, ==, text);
  g_assert_cmpuint (length, ==, strlen (text));
}

static void
test_rejected (void)
{
  const gchar *bad[] = {
    "{\"a\":1} /* c */", "{'a':1}", "{\"a\":NaN}", "{a:1}", "#", "\"\\u12\"",
    "\"unterminated", "\"\\", "\"\\udbff\\udffd\"", "\"\xf4\x8f\xbf\xbd\"",
    "\"\x01\"", "\"\xc3\"", "{\"a\":1}x", "{\"a\":}", "",
    "[1e400]", "[-1E+281]", "[1234567890123456789]",
    "[123456789012345678901.5]", "[.5e400]", "\"\\262\"", "\"\\x41\"",
    /* lone surrogates (found by fuzz-tracker-request) */
    "\"\\udddd\"", "\"\\ud800\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"",
    "\"\\udc00\\ud800\"", "{\"x\":\"\\udddddd\"}", "\"\\udddd x\"",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    JsonNode *node = p2p_tracker_server_json_parse (bad[i], strlen (bad[i]),
        &error);

    g_test_message ("%s", bad[i]);
    g_assert_null (node);
    g_assert_error (error, P2P_TRACKER_SERVER_ERROR,
        P2P_TRACKER_SERVER_ERROR_MALFORMED);
  }
}

/* A surrogate pair is one character, written back as UTF-8. */
static void
test_surrogate_pair (void)
{
  const gchar *text = "\"\\ud83d\\ude00\"";
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *written = NULL;

  node = p2p_tracker_server_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  written = p2p_tracker_server_json_to_string (node, NULL);
  g_assert_cmpstr (written, ==, "\"\xf0\x9f\x98\x80\"");
}

static void
test_numbers (void)
{
  const gchar *text = "[0,-5,123456789012345678,1.5,-0.25,1e+280,1e-280]";
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *written = NULL;
  g_autoptr (JsonNode) again = NULL;

  node = p2p_tracker_server_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_int_element (json_node_get_array (node), 2),
      ==, G_GINT64_CONSTANT (123456789012345678));
  /* What we write parses again: no "inf.0". */
  written = p2p_tracker_server_json_to_string (node, NULL);
  g_assert_cmpstr (written, ==,
      "[0,-5,123456789012345678,1.5,-0.25,1e+280,9.9999999999999996e-281]");
  again = p2p_tracker_server_json_parse (written, strlen (written), &error);
  g_assert_no_error (error);
}

static void
test_embedded_nul_byte (void)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = p2p_tracker_server_json_parse ("{\"a\":1}\0{}", 10,
      &error);

  g_assert_null (node);
  g_assert_error (error, P2P_TRACKER_SERVER_ERROR,
      P2P_TRACKER_SERVER_ERROR_MALFORMED);
}

static void
test_depth (void)
{
  guint depth;

  for (depth = P2P_TRACKER_SERVER_JSON_MAX_DEPTH;
      depth <= P2P_TRACKER_SERVER_JSON_MAX_DEPTH + 1; depth++) {
    g_autoptr (GString) text = g_string_new (NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) node = NULL;
    guint i;

    for (i = 0; i < depth; i++)
      g_string_append (text, i % 2 ? "[" : "{\"k\":");
    for (i = depth; i > 0; i--)
      g_string_append (text, (i - 1) % 2 ? "]" : "}");
    node = p2p_tracker_server_json_parse (text->str, text->len, &error);
    if (depth <= P2P_TRACKER_SERVER_JSON_MAX_DEPTH)
      g_assert_no_error (error);
    else
      g_assert_error (error, P2P_TRACKER_SERVER_ERROR,
          P2P_TRACKER_SERVER_ERROR_MALFORMED);
  }

  {
    /* Brackets inside strings do not count. */
    g_autofree gchar *brackets = g_strnfill (1000, '[');
    g_autofree gchar *text = g_strdup_printf ("[\"%s\"]", brackets);
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) node = p2p_tracker_server_json_parse (text,
        strlen (text), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strlen (json_array_get_string_element
            (json_node_get_array (node), 0)), ==, 1000);
  }
}

static void
test_ids (void)
{
  g_assert_true (p2p_tracker_server_id_is_valid ("Un5pXNncgx4ZjfNSitaa"));
  g_assert_true (p2p_tracker_server_id_is_valid ("-PM0203-C3nNqmoUiVo\xc3\xbf"));
  g_assert_true (p2p_tracker_server_id_is_valid (P2P_TRACKER_SERVER_JSON_NUL
          "123456789012345678" P2P_TRACKER_SERVER_JSON_NUL));
  g_assert_false (p2p_tracker_server_id_is_valid (NULL));
  g_assert_false (p2p_tracker_server_id_is_valid (""));
  g_assert_false (p2p_tracker_server_id_is_valid ("Un5pXNncgx4ZjfNSita"));
  g_assert_false (p2p_tracker_server_id_is_valid ("Un5pXNncgx4ZjfNSitaaa"));
  /* U+0100 is no byte. */
  g_assert_false (p2p_tracker_server_id_is_valid ("Un5pXNncgx4ZjfNSita"
          "\xc4\x80"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracker-json/all-bytes", test_all_bytes_round_trip);
  g_test_add_func ("/tracker-json/object", test_object_round_trip);
  g_test_add_func ("/tracker-json/rejected", test_rejected);
  g_test_add_func ("/tracker-json/surrogate-pair", test_surrogate_pair);
  g_test_add_func ("/tracker-json/numbers", test_numbers);
  g_test_add_func ("/tracker-json/embedded-nul-byte", test_embedded_nul_byte);
  g_test_add_func ("/tracker-json/depth", test_depth);
  g_test_add_func ("/tracker-json/ids", test_ids);
  return g_test_run ();
}
