/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The transfers of a batch: counted as their states change, acted on
 * as the batch is answered or cancelled, and the aggregate published
 * by one timer a few times a second. */
#include "config.h"

#include "ph-batch-private.h"
#include "ph-error.h"
#include "ph-transfer-private.h"

/* Publishing */

gint64
ph_batch_live_bytes (PhBatch *self)
{
  gint64 bytes = self->finished_bytes;

  for (guint i = 0; i < self->active->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->active, i);
      bytes += ph_transfer_get_bytes_done (entry->transfer);
    }

  return bytes;
}

/* A batch's files may all become active at once (a secure connection
 * takes 100,000 of them): each knows its place, so leaving is no search. */
static void
active_add (PhBatch *self,
            Entry   *entry)
{
  entry->active_index = self->active->len;
  g_ptr_array_add (self->active, entry);
}

static void
active_remove (PhBatch *self,
               Entry   *entry)
{
  guint index = entry->active_index;

  g_assert (index < self->active->len && g_ptr_array_index (self->active, index) == entry);
  g_ptr_array_remove_index_fast (self->active, index);
  if (index < self->active->len)
    ((Entry *) g_ptr_array_index (self->active, index))->active_index = index;
}

/* A clock that runs only while a transfer of the batch moves bytes:
 * time spent waiting (for an answer, a slot, a turn) is no part of the
 * speed or of the time left. */
static gint64
moving_clock (PhBatch *self,
              gint64   now)
{
  return self->moving_time + (self->moving_since ? now - self->moving_since : 0);
}

static void
update_moving (PhBatch *self)
{
  gboolean moving = self->counts[PH_TRANSFER_SENDING] + self->counts[PH_TRANSFER_RECEIVING] > 0;

  if (moving && self->moving_since == 0)
    self->moving_since = g_get_monotonic_time ();
  else if (!moving && self->moving_since != 0)
    {
      self->moving_time += g_get_monotonic_time () - self->moving_since;
      self->moving_since = 0;
    }
}

static void
update_estimates (PhBatch *self,
                  gint64   bytes)
{
  if (ph_batch_is_finished (self))
    {
      /* Once finished, the speed is the average of the whole batch,
       * over the time its bytes moved. */
      self->speed = ph_rate_average (bytes, moving_clock (self, g_get_monotonic_time ()));
      self->seconds_left = ph_batch_get_state (self) == PH_TRANSFER_DONE ? 0 : -1;
      ph_rate_reset (&self->rate);
      return;
    }

  /* Nothing moves: the last estimate stands until something does. */
  if (self->moving_since == 0)
    return;

  ph_rate_add_sample (&self->rate, moving_clock (self, g_get_monotonic_time ()), bytes);
  self->speed = ph_rate_get_speed (&self->rate);
  self->seconds_left = ph_rate_get_seconds_left (&self->rate, self->total_size, bytes);
}

#define PUBLISH(field, value, prop)                                          \
  G_STMT_START {                                                             \
    if (self->published.field != (value))                                    \
      {                                                                      \
        self->published.field = (value);                                     \
        g_object_notify_by_pspec (G_OBJECT (self), ph_batch_properties[prop]);        \
        changed = TRUE;                                                      \
      }                                                                      \
  } G_STMT_END

static void
flush (PhBatch *self)
{
  gint64 bytes = ph_batch_live_bytes (self);
  g_autofree char *title = ph_batch_dup_title (self);
  gboolean changed = FALSE;

  self->last_flush = g_get_monotonic_time ();
  update_estimates (self, bytes);

  g_object_freeze_notify (G_OBJECT (self));
  PUBLISH (n_files, self->entries->len, PROP_N_FILES);
  PUBLISH (n_done, self->counts[PH_TRANSFER_DONE], PROP_N_DONE);
  PUBLISH (n_failed, self->counts[PH_TRANSFER_FAILED] - self->n_declined, PROP_N_FAILED);
  PUBLISH (n_cancelled, self->counts[PH_TRANSFER_CANCELLED], PROP_N_CANCELLED);
  PUBLISH (n_waiting, self->counts[PH_TRANSFER_WAITING], PROP_N_WAITING);
  PUBLISH (total_size, self->total_size, PROP_TOTAL_SIZE);
  PUBLISH (bytes_done, bytes, PROP_BYTES_DONE);
  PUBLISH (speed, self->speed, PROP_SPEED);
  PUBLISH (seconds_left, self->seconds_left, PROP_SECONDS_LEFT);
  PUBLISH (state, ph_batch_get_state (self), PROP_STATE);
  if (g_strcmp0 (self->published.title, title) != 0)
    {
      g_free (self->published.title);
      self->published.title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), ph_batch_properties[PROP_TITLE]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    g_signal_emit (self, ph_batch_signals[SIGNAL_CHANGED], 0);
}

