/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batches at scale, scaled down: a few hundred files in and out of the
 * real window. Counts and order, never time (bench/app-batches times
 * the full size). */

#include "config.h"

#include <string.h>

#include "gui-common.h"

/* Enough that a list making a row per file would show: GTK 4.8 keeps
 * about 200 rows around whatever the model's size. */
#define N_FILES 600

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

  fixture->in_dir = ph_test_make_tmp_dir ("posthouse-batches-in-XXXXXX");
  fixture->out_dir = ph_test_make_tmp_dir ("posthouse-batches-out-XXXXXX");
  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
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

static void
weak_notify_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}

/* posthouse-cli sends in the order given with --parallel 1, once it
 * has the option; before that, it always does. */
static gboolean
cli_has_parallel (const char *cli)
{
  g_autofree char *out = NULL;
  const char *argv[] = { cli, "send", "--help", NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, NULL);
  return out != NULL && strstr (out, "--parallel") != NULL;
}

static gboolean
batch_has_all (gpointer data)
{
  Fixture *fixture = data;
  PhBatch *batch;

  if (gui_n_batches (fixture->app) == 0)
    return FALSE;
  batch = gui_batch_at (fixture->app, 0);
  return ph_batch_get_n_files (batch) == N_FILES && ph_batch_is_finished (batch);
}

