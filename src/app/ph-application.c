/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-application-private.h"
#include "ph-notifier.h"
#include "ph-send-queue.h"
#include "ph-window.h"

#define RESTART_DELAY_MS 800


G_DEFINE_FINAL_TYPE (PhApplication, ph_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_RECEIVING,
  PROP_CAN_CLEAR,
  PROP_CAN_CANCEL,
  N_PROPS
};

enum {
  RECEIVE_FAILED,
  CONNECTION_FAILED,
  LAUNCH_FAILED,
  NOTICE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Batches */

PhBatch *
ph_application_find_batch (PhApplication *self,
                           const char    *id)
{
  guint n;

  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (g_strcmp0 (ph_batch_get_id (batch), id) == 0)
        return batch;  /* the store keeps it alive */
    }

  return NULL;
}

/* What Clear Finished and Cancel All would act on. */
static void
update_can (PhApplication *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  gboolean can_clear = FALSE, can_cancel = FALSE;

  for (guint i = 0; i < n && !(can_clear && can_cancel); i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (ph_batch_is_finished (batch))
        can_clear = TRUE;
      else
        can_cancel = TRUE;
    }

  if (can_clear != self->can_clear)
    {
      self->can_clear = can_clear;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CLEAR]);
    }
  if (can_cancel != self->can_cancel)
    {
      self->can_cancel = can_cancel;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CANCEL]);
    }
}

static void
update_request (PhApplication *self,
                PhBatch       *batch)
{
  gboolean waiting = ph_batch_get_state (batch) == PH_TRANSFER_WAITING;
  guint position;

  if (g_list_store_find (self->requests, batch, &position))
    {
      if (!waiting)
        g_list_store_remove (self->requests, position);
    }
  else if (waiting)
    g_list_store_append (self->requests, batch);
}

static void
batch_state_cb (PhBatch       *batch,
                GParamSpec    *pspec,
                PhApplication *self)
{
  update_request (self, batch);
  update_can (self);
}

/* Shows @batch: in the list, in notifications, in the requests. */
void
ph_application_track_batch (PhApplication *self,
                            PhBatch       *batch)
{
  g_signal_connect_object (batch, "notify::state", G_CALLBACK (batch_state_cb), self, 0);
  g_list_store_insert (self->batches, 0, batch);
  ph_notifier_watch (self->notifier, batch);
  update_request (self, batch);
  update_can (self);
}

static void
batches_changed_cb (GListModel    *model,
                    guint          position,
                    guint          removed,
                    guint          added,
                    PhApplication *self)
{
  update_can (self);
}

/* Freed memory goes back to the system too: thousands of transfers
 * leave the heap full of small holes that malloc would keep. */
static void
give_memory_back (void)
{
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
}

void
ph_application_remove_batch (PhApplication *self,
                             PhBatch       *batch)
{
  guint position;

  g_return_if_fail (PH_IS_APPLICATION (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (!ph_batch_is_finished (batch) || !g_list_store_find (self->batches, batch, &position))
    return;

  g_list_store_remove (self->batches, position);
  give_memory_back ();
}

void
ph_application_cancel_all (PhApplication *self)
{
  guint n;

  g_return_if_fail (PH_IS_APPLICATION (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (!ph_batch_is_finished (batch))
        ph_batch_cancel (batch);
    }
}

/* Removes every finished batch in one change of the list, however many
 * files they hold, and frees them. */
void
ph_application_clear_finished (PhApplication *self)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_if_fail (PH_IS_APPLICATION (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      PhBatch *batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (ph_batch_is_finished (batch))
        g_object_unref (batch);
      else
        g_ptr_array_add (kept, batch);
    }

  if (kept->len == n)
    return;

  g_list_store_splice (self->batches, 0, n, kept->pdata, kept->len);
  give_memory_back ();
}

/* Open or Show in Folder did not work: a window says so. */
void
ph_application_report_launch_failure (PhApplication *self,
                                      const char    *message)
{
  g_signal_emit (self, signals[LAUNCH_FAILED], 0, message);
}

/* Something a window says in passing (a toast). */
void
ph_application_report_notice (PhApplication *self,
                              const char    *message)
{
  g_signal_emit (self, signals[NOTICE], 0, message);
}

/* Receiving */

GFile *
ph_application_dup_receive_folder (PhApplication *self)
{
  g_autofree char *path = NULL;
  const char *downloads;

  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  path = g_settings_get_string (self->settings, "receive-folder");
  if (path != NULL && path[0] != '\0')
    return g_file_new_for_path (path);

  downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  if (downloads == NULL)
    downloads = g_get_home_dir ();

  return g_file_new_for_path (downloads);
}

gboolean
ph_application_get_receiving (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), FALSE);

  return self->receiver != NULL;
}

guint
ph_application_get_receive_port (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), 0);

  if (self->receiver != NULL)
    return ph_receiver_get_port (self->receiver);

  return g_settings_get_int (self->settings, "port");
}

