/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ph-address.h"
#include "ph-nearby-receiver-private.h"

typedef struct
{
  char     *instance;
  char     *name;
  char     *host;          /* with the scope of a link-local IPv6 address */
  guint16   port;
  gboolean  asks;
  gboolean  accepts_paths;
  int       rank;          /* lower is better to show and to connect to */
  guint64   first_seen;
  guint64   last_seen;
} Endpoint;

struct _PhNearbyReceiver
{
  GObject    parent_instance;

  char      *key;
  char      *id;
  char      *host_name;   /* the Avahi host name all its endpoints share */
  GPtrArray *endpoints;   /* Endpoint */
  guint64    serial;
  gboolean   shares_name;

  /* What the properties show, from the endpoints. */
  char      *name;
  char      *host;
  guint16    port;
  char      *address;
  gboolean   asks;
  gboolean   accepts_paths;
};

G_DEFINE_FINAL_TYPE (PhNearbyReceiver, ph_nearby_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_ADDRESS,
  PROP_HOST,
  PROP_PORT,
  PROP_ASKS_BEFORE_ACCEPTING,
  PROP_ACCEPTS_PATHS,
  PROP_HOST_NAME,
  PROP_SHARES_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
endpoint_free (gpointer data)
{
  Endpoint *endpoint = data;

  g_free (endpoint->instance);
  g_free (endpoint->name);
  g_free (endpoint->host);
  g_free (endpoint);
}

/* Plain IPv4 first (short, works across routers), then global IPv6,
 * then link-local addresses, which only work on their own link. */
static int
rank_host (const char *host)
{
  g_autofree char *plain = g_strndup (host, strcspn (host, "%"));
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (plain);
  gboolean ipv4;

  if (inet == NULL)
    return 4;

  ipv4 = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4;
  if (!g_inet_address_get_is_link_local (inet))
    return ipv4 ? 0 : 1;
  return ipv4 ? 2 : 3;
}

static gboolean
replace_str (char       **pointer,
             const char  *value)
{
  if (g_strcmp0 (*pointer, value) == 0)
    return FALSE;

  g_free (*pointer);
  *pointer = g_strdup (value);
  return TRUE;
}

static void
refresh (PhNearbyReceiver *self)
{
  Endpoint *best = NULL, *latest = NULL;
  g_autofree char *address = NULL;
  GObject *object = G_OBJECT (self);

  for (guint i = 0; i < self->endpoints->len; i++)
    {
      Endpoint *e = g_ptr_array_index (self->endpoints, i);

      if (best == NULL || e->rank < best->rank ||
          (e->rank == best->rank && e->first_seen < best->first_seen))
        best = e;
      if (latest == NULL || e->last_seen > latest->last_seen)
        latest = e;
    }

  if (best == NULL)
    return;

  g_object_freeze_notify (object);

  /* What the receiver says about itself: its latest announcement. */
  if (replace_str (&self->name, latest->name))
    g_object_notify_by_pspec (object, properties[PROP_NAME]);
  if (self->asks != latest->asks)
    {
      self->asks = latest->asks;
      g_object_notify_by_pspec (object, properties[PROP_ASKS_BEFORE_ACCEPTING]);
    }
  if (self->accepts_paths != latest->accepts_paths)
    {
      self->accepts_paths = latest->accepts_paths;
      g_object_notify_by_pspec (object, properties[PROP_ACCEPTS_PATHS]);
    }

  /* Where to reach it: the best address, the first seen among equals,
   * so that the row does not flip between two. */
  if (replace_str (&self->host, best->host))
    g_object_notify_by_pspec (object, properties[PROP_HOST]);
  if (self->port != best->port)
    {
      self->port = best->port;
      g_object_notify_by_pspec (object, properties[PROP_PORT]);
    }
  address = ph_address_format (self->host, self->port);
  if (replace_str (&self->address, address))
    g_object_notify_by_pspec (object, properties[PROP_ADDRESS]);

  g_object_thaw_notify (object);
}

static void
ph_nearby_receiver_finalize (GObject *object)
{
  PhNearbyReceiver *self = PH_NEARBY_RECEIVER (object);

  g_free (self->key);
  g_free (self->id);
  g_free (self->host_name);
  g_ptr_array_unref (self->endpoints);
  g_free (self->name);
  g_free (self->host);
  g_free (self->address);

  G_OBJECT_CLASS (ph_nearby_receiver_parent_class)->finalize (object);
}

static void
ph_nearby_receiver_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PhNearbyReceiver *self = PH_NEARBY_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_ASKS_BEFORE_ACCEPTING:
      g_value_set_boolean (value, self->asks);
      break;
    case PROP_ACCEPTS_PATHS:
      g_value_set_boolean (value, self->accepts_paths);
      break;
    case PROP_HOST_NAME:
      g_value_set_string (value, self->host_name);
      break;
    case PROP_SHARES_NAME:
      g_value_set_boolean (value, self->shares_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_nearby_receiver_class_init (PhNearbyReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ph_nearby_receiver_finalize;
  object_class->get_property = ph_nearby_receiver_get_property;

  /* NULL for a receiver that announced no valid id. */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, ro);
  /* "HOST:PORT" as posthouse-cli send and the window take it. */
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL, ro);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, ro);
  properties[PROP_ASKS_BEFORE_ACCEPTING] =
    g_param_spec_boolean ("asks-before-accepting", NULL, NULL, FALSE, ro);
  properties[PROP_ACCEPTS_PATHS] =
    g_param_spec_boolean ("accepts-paths", NULL, NULL, FALSE, ro);
  /* The computer it runs on, as mDNS knows it ("study-laptop.local"):
   * what tells two receivers of one name apart. */
  properties[PROP_HOST_NAME] =
    g_param_spec_string ("host-name", NULL, NULL, NULL, ro);
  /* Another receiver nearby has the same name, or one that looks the
   * same (case, width, look-alike spaces): the name alone cannot say
   * which is which. */
  properties[PROP_SHARES_NAME] =
    g_param_spec_boolean ("shares-name", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_nearby_receiver_init (PhNearbyReceiver *self)
{
  self->endpoints = g_ptr_array_new_with_free_func (endpoint_free);
}

PhNearbyReceiver *
ph_nearby_receiver_new (const char *key,
                        const char *id,
                        const char *host_name)
{
  PhNearbyReceiver *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (PH_TYPE_NEARBY_RECEIVER, NULL);
  self->key = g_strdup (key);
  self->id = g_strdup (id);
  self->host_name = g_strdup (host_name);

  return self;
}

void
ph_nearby_receiver_set_shares_name (PhNearbyReceiver *self,
                                    gboolean          shares_name)
{
  g_return_if_fail (PH_IS_NEARBY_RECEIVER (self));

  shares_name = !!shares_name;
  if (self->shares_name == shares_name)
    return;

  self->shares_name = shares_name;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARES_NAME]);
}

