/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A send batch hands a model's transfers out in order to lanes (worker
 * threads, ph-send-lane.c), one file per connection, as many lanes as
 * its window (ph-send-window.c) allows files in flight, and applies what
 * the lanes report to each transfer, and to the window, on the caller's
 * context, where their state must change (ph-send-run-end.c: how files
 * end and what the run returns). */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-send-run-private.h"
#include "ph-transfer-private.h"

typedef struct
{
  PhSendJob   *job;
  PhSendEvent  kind;
} Event;

/* Queued once per lane after the last job, or ahead of the jobs when
 * the window shrinks: the lane that takes it ends after its file. */
static PhSendJob end_mark;

static void refill (PhSendRun *batch);

PhSendRun *
ph_send_run_ref (PhSendRun *batch)
{
  g_atomic_ref_count_inc (&batch->ref_count);
  return batch;
}

/* The last reference may go on a lane's thread: by then the batch
 * holds no object of the caller's (complete() dropped them). */
void
ph_send_run_unref (PhSendRun *batch)
{
  if (!g_atomic_ref_count_dec (&batch->ref_count))
    return;

  g_assert (batch->task == NULL && batch->model == NULL && batch->window == NULL);
  g_async_queue_unref (batch->ready);
  g_async_queue_unref (batch->events);
  g_hash_table_unref (batch->in_play);
  g_main_context_unref (batch->context);
  ph_send_failures_clear (&batch->failures);
  g_free (batch);
}

/* Thread-safe: the batch's cancellable is set before the lanes start
 * and kept until the last job is finished. Cancelled before the handlers
 * run, so before each transfer is. */
gboolean
ph_send_run_is_cancelled (PhSendRun *batch)
{
  return g_cancellable_is_cancelled (batch->cancellable);
}

/* Thread-safe. */
gboolean
ph_send_run_get_quick_receipts (PhSendRun *batch)
{
  return g_atomic_int_get (&batch->quick_receipts);
}

void
ph_send_run_set_quick_receipts (PhSendRun *batch, gboolean quick)
{
  g_atomic_int_set (&batch->quick_receipts, quick);
}

/* Thread-safe. NULL when nothing is queued (@wait FALSE) or the batch
 * has ended for this lane (*@ended set). */
PhSendJob *
ph_send_run_take (PhSendRun *batch,
                    gboolean     wait,
                    gboolean    *ended)
{
  PhSendJob *job = wait ? g_async_queue_pop (batch->ready) : g_async_queue_try_pop (batch->ready);

  if (job == &end_mark)
    {
      *ended = TRUE;
      return NULL;
    }
  if (job != NULL)
    g_atomic_int_add (&batch->waiting, -1);

  return job;
}

