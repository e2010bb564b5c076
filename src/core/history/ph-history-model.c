/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-history-model.h"

struct _PhHistoryModel
{
  GObject         parent_instance;

  PhHistory      *history;
  GPtrArray      *items;       /* PhHistoryBatch*, newest first */
  PhHistoryBatch *last;        /* the key of the next page */
  GCancellable   *loading;
  guint           page_size;
  gboolean        complete;
  gboolean        more_wanted;
};

static void ph_history_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhHistoryModel, ph_history_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_history_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ph_history_model_get_item_type (GListModel *model)
{
  return PH_TYPE_HISTORY_BATCH;
}

static guint
ph_history_model_get_n_items (GListModel *model)
{
  return PH_HISTORY_MODEL (model)->items->len;
}

static gpointer
ph_history_model_get_item (GListModel *model,
                           guint       position)
{
  PhHistoryModel *self = PH_HISTORY_MODEL (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ph_history_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_history_model_get_item_type;
  iface->get_n_items = ph_history_model_get_n_items;
  iface->get_item = ph_history_model_get_item;
}

static void
ph_history_model_dispose (GObject *object)
{
  PhHistoryModel *self = PH_HISTORY_MODEL (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->history);
  g_clear_object (&self->last);

  G_OBJECT_CLASS (ph_history_model_parent_class)->dispose (object);
}

static void
ph_history_model_finalize (GObject *object)
{
  PhHistoryModel *self = PH_HISTORY_MODEL (object);

  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (ph_history_model_parent_class)->finalize (object);
}

static void
ph_history_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PhHistoryModel *self = PH_HISTORY_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading != NULL);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_history_model_class_init (PhHistoryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_history_model_dispose;
  object_class->finalize = ph_history_model_finalize;
  object_class->get_property = ph_history_model_get_property;

  /* A page is on its way (a spinner at the end of the list). */
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  /* Every stored batch is in the model: nothing older to load. */
  properties[PROP_COMPLETE] = g_param_spec_boolean ("complete", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_history_model_init (PhHistoryModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * ph_history_model_new:
 * @page_size: how many batches to load at a time
 *
 * Returns: (transfer full): an empty model; ph_history_model_load_more()
 *   loads the first page
 */
PhHistoryModel *
ph_history_model_new (PhHistory *history,
                      guint      page_size)
{
  PhHistoryModel *self;

  g_return_val_if_fail (PH_IS_HISTORY (history), NULL);
  g_return_val_if_fail (page_size > 0, NULL);

  self = g_object_new (PH_TYPE_HISTORY_MODEL, NULL);
  self->history = g_object_ref (history);
  self->page_size = page_size;
  return self;
}

static void
set_loading (PhHistoryModel *self,
             GCancellable   *loading)
{
  if (self->loading == loading)
    return;

  g_set_object (&self->loading, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PhHistoryModel) self = user_data;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  guint position = self->items->len;

  page = ph_history_load_batches_finish (PH_HISTORY (source), result, &error);
  /* A page asked for before a reload (or the model's end) is stale. */
  if (self->history == NULL || self->loading == NULL ||
      g_task_get_cancellable (G_TASK (result)) != self->loading)
    return;

  set_loading (self, NULL);
  if (page == NULL)
    {
      g_warning ("History not loaded: %s", error->message);
      return;
    }

  if (page->len > 0)
    g_set_object (&self->last, g_ptr_array_index (page, page->len - 1));
  for (guint i = 0; i < page->len; i++)
    {
      PhHistoryBatch *batch = g_ptr_array_index (page, i);

      if (!ph_history_is_live (self->history, ph_history_batch_get_id (batch)))
        g_ptr_array_add (self->items, g_object_ref (batch));
    }
  if (self->items->len > position)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, self->items->len - position);

  if (page->len < self->page_size)
    {
      self->complete = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
    }
  /* A page of live batches only showed nothing: the list still wants
   * the page it asked for. */
  else if (self->items->len == position)
    ph_history_model_load_more (self);
  else if (self->more_wanted)
    {
      self->more_wanted = FALSE;
      ph_history_model_load_more (self);
    }
}

/* Loads the next page, older than what the model holds; asked again
 * while a page is on its way, loads one more after it. */
void
ph_history_model_load_more (PhHistoryModel *self)
{
  g_autoptr(GCancellable) cancellable = NULL;

  g_return_if_fail (PH_IS_HISTORY_MODEL (self));

  if (self->complete)
    return;
  if (self->loading != NULL)
    {
      self->more_wanted = TRUE;
      return;
    }

  cancellable = g_cancellable_new ();
  set_loading (self, cancellable);
  ph_history_load_batches_async (self->history, self->last, self->page_size, cancellable,
                                 loaded_cb, g_object_ref (self));
}

/* Empties the model and loads the first page again: after Clear
 * History, or when another program (the CLI) stored batches. */
void
ph_history_model_reload (PhHistoryModel *self)
{
  guint n;

  g_return_if_fail (PH_IS_HISTORY_MODEL (self));

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  set_loading (self, NULL);
  g_clear_object (&self->last);
  self->more_wanted = FALSE;
  if (self->complete)
    {
      self->complete = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
    }

  n = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);

  ph_history_model_load_more (self);
}

/* Takes the batch @id out of the model (once deleted from the store).
 * Returns: whether it was there */
gboolean
ph_history_model_remove (PhHistoryModel *self,
                         const char     *id)
{
  g_return_val_if_fail (PH_IS_HISTORY_MODEL (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (ph_history_batch_get_id (g_ptr_array_index (self->items, i)), id) == 0)
      {
        g_ptr_array_remove_index (self->items, i);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        return TRUE;
      }

  return FALSE;
}

gboolean
ph_history_model_get_loading (PhHistoryModel *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_MODEL (self), FALSE);

  return self->loading != NULL;
}

gboolean
ph_history_model_get_complete (PhHistoryModel *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_MODEL (self), FALSE);

  return self->complete;
}
