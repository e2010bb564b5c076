/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ph-test-hostnamed.h"

static const char hostname1_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.hostname1'>"
  "    <property name='PrettyHostname' type='s' access='read'/>"
  "  </interface>"
  "</node>";

static GVariant *
get_property_cb (GDBusConnection  *connection,
                 const char       *sender,
                 const char       *object_path,
                 const char       *interface_name,
                 const char       *property_name,
                 GError          **error,
                 gpointer          user_data)
{
  return g_variant_new_string (user_data);
}

static void
acquired_cb (GDBusConnection *connection,
             const char      *name,
             gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
lost_cb (GDBusConnection *connection,
         const char      *name,
         gpointer         user_data)
{
  g_error ("Cannot own %s", name);
}

/**
 * ph_test_hostnamed_serve:
 * @pretty: (not nullable): must outlive the service
 * @owned: set to %TRUE once the name is ours: wait for it
 *
 * Returns: the name owner id, for g_bus_unown_name()
 */
guint
ph_test_hostnamed_serve (GDBusConnection *bus,
                         const char      *pretty,
                         gboolean        *owned)
{
  static const GDBusInterfaceVTable vtable = { NULL, get_property_cb, NULL };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (hostname1_xml, NULL);
  g_autoptr(GError) error = NULL;

  g_dbus_connection_register_object (bus, "/org/freedesktop/hostname1", info->interfaces[0],
                                     &vtable, (gpointer) pretty, NULL, &error);
  g_assert_no_error (error);

  return g_bus_own_name_on_connection (bus, "org.freedesktop.hostname1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                       acquired_cb, lost_cb, owned, NULL);
}
