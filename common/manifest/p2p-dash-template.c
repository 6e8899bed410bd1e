/* gst-p2pcdn: DASH SegmentTemplate URLs, expanded and matched backwards.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-dash-template.h"
#include "p2p-manifest-private.h"

#include <string.h>

/* Widths above this are a hostile manifest, not a naming scheme. */
#define P2P_TEMPLATE_MAX_WIDTH 32
/* Backtracking over digit runs is exponential in the number of fields;
 * real templates have one or two. */
#define P2P_TEMPLATE_MAX_FIELDS 4
/* Digits of G_MAXUINT64. */
#define P2P_TEMPLATE_MAX_DIGITS 20

typedef enum
{
  P2P_TOKEN_LITERAL,
  P2P_TOKEN_NUMBER,
  P2P_TOKEN_TIME,
} P2pTokenType;

typedef struct
{
  P2pTokenType type;
  gchar *literal;
  guint width;
} P2pToken;

struct _P2pDashTemplate
{
  GArray *tokens;               /* P2pToken */
  gboolean has_number;
  gboolean has_time;
};

static void
p2p_token_clear (gpointer data)
{
  g_free (((P2pToken *) data)->literal);
}

void
p2p_dash_template_free (P2pDashTemplate * t)
{
  if (t == NULL)
    return;
  g_array_unref (t->tokens);
  g_free (t);
}

static void
p2p_template_add_literal (GArray * tokens, const gchar * s, gsize len)
{
  P2pToken *last = tokens->len ? &g_array_index (tokens, P2pToken,
      tokens->len - 1) : NULL;

  if (len == 0)
    return;
  if (last && last->type == P2P_TOKEN_LITERAL) {
    gchar *old = last->literal;

    last->literal = g_strdup_printf ("%s%.*s", old, (int) len, s);
    g_free (old);
  } else {
    P2pToken tok = { P2P_TOKEN_LITERAL, g_strndup (s, len), 0 };

    g_array_append_val (tokens, tok);
  }
}

/* "%0<width>d" after an identifier; "" means no format. */
static gboolean
p2p_template_parse_width (const gchar * fmt, guint * width, GError ** error)
{
  guint64 w = 0;
  gchar *digits;
  gsize n;
  gboolean ok;

  *width = 0;
  if (*fmt == '\0')
    return TRUE;
  n = strlen (fmt);
  if (fmt[0] != '%' || n < 2 || fmt[n - 1] != 'd') {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
        "format tag \"%s\" is not %%0<width>d", fmt);
    return FALSE;
  }
  digits = g_strndup (fmt + 1, n - 2);
  ok = *digits == '\0' || (p2p_parse_uint64 (digits, &w)
      && w <= P2P_TEMPLATE_MAX_WIDTH);
  g_free (digits);
  if (!ok) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
        "format tag \"%s\" has an invalid width", fmt);
    return FALSE;
  }
  *width = (guint) w;
  return TRUE;
}

static gchar *
p2p_template_format (guint64 value, guint width)
{
  return g_strdup_printf ("%0*" G_GUINT64_FORMAT, (int) width, value);
}

/* Splits @tmpl into literals and fields, substituting the identifiers
 * whose value is known already. */
