/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "ph-history.h"

G_BEGIN_DECLS

/* PhHistory is split by concern:
 *   ph-history.c          the object and its async API (main thread);
 *   ph-history-tracker.c  live batches watched and snapshotted as rows;
 *   ph-history-worker.c   the thread that owns the connection, and its
 *                         queue of jobs (writes coalesced);
 *   ph-history-db.c       SQLite: schema, migrations, statements;
 *   ph-history-owner.c    who is still alive to finish a running batch. */

#define PH_HISTORY_SCHEMA_VERSION 1

/* Plain data that crosses to the worker thread: a batch or file row. */
typedef struct
{
  gint64               id;            /* the database's; 0 until stored */
  char                *uuid;
  PhTransferDirection  direction;
  char                *address;
  char                *device_name;
  char                *fingerprint;
  gboolean             encrypted;
  char                *title;
  gint64               started_at;    /* µs of g_get_real_time() */
  gint64               updated_at;
  gint64               ended_at;      /* 0 while running */
  PhHistoryOutcome     outcome;
  char                *error;
  guint                n_files;
  guint                n_done;
  guint                n_failed;
  guint                n_cancelled;
  guint                n_declined;
  gint64               total_size;
  gint64               bytes_done;
  gboolean             flattened;
  char                *first_location;  /* URI */
} PhHistoryBatchRow;

typedef struct
{
  guint             position;
  char             *name;
  char             *folder;
  gint64            size;
  gint64            bytes_done;
  char             *location;          /* URI */
  PhHistoryOutcome  outcome;
  char             *error;
} PhHistoryFileRow;

PhHistoryBatchRow *ph_history_batch_row_copy (const PhHistoryBatchRow *row);
void               ph_history_batch_row_free (PhHistoryBatchRow       *row);
void               ph_history_file_row_free  (PhHistoryFileRow        *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhHistoryBatchRow, ph_history_batch_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhHistoryFileRow, ph_history_file_row_free)

PhHistoryBatch    *ph_history_batch_new_take (PhHistoryBatchRow       *row);
const PhHistoryBatchRow *ph_history_batch_get_row (PhHistoryBatch     *self);
PhHistoryFile     *ph_history_file_new_take  (PhHistoryFileRow        *row);

/* The connection, used by one thread at a time (the worker's). */
typedef struct _PhHistoryDb PhHistoryDb;

struct _PhHistoryDb
{
  sqlite3      *handle;
  char         *path;
  char         *owner;
  sqlite3_stmt *put_batch;
  sqlite3_stmt *put_file;
  sqlite3_stmt *page_batches;
  sqlite3_stmt *page_files;
};

#define BATCH_COLUMNS \
  "id, uuid, direction, address, device_name, fingerprint, encrypted, title, " \
  "started_at, updated_at, ended_at, outcome, error, n_files, n_done, n_failed, " \
  "n_cancelled, n_declined, total_size, bytes_done, flattened, first_location"

gboolean     ph_history_db_fail          (GError           **error,
                                          sqlite3           *handle,
                                          const char        *doing);

PhHistoryDb *ph_history_db_open          (const char        *path,
                                          const char        *owner,
                                          GError           **error);
void         ph_history_db_close         (PhHistoryDb       *db);
sqlite3     *ph_history_db_get_handle    (PhHistoryDb       *db);
gboolean     ph_history_db_begin         (PhHistoryDb       *db,
                                          GError           **error);
gboolean     ph_history_db_commit        (PhHistoryDb       *db,
                                          GError           **error);
void         ph_history_db_rollback      (PhHistoryDb       *db);
gboolean     ph_history_db_put_batch     (PhHistoryDb       *db,
                                          PhHistoryBatchRow *row,
                                          GError           **error);
gboolean     ph_history_db_put_file      (PhHistoryDb       *db,
                                          gint64             batch_id,
                                          const PhHistoryFileRow *row,
                                          GError           **error);
GPtrArray   *ph_history_db_load_batches  (PhHistoryDb       *db,
                                          gint64             before_time,
                                          gint64             before_id,
                                          guint              limit,
                                          GError           **error);
