/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a received file, and showing it in its folder. */

#include "config.h"

#include <gtk/gtk.h>

#include "ph-launch.h"

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_message ("Could not open the file: %s", error->message);
}

/* With the display's launch context: startup notification, portal. */
void
ph_launch_uri (const char *uri)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;

  g_return_if_fail (uri != NULL);

  context = gdk_display_get_app_launch_context (gdk_display_get_default ());
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL,
                                           launch_cb, NULL);
}

static void
open_parent (const char *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *parent_uri = parent ? g_file_get_uri (parent) : g_strdup (uri);

  ph_launch_uri (parent_uri);
}

static void
show_items_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree char *uri = user_data;
  g_autoptr(GVariant) ret = NULL;
  g_autoptr(GError) error = NULL;

  ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (ret == NULL)
    {
      /* No FileManager1 here: open the folder at least. */
      g_debug ("FileManager1.ShowItems failed: %s", error->message);
      open_parent (uri);
    }
}

/* The file selected in its folder where the file manager supports
 * org.freedesktop.FileManager1, else just the folder. */
void
ph_show_in_folder (GDBusConnection *bus,
                   const char      *uri)
{
  const char *uris[] = { uri, NULL };

  g_return_if_fail (bus == NULL || G_IS_DBUS_CONNECTION (bus));
  g_return_if_fail (uri != NULL);

  if (bus == NULL)
    {
      open_parent (uri);
      return;
    }

  g_dbus_connection_call (bus,
                          "org.freedesktop.FileManager1",
                          "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1",
                          "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL,
                          G_DBUS_CALL_FLAGS_NONE,
                          5000, NULL,
                          show_items_cb, g_strdup (uri));
}
