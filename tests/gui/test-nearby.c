/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Nearby list of the send area: rows bound to the browser's model,
 * choosing a row, dropping on a row, folders to receivers that keep
 * them, recent destinations with their names. The browser is fed what
 * Avahi's resolvers would report (ph-browser-private.h), pointing at
 * real receivers on loopback; the real network is the mdns suite's. */

#include "config.h"

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
  PhReceiver    *keeps;      /* accepts folder paths, announced as Alice */
  PhReceiver    *flat;       /* does not, announced as Bob */
  char          *in_dir;
  char          *keeps_dir;
  char          *flat_dir;
  char          *alice;      /* their addresses */
  char          *bob;
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
  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-nearby-in-XXXXXX");
  fixture->keeps_dir = ph_test_make_tmp_dir ("posthouse-nearby-keeps-XXXXXX");
  fixture->flat_dir = ph_test_make_tmp_dir ("posthouse-nearby-flat-XXXXXX");
  fixture->keeps = start_receiver (fixture->keeps_dir, TRUE);
  fixture->flat = start_receiver (fixture->flat_dir, FALSE);
  fixture->alice = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->keeps));
  fixture->bob = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->flat));

  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
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
  g_free (fixture->bob);
}

static PhBrowser *
browser (Fixture *fixture)
{
  return ph_application_get_browser (fixture->app);
}

static PhNearbyList *
nearby_list (Fixture *fixture)
{
  return ph_panel_get_nearby_list (ph_window_get_panel (fixture->window));
}

static void
announce (Fixture    *fixture,
          const char *instance,
          const char *name,
          const char *id,
          gboolean    asks,
          gboolean    paths,
          PhReceiver *receiver)
{
  g_autofree char *id_pair = g_strconcat ("id=", id, NULL);
  const char *txt[] = { "txtvers=1", id_pair, asks ? "ask=1" : "ask=0", paths ? "paths=1" : "paths=0", NULL };

  /* Real receivers of this computer, as its own daemon announces them. */
  PhAnnouncement announcement = {
    .instance = instance, .name = name, .host_name = "localhost.local", .txt = txt,
    .host = "127.0.0.1", .port = (guint16) ph_receiver_get_port (receiver), .local = TRUE,
  };

  ph_browser_resolved (browser (fixture), &announcement);
}

static gboolean
two_rows (gpointer data)
{
  return ph_nearby_list_get_row (nearby_list (data), 1) != NULL;
}

/* Alice keeps folders and asks; Bob's name is not markup. The browser
 * stops first: without a system bus it would look again every few
 * seconds and forget them. */
static void
announce_both (Fixture *fixture)
{
  ph_browser_stop (browser (fixture));
  g_assert_cmpint (ph_browser_get_state (browser (fixture)), ==, PH_BROWSER_STOPPED);
  announce (fixture, "alice-v4", "Alice’s Laptop", ALICE, TRUE, TRUE, fixture->keeps);
  announce (fixture, "bob-v4", "Bob <b>&</b> my_pc", BOB, FALSE, FALSE, fixture->flat);
  gui_wait_until (two_rows, fixture, "both rows nearby");
}

static PhNearbyRow *
row_at (Fixture *fixture,
        guint    position)
{
  return ph_nearby_list_get_row (nearby_list (fixture), position);
}

static const char *
title_of (PhNearbyRow *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static const char *
subtitle_of (PhNearbyRow *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} Expected;

static gboolean
first_subtitle_is (gpointer data)
{
  Expected *expected = data;
  PhNearbyRow *first = row_at (expected->fixture, 0);

  return first != NULL && g_strcmp0 (subtitle_of (first), expected->text) == 0;
}

/* One row left, titled so. */
static gboolean
only_row_is (gpointer data)
{
  Expected *expected = data;
  PhNearbyRow *first = row_at (expected->fixture, 0);

  return first != NULL && row_at (expected->fixture, 1) == NULL &&
         gui_count_widgets (GTK_WIDGET (nearby_list (expected->fixture)), PH_TYPE_NEARBY_ROW) == 1 &&
         g_strcmp0 (title_of (first), expected->text) == 0;
}

static gboolean
no_rows (gpointer data)
{
  return row_at (data, 0) == NULL;
}

typedef struct
{
  PhApplication *app;
  guint          n;
} Batches;

static gboolean
batches_done (gpointer data)
{
  Batches *batches = data;

  return gui_n_batches (batches->app) == batches->n && gui_first_finished (batches->app);
}

/* The @n-th batch made, once it finished. */
static PhBatch *
wait_batch (Fixture    *fixture,
            guint       n,
            const char *what)
{
  Batches batches = { fixture->app, n };

  gui_wait_until (batches_done, &batches, what);
  return gui_batch_at (fixture->app, 0);
}

/* Without a system bus, the list says why it is empty. */
static void
test_unavailable (Fixture       *fixture,
                  gconstpointer  data)
{
  PhNearbyList *list = nearby_list (fixture);

  g_assert_cmpint (ph_browser_get_state (browser (fixture)), ==, PH_BROWSER_UNAVAILABLE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (list)));
  g_assert_null (row_at (fixture, 0));
  g_assert_cmpstr (ph_nearby_list_get_status (list), ==,
                   "Nearby computers can’t be found: the Avahi service isn’t running");

  /* Sending by address is untouched. */
  g_assert_cmpstr (ph_panel_get_hint (ph_window_get_panel (fixture->window)), ==,
                   "A computer nearby, or the address Posthouse shows on the receiving computer, like 192.168.1.50");
}