/* Returns: (nullable): the one address receiving listens on, or NULL
 * for every interface. */
const char *
ph_application_get_bind_address (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return self->bind_address;
}

void
ph_application_accept_all (PhApplication *self,
                           PhBatch       *batch)
{
  g_return_if_fail (PH_IS_APPLICATION (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (self->inbox != NULL)
    ph_inbox_accept_all (self->inbox, batch);
  else
    ph_batch_accept (batch);
}

static void
batch_added_cb (PhInbox       *inbox,
                PhBatch       *batch,
                PhApplication *self)
{
  ph_application_track_batch (self, batch);
}

/* Incoming transfers keep the application running until they end. */
static void
transfer_added_cb (PhReceiver    *receiver,
                   PhTransfer    *transfer,
                   PhApplication *self)
{
  ph_background_track_transfer (self->background, transfer);
}

static void
connection_failed_cb (PhReceiver    *receiver,
                      const char    *peer,
                      const GError  *error,
                      PhApplication *self)
{
  g_signal_emit (self, signals[CONNECTION_FAILED], 0, peer, error);
}

static void
apply_receive_settings (PhApplication *self)
{
  g_autoptr(GFile) folder = NULL;

  if (self->receiver == NULL)
    return;

  folder = ph_application_dup_receive_folder (self);
  ph_receiver_set_directory (self->receiver, folder);
  ph_receiver_set_prefix (self->receiver,
                          g_settings_get_boolean (self->settings, "original-names") ? "new_" : "");
  ph_receiver_set_require_approval (self->receiver,
                                    g_settings_get_boolean (self->settings, "ask-before-accepting"));
  ph_receiver_set_accepts_paths (self->receiver, TRUE);
  ph_application_update_announcement (self);
}

static gboolean
start_receiving (PhApplication  *self,
                 GError        **error)
{
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(GFile) folder = ph_application_dup_receive_folder (self);
  g_autofree char *default_folder = NULL;
  g_autofree char *interface = g_settings_get_string (self->settings, "receive-interface");
  g_autofree char *bind_address = NULL;

  if (interface[0] != '\0')
    {
      bind_address = ph_interface_address (interface);
      if (bind_address == NULL)
        {
          g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                       _("The network interface “%s” has no address right now"), interface);
          return FALSE;
        }
    }

  /* The Downloads folder may simply not exist yet; a chosen one must. */
  default_folder = g_settings_get_string (self->settings, "receive-folder");
  if (default_folder[0] == '\0')
    {
      g_autofree char *path = g_file_get_path (folder);
      g_mkdir_with_parents (path, 0700);
    }

  receiver = ph_receiver_new (folder);
  ph_receiver_set_port (receiver, g_settings_get_int (self->settings, "port"));
  if (bind_address != NULL)
    ph_receiver_set_bind_address (receiver, bind_address);
  g_signal_connect_object (receiver, "transfer-added",
                           G_CALLBACK (transfer_added_cb), self, 0);
  g_signal_connect_object (receiver, "connection-failed",
                           G_CALLBACK (connection_failed_cb), self, 0);

  self->receiver = g_steal_pointer (&receiver);
  apply_receive_settings (self);
  /* Partial files of a run that was killed, as posthouse-cli does. */
  ph_receiver_clean_leftovers (self->receiver);

  if (!ph_receiver_start (self->receiver, error))
    {
      g_signal_handlers_disconnect_by_data (self->receiver, self);
      g_clear_object (&self->receiver);
      return FALSE;
    }

  self->inbox = ph_inbox_new (self->receiver);
  g_signal_connect_object (self->inbox, "batch-added", G_CALLBACK (batch_added_cb), self, 0);
  g_free (self->bind_address);
  self->bind_address = g_steal_pointer (&bind_address);
  ph_application_start_announcing (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVING]);
  return TRUE;
}

