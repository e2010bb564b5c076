/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sending as the app and the CLI share it, on a real receiver: a plan
 * (folders walked, destination resolved) handed to the send queue, and
 * posthouse-cli send itself. A tree 40 levels deep arrives whole; what
 * cannot be sent is named and the send fails. */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "test-common.h"

#define DEPTH 40

/* DEPTH levels, three files each, all with different names. */
static char *
make_deep_tree (const char *dir)
{
  char *top = g_build_filename (dir, "Deep", NULL);
  g_autoptr(GString) path = g_string_new (top);

  for (guint level = 0; level < DEPTH; level++)
    {
      g_assert_cmpint (g_mkdir_with_parents (path->str, 0700), ==, 0);
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("f%02u-%u.bin", level, i);
          g_autofree char *file = make_file (path->str, name, 1000 + level * 7 + i, level * 3 + i);
        }
      g_string_append_printf (path, "/d%02u", level);
    }

  return top;
}

typedef struct
{
  PhSendPlan *plan;
  GError     *error;
  gboolean    done;
} Planned;

static void
planned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Planned *planned = user_data;

  planned->plan = ph_send_plan_new_finish (result, &planned->error);
  planned->done = TRUE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **error = user_data;

  ph_send_queue_send_finish (PH_SEND_QUEUE (object), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (PH_ERROR, PH_ERROR_FAILED, "no error: sent");
}

static PhSendPlan *
plan (const char   *destination,
      PhFolderWalk *walk,
      GError      **error)
{
  Planned planned = { 0 };

  ph_send_plan_new_async (NULL, destination, -1, walk, NULL, planned_cb, &planned);
  WAIT_UNTIL (planned.done);
  if (planned.error != NULL)
    g_propagate_error (error, planned.error);

  return planned.plan;
}

static void
send_plan (PhSendPlan *plan,
           GError    **error)
{
  g_autoptr(PhSendQueue) queue = ph_send_queue_new ();
  GError *ended = NULL;

  ph_send_queue_send_async (queue, ph_send_plan_get_destination (plan),
                            G_LIST_MODEL (ph_send_plan_get_transfers (plan)), 0, NULL,
                            sent_cb, &ended);
  WAIT_UNTIL (ended != NULL);
  if (g_error_matches (ended, PH_ERROR, PH_ERROR_FAILED) && g_str_equal (ended->message, "no error: sent"))
    g_clear_error (&ended);
  else
    g_propagate_error (error, ended);
}

/* To a receiver that announced nothing, every file of the tree arrives
 * under its base name. */
static void
test_deep_tree (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *top = make_deep_tree (f->src_dir);
  g_autoptr(GFile) file = g_file_new_for_path (top);
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();
  g_autoptr(PhSendPlan) sending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = NULL;

  fixture_start (f, NULL);
  ph_folder_walk_add (walk, file, NULL);
  sending = plan (f->destination, walk, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ph_destination_get_address (ph_send_plan_get_destination (sending)), ==, f->destination);
  g_assert_false (ph_destination_get_accepts_paths (ph_send_plan_get_destination (sending)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ph_send_plan_get_transfers (sending))), ==, DEPTH * 3);
  g_assert_true (ph_send_list_get_flattened (ph_send_plan_get_transfers (sending)));

  send_plan (sending, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (f->received->len == DEPTH * 3);
  saved = list_dir (f->dst_dir);
  g_assert_cmpuint (saved->len, ==, DEPTH * 3);
}

/* To a receiver that keeps folders, each with its path as far as the
 * header holds one; deeper files go by their base names. */
