/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the history tests share: waiting for async results, opening,
 * loading pages, and batches made of real transfers. */
#pragma once

#include "ph-batch.h"
#include "ph-error.h"
#include "ph-history-private.h"
#include "ph-transfer-private.h"

static inline void
history_got_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static inline GAsyncResult *
history_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static inline PhHistory *
history_open (const char  *path,
              GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ph_history_open_async (path, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  return ph_history_open_finish (result, error);
}

/* Drops the last reference and waits until the history is gone (its
 * tasks let go of it on the main context). */
static inline void
history_close (PhHistory *history)
{
  GObject *weak = G_OBJECT (history);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  g_object_unref (history);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (weak);
}

static inline void
history_flush (PhHistory *history)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ph_history_flush_async (history, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  g_assert_true (ph_history_flush_finish (history, result, &error));
  g_assert_no_error (error);
}

static inline GPtrArray *
history_page (PhHistory      *history,
              PhHistoryBatch *after,
              guint           limit)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *page;

  ph_history_load_batches_async (history, after, limit, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  page = ph_history_load_batches_finish (history, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static inline GPtrArray *
history_files (PhHistory      *history,
               PhHistoryBatch *batch,
               guint           from,
               guint           limit)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *page;

  ph_history_load_files_async (history, batch, from, limit, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  page = ph_history_load_files_finish (history, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

/* Returns: (transfer none): a received file, as the receiver leaves it. */
static inline PhTransfer *
history_add_incoming (PhBatch    *batch,
                      const char *name,
                      gint64      size)
{
  g_autoptr(PhTransfer) transfer = ph_transfer_new_incoming (ph_batch_get_peer (batch), name, size);

  ph_batch_add (batch, transfer);
  return transfer;
}

static inline void
history_finish (PhTransfer *transfer,
                GFile      *file)
{
  ph_transfer_set_file (transfer, file);
  ph_transfer_set_bytes_done (transfer, ph_transfer_get_size (transfer));
  ph_transfer_set_state (transfer, PH_TRANSFER_DONE);
}

static inline void
history_fail (PhTransfer *transfer,
              gint        code,
              const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (PH_ERROR, code, message);

  ph_transfer_fail (transfer, error);
}

/* Runs @sql on its own connection; returns the first column of the
 * first row as text. */
static inline char *
history_query (const char *path,
               const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Returns: what EXPLAIN QUERY PLAN says of @sql, one line a step. */
static inline char *
history_plan (const char *path,
              const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  GString *plan = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (plan, FALSE);
}
