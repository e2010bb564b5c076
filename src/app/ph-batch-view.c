/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A batch opened: its summary, and its files in a recycled list, so a
 * batch of 10,000 files costs the rows on screen. A batch of this
 * session lists its transfers; a stored one its files, paged in from
 * the history as the list is scrolled. "changed" says the batch shown
 * changed (what the page's title says). */

#include "config.h"

#include "posthouse-core.h"

#include "ph-batch-row-private.h"
#include "ph-batch-view-private.h"
#include "ph-file-row.h"
#include "ph-stored-files.h"

struct _PhBatchView
{
  GtkWidget          parent_instance;

  GObject           *item;       /* PhBatch or PhHistoryBatch */
  GListModel        *files;      /* the batch, or PhStoredFiles */

  PhBatchRow        *summary;
  GtkScrolledWindow *scroller;
  GtkListView       *file_list;
};

G_DEFINE_FINAL_TYPE (PhBatchView, ph_batch_view, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
incoming (PhBatchView *self)
{
  if (PH_IS_HISTORY_BATCH (self->item))
    return ph_history_batch_get_direction (PH_HISTORY_BATCH (self->item)) == PH_TRANSFER_RECEIVE;
  return self->item != NULL && ph_batch_get_direction (PH_BATCH (self->item)) == PH_TRANSFER_RECEIVE;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (item, GTK_WIDGET (ph_file_row_new ()));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         PhBatchView              *self)
{
  ph_file_row_set_item (PH_FILE_ROW (gtk_list_item_get_child (item)),
                        gtk_list_item_get_item (item), incoming (self));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  ph_file_row_set_item (PH_FILE_ROW (gtk_list_item_get_child (item)), NULL, FALSE);
}

/* Enter or a double click on a received file opens it. */
static void
file_activated_cb (PhBatchView *self,
                   guint        position)
{
  g_autoptr(GObject) item = g_list_model_get_item (self->files, position);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (PH_IS_TRANSFER (item) && ph_transfer_get_state (PH_TRANSFER (item)) == PH_TRANSFER_DONE &&
      ph_transfer_get_file (PH_TRANSFER (item)) != NULL)
    file = g_object_ref (ph_transfer_get_file (PH_TRANSFER (item)));
  else if (PH_IS_HISTORY_FILE (item) && incoming (self) &&
           ph_history_file_get_outcome (PH_HISTORY_FILE (item)) == PH_HISTORY_DONE)
    file = ph_history_file_dup_file (PH_HISTORY_FILE (item));

  if (file == NULL)
    return;

  uri = g_file_get_uri (file);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-file", "s", uri);
}

/* Near the end of a stored batch's files, the next page. */
static void
scrolled_cb (PhBatchView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double below = gtk_adjustment_get_upper (adjustment) -
                 (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment));

  if (PH_IS_STORED_FILES (self->files) && below < 2 * gtk_adjustment_get_page_size (adjustment))
    ph_stored_files_load_more (PH_STORED_FILES (self->files));
}

static void
item_changed_cb (PhBatchView *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
ph_batch_view_dispose (GObject *object)
{
  PhBatchView *self = PH_BATCH_VIEW (object);
  GtkWidget *child;

  ph_batch_view_set_item (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_BATCH_VIEW);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ph_batch_view_parent_class)->dispose (object);
}

static void
ph_batch_view_class_init (PhBatchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_batch_view_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (PH_TYPE_BATCH_ROW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-batch-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PhBatchView, summary);
  gtk_widget_class_bind_template_child (widget_class, PhBatchView, scroller);
  gtk_widget_class_bind_template_child (widget_class, PhBatchView, file_list);
  gtk_widget_class_bind_template_callback (widget_class, file_activated_cb);
}

static void
ph_batch_view_init (PhBatchView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));
  ph_batch_row_set_show_arrow (self->summary, FALSE);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->file_list, factory);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (scrolled_cb), self);
  g_signal_connect_swapped (adjustment, "changed", G_CALLBACK (scrolled_cb), self);
}

PhBatchView *
ph_batch_view_new (void)
{
  return g_object_new (PH_TYPE_BATCH_VIEW, NULL);
}

/* The devices this computer remembers: its summary warns of a new key. */
void
ph_batch_view_set_devices (PhBatchView *self,
                           PhDevices   *devices)
{
  g_return_if_fail (PH_IS_BATCH_VIEW (self));

  ph_batch_row_set_devices (self->summary, devices);
}

/**
 * ph_batch_view_set_item:
 * @item: (nullable): a #PhBatch or a #PhHistoryBatch (NULL: nothing,
 *   nothing held)
 * @history: (nullable): where a stored batch's files are read from
 *
 * Shows @item and its files.
 */
void
ph_batch_view_set_item (PhBatchView *self,
                        gpointer     item,
                        PhHistory   *history)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (PH_IS_BATCH_VIEW (self));
  g_return_if_fail (item == NULL || PH_IS_BATCH (item) || PH_IS_HISTORY_BATCH (item));

  if (self->item == item)
    return;

  if (self->item != NULL && PH_IS_BATCH (self->item))
    g_signal_handlers_disconnect_by_func (self->item, item_changed_cb, self);
  g_set_object (&self->item, item);
  g_clear_object (&self->files);

  if (PH_IS_BATCH (item))
    {
      self->files = g_object_ref (G_LIST_MODEL (item));
      g_signal_connect_swapped (item, "changed", G_CALLBACK (item_changed_cb), self);
    }
  else if (item != NULL && history != NULL)
    self->files = G_LIST_MODEL (ph_stored_files_new (history, item));

  if (self->files != NULL)
    selection = gtk_no_selection_new (g_object_ref (self->files));
  if (self->file_list != NULL)
    {
      ph_batch_row_set_item (self->summary, item);
      gtk_list_view_set_model (self->file_list, GTK_SELECTION_MODEL (selection));
    }
}

/* Returns: (transfer none) (nullable): the PhBatch or PhHistoryBatch shown */
gpointer
ph_batch_view_get_item (PhBatchView *self)
{
  g_return_val_if_fail (PH_IS_BATCH_VIEW (self), NULL);

  return self->item;
}

/* Returns: (transfer none) (nullable): the batch of this session shown */
PhBatch *
ph_batch_view_get_batch (PhBatchView *self)
{
  g_return_val_if_fail (PH_IS_BATCH_VIEW (self), NULL);

  return PH_IS_BATCH (self->item) ? PH_BATCH (self->item) : NULL;
}

GtkListView *
ph_batch_view_get_file_list (PhBatchView *self)
{
  g_return_val_if_fail (PH_IS_BATCH_VIEW (self), NULL);

  return self->file_list;
}

const char *
ph_batch_view_get_status_text (PhBatchView *self)
{
  g_return_val_if_fail (PH_IS_BATCH_VIEW (self), NULL);

  return ph_batch_row_get_status_text (self->summary);
}
