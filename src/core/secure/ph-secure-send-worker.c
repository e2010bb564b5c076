/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSecureSend's connection, on a worker thread, blocking: the
 * handshake and the receiver's key, the hellos and the decision, then
 * the files. A file goes out as its frame, then its bytes in chunks
 * that begin right after the frame in one buffer; small files gather
 * there, one after the other, until HELD_MAX bytes go in one write (a
 * few TLS records), or until the worker would wait. Between chunks and between files the
 * worker reads whatever receipts arrived, without waiting; it waits
 * for one only when its window's files are in flight (a PhSendWindow,
 * told of each file and receipt here). Receipts are small
 * and at most a window of them is ever unread, so they fit in the
 * sockets' buffers while the worker is busy writing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-intake.h"
#include "ph-naming.h"
#include "ph-secure-send-private.h"
#include "ph-secure-tls-private.h"
#include "ph-transfer-private.h"
#include "ph-wire.h"

/* Between files, receipts are looked for after this many. */
#define RECEIPTS_EVERY 8
/* Small files are written together, up to this many bytes. */
#define HELD_MAX (64 * 1024)

static void
post (PhSecureRun       *run,
      PhSecureEventKind  kind,
      PhSecureJob       *job,
      GError            *error)
{
  PhSecureEvent *event = g_new0 (PhSecureEvent, 1);

  event->kind = kind;
  event->job = job;
  event->error = error;
  ph_secure_send_post (run, event);
}

void
ph_secure_send_post_phase (PhSecureRun       *run,
                           PhSecureSendPhase  phase)
{
  PhSecureEvent *event = g_new0 (PhSecureEvent, 1);

  event->kind = PH_SECURE_EVENT_PHASE;
  event->phase = phase;
  ph_secure_send_post (run, event);
}

/* The job's end; its error, if any, is in job->error. */
static void
end_job (PhSecureRun *run,
         PhSecureJob *job,
         GError      *error)
{
  if (job->ended)
    {
      g_clear_error (&error);
      return;
    }

  job->ended = TRUE;
  if (error != NULL && job->error == NULL)
    job->error = error;
  else
    g_clear_error (&error);
  post (run, PH_SECURE_EVENT_ENDED, job, NULL);
}

/* The size each file has now, for the hello. */
static void
measure (PhSecureRun *run,
         PhSecureJob *job)
{
  GError *error = NULL;

  if (ph_secure_source_measure (job, run->cancellable, &job->size, &error))
    post (run, PH_SECURE_EVENT_SIZE, job, NULL);
  else
    end_job (run, job, error);
}

static GError *
receipt_error (PhSecureJob     *job,
               const PhMessage *receipt)
{
  if (g_strcmp0 (receipt->reason, PH_REASON_CANCELLED) == 0)
    return g_error_new (PH_ERROR, PH_ERROR_DECLINED,
                        _("“%s” was cancelled by the receiver"), job->name);
  if (g_strcmp0 (receipt->reason, PH_REASON_NO_SPACE) == 0)
    return g_error_new (PH_ERROR, PH_ERROR_NO_SPACE,
                        _("The receiver has no space for “%s”"), job->name);
  if (g_strcmp0 (receipt->reason, PH_REASON_REFUSED) == 0)
    return g_error_new (PH_ERROR, PH_ERROR_DECLINED, _("The receiver refused “%s”"), job->name);

  return g_error_new (PH_ERROR, PH_ERROR_FAILED, _("The receiver could not save “%s”"), job->name);
}

static gboolean
violation (GError    **error,
           const char *what)
{
  g_set_error_literal (error, PH_ERROR, PH_ERROR_PROTOCOL, what);
  return FALSE;
}

/* An end without "end": it broke off, it did not break the rules. */
gboolean
ph_secure_send_hung_up (GError **error)
{
  g_set_error_literal (error, PH_ERROR, PH_ERROR_CONNECTION, _("the receiver hung up"));
  return FALSE;
}

