/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-history-private.h"

/* Rows of live batches wait this long to be written together. */
#define FLUSH_MSEC 1000

struct _PhHistory
{
  GObject          parent_instance;

  char            *path;
  PhHistoryWorker *worker;
  GHashTable      *trackers;    /* PhBatch* → PhHistoryTracker*, owned */
  GHashTable      *live;        /* uuid → PhHistoryTracker* */
  GSource         *flush_source;
  gboolean         flush_soon;
};

G_DEFINE_FINAL_TYPE (PhHistory, ph_history, G_TYPE_OBJECT)

/* Writing */

/* Batches that ended are let go once the trackers are left alone:
 * letting go may finalize one, and untrack it. */
static void
push_job (PhHistory        *self,
          PhHistoryTracker *tracker,
          GPtrArray        *release)
{
  PhBatch *batch = NULL;
  Job *job = ph_history_tracker_take_job (tracker, &batch);

  if (job != NULL)
    ph_history_worker_push (self->worker, job);
  if (batch != NULL)
    g_ptr_array_add (release, batch);
}

static void
flush_trackers (PhHistory *self)
{
  g_autoptr(GPtrArray) release = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer tracker;

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  g_hash_table_iter_init (&iter, self->trackers);
  while (g_hash_table_iter_next (&iter, NULL, &tracker))
    push_job (self, tracker, release);
}

static gboolean
flush_cb (gpointer data)
{
  PhHistory *self = data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush_trackers (self);

  return G_SOURCE_REMOVE;
}

/* What changed is written within a second, or @soon (a batch ended). */
void
ph_history_schedule_flush (PhHistory *self,
                           gboolean   soon)
{
  if (self->flush_source != NULL && (!soon || self->flush_soon))
    return;

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_source_unref (self->flush_source);
    }

  self->flush_soon = soon;
  self->flush_source = g_timeout_source_new (soon ? 0 : FLUSH_MSEC);
  g_source_set_static_name (self->flush_source, "[posthouse] history flush");
  g_source_set_callback (self->flush_source, flush_cb, self, NULL);
  g_source_attach (self->flush_source, g_main_context_get_thread_default ());
}

/* Stops watching @tracker's batch (and frees the tracker), writing
 * what it had pending or not. */
static void
untrack (PhHistory        *self,
         PhHistoryTracker *tracker,
         gboolean          write_pending)
{
  g_autoptr(GPtrArray) release = g_ptr_array_new_with_free_func (g_object_unref);

  if (write_pending)
    push_job (self, tracker, release);

  g_hash_table_remove (self->live, ph_history_tracker_get_uuid (tracker));
  g_hash_table_remove (self->trackers, ph_history_tracker_get_batch_key (tracker));
}

/* The batch went: what it changed last is written all the same. */
void
ph_history_tracker_gone (PhHistory        *self,
                         PhHistoryTracker *tracker)
{
  untrack (self, tracker, TRUE);
}

PhHistoryWorker *
ph_history_get_worker (PhHistory *self)
{
  return self->worker;
}

/* GObject */

static void
ph_history_dispose (GObject *object)
{
  PhHistory *self = PH_HISTORY (object);

  if (self->trackers != NULL)
    {
      flush_trackers (self);
      g_hash_table_remove_all (self->live);
      g_hash_table_remove_all (self->trackers);
    }
  if (self->worker != NULL)
    g_clear_pointer (&self->worker, ph_history_worker_stop);

  G_OBJECT_CLASS (ph_history_parent_class)->dispose (object);
}

static void
ph_history_finalize (GObject *object)
{
  PhHistory *self = PH_HISTORY (object);

  g_clear_pointer (&self->trackers, g_hash_table_unref);
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_free (self->path);

  G_OBJECT_CLASS (ph_history_parent_class)->finalize (object);
}

static void
ph_history_class_init (PhHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_history_dispose;
  object_class->finalize = ph_history_finalize;
}

static void
ph_history_init (PhHistory *self)
{
  self->trackers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) ph_history_tracker_free);
  self->live = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * ph_history_default_path:
 *
 * Returns: (transfer full): where the user's history is kept:
 *   `$XDG_DATA_HOME/posthouse/history.db`
 */
char *
ph_history_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "posthouse", "history.db", NULL);
}

/**
 * ph_history_open_async:
 * @path: (nullable): the database, %NULL for ph_history_default_path()
 *
 * Opens the history (making it, and its folder, when missing) on its
 * own thread: brings its format up to date, and marks the batches that
 * a program which stopped mid-way left running as interrupted. A
 * history written by a newer Posthouse is refused with
 * %PH_ERROR_NEWER_VERSION and left untouched.
 */
