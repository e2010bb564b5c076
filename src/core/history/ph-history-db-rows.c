/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history's rows: what the worker writes, reads and deletes. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-history-private.h"

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

static gboolean
step_done (PhHistoryDb   *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return ph_history_db_fail (error, db->handle, _("Could not update the history"));

  return TRUE;
}

/* Inserts or updates @row (by uuid); sets row->id. */
gboolean
ph_history_db_put_batch (PhHistoryDb        *db,
                         PhHistoryBatchRow  *row,
                         GError            **error)
{
  sqlite3_stmt *s = db->put_batch;
  int rc;

  bind_text (s, 1, row->uuid);
  sqlite3_bind_int (s, 2, row->direction == PH_TRANSFER_RECEIVE ? 1 : 0);
  bind_text (s, 3, row->address != NULL ? row->address : "");
  bind_text (s, 4, row->device_name);
  bind_text (s, 5, row->fingerprint);
  sqlite3_bind_int (s, 6, row->encrypted);
  bind_text (s, 7, row->title);
  sqlite3_bind_int64 (s, 8, row->started_at);
  sqlite3_bind_int64 (s, 9, row->updated_at);
  if (row->ended_at > 0)
    sqlite3_bind_int64 (s, 10, row->ended_at);
  else
    sqlite3_bind_null (s, 10);
  sqlite3_bind_int (s, 11, row->outcome);
  bind_text (s, 12, row->error);
  sqlite3_bind_int64 (s, 13, row->n_files);
  sqlite3_bind_int64 (s, 14, row->n_done);
  sqlite3_bind_int64 (s, 15, row->n_failed);
  sqlite3_bind_int64 (s, 16, row->n_cancelled);
  sqlite3_bind_int64 (s, 17, row->n_declined);
  sqlite3_bind_int64 (s, 18, row->total_size);
  sqlite3_bind_int64 (s, 19, row->bytes_done);
  sqlite3_bind_int (s, 20, row->flattened);
  bind_text (s, 21, row->first_location);
  bind_text (s, 22, row->outcome == PH_HISTORY_RUNNING ? db->owner : NULL);

  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    row->id = sqlite3_column_int64 (s, 0);

  return step_done (db, s, error) && rc == SQLITE_ROW;
}

gboolean
ph_history_db_put_file (PhHistoryDb             *db,
                        gint64                   batch_id,
                        const PhHistoryFileRow  *row,
                        GError                 **error)
{
  sqlite3_stmt *s = db->put_file;

  sqlite3_bind_int64 (s, 1, batch_id);
  sqlite3_bind_int64 (s, 2, row->position);
  bind_text (s, 3, row->name != NULL ? row->name : "");
  bind_text (s, 4, row->folder);
  sqlite3_bind_int64 (s, 5, row->size);
  sqlite3_bind_int64 (s, 6, row->bytes_done);
  bind_text (s, 7, row->location);
  sqlite3_bind_int (s, 8, row->outcome);
  bind_text (s, 9, row->error);

  return step_done (db, s, error);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}

static PhHistoryBatchRow *
batch_row_from (sqlite3_stmt *s)
{
  PhHistoryBatchRow *row = g_new0 (PhHistoryBatchRow, 1);

  row->id = sqlite3_column_int64 (s, 0);
  row->uuid = column_dup (s, 1);
  row->direction = sqlite3_column_int (s, 2) == 1 ? PH_TRANSFER_RECEIVE : PH_TRANSFER_SEND;
  row->address = column_dup (s, 3);
  row->device_name = column_dup (s, 4);
  row->fingerprint = column_dup (s, 5);
  row->encrypted = sqlite3_column_int (s, 6) != 0;
  row->title = column_dup (s, 7);
  row->started_at = sqlite3_column_int64 (s, 8);
  row->updated_at = sqlite3_column_int64 (s, 9);
  row->ended_at = sqlite3_column_int64 (s, 10);
  row->outcome = CLAMP (sqlite3_column_int (s, 11), PH_HISTORY_RUNNING, PH_HISTORY_INTERRUPTED);
  row->error = column_dup (s, 12);
  row->n_files = sqlite3_column_int64 (s, 13);
  row->n_done = sqlite3_column_int64 (s, 14);
  row->n_failed = sqlite3_column_int64 (s, 15);
  row->n_cancelled = sqlite3_column_int64 (s, 16);
  row->n_declined = sqlite3_column_int64 (s, 17);
  row->total_size = sqlite3_column_int64 (s, 18);
  row->bytes_done = sqlite3_column_int64 (s, 19);
  row->flattened = sqlite3_column_int (s, 20) != 0;
  row->first_location = column_dup (s, 21);

  return row;
}

/* Returns: (element-type PhHistoryBatch): up to @limit batches older
 * than the key (@before_time, @before_id), newest first. */
