/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhDevices and its file: reading it again when another program
 * changed it, and writing what changed here on a worker thread.
 *
 * self->keyfile is the list as this process sees it: the file as last
 * read, with the operations not yet written applied on top. Each
 * change is an operation (ph-devices-file.c): applied here at once,
 * then written by a worker that reads the file again under a lock
 * first, so what another program changed meanwhile stays. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-devices-private.h"
#include "ph-error.h"

typedef struct
{
  char      *path;
  GPtrArray *ops;
  char      *contents;
  char      *kept_aside;
} WriteJob;

/* The file's list (as @keyfile), with what is not written yet on top. */
static void
take_keyfile (PhDevices *self,
              GKeyFile  *keyfile)
{
  for (guint i = 0; i < self->pending->len; i++)
    ph_devices_op_apply (g_ptr_array_index (self->pending, i), keyfile);

  g_key_file_unref (self->keyfile);
  self->keyfile = keyfile;
  ph_devices_sync_items (self);
}

static GError *
damaged_error (PhDevices  *self,
               const char *kept_aside,
               GError     *cause)
{
  g_autofree char *display = g_filename_display_name (self->path);
  g_autofree char *aside = g_filename_display_name (kept_aside);

  return g_error_new (PH_ERROR, PH_ERROR_TRUST_STORE,
                      _("The list of devices in “%s” could not be read (%s); it was kept as “%s” "
                        "and a new list was started. Devices paired before must be paired again."),
                      display, cause ? cause->message : _("damaged"), aside);
}

/* Reads the file again. Returns: FALSE with @error when it could not be
 * read (a damaged one is moved aside, and the list starts empty) */
gboolean
ph_devices_reload (PhDevices  *self,
                   GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *kept_aside = NULL;
  g_autofree char *display = NULL;
  GKeyFile *keyfile = ph_devices_file_read (self->path, &local_error);

  if (keyfile != NULL)
    {
      take_keyfile (self, keyfile);
      return TRUE;
    }

  display = g_filename_display_name (self->path);
  /* Unreadable (permissions, I/O): nothing is moved; the list in memory stays. */
  if (local_error->domain == G_FILE_ERROR)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_TRUST_STORE,
                   _("The list of devices in “%s” could not be read: %s"), display,
                   local_error->message);
      return FALSE;
    }

  if (!ph_devices_file_keep_aside (self->path, &kept_aside, error))
    {
      g_prefix_error (error, _("The list of devices in “%s” is damaged and could not be moved aside: "),
                      display);
      return FALSE;
    }

  /* Another program wrote it anew meanwhile: read that. */
  if (kept_aside == NULL)
    return ph_devices_reload (self, error);

  take_keyfile (self, g_key_file_new ());
  g_propagate_error (error, damaged_error (self, kept_aside, local_error));
  return FALSE;
}

static gboolean
reload_cb (gpointer user_data)
{
  PhDevices *self = user_data;
  GError *error = NULL;

  self->reload_id = 0;
  /* A write under way reads the file again when it is done. */
  if (self->writing)
    return G_SOURCE_REMOVE;

  if (!ph_devices_reload (self, &error))
    ph_devices_set_error (self, error);
  return G_SOURCE_REMOVE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  PhDevices *self = user_data;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || self->reload_id != 0)
    return;

  /* Several events come for one rename: read once. */
  self->reload_id = g_timeout_add (20, reload_cb, self);
}

