/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The panel's receive part, following the receive session: how to reach
 * this computer ("Ready to receive on …"), how computers nearby see it,
 * where files go, and who may send. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-format.h"
#include "ph-panel-private.h"

/* How computers nearby see this one while it receives. */
void
ph_panel_update_announce_row (PhPanel *self)
{
  const char *problem = ph_receive_session_get_announce_error (self->session);
  const char *name = ph_receive_session_get_announced_name (self->session);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* The name goes before the state when the announcement ends. */
  switch (name != NULL ? ph_receive_session_get_announce_state (self->session) : PH_ANNOUNCER_STOPPED)
    {
    case PH_ANNOUNCER_ANNOUNCED:
      /* Translators: the name this computer announced (Avahi may have made it "Name #2") */
      title = g_strdup_printf (_("Shown nearby as “%s”"), name);
      subtitle = g_strdup (_("Other computers running Posthouse list it under Nearby"));
      break;
    case PH_ANNOUNCER_REGISTERING:
      /* Translators: the name this computer announces */
      title = g_strdup_printf (_("Announcing as “%s”…"), name);
      break;
    case PH_ANNOUNCER_UNAVAILABLE:
      title = g_strdup (_("Not shown to computers nearby"));
      subtitle = g_strdup (_("The Avahi service isn’t running: senders can still type this computer’s address"));
      break;
    case PH_ANNOUNCER_FAILED:
      title = g_strdup (_("Not shown to computers nearby"));
      subtitle = g_strdup (problem);
      break;
    case PH_ANNOUNCER_STOPPED:
      /* Limited to an interface nobody nearby can reach, or not yet started. */
      if (problem != NULL)
        {
          title = g_strdup (_("Not shown to computers nearby"));
          subtitle = g_strdup (problem);
        }
      break;
    case PH_ANNOUNCER_UNSUPPORTED:
    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->announce_row), title != NULL);
  if (title == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->announce_row), title);
  adw_action_row_set_subtitle (self->announce_row, subtitle ? subtitle : "");
}


void
ph_panel_update_folder_row (PhPanel *self)
{
  g_autofree char *path = g_file_get_path (ph_receive_session_get_folder (self->session));
  g_autofree char *display = ph_format_folder (path);
  g_autofree char *full = g_filename_display_name (path);

  adw_action_row_set_subtitle (self->folder_row, display);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_row), full);
}

static void
update_empty_state (PhPanel  *self,
                    gboolean  receiving)
{
  if (receiving)
    {
      gtk_image_set_from_icon_name (self->empty_icon, "folder-download-symbolic");
      gtk_label_set_label (self->empty_title, _("Ready to Receive"));
      gtk_label_set_label (self->empty_description,
                           _("Files sent to this computer appear here. You can still drop files to send them."));
    }
  else
    {
      gtk_image_set_from_icon_name (self->empty_icon, "document-send-symbolic");
      gtk_label_set_label (self->empty_title, _("Drop Files Here"));
      gtk_label_set_label (self->empty_description,
                           _("Files dropped on this window go to the computer above, or to the computer nearby you drop them on. Ctrl+V sends files or text you copied. To get files from another computer, turn on Receive."));
    }
}

/* "Ready to receive on …": the address to give a sender, and the others. */
void
ph_panel_update_receive_panel (PhPanel *self)
{
  gboolean receiving = ph_receive_session_get_receiving (self->session);
  g_auto(GStrv) addresses = ph_receive_session_dup_addresses (self->session);
  const char *interface = ph_receive_session_get_interface (self->session);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *exposure = NULL;

  gtk_revealer_set_reveal_child (self->receive_revealer, receiving);
  update_empty_state (self, receiving);
  g_clear_pointer (&self->address, g_free);

  if (!receiving)
    return;

  if (addresses[0] != NULL)
    {
      self->address = g_strdup (addresses[0]);
      title = g_strdup_printf (_("Ready to receive on %s"), self->address);

      if (addresses[1] != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", addresses + 1);
          /* Translators: other addresses of this computer */
          subtitle = g_strdup_printf (_("Also %s"), joined);
        }
      else
        subtitle = g_strdup (_("Enter this address on the sending computer"));
    }
  else
    {
      title = g_strdup_printf (_("Ready to receive on port %u"),
                               ph_receive_session_get_bound_port (self->session));
      subtitle = g_strdup (_("This computer has no network address right now"));
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row), title);
  adw_action_row_set_subtitle (self->address_row, subtitle);
  ph_panel_update_announce_row (self);

  if (interface[0] != '\0')
    /* Translators: %s is a network interface, such as eth0 */
    exposure = g_strdup_printf (_("While Receive is on, anyone who can reach this computer through %s can send it files. Turn Receive off when you are done."),
                                interface);
  else
    exposure = g_strdup (_("While Receive is on, anyone on this network can send this computer files. Turn Receive off when you are done, or limit it to one network in Preferences."));
  gtk_label_set_label (self->exposure_label, exposure);

  ph_panel_update_folder_row (self);
}
