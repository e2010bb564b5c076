/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#ifdef HAVE_AVAHI
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>

#include "ph-avahi-private.h"
#endif

#include "ph-browser-private.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-installation-id.h"
#include "ph-nearby-receiver-private.h"
#include "ph-dns-sd.h"
#include "ph-interfaces.h"
#include "ph-gsource-private.h"

struct _PhBrowser
{
  GObject               parent_instance;

  char                 *own_id;
  PhBrowserState        state;
  gboolean              started;
  gboolean              settled;
  gboolean              all_for_now;   /* the daemon told us what it knew */
  guint                 pending;       /* resolvers that did not answer yet */

  GPtrArray            *peers;         /* PhNearbyReceiver, sorted: the model */
  GHashTable           *peers_by_key;  /* key -> PhNearbyReceiver, borrowed from peers */
  GHashTable           *attached;      /* instance -> key of its peer */

#ifdef HAVE_AVAHI
  PhAvahi              *avahi;
  AvahiServiceBrowser  *service_browser;
  GHashTable           *instances;     /* instance -> Instance */
#endif
};

static void ph_browser_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhBrowser, ph_browser, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_browser_list_model_init))

enum {
  PROP_0,
  PROP_OWN_ID,
  PROP_STATE,
  PROP_AVAILABLE,
  PROP_SETTLED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The model -------------------------------------------------------- */

static int
compare_peers (PhNearbyReceiver *a,
               PhNearbyReceiver *b)
{
  int order = g_utf8_collate (ph_nearby_receiver_get_name (a), ph_nearby_receiver_get_name (b));

  if (order != 0)
    return order;
  return strcmp (ph_nearby_receiver_get_key (a), ph_nearby_receiver_get_key (b));
}

/* Where @peer goes among the others (it is not among them). */
static guint
insertion_point (PhBrowser *self,
                 PhNearbyReceiver    *peer)
{
  guint low = 0, high = self->peers->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (compare_peers (g_ptr_array_index (self->peers, middle), peer) < 0)
        low = middle + 1;
      else
        high = middle;
    }

  return low;
}

static void
items_changed (PhBrowser *self,
               guint      position,
               guint      removed,
               guint      added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
insert_peer (PhBrowser *self,
             PhNearbyReceiver    *peer)
{
  guint position = insertion_point (self, peer);

  g_ptr_array_insert (self->peers, position, g_object_ref (peer));
  items_changed (self, position, 0, 1);
}

static void
remove_peer (PhBrowser *self,
             PhNearbyReceiver    *peer)
{
  guint position;

  if (!g_ptr_array_find (self->peers, peer, &position))
    return;

  g_hash_table_remove (self->peers_by_key, ph_nearby_receiver_get_key (peer));
  g_ptr_array_remove_index (self->peers, position);
  items_changed (self, position, 1, 0);
}

/* A peer renamed itself: move it to its new place, if it has one. */
static void
resort_peer (PhBrowser *self,
             PhNearbyReceiver    *peer)
{
  g_autoptr(PhNearbyReceiver) hold = g_object_ref (peer);
  guint old_position, new_position;

  if (!g_ptr_array_find (self->peers, peer, &old_position))
    return;

  g_ptr_array_remove_index (self->peers, old_position);
  new_position = insertion_point (self, peer);
  g_ptr_array_insert (self->peers, new_position, g_object_ref (peer));

  if (new_position == old_position)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), MIN (old_position, new_position),
                              ABS ((int) new_position - (int) old_position) + 1,
                              ABS ((int) new_position - (int) old_position) + 1);
}

static void
detach (PhBrowser  *self,
        const char *instance)
{
  const char *key = g_hash_table_lookup (self->attached, instance);
  PhNearbyReceiver *peer = key ? g_hash_table_lookup (self->peers_by_key, key) : NULL;

  if (peer != NULL)
    {
      ph_nearby_receiver_remove (peer, instance);
      if (ph_nearby_receiver_get_n_endpoints (peer) == 0)
        remove_peer (self, peer);
    }

  g_hash_table_remove (self->attached, instance);
}

