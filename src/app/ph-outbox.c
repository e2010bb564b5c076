/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhOutbox: what is dropped, chosen or pasted together becomes one
 * outgoing batch, shown in the list and handed to the send queue. A
 * folder keeps its structure when the receiver is known to keep it.
 * Planned first, sent once the window had its say (folders flattened);
 * a batch sent before, stored or not, can be sent again. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-outbox.h"

struct _PhOutbox
{
  GObject      parent_instance;

  PhSettings  *settings;
  PhBrowser   *browser;
  PhBatchList *batches;
  PhSendQueue *queue;
  PhDevices   *devices;   /* (nullable): which receivers speak the secure channel */
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

static GQuark destination_quark;

/* The one place that hands outgoing transfers to the engine: the whole
 * batch at once, on several connections (cancelling the batch cancels
 * the ones not finished). */
static void
send_transfers (PhOutbox   *self,
                PhBatch    *batch,
                GListModel *transfers)
{
  PhDestination *destination = g_object_get_qdata (G_OBJECT (batch), destination_quark);

  ph_send_queue_send_async (self->queue, destination, transfers, 0,
                            ph_batch_get_cancellable (batch), NULL, NULL);
}

static void
planned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  PhSendPlan *plan = ph_send_plan_new_finish (result, &error);

  if (plan == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, plan, g_object_unref);
}

/**
 * ph_outbox_plan_async:
 * @destination: a name nearby or `HOST[:PORT]`
 *
 * Plans sending @files to @destination as one batch, every file of a
 * folder too: with the folders' structure to a receiver that keeps it,
 * as base names to any other. Nothing is sent yet: the caller may ask
 * first (folders flattened), then hands the plan to
 * ph_outbox_send_plan().
 */
