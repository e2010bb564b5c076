/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a received file, and showing it in its folder. Failures come
 * back to the caller, who tells the person (a toast), not only a log. */

#include "config.h"

#include <gtk/gtk.h>

#include "ph-launch.h"

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* With the display's launch context: startup notification, portal. */
static void
launch (const char *uri,
        GTask      *task)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;

  context = gdk_display_get_app_launch_context (gdk_display_get_default ());
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context),
                                           g_task_get_cancellable (task),
                                           launch_cb, task);
}

void
ph_launch_uri_async (const char          *uri,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (uri != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_launch_uri_async);
  launch (uri, task);
}

gboolean
ph_launch_uri_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
open_parent (const char *uri,
             GTask      *task)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *parent_uri = parent ? g_file_get_uri (parent) : g_strdup (uri);

  launch (parent_uri, task);
}

static void
show_items_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GVariant) ret = NULL;
  g_autoptr(GError) error = NULL;

  ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (ret != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* No FileManager1 here: open the folder at least. */
  g_debug ("FileManager1.ShowItems failed: %s", error->message);
  open_parent (g_task_get_task_data (task), task);
}

/* The file selected in its folder where the file manager supports
 * org.freedesktop.FileManager1, else just the folder; an error when
 * neither works (no file manager at all). */
void
ph_show_in_folder_async (GDBusConnection     *bus,
                         const char          *uri,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  const char *uris[] = { uri, NULL };
  GTask *task;

  g_return_if_fail (bus == NULL || G_IS_DBUS_CONNECTION (bus));
  g_return_if_fail (uri != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_show_in_folder_async);
  g_task_set_task_data (task, g_strdup (uri), g_free);

  if (bus == NULL)
    {
      open_parent (uri, task);
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
                          5000, cancellable,
                          show_items_cb, task);
}

gboolean
ph_show_in_folder_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
