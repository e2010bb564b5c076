/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A batch opened: its summary, and its files in a recycled list, so a
 * batch of 10,000 files costs the rows on screen. */

#include "config.h"

#include "posthouse-core.h"

#include "ph-batch-row-private.h"
#include "ph-batch-view-private.h"
#include "ph-file-row.h"

struct _PhBatchView
{
  GtkWidget       parent_instance;

  PhBatch        *batch;

  PhBatchRow     *summary;
  GtkListView    *file_list;
};

G_DEFINE_FINAL_TYPE (PhBatchView, ph_batch_view, GTK_TYPE_WIDGET)

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
         gpointer                  user_data)
{
  ph_file_row_set_transfer (PH_FILE_ROW (gtk_list_item_get_child (item)),
                            gtk_list_item_get_item (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  ph_file_row_set_transfer (PH_FILE_ROW (gtk_list_item_get_child (item)), NULL);
}

/* Enter or a double click on a received file opens it. */
static void
file_activated_cb (PhBatchView *self,
                   guint        position)
{
  g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->batch), position);
  GFile *file = transfer ? ph_transfer_get_file (transfer) : NULL;
  g_autofree char *uri = NULL;

  if (file == NULL || ph_transfer_get_state (transfer) != PH_TRANSFER_DONE)
    return;

  uri = g_file_get_uri (file);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-file", "s", uri);
}

static void
ph_batch_view_dispose (GObject *object)
{
  PhBatchView *self = PH_BATCH_VIEW (object);
  GtkWidget *child;

  ph_batch_view_set_batch (self, NULL);
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

  g_type_ensure (PH_TYPE_BATCH_ROW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-batch-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PhBatchView, summary);
  gtk_widget_class_bind_template_child (widget_class, PhBatchView, file_list);
  gtk_widget_class_bind_template_callback (widget_class, file_activated_cb);
}

static void
ph_batch_view_init (PhBatchView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  ph_batch_row_set_show_arrow (self->summary, FALSE);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_list_view_set_factory (self->file_list, factory);
}

PhBatchView *
ph_batch_view_new (void)
{
  return g_object_new (PH_TYPE_BATCH_VIEW, NULL);
}

/* Shows @batch and its files (NULL: nothing, nothing held). */
void
ph_batch_view_set_batch (PhBatchView *self,
                         PhBatch     *batch)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (PH_IS_BATCH_VIEW (self));
  g_return_if_fail (batch == NULL || PH_IS_BATCH (batch));

  if (self->batch == batch)
    return;

  g_set_object (&self->batch, batch);

  if (batch != NULL)
    selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (batch)));
  if (self->file_list != NULL)
    {
      ph_batch_row_set_batch (self->summary, batch);
      gtk_list_view_set_model (self->file_list, GTK_SELECTION_MODEL (selection));
    }
}

PhBatch *
ph_batch_view_get_batch (PhBatchView *self)
{
  g_return_val_if_fail (PH_IS_BATCH_VIEW (self), NULL);

  return self->batch;
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
