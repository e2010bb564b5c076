/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-frame-queue-private.h"

struct _PhFrameQueue
{
  GObject          *owner;        /* not held, except while writing */
  GOutputStream    *out;
  GCancellable     *cancellable;
  PhFrameQueueFunc  drained;
  GByteArray       *pending;
  GBytes           *writing;      /* (nullable): what is on its way */
};

static void write_pending (PhFrameQueue *queue);

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PhFrameQueue *queue = user_data;
  g_autoptr(GObject) owner = queue->owner;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&queue->writing, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      queue->drained (owner, error);
      return;
    }

  if (queue->pending->len > 0)
    write_pending (queue);
  else
    queue->drained (owner, NULL);
}

static void
write_pending (PhFrameQueue *queue)
{
  gconstpointer data;
  gsize len;

  queue->writing = g_byte_array_free_to_bytes (g_steal_pointer (&queue->pending));
  queue->pending = g_byte_array_new ();
  data = g_bytes_get_data (queue->writing, &len);

  /* The owner frees the queue: it stays until the write is done. */
  g_object_ref (queue->owner);
  g_output_stream_write_all_async (queue->out, data, len, G_PRIORITY_DEFAULT, queue->cancellable,
                                   written_cb, queue);
}

/**
 * ph_frame_queue_new:
 * @owner: whose finalize frees the queue
 * @stream: where the frames go (a TLS connection)
 * @cancellable: (nullable): stops a write under way
 * @drained: told when all is written, or a write failed
 */
PhFrameQueue *
ph_frame_queue_new (GObject          *owner,
                    GIOStream        *stream,
                    GCancellable     *cancellable,
                    PhFrameQueueFunc  drained)
{
  PhFrameQueue *queue = g_new0 (PhFrameQueue, 1);

  queue->owner = owner;
  queue->out = g_object_ref (g_io_stream_get_output_stream (stream));
  queue->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  queue->drained = drained;
  queue->pending = g_byte_array_new ();
  return queue;
}

void
ph_frame_queue_push (PhFrameQueue    *queue,
                     const PhMessage *message)
{
  g_autoptr(GBytes) frame = ph_message_encode (message);
  gconstpointer data;
  gsize len;

  data = g_bytes_get_data (frame, &len);
  g_byte_array_append (queue->pending, data, len);
  if (queue->writing == NULL)
    write_pending (queue);
}

/* Returns: whether frames are still on their way */
gboolean
ph_frame_queue_is_busy (PhFrameQueue *queue)
{
  return queue != NULL && queue->writing != NULL;
}

void
ph_frame_queue_free (PhFrameQueue *queue)
{
  if (queue == NULL)
    return;

  g_assert (queue->writing == NULL);
  g_clear_object (&queue->out);
  g_clear_object (&queue->cancellable);
  g_byte_array_unref (queue->pending);
  g_free (queue);
}