GPtrArray *
ph_history_db_load_batches (PhHistoryDb  *db,
                            gint64        before_time,
                            gint64        before_id,
                            guint         limit,
                            GError      **error)
{
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *s = db->page_batches;
  int rc;

  sqlite3_bind_int64 (s, 1, before_time);
  sqlite3_bind_int64 (s, 2, before_id);
  sqlite3_bind_int64 (s, 3, limit);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (batches, ph_history_batch_new_take (batch_row_from (s)));
  sqlite3_reset (s);

  if (rc != SQLITE_DONE)
    {
      ph_history_db_fail (error, db->handle, _("Could not read the history"));
      return NULL;
    }

  return g_steal_pointer (&batches);
}

/* Returns: (element-type PhHistoryFile): up to @limit files of the
 * batch from @from_position on, in order. */
GPtrArray *
ph_history_db_load_files (PhHistoryDb  *db,
                          gint64        batch_id,
                          guint         from_position,
                          guint         limit,
                          GError      **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *s = db->page_files;
  int rc;

  sqlite3_bind_int64 (s, 1, batch_id);
  sqlite3_bind_int64 (s, 2, from_position);
  sqlite3_bind_int64 (s, 3, limit);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      PhHistoryFileRow *row = g_new0 (PhHistoryFileRow, 1);

      row->position = sqlite3_column_int64 (s, 0);
      row->name = column_dup (s, 1);
      row->folder = column_dup (s, 2);
      row->size = sqlite3_column_int64 (s, 3);
      row->bytes_done = sqlite3_column_int64 (s, 4);
      row->location = column_dup (s, 5);
      row->outcome = CLAMP (sqlite3_column_int (s, 6), PH_HISTORY_RUNNING, PH_HISTORY_INTERRUPTED);
      row->error = column_dup (s, 7);
      g_ptr_array_add (files, ph_history_file_new_take (row));
    }
  sqlite3_reset (s);

  if (rc != SQLITE_DONE)
    {
      ph_history_db_fail (error, db->handle, _("Could not read the history"));
      return NULL;
    }

  return g_steal_pointer (&files);
}

static gint64
run_with_text (PhHistoryDb  *db,
               const char   *sql,
               const char   *text,
               GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      ph_history_db_fail (error, db->handle, _("Could not update the history"));
      return -1;
    }
  bind_text (stmt, 1, text);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    bind_text (stmt, 2, db->owner);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      ph_history_db_fail (error, db->handle, _("Could not update the history"));
      return -1;
    }

  return sqlite3_changes64 (db->handle);
}

/* Deletes the batch @uuid with its files (not one still running in
 * another program: it would only write it again). */
gboolean
ph_history_db_delete (PhHistoryDb  *db,
                      const char   *uuid,
                      GError      **error)
{
  return run_with_text (db, "DELETE FROM batches WHERE uuid = ?1 AND (owner IS NULL OR owner = ?2)", uuid, error) >= 0;
}

/* Returns: how many finished batches that started before @before_time
 * were deleted, or -1. */
gint64
ph_history_db_delete_before (PhHistoryDb  *db,
                             gint64        before_time,
                             GError      **error)
{
  g_autofree char *sql =
    g_strdup_printf ("DELETE FROM batches WHERE started_at < %" G_GINT64_FORMAT
                     " AND owner IS NULL", before_time);

  return run_with_text (db, sql, NULL, error);
}

/* Marks what @owner left running as interrupted: the batch ends when
 * it was last heard of, its unfinished files are interrupted, and its
 * counts are those of its files as they were written. */
gboolean
ph_history_db_interrupt (PhHistoryDb  *db,
                         const char   *owner,
                         GError      **error)
{
  if (!ph_history_db_begin (db, error))
    return FALSE;

  if (run_with_text (db,
                     "UPDATE files SET outcome = 5 WHERE outcome = 0 AND batch_id IN "
                     "(SELECT id FROM batches WHERE owner = ?1)", owner, error) < 0 ||
      run_with_text (db,
                     "UPDATE batches SET outcome = 5, ended_at = updated_at, owner = NULL, "
                     "  n_files = (SELECT count(*) FROM files WHERE batch_id = batches.id), "
                     "  n_done = (SELECT count(*) FROM files WHERE batch_id = batches.id AND outcome = 1), "
                     "  n_failed = (SELECT count(*) FROM files WHERE batch_id = batches.id AND outcome = 2), "
                     "  n_cancelled = (SELECT count(*) FROM files WHERE batch_id = batches.id AND outcome = 3), "
                     "  n_declined = (SELECT count(*) FROM files WHERE batch_id = batches.id AND outcome = 4) "
                     "WHERE owner = ?1", owner, error) < 0)
    {
      ph_history_db_rollback (db);
      return FALSE;
    }

  return ph_history_db_commit (db, error);
}
