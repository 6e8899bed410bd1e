/* gst-p2pcdn: what a source element asks of one HTTP request.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-http-options.h"

P2pHttpOptions *
p2p_http_options_new (void)
{
  P2pHttpOptions *o = g_new0 (P2pHttpOptions, 1);

  o->stop = -1;
  o->keep_alive = TRUE;
  o->automatic_redirect = TRUE;
  o->ssl_strict = TRUE;
  o->retries = 3;
  o->retry_backoff_max = 60.0;
  o->blocksize = 64 * 1024;
  o->known_size = -1;
  o->timeout = 15;
  o->ssl_use_system_ca_file = TRUE;
  return o;
}

P2pHttpOptions *
p2p_http_options_copy (const P2pHttpOptions * src)
{
  P2pHttpOptions *o = g_new0 (P2pHttpOptions, 1);

  *o = *src;
  o->uri = g_strdup (src->uri);
  o->method = g_strdup (src->method);
  o->user_agent = g_strdup (src->user_agent);
  o->extra_headers = src->extra_headers ?
      gst_structure_copy (src->extra_headers) : NULL;
  o->cookies = g_strdupv (src->cookies);
  o->user_id = g_strdup (src->user_id);
  o->user_pw = g_strdup (src->user_pw);
  o->proxy_id = g_strdup (src->proxy_id);
  o->proxy_pw = g_strdup (src->proxy_pw);
  o->proxy = g_strdup (src->proxy);
  o->ssl_ca_file = g_strdup (src->ssl_ca_file);
  o->tls_database = src->tls_database ? g_object_ref (src->tls_database) : NULL;
  o->tls_interaction = src->tls_interaction ?
      g_object_ref (src->tls_interaction) : NULL;
  o->scheme_prefix = g_strdup (src->scheme_prefix);
  o->swarm_id = g_strdup (src->swarm_id);
  o->swarm_settings = src->swarm_settings ?
      gst_structure_copy (src->swarm_settings) : NULL;
  return o;
}

void
p2p_http_options_free (P2pHttpOptions * o)
{
  if (!o)
    return;
  g_free (o->uri);
  g_free (o->method);
  g_free (o->user_agent);
  if (o->extra_headers)
    gst_structure_free (o->extra_headers);
  g_strfreev (o->cookies);
  g_free (o->user_id);
  g_free (o->user_pw);
  g_free (o->proxy_id);
  g_free (o->proxy_pw);
  g_free (o->proxy);
  g_free (o->ssl_ca_file);
  g_clear_object (&o->tls_database);
  g_clear_object (&o->tls_interaction);
  g_free (o->scheme_prefix);
  g_free (o->swarm_id);
  if (o->swarm_settings)
    gst_structure_free (o->swarm_settings);
  g_free (o);
}

gchar *
p2p_http_options_session_key (const P2pHttpOptions * o)
{
  return g_strdup_printf ("timeout=%u proxy=%s ca=%s system-ca=%d db=%p ti=%p "
      "log=%d", o->timeout, o->proxy ? o->proxy : "",
      o->ssl_ca_file ? o->ssl_ca_file : "", o->ssl_use_system_ca_file,
      (gpointer) o->tls_database, (gpointer) o->tls_interaction,
      o->log_level);
}