static gboolean
handle_receipt (PhSecureRun      *run,
                const PhMessage  *receipt,
                GError          **error)
{
  PhSecureJob *job;

  if (receipt->id >= run->by_id->len ||
      (job = g_ptr_array_index (run->by_id, receipt->id)) == NULL)
    return violation (error, _("a receipt for a file not sent"));

  g_ptr_array_index (run->by_id, receipt->id) = NULL;
  run->in_flight--;
  /* Only a saved file says how fast the path is; "no" is no refusal
   * for being too many (a secure receiver reads one file at a time). */
  if (receipt->saved)
    ph_send_window_delivered (run->window, &job->mark, MAX (job->size, 0), -1);
  else
    ph_send_window_abandoned (run->window, &job->mark);

  /* A cancel that came too late still saved it: the receipt is the truth. */
  if (receipt->saved)
    g_clear_error (&job->error);
  end_job (run, job, receipt->saved || job->error ? NULL : receipt_error (job, receipt));
  return TRUE;
}

/* What the receiver says once files go out: receipts, an error. */
static gboolean
handle_message (PhSecureRun      *run,
                const PhMessage  *message,
                GError          **error)
{
  switch (message->type)
    {
    case PH_MESSAGE_RECEIPT:
      return handle_receipt (run, message, error);
    case PH_MESSAGE_ERROR:
      g_set_error (error, PH_ERROR, PH_ERROR_CONNECTION, _("The receiver gave up: %s"),
                   message->reason);
      return FALSE;
    case PH_MESSAGE_UNKNOWN:
      return TRUE;
    case PH_MESSAGE_HELLO:
    case PH_MESSAGE_DECISION:
    case PH_MESSAGE_FILE:
    case PH_MESSAGE_CANCEL:
    case PH_MESSAGE_END:
    default:
      return violation (error, _("a frame the receiver may not send now"));
    }
}

/* Reads the receiver's frames: what is there (@wait FALSE), or until
 * one arrived (@wait TRUE; idle_timeout bounds the wait). */
static gboolean
read_frames (PhSecureRun  *run,
             gboolean      wait,
             GError      **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      PhMessage message = { 0 };
      const guint8 *data;
      gsize len;
      gboolean eof, ok;
      PhUnitKind kind;

      kind = ph_channel_read (&run->channel, FALSE, &message, &data, &len, &eof, &local_error);
      if (kind == PH_UNIT_MESSAGE)
        {
          ok = handle_message (run, &message, error);
          ph_message_clear (&message);
          if (!ok)
            return FALSE;
          wait = FALSE;
          continue;
        }
      if (kind != PH_UNIT_NONE)
        return violation (error, _("file bytes from the receiver"));
      if (eof)
        return ph_secure_send_hung_up (error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!wait)
        return TRUE;

      if (!ph_channel_wait (&run->channel, run->wake_fd,
                            run->idle_timeout ? (gint) run->idle_timeout : -1))
        {
          if (!g_cancellable_set_error_if_cancelled (run->cancellable, error))
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, g_strerror (ETIMEDOUT));
          return FALSE;
        }
    }
}

/* Writes the small files gathered in the buffer. */
static gboolean
flush_held (PhSecureRun  *run,
            GError      **error)
{
  gsize held = run->held;

  run->held = 0;
  return held == 0 || ph_channel_write (&run->channel, run->buffer, held, error);
}

static gboolean
send_cancel (PhSecureRun  *run,
             PhSecureJob  *job,
             GError      **error)
{
  PhMessage cancel = { .type = PH_MESSAGE_CANCEL, .id = job->id };

  return flush_held (run, error) && ph_channel_send (&run->channel, &cancel, error);
}

/* Sends one file. FALSE only when the connection failed; a file that
 * cannot be read ends alone. */
