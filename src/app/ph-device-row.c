/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A remembered device on the Devices page: its name, its state, its
 * short fingerprint and when it was last seen; a warning when another
 * key is paired under its name; Copy Fingerprint, Block or Unblock,
 * Forget (with Undo). */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-device-row.h"

struct _PhDeviceRow
{
  AdwActionRow  parent_instance;

  PhDevice     *device;
  PhDevices    *devices;
  gboolean      key_changed;

  GtkImage     *state_image;
  GtkImage     *warning_image;
};

G_DEFINE_FINAL_TYPE (PhDeviceRow, ph_device_row, ADW_TYPE_ACTION_ROW)

/**
 * ph_device_row_format_seen:
 * @seen: when, Unix seconds (0: never)
 * @now: now, Unix seconds
 *
 * Returns: (transfer full): "Seen 5 minutes ago", "Seen on 3 May 2024"
 */
char *
ph_device_row_format_seen (gint64 seen,
                           gint64 now)
{
  g_autoptr(GDateTime) then = NULL;
  g_autofree char *date = NULL;
  gint64 ago = now - seen;

  if (seen <= 0)
    return g_strdup (_("Never seen"));
  if (ago < 60)
    return g_strdup (_("Seen just now"));
  if (ago < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Seen %u minute ago", "Seen %u minutes ago",
                                         (gulong) (ago / 60)),
                            (guint) (ago / 60));
  if (ago < 24 * 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Seen %u hour ago", "Seen %u hours ago",
                                         (gulong) (ago / 3600)),
                            (guint) (ago / 3600));

  then = g_date_time_new_from_unix_local (seen);
  /* The locale's own way of writing a date. */
  date = g_date_time_format (then, "%x");
  /* Translators: %s is a date */
  return g_strdup_printf (_("Seen on %s"), date);
}

static const char *
state_text (PhDeviceState state)
{
  switch (state)
    {
    case PH_DEVICE_PAIRED:
      return _("Paired");
    case PH_DEVICE_BLOCKED:
      return _("Blocked");
    case PH_DEVICE_KNOWN:
    default:
      /* Translators: a device seen through the secure channel, not paired */
      return _("Not paired");
    }
}

static void
update (PhDeviceRow *self)
{
  PhDeviceState state = ph_device_get_state (self->device);
  const char *name = ph_device_get_name (self->device);
  g_autofree char *seen = ph_device_row_format_seen (ph_device_get_last_seen (self->device),
                                                     g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *subtitle = NULL;
  PhDevice *replaced = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name ? name : _("Unnamed Device"));

  if (state == PH_DEVICE_KNOWN)
    replaced = ph_devices_find_key_change (self->devices, ph_device_get_fingerprint (self->device), name,
                                           ph_device_get_installation_id (self->device));
  self->key_changed = replaced != NULL;

  if (replaced != NULL)
    /* Translators: a device's state, its short fingerprint, when it was seen */
    subtitle = g_strdup_printf (_("New key, pair again to trust it · %s · %s"),
                                ph_device_get_short_fingerprint (self->device), seen);
  else
    subtitle = g_strdup_printf ("%s · %s · %s", state_text (state),
                                ph_device_get_short_fingerprint (self->device), seen);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  gtk_image_set_from_icon_name (self->state_image,
                                state == PH_DEVICE_PAIRED ? "security-high-symbolic" :
                                state == PH_DEVICE_BLOCKED ? "action-unavailable-symbolic" :
                                "computer-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_image), replaced != NULL);
  if (replaced != NULL)
    {
      g_autofree char *tip =
        g_strdup_printf (_("“%s” has a new key: pair again to trust it"), name ? name : "");

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_image), tip);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.block", state != PH_DEVICE_BLOCKED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.unblock", state == PH_DEVICE_BLOCKED);
}

