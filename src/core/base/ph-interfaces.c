/* SPDX-License-Identifier: GPL-3.0-or-later */
/* This computer's network interfaces, as discovery and receiving need
 * them: which interface holds an address, scoped link-local hosts, the
 * addresses to tell a sender, and the interfaces one may receive on. */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-interfaces.h"

/**
 * ph_interface_format_host:
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
ph_interface_format_host (const char *address,
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
 * ph_interface_for_address:
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
ph_interface_for_address (const char     *address,
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

/* An address of @ifa people can type: not link-local (it needs a scope
 * people cannot type), or NULL. */
static GInetAddress *
typeable_address (const struct ifaddrs *ifa)
{
  g_autoptr(GInetAddress) address = NULL;

  if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP))
    return NULL;

  if (ifa->ifa_addr->sa_family == AF_INET)
    address = g_inet_address_new_from_bytes ((const guint8 *) &((const struct sockaddr_in *) ifa->ifa_addr)->sin_addr,
                                             G_SOCKET_FAMILY_IPV4);
  else if (ifa->ifa_addr->sa_family == AF_INET6)
    address = g_inet_address_new_from_bytes ((const guint8 *) &((const struct sockaddr_in6 *) ifa->ifa_addr)->sin6_addr,
                                             G_SOCKET_FAMILY_IPV6);

  if (address == NULL || g_inet_address_get_is_link_local (address))
    return NULL;

  return g_steal_pointer (&address);
}

static void
add_unique (GPtrArray *array,
            char      *text)
{
  if (g_ptr_array_find_with_equal_func (array, text, g_str_equal, NULL))
    g_free (text);
  else
    g_ptr_array_add (array, text);
}

/**
 * ph_interface_list_addresses:
 *
 * This computer's addresses that others can reach: no loopback, no
 * link-local, IPv4 first since that is what people read to each other.
 *
 * Returns: (transfer full) (element-type utf8): addresses, without port
 */
GPtrArray *
ph_interface_list_addresses (void)
{
  GPtrArray *v4 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) v6 = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return v4;

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (ifa->ifa_flags & IFF_LOOPBACK || (address = typeable_address (ifa)) == NULL ||
          g_inet_address_get_is_loopback (address))
        continue;

      add_unique (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? v4 : v6,
                  g_inet_address_to_string (address));
    }
  freeifaddrs (list);

  g_ptr_array_extend_and_steal (v4, g_steal_pointer (&v6));
  return v4;
}

/**
 * ph_interface_address:
 * @name: an interface's name, such as "eth0"
 *
 * Returns: (transfer full) (nullable): the address to bind to receive
 *   on interface @name only (IPv4 first, no link-local), or %NULL when
 *   it has none right now
 */
char *
ph_interface_address (const char *name)
{
  struct ifaddrs *list = NULL;
  char *v4 = NULL, *v6 = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (getifaddrs (&list) != 0)
    return NULL;

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (g_strcmp0 (ifa->ifa_name, name) != 0 || (address = typeable_address (ifa)) == NULL)
        continue;

      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 && v4 == NULL)
        v4 = g_inet_address_to_string (address);
      else if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 && v6 == NULL)
        v6 = g_inet_address_to_string (address);
    }
  freeifaddrs (list);

  if (v4 != NULL)
    {
      g_free (v6);
      return v4;
    }
  return v6;
}

/**
 * ph_interface_list:
 *
 * The interfaces one could receive on, loopback left out: each name
 * and the address ph_interface_address() gives it.
 *
 * Returns: (transfer full) (element-type utf8): pairs of strings: name,
 *   address, name, address, ...
 */
GPtrArray *
ph_interface_list (void)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return pairs;

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    if (ifa->ifa_name != NULL && !(ifa->ifa_flags & IFF_LOOPBACK))
      add_unique (names, g_strdup (ifa->ifa_name));
  freeifaddrs (list);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      char *address = ph_interface_address (name);

      if (address == NULL)
        continue;
      g_ptr_array_add (pairs, g_strdup (name));
      g_ptr_array_add (pairs, address);
    }

  return pairs;
}

/**
 * ph_interface_is_own_address:
 * @address: an IP address
 *
 * Whether @address leads to this computer: a loopback or unspecified
 * address (0.0.0.0 and :: connect here too), one of them mapped into
 * IPv6, or an address one of its interfaces holds.
 */
gboolean
ph_interface_is_own_address (GInetAddress *address)
{
  g_autoptr(GInetAddress) unmapped = NULL;
  struct ifaddrs *list = NULL;
  gboolean own = FALSE;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  /* ::ffff:127.0.0.1 is 127.0.0.1. */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped, sizeof mapped) == 0)
        address = unmapped = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    }

  if (g_inet_address_get_is_loopback (address) || g_inet_address_get_is_any (address))
    return TRUE;

  if (getifaddrs (&list) != 0)
    return FALSE;
  for (struct ifaddrs *ifa = list; ifa != NULL && !own; ifa = ifa->ifa_next)
    own = sockaddr_matches (ifa->ifa_addr, address);
  freeifaddrs (list);

  return own;
}
