/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Receiving in the background, in a real window: closing it while
 * receiving hides it and keeps the application held, the list goes on
 * filling, and showing it again shows everything; Quit asks while
 * transfers run. (tests/e2e does the same from outside, with key presses.) */

#include "config.h"

#include <string.h>

#include "gui-common.h"
#include "ph-background.h"

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  GSettings     *settings;
  char          *in_dir;
  char          *out_dir;
  guint          port;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-bg-in-XXXXXX");
  fixture->out_dir = ph_test_make_tmp_dir ("posthouse-bg-out-XXXXXX");

  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);

  fixture->port = ph_test_unused_port ();
  fixture->settings = gui_settings ();
  g_settings_set_int (fixture->settings, "port", fixture->port);
  g_settings_set_string (fixture->settings, "receive-folder", fixture->out_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_weak_pointer (&fixture->window);
  gui_app_free (fixture->app);
  ph_test_rm_rf (fixture->in_dir);
  ph_test_rm_rf (fixture->out_dir);
  g_free (fixture->in_dir);
  g_free (fixture->out_dir);
}

static PhBackground *
background (Fixture *fixture)
{
  return ph_application_get_background (fixture->app);
}

/* What another process would read: not what the application's own
 * GSettings object may hold back (delay-apply mode). */
static gboolean
stored_boolean (const char *key)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  return g_settings_get_boolean (settings, key);
}

static guint
count_in_log (const char *text)
{
  const char *log = g_getenv ("PH_NOTIFY_LOG");
  g_autofree char *contents = NULL;
  guint n = 0;

  if (log == NULL || !g_file_get_contents (log, &contents, NULL, NULL))
    return 0;
  for (const char *p = strstr (contents, text); p != NULL; p = strstr (p + 1, text))
    n++;

  return n;
}

static gboolean
notice_logged (gpointer data)
{
  return count_in_log ("Posthouse keeps receiving in the background") > GPOINTER_TO_UINT (data);
}

static gboolean
window_shown (gpointer app)
{
  GtkWindow *window = gtk_application_get_active_window (app);

  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Receiving with Ask before accepting: @path comes in and waits. */
static void
wait_for_question (Fixture    *fixture,
                   const char *path)
{
  g_settings_set_boolean (fixture->settings, "ask-before-accepting", TRUE);
  gui_set_receive_mode (fixture->app, TRUE);
  gui_py_send ("127.0.0.1", fixture->port, path);
  gui_wait_until (gui_first_waiting, fixture->app, "the transfer to wait for approval");
}

/* As the notification's Accept does, with or without a window. */
static void
accept_newest (Fixture *fixture)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "accept-batch",
                                  g_variant_new_string (ph_batch_get_id (gui_batch_at (fixture->app, 0))));
  gui_wait_until (gui_first_finished, fixture->app, "the accepted transfer to end");
}

/* Closed while receiving: the window goes, Posthouse stays held and
 * receiving; launching again shows what arrived meanwhile in a new
 * window. The notice comes once. */
static void
test_close_keeps_receiving (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "while-away.jpg", 64 * 1024);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "while-away.jpg", NULL);
  guint notices = count_in_log ("Posthouse keeps receiving in the background");
  PhWindow *window;
  PhBatchRow *row;
  g_autofree char *title = NULL;

  gui_set_receive_mode (fixture->app, TRUE);
  g_assert_true (ph_background_get_held (background (fixture)));
  g_assert_true (stored_boolean ("receive-mode"));

  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_wait_until (is_null, &fixture->window, "the window to be destroyed");
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (fixture->app)));
  g_assert_true (ph_background_get_held (background (fixture)));
  g_assert_true (gui_receive_mode (fixture->app));
  g_assert_true (g_settings_get_boolean (fixture->settings, "background-notice-shown"));
  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    gui_wait_until (notice_logged, GUINT_TO_POINTER (notices), "the background notice");

  gui_py_send ("127.0.0.1", fixture->port, sent);
  gui_wait_until (gui_first_finished, fixture->app, "the transfer received with no window");
  ph_test_assert_same_file (sent, saved);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (fixture->app)));

  /* Launching again (activate) shows a window with the list. */
  g_application_activate (G_APPLICATION (fixture->app));
  gui_wait_until (window_shown, fixture->app, "a window again");
  window = PH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  title = ph_batch_dup_title (gui_batch_at (fixture->app, 0));
  g_assert_cmpstr (title, ==, "while-away.jpg");
  row = gui_row_for (window, gui_batch_at (fixture->app, 0));
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (ph_batch_row_get_status_text (row), "Received"));

  /* A second close says nothing more. */
  fixture->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &fixture->window);
  gtk_window_close (GTK_WINDOW (window));
  gui_wait_until (is_null, &fixture->window, "the second window to be destroyed");
  gui_iterate (300);
  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    g_assert_cmpuint (count_in_log ("Posthouse keeps receiving in the background"), ==, notices + 1);

  g_application_activate (G_APPLICATION (fixture->app));
  fixture->window = PH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  g_assert_nonnull (fixture->window);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
}

/* Not receiving: closing closes, nothing holds the application. */
static void
test_close_not_receiving (Fixture       *fixture,
                          gconstpointer  data)
{
  g_assert_false (ph_background_get_held (background (fixture)));

  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_wait_until (is_null, &fixture->window, "the window to be destroyed");
  g_assert_false (ph_background_get_held (background (fixture)));
  g_assert_false (g_settings_get_boolean (fixture->settings, "background-notice-shown"));
}

/* The notice's Stop Receiving, with the window closed: receive mode off,
 * nothing left to keep Posthouse running. */
