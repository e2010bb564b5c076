/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window does about receiving: the Receive button (its words,
 * and Alt+R however narrow the window), "Ready to receive on …" scrolled
 * into view when Receive is turned on, where the focus goes once a
 * request is answered, and what receiving says when it cannot start or
 * refuses a connection. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-batch-row.h"
#include "ph-format.h"
#include "ph-preferences.h"
#include "ph-window-private.h"

/* Room left around the receive panel when it is scrolled into view. */
#define REVEAL_MARGIN 12
/* How often, and how many times, to look again while the list has not
 * laid the panel out yet. */
#define REVEAL_RETRY_MSEC 30
#define REVEAL_TRIES      20

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

/* "Ready to receive on …" in view */

static gboolean
reveal_cb (gpointer user_data)
{
  PhWindow *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->main_scroller);
  GtkWidget *area = ph_panel_get_receive_area (self->panel);
  graphene_rect_t bounds;
  double page, value, top, bottom;

  self->reveal_id = 0;
  if (!ph_receive_session_get_receiving (self->session))
    return G_SOURCE_REMOVE;

  /* Scrolled far down, the panel is no row of the list right now: to
   * the top first, then look again once it is laid out. */
  if (!gtk_widget_get_mapped (area) ||
      !gtk_widget_compute_bounds (area, GTK_WIDGET (self->main_scroller), &bounds) ||
      bounds.size.height <= 0)
    {
      gtk_adjustment_set_value (adjustment, 0);
      if (++self->reveal_tries < REVEAL_TRIES)
        self->reveal_id = g_timeout_add (REVEAL_RETRY_MSEC, reveal_cb, self);
      return G_SOURCE_REMOVE;
    }

  page = gtk_adjustment_get_page_size (adjustment);
  value = gtk_adjustment_get_value (adjustment);
  top = bounds.origin.y;
  bottom = top + bounds.size.height;

  /* The whole receive panel when it fits, its top ("Ready to receive
   * on …") when it does not. */
  if (top < 0)
    value += top - REVEAL_MARGIN;
  else if (bottom > page)
    value += MIN (bottom - page + REVEAL_MARGIN, top - REVEAL_MARGIN);
  gtk_adjustment_set_value (adjustment, MAX (value, 0));

  return G_SOURCE_REMOVE;
}

static void
reveal_receive_panel (PhWindow *self)
{
  g_clear_handle_id (&self->reveal_id, g_source_remove);
  self->reveal_tries = 0;
  self->reveal_id = g_timeout_add (REVEAL_RETRY_MSEC, reveal_cb, self);
}

/* The receive panel finished opening. */
static void
receive_area_revealed_cb (PhWindow *self)
{
  if (ph_receive_session_get_receiving (self->session) &&
      gtk_revealer_get_child_revealed (GTK_REVEALER (ph_panel_get_receive_area (self->panel))))
    reveal_receive_panel (self);
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

/* The row on screen that shows @item, if any. */
static PhBatchRow *
find_row (GtkWidget *widget,
          gpointer   item)
{
  if (PH_IS_BATCH_ROW (widget))
    return ph_batch_row_get_item (PH_BATCH_ROW (widget)) == item ? PH_BATCH_ROW (widget) : NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      PhBatchRow *row = find_row (child, item);

      if (row != NULL)
        return row;
    }

  return NULL;
}

/* The last request answered from the bar: the focus goes to its row,
 * not to the next thing in the window (Send to, its text selected, to
 * be erased by the next key press). */
static void
requests_changed_cb (PhWindow *self)
{
  GListModel *requests = ph_batch_list_get_requests (self->batches);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  g_autoptr(PhBatch) answered = g_steal_pointer (&self->last_request);
  PhBatchRow *row;

  if (g_list_model_get_n_items (requests) > 0)
    {
      self->last_request = g_list_model_get_item (requests, 0);
      return;
    }

  if (focus == NULL ||
      (!gtk_widget_is_ancestor (focus, GTK_WIDGET (self->request_bar)) &&
       !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->batch_request_bar))))
    return;

  if (answered != NULL && (row = find_row (GTK_WIDGET (self->batch_list), answered)) != NULL &&
      gtk_widget_get_parent (GTK_WIDGET (row)) != NULL &&
      gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (row))))
    return;

  gtk_window_set_focus (GTK_WINDOW (self), NULL);
}

/* The Receive button's mnemonic */

static gboolean
toggle_receive_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  PhWindow *self = user_data;

  return gtk_widget_activate (GTK_WIDGET (self->receive_button));
}

/* In a narrow window the button shows only its icon: Alt+R (whatever
 * letter the translation underlines) still works, as it does while the
 * label shows. The shortcut lives on the icon, so that only one of the
 * two is mapped, and so active, at a time. */
static void
add_icon_mnemonic (PhWindow *self)
{
  const char *label = adw_button_content_get_label (self->receive_content);
  const char *underline = label != NULL ? strchr (label, '_') : NULL;
  GtkEventController *controller;
  GtkShortcut *shortcut;
  guint keyval;

  if (underline == NULL || underline[1] == '\0')
    return;

  keyval = gdk_keyval_to_lower (gdk_unicode_to_keyval (g_utf8_get_char (underline + 1)));
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  shortcut = gtk_shortcut_new (gtk_mnemonic_trigger_new (keyval),
                               gtk_callback_action_new (toggle_receive_cb, self, NULL));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self->receive_icon), controller);
}

void
ph_window_receive_init (PhWindow *self)
{
  g_signal_connect_object (self->session, "notify::receiving", G_CALLBACK (receiving_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::addresses", G_CALLBACK (ph_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "failed", G_CALLBACK (receive_failed_cb), self, 0);
  g_signal_connect_object (self->session, "connection-failed", G_CALLBACK (connection_failed_cb), self, 0);
  g_signal_connect_object (ph_panel_get_receive_area (self->panel), "notify::child-revealed",
                           G_CALLBACK (receive_area_revealed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ph_batch_list_get_requests (self->batches), "items-changed",
                           G_CALLBACK (requests_changed_cb), self, G_CONNECT_SWAPPED);
  requests_changed_cb (self);
  receiving_changed_cb (self);
  add_icon_mnemonic (self);
}

void
ph_window_receive_dispose (PhWindow *self)
{
  g_clear_handle_id (&self->reveal_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
}
