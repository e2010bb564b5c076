/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window: one recycled list of batches under the panel (both
 * scroll together), a batch's files on a page of their own, requests
 * above it all. Actions are in ph-window-actions.c, dropping and
 * pasting in ph-window-dnd.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-batch-row.h"
#include "ph-batch-view.h"
#include "ph-format.h"
#include "ph-preferences.h"
#include "ph-window-private.h"

G_DEFINE_FINAL_TYPE (PhWindow, ph_window, ADW_TYPE_APPLICATION_WINDOW)

/* Says @title in passing. It is plain text: a toast's title is markup,
 * and may hold names someone else chose (a receiver nearby, a file). */
void
ph_window_show_toast (PhWindow   *self,
                      const char *title)
{
  g_autofree char *markup = NULL;
  AdwToast *toast;

  g_return_if_fail (PH_IS_WINDOW (self));

  markup = g_markup_escape_text (title, -1);
  toast = adw_toast_new (markup);

  g_free (self->last_toast);
  self->last_toast = g_strdup (title);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
ph_window_track_dialog (PhWindow  *self,
                        GtkWindow *dialog)
{
  g_clear_weak_pointer (&self->message_dialog);
  g_set_weak_pointer (&self->message_dialog, dialog);
}

/* The list: the panel first, then the batches. Rows are made for what
 * is on screen and rebound as it scrolls. */

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         PhWindow                 *self)
{
  gpointer object = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  if (PH_IS_PANEL (object))
    {
      /* A heading, not a row to activate or select. */
      gtk_list_item_set_activatable (item, FALSE);
      gtk_list_item_set_selectable (item, FALSE);
      gtk_list_item_set_child (item, GTK_WIDGET (object));
      if (gtk_widget_get_parent (GTK_WIDGET (object)) != NULL)
        gtk_widget_set_focusable (gtk_widget_get_parent (GTK_WIDGET (object)), FALSE);
      return;
    }

  gtk_list_item_set_activatable (item, TRUE);
  if (!PH_IS_BATCH_ROW (child))
    {
      child = GTK_WIDGET (ph_batch_row_new ());
      gtk_list_item_set_child (item, child);
    }
  if (gtk_widget_get_parent (child) != NULL)
    gtk_widget_set_focusable (gtk_widget_get_parent (child), TRUE);
  ph_batch_row_set_batch (PH_BATCH_ROW (child), PH_BATCH (object));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           PhWindow                 *self)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (PH_IS_PANEL (child))
    gtk_list_item_set_child (item, NULL);
  else if (PH_IS_BATCH_ROW (child))
    ph_batch_row_set_batch (PH_BATCH_ROW (child), NULL);
}

static void
batches_changed_cb (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    PhWindow   *self)
{
  PhBatch *shown = ph_batch_view_get_batch (self->batch_view);

  ph_panel_set_empty (self->panel, g_list_model_get_n_items (model) == 0);

  /* The batch on show was removed: back to the list. */
  if (shown != NULL && removed > 0 && !ph_batch_list_contains (self->batches, shown))
    ph_window_show_main (self);
}

static void
batch_activated_cb (PhWindow *self,
                    guint     position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->batch_list));
  g_autoptr(GObject) item = g_list_model_get_item (model, position);

  if (PH_IS_BATCH (item))
    ph_window_show_batch (self, PH_BATCH (item));
}

