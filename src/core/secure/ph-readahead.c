/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ph-readahead-private.h"

/* The input: a buffer in front of the socket's pollable stream. */
#define PH_TYPE_READAHEAD_INPUT (ph_readahead_input_get_type ())
G_DECLARE_FINAL_TYPE (PhReadaheadInput, ph_readahead_input, PH, READAHEAD_INPUT, GInputStream)

struct _PhReadaheadInput
{
  GInputStream  parent_instance;

  GInputStream *base;
  guint8       *buffer;
  gsize         start;
  gsize         end;
};

static void ph_readahead_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhReadaheadInput, ph_readahead_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      ph_readahead_input_pollable_init))

/* Hands out what is buffered, if anything. */
static gssize
take (PhReadaheadInput *self,
      void             *buffer,
      gsize             count)
{
  gsize n = MIN (count, self->end - self->start);

  memcpy (buffer, self->buffer + self->start, n);
  self->start += n;
  return n;
}

static gssize
fill (PhReadaheadInput  *self,
      gboolean           blocking,
      void              *buffer,
      gsize              count,
      GCancellable      *cancellable,
      GError           **error)
{
  gssize n;

  if (self->end > self->start)
    return take (self, buffer, count);

  /* Large reads go straight to the caller. */
  if (count >= PH_READAHEAD_SIZE)
    return g_pollable_stream_read (self->base, buffer, count, blocking, cancellable, error);

  if (self->buffer == NULL)
    self->buffer = g_malloc (PH_READAHEAD_SIZE);
  n = g_pollable_stream_read (self->base, self->buffer, PH_READAHEAD_SIZE, blocking, cancellable,
                              error);
  if (n <= 0)
    return n;

  self->start = 0;
  self->end = n;
  return take (self, buffer, count);
}

static gssize
ph_readahead_input_read (GInputStream  *stream,
                         void          *buffer,
                         gsize          count,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return fill (PH_READAHEAD_INPUT (stream), TRUE, buffer, count, cancellable, error);
}

static gboolean
ph_readahead_input_close (GInputStream  *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  /* The connection closes the socket. */
  return TRUE;
}

static gboolean
ph_readahead_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
ph_readahead_input_is_readable (GPollableInputStream *stream)
{
  PhReadaheadInput *self = PH_READAHEAD_INPUT (stream);

  return self->end > self->start ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

/* Ready while something is buffered, whatever the socket says. */
typedef struct
{
  GSource           source;
  PhReadaheadInput *input;
} BufferedSource;

static gboolean
buffered_prepare (GSource *source,
                  gint    *timeout)
{
  PhReadaheadInput *input = ((BufferedSource *) source)->input;

  *timeout = -1;
  return input->end > input->start;
}

static gboolean
buffered_check (GSource *source)
{
  PhReadaheadInput *input = ((BufferedSource *) source)->input;

  return input->end > input->start;
}

static gboolean
buffered_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback ? callback (user_data) : G_SOURCE_CONTINUE;
}

static void
buffered_finalize (GSource *source)
{
  g_object_unref (((BufferedSource *) source)->input);
}

static GSourceFuncs buffered_funcs = {
  buffered_prepare, buffered_check, buffered_dispatch, buffered_finalize, NULL, NULL
};

static GSource *
ph_readahead_input_create_source (GPollableInputStream *stream,
                                  GCancellable         *cancellable)
{
  PhReadaheadInput *self = PH_READAHEAD_INPUT (stream);
  g_autoptr(GSource) socket_source = NULL;
  GSource *buffered;
  GSource *source;

  socket_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);
  source = g_pollable_source_new_full (stream, socket_source, cancellable);

  buffered = g_source_new (&buffered_funcs, sizeof (BufferedSource));
  ((BufferedSource *) buffered)->input = g_object_ref (self);
  g_source_add_child_source (source, buffered);
  g_source_unref (buffered);

  return source;
}

static gssize
ph_readahead_input_read_nonblocking (GPollableInputStream  *stream,
                                     void                  *buffer,
                                     gsize                  count,
                                     GError               **error)
{
  return fill (PH_READAHEAD_INPUT (stream), FALSE, buffer, count, NULL, error);
}

static void
ph_readahead_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = ph_readahead_input_can_poll;
  iface->is_readable = ph_readahead_input_is_readable;
  iface->create_source = ph_readahead_input_create_source;
  iface->read_nonblocking = ph_readahead_input_read_nonblocking;
}

static void
ph_readahead_input_finalize (GObject *object)
{
  PhReadaheadInput *self = PH_READAHEAD_INPUT (object);

  g_clear_object (&self->base);
  g_free (self->buffer);

  G_OBJECT_CLASS (ph_readahead_input_parent_class)->finalize (object);
}

