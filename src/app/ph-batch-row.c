/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A batch in the window's list: its name, the peer, aggregate progress
 * and the buttons that fit. It only shows whatever batch it is bound
 * to; the list recycles it for another. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-batch-row-private.h"
#include "ph-format.h"

struct _PhBatchRow
{
  GtkWidget       parent_instance;

  PhBatch        *batch;

  GtkImage       *direction_icon;
  GtkLabel       *title_label;
  GtkLabel       *peer_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkLabel       *note_label;
  GtkButton      *retry_button;
  GtkButton      *open_button;
  GtkButton      *folder_button;
  GtkButton      *cancel_button;
  GtkButton      *remove_button;
  GtkImage       *arrow;
};

G_DEFINE_FINAL_TYPE (PhBatchRow, ph_batch_row, GTK_TYPE_WIDGET)

static void
set_action (GtkButton  *button,
            gboolean    visible,
            const char *target)
{
  gtk_widget_set_visible (GTK_WIDGET (button), visible && target != NULL);
  if (visible && target != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
}

/* In a list, the list item is what gets the focus: it says what the
 * row says. */
static void
describe (PhBatchRow *self,
          const char *title,
          const char *peer,
          const char *status)
{
  g_autofree char *label = g_strdup_printf ("%s, %s, %s", title, peer, status);
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (item != NULL && gtk_widget_get_focusable (item))
    gtk_accessible_update_property (GTK_ACCESSIBLE (item),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update (PhBatchRow *self)
{
  PhBatch *batch = self->batch;
  PhTransferState state = ph_batch_get_state (batch);
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  gboolean finished = ph_batch_is_finished (batch);
  gboolean running = !finished && state != PH_TRANSFER_WAITING;
  gint64 total = ph_batch_get_total_size (batch);
  const char *id = ph_batch_get_id (batch);
  g_autofree char *title = ph_batch_dup_title (batch);
  g_autofree char *peer = ph_format_batch_peer (batch);
  g_autofree char *status = ph_format_batch_status (batch);
  g_autofree char *uri = NULL;

  gtk_image_set_from_icon_name (self->direction_icon,
                                incoming ? "folder-download-symbolic" : "document-send-symbolic");
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->peer_label, peer);
  gtk_label_set_label (self->status_label, status);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   total > 0 ? (double) ph_batch_get_bytes_done (batch) / total : 0.0);

  if (state == PH_TRANSFER_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (running)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");

  /* Said once per batch, not per file. */
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), ph_batch_get_flattened (batch));

  if (ph_batch_get_first_file (batch) != NULL)
    uri = g_file_get_uri (ph_batch_get_first_file (batch));

  set_action (self->cancel_button, !finished, id);
  set_action (self->retry_button,
              !incoming && finished && (state == PH_TRANSFER_FAILED || state == PH_TRANSFER_CANCELLED), id);
  set_action (self->remove_button, finished, id);
  set_action (self->folder_button, incoming, uri);
  set_action (self->open_button, incoming && ph_batch_get_n_files (batch) == 1, uri);

  describe (self, title, peer, status);
}

static void
batch_changed_cb (PhBatchRow *self)
{
  /* Once per publication of the batch: a few times a second at most. */
  update (self);
}

static void
ph_batch_row_dispose (GObject *object)
{
  PhBatchRow *self = PH_BATCH_ROW (object);
  GtkWidget *child;

  ph_batch_row_set_batch (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_BATCH_ROW);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ph_batch_row_parent_class)->dispose (object);
}

static void
ph_batch_row_class_init (PhBatchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_batch_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-batch-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, direction_icon);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, peer_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, arrow);
}

static void
ph_batch_row_init (PhBatchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PhBatchRow *
ph_batch_row_new (void)
{
  return g_object_new (PH_TYPE_BATCH_ROW, NULL);
}

/* Shows @batch from now on (NULL: nothing, the row waits for reuse). */
void
ph_batch_row_set_batch (PhBatchRow *self,
                        PhBatch    *batch)
{
  g_return_if_fail (PH_IS_BATCH_ROW (self));
  g_return_if_fail (batch == NULL || PH_IS_BATCH (batch));

  if (self->batch == batch)
    return;

  if (self->batch != NULL)
    g_signal_handlers_disconnect_by_func (self->batch, batch_changed_cb, self);
  g_set_object (&self->batch, batch);

  if (batch != NULL)
    {
      g_signal_connect_swapped (batch, "changed", G_CALLBACK (batch_changed_cb), self);
      update (self);
    }
}

/* The arrow says the row opens; the opened batch's own row has none. */
void
ph_batch_row_set_show_arrow (PhBatchRow *self,
                             gboolean    show_arrow)
{
  g_return_if_fail (PH_IS_BATCH_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->arrow), show_arrow);
}

PhBatch *
ph_batch_row_get_batch (PhBatchRow *self)
{
  g_return_val_if_fail (PH_IS_BATCH_ROW (self), NULL);

  return self->batch;
}

/* Test accessors */

const char *
ph_batch_row_get_title_text (PhBatchRow *self)
{
  return gtk_label_get_label (self->title_label);
}

const char *
ph_batch_row_get_status_text (PhBatchRow *self)
{
  return gtk_label_get_label (self->status_label);
}

gboolean
ph_batch_row_get_note_visible (PhBatchRow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->note_label));
}

GtkButton *
ph_batch_row_get_button (PhBatchRow *self,
                         const char *name)
{
  if (g_str_equal (name, "retry"))
    return self->retry_button;
  if (g_str_equal (name, "open"))
    return self->open_button;
  if (g_str_equal (name, "folder"))
    return self->folder_button;
  if (g_str_equal (name, "cancel"))
    return self->cancel_button;
  if (g_str_equal (name, "remove"))
    return self->remove_button;
  return NULL;
}
