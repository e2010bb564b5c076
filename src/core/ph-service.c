/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-service.h"

/**
 * ph_service_txt_build:
 * @id: the installation id (32 hex digits)
 *
 * The TXT strings of SPEC's Discovery section, in the order they are
 * announced; nothing else is ever published.
 *
 * Returns: (transfer full): a %NULL-terminated array of "key=value"
 */
char **
ph_service_txt_build (const char *id,
                      gboolean    asks,
                      gboolean    accepts_paths)
{
  g_autofree char *id_pair = NULL;
  GStrvBuilder *builder;
  char **pairs;

  g_return_val_if_fail (ph_service_id_is_valid (id), NULL);

  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, "txtvers=1");
  id_pair = g_strconcat ("id=", id, NULL);
  g_strv_builder_add (builder, id_pair);
  g_strv_builder_add (builder, asks ? "ask=1" : "ask=0");
  g_strv_builder_add (builder, accepts_paths ? "paths=1" : "paths=0");
  pairs = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return pairs;
}

gboolean
ph_service_id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != 32)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;

  return TRUE;
}

static gboolean
value_is_one (const char *value,
              gsize       length)
{
  return length == 1 && value[0] == '1';
}

/**
 * ph_service_txt_parse:
 * @pairs: the TXT strings in the order they arrived, %NULL-terminated
 * @lengths: (nullable): the byte length of each string (they may hold
 *   NUL bytes), or %NULL when they are NUL-terminated
 * @txt: (out caller-allocates): what they say
 *
 * Reads what anyone on the network may announce: keys are
 * case-insensitive, only the first occurrence of a key counts
 * (RFC 6763, 6.4), and anything unexpected reads as "no".
 */
void
ph_service_txt_parse (const char * const *pairs,
                      const gssize       *lengths,
                      PhServiceTxt       *txt)
{
  gboolean seen_id = FALSE, seen_ask = FALSE, seen_paths = FALSE;

  g_return_if_fail (txt != NULL);

  memset (txt, 0, sizeof *txt);
  if (pairs == NULL)
    return;

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *pair = pairs[i];
      gsize length = (lengths == NULL || lengths[i] < 0) ? strlen (pair) : (gsize) lengths[i];
      const char *equals = memchr (pair, '=', length);
      gsize key_length = equals ? (gsize) (equals - pair) : length;
      const char *value = equals ? equals + 1 : NULL;
      gsize value_length = equals ? length - key_length - 1 : 0;

      if (key_length == 2 && g_ascii_strncasecmp (pair, "id", 2) == 0 && !seen_id)
        {
          seen_id = TRUE;
          if (value != NULL && value_length == 32)
            {
              g_autofree char *id = g_ascii_strdown (value, 32);

              if (ph_service_id_is_valid (id))
                txt->id = g_steal_pointer (&id);
            }
        }
      else if (key_length == 3 && g_ascii_strncasecmp (pair, "ask", 3) == 0 && !seen_ask)
        {
          seen_ask = TRUE;
          txt->asks = value != NULL && value_is_one (value, value_length);
        }
      else if (key_length == 5 && g_ascii_strncasecmp (pair, "paths", 5) == 0 && !seen_paths)
        {
          seen_paths = TRUE;
          txt->accepts_paths = value != NULL && value_is_one (value, value_length);
        }
    }
}

void
ph_service_txt_clear (PhServiceTxt *txt)
{
  g_return_if_fail (txt != NULL);

  g_clear_pointer (&txt->id, g_free);
}

/**
 * ph_service_clip_name:
 * @name: (nullable): a device name, from anywhere
 *
 * Turns @name into an instance name Avahi accepts and a list can show
 * on one line: valid UTF-8, no control characters, no surrounding
 * space, at most %PH_SERVICE_NAME_MAX bytes cut between characters.
 *
 * Returns: (transfer full): the name, "Posthouse" when nothing is left
 */