static void
test_stop_from_notice (Fixture       *fixture,
                       gconstpointer  data)
{
  gui_set_receive_mode (fixture->app, TRUE);
  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_wait_until (is_null, &fixture->window, "the window to be destroyed");
  g_assert_true (ph_background_get_held (background (fixture)));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "stop-receiving", NULL);
  g_assert_false (gui_receive_mode (fixture->app));
  g_assert_false (g_settings_get_has_unapplied (fixture->settings));
  g_assert_false (stored_boolean ("receive-mode"));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (fixture->app)));
  g_assert_false (ph_background_get_held (background (fixture)));
}

/* Receive mode off with a transfer still coming in: held until it ends. */
static void
test_incoming_holds (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "late.bin", 4000);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "late.bin", NULL);

  wait_for_question (fixture, sent);

  gui_set_receive_mode (fixture->app, FALSE);
  g_assert_true (ph_background_get_held (background (fixture)));

  accept_newest (fixture);
  g_assert_cmpint (ph_batch_get_state (gui_batch_at (fixture->app, 0)), ==, PH_TRANSFER_DONE);
  ph_test_assert_same_file (sent, saved);
  g_assert_false (ph_background_get_held (background (fixture)));
}

/* What a click on one of its buttons does. */
static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

/* The window gone for good, a transfer still waiting: answered from its
 * notification, it ends with no window to show it. */
static void
test_finish_after_close (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "after.bin", 4000);
  g_autofree char *saved = g_build_filename (fixture->out_dir, "after.bin", NULL);

  wait_for_question (fixture, sent);

  gui_set_receive_mode (fixture->app, FALSE);
  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_wait_until (is_null, &fixture->window, "the window to be destroyed");
  g_assert_true (ph_background_get_held (background (fixture)));

  accept_newest (fixture);
  ph_test_assert_same_file (sent, saved);
  g_assert_false (ph_background_get_held (background (fixture)));
}

static gboolean
asked_to_quit (gpointer data)
{
  return ph_background_get_quit_dialog (data) != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return ph_background_get_quit_dialog (data) == NULL;
}

/* Quit while a transfer runs asks; Cancel keeps everything, Quit stops
 * it, receive mode and the window. With the window closed, it asks in a new one. */
static void
test_quit_asks (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (fixture->in_dir, "pending.bin", 4000);
  AdwMessageDialog *dialog;
  PhTransfer *transfer;

  wait_for_question (fixture, sent);
  /* The batch in the list keeps it. */
  transfer = g_list_model_get_item (G_LIST_MODEL (gui_batch_at (fixture->app, 0)), 0);
  g_object_unref (transfer);

  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_wait_until (is_null, &fixture->window, "the window to be destroyed");

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  gui_wait_until (asked_to_quit, background (fixture), "the question whether to quit");
  dialog = ph_background_get_quit_dialog (background (fixture));
  /* Asked over a new window. */
  fixture->window = PH_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  g_assert_true (PH_IS_WINDOW (fixture->window));
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 transfer"));

  answer (dialog, "cancel");
  gui_wait_until (dialog_gone, background (fixture), "the question to go");
  gui_iterate (100);
  g_assert_nonnull (fixture->window);
  g_assert_true (gui_receive_mode (fixture->app));
  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_WAITING);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  dialog = ph_background_get_quit_dialog (background (fixture));
  g_assert_nonnull (dialog);
  answer (dialog, "quit");
  gui_wait_until (is_null, &fixture->window, "the window to close");
  g_assert_true (ph_transfer_is_finished (transfer));
  g_assert_false (gui_receive_mode (fixture->app));
  g_assert_false (g_settings_get_boolean (fixture->settings, "receive-mode"));
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, 0);
}

/* Nothing running: Quit does not ask. */
static void
test_quit_idle (Fixture       *fixture,
                gconstpointer  data)
{
  gui_set_receive_mode (fixture->app, TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  g_assert_null (ph_background_get_quit_dialog (background (fixture)));
  gui_wait_until (is_null, &fixture->window, "the window to close");
  g_assert_false (gui_receive_mode (fixture->app));
}

/* A partial file a crashed run left behind goes when receiving starts;
 * other hidden files stay. */
static void
test_leftovers (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *leftover = g_build_filename (fixture->out_dir, ".posthouse-Q1w2E3.part", NULL);
  g_autofree char *other = g_build_filename (fixture->out_dir, ".hidden", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (leftover, "half", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (other, "mine", -1, &error);
  g_assert_no_error (error);

  gui_set_receive_mode (fixture->app, TRUE);
  g_assert_true (gui_receive_mode (fixture->app));
  g_assert_false (g_file_test (leftover, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/background/close-keeps-receiving", Fixture, NULL,
              fixture_set_up, test_close_keeps_receiving, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/close-not-receiving", Fixture, NULL,
              fixture_set_up, test_close_not_receiving, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/stop-from-notice", Fixture, NULL,
              fixture_set_up, test_stop_from_notice, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/incoming-holds", Fixture, NULL,
              fixture_set_up, test_incoming_holds, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/finish-after-close", Fixture, NULL,
              fixture_set_up, test_finish_after_close, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/quit-asks", Fixture, NULL,
              fixture_set_up, test_quit_asks, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/quit-idle", Fixture, NULL,
              fixture_set_up, test_quit_idle, fixture_tear_down);
  g_test_add ("/posthouse/gui/background/leftovers", Fixture, NULL,
              fixture_set_up, test_leftovers, fixture_tear_down);

  return g_test_run ();
}
