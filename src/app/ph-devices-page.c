/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences › Devices: who may send (only paired devices, unencrypted
 * connections), and the devices this computer remembers, paired ones
 * first, each with Forget, Block, Unblock. The list is the one the CLI
 * shares: a change there shows here (PhDevices follows the file). */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-device-row.h"
#include "ph-devices-page.h"

struct _PhDevicesPage
{
  AdwPreferencesPage  parent_instance;

  PhSettings         *settings;
  PhDevices          *devices;
  GtkSorter          *sorter;

  GtkSwitch          *only_paired_switch;
  GtkSwitch          *unencrypted_switch;
  GtkListBox         *list;
};

G_DEFINE_FINAL_TYPE (PhDevicesPage, ph_devices_page, ADW_TYPE_PREFERENCES_PAGE)

static int
rank (PhDevice *device)
{
  switch (ph_device_get_state (device))
    {
    case PH_DEVICE_PAIRED:
      return 0;
    case PH_DEVICE_KNOWN:
      return 1;
    case PH_DEVICE_BLOCKED:
    default:
      return 2;
    }
}

/* Paired first, blocked last; within each, the latest seen first. */
static int
compare_devices (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  PhDevice *x = (PhDevice *) a;
  PhDevice *y = (PhDevice *) b;
  gint64 seen_x = ph_device_get_last_seen (x);
  gint64 seen_y = ph_device_get_last_seen (y);

  if (rank (x) != rank (y))
    return rank (x) < rank (y) ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  if (seen_x != seen_y)
    return seen_x > seen_y ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  return g_strcmp0 (ph_device_get_fingerprint (x), ph_device_get_fingerprint (y)) < 0
         ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static void
resort (PhDevicesPage *self)
{
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  PhDevicesPage *self = user_data;
  PhDevice *device = item;

  /* A state that changes moves the row (once per device). */
  if (g_signal_handler_find (device, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                             resort, self) == 0)
    g_signal_connect_object (device, "notify::state", G_CALLBACK (resort), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (ph_device_row_new (device, self->devices));
}

static void
ph_devices_page_dispose (GObject *object)
{
  PhDevicesPage *self = PH_DEVICES_PAGE (object);

  /* The list of devices outlives the page: no rows for a page that is gone. */
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->settings);
  g_clear_object (&self->devices);
  g_clear_object (&self->sorter);

  G_OBJECT_CLASS (ph_devices_page_parent_class)->dispose (object);
}

static void
ph_devices_page_class_init (PhDevicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_devices_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-devices-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PhDevicesPage, only_paired_switch);
  gtk_widget_class_bind_template_child (widget_class, PhDevicesPage, unencrypted_switch);
  gtk_widget_class_bind_template_child (widget_class, PhDevicesPage, list);
}

static void
ph_devices_page_init (PhDevicesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PhDevicesPage *
ph_devices_page_new (PhSettings *settings,
                     PhDevices  *devices)
{
  GBindingFlags both = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  g_autoptr(GtkSortListModel) sorted = NULL;
  PhDevicesPage *self;

  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  self = g_object_new (PH_TYPE_DEVICES_PAGE, NULL);
  self->settings = g_object_ref (settings);
  self->devices = g_object_ref (devices);

  g_object_bind_property (settings, "only-paired", self->only_paired_switch, "active", both);
  g_object_bind_property (settings, "accept-unencrypted", self->unencrypted_switch, "active", both);

  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_devices, NULL, NULL));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (devices)), g_object_ref (self->sorter));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (sorted), create_row, self, NULL);

  return self;
}

GtkListBox *
ph_devices_page_get_list (PhDevicesPage *self)
{
  return self->list;
}