static GArray *
p2p_template_tokenize (const gchar * tmpl, const gchar * rep_id,
    guint64 bandwidth, GError ** error)
{
  GArray *tokens = g_array_new (FALSE, TRUE, sizeof (P2pToken));
  const gchar *s = tmpl;
  guint fields = 0;

  g_array_set_clear_func (tokens, p2p_token_clear);
  while (*s) {
    const gchar *dollar = strchr (s, '$'), *close;
    gchar *ident, *fmt;
    guint width;

    if (dollar == NULL) {
      p2p_template_add_literal (tokens, s, strlen (s));
      break;
    }
    p2p_template_add_literal (tokens, s, dollar - s);
    close = strchr (dollar + 1, '$');
    if (close == NULL) {
      g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
          "unterminated '$' in template \"%s\"", tmpl);
      goto fail;
    }
    s = close + 1;
    if (close == dollar + 1) {
      p2p_template_add_literal (tokens, "$", 1);
      continue;
    }
    ident = g_strndup (dollar + 1, close - dollar - 1);
    fmt = strchr (ident, '%');
    if (!p2p_template_parse_width (fmt ? fmt : "", &width, error)) {
      g_free (ident);
      goto fail;
    }
    if (fmt)
      *fmt = '\0';
    if (g_str_equal (ident, "RepresentationID") && fmt == NULL) {
      p2p_template_add_literal (tokens, rep_id ? rep_id : "",
          rep_id ? strlen (rep_id) : 0);
    } else if (g_str_equal (ident, "Bandwidth")) {
      gchar *value = p2p_template_format (bandwidth, width);

      p2p_template_add_literal (tokens, value, strlen (value));
      g_free (value);
    } else if (g_str_equal (ident, "Number") || g_str_equal (ident, "Time")) {
      P2pToken tok = { g_str_equal (ident, "Number") ? P2P_TOKEN_NUMBER :
            P2P_TOKEN_TIME, NULL, width
      };

      if (++fields > P2P_TEMPLATE_MAX_FIELDS) {
        g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
            "more than %d $Number$/$Time$ in template \"%s\"",
            P2P_TEMPLATE_MAX_FIELDS, tmpl);
        g_free (ident);
        goto fail;
      }
      g_array_append_val (tokens, tok);
    } else {
      g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
          "unsupported identifier $%s$ in template \"%s\"", ident, tmpl);
      g_free (ident);
      goto fail;
    }
    g_free (ident);
  }
  return tokens;

fail:
  g_array_unref (tokens);
  return NULL;
}

/* Placeholders made of unreserved characters survive URI resolution
 * untouched, so the fields can be found again in the resolved URL. */
static gchar *
p2p_template_placeholder (guint i)
{
  return g_strdup_printf ("~p2pfield%u~", i);
}

static gboolean
p2p_template_resolve (P2pDashTemplate * t, const gchar * base_uri,
    const gchar * tmpl, GError ** error)
{
  GString *joined = g_string_new (NULL);
  GArray *resolved_tokens;
  gchar *resolved;
  const gchar *s;
  guint i, field = 0;

  for (i = 0; i < t->tokens->len; i++) {
    P2pToken *tok = &g_array_index (t->tokens, P2pToken, i);

    if (tok->type == P2P_TOKEN_LITERAL) {
      g_string_append (joined, tok->literal);
    } else {
      gchar *ph = p2p_template_placeholder (field++);

      g_string_append (joined, ph);
      g_free (ph);
    }
  }
  resolved = p2p_uri_resolve (base_uri, joined->str);
  g_string_free (joined, TRUE);
  if (resolved == NULL) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
        "cannot resolve template \"%s\" against %s", tmpl, base_uri);
    return FALSE;
  }

  resolved_tokens = g_array_new (FALSE, TRUE, sizeof (P2pToken));
  g_array_set_clear_func (resolved_tokens, p2p_token_clear);
  s = resolved;
  field = 0;
  for (i = 0; i < t->tokens->len; i++) {
    P2pToken *tok = &g_array_index (t->tokens, P2pToken, i);
    P2pToken copy = *tok;
    gchar *ph;
    const gchar *at;

    if (tok->type == P2P_TOKEN_LITERAL)
      continue;
    ph = p2p_template_placeholder (field++);
    at = strstr (s, ph);
    if (at == NULL) {
      g_free (ph);
      g_free (resolved);
      g_array_unref (resolved_tokens);
      g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
          "template \"%s\" does not resolve to a usable URL", tmpl);
      return FALSE;
    }
    p2p_template_add_literal (resolved_tokens, s, at - s);
    copy.literal = NULL;
    g_array_append_val (resolved_tokens, copy);
    s = at + strlen (ph);
    g_free (ph);
  }
  p2p_template_add_literal (resolved_tokens, s, strlen (s));
  g_free (resolved);
  g_array_unref (t->tokens);
  t->tokens = resolved_tokens;
  return TRUE;
}

