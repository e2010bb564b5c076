/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history's thread: it owns the SQLite connection and runs jobs in
 * the order they were queued, so a page read after a write sees it.
 * Writes waiting together go in one transaction: a burst of batches,
 * or a batch of 10,000 files, is a handful of commits, not one each. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-history-private.h"

/* Rows in one transaction at most: a reader (the other program) never
 * waits long behind a writer. */
#define MAX_ROWS_PER_COMMIT 20000

struct _PhHistoryWorker
{
  GAsyncQueue    *queue;
  GThread        *thread;
  char           *path;
  PhHistoryDb    *db;
  PhHistoryOwner *owner;
  GError         *open_error;
  Job            *held;
  gboolean        detached;
  guint           n_commits;   /* atomic; for tests and the bench */
};

Job *
ph_history_job_new (JobKind  kind,
                    GTask   *task)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->task = task;
  return job;
}

/* The task is released on its own context: the last reference to the
 * history may go with it, and it must go on the main thread. */
static gboolean
release_task_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
release_task (GTask *task)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_static_name (source, "[posthouse] history task");
  g_source_set_callback (source, release_task_cb, task, NULL);
  g_source_attach (source, g_task_get_context (task));
}

void
ph_history_job_free (Job *job)
{
  if (job == NULL)
    return;

  if (job->task != NULL)
    release_task (job->task);
  g_clear_pointer (&job->batch, ph_history_batch_row_free);
  g_clear_pointer (&job->files, g_ptr_array_unref);
  g_free (job->uuid);
  g_free (job);
}

static void
return_error (Job          *job,
              const GError *error)
{
  if (job->task != NULL)
    g_task_return_error (job->task, g_error_copy (error));
}

static gboolean
apply_write (PhHistoryWorker  *self,
             Job              *job,
             GError          **error)
{
  if (!ph_history_db_put_batch (self->db, job->batch, error))
    return FALSE;

  for (guint i = 0; job->files != NULL && i < job->files->len; i++)
    if (!ph_history_db_put_file (self->db, job->batch->id, g_ptr_array_index (job->files, i), error))
      return FALSE;

  return TRUE;
}

/* @first and the writes queued right behind it, in one transaction. */
static void
run_writes (PhHistoryWorker *self,
            Job             *first)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) ph_history_job_free);
  g_autoptr(GError) error = NULL;
  guint rows = 0;
  Job *next = first;

  do
    {
      g_ptr_array_add (jobs, next);
      rows += 1 + (next->files != NULL ? next->files->len : 0);
      if (rows >= MAX_ROWS_PER_COMMIT)
        break;
      next = g_async_queue_try_pop (self->queue);
      if (next != NULL && next->kind != JOB_WRITE)
        {
          self->held = next;
          break;
        }
    }
  while (next != NULL);

  if (self->db == NULL)
    error = g_error_copy (self->open_error);  /* nothing to keep them in */
  else if (ph_history_db_begin (self->db, &error))
    {
      for (guint i = 0; i < jobs->len && error == NULL; i++)
        apply_write (self, g_ptr_array_index (jobs, i), &error);
      if (error == NULL && ph_history_db_commit (self->db, &error))
        g_atomic_int_inc (&self->n_commits);
    }

  if (error != NULL && self->db != NULL)
    {
      ph_history_db_rollback (self->db);
      g_warning ("History not updated: %s", error->message);
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      if (job->task == NULL)
        continue;
      if (error != NULL)
        return_error (job, error);
      else
        g_task_return_boolean (job->task, TRUE);
    }
}

static void
run_open (PhHistoryWorker *self,
          Job             *job)
{
  g_autoptr(GError) error = NULL;

  self->owner = ph_history_owner_new (self->path, &error);
  if (self->owner != NULL)
    self->db = ph_history_db_open (self->path, ph_history_owner_get_id (self->owner), &error);

  if (error != NULL)
    {
      g_clear_pointer (&self->owner, ph_history_owner_free);
      self->open_error = g_error_copy (error);
      return_error (job, error);
      return;
    }

  g_task_return_boolean (job->task, TRUE);
}

