/* SPDX-License-Identifier: GPL-3.0-or-later */
/* History in the window (issue 23): what was sent and received is back
 * after a restart, older batches come as the list is scrolled, a stored
 * batch opens on its page, Open / Show in Folder / Send Again work on
 * it while its files are there, Remove from History and Clear History
 * reach the store, and "Keep History" decides for how long. */

#include "config.h"

#include "gui-common.h"
#include "ph-preferences.h"
#include "ph-transfer-private.h"

typedef struct
{
  PhReceiver    *receiver;
  char          *in_dir;
  char          *out_dir;
  char          *history;
  char          *destination;
  GPtrArray     *received;
} Fixture;

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   Fixture    *fixture)
{
  g_ptr_array_add (fixture->received, g_object_ref (transfer));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;

  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-history-in-XXXXXX");
  fixture->out_dir = ph_test_make_tmp_dir ("posthouse-history-out-XXXXXX");
  fixture->history = gui_new_history_path ();
  fixture->received = g_ptr_array_new_with_free_func (g_object_unref);

  out = g_file_new_for_path (fixture->out_dir);
  fixture->receiver = ph_receiver_new (out);
  ph_receiver_set_bind_address (fixture->receiver, "127.0.0.1");
  ph_receiver_set_port (fixture->receiver, 0);
  g_signal_connect (fixture->receiver, "transfer-added", G_CALLBACK (transfer_added_cb), fixture);
  ph_receiver_start (fixture->receiver, &error);
  g_assert_no_error (error);
  fixture->destination = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->receiver));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ph_receiver_stop (fixture->receiver);
  g_signal_handlers_disconnect_by_data (fixture->receiver, fixture);
  g_clear_object (&fixture->receiver);
  g_clear_pointer (&fixture->received, g_ptr_array_unref);
  ph_test_rm_rf (fixture->in_dir);
  ph_test_rm_rf (fixture->out_dir);
  g_free (fixture->in_dir);
  g_free (fixture->out_dir);
  g_free (fixture->history);
  g_free (fixture->destination);
}

static guint
n_stored (PhApplication *app)
{
  GListModel *stored = ph_batch_list_get_stored (ph_application_get_batches (app));

  return stored != NULL ? g_list_model_get_n_items (stored) : 0;
}

typedef struct
{
  PhApplication *app;
  guint          n;
} Count;

static gboolean
has_stored (gpointer data)
{
  Count *count = data;


  return n_stored (count->app) == count->n;
}

static void
wait_stored (PhApplication *app,
             guint          n)
{
  Count count = { app, n };

  gui_wait_until (has_stored, &count, "the stored batches");
}

static PhHistoryBatch *
stored_at (PhApplication *app,
           guint          position)
{
  g_autoptr(PhHistoryBatch) batch = g_list_model_get_item (ph_batch_list_get_stored (ph_application_get_batches (app)),
                                                           position);

  return batch;  /* the model keeps it */
}

/* The row on screen showing @item. */
static PhBatchRow *
row_showing (GtkWidget *widget,
             gpointer   item)
{
  if (PH_IS_BATCH_ROW (widget) && ph_batch_row_get_item (PH_BATCH_ROW (widget)) == item)
    return PH_BATCH_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      PhBatchRow *row = row_showing (child, item);

      if (row != NULL)
        return row;
    }

  return NULL;
}

typedef struct
{
  PhWindow *window;
  gpointer  item;
} Showing;

static gboolean
row_shown (gpointer data)
{
  Showing *showing = data;

  return row_showing (GTK_WIDGET (ph_window_get_batch_list (showing->window)), showing->item) != NULL;
}

/* Until a row on screen shows @item. */
static PhBatchRow *
wait_row (PhWindow *window,
          gpointer  item)
{
  Showing showing = { window, item };

  gui_wait_until (row_shown, &showing, "the stored batch's row");
  return row_showing (GTK_WIDGET (ph_window_get_batch_list (window)), item);
}

static gboolean
one_file_listed (gpointer data)
{
  GtkListView *files = ph_batch_view_get_file_list (ph_window_get_batch_view (data));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (files))) == 1;
}

static gboolean
panel_empty (gpointer data)
{
  return g_strcmp0 (ph_panel_get_visible_page (ph_window_get_panel (data)), "empty") == 0;
}

/* A file sent to the receiver, and one received from the Python sender. */
static void
send_and_receive (Fixture       *fixture,
                  PhApplication *app)
{
  PhWindow *window = gui_app_window (app);
  g_autofree char *report = gui_make_file (fixture->in_dir, "report.pdf", 20000);
  g_autofree char *photo = gui_make_file (fixture->in_dir, "photo.jpg", 7000);
  g_autoptr(GFile) file = g_file_new_for_path (report);
  guint port = ph_test_unused_port ();

  ph_panel_set_destination (ph_window_get_panel (window), fixture->destination);
  ph_window_send_files (window, &file, 1);
  gui_wait_until (gui_first_finished, app, "the send to finish");

  g_settings_set_int (gui_settings (), "port", port);
  g_settings_set_string (gui_settings (), "receive-folder", fixture->out_dir);
  gui_set_receive_mode (app, TRUE);
  gui_iterate (2500);  /* past the send's burst: a batch of its own */
  gui_py_send ("127.0.0.1", port, photo);
  gui_wait_until (gui_first_finished, app, "the file to arrive");
  gui_set_receive_mode (app, FALSE);
  /* The batch says it is over (a few times a second), and the history
   * writes that at once. */
  gui_iterate (800);
}

