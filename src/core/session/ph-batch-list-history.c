/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBatchList and the history: every batch added is kept in it (with
 * the peer's name), the batches it holds from before are listed after
 * this session's, a page at a time, and forgetting (one batch, all of
 * them, or those older than the chosen time) happens here, for the
 * list and the store at once. */
#include "config.h"

#include "ph-batch-list-private.h"

/* A history kept for a chosen time is trimmed this often too, for a
 * program that receives in the background for weeks. */
#define EXPIRE_INTERVAL_S (60 * 60)

static gboolean
keeps (PhBatchList *self)
{
  return self->history != NULL && self->history_days != 0;
}

static void
device_name_cb (PhBatch     *batch,
                GParamSpec  *pspec,
                PhBatchList *self)
{
  if (self->history != NULL && ph_history_get_batch_id (self->history, batch) != NULL)
    ph_history_set_peer (self->history, batch, ph_batch_get_device_name (batch), NULL, FALSE);
}

/* Keeps @batch in the history from now on, with its peer's name. */
void
ph_batch_list_track (PhBatchList *self,
                     PhBatch     *batch)
{
  if (!keeps (self) || ph_history_get_batch_id (self->history, batch) != NULL)
    return;

  ph_history_track (self->history, batch);
  if (ph_batch_get_device_name (batch) != NULL)
    ph_history_set_peer (self->history, batch, ph_batch_get_device_name (batch), NULL, FALSE);
  g_signal_connect_object (batch, "notify::device-name", G_CALLBACK (device_name_cb), self, 0);
}

static void
track_all (PhBatchList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      ph_batch_list_track (self, batch);
    }
}

static void
stored_changed_cb (PhBatchList *self)
{
  ph_batch_list_update_can (self);
}

static void
set_stored (PhBatchList    *self,
            PhHistoryModel *stored)
{
  if (self->stored == stored)
    return;

  if (self->stored != NULL)
    g_signal_handlers_disconnect_by_data (self->stored, self);
  g_set_object (&self->stored, stored);
  if (stored != NULL)
    g_signal_connect_swapped (stored, "items-changed", G_CALLBACK (stored_changed_cb), self);

  g_object_notify_by_pspec (G_OBJECT (self), ph_batch_list_properties[PROP_STORED]);
  ph_batch_list_update_can (self);
}

static void
expired_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 n = ph_history_expire_finish (PH_HISTORY (object), result, &error);

  if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("History not trimmed: %s", error->message);
  else if (n > 0)
    g_debug ("History: %" G_GINT64_FORMAT " batches forgotten", n);
}

/* Forgets what is older than the chosen time (everything finished, for
 * "not at all"). Queued before any page is read, so a page never shows
 * what is about to go. Writes are never cancelled: the history waits
 * for them as it closes. */
static void
expire (PhBatchList *self)
{
  if (self->history == NULL || self->history_days < 0)
    return;

  ph_history_expire_async (self->history, (guint) self->history_days, NULL,
                           expired_cb, NULL);
}

static gboolean
expire_timeout_cb (gpointer user_data)
{
  PhBatchList *self = user_data;

  expire (self);
  if (self->stored != NULL && self->history_days > 0)
    ph_history_model_reload (self->stored);

  return G_SOURCE_CONTINUE;
}

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ph_history_delete_finish (PH_HISTORY (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("History: a batch not forgotten: %s", error->message);
}

/* "Not at all": what is tracked now goes too, running or not. */
static void
forget_tracked (PhBatchList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);
      const char *id = ph_history_get_batch_id (self->history, batch);

      if (id != NULL)
        ph_history_delete_async (self->history, id, NULL, forgotten_cb, NULL);
    }
}

/* Applies the chosen time: trims, and starts or stops keeping. */
static void
apply_days (PhBatchList *self)
{
  g_autoptr(PhHistoryModel) stored = NULL;

  g_clear_handle_id (&self->expire_id, g_source_remove);
  if (self->history == NULL)
    return;

  if (self->history_days == 0)
    forget_tracked (self);
  expire (self);

  if (self->history_days == 0)
    {
      set_stored (self, NULL);
      return;
    }

  track_all (self);
  if (self->history_days > 0)
    self->expire_id = g_timeout_add_seconds (EXPIRE_INTERVAL_S, expire_timeout_cb, self);

  if (self->stored != NULL)
    {
      /* A shorter time: what went must not stay listed. */
      ph_history_model_reload (self->stored);
      return;
    }

  stored = ph_history_model_new (self->history, PH_BATCH_LIST_PAGE);
  set_stored (self, stored);
  ph_history_model_load_more (stored);
}

