/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Notifications for transfers: received, sent, failed, or waiting for
 * an answer, with the buttons that act on them (app.* actions). */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-application.h"
#include "ph-format.h"
#include "ph-notify.h"

#define NOTIFIED_KEY "ph-notified"

#define ICON_FILE APPLICATION_ID ".svg"

/* The daemon runs in another process and cannot read our GResource.
 * Installed, it finds the icon by name; uninstalled (build-aux/dev run,
 * tests) it gets a copy of the embedded icon by path instead. */
GIcon *
ph_notify_app_icon (void)
{
  static GIcon *icon;
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (icon != NULL)
    return g_object_ref (icon);

  for (int i = -1; icon == NULL && (i < 0 || data_dirs[i] != NULL); i++)
    {
      g_autofree char *installed =
        g_build_filename (i < 0 ? g_get_user_data_dir () : data_dirs[i],
                          "icons", "hicolor", "scalable", "apps", ICON_FILE, NULL);

      if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
        icon = g_themed_icon_new (APPLICATION_ID);
    }

  if (icon == NULL)
    {
      bytes = g_resources_lookup_data (RESOURCE_BASE "/icons/scalable/apps/" ICON_FILE,
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      dir = g_build_filename (g_get_user_cache_dir (), APPLICATION_ID, NULL);
      path = g_build_filename (dir, ICON_FILE, NULL);
      if (bytes != NULL
          && g_mkdir_with_parents (dir, 0700) == 0
          && g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                  g_bytes_get_size (bytes), &error))
        {
          g_autoptr(GFile) file = g_file_new_for_path (path);
          icon = g_file_icon_new (file);
        }
      else
        {
          if (error != NULL)
            g_debug ("Notification icon: %s", error->message);
          icon = g_themed_icon_new (APPLICATION_ID);
        }
    }

  return g_object_ref (icon);
}

#define ID_KEY "ph-notification-id"

/* Chosen once per transfer, so a later state replaces (or withdraws)
 * exactly what was shown before. */
static const char *
notification_id (PhTransfer *transfer)
{
  const char *id = g_object_get_data (G_OBJECT (transfer), ID_KEY);
  char *new_id;

  if (id != NULL)
    return id;

  new_id = g_strdup_printf ("transfer-%s", ph_application_transfer_id (transfer));

  g_object_set_data_full (G_OBJECT (transfer), ID_KEY, new_id, g_free);
  return new_id;
}

void
ph_notify_withdraw (GApplication *application,
                    PhTransfer   *transfer)
{
  if (!g_object_get_data (G_OBJECT (transfer), NOTIFIED_KEY))
    return;

  g_application_withdraw_notification (application, notification_id (transfer));
  g_object_set_data (G_OBJECT (transfer), NOTIFIED_KEY, NULL);
}

static GNotification *
build_notification (PhTransfer *transfer)
{
  PhTransferDirection direction = ph_transfer_get_direction (transfer);
  gboolean incoming = direction == PH_TRANSFER_RECEIVE;
  const char *name = ph_transfer_get_name (transfer);
  const char *id = ph_application_transfer_id (transfer);
  g_autofree char *peer = ph_format_peer (ph_transfer_get_peer (transfer), !incoming);
  g_autofree char *size = ph_format_size (ph_transfer_get_size (transfer));
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = NULL;
  GFile *file;

  switch (ph_transfer_get_state (transfer))
    {
    case PH_TRANSFER_WAITING:
      if (!incoming)
        return NULL;
      title = g_strdup_printf (_("Accept %s?"), name);
      body = g_strdup_printf (_("%s wants to send you %s (%s)"), peer, name, size);
      notification = g_notification_new (title);
      g_notification_set_body (notification, body);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_add_button_with_target (notification, _("Decline"),
                                             "app.decline-transfer", "s", id);
      g_notification_add_button_with_target (notification, _("Accept"),
                                             "app.accept-transfer", "s", id);
      break;

    case PH_TRANSFER_DONE:
      if (incoming)
        {
          g_autofree char *uri = NULL;

          file = ph_transfer_get_file (transfer);
          title = g_strdup_printf (_("Received %s"), name);
          /* Translators: "2.1 MB from 192.168.1.50" */
          body = g_strdup_printf (_("%s from %s"), size, peer);
          notification = g_notification_new (title);
          g_notification_set_body (notification, body);
          if (file != NULL)
            {
              uri = g_file_get_uri (file);
              g_notification_set_default_action_and_target (notification, "app.open-file", "s", uri);
              g_notification_add_button_with_target (notification, _("Show in Folder"),
                                                     "app.show-in-folder", "s", uri);
            }
        }
      else
        {
          title = g_strdup_printf (_("Sent %s to %s"), name, peer);
          notification = g_notification_new (title);
          g_notification_set_body (notification, size);
        }
      break;

    case PH_TRANSFER_FAILED:
      /* Declined here: the person knows, no need to tell them. */
      if (incoming && ph_transfer_get_error (transfer) != NULL &&
          g_error_matches (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_DECLINED))
        return NULL;
      if (incoming)
        title = g_strdup_printf (_("Couldn't receive %s"), name);
      else
        title = g_strdup_printf (_("Couldn't send %s"), name);
      notification = g_notification_new (title);
      if (ph_transfer_get_error_message (transfer) != NULL)
        g_notification_set_body (notification, ph_transfer_get_error_message (transfer));
      if (!incoming)
        g_notification_add_button_with_target (notification, _("Retry"),
                                               "app.retry-transfer", "s", id);
      break;

    case PH_TRANSFER_QUEUED:
    case PH_TRANSFER_CONNECTING:
    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
    case PH_TRANSFER_CANCELLED:
    default:
      return NULL;
    }

  icon = ph_notify_app_icon ();
  g_notification_set_icon (notification, icon);

  return g_steal_pointer (&notification);
}

/* One notification per transfer, replaced as its state changes. */
void
ph_notify_transfer (GApplication *application,
                    GSettings    *settings,
                    PhTransfer   *transfer)
{
  g_autoptr(GNotification) notification = NULL;

  if (!g_settings_get_boolean (settings, "notifications"))
    return;

  notification = build_notification (transfer);
  if (notification == NULL)
    {
      /* Accepted, declined or cancelled: an old question must not linger. */
      ph_notify_withdraw (application, transfer);
      return;
    }

  /* Same id per transfer, so a new state replaces the old notification. */
  g_application_send_notification (application, notification_id (transfer), notification);
  g_object_set_data (G_OBJECT (transfer), NOTIFIED_KEY, GINT_TO_POINTER (TRUE));
}

/* For transfers refused on arrival (bad header, no space, ...): they
 * share one notification, so a flood of them cannot bury the desktop. */
void
ph_notify_refused (GApplication *application,
                   GSettings    *settings,
                   PhTransfer   *transfer)
{
  g_object_set_data_full (G_OBJECT (transfer), ID_KEY, g_strdup ("refused"), g_free);
  ph_notify_transfer (application, settings, transfer);
}
