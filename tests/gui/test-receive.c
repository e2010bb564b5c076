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
  settings = ph_application_get_settings (fixture->app);
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

/* Two transfers so far, and the newer one is over. */
static gboolean
second_finished (gpointer data)
{
  PhApplication *app = data;

  return g_list_model_get_n_items (ph_application_get_transfers (app)) == 2 &&
         ph_transfer_is_finished (gui_transfer_at (app, 0));
}

static gboolean
notification_logged (gpointer data)
{
  const char *log = g_getenv ("PH_NOTIFY_LOG");
  g_autofree char *contents = NULL;

  return g_file_get_contents (log, &contents, NULL, NULL) &&
         strstr (contents, data) != NULL;
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

static void
test_receive (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "holiday.jpg", 256 * 1024 + 3);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "holiday.jpg", NULL);
  g_autofree char *port_text = g_strdup_printf (":%u", fixture->port);
  PhTransfer *transfer;
  PhTransferRow *row;

  g_autofree char *quiet = gui_make_file (fixture->in_dir, "quiet-please.txt", 10);

  gui_set_receive_mode (fixture->app, TRUE);
  g_assert_true (gui_receive_mode (fixture->app));
  g_assert_true (ph_window_get_receive_panel_visible (fixture->window));

  /* Notifications off: received, but not announced (checked below,
   * once the next, announced, file shows the daemon got that far). */
  g_settings_set_boolean (ph_application_get_settings (fixture->app), "notifications", FALSE);
  gui_py_send ("127.0.0.1", fixture->port, quiet);
  gui_wait_until (gui_first_finished, fixture->app, "the quiet transfer to finish");
  g_settings_set_boolean (ph_application_get_settings (fixture->app), "notifications", TRUE);
  g_assert_true (g_str_has_prefix (ph_window_get_receive_address (fixture->window), "Ready to receive on"));
  g_assert_nonnull (strstr (ph_window_get_receive_address (fixture->window), port_text + 1));

  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (second_finished, fixture->app, "the incoming transfer to finish");

  transfer = gui_transfer_at (fixture->app, 0);
  g_assert_cmpint (ph_transfer_get_direction (transfer), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_DONE);
  ph_test_assert_same_file (sent, saved);
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 2);

  row = gui_row_at (fixture->window, 0);
  g_assert_true (g_str_has_prefix (ph_transfer_row_get_status_text (row), "Received"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_transfer_row_get_button (row, "open"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_transfer_row_get_button (row, "folder"))));

  /* With the test session's notification daemon, it names the file. */
  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    {
      gui_wait_until (notification_logged, "Received holiday.jpg", "the notification");
      g_assert_false (notification_logged ("quiet-please.txt"));
    }

  gui_set_receive_mode (fixture->app, FALSE);
  g_assert_false (gui_receive_mode (fixture->app));
  g_assert_false (ph_window_get_receive_panel_visible (fixture->window));
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

  gui_set_receive_mode (fixture->app, TRUE);

  g_assert_false (gui_receive_mode (fixture->app));
  g_assert_false (ph_window_get_receive_panel_visible (fixture->window));
  dialog = ph_window_get_message_dialog (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Can't Receive Files");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), !=, "");
  gtk_window_destroy (dialog);

  /* Once the port is free again, receive mode turns on. */
  g_socket_listener_close (squatter);
  gui_set_receive_mode (fixture->app, TRUE);
  g_assert_true (gui_receive_mode (fixture->app));
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
  PhTransferRow *row;

  gui_set_receive_mode (fixture->app, TRUE);

  memcpy (header, "evil.bin", 8);
  memcpy (header + 128, &size, 8);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", fixture->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             header, sizeof header, NULL, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  gui_wait_until (gui_first_finished, fixture->app, "the refusal");
  g_assert_cmpint (ph_transfer_get_state (gui_transfer_at (fixture->app, 0)), ==, PH_TRANSFER_FAILED);
  row = gui_row_at (fixture->window, 0);
  g_assert_cmpstr (ph_transfer_row_get_status_text (row), ==,
                   ph_transfer_get_error_message (gui_transfer_at (fixture->app, 0)));
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

  g_settings_set_string (ph_application_get_settings (fixture->app), "receive-folder", gone);
  gui_set_receive_mode (fixture->app, TRUE);

  /* Off again, with a way to pick another folder. */
  g_assert_false (gui_receive_mode (fixture->app));
  dialog = ph_window_get_message_dialog (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "gone"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "folder"));
  gtk_window_destroy (dialog);
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
}

static void
test_decline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "unwanted.bin", 4000);
  PhTransferRow *row;
  PhTransfer *transfer;

  g_settings_set_boolean (ph_application_get_settings (fixture->app), "ask-before-accepting", TRUE);
  gui_set_receive_mode (fixture->app, TRUE);
  g_assert_true (gui_receive_mode (fixture->app));

  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (gui_first_waiting, fixture->app, "the transfer to wait for approval");

  row = gui_row_at (fixture->window, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_transfer_row_get_button (row, "accept"))));
  g_signal_emit_by_name (ph_transfer_row_get_button (row, "decline"), "clicked");
  gui_wait_until (gui_first_finished, fixture->app, "the declined transfer to end");

  transfer = gui_transfer_at (fixture->app, 0);
  g_assert_cmpint (ph_transfer_get_state (transfer), !=, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_transfer_row_get_status_text (row), ==, "Declined");
  gui_iterate (200);
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 0);
}

static void
test_accept (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "wanted.bin", 4000);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "new_wanted.bin", NULL);

  g_settings_set_boolean (ph_application_get_settings (fixture->app), "ask-before-accepting", TRUE);
  g_settings_set_boolean (ph_application_get_settings (fixture->app), "original-names", TRUE);
  gui_set_receive_mode (fixture->app, TRUE);

  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (gui_first_waiting, fixture->app, "the transfer to wait for approval");

  /* The way the notification's Accept button does it. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "accept-transfer",
                                  g_variant_new_string (ph_application_transfer_id (gui_transfer_at (fixture->app, 0))));
  gui_wait_until (gui_first_finished, fixture->app, "the accepted transfer to end");

  g_assert_cmpint (ph_transfer_get_state (gui_transfer_at (fixture->app, 0)), ==, PH_TRANSFER_DONE);
  ph_test_assert_same_file (sent, saved);
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

  return g_test_run ();
}
