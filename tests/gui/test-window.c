/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "gui-common.h"
#include "ph-preferences.h"

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
test_empty_state (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);

  gui_wait_until (window_mapped, window, "the window to show");
  g_assert_cmpstr (ph_window_get_visible_page (window), ==, "main");
  g_assert_cmpstr (ph_panel_get_visible_page (ph_window_get_panel (window)), ==, "empty");
  g_assert_false (ph_panel_get_receive_visible (ph_window_get_panel (window)));
  g_assert_false (ph_request_bar_get_revealed (ph_window_get_request_bar (window)));
  g_assert_null (ph_window_get_message_dialog (window));
  g_assert_false (g_variant_get_boolean (g_action_group_get_action_state (G_ACTION_GROUP (app), "receive-mode")));

  gui_app_free (app);
}

/* Uninstalled the icon comes from the GResource, which GtkApplication
 * adds to the icon theme: the window and About find it. */
static void
test_app_icon (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  g_autoptr(GtkIconPaintable) paintable = NULL;
  g_autoptr(GFile) file = NULL;

  g_assert_true (g_resources_get_info (RESOURCE_BASE "/icons/scalable/apps/" APPLICATION_ID ".svg",
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL));
  g_assert_cmpstr (gtk_window_get_default_icon_name (), ==, APPLICATION_ID);
  g_assert_true (gtk_icon_theme_has_icon (theme, APPLICATION_ID));
  paintable = gtk_icon_theme_lookup_icon (theme, APPLICATION_ID, NULL, 128, 1,
                                          GTK_TEXT_DIR_NONE, 0);
  file = gtk_icon_paintable_get_file (paintable);
  g_assert_nonnull (file);

  gui_app_free (app);
}

/* The receive folder by the name people know, the full path on hover. */
static void
test_folder_row (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  GSettings *settings = gui_settings ();
  AdwActionRow *row = ph_panel_get_folder_row (ph_window_get_panel (window));
  g_autofree char *inbox = g_build_filename (g_get_home_dir (), "Pictures", "inbox", NULL);
  g_autofree char *outside = g_build_filename (g_get_tmp_dir (), "posthouse-inbox", NULL);

  g_settings_set_string (settings, "receive-folder", inbox);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "~/Pictures/inbox");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, inbox);

  /* Outside the home folder the path is all there is to show. */
  g_settings_set_string (settings, "receive-folder", outside);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, outside);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, outside);

  gui_app_free (app);
}

static void
confirmed_cb (PhPanel    *panel,
              const char *destination,
              gboolean   *confirmed)
{
  *confirmed = TRUE;
}

