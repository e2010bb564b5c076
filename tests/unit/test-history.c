/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history store in one process: what goes in comes out, pages,
 * a batch of 10,000 files, expiry, clearing, deleting. */
#include "config.h"

#include <glib/gstdio.h>

#include "history-util.h"
#include "ph-enums.h"
#include "ph-test-util.h"

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
  f->path = g_build_filename (f->dir, "sub", "history.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ph_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static PhHistory *
open_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  PhHistory *history = history_open (f->path, &error);

  g_assert_no_error (error);
  g_assert_true (PH_IS_HISTORY (history));
  return history;
}

/* A batch received from "192.0.2.7": one file saved in a folder, one
 * failed, one declined. */
static PhBatch *
received_batch (const char *dir)
{
  PhBatch *batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.7", NULL);
  g_autofree char *saved = g_build_filename (dir, "Holiday", "Day 1", "beach (2).jpg", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (saved);

  history_finish (history_add_incoming (batch, "Holiday/Day 1/beach (2).jpg", 1234), file);
  history_fail (history_add_incoming (batch, "notes.txt", 99), PH_ERROR_SHORT, "The sender stopped");
  history_fail (history_add_incoming (batch, "movie.mkv", 1 << 30), PH_ERROR_DECLINED, "Declined");
  return batch;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  g_autoptr(PhBatch) received = received_batch (f->dir);
  g_autoptr(PhBatch) sent = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.8:7000", "Holiday");
  g_autoptr(GFile) source = g_file_new_for_path ("/srv/photos/Holiday/a.jpg");
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *sent_id = NULL;
  g_autoptr(GFile) first = NULL;
  PhHistoryBatch *stored;
  PhHistoryFile *file;

  ph_history_track (history, received);
  ph_history_set_peer (history, received, "Study Laptop", "kX2-fingerprint", TRUE);
  ph_history_track (history, sent);
  ph_batch_add_file_path (sent, source, "Holiday/a.jpg", 5000);
  sent_id = g_strdup (ph_history_get_batch_id (history, sent));
  g_assert_true (ph_history_is_live (history, sent_id));
  history_flush (history);

  /* Still running: stored as such, with its file not finished yet. */
  page = history_page (history, NULL, 10);
  g_assert_cmpuint (page->len, ==, 2);
  stored = g_ptr_array_index (page, 0);
  g_assert_cmpstr (ph_history_batch_get_id (stored), ==, sent_id);
  g_assert_cmpint (ph_history_batch_get_outcome (stored), ==, PH_HISTORY_RUNNING);
  g_assert_cmpint (ph_history_batch_get_end_time (stored), ==, 0);
  g_clear_pointer (&page, g_ptr_array_unref);

  history_finish (g_list_model_get_item (G_LIST_MODEL (sent), 0), NULL);
  g_object_unref (g_list_model_get_item (G_LIST_MODEL (sent), 0));
  history_close (history);
  g_clear_object (&sent);
  g_clear_object (&received);

  /* Across a restart. */
  history = open_ok (f);
  g_assert_false (ph_history_is_live (history, sent_id));
  page = history_page (history, NULL, 10);
  g_assert_cmpuint (page->len, ==, 2);

  stored = g_ptr_array_index (page, 0);
  g_assert_cmpstr (ph_history_batch_get_id (stored), ==, sent_id);
  g_assert_cmpint (ph_history_batch_get_direction (stored), ==, PH_TRANSFER_SEND);
  g_assert_cmpstr (ph_history_batch_get_peer (stored), ==, "192.0.2.8:7000");
  g_assert_cmpstr (ph_history_batch_get_title (stored), ==, "Holiday");
  g_assert_cmpint (ph_history_batch_get_outcome (stored), ==, PH_HISTORY_DONE);
  g_assert_cmpint (ph_history_batch_get_state (stored), ==, PH_TRANSFER_DONE);
  g_assert_cmpuint (ph_history_batch_get_n_files (stored), ==, 1);
  g_assert_cmpuint (ph_history_batch_get_n_done (stored), ==, 1);
  g_assert_cmpint (ph_history_batch_get_total_size (stored), ==, 5000);
  g_assert_cmpint (ph_history_batch_get_end_time (stored), >=, ph_history_batch_get_start_time (stored));
  first = ph_history_batch_dup_first_file (stored);
  g_assert_cmpstr (g_file_peek_path (first), ==, "/srv/photos/Holiday/a.jpg");
  files = history_files (history, stored, 0, 10);
  g_assert_cmpuint (files->len, ==, 1);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpstr (ph_history_file_get_name (file), ==, "a.jpg");
  g_assert_cmpstr (ph_history_file_get_folder (file), ==, "Holiday");
  g_clear_pointer (&files, g_ptr_array_unref);

  stored = g_ptr_array_index (page, 1);
  g_assert_cmpint (ph_history_batch_get_direction (stored), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpstr (ph_history_batch_get_peer (stored), ==, "192.0.2.7");
  g_assert_cmpstr (ph_history_batch_get_device_name (stored), ==, "Study Laptop");
  g_assert_cmpstr (ph_history_batch_get_fingerprint (stored), ==, "kX2-fingerprint");
  g_assert_true (ph_history_batch_get_encrypted (stored));
  g_assert_cmpint (ph_history_batch_get_outcome (stored), ==, PH_HISTORY_FAILED);
  g_assert_cmpstr (ph_history_batch_get_error_message (stored), ==, "The sender stopped");
  g_assert_cmpuint (ph_history_batch_get_n_files (stored), ==, 3);
  g_assert_cmpuint (ph_history_batch_get_n_done (stored), ==, 1);
  g_assert_cmpuint (ph_history_batch_get_n_failed (stored), ==, 1);
  g_assert_cmpuint (ph_history_batch_get_n_declined (stored), ==, 1);
  g_assert_cmpint (ph_history_batch_get_total_size (stored), ==, 1234 + 99 + (1 << 30));

  /* Property names a batch row binds by, as on PhBatch. */
  {
    g_autofree char *title = NULL;
    guint n_files = 0;
    PhTransferState state = PH_TRANSFER_QUEUED;

    g_object_get (stored, "title", &title, "n-files", &n_files, "state", &state, NULL);
    g_assert_cmpstr (title, ==, "3 files");
    g_free (title);
    /* Stored as no title: said in the reader's language. */
    title = history_query (f->path, "SELECT quote(title) FROM batches WHERE direction = 1");
    g_assert_cmpstr (title, ==, "NULL");
    g_assert_cmpuint (n_files, ==, 3);
    g_assert_cmpint (state, ==, PH_TRANSFER_FAILED);
  }

  files = history_files (history, stored, 0, 10);
  g_assert_cmpuint (files->len, ==, 3);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpstr (ph_history_file_get_name (file), ==, "beach (2).jpg");
  g_assert_cmpstr (ph_history_file_get_folder (file), ==, "Holiday/Day 1");
  g_assert_cmpint (ph_history_file_get_outcome (file), ==, PH_HISTORY_DONE);
  g_assert_cmpint (ph_history_file_get_size (file), ==, 1234);
  {
    g_autoptr(GFile) location = ph_history_file_dup_file (file);
    g_autofree char *expected = g_build_filename (f->dir, "Holiday", "Day 1", "beach (2).jpg", NULL);

    g_assert_cmpstr (g_file_peek_path (location), ==, expected);
  }
  file = g_ptr_array_index (files, 1);
  g_assert_cmpstr (ph_history_file_get_folder (file), ==, NULL);
  g_assert_cmpint (ph_history_file_get_outcome (file), ==, PH_HISTORY_FAILED);
  g_assert_cmpstr (ph_history_file_get_error_message (file), ==, "The sender stopped");
  g_assert_null (ph_history_file_dup_file (file));
  file = g_ptr_array_index (files, 2);
  g_assert_cmpint (ph_history_file_get_outcome (file), ==, PH_HISTORY_DECLINED);
  g_assert_cmpint (ph_history_file_get_state (file), ==, PH_TRANSFER_FAILED);

  /* WAL, and the format this version writes. */
  {
    g_autofree char *mode = history_query (f->path, "PRAGMA journal_mode");
    g_autofree char *version = history_query (f->path, "PRAGMA user_version");

    g_assert_cmpstr (mode, ==, "wal");
    g_assert_cmpint (atoi (version), ==, PH_HISTORY_SCHEMA_VERSION);
  }

  g_clear_pointer (&page, g_ptr_array_unref);
  g_clear_pointer (&files, g_ptr_array_unref);
  history_close (history);
}

/* Newest first, each exactly once, whatever is added meanwhile. */
static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PhHistoryBatch) last = NULL;
  gint64 last_time = G_MAXINT64;
  guint n_pages = 0;

  for (guint i = 0; i < 1000; i++)
    {
      PhBatch *batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.9", NULL);
      g_autofree char *name = g_strdup_printf ("file-%04u", i);

      history_finish (history_add_incoming (batch, name, i), NULL);
      ph_history_track (history, batch);
      g_ptr_array_add (batches, batch);
    }
  history_flush (history);

  for (;;)
    {
      g_autoptr(GPtrArray) page = history_page (history, last, 64);

      if (page->len == 0)
        break;
      n_pages++;
      g_assert_cmpuint (page->len, <=, 64);
      for (guint i = 0; i < page->len; i++)
        {
          PhHistoryBatch *stored = g_ptr_array_index (page, i);

          g_assert_cmpint (ph_history_batch_get_start_time (stored), <=, last_time);
          last_time = ph_history_batch_get_start_time (stored);
          g_assert_true (g_hash_table_add (seen, g_strdup (ph_history_batch_get_id (stored))));
        }
      g_set_object (&last, g_ptr_array_index (page, page->len - 1));

      /* A batch that starts now comes before every page: it shifts none. */
      if (n_pages == 3)
        {
          PhBatch *batch = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.10", NULL);

          ph_history_track (history, batch);
          g_ptr_array_add (batches, batch);
        }
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);
  g_assert_cmpuint (n_pages, ==, 16);
  /* The oldest batch came last. */
  g_assert_cmpstr (ph_history_batch_get_title (last), ==, "file-0000");

  g_clear_object (&last);
  history_close (history);
}

