/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who wants to send files, above the list and outside its scrolling, so
 * a question is in sight at any window size: the oldest request, and
 * how many more wait behind it. Who asks: the device's name, paired /
 * not paired / not encrypted, its short fingerprint (a click copies the
 * whole), the batch's count and size; a device whose name belongs to a
 * paired one under another key is warned about and can only be paired
 * again ("Pair Again…"), not accepted. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-format.h"
#include "ph-request-bar-private.h"
#include "ph-window.h"

struct _PhRequestBar
{
  GtkWidget    parent_instance;

  GListModel  *requests;
  PhBatch     *batch;          /* the one asked about */
  PhDevices   *devices;        /* (nullable): for a key change */
  gboolean     key_changed;

  GtkRevealer *revealer;
  GtkLabel    *title_label;
  GtkImage    *state_image;
  GtkLabel    *state_label;
  GtkButton   *fingerprint_button;
  GtkLabel    *fingerprint_label;
  GtkLabel    *detail_label;
  GtkLabel    *warning_label;
  GtkButton   *decline_button;
  GtkButton   *accept_all_button;
  GtkButton   *pair_button;
  GtkButton   *pair_again_button;
  GtkButton   *accept_button;
};

G_DEFINE_FINAL_TYPE (PhRequestBar, ph_request_bar, GTK_TYPE_WIDGET)

/* "3 files (12 MB)": announced by a batch that asks as a whole; else
 * what came so far ("3 files so far (12 MB)"), as more may follow. */
static char *
format_size (PhBatch *batch)
{
  g_autofree char *size = NULL;
  guint n;

  if (ph_batch_get_asking (batch))
    {
      n = ph_batch_get_announced_files (batch);
      size = ph_format_size (ph_batch_get_announced_bytes (batch));
      /* Translators: what a sender announced, "3 files (12 MB)" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file (%s)", "%'u files (%s)", n), n, size);
    }

  n = ph_batch_get_n_files (batch);
  size = ph_format_size (ph_batch_get_total_size (batch));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file so far (%s)", "%'u files so far (%s)", n),
                          n, size);
}

static void
set_target (GtkButton  *button,
            const char *id)
{
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
}

static void
update (PhRequestBar *self)
{
  guint n = self->requests ? g_list_model_get_n_items (self->requests) : 0;
  g_autoptr(PhBatch) batch = n > 0 ? g_list_model_get_item (self->requests, 0) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *size = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *address = NULL;
  const char *fingerprint;
  const char *name;
  const char *id;
  gboolean paired;
  PhDevice *replaced = NULL;

  if (self->batch != batch)
    {
      if (self->batch != NULL)
        g_signal_handlers_disconnect_by_data (self->batch, self);
      g_set_object (&self->batch, batch);
      if (batch != NULL)
        g_signal_connect_swapped (batch, "changed", G_CALLBACK (update), self);
    }

  gtk_revealer_set_reveal_child (self->revealer, batch != NULL);
  if (batch == NULL)
    return;

  fingerprint = ph_batch_get_fingerprint (batch);
  name = ph_batch_get_device_name (batch);
  address = ph_format_peer (ph_batch_get_peer (batch), FALSE);
  if (fingerprint == NULL || name == NULL || *name == '\0')
    name = address;
  paired = fingerprint != NULL && ph_batch_get_paired (batch);
  if (fingerprint != NULL && !paired && self->devices != NULL)
    replaced = ph_devices_find_key_change (self->devices, fingerprint, ph_batch_get_device_name (batch), NULL);
  self->key_changed = replaced != NULL;

  /* Translators: %s is the sender: a device's name, or an address */
  title = g_strdup_printf (_("%s wants to send you files"), name);
  gtk_label_set_label (self->title_label, title);

  if (fingerprint == NULL)
    {
      gtk_image_set_from_icon_name (self->state_image, "channel-insecure-symbolic");
      /* Translators: the original format: anyone on the network could read the files */
      gtk_label_set_label (self->state_label, _("Not encrypted"));
    }
  else if (paired)
    {
      gtk_image_set_from_icon_name (self->state_image, "security-high-symbolic");
      gtk_label_set_label (self->state_label, _("Paired"));
    }
  else if (replaced != NULL)
    {
      gtk_image_set_from_icon_name (self->state_image, "dialog-warning-symbolic");
      /* Translators: a device paired under this name showed another key */
      gtk_label_set_label (self->state_label, _("New key"));
    }
  else
    {
      gtk_image_set_from_icon_name (self->state_image, "channel-secure-symbolic");
      /* Translators: encrypted, from a device seen before or not, never paired */
      gtk_label_set_label (self->state_label, _("Not paired"));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_button), fingerprint != NULL);
  if (fingerprint != NULL)
    {
      g_autofree char *short_fp = ph_fingerprint_format_short (fingerprint);
      g_autofree char *spoken = NULL;

      gtk_label_set_label (self->fingerprint_label, short_fp);
      /* Translators: what a screen reader says of the short fingerprint's button */
      spoken = g_strdup_printf (_("Key %s: copy the whole fingerprint"), short_fp);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->fingerprint_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), replaced != NULL);
  if (replaced != NULL)
    {
      g_autofree char *warning = ph_destination_describe_key_change (replaced, name);

      gtk_label_set_label (self->warning_label, warning);
    }

  size = format_size (batch);
  if (n > 1)
    /* Translators: a request's details, then how many other requests wait */
    detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u more request",
                                           "%s · %u more requests", n - 1),
                              size, n - 1);
  else
    detail = g_steal_pointer (&size);
  gtk_label_set_label (self->detail_label, detail);

  /* A new key under a paired name is trusted only once paired again. */
  gtk_widget_set_visible (GTK_WIDGET (self->accept_button), replaced == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->accept_all_button), replaced == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->pair_button), fingerprint != NULL && !paired && replaced == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->pair_again_button), replaced != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->accept_all_button),
                               fingerprint != NULL
                               ? _("Accept everything from this device for 10 minutes")
                               : _("Accept everything from this address while it keeps sending"));

  id = ph_batch_get_id (batch);
  set_target (self->decline_button, id);
  set_target (self->accept_all_button, id);
  set_target (self->pair_button, id);
  set_target (self->pair_again_button, id);
  set_target (self->accept_button, id);
}