static gboolean
send_file (PhSecureRun  *run,
           PhSecureJob  *job,
           GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autofree char *base = NULL;
  const char *name = job->name;
  PhMessage file = { .type = PH_MESSAGE_FILE };
  PhSecureSource source;
  gint64 size, left;
  gsize frame_len, start;
  gboolean small;
  const guint8 *frame_data;
  gboolean ok = TRUE;

  if (job->ended)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &local_error) ||
      !ph_secure_source_open (job, &source, &size, &local_error))
    {
      end_job (run, job, g_steal_pointer (&local_error));
      return TRUE;
    }

  /* Announced in the hello: the batch may not grow. */
  if (size > job->size)
    {
      ph_secure_source_close (&source);
      end_job (run, job, g_error_new (PH_ERROR, PH_ERROR_FILE_CHANGED,
                                      _("“%s” changed while it was being sent, so it was not delivered"),
                                      job->name));
      return TRUE;
    }

  /* A receiver that keeps no folders gets the base name, as the originals do. */
  if (!run->paths && strchr (name, '/') != NULL)
    name = base = g_path_get_basename (name);

  job->id = run->by_id->len;
  job->sent = TRUE;
  g_ptr_array_add (run->by_id, job);
  run->in_flight++;
  ph_send_window_sent (run->window, &job->mark, -1);
  post (run, PH_SECURE_EVENT_SENDING, job, NULL);

  file.id = job->id;
  ph_wire_encode_header (name, size, file.header);
  frame = ph_message_encode (&file);
  frame_data = g_bytes_get_data (frame, &frame_len);

  /* A small file joins those gathered; a larger one goes after them. */
  small = frame_len + PH_FRAME_WORD_SIZE + size <= HELD_MAX;
  if ((!small || run->held + frame_len + PH_FRAME_WORD_SIZE + size > HELD_MAX) &&
      !flush_held (run, error))
    {
      ph_secure_source_close (&source);
      return FALSE;
    }
  start = run->held;
  memcpy (run->buffer + start, frame_data, frame_len);

  /* The frame and the first bytes in one write, then the rest. */
  left = size;
  do
    {
      gsize pos = start + (frame ? frame_len : 0);
      gsize n = (gsize) MIN (left, PH_SECURE_CHUNK);
      gsize got = 0;

      if (n > 0 && (!ph_secure_source_read (job, &source, run->buffer + pos + PH_FRAME_WORD_SIZE, n,
                                            &got, &local_error) || got < n))
        {
          /* Shrunk, unreadable or cancelled: the receiver throws it away. */
          if (local_error == NULL)
            local_error = g_error_new (PH_ERROR, PH_ERROR_FILE_CHANGED,
                                       _("“%s” changed while it was being sent, so it was not delivered"),
                                       job->name);
          job->error = g_steal_pointer (&local_error);
          run->held = pos;
          ok = send_cancel (run, job, error);
          break;
        }

      if (n > 0)
        ph_frame_data_word (n, run->buffer + pos);
      run->held = pos + (n ? PH_FRAME_WORD_SIZE + n : 0);
      if (!small && !flush_held (run, error))
        {
          ok = FALSE;
          break;
        }

      g_clear_pointer (&frame, g_bytes_unref);
      start = 0;
      left -= n;
      ph_transfer_set_bytes_done (job->transfer, size - left);

      if (left > 0)
        {
          if (!read_frames (run, FALSE, error))
            {
              ok = FALSE;
              break;
            }
          /* Refused or cancelled on the way: no more of its bytes. */
          if (job->ended || g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
            {
              ok = send_cancel (run, job, error);
              break;
            }
        }
    }
  while (left > 0);

  ph_secure_source_close (&source);
  return ok;
}

