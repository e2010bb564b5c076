/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-addresses.h"
#include "ph-format.h"
#include "ph-preferences.h"
#include "ph-transfer-row.h"
#include "ph-window-private.h"

struct _PhWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *drop_revealer;
  GtkLabel             *drop_label;
  AdwEntryRow          *destination_row;
  GtkMenuButton        *recent_button;
  GMenu                *recent_menu;
  GtkLabel             *destination_hint;
  GtkRevealer          *receive_revealer;
  AdwActionRow         *address_row;
  AdwActionRow         *folder_row;
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  GtkListBox           *transfer_list;

  GtkDropTarget        *drop_target;
  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *address;        /* the receive address to copy */
  GtkWindow            *message_dialog; /* weak */
  AdwToast             *refused_toast;  /* weak */
  GBinding             *can_clear_binding;
};

G_DEFINE_FINAL_TYPE (PhWindow, ph_window, ADW_TYPE_APPLICATION_WINDOW)

static PhApplication *
get_app (PhWindow *self)
{
  return PH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
show_toast (PhWindow   *self,
            const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
track_dialog (PhWindow  *self,
              GtkWindow *dialog)
{
  g_clear_weak_pointer (&self->message_dialog);
  g_set_weak_pointer (&self->message_dialog, dialog);
}

/* Destination */

static gboolean
destination_is_valid (const char  *text,
                      GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (text == NULL || text[0] == '\0')
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                           _("Enter the address of the receiving computer"));
      return FALSE;
    }

  return ph_address_parse (text, PH_DEFAULT_PORT, &host, &port, error);
}

static void
update_drop_label (PhWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
  g_autofree char *label = NULL;

  if (destination_is_valid (text, NULL))
    label = g_strdup_printf (_("Drop to Send to %s"), text);
  else
    label = g_strdup (_("Drop to Send"));

  gtk_label_set_label (self->drop_label, label);
}

static void
destination_changed_cb (PhWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;

  if (text[0] == '\0' || destination_is_valid (text, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->destination_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->destination_hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->destination_hint), "dim-label");
      gtk_label_set_label (self->destination_hint,
                           _("The address shown by Posthouse on the receiving computer, like 192.168.1.50"));

      stored = g_settings_get_string (self->settings, "destination");
      if (g_strcmp0 (stored, text) != 0)
        g_settings_set_string (self->settings, "destination", text);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->destination_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->destination_hint), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->destination_hint), "error");
      gtk_label_set_label (self->destination_hint, error->message);
    }

  update_drop_label (self);
}

static void
destination_activated_cb (PhWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->stack));
}

static void
update_recent_menu (PhWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-destinations");
  g_autoptr(GMenu) section = g_menu_new ();

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (recent[i], NULL);

      g_menu_item_set_action_and_target (item, "win.use-destination", "s", recent[i]);
      g_menu_append_item (section, item);
    }
  g_menu_append_section (self->recent_menu, _("Recent Destinations"), G_MENU_MODEL (section));

  gtk_widget_set_visible (GTK_WIDGET (self->recent_button), recent[0] != NULL);
}

/* Sending */

static void
send_files_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PhWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_files = 0, n_folders = 0;

  if (!ph_application_send_files_finish (PH_APPLICATION (object), result,
                                         &n_files, &n_folders, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  if (n_folders > 0)
    {
      g_autofree char *title = NULL;

      if (n_files == 0)
        title = g_strdup (_("Nothing to send: the folder has no files"));
      else
        title = g_strdup_printf (ngettext ("Sending %u file from the folder",
                                           "Sending %u files from the folder",
                                           n_files), n_files);
      show_toast (self, title);
    }
}

static void
send_to (PhWindow    *self,
         GFile      **files,
         guint        n_files,
         const char  *destination)
{
  ph_application_send_files_async (get_app (self), files, n_files, destination,
                                   self->cancellable, send_files_cb, g_object_ref (self));
}

static void
ask_entry_changed_cb (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "send",
                                           destination_is_valid (gtk_editable_get_text (entry), NULL));
}

static void
ask_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 PhWindow         *self)
{
  GPtrArray *files = g_object_get_data (G_OBJECT (dialog), "files");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char *text = gtk_editable_get_text (entry);

  if (!g_str_equal (response, "send") || !destination_is_valid (text, NULL))
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->destination_row), text);
  send_to (self, (GFile **) files->pdata, files->len, text);
}