static void
test_destination (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  PhPanel *panel = ph_window_get_panel (window);
  GSettings *settings = gui_settings ();
  GtkWidget *row = GTK_WIDGET (ph_panel_get_destination_row (panel));
  g_autofree char *stored = NULL;
  gboolean confirmed = FALSE;

  /* Half an IPv6 literal is not wrong yet: no red while typing. */
  gtk_editable_set_text (GTK_EDITABLE (row), "[fe80::1");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Enter says what is wrong, and names the port range. */
  gtk_editable_set_text (GTK_EDITABLE (row), "192.168.1.50:99999");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (row, "entry-activated");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (ph_panel_get_hint (panel), "1 and 65535"));
  stored = g_settings_get_string (settings, "destination");
  g_assert_cmpstr (stored, ==, "");
  g_clear_pointer (&stored, g_free);

  /* Fixing it clears the error at once and stores it. */
  gtk_editable_set_text (GTK_EDITABLE (row), "192.168.1.50:7000");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  stored = g_settings_get_string (settings, "destination");
  g_assert_cmpstr (stored, ==, "192.168.1.50:7000");

  /* Enter with a good address is answered (with a toast). */
  g_signal_connect (panel, "destination-confirmed", G_CALLBACK (confirmed_cb), &confirmed);
  g_signal_emit_by_name (row, "entry-activated");
  g_assert_true (confirmed);
  g_signal_handlers_disconnect_by_data (panel, &confirmed);

  /* A recent destination puts its text back in the field. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "use-destination",
                                  g_variant_new_string ("[::1]:6666"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "[::1]:6666");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  gui_app_free (app);
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow *dialog = ph_window_get_message_dialog (data);
  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
has_batch (gpointer data)
{
  return gui_n_batches (data) > 0;
}

static void
test_drop_without_destination (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-gui-XXXXXX");
  g_autofree char *path = gui_make_file (dir, "note.txt", 10);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", ph_test_unused_port ());
  AdwMessageDialog *dialog;
  GtkEditable *entry;

  gui_drop_files (window, &file, 1);

  /* It asks where to send instead of failing, and sends nothing yet. */
  gui_wait_until (dialog_shown, window, "the destination dialog");
  g_assert_cmpuint (gui_n_batches (app), ==, 0);

  /* Send stays off until the address makes sense. */
  dialog = ADW_MESSAGE_DIALOG (ph_window_get_message_dialog (window));
  entry = GTK_EDITABLE (gui_find_widget (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_ENTRY));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "send"));
  gtk_editable_set_text (entry, "not an address:99999");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "send"));
  gtk_editable_set_text (entry, destination);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "send"));

  /* Answering sends the file there and remembers the address. */
  adw_message_dialog_response (dialog, "send");
  gui_wait_until (has_batch, app, "the file to be queued");
  g_assert_cmpstr (ph_panel_get_destination (ph_window_get_panel (window)), ==, destination);
  g_assert_cmpstr (ph_batch_get_peer (gui_batch_at (app, 0)), ==, destination);

  gui_app_free (app);
  ph_test_rm_rf (dir);
}

static gboolean
has_preferences (gpointer data)
{
  for (GList *l = gtk_application_get_windows (data); l != NULL; l = l->next)
    if (PH_IS_PREFERENCES (l->data) && gtk_widget_get_mapped (l->data))
      return TRUE;
  return FALSE;
}

static void
test_secondary_windows (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  gui_wait_until (has_preferences, app, "the preferences window");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  gui_iterate (300);

  gui_app_free (app);
}

/* Receiving limited to one interface, and back to all of them. */
static void
test_interface_preference (void)
{
  PhApplication *app = gui_app_new ();
  GSettings *settings = gui_settings ();
  PhPreferences *preferences;
  AdwComboRow *row;
  GListModel *model;
  guint n;

  /* Set, but not an interface that can be listed: kept, shown as such. */
  g_settings_set_string (settings, "receive-interface", "lo");
  preferences = g_object_ref_sink (ph_preferences_new (ph_application_get_settings (app),
                                                       ph_application_get_session (app)));
  row = ph_preferences_get_interface_row (preferences);
  model = adw_combo_row_get_model (row);
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, n - 1);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), n - 1), ==, "lo (not connected)");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), ==, "All Networks");

  adw_combo_row_set_selected (row, 0);
  {
    g_autofree char *value = g_settings_get_string (settings, "receive-interface");
    g_assert_cmpstr (value, ==, "");
  }

  gtk_window_destroy (GTK_WINDOW (preferences));
  g_object_unref (preferences);
  gui_app_free (app);
}

static gboolean
has_toast (gpointer data)
{
  return ph_window_get_last_toast (data) != NULL;
}

