/* Clock-driven live HLS playlists and DASH MPDs from pre-generated segments.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * make-content.sh leaves live/live.ini, live/hls/vN/segNNN.ts and
 * live/dash/{period.xml,init-stream*.m4s,chunk-stream*-NNNNN.m4s}. Segment k
 * (0-based) of the live stream covers [k*D, (k+1)*D) seconds after the epoch
 * and is cut from pre-generated segment k % segment-count, so rendering is a
 * pure function of (path, epoch, elapsed time, number of segments): tests can
 * check it without waiting on a clock.
 */
#include "p2p-origin-live.h"
#include "p2p-origin-bmff.h"
#include "p2p-origin-response.h"
#include "p2p-origin.h"

#include <string.h>

#define HLS_PREFIX "/live/hls/"
#define DASH_PREFIX "/live/dash/"

struct _P2pOriginLive
{
  gchar *dir;
  guint segment_duration;       /* seconds */
  guint segment_count;          /* pre-generated segments per rendition */
  GStrv renditions;             /* HLS: subdirectories of live/hls */
  GStrv representations;        /* DASH: Representation ids */
  guint32 *timescales;          /* DASH: mdhd timescale per representation */
  gchar *period;                /* DASH: the <Period> element, verbatim */
};

static gboolean
load_error (GError ** error, const gchar * file, const gchar * what)
{
  g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_CONTENT,
      "Invalid live content description %s: %s", file, what);
  return FALSE;
}

static gboolean
p2p_origin_live_load (P2pOriginLive * live, GError ** error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree gchar *ini = g_build_filename (live->dir, "live.ini", NULL);
  g_autofree gchar *period_file = NULL;
  g_auto (GStrv) timescales = NULL;
  GError *local = NULL;
  guint64 value;
  guint i;

  if (!g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, error))
    return FALSE;

  value = g_key_file_get_uint64 (kf, "live", "segment-duration", &local);
  if (local || value == 0 || value > 60) {
    g_clear_error (&local);
    return load_error (error, ini, "segment-duration must be 1..60");
  }
  live->segment_duration = value;

  value = g_key_file_get_uint64 (kf, "live", "segment-count", &local);
  if (local || value == 0 || value > 100000) {
    g_clear_error (&local);
    return load_error (error, ini, "segment-count must be 1..100000");
  }
  live->segment_count = value;

  live->renditions = g_key_file_get_string_list (kf, "hls", "renditions",
      NULL, NULL);
  live->representations = g_key_file_get_string_list (kf, "dash",
      "representations", NULL, NULL);
  timescales = g_key_file_get_string_list (kf, "dash", "timescales", NULL,
      NULL);
  if (!live->renditions || !live->representations || !timescales ||
      g_strv_length (timescales) != g_strv_length (live->representations))
    return load_error (error, ini, "renditions, representations and "
        "timescales are required, one timescale per representation");

  for (i = 0; live->renditions[i]; i++) {
    if (!g_str_is_ascii (live->renditions[i]) || !*live->renditions[i] ||
        strchr (live->renditions[i], '/') || live->renditions[i][0] == '.')
      return load_error (error, ini, "bad rendition name");
  }

  live->timescales = g_new0 (guint32, g_strv_length (timescales));
  for (i = 0; timescales[i]; i++) {
    if (!g_ascii_string_to_unsigned (timescales[i], 10, 1, G_MAXUINT32,
            &value, NULL))
      return load_error (error, ini, "bad timescale");
    live->timescales[i] = value;
  }

  period_file = g_build_filename (live->dir, "dash", "period.xml", NULL);
  return g_file_get_contents (period_file, &live->period, NULL, error);
}

/**
 * p2p_origin_live_new:
 * @content_dir: the directory make-content.sh filled
 *
 * Returns: (transfer full): the live description, or NULL with @error set
 * when @content_dir has no usable live/ subdirectory.
 */
P2pOriginLive *
p2p_origin_live_new (const gchar * content_dir, GError ** error)
{
  P2pOriginLive *live = g_new0 (P2pOriginLive, 1);

  live->dir = g_build_filename (content_dir, "live", NULL);
  if (!p2p_origin_live_load (live, error)) {
    p2p_origin_live_free (live);
    return NULL;
  }
  return live;
}

void
p2p_origin_live_free (P2pOriginLive * live)
{
  if (!live)
    return;
  g_free (live->dir);
  g_strfreev (live->renditions);
  g_strfreev (live->representations);
  g_free (live->timescales);
  g_free (live->period);
  g_free (live);
}

guint
p2p_origin_live_get_segment_duration (P2pOriginLive * live)
{
  return live->segment_duration;
}

