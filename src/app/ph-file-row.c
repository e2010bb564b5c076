/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One file of a batch, in the batch's recycled list of files: its kind
 * (the icon a file manager shows), its name and the folder it was in,
 * its progress or outcome. A file of this session (PhTransfer) or of
 * the history (PhHistoryFile) alike; a stored one offers Open and Show
 * in Folder only while it is still there. */

#include "config.h"

#include <string.h>

#include "posthouse-core.h"

#include "ph-file-row-private.h"
#include "ph-format.h"

struct _PhFileRow
{
  GtkWidget       parent_instance;

  GObject        *item;          /* PhTransfer or PhHistoryFile */
  gboolean        incoming;      /* for a stored file: its batch's */
  GCancellable   *looking;       /* does a stored file still exist */
  GFile          *found;         /* a stored file that does */

  GtkImage       *type_icon;
  GtkLabel       *name_label;
  GtkLabel       *folder_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkButton      *open_button;
  GtkButton      *folder_button;
  GtkButton      *cancel_button;
};

G_DEFINE_FINAL_TYPE (PhFileRow, ph_file_row, GTK_TYPE_WIDGET)

/* The symbolic icon of the kind of file its name says. */
static GIcon *
type_icon_for (const char *name)
{
  g_autofree char *type = g_content_type_guess (name, NULL, 0, NULL);

  return g_content_type_get_symbolic_icon (type);
}

static void
show_file (PhFileRow  *self,
           const char *name,
           const char *folder,
           const char *status,
           GFile      *openable)
{
  g_autoptr(GIcon) icon = type_icon_for (name);
  g_autofree char *label = NULL;
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_image_set_from_gicon (self->type_icon, icon);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->folder_label, folder != NULL ? folder : "");
  gtk_widget_set_visible (GTK_WIDGET (self->folder_label), folder != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_label), folder);
  gtk_label_set_label (self->status_label, status);

  gtk_widget_set_visible (GTK_WIDGET (self->open_button), openable != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->folder_button), openable != NULL);
  if (openable != NULL)
    {
      g_autofree char *uri = g_file_get_uri (openable);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", uri);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->folder_button), "s", uri);
    }

  /* The list item is what gets the focus: it says what the row says. */
  if (folder != NULL)
    label = g_strdup_printf ("%s, %s, %s", name, folder, status);
  else
    label = g_strdup_printf ("%s, %s", name, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_transfer (PhFileRow  *self,
                 PhTransfer *transfer)
{
  PhTransferState state = ph_transfer_get_state (transfer);
  gboolean running = !ph_transfer_is_finished (transfer) && state != PH_TRANSFER_WAITING;
  gint64 size = ph_transfer_get_size (transfer);
  GFile *file = ph_transfer_get_file (transfer);
  const char *name = ph_transfer_get_name (transfer);
  const char *slash = strrchr (name, '/');
  g_autofree char *status = ph_format_transfer_status (transfer);
  g_autofree char *folder = ph_transfer_dup_folder (transfer);

  show_file (self, slash != NULL ? slash + 1 : name, folder, status,
             state == PH_TRANSFER_DONE ? file : NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   size > 0 ? (double) ph_transfer_get_bytes_done (transfer) / size : 0.0);

  if (state == PH_TRANSFER_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !ph_transfer_is_finished (transfer));
}

static void
update_stored (PhFileRow     *self,
               PhHistoryFile *file)
{
  PhHistoryOutcome outcome = ph_history_file_get_outcome (file);
  g_autofree char *status = ph_format_stored_file_status (file, self->incoming);

  show_file (self, ph_history_file_get_name (file), ph_history_file_get_folder (file), status,
             self->found);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  if (outcome != PH_HISTORY_DONE && outcome != PH_HISTORY_RUNNING && outcome != PH_HISTORY_CANCELLED &&
      outcome != PH_HISTORY_DECLINED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
update (PhFileRow *self)
{
  if (PH_IS_TRANSFER (self->item))
    update_transfer (self, PH_TRANSFER (self->item));
  else
    update_stored (self, PH_HISTORY_FILE (self->item));
}

static void
transfer_notify_cb (PhFileRow *self)
{
  /* A transfer notifies ten times a second at most. */
  update (self);
}

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  PhFileRow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info != NULL)
    g_set_object (&self->found, G_FILE (object));
  update (self);
}

static void
cancel_clicked_cb (PhFileRow *self)
{
  if (PH_IS_TRANSFER (self->item))
    ph_transfer_cancel (PH_TRANSFER (self->item));
}

static void
ph_file_row_dispose (GObject *object)
{
  PhFileRow *self = PH_FILE_ROW (object);
  GtkWidget *child;

  ph_file_row_set_item (self, NULL, FALSE);
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
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, type_icon);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PhFileRow, folder_label);
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

/**
 * ph_file_row_set_item:
 * @item: (nullable): a #PhTransfer or a #PhHistoryFile; %NULL shows
 *   nothing (the row waits for reuse)
 * @incoming: for a #PhHistoryFile, whether its batch was received
 */
void
ph_file_row_set_item (PhFileRow *self,
                      gpointer   item,
                      gboolean   incoming)
{
  g_return_if_fail (PH_IS_FILE_ROW (self));
  g_return_if_fail (item == NULL || PH_IS_TRANSFER (item) || PH_IS_HISTORY_FILE (item));

  if (self->item == item)
    return;

  if (self->item != NULL && PH_IS_TRANSFER (self->item))
    g_signal_handlers_disconnect_by_func (self->item, transfer_notify_cb, self);
  if (self->looking != NULL)
    g_cancellable_cancel (self->looking);
  g_clear_object (&self->looking);
  g_clear_object (&self->found);
  g_set_object (&self->item, item);
  self->incoming = incoming;

  if (item == NULL)
    return;

  if (PH_IS_TRANSFER (item))
    g_signal_connect_swapped (item, "notify", G_CALLBACK (transfer_notify_cb), self);
  else if (ph_history_file_get_outcome (item) == PH_HISTORY_DONE)
    {
      /* Where it was saved (or read from): still there? */
      g_autoptr(GFile) file = ph_history_file_dup_file (item);

      if (file != NULL)
        {
          self->looking = g_cancellable_new ();
          g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                                   G_PRIORITY_DEFAULT, self->looking, found_cb, self);
        }
    }
  update (self);
}

void
ph_file_row_set_transfer (PhFileRow  *self,
                          PhTransfer *transfer)
{
  ph_file_row_set_item (self, transfer, FALSE);
}

gpointer
ph_file_row_get_item (PhFileRow *self)
{
  g_return_val_if_fail (PH_IS_FILE_ROW (self), NULL);

  return self->item;
}

/* Test accessors */

PhTransfer *
ph_file_row_get_transfer (PhFileRow *self)
{
  return PH_IS_TRANSFER (self->item) ? PH_TRANSFER (self->item) : NULL;
}

const char *
ph_file_row_get_status_text (PhFileRow *self)
{
  return gtk_label_get_label (self->status_label);
}

const char *
ph_file_row_get_folder_text (PhFileRow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->folder_label)) ?
         gtk_label_get_label (self->folder_label) : NULL;
}

GIcon *
ph_file_row_get_icon (PhFileRow *self)
{
  return gtk_image_get_gicon (self->type_icon);
}

GtkButton *
ph_file_row_get_button (PhFileRow  *self,
                        const char *name)
{
  if (g_str_equal (name, "open"))
    return self->open_button;
  if (g_str_equal (name, "folder"))
    return self->folder_button;
  if (g_str_equal (name, "cancel"))
    return self->cancel_button;
  return NULL;
}
