/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The six digits on screen, for either side of a pairing: the question
 * ("Does Study Laptop show this number?"), the two answers, then the
 * outcome said plainly. Closing it before the end cancels the pairing
 * (no failed comparison). */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-pairing-dialog.h"

struct _PhPairingDialog
{
  AdwWindow   parent_instance;

  PhPairing  *pairing;
  PhDevices  *devices;
  char       *name;          /* what the other computer is called before it says */
  GError     *error;         /* a failure before the pairing ran (no connection) */

  GtkImage   *status_image;
  GtkLabel   *heading_label;
  GtkLabel   *message_label;
  GtkLabel   *code_label;
  GtkButton  *key_button;
  GtkLabel   *key_label;
  GtkLabel   *warning_label;
  GtkWidget  *wait_box;
  GtkSpinner *spinner;
  GtkLabel   *wait_label;
  GtkWidget  *answer_box;
  GtkButton  *same_button;
  GtkButton  *differ_button;
  GtkButton  *close_button;
};

G_DEFINE_FINAL_TYPE (PhPairingDialog, ph_pairing_dialog, ADW_TYPE_WINDOW)

static const char *
peer_name (PhPairingDialog *self)
{
  const char *name = self->pairing ? ph_pairing_get_peer_name (self->pairing) : NULL;

  if (name != NULL && *name != '\0')
    return name;
  if (self->name != NULL && *self->name != '\0')
    return self->name;
  if (self->pairing != NULL && ph_pairing_get_peer_address (self->pairing) != NULL)
    return ph_pairing_get_peer_address (self->pairing);
  return _("the other computer");
}

static void
show_waiting (PhPairingDialog *self,
              const char      *text)
{
  gtk_widget_set_visible (self->wait_box, text != NULL);
  gtk_spinner_set_spinning (self->spinner, text != NULL);
  if (text != NULL)
    gtk_label_set_text (self->wait_label, text);
}

static void
show_key (PhPairingDialog *self)
{
  const char *fingerprint = ph_pairing_get_peer_fingerprint (self->pairing);
  g_autofree char *short_form = NULL;
  g_autofree char *text = NULL;
  PhDevice *replaced;

  gtk_widget_set_visible (GTK_WIDGET (self->key_button), fingerprint != NULL);
  if (fingerprint == NULL)
    return;

  short_form = ph_fingerprint_format_short (fingerprint);
  /* Translators: %s is a short fingerprint, "Xk3v 9-aQ Lm0_ p2Rt" */
  text = g_strdup_printf (_("Key %s"), short_form);
  gtk_label_set_text (self->key_label, text);

  replaced = ph_devices_find_key_change (self->devices, fingerprint, ph_pairing_get_peer_name (self->pairing), NULL);
  if (replaced != NULL)
    {
      g_autofree char *warning =
        /* Translators: a device's name, then the short fingerprint it was paired with */
        g_strdup_printf (_("This computer was paired with another key under the name “%s” (%s). "
                           "It may have a new key, or someone else is using its name: compare "
                           "carefully."),
                         peer_name (self), ph_device_get_short_fingerprint (replaced));

      gtk_label_set_text (self->warning_label, warning);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), replaced != NULL);
}

static void
update (PhPairingDialog *self)
{
  PhPairingState state = self->error ? PH_PAIRING_FAILED : ph_pairing_get_state (self->pairing);
  gboolean responder = ph_pairing_get_role (self->pairing) == PH_PAIRING_RESPONDER;
  const char *name = peer_name (self);
  g_autofree char *heading = NULL;
  g_autofree char *message = NULL;
  g_autofree char *waiting = NULL;
  const char *icon = "computer-symbolic";
  const char *close = _("_Cancel");

  switch (state)
    {
    case PH_PAIRING_STARTING:
      heading = responder ? g_strdup_printf (_("“%s” Wants to Pair"), name)
                          : g_strdup_printf (_("Pairing With “%s”"), name);
      /* Translators: %s is a device's name */
      waiting = g_strdup_printf (_("Connecting to “%s”…"), name);
      break;

    case PH_PAIRING_COMPARING:
    case PH_PAIRING_WAITING:
      heading = responder ? g_strdup_printf (_("“%s” Wants to Pair"), name)
                          : g_strdup_printf (_("Pair With “%s”?"), name);
      message = g_strdup_printf (_("Does “%s” show the same number? Once you both say so, its files "
                                   "arrive without a question, and yours go only to it."), name);
      if (state == PH_PAIRING_WAITING)
        waiting = g_strdup_printf (_("Waiting for the person at “%s” to confirm…"), name);
      break;

    case PH_PAIRING_PAIRED:
      icon = "emblem-ok-symbolic";
      heading = g_strdup_printf (_("Paired With “%s”"), name);
      message = g_strdup_printf (_("Files from “%s” now arrive without a question, and files go "
                                   "to it only when it proves its key."), name);
      close = _("_Done");
      break;

    case PH_PAIRING_FAILED:
    default:
      icon = "dialog-warning-symbolic";
      heading = g_strdup (_("Not Paired"));
      message = g_strdup (self->error ? self->error->message
                                      : ph_pairing_get_error (self->pairing)
                                        ? ph_pairing_get_error (self->pairing)->message
                                        : _("The computers were not paired"));
      close = _("_Close");
      break;
    }

  gtk_image_set_from_icon_name (self->status_image, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_image),
                            state == PH_PAIRING_PAIRED ? "success" :
                            state == PH_PAIRING_FAILED ? "warning" : "dim-label");
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  show_waiting (self, waiting);

  /* The number stays on screen until the end: both people may still be comparing. */
  if (ph_pairing_get_code (self->pairing) != NULL && state != PH_PAIRING_FAILED)
    {
      g_autofree char *code = ph_pairing_format_code (ph_pairing_get_code (self->pairing));

      gtk_label_set_text (self->code_label, code);
      gtk_widget_set_visible (GTK_WIDGET (self->code_label), state != PH_PAIRING_PAIRED);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->code_label), FALSE);

  show_key (self);
  if (state == PH_PAIRING_FAILED || state == PH_PAIRING_PAIRED)
    gtk_widget_set_visible (GTK_WIDGET (self->warning_label), FALSE);

  gtk_widget_set_visible (self->answer_box, state == PH_PAIRING_COMPARING);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), state != PH_PAIRING_COMPARING);
  gtk_button_set_label (self->close_button, close);
  if (state == PH_PAIRING_PAIRED)
    gtk_widget_add_css_class (GTK_WIDGET (self->close_button), "suggested-action");

  if (state == PH_PAIRING_COMPARING)
    gtk_widget_grab_focus (GTK_WIDGET (self->same_button));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->close_button));
}

