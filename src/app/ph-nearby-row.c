/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One receiver found nearby: its name, its address, whether it asks
 * before accepting, and "Paired" when this computer paired with the key
 * it announced (sending checks the key). A key other than the one
 * paired under its name or id is warned of, never shown as paired; so
 * is a device known by its key that is now announced without
 * encryption (files are not sent to it). Choosing it makes it the
 * destination; files dropped on it go there. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-destination-resolve.h"
#include "ph-destination-trust.h"
#include "ph-fingerprint.h"
#include "ph-format.h"
#include "ph-nearby-row-private.h"

struct _PhNearbyRow
{
  AdwActionRow   parent_instance;

  PhNearbyReceiver        *peer;
  gboolean       chosen;
  gboolean       drop_hover;
  GtkDropTarget *drop_target;

  PhDevices     *devices;       /* (nullable): say which receivers are paired */
  PhDevice      *device;        /* (nullable): the device it is, paired or not */
  PhDevice      *replaced;      /* (nullable): the one it claims to be, under another key */
  PhDevice      *downgraded;    /* (nullable): the one it claims to be, without encryption */

  GtkImage      *device_image;
  GtkImage      *chosen_image;
  GtkMenuButton *menu_button;
  GtkImage      *channel_image;   /* encrypted (its key) or not */
};

G_DEFINE_FINAL_TYPE (PhNearbyRow, ph_nearby_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_PEER,
  PROP_CHOSEN,
  PROP_DROP_HOVER,
  N_PROPS
};

enum {
  FILES_DROPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The device this receiver is: the one of the key it announced. A
 * device paired announces its key: without one, the receiver is
 * another (an address changes hands), or poses as it (warned of:
 * ph_destination_find_downgrade()), never "Paired". */
static PhDevice *
find_device (PhNearbyRow *self)
{
  const char *fingerprint = ph_nearby_receiver_get_fingerprint (self->peer);

  if (self->devices == NULL || fingerprint == NULL)
    return NULL;
  return ph_devices_lookup (self->devices, fingerprint);
}

/* Its mark: a warning for a new key or none (the sentence as its
 * tooltip), a shield for paired, else a computer. */
static void
show_state (PhNearbyRow *self,
            gboolean     paired)
{
  const char *name = ph_nearby_receiver_get_name (self->peer);
  g_autofree char *warning =
    self->replaced != NULL ? ph_destination_describe_key_change (self->replaced, name) :
    self->downgraded != NULL ? ph_destination_describe_downgrade (self->downgraded, name) : NULL;

  gtk_image_set_from_icon_name (self->device_image,
                                warning != NULL ? "dialog-warning-symbolic" :
                                paired ? "security-high-symbolic" : "computer-symbolic");
  if (warning != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->device_image), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->device_image), "warning");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->device_image), warning);
}