#undef PUBLISH

static gboolean
flush_cb (gpointer user_data)
{
  PhBatch *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);

  /* Bytes move without events: keep sampling while anything runs. */
  if (self->active->len > 0)
    ph_batch_schedule_flush (self);

  return G_SOURCE_REMOVE;
}

/* The first change after a quiet spell is published on the next
 * iteration; later ones wait for the rest of the interval. */
void
ph_batch_schedule_flush (PhBatch *self)
{
  gint64 delay;

  if (self->flush_source != NULL)
    return;

  delay = (self->last_flush + FLUSH_MSEC * 1000 - g_get_monotonic_time ()) / 1000;
  self->flush_source = g_timeout_source_new (CLAMP (delay, 0, FLUSH_MSEC));
  g_source_set_static_name (self->flush_source, "[posthouse] batch progress");
  g_source_set_callback (self->flush_source, flush_cb, self, NULL);
  g_source_attach (self->flush_source, self->context);
}

/* Counting */

/* Returns: whether the transfer ended just now */
static gboolean
entry_count (Entry           *entry,
             PhTransferState  state)
{
  PhBatch *self = entry->batch;
  PhTransfer *transfer = entry->transfer;
  gboolean was_final = ph_transfer_state_is_final (entry->state);
  gboolean active = ph_transfer_state_is_active (state);

  self->counts[entry->state]--;
  self->counts[state]++;
  entry->state = state;

  if (active != entry->active)
    {
      entry->active = active;
      if (active)
        active_add (self, entry);
      else
        active_remove (self, entry);
    }

  if ((state == PH_TRANSFER_SENDING || state == PH_TRANSFER_RECEIVING) && self->data_start == 0)
    self->data_start = g_get_monotonic_time ();
  update_moving (self);

  if (ph_transfer_state_is_final (state) && !was_final)
    {
      const GError *error = ph_transfer_get_error (transfer);

      self->last_activity = g_get_monotonic_time ();
      if (state == PH_TRANSFER_DONE)
        {
          self->finished_bytes += ph_transfer_get_bytes_done (transfer);
          if (self->first_file == NULL && ph_transfer_get_file (transfer) != NULL)
            self->first_file = g_object_ref (ph_transfer_get_file (transfer));
        }
      else if (error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        {
          entry->declined = TRUE;
          self->n_declined++;
        }
      else if (state == PH_TRANSFER_FAILED && self->error_message == NULL)
        self->error_message = g_strdup (ph_transfer_get_error_message (transfer));

      if (n_finished (self) == self->entries->len)
        self->finish_time = self->last_activity;
      return TRUE;
    }

  return FALSE;
}

static void
entry_uncount (Entry *entry)
{
  PhBatch *self = entry->batch;

  self->counts[entry->state]--;
  self->total_size -= entry->size;
  if (entry->state == PH_TRANSFER_DONE)
    self->finished_bytes -= ph_transfer_get_bytes_done (entry->transfer);
  if (entry->declined)
    self->n_declined--;
  if (entry->active)
    active_remove (self, entry);
}

static void
transfer_state_cb (PhTransfer *transfer,
                   GParamSpec *pspec,
                   Entry      *entry)
{
  if (entry_count (entry, ph_transfer_get_state (transfer)))
    g_signal_emit (entry->batch, ph_batch_signals[SIGNAL_TRANSFER_FINISHED], 0, transfer);
  ph_batch_schedule_flush (entry->batch);
}

static void
transfer_size_cb (PhTransfer *transfer,
                  GParamSpec *pspec,
                  Entry      *entry)
{
  gint64 size = MAX (ph_transfer_get_size (transfer), 0);

  entry->batch->total_size += size - entry->size;
  entry->size = size;
  ph_batch_schedule_flush (entry->batch);
}

static void
transfer_watch_cb (PhTransfer          *transfer,
                   PhTransferWatchKind  kind,
                   gpointer             user_data)
{
  if (kind == PH_TRANSFER_WATCH_SIZE)
    transfer_size_cb (transfer, NULL, user_data);
  else
    transfer_state_cb (transfer, NULL, user_data);
}

void
ph_batch_entry_free (gpointer data)
{
  Entry *entry = data;

  if (entry->connected)
    g_signal_handlers_disconnect_by_data (entry->transfer, entry);
  else
    ph_transfer_clear_watch (entry->transfer, entry);
  g_object_unref (entry->transfer);
  g_free (entry);
}

static Entry *
entry_new (PhBatch    *self,
           PhTransfer *transfer)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->batch = self;
  entry->transfer = g_object_ref (transfer);
  entry->state = PH_TRANSFER_QUEUED;
  self->counts[PH_TRANSFER_QUEUED]++;
  entry->size = MAX (ph_transfer_get_size (transfer), 0);
  self->total_size += entry->size;
  entry_count (entry, ph_transfer_get_state (transfer));

  /* The transfer's watch costs less than two handlers, 100,000 times. */
  if (!ph_transfer_set_watch (transfer, transfer_watch_cb, entry))
    {
      entry->connected = TRUE;
      g_signal_connect (transfer, "notify::state", G_CALLBACK (transfer_state_cb), entry);
      g_signal_connect (transfer, "notify::size", G_CALLBACK (transfer_size_cb), entry);
    }

  return entry;
}