/* Dropping with no destination asks for one instead of failing. */
static void
ask_destination (PhWindow  *self,
                 GFile    **files,
                 guint      n_files)
{
  g_autoptr(GtkBuilder) builder = NULL;
  AdwMessageDialog *dialog;
  GtkEditable *entry;
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *body = NULL;

  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (array, g_object_ref (files[i]));

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ph-destination-dialog.ui");
  dialog = ADW_MESSAGE_DIALOG (gtk_builder_get_object (builder, "dialog"));
  entry = GTK_EDITABLE (gtk_builder_get_object (builder, "entry"));

  body = g_strdup_printf (ngettext ("Enter the address shown by Posthouse on the receiving computer to send %u file.",
                                    "Enter the address shown by Posthouse on the receiving computer to send %u files.",
                                    n_files), n_files);
  adw_message_dialog_set_body (dialog, body);
  gtk_editable_set_text (entry, gtk_editable_get_text (GTK_EDITABLE (self->destination_row)));
  ask_entry_changed_cb (entry, dialog);

  g_object_set_data_full (G_OBJECT (dialog), "files", array, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (ask_entry_changed_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (ask_response_cb), self, 0);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
ph_window_send_files (PhWindow  *self,
                      GFile    **files,
                      guint      n_files)
{
  const char *destination;

  g_return_if_fail (PH_IS_WINDOW (self));

  if (n_files == 0)
    return;

  destination = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
  if (!destination_is_valid (destination, NULL))
    ask_destination (self, files, n_files);
  else
    send_to (self, files, n_files, destination);
}

static void
send_file_slist (PhWindow *self,
                 GSList   *list)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  ph_window_send_files (self, (GFile **) files->pdata, files->len);
}

/* Drag and drop */

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               PhWindow      *self)
{
  gtk_revealer_set_reveal_child (self->drop_revealer, TRUE);
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               PhWindow      *self)
{
  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PhWindow      *self)
{
  GdkFileList *list;
  g_autoptr(GSList) files = NULL;

  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = g_value_get_boxed (value);
  files = gdk_file_list_get_files (list);
  if (files == NULL)
    return FALSE;

  send_file_slist (self, files);
  return TRUE;
}

/* Receive panel */

static void
update_folder_row (PhWindow *self)
{
  g_autoptr(GFile) folder = ph_application_dup_receive_folder (get_app (self));
  g_autofree char *path = g_file_get_path (folder);
  g_autofree char *display = ph_format_folder (path);
  g_autofree char *full = g_filename_display_name (path);

  adw_action_row_set_subtitle (self->folder_row, display);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_row), full);
}

static void
update_receive_panel (PhWindow *self)
{
  PhApplication *app = get_app (self);
  gboolean receiving = ph_application_get_receiving (app);
  guint port = ph_application_get_receive_port (app);
  g_autoptr(GPtrArray) addresses = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  gtk_revealer_set_reveal_child (self->receive_revealer, receiving);

  if (receiving)
    {
      adw_status_page_set_icon_name (self->empty_page, "folder-download-symbolic");
      adw_status_page_set_title (self->empty_page, _("Ready to Receive"));
      adw_status_page_set_description (self->empty_page,
                                       _("Files sent to this computer appear here. You can still drop files to send them."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "document-send-symbolic");
      adw_status_page_set_title (self->empty_page, _("Drop Files Here"));
      adw_status_page_set_description (self->empty_page,
                                       _("Files dropped on this window are sent to the address above. To get files from another computer, turn on Receive."));
    }

  if (!receiving)
    return;

  addresses = ph_local_addresses ();
  g_clear_pointer (&self->address, g_free);

  if (addresses->len > 0)
    {
      g_autoptr(GStrvBuilder) others = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      self->address = ph_address_format (g_ptr_array_index (addresses, 0), port);
      title = g_strdup_printf (_("Ready to receive on %s"), self->address);

      for (guint i = 1; i < addresses->len; i++)
        {
          g_autofree char *other = ph_address_format (g_ptr_array_index (addresses, i), port);
          g_strv_builder_add (others, other);
        }
      strv = g_strv_builder_end (others);

      if (strv[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", strv);
          /* Translators: other addresses of this computer */
          subtitle = g_strdup_printf (_("Also %s"), joined);
        }
      else
        subtitle = g_strdup (_("Enter this address on the sending computer"));
    }
  else
    {
      title = g_strdup_printf (_("Ready to receive on port %u"), port);
      subtitle = g_strdup (_("This computer has no network address right now"));
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row), title);
  adw_action_row_set_subtitle (self->address_row, subtitle);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "copy-address")),
                               self->address != NULL);
  update_folder_row (self);
}

static void
receive_failed_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            PhWindow         *self)
{
  if (g_str_equal (response, "preferences"))
    g_action_group_activate_action (G_ACTION_GROUP (get_app (self)), "preferences", NULL);
  else if (g_str_equal (response, "folder"))
    ph_choose_receive_folder (GTK_WINDOW (self), self->settings);
}