/* What was sent and received is there after a restart, by name and
 * time, with what can still be done. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  PhApplication *app = gui_app_new_with_history (fixture->history);
  PhWindow *window;
  PhHistoryBatch *received, *sent;
  PhBatchRow *row;

  send_and_receive (fixture, app);
  g_assert_cmpuint (gui_n_batches (app), ==, 2);
  gui_app_free (app);

  app = gui_app_new_with_history (fixture->history);
  window = gui_app_window (app);
  wait_stored (app, 2);
  g_assert_cmpuint (gui_n_batches (app), ==, 0);
  g_assert_cmpstr (ph_panel_get_visible_page (ph_window_get_panel (window)), ==, "list");

  /* Newest first: the received photo, then the sent report. */
  received = stored_at (app, 0);
  sent = stored_at (app, 1);
  g_assert_cmpint (ph_history_batch_get_direction (received), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpstr (ph_history_batch_get_title (received), ==, "photo.jpg");
  g_assert_cmpstr (ph_history_batch_get_title (sent), ==, "report.pdf");

  row = wait_row (window, received);
  g_assert_true (g_str_has_prefix (ph_batch_row_get_peer_text (row), "From 127.0.0.1 · "));
  g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, "Received · 7.0\xc2\xa0kB");
  /* Still there: Open and Show in Folder. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "open"))));
  {
    g_autofree char *uri = gui_menu_target (ph_batch_row_get_menu (row), "app.show-in-folder");
    g_autofree char *path = g_build_filename (fixture->out_dir, "photo.jpg", NULL);
    g_autoptr(GFile) expected = g_file_new_for_path (path);
    g_autofree char *expected_uri = g_file_get_uri (expected);

    g_assert_cmpstr (uri, ==, expected_uri);
  }
  /* No Cancel, no Retry for what is over. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "cancel"))));

  row = row_showing (GTK_WIDGET (ph_window_get_batch_list (window)), sent);
  g_assert_nonnull (row);
  {
    g_autofree char *peer = g_strdup_printf ("To %s · ", fixture->destination);

    g_assert_true (g_str_has_prefix (ph_batch_row_get_peer_text (row), peer));
  }
  {
    g_autofree char *again = gui_menu_target (ph_batch_row_get_menu (row), "app.send-again");

    g_assert_cmpstr (again, ==, ph_history_batch_get_id (sent));
  }

  /* Send Again, after a restart: the same file, to the same place. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "send-again",
                                  g_variant_new_string (ph_history_batch_get_id (sent)));
  gui_wait_until (gui_first_finished, app, "the file sent again");
  g_assert_cmpint (ph_batch_get_state (gui_batch_at (app, 0)), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_batch_get_peer (gui_batch_at (app, 0)), ==, fixture->destination);
  g_assert_cmpuint (fixture->received->len, ==, 2);

  /* Its page: the stored files, under a header bar of its own. */
  ph_window_show_item (window, received);
  g_assert_cmpstr (ph_window_get_visible_page (window), ==, "batch");
  g_assert_cmpstr (adw_window_title_get_title (ph_window_get_batch_title (window)), ==, "photo.jpg");
  g_assert_cmpstr (adw_window_title_get_subtitle (ph_window_get_batch_title (window)), ==, "From 127.0.0.1");
  gui_wait_until (one_file_listed, window, "the stored file on the batch page");
  g_action_group_activate_action (G_ACTION_GROUP (window), "back", NULL);

  /* Remove from History: gone now, and after a restart. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "remove-batch",
                                  g_variant_new_string (ph_history_batch_get_id (received)));
  wait_stored (app, 1);
  gui_app_free (app);

  /* The report, sent twice; the photo is gone. */
  app = gui_app_new_with_history (fixture->history);
  wait_stored (app, 2);
  g_assert_cmpstr (ph_history_batch_get_title (stored_at (app, 0)), ==, "report.pdf");
  g_assert_cmpstr (ph_history_batch_get_title (stored_at (app, 1)), ==, "report.pdf");

  /* Clear History: nothing left, and the empty state back. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (gui_app_window (app)), "clear-history"));
  g_action_group_activate_action (G_ACTION_GROUP (gui_app_window (app)), "clear-history", NULL);
  wait_stored (app, 0);
  gui_wait_until (panel_empty, gui_app_window (app), "the empty state");
  gui_app_free (app);

  app = gui_app_new_with_history (fixture->history);
  gui_iterate (300);
  g_assert_cmpuint (n_stored (app), ==, 0);
  gui_app_free (app);
}

/* Files gone since: nothing to open, show or send again. */
static void
test_files_gone (Fixture       *fixture,
                 gconstpointer  data)
{
  PhApplication *app = gui_app_new_with_history (fixture->history);
  PhBatchRow *row;

  send_and_receive (fixture, app);
  gui_app_free (app);
  ph_test_rm_rf (fixture->out_dir);
  ph_test_rm_rf (fixture->in_dir);

  app = gui_app_new_with_history (fixture->history);
  wait_stored (app, 2);
  /* A while for Open to have come if it were to: it must not. */
  gui_iterate (400);
  row = wait_row (gui_app_window (app), stored_at (app, 0));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "open"))));
  g_assert_null (gui_menu_target (ph_batch_row_get_menu (row), "app.show-in-folder"));
  {
    g_autofree char *id = gui_menu_target (ph_batch_row_get_menu (row), "app.remove-batch");

    g_assert_nonnull (id);
  }
  row = wait_row (gui_app_window (app), stored_at (app, 1));
  g_assert_null (gui_menu_target (ph_batch_row_get_menu (row), "app.send-again"));
  gui_app_free (app);
}