static GBytes *
not_found (GError ** error, const gchar * path, const gchar * why)
{
  g_set_error (error, P2P_ORIGIN_ERROR, P2P_ORIGIN_ERROR_NOT_FOUND,
      "%s: %s", path, why);
  return NULL;
}

/* Parses exactly "<prefix><decimal digits><suffix>". */
static gboolean
match_number (const gchar * s, const gchar * prefix, const gchar * suffix,
    guint64 * out)
{
  gsize len = strlen (s), plen = strlen (prefix), slen = strlen (suffix);
  g_autofree gchar *digits = NULL;

  if (len <= plen + slen || !g_str_has_prefix (s, prefix) ||
      !g_str_has_suffix (s, suffix) || !g_ascii_isdigit (s[plen]))
    return FALSE;
  digits = g_strndup (s + plen, len - plen - slen);
  return g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT32, out, NULL);
}

/* How many segments exist at @elapsed_us: a segment is published when its
 * start time is reached, so a player joining at once finds one to play. */
static guint64
published_segments (P2pOriginLive * live, gint64 elapsed_us, guint n_segments)
{
  guint64 n = MAX (elapsed_us, 0) / (live->segment_duration * G_USEC_PER_SEC)
      + 1;

  return n_segments > 0 ? MIN (n, n_segments) : n;
}

static GBytes *
render_hls_playlist (P2pOriginLive * live, gint64 elapsed_us, guint n_segments)
{
  GString *s = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n");
  guint64 published = published_segments (live, elapsed_us, n_segments);
  guint64 first = published > P2P_ORIGIN_LIVE_WINDOW ?
      published - P2P_ORIGIN_LIVE_WINDOW : 0;
  guint64 k;

  g_string_append_printf (s, "#EXT-X-TARGETDURATION:%u\n",
      live->segment_duration);
  g_string_append_printf (s, "#EXT-X-MEDIA-SEQUENCE:%" G_GUINT64_FORMAT "\n",
      first);
  /* each wrap to pre-generated segment 0 restarts the timestamps */
  g_string_append_printf (s, "#EXT-X-DISCONTINUITY-SEQUENCE:%"
      G_GUINT64_FORMAT "\n", first / live->segment_count);
  for (k = first; k < published; k++) {
    if (k > first && k % live->segment_count == 0)
      g_string_append (s, "#EXT-X-DISCONTINUITY\n");
    g_string_append_printf (s, "#EXTINF:%u.000,\nseg%03" G_GUINT64_FORMAT
        ".ts\n", live->segment_duration, k);
  }
  if (n_segments > 0 && published == n_segments)
    g_string_append (s, "#EXT-X-ENDLIST\n");

  return g_string_free_to_bytes (s);
}

static gchar *
format_utc (gint64 unix_s)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_s);

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static GBytes *
render_mpd (P2pOriginLive * live, gint64 epoch_unix_s, gint64 elapsed_us,
    guint n_segments)
{
  GString *s = g_string_new (NULL);
  guint64 total_us = (guint64) n_segments * live->segment_duration *
      G_USEC_PER_SEC;
  gboolean ended = n_segments > 0 && elapsed_us >= 0 &&
      (guint64) elapsed_us >= total_us;
  g_autofree gchar *ast = format_utc (epoch_unix_s);
  g_autofree gchar *now = format_utc (epoch_unix_s +
      MAX (elapsed_us, 0) / G_USEC_PER_SEC);

  g_string_append (s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"\n"
      "\tprofiles=\"urn:mpeg:dash:profile:isoff-live:2011\"\n");
  if (ended) {
    /* ISO/IEC 23009-1 lets an update turn a finished live MPD static */
    g_string_append (s, "\ttype=\"static\"\n");
  } else {
    g_string_append_printf (s, "\ttype=\"dynamic\"\n"
        "\tminimumUpdatePeriod=\"PT%uS\"\n"
        "\ttimeShiftBufferDepth=\"PT%uS\"\n",
        live->segment_duration,
        live->segment_duration * P2P_ORIGIN_LIVE_WINDOW);
  }
  /* A known end from the start lets dashdemux stop after the last segment;
   * without it, it asks for one more (404) before the static update. */
  if (n_segments > 0)
    g_string_append_printf (s,
        "\tmediaPresentationDuration=\"PT%" G_GUINT64_FORMAT "S\"\n",
        total_us / G_USEC_PER_SEC);
  g_string_append_printf (s, "\tavailabilityStartTime=\"%s\"\n"
      "\tpublishTime=\"%s\"\n"
      "\tmaxSegmentDuration=\"PT%uS\"\n"
      "\tminBufferTime=\"PT%uS\">\n",
      ast, now, live->segment_duration, 2 * live->segment_duration);
  g_string_append (s, live->period);
  g_string_append (s, "</MPD>\n");

  return g_string_free_to_bytes (s);
}