static gboolean
send_files (PhSecureRun  *run,
            GError      **error)
{
  PhMessage end = { .type = PH_MESSAGE_END };
  guint next = 0;

  while (next < run->jobs->len || run->in_flight > 0)
    {
      guint window = ph_send_window_get_size (run->window);

      if (next < run->jobs->len && run->in_flight < window)
        {
          if (!send_file (run, g_ptr_array_index (run->jobs, next++), error))
            return FALSE;
          /* Receipts come a few in a record: looking for them after
           * every small file costs a system call that mostly finds none
           * (a full window waits for them below). */
          if (next % RECEIPTS_EVERY == 0 && !read_frames (run, FALSE, error))
            return FALSE;
        }
      /* Nothing is held back while the worker waits. */
      else if (!flush_held (run, error) || !read_frames (run, TRUE, error))
        return FALSE;
    }

  if (!flush_held (run, error) || !ph_channel_send (&run->channel, &end, error))
    return FALSE;

  /* The receiver's end, then ours. */
  for (;;)
    {
      PhMessage message = { 0 };
      const guint8 *data;
      gsize len;
      gboolean eof;
      PhUnitKind kind = ph_channel_read (&run->channel, TRUE, &message, &data, &len, &eof, error);
      PhMessageType type = message.type;

      ph_message_clear (&message);
      if (kind == PH_UNIT_MESSAGE && type == PH_MESSAGE_END)
        break;
      if (kind == PH_UNIT_MESSAGE && type == PH_MESSAGE_UNKNOWN)
        continue;
      if (kind == PH_UNIT_NONE && !eof)
        return FALSE;
      return eof ? ph_secure_send_hung_up (error) : violation (error, _("a frame after the last receipt"));
    }

  return g_io_stream_close (G_IO_STREAM (run->tls), run->cancellable, error);
}

/* Whether any file can go at all. */
static gboolean
anything_to_send (PhSecureRun *run)
{
  for (guint i = 0; i < run->jobs->len; i++)
    if (!((PhSecureJob *) g_ptr_array_index (run->jobs, i))->ended)
      return TRUE;

  return FALSE;
}

void
ph_secure_send_thread (gpointer data,
                       gpointer unused)
{
  PhSecureRun *run = data;
  PhSecureSend *self = run->self;
  GError *error = NULL;

  for (guint i = 0; i < run->jobs->len; i++)
    measure (run, g_ptr_array_index (run->jobs, i));

  run->wake_fd = g_cancellable_get_fd (run->cancellable);
  run->by_id = g_ptr_array_new ();
  run->buffer = g_malloc (PH_FRAME_MAX_SIZE + PH_FRAME_WORD_SIZE + PH_SECURE_CHUNK);

  ph_secure_send_post_phase (run, PH_SECURE_SEND_HANDSHAKE);
  /* Nothing that can be sent: no handshake for nothing. */
  if (!anything_to_send (run))
    g_io_stream_close (G_IO_STREAM (run->connection), NULL, NULL);
  else if (!ph_secure_send_open_channel (run, &error) || !send_files (run, &error))
    {
      error = ph_secure_explain (error, run->peer, run->idle_timeout, FALSE);
      /* A "no" ends the conversation, not the connection in anger. */
      if (g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        g_io_stream_close (G_IO_STREAM (run->tls), NULL, NULL);
      else
        ph_secure_reset (run->tls ? G_IO_STREAM (run->tls) : G_IO_STREAM (run->connection));
    }

  /* Whatever did not end, ends with the run. */
  for (guint i = 0; i < run->jobs->len; i++)
    {
      PhSecureJob *job = g_ptr_array_index (run->jobs, i);

      if (!job->ended)
        end_job (run, job, error ? g_error_copy (error)
                                 : g_error_new_literal (PH_ERROR, PH_ERROR_FAILED, _("Not sent")));
    }

  g_cancellable_release_fd (run->cancellable);
  g_clear_pointer (&run->buffer, g_free);
  g_clear_pointer (&run->by_id, g_ptr_array_unref);
  if (run->tls != NULL)
    ph_channel_clear (&run->channel);
  g_clear_object (&run->tls);
  /* The caller's context may free the run from now on. */
  post (run, PH_SECURE_EVENT_FINISHED, NULL, error);
  g_object_unref (self);
}
