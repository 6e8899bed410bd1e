/* gst-p2pcdn: unit tests of the DASH MPD parser and SegmentTemplate URLs.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"
#include "p2p-dash-template.h"
#include "p2p-mpd-parser.h"

#include <math.h>

#define BASE "http://origin.test/dash/manifest.mpd"

static P2pMpd *
parse_file (const gchar * name)
{
  GBytes *bytes = p2p_test_load (name);
  GError *error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  P2pMpd *mpd = p2p_mpd_parse (BASE, data, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (mpd);
  g_bytes_unref (bytes);
  return mpd;
}

static P2pMpd *
parse_text (const gchar * text, GError ** error)
{
  return p2p_mpd_parse (BASE, (const guint8 *) text, strlen (text), error);
}

static const P2pDashRepresentation *
rep (const P2pMpd * mpd, guint i)
{
  g_assert_cmpuint (i, <, mpd->representations->len);
  return g_ptr_array_index (mpd->representations, i);
}

static void
assert_time (const P2pDashRepresentation * r, guint64 index, gdouble start,
    gdouble duration)
{
  gdouble s, d;

  g_assert_true (p2p_dash_representation_segment_time (r, index, &s, &d));
  g_assert_cmpfloat_with_epsilon (s, start, 1e-9);
  g_assert_cmpfloat_with_epsilon (d, duration, 1e-9);
}

static void
assert_match (const P2pDashTemplate * t, const gchar * uri, guint64 number,
    guint64 time)
{
  guint64 n = G_MAXUINT64, tm = G_MAXUINT64;

  g_assert_true (p2p_dash_template_match (t, uri, &n, &tm));
  if (p2p_dash_template_has_number (t))
    g_assert_cmpuint (n, ==, number);
  if (p2p_dash_template_has_time (t))
    g_assert_cmpuint (tm, ==, time);
}

static void
test_ffmpeg_template (void)
{
  P2pMpd *mpd = parse_file ("dash-template.mpd");
  const P2pDashRepresentation *v = rep (mpd, 0), *a = rep (mpd, 1);
  gdouble s, d;
  gchar *uri;

  g_assert_false (mpd->dynamic);
  g_assert_cmpuint (mpd->representations->len, ==, 2);
  g_assert_cmpint (v->content, ==, P2P_DASH_CONTENT_VIDEO);
  g_assert_cmpint (a->content, ==, P2P_DASH_CONTENT_AUDIO);
  g_assert_cmpstr (v->id, ==, "0");
  g_assert_cmpuint (v->bandwidth, ==, 47909);
  g_assert_cmpstr (v->codecs, ==, "avc1.64000d");
  g_assert_cmpstr (v->width, ==, "320");
  g_assert_cmpstr (v->frame_rate, ==, "25/1");
  g_assert_cmpuint (a->channel_count, ==, 1);
  g_assert_cmpint (v->addressing, ==, P2P_DASH_ADDRESSING_TEMPLATE);
  g_assert_cmpuint (v->timescale, ==, 1000000);
  g_assert_cmpuint (v->start_number, ==, 1);
  g_assert_cmpfloat_with_epsilon (v->period_duration, 6.0, 1e-9);
  g_assert_cmpstr (v->init.uri, ==, "http://origin.test/dash/init-stream0.m4s");

  uri = p2p_dash_template_expand (v->media, 3, 0);
  g_assert_cmpstr (uri, ==, "http://origin.test/dash/chunk-stream0-00003.m4s");
  g_free (uri);
  assert_match (v->media, "http://origin.test/dash/chunk-stream0-00003.m4s", 3,
      0);
  assert_match (v->media, "http://origin.test/dash/chunk-stream0-123456.m4s",
      123456, 0);
  g_assert_false (p2p_dash_template_match (v->media,
          "http://origin.test/dash/chunk-stream0-003.m4s", NULL, NULL));
  g_assert_false (p2p_dash_template_match (v->media,
          "http://origin.test/dash/chunk-stream1-00003.m4s", NULL, NULL));

  assert_time (v, 0, 0, 2);
  assert_time (v, 2, 4, 2);
  /* The Period lasts 6 s: there is no fourth segment. */
  g_assert_false (p2p_dash_representation_segment_time (v, 3, &s, &d));
  p2p_mpd_free (mpd);
}

static void
test_ffmpeg_timeline (void)
{
  P2pMpd *mpd = parse_file ("dash-timeline.mpd");
  const P2pDashRepresentation *v = rep (mpd, 0), *a = rep (mpd, 1);
  guint64 index;
  gdouble s, d;

  g_assert_cmpuint (v->timeline->len, ==, 1);
  assert_time (v, 2, 4, 2);
  g_assert_false (p2p_dash_representation_segment_time (v, 3, &s, &d));
  g_assert_cmpuint (a->timeline->len, ==, 4);
  assert_time (a, 1, 84992.0 / 44100, 88064.0 / 44100);
  assert_time (a, 3, (84992.0 + 88064 + 89088) / 44100, 2456.0 / 44100);
  g_assert_true (p2p_dash_representation_index_of_time (a, 84992 + 88064,
          &index));
  g_assert_cmpuint (index, ==, 2);
  g_assert_false (p2p_dash_representation_index_of_time (a, 1000, &index));
  p2p_mpd_free (mpd);
}

