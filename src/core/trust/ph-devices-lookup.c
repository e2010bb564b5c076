/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhDevices: finding devices by something other than their key. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-devices-private.h"
#include "ph-error.h"
#include "ph-fingerprint.h"

static char *
fold_name (const char *name)
{
  g_autofree char *normal = name ? g_utf8_normalize (name, -1, G_NORMALIZE_ALL) : NULL;
  g_autofree char *stripped = NULL;

  if (normal == NULL)
    return NULL;
  stripped = g_strstrip (g_strdup (normal));
  if (*stripped == '\0')
    return NULL;
  return g_utf8_casefold (stripped, -1);
}

/* Of two candidates, the one seen last. */
static PhDevice *
latest (PhDevice *a,
        PhDevice *b)
{
  if (a == NULL)
    return b;
  return ph_device_get_last_seen (b) > ph_device_get_last_seen (a) ? b : a;
}

/**
 * ph_devices_find_key_change:
 * @fingerprint: a key that is not paired
 * @name: (nullable): the name it gives itself
 * @installation_id: (nullable): the id= it announces
 *
 * Whether another key is paired under this name or installation id: the
 * device may have a new key (reinstalled), or someone uses its name.
 * Either way the new key is not trusted until paired ("Study Laptop
 * has a new key: pair again to trust it"). An address alone is no sign:
 * addresses change hands on every network.
 *
 * Returns: (transfer none) (nullable): the paired device it would replace
 */
PhDevice *
ph_devices_find_key_change (PhDevices  *self,
                            const char *fingerprint,
                            const char *name,
                            const char *installation_id)
{
  g_autofree char *folded = fold_name (name);
  PhDevice *found = NULL;
  PhDevice *device;
  guint n;

  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  device = ph_devices_lookup (self, fingerprint);
  if (device != NULL && ph_device_get_state (device) == PH_DEVICE_PAIRED)
    return NULL;
  if (installation_id != NULL && *installation_id == '\0')
    installation_id = NULL;

  n = g_list_model_get_n_items (G_LIST_MODEL (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhDevice) other = g_list_model_get_item (G_LIST_MODEL (self), i);
      g_autofree char *other_name = NULL;

      if (ph_device_get_state (other) != PH_DEVICE_PAIRED ||
          g_strcmp0 (ph_device_get_fingerprint (other), fingerprint) == 0)
        continue;

      other_name = fold_name (ph_device_get_name (other));
      if ((installation_id != NULL &&
           g_strcmp0 (installation_id, ph_device_get_installation_id (other)) == 0) ||
          (folded != NULL && g_strcmp0 (folded, other_name) == 0))
        found = latest (found, other);
    }

  return found;
}

/**
 * ph_devices_lookup_receiver:
 * @address: "HOST:PORT" as typed or resolved
 *
 * The device that last received files from this computer at that
 * address: a destination typed without an announcement is held to the
 * key remembered for it.
 *
 * Returns: (transfer none) (nullable): the device, paired ones first
 */
PhDevice *
ph_devices_lookup_receiver (PhDevices  *self,
                            const char *address)
{
  PhDevice *paired = NULL;
  PhDevice *other = NULL;
  guint n;

  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  if (address == NULL)
    return NULL;

  n = g_list_model_get_n_items (G_LIST_MODEL (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhDevice) device = g_list_model_get_item (G_LIST_MODEL (self), i);

      if (g_strcmp0 (ph_device_get_receiver_address (device), address) != 0)
        continue;
      if (ph_device_get_state (device) == PH_DEVICE_PAIRED)
        paired = latest (paired, device);
      else
        other = latest (other, device);
    }

  return paired ? paired : other;
}

static gboolean
fingerprint_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/**
 * ph_devices_resolve:
 * @text: a fingerprint, its short form ("47DE Qpj8 HBSa -_TI"), a
 *   beginning of it at least four characters long, or a device's name
 *
 * What `posthouse-cli devices forget …` names.
 *
 * Returns: (transfer none) (nullable): the one device meant, or NULL with
 *   PH_ERROR_NOT_FOUND or PH_ERROR_AMBIGUOUS
 */
PhDevice *
ph_devices_resolve (PhDevices   *self,
                    const char  *text,
                    GError     **error)
{
  g_autoptr(GString) compact = g_string_new (NULL);
  g_autofree char *folded = fold_name (text);
  PhDevice *by_key = NULL;
  PhDevice *by_name = NULL;
  guint n_key = 0, n_name = 0;
  gboolean key_like = TRUE;
  guint n;

  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  for (const char *c = text; *c; c++)
    if (fingerprint_char (*c))
      g_string_append_c (compact, *c);
    else if (*c != ' ')
      key_like = FALSE;
  key_like = key_like && compact->len >= 4;

  n = g_list_model_get_n_items (G_LIST_MODEL (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhDevice) device = g_list_model_get_item (G_LIST_MODEL (self), i);
      g_autofree char *name = fold_name (ph_device_get_name (device));

      if (key_like && g_str_has_prefix (ph_device_get_fingerprint (device), compact->str))
        {
          by_key = device;
          n_key++;
        }
      if (folded != NULL && g_strcmp0 (folded, name) == 0)
        {
          by_name = device;
          n_name++;
        }
    }

  if (n_key == 1)
    return by_key;
  if (n_key == 0 && n_name == 1)
    return by_name;

  if (n_key > 1 || n_name > 1)
    g_set_error (error, PH_ERROR, PH_ERROR_AMBIGUOUS,
                 _("Several remembered devices match “%s”; give more of the fingerprint"), text);
  else
    g_set_error (error, PH_ERROR, PH_ERROR_NOT_FOUND,
                 _("No remembered device matches “%s”"), text);
  return NULL;
}