static void
clear_peers (PhBrowser *self)
{
  guint n = self->peers->len;

  g_hash_table_remove_all (self->attached);
  g_hash_table_remove_all (self->peers_by_key);
  g_ptr_array_set_size (self->peers, 0);
  if (n > 0)
    items_changed (self, 0, n, 0);
}

/**
 * ph_browser_resolved:
 *
 * One announcement resolved, or resolved again with new values.
 */
void
ph_browser_resolved (PhBrowser          *self,
                     const char         *instance,
                     const char         *name,
                     const char * const *txt,
                     const gssize       *lengths,
                     const char         *host,
                     guint16             port)
{
  PhDnsSdTxt values;
  g_autofree char *key = NULL;
  g_autofree char *clipped = NULL;
  const char *old_key;
  PhNearbyReceiver *peer;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (instance != NULL && name != NULL && host != NULL);

  ph_dns_sd_txt_parse (txt, lengths, &values);

  /* Ourselves, announced by this installation's window or CLI. */
  if (values.id != NULL && g_strcmp0 (values.id, self->own_id) == 0)
    {
      detach (self, instance);
      ph_dns_sd_txt_clear (&values);
      return;
    }

  /* Without a valid id, a receiver is known by its name alone. */
  key = values.id ? g_strconcat ("id:", values.id, NULL) : g_strconcat ("name:", name, NULL);
  old_key = g_hash_table_lookup (self->attached, instance);
  if (old_key != NULL && !g_str_equal (old_key, key))
    detach (self, instance);

  /* Whatever anyone announces must fit on one row. */
  clipped = ph_dns_sd_clip_name (name);
  peer = g_hash_table_lookup (self->peers_by_key, key);
  if (peer == NULL)
    {
      g_autoptr(PhNearbyReceiver) created = ph_nearby_receiver_new (key, values.id);

      ph_nearby_receiver_update (created, instance, clipped, host, port, values.asks, values.accepts_paths);
      g_hash_table_insert (self->peers_by_key, g_strdup (key), created);
      insert_peer (self, created);
    }
  else if (ph_nearby_receiver_update (peer, instance, clipped, host, port, values.asks, values.accepts_paths))
    resort_peer (self, peer);

  g_hash_table_insert (self->attached, g_strdup (instance), g_strdup (key));
  ph_dns_sd_txt_clear (&values);
}

/**
 * ph_browser_lost:
 *
 * One announcement withdrawn (or no longer resolvable).
 */
void
ph_browser_lost (PhBrowser  *self,
                 const char *instance)
{
  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (instance != NULL);

  detach (self, instance);
}

/* State ------------------------------------------------------------- */

static void
set_state (PhBrowser      *self,
           PhBrowserState  state)
{
  gboolean was_available = ph_browser_get_available (self);

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_available != ph_browser_get_available (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
set_settled (PhBrowser *self,
             gboolean   settled)
{
  if (self->settled == settled)
    return;

  self->settled = settled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLED]);
}

#ifdef HAVE_AVAHI

static void
check_settled (PhBrowser *self)
{
  if (self->all_for_now && self->pending == 0)
    set_settled (self, TRUE);
}

typedef struct
{
  PhBrowser            *browser;
  char                 *key;
  gboolean              answered;
  AvahiServiceResolver *resolver;
} Instance;

static void
instance_free (gpointer data)
{
  Instance *instance = data;

  if (!instance->answered)
    instance->browser->pending--;
  g_clear_pointer (&instance->resolver, avahi_service_resolver_free);
  g_free (instance->key);
  g_free (instance);
}

