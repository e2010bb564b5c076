/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history's SQLite database: schema and its migrations, and the
 * statements the worker runs. Only the worker thread calls these. */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-error.h"
#include "ph-history-private.h"

/* Each step takes the schema from version i to i + 1, in one
 * transaction with setting user_version. Never edit a step once it has
 * shipped: add one. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE batches ("
  "  id             INTEGER PRIMARY KEY,"
  "  uuid           TEXT NOT NULL UNIQUE,"   /* the same in every process */
  "  direction      INTEGER NOT NULL,"       /* 0 sent, 1 received */
  "  address        TEXT NOT NULL,"          /* HOST[:PORT], or the sender's host */
  "  device_name    TEXT,"                   /* as people know it, if known */
  "  fingerprint    TEXT,"                   /* the peer's key (secure channel) */
  "  encrypted      INTEGER NOT NULL DEFAULT 0,"
  "  title          TEXT,"
  "  started_at     INTEGER NOT NULL,"       /* µs since 1970 */
  "  updated_at     INTEGER NOT NULL,"
  "  ended_at       INTEGER,"                /* NULL while running */
  "  outcome        INTEGER NOT NULL,"       /* PhHistoryOutcome */
  "  error          TEXT,"
  "  n_files        INTEGER NOT NULL DEFAULT 0,"
  "  n_done         INTEGER NOT NULL DEFAULT 0,"
  "  n_failed       INTEGER NOT NULL DEFAULT 0,"
  "  n_cancelled    INTEGER NOT NULL DEFAULT 0,"
  "  n_declined     INTEGER NOT NULL DEFAULT 0,"
  "  total_size     INTEGER NOT NULL DEFAULT 0,"
  "  bytes_done     INTEGER NOT NULL DEFAULT 0,"
  "  flattened      INTEGER NOT NULL DEFAULT 0,"
  "  first_location TEXT,"                   /* URI */
  "  owner          TEXT"                    /* the writer, while running */
  ");"
  /* Pages, newest first (keyset on started_at, id), and expiry. */
  "CREATE INDEX batches_by_time ON batches (started_at, id);"
  /* Running batches, to find those whose writer is gone. */
  "CREATE INDEX batches_running ON batches (owner) WHERE owner IS NOT NULL;"
  /* Keyed by batch and place: pages of a batch's files and deleting a
   * batch's files are range scans of the table itself. */
  "CREATE TABLE files ("
  "  batch_id   INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,"
  "  position   INTEGER NOT NULL,"
  "  name       TEXT NOT NULL,"
  "  folder     TEXT,"                       /* "Holiday/Day 1", if any */
  "  size       INTEGER NOT NULL,"
  "  bytes_done INTEGER NOT NULL DEFAULT 0,"
  "  location   TEXT,"                       /* URI: saved to, or sent from */
  "  outcome    INTEGER NOT NULL,"
  "  error      TEXT,"
  "  PRIMARY KEY (batch_id, position)"
  ") WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PH_HISTORY_SCHEMA_VERSION);


gboolean
ph_history_db_fail (GError     **error,
      sqlite3     *handle,
      const char  *doing)
{
  g_set_error (error, PH_ERROR, PH_ERROR_FAILED, "%s: %s",
               doing, handle != NULL ? sqlite3_errmsg (handle) : g_strerror (ENOMEM));
  return FALSE;
}

gboolean
ph_history_db_exec (PhHistoryDb  *db,
                    const char   *sql,
                    GError      **error)
{
  if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    return ph_history_db_fail (error, db->handle, _("Could not update the history"));

  return TRUE;
}

static gboolean
query_int (sqlite3     *handle,
           const char  *sql,
           gint64      *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return ok;
}

static gboolean
prepare (PhHistoryDb   *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
    return ph_history_db_fail (error, db->handle, _("Could not read the history"));

  return TRUE;
}

