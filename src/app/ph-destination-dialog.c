/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Send to Which Computer?": asked when files (or a text) are to go and
 * no destination is set. The computers nearby are listed to pick from
 * (picking one sends at once); any other is typed, by name or address,
 * and Send stays off until it makes sense. Files dropped on a computer's
 * row go there with the rest, as choosing it; dropped anywhere else in
 * the dialog they join what waits for an answer. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-destination-dialog.h"
#include "ph-nearby-list.h"

typedef struct
{
  PhBrowser               *browser;
  PhDevices               *devices;
  AdwMessageDialog        *dialog;    /* (unowned) */
  GtkEditable             *entry;
  GtkLabel                *hint;
  guint                    n_files;   /* asked for: files, or 0 with a text */
  gboolean                 text;
  GPtrArray               *dropped;   /* GFile*: dropped on the dialog meanwhile */
  PhDestinationChosenFunc  func;
  gpointer                 user_data;
  GDestroyNotify           destroy;
} Ask;

static void
ask_free (gpointer data)
{
  Ask *ask = data;

  if (ask->destroy != NULL)
    ask->destroy (ask->user_data);
  g_clear_object (&ask->browser);
  g_clear_object (&ask->devices);
  g_clear_pointer (&ask->dropped, g_ptr_array_unref);
  g_free (ask);
}

/* What waits for an answer, as the body says it. */
static void
update_body (Ask *ask)
{
  g_autofree char *body = NULL;
  guint n = ask->n_files + ask->dropped->len;

  if (ask->text && ask->dropped->len == 0)
    body = g_strdup (_("Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send the text."));
  else if (ask->text)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send the text and %u file.",
                                         "Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send the text and %u files.",
                                         n),
                            n);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send %u file.",
                                         "Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send %u files.",
                                         n),
                            n);
  adw_message_dialog_set_body (ask->dialog, body);
}

static void
add_dropped (Ask         *ask,
             GdkFileList *list)
{
  g_autoptr(GSList) files = gdk_file_list_get_files (list);

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (ask->dropped, g_object_ref (l->data));
}

static void
show_hint (Ask        *ask,
           GtkWidget  *widget,
           const char *message)
{
  gtk_label_set_label (ask->hint, message);
  gtk_widget_set_visible (GTK_WIDGET (ask->hint), TRUE);
  gtk_widget_error_bell (widget);
}

static void
entry_changed_cb (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");
  const char *text = gtk_editable_get_text (entry);

  adw_message_dialog_set_response_enabled (dialog, "send",
                                           ph_destination_text_is_usable (ask->browser, text, NULL));
  gtk_widget_set_visible (GTK_WIDGET (ask->hint), FALSE);
}

/* Receivers come and go: a name typed may be one of them now. */
static void
nearby_changed_cb (AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");

  entry_changed_cb (ask->entry, dialog);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (ask->entry)));

  if (g_str_equal (response, "send") && ph_destination_text_is_usable (ask->browser, text, NULL))
    ask->func (text, ask->dropped, ask->user_data);
}

/* Enter on a name nobody nearby has: say why nothing happens. */
static void
entry_activate_cb (GtkEntry         *entry,
                   AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");
  g_autoptr(GError) error = NULL;

  if (ph_destination_text_is_usable (ask->browser, gtk_editable_get_text (ask->entry), &error))
    return;

  show_hint (ask, GTK_WIDGET (entry), error->message);
}

/* A computer picked from the list: that is the answer. Its name when
 * the name finds it, else its address. */
static gboolean
choose_peer (Ask              *ask,
             PhNearbyList     *list,
             PhNearbyReceiver *peer)
{
  g_autoptr(GError) error = NULL;
  /* What its row warns of is refused here, as sending by its name is. */
  g_autofree char *text = ph_destination_choose_nearby (ask->browser, ask->devices, peer, &error);

  if (text == NULL)
    {
      show_hint (ask, GTK_WIDGET (list), error->message);
      return FALSE;
    }

  gtk_editable_set_text (ask->entry, text);

  adw_message_dialog_response (ask->dialog, "send");
  gtk_window_close (GTK_WINDOW (ask->dialog));
  return TRUE;
}