/* Show in Folder with nothing to show it: said in the window. */
static void
test_show_in_folder_fails (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);

  /* No file manager on the test bus, and nothing opens this scheme. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-in-folder",
                                  g_variant_new_string ("ph-no-such-scheme:///inbox/file.txt"));
  gui_wait_until (has_toast, window, "a toast");
  g_assert_true (g_str_has_prefix (ph_window_get_last_toast (window), "Couldn't show the folder"));

  gui_app_free (app);
}

static void
test_drop_highlight (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  GtkDropTarget *target = ph_window_get_drop_target (window);
  GdkDragAction action = 0;

  g_assert_false (ph_window_get_drop_highlight_visible (window));
  g_signal_emit_by_name (target, "enter", 30.0, 30.0, &action);
  g_assert_cmpint (action, ==, GDK_ACTION_COPY);
  g_assert_true (ph_window_get_drop_highlight_visible (window));
  g_signal_emit_by_name (target, "leave");
  g_assert_false (ph_window_get_drop_highlight_visible (window));

  /* Nothing finished yet: nothing to clear. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "clear-history"));

  gui_app_free (app);
}

/* A port scan is many refused connections: one toast, no pile. */
static void
test_refused_flood (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  g_autoptr(GError) error = g_error_new_literal (PH_ERROR, PH_ERROR_BAD_HEADER, "Closed before the header");
  AdwToast *toast;

  g_signal_emit_by_name (ph_application_get_session (app), "connection-failed", "192.0.2.7:40000", error);
  toast = ph_window_get_refused_toast (window);
  g_assert_nonnull (toast);

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *peer = g_strdup_printf ("192.0.2.%u:40000", i);
      g_signal_emit_by_name (ph_application_get_session (app), "connection-failed", peer, error);
    }
  gui_iterate (100);

  g_assert_true (ph_window_get_refused_toast (window) == toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Refused a connection from 192.0.2.199: Closed before the header");

  gui_app_free (app);
}

static void
test_remembers_size (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  GSettings *settings = gui_settings ();

  gtk_window_set_default_size (GTK_WINDOW (window), 420, 700);
  gui_iterate (100);
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 420);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* The next window opens at that size. */
  g_application_activate (G_APPLICATION (app));
  window = gui_app_window (app);
  {
    int width, height;
    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
    g_assert_cmpint (width, ==, 420);
    g_assert_cmpint (height, ==, 700);
  }

  gui_app_free (app);
}

/* Icon-only buttons must have a name a screen reader can say. */
static void
check_accessible_names (GtkWidget *widget,
                        guint     *n_checked)
{
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;  /* GTK's own */

  if (GTK_IS_MENU_BUTTON (widget))
    {
      if (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("menu button with icon %s has no accessible name",
                 gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)));
      (*n_checked)++;
      return;
    }

  if (GTK_IS_BUTTON (widget) &&
      gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
      GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget))) &&
      /* libadwaita's own, like AdwEntryRow's apply button */
      !g_str_has_prefix (gtk_image_get_icon_name (GTK_IMAGE (gtk_button_get_child (GTK_BUTTON (widget)))) ?: "", "adw-"))
    {
      GtkAccessible *named = GTK_ACCESSIBLE (widget);

      if (!gtk_test_accessible_has_property (named, GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("%s with icon %s has no accessible name",
                 G_OBJECT_TYPE_NAME (named),
                 gtk_image_get_icon_name (GTK_IMAGE (gtk_button_get_child (GTK_BUTTON (widget)))));
      (*n_checked)++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_accessible_names (child, n_checked);
}

static void
test_accessible_names (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/file.txt");
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_SEND, "127.0.0.1:1", NULL);
  GtkWidget *row = g_object_ref_sink (GTK_WIDGET (ph_batch_row_new ()));
  GtkWidget *file_row = g_object_ref_sink (GTK_WIDGET (ph_file_row_new ()));
  PhTransfer *transfer;
  guint n_checked = 0;

  transfer = ph_batch_add_file (batch, file, 10);
  ph_batch_row_set_batch (PH_BATCH_ROW (row), batch);
  ph_file_row_set_transfer (PH_FILE_ROW (file_row), transfer);

  check_accessible_names (GTK_WIDGET (window), &n_checked);
  check_accessible_names (row, &n_checked);
  check_accessible_names (file_row, &n_checked);
  /* +, main menu, recent, copy, back, the batch page's three (retry,
   * cancel, more); a row's three; a file's show in folder and cancel */
  g_assert_cmpuint (n_checked, >=, 13);

  /* A row says what it shows, for the list item that gets the focus. */
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (file_row), GTK_ACCESSIBLE_PROPERTY_LABEL));

  ph_batch_row_set_batch (PH_BATCH_ROW (row), NULL);
  ph_file_row_set_transfer (PH_FILE_ROW (file_row), NULL);
  g_object_unref (row);
  g_object_unref (file_row);
  gui_app_free (app);
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* At its smallest the title is whole and the Receive button says
 * plainly when it is on. */
