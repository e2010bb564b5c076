/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where files go: a destination as typed, and the receiver nearby it
 * is. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-destination.h"
#include "ph-error.h"

/**
 * ph_destination_text_is_valid:
 * @text: (nullable): a destination as typed
 *
 * Returns: whether @text is an address files can be sent to, else
 *   %FALSE with @error saying what is wrong with it
 */
gboolean
ph_destination_text_is_valid (const char  *text,
                              GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (text == NULL || text[0] == '\0')
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                           _("Enter the address of the receiving computer"));
      return FALSE;
    }

  return ph_address_parse (text, PH_DEFAULT_PORT, &host, &port, error);
}

/**
 * ph_destination_find_nearby:
 * @browser: (nullable): the receivers nearby
 * @text: (nullable): `HOST[:PORT]`, as typed
 *
 * Returns: (transfer none) (nullable): the receiver nearby announced at
 *   @text now
 */
PhNearbyReceiver *
ph_destination_find_nearby (PhBrowser  *browser,
                            const char *text)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (browser == NULL || text == NULL ||
      !ph_address_parse (text, PH_DEFAULT_PORT, &host, &port, NULL))
    return NULL;

  return ph_browser_find_by_address (browser, host, port);
}