static void
receive_failed_cb (PhApplication *app,
                   const GError  *error,
                   PhWindow      *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  const char *hint;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ph-receive-error-dialog.ui");
  dialog = ADW_MESSAGE_DIALOG (gtk_builder_get_object (builder, "dialog"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    {
      hint = _("Close the program that uses it, or choose another port in Preferences.");
      adw_message_dialog_add_response (dialog, "preferences", _("_Preferences"));
      adw_message_dialog_set_response_appearance (dialog, "preferences", ADW_RESPONSE_SUGGESTED);
    }
  else if (error->domain == PH_ERROR &&
           (error->code == PH_ERROR_FOLDER || error->code == PH_ERROR_PREFIX))
    {
      hint = _("Choose a folder you can save files in.");
      adw_message_dialog_add_response (dialog, "folder", _("_Choose Folder…"));
      adw_message_dialog_set_response_appearance (dialog, "folder", ADW_RESPONSE_SUGGESTED);
    }
  else
    hint = _("Check the port and the receive folder in Preferences.");

  body = g_strdup_printf ("%s\n\n%s", error->message, hint);
  adw_message_dialog_set_body (dialog, body);

  g_signal_connect_object (dialog, "response", G_CALLBACK (receive_failed_response_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refused_toast_dismissed_cb (PhWindow *self)
{
  g_clear_weak_pointer (&self->refused_toast);
}

static void
connection_failed_cb (PhApplication *app,
                      const char    *peer,
                      const GError  *error,
                      PhWindow      *self)
{
  g_autofree char *host = ph_format_peer (peer, FALSE);
  g_autofree char *title = g_strdup_printf (_("Refused a connection from %s: %s"), host, error->message);

  /* A scan or a flood must not queue a toast per connection: the one
   * on screen shows the latest. */
  if (self->refused_toast != NULL)
    {
      adw_toast_set_title (self->refused_toast, title);
      return;
    }

  self->refused_toast = adw_toast_new (title);
  adw_toast_set_timeout (self->refused_toast, 4);
  g_object_add_weak_pointer (G_OBJECT (self->refused_toast), (gpointer *) &self->refused_toast);
  g_signal_connect_object (self->refused_toast, "dismissed",
                           G_CALLBACK (refused_toast_dismissed_cb), self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, self->refused_toast);
}

/* Transfer list */

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return GTK_WIDGET (ph_transfer_row_new (PH_TRANSFER (item)));
}

static void
transfers_changed_cb (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      PhWindow   *self)
{
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (model) > 0 ? "transfers" : "empty");
}

/* Actions */

static void
choose_response_cb (GtkNativeDialog *native,
                    int              response,
                    PhWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        g_ptr_array_add (files, g_list_model_get_item (list, i));

      ph_window_send_files (self, (GFile **) files->pdata, files->len);
    }

  g_object_unref (native);
}

static void
choose_files_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhWindow *self = user_data;
  GtkFileChooserNative *native;

  /* A native chooser goes through the portal when sandboxed. */
  native = gtk_file_chooser_native_new (_("Choose Files to Send"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Send"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (choose_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
paste_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PhWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, &error);
  if (value == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("Nothing to send: copy files in a file manager first"));
      return;
    }

  g_autoptr(GSList) files = gdk_file_list_get_files (g_value_get_boxed (value));
  send_file_slist (self, files);
}

static void
paste_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PhWindow *self = user_data;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                  self->cancellable, paste_cb, g_object_ref (self));
}

static void
clear_finished_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PhWindow *self = user_data;

  ph_application_clear_finished (get_app (self));
}

static void
copy_address_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhWindow *self = user_data;

  if (self->address == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->address);
  show_toast (self, _("Address copied"));
}

static void
change_folder_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PhWindow *self = user_data;

  ph_choose_receive_folder (GTK_WINDOW (self), self->settings);
}

static void
use_destination_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PhWindow *self = user_data;

  gtk_editable_set_text (GTK_EDITABLE (self->destination_row),
                         g_variant_get_string (parameter, NULL));
}

static const GActionEntry win_actions[] = {
  { "choose-files", choose_files_activated },
  { "paste", paste_activated },
  { "clear-finished", clear_finished_activated },
  { "copy-address", copy_address_activated },
  { "change-folder", change_folder_activated },
  { "use-destination", use_destination_activated, "s" },
};

/* GtkWindow */

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     PhWindow   *self)
{
  if (g_str_equal (key, "recent-destinations"))
    update_recent_menu (self);
  else if (g_str_equal (key, "destination"))
    {
      g_autofree char *destination = g_settings_get_string (settings, key);

      /* Set from elsewhere (gsettings, a second window): follow it. */
      if (!g_str_equal (destination, gtk_editable_get_text (GTK_EDITABLE (self->destination_row))))
        gtk_editable_set_text (GTK_EDITABLE (self->destination_row), destination);
    }
  else if (g_str_equal (key, "receive-folder"))
    update_folder_row (self);
}

