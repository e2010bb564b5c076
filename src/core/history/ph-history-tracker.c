/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A live batch, watched for the history. What changes is copied into
 * plain rows as it happens (a file when it is added and when it ends,
 * not while its bytes move); the history sends the rows that piled up
 * to the worker at most once a second, and at once when the batch ends.
 * A running batch is held (its last changes must be seen); a finished
 * one only weakly: it goes when the faces let it go, and what it was is
 * written by then. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-history-private.h"

/* One transfer of the batch and its place. The batch only appends, or
 * replaces a transfer in place (retry), so places are stable. */
typedef struct
{
  PhHistoryTracker *tracker;
  PhTransfer       *transfer;
  guint             position;
  gulong            state_id;
} Watch;

struct _PhHistoryTracker
{
  PhHistory         *history;   /* owns the tracker */
  PhBatch           *batch;     /* weak */
  PhBatch           *running;   /* strong while it runs */
  gconstpointer      batch_key; /* where it is or was, never followed */
  char              *uuid;
  char              *device_name;
  char              *fingerprint;
  gboolean           encrypted;
  GPtrArray         *watches;   /* Watch*, by position */
  GHashTable        *pending;   /* position → PhHistoryFileRow*, to write */
  PhHistoryBatchRow *last;      /* the batch as last written */
  gint64             ended_at;
  gboolean           dirty;
  gboolean           finished;
};

static PhHistoryOutcome
file_outcome (PhTransfer *transfer)
{
  const GError *error = ph_transfer_get_error (transfer);

  switch (ph_transfer_get_state (transfer))
    {
    case PH_TRANSFER_DONE:
      return PH_HISTORY_DONE;
    case PH_TRANSFER_CANCELLED:
      return PH_HISTORY_CANCELLED;
    case PH_TRANSFER_FAILED:
      if (error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        return PH_HISTORY_DECLINED;
      return PH_HISTORY_FAILED;
    case PH_TRANSFER_QUEUED:
    case PH_TRANSFER_WAITING:
    case PH_TRANSFER_CONNECTING:
    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
    default:
      return PH_HISTORY_RUNNING;
    }
}

static void
snapshot_file (Watch *watch)
{
  PhTransfer *transfer = watch->transfer;
  PhHistoryFileRow *row = g_new0 (PhHistoryFileRow, 1);
  const char *name = ph_transfer_get_name (transfer);
  const char *slash = name != NULL ? strrchr (name, '/') : NULL;
  GFile *location = ph_transfer_get_direction (transfer) == PH_TRANSFER_RECEIVE ?
                    ph_transfer_get_file (transfer) : ph_transfer_get_source (transfer);

  row->position = watch->position;
  row->name = g_strdup (slash != NULL ? slash + 1 : name);
  /* A file of a folder sent by its base name keeps its folder too. */
  row->folder = ph_transfer_dup_folder (transfer);
  row->size = ph_transfer_get_size (transfer);
  row->bytes_done = ph_transfer_get_bytes_done (transfer);
  row->location = location != NULL ? g_file_get_uri (location) : NULL;
  row->outcome = file_outcome (transfer);
  if (row->outcome != PH_HISTORY_RUNNING && row->outcome != PH_HISTORY_DONE)
    row->error = g_strdup (ph_transfer_get_error_message (transfer));

  g_hash_table_replace (watch->tracker->pending, GUINT_TO_POINTER (watch->position), row);
  watch->tracker->dirty = TRUE;
}

static void
transfer_state_cb (PhTransfer *transfer,
                   GParamSpec *pspec,
                   Watch      *watch)
{
  /* Only the ends are history; the steps between are not worth a write. */
  if (!ph_transfer_is_finished (transfer))
    return;

  snapshot_file (watch);
  ph_history_schedule_flush (watch->tracker->history, FALSE);
}

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_signal_handler_disconnect (watch->transfer, watch->state_id);
  g_object_unref (watch->transfer);
  g_free (watch);
}

static Watch *
watch_new (PhHistoryTracker *tracker,
           PhTransfer       *transfer,
           guint             position)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->tracker = tracker;
  watch->transfer = transfer;  /* takes the reference */
  watch->position = position;
  watch->state_id = g_signal_connect (transfer, "notify::state", G_CALLBACK (transfer_state_cb), watch);
  snapshot_file (watch);

  return watch;
}

