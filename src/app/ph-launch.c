/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a received file, and showing it in its folder (through the
 * OpenURI portal, as libportal asks it). Failures come back to the
 * caller, who tells the person (a toast), not only a log. */

#include "config.h"

#include <gtk/gtk.h>
#include <libportal-gtk4/portal-gtk4.h>

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
directory_opened_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (xdp_portal_open_directory_finish (XDP_PORTAL (object), result, &error))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* No portal to ask (no session bus, none running): open the folder
   * at least, with its default application. */
  g_debug ("OpenURI.OpenDirectory failed: %s", error->message);
  open_parent (g_object_get_data (G_OBJECT (task), "uri"), task);
}

/**
 * ph_show_in_folder_async:
 * @parent: (nullable): the window asking, for the portal's dialogs
 * @uri: a local file's URI
 *
 * Shows the file in its folder through the OpenURI portal: the file
 * manager selects it where it can (org.freedesktop.FileManager1),
 * else the folder opens. Without the portal, the folder opens with its
 * default application; an error when nothing can show it.
 */
void
ph_show_in_folder_async (GtkWindow           *parent,
                         const char          *uri,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(XdpPortal) portal = NULL;
  XdpParent *xdp_parent = NULL;
  GTask *task;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (uri != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_show_in_folder_async);
  g_object_set_data_full (G_OBJECT (task), "uri", g_strdup (uri), g_free);

  /* Held by the task until the portal answers. */
  portal = xdp_portal_new ();
  g_task_set_task_data (task, g_object_ref (portal), g_object_unref);
  if (parent != NULL)
    xdp_parent = xdp_parent_new_gtk (parent);
  xdp_portal_open_directory (portal, xdp_parent, uri, XDP_OPEN_URI_FLAG_NONE, cancellable,
                             directory_opened_cb, task);
  g_clear_pointer (&xdp_parent, xdp_parent_free);
}

gboolean
ph_show_in_folder_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