/* One row per receiver of the model, in its order, live. */
static void
test_rows (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *alice_subtitle = NULL;
  PhNearbyRow *row;

  ph_browser_stop (browser (fixture));
  g_assert_null (row_at (fixture, 0));
  g_assert_cmpstr (ph_nearby_list_get_status (nearby_list (fixture)), ==, "Looking for computers nearby…");

  announce_both (fixture);
  g_assert_cmpuint (gui_count_widgets (GTK_WIDGET (nearby_list (fixture)), PH_TYPE_NEARBY_ROW), ==, 2);
  row = row_at (fixture, 0);
  g_assert_cmpstr (title_of (row), ==, "Alice’s Laptop");
  alice_subtitle = g_strdup_printf ("%s · Asks before accepting", fixture->alice);
  g_assert_cmpstr (subtitle_of (row), ==, alice_subtitle);
  g_assert_true (ph_nearby_row_get_peer (row) == g_list_model_get_item (G_LIST_MODEL (browser (fixture)), 0));
  g_object_unref (ph_nearby_row_get_peer (row));
  /* Shown as sent, not taken for markup. */
  g_assert_cmpstr (title_of (row_at (fixture, 1)), ==, "Bob <b>&</b> my_pc");
  g_assert_cmpstr (subtitle_of (row_at (fixture, 1)), ==, fixture->bob);
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row_at (fixture, 1))));

  /* Rows a screen reader understands: activatable list items under
   * the "Nearby" heading, the destination's selected. */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (row)));

  /* The same receiver over IPv6: still one row. */
  {
    const char *txt[] = { "txtvers=1", "id=" ALICE, "ask=1", "paths=1", NULL };

    PhAnnouncement announcement = {
      .instance = "alice-v6", .name = "Alice’s Laptop", .host_name = "localhost.local", .txt = txt,
      .host = "::1", .port = (guint16) ph_receiver_get_port (fixture->keeps), .local = TRUE,
    };

    ph_browser_resolved (browser (fixture), &announcement);
    gui_iterate (50);
    g_assert_cmpuint (gui_count_widgets (GTK_WIDGET (nearby_list (fixture)), PH_TYPE_NEARBY_ROW), ==, 2);
  }

  /* It stops asking: the row follows. */
  announce (fixture, "alice-v4", "Alice’s Laptop", ALICE, FALSE, TRUE, fixture->keeps);
  ph_browser_lost (browser (fixture), "alice-v6");
  {
    Expected expected = { fixture, fixture->alice };

    gui_wait_until (first_subtitle_is, &expected, "Alice's row without asking");
  }

  /* Withdrawn: its row goes, the other stays. */
  ph_browser_lost (browser (fixture), "alice-v4");
  {
    Expected expected = { fixture, "Bob <b>&</b> my_pc" };

    gui_wait_until (only_row_is, &expected, "Bob's row alone");
  }
  ph_browser_lost (browser (fixture), "bob-v4");
  gui_wait_until (no_rows, fixture, "no rows");
}

