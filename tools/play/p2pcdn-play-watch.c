/* gst-p2pcdn: what a viewer of p2pcdn-play sees (startup, stalls, buffer).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Measured on the wall clock (monotonic) from the moment PLAYING is
 * requested:
 * - startup: until the first video frame reaches the video sink;
 * - stalls: gaps of more than 500 ms between consecutive video frames at the
 *   sink after the first one (meaningful with sync=true sinks); a gap still
 *   open when the report is made counts too ("stalled_at_end");
 * - renditions: the video caps (width, height) the sink received, with time;
 * - a series sampled every second: position, buffered-ahead and the byte
 *   counters of the last p2pcdn-stats message. Buffered-ahead is the stream
 *   time of the end of the last video buffer that left a (non-adaptive)
 *   demuxer such as tsdemux or qtdemux, minus the playback position: the
 *   video that is downloaded and demuxed but not yet shown.
 * - CPU time (user + system) and peak RSS of the process (getrusage).
 */
#include "p2pcdn-play-watch.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#define STALL_US (500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gdouble t;                    /* s since start */
  gdouble position;             /* s, < 0: unknown */
  gdouble buffered;             /* s, < 0: unknown */
  guint64 http, p2p, cache;
  guint64 frames;
  guint stalls;
} PlaySample;

typedef struct
{
  gdouble t;
  gint width, height;
} PlayCaps;

struct _PlayWatch
{
  GMutex lock;
  GstElement *playbin;          /* not owned */
  gint64 start_us;              /* monotonic, PLAYING requested */
  gint64 start_real_us;
  gint64 first_frame_us;        /* 0: none yet */
  gint64 last_frame_us;
  guint64 frames;
  guint stalls;
  gint64 stalled_us;
  gint64 max_stall_us;
  GstClockTime demuxed_until;   /* stream time, NONE: nothing yet */
  GArray *samples;              /* PlaySample */
  GArray *caps;                 /* PlayCaps */
};

typedef struct
{
  PlayWatch *w;
  gboolean video;
  gboolean have_segment;
  GstSegment segment;
} DemuxPad;

static gdouble
since_start (PlayWatch * w, gint64 now)
{
  return w->start_us ? (now - w->start_us) / 1e6 : 0.0;
}

static void
on_frame (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer data)
{
  PlayWatch *w = data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&w->lock);
  if (!w->first_frame_us) {
    w->first_frame_us = now;
  } else if (now - w->last_frame_us > STALL_US) {
    gint64 gap = now - w->last_frame_us;

    w->stalls++;
    w->stalled_us += gap;
    w->max_stall_us = MAX (w->max_stall_us, gap);
  }
  w->last_frame_us = now;
  w->frames++;
  g_mutex_unlock (&w->lock);
}

static GstPadProbeReturn
on_sink_event (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  PlayWatch *w = data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  PlayCaps c = { 0, };

  if (GST_EVENT_TYPE (ev) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (ev, &caps);
  if (gst_caps_get_size (caps) == 0)
    return GST_PAD_PROBE_OK;
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &c.width);
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "height", &c.height);
  g_mutex_lock (&w->lock);
  c.t = since_start (w, g_get_monotonic_time ());
  g_array_append_val (w->caps, c);
  g_mutex_unlock (&w->lock);
  return GST_PAD_PROBE_OK;
}

static void
demux_pad_caps (DemuxPad * d, GstCaps * caps)
{
  if (caps && gst_caps_get_size (caps) > 0)
    d->video = g_str_has_prefix (gst_structure_get_name
        (gst_caps_get_structure (caps, 0)), "video/");
}

static GstPadProbeReturn
on_demux_data (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  DemuxPad *d = data;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      GstCaps *caps;

      gst_event_parse_caps (ev, &caps);
      demux_pad_caps (d, caps);
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      gst_event_copy_segment (ev, &d->segment);
      d->have_segment = TRUE;
    }
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    GstClockTime end, st;

    if (!d->video || !d->have_segment || !GST_BUFFER_PTS_IS_VALID (buf)
        || d->segment.format != GST_FORMAT_TIME)
      return GST_PAD_PROBE_OK;
    end = GST_BUFFER_PTS (buf);
    if (GST_BUFFER_DURATION_IS_VALID (buf))
      end += GST_BUFFER_DURATION (buf);
    st = gst_segment_to_stream_time (&d->segment, GST_FORMAT_TIME, end);
    if (GST_CLOCK_TIME_IS_VALID (st)) {
      g_mutex_lock (&d->w->lock);
      d->w->demuxed_until = st;
      g_mutex_unlock (&d->w->lock);
    }
  }
  return GST_PAD_PROBE_OK;
}

