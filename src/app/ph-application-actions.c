/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application's actions (app.*): the header bar's and the menu's,
 * and those notification buttons use, with a batch's id as target, so
 * that they work with no window shown. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-application-private.h"
#include "ph-launch.h"
#include "ph-devices-page.h"
#include "ph-preferences.h"

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PhApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  PhPreferences *preferences = ph_preferences_new (self->settings, self->session);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (preferences),
                              ADW_PREFERENCES_PAGE (ph_devices_page_new (self->settings,
                                                                         ph_application_get_devices (self))));
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
  ph_receive_session_stop (self->session);

  /* Closing saves the window size; transfers in progress are cancelled. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (const GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }

  ph_outbox_cancel_all (self->outbox);
  ph_batch_list_cancel_all (self->batches);

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

/* Said in the window (a toast) as well as in the log; takes @message. */
static void
report (PhApplication *self,
        char          *message)
{
  g_message ("%s", message);
  ph_application_report (self, message);
  g_free (message);
}

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PhApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ph_launch_uri_finish (result, &error))
    report (self, g_strdup_printf (_("Couldn't open the file: %s"), error->message));
}

static void
open_file_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ph_launch_uri_async (g_variant_get_string (parameter, NULL), NULL,
                       launched_cb, g_object_ref (user_data));
}

static void
shown_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PhApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ph_show_in_folder_finish (result, &error))
    report (self, g_strdup_printf (_("Couldn't show the folder: %s"), error->message));
}

static void
show_in_folder_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PhApplication *self = user_data;

  ph_show_in_folder_async (gtk_application_get_active_window (GTK_APPLICATION (self)),
                           g_variant_get_string (parameter, NULL), NULL,
                           shown_cb, g_object_ref (self));
}

static PhBatch *
batch_for (gpointer  user_data,
           GVariant *parameter)
{
  PhApplication *self = user_data;

  return ph_batch_list_find (self->batches, g_variant_get_string (parameter, NULL));
}

/* A batch of this session, or one of the history. */
static gpointer
item_for (PhApplication *self,
          GVariant      *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);
  PhBatch *batch = ph_batch_list_find (self->batches, id);

  return batch != NULL ? (gpointer) batch : (gpointer) ph_batch_list_find_stored (self->batches, id);
}

static void
show_batch_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PhApplication *self = user_data;
  PhWindow *window = ph_application_get_window (self);
  gpointer item = item_for (self, parameter);

  gtk_window_present (GTK_WINDOW (window));
  if (item != NULL)
    ph_window_show_item (window, item);
}

static void
accept_batch_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhBatch *batch = batch_for (user_data, parameter);

  if (batch != NULL)
    ph_batch_accept (batch);
}

static void
accept_all_batch_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  PhBatch *batch = batch_for (user_data, parameter);

  if (batch != NULL && ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE)
    ph_receive_session_accept_all (PH_APPLICATION (user_data)->session, batch);
}

static void
decline_batch_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PhBatch *batch = batch_for (user_data, parameter);

  if (batch != NULL)
    ph_batch_decline (batch);
}

static void
retry_batch_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PhBatch *batch = batch_for (user_data, parameter);

  if (batch != NULL)
    ph_outbox_retry (PH_APPLICATION (user_data)->outbox, batch);
}

static void
cancel_batch_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhBatch *batch = batch_for (user_data, parameter);

  if (batch != NULL)
    ph_batch_cancel (batch);
}

/* Remove from History: from the list, and from the store. */
static void
remove_batch_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  ph_batch_list_forget (PH_APPLICATION (user_data)->batches, g_variant_get_string (parameter, NULL));
}

static void
again_sources_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PhApplication) self = user_data;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = NULL;
  PhWindow *window;

  files = ph_outbox_dup_sources_finish (PH_OUTBOX (object), result, &destination, &error);
  if (files == NULL)
    {
      report (self, g_strdup_printf (_("Couldn't send again: %s"), error->message));
      return;
    }
  if (files->len == 0)
    {
      report (self, g_strdup (_("Couldn't send again: the files are no longer there")));
      return;
    }

  window = ph_application_get_window (self);
  gtk_window_present (GTK_WINDOW (window));
  ph_window_send_files_to (window, (GFile **) files->pdata, files->len, destination);
}

/* Send Again: what a batch sent (now, or before a restart), to the same
 * computer. */
static void
send_again_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PhApplication *self = user_data;
  gpointer item = item_for (self, parameter);

  if (item == NULL)
    return;
  if (PH_IS_BATCH (item) ? ph_batch_get_direction (item) != PH_TRANSFER_SEND
                         : ph_history_batch_get_direction (item) != PH_TRANSFER_SEND)
    return;

  ph_outbox_dup_sources_async (self->outbox, item, NULL, again_sources_cb, g_object_ref (self));
}

static void
text_copied_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PhApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ph_text_file_load_finish (result, &error);
  GdkDisplay *display = gdk_display_get_default ();

  if (text == NULL)
    {
      report (self, g_strdup_printf (_("Couldn't copy the text: %s"), error->message));
      return;
    }

  if (display != NULL)
    gdk_clipboard_set_text (gdk_display_get_clipboard (display), text);
  ph_application_report (self, _("Text copied"));
}

/* Copy: the text a file of text received holds. */
static void
copy_text_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  ph_text_file_load_async (file, NULL, text_copied_cb, g_object_ref (user_data));
}

static void
stop_receiving_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  ph_receive_session_stop (PH_APPLICATION (user_data)->session);
}

/* Notification buttons and rows use these, with a batch's id. */
static const GActionEntry app_actions[] = {
  { "stop-receiving", stop_receiving_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "quit", quit_activated },
  { "open-file", open_file_activated, "s" },
  { "show-in-folder", show_in_folder_activated, "s" },
  { "show-batch", show_batch_activated, "s" },
  { "accept-batch", accept_batch_activated, "s" },
  { "accept-all-batch", accept_all_batch_activated, "s" },
  { "decline-batch", decline_batch_activated, "s" },
  { "retry-batch", retry_batch_activated, "s" },
  { "cancel-batch", cancel_batch_activated, "s" },
  { "remove-batch", remove_batch_activated, "s" },
  { "send-again", send_again_activated, "s" },
  { "copy-text", copy_text_activated, "s" },
};

void
ph_application_add_actions (PhApplication *self)
{
  g_autoptr(GPropertyAction) receive_mode = NULL;

  /* Stateful: its state is whether the session receives. */
  receive_mode = g_property_action_new ("receive-mode", self->session, "receiving");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (receive_mode));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
}
