/* gst-p2pcdn: what a viewer of p2pcdn-play sees (startup, stalls, buffer).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _PlayWatch PlayWatch;

PlayWatch *play_watch_new (GstElement * playbin, GstElement * video_sink);
void play_watch_start (PlayWatch * w);
void play_watch_sample (PlayWatch * w, const GstStructure * stats,
    gboolean print);
void play_watch_add_members (PlayWatch * w, JsonBuilder * b, gboolean eos);
void play_watch_free (PlayWatch * w);

G_END_DECLS
