/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Everyday use (issue 23, items 1-9): names where people look, Send to
 * Which Computer? with the computers nearby, the question before
 * folders go flat, the batch page as a page of its own, Receive turned
 * on in view, the keyboard, and a narrow window. The browser is fed
 * what Avahi would report (ph-browser-private.h), pointing at real
 * receivers on loopback. Key presses themselves are tests/e2e's. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "gui-common.h"
#include "trust-common.h"
#include "ph-browser-private.h"
#include "ph-nearby-list.h"

#define ALICE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BOB   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  PhReceiver    *keeps;      /* Alice's Laptop: keeps folders */
  PhReceiver    *flat;       /* Workshop PC: does not */
  char          *in_dir;
  char          *keeps_dir;
  char          *flat_dir;
  char          *alice;
  char          *workshop;
} Fixture;

static PhReceiver *
start_receiver (const char *dir,
                gboolean    accepts_paths)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  PhReceiver *receiver = ph_receiver_new (folder);

  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  ph_receiver_set_port (receiver, 0);
  ph_receiver_set_accepts_paths (receiver, accepts_paths);
  ph_receiver_start (receiver, &error);
  g_assert_no_error (error);
  return receiver;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-everyday-in-XXXXXX");
  fixture->keeps_dir = ph_test_make_tmp_dir ("posthouse-everyday-keeps-XXXXXX");
  fixture->flat_dir = ph_test_make_tmp_dir ("posthouse-everyday-flat-XXXXXX");
  fixture->keeps = start_receiver (fixture->keeps_dir, TRUE);
  fixture->flat = start_receiver (fixture->flat_dir, FALSE);
  fixture->alice = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->keeps));
  fixture->workshop = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->flat));

  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
  /* Stopped: without a system bus it would look again and forget them. */
  ph_browser_stop (ph_application_get_browser (fixture->app));
  trust_announce (fixture->app, ALICE, "Alice’s Laptop", ALICE,
                  ph_receiver_get_port (fixture->keeps), TRUE, NULL);
  trust_announce (fixture->app, BOB, "Workshop PC", BOB, ph_receiver_get_port (fixture->flat), FALSE, NULL);
  gui_iterate (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gui_app_free (fixture->app);
  ph_receiver_stop (fixture->keeps);
  ph_receiver_stop (fixture->flat);
  g_clear_object (&fixture->keeps);
  g_clear_object (&fixture->flat);
  ph_test_rm_rf (fixture->in_dir);
  ph_test_rm_rf (fixture->keeps_dir);
  ph_test_rm_rf (fixture->flat_dir);
  g_free (fixture->in_dir);
  g_free (fixture->keeps_dir);
  g_free (fixture->flat_dir);
  g_free (fixture->alice);
  g_free (fixture->workshop);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static PhPanel *
panel (Fixture *fixture)
{
  return ph_window_get_panel (fixture->window);
}

static GtkEditable *
send_to (Fixture *fixture)
{
  return GTK_EDITABLE (ph_panel_get_destination_row (panel (fixture)));
}

static gboolean
in_send_to (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (send_to (fixture)));
}

static GFile *
make_file (Fixture    *fixture,
           const char *name)
{
  g_autofree char *path = gui_make_file (fixture->in_dir, name, 3000);

  return g_file_new_for_path (path);
}

/* 1. Send to completes a name nearby and takes it; the row says
 * "To Workshop PC". */