static void
ph_readahead_input_class_init (PhReadaheadInputClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ph_readahead_input_finalize;
  stream_class->read_fn = ph_readahead_input_read;
  stream_class->close_fn = ph_readahead_input_close;
}

static void
ph_readahead_input_init (PhReadaheadInput *self)
{
}

/* The output: once buffering, what TLS writes (a record at a time,
 * 16 KiB) waits until the caller flushes, and goes in one call. A
 * caller's write of PH_READAHEAD_SIZE becomes records 22 bytes longer
 * each (header, tag, type) and perhaps a frame before them: with room
 * for that, it goes out in one call, not two. */
#define PH_WRITEBEHIND_SIZE (PH_READAHEAD_SIZE + 64 * 1024)

#define PH_TYPE_READAHEAD_OUTPUT (ph_readahead_output_get_type ())
G_DECLARE_FINAL_TYPE (PhReadaheadOutput, ph_readahead_output, PH, READAHEAD_OUTPUT, GOutputStream)

struct _PhReadaheadOutput
{
  GOutputStream  parent_instance;

  GOutputStream *base;
  GByteArray    *pending;
  gboolean       buffering;
};

static void ph_readahead_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhReadaheadOutput, ph_readahead_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      ph_readahead_output_pollable_init))

static gboolean
output_flush (PhReadaheadOutput  *self,
              GCancellable       *cancellable,
              GError            **error)
{
  gboolean ok;

  if (self->pending->len == 0)
    return TRUE;

  ok = g_output_stream_write_all (self->base, self->pending->data, self->pending->len, NULL,
                                  cancellable, error);
  g_byte_array_set_size (self->pending, 0);
  return ok;
}

static gssize
ph_readahead_output_write (GOutputStream  *stream,
                           const void     *buffer,
                           gsize           count,
                           GCancellable   *cancellable,
                           GError        **error)
{
  PhReadaheadOutput *self = PH_READAHEAD_OUTPUT (stream);

  if (!self->buffering)
    return output_flush (self, cancellable, error)
           ? g_output_stream_write (self->base, buffer, count, cancellable, error) : -1;

  if (self->pending->len + count > PH_WRITEBEHIND_SIZE && !output_flush (self, cancellable, error))
    return -1;
  g_byte_array_append (self->pending, buffer, count);
  return count;
}

static gboolean
ph_readahead_output_flush (GOutputStream  *stream,
                           GCancellable   *cancellable,
                           GError        **error)
{
  return output_flush (PH_READAHEAD_OUTPUT (stream), cancellable, error);
}

static gboolean
ph_readahead_output_close (GOutputStream  *stream,
                           GCancellable   *cancellable,
                           GError        **error)
{
  /* What waits goes first; the connection closes the socket. */
  return output_flush (PH_READAHEAD_OUTPUT (stream), cancellable, error);
}

static gboolean
ph_readahead_output_can_poll (GPollableOutputStream *stream)
{
  return TRUE;
}

