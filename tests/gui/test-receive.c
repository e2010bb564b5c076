/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "gui-common.h"

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  char          *in_dir;
  char          *out_dir;
  guint          port;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings;

  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-gui-in-XXXXXX");
  fixture->out_dir = ph_test_make_tmp_dir ("posthouse-gui-out-XXXXXX");

  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);

  /* The schema wants 1..65535: take a port the kernel just had free. */
  fixture->port = ph_test_unused_port ();
  settings = gui_settings ();
  g_settings_set_int (settings, "port", fixture->port);
  g_settings_set_string (settings, "receive-folder", fixture->out_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gui_app_free (fixture->app);
  ph_test_rm_rf (fixture->in_dir);
  ph_test_rm_rf (fixture->out_dir);
  g_free (fixture->in_dir);
  g_free (fixture->out_dir);
}

static gboolean
receive_mode (PhApplication *app)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (app), "receive-mode");
  return g_variant_get_boolean (state);
}

static void
set_receive_mode (PhApplication *app,
                  gboolean       on)
{
  g_action_group_change_action_state (G_ACTION_GROUP (app), "receive-mode",
                                      g_variant_new_boolean (on));
}

static gboolean
first_finished (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 && ph_batch_is_finished (gui_batch_at (app, 0));
}

static gboolean
first_waiting (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 &&
         ph_batch_get_state (gui_batch_at (app, 0)) == PH_TRANSFER_WAITING;
}

static gboolean
notification_logged (gpointer data)
{
  return gui_notification_logged (data);
}

static void
assert_refused (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static gboolean
second_batch_finished (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) == 2 && ph_batch_is_finished (gui_batch_at (app, 0));
}

static void
test_receive (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "holiday.jpg", 256 * 1024 + 3);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "holiday.jpg", NULL);
  g_autofree char *port_text = g_strdup_printf (":%u", fixture->port);
  g_autofree char *quiet = gui_make_file (fixture->in_dir, "quiet-please.txt", 10);
  PhPanel *panel = ph_window_get_panel (fixture->window);
  PhBatch *batch;
  PhBatchRow *row;

  set_receive_mode (fixture->app, TRUE);
  g_assert_true (receive_mode (fixture->app));
  g_assert_true (ph_panel_get_receive_visible (panel));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ph_window_get_receive_button (fixture->window)), "receive-toggle"));
  g_assert_true (gtk_toggle_button_get_active (ph_window_get_receive_button (fixture->window)));
  /* It says plainly who can send. */
  g_assert_nonnull (strstr (ph_panel_get_exposure_text (panel), "anyone"));
  /* Announcements only when the window is not where the person looks. */
  gui_unfocus (fixture->window);

  /* Notifications off: received, but not announced (checked below,
   * once the next, announced, file shows the daemon got that far). */
  g_settings_set_boolean (gui_settings (), "notifications", FALSE);
  gui_py_send ("127.0.0.1", fixture->port, quiet);
  gui_wait_until (first_finished, fixture->app, "the quiet transfer to finish");
  g_assert_true (g_str_has_prefix (ph_panel_get_address_title (panel), "Ready to receive on"));
  g_assert_nonnull (strstr (ph_panel_get_address_title (panel), port_text + 1));

  /* Past the burst (and once its batch said it is over, a few times a
   * second at most), the next file is a batch of its own. */
  gui_iterate (600);
  g_settings_set_boolean (gui_settings (), "notifications", TRUE);
  gui_iterate (1800);
  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (second_batch_finished, fixture->app, "the incoming transfer to finish");

  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpint (ph_batch_get_direction (batch), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_batch_get_peer (batch), ==, "127.0.0.1");
  ph_test_assert_same_file (sent, saved);
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 2);

  row = gui_row_for (fixture->window, batch);
  g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, "holiday.jpg");
  g_assert_true (g_str_has_prefix (ph_batch_row_get_status_text (row), "Received"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "open"))));
  {
    g_autofree char *folder = gui_menu_target (ph_batch_row_get_menu (row), "app.show-in-folder");
    g_autofree char *uri = g_file_get_uri (ph_batch_get_first_file (batch));

    g_assert_cmpstr (folder, ==, uri);
  }

  /* With the test session's notification daemon, it names the file. */
  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    {
      gui_wait_until (notification_logged, "Received holiday.jpg", "the notification");
      g_assert_false (gui_notification_logged ("quiet-please.txt"));
    }

  set_receive_mode (fixture->app, FALSE);
  g_assert_false (receive_mode (fixture->app));
  g_assert_false (ph_panel_get_receive_visible (panel));
  assert_refused (fixture->port);
}