static char *
instance_key (AvahiIfIndex   interface,
              AvahiProtocol  protocol,
              const char    *name,
              const char    *domain)
{
  return g_strdup_printf ("%d/%d/%zu:%s/%s", interface, protocol, strlen (name), name, domain);
}

static void
answered (Instance *instance)
{
  if (instance->answered)
    return;

  instance->answered = TRUE;
  instance->browser->pending--;
  check_settled (instance->browser);
}

static void
resolve_cb (AvahiServiceResolver   *resolver,
            AvahiIfIndex            interface,
            AvahiProtocol           protocol,
            AvahiResolverEvent      event,
            const char             *name,
            const char             *type,
            const char             *domain,
            const char             *host_name,
            const AvahiAddress     *address,
            uint16_t                port,
            AvahiStringList        *txt,
            AvahiLookupResultFlags  flags,
            void                   *user_data)
{
  Instance *instance = user_data;
  PhBrowser *self = instance->browser;

  if (event == AVAHI_RESOLVER_FOUND)
    {
      char text[AVAHI_ADDRESS_STR_MAX];
      g_autofree char *host = NULL;
      g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
      g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (gssize));

      avahi_address_snprint (text, sizeof text, address);
      host = ph_interface_format_host (text, interface > 0 ? (guint) interface : 0);

      /* Avahi keeps the strings last first. */
      for (AvahiStringList *l = txt; l != NULL; l = avahi_string_list_get_next (l))
        {
          gssize length = (gssize) avahi_string_list_get_size (l);

          g_ptr_array_insert (pairs, 0, avahi_string_list_get_text (l));
          g_array_prepend_val (lengths, length);
        }
      g_ptr_array_add (pairs, NULL);

      ph_browser_resolved (self, instance->key, name, (const char * const *) pairs->pdata,
                           (const gssize *) (gpointer) lengths->data, host, port);
      answered (instance);
      return;
    }

  /* Its records went away without a goodbye, or never came. */
  g_debug ("Cannot resolve “%s”: %s", name,
           avahi_strerror (avahi_client_errno (avahi_service_resolver_get_client (resolver))));
  ph_browser_lost (self, instance->key);
  g_clear_pointer (&instance->resolver, avahi_service_resolver_free);
  answered (instance);
}

static void
browse_cb (AvahiServiceBrowser    *browser,
           AvahiIfIndex            interface,
           AvahiProtocol           protocol,
           AvahiBrowserEvent       event,
           const char             *name,
           const char             *type,
           const char             *domain,
           AvahiLookupResultFlags  flags,
           void                   *user_data)
{
  PhBrowser *self = user_data;
  g_autofree char *key = NULL;
  Instance *instance;

  switch (event)
    {
    case AVAHI_BROWSER_NEW:
      key = instance_key (interface, protocol, name, domain);
      if (g_hash_table_contains (self->instances, key))
        break;

      instance = g_new0 (Instance, 1);
      instance->browser = self;
      instance->key = g_strdup (key);
      self->pending++;
      g_hash_table_insert (self->instances, g_steal_pointer (&key), instance);

      /* Each protocol resolves to its own address family, so an
       * announcement seen over IPv4 and IPv6 gives both addresses.
       * The resolver stays: it answers again when the TXT changes. */
      instance->resolver = avahi_service_resolver_new (avahi_service_browser_get_client (browser),
                                                       interface, protocol, name, type, domain,
                                                       protocol, 0, resolve_cb, instance);
      if (instance->resolver == NULL)
        {
          g_debug ("Cannot resolve “%s”: %s", name,
                   avahi_strerror (avahi_client_errno (avahi_service_browser_get_client (browser))));
          answered (instance);
        }
      break;

    case AVAHI_BROWSER_REMOVE:
      key = instance_key (interface, protocol, name, domain);
      ph_browser_lost (self, key);
      g_hash_table_remove (self->instances, key);
      check_settled (self);
      break;

    case AVAHI_BROWSER_ALL_FOR_NOW:
      self->all_for_now = TRUE;
      check_settled (self);
      break;

    case AVAHI_BROWSER_FAILURE:
      g_warning ("Browsing for receivers failed: %s",
                 avahi_strerror (avahi_client_errno (avahi_service_browser_get_client (browser))));
      self->all_for_now = TRUE;
      check_settled (self);
      break;

    case AVAHI_BROWSER_CACHE_EXHAUSTED:
    default:
      break;
    }
}