static GBytes *
read_segment (const gchar * file, guint8 ** data, gsize * size, GError ** error)
{
  gchar *contents;

  if (!g_file_get_contents (file, &contents, size, error))
    return NULL;
  *data = (guint8 *) contents;
  return g_bytes_new_take (contents, *size);
}

static GBytes *
render_hls (P2pOriginLive * live, const gchar * path, gint64 elapsed_us,
    guint n_segments, GError ** error)
{
  const gchar *rest = path + strlen (HLS_PREFIX);
  const gchar *slash = strchr (rest, '/');
  g_autofree gchar *rendition = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *file = NULL;
  guint8 *data;
  gsize size;
  guint64 k;

  if (!slash)
    return NULL;
  rendition = g_strndup (rest, slash - rest);
  if (!g_strv_contains ((const gchar * const *) live->renditions, rendition))
    return NULL;

  if (g_str_equal (slash + 1, "index.m3u8"))
    return render_hls_playlist (live, elapsed_us, n_segments);

  if (!match_number (slash + 1, "seg", ".ts", &k))
    return NULL;
  if (n_segments > 0 && k >= n_segments)
    return not_found (error, path, "past the end of the live stream");

  name = g_strdup_printf ("seg%03u.ts", (guint) (k % live->segment_count));
  file = g_build_filename (live->dir, "hls", rendition, name, NULL);
  return read_segment (file, &data, &size, error);
}

static GBytes *
render_dash_segment (P2pOriginLive * live, const gchar * path,
    const gchar * name, guint n_segments, GError ** error)
{
  const gchar *dash = strrchr (name, '-');
  g_autofree gchar *rep = NULL;
  g_autofree gchar *file = NULL;
  g_autofree gchar *pregen = NULL;
  g_autoptr (GBytes) bytes = NULL;
  guint64 rep_id, number, index, cycle;
  gint rep_index = -1;
  guint8 *data;
  gsize size;
  guint i;

  if (!dash)
    return NULL;
  rep = g_strndup (name, dash - name);
  if (!match_number (rep, "chunk-stream", "", &rep_id) ||
      !match_number (dash, "-", ".m4s", &number))
    return NULL;
  for (i = 0; live->representations[i]; i++) {
    if (g_str_equal (live->representations[i], rep + strlen ("chunk-stream")))
      rep_index = i;
  }
  if (rep_index < 0)
    return NULL;
  if (number == 0)
    return not_found (error, path, "segment numbers start at 1");
  if (n_segments > 0 && number > n_segments)
    return not_found (error, path, "past the end of the live stream");

  index = (number - 1) % live->segment_count;
  cycle = (number - 1) / live->segment_count;
  pregen = g_strdup_printf ("chunk-stream%s-%05u.m4s",
      live->representations[rep_index], (guint) index + 1);
  file = g_build_filename (live->dir, "dash", pregen, NULL);
  bytes = read_segment (file, &data, &size, error);
  if (!bytes)
    return NULL;
  if (!p2p_origin_bmff_shift_times (data, size, live->timescales[rep_index],
          cycle * live->segment_count * live->segment_duration, error))
    return NULL;
  return g_steal_pointer (&bytes);
}

/**
 * p2p_origin_live_render:
 * @path: the decoded request path, e.g. "/live/hls/v0/index.m3u8"
 * @epoch_unix_s: when the live stream started (availabilityStartTime)
 * @elapsed_us: time since @epoch_unix_s
 * @n_segments: segments before the stream ends, 0 for a stream that never ends
 * @content_type: (out): the Content-Type of the returned body
 *
 * Returns: (transfer full) (nullable): the body for a live playlist, MPD or
 * media segment. NULL with @error set for a live resource that does not
 * exist (P2P_ORIGIN_ERROR_NOT_FOUND) or cannot be read; NULL without error
 * when @path is not generated here and is served from the content
 * directory as it is (master playlist, initialization segments).
 */
GBytes *
p2p_origin_live_render (P2pOriginLive * live, const gchar * path,
    gint64 epoch_unix_s, gint64 elapsed_us, guint n_segments,
    const gchar ** content_type, GError ** error)
{
  GBytes *body = NULL;

  g_return_val_if_fail (live != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (g_str_has_prefix (path, HLS_PREFIX)) {
    body = render_hls (live, path, elapsed_us, n_segments, error);
  } else if (g_str_equal (path, DASH_PREFIX "manifest.mpd")) {
    body = render_mpd (live, epoch_unix_s, elapsed_us, n_segments);
  } else if (g_str_has_prefix (path, DASH_PREFIX)) {
    body = render_dash_segment (live, path, path + strlen (DASH_PREFIX),
        n_segments, error);
  }
  if (body && content_type)
    *content_type = p2p_origin_content_type_for_path (path);
  return body;
}
