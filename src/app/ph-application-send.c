/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sending: what is dropped, chosen or pasted together becomes one
 * outgoing batch, handed to the engine in send_transfers(). */

#include "config.h"

#include "posthouse-core.h"

#include "ph-application-private.h"
#include "ph-collect.h"

/* A few sends at a time keep a long queue from starving every file. */
#define MAX_PARALLEL_SENDS 2
#define MAX_RECENT_DESTINATIONS 5

static void
send_queue_busy_cb (PhSendQueue   *queue,
                    GParamSpec    *pspec,
                    PhApplication *self)
{
  /* Keep running until the last byte is out, even with no window. */
  if (ph_send_queue_get_busy (queue))
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

/* The one place that hands outgoing transfers to the engine. Once the
 * engine sends a whole list itself, this becomes
 *   ph_sender_send_all_async (sender, transfers, 0,
 *                             ph_batch_get_cancellable (batch), ...);
 * (a batch is a GListModel of its transfers, and cancelling the batch
 * cancels the ones not finished). */
static void
send_transfers (PhApplication *self,
                PhBatch       *batch,
                GListModel    *transfers)
{
  guint n = g_list_model_get_n_items (transfers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (transfers, i);
      ph_send_queue_push (self->send_queue, transfer);
    }
}

static void
remember_destination (PhApplication *self,
                      const char    *destination)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-destinations");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_strv_builder_add (builder, destination);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_DESTINATIONS; i++)
    {
      if (g_strcmp0 (recent[i], destination) != 0)
        {
          g_strv_builder_add (builder, recent[i]);
          n++;
        }
    }

  updated = g_strv_builder_end (builder);
  if (!g_strv_equal ((const char * const *) updated, (const char * const *) recent))
    g_settings_set_strv (self->settings, "recent-destinations", (const char * const *) updated);
}

typedef struct
{
  char    *destination;
  char    *title;        /* the folder's name when one folder was given */
  PhBatch *batch;
  guint    n_folders;
} SendFilesData;

static void
send_files_data_free (SendFilesData *data)
{
  g_free (data->destination);
  g_free (data->title);
  g_clear_object (&data->batch);
  g_free (data);
}

static void
collect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PhApplication *self = g_task_get_source_object (task);
  SendFilesData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GError) error = NULL;

  files = ph_collect_files_finish (result, &sizes, &data->n_folders, &error);
  if (files == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (files->len > 0)
    {
      data->batch = ph_batch_new (PH_TRANSFER_SEND, data->destination,
                                  data->n_folders > 0 ? data->title : NULL);
      /* Sent as base names: a folder's structure does not arrive. */
      ph_batch_set_flattened (data->batch, data->n_folders > 0);
      for (guint i = 0; i < files->len; i++)
        ph_batch_add_file (data->batch, g_ptr_array_index (files, i),
                           g_array_index (sizes, gint64, i));

      ph_application_track_batch (self, data->batch);
      send_transfers (self, data->batch, G_LIST_MODEL (data->batch));
      remember_destination (self, data->destination);
    }

  g_task_return_pointer (task, data->batch ? g_object_ref (data->batch) : NULL, g_object_unref);
}

/* Sends @files to @destination as one batch, every regular file of a
 * folder too. */
void
ph_application_send_files_async (PhApplication        *self,
                                 GFile               **files,
                                 guint                 n_files,
                                 const char           *destination,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  SendFilesData *data;

  g_return_if_fail (PH_IS_APPLICATION (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (destination != NULL);

  data = g_new0 (SendFilesData, 1);
  data->destination = g_strdup (destination);
  if (n_files == 1)
    data->title = g_file_get_basename (files[0]);
  if (data->title != NULL && !g_utf8_validate (data->title, -1, NULL))
    g_clear_pointer (&data->title, g_free);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_application_send_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_files_data_free);

  ph_collect_files_async (files, n_files, cancellable, collect_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full) (nullable): the batch, or NULL when there
 * was nothing to send (an empty folder). */
PhBatch *
ph_application_send_files_finish (PhApplication  *self,
                                  GAsyncResult   *result,
                                  guint          *n_folders,
                                  GError        **error)
{
  SendFilesData *data;

  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_application_send_files_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (n_folders != NULL)
    *n_folders = data->n_folders;

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ph_application_retry_batch (PhApplication *self,
                            PhBatch       *batch)
{
  g_autoptr(GListModel) transfers = NULL;

  g_return_if_fail (PH_IS_APPLICATION (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (ph_batch_get_direction (batch) != PH_TRANSFER_SEND || !ph_batch_is_finished (batch))
    return;

  ph_notifier_withdraw (self->notifier, batch);
  transfers = ph_batch_retry_failed (batch);
  send_transfers (self, batch, transfers);
}

void
ph_application_init_sending (PhApplication *self)
{
  self->send_queue = ph_send_queue_new (MAX_PARALLEL_SENDS);
  g_signal_connect (self->send_queue, "notify::busy", G_CALLBACK (send_queue_busy_cb), self);
}