/* Everything made on a client goes with it. */
static void
forget_client_objects (PhBrowser *self)
{
  GHashTableIter iter;
  Instance *instance;

  g_hash_table_iter_init (&iter, self->instances);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &instance))
    instance->resolver = NULL;
  g_hash_table_remove_all (self->instances);
  self->service_browser = NULL;
  self->all_for_now = FALSE;
  clear_peers (self);
  set_settled (self, FALSE);
}

static void
avahi_state_cb (AvahiClient      *client,
                AvahiClientState  state,
                gpointer          user_data)
{
  PhBrowser *self = user_data;

  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
    case AVAHI_CLIENT_S_REGISTERING:
    case AVAHI_CLIENT_S_COLLISION:
      if (self->service_browser == NULL)
        {
          self->service_browser = avahi_service_browser_new (client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                             PH_SERVICE_TYPE, NULL, 0, browse_cb, self);
          if (self->service_browser == NULL)
            {
              g_warning ("Cannot browse for receivers: %s",
                         avahi_strerror (avahi_client_errno (client)));
              self->all_for_now = TRUE;
              check_settled (self);
            }
        }
      set_state (self, PH_BROWSER_RUNNING);
      break;

    case AVAHI_CLIENT_FAILURE:
      forget_client_objects (self);
      set_state (self, PH_BROWSER_UNAVAILABLE);
      break;

    case AVAHI_CLIENT_CONNECTING:
    default:
      set_state (self, PH_BROWSER_UNAVAILABLE);
      break;
    }
}

#endif /* HAVE_AVAHI */

/* GListModel --------------------------------------------------------- */

static GType
ph_browser_get_item_type (GListModel *model)
{
  return PH_TYPE_NEARBY_RECEIVER;
}

static guint
ph_browser_get_n_items (GListModel *model)
{
  return PH_BROWSER (model)->peers->len;
}

static gpointer
ph_browser_get_item (GListModel *model,
                     guint       position)
{
  PhBrowser *self = PH_BROWSER (model);

  if (position >= self->peers->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->peers, position));
}

static void
ph_browser_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_browser_get_item_type;
  iface->get_n_items = ph_browser_get_n_items;
  iface->get_item = ph_browser_get_item;
}

/* GObject ------------------------------------------------------------ */

static void
ph_browser_dispose (GObject *object)
{
  PhBrowser *self = PH_BROWSER (object);

  ph_browser_stop (self);

  G_OBJECT_CLASS (ph_browser_parent_class)->dispose (object);
}

static void
ph_browser_finalize (GObject *object)
{
  PhBrowser *self = PH_BROWSER (object);

  g_free (self->own_id);
  g_ptr_array_unref (self->peers);
  g_hash_table_unref (self->peers_by_key);
  g_hash_table_unref (self->attached);
#ifdef HAVE_AVAHI
  g_hash_table_unref (self->instances);
#endif

  G_OBJECT_CLASS (ph_browser_parent_class)->finalize (object);
}