static void
on_demux_pad (GstElement * demux, GstPad * pad, gpointer data)
{
  DemuxPad *d = g_new0 (DemuxPad, 1);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstEvent *seg = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);

  d->w = data;
  gst_segment_init (&d->segment, GST_FORMAT_UNDEFINED);
  demux_pad_caps (d, caps);
  if (seg) {
    gst_event_copy_segment (seg, &d->segment);
    d->have_segment = TRUE;
    gst_event_unref (seg);
  }
  if (caps)
    gst_caps_unref (caps);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_demux_data, d, g_free);
}

static void
on_element_added (GstBin * bin, GstBin * sub_bin, GstElement * element,
    gpointer data)
{
  GstElementFactory *f = gst_element_get_factory (element);
  const gchar *klass;

  if (!f)
    return;
  klass = gst_element_factory_get_metadata (f, GST_ELEMENT_METADATA_KLASS);
  if (klass && strstr (klass, "Demux") && !strstr (klass, "Adaptive"))
    g_signal_connect (element, "pad-added", G_CALLBACK (on_demux_pad), data);
}

/**
 * play_watch_new:
 * @playbin: the pipeline; must not outlive the watch
 * @video_sink: the video sink (a fakesink with signal-handoffs=TRUE)
 */
PlayWatch *
play_watch_new (GstElement * playbin, GstElement * video_sink)
{
  PlayWatch *w = g_new0 (PlayWatch, 1);
  GstPad *pad = gst_element_get_static_pad (video_sink, "sink");

  g_mutex_init (&w->lock);
  w->playbin = playbin;
  w->demuxed_until = GST_CLOCK_TIME_NONE;
  w->samples = g_array_new (FALSE, FALSE, sizeof (PlaySample));
  w->caps = g_array_new (FALSE, FALSE, sizeof (PlayCaps));
  g_signal_connect (video_sink, "handoff", G_CALLBACK (on_frame), w);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_sink_event,
      w, NULL);
  gst_object_unref (pad);
  g_signal_connect (playbin, "deep-element-added",
      G_CALLBACK (on_element_added), w);
  return w;
}

/* Call right before the PLAYING request. */
void
play_watch_start (PlayWatch * w)
{
  g_mutex_lock (&w->lock);
  w->start_us = g_get_monotonic_time ();
  w->start_real_us = g_get_real_time ();
  g_mutex_unlock (&w->lock);
}

static guint64
stats_u64 (const GstStructure * stats, const gchar * field)
{
  guint64 v = 0;

  if (stats)
    gst_structure_get_uint64 (stats, field, &v);
  return v;
}

static void
add_double_or_null (JsonBuilder * b, const gchar * name, gdouble v)
{
  json_builder_set_member_name (b, name);
  if (v < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

static void
add_sample (JsonBuilder * b, const PlaySample * s)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "t");
  json_builder_add_double_value (b, s->t);
  add_double_or_null (b, "position", s->position);
  add_double_or_null (b, "buffered", s->buffered);
  json_builder_set_member_name (b, "http");
  json_builder_add_int_value (b, s->http);
  json_builder_set_member_name (b, "p2p");
  json_builder_add_int_value (b, s->p2p);
  json_builder_set_member_name (b, "cache");
  json_builder_add_int_value (b, s->cache);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, s->frames);
  json_builder_set_member_name (b, "stalls");
  json_builder_add_int_value (b, s->stalls);
  json_builder_end_object (b);
}

static void
print_sample (const PlaySample * s)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  gchar *json;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sample");
  add_sample (b, s);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_print ("%s\n", json);
  fflush (stdout);
  g_free (json);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
}

