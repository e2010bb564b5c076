/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history store at scale (issue 23):
 *   ph-history-bench all [DIR]          everything below, a report on stdout
 *   ph-history-bench populate DB N      N stored batches (1–9 files each)
 *   ph-history-bench first-page DB      open the store, load the first page:
 *                                       time and memory growth
 *   ph-history-bench record DB FILES    one batch of FILES files, tracked:
 *                                       the cost per file
 * Numbers only mean something in a release build. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "ph-history-private.h"
#include "ph-transfer-private.h"

#define PAGE 50

static void
got_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static PhHistory *
open_store (const char *path)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PhHistory *history;

  ph_history_open_async (path, NULL, got_cb, &slot);
  result = wait_for (&slot);
  history = ph_history_open_finish (result, &error);
  if (history == NULL)
    g_error ("%s", error->message);
  return history;
}

static GPtrArray *
page (PhHistory      *history,
      PhHistoryBatch *after)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *batches;

  ph_history_load_batches_async (history, after, PAGE, NULL, got_cb, &slot);
  result = wait_for (&slot);
  batches = ph_history_load_batches_finish (history, result, &error);
  if (batches == NULL)
    g_error ("%s", error->message);
  return batches;
}

static void
flush (PhHistory *history)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ph_history_flush_async (history, NULL, got_cb, &slot);
  result = wait_for (&slot);
  g_assert_true (ph_history_flush_finish (history, result, NULL));
}

/* Resident and peak resident memory, KiB. */
static void
memory (gint64 *rss,
        gint64 *hwm)
{
  g_autofree char *status = NULL;
  const char *p;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  *rss = (p = strstr (status, "VmRSS:")) != NULL ? g_ascii_strtoll (p + 6, NULL, 10) : 0;
  *hwm = (p = strstr (status, "VmHWM:")) != NULL ? g_ascii_strtoll (p + 6, NULL, 10) : 0;
}

/* Straight through the database layer, in big transactions: what years
 * of use would leave. */
static int
populate (const char *path,
          guint       n)
{
  g_autoptr(GError) error = NULL;
  PhHistoryDb *db = ph_history_db_open (path, "00000000-0000-4000-8000-000000000000", &error);
  gint64 start = g_get_monotonic_time ();
  gint64 when = g_get_real_time () - (gint64) n * 600 * G_USEC_PER_SEC;
  guint n_files = 0;

  if (db == NULL)
    g_error ("%s", error->message);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *title = g_strdup_printf ("Holiday %u", i);
      guint files = 1 + g_random_int_range (0, 9);
      PhHistoryBatchRow row = {
        .uuid = uuid,
        .direction = i % 3 == 0 ? PH_TRANSFER_SEND : PH_TRANSFER_RECEIVE,
        .address = (char *) "192.0.2.44:6666",
        .device_name = (char *) "Study Laptop",
        .title = title,
        .started_at = when + (gint64) i * 600 * G_USEC_PER_SEC,
        .outcome = i % 50 == 0 ? PH_HISTORY_FAILED : PH_HISTORY_DONE,
        .n_files = files,
        .n_done = files,
        .total_size = files * 2000000,
        .bytes_done = files * 2000000,
        .first_location = (char *) "file:///home/someone/Downloads/Holiday/Day%201/img_0001.jpg",
      };

      if (i % 10000 == 0 && !ph_history_db_begin (db, &error))
        g_error ("%s", error->message);
      row.updated_at = row.ended_at = row.started_at + 5 * G_USEC_PER_SEC;
      if (!ph_history_db_put_batch (db, &row, &error))
        g_error ("%s", error->message);
      for (guint f = 0; f < files; f++, n_files++)
        {
          g_autofree char *name = g_strdup_printf ("img_%04u.jpg", f);
          g_autofree char *location =
            g_strdup_printf ("file:///home/someone/Downloads/Holiday/Day%%201/%s", name);
          PhHistoryFileRow file = {
            .position = f, .name = name, .folder = (char *) "Holiday/Day 1", .size = 2000000,
            .bytes_done = 2000000, .location = location, .outcome = PH_HISTORY_DONE,
          };

          if (!ph_history_db_put_file (db, row.id, &file, &error))
            g_error ("%s", error->message);
        }
      if ((i % 10000 == 9999 || i == n - 1) && !ph_history_db_commit (db, &error))
        g_error ("%s", error->message);
    }
  ph_history_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  ph_history_db_close (db);

  printf ("populated %u batches, %u files in %.1f s\n",
          n, n_files, (g_get_monotonic_time () - start) / 1e6);
  return 0;
}

static int
first_page (const char *path)
{
  gint64 rss0, hwm0, rss1, hwm1, start, opened, loaded;
  PhHistory *history;
  g_autoptr(GPtrArray) batches = NULL;

  /* The type system and GIO as a window would have them already. */
  g_type_ensure (PH_TYPE_HISTORY_BATCH);
  g_object_unref (g_file_new_for_path ("/"));
  memory (&rss0, &hwm0);

  start = g_get_monotonic_time ();
  history = open_store (path);
  opened = g_get_monotonic_time ();
  batches = page (history, NULL);
  loaded = g_get_monotonic_time ();
  memory (&rss1, &hwm1);

  printf ("first-page %.2f ms (open %.2f ms, page of %u %.2f ms), RSS growth %.2f MiB, peak growth %.2f MiB\n",
          (loaded - start) / 1000.0, (opened - start) / 1000.0, batches->len,
          (loaded - opened) / 1000.0, (rss1 - rss0) / 1024.0, (hwm1 - hwm0) / 1024.0);
  g_clear_pointer (&batches, g_ptr_array_unref);
  g_object_unref (history);
  return 0;
}