static gboolean
first_page (gpointer app)
{
  return n_stored (app) >= 50;
}

/* Scrolled to the end, again as more come, until all 180 are there. */
static gboolean
scrolled_to_all (gpointer app)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (ph_window_get_scroller (gui_app_window (app)));

  if (n_stored (app) == 180)
    return TRUE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return FALSE;
}

/* Many stored batches: a page at first, more as the list is scrolled
 * to its end, never all of them at once. */
static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(PhHistory) history = NULL;
  PhApplication *app;
  guint first;

  app = gui_app_new_with_history (fixture->history);
  history = g_object_ref (ph_batch_list_get_history (ph_application_get_batches (app)));
  for (guint i = 0; i < 180; i++)
    {
      g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.7", NULL);
      g_autoptr(PhTransfer) transfer = ph_transfer_new_incoming ("192.0.2.7", "old.txt", 10);

      ph_batch_add (batch, transfer);
      ph_history_track (history, batch);
      ph_transfer_set_state (transfer, PH_TRANSFER_CANCELLED);
    }
  g_clear_object (&history);
  gui_iterate (1500);
  gui_app_free (app);

  app = gui_app_new_with_history (fixture->history);
  gtk_window_set_default_size (GTK_WINDOW (gui_app_window (app)), 640, 560);
  /* A while, for more than a page to come if it were to. */
  gui_iterate (500);
  gui_wait_until (first_page, app, "the first page of stored batches");
  first = n_stored (app);
  g_assert_cmpuint (first, <, 180);

  gui_wait_until (scrolled_to_all, app, "all 180 stored batches, scrolling down");
  gui_app_free (app);
}

static gboolean
nothing_stored (gpointer app)
{
  return ph_batch_list_get_stored (ph_application_get_batches (app)) == NULL;
}

/* Keep History: not at all forgets everything, for ever keeps. */
static void
test_keep (Fixture       *fixture,
           gconstpointer  data)
{
  PhApplication *app = gui_app_new_with_history (fixture->history);
  g_autoptr(PhPreferences) preferences = NULL;
  AdwComboRow *row;

  send_and_receive (fixture, app);
  gui_app_free (app);

  app = gui_app_new_with_history (fixture->history);
  wait_stored (app, 2);
  preferences = g_object_ref_sink (ph_preferences_new (ph_application_get_settings (app),
                                                       ph_application_get_session (app)));
  row = ph_preferences_get_history_row (preferences);
  /* Three months by default. */
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (row)), ==, "Three Months");
  adw_combo_row_set_selected (row, 0);
  g_assert_cmpint (g_settings_get_int (gui_settings (), "history-days"), ==, 0);
  gui_wait_until (nothing_stored, app, "the stored batches forgotten");
  gui_wait_until (panel_empty, gui_app_window (app), "the empty state");
  gtk_window_destroy (GTK_WINDOW (preferences));
  gui_app_free (app);

  /* Kept for ever from now on: nothing of before came back. */
  g_settings_set_int (gui_settings (), "history-days", -1);
  app = gui_app_new_with_history (fixture->history);
  g_settings_set_int (gui_settings (), "history-days", -1);
  gui_iterate (300);
  g_assert_cmpuint (n_stored (app), ==, 0);
  gui_app_free (app);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/history/restart", Fixture, NULL,
              fixture_set_up, test_restart, fixture_tear_down);
  g_test_add ("/posthouse/gui/history/files-gone", Fixture, NULL,
              fixture_set_up, test_files_gone, fixture_tear_down);
  g_test_add ("/posthouse/gui/history/pages", Fixture, NULL,
              fixture_set_up, test_pages, fixture_tear_down);
  g_test_add ("/posthouse/gui/history/keep", Fixture, NULL,
              fixture_set_up, test_keep, fixture_tear_down);

  return g_test_run ();
}
