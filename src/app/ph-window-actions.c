/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's actions (win.*), from one table, enabled from one place
 * (ph_window_update_actions()) as what they act on allows. They stay a
 * GActionMap of the window, not actions of its class, as scripts and
 * tests reach them over D-Bus (org.gtk.Actions on the window's path),
 * which class actions are not. The ones a notification needs are app.*
 * actions instead. Here too what every part of the window uses: which
 * page shows, toasts, the dialog on screen; so this file calls no other
 * part of the window, and they all may call it. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-preferences.h"
#include "ph-window-private.h"

static void
clear_history_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PhWindow *self = user_data;

  if (self->batches != NULL)
    ph_batch_list_clear_history (self->batches);
}

static void
cancel_all_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PhWindow *self = user_data;

  if (self->batches != NULL)
    ph_batch_list_cancel_all (self->batches);
}

static void
copy_address_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhWindow *self = user_data;
  const char *address = ph_panel_get_receive_address (self->panel);

  if (address == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), address);
  ph_window_show_toast (self, _("Address copied"));
}

static void
change_folder_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PhWindow *self = user_data;

  if (self->settings != NULL)
    ph_choose_receive_folder (GTK_WINDOW (self), self->settings);
}

static void
use_destination_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PhWindow *self = user_data;

  ph_panel_set_destination (self->panel, g_variant_get_string (parameter, NULL));
}

static void
back_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ph_window_show_main (user_data);
}

static gboolean
focus_destination_cb (gpointer user_data)
{
  PhWindow *self = user_data;

  self->focus_id = 0;
  gtk_widget_grab_focus (GTK_WIDGET (ph_panel_get_destination_entry (self->panel)));
  return G_SOURCE_REMOVE;
}

/* Ctrl+L, as in a browser or a file manager: the Send to field, its
 * text selected to be typed over. */
void
ph_window_focus_destination (PhWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->main_scroller);

  ph_window_show_main (self);
  gtk_adjustment_set_value (adjustment, 0);
  /* Scrolled far down, the panel is laid out again only now. */
  if (gtk_widget_get_mapped (GTK_WIDGET (ph_panel_get_destination_entry (self->panel))))
    focus_destination_cb (self);
  else if (self->focus_id == 0)
    self->focus_id = g_timeout_add (50, focus_destination_cb, self);
}

static void
focus_destination_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  ph_window_focus_destination (user_data);
}

/* choose-files and paste live with dropping, in ph-window-dnd.c;
 * send-text and send-again in ph-window-send.c. */
static const GActionEntry win_actions[] = {
  { "clear-history", clear_history_activated },
  { "cancel-all", cancel_all_activated },
  { "copy-address", copy_address_activated },
  { "change-folder", change_folder_activated },
  { "use-destination", use_destination_activated, "s" },
  { "back", back_activated },
  { "focus-destination", focus_destination_activated },
};

void
ph_window_actions_init (PhWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
}

static void
set_enabled (PhWindow   *self,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

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

/* Back to the list; the batch page lets go of its batch once it is
 * out of sight. */
void
ph_window_show_main (PhWindow *self)
{
  g_return_if_fail (PH_IS_WINDOW (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "main");
  ph_window_update_actions (self);
}

const char *
ph_window_get_visible_page (PhWindow *self)
{
  return adw_leaflet_get_visible_child_name (self->leaflet);
}

/* Each action only when there is something for it to do. */
void
ph_window_update_actions (PhWindow *self)
{
  gboolean alive = self->batches != NULL;

  set_enabled (self, "clear-history", alive && ph_batch_list_get_can_clear (self->batches));
  set_enabled (self, "cancel-all", alive && ph_batch_list_get_can_cancel (self->batches));
  set_enabled (self, "copy-address", self->panel != NULL && ph_panel_get_receive_address (self->panel) != NULL);
  set_enabled (self, "back", g_strcmp0 (ph_window_get_visible_page (self), "batch") == 0);
}
