/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "gui-common.h"

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  PhReceiver    *receiver;
  char          *in_dir;
  char          *out_dir;
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

  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-gui-in-XXXXXX");
  fixture->out_dir = ph_test_make_tmp_dir ("posthouse-gui-out-XXXXXX");
  fixture->received = g_ptr_array_new_with_free_func (g_object_unref);

  out = g_file_new_for_path (fixture->out_dir);
  fixture->receiver = ph_receiver_new (out);
  ph_receiver_set_bind_address (fixture->receiver, "127.0.0.1");
  ph_receiver_set_port (fixture->receiver, 0);
  g_signal_connect (fixture->receiver, "transfer-added", G_CALLBACK (transfer_added_cb), fixture);
  ph_receiver_start (fixture->receiver, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ph_receiver_get_port (fixture->receiver), >, 0);

  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gui_app_free (fixture->app);
  ph_receiver_stop (fixture->receiver);
  g_signal_handlers_disconnect_by_data (fixture->receiver, fixture);
  g_clear_object (&fixture->receiver);
  g_clear_pointer (&fixture->received, g_ptr_array_unref);
  ph_test_rm_rf (fixture->in_dir);
  ph_test_rm_rf (fixture->out_dir);
  g_free (fixture->in_dir);
  g_free (fixture->out_dir);
}

static gboolean
first_batch_finished (gpointer data)
{
  Fixture *fixture = data;

  return gui_n_batches (fixture->app) > 0 &&
         ph_batch_is_finished (gui_batch_at (fixture->app, 0));
}

static gboolean
received_finished (Fixture *fixture,
                   guint    n)
{
  if (fixture->received->len < n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!ph_transfer_is_finished (g_ptr_array_index (fixture->received, i)))
      return FALSE;
  return TRUE;
}

static gboolean
both_ends_finished (gpointer data)
{
  Fixture *fixture = data;

  return first_batch_finished (fixture) &&
         received_finished (fixture, ph_batch_get_n_files (gui_batch_at (fixture->app, 0)));
}

static void
point_at_receiver (Fixture *fixture)
{
  g_autofree char *destination = NULL;

  destination = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->receiver));
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);
}

static void
weak_notify_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}

/* Two files dropped together: one batch, one row, both sent. */
static gboolean
panel_empty (gpointer window)
{
  return g_strcmp0 (ph_panel_get_visible_page (ph_window_get_panel (window)), "empty") == 0;
}