/* Notifications about this test's burst (other tests move far fewer files). */
static guint
burst_notifications (void)
{
  const char *log = g_getenv ("PH_NOTIFY_LOG");
  g_autofree char *contents = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("Receiv(ed|ing) [0-9]{3} files from 127\\.0\\.0\\.1", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  guint n = 0;

  if (log == NULL || !g_file_get_contents (log, &contents, NULL, NULL))
    return 0;

  for (g_regex_match (regex, contents, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    n++;
  return n;
}

static gboolean
final_notified (gpointer data)
{
  return gui_notification_logged ("Received 600 files from 127.0.0.1");
}

/* One `posthouse-cli send` of a few hundred files into receive mode:
 * one batch, every file in order, rows only for what is on screen, one
 * notification, and memory back after Clear History. */
/* Every file in the batch page's model, rows made for some. */
static gboolean
files_listed (gpointer view)
{
  GListModel *files = G_LIST_MODEL (gtk_list_view_get_model (ph_batch_view_get_file_list (view)));

  return g_list_model_get_n_items (files) == N_FILES && gui_count_widgets (view, PH_TYPE_FILE_ROW) > 0;
}

static void
test_receive_burst (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *cli = g_getenv ("PH_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  PhBatchView *view;
  PhBatch *batch;
  PhBatchRow *row;
  guint finalized = 0;
  guint rows, file_rows;

  if (cli == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return;
    }

  g_ptr_array_add (argv, g_strdup (cli));
  g_ptr_array_add (argv, g_strdup ("send"));
  if (cli_has_parallel (cli))
    g_ptr_array_add (argv, g_strdup ("--parallel=1"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", fixture->port));
  for (guint i = 0; i < N_FILES; i++)
    {
      /* Not in name order, so the order checked is the sender's. */
      g_autofree char *name = g_strdup_printf ("%03u-photo.jpg", (i * 7) % N_FILES);

      g_ptr_array_add (argv, gui_make_file (fixture->in_dir, name, 1024));
      g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_add (argv, NULL);

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "receive-mode",
                                      g_variant_new_boolean (TRUE));
  gui_unfocus (fixture->window);

  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  gui_watch_exit (process, &done);
  gui_wait_flag (&done, "posthouse-cli send to exit");
  gui_wait_until (batch_has_all, fixture, "the batch to hold every file");

  /* One batch, the files in the order they were sent. */
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, N_FILES);
  g_assert_cmpint (ph_batch_get_total_size (batch), ==, N_FILES * 1024);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (batch), i);

      g_assert_cmpstr (ph_transfer_get_name (transfer), ==, g_ptr_array_index (names, i));
      g_object_weak_ref (G_OBJECT (transfer), weak_notify_cb, &finalized);
    }
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, N_FILES);

  row = gui_row_for (fixture->window, batch);
  g_assert_nonnull (row);
  g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, "600 files");
  g_assert_true (g_str_has_prefix (ph_batch_row_get_status_text (row), "600 files received"));

  /* Its files in a list that makes rows for the screen, not per file. */
  ph_window_show_batch (fixture->window, batch);
  view = ph_window_get_batch_view (fixture->window);
  g_assert_cmpstr (ph_window_get_visible_page (fixture->window), ==, "batch");
  gui_wait_until (files_listed, view, "the 600 files listed, rows made for some");
  file_rows = gui_count_widgets (GTK_WIDGET (view), PH_TYPE_FILE_ROW);
  g_assert_cmpuint (file_rows, <, N_FILES / 2);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "back", NULL);
  g_assert_cmpstr (ph_window_get_visible_page (fixture->window), ==, "main");
  rows = gui_count_widgets (GTK_WIDGET (ph_window_get_batch_list (fixture->window)), PH_TYPE_BATCH_ROW);
  g_assert_cmpuint (rows, >=, 1);

  /* One notification for the burst (with perhaps one progress note). */
  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    {
      gui_wait_until (final_notified, NULL, "the batch's notification");
      gui_iterate (1000);
      g_assert_cmpuint (gui_notifications_count ("Received 600 files from 127.0.0.1"), ==, 1);
      g_assert_cmpuint (burst_notifications (), <=, 2);
    }

  /* Clear History: one change of the list, every transfer freed. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "clear-history", NULL);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 0);
  gui_wait_uint (&finalized, N_FILES, "every transfer freed");
  g_assert_cmpuint (gui_count_widgets (GTK_WIDGET (ph_window_get_batch_list (fixture->window)),
                                       PH_TYPE_BATCH_ROW), <=, rows);
}

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   GPtrArray  *received)
{
  g_ptr_array_add (received, g_object_ref (transfer));
}

static gboolean
all_received (gpointer data)
{
  GPtrArray *received = data;

  if (received->len < N_FILES)
    return FALSE;
  for (guint i = 0; i < received->len; i++)
    if (!ph_transfer_is_finished (g_ptr_array_index (received, i)))
      return FALSE;
  return TRUE;
}

static gboolean
first_batch_finished (gpointer data)
{
  Fixture *fixture = data;

  return gui_n_batches (fixture->app) > 0 && ph_batch_is_finished (gui_batch_at (fixture->app, 0));
}

/* A folder of a few hundred files dropped: one batch, in the order of
 * their paths, all of it at the receiver. */
static void
test_send_folder (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *album = g_build_filename (fixture->in_dir, "album", NULL);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GFile) out = g_file_new_for_path (fixture->out_dir);
  g_autoptr(PhReceiver) receiver = ph_receiver_new (out);
  g_autoptr(GFile) folder = g_file_new_for_path (album);
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = NULL;
  PhBatch *batch;

  for (guint d = 0; d < 3; d++)
    {
      g_autofree char *day = g_strdup_printf ("%s/day %u", album, d + 1);

      g_assert_cmpint (g_mkdir_with_parents (day, 0700), ==, 0);
      for (guint i = 0; i < N_FILES / 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("d%u-%03u.jpg", d + 1, i);
          g_ptr_array_add (paths, gui_make_file (day, name, 1024 + i));
        }
    }

  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  ph_receiver_set_port (receiver, 0);
  g_signal_connect (receiver, "transfer-added", G_CALLBACK (transfer_added_cb), received);
  ph_receiver_start (receiver, &error);
  g_assert_no_error (error);
  destination = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (receiver));
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);

  gui_drop_files (fixture->window, &folder, 1);
  gui_answer_dialog (fixture->window, "send");
  gui_wait_until (all_received, received, "every file at the receiver");
  gui_wait_until (first_batch_finished, fixture, "the batch to finish");

  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, N_FILES);
  g_assert_true (ph_batch_get_flattened (batch));
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (batch), i);
      g_autofree char *path = g_file_get_path (ph_transfer_get_source (transfer));

      g_assert_cmpstr (path, ==, g_ptr_array_index (paths, i));
    }
  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, N_FILES);
  for (guint i = 0; i < received->len; i += 37)
    {
      PhTransfer *in = g_ptr_array_index (received, i);
      g_autofree char *saved = g_file_get_path (ph_transfer_get_file (in));
      g_autofree char *name = g_strdup (ph_transfer_get_name (in));
      guint day = name[1] - '0';
      g_autofree char *sent = g_strdup_printf ("%s/day %u/%s", album, day, name);

      ph_test_assert_same_file (sent, saved);
    }

  ph_receiver_stop (receiver);
  g_signal_handlers_disconnect_by_data (receiver, received);
}