static void
test_ffmpeg_segment_list (void)
{
  P2pMpd *mpd = parse_file ("dash-segmentlist.mpd");
  const P2pDashRepresentation *v = rep (mpd, 0);
  const P2pDashUrl *u;

  g_assert_cmpint (v->addressing, ==, P2P_DASH_ADDRESSING_LIST);
  g_assert_cmpstr (v->base_url, ==,
      "http://origin.test/dash/single-stream0.mp4");
  g_assert_cmpstr (v->init.uri, ==, v->base_url);
  g_assert_cmpint (v->init.range_end, ==, 814);
  g_assert_cmpuint (v->segments->len, ==, 3);
  u = &g_array_index (v->segments, P2pDashUrl, 1);
  g_assert_cmpstr (u->uri, ==, v->base_url);
  g_assert_cmpint (u->range_start, ==, 12975);
  g_assert_cmpint (u->range_end, ==, 24513);
  assert_time (v, 1, 2, 2);
  g_assert_cmpuint (rep (mpd, 1)->segments->len, ==, 4);
  p2p_mpd_free (mpd);
}

static void
test_segment_base (void)
{
  P2pMpd *mpd = parse_file ("dash-segmentbase.mpd");
  const P2pDashRepresentation *v = rep (mpd, 0);

  g_assert_cmpint (v->addressing, ==, P2P_DASH_ADDRESSING_BASE);
  g_assert_cmpstr (v->index.uri, ==,
      "http://origin.test/dash/video_dashinit.mp4");
  g_assert_cmpint (v->index.range_start, ==, 815);
  g_assert_cmpint (v->index.range_end, ==, 882);
  g_assert_cmpint (v->init.range_start, ==, 0);
  g_assert_cmpint (v->init.range_end, ==, 814);
  p2p_mpd_free (mpd);
}

static void
test_live (void)
{
  P2pMpd *mpd = parse_file ("dash-live.mpd");
  const P2pDashRepresentation *v = rep (mpd, 0);

  g_assert_true (mpd->dynamic);
  g_assert_true (isnan (v->period_duration));
  /* Unbounded: any number after startNumber has a time. */
  assert_time (v, 86400 * 7, 86400 * 7, 1);
  assert_match (v->media, "http://origin.test/dash/chunk-stream0-604801.m4s",
      604801, 0);
  p2p_mpd_free (mpd);
}

/* BaseURL at every level, inheritance of SegmentTemplate attributes and
 * timeline, $Time$, $Bandwidth$, r=-1, presentationTimeOffset and two
 * Periods. */
static void
test_inheritance (void)
{
  GError *error = NULL;
  P2pMpd *mpd = parse_text ("<?xml version=\"1.0\"?>\n"
      "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\""
      " mediaPresentationDuration=\"PT1M\">\n"
      " <BaseURL>https://cdn.test/root/</BaseURL>\n"
      " <Location>manifest-next.mpd</Location>\n"
      " <Period id=\"p0\" duration=\"PT20S\">\n"
      "  <BaseURL>p0/</BaseURL>\n"
      "  <SegmentTemplate timescale=\"90000\" presentationTimeOffset=\"900000\""
      "   media=\"$RepresentationID$/t$Time$.m4s\" initialization=\"$RepresentationID$/init.mp4\">\n"
      "   <SegmentTimeline><S t=\"900000\" d=\"180000\" r=\"-1\"/></SegmentTimeline>\n"
      "  </SegmentTemplate>\n"
      "  <AdaptationSet mimeType=\"video/mp4\" codecs=\"avc1.4d401f\">\n"
      "   <BaseURL>video/</BaseURL>\n"
      "   <Representation id=\"v1\" bandwidth=\"500000\" width=\"640\" height=\"360\">\n"
      "    <BaseURL>../v1base/</BaseURL>\n"
      "   </Representation>\n"
      "  </AdaptationSet>\n"
      " </Period>\n"
      " <Period id=\"p1\">\n"
      "  <AdaptationSet mimeType=\"audio/mp4\" codecs=\"mp4a.40.2\" lang=\"deu\">\n"
      "   <Label>Deutsch</Label>\n"
      "   <SegmentTemplate timescale=\"48000\" duration=\"96000\" startNumber=\"10\""
      "    media=\"a/$Bandwidth%08d$/$Number%03d$.m4s\"/>\n"
      "   <Representation id=\"a1\" bandwidth=\"128000\"/>\n"
      "  </AdaptationSet>\n" " </Period>\n" "</MPD>\n", &error);
  const P2pDashRepresentation *v, *a;
  gdouble s, d;
  gchar *uri;

  g_assert_no_error (error);
  g_assert_cmpuint (mpd->locations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (mpd->locations, 0), ==,
      "http://origin.test/dash/manifest-next.mpd");
  v = rep (mpd, 0);
  a = rep (mpd, 1);
  g_assert_cmpstr (v->base_url, ==, "https://cdn.test/root/p0/v1base/");
  g_assert_cmpstr (v->init.uri, ==,
      "https://cdn.test/root/p0/v1base/v1/init.mp4");
  g_assert_true (p2p_dash_template_has_time (v->media));
  uri = p2p_dash_template_expand (v->media, 0, 1080000);
  g_assert_cmpstr (uri, ==, "https://cdn.test/root/p0/v1base/v1/t1080000.m4s");
  g_free (uri);
  /* r=-1 repeats to the end of the 20 s Period: 10 segments. */
  assert_time (v, 0, 0, 2);
  assert_time (v, 9, 18, 2);
  g_assert_false (p2p_dash_representation_segment_time (v, 10, &s, &d));

  g_assert_cmpuint (a->period, ==, 1);
  g_assert_cmpfloat_with_epsilon (a->period_start, 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->period_duration, 40, 1e-9);
  g_assert_cmpstr (a->label, ==, "Deutsch");
  g_assert_cmpstr (a->lang, ==, "deu");
  uri = p2p_dash_template_expand (a->media, 12, 0);
  g_assert_cmpstr (uri, ==, "https://cdn.test/root/a/00128000/012.m4s");
  g_free (uri);
  assert_match (a->media, "https://cdn.test/root/a/00128000/012.m4s", 12, 0);
  /* Number 12 is the third segment of a Period that starts at 20 s. */
  assert_time (a, 12 - 10, 24, 2);
  p2p_mpd_free (mpd);
}

