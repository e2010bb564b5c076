/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ph-addresses.h"

/* This machine's addresses others can reach: no loopback, no
 * link-local (it needs a scope people cannot type), IPv4 first since
 * that is what people read to each other. Strings, without port. */
GPtrArray *
ph_local_addresses (void)
{
  GPtrArray *v4 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) v6 = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *ifaddrs = NULL;

  if (getifaddrs (&ifaddrs) != 0)
    return v4;

  for (struct ifaddrs *ifa = ifaddrs; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) address = NULL;
      GPtrArray *into;
      char *text;

      if (ifa->ifa_addr == NULL ||
          !(ifa->ifa_flags & IFF_UP) ||
          (ifa->ifa_flags & IFF_LOOPBACK))
        continue;

      if (ifa->ifa_addr->sa_family == AF_INET)
        {
          struct sockaddr_in *sin = (struct sockaddr_in *) ifa->ifa_addr;
          address = g_inet_address_new_from_bytes ((guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
          into = v4;
        }
      else if (ifa->ifa_addr->sa_family == AF_INET6)
        {
          struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ifa->ifa_addr;
          address = g_inet_address_new_from_bytes ((guint8 *) &sin6->sin6_addr, G_SOCKET_FAMILY_IPV6);
          /* A link-local address needs a scope that people cannot type. */
          if (g_inet_address_get_is_link_local (address))
            continue;
          into = v6;
        }
      else
        continue;

      if (g_inet_address_get_is_loopback (address))
        continue;

      text = g_inet_address_to_string (address);
      if (g_ptr_array_find_with_equal_func (into, text, g_str_equal, NULL))
        g_free (text);
      else
        g_ptr_array_add (into, text);
    }

  freeifaddrs (ifaddrs);

  g_ptr_array_extend_and_steal (v4, g_steal_pointer (&v6));
  return v4;
}

/* The interfaces one could receive on: name and first address (IPv4
 * first), loopback and link-local left out as above. Pairs of strings:
 * name, address, name, address, ... */
GPtrArray *
ph_local_interfaces (void)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *ifaddrs = NULL;

  if (getifaddrs (&ifaddrs) != 0)
    return pairs;

  for (struct ifaddrs *ifa = ifaddrs; ifa != NULL; ifa = ifa->ifa_next)
    if (ifa->ifa_name != NULL &&
        !(ifa->ifa_flags & IFF_LOOPBACK) &&
        !g_ptr_array_find_with_equal_func (names, ifa->ifa_name, g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (ifa->ifa_name));
  freeifaddrs (ifaddrs);

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

/* Returns: (nullable): the address to bind to receive on interface
 * @name only (IPv4 first, no link-local), or NULL when it has none. */
char *
ph_interface_address (const char *name)
{
  struct ifaddrs *ifaddrs = NULL;
  char *v4 = NULL, *v6 = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (getifaddrs (&ifaddrs) != 0)
    return NULL;

  for (struct ifaddrs *ifa = ifaddrs; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (ifa->ifa_addr == NULL || g_strcmp0 (ifa->ifa_name, name) != 0 ||
          !(ifa->ifa_flags & IFF_UP))
        continue;

      if (ifa->ifa_addr->sa_family == AF_INET && v4 == NULL)
        {
          struct sockaddr_in *sin = (struct sockaddr_in *) ifa->ifa_addr;
          address = g_inet_address_new_from_bytes ((guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
          v4 = g_inet_address_to_string (address);
        }
      else if (ifa->ifa_addr->sa_family == AF_INET6 && v6 == NULL)
        {
          struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ifa->ifa_addr;
          address = g_inet_address_new_from_bytes ((guint8 *) &sin6->sin6_addr, G_SOCKET_FAMILY_IPV6);
          if (!g_inet_address_get_is_link_local (address))
            v6 = g_inet_address_to_string (address);
        }
    }
  freeifaddrs (ifaddrs);

  if (v4 != NULL)
    {
      g_free (v6);
      return v4;
    }
  return v6;
}
