/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One file of a batch, in the batch's recycled list of files. */

#include "config.h"

#include "posthouse-core.h"

#include "ph-file-row-private.h"
#include "ph-format.h"

struct _PhFileRow
{
  GtkWidget       parent_instance;

  PhTransfer     *transfer;

  GtkLabel       *name_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkButton      *open_button;
  GtkButton      *folder_button;
  GtkButton      *cancel_button;
};

G_DEFINE_FINAL_TYPE (PhFileRow, ph_file_row, GTK_TYPE_WIDGET)

static void
update (PhFileRow *self)
{
  PhTransfer *transfer = self->transfer;
  PhTransferState state = ph_transfer_get_state (transfer);
  gboolean running = !ph_transfer_is_finished (transfer) && state != PH_TRANSFER_WAITING;
  gint64 size = ph_transfer_get_size (transfer);
  GFile *file = ph_transfer_get_file (transfer);
  gboolean saved = state == PH_TRANSFER_DONE && file != NULL;
  g_autofree char *status = ph_format_transfer_status (transfer);
  g_autofree char *label = NULL;
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_label_set_label (self->name_label, ph_transfer_get_name (transfer));
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   size > 0 ? (double) ph_transfer_get_bytes_done (transfer) / size : 0.0);

  if (state == PH_TRANSFER_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->open_button), saved);
  gtk_widget_set_visible (GTK_WIDGET (self->folder_button), saved);
  if (saved)
    {
      g_autofree char *uri = g_file_get_uri (file);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", uri);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->folder_button), "s", uri);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !ph_transfer_is_finished (transfer));

  /* The list item is what gets the focus: it says what the row says. */
  label = g_strdup_printf ("%s, %s", ph_transfer_get_name (transfer), status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
transfer_notify_cb (PhFileRow *self)
{
  /* A transfer notifies ten times a second at most. */
  update (self);
}

static void
cancel_clicked_cb (PhFileRow *self)
{
  if (self->transfer != NULL)
    ph_transfer_cancel (self->transfer);
}

static void
ph_file_row_dispose (GObject *object)
{
  PhFileRow *self = PH_FILE_ROW (object);
  GtkWidget *child;

  ph_file_row_set_transfer (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_FILE_ROW);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ph_file_row_parent_class)->dispose (object);
}

static void
ph_file_row_class_init (PhFileRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_file_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-file-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
}

static void
ph_file_row_init (PhFileRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PhFileRow *
ph_file_row_new (void)
{
  return g_object_new (PH_TYPE_FILE_ROW, NULL);
}

/* Shows @transfer from now on (NULL: nothing, waiting for reuse). */
void
ph_file_row_set_transfer (PhFileRow  *self,
                          PhTransfer *transfer)
{
  g_return_if_fail (PH_IS_FILE_ROW (self));
  g_return_if_fail (transfer == NULL || PH_IS_TRANSFER (transfer));

  if (self->transfer == transfer)
    return;

  if (self->transfer != NULL)
    g_signal_handlers_disconnect_by_func (self->transfer, transfer_notify_cb, self);
  g_set_object (&self->transfer, transfer);

  if (transfer != NULL)
    {
      g_signal_connect_swapped (transfer, "notify", G_CALLBACK (transfer_notify_cb), self);
      update (self);
    }
}

PhTransfer *
ph_file_row_get_transfer (PhFileRow *self)
{
  g_return_val_if_fail (PH_IS_FILE_ROW (self), NULL);

  return self->transfer;
}

const char *
ph_file_row_get_status_text (PhFileRow *self)
{
  g_return_val_if_fail (PH_IS_FILE_ROW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

GtkButton *
ph_file_row_get_button (PhFileRow  *self,
                        const char *name)
{
  g_return_val_if_fail (PH_IS_FILE_ROW (self), NULL);

  if (g_str_equal (name, "open"))
    return self->open_button;
  if (g_str_equal (name, "folder"))
    return self->folder_button;
  if (g_str_equal (name, "cancel"))
    return self->cancel_button;
  return NULL;
}
