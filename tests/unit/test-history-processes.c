/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history store across processes: a writer killed with SIGKILL in
 * the middle of its writes, the app and the CLI writing at once, a
 * database from a newer Posthouse, a damaged one. The writers are this
 * program run again (PH_HISTORY_CHILD=MODE). */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "history-util.h"
#include "ph-test-util.h"

#define WRITER_BATCHES 60
#define WRITER_FILES   25

/* Children */

/* Receives batch after batch, writing as it goes, until killed. */
static int
child_loop (const char *path)
{
  g_autoptr(GError) error = NULL;
  PhHistory *history = history_open (path, &error);
  guint progress = 0;

  g_assert_no_error (error);
  for (guint b = 0;; b++)
    {
      g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.20", NULL);
      g_autoptr(GPtrArray) transfers = g_ptr_array_new ();

      ph_history_track (history, batch);
      for (guint i = 0; i < 400; i++)
        {
          g_autofree char *name = g_strdup_printf ("batch-%u/file-%03u", b, i);
          g_ptr_array_add (transfers, history_add_incoming (batch, name, i));
        }
      for (guint i = 0; i < transfers->len; i++)
        {
          g_autoptr(GFile) file = g_file_new_for_path ("/tmp/somewhere");

          history_finish (g_ptr_array_index (transfers, i), file);
          if (i % 40 == 39)
            {
              history_flush (history);
              printf ("progress %u\n", ++progress);
              fflush (stdout);
            }
        }
    }
  return 1;
}

/* Sends WRITER_BATCHES batches, as the app or the CLI would. */
static int
child_writer (const char *path,
              const char *label)
{
  g_autoptr(GError) error = NULL;
  PhHistory *history = history_open (path, &error);

  g_assert_no_error (error);
  for (guint b = 0; b < WRITER_BATCHES; b++)
    {
      g_autofree char *title = g_strdup_printf ("%s-%u", label, b);
      g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.21", title);

      ph_history_track (history, batch);
      for (guint i = 0; i < WRITER_FILES; i++)
        {
          g_autofree char *name = g_strdup_printf ("/tmp/%s-%u-%u", label, b, i);
          g_autoptr(GFile) file = g_file_new_for_path (name);
          PhTransfer *transfer = ph_batch_add_file (batch, file, i);

          history_finish (transfer, NULL);
        }
      history_flush (history);
    }
  history_close (history);
  return 0;
}

/* The parent */

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = ph_test_make_tmp_dir ("posthouse-history-XXXXXX");
  f->path = g_build_filename (f->dir, "history.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ph_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static GSubprocess *
spawn_child (const char *mode,
             const char *path,
             const char *label)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  g_subprocess_launcher_setenv (launcher, "PH_HISTORY_CHILD", mode, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, "/proc/self/exe", path, label, NULL);
  g_assert_no_error (error);
  return child;
}

static void
assert_integrity (const char *path)
{
  g_autofree char *check = history_query (path, "PRAGMA integrity_check");
  g_autofree char *fk = history_query (path, "PRAGMA foreign_key_check");

  g_assert_cmpstr (check, ==, "ok");
  g_assert_null (fk);
}

/* Every stored batch, all pages. */
static GPtrArray *
load_all (PhHistory *history)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  PhHistoryBatch *last = NULL;

  for (;;)
    {
      g_autoptr(GPtrArray) page = history_page (history, last, 100);

      if (page->len == 0)
        return all;
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (page, i)));
      last = g_ptr_array_index (all, all->len - 1);
    }
}

static guint
count_files (PhHistory        *history,
             PhHistoryBatch   *batch,
             PhHistoryOutcome  outcome,
             guint            *n_all)
{
  g_autoptr(GPtrArray) files = history_files (history, batch, 0, G_MAXUINT);
  guint n = 0;

  for (guint i = 0; i < files->len; i++)
    n += ph_history_file_get_outcome (g_ptr_array_index (files, i)) == outcome;
  *n_all = files->len;
  return n;
}

