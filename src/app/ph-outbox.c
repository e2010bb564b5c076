/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhOutbox: what is dropped, chosen or pasted together becomes one
 * outgoing batch, shown in the list and handed to the send queue. A
 * folder keeps its structure when the receiver is known to keep it. */

#include "config.h"

#include "ph-collect.h"
#include "ph-outbox.h"
#include "ph-send-queue.h"

/* How long a folder waits at most for discovery to recognise its
 * receiver (its first look around takes about a second). */
#define LOOKUP_TIMEOUT_MSEC 3000

struct _PhOutbox
{
  GObject      parent_instance;

  PhSettings  *settings;
  PhBrowser   *browser;
  PhBatchList *batches;
  PhSendQueue *queue;
};

G_DEFINE_FINAL_TYPE (PhOutbox, ph_outbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
queue_busy_cb (PhOutbox *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* The one place that hands outgoing transfers to the engine: the whole
 * batch at once, on several connections (cancelling the batch cancels
 * the ones not finished). */
static void
send_transfers (PhOutbox   *self,
                PhBatch    *batch,
                GListModel *transfers)
{
  ph_send_queue_push (self->queue, ph_batch_get_peer (batch), transfers,
                      ph_batch_get_cancellable (batch));
}

typedef struct
{
  char      *destination;
  char      *title;         /* the folder's name when one folder was given */
  GPtrArray *files;         /* PhCollected */
  PhBatch   *batch;
  guint      n_folders;
  gboolean   keeps_folders; /* the receiver announced paths=1 */
  char      *nearby_name;   /* the name it announced */
} SendFilesData;

static void
send_files_data_free (SendFilesData *data)
{
  g_free (data->destination);
  g_free (data->title);
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_clear_object (&data->batch);
  g_free (data->nearby_name);
  g_free (data);
}

static void
make_batch (GTask *task)
{
  PhOutbox *self = g_task_get_source_object (task);
  SendFilesData *data = g_task_get_task_data (task);
  gboolean flattened = FALSE;
  gboolean forget_name;

  data->batch = ph_batch_new (PH_TRANSFER_SEND, data->destination,
                              data->n_folders > 0 ? data->title : NULL);
  for (guint i = 0; i < data->files->len; i++)
    {
      PhCollected *file = g_ptr_array_index (data->files, i);
      const char *path = data->keeps_folders ? file->path : NULL;

      /* A folder's file under its base name: its folders do not arrive. */
      if (file->in_folder && path == NULL)
        flattened = TRUE;
      ph_batch_add_file_path (data->batch, file->file, path, file->size);
    }
  ph_batch_set_flattened (data->batch, flattened);

  ph_batch_list_add (self->batches, data->batch);
  send_transfers (self, data->batch, G_LIST_MODEL (data->batch));

  /* Without a name now, one it had goes only when discovery could tell. */
  forget_name = ph_browser_get_available (self->browser) && ph_browser_get_settled (self->browser);
  ph_settings_remember_destination (self->settings, data->destination, data->nearby_name, forget_name);

  g_task_return_pointer (task, g_object_ref (data->batch), g_object_unref);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendFilesData *data = g_task_get_task_data (task);
  g_autoptr(PhNearbyReceiver) peer = NULL;
  g_autoptr(GError) error = NULL;

  peer = ph_browser_lookup_finish (PH_BROWSER (object), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (peer != NULL)
    {
      data->keeps_folders = ph_nearby_receiver_get_accepts_paths (peer);
      data->nearby_name = g_strdup (ph_nearby_receiver_get_name (peer));
    }
  else
    g_debug ("Sending folders to %s as base names: %s", data->destination, error->message);

  make_batch (task);
}

static void
collect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PhOutbox *self = g_task_get_source_object (task);
  SendFilesData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;
  PhNearbyReceiver *nearby = NULL;

  data->files = ph_collect_files_finish (result, &data->n_folders, &error);
  if (data->files == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->files->len == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  /* Folders keep their structure only with a receiver known to announce
   * paths=1 (SPEC): is the destination one seen nearby? */
  if (ph_address_parse (data->destination, PH_DEFAULT_PORT, &host, &port, NULL))
    nearby = ph_browser_find_by_address (self->browser, host, port);
  if (nearby != NULL)
    {
      data->keeps_folders = ph_nearby_receiver_get_accepts_paths (nearby);
      data->nearby_name = g_strdup (ph_nearby_receiver_get_name (nearby));
    }
  /* Discovery may be a moment from the end of its first look around:
   * wait for it (never ask the receiver). */
  else if (data->n_folders > 0 && host != NULL &&
           ph_browser_get_available (self->browser) && !ph_browser_get_settled (self->browser) &&
           g_hostname_is_ip_address (host))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      ph_browser_lookup_address_async (self->browser, host, port, LOOKUP_TIMEOUT_MSEC, cancellable,
                                       lookup_cb, g_steal_pointer (&task));
      return;
    }

  make_batch (task);
}

/* Sends @files to @destination as one batch, every regular file of a
 * folder too: with the folders' structure to a receiver nearby that
 * keeps it, as base names to any other. */
void
ph_outbox_send_files_async (PhOutbox             *self,
                            GFile               **files,
                            guint                 n_files,
                            const char           *destination,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  SendFilesData *data;

  g_return_if_fail (PH_IS_OUTBOX (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (destination != NULL);

  data = g_new0 (SendFilesData, 1);
  data->destination = g_strdup (destination);
  if (n_files == 1)
    data->title = g_file_get_basename (files[0]);
  if (data->title != NULL && !g_utf8_validate (data->title, -1, NULL))
    g_clear_pointer (&data->title, g_free);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_outbox_send_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_files_data_free);

  ph_collect_files_async (files, n_files, cancellable, collect_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full) (nullable): the batch, or NULL when there
 * was nothing to send (an empty folder). */
PhBatch *
ph_outbox_send_files_finish (PhOutbox      *self,
                             GAsyncResult  *result,
                             guint         *n_folders,
                             GError       **error)
{
  SendFilesData *data;

  g_return_val_if_fail (PH_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_outbox_send_files_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (n_folders != NULL)
    *n_folders = data->n_folders;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sends the files of @batch that did not arrive again. */
void
ph_outbox_retry (PhOutbox *self,
                 PhBatch  *batch)
{
  g_autoptr(GListModel) transfers = NULL;

  g_return_if_fail (PH_IS_OUTBOX (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (ph_batch_get_direction (batch) != PH_TRANSFER_SEND || !ph_batch_is_finished (batch))
    return;

  transfers = ph_batch_retry_failed (batch);
  send_transfers (self, batch, transfers);
}

void
ph_outbox_cancel_all (PhOutbox *self)
{
  g_return_if_fail (PH_IS_OUTBOX (self));

  ph_send_queue_cancel_all (self->queue);
}

/* Returns: whether a batch is sending or waits to */
gboolean
ph_outbox_get_busy (PhOutbox *self)
{
  g_return_val_if_fail (PH_IS_OUTBOX (self), FALSE);

  return ph_send_queue_get_busy (self->queue);
}

static void
ph_outbox_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, ph_outbox_get_busy (PH_OUTBOX (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_outbox_dispose (GObject *object)
{
  PhOutbox *self = PH_OUTBOX (object);

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  g_clear_object (&self->settings);
  g_clear_object (&self->browser);
  g_clear_object (&self->batches);

  G_OBJECT_CLASS (ph_outbox_parent_class)->dispose (object);
}

static void
ph_outbox_class_init (PhOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_outbox_dispose;
  object_class->get_property = ph_outbox_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_outbox_init (PhOutbox *self)
{
  self->queue = ph_send_queue_new ();
  g_signal_connect_swapped (self->queue, "notify::busy", G_CALLBACK (queue_busy_cb), self);
}

PhOutbox *
ph_outbox_new (PhSettings  *settings,
               PhBrowser   *browser,
               PhBatchList *batches)
{
  PhOutbox *self;

  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_BROWSER (browser), NULL);
  g_return_val_if_fail (PH_IS_BATCH_LIST (batches), NULL);

  self = g_object_new (PH_TYPE_OUTBOX, NULL);
  self->settings = g_object_ref (settings);
  self->browser = g_object_ref (browser);
  self->batches = g_object_ref (batches);

  return self;
}
