/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether files go to a destination through the secure channel, and to
 * which key (SPEC, Identity and the secure channel: no downgrade). The
 * one place that decides, for the app and the CLI alike; the send
 * queue asks it before every batch. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-destination-trust.h"
#include "ph-error.h"
#include "ph-fingerprint.h"

/* The device that announced this installation id last, whatever its key. */
static PhDevice *
find_by_installation (PhDevices  *devices,
                      const char *installation_id)
{
  PhDevice *found = NULL;
  guint n;

  if (installation_id == NULL || *installation_id == '\0')
    return NULL;

  n = g_list_model_get_n_items (G_LIST_MODEL (devices));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhDevice) device = g_list_model_get_item (G_LIST_MODEL (devices), i);

      if (g_strcmp0 (ph_device_get_installation_id (device), installation_id) == 0 &&
          (found == NULL || ph_device_get_last_seen (device) > ph_device_get_last_seen (found)))
        found = device;
    }

  return found;
}

/* A receiver announced without tls=1 that this computer knows by its
 * key: by its installation id, or (asked for by name) a paired device
 * of its name. Never sent to in the clear (SPEC: no downgrade). */
static PhDevice *
find_known_by_key (PhDevices  *devices,
                   const char *name,
                   const char *installation_id,
                   gboolean    by_name)
{
  PhDevice *device = find_by_installation (devices, installation_id);

  if (device == NULL && by_name)
    device = ph_devices_find_key_change (devices, "", name, NULL);
  return device;
}

static const char *
label (PhDestination *destination)
{
  const char *name = ph_destination_get_name (destination);

  return name != NULL && *name != '\0' ? name : ph_destination_get_address (destination);
}

static gboolean
not_blocked (PhDestination  *destination,
             PhDevice       *device,
             GError        **error)
{
  if (device == NULL || ph_device_get_state (device) != PH_DEVICE_BLOCKED)
    return TRUE;

  g_set_error (error, PH_ERROR, PH_ERROR_BLOCKED,
               _("“%s” is blocked on this computer: unblock it to send files to it"),
               label (destination));
  return FALSE;
}

static void
use_secure (PhDestination *destination,
            PhDevice      *device,
            const char    *fingerprint)
{
  ph_destination_set_secure (destination, TRUE);
  ph_destination_set_fingerprint (destination, fingerprint);
  ph_destination_set_paired (destination, device != NULL && ph_device_is_paired (device));
  if (ph_destination_get_name (destination) == NULL && device != NULL)
    ph_destination_set_name (destination, ph_device_get_name (device));
}

/* A known device under another key: the one it announces now. */
static gboolean
check_announced_key (PhDestination  *destination,
                     PhDevices      *devices,
                     const char     *announced,
                     GError        **error)
{
  PhDevice *device = ph_devices_lookup (devices, announced);
  PhDevice *other;
  g_autofree char *new_short = NULL;
  g_autofree char *old_short = NULL;

  if (device != NULL)
    {
      if (!not_blocked (destination, device, error))
        return FALSE;
      use_secure (destination, device, announced);
      return TRUE;
    }

  other = find_by_installation (devices, ph_destination_get_installation_id (destination));
  /* Asked for by name: a paired device's name under a new key. */
  if (other == NULL && ph_destination_get_found_by_name (destination))
    other = ph_devices_find_key_change (devices, announced, ph_destination_get_name (destination), NULL);
  if (other == NULL)
    {
      use_secure (destination, NULL, announced);
      return TRUE;
    }

  new_short = ph_fingerprint_format_short (announced);
  old_short = ph_fingerprint_format_short (ph_device_get_fingerprint (other));
  g_set_error (error, PH_ERROR, PH_ERROR_WRONG_KEY,
               /* Translators: a device's name, then two short fingerprints ("47DE Qpj8 HBSa -_TI") */
               _("“%s” has a new key (%s), not the one this computer knows (%s): nothing was sent. "
                 "If it was set up again, pair with it again, or forget the old key "
                 "(posthouse-cli devices forget)."),
               label (destination), new_short, old_short);
  return FALSE;
}