static void
hold_while_running (PhHistoryTracker *self)
{
  if (self->running == NULL && self->batch != NULL && !ph_batch_is_finished (self->batch))
    self->running = g_object_ref (self->batch);
}

static void
items_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  PhHistoryTracker *self)
{
  guint n = g_list_model_get_n_items (model);

  if (removed == added)
    {
      for (guint i = position; i < position + added; i++)
        {
          Watch *watch = watch_new (self, g_list_model_get_item (model, i), i);

          if (i < self->watches->len)
            {
              watch_free (g_ptr_array_index (self->watches, i));
              g_ptr_array_index (self->watches, i) = watch;
            }
          else
            g_ptr_array_add (self->watches, watch);
        }
    }
  else
    {
      /* Anything else moves what follows: watch it all anew. */
      g_ptr_array_set_size (self->watches, MIN (self->watches->len, position));
      for (guint i = position; i < n; i++)
        g_ptr_array_add (self->watches, watch_new (self, g_list_model_get_item (model, i), i));
    }

  hold_while_running (self);
  self->dirty = TRUE;
  ph_history_schedule_flush (self->history, FALSE);
}

static void
batch_changed_cb (PhBatch          *batch,
                  PhHistoryTracker *self)
{
  gboolean finished = ph_batch_is_finished (batch);

  hold_while_running (self);
  self->dirty = TRUE;
  /* The end of a batch is written at once; progress once a second. */
  ph_history_schedule_flush (self->history, finished && !self->finished);
  self->finished = finished;
}

static PhHistoryOutcome
batch_outcome (PhBatch *batch)
{
  if (!ph_batch_is_finished (batch))
    return PH_HISTORY_RUNNING;

  switch (ph_batch_get_state (batch))
    {
    case PH_TRANSFER_DONE:
      return PH_HISTORY_DONE;
    case PH_TRANSFER_CANCELLED:
      return PH_HISTORY_CANCELLED;
    case PH_TRANSFER_FAILED:
    case PH_TRANSFER_QUEUED:
    case PH_TRANSFER_WAITING:
    case PH_TRANSFER_CONNECTING:
    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
    default:
      return PH_HISTORY_FAILED;
    }
}

static GFile *
first_location (PhBatch *batch)
{
  g_autoptr(PhTransfer) first = NULL;

  if (ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE)
    return ph_batch_get_first_file (batch);

  first = g_list_model_get_item (G_LIST_MODEL (batch), 0);
  return first != NULL ? ph_transfer_get_source (first) : NULL;
}

/* The batch's own title ("Holiday", a single file's name); not "3
 * files", which the reader says in its own language. */
static char *
dup_own_title (PhBatch *batch)
{
  g_autofree char *title = ph_batch_dup_title (batch);
  guint n = ph_batch_get_n_files (batch);
  g_autofree char *counted =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file", "%'u files", n), n);

  return g_strcmp0 (title, counted) != 0 ? g_steal_pointer (&title) : NULL;
}

static void
snapshot_batch (PhHistoryTracker *self)
{
  PhBatch *batch = self->batch;
  PhHistoryBatchRow *row = g_new0 (PhHistoryBatchRow, 1);
  GFile *first = first_location (batch);

  row->uuid = g_strdup (self->uuid);
  row->direction = ph_batch_get_direction (batch);
  row->address = g_strdup (ph_batch_get_peer (batch));
  row->device_name = g_strdup (self->device_name);
  row->fingerprint = g_strdup (self->fingerprint);
  row->encrypted = self->encrypted;
  row->title = dup_own_title (batch);
  row->started_at = ph_batch_get_start_time (batch);
  row->updated_at = g_get_real_time ();
  row->outcome = batch_outcome (batch);
  if (row->outcome == PH_HISTORY_RUNNING)
    self->ended_at = 0;
  else if (self->ended_at == 0)
    self->ended_at = row->updated_at;
  row->ended_at = self->ended_at;
  row->error = g_strdup (ph_batch_get_error_message (batch));
  row->n_files = ph_batch_get_n_files (batch);
  row->n_done = ph_batch_get_n_done (batch);
  row->n_failed = ph_batch_get_n_failed (batch);
  row->n_cancelled = ph_batch_get_n_cancelled (batch);
  row->n_declined = ph_batch_get_n_declined (batch);
  row->total_size = ph_batch_get_total_size (batch);
  row->bytes_done = ph_batch_get_bytes_done (batch);
  row->flattened = ph_batch_get_flattened (batch);
  row->first_location = first != NULL ? g_file_get_uri (first) : NULL;

  ph_history_batch_row_free (self->last);
  self->last = row;
}