GPtrArray   *ph_history_db_load_files    (PhHistoryDb       *db,
                                          gint64             batch_id,
                                          guint              from_position,
                                          guint              limit,
                                          GError           **error);
gboolean     ph_history_db_delete        (PhHistoryDb       *db,
                                          const char        *uuid,
                                          GError           **error);
gint64       ph_history_db_delete_before (PhHistoryDb       *db,
                                          gint64             before_time,
                                          GError           **error);
gboolean     ph_history_db_interrupt     (PhHistoryDb       *db,
                                          const char        *owner,
                                          GError           **error);
gboolean     ph_history_db_exec          (PhHistoryDb       *db,
                                          const char        *sql,
                                          GError           **error);

/* Owners: each PhHistory holds a lock on a file named after its owner
 * id while it lives; a running batch whose owner's lock can be taken
 * was left by a program that stopped without finishing it. */
typedef struct _PhHistoryOwner PhHistoryOwner;

PhHistoryOwner *ph_history_owner_new     (const char      *db_path,
                                          GError         **error);
const char     *ph_history_owner_get_id  (PhHistoryOwner  *owner);
void            ph_history_owner_free    (PhHistoryOwner  *owner);
gboolean        ph_history_owner_is_gone (const char      *db_path,
                                          const char      *owner_id);
void            ph_history_owner_sweep   (const char      *db_path);

/* The worker: jobs run in the order queued, on one thread. */
typedef enum
{
  JOB_OPEN,
  JOB_WRITE,
  JOB_LOAD_BATCHES,
  JOB_LOAD_FILES,
  JOB_DELETE,
  JOB_DELETE_BEFORE,
  JOB_FLUSH,
  JOB_QUIT,
} JobKind;

typedef struct
{
  JobKind            kind;
  GTask             *task;        /* nullable: writes need no answer */
  PhHistoryBatchRow *batch;       /* JOB_WRITE */
  GPtrArray         *files;       /* JOB_WRITE: PhHistoryFileRow* */
  gint64             key_time;    /* loads: the page's key */
  gint64             key_id;
  guint              limit;
  char              *uuid;        /* JOB_DELETE */
  gint64             before;      /* JOB_DELETE_BEFORE */
} Job;

typedef struct _PhHistoryWorker PhHistoryWorker;

PhHistoryWorker *ph_history_worker_start (const char      *path);
void             ph_history_worker_push  (PhHistoryWorker *worker,
                                          Job             *job);
void             ph_history_worker_stop  (PhHistoryWorker *worker);
guint            ph_history_worker_get_n_commits (PhHistoryWorker *worker);
Job             *ph_history_job_new      (JobKind          kind,
                                          GTask           *task);
void             ph_history_job_free     (Job             *job);

/* Tracking, on the main thread. */
typedef struct _PhHistoryTracker PhHistoryTracker;

PhHistoryTracker *ph_history_tracker_new       (PhHistory        *history,
                                                PhBatch          *batch);
void              ph_history_tracker_free      (PhHistoryTracker *tracker);
const char       *ph_history_tracker_get_uuid  (PhHistoryTracker *tracker);
gconstpointer     ph_history_tracker_get_batch_key (PhHistoryTracker *tracker);
gboolean          ph_history_tracker_is_finished (PhHistoryTracker *tracker);
gint64            ph_history_tracker_get_start_time (PhHistoryTracker *tracker);
void              ph_history_tracker_set_peer  (PhHistoryTracker *tracker,
                                                const char       *device_name,
                                                const char       *fingerprint,
                                                gboolean          encrypted);
Job              *ph_history_tracker_take_job  (PhHistoryTracker *tracker,
                                                PhBatch         **release);

/* Back from a tracker to its history. */
void              ph_history_schedule_flush    (PhHistory        *history,
                                                gboolean          soon);
void              ph_history_tracker_gone      (PhHistory        *history,
                                                PhHistoryTracker *tracker);
PhHistoryWorker  *ph_history_get_worker        (PhHistory        *history);

G_END_DECLS