static void
update (PhNearbyRow *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *where = NULL;
  const char *host_name = ph_nearby_receiver_get_host_name (self->peer);
  const char *fingerprint = ph_nearby_receiver_get_fingerprint (self->peer);
  PhDevice *replaced = NULL;
  PhDevice *downgraded = NULL;
  gboolean paired;

  /* Another receiver has this name (another computer, or one posing as
   * this one): the name cannot tell them apart, say what can. */
  if (ph_nearby_receiver_get_shares_name (self->peer) && host_name != NULL && *host_name != '\0')
    /* Translators: an address, the computer's network name, then a
     * warning: another receiver nearby has the same name */
    where = g_strdup_printf (_("%s on %s · Another receiver nearby has this name"),
                             ph_nearby_receiver_get_address (self->peer), host_name);
  else if (ph_nearby_receiver_get_shares_name (self->peer))
    /* Translators: an address, then a warning: another receiver nearby
     * has the same name */
    where = g_strdup_printf (_("%s · Another receiver nearby has this name"),
                             ph_nearby_receiver_get_address (self->peer));
  else
    where = g_strdup (ph_nearby_receiver_get_address (self->peer));

  g_set_object (&self->device, find_device (self));
  if (self->devices != NULL)
    replaced = ph_destination_find_key_change (self->devices, fingerprint,
                                               ph_nearby_receiver_get_name (self->peer),
                                               ph_nearby_receiver_get_id (self->peer));
  g_set_object (&self->replaced, replaced);
  if (self->devices != NULL)
    downgraded = ph_destination_find_downgrade (self->devices, fingerprint,
                                                ph_nearby_receiver_get_name (self->peer),
                                                ph_nearby_receiver_get_id (self->peer));
  g_set_object (&self->downgraded, downgraded);
  paired = ph_nearby_row_get_paired (self);
  show_state (self, paired);

  if (self->replaced != NULL)
    /* Translators: an address (or "From Study Laptop"), then a warning:
     * the receiver shows another key than the device of its name */
    subtitle = g_strdup_printf (_("%s · Has a new key: pair again to trust it"), where);
  else if (self->downgraded != NULL)
    /* Translators: an address, then a warning: a device known by its key
     * now announces itself without encryption (someone may pose as it) */
    subtitle = g_strdup_printf (_("%s · No longer encrypted: files will not be sent"), where);
  else if (paired && ph_nearby_receiver_get_asks_before_accepting (self->peer))
    /* Translators: an address, then notes: paired with this computer; the
     * receiver asks its user before it accepts files (from others) */
    subtitle = g_strdup_printf (_("%s · Paired · Asks before accepting"), where);
  else if (paired)
    /* Translators: an address, then a note: paired with this computer */
    subtitle = g_strdup_printf (_("%s · Paired"), where);
  else if (ph_nearby_receiver_get_asks_before_accepting (self->peer))
    /* Translators: an address, then a note: the receiver asks its user
     * before it accepts files */
    subtitle = g_strdup_printf (_("%s · Asks before accepting"), where);
  else
    subtitle = g_steal_pointer (&where);

  /* The key it announced: what the other screen shows, to compare. */
  if (fingerprint != NULL)
    {
      g_autofree char *short_fp = ph_fingerprint_format_short (fingerprint);
      /* Translators: a short fingerprint ("47DE Qpj8 HBSa -_TI") */
      g_autofree char *tip = g_strdup_printf (_("Encrypted, to the key %s"), short_fp);

      gtk_image_set_from_icon_name (self->channel_image, "channel-secure-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->channel_image), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->channel_image),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
    }
  else
    {
      gtk_image_set_from_icon_name (self->channel_image, "channel-insecure-symbolic");
      const char *tip = _("Receives only unencrypted files");

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->channel_image), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->channel_image),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), ph_nearby_receiver_get_name (self->peer));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  /* Pair… (app.pair), with the receiver where it is now. Pairing runs
   * inside the secure channel: a receiver announced without a key
   * offers none (its lock says it receives only unencrypted files),
   * unless this computer sent it files encrypted at that address; nor
   * does a device known by its key that is now announced without one
   * (a new key offers Pair Again…). Its menu, with nothing else in it,
   * goes. */
  if (self->downgraded != NULL || !ph_destination_check_pairable (self->devices, self->peer, NULL))
    {
      gtk_menu_button_set_menu_model (self->menu_button, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->menu_button), FALSE);
    }
  else
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) pair = g_menu_item_new (self->replaced != NULL ? _("_Pair Again…") : _("_Pair…"), NULL);

      g_menu_item_set_action_and_target_value (pair, "app.pair",
                                               g_variant_new_string (ph_nearby_receiver_get_address (self->peer)));
      g_menu_append_item (menu, pair);
      gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
      gtk_widget_set_visible (GTK_WIDGET (self->menu_button), TRUE);
    }
}

static void
peer_notify_cb (PhNearbyRow *self)
{
  update (self);
}

static void
set_drop_hover (PhNearbyRow *self,
                gboolean     hover)
{
  if (self->drop_hover == hover)
    return;

  self->drop_hover = hover;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROP_HOVER]);
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               PhNearbyRow   *self)
{
  set_drop_hover (self, TRUE);
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               PhNearbyRow   *self)
{
  set_drop_hover (self, FALSE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PhNearbyRow   *self)
{
  set_drop_hover (self, FALSE);
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || g_value_get_boxed (value) == NULL)
    return FALSE;

  g_signal_emit (self, signals[FILES_DROPPED], 0, g_value_get_boxed (value));
  return TRUE;
}

static void
ph_nearby_row_dispose (GObject *object)
{
  PhNearbyRow *self = PH_NEARBY_ROW (object);

  if (self->peer != NULL)
    g_signal_handlers_disconnect_by_data (self->peer, self);
  g_clear_object (&self->peer);
  g_clear_object (&self->device);
  g_clear_object (&self->replaced);
  g_clear_object (&self->downgraded);
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);

  G_OBJECT_CLASS (ph_nearby_row_parent_class)->dispose (object);
}