static void
test_names (Fixture       *fixture,
            gconstpointer  data)
{
  GtkPopover *completion = ph_panel_get_completion (panel (fixture));
  g_autoptr(GFile) file = make_file (fixture, "plan.pdf");
  GtkListBoxRow *suggestion;
  g_autofree char *stored = NULL;
  PhBatchRow *row;
  PhBatch *batch;

  gui_wait_until (window_mapped, fixture->window, "the window");
  ph_window_focus_destination (fixture->window);
  gui_wait_until (in_send_to, fixture, "the focus in Send to");

  /* Typed: the names that begin so. */
  gtk_editable_set_text (send_to (fixture), "work");
  gui_wait_until (gui_widget_visible, completion, "the suggestions");
  suggestion = GTK_LIST_BOX_ROW (gui_find_widget (gtk_popover_get_child (completion), GTK_TYPE_LIST_BOX_ROW));
  g_assert_nonnull (suggestion);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (suggestion)), ==, "Workshop PC");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (suggestion)), ==, fixture->workshop);

  /* Picked: the name, taken as it is, kept, and the row ticked. */
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (suggestion)), "row-activated", suggestion);
  g_assert_cmpstr (gtk_editable_get_text (send_to (fixture)), ==, "Workshop PC");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (completion)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (send_to (fixture)), "error"));
  stored = g_settings_get_string (gui_settings (), "destination");
  g_assert_cmpstr (stored, ==, "Workshop PC");
  g_assert_true (ph_nearby_row_get_chosen (ph_nearby_list_get_row (ph_panel_get_nearby_list (panel (fixture)), 1)));

  /* Sent by name: the batch speaks of the name, and went to its address. */
  gui_drop_files (fixture->window, &file, 1);
  gui_wait_until (gui_first_finished, fixture->app, "the file to Workshop PC");
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_batch_get_peer (batch), ==, fixture->workshop);
  g_assert_cmpstr (ph_batch_get_device_name (batch), ==, "Workshop PC");
  row = gui_row_for (fixture->window, batch);
  /* Announced without a key here: it says so. */
  g_assert_true (g_str_has_prefix (ph_batch_row_get_peer_text (row), "To Workshop PC (not encrypted) · "));

  /* A name nobody nearby has: said plainly, once typing is done. */
  gtk_editable_set_text (send_to (fixture), "Garden Shed");
  g_signal_emit_by_name (send_to (fixture), "entry-activated");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (send_to (fixture)), "error"));
  g_assert_cmpstr (ph_panel_get_hint (panel (fixture)), ==, "No computer nearby is called “Garden Shed” right now");
}

/* 2. No destination: the computers nearby to pick from, and a field. */
static void
test_which_computer (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GFile) file = make_file (fixture, "menu.txt");
  AdwMessageDialog *dialog;
  PhNearbyList *list;
  PhNearbyRow *row;
  g_autofree char *saved = g_build_filename (fixture->keeps_dir, "menu.txt", NULL);

  ph_window_send_files (fixture->window, &file, 1);
  dialog = gui_wait_dialog (fixture->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send to Which Computer?");
  list = PH_NEARBY_LIST (gui_find_widget (adw_message_dialog_get_extra_child (dialog), PH_TYPE_NEARBY_LIST));
  g_assert_nonnull (list);
  g_assert_cmpuint (gui_count_widgets (GTK_WIDGET (list), PH_TYPE_NEARBY_ROW), ==, 2);
  g_assert_nonnull (gui_find_widget (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_ENTRY));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "send"));

  /* Picking one sends there. */
  row = ph_nearby_list_get_row (list, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Alice’s Laptop");
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  gui_wait_until (gui_first_finished, fixture->app, "the file to Alice");
  g_assert_cmpstr (ph_batch_get_device_name (gui_batch_at (fixture->app, 0)), ==, "Alice’s Laptop");
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (gtk_editable_get_text (send_to (fixture)), ==, "Alice’s Laptop");
}

static gboolean
first_file_row_bound (gpointer data)
{
  Fixture *fixture = data;
  GtkListView *files = ph_batch_view_get_file_list (ph_window_get_batch_view (fixture->window));
  GtkWidget *file_row = gui_find_widget (GTK_WIDGET (files), PH_TYPE_FILE_ROW);

  return file_row != NULL && g_strcmp0 (ph_file_row_get_folder_text (PH_FILE_ROW (file_row)), "Holiday/Day 1") == 0;
}

/* 4. Folders to a receiver that does not keep them: asked first, with
 * the names that collide; its page shows where each file was. */