static void
receiving_changed_cb (PhWindow *self)
{
  update_receive_panel (self);
}

static gboolean
ph_window_close_request (GtkWindow *window)
{
  /* An object of its own: delay-apply mode, once on, stays on, and the
   * application's settings must keep reaching the disk after this (it
   * may go on receiving with the window closed). */
  g_autoptr(GSettings) state = g_settings_new (APPLICATION_ID);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (state);
  g_settings_set_boolean (state, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (state, "window-width", width);
      g_settings_set_int (state, "window-height", height);
    }
  g_settings_apply (state);

  return GTK_WINDOW_CLASS (ph_window_parent_class)->close_request (window);
}

/* After construction: GtkWindow:application is not a construct property. */
static void
ph_window_setup (PhWindow *self)
{
  PhApplication *app = get_app (self);
  GListModel *transfers;
  g_autofree char *destination = NULL;

  self->settings = g_object_ref (ph_application_get_settings (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  destination = g_settings_get_string (self->settings, "destination");
  gtk_editable_set_text (GTK_EDITABLE (self->destination_row), destination);
  destination_changed_cb (self);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  update_recent_menu (self);

  /* Unbound in dispose: transfers may finish after the window is gone. */
  self->can_clear_binding =
    g_object_bind_property (app, "can-clear",
                            g_action_map_lookup_action (G_ACTION_MAP (self), "clear-finished"), "enabled",
                            G_BINDING_SYNC_CREATE);

  transfers = ph_application_get_transfers (app);
  gtk_list_box_bind_model (self->transfer_list, transfers, create_row_cb, NULL, NULL);
  g_signal_connect_object (transfers, "items-changed", G_CALLBACK (transfers_changed_cb), self, 0);
  transfers_changed_cb (transfers, 0, 0, 0, self);

  g_signal_connect_object (app, "notify::receiving", G_CALLBACK (receiving_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "receive-failed", G_CALLBACK (receive_failed_cb), self, 0);
  g_signal_connect_object (app, "connection-failed", G_CALLBACK (connection_failed_cb), self, 0);
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (receiving_changed_cb), self, G_CONNECT_SWAPPED);
  update_receive_panel (self);
}

static void
ph_window_dispose (GObject *object)
{
  PhWindow *self = PH_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->message_dialog);
  g_clear_weak_pointer (&self->refused_toast);
  g_clear_pointer (&self->can_clear_binding, g_binding_unbind);

  G_OBJECT_CLASS (ph_window_parent_class)->dispose (object);
}

static void
ph_window_finalize (GObject *object)
{
  PhWindow *self = PH_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (ph_window_parent_class)->finalize (object);
}

static void
ph_window_class_init (PhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ph_window_dispose;
  object_class->finalize = ph_window_finalize;

  window_class->close_request = ph_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PhWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_revealer);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_label);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, destination_row);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, destination_hint);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_revealer);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, transfer_list);
  gtk_widget_class_bind_template_callback (widget_class, destination_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, destination_activated_cb);
}

static void
ph_window_init (PhWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);

  /* The whole window takes files, not just a small drop zone. */
  self->drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (self->drop_target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (self->drop_target, "leave", G_CALLBACK (drop_leave_cb), self);
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));
}

PhWindow *
ph_window_new (PhApplication *application)
{
  PhWindow *self;

  g_return_val_if_fail (PH_IS_APPLICATION (application), NULL);

  self = g_object_new (PH_TYPE_WINDOW,
                       "application", application,
                       NULL);
  ph_window_setup (self);

  return self;
}

/* Test accessors */

GtkDropTarget *
ph_window_get_drop_target (PhWindow *self)
{
  return self->drop_target;
}

GtkListBox *
ph_window_get_transfer_list (PhWindow *self)
{
  return self->transfer_list;
}

const char *
ph_window_get_visible_page (PhWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWindow *
ph_window_get_message_dialog (PhWindow *self)
{
  return self->message_dialog;
}

AdwEntryRow *
ph_window_get_destination_row (PhWindow *self)
{
  return self->destination_row;
}

gboolean
ph_window_get_drop_highlight_visible (PhWindow *self)
{
  return gtk_revealer_get_reveal_child (self->drop_revealer);
}

AdwToast *
ph_window_get_refused_toast (PhWindow *self)
{
  return self->refused_toast;
}

gboolean
ph_window_get_receive_panel_visible (PhWindow *self)
{
  return gtk_revealer_get_reveal_child (self->receive_revealer);
}

AdwActionRow *
ph_window_get_folder_row (PhWindow *self)
{
  return self->folder_row;
}

const char *
ph_window_get_receive_address (PhWindow *self)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->address_row));
}