/* Pages are read through the index, never sorted or scanned. */
static void
test_query_plan (Fixture       *f,
                 gconstpointer  data)
{
  history_close (open_ok (f));

  {
    g_autofree char *plan = history_plan (f->path,
                                          "SELECT id FROM batches "
                                          "WHERE (started_at, id) < (1, 2) "
                                          "ORDER BY started_at DESC, id DESC LIMIT 50");
    g_test_message ("%s", plan);
    g_assert_nonnull (strstr (plan, "batches_by_time"));
    g_assert_null (strstr (plan, "TEMP B-TREE"));
    g_assert_null (strstr (plan, "SCAN"));
  }
  {
    g_autofree char *plan = history_plan (f->path,
                                          "SELECT name FROM files "
                                          "WHERE batch_id = 1 AND position >= 0 "
                                          "ORDER BY position LIMIT 50");
    g_assert_nonnull (strstr (plan, "PRIMARY KEY"));
  }
}

/* 10,000 files: a few transactions, not 10,000. */
static void
test_big_batch (Fixture       *f,
                gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.11", NULL);
  g_autoptr(GPtrArray) page = NULL;
  PhHistoryBatch *stored;
  guint commits, n = 0;
  gint64 start;

  ph_history_track (history, batch);
  history_flush (history);
  commits = ph_history_worker_get_n_commits (ph_history_get_worker (history));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Folder/photo-%05u.jpg", i);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      history_finish (history_add_incoming (batch, name, 1000 + i), file);
    }
  history_flush (history);
  g_test_message ("10,000 files recorded in %.1f ms (%u commits)",
                  (g_get_monotonic_time () - start) / 1000.0,
                  ph_history_worker_get_n_commits (ph_history_get_worker (history)) - commits);
  g_assert_cmpuint (ph_history_worker_get_n_commits (ph_history_get_worker (history)) - commits, <=, 2);

  page = history_page (history, NULL, 1);
  stored = g_ptr_array_index (page, 0);
  g_assert_cmpuint (ph_history_batch_get_n_files (stored), ==, 10000);
  g_assert_cmpuint (ph_history_batch_get_n_done (stored), ==, 10000);
  g_assert_cmpint (ph_history_batch_get_outcome (stored), ==, PH_HISTORY_DONE);

  for (;;)
    {
      g_autoptr(GPtrArray) files = history_files (history, stored, n, 1000);

      if (files->len == 0)
        break;
      for (guint i = 0; i < files->len; i++, n++)
        {
          PhHistoryFile *file = g_ptr_array_index (files, i);
          g_autofree char *name = g_strdup_printf ("photo-%05u.jpg", n);

          g_assert_cmpuint (ph_history_file_get_position (file), ==, n);
          g_assert_cmpstr (ph_history_file_get_name (file), ==, name);
          g_assert_cmpint (ph_history_file_get_size (file), ==, 1000 + n);
        }
    }
  g_assert_cmpuint (n, ==, 10000);

  g_clear_pointer (&page, g_ptr_array_unref);
  history_close (history);
}