static void
run_delete (PhHistoryWorker *self,
            Job             *job)
{
  g_autoptr(GError) error = NULL;
  gint64 deleted = 0;

  if (job->kind == JOB_DELETE)
    ph_history_db_delete (self->db, job->uuid, &error);
  else
    deleted = ph_history_db_delete_before (self->db, job->before, &error);

  if (error != NULL)
    {
      return_error (job, error);
      return;
    }

  /* Hands the freed pages back, a few at a time never mattering. */
  ph_history_db_exec (self->db, "PRAGMA incremental_vacuum", NULL);

  if (job->kind == JOB_DELETE)
    g_task_return_boolean (job->task, TRUE);
  else
    g_task_return_int (job->task, deleted);
}

static void
run_load (PhHistoryWorker *self,
          Job             *job)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  if (g_task_return_error_if_cancelled (job->task))
    return;

  if (job->kind == JOB_LOAD_BATCHES)
    items = ph_history_db_load_batches (self->db, job->key_time, job->key_id, job->limit, &error);
  else
    items = ph_history_db_load_files (self->db, job->key_id, (guint) job->key_time, job->limit, &error);

  if (items == NULL)
    return_error (job, error);
  else
    g_task_return_pointer (job->task, items, (GDestroyNotify) g_ptr_array_unref);
}

/* Batches still running in this program are interrupted by its end;
 * then the lock goes, and with it any claim on them. */
static void
run_quit (PhHistoryWorker *self)
{
  g_autoptr(GError) error = NULL;

  if (self->db != NULL && self->owner != NULL &&
      !ph_history_db_interrupt (self->db, ph_history_owner_get_id (self->owner), &error))
    g_warning ("History not closed cleanly: %s", error->message);

  g_clear_pointer (&self->db, ph_history_db_close);
  g_clear_pointer (&self->owner, ph_history_owner_free);
}

static gpointer
worker_main (gpointer data)
{
  PhHistoryWorker *self = data;

  for (;;)
    {
      Job *job = self->held != NULL ? g_steal_pointer (&self->held) : g_async_queue_pop (self->queue);

      if (job->kind == JOB_QUIT)
        {
          gboolean detached = self->detached;

          run_quit (self);
          ph_history_job_free (job);
          if (detached)
            {
              g_async_queue_unref (self->queue);
              g_clear_error (&self->open_error);
              g_free (self->path);
              g_free (self);
            }
          return NULL;
        }

      if (job->kind == JOB_WRITE)
        {
          run_writes (self, job);
          continue;
        }

      if (job->kind == JOB_OPEN)
        run_open (self, job);
      else if (self->db == NULL)
        return_error (job, self->open_error);
      else if (job->kind == JOB_FLUSH)
        g_task_return_boolean (job->task, TRUE);
      else if (job->kind == JOB_DELETE || job->kind == JOB_DELETE_BEFORE)
        run_delete (self, job);
      else
        run_load (self, job);

      ph_history_job_free (job);
    }
}

PhHistoryWorker *
ph_history_worker_start (const char *path)
{
  PhHistoryWorker *self = g_new0 (PhHistoryWorker, 1);

  self->queue = g_async_queue_new ();
  self->path = g_strdup (path);
  self->thread = g_thread_new ("posthouse-history", worker_main, self);

  return self;
}

/* Returns: how many write transactions were committed so far. */
guint
ph_history_worker_get_n_commits (PhHistoryWorker *self)
{
  return g_atomic_int_get (&self->n_commits);
}

void
ph_history_worker_push (PhHistoryWorker *self,
                        Job             *job)
{
  g_async_queue_push (self->queue, job);
}

/* Runs what is queued, closes the database and ends the thread: waits
 * for it, unless called on it (the thread then cleans up after itself). */
void
ph_history_worker_stop (PhHistoryWorker *self)
{
  GThread *thread = self->thread;

  if (thread == g_thread_self ())
    {
      self->detached = TRUE;
      g_async_queue_push (self->queue, ph_history_job_new (JOB_QUIT, NULL));
      g_thread_unref (thread);
      return;
    }

  g_async_queue_push (self->queue, ph_history_job_new (JOB_QUIT, NULL));
  g_thread_join (thread);
  g_async_queue_unref (self->queue);
  g_clear_error (&self->open_error);
  g_free (self->path);
  g_free (self);
}