static void
test_busy_port (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSocketListener) squatter = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  /* Someone else holds the port on every interface. */
  g_socket_listener_add_inet_port (squatter, fixture->port, NULL, &error);
  g_assert_no_error (error);

  set_receive_mode (fixture->app, TRUE);

  g_assert_false (receive_mode (fixture->app));
  g_assert_false (ph_panel_get_receive_visible (ph_window_get_panel (fixture->window)));
  dialog = ph_window_get_message_dialog (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Can't Receive Files");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), !=, "");
  gtk_window_destroy (dialog);

  /* Once the port is free again, receive mode turns on. */
  g_socket_listener_close (squatter);
  set_receive_mode (fixture->app, TRUE);
  g_assert_true (receive_mode (fixture->app));
}

/* A hostile header: refused before a byte is written, and said so. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  guint8 header[136] = { 0 };
  gint64 size = GINT64_TO_LE (-1);
  PhBatchRow *row;
  PhBatch *batch;

  set_receive_mode (fixture->app, TRUE);
  gui_unfocus (fixture->window);

  memcpy (header, "evil.bin", 8);
  memcpy (header + 128, &size, 8);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", fixture->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             header, sizeof header, NULL, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  gui_wait_until (first_finished, fixture->app, "the refusal");
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_FAILED);
  row = gui_row_for (fixture->window, batch);
  /* The row names the file already, and the sender's port is nobody's business. */
  g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, "Refused: the sender announced a negative size");
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 0);

  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    gui_wait_until (notification_logged, "Couldn't receive evil.bin", "the refusal's notification");
}

static void
test_missing_folder (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *gone = g_build_filename (fixture->out_dir, "gone", NULL);
  GtkWindow *dialog;

  g_settings_set_string (gui_settings (), "receive-folder", gone);
  set_receive_mode (fixture->app, TRUE);

  /* Off again, with a way to pick another folder. */
  g_assert_false (receive_mode (fixture->app));
  dialog = ph_window_get_message_dialog (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "gone"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "folder"));
  gtk_window_destroy (dialog);
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
}

static gboolean
batch_finished (gpointer data)
{
  return ph_batch_is_finished (data);
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

static gboolean
status_declined (gpointer data)
{
  return g_strcmp0 (ph_batch_row_get_status_text (data), "Declined") == 0;
}

/* Asking once: the request bar asks about the batch, the answer holds
 * for the rest of it. */
static void
test_decline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "unwanted.bin", 4000);
  PhRequestBar *bar = ph_window_get_request_bar (fixture->window);
  PhBatchRow *row;
  PhBatch *batch;

  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
  set_receive_mode (fixture->app, TRUE);
  g_assert_true (receive_mode (fixture->app));

  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (first_waiting, fixture->app, "the transfer to wait for approval");
  batch = gui_batch_at (fixture->app, 0);

  /* Asked in the window, whatever its size. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 294);
  gui_wait_until (bar_revealed, bar, "the request bar");
  /* Nothing in it makes the window grow past its smallest size. */
  gui_wait_width (GTK_WIDGET (fixture->window), 360, "the window at 360 px");
  g_assert_true (ph_request_bar_get_batch (bar) == batch);
  /* Revealed as it slides in (slow under a sanitizer). */
  gui_wait_until (gui_widget_mapped, ph_request_bar_get_button (bar, "accept"), "Accept on screen");
  /* Who asks, and beside it that the original format is not encrypted. */
  g_assert_cmpstr (ph_request_bar_get_title (bar), ==, "127.0.0.1 wants to send you files");
  g_assert_cmpstr (ph_request_bar_get_state_text (bar), ==, "Not encrypted");
  row = gui_row_for (fixture->window, batch);
  g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, "Wants to send you 4.0\xc2\xa0kB");

  g_signal_emit_by_name (ph_request_bar_get_button (bar, "decline"), "clicked");
  gui_wait_until (batch_finished, batch, "the declined transfer to end");
  gui_iterate (300);
  gui_wait_until (bar_hidden, bar, "the request bar to go");
  g_assert_cmpuint (ph_batch_get_n_declined (batch), ==, 1);
  row = gui_row_for (fixture->window, batch);
  gui_wait_until (status_declined, row, "the row to say Declined");
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 0);
}

