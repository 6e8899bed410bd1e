/* gst-p2pcdn tests: play pipelines against the test origin and report.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "p2p-origin.h"

G_BEGIN_DECLS

/* What a pipeline did, as a user would look at it. */
typedef struct {
  gboolean eos;
  gboolean timed_out;
  GError *error;                /* first error on the bus */
  gchar *error_source;          /* name of the element that posted it */
  GstStructure *error_details;  /* its details, if any */
  GError *warning;              /* first warning */
  guint64 buffers;              /* buffers that reached the sinks */
  guint64 bytes;
  GChecksum *checksum;          /* SHA-256 over the bytes of the first sink */
} P2pPlayResult;

void p2p_play_result_clear (P2pPlayResult * r);

/* Generates (once, cached) and returns the content directory. */
const gchar *p2p_test_content_dir (void);

/* Starts an origin on 127.0.0.1 serving the test content. */
P2pOrigin *p2p_test_origin_new (void);

/* Sets GStreamer up for tests: our plugin from the build dir. */
void p2p_test_init (int *argc, char ***argv);

/* A playbin with counting fakesinks. */
GstElement *p2p_test_make_playbin (const gchar * uri);

/* Makes a playbin from p2p_test_make_playbin() render in real time, so that
 * the demuxer downloads at the pace of playback. */
void p2p_test_playbin_set_sync (GstElement * playbin, gboolean sync);

/* gst_parse_launch() of @desc; every src pad of the element named "demux"
 * (if any) gets a queue and a counting fakesink when it appears. */
GstElement *p2p_test_make_pipeline (const gchar * desc);

/* Plays to EOS, error or @timeout_s.  @on_message (may be NULL) sees every
 * bus message and may return FALSE to stop.  Sets NULL state at the end. */
typedef gboolean (*P2pTestMessageFunc) (GstElement * pipeline,
    GstMessage * msg, gpointer user_data);
void p2p_test_play (GstElement * pipeline, guint timeout_s,
    P2pTestMessageFunc on_message, gpointer user_data, P2pPlayResult * result);

/* Request log checks. */
guint p2p_test_count_requests (GPtrArray * log, const gchar * path_substring,
    const gchar * ua_substring);
/* Asserts that every request of @log was made by our elements. */
void p2p_test_assert_all_ours (GPtrArray * log);

gchar *p2p_test_url (P2pOrigin * origin, const gchar * scheme_prefix,
    const gchar * path);

G_END_DECLS