static void
test_killed (Fixture       *f,
             gconstpointer  data)
{
  guint n_interrupted = 0;

  for (guint round = 0; round < 6; round++)
    {
      g_autoptr(GSubprocess) child = spawn_child ("loop", f->path, "");
      g_autoptr(GDataInputStream) out =
        g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      guint wanted = g_test_rand_int_range (1, 12);
      g_autoptr(GPtrArray) all = NULL;
      PhHistory *history;
      g_autoptr(GError) error = NULL;

      for (guint seen = 0; seen < wanted; seen++)
        {
          g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

          g_assert_no_error (error);
          g_assert_nonnull (line);
        }
      /* Somewhere in the next writes, often inside a commit. */
      g_usleep (g_test_rand_int_range (0, 15000));
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

      assert_integrity (f->path);
      history = history_open (f->path, &error);
      g_assert_no_error (error);
      all = load_all (history);
      g_assert_cmpuint (all->len, >=, 1);

      /* Nobody is left to finish a batch: none says it still runs. The
       * one cut short says so, with counts that match its files. */
      for (guint i = 0; i < all->len; i++)
        {
          PhHistoryBatch *batch = g_ptr_array_index (all, i);
          guint n_files, n_done = count_files (history, batch, PH_HISTORY_DONE, &n_files);

          g_assert_cmpint (ph_history_batch_get_outcome (batch), !=, PH_HISTORY_RUNNING);
          if (ph_history_batch_get_outcome (batch) == PH_HISTORY_INTERRUPTED)
            {
              n_interrupted++;
              g_assert_cmpint (ph_history_batch_get_state (batch), ==, PH_TRANSFER_FAILED);
              g_assert_nonnull (ph_history_batch_get_error_message (batch));
              g_assert_cmpint (ph_history_batch_get_end_time (batch), >=,
                               ph_history_batch_get_start_time (batch));
            }
          else
            g_assert_cmpint (ph_history_batch_get_outcome (batch), ==, PH_HISTORY_DONE);
          g_assert_cmpuint (ph_history_batch_get_n_files (batch), ==, n_files);
          g_assert_cmpuint (ph_history_batch_get_n_done (batch), ==, n_done);
        }
      g_test_message ("round %u: killed after %u flushes; %u batches stored",
                      round, wanted, all->len);
      history_close (history);
    }

  g_assert_cmpuint (n_interrupted, >=, 1);

  /* No lock file is left behind by the killed ones. */
  {
    g_autofree char *owners = g_strconcat (f->path, "-owners", NULL);
    g_autoptr(GPtrArray) left = ph_test_list_dir (owners);

    g_assert_cmpuint (left->len, ==, 0);
  }
}

/* The app and the CLI (and a second CLI) record at once. */
static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GSubprocess) cli = spawn_child ("writer", f->path, "cli");
  g_autoptr(GSubprocess) cli2 = spawn_child ("writer", f->path, "cli2");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *n_files = NULL;
  PhHistory *history;

  g_assert_cmpint (child_writer (f->path, "app"), ==, 0);
  g_subprocess_wait_check (cli, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (cli2, NULL, &error);
  g_assert_no_error (error);

  assert_integrity (f->path);
  history = history_open (f->path, &error);
  g_assert_no_error (error);
  all = load_all (history);
  g_assert_cmpuint (all->len, ==, 3 * WRITER_BATCHES);
  for (guint i = 0; i < all->len; i++)
    {
      PhHistoryBatch *batch = g_ptr_array_index (all, i);

      g_assert_cmpint (ph_history_batch_get_outcome (batch), ==, PH_HISTORY_DONE);
      g_assert_cmpuint (ph_history_batch_get_n_done (batch), ==, WRITER_FILES);
    }
  n_files = history_query (f->path, "SELECT count(*) FROM files");
  g_assert_cmpint (atoi (n_files), ==, 3 * WRITER_BATCHES * WRITER_FILES);
  history_close (history);
}

/* A newer Posthouse's history is refused, clearly, and left as it was. */
static void
test_future_version (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *version = NULL;
  gsize before_len, after_len;
  sqlite3 *db = NULL;
  PhHistory *history;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE batches (future); "
                                 "INSERT INTO batches VALUES ('kept'); "
                                 "PRAGMA user_version = 7", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));

  history = history_open (f->path, &error);
  g_assert_null (history);
  g_assert_error (error, PH_ERROR, PH_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, "newer version of Posthouse"));
  g_assert_nonnull (strstr (error->message, f->path));
  g_test_message ("%s", error->message);

  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  version = history_query (f->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "7");
}

/* Not a database: kept aside, and a new history begins. */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *junk = g_strnfill (8192, 'x');
  gboolean kept = FALSE;
  PhHistory *history;

  g_assert_true (g_file_set_contents (f->path, junk, -1, NULL));
  history = history_open (f->path, &error);
  g_assert_no_error (error);
  page = history_page (history, NULL, 10);
  g_assert_cmpuint (page->len, ==, 0);
  history_close (history);

  names = ph_test_list_dir (f->dir);
  for (guint i = 0; i < names->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (names, i), "history.db.damaged-"))
      {
        g_autofree char *aside = g_build_filename (f->dir, g_ptr_array_index (names, i), NULL);
        g_autofree char *contents = NULL;

        g_assert_true (g_file_get_contents (aside, &contents, NULL, NULL));
        g_assert_cmpstr (contents, ==, junk);
        kept = TRUE;
      }
  g_assert_true (kept);
  assert_integrity (f->path);
}

int
main (int    argc,
      char **argv)
{
  const char *child = g_getenv ("PH_HISTORY_CHILD");

  if (child != NULL)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
      if (g_str_equal (child, "loop"))
        return child_loop (argv[1]);
      return child_writer (argv[1], argv[2]);
    }

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/posthouse/history/killed", test_killed);
  ADD ("/posthouse/history/concurrent", test_concurrent);
  ADD ("/posthouse/history/future-version", test_future_version);
  ADD ("/posthouse/history/damaged", test_damaged);
#undef ADD

  return g_test_run ();
}
