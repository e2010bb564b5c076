/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBatchList: the batches on show, and what Clear History, Cancel
 * All, Quit and the request bar act on. What is stored in the history
 * (ph-batch-list-history.c) joins them. */
#include "config.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "ph-batch-list-private.h"

static GType
ph_batch_list_get_item_type (GListModel *model)
{
  return PH_TYPE_BATCH;
}

static guint
ph_batch_list_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (PH_BATCH_LIST (model)->batches));
}

static gpointer
ph_batch_list_get_item (GListModel *model,
                        guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (PH_BATCH_LIST (model)->batches), position);
}

static void
ph_batch_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_batch_list_get_item_type;
  iface->get_n_items = ph_batch_list_get_n_items;
  iface->get_item = ph_batch_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PhBatchList, ph_batch_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_batch_list_model_init))

GParamSpec *ph_batch_list_properties[N_PROPS];
#define properties ph_batch_list_properties

void
ph_batch_list_update_can (PhBatchList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  gboolean can_clear = FALSE, can_cancel = FALSE;

  /* Stored batches are finished ones. */
  if (self->stored != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->stored)) > 0)
    can_clear = TRUE;

  for (guint i = 0; i < n && !(can_clear && can_cancel); i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (ph_batch_is_finished (batch))
        can_clear = TRUE;
      else
        can_cancel = TRUE;
    }

  if (can_clear != self->can_clear)
    {
      self->can_clear = can_clear;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CLEAR]);
    }
  if (can_cancel != self->can_cancel)
    {
      self->can_cancel = can_cancel;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CANCEL]);
    }
}

static void
update_request (PhBatchList *self,
                PhBatch     *batch)
{
  gboolean waiting = ph_batch_get_state (batch) == PH_TRANSFER_WAITING;
  guint position;

  if (g_list_store_find (self->requests, batch, &position))
    {
      if (!waiting)
        g_list_store_remove (self->requests, position);
    }
  else if (waiting)
    g_list_store_append (self->requests, batch);
}

static void
batch_state_cb (PhBatch     *batch,
                GParamSpec  *pspec,
                PhBatchList *self)
{
  update_request (self, batch);
  ph_batch_list_update_can (self);
}

static void
items_changed_cb (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  PhBatchList *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  ph_batch_list_update_can (self);
}

#ifdef HAVE_MALLOC_TRIM
static guint trim_id;

static gboolean
trim_cb (gpointer user_data)
{
  trim_id = 0;
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}
#endif

/* Freed memory goes back to the system too: thousands of transfers
 * leave the heap full of small holes that malloc would keep. Once more
 * a moment later, for what lets go after the list's change (rows, the
 * history's pages; 1.5 MiB of 10,000 files, bench/RESULTS.md). */
void
ph_batch_list_give_memory_back (void)
{
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
  if (trim_id == 0)
    trim_id = g_timeout_add_seconds (1, trim_cb, NULL);
#endif
}

/* Shows @batch first, and among the requests while it waits. */
void
ph_batch_list_add (PhBatchList *self,
                   PhBatch     *batch)
{
  g_return_if_fail (PH_IS_BATCH_LIST (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  g_signal_connect_object (batch, "notify::state", G_CALLBACK (batch_state_cb), self, 0);
  g_list_store_insert (self->batches, 0, batch);
  update_request (self, batch);
  ph_batch_list_track (self, batch);
}

/* Returns: (transfer none) (nullable): the batch listed with @id */
PhBatch *
ph_batch_list_find (PhBatchList *self,
                    const char  *id)
{
  guint n;

  g_return_val_if_fail (PH_IS_BATCH_LIST (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (g_strcmp0 (ph_batch_get_id (batch), id) == 0)
        return batch;  /* the store keeps it alive */
    }

  return NULL;
}

gboolean
ph_batch_list_contains (PhBatchList *self,
                        PhBatch     *batch)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), FALSE);

  return g_list_store_find (self->batches, batch, NULL);
}

