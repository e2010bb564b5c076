/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSecureReceive's data phase, on a worker thread: the sender's
 * frames and file bytes go through a PhIntake, whose sink writes each
 * file into the receive folder (ph-secure-file) and reports it to the
 * caller's context, where its PhTransfer lives. Receipts wait in a
 * buffer until the sender has nothing more in flight for us to read,
 * so that a thousand small files do not cost a thousand TLS records. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-intake.h"
#include "ph-secure-channel-private.h"
#include "ph-secure-file-private.h"
#include "ph-secure-receive-private.h"
#include "ph-secure-tls-private.h"
#include "ph-transfer-private.h"

/* Receipts go out at once when this many wait: a sender whose window
 * is full must not wait for the whole window to be saved, or the two
 * ends take turns instead of working together. A quarter of the
 * secure channel's least window (64): a sender gathers about 15 small
 * files in a write, and their receipts then go in one record. */
#define RECEIPTS_FLUSH 16

typedef enum
{
  EVENT_STARTED,    /* a file's header arrived */
  EVENT_ENDED,      /* committed, refused or failed */
  EVENT_FINISHED,   /* the data phase ended */
} EventKind;

/* One file, shared by the worker and the caller's context: the worker
 * hands it over with EVENT_ENDED and never touches it again. */
typedef struct
{
  guint32        id;
  char          *name;
  gint64         size;
  PhTransfer    *transfer;    /* set on the caller's context (atomic) */
  PhSecureFile  *file;        /* the worker's */
  gint64         done;
  GFile         *saved;
  char          *saved_name;
  GError        *error;
} Incoming;

typedef struct
{
  EventKind  kind;
  Incoming  *incoming;
  GError    *error;
} Event;

typedef struct
{
  PhSecureReceive *self;
  PhChannel        channel;
  PhSecureFolder  *folder;
  GError          *folder_error;
  GByteArray      *receipts;
  guint            n_receipts;
} Worker;

static void
incoming_free (Incoming *in)
{
  g_clear_object (&in->transfer);
  g_clear_object (&in->saved);
  g_clear_error (&in->error);
  g_free (in->saved_name);
  g_free (in->name);
  g_free (in);
}

static void
post (Worker    *worker,
      EventKind  kind,
      Incoming  *in,
      GError    *error)
{
  Event *event = g_new0 (Event, 1);

  event->kind = kind;
  event->incoming = in;
  event->error = error;
  ph_secure_events_post (worker->self->events, event, kind == EVENT_FINISHED);
}

static gpointer
sink_open (gpointer     data,
           guint32      id,
           const char  *name,
           gint64       size,
           GError     **error)
{
  Worker *worker = data;
  Incoming *in = g_new0 (Incoming, 1);

  in->id = id;
  in->name = g_strdup (name);
  in->size = size;
  post (worker, EVENT_STARTED, in, NULL);

  if (worker->folder == NULL)
    in->error = g_error_copy (worker->folder_error);
  else
    in->file = ph_secure_file_open (worker->folder, name, size, &in->error);

  if (in->file == NULL)
    {
      g_propagate_error (error, g_error_copy (in->error));
      post (worker, EVENT_ENDED, in, NULL);
      return NULL;
    }

  return in;
}

static gboolean
sink_write (gpointer       data,
            gpointer       file,
            const guint8  *bytes,
            gsize          len,
            GError       **error)
{
  Incoming *in = file;
  PhTransfer *transfer = g_atomic_pointer_get (&in->transfer);
  GCancellable *cancellable = transfer != NULL ? ph_transfer_peek_cancellable (transfer) : NULL;

  /* Cancelled here: its receipt says so, the rest of it is skipped.
   * Peeked: a cancellable made per file would cost more than the file. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!ph_secure_file_write (in->file, bytes, len, error))
    return FALSE;

  in->done += len;
  if (transfer != NULL)
    ph_transfer_set_bytes_done (transfer, in->done);
  return TRUE;
}

static char *
sink_commit (gpointer   data,
             gpointer   file,
             GError   **error)
{
  Incoming *in = file;

  in->saved = ph_secure_file_commit (in->file, &in->saved_name, error);
  return in->saved ? g_strdup (in->saved_name) : NULL;
}

static void
sink_close (gpointer      data,
            gpointer      file,
            const GError *why)
{
  Incoming *in = file;

  g_clear_pointer (&in->file, ph_secure_file_free);
  if (why != NULL)
    in->error = g_error_copy (why);
  post (data, EVENT_ENDED, in, NULL);
}

static void
sink_receipt (gpointer         data,
              const PhMessage *receipt)
{
  Worker *worker = data;
  g_autoptr(GBytes) frame = ph_message_encode (receipt);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (frame, &len);

  g_byte_array_append (worker->receipts, bytes, len);
  worker->n_receipts++;
}

static const PhIntakeSink sink = {
  sink_open,
  sink_write,
  sink_commit,
  sink_close,
  sink_receipt,
};

static gboolean
flush_receipts (Worker  *worker,
                GError **error)
{
  gboolean ok;

  if (worker->receipts->len == 0)
    return TRUE;

  ok = ph_channel_write (&worker->channel, worker->receipts->data, worker->receipts->len, error);
  g_byte_array_set_size (worker->receipts, 0);
  worker->n_receipts = 0;
  return ok;
}

static gboolean
receive_units (Worker    *worker,
               PhIntake  *intake,
               GError   **error)
{
  PhChannel *channel = &worker->channel;

  for (;;)
    {
      PhMessage message = { 0 };
      const guint8 *data;
      gsize len;
      gboolean eof, ok = TRUE;
      PhUnitKind kind;

      if (worker->n_receipts >= RECEIPTS_FLUSH && !flush_receipts (worker, error))
        return FALSE;

      /* Before waiting for the sender, give it what it waits for; what
       * is there already comes first, a frame or a file's bytes (a
       * thousand small files then cost a few receipts' records, not a
       * thousand). */
      kind = PH_UNIT_NONE;
      eof = FALSE;
      if (worker->receipts->len > 0)
        kind = ph_channel_read (channel, FALSE, &message, &data, &len, &eof, error);
      if (kind == PH_UNIT_NONE && !eof && (error == NULL || *error == NULL))
        {
          if (!flush_receipts (worker, error))
            return FALSE;
          kind = ph_channel_read (channel, TRUE, &message, &data, &len, &eof, error);
        }
      switch (kind)
        {
        case PH_UNIT_MESSAGE:
          ok = ph_intake_message (intake, &message, error);
          break;
        case PH_UNIT_CHUNK:
          ok = ph_intake_chunk (intake, len, error);
          break;
        case PH_UNIT_DATA:
          ok = ph_intake_data (intake, data, len, error);
          break;
        case PH_UNIT_NONE:
        default:
          if (eof)
            g_set_error_literal (error, PH_ERROR, PH_ERROR_SHORT,
                                 _("the connection ended before the sender said it was done"));
          ok = FALSE;
          break;
        }
      ph_message_clear (&message);

      if (!ok)
        return FALSE;
      if (ph_intake_is_ended (intake))
        {
          PhMessage end = { .type = PH_MESSAGE_END };

          return flush_receipts (worker, error) &&
                 ph_channel_send (channel, &end, error) &&
                 g_io_stream_close (G_IO_STREAM (channel->tls), channel->cancellable, error);
        }
    }
}