static void
test_collisions (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *top = g_build_filename (fixture->in_dir, "Holiday", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (top);
  AdwMessageDialog *dialog;
  GtkListView *files;
  PhFileRow *file_row;
  PhBatch *batch;

  for (guint day = 1; day <= 5; day++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/Day %u", top, day);

      g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
      g_free (gui_make_file (sub, "img_001.jpg", 1000 + day));
    }
  ph_panel_set_destination (panel (fixture), "Workshop PC");

  gui_drop_files (fixture->window, &folder, 1);
  dialog = gui_wait_dialog (fixture->window);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "Workshop PC does not keep folders: the 5 files arrive side by side in one folder.\n\n"
                   "5 files are called “img_001.jpg”: one keeps the name, the others arrive numbered, as “img_001 (2).jpg”.");
  /* Cancel: nothing goes. */
  gui_answer_dialog (fixture->window, "cancel");
  gui_iterate (300);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 0);

  gui_drop_files (fixture->window, &folder, 1);
  gui_answer_dialog (fixture->window, "send");
  gui_wait_until (gui_first_finished, fixture->app, "the folder to Workshop PC");
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, 5);
  g_assert_cmpuint (gui_count_files (fixture->flat_dir), ==, 5);
  {
    g_autofree char *fifth = g_build_filename (fixture->flat_dir, "img_001 (5).jpg", NULL);

    g_assert_true (g_file_test (fifth, G_FILE_TEST_IS_REGULAR));
  }

  /* On its page, five img_001.jpg, each with its folder and an icon. */
  ph_window_show_item (fixture->window, batch);
  gui_wait_until (first_file_row_bound, fixture, "the first file's row, in Holiday/Day 1");
  files = ph_batch_view_get_file_list (ph_window_get_batch_view (fixture->window));
  file_row = PH_FILE_ROW (gui_find_widget (GTK_WIDGET (files), PH_TYPE_FILE_ROW));
  g_assert_true (G_IS_THEMED_ICON (ph_file_row_get_icon (file_row)));
  g_assert_true (g_strv_contains (g_themed_icon_get_names (G_THEMED_ICON (ph_file_row_get_icon (file_row))),
                                  "image-x-generic-symbolic"));
}

/* The batch page slid in (the main page's Receive off screen) in the
 * window grown to its new size. */
static gboolean
batch_page_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (ph_window_get_visible_page (fixture->window), "batch") == 0 &&
         !gtk_widget_get_mapped (GTK_WIDGET (ph_window_get_receive_button (fixture->window))) &&
         gtk_widget_get_width (GTK_WIDGET (fixture->window)) >= 880;
}

/* Back on the main page, and the batch page let go of its item. */
static gboolean
main_page_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (ph_window_get_visible_page (fixture->window), "main") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (ph_window_get_receive_button (fixture->window))) &&
         ph_batch_view_get_item (ph_window_get_batch_view (fixture->window)) == NULL;
}

/* 6. The batch page: a page of its own, with a header bar of its own,
 * at a sensible width in a wide window. */
static void
test_batch_page (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) file = make_file (fixture, "minutes.odt");
  GtkWidget *view = GTK_WIDGET (ph_window_get_batch_view (fixture->window));
  GtkWidget *list;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  ph_panel_set_destination (panel (fixture), "Workshop PC");
  gui_drop_files (fixture->window, &file, 1);
  gui_wait_until (gui_first_finished, fixture->app, "the file to Workshop PC");

  ph_window_show_item (fixture->window, gui_batch_at (fixture->app, 0));
  gui_wait_until (batch_page_shown, fixture, "the batch page, 880 px wide or more");
  g_assert_cmpstr (adw_window_title_get_title (ph_window_get_batch_title (fixture->window)), ==, "minutes.odt");
  g_assert_cmpstr (adw_window_title_get_subtitle (ph_window_get_batch_title (fixture->window)), ==, "To Workshop PC (not encrypted)");
  /* Its own header bar: Back, no + nor Receive (waited for above). */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "back"));
  /* The card and the files, not the window's width. */
  list = GTK_WIDGET (ph_batch_view_get_file_list (PH_BATCH_VIEW (view)));
  g_assert_cmpint (gtk_widget_get_width (list), <=, 640);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (gui_find_widget (view, ADW_TYPE_CLAMP))), <=, 900);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "back", NULL);
  gui_wait_until (main_page_shown, fixture, "the main page, with Receive, the batch page let go");
}

static gboolean
receive_in_view (gpointer data)
{
  PhWindow *window = data;
  GtkWidget *area = ph_panel_get_receive_area (ph_window_get_panel (window));
  GtkScrolledWindow *scroller = ph_window_get_scroller (window);
  graphene_rect_t bounds;
  double page = gtk_adjustment_get_page_size (gtk_scrolled_window_get_vadjustment (scroller));

  return gtk_widget_get_mapped (area) &&
         gtk_revealer_get_child_revealed (GTK_REVEALER (area)) &&
         gtk_widget_compute_bounds (area, GTK_WIDGET (scroller), &bounds) &&
         bounds.origin.y >= 0 && bounds.origin.y + 60 <= page;
}

