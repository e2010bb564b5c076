/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A batch in the window's list: its name, who it went to or came from,
 * when, its progress or outcome, and what can be done with it (one
 * button, the rest in a menu). It shows a batch of this session
 * (PhBatch, which changes) or of the history (PhHistoryBatch, which
 * does not) alike; the list recycles it for another. A text received
 * is shown in it, to copy. A device that uses a paired device's name
 * with another key is warned of until it is paired again. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-batch-row-private.h"
#include "ph-format.h"

/* How much of a text a row shows. */
#define PREVIEW_CHARS 400

struct _PhBatchRow
{
  GtkWidget       parent_instance;

  GObject        *item;          /* PhBatch or PhHistoryBatch */
  GCancellable   *looking;       /* at its files: do they exist, is it text */
  GFile          *first;         /* the first file, once known to exist */
  char           *text;          /* a text received, its start */
  char           *link;          /* a single link in it */
  char           *menu_key;      /* what the menu holds now */
  GMenu          *menu;          /* its model; a popover only once opened */
  PhDevices      *devices;       /* (nullable): to tell a new key */
  gboolean        key_changed;

  GtkImage       *direction_icon;
  GtkLabel       *title_label;
  GtkImage       *warning_image;
  GtkLabel       *peer_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkLabel       *note_label;
  GtkBox         *text_box;
  GtkLabel       *text_label;
  GtkButton      *copy_button;
  GtkButton      *link_button;
  GtkButton      *retry_button;
  GtkButton      *open_button;
  GtkButton      *cancel_button;
  GtkMenuButton  *menu_button;
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

static const char *
item_id (PhBatchRow *self)
{
  return PH_IS_BATCH (self->item) ? ph_batch_get_id (PH_BATCH (self->item))
                                  : ph_history_batch_get_id (PH_HISTORY_BATCH (self->item));
}

/* The popover is made when the menu opens, not for every row: a list
 * of stored batches has many rows and few opened menus. */
static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  PhBatchRow *self = user_data;

  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (self->menu));
}

/* The menu: only what can be done now, rebuilt only when that changes. */
static void
update_menu (PhBatchRow         *self,
             const PhBatchFacts *facts)
{
  gboolean incoming = facts->direction == PH_TRANSFER_RECEIVE;
  g_autofree char *uri = self->first != NULL ? g_file_get_uri (self->first) : NULL;
  g_autofree char *key = NULL;
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenu) section = NULL;
  const char *id = item_id (self);

  key = g_strdup_printf ("%d%d%s", facts->finished, incoming, uri ? uri : "");
  if (g_strcmp0 (key, self->menu_key) == 0)
    return;
  g_free (self->menu_key);
  self->menu_key = g_steal_pointer (&key);

  menu = g_menu_new ();
  section = g_menu_new ();
  if (incoming && uri != NULL)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("Show in _Folder"), NULL);

      g_menu_item_set_action_and_target (item, "app.show-in-folder", "s", uri);
      g_menu_append_item (section, item);
    }
  if (!incoming && facts->finished && uri != NULL)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("Send _Again"), NULL);

      g_menu_item_set_action_and_target (item, "app.send-again", "s", id);
      g_menu_append_item (section, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (section)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  if (facts->finished)
    {
      g_autoptr(GMenu) last = g_menu_new ();
      g_autoptr(GMenuItem) item = g_menu_item_new (_("_Remove from History"), NULL);

      g_menu_item_set_action_and_target (item, "app.remove-batch", "s", id);
      g_menu_append_item (last, item);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (last));
    }

  /* A popover made for what the menu was goes. */
  gtk_menu_button_set_menu_model (self->menu_button, NULL);
  g_set_object (&self->menu, menu);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), g_menu_model_get_n_items (G_MENU_MODEL (menu)) > 0);
}

/* Who it is with, and a warning for a new key under a paired name. */
static char *
format_peer (PhBatchRow         *self,
             const PhBatchFacts *facts)
{
  g_autofree char *peer = ph_format_facts_peer (facts);
  PhDevice *replaced = ph_batch_facts_key_change (facts, self->devices);

  self->key_changed = replaced != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->warning_image), replaced != NULL);
  gtk_widget_set_css_classes (GTK_WIDGET (self->peer_label),
                              (const char *[]) { "caption", replaced != NULL ? "warning" : "dim-label", NULL });
  if (replaced == NULL)
    return g_steal_pointer (&peer);

  {
    g_autofree char *warning = ph_destination_describe_key_change (replaced, facts->device_name);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_image), warning);
  }
  /* Translators: an address, or "From Study Laptop", then a warning:
   * it shows another key than the paired device of its name */
  return g_strdup_printf (_("%s · Has a new key: pair again to trust it"), peer);
}