/* A stored row as another day's program would have left it. */
static void
put_old (PhHistory        *history,
         const char       *uuid,
         gint64            days_ago,
         PhHistoryOutcome  outcome)
{
  PhHistoryBatchRow row = {
    .uuid = (char *) uuid,
    .direction = PH_TRANSFER_RECEIVE,
    .address = (char *) "192.0.2.12",
    .title = (char *) uuid,
    .started_at = g_get_real_time () - days_ago * 24 * 3600 * G_USEC_PER_SEC,
    .outcome = outcome,
  };
  Job *job = ph_history_job_new (JOB_WRITE, NULL);
  PhHistoryFileRow *file = g_new0 (PhHistoryFileRow, 1);

  row.updated_at = row.started_at;
  row.ended_at = outcome == PH_HISTORY_RUNNING ? 0 : row.started_at;
  file->name = g_strdup ("a.txt");
  file->outcome = outcome;
  job->batch = ph_history_batch_row_copy (&row);
  job->files = g_ptr_array_new_with_free_func ((GDestroyNotify) ph_history_file_row_free);
  g_ptr_array_add (job->files, file);
  ph_history_worker_push (ph_history_get_worker (history), job);
}

static gint64
expire (PhHistory *history,
        gint       days)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  if (days < 0)
    ph_history_clear_async (history, NULL, history_got_cb, &slot);
  else
    ph_history_expire_async (history, days, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  n = days < 0 ? ph_history_clear_finish (history, result, &error)
               : ph_history_expire_finish (history, result, &error);
  g_assert_no_error (error);
  return n;
}