static gboolean
ph_readahead_output_is_writable (GPollableOutputStream *stream)
{
  PhReadaheadOutput *self = PH_READAHEAD_OUTPUT (stream);

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static GSource *
ph_readahead_output_create_source (GPollableOutputStream *stream,
                                   GCancellable          *cancellable)
{
  PhReadaheadOutput *self = PH_READAHEAD_OUTPUT (stream);
  g_autoptr(GSource) base_source =
    g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

/* Without waiting: what waits goes first, then @buffer as it is. */
static gssize
ph_readahead_output_write_nonblocking (GPollableOutputStream  *stream,
                                       const void             *buffer,
                                       gsize                   count,
                                       GError                **error)
{
  PhReadaheadOutput *self = PH_READAHEAD_OUTPUT (stream);
  GPollableOutputStream *base = G_POLLABLE_OUTPUT_STREAM (self->base);

  while (self->pending->len > 0)
    {
      gssize n = g_pollable_output_stream_write_nonblocking (base, self->pending->data,
                                                            self->pending->len, NULL, error);

      if (n < 0)
        return -1;
      g_byte_array_remove_range (self->pending, 0, n);
    }

  return g_pollable_output_stream_write_nonblocking (base, buffer, count, NULL, error);
}

static void
ph_readahead_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = ph_readahead_output_can_poll;
  iface->is_writable = ph_readahead_output_is_writable;
  iface->create_source = ph_readahead_output_create_source;
  iface->write_nonblocking = ph_readahead_output_write_nonblocking;
}

static void
ph_readahead_output_finalize (GObject *object)
{
  PhReadaheadOutput *self = PH_READAHEAD_OUTPUT (object);

  g_clear_object (&self->base);
  g_byte_array_unref (self->pending);

  G_OBJECT_CLASS (ph_readahead_output_parent_class)->finalize (object);
}

static void
ph_readahead_output_class_init (PhReadaheadOutputClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ph_readahead_output_finalize;
  stream_class->write_fn = ph_readahead_output_write;
  stream_class->flush = ph_readahead_output_flush;
  stream_class->close_fn = ph_readahead_output_close;
}

static void
ph_readahead_output_init (PhReadaheadOutput *self)
{
  self->pending = g_byte_array_new ();
}

/* The connection. */
struct _PhReadahead
{
  GIOStream          parent_instance;

  GSocketConnection *base;
  GInputStream      *input;
  GOutputStream     *output;
};

G_DEFINE_FINAL_TYPE (PhReadahead, ph_readahead, G_TYPE_IO_STREAM)

static GInputStream *
ph_readahead_get_input_stream (GIOStream *stream)
{
  return PH_READAHEAD (stream)->input;
}

static GOutputStream *
ph_readahead_get_output_stream (GIOStream *stream)
{
  return PH_READAHEAD (stream)->output;
}

static gboolean
ph_readahead_close (GIOStream     *stream,
                    GCancellable  *cancellable,
                    GError       **error)
{
  PhReadahead *self = PH_READAHEAD (stream);
  gboolean flushed = output_flush (PH_READAHEAD_OUTPUT (self->output), cancellable, error);

  return g_io_stream_close (G_IO_STREAM (self->base), cancellable, flushed ? error : NULL) &&
         flushed;
}

static void
ph_readahead_finalize (GObject *object)
{
  PhReadahead *self = PH_READAHEAD (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (ph_readahead_parent_class)->finalize (object);
}

static void
ph_readahead_class_init (PhReadaheadClass *klass)
{
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ph_readahead_finalize;
  stream_class->get_input_stream = ph_readahead_get_input_stream;
  stream_class->get_output_stream = ph_readahead_get_output_stream;
  stream_class->close_fn = ph_readahead_close;
}

static void
ph_readahead_init (PhReadahead *self)
{
}

/* Returns: (transfer full): @base, reading ahead */
PhReadahead *
ph_readahead_new (GSocketConnection *base)
{
  PhReadahead *self;
  PhReadaheadInput *input;
  PhReadaheadOutput *output;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (base), NULL);

  self = g_object_new (PH_TYPE_READAHEAD, NULL);
  self->base = g_object_ref (base);
  input = g_object_new (PH_TYPE_READAHEAD_INPUT, NULL);
  input->base = g_object_ref (g_io_stream_get_input_stream (G_IO_STREAM (base)));
  self->input = G_INPUT_STREAM (input);
  output = g_object_new (PH_TYPE_READAHEAD_OUTPUT, NULL);
  output->base = g_object_ref (g_io_stream_get_output_stream (G_IO_STREAM (base)));
  self->output = G_OUTPUT_STREAM (output);

  return self;
}

/* From now on, what is written waits for ph_readahead_flush() (or for
 * PH_WRITEBEHIND_SIZE bytes). Only for blocking use, on one thread. */
void
ph_readahead_set_buffering (PhReadahead *self,
                            gboolean     buffering)
{
  g_return_if_fail (PH_IS_READAHEAD (self));

  PH_READAHEAD_OUTPUT (self->output)->buffering = buffering;
}

gboolean
ph_readahead_flush (PhReadahead   *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (PH_IS_READAHEAD (self), FALSE);

  return output_flush (PH_READAHEAD_OUTPUT (self->output), cancellable, error);
}

/* Returns: (transfer none) (nullable): the read-ahead under @tls */
PhReadahead *
ph_readahead_find (GIOStream *tls)
{
  g_autoptr(GIOStream) base = NULL;

  if (!G_IS_TLS_CONNECTION (tls))
    return NULL;
  g_object_get (tls, "base-io-stream", &base, NULL);
  return PH_IS_READAHEAD (base) ? PH_READAHEAD (base) : NULL;
}

GSocketConnection *
ph_readahead_get_base (PhReadahead *self)
{
  g_return_val_if_fail (PH_IS_READAHEAD (self), NULL);

  return self->base;
}

/* Returns: (transfer none) (nullable): the socket under @stream: a
 * socket connection, a read-ahead one, or a TLS connection over either */
GSocket *
ph_readahead_find_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_TLS_CONNECTION (stream))
    {
      g_object_get (stream, "base-io-stream", &base, NULL);
      stream = base;
    }
  if (PH_IS_READAHEAD (stream))
    stream = G_IO_STREAM (PH_READAHEAD (stream)->base);

  return G_IS_SOCKET_CONNECTION (stream) ? g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream))
                                         : NULL;
}