/* Choosing a row makes it the destination, marked as such. */
static void
test_choose (Fixture       *fixture,
             gconstpointer  data)
{
  PhPanel *panel = ph_window_get_panel (fixture->window);
  g_autofree char *stored = NULL;

  announce_both (fixture);
  g_assert_false (ph_nearby_row_get_chosen (row_at (fixture, 0)));

  /* The field says its name (where people look), and keeps it. */
  gtk_widget_activate (GTK_WIDGET (row_at (fixture, 0)));
  g_assert_cmpstr (ph_panel_get_destination (panel), ==, "Alice’s Laptop");
  stored = g_settings_get_string (gui_settings (), "destination");
  g_assert_cmpstr (stored, ==, "Alice’s Laptop");
  g_assert_cmpstr (ph_window_get_last_toast (fixture->window), ==,
                   "Files you drop or choose now go to Alice’s Laptop");
  g_assert_true (ph_nearby_row_get_chosen (row_at (fixture, 0)));
  g_assert_false (ph_nearby_row_get_chosen (row_at (fixture, 1)));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (row_at (fixture, 0)), GTK_ACCESSIBLE_STATE_SELECTED, TRUE);
  {
    g_autofree char *hint = g_strdup_printf ("Alice’s Laptop (%s), found nearby", fixture->alice);

    g_assert_cmpstr (ph_panel_get_hint (panel), ==, hint);
  }
  g_assert_cmpstr (gtk_label_get_label (fixture->window->drop_label), ==, "Drop to Send to Alice’s Laptop");

  /* Typing Bob's address marks Bob's row instead. */
  gtk_editable_set_text (GTK_EDITABLE (ph_panel_get_destination_row (panel)), fixture->bob);
  g_assert_false (ph_nearby_row_get_chosen (row_at (fixture, 0)));
  g_assert_true (ph_nearby_row_get_chosen (row_at (fixture, 1)));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (row_at (fixture, 0)), GTK_ACCESSIBLE_STATE_SELECTED, FALSE);

  /* An address nobody announced: no row is the destination. */
  gtk_editable_set_text (GTK_EDITABLE (ph_panel_get_destination_row (panel)), "192.0.2.7");
  g_assert_false (ph_nearby_row_get_chosen (row_at (fixture, 0)));
  g_assert_false (ph_nearby_row_get_chosen (row_at (fixture, 1)));
  g_assert_cmpstr (gtk_label_get_label (fixture->window->drop_label), ==, "Drop to Send to 192.0.2.7");
}

/* "NAME (ADDRESS)", as the recent destinations show it. */
static void
assert_recent (Fixture    *fixture,
               guint       position,
               const char *name,
               const char *address)
{
  g_autofree char *expected = g_strdup_printf ("%s (%s)", name, address);
  g_autofree char *label = NULL;
  GMenuModel *menu = ph_panel_get_recent_menu (ph_window_get_panel (fixture->window));
  g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);

  g_assert_true (g_menu_model_get_item_attribute (section, (int) position, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, expected);
}

/* Files dropped on a row go to that receiver, not to the destination;
 * the recent destinations remember the name it had. */