/* Shows @batch's files (from its row or its notification). */
void
ph_window_show_batch (PhWindow *self,
                      PhBatch  *batch)
{
  g_return_if_fail (PH_IS_WINDOW (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  ph_batch_view_set_batch (self->batch_view, batch);
  gtk_stack_set_visible_child_name (self->stack, "batch");
  ph_window_update_actions (self);
}

/* Back to the list; the batch page lets go of its batch. */
void
ph_window_show_main (PhWindow *self)
{
  g_return_if_fail (PH_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->stack, "main");
  ph_batch_view_set_batch (self->batch_view, NULL);
  ph_window_update_actions (self);
}

/* Messages from receiving */

static void
receive_failed_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            PhWindow         *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (g_str_equal (response, "preferences"))
    {
      if (application != NULL)
        g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
    }
  else if (g_str_equal (response, "folder") && self->settings != NULL)
    ph_choose_receive_folder (GTK_WINDOW (self), self->settings);
}

static void
receive_failed_cb (PhReceiveSession *session,
                   const GError     *error,
                   PhWindow         *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  const char *hint;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ph-receive-error-dialog.ui");
  dialog = ADW_MESSAGE_DIALOG (gtk_builder_get_object (builder, "dialog"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE) ||
      g_error_matches (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS))
    {
      hint = g_error_matches (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS) ?
             _("Choose another network in Preferences, or all of them.") :
             _("Close the program that uses it, or choose another port in Preferences.");
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
  ph_window_track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refused_toast_dismissed_cb (PhWindow *self)
{
  g_clear_weak_pointer (&self->refused_toast);
}

static void
connection_failed_cb (PhReceiveSession *session,
                      const char       *peer,
                      const GError     *error,
                      PhWindow         *self)
{
  g_autofree char *host = ph_format_peer (peer, FALSE);
  g_autofree char *text = g_strdup_printf (_("Refused a connection from %s: %s"), host, error->message);
  /* The reason may quote what the sender sent: markup, never. */
  g_autofree char *title = g_markup_escape_text (text, -1);

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

static void
destination_confirmed_cb (PhPanel    *panel,
                          const char *destination,
                          PhWindow   *self)
{
  g_autofree char *title = g_strdup_printf (_("Files you drop or choose now go to %s"), destination);

  ph_window_update_drop_label (self);
  ph_window_show_toast (self, title);
}

static void
panel_send_files_cb (PhPanel     *panel,
                     const char  *destination,
                     GdkFileList *list,
                     PhWindow    *self)
{
  g_autoptr(GSList) files = gdk_file_list_get_files (list);
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  /* The row took the drop: the window's own target hears no more of it. */
  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);

  ph_window_send_files_to (self, (GFile **) array->pdata, array->len, destination);
}

static void
receiving_changed_cb (PhWindow *self)
{
  gboolean receiving = ph_receive_session_get_receiving (self->session);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->receive_button),
                               receiving ? _("Receiving: Other Computers Can Send Files Here")
                                         : _("Let Other Computers Send Files Here"));
  ph_window_update_actions (self);
}

/* GtkWindow */

static gboolean
ph_window_close_request (GtkWindow *window)
{
  PhWindow *self = PH_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  if (self->settings != NULL)
    ph_settings_save_window_state (self->settings, width, height, gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (ph_window_parent_class)->close_request (window);
}

static void
ph_window_setup (PhWindow *self)
{
  GListModel *batches = G_LIST_MODEL (self->batches);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GListStore) head = g_list_store_new (PH_TYPE_PANEL);
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkNoSelection *selection;
  int width, height;
  gboolean maximized;

  ph_settings_get_window_state (self->settings, &width, &height, &maximized);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (maximized)
    gtk_window_maximize (GTK_WINDOW (self));

  self->panel = g_object_ref_sink (ph_panel_new (self->settings, self->session, self->browser));
  g_signal_connect_object (self->panel, "destination-confirmed",
                           G_CALLBACK (destination_confirmed_cb), self, 0);
  g_signal_connect_object (self->panel, "send-files",
                           G_CALLBACK (panel_send_files_cb), self, 0);
  g_signal_connect_object (ph_panel_get_destination_entry (self->panel), "changed",
                           G_CALLBACK (ph_window_update_drop_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "items-changed",
                           G_CALLBACK (ph_window_update_drop_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ph_panel_get_nearby_list (self->panel), "notify::drop-peer",
                           G_CALLBACK (ph_window_update_drop_label), self, G_CONNECT_SWAPPED);
  ph_window_update_drop_label (self);

  g_list_store_append (head, self->panel);
  g_list_store_append (parts, head);
  g_list_store_append (parts, batches);
  selection = gtk_no_selection_new (G_LIST_MODEL (gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (parts)))));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->batch_list, factory);
  gtk_list_view_set_model (self->batch_list, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  g_signal_connect_object (batches, "items-changed", G_CALLBACK (batches_changed_cb), self, 0);
  batches_changed_cb (batches, 0, 0, 0, self);

  ph_request_bar_set_requests (self->request_bar, ph_batch_list_get_requests (self->batches));

  g_signal_connect_object (self->batches, "notify::can-clear", G_CALLBACK (ph_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->batches, "notify::can-cancel", G_CALLBACK (ph_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::receiving", G_CALLBACK (receiving_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::addresses", G_CALLBACK (ph_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "failed", G_CALLBACK (receive_failed_cb), self, 0);
  g_signal_connect_object (self->session, "connection-failed", G_CALLBACK (connection_failed_cb), self, 0);
  receiving_changed_cb (self);
}

static void
ph_window_dispose (GObject *object)
{
  PhWindow *self = PH_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->batches != NULL)
    g_signal_handlers_disconnect_by_data (self->batches, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->browser != NULL)
    g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->browser);
  g_clear_object (&self->batches);
  g_clear_object (&self->outbox);
  g_clear_weak_pointer (&self->message_dialog);
  g_clear_weak_pointer (&self->refused_toast);
  if (self->batch_list != NULL)
    gtk_list_view_set_model (self->batch_list, NULL);
  g_clear_object (&self->panel);

  G_OBJECT_CLASS (ph_window_parent_class)->dispose (object);
}

static void
ph_window_finalize (GObject *object)
{
  PhWindow *self = PH_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_toast, g_free);

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

  g_type_ensure (PH_TYPE_BATCH_VIEW);
  g_type_ensure (PH_TYPE_REQUEST_BAR);
  g_type_ensure (PH_TYPE_ACCEPT_ALL_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PhWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_button);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_content);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, request_bar);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, accept_all_bar);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_revealer);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_box);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_icon);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_label);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, main_scroller);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, batch_list);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, batch_view);
  gtk_widget_class_bind_template_callback (widget_class, batch_activated_cb);
}