/* What the batch's decision or cancellation means for a transfer. */
static void
apply_decision (PhBatch    *self,
                PhTransfer *transfer)
{
  PhTransferState state = ph_transfer_get_state (transfer);

  if (state == PH_TRANSFER_WAITING)
    {
      if (self->decision == DECISION_ACCEPT)
        ph_transfer_accept (transfer);
      else if (self->decision == DECISION_DECLINE)
        ph_transfer_decline (transfer);
    }
  else if (self->cancelled && !ph_transfer_state_is_final (state))
    ph_transfer_cancel (transfer);
}

/* The unfinished transfers, held: acting on one may run handlers. */
static GPtrArray *
dup_transfers (PhBatch *self)
{
  GPtrArray *transfers = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (!ph_transfer_state_is_final (entry->state))
        g_ptr_array_add (transfers, g_object_ref (entry->transfer));
    }

  return transfers;
}

void
ph_batch_cancelled_cb (GCancellable *cancellable,
                       PhBatch      *self)
{
  g_autoptr(GPtrArray) transfers = NULL;

  self->cancelled = TRUE;
  if (self->decision == DECISION_NONE)
    self->decision = DECISION_DECLINE;
  ph_batch_answer (self, FALSE);

  /* Cancelling may finish transfers (and run handlers) at once. */
  transfers = dup_transfers (self);
  for (guint i = 0; i < transfers->len; i++)
    apply_decision (self, g_ptr_array_index (transfers, i));
}

/* Appends @transfer (same direction). A WAITING one is accepted or
 * declined at once when the batch was; one added to a cancelled batch
 * is declined or cancelled. */
void
ph_batch_add (PhBatch    *self,
              PhTransfer *transfer)
{
  guint position;

  g_return_if_fail (PH_IS_BATCH (self));
  g_return_if_fail (PH_IS_TRANSFER (transfer));
  g_return_if_fail (ph_transfer_get_direction (transfer) == self->direction);

  position = self->entries->len;
  g_ptr_array_add (self->entries, entry_new (self, transfer));
  self->last_activity = g_get_monotonic_time ();
  if (ph_batch_is_finished (self))
    self->finish_time = self->last_activity;

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  ph_batch_schedule_flush (self);
  if (ph_transfer_is_finished (transfer))
    g_signal_emit (self, ph_batch_signals[SIGNAL_TRANSFER_FINISHED], 0, transfer);

  apply_decision (self, transfer);
}

/**
 * ph_batch_add_file:
 * @file: a file to send to the batch's peer
 * @size: its size if known, else -1
 *
 * Appends a queued outgoing transfer of @file. The size counts in
 * "total-size" until the sender measures the file itself.
 *
 * Returns: (transfer none): the new transfer
 */
