/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main loop sleeps while a long send runs with the window focused.
 * Alone on the display (is_parallel: false): the focus it needs is
 * what other GUI tests take. */

#include "config.h"

#include "gui-common.h"

static void
accepted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GSocketConnection **connection = user_data;

  *connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, NULL);
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

static gboolean
first_batch_running (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 && ph_batch_get_state (gui_batch_at (app, 0)) == PH_TRANSFER_SENDING;
}

static gboolean
first_batch_finished (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 && ph_batch_is_finished (gui_batch_at (app, 0));
}

/* A send that goes on for longer than the notification's delay, with
 * the window focused (no banner then): the main loop sleeps between
 * updates instead of spinning, which starved the window's drawing. */
static void
test_idle_while_running (void)
{
  PhApplication *app = gui_app_new ();
  PhWindow *window = gui_app_window (app);
  g_autofree char *in_dir = ph_test_make_tmp_dir ("posthouse-idle-XXXXXX");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  guint16 port;
  guint iterations = 0;
  gint64 until;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_accept_async (listener, NULL, accepted_cb, &connection);
  destination = g_strdup_printf ("127.0.0.1:%u", port);
  ph_panel_set_destination (ph_window_get_panel (window), destination);

  /* Far more than loopback buffers: the peer never reads. */
  path = gui_make_file (in_dir, "big.iso", 64 * 1024 * 1024);
  file = g_file_new_for_path (path);
  gtk_window_present (GTK_WINDOW (window));
  gui_wait_until (window_active, window, "the window to have the focus");
  gui_drop_files (window, &file, 1);
  gui_wait_until (first_batch_running, app, "the send to start");

  /* Past the moment a notification would have been due (3 s). */
  gui_iterate (4000);
  g_assert_true (first_batch_running (app));
  g_assert_true (gtk_window_is_active (GTK_WINDOW (window)));

  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
    }
  g_test_message ("%u main loop iterations in one second", iterations);
  /* A few progress updates and frames; a spinning source makes tens of thousands. */
  g_assert_cmpuint (iterations, <, 1000);

  until = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel-all", NULL);
  gui_wait_until (first_batch_finished, app, "the batch to be cancelled");
  g_test_message ("cancelled in %.1f ms, with the peer not reading",
                  (g_get_monotonic_time () - until) / 1000.0);
  g_assert_cmpint (ph_batch_get_state (gui_batch_at (app, 0)), ==, PH_TRANSFER_CANCELLED);
  g_socket_listener_close (listener);
  gui_app_free (app);
  ph_test_rm_rf (in_dir);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add_func ("/posthouse/gui/idle/focused-send", test_idle_while_running);

  return g_test_run ();
}
