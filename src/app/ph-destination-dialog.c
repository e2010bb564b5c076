/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Send to Which Computer?": asked when files (or a text) are to go and
 * no destination is set. The computers nearby are listed to pick from
 * (picking one sends at once); any other is typed, by name or address,
 * and Send stays off until it makes sense. */

#include "config.h"

#include "ph-destination-dialog.h"
#include "ph-nearby-list.h"

typedef struct
{
  PhBrowser               *browser;
  PhDevices               *devices;
  GtkEditable             *entry;
  GtkLabel                *hint;
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
  g_free (ask);
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
    ask->func (text, ask->user_data);
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

  gtk_label_set_label (ask->hint, error->message);
  gtk_widget_set_visible (GTK_WIDGET (ask->hint), TRUE);
  gtk_widget_error_bell (GTK_WIDGET (entry));
}

/* A computer picked from the list: that is the answer. Its name when
 * the name finds it, else its address. */
static void
peer_activated_cb (PhNearbyList     *list,
                   PhNearbyReceiver *peer,
                   AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  /* What its row warns of is refused here, as sending by its name is. */
  if (!ph_destination_check_nearby (ask->devices, peer, &error))
    {
      gtk_label_set_label (ask->hint, error->message);
      gtk_widget_set_visible (GTK_WIDGET (ask->hint), TRUE);
      gtk_widget_error_bell (GTK_WIDGET (list));
      return;
    }

  text = ph_destination_text_for_nearby (ask->browser, peer);
  gtk_editable_set_text (ask->entry, text);

  adw_message_dialog_response (dialog, "send");
  gtk_window_close (GTK_WINDOW (dialog));
}

/**
 * ph_destination_dialog_ask:
 * @browser: the receivers nearby, to pick from
 * @devices: (nullable): which of them are paired
 * @initial: (nullable): the text to start with
 * @body: what is to be sent, and how to answer
 * @func: called with the destination once chosen
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWindow *
ph_destination_dialog_ask (GtkWindow               *parent,
                           PhBrowser               *browser,
                           PhDevices               *devices,
                           const char              *initial,
                           const char              *body,
                           PhDestinationChosenFunc  func,
                           gpointer                 user_data,
                           GDestroyNotify           destroy)
{
  g_autoptr(GtkBuilder) builder = NULL;
  AdwMessageDialog *dialog;
  PhNearbyList *nearby;
  Ask *ask;

  g_type_ensure (PH_TYPE_NEARBY_LIST);
  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ph-destination-dialog.ui");
  dialog = ADW_MESSAGE_DIALOG (gtk_builder_get_object (builder, "dialog"));
  nearby = PH_NEARBY_LIST (gtk_builder_get_object (builder, "nearby"));

  ask = g_new0 (Ask, 1);
  ask->browser = browser != NULL ? g_object_ref (browser) : NULL;
  ask->devices = devices != NULL ? g_object_ref (devices) : NULL;
  ask->entry = GTK_EDITABLE (gtk_builder_get_object (builder, "entry"));
  ask->hint = GTK_LABEL (gtk_builder_get_object (builder, "hint"));
  ask->func = func;
  ask->user_data = user_data;
  ask->destroy = destroy;
  g_object_set_data_full (G_OBJECT (dialog), "ask", ask, ask_free);

  adw_message_dialog_set_body (dialog, body);
  ph_nearby_list_set_devices (nearby, devices);
  ph_nearby_list_set_browser (nearby, browser);
  gtk_editable_set_text (ask->entry, initial != NULL ? initial : "");
  entry_changed_cb (ask->entry, dialog);

  g_signal_connect_object (ask->entry, "changed", G_CALLBACK (entry_changed_cb), dialog, 0);
  g_signal_connect_object (ask->entry, "activate", G_CALLBACK (entry_activate_cb), dialog, 0);
  g_signal_connect_object (nearby, "peer-activated", G_CALLBACK (peer_activated_cb), dialog, 0);
  if (browser != NULL)
    g_signal_connect_object (browser, "items-changed", G_CALLBACK (nearby_changed_cb),
                             dialog, G_CONNECT_SWAPPED);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}