static void
toast (PhDeviceRow *self,
       AdwToast    *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

typedef struct
{
  PhDevices     *devices;
  char          *fingerprint;
  char          *name;
  PhDeviceState  state;
} Undo;

static void
undo_free (Undo *undo)
{
  g_object_unref (undo->devices);
  g_free (undo->fingerprint);
  g_free (undo->name);
  g_free (undo);
}

/* Brings a forgotten device back as it was (paired again since now). */
static void
undo_clicked_cb (AdwToast *toast,
                 Undo     *undo)
{
  if (undo->state == PH_DEVICE_PAIRED)
    ph_devices_pair (undo->devices, undo->fingerprint, undo->name);
  else if (undo->state == PH_DEVICE_BLOCKED)
    ph_devices_block (undo->devices, undo->fingerprint, undo->name);
  else
    ph_devices_record_seen (undo->devices, undo->fingerprint, undo->name, NULL, NULL, NULL);
}

static void
forget_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *parameter)
{
  PhDeviceRow *self = PH_DEVICE_ROW (widget);
  g_autoptr(PhDeviceRow) hold = g_object_ref (self);
  g_autofree char *title = NULL;
  g_autofree char *markup = NULL;
  AdwToast *forgotten;
  Undo *undo = g_new0 (Undo, 1);

  undo->devices = g_object_ref (self->devices);
  undo->fingerprint = g_strdup (ph_device_get_fingerprint (self->device));
  undo->name = g_strdup (ph_device_get_name (self->device));
  undo->state = ph_device_get_state (self->device);

  /* Translators: %s is a device's name */
  title = g_strdup_printf (_("Forgot “%s”"), undo->name ? undo->name : ph_device_get_short_fingerprint (self->device));
  /* A toast's title is markup; a device's name is what it chose. */
  markup = g_markup_escape_text (title, -1);
  forgotten = adw_toast_new (markup);
  adw_toast_set_button_label (forgotten, _("_Undo"));
  g_signal_connect_data (forgotten, "button-clicked", G_CALLBACK (undo_clicked_cb), undo,
                         (GClosureNotify) G_CALLBACK (undo_free), 0);

  toast (self, forgotten);
  ph_devices_forget (self->devices, ph_device_get_fingerprint (self->device));
}

static void
block_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *parameter)
{
  PhDeviceRow *self = PH_DEVICE_ROW (widget);

  if (g_str_equal (action, "device.block"))
    ph_devices_block (self->devices, ph_device_get_fingerprint (self->device), NULL);
  else
    ph_devices_unblock (self->devices, ph_device_get_fingerprint (self->device));
}

static void
copy_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *parameter)
{
  PhDeviceRow *self = PH_DEVICE_ROW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), ph_device_get_fingerprint (self->device));
  toast (self, adw_toast_new (_("Fingerprint copied")));
}

static void
ph_device_row_dispose (GObject *object)
{
  PhDeviceRow *self = PH_DEVICE_ROW (object);

  if (self->device != NULL)
    g_signal_handlers_disconnect_by_data (self->device, self);
  g_clear_object (&self->device);
  g_clear_object (&self->devices);

  G_OBJECT_CLASS (ph_device_row_parent_class)->dispose (object);
}

static void
ph_device_row_class_init (PhDeviceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_device_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-device-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PhDeviceRow, state_image);
  gtk_widget_class_bind_template_child (widget_class, PhDeviceRow, warning_image);

  gtk_widget_class_install_action (widget_class, "device.copy", NULL, copy_activated);
  gtk_widget_class_install_action (widget_class, "device.block", NULL, block_activated);
  gtk_widget_class_install_action (widget_class, "device.unblock", NULL, block_activated);
  gtk_widget_class_install_action (widget_class, "device.forget", NULL, forget_activated);
}

static void
ph_device_row_init (PhDeviceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PhDeviceRow *
ph_device_row_new (PhDevice  *device,
                   PhDevices *devices)
{
  PhDeviceRow *self;

  g_return_val_if_fail (PH_IS_DEVICE (device), NULL);
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  self = g_object_new (PH_TYPE_DEVICE_ROW, NULL);
  self->device = g_object_ref (device);
  self->devices = g_object_ref (devices);
  g_signal_connect_swapped (device, "notify", G_CALLBACK (update), self);
  update (self);
  return self;
}

PhDevice *
ph_device_row_get_device (PhDeviceRow *self)
{
  g_return_val_if_fail (PH_IS_DEVICE_ROW (self), NULL);

  return self->device;
}

gboolean
ph_device_row_get_key_changed (PhDeviceRow *self)
{
  return self->key_changed;
}