void
ph_history_open_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(PhHistory) self = g_object_new (PH_TYPE_HISTORY, NULL);
  GTask *task;

  self->path = path != NULL ? g_strdup (path) : ph_history_default_path ();
  self->worker = ph_history_worker_start (self->path);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_history_open_async);
  ph_history_worker_push (self->worker, ph_history_job_new (JOB_OPEN, task));
}

/* Returns: (transfer full): the history, or %NULL with @error set */
PhHistory *
ph_history_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(GObject) self = g_async_result_get_source_object (result);

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_open_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return PH_HISTORY (g_steal_pointer (&self));
}

const char *
ph_history_get_path (PhHistory *self)
{
  g_return_val_if_fail (PH_IS_HISTORY (self), NULL);

  return self->path;
}

/**
 * ph_history_track:
 * @batch: a batch, from its start
 *
 * Keeps @batch in the history from now on: it is written as it starts,
 * as its files end, and as it ends, so that a program killed midway
 * leaves it recorded up to about a second before. The history does not
 * keep @batch alive.
 */
void
ph_history_track (PhHistory *self,
                  PhBatch   *batch)
{
  PhHistoryTracker *tracker;

  g_return_if_fail (PH_IS_HISTORY (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (g_hash_table_contains (self->trackers, batch))
    return;

  tracker = ph_history_tracker_new (self, batch);
  g_hash_table_insert (self->trackers, batch, tracker);
  g_hash_table_insert (self->live, (gpointer) ph_history_tracker_get_uuid (tracker), tracker);
  /* Its beginning is kept at once. */
  ph_history_schedule_flush (self, TRUE);
}

/**
 * ph_history_set_peer:
 * @batch: a tracked batch
 * @device_name: (nullable): the device as people know it
 * @fingerprint: (nullable): its key's fingerprint (secure channel)
 * @encrypted: whether the batch went through the secure channel
 *
 * Says who the peer of @batch is, beyond its address.
 */
void
ph_history_set_peer (PhHistory  *self,
                     PhBatch    *batch,
                     const char *device_name,
                     const char *fingerprint,
                     gboolean    encrypted)
{
  PhHistoryTracker *tracker;

  g_return_if_fail (PH_IS_HISTORY (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  tracker = g_hash_table_lookup (self->trackers, batch);
  g_return_if_fail (tracker != NULL);

  ph_history_tracker_set_peer (tracker, device_name, fingerprint, encrypted);
  ph_history_schedule_flush (self, FALSE);
}

/* Returns: (nullable): the identifier @batch is stored under (that of
 * its PhHistoryBatch), or %NULL when it is not tracked. */
const char *
ph_history_get_batch_id (PhHistory *self,
                         PhBatch   *batch)
{
  PhHistoryTracker *tracker;

  g_return_val_if_fail (PH_IS_HISTORY (self), NULL);

  tracker = g_hash_table_lookup (self->trackers, batch);
  return tracker != NULL ? ph_history_tracker_get_uuid (tracker) : NULL;
}

/* Whether the stored batch @id is one this history tracks live: the
 * list shows the PhBatch, not the stored copy. */
gboolean
ph_history_is_live (PhHistory  *self,
                    const char *id)
{
  g_return_val_if_fail (PH_IS_HISTORY (self), FALSE);

  return id != NULL && g_hash_table_contains (self->live, id);
}

static void
queue_task_job (PhHistory *self,
                Job       *job)
{
  /* Whatever the live batches changed comes first. */
  flush_trackers (self);
  ph_history_worker_push (self->worker, job);
}

/**
 * ph_history_load_batches_async:
 * @after: (nullable): the last batch of the previous page, %NULL for
 *   the first page
 * @limit: how many at most
 *
 * Loads a page of stored batches, newest first (by start time), those
 * tracked live included. Pages follow each other by key, not by offset:
 * a page costs the same at the end of 100,000 batches as at the start,
 * and batches added meanwhile do not shift it.
 */
void
ph_history_load_batches_async (PhHistory           *self,
                               PhHistoryBatch      *after,
                               guint                limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Job *job;

  g_return_if_fail (PH_IS_HISTORY (self));
  g_return_if_fail (after == NULL || PH_IS_HISTORY_BATCH (after));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_history_load_batches_async);
  job = ph_history_job_new (JOB_LOAD_BATCHES, task);
  job->key_time = after != NULL ? ph_history_batch_get_row (after)->started_at : G_MAXINT64;
  job->key_id = after != NULL ? ph_history_batch_get_row (after)->id : G_MAXINT64;
  job->limit = limit;
  queue_task_job (self, job);
}

/* Returns: (transfer container) (element-type PhHistoryBatch): the page,
 * shorter than asked (or empty) at the end */
GPtrArray *
ph_history_load_batches_finish (PhHistory     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_load_batches_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ph_history_load_files_async:
 * @batch: a stored batch
 * @from_position: the first place to load (0, or the last position of
 *   the previous page plus one)
 * @limit: how many at most
 *
 * Loads a page of @batch's files, in the order they were added.
 */
void
ph_history_load_files_async (PhHistory           *self,
                             PhHistoryBatch      *batch,
                             guint                from_position,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  Job *job;

  g_return_if_fail (PH_IS_HISTORY (self));
  g_return_if_fail (PH_IS_HISTORY_BATCH (batch));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_history_load_files_async);
  job = ph_history_job_new (JOB_LOAD_FILES, task);
  job->key_id = ph_history_batch_get_row (batch)->id;
  job->key_time = from_position;
  job->limit = limit;
  queue_task_job (self, job);
}

/* Returns: (transfer container) (element-type PhHistoryFile): the page */
GPtrArray *
ph_history_load_files_finish (PhHistory     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_load_files_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ph_history_delete_async:
 * @id: a stored batch's identifier (ph_history_batch_get_id(), or
 *   ph_history_get_batch_id() of a tracked one)
 *
 * Forgets the batch and its files. A tracked batch is no longer
 * tracked; one running in another program is left alone.
 */
void
ph_history_delete_async (PhHistory           *self,
                         const char          *id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  PhHistoryTracker *tracker;
  GTask *task;
  Job *job;

  g_return_if_fail (PH_IS_HISTORY (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_history_delete_async);
  job = ph_history_job_new (JOB_DELETE, task);
  job->uuid = g_strdup (id);

  /* Written so far, then gone: the row is left to the delete. */
  if ((tracker = g_hash_table_lookup (self->live, id)) != NULL)
    untrack (self, tracker, TRUE);
  queue_task_job (self, job);
}

gboolean
ph_history_delete_finish (PhHistory     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Finished tracked batches started before @before are no longer
 * tracked: their rows are about to go. */
static void
untrack_finished (PhHistory *self,
                  gint64     before)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer tracker;

  g_hash_table_iter_init (&iter, self->trackers);
  while (g_hash_table_iter_next (&iter, NULL, &tracker))
    if (ph_history_tracker_is_finished (tracker) &&
        ph_history_tracker_get_start_time (tracker) < before)
      g_ptr_array_add (gone, tracker);

  for (guint i = 0; i < gone->len; i++)
    untrack (self, g_ptr_array_index (gone, i), TRUE);
}

static void
delete_before (PhHistory           *self,
               gint64               before,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Job *job;

  g_task_set_source_tag (task, source_tag);
  job = ph_history_job_new (JOB_DELETE_BEFORE, task);
  job->before = before;
  untrack_finished (self, before);
  queue_task_job (self, job);
}

/**
 * ph_history_expire_async:
 * @days: how many days of history to keep; 0 keeps none
 *
 * Forgets the finished batches that started more than @days days ago
 * (the preference "keep history for …"). Batches still running, here or
 * in another program, stay.
 */
void
ph_history_expire_async (PhHistory           *self,
                         guint                days,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  gint64 before;

  g_return_if_fail (PH_IS_HISTORY (self));

  before = days == 0 ? G_MAXINT64 : g_get_real_time () - (gint64) days * 24 * 3600 * G_USEC_PER_SEC;
  delete_before (self, before, ph_history_expire_async, cancellable, callback, user_data);
}

/* Returns: how many batches were forgotten, or -1 with @error set */
gint64
ph_history_expire_finish (PhHistory     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_expire_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * ph_history_clear_async:
 *
 * Forgets every finished batch (Clear History). Batches still running,
 * here or in another program, stay.
 */
void
ph_history_clear_async (PhHistory           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (PH_IS_HISTORY (self));

  delete_before (self, G_MAXINT64, ph_history_clear_async, cancellable, callback, user_data);
}

/* Returns: how many batches were forgotten, or -1 with @error set */
gint64
ph_history_clear_finish (PhHistory     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_clear_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * ph_history_flush_async:
 *
 * Writes what the tracked batches changed now, and completes once it
 * (and everything asked before) is in the database.
 */
void
ph_history_flush_async (PhHistory           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PH_IS_HISTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_history_flush_async);
  queue_task_job (self, ph_history_job_new (JOB_FLUSH, task));
}

gboolean
ph_history_flush_finish (PhHistory     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_history_flush_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