/**
 * ph_batch_list_set_history:
 * @history: (nullable): where batches are kept
 *
 * Keeps every batch of the list in @history from now on (those listed
 * already too), unless "history-days" is 0, and lists the batches it
 * holds from before in "stored".
 */
void
ph_batch_list_set_history (PhBatchList *self,
                           PhHistory   *history)
{
  g_return_if_fail (PH_IS_BATCH_LIST (self));
  g_return_if_fail (history == NULL || PH_IS_HISTORY (history));

  if (self->history == history)
    return;

  set_stored (self, NULL);
  g_set_object (&self->history, history);
  apply_days (self);
}

/* Returns: (transfer none) (nullable): the history batches are kept in */
PhHistory *
ph_batch_list_get_history (PhBatchList *self)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), NULL);

  return self->history;
}

/* Returns: (transfer none) (nullable): the stored batches, PhHistoryBatch */
GListModel *
ph_batch_list_get_stored (PhBatchList *self)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), NULL);

  return self->stored != NULL ? G_LIST_MODEL (self->stored) : NULL;
}

/* The list was scrolled near its end: older batches, if there are any. */
void
ph_batch_list_load_more (PhBatchList *self)
{
  g_return_if_fail (PH_IS_BATCH_LIST (self));

  if (self->stored != NULL)
    ph_history_model_load_more (self->stored);
}

int
ph_batch_list_get_history_days (PhBatchList *self)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), -1);

  return self->history_days;
}

/**
 * ph_batch_list_set_history_days:
 * @days: how many days batches are kept; -1 for ever, 0 not at all
 *
 * Forgets at once what is older (with 0: everything, running batches
 * of this program included), and again every hour.
 */
void
ph_batch_list_set_history_days (PhBatchList *self,
                                int          days)
{
  g_return_if_fail (PH_IS_BATCH_LIST (self));

  days = MAX (days, -1);
  if (self->history_days == days)
    return;

  self->history_days = days;
  apply_days (self);
  g_object_notify_by_pspec (G_OBJECT (self), ph_batch_list_properties[PROP_HISTORY_DAYS]);
}

/* Returns: (transfer none) (nullable): the stored batch @id, if listed */
PhHistoryBatch *
ph_batch_list_find_stored (PhBatchList *self,
                           const char  *id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (PH_IS_BATCH_LIST (self), NULL);

  if (self->stored == NULL || id == NULL)
    return NULL;

  model = G_LIST_MODEL (self->stored);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhHistoryBatch) batch = g_list_model_get_item (model, i);

      if (g_str_equal (ph_history_batch_get_id (batch), id))
        return batch;  /* the model keeps it */
    }

  return NULL;
}

/**
 * ph_batch_list_forget:
 * @id: a batch of this session's (ph_batch_get_id()), or a stored one
 *   (ph_history_batch_get_id())
 *
 * Remove from History: takes a finished batch off the list and out of
 * the history.
 *
 * Returns: whether there was such a finished batch
 */
gboolean
ph_batch_list_forget (PhBatchList *self,
                      const char  *id)
{
  PhBatch *batch;

  g_return_val_if_fail (PH_IS_BATCH_LIST (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  batch = ph_batch_list_find (self, id);
  if (batch != NULL)
    {
      const char *stored_id;

      if (!ph_batch_is_finished (batch))
        return FALSE;
      stored_id = self->history ? ph_history_get_batch_id (self->history, batch) : NULL;
      if (stored_id != NULL)
        ph_history_delete_async (self->history, stored_id, NULL, forgotten_cb, NULL);
      ph_batch_list_remove (self, batch);
      return TRUE;
    }

  if (self->stored == NULL || !ph_history_model_remove (self->stored, id))
    return FALSE;

  ph_history_delete_async (self->history, id, NULL, forgotten_cb, NULL);
  return TRUE;
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (ph_history_clear_finish (PH_HISTORY (object), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("History not cleared: %s", error->message);
}

/* Clear History: every finished batch goes, from the list and the
 * store; running ones (here or in another program) stay. */
void
ph_batch_list_clear_history (PhBatchList *self)
{
  g_return_if_fail (PH_IS_BATCH_LIST (self));

  if (self->history != NULL)
    ph_history_clear_async (self->history, NULL, cleared_cb, NULL);
  ph_batch_list_clear_finished (self);
  /* After the clearing: jobs run in order. */
  if (self->stored != NULL)
    ph_history_model_reload (self->stored);
}

void
ph_batch_list_history_dispose (PhBatchList *self)
{
  g_clear_handle_id (&self->expire_id, g_source_remove);
  if (self->stored != NULL)
    g_signal_handlers_disconnect_by_data (self->stored, self);
  g_clear_object (&self->stored);
  g_clear_object (&self->history);
}