/**
 * ph_destination_find_key_change:
 * @devices: the devices this computer remembers
 * @fingerprint: (nullable): the key a receiver announced (fp=)
 * @name: (nullable): the name it announced
 * @installation_id: (nullable): the id= it announced
 *
 * Whether a receiver announced nearby claims to be a device this
 * computer knows under another key: a paired one of its name or id, or
 * one known by its id (sending there is refused). What the Nearby rows
 * and `list` warn of ("Study Laptop has a new key: pair again to trust
 * it"); pairing with the new key, or forgetting the old one, ends it.
 *
 * Returns: (transfer none) (nullable): the device under the old key
 */
PhDevice *
ph_destination_find_key_change (PhDevices  *devices,
                                const char *fingerprint,
                                const char *name,
                                const char *installation_id)
{
  PhDevice *device;
  PhDevice *replaced;

  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  if (fingerprint == NULL)
    return NULL;
  device = ph_devices_lookup (devices, fingerprint);
  if (device != NULL && ph_device_is_paired (device))
    return NULL;

  replaced = ph_devices_find_key_change (devices, fingerprint, name, installation_id);
  /* As check_announced_key() refuses to send. */
  if (replaced == NULL && device == NULL)
    replaced = find_by_installation (devices, installation_id);
  return replaced;
}

/**
 * ph_destination_find_downgrade:
 * @devices: the devices this computer remembers
 * @fingerprint: (nullable): the key a receiver announced (fp=): with
 *   one, it is no downgrade
 * @name: (nullable): the name it announced
 * @installation_id: (nullable): the id= it announced
 *
 * Whether a receiver announced nearby without encryption is a device
 * this computer knows by its key: the one of its installation id
 * (paired, known or blocked), or a paired one of its name. Sending to
 * it by its name is refused, as ph_destination_decide_channel() does;
 * what the Nearby rows and `list` warn of, never "paired".
 *
 * Returns: (transfer none) (nullable): the device it claims to be
 */
PhDevice *
ph_destination_find_downgrade (PhDevices  *devices,
                               const char *fingerprint,
                               const char *name,
                               const char *installation_id)
{
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  if (fingerprint != NULL)
    return NULL;
  return find_known_by_key (devices, name, installation_id, TRUE);
}

/**
 * ph_destination_describe_key_change:
 * @replaced: what ph_destination_find_key_change() (or the trust
 *   policy) found: the device under its old key
 * @name: (nullable): the name announced, for a device without one
 *
 * Returns: (transfer full): "“Study Laptop” has a new key: pair again
 *   to trust it"
 */
char *
ph_destination_describe_key_change (PhDevice   *replaced,
                                    const char *name)
{
  const char *old_name;

  g_return_val_if_fail (PH_IS_DEVICE (replaced), NULL);

  old_name = ph_device_get_name (replaced);
  return g_strdup_printf (_("“%s” has a new key: pair again to trust it"),
                          old_name != NULL ? old_name : name);
}

/**
 * ph_destination_describe_downgrade:
 * @known: what ph_destination_find_downgrade() found
 * @name: (nullable): the name announced, for a device without one
 *
 * Returns: (transfer full): "“Study Laptop” is now announced without
 *   encryption: files will not be sent to it"
 */
char *
ph_destination_describe_downgrade (PhDevice   *known,
                                   const char *name)
{
  const char *known_name;

  g_return_val_if_fail (PH_IS_DEVICE (known), NULL);

  known_name = ph_device_get_name (known);
  /* Translators: a device's name */
  return g_strdup_printf (_("“%s” is now announced without encryption: files will not be sent to it"),
                          known_name != NULL && *known_name != '\0' ? known_name : name);
}