static void
update (PhBatchRow *self)
{
  g_auto(PhBatchFacts) facts;
  gboolean incoming, running, text;
  const char *id = item_id (self);
  g_autofree char *peer = NULL;
  g_autofree char *status = NULL;
  g_autofree char *uri = NULL;

  ph_batch_facts_init (&facts, self->item);
  incoming = facts.direction == PH_TRANSFER_RECEIVE;
  running = !facts.finished && facts.state != PH_TRANSFER_WAITING && !facts.stored;
  text = self->text != NULL;
  status = ph_format_facts_status (&facts);

  peer = format_peer (self, &facts);
  if (facts.finished && facts.start_time > 0)
    {
      g_autofree char *when = ph_format_when (facts.start_time, g_get_real_time ());
      g_autofree char *line = g_strdup_printf ("%s · %s", peer, when);

      g_free (peer);
      peer = g_steal_pointer (&line);
    }

  gtk_image_set_from_icon_name (self->direction_icon,
                                text ? "text-x-generic-symbolic" :
                                incoming ? "folder-download-symbolic" : "document-send-symbolic");
  if (text)
    {
      g_autofree char *short_title = ph_format_text_title (facts.title);

      gtk_label_set_label (self->title_label, short_title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), facts.title);
    }
  else
    {
      gtk_label_set_label (self->title_label, facts.title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), NULL);
    }
  gtk_label_set_label (self->peer_label, peer);
  gtk_label_set_label (self->status_label, status);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   facts.total_size > 0 ? (double) facts.bytes_done / facts.total_size : 0.0);

  if (facts.state == PH_TRANSFER_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (running)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");

  /* Said once per batch, not per file. */
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), facts.flattened);

  /* A text: what it says, to copy; a link, to open. */
  gtk_widget_set_visible (GTK_WIDGET (self->text_box), text);
  if (text)
    {
      g_autofree char *first = g_file_get_uri (self->first);

      gtk_label_set_label (self->text_label, self->text);
      set_action (self->copy_button, TRUE, first);
      set_action (self->link_button, self->link != NULL, self->link);
    }

  if (self->first != NULL)
    uri = g_file_get_uri (self->first);
  set_action (self->cancel_button, !facts.finished && !facts.stored, id);
  set_action (self->retry_button,
              !facts.stored && !incoming && facts.finished &&
              (facts.state == PH_TRANSFER_FAILED || facts.state == PH_TRANSFER_CANCELLED), id);
  set_action (self->open_button, incoming && !text && facts.n_files == 1 && facts.state == PH_TRANSFER_DONE, uri);
  update_menu (self, &facts);

  describe (self, facts.title, peer, status);
}

/* Looking at its files */

static void
text_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PhBatchRow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ph_text_file_load_finish (result, &error);
  const char *end;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (text == NULL)
    {
      g_debug ("Not shown as text: %s", error->message);
      return;
    }

  end = g_utf8_offset_to_pointer (text, MIN (g_utf8_strlen (text, -1), PREVIEW_CHARS));
  self->text = g_strndup (text, end - text);
  self->link = ph_text_dup_single_url (text);
  update (self);
}

/* A received batch of one small file named as texts are: load it. */
static void
look_for_text (PhBatchRow *self)
{
  g_auto(PhBatchFacts) facts;
  const char *name;

  ph_batch_facts_init (&facts, self->item);
  if (facts.direction != PH_TRANSFER_RECEIVE || facts.n_files != 1 || facts.state != PH_TRANSFER_DONE)
    return;

  name = facts.single != NULL ? ph_transfer_get_name (facts.single) : facts.title;
  if (ph_text_file_is_text (name, facts.total_size))
    ph_text_file_load_async (self->first, self->looking, text_loaded_cb, self);
}

static void
first_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PhBatchRow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Gone (moved, deleted): nothing to open, show or send again. */
  if (info != NULL)
    {
      g_set_object (&self->first, G_FILE (object));
      look_for_text (self);
    }
  update (self);
}

static GFile *
dup_first_file (GObject *item)
{
  if (PH_IS_HISTORY_BATCH (item))
    return ph_history_batch_dup_first_file (PH_HISTORY_BATCH (item));

  if (ph_batch_get_direction (PH_BATCH (item)) == PH_TRANSFER_RECEIVE)
    return ph_batch_get_first_file (PH_BATCH (item)) ? g_object_ref (ph_batch_get_first_file (PH_BATCH (item))) : NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (item)) > 0)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (item), 0);

      if (ph_transfer_get_source (transfer) != NULL)
        return g_object_ref (ph_transfer_get_source (transfer));
    }
  return NULL;
}

/* Once finished: whether its first file is still there (without
 * blocking: it may be on a slow disk), and whether it is a text. */
static void
look (PhBatchRow *self)
{
  g_autoptr(GFile) first = NULL;
  gboolean finished = PH_IS_HISTORY_BATCH (self->item) || ph_batch_is_finished (PH_BATCH (self->item));

  if (self->looking != NULL || !finished || (first = dup_first_file (self->item)) == NULL)
    return;

  self->looking = g_cancellable_new ();
  g_file_query_info_async (first, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->looking, first_checked_cb, self);
}

static void
batch_changed_cb (PhBatchRow *self)
{
  /* Once per publication of the batch: a few times a second at most. */
  look (self);
  update (self);
}

