/* Request log entries of the test origin: copy, free, JSON.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-origin-private.h"

#include <json-glib/json-glib.h>

SoupMessageHeaders *
p2p_origin_headers_copy (SoupMessageHeaders * src)
{
  SoupMessageHeaders *dst =
      soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  SoupMessageHeadersIter iter;
  const gchar *name, *value;

  if (src) {
    soup_message_headers_iter_init (&iter, src);
    while (soup_message_headers_iter_next (&iter, &name, &value))
      soup_message_headers_append (dst, name, value);
  }
  return dst;
}

/**
 * p2p_origin_request_copy:
 *
 * Returns: (transfer full): a deep copy, free with p2p_origin_request_free()
 */
P2pOriginRequest *
p2p_origin_request_copy (const P2pOriginRequest * req)
{
  P2pOriginRequest *copy = g_new0 (P2pOriginRequest, 1);

  *copy = *req;
  copy->method = g_strdup (req->method);
  copy->path = g_strdup (req->path);
  copy->query = g_strdup (req->query);
  copy->range = g_strdup (req->range);
  copy->user_agent = g_strdup (req->user_agent);
  copy->remote_host = g_strdup (req->remote_host);
  copy->headers = p2p_origin_headers_copy (req->headers);
  return copy;
}

/* Frees what @req points to, not @req itself (see p2p-origin.c's entries) */
void
p2p_origin_request_clear (P2pOriginRequest * req)
{
  g_clear_pointer (&req->method, g_free);
  g_clear_pointer (&req->path, g_free);
  g_clear_pointer (&req->query, g_free);
  g_clear_pointer (&req->range, g_free);
  g_clear_pointer (&req->user_agent, g_free);
  g_clear_pointer (&req->remote_host, g_free);
  g_clear_pointer (&req->headers, soup_message_headers_unref);
}

void
p2p_origin_request_free (P2pOriginRequest * req)
{
  if (!req)
    return;
  p2p_origin_request_clear (req);
  g_free (req);
}

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/**
 * p2p_origin_request_to_json:
 *
 * Returns: (transfer full): one line of JSON (no newline) with the fields of
 * @req; "headers" is an object whose repeated names are joined with ", ".
 */
gchar *
p2p_origin_request_to_json (const P2pOriginRequest * req)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  SoupMessageHeadersIter iter;
  const gchar *name, *value;

  json_builder_begin_object (b);
  add_string (b, "method", req->method);
  add_string (b, "path", req->path);
  add_string (b, "query", req->query);
  add_string (b, "range", req->range);
  add_string (b, "user_agent", req->user_agent);
  add_string (b, "remote_host", req->remote_host);

  json_builder_set_member_name (b, "headers");
  json_builder_begin_object (b);
  if (req->headers) {
    soup_message_headers_iter_init (&iter, req->headers);
    while (soup_message_headers_iter_next (&iter, &name, &value)) {
      /* header names are case-insensitive: one member per name */
      if (!g_hash_table_add (seen, g_ascii_strdown (name, -1)))
        continue;
      json_builder_set_member_name (b, name);
      json_builder_add_string_value (b,
          soup_message_headers_get_list (req->headers, name));
    }
  }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, req->status);
  json_builder_set_member_name (b, "bytes_sent");
  json_builder_add_int_value (b, req->bytes_sent);
  json_builder_set_member_name (b, "timestamp_us");
  json_builder_add_int_value (b, req->timestamp_us);
  json_builder_set_member_name (b, "finished");
  json_builder_add_boolean_value (b, req->finished);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}