static char *
ids_of (PhHistory *history)
{
  g_autoptr(GPtrArray) page = history_page (history, NULL, 100);
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < page->len; i++)
    g_string_append_printf (ids, "%s%s", i ? " " : "",
                            ph_history_batch_get_title (g_ptr_array_index (page, i)));
  return g_string_free (ids, FALSE);
}

static void
test_expire (Fixture       *f,
             gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  g_autoptr(PhBatch) live = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.13", "live");
  g_autofree char *ids = NULL;
  g_autofree char *n_files = NULL;

  put_old (history, "d1", 1, PH_HISTORY_DONE);
  put_old (history, "d10", 10, PH_HISTORY_FAILED);
  put_old (history, "d40", 40, PH_HISTORY_DONE);
  put_old (history, "d400", 400, PH_HISTORY_INTERRUPTED);
  /* Running in another program for 50 days (a question nobody answered). */
  put_old (history, "r50", 50, PH_HISTORY_RUNNING);
  ph_history_track (history, live);

  g_assert_cmpint (expire (history, 30), ==, 2);
  ids = ids_of (history);
  g_assert_cmpstr (ids, ==, "live d1 d10 r50");
  g_clear_pointer (&ids, g_free);

  g_assert_cmpint (expire (history, 5), ==, 1);
  ids = ids_of (history);
  g_assert_cmpstr (ids, ==, "live d1 r50");
  g_clear_pointer (&ids, g_free);

  /* "Not at all": every finished batch goes; running ones stay. */
  g_assert_cmpint (expire (history, 0), ==, 1);
  ids = ids_of (history);
  g_assert_cmpstr (ids, ==, "live r50");
  g_clear_pointer (&ids, g_free);

  /* Their files went with them. */
  n_files = history_query (f->path, "SELECT count(*) FROM files");
  g_assert_cmpstr (n_files, ==, "1");

  history_close (history);
}