static void
handle_event (PhSendRun *batch,
              PhSendJob   *job,
              PhSendEvent  kind)
{
  switch (kind)
    {
    case PH_SEND_OPENED:
      ph_transfer_set_size (job->transfer, job->size);
      ph_transfer_set_state (job->transfer, PH_TRANSFER_CONNECTING);
      break;

    case PH_SEND_SENDING:
      ph_transfer_set_state (job->transfer, PH_TRANSFER_SENDING);
      batch->reached = TRUE;
      ph_send_window_sent (batch->window, &job->mark, job->sent_at);
      job->marked = TRUE;
      break;

    case PH_SEND_FINISHED:
      batch->reached |= job->tried_connect;
      ph_send_run_job_finished (batch, job);
      break;

    case PH_SEND_LANE_ENDED:
      batch->running--;
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
dispatch_cb (gpointer user_data)
{
  PhSendRun *batch = user_data;
  Event *event;

  /* Cleared first: a lane posting from now on attaches a new source. */
  g_atomic_int_set (&batch->dispatching, FALSE);

  while ((event = g_async_queue_try_pop (batch->events)) != NULL)
    {
      handle_event (batch, event->job, event->kind);
      g_free (event);
    }

  refill (batch);

  return G_SOURCE_REMOVE;
}

/* Any thread: @func on the batch's context, as urgent as the I/O it
 * reports (not after every redraw). */
static void
run_soon (PhSendRun   *batch,
          const char  *name,
          GSourceFunc  func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, name);
  g_source_set_callback (source, func, ph_send_run_ref (batch), (GDestroyNotify) ph_send_run_unref);
  g_source_attach (source, batch->context);
  g_source_unref (source);
}

/* Thread-safe. Events are applied in order on the batch's context; one
 * dispatch takes all that arrived meanwhile. */
void
ph_send_run_post (PhSendRun *batch,
                    PhSendJob   *job,
                    PhSendEvent  kind)
{
  Event *event = g_new (Event, 1);

  event->job = job;
  event->kind = kind;
  g_async_queue_push (batch->events, event);

  if (g_atomic_int_compare_and_exchange (&batch->dispatching, FALSE, TRUE))
    run_soon (batch, "[posthouse] send events", dispatch_cb);
}

static void
hand_out (PhSendRun *batch,
          gpointer     item,
          guint        position)
{
  PhTransfer *transfer = item;
  g_autoptr(GError) error = ph_send_run_unavailable (item);
  g_autofree char *host = NULL;
  guint16 port = 0;
  PhSendJob *job;

  if (error == NULL &&
      !ph_address_parse (ph_transfer_get_peer (transfer), PH_DEFAULT_PORT, &host, &port, &error))
    ph_transfer_fail (transfer, error);

  if (error != NULL)
    {
      ph_send_failures_record (&batch->failures, position, ph_send_run_item_name (item), error);
      return;
    }

  job = g_new0 (PhSendJob, 1);
  job->transfer = g_object_ref (transfer);
  job->cancellable = ph_transfer_get_cancellable (transfer);
  job->position = position;
  job->name = g_strdup (ph_transfer_get_name (transfer));
  job->host = g_steal_pointer (&host);
  job->port = port;
  job->peer = ph_address_format (job->host, port);
  job->connect_timeout = batch->connect_timeout;
  job->idle_timeout = batch->idle_timeout;
  job->size = -1;
  job->fd = -1;

  ph_transfer_set_peer (transfer, job->peer);
  g_hash_table_add (batch->in_play, job);
  g_atomic_int_inc (&batch->waiting);
  g_async_queue_push (batch->ready, job);
}

/* Until a first connection was tried, one lane: a receiver that takes
 * one connection and exits (the original script) then gets the first
 * file, not whichever connection the kernel queued first. */
static guint
window_lanes (PhSendRun *batch)
{
  return batch->reached ? ph_send_window_get_size (batch->window) : 1;
}

/* As many lanes as the window allows; a lane too many ends after its
 * file. A new lane starts only once as many have ended, so that never
 * more files are in flight than the window allowed. Once every lane was
 * told to end (the model is exhausted), the few files still queued go
 * with the lanes there are. */
static void
adjust_lanes (PhSendRun *batch)
{
  guint most = window_lanes (batch);
  guint left = g_hash_table_size (batch->in_play) +
               (batch->exhausted ? 0 : g_list_model_get_n_items (batch->model) - batch->next);
  guint wanted = MIN (most, left);

  /* All files were handed out before the first connection allowed more
   * than one lane (a batch of two or three): the files still waiting get
   * lanes of their own, each with its own end mark behind them, so that
   * a receiver that asks hears of the whole batch at once. Only files
   * no lane took yet count: a lane may hold two (the one it connected
   * ahead), and a lane started for none would take an end mark, end, and
   * be started again (32,000 times for 500 files on a lossy link). */
  if (batch->closed)
    {
      gint unclaimed = g_atomic_int_get (&batch->waiting);

      while (unclaimed-- > 0 && batch->running < MIN (most, g_hash_table_size (batch->in_play)))
        {
          g_autoptr(GError) error = NULL;

          if (!ph_send_lane_start (batch, &error))
            {
              g_debug ("Could not start another lane: %s", error->message);
              break;
            }
          batch->running++;
          g_async_queue_push (batch->ready, &end_mark);
        }
      return;
    }

  while (batch->lanes > most)
    {
      g_async_queue_push_front (batch->ready, &end_mark);
      batch->lanes--;
      batch->retiring++;
    }

  /* Lanes told to end that did not see it yet keep going. */
  while (batch->lanes < wanted && batch->retiring > 0)
    {
      if (!g_async_queue_remove (batch->ready, &end_mark))
        {
          batch->retiring = 0;
          break;
        }
      batch->retiring--;
      batch->lanes++;
    }

  while (batch->lanes < wanted && batch->running < most)
    {
      g_autoptr(GError) error = NULL;

      if (ph_send_lane_start (batch, &error))
        {
          batch->lanes++;
          batch->running++;
        }
      else
        {
          g_warning ("Could not start sending: %s", error->message);
          /* Nobody to send the rest: it fails here. */
          if (batch->lanes == 0)
            ph_send_run_end_the_rest (batch, error);
          break;
        }
    }
}

/* Keeps two jobs queued for every lane (its next file, and the one it
 * may connect ahead while that one waits for its receipt), ends the
 * lanes once the model is exhausted, and returns the result once every
 * transfer ended. */
static void
refill (PhSendRun *batch)
{
  if (batch->task == NULL)
    return;

  adjust_lanes (batch);

  for (;;)
    {
      g_autoptr(GObject) item = NULL;

      if (batch->next >= g_list_model_get_n_items (batch->model))
        batch->exhausted = TRUE;
      /* Cancelled: nothing new starts before cancel_all_cb() ends the rest. */
      if (batch->cancellable != NULL && g_cancellable_is_cancelled (batch->cancellable))
        break;
      if (batch->exhausted || g_async_queue_length (batch->ready) >= 2 * (gint) batch->lanes)
        break;

      item = g_list_model_get_item (batch->model, batch->next);
      hand_out (batch, item, batch->next++);
    }

  if (batch->exhausted && !batch->closed)
    {
      for (; batch->lanes > 0; batch->lanes--)
        g_async_queue_push (batch->ready, &end_mark);
      batch->closed = TRUE;
    }

  if (batch->exhausted && g_hash_table_size (batch->in_play) == 0)
    ph_send_run_complete (batch);
}

static gboolean
cancel_all_cb (gpointer user_data)
{
  PhSendRun *batch = user_data;
  g_autoptr(GError) cancelled = NULL;
  GHashTableIter iter;
  gpointer job;

  if (batch->task == NULL)
    return G_SOURCE_REMOVE;

  cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  ph_send_run_end_the_rest (batch, cancelled);

  /* Lanes notice through each transfer's cancellable. */
  g_hash_table_iter_init (&iter, batch->in_play);
  while (g_hash_table_iter_next (&iter, &job, NULL))
    ph_transfer_cancel (((PhSendJob *) job)->transfer);

  refill (batch);

  return G_SOURCE_REMOVE;
}

/* Any thread: the batch's cancellable may be cancelled from anywhere. */
static void
batch_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  run_soon (user_data, "[posthouse] cancel batch", cancel_all_cb);
}

