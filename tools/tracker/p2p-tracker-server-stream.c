/* gst-p2pcdn: pollable pass-through streams that count a connection's bytes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-tracker-server-stream.h"

struct _P2pTrackerServerMeteredInput {
  GFilterInputStream parent;
  guint64 budget;
  guint64 window;
  guint64 total;
};

struct _P2pTrackerServerMeteredOutput {
  GFilterOutputStream parent;
  guint64 total;
};

static void metered_input_pollable_init (GPollableInputStreamInterface *
    iface);
static void metered_output_pollable_init (GPollableOutputStreamInterface *
    iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (P2pTrackerServerMeteredInput,
    p2p_tracker_server_metered_input, G_TYPE_FILTER_INPUT_STREAM,
    G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
        metered_input_pollable_init));

G_DEFINE_FINAL_TYPE_WITH_CODE (P2pTrackerServerMeteredOutput,
    p2p_tracker_server_metered_output, G_TYPE_FILTER_OUTPUT_STREAM,
    G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
        metered_output_pollable_init));

#define INPUT_BASE(self) \
    g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self))
#define OUTPUT_BASE(self) \
    g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self))

static gssize
metered_input_account (P2pTrackerServerMeteredInput * self, gssize count,
    GError ** error)
{
  if (count <= 0)
    return count;
  self->window += count;
  self->total += count;
  if (self->budget && self->window > self->budget) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
        "more than %" G_GUINT64_FORMAT " bytes without a complete message",
        self->budget);
    return -1;
  }
  return count;
}

static gssize
metered_input_read (GInputStream * stream, void *buffer, gsize count,
    GCancellable * cancellable, GError ** error)
{
  P2pTrackerServerMeteredInput *self =
      P2P_TRACKER_SERVER_METERED_INPUT (stream);

  return metered_input_account (self, g_input_stream_read (INPUT_BASE (self),
          buffer, count, cancellable, error), error);
}

static gssize
metered_input_read_nonblocking (GPollableInputStream * stream, void *buffer,
    gsize count, GError ** error)
{
  P2pTrackerServerMeteredInput *self =
      P2P_TRACKER_SERVER_METERED_INPUT (stream);

  return metered_input_account (self,
      g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM
          (INPUT_BASE (self)), buffer, count, NULL, error), error);
}

static gboolean
metered_input_can_poll (GPollableInputStream * stream)
{
  GInputStream *base = INPUT_BASE (stream);

  return G_IS_POLLABLE_INPUT_STREAM (base)
      && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
metered_input_is_readable (GPollableInputStream * stream)
{
  return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM
      (INPUT_BASE (stream)));
}

static GSource *
metered_input_create_source (GPollableInputStream * stream,
    GCancellable * cancellable)
{
  GSource *base_source, *source;

  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM
      (INPUT_BASE (stream)), NULL);
  source = g_pollable_source_new_full (stream, base_source, cancellable);
  g_source_unref (base_source);
  return source;
}

static void
metered_input_pollable_init (GPollableInputStreamInterface * iface)
{
  iface->can_poll = metered_input_can_poll;
  iface->is_readable = metered_input_is_readable;
  iface->create_source = metered_input_create_source;
  iface->read_nonblocking = metered_input_read_nonblocking;
}

static void
p2p_tracker_server_metered_input_class_init (P2pTrackerServerMeteredInputClass
    * klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = metered_input_read;
}

static void
p2p_tracker_server_metered_input_init (P2pTrackerServerMeteredInput * self)
{
}

GInputStream *
p2p_tracker_server_metered_input_new (GInputStream * base, guint64 budget)
{
  P2pTrackerServerMeteredInput *self;

  self = g_object_new (P2P_TYPE_TRACKER_SERVER_METERED_INPUT,
      "base-stream", base, NULL);
  self->budget = budget;
  return G_INPUT_STREAM (self);
}

void
p2p_tracker_server_metered_input_restart (P2pTrackerServerMeteredInput * self)
{
  self->window = 0;
}

guint64
p2p_tracker_server_metered_input_get_total (P2pTrackerServerMeteredInput *
    self)
{
  return self->total;
}

static gssize
metered_output_write (GOutputStream * stream, const void *buffer, gsize count,
    GCancellable * cancellable, GError ** error)
{
  P2pTrackerServerMeteredOutput *self =
      P2P_TRACKER_SERVER_METERED_OUTPUT (stream);
  gssize written;

  written = g_output_stream_write (OUTPUT_BASE (self), buffer, count,
      cancellable, error);
  if (written > 0)
    self->total += written;
  return written;
}

static gssize
metered_output_write_nonblocking (GPollableOutputStream * stream,
    const void *buffer, gsize count, GError ** error)
{
  P2pTrackerServerMeteredOutput *self =
      P2P_TRACKER_SERVER_METERED_OUTPUT (stream);
  gssize written;

  written = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM
      (OUTPUT_BASE (self)), buffer, count, NULL, error);
  if (written > 0)
    self->total += written;
  return written;
}

static gboolean
metered_output_can_poll (GPollableOutputStream * stream)
{
  GOutputStream *base = OUTPUT_BASE (stream);

  return G_IS_POLLABLE_OUTPUT_STREAM (base)
      && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
metered_output_is_writable (GPollableOutputStream * stream)
{
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM
      (OUTPUT_BASE (stream)));
}

static GSource *
metered_output_create_source (GPollableOutputStream * stream,
    GCancellable * cancellable)
{
  GSource *base_source, *source;

  base_source =
      g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM
      (OUTPUT_BASE (stream)), NULL);
  source = g_pollable_source_new_full (stream, base_source, cancellable);
  g_source_unref (base_source);
  return source;
}

static void
metered_output_pollable_init (GPollableOutputStreamInterface * iface)
{
  iface->can_poll = metered_output_can_poll;
  iface->is_writable = metered_output_is_writable;
  iface->create_source = metered_output_create_source;
  iface->write_nonblocking = metered_output_write_nonblocking;
}

static void
p2p_tracker_server_metered_output_class_init
    (P2pTrackerServerMeteredOutputClass * klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = metered_output_write;
}

static void
p2p_tracker_server_metered_output_init (P2pTrackerServerMeteredOutput * self)
{
}

GOutputStream *
p2p_tracker_server_metered_output_new (GOutputStream * base)
{
  return g_object_new (P2P_TYPE_TRACKER_SERVER_METERED_OUTPUT,
      "base-stream", base, NULL);
}

guint64
p2p_tracker_server_metered_output_get_total (P2pTrackerServerMeteredOutput *
    self)
{
  return self->total;
}