static void
batch_gone_cb (gpointer  data,
               GObject  *where_the_batch_was)
{
  PhHistoryTracker *self = data;

  self->batch = NULL;
  ph_history_tracker_gone (self->history, self);
}

PhHistoryTracker *
ph_history_tracker_new (PhHistory *history,
                        PhBatch   *batch)
{
  PhHistoryTracker *self = g_new0 (PhHistoryTracker, 1);

  self->history = history;
  self->batch = batch;
  self->batch_key = batch;
  self->uuid = g_uuid_string_random ();
  self->watches = g_ptr_array_new_with_free_func (watch_free);
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) ph_history_file_row_free);
  self->finished = ph_batch_is_finished (batch);

  g_object_weak_ref (G_OBJECT (batch), batch_gone_cb, self);
  g_signal_connect (batch, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_signal_connect (batch, "changed", G_CALLBACK (batch_changed_cb), self);
  g_signal_connect (batch, "notify::flattened", G_CALLBACK (batch_changed_cb), self);
  items_changed_cb (G_LIST_MODEL (batch), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (batch)), self);
  snapshot_batch (self);
  self->dirty = TRUE;
  hold_while_running (self);

  return self;
}

void
ph_history_tracker_free (PhHistoryTracker *self)
{
  if (self->batch != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->batch, self);
      g_object_weak_unref (G_OBJECT (self->batch), batch_gone_cb, self);
    }
  /* Last: this may finalize the batch, no longer watched. */
  g_clear_object (&self->running);
  g_ptr_array_unref (self->watches);
  g_hash_table_unref (self->pending);
  ph_history_batch_row_free (self->last);
  g_free (self->uuid);
  g_free (self->device_name);
  g_free (self->fingerprint);
  g_free (self);
}

const char *
ph_history_tracker_get_uuid (PhHistoryTracker *self)
{
  return self->uuid;
}

/* Returns: the batch's address, also once it is gone. */
gconstpointer
ph_history_tracker_get_batch_key (PhHistoryTracker *self)
{
  return self->batch_key;
}

gint64
ph_history_tracker_get_start_time (PhHistoryTracker *self)
{
  return self->last->started_at;
}

gboolean
ph_history_tracker_is_finished (PhHistoryTracker *self)
{
  return self->batch == NULL || ph_batch_is_finished (self->batch);
}

void
ph_history_tracker_set_peer (PhHistoryTracker *self,
                             const char       *device_name,
                             const char       *fingerprint,
                             gboolean          encrypted)
{
  g_free (self->device_name);
  self->device_name = g_strdup (device_name);
  g_free (self->fingerprint);
  self->fingerprint = g_strdup (fingerprint);
  self->encrypted = !!encrypted;
  self->dirty = TRUE;
}

static int
by_position (gconstpointer a,
             gconstpointer b)
{
  const PhHistoryFileRow *ra = *(PhHistoryFileRow * const *) a;
  const PhHistoryFileRow *rb = *(PhHistoryFileRow * const *) b;

  return ra->position < rb->position ? -1 : ra->position > rb->position;
}

/* Returns: (nullable): what changed since the last job, in one write:
 * the batch as it is now, with the files that changed. A batch that
 * ended is no longer held: @release gets the reference, for the caller
 * to drop once it is done with the tracker (dropping it may end it). */
Job *
ph_history_tracker_take_job (PhHistoryTracker  *self,
                             PhBatch          **release)
{
  Job *job;
  GHashTableIter iter;
  gpointer row;

  if (!self->dirty)
    return NULL;

  /* Once the batch is gone, as it was last seen. */
  if (self->batch != NULL)
    snapshot_batch (self);
  if (self->running != NULL && self->last->outcome != PH_HISTORY_RUNNING)
    *release = g_steal_pointer (&self->running);

  job = ph_history_job_new (JOB_WRITE, NULL);
  job->batch = ph_history_batch_row_copy (self->last);
  job->files = g_ptr_array_new_full (g_hash_table_size (self->pending),
                                     (GDestroyNotify) ph_history_file_row_free);
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      g_ptr_array_add (job->files, row);
      g_hash_table_iter_steal (&iter);
    }
  /* In key order: neighbouring rows go to neighbouring pages. */
  g_ptr_array_sort (job->files, by_position);
  self->dirty = FALSE;

  return job;
}
