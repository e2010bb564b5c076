/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files in: dropped anywhere on the window, pasted (a text too),
 * chosen, or handed over by `posthouse FILE…`. What comes together is
 * one batch (ph-window-send.c sends it). */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-nearby-list.h"
#include "ph-window-private.h"

/* What the highlight says while files are dragged over the window: where
 * they will go. With computers nearby it lets their rows show through,
 * so that files can be dropped on one of them. */
void
ph_window_update_drop_label (PhWindow *self)
{
  const char *text = ph_panel_get_destination (self->panel);
  PhNearbyList *list = ph_panel_get_nearby_list (self->panel);
  PhNearbyReceiver *hovered = ph_nearby_list_get_drop_peer (list);
  PhNearbyReceiver *nearby = ph_destination_find_nearby (self->browser, text);
  PhBrowser *browser = ph_nearby_list_get_browser (list);
  gboolean see_through = browser != NULL && g_list_model_get_n_items (G_LIST_MODEL (browser)) > 0;
  g_autofree char *label = NULL;

  /* A receiver found nearby by the name people know it by. */
  if (hovered != NULL)
    label = g_strdup_printf (_("Drop to Send to %s"), ph_nearby_receiver_get_name (hovered));
  else if (nearby != NULL)
    label = g_strdup_printf (_("Drop to Send to %s"), ph_nearby_receiver_get_name (nearby));
  else if (ph_window_destination_is_valid (self, text))
    label = g_strdup_printf (_("Drop to Send to %s"), text);
  else
    label = g_strdup (_("Drop to Send"));

  gtk_label_set_label (self->drop_label, label);

  if (see_through)
    gtk_widget_add_css_class (GTK_WIDGET (self->drop_box), "see-through");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->drop_box), "see-through");
  gtk_widget_set_visible (GTK_WIDGET (self->drop_icon), !see_through);
  gtk_widget_set_valign (GTK_WIDGET (self->drop_label), see_through ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_halign (GTK_WIDGET (self->drop_label), see_through ? GTK_ALIGN_CENTER : GTK_ALIGN_FILL);
}

static void
send_file_slist (PhWindow *self,
                 GSList   *list)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  ph_window_send_files (self, (GFile **) files->pdata, files->len);
}

/* Drag and drop */

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               PhWindow      *self)
{
  /* Files dragged in are to be sent: the list shows where they go. */
  ph_window_show_main (self);
  gtk_revealer_set_reveal_child (self->drop_revealer, TRUE);
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               PhWindow      *self)
{
  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PhWindow      *self)
{
  GdkFileList *list;
  g_autoptr(GSList) files = NULL;

  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = g_value_get_boxed (value);
  files = gdk_file_list_get_files (list);
  if (files == NULL)
    return FALSE;

  send_file_slist (self, files);
  return TRUE;
}

/* Choosing and pasting */

static void
choose_response_cb (GtkNativeDialog *native,
                    int              response,
                    PhWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        g_ptr_array_add (files, g_list_model_get_item (list, i));

      ph_window_send_files (self, (GFile **) files->pdata, files->len);
    }

  g_object_unref (native);
}

static void
choose_files_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhWindow *self = user_data;
  GtkFileChooserNative *native;

  /* A native chooser goes through the portal when sandboxed. */
  native = gtk_file_chooser_native_new (_("Choose Files to Send"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Send"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (choose_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
paste_text_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PhWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);

  if (text == NULL || text[0] == '\0')
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ph_window_show_toast (self, _("Nothing to send: copy files or text first"));
      return;
    }

  ph_window_send_text (self, text, NULL);
}

static void
paste_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PhWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, &error);
  if (value == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ph_window_show_toast (self, _("Nothing to send: copy files or text first"));
      return;
    }

  g_autoptr(GSList) files = gdk_file_list_get_files (g_value_get_boxed (value));
  send_file_slist (self, files);
}

/* Ctrl+V: files copied in a file manager go as they are; a text (or a
 * link) goes as a file of text. */
static void
paste_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PhWindow *self = user_data;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  g_autoptr(GdkContentFormats) formats = NULL;

  /* What the offered types can be read as. */
  formats = gdk_content_formats_union_deserialize_gtypes (gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST) ||
      !gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, paste_cb, g_object_ref (self));
  else
    gdk_clipboard_read_text_async (clipboard, self->cancellable, paste_text_cb, g_object_ref (self));
}

static const GActionEntry dnd_actions[] = {
  { "choose-files", choose_files_activated },
  { "paste", paste_activated },
};

void
ph_window_dnd_init (PhWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), dnd_actions,
                                   G_N_ELEMENTS (dnd_actions), self);

  /* The whole window takes files, not just a small drop zone. */
  self->drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (self->drop_target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (self->drop_target, "leave", G_CALLBACK (drop_leave_cb), self);
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));
}