static void
test_paths (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *top = make_deep_tree (f->src_dir);
  g_autoptr(GFile) file = g_file_new_for_path (top);
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();
  g_autoptr(PhDestination) destination = NULL;
  g_autoptr(PhSendList) list = NULL;
  g_autoptr(PhSendQueue) queue = ph_send_queue_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  GError *ended = NULL;

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);
  ph_folder_walk_add (walk, file, NULL);
  g_assert_true (ph_folder_walk_run (walk, NULL, &error));
  destination = ph_destination_new ("127.0.0.1", f->port);
  ph_destination_set_accepts_paths (destination, TRUE);
  list = ph_send_list_new (walk, ph_destination_get_address (destination), TRUE);
  /* Paths longer than the header holds go flat. */
  g_assert_true (ph_send_list_get_flattened (list));

  ph_send_queue_send_async (queue, destination, G_LIST_MODEL (list), 0, NULL, sent_cb, &ended);
  WAIT_UNTIL (ended != NULL);
  g_assert_cmpstr (ended->message, ==, "no error: sent");
  g_clear_error (&ended);

  kept = g_build_filename (f->dst_dir, "Deep", "d00", "d01", "f02-1.bin", NULL);
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
  WAIT_UNTIL (f->received->len == DEPTH * 3);
}

/* An address that cannot be one is said before a folder is walked. */
static void
test_bad_address (void)
{
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();
  g_autoptr(GFile) file = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(PhSendPlan) sending = NULL;
  g_autoptr(GError) error = NULL;

  ph_folder_walk_add (walk, file, NULL);
  sending = plan ("127.0.0.1:99999", walk, &error);
  g_assert_null (sending);
  g_assert_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS);
  g_assert_cmpuint (ph_folder_walk_get_n_files (walk), ==, 0);
}

typedef struct
{
  gboolean  done;
  char     *err;
} CliRun;

static void
cli_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, NULL, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

/* Runs posthouse-cli send @destination @path while the receiver of this
 * main context takes the files; returns its exit status. */
static int
run_cli (const char  *destination,
         const char  *path,
         char       **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CliRun run = { FALSE, NULL };

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("PH_CLI"), "send", destination, path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, cli_done_cb, &run);
  WAIT_UNTIL (run.done);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  *err = run.err;

  return g_subprocess_get_exit_status (process);
}

/* posthouse-cli send: the 40-level tree arrives whole, exit 0; with a
 * pipe in it, the pipe is named, everything else arrives, exit 1. */
static void
test_cli_deep_tree (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *top = make_deep_tree (f->src_dir);
  g_autofree char *pipe = g_build_filename (top, "d00", "d01", "pipe", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err_again = NULL;

  if (g_getenv ("PH_CLI") == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return;
    }

  fixture_start (f, NULL);
  g_assert_cmpint (run_cli (f->destination, top, &err), ==, 0);
  /* How the files go, and nothing else. */
  g_assert_true (g_str_has_prefix (err, "not encrypted, to "));
  g_assert_cmpint (strchr (err, '\n') - err + 1, ==, strlen (err));
  WAIT_UNTIL (f->received->len == DEPTH * 3);

  /* Again, with a pipe two levels down, into a fresh folder. */
  ph_test_rm_rf (f->dst_dir);
  g_assert_cmpint (g_mkdir (f->dst_dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (pipe, 0600), ==, 0);
  g_assert_cmpint (run_cli (f->destination, top, &err_again), ==, 1);
  g_assert_nonnull (strstr (err_again, "Deep/d00/d01/pipe: Not sent: not a regular file"));
  g_assert_nonnull (strstr (err_again, "1 of 121 files was not sent"));
  WAIT_UNTIL (f->received->len == 2 * DEPTH * 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/posthouse/send-plan/deep-tree", Fixture, NULL,
              fixture_setup, test_deep_tree, fixture_teardown);
  g_test_add ("/posthouse/send-plan/paths", Fixture, NULL,
              fixture_setup, test_paths, fixture_teardown);
  g_test_add_func ("/posthouse/send-plan/bad-address", test_bad_address);
  g_test_add ("/posthouse/send-plan/cli-deep-tree", Fixture, NULL,
              fixture_setup, test_cli_deep_tree, fixture_teardown);

  return g_test_run ();
}