static void
test_drop_two_files (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *destination = NULL;
  g_autofree char *a = gui_make_file (fixture->in_dir, "holiday.jpg", 3 * 1024 * 1024 + 17);
  g_autofree char *b = gui_make_file (fixture->in_dir, "notes.txt", 1000);
  GFile *files[2];
  PhBatch *batch;
  PhBatchRow *row;
  guint finalized = 0;

  destination = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (fixture->receiver));
  point_at_receiver (fixture);

  files[0] = g_file_new_for_path (a);
  files[1] = g_file_new_for_path (b);
  gui_drop_files (fixture->window, files, 2);
  g_object_unref (files[0]);
  g_object_unref (files[1]);

  gui_wait_until (both_ends_finished, fixture, "both transfers to finish");

  /* One batch of two, in the order dropped, done. */
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (batch)), ==, 2);
  {
    g_autoptr(PhTransfer) first = g_list_model_get_item (G_LIST_MODEL (batch), 0);
    g_autoptr(PhTransfer) second = g_list_model_get_item (G_LIST_MODEL (batch), 1);

    g_assert_cmpstr (ph_transfer_get_name (first), ==, "holiday.jpg");
    g_assert_cmpstr (ph_transfer_get_name (second), ==, "notes.txt");
    g_object_weak_ref (G_OBJECT (first), weak_notify_cb, &finalized);
    g_object_weak_ref (G_OBJECT (second), weak_notify_cb, &finalized);
  }
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_panel_get_visible_page (ph_window_get_panel (fixture->window)), ==, "list");

  row = gui_row_for (fixture->window, batch);
  g_assert_nonnull (row);
  g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, "2 files");
  g_assert_true (g_str_has_prefix (ph_batch_row_get_status_text (row), "2 files sent"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "cancel"))));
  /* Remove from History is in its menu, with the batch's id. */
  {
    g_autofree char *target = gui_menu_target (ph_batch_row_get_menu (row), "app.remove-batch");

    g_assert_cmpstr (target, ==, ph_batch_get_id (batch));
  }
  g_assert_false (ph_batch_row_get_note_visible (row));

  /* Byte-identical at the receiver. */
  for (guint i = 0; i < fixture->received->len; i++)
    {
      PhTransfer *in = g_ptr_array_index (fixture->received, i);
      g_autofree char *saved = g_file_get_path (ph_transfer_get_file (in));
      g_autofree char *sent = g_build_filename (fixture->in_dir, ph_transfer_get_name (in), NULL);

      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
      ph_test_assert_same_file (sent, saved);
    }
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 2);

  /* The destination is remembered for next time. */
  {
    g_auto(GStrv) recent = g_settings_get_strv (gui_settings (),
                                                "recent-destinations");
    g_assert_cmpstr (recent[0], ==, destination);
  }

  /* Clear History empties the list (stored batches too), frees the
   * transfers and brings the empty state back. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "clear-history", NULL);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 0);
  gui_wait_uint (&finalized, 2, "both transfers freed");
  gui_wait_until (panel_empty, fixture->window, "the empty state");
}

static void
test_send_failure_retry (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *a = gui_make_file (fixture->in_dir, "retry.bin", 5000);
  g_autofree char *destination = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (a);
  g_autoptr(PhTransfer) first = NULL;
  g_autoptr(PhTransfer) again = NULL;
  PhBatchRow *row;
  PhBatch *batch;
  guint port = ph_test_unused_port ();

  /* Nobody listens there: the send fails with a reason and a Retry. */
  destination = g_strdup_printf ("127.0.0.1:%u", port);
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);
  ph_window_send_files (fixture->window, &file, 1);
  gui_wait_until (first_batch_finished, fixture, "the send to fail");

  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_FAILED);
  row = gui_row_for (fixture->window, batch);
  g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, "retry.bin");
  g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, ph_batch_get_error_message (batch));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "retry"))));

  /* Retry sends the file again in the same batch, and fails again. */
  first = g_list_model_get_item (G_LIST_MODEL (batch), 0);
  g_signal_emit_by_name (ph_batch_row_get_button (row, "retry"), "clicked");
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  again = g_list_model_get_item (G_LIST_MODEL (batch), 0);
  g_assert_true (again != first);
  gui_wait_until (first_batch_finished, fixture, "the retry to fail");
  g_assert_cmpint (ph_transfer_get_state (again), ==, PH_TRANSFER_FAILED);
}

static gboolean
three_received (gpointer data)
{
  Fixture *fixture = data;

  return first_batch_finished (fixture) && received_finished (fixture, 3);
}

/* A folder is one batch named after it; its structure does not
 * survive the trip, and the row says so once. */