/**
 * play_watch_sample:
 * @stats: (nullable): the last p2pcdn-stats structure
 * @print: also print the sample as a JSON line {"sample": {...}}
 *
 * Takes one sample of the series; called every second by the main loop.
 */
void
play_watch_sample (PlayWatch * w, const GstStructure * stats, gboolean print)
{
  PlaySample s = { 0, };
  gint64 pos = -1;
  GstClockTime until;

  if (!gst_element_query_position (w->playbin, GST_FORMAT_TIME, &pos))
    pos = -1;
  s.position = pos >= 0 ? pos / 1e9 : -1.0;
  s.buffered = -1.0;
  s.http = stats_u64 (stats, "http-bytes");
  s.p2p = stats_u64 (stats, "p2p-bytes");
  s.cache = stats_u64 (stats, "cache-bytes");
  g_mutex_lock (&w->lock);
  s.t = since_start (w, g_get_monotonic_time ());
  until = w->demuxed_until;
  s.frames = w->frames;
  s.stalls = w->stalls;
  if (pos >= 0 && GST_CLOCK_TIME_IS_VALID (until))
    s.buffered = MAX (0.0, ((gint64) until - pos) / 1e9);
  g_array_append_val (w->samples, s);
  g_mutex_unlock (&w->lock);
  if (print)
    print_sample (&s);
}

static gdouble
timeval_s (const struct timeval *tv)
{
  return tv->tv_sec + tv->tv_usec / 1e6;
}

/* Adds the watch's members to the report object being built in @b. */
void
play_watch_add_members (PlayWatch * w, JsonBuilder * b, gboolean eos)
{
  struct rusage ru;
  gint64 now = g_get_monotonic_time ();
  gint64 open_gap = 0;
  guint stalls, i;
  gint64 stalled;

  g_mutex_lock (&w->lock);
  if (w->first_frame_us && !eos && now - w->last_frame_us > STALL_US)
    open_gap = now - w->last_frame_us;
  stalls = w->stalls + (open_gap ? 1 : 0);
  stalled = w->stalled_us + open_gap;

  json_builder_set_member_name (b, "start_monotonic_us");
  json_builder_add_int_value (b, w->start_us);
  json_builder_set_member_name (b, "start_unix_us");
  json_builder_add_int_value (b, w->start_real_us);
  add_double_or_null (b, "startup_s", w->first_frame_us ?
      (w->first_frame_us - w->start_us) / 1e6 : -1.0);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, w->frames);
  json_builder_set_member_name (b, "stalls");
  json_builder_add_int_value (b, stalls);
  json_builder_set_member_name (b, "stalled_s");
  json_builder_add_double_value (b, stalled / 1e6);
  json_builder_set_member_name (b, "max_stall_s");
  json_builder_add_double_value (b, MAX (w->max_stall_us, open_gap) / 1e6);
  json_builder_set_member_name (b, "stalled_at_end");
  json_builder_add_boolean_value (b, open_gap != 0);

  json_builder_set_member_name (b, "renditions");
  json_builder_begin_array (b);
  for (i = 0; i < w->caps->len; i++) {
    PlayCaps *c = &g_array_index (w->caps, PlayCaps, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "t");
    json_builder_add_double_value (b, c->t);
    json_builder_set_member_name (b, "width");
    json_builder_add_int_value (b, c->width);
    json_builder_set_member_name (b, "height");
    json_builder_add_int_value (b, c->height);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (i = 0; i < w->samples->len; i++)
    add_sample (b, &g_array_index (w->samples, PlaySample, i));
  json_builder_end_array (b);
  g_mutex_unlock (&w->lock);

  if (getrusage (RUSAGE_SELF, &ru) == 0) {
    json_builder_set_member_name (b, "cpu_s");
    json_builder_add_double_value (b, timeval_s (&ru.ru_utime) +
        timeval_s (&ru.ru_stime));
    json_builder_set_member_name (b, "max_rss_kb");
    json_builder_add_int_value (b, ru.ru_maxrss);
  }
}

void
play_watch_free (PlayWatch * w)
{
  if (!w)
    return;
  g_array_unref (w->samples);
  g_array_unref (w->caps);
  g_mutex_clear (&w->lock);
  g_free (w);
}
