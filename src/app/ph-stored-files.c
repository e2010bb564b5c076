/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhStoredFiles: a stored batch's files, paged in from the history. */

#include "config.h"

#include "ph-stored-files.h"

/* A screenful many times over; a batch of 100,000 files comes in as
 * the page is scrolled. */
#define PAGE 200

struct _PhStoredFiles
{
  GObject         parent_instance;

  PhHistory      *history;
  PhHistoryBatch *batch;
  GPtrArray      *files;      /* PhHistoryFile*, by position */
  GCancellable   *loading;
  gboolean        complete;
};

static GType
ph_stored_files_get_item_type (GListModel *model)
{
  return PH_TYPE_HISTORY_FILE;
}

static guint
ph_stored_files_get_n_items (GListModel *model)
{
  return PH_STORED_FILES (model)->files->len;
}

static gpointer
ph_stored_files_get_item (GListModel *model,
                          guint       position)
{
  PhStoredFiles *self = PH_STORED_FILES (model);

  if (position >= self->files->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->files, position));
}

static void
ph_stored_files_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_stored_files_get_item_type;
  iface->get_n_items = ph_stored_files_get_n_items;
  iface->get_item = ph_stored_files_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PhStoredFiles, ph_stored_files, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_stored_files_model_init))

static void
ph_stored_files_dispose (GObject *object)
{
  PhStoredFiles *self = PH_STORED_FILES (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->history);
  g_clear_object (&self->batch);

  G_OBJECT_CLASS (ph_stored_files_parent_class)->dispose (object);
}

static void
ph_stored_files_finalize (GObject *object)
{
  PhStoredFiles *self = PH_STORED_FILES (object);

  g_ptr_array_unref (self->files);

  G_OBJECT_CLASS (ph_stored_files_parent_class)->finalize (object);
}

static void
ph_stored_files_class_init (PhStoredFilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_stored_files_dispose;
  object_class->finalize = ph_stored_files_finalize;
}

static void
ph_stored_files_init (PhStoredFiles *self)
{
  self->files = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PhStoredFiles) self = user_data;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  guint position = self->files->len;

  page = ph_history_load_files_finish (PH_HISTORY (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);
  if (page == NULL)
    {
      g_warning ("Files of a stored batch not loaded: %s", error->message);
      self->complete = TRUE;
      return;
    }

  for (guint i = 0; i < page->len; i++)
    g_ptr_array_add (self->files, g_object_ref (g_ptr_array_index (page, i)));
  if (page->len < PAGE)
    self->complete = TRUE;
  if (page->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, page->len);
}

/* The next page, if there is one and none is on its way. */
void
ph_stored_files_load_more (PhStoredFiles *self)
{
  g_return_if_fail (PH_IS_STORED_FILES (self));

  if (self->complete || self->loading != NULL || self->history == NULL)
    return;

  self->loading = g_cancellable_new ();
  ph_history_load_files_async (self->history, self->batch, self->files->len, PAGE, self->loading,
                               loaded_cb, g_object_ref (self));
}

/* Returns: (transfer full): the model, its first page on its way */
PhStoredFiles *
ph_stored_files_new (PhHistory      *history,
                     PhHistoryBatch *batch)
{
  PhStoredFiles *self;

  g_return_val_if_fail (PH_IS_HISTORY (history), NULL);
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (batch), NULL);

  self = g_object_new (PH_TYPE_STORED_FILES, NULL);
  self->history = g_object_ref (history);
  self->batch = g_object_ref (batch);
  ph_stored_files_load_more (self);

  return self;
}