static void
test_drop_folder (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (fixture->in_dir, "album", NULL);
  g_autofree char *sub = g_build_filename (folder, "more", NULL);
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  g_autoptr(GFile) file = NULL;
  PhBatch *batch;
  PhBatchRow *row;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  a = gui_make_file (folder, "one.jpg", 2000);
  b = gui_make_file (folder, "two.jpg", 3000);
  c = gui_make_file (sub, "three.jpg", 4000);
  point_at_receiver (fixture);

  file = g_file_new_for_path (folder);
  gui_drop_files (fixture->window, &file, 1);

  /* Asked before anything goes: the receiver does not keep folders. */
  {
    AdwMessageDialog *dialog = gui_wait_dialog (fixture->window);
    g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u does not keep folders: the 3 files arrive side by side in one folder.",
                                                 ph_receiver_get_port (fixture->receiver));

    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send Without Folders?");
    g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, expected);
    g_assert_cmpuint (fixture->received->len, ==, 0);
    gui_answer_dialog (fixture->window, "send");
  }

  gui_wait_until (three_received, fixture, "the folder's three files");
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpuint (ph_batch_get_n_files (batch), ==, 3);
  g_assert_cmpint (ph_batch_get_total_size (batch), ==, 9000);
  g_assert_true (ph_batch_get_flattened (batch));
  row = gui_row_for (fixture->window, batch);
  g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, "album");
  g_assert_true (ph_batch_row_get_note_visible (row));

  for (guint i = 0; i < 3; i++)
    {
      PhTransfer *in = g_ptr_array_index (fixture->received, i);
      g_autofree char *saved = g_file_get_path (ph_transfer_get_file (in));
      const char *name = ph_transfer_get_name (in);
      const char *sent = g_str_equal (name, "one.jpg") ? a : g_str_equal (name, "two.jpg") ? b : c;

      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
      ph_test_assert_same_file (sent, saved);
    }
  ph_test_rm_rf (sub);
  ph_test_rm_rf (folder);
}

static gboolean
one_finished (gpointer data)
{
  return received_finished (data, 1);
}

static void
test_paste (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *a = gui_make_file (fixture->in_dir, "copied.pdf", 12345);
  g_autoptr(GFile) file = g_file_new_for_path (a);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->window));
  GdkFileList *list;
  PhTransfer *in;
  g_autofree char *saved = NULL;

  point_at_receiver (fixture);

  /* What a file manager's Copy puts on the clipboard. */
  list = gdk_file_list_new_from_array (&file, 1);
  gdk_clipboard_set (clipboard, GDK_TYPE_FILE_LIST, list);
  g_boxed_free (GDK_TYPE_FILE_LIST, list);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "paste", NULL);

  gui_wait_until (one_finished, fixture, "the pasted file");
  in = g_ptr_array_index (fixture->received, 0);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  saved = g_file_get_path (ph_transfer_get_file (in));
  ph_test_assert_same_file (a, saved);
}

static gboolean
port_listening (gpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  /* Probing costs the receiver one empty connection, which it shrugs off. */
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", GPOINTER_TO_UINT (data), NULL, NULL);
  return connection != NULL;
}

static void
test_drop_to_cli (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *cli = g_getenv ("PH_CLI");
  g_autofree char *a = gui_make_file (fixture->in_dir, "holiday.jpg", 700 * 1024 + 1);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "holiday.jpg", NULL);
  g_autofree char *port_text = NULL;
  g_autofree char *destination = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (a);
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  guint port = ph_test_unused_port ();

  if (cli == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return;
    }

  port_text = g_strdup_printf ("%u", port);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              cli, "receive", "--once", "--bind", "127.0.0.1",
                              "--port", port_text, "--dir", fixture->out_dir, NULL);
  g_assert_no_error (error);
  gui_watch_exit (process, &done);
  gui_wait_until (port_listening, GUINT_TO_POINTER (port), "posthouse-cli to listen");

  destination = g_strdup_printf ("127.0.0.1:%u", port);
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);
  gui_drop_files (fixture->window, &file, 1);

  gui_wait_flag (&done, "posthouse-cli receive --once to exit");
  ph_test_assert_same_file (a, saved);
}

/* `posthouse FILE...` and "Open With" end up here. */
static void
test_open (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *a = gui_make_file (fixture->in_dir, "opened.png", 54321);
  g_autoptr(GFile) file = g_file_new_for_path (a);
  PhTransfer *in;
  g_autofree char *saved = NULL;

  point_at_receiver (fixture);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");

  gui_wait_until (one_finished, fixture, "the opened file");
  in = g_ptr_array_index (fixture->received, 0);
  saved = g_file_get_path (ph_transfer_get_file (in));
  ph_test_assert_same_file (a, saved);
}

