/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where data paths run: a thread of their own, or a thread of a pool
 * that keeps a wake-up descriptor and a pipe from one file to the next. */
#define _GNU_SOURCE
#include "config.h"

#include <unistd.h>

#include "ph-data-path-private.h"
#include "ph-workers.h"

/* An idle thread of a pool waits this long for more work. */
#define IDLE_USEC       (10 * G_USEC_PER_SEC)
/* The last owner waits at most this long for the idle threads to end. */
#define CLOSE_WAIT_USEC (G_USEC_PER_SEC)

typedef struct
{
  GTask          *task;
  PhDataPathFunc  func;
  gboolean        ok;
  GError         *error;
} Run;

static gboolean
run_done_cb (gpointer user_data)
{
  Run *run = user_data;

  if (run->ok)
    g_task_return_boolean (run->task, TRUE);
  else
    g_task_return_error (run->task, g_steal_pointer (&run->error));

  g_object_unref (run->task);
  g_free (run);

  return G_SOURCE_REMOVE;
}

static void
run_job (Run *run)
{
  run->ok = run->func (g_task_get_task_data (run->task),
                       g_task_get_cancellable (run->task),
                       &run->error);
  g_assert (run->ok || run->error != NULL);
}

/* Hands the task back whole, on its own: this thread must hold no
 * reference once the callback can run, or the last unref could happen
 * here. At the priority of everything else: an idle one would starve
 * while connections keep arriving, and a finished transfer holds its
 * slot until this runs. */
static void
run_return (Run *run)
{
  GSource *source;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[posthouse] data path done");
  g_source_set_callback (source, run_done_cb, run, NULL);
  g_source_attach (source, g_task_get_context (run->task));
  g_source_unref (source);
}

static Run *
run_new (GTask          *task,
         PhDataPathFunc  func)
{
  Run *run = g_new0 (Run, 1);

  run->task = g_object_ref (task);
  run->func = func;
  return run;
}

/* Pools */

struct _PhWorkers
{
  GMutex        lock;
  GCond         cond;
  GQueue        jobs;         /* Run */
  GQueue        done;         /* Run, to hand back on context */
  GMainContext *context;      /* where the pool was made */
  GSource      *done_source;  /* hands back what is done, several at a time */
  char         *name;
  guint         refs;         /* the owners'; threads count in n_threads */
  guint         max_threads;
  guint         n_threads;
  guint         n_idle;
  gboolean      closing;
  gboolean      dispatching;  /* handing back: a callback may drop the last ref */
  gboolean      closing_waits; /* the last owner waits for the threads: it frees */
  gboolean      freeing;
};

static GPrivate current_worker;

/* Returns: (nullable): what the calling PhWorkers thread keeps */
PhDataPathWorker *
ph_data_path_worker_get (void)
{
  return g_private_get (&current_worker);
}

/* Makes the worker's pipe if it has none. Returns: whether it has one */
gboolean
ph_data_path_worker_pipe (PhDataPathWorker *worker)
{
  if (worker->pipe[0] < 0)
    worker->pipe_size = ph_data_path_make_pipe (worker->pipe);
  if (worker->pipe_size == 0)
    worker->pipe[0] = worker->pipe[1] = -1;
  return worker->pipe[0] >= 0;
}

void
ph_data_path_worker_drop_pipe (PhDataPathWorker *worker)
{
  if (worker->pipe[0] < 0)
    return;
  close (worker->pipe[0]);
  close (worker->pipe[1]);
  worker->pipe[0] = worker->pipe[1] = -1;
}

static void
workers_free (PhWorkers *self)
{
  g_source_destroy (self->done_source);
  g_source_unref (self->done_source);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->name);
  g_free (self);
}

/* With the lock held: whether nothing uses the pool any more, to the
 * first caller who asks once that is so (who then frees it). */
static gboolean
unused (PhWorkers *self)
{
  if (self->freeing || self->dispatching || self->closing_waits || self->refs > 0 ||
      self->n_threads > 0 || self->done.length > 0)
    return FALSE;

  self->freeing = TRUE;
  return TRUE;
}

/* Finished jobs go back through one source: a burst of them wakes the
 * context once, not once each. */
static gboolean
done_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  PhWorkers *self = user_data;
  GQueue done = G_QUEUE_INIT;
  gboolean free_now;
  Run *run;

  /* Before taking the queue: a job done meanwhile sets it again. */
  g_source_set_ready_time (source, -1);

  g_mutex_lock (&self->lock);
  done = self->done;
  g_queue_init (&self->done);
  self->dispatching = TRUE;
  g_mutex_unlock (&self->lock);

  while ((run = g_queue_pop_head (&done)) != NULL)
    run_done_cb (run);

  g_mutex_lock (&self->lock);
  self->dispatching = FALSE;
  free_now = unused (self);
  g_mutex_unlock (&self->lock);
  if (free_now)
    workers_free (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs done_funcs = { .dispatch = done_dispatch };

static void
job_done (PhWorkers *self,
          Run       *run)
{
  gboolean first;

  if (g_task_get_context (run->task) != self->context)
    {
      run_return (run);
      return;
    }

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->done, run);
  first = self->done.length == 1;
  g_mutex_unlock (&self->lock);
  if (first)
    g_source_set_ready_time (self->done_source, 0);
}