static void
test_accept (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "wanted.bin", 4000);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "new_wanted.bin", NULL);

  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
  g_settings_set_boolean (gui_settings (), "original-names", TRUE);
  set_receive_mode (fixture->app, TRUE);

  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (first_waiting, fixture->app, "the transfer to wait for approval");

  /* The way the notification's Accept button does it. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "accept-batch",
                                  g_variant_new_string (ph_batch_get_id (gui_batch_at (fixture->app, 0))));
  gui_wait_until (first_finished, fixture->app, "the accepted transfer to end");

  g_assert_cmpint (ph_batch_get_state (gui_batch_at (fixture->app, 0)), ==, PH_TRANSFER_DONE);
  ph_test_assert_same_file (sent, saved);
}

static gboolean
two_done (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 && ph_batch_get_n_done (gui_batch_at (app, gui_n_batches (app) - 1)) == 2;
}

/* Accept All: the rest of this sender's files, now and in its next
 * burst, come in without a question. */
static void
test_accept_all (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *first = gui_make_file (fixture->in_dir, "first.bin", 1000);
  g_autofree char *second = gui_make_file (fixture->in_dir, "second.bin", 2000);
  g_autofree char *later = gui_make_file (fixture->in_dir, "later.bin", 3000);

  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
  set_receive_mode (fixture->app, TRUE);

  gui_py_send ("127.0.0.1", fixture->port, first);
  gui_wait_until (first_waiting, fixture->app, "the first file to wait for approval");
  g_signal_emit_by_name (ph_request_bar_get_button (ph_window_get_request_bar (fixture->window), "accept-all"),
                         "clicked");
  gui_wait_until (first_finished, fixture->app, "the first file");

  /* (The original client does not wait for its file to be saved.) */
  gui_py_send ("127.0.0.1", fixture->port, second);
  gui_wait_until (two_done, fixture->app, "the second file, in the same batch");
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);

  /* A new burst, still let in. */
  gui_iterate (2500);
  gui_py_send ("127.0.0.1", fixture->port, later);
  gui_wait_until (second_batch_finished, fixture->app, "the later file");
  g_assert_cmpint (ph_batch_get_state (gui_batch_at (fixture->app, 0)), ==, PH_TRANSFER_DONE);
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 3);
}

/* Preferences can limit receiving to one network interface. */
static void
test_interface (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings = gui_settings ();
  PhPanel *panel = ph_window_get_panel (fixture->window);
  GtkWindow *dialog;

  g_settings_set_string (settings, "receive-interface", "lo");
  set_receive_mode (fixture->app, TRUE);
  g_assert_true (receive_mode (fixture->app));
  g_assert_cmpstr (ph_receive_session_get_listen_address (ph_application_get_session (fixture->app)), ==, "127.0.0.1");
  g_assert_true (g_str_has_prefix (ph_panel_get_address_title (panel), "Ready to receive on 127.0.0.1:"));
  g_assert_nonnull (strstr (ph_panel_get_exposure_text (panel), "lo"));
  set_receive_mode (fixture->app, FALSE);

  /* An interface that is not there: receive mode stays off, and says why. */
  g_settings_set_string (settings, "receive-interface", "ph-missing0");
  set_receive_mode (fixture->app, TRUE);
  g_assert_false (receive_mode (fixture->app));
  dialog = ph_window_get_message_dialog (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "ph-missing0"));
  gtk_window_destroy (dialog);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/receive/python-peer", Fixture, NULL,
              fixture_set_up, test_receive, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/busy-port", Fixture, NULL,
              fixture_set_up, test_busy_port, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/refused", Fixture, NULL,
              fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/missing-folder", Fixture, NULL,
              fixture_set_up, test_missing_folder, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/decline", Fixture, NULL,
              fixture_set_up, test_decline, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/accept", Fixture, NULL,
              fixture_set_up, test_accept, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/accept-all", Fixture, NULL,
              fixture_set_up, test_accept_all, fixture_tear_down);
  g_test_add ("/posthouse/gui/receive/interface", Fixture, NULL,
              fixture_set_up, test_interface, fixture_tear_down);

  return g_test_run ();
}
