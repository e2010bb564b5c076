/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-application.h"
#include "ph-background.h"
#include "ph-collect.h"
#include "ph-launch.h"
#include "ph-notify.h"
#include "ph-preferences.h"
#include "ph-send-queue.h"
#include "ph-window.h"

/* A few sends at a time keep a long queue from starving every file. */
#define MAX_PARALLEL_SENDS 2
#define MAX_RECENT_DESTINATIONS 5
#define PORT_CHANGE_DELAY_MS 800

struct _PhApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GListStore     *transfers;
  PhSendQueue    *send_queue;
  PhReceiver     *receiver;      /* set while receive mode is on */
  PhBackground   *background;
  guint           next_id;
  guint           restart_source;
  gboolean        can_clear;
};

G_DEFINE_FINAL_TYPE (PhApplication, ph_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_RECEIVING,
  PROP_CAN_CLEAR,
  N_PROPS
};

enum {
  RECEIVE_FAILED,
  CONNECTION_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define TRANSFER_ID_KEY "ph-transfer-id"

const char *
ph_application_transfer_id (PhTransfer *transfer)
{
  g_return_val_if_fail (PH_IS_TRANSFER (transfer), NULL);

  return g_object_get_data (G_OBJECT (transfer), TRANSFER_ID_KEY);
}

static PhTransfer *
find_transfer (PhApplication *self,
               const char    *id,
               guint         *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);

      if (g_strcmp0 (ph_application_transfer_id (transfer), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return transfer;  /* the store keeps it alive */
        }
    }

  return NULL;
}

/* Whether "Clear Finished" has anything to clear. */
static void
update_can_clear (PhApplication *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));
  gboolean can_clear = FALSE;

  for (guint i = 0; i < n && !can_clear; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
      can_clear = ph_transfer_is_finished (transfer);
    }

  if (can_clear != self->can_clear)
    {
      self->can_clear = can_clear;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CLEAR]);
    }
}

static void
transfer_state_cb (PhTransfer    *transfer,
                   GParamSpec    *pspec,
                   PhApplication *self)
{
  ph_notify_transfer (G_APPLICATION (self), self->settings, transfer);
  update_can_clear (self);
}

static void
transfers_changed_cb (GListModel    *model,
                      guint          position,
                      guint          removed,
                      guint          added,
                      PhApplication *self)
{
  update_can_clear (self);
}

static void
track_transfer (PhApplication *self,
                PhTransfer    *transfer)
{
  g_object_set_data_full (G_OBJECT (transfer), TRANSFER_ID_KEY,
                          g_strdup_printf ("%u", ++self->next_id), g_free);
  g_signal_connect_object (transfer, "notify::state",
                           G_CALLBACK (transfer_state_cb), self, 0);
}

/* Sending */

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
  char  *destination;
  guint  n_files;
  guint  n_folders;
} SendFilesData;

static void
send_files_data_free (SendFilesData *data)
{
  g_free (data->destination);
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
  g_autoptr(GError) error = NULL;

  files = ph_collect_files_finish (result, &data->n_folders, &error);
  if (files == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Newest on top, but a batch keeps its own order. */
  for (guint i = files->len; i > 0; i--)
    {
      g_autoptr(PhTransfer) transfer = NULL;

      transfer = ph_transfer_new_outgoing (g_ptr_array_index (files, i - 1), data->destination);
      track_transfer (self, transfer);
      g_list_store_insert (self->transfers, 0, transfer);
    }

  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
      ph_send_queue_push (self->send_queue, transfer);
    }

  if (files->len > 0)
    remember_destination (self, data->destination);

  data->n_files = files->len;
  g_task_return_boolean (task, TRUE);
}

/* Queues @files for @destination, every regular file of a folder too. */
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_application_send_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_files_data_free);

  ph_collect_files_async (files, n_files, cancellable, collect_cb, g_steal_pointer (&task));
}