/**
 * ph_destination_decide_channel:
 * @devices: the devices this computer remembers
 * @require_encryption: never the original format (`send
 *   --require-encryption`): a destination nothing is known of gets a
 *   first contact through the secure channel, its key taken as shown
 *
 * Decides how files go to @destination, setting its "secure",
 * "fingerprint" and "paired":
 * - announced with tls=1: the secure channel, to the announced key;
 *   unless a device known under another key announced the same
 *   installation id (or, asked for by name, a paired device has that
 *   name): a new key is never trusted silently;
 * - a device known by its key is never sent to in the clear: announced
 *   without tls=1, it is refused;
 * - typed as an address where a device received files before: the
 *   secure channel, to the key remembered;
 * - anything else: the original format, unless @require_encryption.
 *
 * Returns: %FALSE with @error (%PH_ERROR_WRONG_KEY, %PH_ERROR_BLOCKED,
 *   %PH_ERROR_NOT_ENCRYPTED) when nothing may be sent
 */
gboolean
ph_destination_decide_channel (PhDestination  *destination,
                               PhDevices      *devices,
                               gboolean        require_encryption,
                               GError        **error)
{
  const char *announced;
  gboolean nearby;
  PhDevice *device = NULL;

  g_return_val_if_fail (PH_IS_DESTINATION (destination), FALSE);
  g_return_val_if_fail (devices == NULL || PH_IS_DEVICES (devices), FALSE);

  announced = ph_destination_get_announced_fingerprint (destination);
  nearby = ph_destination_get_nearby (destination);

  if (announced != NULL)
    {
      if (devices != NULL)
        return check_announced_key (destination, devices, announced, error);
      use_secure (destination, NULL, announced);
      return TRUE;
    }

  if (devices != NULL && nearby)
    {
      device = find_known_by_key (devices, ph_destination_get_name (destination),
                                  ph_destination_get_installation_id (destination),
                                  ph_destination_get_found_by_name (destination));
      /* Typed where a device received files before: an announcement
       * without tls=1 (anyone may publish one for that address) does
       * not take the secure channel away; the handshake proves the key. */
      if (device == NULL && !ph_destination_get_found_by_name (destination))
        {
          PhDevice *remembered = ph_devices_lookup_receiver (devices, ph_destination_get_address (destination));

          if (remembered != NULL)
            {
              if (!not_blocked (destination, remembered, error))
                return FALSE;
              use_secure (destination, remembered, ph_device_get_fingerprint (remembered));
              return TRUE;
            }
        }
    }
  else if (devices != NULL)
    device = ph_devices_lookup_receiver (devices, ph_destination_get_address (destination));

  if (device != NULL && nearby)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED,
                   _("“%s” is known to this computer by its key, but is now announced without "
                     "encryption: nothing was sent (someone may be posing as it)"),
                   label (destination));
      return FALSE;
    }

  if (device != NULL)
    {
      if (!not_blocked (destination, device, error))
        return FALSE;
      use_secure (destination, device, ph_device_get_fingerprint (device));
      return TRUE;
    }

  if (require_encryption && nearby)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED,
                   _("“%s” does not receive encrypted files (an older Posthouse?): nothing was sent"),
                   label (destination));
      return FALSE;
    }

  /* A first contact: the key shown is taken, and remembered after. */
  ph_destination_set_secure (destination, require_encryption);
  ph_destination_set_fingerprint (destination, NULL);
  ph_destination_set_paired (destination, FALSE);
  return TRUE;
}

/**
 * ph_destination_describe:
 *
 * Returns: (transfer full): how files go there, as `posthouse-cli send`
 *   says it: "encrypted, to Study Laptop (paired)", "not encrypted"
 */
char *
ph_destination_describe (PhDestination *destination)
{
  g_return_val_if_fail (PH_IS_DESTINATION (destination), NULL);

  if (!ph_destination_get_secure (destination))
    /* Translators: the receiver's name or address */
    return g_strdup_printf (_("not encrypted, to %s"), label (destination));
  if (ph_destination_get_fingerprint (destination) == NULL)
    /* Translators: the receiver's address */
    return g_strdup_printf (_("encrypted, to %s (a first contact: its key is not checked, and "
                              "is remembered)"),
                            label (destination));
  if (ph_destination_get_paired (destination))
    /* Translators: the receiver's name */
    return g_strdup_printf (_("encrypted, to %s (paired)"), label (destination));
  /* Translators: the receiver's name */
  return g_strdup_printf (_("encrypted, to %s"), label (destination));
}