/* 5. Receive turned on, scrolled far down: "Ready to receive on …"
 * comes into view; no toast repeats what the panel says. */
static void
test_receive_in_view (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *nowhere = g_strdup_printf ("127.0.0.1:%u", ph_test_unused_port ());
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (ph_window_get_scroller (fixture->window));

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 420);
  ph_panel_set_destination (panel (fixture), nowhere);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%02u.txt", i);
      g_autoptr(GFile) file = make_file (fixture, name);

      ph_window_send_files (fixture->window, &file, 1);
      gui_wait_until (gui_first_finished, fixture->app, "the send to fail");
    }
  g_settings_set_int (gui_settings (), "port", ph_test_unused_port ());
  gui_iterate (400);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  gui_iterate (300);
  g_assert_false (receive_in_view (fixture->window));

  gui_set_receive_mode (fixture->app, TRUE);
  gui_wait_until (receive_in_view, fixture->window, "the receive panel in view");
  g_assert_true (g_str_has_prefix (ph_panel_get_address_title (panel (fixture)), "Ready to receive on"));
  /* The panel says why it is not shown nearby; no toast says it again. */
  gui_iterate (500);
  g_assert_null (ph_window_get_last_toast (fixture->window));
}

static GtkWidget *
main_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = main_menu_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
bar_revealed (gpointer data)
{
  return ph_request_bar_get_revealed (data);
}

static gboolean
bar_hidden (gpointer data)
{
  return !ph_request_bar_get_revealed (data);
}

/* 8. The keyboard: Ctrl+L, Tab from the header bar, and where the
 * focus goes once a request is answered. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *menu_button;
  PhRequestBar *bar = ph_window_get_request_bar (fixture->window);
  g_autofree char *photo = gui_make_file (fixture->in_dir, "photo.jpg", 5000);
  guint port = ph_test_unused_port ();

  gui_wait_until (window_mapped, fixture->window, "the window");

  /* Transfers listed, one of them focused a while ago. */
  ph_panel_set_destination (panel (fixture), fixture->workshop);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("tab-%u.txt", i);
      g_autoptr(GFile) file = make_file (fixture, name);

      gui_drop_files (fixture->window, &file, 1);
      gui_wait_until (gui_first_finished, fixture->app, "the file");
    }
  gui_iterate (400);
  gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (gui_row_for (fixture->window, gui_batch_at (fixture->app, 2)))));

  /* Tab from the header bar's last button (the main menu): Send to,
   * not a transfer. */
  menu_button = main_menu_button (GTK_WIDGET (fixture->window));
  g_assert_nonnull (menu_button);
  g_assert_true (gtk_widget_grab_focus (menu_button));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD));
  g_assert_true (in_send_to (fixture));

  /* Shift+Tab from Send to: back to the header bar. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_BACKWARD));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), menu_button));

  /* Ctrl+L from anywhere, the batch page too. */
  gtk_widget_grab_focus (menu_button);
  g_assert_false (in_send_to (fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.focus-destination", NULL));
  gui_wait_until (in_send_to, fixture, "Ctrl+L to reach Send to");

  /* A request answered from the bar: the focus is not left for Send to
   * to take, its text selected. */
  gtk_editable_set_text (send_to (fixture), "Workshop PC");
  g_settings_set_int (gui_settings (), "port", port);
  g_settings_set_string (gui_settings (), "receive-folder", fixture->in_dir);
  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
  gui_set_receive_mode (fixture->app, TRUE);
  {
    g_autoptr(GSubprocess) sender = NULL;
    g_autoptr(GError) error = NULL;
    const char *python = g_getenv ("PYTHON");
    g_autofree char *port_text = g_strdup_printf ("%u", port);
    gboolean done = FALSE;

    sender = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, python ? python : "python3",
                               g_getenv ("PH_PY_SEND"), "127.0.0.1", port_text, photo, NULL);
    g_assert_no_error (error);
    gui_wait_until (gui_first_waiting, fixture->app, "the request");
    gui_wait_until (bar_revealed, bar, "the request bar");
    /* Accept can be activated once it is on screen (it slides in). */
    gui_wait_until (gui_widget_mapped, ph_request_bar_get_button (bar, "accept"), "Accept on screen");
    gtk_widget_grab_focus (GTK_WIDGET (ph_request_bar_get_button (bar, "accept")));
    gtk_widget_activate (GTK_WIDGET (ph_request_bar_get_button (bar, "accept")));
    gui_watch_exit (sender, &done);
    gui_wait_flag (&done, "the accepted send");
  }
  gui_wait_until (bar_hidden, bar, "the request bar to go");
  /* Then a while, for Send to not to take the focus late. */
  gui_iterate (800);
  g_assert_false (ph_request_bar_get_revealed (bar));
  g_assert_false (in_send_to (fixture));
  g_assert_cmpstr (gtk_editable_get_text (send_to (fixture)), ==, "Workshop PC");
}