/* Reads the file again whenever another program replaced it. */
void
ph_devices_follow_file (PhDevices *self)
{
  g_autoptr(GFile) file = NULL;

  if (self->monitor != NULL)
    return;

  file = g_file_new_for_path (self->path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
}

static void
write_job_free (WriteJob *job)
{
  g_free (job->path);
  g_ptr_array_unref (job->ops);
  g_free (job->contents);
  g_free (job->kept_aside);
  g_free (job);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  WriteJob *job = data;
  GError *error = NULL;

  if (ph_devices_file_update (job->path, job->ops, &job->contents, &job->kept_aside, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void start_write (PhDevices *self);

static void
complete_flushes (PhDevices *self)
{
  g_autoptr(GPtrArray) flushes = NULL;

  if (self->writing || self->pending->len > 0 || self->flushes->len == 0)
    return;

  flushes = g_steal_pointer (&self->flushes);
  self->flushes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < flushes->len; i++)
    {
      GTask *task = g_ptr_array_index (flushes, i);

      g_task_return_boolean (task, TRUE);
    }
}

static void
write_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  PhDevices *self = PH_DEVICES (object);
  WriteJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *display = g_filename_display_name (self->path);

      /* Kept for the next change or flush; this process still sees them. */
      g_ptr_array_extend_and_steal (job->ops, g_steal_pointer (&self->pending));
      self->pending = g_steal_pointer (&job->ops);
      job->ops = g_ptr_array_new ();
      ph_devices_set_error (self, g_error_new (PH_ERROR, PH_ERROR_FAILED,
                                    _("The list of devices could not be saved in “%s”: %s"),
                                    display, error->message));
      for (guint i = 0; i < self->flushes->len; i++)
        g_task_return_error (g_ptr_array_index (self->flushes, i), g_error_copy (self->error));
      g_ptr_array_set_size (self->flushes, 0);
      return;
    }

  take_keyfile (self, ph_devices_file_parse (job->contents, strlen (job->contents), NULL));
  if (job->kept_aside != NULL)
    ph_devices_set_error (self, damaged_error (self, job->kept_aside, NULL));
  else if (self->error != NULL && self->error->code != PH_ERROR_TRUST_STORE)
    ph_devices_set_error (self, NULL);

  if (self->pending->len > 0)
    start_write (self);
  complete_flushes (self);
}

static void
start_write (PhDevices *self)
{
  g_autoptr(GTask) task = NULL;
  WriteJob *job;

  g_clear_handle_id (&self->write_id, g_source_remove);
  if (self->writing || self->pending->len == 0)
    return;

  job = g_new0 (WriteJob, 1);
  job->path = g_strdup (self->path);
  job->ops = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) ph_devices_op_free);

  self->writing = TRUE;
  task = g_task_new (self, NULL, write_done_cb, NULL);
  g_task_set_source_tag (task, start_write);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_thread);
}

static gboolean
write_cb (gpointer user_data)
{
  PhDevices *self = user_data;

  self->write_id = 0;
  start_write (self);
  return G_SOURCE_REMOVE;
}

/* Applies @op here at once, and writes it soon (changes made together
 * go out together). */
void
ph_devices_change (PhDevices   *self,
                   PhDevicesOp *op)
{
  if (op->time == 0)
    op->time = g_get_real_time () / G_USEC_PER_SEC;

  ph_devices_op_apply (op, self->keyfile);
  g_ptr_array_add (self->pending, op);
  ph_devices_sync_items (self);

  /* The source holds the list: what changed is written before it goes. */
  if (!self->writing && self->write_id == 0)
    self->write_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, write_cb, g_object_ref (self),
                                      g_object_unref);
}

static void
flush_wait (PhDevices *self,
            GTask     *task)
{
  g_ptr_array_add (self->flushes, task);
  start_write (self);
  complete_flushes (self);
}

/* Completes once every change made so far is in the file (or failed to be). */
void
ph_devices_flush_async (PhDevices           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PH_IS_DEVICES (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_devices_flush_async);
  flush_wait (self, task);
}

gboolean
ph_devices_flush_finish (PhDevices     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The same, waiting on the thread-default context (for the CLI and
 * before a program exits). */
gboolean
ph_devices_flush (PhDevices  *self,
                  GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GMainContext *context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (PH_IS_DEVICES (self), FALSE);

  ph_devices_flush_async (self, NULL, flushed_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  return ph_devices_flush_finish (self, result, error);
}