PhTransfer *
ph_batch_add_file (PhBatch *self,
                   GFile   *file,
                   gint64   size)
{
  return ph_batch_add_file_path (self, file, NULL, size);
}

/**
 * ph_batch_add_file_path:
 * @file: a file to send to the batch's peer
 * @path: (nullable): its folder path for a receiver that announced
 *   paths=1 (ph_naming_relative_path()), %NULL for its base name
 * @size: its size if known, else -1
 *
 * As ph_batch_add_file(), with @path as the name on the wire
 * (ph_transfer_new_outgoing_path()).
 *
 * Returns: (transfer none): the new transfer
 */
PhTransfer *
ph_batch_add_file_path (PhBatch    *self,
                        GFile      *file,
                        const char *path,
                        gint64      size)
{
  g_autoptr(PhTransfer) transfer = NULL;

  g_return_val_if_fail (PH_IS_BATCH (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (self->direction == PH_TRANSFER_SEND, NULL);

  transfer = ph_transfer_new_outgoing_path (file, self->peer, path);
  g_return_val_if_fail (transfer != NULL, NULL);
  if (size >= 0)
    ph_transfer_set_size (transfer, size);
  ph_batch_add (self, transfer);

  return transfer;
}

/* Cancels every unfinished transfer (a WAITING one is declined). */
void
ph_batch_cancel (PhBatch *self)
{
  g_return_if_fail (PH_IS_BATCH (self));

  g_cancellable_cancel (self->cancellable);
}

static void
decide (PhBatch  *self,
        Decision  decision)
{
  g_autoptr(GPtrArray) transfers = NULL;

  if (self->cancelled)
    return;

  self->decision = decision;
  ph_batch_answer (self, decision == DECISION_ACCEPT);
  transfers = dup_transfers (self);
  for (guint i = 0; i < transfers->len; i++)
    apply_decision (self, g_ptr_array_index (transfers, i));
}

/* Accepts the transfers waiting for an answer, and those that arrive
 * waiting later in this batch: one question per batch. */
void
ph_batch_accept (PhBatch *self)
{
  g_return_if_fail (PH_IS_BATCH (self));

  decide (self, DECISION_ACCEPT);
}

/* Declines the waiting transfers, and those that arrive later in this
 * batch waiting for an answer. */
void
ph_batch_decline (PhBatch *self)
{
  g_return_if_fail (PH_IS_BATCH (self));

  decide (self, DECISION_DECLINE);
}

/**
 * ph_batch_retry_failed:
 *
 * Replaces each failed or cancelled outgoing transfer with a new queued
 * one of the same file to the same peer, in the same place.
 *
 * Returns: (transfer full): the new transfers, to be sent
 */
GListModel *
ph_batch_retry_failed (PhBatch *self)
{
  GListStore *retried;

  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  retried = g_list_store_new (PH_TYPE_TRANSFER);
  if (self->direction != PH_TRANSFER_SEND)
    return G_LIST_MODEL (retried);

  /* A fresh start: the batch is no longer cancelled. */
  if (self->cancelled)
    {
      g_cancellable_disconnect (self->cancellable, self->cancelled_id);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      self->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (ph_batch_cancelled_cb), self, NULL);
      self->cancelled = FALSE;
      self->decision = DECISION_NONE;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *old = g_ptr_array_index (self->entries, i);
      g_autoptr(PhTransfer) transfer = NULL;
      GFile *source = ph_transfer_get_source (old->transfer);

      if ((old->state != PH_TRANSFER_FAILED && old->state != PH_TRANSFER_CANCELLED) || source == NULL)
        continue;

      transfer = ph_transfer_new_outgoing (source, ph_transfer_get_peer (old->transfer));
      /* The same name on the wire: a folder path stays one. */
      ph_transfer_set_name (transfer, ph_transfer_get_name (old->transfer));
      if (old->size > 0)
        ph_transfer_set_size (transfer, old->size);
      entry_uncount (old);
      /* Frees the old entry. */
      g_ptr_array_index (self->entries, i) = entry_new (self, transfer);
      ph_batch_entry_free (old);
      g_list_store_append (retried, transfer);
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
    }

  g_clear_pointer (&self->error_message, g_free);
  self->last_activity = g_get_monotonic_time ();
  ph_batch_schedule_flush (self);

  return G_LIST_MODEL (retried);
}