/* A byte order mark, a DOCTYPE and a remote (xlink) Period. */
static void
test_prologue (void)
{
  GError *error = NULL;
  P2pMpd *mpd = parse_text ("\xef\xbb\xbf<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE MPD>\n<MPD xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
      "<Period xlink:href=\"http://x/p.xml\"/><Period><AdaptationSet"
      " mimeType=\"video/mp4\"><Representation id=\"v\" bandwidth=\"1\"/>"
      "</AdaptationSet></Period></MPD>", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mpd->representations->len, ==, 1);
  g_assert_cmpuint (rep (mpd, 0)->period, ==, 0);
  g_assert_cmpint (rep (mpd, 0)->addressing, ==, P2P_DASH_ADDRESSING_NONE);
  g_assert_cmpstr (rep (mpd, 0)->base_url, ==, BASE);
  p2p_mpd_free (mpd);
}

static void
test_template_errors (void)
{
  static const gchar *bad[] = {
    "seg-$Number", "seg-$Foo$.m4s", "seg-$Number%5x$.m4s",
    "seg-$Number%099d$.m4s", "$Number$$Number$$Time$$Time$$Number$",
    "$RepresentationID%02d$",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GError *error = NULL;
    P2pDashTemplate *t = p2p_dash_template_new (BASE, bad[i], "r", 1, TRUE,
        &error);

    g_assert_null (t);
    g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    GError *error = NULL;
    P2pDashTemplate *t = p2p_dash_template_new (BASE, "a$$b-$Number$", "r",
        1, TRUE, &error);

    g_assert_no_error (error);
    assert_match (t, "http://origin.test/dash/a$b-7", 7, 0);
    p2p_dash_template_free (t);
    t = p2p_dash_template_new (BASE, "init-$Number$.mp4", "r", 1, FALSE,
        &error);
    g_assert_null (t);
    g_assert_error (error, P2P_MANIFEST_ERROR, P2P_MANIFEST_ERROR_INVALID);
    g_clear_error (&error);
  }
}

/* The same identifier twice must read the same; adjacent digits
 * backtrack. */
static void
test_template_match_tricky (void)
{
  GError *error = NULL;
  P2pDashTemplate *t = p2p_dash_template_new (BASE,
      "$Number$/$Number%03d$-$Time$1.m4s", "r", 1, TRUE, &error);
  guint64 n, tm;

  g_assert_no_error (error);
  assert_match (t, "http://origin.test/dash/5/005-9001.m4s", 5, 900);
  g_assert_false (p2p_dash_template_match (t,
          "http://origin.test/dash/5/006-9001.m4s", &n, &tm));
  g_assert_false (p2p_dash_template_match (t,
          "http://origin.test/dash/5/005-1.m4s", &n, &tm));
  p2p_dash_template_free (t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/mpd/ffmpeg-template", test_ffmpeg_template);
  g_test_add_func ("/manifest/mpd/ffmpeg-timeline", test_ffmpeg_timeline);
  g_test_add_func ("/manifest/mpd/ffmpeg-segment-list",
      test_ffmpeg_segment_list);
  g_test_add_func ("/manifest/mpd/segment-base", test_segment_base);
  g_test_add_func ("/manifest/mpd/live", test_live);
  g_test_add_func ("/manifest/mpd/inheritance", test_inheritance);
  g_test_add_func ("/manifest/mpd/prologue", test_prologue);
  g_test_add_func ("/manifest/mpd/template-errors", test_template_errors);
  g_test_add_func ("/manifest/mpd/template-match-tricky",
      test_template_match_tricky);
  return g_test_run ();
}