static void
test_drop_on_row (Fixture       *fixture,
                  gconstpointer  data)
{
  PhPanel *panel = ph_window_get_panel (fixture->window);
  g_autofree char *path = gui_make_file (fixture->in_dir, "postcard.jpg", 40000);
  g_autofree char *saved = g_build_filename (fixture->keeps_dir, "postcard.jpg", NULL);
  g_autofree char *label = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GSettings *settings = gui_settings ();
  g_autoptr(GVariant) names = NULL;
  g_auto(GStrv) recent = NULL;
  const char *name = NULL;

  announce_both (fixture);
  ph_panel_set_destination (panel, "192.0.2.7");

  trust_drop_on_row (row_at (fixture, 0), file);
  wait_batch (fixture, 1, "the batch to the nearby row");
  g_assert_cmpint (ph_batch_get_state (gui_batch_at (fixture->app, 0)), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_batch_get_peer (gui_batch_at (fixture->app, 0)), ==, fixture->alice);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (ph_panel_get_destination (panel), ==, "192.0.2.7");

  recent = g_settings_get_strv (settings, "recent-destinations");
  g_assert_cmpstr (recent[0], ==, fixture->alice);
  names = g_settings_get_value (settings, "recent-names");
  g_assert_true (g_variant_lookup (names, fixture->alice, "&s", &name));
  g_assert_cmpstr (name, ==, "Alice’s Laptop");
  assert_recent (fixture, 0, "Alice’s Laptop", fixture->alice);

  /* Bob's name goes into a menu: its "_" is not a mnemonic. */
  trust_drop_on_row (row_at (fixture, 1), file);
  wait_batch (fixture, 2, "the batch to Bob");
  assert_recent (fixture, 0, "Bob <b>&</b> my__pc", fixture->bob);
  assert_recent (fixture, 1, "Alice’s Laptop", fixture->alice);

  /* Gone from the network, Alice keeps the name she had. */
  ph_browser_lost (browser (fixture), "alice-v4");
  gui_iterate (50);
  ph_panel_set_destination (panel, fixture->alice);
  gui_drop_files (fixture->window, &file, 1);
  wait_batch (fixture, 3, "the batch to the typed address");
  g_clear_pointer (&names, g_variant_unref);
  names = g_settings_get_value (settings, "recent-names");
  g_assert_true (g_variant_lookup (names, fixture->alice, "&s", &name));
  g_assert_cmpstr (name, ==, "Alice’s Laptop");
  assert_recent (fixture, 0, "Alice’s Laptop", fixture->alice);

  /* Without a name, the address alone. */
  label = ph_panel_format_recent ("10.0.0.1:6666", NULL);
  g_assert_cmpstr (label, ==, "10.0.0.1:6666");
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow *dialog = ph_window_get_message_dialog (data);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
saved_in (const char *dir,
          const char *path)
{
  g_autofree char *full = g_build_filename (dir, path, NULL);

  return g_file_test (full, G_FILE_TEST_IS_REGULAR);
}

/* A folder keeps its structure to a receiver that announced paths=1,
 * and only there; the batch says when it does not. */
static void
test_folders (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *top = g_build_filename (fixture->in_dir, "Holiday", NULL);
  g_autofree char *day = g_build_filename (top, "Day 1", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (top);
  PhBatch *batch;

  g_mkdir_with_parents (day, 0700);
  a = gui_make_file (day, "beach.jpg", 3000);
  b = gui_make_file (top, "map.png", 2000);
  announce_both (fixture);

  trust_drop_on_row (row_at (fixture, 0), folder);
  batch = wait_batch (fixture, 1, "the folder to Alice");
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_false (ph_batch_get_flattened (batch));
  {
    g_autoptr(PhTransfer) first = g_list_model_get_item (G_LIST_MODEL (batch), 0);

    g_assert_cmpstr (ph_transfer_get_name (first), ==, "Holiday/Day 1/beach.jpg");
  }
  g_assert_true (saved_in (fixture->keeps_dir, "Holiday/Day 1/beach.jpg"));
  g_assert_true (saved_in (fixture->keeps_dir, "Holiday/map.png"));
  g_assert_false (ph_batch_row_get_note_visible (gui_row_for (fixture->window, batch)));

  /* Bob announced paths=0: asked first, then base names, and the row
   * says so. */
  ph_panel_set_destination (ph_window_get_panel (fixture->window), fixture->bob);
  gui_drop_files (fixture->window, &folder, 1);
  gui_wait_until (dialog_shown, fixture->window, "the question about folders");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ph_window_get_message_dialog (fixture->window)), "send");
  batch = wait_batch (fixture, 2, "the folder to Bob");
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_true (ph_batch_get_flattened (batch));
  g_assert_true (saved_in (fixture->flat_dir, "beach.jpg"));
  g_assert_true (saved_in (fixture->flat_dir, "map.png"));
  g_assert_true (ph_batch_row_get_note_visible (gui_row_for (fixture->window, batch)));
}

static gboolean
browser_stopped (gpointer data)
{
  return ph_browser_get_state (data) == PH_BROWSER_STOPPED;
}

static gboolean
browser_started (gpointer data)
{
  return ph_browser_get_state (data) != PH_BROWSER_STOPPED;
}

/* Receivers are looked for while the window is on screen: not while it
 * is hidden (receiving in the background), nor once it is gone. */
static void
test_only_while_shown (Fixture       *fixture,
                       gconstpointer  data)
{
  g_assert_true (browser_started (browser (fixture)));

  gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);
  gui_wait_until (browser_stopped, browser (fixture), "browsing to stop with the window hidden");

  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_wait_until (browser_started, browser (fixture), "browsing again with the window shown");

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_wait_until (browser_stopped, browser (fixture), "browsing to stop with the window gone");
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/nearby/unavailable", Fixture, NULL,
              fixture_set_up, test_unavailable, fixture_tear_down);
  g_test_add ("/posthouse/gui/nearby/rows", Fixture, NULL,
              fixture_set_up, test_rows, fixture_tear_down);
  g_test_add ("/posthouse/gui/nearby/choose", Fixture, NULL,
              fixture_set_up, test_choose, fixture_tear_down);
  g_test_add ("/posthouse/gui/nearby/drop-on-row", Fixture, NULL,
              fixture_set_up, test_drop_on_row, fixture_tear_down);
  g_test_add ("/posthouse/gui/nearby/folders", Fixture, NULL,
              fixture_set_up, test_folders, fixture_tear_down);
  g_test_add ("/posthouse/gui/nearby/only-while-shown", Fixture, NULL,
              fixture_set_up, test_only_while_shown, fixture_tear_down);

  return g_test_run ();
}