void
ph_outbox_plan_async (PhOutbox             *self,
                      GFile               **files,
                      guint                 n_files,
                      const char           *destination,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();

  g_return_if_fail (PH_IS_OUTBOX (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (destination != NULL);

  for (guint i = 0; i < n_files; i++)
    ph_folder_walk_add (walk, files[i], NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_outbox_plan_async);

  /* The channel decided with the devices this user knows (no downgrade). */
  ph_send_plan_new_trusted_async (self->browser, self->devices, FALSE, destination, -1, walk,
                                  cancellable, planned_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the plan, or %NULL with @error set */
PhSendPlan *
ph_outbox_plan_finish (PhOutbox      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (PH_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_outbox_plan_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ph_outbox_send_plan:
 * @title: (nullable): the batch's name, instead of the folder's
 *
 * Sends what @plan planned as one batch, shown in the list, and
 * remembers the destination.
 *
 * Returns: (transfer full) (nullable): the batch, or %NULL when there
 *   was nothing to send (an empty folder)
 */
PhBatch *
ph_outbox_send_plan (PhOutbox   *self,
                     PhSendPlan *plan,
                     const char *title)
{
  g_autoptr(PhBatch) batch = NULL;
  g_autofree char *folder = NULL;
  PhDestination *destination;
  GListModel *transfers;
  guint n;

  g_return_val_if_fail (PH_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (PH_IS_SEND_PLAN (plan), NULL);

  transfers = G_LIST_MODEL (ph_send_plan_get_transfers (plan));
  n = g_list_model_get_n_items (transfers);
  if (n == 0)
    return NULL;

  destination = ph_send_plan_get_destination (plan);
  folder = ph_folder_walk_dup_folder_name (ph_send_plan_get_walk (plan));
  batch = ph_batch_new (PH_TRANSFER_SEND, ph_destination_get_address (destination),
                        title != NULL ? title : folder);
  /* Said by name where it has one: "To Workshop PC". */
  ph_batch_set_device_name (batch, ph_destination_get_name (destination));
  g_object_set_qdata_full (G_OBJECT (batch), destination_quark, g_object_ref (destination), g_object_unref);
  /* Encrypted or not: the key the receiver must prove (NULL: in the clear). */
  ph_batch_set_sender (batch, ph_destination_get_secure (destination)
                              ? ph_destination_get_fingerprint (destination) : NULL,
                       ph_destination_get_paired (destination));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (transfers, i);

      ph_batch_add (batch, transfer);
    }
  ph_batch_set_flattened (batch, ph_send_list_get_flattened (ph_send_plan_get_transfers (plan)));

  ph_batch_list_add (self->batches, batch);
  send_transfers (self, batch, G_LIST_MODEL (batch));

  /* Without a name now, one it had goes only when discovery could tell. */
  ph_settings_remember_destination (self->settings, ph_destination_get_address (destination),
                                    ph_destination_get_name (destination),
                                    ph_browser_get_available (self->browser) &&
                                    ph_browser_get_settled (self->browser));

  return g_steal_pointer (&batch);
}

/* Send Again */

typedef struct
{
  GPtrArray  *files;        /* GFile*: what to walk again */
  GHashTable *seen;         /* their URIs */
  char       *destination;
} Again;

static void
again_free (gpointer data)
{
  Again *again = data;

  g_ptr_array_unref (again->files);
  g_hash_table_unref (again->seen);
  g_free (again->destination);
  g_free (again);
}

/* A file sent from a dropped folder stands for that folder again (the
 * folder as it is now); any other file for itself. */
static void
add_source (Again      *again,
            GFile      *location,
            const char *folder)
{
  g_autoptr(GFile) top = g_object_ref (location);
  g_autofree char *uri = NULL;

  if (folder != NULL)
    for (const char *p = folder; p != NULL; p = strchr (p + 1, '/'))
      {
        GFile *parent = g_file_get_parent (top);

        if (parent == NULL)
          break;
        g_object_unref (top);
        top = parent;
      }

  uri = g_file_get_uri (top);
  if (g_hash_table_add (again->seen, g_steal_pointer (&uri)))
    g_ptr_array_add (again->files, g_steal_pointer (&top));
}

/* Where it went: by name when that name is nearby now (its address may
 * have changed), else the address it had. */
static char *
again_destination (PhOutbox   *self,
                   const char *device_name,
                   const char *address)
{
  if (device_name != NULL && ph_destination_find_nearby (self->browser, device_name) != NULL)
    return g_strdup (device_name);

  return g_strdup (address);
}

static void
files_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Again *again = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows = NULL;
  GError *error = NULL;

  rows = ph_history_load_files_finish (PH_HISTORY (object), result, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      PhHistoryFile *file = g_ptr_array_index (rows, i);
      g_autoptr(GFile) location = ph_history_file_dup_file (file);

      if (location != NULL)
        add_source (again, location, ph_history_file_get_folder (file));
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * ph_outbox_dup_sources_async:
 * @item: a sent #PhBatch, or a sent #PhHistoryBatch
 *
 * What Send Again sends: the files and folders @item was sent from,
 * and where to.
 */
void
ph_outbox_dup_sources_async (PhOutbox            *self,
                             gpointer             item,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PhHistory *history;
  Again *again;

  g_return_if_fail (PH_IS_OUTBOX (self));
  g_return_if_fail (PH_IS_BATCH (item) || PH_IS_HISTORY_BATCH (item));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_outbox_dup_sources_async);
  again = g_new0 (Again, 1);
  again->files = g_ptr_array_new_with_free_func (g_object_unref);
  again->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, again, again_free);

  if (PH_IS_BATCH (item))
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (item));

      again->destination = again_destination (self, ph_batch_get_device_name (item),
                                              ph_batch_get_peer (item));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (item), i);
          g_autofree char *folder = ph_transfer_dup_folder (transfer);

          if (ph_transfer_get_source (transfer) != NULL)
            add_source (again, ph_transfer_get_source (transfer), folder);
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  again->destination = again_destination (self, ph_history_batch_get_device_name (item),
                                          ph_history_batch_get_peer (item));
  history = ph_batch_list_get_history (self->batches);
  if (history == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("The history is not open"));
      return;
    }
  ph_history_load_files_async (history, item, 0, ph_history_batch_get_n_files (item), cancellable,
                               files_loaded_cb, g_steal_pointer (&task));
}

/**
 * ph_outbox_dup_sources_finish:
 * @destination: (out) (transfer full): where to send them
 *
 * Returns: (transfer full) (element-type GFile): the files and folders
 *   to send, or %NULL with @error set
 */
GPtrArray *
ph_outbox_dup_sources_finish (PhOutbox      *self,
                              GAsyncResult  *result,
                              char         **destination,
                              GError       **error)
{
  Again *again;

  g_return_val_if_fail (PH_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_outbox_dup_sources_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  again = g_task_get_task_data (G_TASK (result));
  *destination = g_strdup (again->destination);
  return g_ptr_array_ref (again->files);
}

/* Sends the files of @batch that did not arrive again. */
void
ph_outbox_retry (PhOutbox *self,
                 PhBatch  *batch)
{
  g_autoptr(GListModel) transfers = NULL;

  g_return_if_fail (PH_IS_OUTBOX (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (ph_batch_get_direction (batch) != PH_TRANSFER_SEND || !ph_batch_is_finished (batch) ||
      g_object_get_qdata (G_OBJECT (batch), destination_quark) == NULL)
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
  g_clear_object (&self->devices);
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

  destination_quark = g_quark_from_static_string ("ph-outbox-destination");
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

/* The devices this user's Posthouse knows: which receivers speak the
 * secure channel, with which key (never in the clear to one known by
 * its key); receivers met are added to it. */
void
ph_outbox_set_devices (PhOutbox  *self,
                       PhDevices *devices)
{
  g_return_if_fail (PH_IS_OUTBOX (self));

  g_set_object (&self->devices, devices);
  ph_send_queue_set_trust (self->queue, NULL, devices);
}
