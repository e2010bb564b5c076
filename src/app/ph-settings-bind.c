/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The state objects of the core bound to the settings that steer them:
 * receiving (the receive session) and the history (the batch list). */

#include "config.h"

#include "ph-settings-private.h"

/* "" is the default folder (NULL for the session). */
static gboolean
folder_from_setting (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  g_value_take_object (value, path[0] != '\0' ? g_file_new_for_path (path) : NULL);
  return TRUE;
}

/* Original names: files saved as new_NAME, as the Python receiver does. */
static gboolean
prefix_from_setting (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  g_value_set_string (value, g_variant_get_boolean (variant) ? "new_" : "");
  return TRUE;
}

/* Receiving follows the preferences: changing one while receiving
 * takes effect at once (or listens anew, for the port and interface). */
void
ph_settings_bind_receive_session (PhSettings       *self,
                                  PhReceiveSession *session)
{
  g_return_if_fail (PH_IS_SETTINGS (self));
  g_return_if_fail (PH_IS_RECEIVE_SESSION (session));

  g_settings_bind (ph_settings_get_gsettings (self), "port", session, "port", G_SETTINGS_BIND_GET);
  g_settings_bind (ph_settings_get_gsettings (self), "receive-interface", session, "interface", G_SETTINGS_BIND_GET);
  g_settings_bind (ph_settings_get_gsettings (self), "only-paired", session, "only-paired", G_SETTINGS_BIND_GET);
  g_settings_bind (ph_settings_get_gsettings (self), "accept-unencrypted", session, "accept-unencrypted",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (ph_settings_get_gsettings (self), "ask-before-accepting", session, "ask-before-accepting",
                   G_SETTINGS_BIND_GET);
  g_settings_bind_with_mapping (ph_settings_get_gsettings (self), "receive-folder", session, "folder",
                                G_SETTINGS_BIND_GET, folder_from_setting, NULL, NULL, NULL);
  g_settings_bind_with_mapping (ph_settings_get_gsettings (self), "original-names", session, "prefix",
                                G_SETTINGS_BIND_GET, prefix_from_setting, NULL, NULL, NULL);
}

/* How long the batch list keeps its batches in the history. */
void
ph_settings_bind_batch_list (PhSettings  *self,
                             PhBatchList *batches)
{
  g_return_if_fail (PH_IS_SETTINGS (self));
  g_return_if_fail (PH_IS_BATCH_LIST (batches));

  g_settings_bind (ph_settings_get_gsettings (self), "history-days", batches, "history-days", G_SETTINGS_BIND_GET);
}