static gboolean
first_sending (gpointer data)
{
  Fixture *fixture = data;

  return fixture->received->len > 0 &&
         ph_transfer_get_state (g_ptr_array_index (fixture->received, 0)) == PH_TRANSFER_WAITING &&
         gui_n_batches (fixture->app) > 0 &&
         ph_batch_get_state (gui_batch_at (fixture->app, 0)) == PH_TRANSFER_SENDING;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  /* Larger than the socket buffers: the sender stays blocked while the
   * receiver holds it for an approval that never comes. */
  g_autofree char *a = gui_make_file (fixture->in_dir, "big.iso", 24 * 1024 * 1024);
  g_autofree char *b = gui_make_file (fixture->in_dir, "after.txt", 100);
  GFile *files[2];
  PhBatchRow *row;
  PhBatch *batch;

  ph_receiver_set_require_approval (fixture->receiver, TRUE);
  point_at_receiver (fixture);
  files[0] = g_file_new_for_path (a);
  files[1] = g_file_new_for_path (b);
  ph_window_send_files (fixture->window, files, 2);
  g_object_unref (files[0]);
  g_object_unref (files[1]);
  gui_wait_until (first_sending, fixture, "the send to be under way");

  batch = gui_batch_at (fixture->app, 0);
  row = gui_row_for (fixture->window, batch);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "cancel"))));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "clear-history"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "cancel-all"));

  /* Cancel All ends the batch: the file on the wire and the one queued. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "cancel-all", NULL);
  gui_wait_until (first_batch_finished, fixture, "the send to end");
  /* The cancelled sender's FIN queues behind data the waiting receiver
   * never read (a zero window), so that end cannot see the hang-up yet:
   * decline there so nothing lingers. */
  if (ph_transfer_get_state (g_ptr_array_index (fixture->received, 0)) == PH_TRANSFER_WAITING)
    ph_transfer_decline (g_ptr_array_index (fixture->received, 0));
  gui_wait_until (one_finished, fixture, "both ends to give up");

  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_CANCELLED);
  g_assert_cmpuint (ph_batch_get_n_cancelled (batch), ==, 2);
  row = gui_row_for (fixture->window, batch);
  g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, "Cancelled");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "retry"))));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "clear-history"));
  g_assert_cmpint (ph_transfer_get_state (g_ptr_array_index (fixture->received, 0)), !=, PH_TRANSFER_DONE);
  gui_iterate (100);
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 0);

  /* Remove from History takes the batch off the list. */
  {
    g_autofree char *id = gui_menu_target (ph_batch_row_get_menu (row), "app.remove-batch");

    g_assert_nonnull (id);
    g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "remove-batch", g_variant_new_string (id));
  }
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/drop/two-files", Fixture, NULL,
              fixture_set_up, test_drop_two_files, fixture_tear_down);
  g_test_add ("/posthouse/gui/drop/failure-retry", Fixture, NULL,
              fixture_set_up, test_send_failure_retry, fixture_tear_down);

  g_test_add ("/posthouse/gui/drop/folder", Fixture, NULL,
              fixture_set_up, test_drop_folder, fixture_tear_down);
  g_test_add ("/posthouse/gui/drop/paste", Fixture, NULL,
              fixture_set_up, test_paste, fixture_tear_down);
  g_test_add ("/posthouse/gui/drop/to-posthouse-cli", Fixture, NULL,
              fixture_set_up, test_drop_to_cli, fixture_tear_down);

  g_test_add ("/posthouse/gui/drop/open", Fixture, NULL,
              fixture_set_up, test_open, fixture_tear_down);
  g_test_add ("/posthouse/gui/drop/cancel", Fixture, NULL,
              fixture_set_up, test_cancel, fixture_tear_down);

  return g_test_run ();
}