static void
settled_cb (PhSendWindow *window,
            GParamSpec   *pspec,
            PhSendRun    *batch)
{
  if (batch->task != NULL && !batch->single)
    ph_sender_emit_window_changed (g_task_get_source_object (batch->task), batch->model,
                                   ph_send_window_get_size (window),
                                   ph_send_window_get_reason (window));
}

/* Starts sending @model's transfers, as many at once as @window says;
 * @task returns the result (with @single, the one transfer's own error). */
void
ph_send_run_start (GListModel   *model,
                     PhSendWindow *window,
                     gboolean      single,
                     guint         connect_timeout,
                     guint         idle_timeout,
                     GCancellable *cancellable,
                     GTask        *task)
{
  PhSendRun *batch = g_new0 (PhSendRun, 1);

  g_atomic_ref_count_init (&batch->ref_count);
  batch->ready = g_async_queue_new ();
  batch->events = g_async_queue_new ();
  batch->context = g_main_context_ref_thread_default ();
  batch->in_play = g_hash_table_new (NULL, NULL);
  batch->model = g_object_ref (model);
  batch->window = g_object_ref (window);
  batch->single = single;
  batch->connect_timeout = connect_timeout;
  batch->idle_timeout = idle_timeout;

  /* The task keeps the batch until it returns; lanes and dispatches
   * hold their own references. */
  batch->task = g_object_ref (task);
  g_task_set_task_data (task, batch, (GDestroyNotify) ph_send_run_unref);

  if (cancellable != NULL)
    {
      batch->cancellable = g_object_ref (cancellable);
      batch->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (batch_cancelled_cb),
                                                ph_send_run_ref (batch),
                                                (GDestroyNotify) ph_send_run_unref);
    }

  batch->settled_id = g_signal_connect (window, "notify::settled-size",
                                        G_CALLBACK (settled_cb), batch);
  settled_cb (window, NULL, batch);

  refill (batch);
}