static gboolean
squeezer_shows_label (gpointer data)
{
  return ADW_IS_BUTTON_CONTENT (adw_squeezer_get_visible_child (data));
}

static gboolean
squeezer_shows_icon (gpointer data)
{
  return GTK_IS_IMAGE (adw_squeezer_get_visible_child (data));
}

/* 9. At 360 px: the heading stays, and Receive keeps Alt+R though its
 * label gave way. At 640 px with three window buttons, it keeps its
 * label. */
static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  GtkSettings *settings = gtk_settings_get_default ();
  g_autofree char *layout = NULL;
  AdwSqueezer *squeezer;
  GtkWidget *heading = NULL;
  GtkWidget *icon;
  gboolean has_mnemonic = FALSE;
  GListModel *controllers;

  g_object_get (settings, "gtk-decoration-layout", &layout, NULL);
  g_object_set (settings, "gtk-decoration-layout", "appmenu:minimize,maximize,close", NULL);
  squeezer = ADW_SQUEEZER (gui_find_widget (GTK_WIDGET (ph_window_get_receive_button (fixture->window)), ADW_TYPE_SQUEEZER));

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 500);
  gui_wait_until (squeezer_shows_label, squeezer, "Receive's label at 640 px");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 500);
  gui_wait_until (squeezer_shows_icon, squeezer, "Receive's icon alone at 360 px");
  icon = adw_squeezer_get_visible_child (squeezer);
  controllers = gtk_widget_observe_controllers (icon);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (controller))
        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
          {
            g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
            GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

            if (GTK_IS_MNEMONIC_TRIGGER (trigger) &&
                gtk_mnemonic_trigger_get_keyval (GTK_MNEMONIC_TRIGGER (trigger)) == GDK_KEY_r)
              has_mnemonic = TRUE;
          }
    }
  g_object_unref (controllers);
  g_assert_true (has_mnemonic);

  /* "Transfers" stays, with a batch listed. */
  ph_panel_set_destination (panel (fixture), fixture->workshop);
  {
    g_autoptr(GFile) file = make_file (fixture, "a.txt");

    gui_drop_files (fixture->window, &file, 1);
  }
  gui_wait_until (gui_first_finished, fixture->app, "the file");
  {
    GtkWidget *root = GTK_WIDGET (panel (fixture));
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, root);
    while (stack->len > 0 && heading == NULL)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), "Transfers") == 0)
          heading = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
  }
  g_assert_nonnull (heading);
  gui_wait_until (gui_widget_mapped, heading, "the heading Transfers on screen");

  g_object_set (settings, "gtk-decoration-layout", layout, NULL);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/everyday/names", Fixture, NULL,
              fixture_set_up, test_names, fixture_tear_down);
  g_test_add ("/posthouse/gui/everyday/which-computer", Fixture, NULL,
              fixture_set_up, test_which_computer, fixture_tear_down);
  g_test_add ("/posthouse/gui/everyday/collisions", Fixture, NULL,
              fixture_set_up, test_collisions, fixture_tear_down);
  g_test_add ("/posthouse/gui/everyday/batch-page", Fixture, NULL,
              fixture_set_up, test_batch_page, fixture_tear_down);
  g_test_add ("/posthouse/gui/everyday/receive-in-view", Fixture, NULL,
              fixture_set_up, test_receive_in_view, fixture_tear_down);
  g_test_add ("/posthouse/gui/everyday/keyboard", Fixture, NULL,
              fixture_set_up, test_keyboard, fixture_tear_down);
  g_test_add ("/posthouse/gui/everyday/narrow", Fixture, NULL,
              fixture_set_up, test_narrow, fixture_tear_down);

  return g_test_run ();
}
