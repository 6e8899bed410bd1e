/* gst-p2pcdn: unit tests of the swarm identity (protocols.md 4 and 5).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "manifest-test-util.h"
#include "p2p-manifest-private.h"
#include "p2p-swarm-id.h"

#include <math.h>

static void
assert_identity (P2pSwarmProfile profile, const gchar * swarm,
    gboolean secondary, const P2pStreamAttrs * attrs,
    const gchar * expected_identity, const gchar * expected_key,
    const gchar * expected_info_hash)
{
  gchar *identity = p2p_swarm_identity_string (profile, attrs);
  gchar *ssid = p2p_swarm_stream_swarm_id (profile, swarm, secondary, attrs);
  gchar *info_hash = p2p_swarm_info_hash (ssid);
  gchar *expected = g_strdup_printf ("%s-%s-%s-%s",
      profile == P2P_SWARM_PROFILE_V3 ? "v3" : "v2", swarm,
      secondary ? "secondary" : "main", expected_key);

  g_assert_cmpstr (identity, ==, expected_identity);
  g_assert_cmpstr (ssid, ==, expected);
  g_assert_cmpuint (strlen (info_hash), ==, 20);
  if (expected_info_hash)
    g_assert_cmpstr (info_hash, ==, expected_info_hash);
  g_free (expected);
  g_free (info_hash);
  g_free (ssid);
  g_free (identity);
}

/* The swarm captured on the wire between two PML 2.3.1 browsers. */
static void
test_v2_wire_vector (void)
{
  P2pStreamAttrs attrs = { "0", };

  assert_identity (P2P_SWARM_PROFILE_V2,
      "http://127.0.0.1:20080/out/index.m3u8", FALSE, &attrs, "0--------",
      "UYnLxGhQilEV4D0HbCx+kRv0ZF0=", "Un5pXNncgx4ZjfNSitaa");
  /* An undefined bitrate prints as 0 too. */
  attrs.bitrate = NULL;
  assert_identity (P2P_SWARM_PROFILE_V2,
      "http://127.0.0.1:20080/out/index.m3u8", FALSE, &attrs, "0--------",
      "UYnLxGhQilEV4D0HbCx+kRv0ZF0=", "Un5pXNncgx4ZjfNSitaa");
}

static void
test_v3_vectors (void)
{
  const gchar *swarm = "https://example.com/hls/master.m3u8";
  P2pStreamAttrs empty = { "0", };
  P2pStreamAttrs video = { "4521000", "avc1.64002a,mp4a.40.2", "1920",
    "1080", NULL, NULL, NULL, "29.970", "SDR"
  };
  P2pStreamAttrs audio = { "0", "mp4a.40.2", NULL, NULL, "en-US", "2/0",
    "English", NULL, NULL
  };

  assert_identity (P2P_SWARM_PROFILE_V3, swarm, FALSE, &empty, "0--------",
      "UYnLxGhQilEV4D0HbCx+kRv0ZF0=", "s/SEXqQzSgMtVKrBDDMm");
  assert_identity (P2P_SWARM_PROFILE_V2, swarm, FALSE, &empty, "0--------",
      "UYnLxGhQilEV4D0HbCx+kRv0ZF0=", "P78ZUY66tgmtYL6JoePW");
  assert_identity (P2P_SWARM_PROFILE_V3, swarm, FALSE, &video,
      "4521000-avc1.64002a,mp4a.40.2-1920-1080----29.970-SDR",
      "iNz0Nm5CRoj3CPnATwZbzOR36hg=", "jAztisioAey83yeI5VCy");
  assert_identity (P2P_SWARM_PROFILE_V3, swarm, TRUE, &audio,
      "0-mp4a.40.2---en-US-2/0-English--", "GT17s2lVP9juJlJgLa8S/8amjhI=",
      "A6g5A9j7J9F2myVq+nOB");
  assert_identity (P2P_SWARM_PROFILE_V3,
      "http://127.0.0.1:20080/out/index.m3u8", FALSE, &empty, "0--------",
      "UYnLxGhQilEV4D0HbCx+kRv0ZF0=", "vQ6U1/RrPSDBSukXnF2i");
}