gboolean
ph_application_send_files_finish (PhApplication  *self,
                                  GAsyncResult   *result,
                                  guint          *n_files,
                                  guint          *n_folders,
                                  GError        **error)
{
  SendFilesData *data;

  g_return_val_if_fail (PH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_application_send_files_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (n_files != NULL)
    *n_files = data->n_files;
  if (n_folders != NULL)
    *n_folders = data->n_folders;

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
retry_transfer (PhApplication *self,
                PhTransfer    *old)
{
  g_autoptr(PhTransfer) transfer = NULL;
  guint position;

  if (ph_transfer_get_direction (old) != PH_TRANSFER_SEND ||
      ph_transfer_get_source (old) == NULL ||
      !ph_transfer_is_finished (old) ||
      !g_list_store_find (self->transfers, old, &position))
    return;

  ph_notify_withdraw (G_APPLICATION (self), old);
  transfer = ph_transfer_new_outgoing (ph_transfer_get_source (old),
                                       ph_transfer_get_peer (old));
  track_transfer (self, transfer);
  g_list_store_splice (self->transfers, position, 1, (gpointer *) &transfer, 1);
  ph_send_queue_push (self->send_queue, transfer);
}

void
ph_application_clear_finished (PhApplication *self)
{
  guint n;

  g_return_if_fail (PH_IS_APPLICATION (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->transfers), i - 1);

      if (ph_transfer_is_finished (transfer))
        g_list_store_remove (self->transfers, i - 1);
    }
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

static void
transfer_added_cb (PhReceiver    *receiver,
                   PhTransfer    *transfer,
                   PhApplication *self)
{
  track_transfer (self, transfer);
  g_list_store_insert (self->transfers, 0, transfer);
  ph_background_track_transfer (self->background, transfer);

  if (ph_transfer_get_state (transfer) == PH_TRANSFER_FAILED)
    ph_notify_refused (G_APPLICATION (self), self->settings, transfer);
  else
    ph_notify_transfer (G_APPLICATION (self), self->settings, transfer);
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
}

static gboolean
start_receiving (PhApplication  *self,
                 GError        **error)
{
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(GFile) folder = ph_application_dup_receive_folder (self);
  g_autofree char *default_folder = NULL;

  /* The Downloads folder may simply not exist yet; a chosen one must. */
  default_folder = g_settings_get_string (self->settings, "receive-folder");
  if (default_folder[0] == '\0')
    {
      g_autofree char *path = g_file_get_path (folder);
      g_mkdir_with_parents (path, 0700);
    }

  receiver = ph_receiver_new (folder);
  ph_receiver_set_port (receiver, g_settings_get_int (self->settings, "port"));
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
      g_clear_object (&self->receiver);
      return FALSE;
    }

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
  ph_receiver_stop (self->receiver);
  g_signal_handlers_disconnect_by_data (self->receiver, self);
  g_clear_object (&self->receiver);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVING]);
}

static void
set_receive_mode (PhApplication *self,
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
  set_receive_mode (self, TRUE);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (GSettings     *settings,
                     const char    *key,
                     PhApplication *self)
{
  if (self->receiver == NULL)
    return;

  if (g_str_equal (key, "port"))
    {
      /* Wait until the spin button settles instead of rebinding per step. */
      g_clear_handle_id (&self->restart_source, g_source_remove);
      self->restart_source = g_timeout_add (PORT_CHANGE_DELAY_MS, restart_receiving_cb, self);
    }
  else if (g_str_equal (key, "receive-folder") ||
           g_str_equal (key, "original-names") ||
           g_str_equal (key, "ask-before-accepting"))
    {
      apply_receive_settings (self);
    }
}

/* Actions */

static void
receive_mode_change_state (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  set_receive_mode (PH_APPLICATION (user_data), g_variant_get_boolean (value));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PhApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  PhPreferences *preferences = ph_preferences_new (self->settings);

  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PhApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Posthouse developers"), NULL };

  adw_show_about_window (window,
                         "application-name", _("Posthouse"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Posthouse developers"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/posthouse/posthouse",
                         "issue-url", "https://github.com/posthouse/posthouse/issues",
                         "comments", _("Send files to another computer on your network"),
                         "copyright", "© 2026 The Posthouse developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_now (PhApplication *self)
{
  GList *windows;

  /* Quitting ends receive mode: the next start does not receive. */
  set_receive_mode (self, FALSE);

  /* Closing saves the window size; sends in progress are cancelled. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (const GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }

  ph_send_queue_cancel_all (self->send_queue);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->transfers)); i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
      if (!ph_transfer_is_finished (transfer))
        ph_transfer_cancel (transfer);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
quit_confirmed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  if (ph_background_confirm_quit_finish (PH_BACKGROUND (object), result, NULL))
    quit_now (user_data);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  PhApplication *self = user_data;

  /* Asks first while transfers are running. */
  ph_background_confirm_quit_async (self->background, NULL, quit_confirmed_cb, self);
}

static void
open_file_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ph_launch_uri (g_variant_get_string (parameter, NULL));
}

static void
show_in_folder_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PhApplication *self = user_data;

  ph_show_in_folder (g_application_get_dbus_connection (G_APPLICATION (self)),
                     g_variant_get_string (parameter, NULL));
}

static void
accept_transfer_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PhTransfer *transfer = find_transfer (user_data, g_variant_get_string (parameter, NULL), NULL);

  if (transfer != NULL && ph_transfer_get_state (transfer) == PH_TRANSFER_WAITING)
    ph_transfer_accept (transfer);
}

static void
decline_transfer_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  PhTransfer *transfer = find_transfer (user_data, g_variant_get_string (parameter, NULL), NULL);

  if (transfer != NULL && ph_transfer_get_state (transfer) == PH_TRANSFER_WAITING)
    ph_transfer_decline (transfer);
}