static gboolean
migrate (PhHistoryDb  *db,
         GError      **error)
{
  gint64 version = 0;
  g_autofree char *set_version = NULL;

  if (!ph_history_db_begin (db, error))
    return FALSE;

  /* Again inside the transaction: another program may have just done it. */
  if (!query_int (db->handle, "PRAGMA user_version", &version))
    {
      ph_history_db_rollback (db);
      return ph_history_db_fail (error, db->handle, _("Could not read the history"));
    }

  for (gint64 v = version; v < PH_HISTORY_SCHEMA_VERSION; v++)
    if (!ph_history_db_exec (db, migrations[v], error))
      {
        ph_history_db_rollback (db);
        return FALSE;
      }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", PH_HISTORY_SCHEMA_VERSION);
  if (version < PH_HISTORY_SCHEMA_VERSION && !ph_history_db_exec (db, set_version, error))
    {
      ph_history_db_rollback (db);
      return FALSE;
    }

  return ph_history_db_commit (db, error);
}

/* Batches whose writer stopped without finishing them (killed, crashed,
 * quit mid-way) are marked interrupted, now that nobody will. */
static gboolean
repair (PhHistoryDb  *db,
        GError      **error)
{
  g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db->handle,
                          "SELECT DISTINCT owner FROM batches WHERE owner IS NOT NULL",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ph_history_db_fail (error, db->handle, _("Could not read the history"));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (owners, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < owners->len; i++)
    {
      const char *owner = g_ptr_array_index (owners, i);

      if (g_strcmp0 (owner, db->owner) != 0 &&
          ph_history_owner_is_gone (db->path, owner) &&
          !ph_history_db_interrupt (db, owner, error))
        return FALSE;
    }

  ph_history_owner_sweep (db->path);
  return TRUE;
}

static sqlite3 *
open_handle (const char  *path,
             GError     **error)
{
  sqlite3 *handle = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

  if (sqlite3_open_v2 (path, &handle, flags, NULL) != SQLITE_OK)
    {
      ph_history_db_fail (error, handle, _("Could not open the history"));
      sqlite3_close (handle);
      return NULL;
    }

  sqlite3_extended_result_codes (handle, 1);
  /* The app and the CLI may write at once: wait for each other. */
  sqlite3_busy_timeout (handle, 10000);

  return handle;
}

/* A file that is not a database (or is damaged beyond reading) is kept
 * beside, under another name, and a new history begins. */
static gboolean
set_aside (const char  *path,
           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = g_strdup_printf ("%s.damaged-%s", path, stamp);

  g_message ("History %s could not be read; kept as %s, starting anew", path, aside);
  if (g_rename (path, aside) != 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
                   _("Could not open the history: %s is damaged"), path);
      return FALSE;
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *side = g_strconcat (path, i == 0 ? "-wal" : "-shm", NULL);
      g_unlink (side);
    }

  return TRUE;
}

/**
 * ph_history_db_open:
 * @path: the database file (made, with its folder, when missing)
 * @owner: this writer's owner id (PhHistoryOwner)
 *
 * Opens the history, brings its schema up to date and marks the
 * batches of writers that are gone as interrupted. A database of a
 * newer schema is refused (PH_ERROR_NEWER_VERSION) and left as it is.
 */