P2pDashTemplate *
p2p_dash_template_new (const gchar * base_uri, const gchar * tmpl,
    const gchar * rep_id, guint64 bandwidth, gboolean allow_fields,
    GError ** error)
{
  P2pDashTemplate *t;
  GArray *tokens;
  guint i;

  tokens = p2p_template_tokenize (tmpl, rep_id, bandwidth, error);
  if (tokens == NULL)
    return NULL;
  t = g_new0 (P2pDashTemplate, 1);
  t->tokens = tokens;
  for (i = 0; i < tokens->len; i++) {
    P2pTokenType type = g_array_index (tokens, P2pToken, i).type;

    t->has_number |= type == P2P_TOKEN_NUMBER;
    t->has_time |= type == P2P_TOKEN_TIME;
  }
  if (!allow_fields && (t->has_number || t->has_time)) {
    g_set_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID,
        "$Number$ or $Time$ in initialization template \"%s\"", tmpl);
    p2p_dash_template_free (t);
    return NULL;
  }
  if (!p2p_template_resolve (t, base_uri, tmpl, error)) {
    p2p_dash_template_free (t);
    return NULL;
  }
  return t;
}

gboolean
p2p_dash_template_has_number (const P2pDashTemplate * t)
{
  return t->has_number;
}

gboolean
p2p_dash_template_has_time (const P2pDashTemplate * t)
{
  return t->has_time;
}

gchar *
p2p_dash_template_expand (const P2pDashTemplate * t, guint64 number,
    guint64 time)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < t->tokens->len; i++) {
    P2pToken *tok = &g_array_index (t->tokens, P2pToken, i);

    if (tok->type == P2P_TOKEN_LITERAL) {
      g_string_append (out, tok->literal);
    } else {
      gchar *v = p2p_template_format (tok->type == P2P_TOKEN_NUMBER ? number :
          time, tok->width);

      g_string_append (out, v);
      g_free (v);
    }
  }
  return g_string_free (out, FALSE);
}

typedef struct
{
  gboolean has_number, has_time;
  guint64 number, time;
} P2pTemplateValues;

static gboolean
p2p_template_match_from (const P2pDashTemplate * t, guint i, const gchar * s,
    P2pTemplateValues * values)
{
  P2pToken *tok;
  guint digits = 0, len;

  if (i == t->tokens->len)
    return *s == '\0';
  tok = &g_array_index (t->tokens, P2pToken, i);
  if (tok->type == P2P_TOKEN_LITERAL) {
    gsize n = strlen (tok->literal);

    return strncmp (s, tok->literal, n) == 0
        && p2p_template_match_from (t, i + 1, s + n, values);
  }

  while (g_ascii_isdigit (s[digits]) && digits < P2P_TEMPLATE_MAX_DIGITS)
    digits++;
  for (len = digits; len >= MAX (tok->width, 1); len--) {
    gchar buf[P2P_TEMPLATE_MAX_DIGITS + 1];
    guint64 v;
    P2pTemplateValues saved = *values;
    gboolean *has = tok->type == P2P_TOKEN_NUMBER ? &values->has_number :
        &values->has_time;
    guint64 *value = tok->type == P2P_TOKEN_NUMBER ? &values->number :
        &values->time;

    memcpy (buf, s, len);
    buf[len] = '\0';
    if (!p2p_parse_uint64 (buf, &v))
      continue;
    /* An identifier used twice must read the same both times. */
    if (*has && *value != v)
      continue;
    *has = TRUE;
    *value = v;
    if (p2p_template_match_from (t, i + 1, s + len, values))
      return TRUE;
    *values = saved;
  }
  return FALSE;
}

gboolean
p2p_dash_template_match (const P2pDashTemplate * t, const gchar * uri,
    guint64 * number, guint64 * time)
{
  P2pTemplateValues values = { FALSE, FALSE, 0, 0 };

  if (!p2p_template_match_from (t, 0, uri, &values))
    return FALSE;
  if (number)
    *number = values.number;
  if (time)
    *time = values.time;
  return TRUE;
}