static void
retry_transfer_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PhTransfer *transfer = find_transfer (user_data, g_variant_get_string (parameter, NULL), NULL);

  if (transfer != NULL)
    retry_transfer (user_data, transfer);
}

static void
cancel_transfer_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PhTransfer *transfer = find_transfer (user_data, g_variant_get_string (parameter, NULL), NULL);

  if (transfer != NULL && !ph_transfer_is_finished (transfer))
    ph_transfer_cancel (transfer);
}

static const GActionEntry app_actions[] = {
  { "receive-mode", NULL, NULL, "false", receive_mode_change_state },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "quit", quit_activated },
  { "open-file", open_file_activated, "s" },
  { "show-in-folder", show_in_folder_activated, "s" },
  { "accept-transfer", accept_transfer_activated, "s" },
  { "decline-transfer", decline_transfer_activated, "s" },
  { "retry-transfer", retry_transfer_activated, "s" },
  { "cancel-transfer", cancel_transfer_activated, "s" },
};

/* GApplication */

static PhWindow *
get_window (PhApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (ph_window_new (self));

  return PH_WINDOW (window);
}

static void
ph_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (PH_APPLICATION (application))));
}

static void
ph_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  PhWindow *window = get_window (PH_APPLICATION (application));

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

  G_APPLICATION_CLASS (ph_application_parent_class)->startup (application);

  /* Found in our GResource (RESOURCE_BASE/icons) when not installed. */
  gtk_window_set_default_icon_name (APPLICATION_ID);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.choose-files", choose_accels);
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
  if (self->send_queue != NULL)
    g_signal_handlers_disconnect_by_data (self->send_queue, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  G_OBJECT_CLASS (ph_application_parent_class)->dispose (object);
}

static void
ph_application_finalize (GObject *object)
{
  PhApplication *self = PH_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->transfers);
  g_clear_object (&self->send_queue);
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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_application_class_init (PhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ph_application_dispose;
  object_class->finalize = ph_application_finalize;
  object_class->get_property = ph_application_get_property;

  app_class->activate = ph_application_activate;
  app_class->open = ph_application_open;
  app_class->startup = ph_application_startup;
  app_class->shutdown = ph_application_shutdown;

  properties[PROP_RECEIVING] =
    g_param_spec_boolean ("receiving", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CAN_CLEAR] =
    g_param_spec_boolean ("can-clear", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

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
}

static void
ph_application_init (PhApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  self->transfers = g_list_store_new (PH_TYPE_TRANSFER);
  g_signal_connect (self->transfers, "items-changed", G_CALLBACK (transfers_changed_cb), self);
  self->send_queue = ph_send_queue_new (MAX_PARALLEL_SENDS);
  g_signal_connect (self->send_queue, "notify::busy", G_CALLBACK (send_queue_busy_cb), self);

  g_signal_connect (self->settings, "changed", G_CALLBACK (settings_changed_cb), self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
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

GListModel *
ph_application_get_transfers (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (self->transfers);
}
