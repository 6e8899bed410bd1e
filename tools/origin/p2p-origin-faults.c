/* Origin faults: segment requests answered with an error status or cut
 * mid-body while a window is open.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A rule is "ANSWER:GLOB[:SECONDS]": requests whose path matches GLOB (a
 * GPatternSpec: * and ?) get ANSWER, an HTTP status 400..599 or "reset"
 * (the status line, the headers and half of the body, then the connection
 * closes, as a crashing or restarted server does), for SECONDS from when
 * the rules were last armed (0 or none: until they are armed again).  Rules
 * are added from any thread and matched on the server thread.
 */
#include "p2p-origin-faults.h"
#include "p2p-origin.h"

#include <string.h>

#include "log/p2p-log.h"

P2P_LOG_CATEGORY (p2p_origin_faults_log, "p2pcdn-origin",
    "the test origin")
#define GST_CAT_DEFAULT p2p_origin_faults_log ()

/* a window long enough for any test, short enough not to overflow */
#define MAX_FAULT_SECONDS (24 * 3600)

typedef struct
{
  guint answer;
  GPatternSpec *glob;
  gint64 window_us;             /* 0: no end */
} FaultRule;

struct _P2pOriginFaults
{
  GMutex lock;
  GPtrArray *rules;
  gint64 armed_us;              /* monotonic; 0: not armed */
};

static void
fault_rule_free (gpointer data)
{
  FaultRule *r = data;

  g_pattern_spec_free (r->glob);
  g_free (r);
}

P2pOriginFaults *
p2p_origin_faults_new (void)
{
  P2pOriginFaults *f = g_new0 (P2pOriginFaults, 1);

  g_mutex_init (&f->lock);
  f->rules = g_ptr_array_new_with_free_func (fault_rule_free);
  return f;
}

void
p2p_origin_faults_free (P2pOriginFaults * faults)
{
  if (!faults)
    return;
  g_ptr_array_unref (faults->rules);
  g_mutex_clear (&faults->lock);
  g_free (faults);
}

static gboolean
parse_answer (const gchar * s, guint * answer)
{
  guint64 v;

  if (g_strcmp0 (s, "reset") == 0) {
    *answer = P2P_ORIGIN_FAULT_RESET;
    return TRUE;
  }
  if (!g_ascii_string_to_unsigned (s, 10, 400, 599, &v, NULL))
    return FALSE;
  *answer = v;
  return TRUE;
}

gboolean
p2p_origin_faults_add (P2pOriginFaults * faults, const gchar * spec,
    GError ** error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", 3);
  guint answer;
  guint64 seconds = 0;
  FaultRule *r;

  if (g_strv_length (parts) < 2 || !parse_answer (parts[0], &answer)
      || parts[1][0] == '\0'
      || (parts[2] && !g_ascii_string_to_unsigned (parts[2], 10, 0,
              MAX_FAULT_SECONDS, &seconds, NULL))) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "fault '%s': expected ANSWER:GLOB[:SECONDS] with ANSWER 400..599 "
        "or reset, GLOB not empty, SECONDS 0..%u", spec,
        MAX_FAULT_SECONDS);
    return FALSE;
  }
  r = g_new0 (FaultRule, 1);
  r->answer = answer;
  r->glob = g_pattern_spec_new (parts[1]);
  r->window_us = (gint64) seconds * G_USEC_PER_SEC;
  g_mutex_lock (&faults->lock);
  g_ptr_array_add (faults->rules, r);
  g_mutex_unlock (&faults->lock);
  return TRUE;
}

void
p2p_origin_faults_arm (P2pOriginFaults * faults)
{
  g_mutex_lock (&faults->lock);
  faults->armed_us = g_get_monotonic_time ();
  g_mutex_unlock (&faults->lock);
  GST_INFO ("faults armed");
}

guint
p2p_origin_faults_match (P2pOriginFaults * faults, const gchar * path)
{
  gint64 since;
  guint answer = 0;

  g_mutex_lock (&faults->lock);
  since = g_get_monotonic_time () - faults->armed_us;
  for (guint i = 0; faults->armed_us && i < faults->rules->len; i++) {
    FaultRule *r = g_ptr_array_index (faults->rules, i);

    if ((r->window_us == 0 || since < r->window_us)
        && g_pattern_spec_match_string (r->glob, path)) {
      answer = r->answer;
      break;
    }
  }
  g_mutex_unlock (&faults->lock);
  if (answer)
    GST_INFO ("%s: fault %u", path, answer);
  return answer;
}

typedef struct
{
  GIOStream *stream;
  GBytes *bytes;
} Cut;

static void
cut_written (GObject * source, GAsyncResult * res, gpointer user_data)
{
  Cut *cut = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL,
          &error))
    GST_DEBUG ("cut response: %s", error->message);
  /* the client sees the connection end before Content-Length */
  g_io_stream_close (cut->stream, NULL, NULL);
  g_object_unref (cut->stream);
  g_bytes_unref (cut->bytes);
  g_free (cut);
}

static void
append_header (const char *name, const char *value, gpointer user_data)
{
  g_string_append_printf (user_data, "%s: %s\r\n", name, value);
}

gssize
p2p_origin_faults_cut (SoupServerMessage * msg)
{
  guint status = soup_server_message_get_status (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  g_autoptr (GBytes) body = NULL;
  GString *out;
  gsize len, half;
  const gchar *data;
  Cut *cut;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status)
      || soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    return -1;
  body = soup_message_body_flatten (soup_server_message_get_response_body
      (msg));
  data = g_bytes_get_data (body, &len);
  if (len < 2)
    return -1;
  half = len / 2;
  out = g_string_new (NULL);
  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status,
      soup_status_get_phrase (status));
  soup_message_headers_foreach (resp, append_header, out);
  if (!soup_message_headers_get_one (resp, "Content-Length"))
    g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n",
        len);
  g_string_append (out, "Connection: close\r\n\r\n");
  g_string_append_len (out, data, half);

  cut = g_new0 (Cut, 1);
  cut->stream = soup_server_message_steal_connection (msg);
  cut->bytes = g_string_free_to_bytes (out);
  data = g_bytes_get_data (cut->bytes, &len);
  g_output_stream_write_all_async (g_io_stream_get_output_stream
      (cut->stream), data, len, G_PRIORITY_DEFAULT, NULL, cut_written, cut);
  return half;
}
