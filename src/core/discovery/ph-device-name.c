/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ph-device-name.h"
#include "ph-dns-sd.h"

/* systemd-hostnamed may have to start first: give it a moment, not
 * the default 25 s. */
#define HOSTNAMED_TIMEOUT_MSEC 3000

/**
 * ph_device_name_from_host_name:
 * @host_name: (nullable): a host name, %NULL for this machine's
 *
 * The name people know a machine by when it has no pretty name: its
 * host name without the domain (as Avahi does).
 *
 * Returns: (transfer full): a name fit to announce
 */
char *
ph_device_name_from_host_name (const char *host_name)
{
  g_autofree char *first = NULL;

  if (host_name == NULL)
    host_name = g_get_host_name ();

  first = g_strndup (host_name, strcspn (host_name, "."));
  return ph_dns_sd_clip_name (first);
}

static void
return_name (GTask      *task,
             const char *pretty)
{
  g_autofree char *stripped = g_strstrip (g_strdup (pretty ? pretty : ""));

  if (*stripped != '\0')
    g_task_return_pointer (task, ph_dns_sd_clip_name (stripped), g_free);
  else
    g_task_return_pointer (task, ph_device_name_from_host_name (NULL), g_free);
}

static void
get_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (reply == NULL)
    {
      g_debug ("No pretty host name from hostnamed: %s", error->message);
      return_name (task, NULL);
      return;
    }

  g_variant_get (reply, "(v)", &value);
  return_name (task, g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                     ? g_variant_get_string (value, NULL) : NULL);
}

static void
bus_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  bus = g_bus_get_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (bus == NULL)
    {
      g_debug ("No system bus for the pretty host name: %s", error->message);
      return_name (task, NULL);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_dbus_connection_call (bus,
                          "org.freedesktop.hostname1",
                          "/org/freedesktop/hostname1",
                          "org.freedesktop.DBus.Properties",
                          "Get",
                          g_variant_new ("(ss)", "org.freedesktop.hostname1", "PrettyHostname"),
                          G_VARIANT_TYPE ("(v)"),
                          G_DBUS_CALL_FLAGS_NONE,
                          HOSTNAMED_TIMEOUT_MSEC,
                          cancellable,
                          get_cb,
                          g_steal_pointer (&task));
}

/**
 * ph_device_name_query_async:
 *
 * Finds the device's name as people know it: the pretty host name
 * from org.freedesktop.hostname1 ("Alice’s Laptop", what GNOME
 * Settings calls the device name), else the host name. Never fails
 * but when cancelled.
 */
void
ph_device_name_query_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_device_name_query_async);

  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, bus_cb, g_steal_pointer (&task));
}

/**
 * ph_device_name_query_finish:
 *
 * Returns: (transfer full): the name, clipped to what DNS-SD allows;
 *   %NULL only when cancelled
 */
char *
ph_device_name_query_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_device_name_query_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