static void
ph_nearby_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PhNearbyRow *self = PH_NEARBY_ROW (object);

  switch (prop_id)
    {
    case PROP_PEER:
      g_value_set_object (value, self->peer);
      break;
    case PROP_CHOSEN:
      g_value_set_boolean (value, self->chosen);
      break;
    case PROP_DROP_HOVER:
      g_value_set_boolean (value, self->drop_hover);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_nearby_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PhNearbyRow *self = PH_NEARBY_ROW (object);

  switch (prop_id)
    {
    case PROP_PEER:
      self->peer = g_value_dup_object (value);
      break;
    case PROP_CHOSEN:
      ph_nearby_row_set_chosen (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_nearby_row_constructed (GObject *object)
{
  PhNearbyRow *self = PH_NEARBY_ROW (object);

  G_OBJECT_CLASS (ph_nearby_row_parent_class)->constructed (object);

  g_signal_connect_object (self->peer, "notify", G_CALLBACK (peer_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

/**
 * ph_nearby_row_set_devices:
 * @devices: (nullable): the devices this computer remembers, which say
 *   which receivers are paired
 */
void
ph_nearby_row_set_devices (PhNearbyRow *self,
                           PhDevices   *devices)
{
  g_return_if_fail (PH_IS_NEARBY_ROW (self));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  if (self->devices == devices)
    return;

  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  if (devices != NULL)
    g_signal_connect_swapped (devices, "changed", G_CALLBACK (update), self);
  update (self);
}

static void
ph_nearby_row_class_init (PhNearbyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_nearby_row_dispose;
  object_class->get_property = ph_nearby_row_get_property;
  object_class->set_property = ph_nearby_row_set_property;
  object_class->constructed = ph_nearby_row_constructed;

  properties[PROP_PEER] =
    g_param_spec_object ("peer", NULL, NULL, PH_TYPE_NEARBY_RECEIVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* It is the destination. */
  properties[PROP_CHOSEN] =
    g_param_spec_boolean ("chosen", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Files are being dragged over it. */
  properties[PROP_DROP_HOVER] =
    g_param_spec_boolean ("drop-hover", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Files were dropped on the row: send them there. */
  signals[FILES_DROPPED] =
    g_signal_new ("files-dropped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, GDK_TYPE_FILE_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-nearby-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PhNearbyRow, device_image);
  gtk_widget_class_bind_template_child (widget_class, PhNearbyRow, chosen_image);
  gtk_widget_class_bind_template_child (widget_class, PhNearbyRow, menu_button);
}

static void
ph_nearby_row_init (PhNearbyRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->channel_image = GTK_IMAGE (gtk_image_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->channel_image), "dim-label");
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), GTK_WIDGET (self->channel_image));

  /* Files dropped here go to this receiver, not to the destination. */
  self->drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (self->drop_target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (self->drop_target, "leave", G_CALLBACK (drop_leave_cb), self);
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));
}

PhNearbyRow *
ph_nearby_row_new (PhNearbyReceiver *peer)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (peer), NULL);

  return g_object_new (PH_TYPE_NEARBY_ROW, "peer", peer, NULL);
}

PhNearbyReceiver *
ph_nearby_row_get_peer (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), NULL);

  return self->peer;
}

gboolean
ph_nearby_row_get_chosen (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), FALSE);

  return self->chosen;
}

void
ph_nearby_row_set_chosen (PhNearbyRow *self,
                          gboolean     chosen)
{
  g_return_if_fail (PH_IS_NEARBY_ROW (self));

  chosen = !!chosen;
  if (self->chosen == chosen)
    return;

  self->chosen = chosen;
  gtk_widget_set_visible (GTK_WIDGET (self->chosen_image), chosen);
  /* Screen readers hear which receiver files go to. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, chosen, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOSEN]);
}

/* Whether it is marked paired: its key is. */
gboolean
ph_nearby_row_get_paired (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), FALSE);

  return self->device != NULL && ph_device_is_paired (self->device);
}

/* For tests: the warning of a new key or of no encryption, or NULL. */
const char *
ph_nearby_row_get_warning (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), NULL);

  return self->replaced != NULL || self->downgraded != NULL
         ? gtk_widget_get_tooltip_text (GTK_WIDGET (self->device_image)) : NULL;
}

/* For tests: its menu, while it has one to show. */
GMenuModel *
ph_nearby_row_get_menu (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->menu_button))
         ? gtk_menu_button_get_menu_model (self->menu_button) : NULL;
}

/* For tests: what a drop on the row goes through. */
gboolean
ph_nearby_row_get_drop_hover (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), FALSE);

  return self->drop_hover;
}

GtkDropTarget *
ph_nearby_row_get_drop_target (PhNearbyRow *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_ROW (self), NULL);

  return self->drop_target;
}