static void
test_narrow (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  AdwWindowTitle *title = ph_window_get_title_widget (window);
  GtkWidget *label;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 294);
  gui_wait_width (GTK_WIDGET (window), 400, "the window at its smallest");

  label = find_label (GTK_WIDGET (title), "Posthouse");
  g_assert_nonnull (label);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));

  g_action_group_change_action_state (G_ACTION_GROUP (app), "receive-mode", g_variant_new_boolean (FALSE));
  g_assert_false (gtk_toggle_button_get_active (ph_window_get_receive_button (window)));

  gui_app_free (app);
}

/* Tab from the top of the window to the bottom: every stop is a control
 * or a row that can say what it is, none is an empty box. */
static gboolean
batch_finished (gpointer data)
{
  return gui_n_batches (data) > 0 && ph_batch_is_finished (gui_batch_at (data, 0));
}

static void
test_tab_stops (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-gui-XXXXXX");
  g_autofree char *path = gui_make_file (dir, "note.txt", 10);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", ph_test_unused_port ());
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *first = NULL;
  guint n = 0;

  /* A batch in the list (it fails: nobody listens there). */
  ph_panel_set_destination (ph_window_get_panel (window), destination);
  ph_window_send_files (window, &file, 1);
  gui_wait_until (batch_finished, app, "the batch to fail");
  gui_iterate (400);

  for (guint i = 0; i < 60; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        break;
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_assert_nonnull (focus);
      if (focus == first)
        break;
      if (first == NULL)
        first = focus;
      n++;
      g_test_message ("focus stop %u: %s", n, G_OBJECT_TYPE_NAME (focus));

      if (GTK_IS_BUTTON (focus) || GTK_IS_TEXT (focus))
        continue;
      if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_PROPERTY_LABEL))
        continue;
      g_error ("focus stop %u is a %s with nothing to say", n, G_OBJECT_TYPE_NAME (focus));
    }
  g_assert_cmpuint (n, >, 3);

  /* The row itself is reached with the arrow keys (Enter opens it): it
   * says what it shows. */
  {
    PhBatchRow *row = gui_row_for (window, gui_batch_at (app, 0));
    GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (row));

    g_assert_true (gtk_widget_get_focusable (item));
    g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL));
    g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL));
  }

  ph_test_rm_rf (dir);
  gui_app_free (app);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add_func ("/posthouse/gui/window/empty-state", test_empty_state);
  g_test_add_func ("/posthouse/gui/window/app-icon", test_app_icon);
  g_test_add_func ("/posthouse/gui/window/folder-row", test_folder_row);
  g_test_add_func ("/posthouse/gui/window/destination", test_destination);
  g_test_add_func ("/posthouse/gui/window/drop-without-destination", test_drop_without_destination);
  g_test_add_func ("/posthouse/gui/window/secondary-windows", test_secondary_windows);

  g_test_add_func ("/posthouse/gui/window/accessible-names", test_accessible_names);
  g_test_add_func ("/posthouse/gui/window/drop-highlight", test_drop_highlight);
  g_test_add_func ("/posthouse/gui/window/remembers-size", test_remembers_size);
  g_test_add_func ("/posthouse/gui/window/refused-flood", test_refused_flood);
  g_test_add_func ("/posthouse/gui/window/narrow", test_narrow);
  g_test_add_func ("/posthouse/gui/window/show-in-folder-fails", test_show_in_folder_fails);
  g_test_add_func ("/posthouse/gui/window/interface-preference", test_interface_preference);
  g_test_add_func ("/posthouse/gui/window/tab-stops", test_tab_stops);

  return g_test_run ();
}