static void
stop_receiving (PhApplication *self)
{
  g_clear_handle_id (&self->restart_source, g_source_remove);

  if (self->receiver == NULL)
    return;

  /* Transfers under way finish; only the listening stops. */
  ph_application_stop_announcing (self);
  ph_receiver_stop (self->receiver);
  g_signal_handlers_disconnect_by_data (self->receiver, self);
  g_clear_object (&self->receiver);
  if (self->inbox != NULL)
    g_signal_handlers_disconnect_by_data (self->inbox, self);
  g_clear_object (&self->inbox);
  g_clear_pointer (&self->bind_address, g_free);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVING]);
}

void
ph_application_set_receive_mode (PhApplication *self,
                                 gboolean       on)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "receive-mode");
  g_autoptr(GError) error = NULL;

  if (on && self->receiver == NULL && !start_receiving (self, &error))
    {
      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (FALSE));
      g_signal_emit (self, signals[RECEIVE_FAILED], 0, error);
      return;
    }

  if (!on)
    stop_receiving (self);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (on));
}

static gboolean
restart_receiving_cb (gpointer user_data)
{
  PhApplication *self = user_data;

  self->restart_source = 0;
  stop_receiving (self);
  ph_application_set_receive_mode (self, TRUE);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (GSettings     *settings,
                     const char    *key,
                     PhApplication *self)
{
  if (self->receiver == NULL)
    return;

  if (g_str_equal (key, "port") || g_str_equal (key, "receive-interface"))
    {
      /* Wait until the spin button settles instead of rebinding per step. */
      g_clear_handle_id (&self->restart_source, g_source_remove);
      self->restart_source = g_timeout_add (RESTART_DELAY_MS, restart_receiving_cb, self);
    }
  else if (g_str_equal (key, "receive-folder") ||
           g_str_equal (key, "original-names") ||
           g_str_equal (key, "ask-before-accepting"))
    {
      apply_receive_settings (self);
    }
}

/* GApplication */

static void
ph_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ph_application_get_window (PH_APPLICATION (application))));
}

static void
ph_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  PhWindow *window = ph_application_get_window (PH_APPLICATION (application));

  gtk_window_present (GTK_WINDOW (window));
  ph_window_send_files (window, files, n_files);
}

static void
ph_application_startup (GApplication *application)
{
  PhApplication *self = PH_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *choose_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *back_accels[] = { "<Alt>Left", "Escape", NULL };

  G_APPLICATION_CLASS (ph_application_parent_class)->startup (application);

  /* Found in our GResource (RESOURCE_BASE/icons) when not installed. */
  gtk_window_set_default_icon_name (APPLICATION_ID);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.choose-files", choose_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.back", back_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
ph_application_shutdown (GApplication *application)
{
  PhApplication *self = PH_APPLICATION (application);

  stop_receiving (self);

  G_APPLICATION_CLASS (ph_application_parent_class)->shutdown (application);
}

static void
ph_application_dispose (GObject *object)
{
  PhApplication *self = PH_APPLICATION (object);

  stop_receiving (self);
  ph_application_dispose_nearby (self);
  if (self->send_queue != NULL)
    g_signal_handlers_disconnect_by_data (self->send_queue, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->batches != NULL)
    g_signal_handlers_disconnect_by_data (self->batches, self);

  G_OBJECT_CLASS (ph_application_parent_class)->dispose (object);
}

static void
ph_application_finalize (GObject *object)
{
  PhApplication *self = PH_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->batches);
  g_clear_object (&self->requests);
  g_clear_object (&self->send_queue);
  g_clear_object (&self->notifier);
  g_clear_object (&self->background);

  G_OBJECT_CLASS (ph_application_parent_class)->finalize (object);
}

