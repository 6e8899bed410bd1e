/* gst-p2pcdn: the p2pcdn-tracker program: startup line, service, clean exit.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

static const gchar *
program (void)
{
  const gchar *path = g_getenv ("P2PCDN_TRACKER");

  g_assert_nonnull (path);
  return path;
}

typedef struct {
  gboolean done;
  gchar *line;
} LineResult;

static void
on_line (GObject * source, GAsyncResult * result, gpointer user_data)
{
  LineResult *res = user_data;

  res->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM
      (source), result, NULL, NULL);
  res->done = TRUE;
}

typedef struct {
  gboolean done;
  SoupWebsocketConnection *ws;
  gchar *message;
} WsResult;

static void
on_message (SoupWebsocketConnection * ws, gint type, GBytes * bytes,
    gpointer user_data)
{
  WsResult *res = user_data;

  res->message = g_strndup (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
}

static void
on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  WsResult *res = user_data;

  res->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, NULL);
  res->done = TRUE;
}

static void
test_serves_and_exits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree gchar *url = NULL;
  LineResult line = { FALSE, NULL };
  WsResult ws = { FALSE, NULL, NULL };

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
      program (), "--port", "0", "--bind", "127.0.0.1", "--interval", "30",
      NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line,
      &line);
  while (!line.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (line.line);
  g_assert_true (g_str_has_prefix (line.line,
          "p2pcdn-tracker listening on ws://127.0.0.1:"));

  url = g_strdup (strstr (line.line, "ws://"));
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, on_connected, &ws);
  while (!ws.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (ws.ws);
  g_signal_connect (ws.ws, "message", G_CALLBACK (on_message), &ws);
  soup_websocket_connection_send_text (ws.ws, "{\"action\":\"announce\","
      "\"info_hash\":\"Un5pXNncgx4ZjfNSitaa\",\"peer_id\":"
      "\"-PM0203-C3nNqmoUiVoo\",\"event\":\"started\"}");
  while (ws.message == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (ws.message, ==, "{\"complete\":0,\"incomplete\":1,"
      "\"action\":\"announce\",\"interval\":30,\"info_hash\":"
      "\"Un5pXNncgx4ZjfNSitaa\"}");

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  g_signal_handlers_disconnect_by_data (ws.ws, &ws);
  g_object_unref (ws.ws);
  g_free (ws.message);
  g_free (line.line);
}

static void
run_failing (gint expected_status, const gchar * expected_text,
    const gchar * first_arg, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree gchar *err_text = NULL;
  const gchar *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) program ());
  va_start (args, first_arg);
  for (arg = first_arg; arg; arg = va_arg (args, const gchar *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const gchar * const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
      &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL,
          &err_text, &error));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==,
      expected_status);
  g_assert_nonnull (strstr (err_text, expected_text));
}

static void
test_bad_arguments (void)
{
  run_failing (2, "max-message-size must be between", "--port", "0",
      "--max-message-size", "10", NULL);
  run_failing (2, "invalid arguments", "--port", "70000", NULL);
  run_failing (2, "Unknown option", "--frobnicate", NULL);
  run_failing (1, "not an IP address", "--port", "0", "--bind", "localhost",
      NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracker-cli/serves-and-exits", test_serves_and_exits);
  g_test_add_func ("/tracker-cli/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