static gpointer
worker_thread (gpointer data)
{
  PhWorkers *self = data;
  PhDataPathWorker worker = { .pipe = { -1, -1 } };
  gboolean last;

  worker.wake = g_cancellable_new ();
  worker.wake_fd = g_cancellable_get_fd (worker.wake);
  g_private_set (&current_worker, &worker);

  g_mutex_lock (&self->lock);
  for (;;)
    {
      gint64 until = g_get_monotonic_time () + IDLE_USEC;
      Run *run;

      while (self->jobs.length == 0 && !self->closing)
        {
          gboolean woken;

          self->n_idle++;
          woken = g_cond_wait_until (&self->cond, &self->lock, until);
          self->n_idle--;
          if (!woken)
            break;
        }
      if ((run = g_queue_pop_head (&self->jobs)) == NULL)
        break;

      g_mutex_unlock (&self->lock);
      run_job (run);
      job_done (self, run);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);

  /* Everything of this thread's is gone before it counts as ended. */
  g_private_set (&current_worker, NULL);
  ph_data_path_worker_drop_pipe (&worker);
  g_cancellable_release_fd (worker.wake);
  g_object_unref (worker.wake);

  g_mutex_lock (&self->lock);
  self->n_threads--;
  last = unused (self);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (last)
    workers_free (self);

  return NULL;
}

/**
 * ph_workers_new:
 * @name: what its threads are called (at most 15 bytes show)
 * @max_threads: how many jobs may run at once
 *
 * Jobs whose tasks belong to the thread-default context of the caller
 * are handed back there several at a time.
 *
 * Returns: (transfer full): a pool with no thread yet
 */
PhWorkers *
ph_workers_new (const char *name,
                guint       max_threads)
{
  PhWorkers *self = g_new0 (PhWorkers, 1);

  g_return_val_if_fail (max_threads > 0, NULL);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->name = g_strdup (name);
  self->refs = 1;
  self->max_threads = max_threads;
  self->context = g_main_context_ref_thread_default ();
  self->done_source = g_source_new (&done_funcs, sizeof (GSource));
  g_source_set_static_name (self->done_source, "[posthouse] data paths done");
  g_source_set_callback (self->done_source, NULL, self, NULL);
  g_source_attach (self->done_source, self->context);

  return self;
}

PhWorkers *
ph_workers_ref (PhWorkers *self)
{
  g_mutex_lock (&self->lock);
  self->refs++;
  g_mutex_unlock (&self->lock);

  return self;
}

/* The last owner's unref lets the threads go once the jobs queued
 * already are done, and waits (a moment at most) for the idle ones. */
void
ph_workers_unref (PhWorkers *self)
{
  gboolean free_now;

  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  if (--self->refs == 0)
    {
      gint64 until = g_get_monotonic_time () + CLOSE_WAIT_USEC;

      self->closing = TRUE;
      g_cond_broadcast (&self->cond);
      /* Idle threads end at once; wait for them, so that what they hold
       * (a pipe, a descriptor) is gone when this returns. One still
       * busy with a job goes when it is done. */
      self->closing_waits = TRUE;
      while (self->n_threads > 0 && self->jobs.length == 0 &&
             g_cond_wait_until (&self->cond, &self->lock, until))
        ;
      self->closing_waits = FALSE;
    }
  free_now = unused (self);
  g_mutex_unlock (&self->lock);

  if (free_now)
    workers_free (self);
}

void
ph_workers_set_max_threads (PhWorkers *self,
                            guint      max_threads)
{
  g_return_if_fail (self != NULL && max_threads > 0);

  g_mutex_lock (&self->lock);
  self->max_threads = max_threads;
  g_mutex_unlock (&self->lock);
}

/**
 * ph_workers_run:
 *
 * Runs func(task_data) on a thread of @self, a new one if every thread
 * is busy and there may be more, and returns its result through @task
 * on the task's context.
 */
void
ph_workers_run (PhWorkers      *self,
                GTask          *task,
                PhDataPathFunc  func)
{
  g_autoptr(GError) error = NULL;
  Run *run;
  GThread *thread = NULL;
  gboolean orphan = FALSE;
  gboolean wake = FALSE;

  g_return_if_fail (self != NULL && G_IS_TASK (task) && func != NULL);

  run = run_new (task, func);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->jobs, run);
  if (self->jobs.length <= self->n_idle)
    wake = TRUE;
  else if (self->n_threads < self->max_threads)
    {
      thread = g_thread_try_new (self->name, worker_thread, self, &error);
      if (thread != NULL)
        self->n_threads++;
      else if (self->n_threads == 0)
        orphan = g_queue_remove (&self->jobs, run);
    }
  g_mutex_unlock (&self->lock);

  /* Outside the lock: the thread woken does not run into it. */
  if (wake)
    g_cond_signal (&self->cond);
  if (thread != NULL)
    g_thread_unref (thread);
  if (orphan)
    {
      /* Not a thread to run it. */
      run->error = g_steal_pointer (&error);
      run_done_cb (run);
    }
}
