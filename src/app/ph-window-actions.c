/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's actions (win.*), enabled as the application's state
 * allows. The ones a notification needs are app.* actions instead. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-preferences.h"
#include "ph-window-private.h"

static void
clear_finished_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PhApplication *app = ph_window_get_app (user_data);

  if (app != NULL)
    ph_application_clear_finished (app);
}

static void
cancel_all_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PhApplication *app = ph_window_get_app (user_data);

  if (app != NULL)
    ph_application_cancel_all (app);
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

/* choose-files and paste live with dropping, in ph-window-dnd.c. */
static const GActionEntry win_actions[] = {
  { "clear-finished", clear_finished_activated },
  { "cancel-all", cancel_all_activated },
  { "copy-address", copy_address_activated },
  { "change-folder", change_folder_activated },
  { "use-destination", use_destination_activated, "s" },
  { "back", back_activated },
};

void
ph_window_actions_init (PhWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
}

/* Clear Finished and Cancel All only when there is something to do. */
void
ph_window_actions_bind (PhWindow *self)
{
  PhApplication *app = ph_window_get_app (self);

  /* Held, to undo when the window goes (the application stays). */
  self->clear_binding =
    g_object_ref (g_object_bind_property (app, "can-clear",
                                          g_action_map_lookup_action (G_ACTION_MAP (self), "clear-finished"),
                                          "enabled", G_BINDING_SYNC_CREATE));
  self->cancel_binding =
    g_object_ref (g_object_bind_property (app, "can-cancel",
                                          g_action_map_lookup_action (G_ACTION_MAP (self), "cancel-all"),
                                          "enabled", G_BINDING_SYNC_CREATE));
}

void
ph_window_actions_unbind (PhWindow *self)
{
  if (self->clear_binding != NULL)
    g_binding_unbind (self->clear_binding);
  if (self->cancel_binding != NULL)
    g_binding_unbind (self->cancel_binding);
  g_clear_object (&self->clear_binding);
  g_clear_object (&self->cancel_binding);
}