/* Making and finishing @n incoming transfers, with the batch tracked
 * by @history or not: the difference is what history costs. */
static double
run_batch (PhHistory *history,
           guint      n,
           guint     *commits)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.45", NULL);
  guint before = history != NULL ? ph_history_worker_get_n_commits (ph_history_get_worker (history)) : 0;
  gint64 start = g_get_monotonic_time ();

  if (history != NULL)
    ph_history_track (history, batch);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Photos/img_%05u.jpg", i);
      g_autofree char *path = g_strdup_printf ("/home/someone/Downloads/%s", name);
      g_autoptr(PhTransfer) transfer = ph_transfer_new_incoming ("192.0.2.45", name, 1000000);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      ph_batch_add (batch, transfer);
      ph_transfer_set_file (transfer, file);
      ph_transfer_set_bytes_done (transfer, 1000000);
      ph_transfer_set_state (transfer, PH_TRANSFER_DONE);
    }
  if (history != NULL)
    {
      flush (history);
      *commits = ph_history_worker_get_n_commits (ph_history_get_worker (history)) - before;
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

static int
record (const char *path,
        guint       n)
{
  PhHistory *history = open_store (path);
  double without = 1e9, with = 1e9;
  guint commits = 0;

  /* Best of three each, alternating. */
  for (guint round = 0; round < 3; round++)
    {
      without = MIN (without, run_batch (NULL, n, NULL));
      with = MIN (with, run_batch (history, n, &commits));
    }

  printf ("record %u files: %.1f ms without history, %.1f ms with it written; "
          "%.2f µs per file for the history; %u commit(s)\n",
          n, without * 1000, with * 1000, (with - without) * 1e6 / n, commits);
  g_object_unref (history);
  return 0;
}

/* Every page of the store, first to last: keyset pages cost the same
 * at the end. */
static int
all_pages (const char *path)
{
  PhHistory *history = open_store (path);
  g_autoptr(GPtrArray) current = NULL;
  double first = 0, last = 0, total = 0;
  guint n_pages = 0, n = 0;

  for (;;)
    {
      PhHistoryBatch *after = current != NULL && current->len > 0 ?
                              g_ptr_array_index (current, current->len - 1) : NULL;
      gint64 start = g_get_monotonic_time ();
      GPtrArray *next = page (history, after);
      double t = (g_get_monotonic_time () - start) / 1000.0;

      if (next->len == 0)
        {
          g_ptr_array_unref (next);
          break;
        }
      if (n_pages == 0)
        first = t;
      last = t;
      total += t;
      n_pages++;
      n += next->len;
      g_clear_pointer (&current, g_ptr_array_unref);
      current = next;
    }

  printf ("all-pages %u batches in %u pages: first %.2f ms, last %.2f ms, mean %.2f ms\n",
          n, n_pages, first, last, total / n_pages);
  g_clear_pointer (&current, g_ptr_array_unref);
  g_object_unref (history);
  return 0;
}

static char *
run_self (const char *self,
          const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_ptr_array_add (argv, (char *) self);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s", error->message);
  return out;
}

static int
all (const char *self,
     const char *dir_arg)
{
  g_autofree char *dir = dir_arg != NULL ? g_strdup (dir_arg) : g_dir_make_tmp ("ph-history-bench-XXXXXX", NULL);
  g_autofree char *big = g_build_filename (dir, "big.db", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *rec = g_build_filename (dir, "record.db", NULL);
  GStatBuf st;

  printf ("## History store bench (%s)\n\n", dir);
  if (!g_file_test (big, G_FILE_TEST_EXISTS))
    g_free (run_self (self, (const char *[]) { "populate", big, "100000", NULL }));
  if (!g_file_test (empty, G_FILE_TEST_EXISTS))
    g_free (run_self (self, (const char *[]) { "populate", empty, "0", NULL }));
  g_stat (big, &st);
  printf ("100,000 batches stored: %.1f MiB\n\n", st.st_size / 1048576.0);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *out = run_self (self, (const char *[]) { "first-page", big, NULL });
      printf ("100,000 batches: %s", out);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *out = run_self (self, (const char *[]) { "first-page", empty, NULL });
      printf ("empty store:     %s", out);
    }
  {
    g_autofree char *out = run_self (self, (const char *[]) { "all-pages", big, NULL });
    printf ("%s", out);
  }
  {
    g_autofree char *out = run_self (self, (const char *[]) { "record", rec, "10000", NULL });
    printf ("%s", out);
  }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "all";

  if (g_str_equal (mode, "populate") && argc == 4)
    return populate (argv[2], atoi (argv[3]));
  if (g_str_equal (mode, "first-page") && argc == 3)
    return first_page (argv[2]);
  if (g_str_equal (mode, "record") && argc == 4)
    return record (argv[2], atoi (argv[3]));
  if (g_str_equal (mode, "all-pages") && argc == 3)
    return all_pages (argv[2]);
  if (g_str_equal (mode, "all"))
    return all ("/proc/self/exe", argc > 2 ? argv[2] : NULL);

  fprintf (stderr, "usage: %s [all [DIR] | populate DB N | first-page DB | record DB FILES | all-pages DB]\n",
           argv[0]);
  return 2;
}