const char *
ph_nearby_receiver_get_key (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  return self->key;
}

guint
ph_nearby_receiver_get_n_endpoints (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), 0);

  return self->endpoints->len;
}

static Endpoint *
find_endpoint (PhNearbyReceiver     *self,
               const char *instance,
               guint      *index)
{
  for (guint i = 0; i < self->endpoints->len; i++)
    {
      Endpoint *e = g_ptr_array_index (self->endpoints, i);

      if (g_str_equal (e->instance, instance))
        {
          if (index != NULL)
            *index = i;
          return e;
        }
    }

  return NULL;
}

/**
 * ph_nearby_receiver_update:
 * @instance: which announcement was resolved
 * @host: where it was resolved, with its scope where one is needed
 *
 * Adds or refreshes an endpoint.
 *
 * Returns: %TRUE when the peer's name changed
 */
gboolean
ph_nearby_receiver_update (PhNearbyReceiver     *self,
                const char *instance,
                const char *name,
                const char *host,
                guint16     port,
                gboolean    asks,
                gboolean    accepts_paths)
{
  g_autofree char *old_name = NULL;
  Endpoint *e;

  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), FALSE);
  g_return_val_if_fail (instance != NULL && name != NULL && host != NULL, FALSE);

  e = find_endpoint (self, instance, NULL);
  if (e == NULL)
    {
      e = g_new0 (Endpoint, 1);
      e->instance = g_strdup (instance);
      e->first_seen = ++self->serial;
      g_ptr_array_add (self->endpoints, e);
    }

  replace_str (&e->name, name);
  replace_str (&e->host, host);
  e->port = port;
  e->asks = !!asks;
  e->accepts_paths = !!accepts_paths;
  e->rank = rank_host (host);
  e->last_seen = ++self->serial;

  old_name = g_strdup (self->name);
  refresh (self);

  return g_strcmp0 (old_name, self->name) != 0;
}