static void
hold_connection_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GPtrArray *held = user_data;
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, NULL);
  if (connection == NULL)
    return;
  g_ptr_array_add (held, connection);
  g_socket_listener_accept_async (G_SOCKET_LISTENER (source), NULL, hold_connection_cb, held);
}

/* A receiver that takes every connection and never answers. */
static GSocketListener *
holding_listener (GPtrArray *held,
                  char     **destination)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_accept_async (listener, NULL, hold_connection_cb, held);
  *destination = g_strdup_printf ("127.0.0.1:%u", port);

  return listener;
}

static void
drop_files (Fixture    *fixture,
            const char *destination,
            const char *prefix,
            guint       n)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%02u.jpg", prefix, i);
      g_autofree char *path = gui_make_file (fixture->in_dir, name, 4096);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);
  gui_drop_files (fixture->window, (GFile **) files->pdata, n);
}

static gboolean
all_batches_finished (gpointer data)
{
  Fixture *fixture = data;

  for (guint i = 0; i < gui_n_batches (fixture->app); i++)
    if (!ph_batch_is_finished (gui_batch_at (fixture->app, i)))
      return FALSE;
  return TRUE;
}

typedef struct
{
  GPtrArray *a;
  GPtrArray *b;
} Held;

/* As many connections as the first batch may open, and the other
 * receiver's five (more fail the exact checks after). */
static gboolean
connections_held (gpointer data)
{
  Held *held = data;

  return held->a->len >= PH_SENDER_DEFAULT_PARALLEL && held->b->len >= 5;
}

/* A batch goes out on several connections at once (the engine's
 * default), a second batch to the same receiver waits for the first
 * rather than exceed what it serves one sender, and a batch to another
 * receiver does not wait. */
static void
test_send_parallel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) held_a = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) held_b = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GSocketListener) listener_a = holding_listener (held_a, &a);
  g_autoptr(GSocketListener) listener_b = holding_listener (held_b, &b);

  drop_files (fixture, a, "first", 20);
  gui_iterate (300);
  drop_files (fixture, a, "second", 5);
  drop_files (fixture, b, "other", 5);
  /* A while, for a connection too many to come if it were to. */
  gui_iterate (2000);
  {
    Held held = { held_a, held_b };

    gui_wait_until (connections_held, &held, "the connections of the first and other batches");
  }

  g_test_message ("connections: %u to the first receiver, %u to the other", held_a->len, held_b->len);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 3);
  g_assert_cmpuint (held_a->len, ==, PH_SENDER_DEFAULT_PARALLEL);
  g_assert_cmpuint (held_b->len, ==, 5);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "cancel-all", NULL);
  gui_wait_until (all_batches_finished, fixture, "every batch to be cancelled");
  for (guint i = 0; i < gui_n_batches (fixture->app); i++)
    g_assert_cmpint (ph_batch_get_state (gui_batch_at (fixture->app, i)), ==, PH_TRANSFER_CANCELLED);
  /* The waiting batch never connected. */
  g_assert_cmpuint (held_a->len, ==, PH_SENDER_DEFAULT_PARALLEL);

  g_socket_listener_close (listener_a);
  g_socket_listener_close (listener_b);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/batches/receive-burst", Fixture, NULL,
              fixture_set_up, test_receive_burst, fixture_tear_down);
  g_test_add ("/posthouse/gui/batches/send-folder", Fixture, NULL,
              fixture_set_up, test_send_folder, fixture_tear_down);
  g_test_add ("/posthouse/gui/batches/send-parallel", Fixture, NULL,
              fixture_set_up, test_send_parallel, fixture_tear_down);

  return g_test_run ();
}