/* What p2p-media-loader 2.3 normalizes before hashing. */
static void
test_v2_normalization (void)
{
  static const struct
  {
    P2pStreamAttrs attrs;
    const gchar *identity;
  } cases[] = {
    /* codecs lower-cased, trimmed, sorted; decimal avc1 to hex */
    {{"405900", "mp4a.40.2, AVC1.66.30", "320", "240", NULL, NULL, NULL,
            "29.970", "sdr "},
        "405900-avc1.42001e,mp4a.40.2-320-240----29.97-SDR"},
    /* avc1 with a non-canonical decimal part stays as it is */
    {{"1", "avc1.066.30", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
        "1-avc1.066.30-------"},
    {{"1", "avc1.64001f,avc1.4d401e", NULL, NULL, NULL, NULL, NULL, NULL,
            NULL}, "1-avc1.4d401e,avc1.64001f-------"},
    /* language: two letters, "und" is none */
    {{"0", "mp4a.40.2", NULL, NULL, "en-US", "2/0", " English ", NULL, NULL},
        "0-mp4a.40.2---en-2-english--"},
    {{"0", NULL, NULL, NULL, "und", "6", "Main", NULL, NULL},
        "0-----6-main--"},
    /* frame rates in JavaScript's notation; NaN is dropped */
    {{"1", NULL, NULL, NULL, NULL, NULL, NULL, "25.000", NULL},
        "1-------25-"},
    {{"1", NULL, NULL, NULL, NULL, NULL, NULL, "23.976", NULL},
        "1-------23.976-"},
    {{"1", NULL, NULL, NULL, NULL, NULL, NULL, "fast", NULL},
        "1--------"},
    {{"1", NULL, NULL, NULL, NULL, NULL, NULL, "0x1E", NULL},
        "1-------30-"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *identity = p2p_swarm_identity_string (P2P_SWARM_PROFILE_V2,
        &cases[i].attrs);

    g_assert_cmpstr (identity, ==, cases[i].identity);
    g_free (identity);
  }
}

static void
test_js_numbers (void)
{
  static const struct
  {
    gdouble v;
    const gchar *text;
  } cases[] = {
    {0, "0"}, {-0.0, "0"}, {25, "25"}, {29.97, "29.97"},
    {30000.0 / 1001.0, "29.97002997002997"}, {0.1 + 0.2,
        "0.30000000000000004"},
    {1e21, "1e+21"}, {123456789012.0, "123456789012"}, {1e-7, "1e-7"},
    {0.000001, "0.000001"}, {-0.5, "-0.5"}, {1.5e300, "1.5e+300"},
    {9007199254740993.0, "9007199254740992"},
  };
  guint i;
  gchar *s;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    s = p2p_js_number_to_string (cases[i].v);
    g_assert_cmpstr (s, ==, cases[i].text);
    g_free (s);
  }
  s = p2p_js_number_to_string (NAN);
  g_assert_cmpstr (s, ==, "NaN");
  g_free (s);
  s = p2p_js_number_to_string (-INFINITY);
  g_assert_cmpstr (s, ==, "-Infinity");
  g_free (s);
}

static void
test_segment_ids (void)
{
  g_assert_cmpint (p2p_swarm_hls_segment_id (P2P_SWARM_PROFILE_V2, TRUE, 107,
          3), ==, 107);
  g_assert_cmpint (p2p_swarm_hls_segment_id (P2P_SWARM_PROFILE_V2, FALSE,
          107, 3), ==, 3);
  g_assert_cmpint (p2p_swarm_hls_segment_id (P2P_SWARM_PROFILE_V3, FALSE,
          107, 3), ==, 107);
  g_assert_cmpint (p2p_swarm_dash_segment_id (P2P_SWARM_PROFILE_V2, 3.99),
      ==, 7);
  g_assert_cmpint (p2p_swarm_dash_segment_id (P2P_SWARM_PROFILE_V2, 4.0),
      ==, 8);
  g_assert_cmpint (p2p_swarm_dash_segment_id (P2P_SWARM_PROFILE_V2, 0.25),
      ==, 0);
  g_assert_cmpint (p2p_swarm_dash_segment_id (P2P_SWARM_PROFILE_V3, 3.99),
      ==, 40);
  g_assert_cmpint (p2p_swarm_dash_segment_id (P2P_SWARM_PROFILE_V3, 1e300),
      ==, 0);
}

/* The manager keys an element's settings by the swarm id of the manifest it
 * loaded and finds them again from a segment's stream swarm id. */
static void
test_swarm_id_round_trip (void)
{
  P2pStreamAttrs attrs = { "800000", "avc1.64001f", "320", "240", };
  const gchar *uri = "http://host:8080/main-secondary-x/master.m3u8?t=1";
  gchar *swarm_id = p2p_swarm_id_for_manifest (uri, NULL);
  gchar *stream, *back;

  g_assert_cmpstr (swarm_id, ==,
      "http://host:8080/main-secondary-x/master.m3u8");
  for (gint secondary = 0; secondary < 2; secondary++) {
    stream = p2p_swarm_stream_swarm_id (P2P_SWARM_PROFILE_V2, swarm_id,
        secondary, &attrs);
    back = p2p_swarm_id_of_stream (stream);
    g_assert_cmpstr (back, ==, swarm_id);
    g_free (back);
    g_free (stream);
  }
  back = p2p_swarm_id_for_manifest (uri, "my-swarm");
  g_assert_cmpstr (back, ==, "my-swarm");
  g_free (back);
  g_assert_null (p2p_swarm_id_of_stream ("no-shape"));
  g_free (swarm_id);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/swarm-id/v2-wire-vector", test_v2_wire_vector);
  g_test_add_func ("/manifest/swarm-id/v3-vectors", test_v3_vectors);
  g_test_add_func ("/manifest/swarm-id/v2-normalization",
      test_v2_normalization);
  g_test_add_func ("/manifest/swarm-id/js-numbers", test_js_numbers);
  g_test_add_func ("/manifest/swarm-id/segment-ids", test_segment_ids);
  g_test_add_func ("/manifest/swarm-id/round-trip", test_swarm_id_round_trip);
  return g_test_run ();
}