static void
ph_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PhApplication *self = PH_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_RECEIVING:
      g_value_set_boolean (value, ph_application_get_receiving (self));
      break;

    case PROP_CAN_CLEAR:
      g_value_set_boolean (value, self->can_clear);
      break;

    case PROP_CAN_CANCEL:
      g_value_set_boolean (value, self->can_cancel);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_application_class_init (PhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_application_dispose;
  object_class->finalize = ph_application_finalize;
  object_class->get_property = ph_application_get_property;

  app_class->activate = ph_application_activate;
  app_class->open = ph_application_open;
  app_class->startup = ph_application_startup;
  app_class->shutdown = ph_application_shutdown;

  properties[PROP_RECEIVING] =
    g_param_spec_boolean ("receiving", NULL, NULL, FALSE, ro);
  /* A batch is finished: Clear Finished has something to do. */
  properties[PROP_CAN_CLEAR] =
    g_param_spec_boolean ("can-clear", NULL, NULL, FALSE, ro);
  /* A batch runs: Cancel All has something to do. */
  properties[PROP_CAN_CANCEL] =
    g_param_spec_boolean ("can-cancel", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Receive mode could not be turned on; the error says why. */
  signals[RECEIVE_FAILED] =
    g_signal_new ("receive-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /* A peer was refused before it became a transfer (bad header, ...). */
  signals[CONNECTION_FAILED] =
    g_signal_new ("connection-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);

  /* Open or Show in Folder did not work; the message says so. */
  signals[LAUNCH_FAILED] =
    g_signal_new ("launch-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* Something for a window to say in passing. */
  signals[NOTICE] =
    g_signal_new ("notice",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ph_application_init (PhApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  self->batches = g_list_store_new (PH_TYPE_BATCH);
  self->requests = g_list_store_new (PH_TYPE_BATCH);
  g_signal_connect (self->batches, "items-changed", G_CALLBACK (batches_changed_cb), self);
  ph_application_init_sending (self);
  ph_application_init_nearby (self);
  self->notifier = ph_notifier_new (G_APPLICATION (self), self->settings);

  g_signal_connect (self->settings, "changed", G_CALLBACK (settings_changed_cb), self);

  ph_application_add_actions (self);
  self->background = ph_background_new (self);
}

PhApplication *
ph_application_new (void)
{
  return g_object_new (PH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

GSettings *
ph_application_get_settings (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return self->settings;
}

PhBackground *
ph_application_get_background (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return self->background;
}

/* Returns: how many transfers, of every batch, are not finished. */
guint
ph_application_count_running (PhApplication *self)
{
  guint n, running = 0;

  g_return_val_if_fail (PH_IS_APPLICATION (self), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      running += ph_batch_get_n_files (batch) -
                 (ph_batch_get_n_done (batch) + ph_batch_get_n_failed (batch) +
                  ph_batch_get_n_declined (batch) + ph_batch_get_n_cancelled (batch));
    }

  return running;
}

/* Returns: (transfer none): the batches, newest first. */
GListModel *
ph_application_get_batches (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (self->batches);
}

/* Returns: (transfer none): the incoming batches waiting for an
 * answer, oldest first. */
GListModel *
ph_application_get_requests (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (self->requests);
}
