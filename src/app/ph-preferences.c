/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-format.h"
#include "ph-preferences-private.h"
#include "ph-settings.h"

struct _PhPreferences
{
  AdwPreferencesWindow  parent_instance;

  PhSettings           *settings;
  PhReceiveSession     *session;

  AdwActionRow         *folder_row;
  AdwComboRow          *interface_row;
  GPtrArray            *interfaces;    /* names, in the row's order after "All" */
  GtkSpinButton        *port_spin;
  GtkSwitch            *ask_switch;
  GtkSwitch            *original_switch;
  GtkSwitch            *login_switch;
  GtkSwitch            *notifications_switch;
  AdwComboRow          *history_row;
  GArray               *history_days;  /* int, in the row's order */
};

G_DEFINE_FINAL_TYPE (PhPreferences, ph_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void
folder_response_cb (GtkNativeDialog *native,
                    int              response,
                    PhSettings      *settings)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        ph_settings_set_receive_folder (settings, path);
    }

  g_object_unref (native);
}

void
ph_choose_receive_folder (GtkWindow  *parent,
                          PhSettings *settings)
{
  GtkFileChooserNative *native;
  const char *current;

  g_return_if_fail (PH_IS_SETTINGS (settings));

  native = gtk_file_chooser_native_new (_("Choose Receive Folder"),
                                        parent,
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Select"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  current = ph_settings_get_receive_folder (settings);
  if (current != NULL && current[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (current);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), file, NULL);
    }

  g_signal_connect_object (native, "response", G_CALLBACK (folder_response_cb), settings, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* The folder receiving uses: the one chosen, or the default one. */
static void
update_folder_row (PhPreferences *self)
{
  g_autofree char *path = g_file_get_path (ph_receive_session_get_folder (self->session));
  g_autofree char *display = NULL;
  g_autofree char *full = NULL;

  display = ph_format_folder (path);
  full = g_filename_display_name (path);
  adw_action_row_set_subtitle (self->folder_row, display);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_row), full);
}

/* "All Networks", then each interface with its address; one set in
 * the settings but gone right now stays listed, so it is not lost. */
static void
fill_interfaces (PhPreferences *self)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) pairs = ph_interface_list ();
  g_autofree char *current = g_strdup (ph_settings_get_receive_interface (self->settings));
  guint selected = 0;

  g_ptr_array_set_size (self->interfaces, 0);
  gtk_string_list_append (list, _("All Networks"));
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    {
      const char *name = g_ptr_array_index (pairs, i);
      /* Translators: a network interface and its address, "eth0 (192.168.1.7)" */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), name, (char *) g_ptr_array_index (pairs, i + 1));

      g_ptr_array_add (self->interfaces, g_strdup (name));
      gtk_string_list_append (list, label);
      if (g_str_equal (name, current))
        selected = self->interfaces->len;
    }

  if (current[0] != '\0' && selected == 0)
    {
      /* Translators: a network interface that is down or gone */
      g_autofree char *label = g_strdup_printf (_("%s (not connected)"), current);

      g_ptr_array_add (self->interfaces, g_strdup (current));
      gtk_string_list_append (list, label);
      selected = self->interfaces->len;
    }

  adw_combo_row_set_model (self->interface_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->interface_row, selected);
}

static void
interface_selected_cb (PhPreferences *self)
{
  guint selected = adw_combo_row_get_selected (self->interface_row);
  const char *name = "";

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->interfaces->len)
    name = g_ptr_array_index (self->interfaces, selected - 1);

  ph_settings_set_receive_interface (self->settings, name);
}

/* How long history is kept: the usual choices, and one set otherwise
 * (gsettings) as it is. */
static void
fill_history (PhPreferences *self)
{
  static const int choices[] = { 0, 1, 7, 30, 90, 365, -1 };
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  int current = ph_settings_get_history_days (self->settings);
  guint selected = G_N_ELEMENTS (choices);

  g_array_set_size (self->history_days, 0);
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      int days = choices[i];
      g_autofree char *label = NULL;

      if (days == 0)
        label = g_strdup (_("Not at All"));
      else if (days < 0)
        label = g_strdup (_("For Ever"));
      else if (days == 7)
        label = g_strdup (_("A Week"));
      else if (days == 30)
        label = g_strdup (_("A Month"));
      else if (days == 90)
        label = g_strdup (_("Three Months"));
      else if (days == 365)
        label = g_strdup (_("A Year"));
      else
        /* Translators: how long history is kept */
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d Day", "%d Days", days), days);
      gtk_string_list_append (list, label);
      g_array_append_val (self->history_days, days);
      if (days == current)
        selected = i;
    }

  if (selected == G_N_ELEMENTS (choices))
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d Day", "%d Days", current),
                                                current);

      gtk_string_list_append (list, label);
      g_array_append_val (self->history_days, current);
    }

  adw_combo_row_set_model (self->history_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->history_row, selected);
}

static void
history_selected_cb (PhPreferences *self)
{
  guint selected = adw_combo_row_get_selected (self->history_row);

  if (selected < self->history_days->len)
    ph_settings_set_history_days (self->settings, g_array_index (self->history_days, int, selected));
}

static void
change_folder_clicked_cb (PhPreferences *self)
{
  ph_choose_receive_folder (GTK_WINDOW (self), self->settings);
}

static void
ph_preferences_dispose (GObject *object)
{
  PhPreferences *self = PH_PREFERENCES (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  g_clear_pointer (&self->history_days, g_array_unref);

  G_OBJECT_CLASS (ph_preferences_parent_class)->dispose (object);
}

static void
ph_preferences_class_init (PhPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, folder_row);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, interface_row);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, port_spin);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, ask_switch);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, original_switch);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, login_switch);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, PhPreferences, history_row);
  gtk_widget_class_bind_template_callback (widget_class, change_folder_clicked_cb);
}

static void
ph_preferences_init (PhPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->interfaces = g_ptr_array_new_with_free_func (g_free);
  self->history_days = g_array_new (FALSE, FALSE, sizeof (int));
}

PhPreferences *
ph_preferences_new (PhSettings       *settings,
                    PhReceiveSession *session)
{
  GBindingFlags both = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  PhPreferences *self;

  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (session), NULL);

  self = g_object_new (PH_TYPE_PREFERENCES, NULL);
  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);

  g_object_bind_property (settings, "port", self->port_spin, "value", both);
  g_object_bind_property (settings, "ask-before-accepting", self->ask_switch, "active", both);
  g_object_bind_property (settings, "original-names", self->original_switch, "active", both);
  g_object_bind_property (settings, "receive-at-login", self->login_switch, "active", both);
  g_object_bind_property (settings, "notifications", self->notifications_switch, "active", both);

  g_signal_connect_object (session, "notify::folder", G_CALLBACK (update_folder_row), self, G_CONNECT_SWAPPED);
  update_folder_row (self);

  fill_interfaces (self);
  g_signal_connect_swapped (self->interface_row, "notify::selected", G_CALLBACK (interface_selected_cb), self);

  fill_history (self);
  g_signal_connect_swapped (self->history_row, "notify::selected", G_CALLBACK (history_selected_cb), self);

  return self;
}

/* For tests */
AdwComboRow *
ph_preferences_get_interface_row (PhPreferences *self)
{
  return self->interface_row;
}

AdwComboRow *
ph_preferences_get_history_row (PhPreferences *self)
{
  return self->history_row;
}