static void
forget_looks (PhBatchRow *self)
{
  if (self->looking != NULL)
    g_cancellable_cancel (self->looking);
  g_clear_object (&self->looking);
  g_clear_object (&self->first);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->link, g_free);
  g_clear_pointer (&self->menu_key, g_free);
  g_clear_object (&self->menu);
  if (self->menu_button != NULL)
    gtk_menu_button_set_menu_model (self->menu_button, NULL);
}

static void
ph_batch_row_dispose (GObject *object)
{
  PhBatchRow *self = PH_BATCH_ROW (object);
  GtkWidget *child;

  ph_batch_row_set_item (self, NULL);
  ph_batch_row_set_devices (self, NULL);
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
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, warning_image);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, peer_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, text_box);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, link_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PhBatchRow, arrow);
}

static void
ph_batch_row_init (PhBatchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->menu_button, create_popup_cb, self, NULL);
}

PhBatchRow *
ph_batch_row_new (void)
{
  return g_object_new (PH_TYPE_BATCH_ROW, NULL);
}

/* Shows @item, a PhBatch or a PhHistoryBatch, from now on (NULL:
 * nothing, the row waits for reuse). */
void
ph_batch_row_set_item (PhBatchRow *self,
                       gpointer    item)
{
  g_return_if_fail (PH_IS_BATCH_ROW (self));
  g_return_if_fail (item == NULL || PH_IS_BATCH (item) || PH_IS_HISTORY_BATCH (item));

  if (self->item == item)
    return;

  if (self->item != NULL && PH_IS_BATCH (self->item))
    g_signal_handlers_disconnect_by_func (self->item, batch_changed_cb, self);
  forget_looks (self);
  g_set_object (&self->item, item);

  if (item == NULL)
    return;

  /* A stored batch never changes. */
  if (PH_IS_BATCH (item))
    g_signal_connect_swapped (item, "changed", G_CALLBACK (batch_changed_cb), self);
  look (self);
  update (self);
}

void
ph_batch_row_set_batch (PhBatchRow *self,
                        PhBatch    *batch)
{
  ph_batch_row_set_item (self, batch);
}

static void
devices_changed_cb (PhBatchRow *self)
{
  if (self->item != NULL)
    update (self);
}

/**
 * ph_batch_row_set_devices:
 * @devices: (nullable): the devices this computer remembers: a batch
 *   with a new key under a paired device's name is warned of
 */
void
ph_batch_row_set_devices (PhBatchRow *self,
                          PhDevices  *devices)
{
  g_return_if_fail (PH_IS_BATCH_ROW (self));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  if (self->devices == devices)
    return;

  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_func (self->devices, devices_changed_cb, self);
  g_set_object (&self->devices, devices);
  if (devices != NULL)
    g_signal_connect_swapped (devices, "changed", G_CALLBACK (devices_changed_cb), self);
  devices_changed_cb (self);
}

/* The arrow says the row opens; the opened batch's own row has none. */
void
ph_batch_row_set_show_arrow (PhBatchRow *self,
                             gboolean    show_arrow)
{
  g_return_if_fail (PH_IS_BATCH_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->arrow), show_arrow);
}

/* Returns: (transfer none) (nullable): the PhBatch or PhHistoryBatch shown */
gpointer
ph_batch_row_get_item (PhBatchRow *self)
{
  g_return_val_if_fail (PH_IS_BATCH_ROW (self), NULL);

  return self->item;
}

/* Test accessors */

PhBatch *
ph_batch_row_get_batch (PhBatchRow *self)
{
  return PH_IS_BATCH (self->item) ? PH_BATCH (self->item) : NULL;
}

const char *
ph_batch_row_get_title_text (PhBatchRow *self)
{
  return gtk_label_get_label (self->title_label);
}

const char *
ph_batch_row_get_peer_text (PhBatchRow *self)
{
  return gtk_label_get_label (self->peer_label);
}

const char *
ph_batch_row_get_status_text (PhBatchRow *self)
{
  return gtk_label_get_label (self->status_label);
}

gboolean
ph_batch_row_get_key_changed (PhBatchRow *self)
{
  return self->key_changed;
}

gboolean
ph_batch_row_get_note_visible (PhBatchRow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->note_label));
}

/* The text shown, or NULL when the batch is no text. */
const char *
ph_batch_row_get_text (PhBatchRow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->text_box)) ? gtk_label_get_label (self->text_label) : NULL;
}

GMenuModel *
ph_batch_row_get_menu (PhBatchRow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->menu_button)) ? G_MENU_MODEL (self->menu) : NULL;
}

GtkButton *
ph_batch_row_get_button (PhBatchRow *self,
                         const char *name)
{
  if (g_str_equal (name, "retry"))
    return self->retry_button;
  if (g_str_equal (name, "open"))
    return self->open_button;
  if (g_str_equal (name, "cancel"))
    return self->cancel_button;
  if (g_str_equal (name, "copy"))
    return self->copy_button;
  if (g_str_equal (name, "link"))
    return self->link_button;
  return NULL;
}