/* The peer keeps showing its last values when the last endpoint goes:
 * the browser drops it then. */
void
ph_nearby_receiver_remove (PhNearbyReceiver     *self,
                const char *instance)
{
  guint index;

  g_return_if_fail (PH_IS_NEARBY_RECEIVER (self));

  if (find_endpoint (self, instance, &index) == NULL)
    return;

  g_ptr_array_remove_index (self->endpoints, index);
  refresh (self);
}

/* Returns: (nullable): the id the receiver announced */
const char *
ph_nearby_receiver_get_id (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  return self->id;
}

const char *
ph_nearby_receiver_get_name (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  return self->name;
}

/* Returns: the best address as "HOST:PORT" ("[fe80::1%eth0]:6666") */
const char *
ph_nearby_receiver_get_address (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  return self->address;
}

const char *
ph_nearby_receiver_get_host (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  return self->host;
}

guint
ph_nearby_receiver_get_port (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), 0);

  return self->port;
}

gboolean
ph_nearby_receiver_get_asks_before_accepting (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), FALSE);

  return self->asks;
}

gboolean
ph_nearby_receiver_get_accepts_paths (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), FALSE);

  return self->accepts_paths;
}

/* Returns: (nullable): the host name its announcements point to */
const char *
ph_nearby_receiver_get_host_name (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  return self->host_name;
}

/**
 * ph_nearby_receiver_get_shares_name:
 *
 * Whether another receiver nearby, on another computer or of another
 * installation, is called the same (or as good as: the same but for
 * case, width or the kind of space). A receiver is then chosen by its
 * address, never by its name: show the address (and the host name)
 * beside the name.
 */
gboolean
ph_nearby_receiver_get_shares_name (PhNearbyReceiver *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), FALSE);

  return self->shares_name;
}

static int
compare_endpoints (gconstpointer a,
                   gconstpointer b)
{
  const Endpoint *x = *(const Endpoint **) a;
  const Endpoint *y = *(const Endpoint **) b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->first_seen < y->first_seen ? -1 : x->first_seen > y->first_seen;
}

/**
 * ph_nearby_receiver_dup_addresses:
 *
 * Returns: (transfer full): every address the receiver was seen at,
 *   as "HOST:PORT", the best first, without duplicates
 */
char **
ph_nearby_receiver_dup_addresses (PhNearbyReceiver *self)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), NULL);

  /* A copy of the pointers that does not own what they point to. */
  sorted = g_ptr_array_copy (self->endpoints, NULL, NULL);
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_endpoints);

  for (guint i = 0; i < sorted->len; i++)
    {
      const Endpoint *e = g_ptr_array_index (sorted, i);
      char *address = ph_address_format (e->host, e->port);

      if (g_hash_table_add (seen, address))
        g_strv_builder_add (builder, address);
    }

  return g_strv_builder_end (builder);
}

static gboolean
same_host (const char *a,
           const char *b)
{
  g_autofree char *plain_a = g_strndup (a, strcspn (a, "%"));
  g_autofree char *plain_b = g_strndup (b, strcspn (b, "%"));
  g_autoptr(GInetAddress) inet_a = g_inet_address_new_from_string (plain_a);
  g_autoptr(GInetAddress) inet_b = g_inet_address_new_from_string (plain_b);

  if (inet_a != NULL && inet_b != NULL)
    return g_inet_address_equal (inet_a, inet_b);

  return g_ascii_strcasecmp (a, b) == 0;
}

/**
 * ph_nearby_receiver_has_address:
 * @host: a host as typed (an IP address, with or without scope)
 * @port: its port
 *
 * Whether the receiver was seen at @host:@port, so that an address
 * typed by hand can be recognised as this receiver.
 */
gboolean
ph_nearby_receiver_has_address (PhNearbyReceiver     *self,
                     const char *host,
                     guint       port)
{
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  for (guint i = 0; i < self->endpoints->len; i++)
    {
      const Endpoint *e = g_ptr_array_index (self->endpoints, i);

      if (e->port == port && same_host (e->host, host))
        return TRUE;
    }

  return FALSE;
}