static void
data_thread (gpointer data,
             gpointer unused)
{
  Worker *worker = data;
  PhSecureReceive *self = worker->self;
  g_autoptr(PhIntake) intake = NULL;
  GError *error = NULL;

  ph_channel_init (&worker->channel, self->tls, self->abort);
  ph_channel_buffer_writes (&worker->channel);
  ph_channel_set_idle (&worker->channel, self->idle_timeout);
  worker->receipts = g_byte_array_new ();
  worker->folder = ph_secure_folder_new (self->directory, self->prefix, self->space,
                                         &worker->folder_error);

  intake = ph_intake_new (&sink, worker, &self->hello, self->accepts_paths);
  if (!receive_units (worker, intake, &error))
    {
      ph_intake_abort (intake, error);
      ph_secure_reset (G_IO_STREAM (self->tls));
      error = ph_secure_explain (error, self->peer, self->idle_timeout, TRUE);
    }
  self->n_saved = ph_intake_get_n_saved (intake);
  g_clear_pointer (&intake, ph_intake_free);

  g_clear_pointer (&worker->folder, ph_secure_folder_free);
  g_clear_error (&worker->folder_error);
  g_byte_array_unref (worker->receipts);
  ph_channel_clear (&worker->channel);
  post (worker, EVENT_FINISHED, NULL, error);
  g_free (worker);
  g_object_unref (self);
}

static void
event_cb (GObject  *owner,
          gpointer  data)
{
  PhSecureReceive *self = PH_SECURE_RECEIVE (owner);
  Event *event = data;
  Incoming *in = event->incoming;

  switch (event->kind)
    {
    case EVENT_STARTED:
      {
        PhTransfer *transfer = ph_transfer_new_incoming (self->peer, in->name, in->size);

        ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);
        g_atomic_pointer_set (&in->transfer, transfer);
        ph_secure_receive_emit_transfer_added (self, transfer);
      }
      break;

    case EVENT_ENDED:
      if (in->saved != NULL && in->error == NULL)
        {
          ph_transfer_set_name (in->transfer, in->saved_name);
          ph_transfer_set_file (in->transfer, in->saved);
          ph_transfer_set_bytes_done (in->transfer, in->size);
          ph_transfer_set_state (in->transfer, PH_TRANSFER_DONE);
        }
      else
        ph_transfer_fail (in->transfer, in->error);
      incoming_free (in);
      break;

    case EVENT_FINISHED:
    default:
      ph_secure_receive_finish (self, g_steal_pointer (&event->error));
      break;
    }

  g_clear_error (&event->error);
  g_free (event);
}

/* Starts the data phase; the decision "accepted" went out. */
void
ph_secure_receive_start_data (PhSecureReceive *self)
{
  g_autoptr(GError) error = NULL;
  Worker *worker = g_new0 (Worker, 1);

  worker->self = g_object_ref (self);
  if (self->events == NULL)
    self->events = ph_secure_events_new (G_OBJECT (self), event_cb);

  if (!ph_secure_run_in_thread (data_thread, worker, &error))
    {
      g_object_unref (self);
      g_free (worker);
      ph_secure_receive_finish (self, g_steal_pointer (&error));
    }
}

/* Space claims shared with the receiver's other transfers. */
void
ph_secure_receive_set_disk_space (PhSecureReceive *self,
                                  PhDiskSpace     *space)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  g_clear_pointer (&self->space, ph_disk_space_unref);
  self->space = space ? ph_disk_space_ref (space) : NULL;
}