static void
ph_browser_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PhBrowser *self = PH_BROWSER (object);

  switch (prop_id)
    {
    case PROP_OWN_ID:
      g_value_set_string (value, self->own_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, ph_browser_get_available (self));
      break;
    case PROP_SETTLED:
      g_value_set_boolean (value, self->settled);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->peers->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_browser_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PhBrowser *self = PH_BROWSER (object);

  switch (prop_id)
    {
    case PROP_OWN_ID:
      ph_browser_set_own_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_browser_class_init (PhBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_browser_dispose;
  object_class->finalize = ph_browser_finalize;
  object_class->get_property = ph_browser_get_property;
  object_class->set_property = ph_browser_set_property;

  /* Announcements with this id are left out: this installation's own. */
  properties[PROP_OWN_ID] =
    g_param_spec_string ("own-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PH_TYPE_BROWSER_STATE, PH_BROWSER_STOPPED, ro);
  /* FALSE: say that nearby computers can't be found, and why. */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE, ro);
  properties[PROP_SETTLED] =
    g_param_spec_boolean ("settled", NULL, NULL, FALSE, ro);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_browser_init (PhBrowser *self)
{
  self->peers = g_ptr_array_new_with_free_func (g_object_unref);
  self->peers_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->attached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
#ifdef HAVE_AVAHI
  self->instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, instance_free);
#endif
}

PhBrowser *
ph_browser_new (void)
{
  return g_object_new (PH_TYPE_BROWSER, NULL);
}

const char *
ph_browser_get_own_id (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);

  return self->own_id;
}

/**
 * ph_browser_set_own_id:
 * @own_id: (nullable): 32 hex digits; %NULL for ph_installation_id_get()
 *   when started
 */
void
ph_browser_set_own_id (PhBrowser  *self,
                       const char *own_id)
{
  g_autofree char *lower = NULL;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (own_id == NULL || ph_dns_sd_id_is_valid (own_id));

  lower = own_id ? g_ascii_strdown (own_id, -1) : NULL;
  if (g_strcmp0 (lower, self->own_id) == 0)
    return;

  g_free (self->own_id);
  self->own_id = g_steal_pointer (&lower);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_ID]);
}

PhBrowserState
ph_browser_get_state (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), PH_BROWSER_STOPPED);

  return self->state;
}

gboolean
ph_browser_get_available (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), FALSE);

  return self->state == PH_BROWSER_RUNNING;
}

gboolean
ph_browser_get_settled (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), FALSE);

  return self->settled;
}

/**
 * ph_browser_start:
 *
 * Starts listening. "state" says at once whether the Avahi daemon
 * answered (%PH_BROWSER_RUNNING) or not (%PH_BROWSER_UNAVAILABLE: the
 * browser waits for it and notices when it starts, or restarts).
 */
void
ph_browser_start (PhBrowser *self)
{
  g_return_if_fail (PH_IS_BROWSER (self));

  if (self->started)
    return;

  self->started = TRUE;
  if (self->own_id == NULL)
    {
      self->own_id = ph_installation_id_get ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_ID]);
    }

#ifdef HAVE_AVAHI
  self->avahi = ph_avahi_new (NULL, avahi_state_cb, self);
#else
  set_state (self, PH_BROWSER_UNSUPPORTED);
#endif
}

void
ph_browser_stop (PhBrowser *self)
{
  g_return_if_fail (PH_IS_BROWSER (self));

  if (!self->started)
    return;

  self->started = FALSE;
#ifdef HAVE_AVAHI
  forget_client_objects (self);
  g_clear_pointer (&self->avahi, ph_avahi_free);
#endif
  clear_peers (self);
  set_settled (self, FALSE);
  set_state (self, PH_BROWSER_STOPPED);
}

/**
 * ph_browser_find_by_address:
 *
 * Recognises an address typed by hand as a receiver nearby.
 *
 * Returns: (transfer none) (nullable): the receiver seen at @host:@port
 */
PhNearbyReceiver *
ph_browser_find_by_address (PhBrowser  *self,
                            const char *host,
                            guint       port)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  for (guint i = 0; i < self->peers->len; i++)
    {
      PhNearbyReceiver *peer = g_ptr_array_index (self->peers, i);

      if (ph_nearby_receiver_has_address (peer, host, port))
        return peer;
    }

  return NULL;
}