static gboolean
is_over (PhPairingDialog *self)
{
  PhPairingState state = ph_pairing_get_state (self->pairing);

  return self->error != NULL || state == PH_PAIRING_PAIRED || state == PH_PAIRING_FAILED;
}

static void
same_clicked_cb (PhPairingDialog *self)
{
  ph_pairing_confirm (self->pairing);
}

static void
differ_clicked_cb (PhPairingDialog *self)
{
  ph_pairing_reject (self->pairing);
}

static void
close_clicked_cb (PhPairingDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
copy_key_clicked_cb (PhPairingDialog *self)
{
  const char *fingerprint = ph_pairing_get_peer_fingerprint (self->pairing);

  if (fingerprint != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), fingerprint);
}

static gboolean
ph_pairing_dialog_close_request (GtkWindow *window)
{
  PhPairingDialog *self = PH_PAIRING_DIALOG (window);

  /* Closed before the end: no answer, the other side is told. */
  if (!is_over (self))
    ph_pairing_cancel (self->pairing);

  return GTK_WINDOW_CLASS (ph_pairing_dialog_parent_class)->close_request (window);
}

static void
ph_pairing_dialog_dispose (GObject *object)
{
  PhPairingDialog *self = PH_PAIRING_DIALOG (object);

  if (self->pairing != NULL)
    g_signal_handlers_disconnect_by_data (self->pairing, self);
  g_clear_object (&self->pairing);
  g_clear_object (&self->devices);
  g_clear_error (&self->error);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (ph_pairing_dialog_parent_class)->dispose (object);
}

static void
ph_pairing_dialog_class_init (PhPairingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ph_pairing_dialog_dispose;
  window_class->close_request = ph_pairing_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-pairing-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, status_image);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, code_label);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, key_button);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, key_label);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, wait_box);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, wait_label);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, answer_box);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, same_button);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, differ_button);
  gtk_widget_class_bind_template_child (widget_class, PhPairingDialog, close_button);
  gtk_widget_class_bind_template_callback (widget_class, same_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, differ_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_key_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ph_pairing_dialog_init (PhPairingDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ph_pairing_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @pairing: a pairing, either side, from its start
 * @devices: the list of devices (a key change is warned about)
 * @name: (nullable): what the other computer is called until it says
 *
 * Returns: (transfer none): the dialog, not shown yet
 */
PhPairingDialog *
ph_pairing_dialog_new (GtkWindow  *parent,
                       PhPairing  *pairing,
                       PhDevices  *devices,
                       const char *name)
{
  PhPairingDialog *self;

  g_return_val_if_fail (PH_IS_PAIRING (pairing), NULL);
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  self = g_object_new (PH_TYPE_PAIRING_DIALOG, NULL);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }
  self->pairing = g_object_ref (pairing);
  self->devices = g_object_ref (devices);
  self->name = g_strdup (name);

  g_signal_connect_object (pairing, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return self;
}

/* The pairing could not even start (no connection): said in the dialog. */
void
ph_pairing_dialog_fail (PhPairingDialog *self,
                        const GError    *error)
{
  g_return_if_fail (PH_IS_PAIRING_DIALOG (self));
  g_return_if_fail (error != NULL);

  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  update (self);
}

PhPairing *
ph_pairing_dialog_get_pairing (PhPairingDialog *self)
{
  g_return_val_if_fail (PH_IS_PAIRING_DIALOG (self), NULL);

  return self->pairing;
}

/* For tests: what the person reads and may press. */
const char *
ph_pairing_dialog_get_heading (PhPairingDialog *self)
{
  return gtk_label_get_text (self->heading_label);
}

const char *
ph_pairing_dialog_get_code (PhPairingDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->code_label)) ? gtk_label_get_text (self->code_label) : NULL;
}

gboolean
ph_pairing_dialog_get_warning_shown (PhPairingDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->warning_label));
}

/* "same", "differ" or "close"; NULL while it is not shown. */
GtkButton *
ph_pairing_dialog_get_button (PhPairingDialog *self,
                              const char      *which)
{
  GtkButton *button = g_str_equal (which, "same") ? self->same_button :
                      g_str_equal (which, "differ") ? self->differ_button : self->close_button;
  GtkWidget *shown = g_str_equal (which, "close") ? GTK_WIDGET (button) : self->answer_box;

  return gtk_widget_get_visible (shown) ? button : NULL;
}