static void
fingerprint_clicked_cb (PhRequestBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *fingerprint = self->batch ? ph_batch_get_fingerprint (self->batch) : NULL;

  if (fingerprint == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), fingerprint);
  if (PH_IS_WINDOW (root))
    ph_window_show_toast (PH_WINDOW (root), _("Fingerprint copied"));
}

static void
ph_request_bar_dispose (GObject *object)
{
  PhRequestBar *self = PH_REQUEST_BAR (object);
  GtkWidget *child;

  ph_request_bar_set_requests (self, NULL);
  ph_request_bar_set_devices (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_REQUEST_BAR);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ph_request_bar_parent_class)->dispose (object);
}

static void
ph_request_bar_class_init (PhRequestBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_request_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-request-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, title_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, state_image);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, state_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, fingerprint_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, detail_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, warning_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, decline_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, accept_all_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, pair_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, pair_again_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, accept_button);
  gtk_widget_class_bind_template_callback (widget_class, fingerprint_clicked_cb);
}

static void
ph_request_bar_init (PhRequestBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Follows @requests (batches waiting for an answer, oldest first). */
void
ph_request_bar_set_requests (PhRequestBar *self,
                             GListModel   *requests)
{
  g_return_if_fail (PH_IS_REQUEST_BAR (self));
  g_return_if_fail (requests == NULL || G_IS_LIST_MODEL (requests));

  if (self->requests != NULL)
    g_signal_handlers_disconnect_by_data (self->requests, self);
  g_set_object (&self->requests, requests);
  if (requests != NULL)
    g_signal_connect_swapped (requests, "items-changed", G_CALLBACK (update), self);

  update (self);
}

/* The devices this computer knows: a new key under a paired device's
 * name is warned about. */
void
ph_request_bar_set_devices (PhRequestBar *self,
                            PhDevices    *devices)
{
  g_return_if_fail (PH_IS_REQUEST_BAR (self));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  /* Paired again, or forgotten: the warning follows. */
  if (devices != NULL)
    g_signal_connect_swapped (devices, "items-changed", G_CALLBACK (update), self);

  update (self);
}

PhBatch *
ph_request_bar_get_batch (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return self->batch;
}

gboolean
ph_request_bar_get_revealed (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
ph_request_bar_get_title (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return gtk_label_get_label (self->title_label);
}

GtkButton *
ph_request_bar_get_button (PhRequestBar *self,
                           const char   *name)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  if (g_str_equal (name, "decline"))
    return self->decline_button;
  if (g_str_equal (name, "accept-all"))
    return self->accept_all_button;
  if (g_str_equal (name, "accept"))
    return self->accept_button;
  /* "Pair…" beside the key, or "Pair Again…" instead of Accept. */
  if (g_str_equal (name, "pair"))
    return gtk_widget_get_visible (GTK_WIDGET (self->pair_again_button)) ? self->pair_again_button
                                                                         : self->pair_button;
  if (g_str_equal (name, "fingerprint"))
    return self->fingerprint_button;
  return NULL;
}

/* "Paired", "Not paired", "Not encrypted", "New key" */
const char *
ph_request_bar_get_state_text (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return gtk_label_get_label (self->state_label);
}

const char *
ph_request_bar_get_detail (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return gtk_label_get_label (self->detail_label);
}

/* The short fingerprint shown, or NULL in the original format. */
const char *
ph_request_bar_get_fingerprint_text (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->fingerprint_button)))
    return NULL;
  return gtk_label_get_label (self->fingerprint_label);
}

/* The key-change warning shown, or NULL. */
const char *
ph_request_bar_get_warning (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return self->key_changed ? gtk_label_get_label (self->warning_label) : NULL;
}
