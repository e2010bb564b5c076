/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a send run's files end: each transfer's final state, what its end
 * tells the window, the failures counted, and the run's result. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-send-run-private.h"
#include "ph-transfer-private.h"

static void
job_free (PhSendJob *job)
{
  g_assert (job->fd < 0 && job->stream == NULL && job->connection == NULL);

  g_object_unref (job->transfer);
  g_clear_error (&job->error);
  g_free (job->name);
  g_free (job->host);
  g_free (job->peer);
  g_free (job);
}

/* What a file's end says about the path: delivered, not saved by the
 * receiver (it reset, closed early or stopped reading), or ended for a
 * reason of this side's. */
static void
tell_window (PhSendRun *batch,
             PhSendJob *job)
{
  if (!job->marked)
    return;
  if (job->error == NULL)
    ph_send_window_delivered (batch->window, &job->mark, job->size, job->receipt_at);
  else if (g_error_matches (job->error, PH_ERROR, PH_ERROR_CONNECTION) ||
           g_error_matches (job->error, PH_ERROR, PH_ERROR_TIMED_OUT))
    ph_send_window_refused (batch->window, &job->mark);
  else
    ph_send_window_abandoned (batch->window, &job->mark);
}

/* Applies a job's end to its transfer; the transfer's final state is
 * the truth (a cancel may have come first). */
void
ph_send_run_job_finished (PhSendRun *batch,
              PhSendJob   *job)
{
  PhTransfer *transfer = job->transfer;

  tell_window (batch, job);

  if (job->error == NULL)
    {
      ph_transfer_set_bytes_done (transfer, job->size);
      ph_transfer_set_state (transfer, PH_TRANSFER_DONE);
    }
  else
    ph_transfer_fail (transfer, job->error);

  if (ph_transfer_get_state (transfer) != PH_TRANSFER_DONE)
    ph_send_failures_record (&batch->failures, job->position, job->name,
                    ph_transfer_get_error (transfer) ? ph_transfer_get_error (transfer) : job->error);

  g_hash_table_remove (batch->in_play, job);
  job_free (job);
}

/* What stops an item from being sent by this batch, before it is
 * handed out; NULL when it can go. */
GError *
ph_send_run_unavailable (gpointer item)
{
  PhTransfer *transfer = item;

  if (!PH_IS_TRANSFER (item) || ph_transfer_get_direction (transfer) != PH_TRANSFER_SEND)
    {
      g_critical ("A send batch holds an item that is not an outgoing PhTransfer");
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                  "Not an outgoing PhTransfer");
    }

  /* Cancelled before its turn, typically. */
  if (ph_transfer_get_error (transfer) != NULL)
    return g_error_copy (ph_transfer_get_error (transfer));

  if (ph_transfer_get_state (transfer) != PH_TRANSFER_QUEUED)
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PENDING,
                                _("This transfer was already started"));

  return NULL;
}

const char *
ph_send_run_item_name (gpointer item)
{
  return PH_IS_TRANSFER (item) ? ph_transfer_get_name (item) : "";
}

void
ph_send_run_complete (PhSendRun *batch)
{
  g_autoptr(GTask) task = g_steal_pointer (&batch->task);

  g_cancellable_disconnect (batch->cancellable, batch->cancel_id);
  batch->cancel_id = 0;
  g_clear_object (&batch->cancellable);
  g_clear_object (&batch->model);
  g_clear_signal_handler (&batch->settled_id, batch->window);
  g_clear_object (&batch->window);

  if (batch->failures.n_failed == 0)
    g_task_return_boolean (task, TRUE);
  else if (batch->single)
    g_task_return_error (task, g_steal_pointer (&batch->failures.first_error));
  else
    g_task_return_error (task, ph_send_failures_summary (&batch->failures));
}

/* Ends every item not handed out yet with @error, without a lane. */
void
ph_send_run_end_the_rest (PhSendRun  *batch,
              const GError *error)
{
  while (!batch->exhausted)
    {
      g_autoptr(GObject) item = NULL;
      g_autoptr(GError) why = NULL;

      if (batch->next >= g_list_model_get_n_items (batch->model))
        {
          batch->exhausted = TRUE;
          break;
        }

      item = g_list_model_get_item (batch->model, batch->next);
      why = ph_send_run_unavailable (item);
      if (why == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            ph_transfer_cancel (PH_TRANSFER (item));
          else
            ph_transfer_fail (PH_TRANSFER (item), error);
        }
      ph_send_failures_record (&batch->failures, batch->next++, ph_send_run_item_name (item), why ? why : error);
    }
}