static void
peer_activated_cb (PhNearbyList     *list,
                   PhNearbyReceiver *peer,
                   AdwMessageDialog *dialog)
{
  choose_peer (g_object_get_data (G_OBJECT (dialog), "ask"), list, peer);
}

/* Dropped on a computer's row: that computer is chosen, and the files
 * go there with the rest; refused as choosing it is, and then they do
 * not join (the hint says why). */
static void
files_dropped_cb (PhNearbyList     *list,
                  PhNearbyReceiver *peer,
                  GdkFileList      *files,
                  AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");
  guint before = ask->dropped->len;

  add_dropped (ask, files);
  if (!choose_peer (ask, list, peer))
    g_ptr_array_set_size (ask->dropped, before);
}

/* Dropped anywhere else in the dialog: they wait with the rest, and
 * the body counts them. */
static gboolean
drop_cb (GtkDropTarget    *target,
         const GValue     *value,
         double            x,
         double            y,
         AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || g_value_get_boxed (value) == NULL)
    return FALSE;

  add_dropped (ask, g_value_get_boxed (value));
  update_body (ask);
  return TRUE;
}

/**
 * ph_destination_dialog_ask:
 * @browser: the receivers nearby, to pick from
 * @devices: (nullable): which of them are paired
 * @initial: (nullable): the text to start with
 * @n_files: how many files are to be sent
 * @text: whether a text is to be sent (then @n_files is 0)
 * @func: called with the destination once chosen, and the files
 *   dropped on the dialog meanwhile
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWindow *
ph_destination_dialog_ask (GtkWindow               *parent,
                           PhBrowser               *browser,
                           PhDevices               *devices,
                           const char              *initial,
                           guint                    n_files,
                           gboolean                 text,
                           PhDestinationChosenFunc  func,
                           gpointer                 user_data,
                           GDestroyNotify           destroy)
{
  g_autoptr(GtkBuilder) builder = NULL;
  AdwMessageDialog *dialog;
  PhNearbyList *nearby;
  GtkDropTarget *drop_target;
  Ask *ask;

  g_type_ensure (PH_TYPE_NEARBY_LIST);
  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ph-destination-dialog.ui");
  dialog = ADW_MESSAGE_DIALOG (gtk_builder_get_object (builder, "dialog"));
  nearby = PH_NEARBY_LIST (gtk_builder_get_object (builder, "nearby"));

  ask = g_new0 (Ask, 1);
  ask->browser = browser != NULL ? g_object_ref (browser) : NULL;
  ask->devices = devices != NULL ? g_object_ref (devices) : NULL;
  ask->dialog = dialog;
  ask->n_files = n_files;
  ask->text = text;
  ask->dropped = g_ptr_array_new_with_free_func (g_object_unref);
  ask->entry = GTK_EDITABLE (gtk_builder_get_object (builder, "entry"));
  ask->hint = GTK_LABEL (gtk_builder_get_object (builder, "hint"));
  ask->func = func;
  ask->user_data = user_data;
  ask->destroy = destroy;
  g_object_set_data_full (G_OBJECT (dialog), "ask", ask, ask_free);

  update_body (ask);
  ph_nearby_list_set_devices (nearby, devices);
  ph_nearby_list_set_browser (nearby, browser);
  gtk_editable_set_text (ask->entry, initial != NULL ? initial : "");
  entry_changed_cb (ask->entry, dialog);

  g_signal_connect_object (ask->entry, "changed", G_CALLBACK (entry_changed_cb), dialog, 0);
  g_signal_connect_object (ask->entry, "activate", G_CALLBACK (entry_activate_cb), dialog, 0);
  g_signal_connect_object (nearby, "peer-activated", G_CALLBACK (peer_activated_cb), dialog, 0);
  g_signal_connect_object (nearby, "files-dropped", G_CALLBACK (files_dropped_cb), dialog, 0);
  /* The rows take what is dropped on them first. */
  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (drop_cb), dialog, 0);
  gtk_widget_add_controller (GTK_WIDGET (dialog), GTK_EVENT_CONTROLLER (drop_target));
  if (browser != NULL)
    g_signal_connect_object (browser, "items-changed", G_CALLBACK (nearby_changed_cb),
                             dialog, G_CONNECT_SWAPPED);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}