static void
test_clear_and_delete (Fixture       *f,
                       gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  g_autoptr(PhBatch) finished = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.14", "finished");
  g_autoptr(PhBatch) running = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.14", "running");
  g_autoptr(PhBatch) other = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.14", "other");
  g_autofree char *ids = NULL;
  g_autofree char *other_id = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  history_finish (history_add_incoming (finished, "a", 1), NULL);
  history_add_incoming (running, "b", 1);
  history_finish (history_add_incoming (other, "c", 1), NULL);
  ph_history_track (history, finished);
  ph_history_track (history, running);
  ph_history_track (history, other);
  put_old (history, "old", 3, PH_HISTORY_DONE);

  /* Remove one entry: a live one, no longer tracked. */
  other_id = g_strdup (ph_history_get_batch_id (history, other));
  ph_history_delete_async (history, other_id, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  g_assert_true (ph_history_delete_finish (history, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (ph_history_is_live (history, other_id));
  g_assert_null (ph_history_get_batch_id (history, other));
  /* What it does later is not written back. */
  history_finish (history_add_incoming (other, "d", 1), NULL);
  ids = ids_of (history);
  g_assert_cmpstr (ids, ==, "running finished old");
  g_clear_pointer (&ids, g_free);

  /* Clear History: the running batch stays, and is still tracked. */
  g_assert_cmpint (expire (history, -1), ==, 2);
  g_assert_null (ph_history_get_batch_id (history, finished));
  g_assert_nonnull (ph_history_get_batch_id (history, running));
  history_finish (g_list_model_get_item (G_LIST_MODEL (running), 0), NULL);
  g_object_unref (g_list_model_get_item (G_LIST_MODEL (running), 0));
  history_flush (history);
  ids = ids_of (history);
  g_assert_cmpstr (ids, ==, "running");

  history_close (history);
}

/* A running batch when the program ends (quits with it unfinished):
 * interrupted, with what was done so far; one running in another
 * program that is still alive is left running. */
static void
test_interrupted_on_close (Fixture       *f,
                           gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  PhHistory *other = open_ok (f);
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.15", NULL);
  g_autoptr(PhBatch) elsewhere = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.16", "elsewhere");
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) files = NULL;
  PhHistoryBatch *stored;

  ph_history_track (history, batch);
  history_finish (history_add_incoming (batch, "one", 10), NULL);
  history_add_incoming (batch, "two", 10);
  ph_history_track (other, elsewhere);
  history_flush (other);
  /* Not ours to delete while the other program runs it. */
  {
    GAsyncResult *slot = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    ph_history_delete_async (history, ph_history_get_batch_id (other, elsewhere), NULL,
                             history_got_cb, &slot);
    result = history_wait (&slot);
    g_assert_true (ph_history_delete_finish (history, result, NULL));
  }
  history_close (history);
  g_clear_object (&batch);

  history = open_ok (f);
  page = history_page (history, NULL, 10);
  g_assert_cmpuint (page->len, ==, 2);
  stored = g_ptr_array_index (page, 0);
  g_assert_cmpstr (ph_history_batch_get_title (stored), ==, "elsewhere");
  g_assert_cmpint (ph_history_batch_get_outcome (stored), ==, PH_HISTORY_RUNNING);
  stored = g_ptr_array_index (page, 1);
  g_assert_cmpint (ph_history_batch_get_outcome (stored), ==, PH_HISTORY_INTERRUPTED);
  g_assert_cmpint (ph_history_batch_get_state (stored), ==, PH_TRANSFER_FAILED);
  g_assert_nonnull (strstr (ph_history_batch_get_error_message (stored), "Interrupted"));
  g_assert_cmpint (ph_history_batch_get_end_time (stored), >, 0);
  g_assert_cmpuint (ph_history_batch_get_n_files (stored), ==, 2);
  g_assert_cmpuint (ph_history_batch_get_n_done (stored), ==, 1);
  files = history_files (history, stored, 0, 10);
  g_assert_cmpint (ph_history_file_get_outcome (g_ptr_array_index (files, 0)), ==, PH_HISTORY_DONE);
  g_assert_cmpint (ph_history_file_get_outcome (g_ptr_array_index (files, 1)), ==, PH_HISTORY_INTERRUPTED);

  g_clear_pointer (&page, g_ptr_array_unref);
  g_clear_pointer (&files, g_ptr_array_unref);
  history_close (history);
  history_close (other);
}

/* A batch the faces let go of as soon as it ended is still written to
 * its end, and then let go of by the history too. */
static void
test_batch_dropped (Fixture       *f,
                    gconstpointer  data)
{
  PhHistory *history = open_ok (f);
  PhBatch *batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.17", NULL);
  g_autoptr(GPtrArray) page = NULL;

  ph_history_track (history, batch);
  history_finish (history_add_incoming (batch, "kept.txt", 5), NULL);
  g_object_add_weak_pointer (G_OBJECT (batch), (gpointer *) &batch);
  g_object_unref (batch);
  g_assert_nonnull (batch);
  history_flush (history);
  g_assert_null (batch);

  page = history_page (history, NULL, 10);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_cmpstr (ph_history_batch_get_title (g_ptr_array_index (page, 0)), ==, "kept.txt");
  g_clear_pointer (&page, g_ptr_array_unref);
  history_close (history);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/posthouse/history/round-trip", test_round_trip);
  ADD ("/posthouse/history/pages", test_pages);
  ADD ("/posthouse/history/query-plan", test_query_plan);
  ADD ("/posthouse/history/big-batch", test_big_batch);
  ADD ("/posthouse/history/expire", test_expire);
  ADD ("/posthouse/history/clear-and-delete", test_clear_and_delete);
  ADD ("/posthouse/history/interrupted-on-close", test_interrupted_on_close);
  ADD ("/posthouse/history/batch-dropped", test_batch_dropped);
#undef ADD

  return g_test_run ();
}