static void
ph_window_init (PhWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  ph_window_actions_init (self);
  ph_window_dnd_init (self);
}

/**
 * ph_window_new:
 * @settings: where the window keeps its size and the destination
 * @session: the receiving it shows and switches
 * @browser: the receivers nearby
 * @batches: the batches it lists
 * @outbox: where files dropped on it go
 */
PhWindow *
ph_window_new (GtkApplication   *application,
               PhSettings       *settings,
               PhReceiveSession *session,
               PhBrowser        *browser,
               PhBatchList      *batches,
               PhOutbox         *outbox)
{
  PhWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (session), NULL);
  g_return_val_if_fail (PH_IS_BROWSER (browser), NULL);
  g_return_val_if_fail (PH_IS_BATCH_LIST (batches), NULL);
  g_return_val_if_fail (PH_IS_OUTBOX (outbox), NULL);

  self = g_object_new (PH_TYPE_WINDOW,
                       "application", application,
                       NULL);
  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);
  self->browser = g_object_ref (browser);
  self->batches = g_object_ref (batches);
  self->outbox = g_object_ref (outbox);
  ph_window_setup (self);

  return self;
}

/* Test accessors */

GtkDropTarget *
ph_window_get_drop_target (PhWindow *self)
{
  return self->drop_target;
}

GtkListView *
ph_window_get_batch_list (PhWindow *self)
{
  return self->batch_list;
}

PhBatchView *
ph_window_get_batch_view (PhWindow *self)
{
  return self->batch_view;
}

PhPanel *
ph_window_get_panel (PhWindow *self)
{
  return self->panel;
}

/* The banner of "Accept everything from this device" (its grants are the app's). */
PhAcceptAllBar *
ph_window_get_accept_all_bar (PhWindow *self)
{
  g_return_val_if_fail (PH_IS_WINDOW (self), NULL);

  return self->accept_all_bar;
}

PhRequestBar *
ph_window_get_request_bar (PhWindow *self)
{
  return self->request_bar;
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

const char *
ph_window_get_last_toast (PhWindow *self)
{
  return self->last_toast;
}

AdwWindowTitle *
ph_window_get_title_widget (PhWindow *self)
{
  return self->window_title;
}

GtkToggleButton *
ph_window_get_receive_button (PhWindow *self)
{
  return self->receive_button;
}