char *
ph_service_clip_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name ? name : "", -1);
  GString *clipped = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char buffer[6];
      int width;

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR ||
          g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR)
        c = ' ';
      width = g_unichar_to_utf8 (c, buffer);
      if (clipped->len + width > PH_SERVICE_NAME_MAX)
        break;
      g_string_append_len (clipped, buffer, width);
    }

  g_strstrip (clipped->str);
  clipped->len = strlen (clipped->str);
  if (clipped->len == 0)
    g_string_assign (clipped, "Posthouse");

  return g_string_free (clipped, FALSE);
}

/**
 * ph_service_format_host:
 * @address: an IP address as text, as the resolver gave it
 * @interface_index: the interface it was found on, 0 when unknown
 *
 * A link-local IPv6 address means nothing without its interface: the
 * resolver leaves the scope out, so add it ("fe80::1%eth0"), else the
 * connection fails.
 *
 * Returns: (transfer full): the host to connect to
 */
char *
ph_service_format_host (const char *address,
                        guint       interface_index)
{
  g_autoptr(GInetAddress) inet = NULL;
  char name[IF_NAMESIZE];

  g_return_val_if_fail (address != NULL, NULL);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || interface_index == 0 ||
      g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6 ||
      !g_inet_address_get_is_link_local (inet))
    return g_strdup (address);

  if (if_indextoname (interface_index, name) != NULL)
    return g_strdup_printf ("%s%%%s", address, name);

  return g_strdup_printf ("%s%%%u", address, interface_index);
}

static gboolean
sockaddr_matches (const struct sockaddr *sa,
                  GInetAddress          *inet)
{
  const guint8 *bytes = g_inet_address_to_bytes (inet);

  if (sa == NULL)
    return FALSE;
  if (sa->sa_family == AF_INET && g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
    return memcmp (&((const struct sockaddr_in *) sa)->sin_addr, bytes, 4) == 0;
  if (sa->sa_family == AF_INET6 && g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return memcmp (&((const struct sockaddr_in6 *) sa)->sin6_addr, bytes, 16) == 0;

  return FALSE;
}

/**
 * ph_service_interface_for_address:
 * @address: the local address a receiver listens on (`--bind`)
 * @interface_index: (out): the interface that holds it, 0 for a
 *   wildcard address (every interface)
 * @family: (out): the address family to announce on
 *   (%G_SOCKET_FAMILY_INVALID: both)
 *
 * A receiver bound to one address must be announced only where that
 * address is reachable: on its interface, over its family.
 *
 * Returns: %FALSE with @error when @address is a loopback address
 *   (nobody nearby could reach it) or belongs to no interface
 */
gboolean
ph_service_interface_for_address (const char     *address,
                                  guint          *interface_index,
                                  GSocketFamily  *family,
                                  GError        **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *plain = NULL;
  struct ifaddrs *list = NULL;
  guint found = 0;

  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (interface_index != NULL && family != NULL, FALSE);

  /* A scope ("fe80::1%eth0") names the interface already; compare without it. */
  plain = g_strndup (address, strcspn (address, "%"));
  inet = g_inet_address_new_from_string (plain);
  if (inet == NULL)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("“%s” is not an IP address"), address);
      return FALSE;
    }

  if (g_inet_address_get_is_any (inet))
    {
      *interface_index = 0;
      *family = G_SOCKET_FAMILY_INVALID;
      return TRUE;
    }

  if (g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("%s is only reachable from this computer"), address);
      return FALSE;
    }

  if (getifaddrs (&list) == 0)
    {
      for (struct ifaddrs *ifa = list; ifa != NULL && found == 0; ifa = ifa->ifa_next)
        if (sockaddr_matches (ifa->ifa_addr, inet))
          found = if_nametoindex (ifa->ifa_name);
      freeifaddrs (list);
    }

  if (found == 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                   _("%s is not an address of this computer"), address);
      return FALSE;
    }

  *interface_index = found;
  *family = g_inet_address_get_family (inet);
  return TRUE;
}

/* The one sentence the CLI and the window use when there is no
 * mDNS responder to ask. */
const char *
ph_service_unavailable_message (void)
{
  return _("Nearby computers can’t be found: the Avahi service isn’t running");
}
