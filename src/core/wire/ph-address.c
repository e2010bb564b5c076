/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"

/* GLib accepts any string as a host name; refuse what no resolver would
 * ever find ("my host", "a..b", "-x") with a message now rather than an
 * obscure resolver error later. */
static gboolean
is_host_name (const char *host)
{
  g_autofree char *ascii = g_hostname_to_ascii (host);
  gsize label = 0;

  if (ascii == NULL || *ascii == '\0' || strlen (ascii) > 253)
    return FALSE;

  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (label == 0)
            return FALSE;
          label = 0;
        }
      else if (g_ascii_isalnum (*p) || *p == '_' || (*p == '-' && label > 0))
        {
          if (++label > 63)
            return FALSE;
        }
      else
        return FALSE;
    }

  return TRUE;
}


/* "HOST:PORT" or "[V6]:PORT" whose PORT is all digits but 0 or above
 * 65535. */
static gboolean
port_out_of_range (const char *text)
{
  const char *colon = strrchr (text, ':');
  guint64 port;

  if (colon == NULL || colon[1] == '\0' ||
      (text[0] == '[' ? colon[-1] != ']' : strchr (text, ':') != colon))
    return FALSE;

  for (const char *p = colon + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  port = g_ascii_strtoull (colon + 1, NULL, 10);
  return port == 0 || port > G_MAXUINT16;
}

/**
 * ph_address_parse:
 * @text: what a person typed: "host", "host:port", "[::1]:6666", "[::1]",
 *   "::1", with or without surrounding spaces
 * @default_port: the port when @text has none
 * @host: (out) (transfer full) (optional): the host name or IP literal,
 *   without brackets
 * @port: (out) (optional): the port, never 0
 * @error: return location for a #GError in %PH_ERROR
 *
 * Returns: %TRUE when @text is a usable address
 */
gboolean
ph_address_parse (const char  *text,
                  guint16      default_port,
                  char       **host,
                  guint16     *port,
                  GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  const char *hostname;
  guint16 portnum;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("No address given: type a host name or an IP address, optionally followed by “:PORT”"));
      return FALSE;
    }

  /* A port out of range makes the whole parse fail: say what is wrong. */
  if (port_out_of_range (trimmed))
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("“%s” has no valid port: use a port between 1 and 65535"),
                   trimmed);
      return FALSE;
    }

  address = g_network_address_parse (trimmed, default_port, NULL);
  hostname = address ? g_network_address_get_hostname (G_NETWORK_ADDRESS (address)) : NULL;

  if (hostname == NULL ||
      (!g_hostname_is_ip_address (hostname) && !is_host_name (hostname)))
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a valid address: use HOST or HOST:PORT, with brackets around IPv6 addresses ([::1]:6666)"),
                   trimmed);
      return FALSE;
    }

  portnum = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  if (portnum == 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("“%s” has no valid port: use a port between 1 and 65535"),
                   trimmed);
      return FALSE;
    }

  if (host != NULL)
    *host = g_strdup (hostname);
  if (port != NULL)
    *port = portnum;

  return TRUE;
}

/**
 * ph_address_format:
 * @host: a host name or IP literal
 * @port: a port
 *
 * The inverse of ph_address_parse(): "host:6666", or "[::1]:6666" for
 * IPv6 literals.
 *
 * Returns: (transfer full): the address as text
 */
char *
ph_address_format (const char *host,
                   guint16     port)
{
  g_return_val_if_fail (host != NULL, NULL);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);

  return g_strdup_printf ("%s:%u", host, port);
}