PhHistoryDb *
ph_history_db_open (const char  *path,
                    const char  *owner,
                    GError     **error)
{
  PhHistoryDb *db;
  sqlite3 *handle;
  gint64 version = 0;
  g_autofree char *folder = g_path_get_dirname (path);

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
                   _("Could not make the folder %s: %s"), folder, g_strerror (errno));
      return NULL;
    }

  if ((handle = open_handle (path, error)) == NULL)
    return NULL;

  if (!query_int (handle, "PRAGMA user_version", &version))
    {
      int code = sqlite3_errcode (handle);

      sqlite3_close (handle);
      if (code != SQLITE_NOTADB && code != SQLITE_CORRUPT)
        {
          g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
                       _("Could not open the history: %s"), sqlite3_errstr (code));
          return NULL;
        }
      if (!set_aside (path, error) || (handle = open_handle (path, error)) == NULL)
        return NULL;
    }

  /* Before anything could write to it. */
  if (version > PH_HISTORY_SCHEMA_VERSION)
    {
      sqlite3_close (handle);
      g_set_error (error, PH_ERROR, PH_ERROR_NEWER_VERSION,
                   _("The history in %s was written by a newer version of Posthouse "
                     "(format %d; this version reads up to %d). It was left as it is."),
                   path, (int) version, PH_HISTORY_SCHEMA_VERSION);
      return NULL;
    }

  db = g_new0 (PhHistoryDb, 1);
  db->handle = handle;
  db->path = g_strdup (path);
  db->owner = g_strdup (owner);

  /* Space freed by deleting goes back to the system (only settable
   * while the database has no tables). */
  if (version == 0 && !ph_history_db_exec (db, "PRAGMA auto_vacuum = INCREMENTAL", error))
    goto failed;

  /* WAL: readers never wait for the writer, a crash never corrupts;
   * NORMAL: a power cut may lose the last second, never consistency. */
  if (!ph_history_db_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                           "PRAGMA foreign_keys = ON", error))
    goto failed;

  if (version < PH_HISTORY_SCHEMA_VERSION && !migrate (db, error))
    goto failed;

  if (!prepare (db,
                "INSERT INTO batches (uuid, direction, address, device_name, fingerprint, "
                "  encrypted, title, started_at, updated_at, ended_at, outcome, error, n_files, "
                "  n_done, n_failed, n_cancelled, n_declined, total_size, bytes_done, flattened, "
                "  first_location, owner) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                "  ?17, ?18, ?19, ?20, ?21, ?22) "
                "ON CONFLICT (uuid) DO UPDATE SET address = excluded.address, "
                "  device_name = excluded.device_name, fingerprint = excluded.fingerprint, "
                "  encrypted = excluded.encrypted, title = excluded.title, "
                "  updated_at = excluded.updated_at, ended_at = excluded.ended_at, "
                "  outcome = excluded.outcome, error = excluded.error, n_files = excluded.n_files, "
                "  n_done = excluded.n_done, n_failed = excluded.n_failed, "
                "  n_cancelled = excluded.n_cancelled, n_declined = excluded.n_declined, "
                "  total_size = excluded.total_size, bytes_done = excluded.bytes_done, "
                "  flattened = excluded.flattened, first_location = excluded.first_location, "
                "  owner = excluded.owner "
                "RETURNING id",
                &db->put_batch, error) ||
      !prepare (db,
                "INSERT OR REPLACE INTO files (batch_id, position, name, folder, size, "
                "  bytes_done, location, outcome, error) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                &db->put_file, error) ||
      !prepare (db,
                "SELECT " BATCH_COLUMNS " FROM batches "
                "WHERE (started_at, id) < (?1, ?2) "
                "ORDER BY started_at DESC, id DESC LIMIT ?3",
                &db->page_batches, error) ||
      !prepare (db,
                "SELECT position, name, folder, size, bytes_done, location, outcome, error "
                "FROM files WHERE batch_id = ?1 AND position >= ?2 "
                "ORDER BY position LIMIT ?3",
                &db->page_files, error))
    goto failed;

  if (!repair (db, error))
    goto failed;

  return db;

failed:
  ph_history_db_close (db);
  return NULL;
}

void
ph_history_db_close (PhHistoryDb *db)
{
  if (db == NULL)
    return;

  sqlite3_finalize (db->put_batch);
  sqlite3_finalize (db->put_file);
  sqlite3_finalize (db->page_batches);
  sqlite3_finalize (db->page_files);
  sqlite3_close (db->handle);
  g_free (db->path);
  g_free (db->owner);
  g_free (db);
}

sqlite3 *
ph_history_db_get_handle (PhHistoryDb *db)
{
  return db->handle;
}

/* IMMEDIATE: take the write lock now (waiting for another writer), not
 * midway, where a second writer could only fail. */
gboolean
ph_history_db_begin (PhHistoryDb  *db,
                     GError      **error)
{
  return ph_history_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
ph_history_db_commit (PhHistoryDb  *db,
                      GError      **error)
{
  return ph_history_db_exec (db, "COMMIT", error);
}

void
ph_history_db_rollback (PhHistoryDb *db)
{
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}