/* Takes a finished @batch off the list. */
void
ph_batch_list_remove (PhBatchList *self,
                      PhBatch     *batch)
{
  guint position;

  g_return_if_fail (PH_IS_BATCH_LIST (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  if (!ph_batch_is_finished (batch) || !g_list_store_find (self->batches, batch, &position))
    return;

  g_signal_handlers_disconnect_by_data (batch, self);
  g_list_store_remove (self->batches, position);
  ph_batch_list_give_memory_back ();
}

/* Removes every finished batch in one change of the list, however many
 * files they hold, and frees them. */
void
ph_batch_list_clear_finished (PhBatchList *self)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_if_fail (PH_IS_BATCH_LIST (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      PhBatch *batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (ph_batch_is_finished (batch))
        {
          g_signal_handlers_disconnect_by_data (batch, self);
          g_object_unref (batch);
        }
      else
        g_ptr_array_add (kept, batch);
    }

  if (kept->len == n)
    return;

  g_list_store_splice (self->batches, 0, n, kept->pdata, kept->len);
  ph_batch_list_give_memory_back ();
}

void
ph_batch_list_cancel_all (PhBatchList *self)
{
  guint n;

  g_return_if_fail (PH_IS_BATCH_LIST (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      if (!ph_batch_is_finished (batch))
        ph_batch_cancel (batch);
    }
}

/* Returns: how many transfers, of every batch, are not finished */
guint
ph_batch_list_count_running (PhBatchList *self)
{
  guint n, running = 0;

  g_return_val_if_fail (PH_IS_BATCH_LIST (self), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

      running += ph_batch_get_n_files (batch) -
                 (ph_batch_get_n_done (batch) + ph_batch_get_n_failed (batch) +
                  ph_batch_get_n_declined (batch) + ph_batch_get_n_cancelled (batch));
    }

  return running;
}

gboolean
ph_batch_list_get_can_clear (PhBatchList *self)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), FALSE);

  return self->can_clear;
}

gboolean
ph_batch_list_get_can_cancel (PhBatchList *self)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), FALSE);

  return self->can_cancel;
}

/* Returns: (transfer none): the received batches waiting for an
 * answer, oldest first */
GListModel *
ph_batch_list_get_requests (PhBatchList *self)
{
  g_return_val_if_fail (PH_IS_BATCH_LIST (self), NULL);

  return G_LIST_MODEL (self->requests);
}

static void
ph_batch_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PhBatchList *self = PH_BATCH_LIST (object);

  switch (prop_id)
    {
    case PROP_CAN_CLEAR:
      g_value_set_boolean (value, self->can_clear);
      break;
    case PROP_CAN_CANCEL:
      g_value_set_boolean (value, self->can_cancel);
      break;
    case PROP_STORED:
      g_value_set_object (value, self->stored);
      break;
    case PROP_HISTORY_DAYS:
      g_value_set_int (value, self->history_days);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_batch_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PhBatchList *self = PH_BATCH_LIST (object);

  switch (prop_id)
    {
    case PROP_HISTORY_DAYS:
      ph_batch_list_set_history_days (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_batch_list_dispose (GObject *object)
{
  PhBatchList *self = PH_BATCH_LIST (object);

  if (self->batches != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->batches));

      g_signal_handlers_disconnect_by_data (self->batches, self);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(PhBatch) batch = g_list_model_get_item (G_LIST_MODEL (self->batches), i);

          g_signal_handlers_disconnect_by_data (batch, self);
        }
    }
  ph_batch_list_history_dispose (self);
  g_clear_object (&self->batches);
  g_clear_object (&self->requests);

  G_OBJECT_CLASS (ph_batch_list_parent_class)->dispose (object);
}

static void
ph_batch_list_class_init (PhBatchListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_batch_list_dispose;
  object_class->get_property = ph_batch_list_get_property;
  object_class->set_property = ph_batch_list_set_property;

  /* A batch is finished (or stored): Clear History has something to do. */
  properties[PROP_CAN_CLEAR] = g_param_spec_boolean ("can-clear", NULL, NULL, FALSE, ro);
  /* A batch runs: Cancel All has something to do. */
  properties[PROP_CAN_CANCEL] = g_param_spec_boolean ("can-cancel", NULL, NULL, FALSE, ro);
  /* The batches the history keeps, older than this session's, newest
   * first (a GListModel of PhHistoryBatch, loaded in pages); NULL while
   * there is no history. */
  properties[PROP_STORED] = g_param_spec_object ("stored", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /* How long the history keeps a batch: days, -1 for ever, 0 not at all. */
  properties[PROP_HISTORY_DAYS] =
    g_param_spec_int ("history-days", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_batch_list_init (PhBatchList *self)
{
  self->batches = g_list_store_new (PH_TYPE_BATCH);
  self->requests = g_list_store_new (PH_TYPE_BATCH);
  self->history_days = -1;
  g_signal_connect (self->batches, "items-changed", G_CALLBACK (items_changed_cb), self);
}

PhBatchList *
ph_batch_list_new (void)
{
  return g_object_new (PH_TYPE_BATCH_LIST, NULL);
}
