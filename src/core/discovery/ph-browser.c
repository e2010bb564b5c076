/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser: the receivers announced nearby as a list model, and the
 * rules that make announcements receivers. The Avahi side (browsing,
 * resolving within a budget) is ph-browser-avahi.c; finding one by
 * name is ph-browser-lookup.c.
 *
 * One computer: an `id` is public and proves nothing, so announcements
 * are one receiver only when they carry the same id *and* point to the
 * same mDNS host name (what one host's IPv4 and IPv6 addresses, on each
 * of its interfaces, have in common). A second host announcing someone
 * else's id is a second receiver, and the two are marked as sharing a
 * name when they do. Only the fingerprint of the secure channel tells
 * a host that copies both the id and the host name (on another link). */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-browser-private.h"
#include "ph-dns-sd.h"
#include "ph-enums.h"
#include "ph-installation-id.h"
#include "ph-interfaces.h"
#include "ph-naming.h"
#include "ph-nearby-receiver-private.h"

struct _PhBrowser
{
  GObject               parent_instance;

  char                 *own_id;
  PhBrowserState        state;
  gboolean              started;
  gboolean              settled;

  GPtrArray            *peers;         /* PhNearbyReceiver, sorted: the model */
  GHashTable           *peers_by_key;  /* key -> PhNearbyReceiver, borrowed from peers */
  GHashTable           *attached;      /* instance -> key of its peer */
  GHashTable           *folded_of;     /* PhNearbyReceiver -> its folded name */
  GHashTable           *by_folded;     /* folded name -> GPtrArray of PhNearbyReceiver (borrowed) */

  PhBrowserAvahi       *avahi;
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

enum {
  ANSWERED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

char *
ph_browser_fold_name (const char *name)
{
  g_autofree char *clean = ph_dns_sd_clip_name (name);
  g_autofree char *compatible = g_utf8_normalize (clean, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (compatible ? compatible : clean, -1);
}

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
insertion_point (PhBrowser        *self,
                 PhNearbyReceiver *peer)
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

/* Names: who shares one ------------------------------------------- */

static void
mark_shared (GPtrArray *group)
{
  for (guint i = 0; i < group->len; i++)
    ph_nearby_receiver_set_shares_name (g_ptr_array_index (group, i), group->len > 1);
}

static void
leave_name (PhBrowser        *self,
            PhNearbyReceiver *peer)
{
  const char *folded = g_hash_table_lookup (self->folded_of, peer);
  GPtrArray *group = folded ? g_hash_table_lookup (self->by_folded, folded) : NULL;

  if (group != NULL)
    {
      g_ptr_array_remove_fast (group, peer);
      mark_shared (group);
      if (group->len == 0)
        g_hash_table_remove (self->by_folded, folded);
    }
  g_hash_table_remove (self->folded_of, peer);
  ph_nearby_receiver_set_shares_name (peer, FALSE);
}

static void
join_name (PhBrowser        *self,
           PhNearbyReceiver *peer)
{
  char *folded = ph_browser_fold_name (ph_nearby_receiver_get_name (peer));
  GPtrArray *group = g_hash_table_lookup (self->by_folded, folded);

  if (group == NULL)
    {
      group = g_ptr_array_new ();
      g_hash_table_insert (self->by_folded, g_strdup (folded), group);
    }
  g_ptr_array_add (group, peer);
  g_hash_table_insert (self->folded_of, peer, folded);
  mark_shared (group);
}

static void
insert_peer (PhBrowser        *self,
             PhNearbyReceiver *peer)
{
  guint position = insertion_point (self, peer);

  g_ptr_array_insert (self->peers, position, g_object_ref (peer));
  join_name (self, peer);
  items_changed (self, position, 0, 1);
}

static void
remove_peer (PhBrowser        *self,
             PhNearbyReceiver *peer)
{
  guint position;

  if (!g_ptr_array_find (self->peers, peer, &position))
    return;

  leave_name (self, peer);
  g_hash_table_remove (self->peers_by_key, ph_nearby_receiver_get_key (peer));
  g_ptr_array_remove_index (self->peers, position);
  items_changed (self, position, 1, 0);
}

/* A peer renamed itself: move it to its new place, if it has one. */
static void
resort_peer (PhBrowser        *self,
             PhNearbyReceiver *peer)
{
  g_autoptr(PhNearbyReceiver) hold = g_object_ref (peer);
  guint old_position, new_position;

  if (!g_ptr_array_find (self->peers, peer, &old_position))
    return;

  {
    g_autofree char *folded = ph_browser_fold_name (ph_nearby_receiver_get_name (peer));

    if (g_strcmp0 (folded, g_hash_table_lookup (self->folded_of, peer)) != 0)
      {
        leave_name (self, peer);
        join_name (self, peer);
      }
  }

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

/**
 * ph_browser_clear:
 *
 * Forgets every receiver (the daemon went away).
 */
void
ph_browser_clear (PhBrowser *self)
{
  guint n = self->peers->len;

  g_hash_table_remove_all (self->attached);
  g_hash_table_remove_all (self->peers_by_key);
  g_hash_table_remove_all (self->folded_of);
  g_hash_table_remove_all (self->by_folded);
  g_ptr_array_set_size (self->peers, 0);
  if (n > 0)
    items_changed (self, 0, n, 0);
}

/* An announcement that is not this computer's own but leads to it (a
 * loopback address, 0.0.0.0, one of its addresses) would have us send
 * files to a service here: whoever announced it is lying. */
static gboolean
leads_here (const char *host)
{
  g_autofree char *plain = g_strndup (host, strcspn (host, "%"));
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (plain);

  return inet == NULL || ph_interface_is_own_address (inet);
}

/**
 * ph_browser_resolved:
 *
 * One announcement resolved, or resolved again with new values.
 */
void
ph_browser_resolved (PhBrowser            *self,
                     const PhAnnouncement *a)
{
  PhDnsSdTxt values;
  g_autofree char *key = NULL;
  g_autofree char *clipped = NULL;
  g_autofree char *host_name = NULL;
  const char *old_key;
  PhNearbyReceiver *peer;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (a != NULL && a->instance != NULL && a->name != NULL && a->host != NULL);

  ph_dns_sd_txt_parse (a->txt, a->lengths, &values);

  /* Ourselves, announced by this installation's window or CLI through
   * this computer's daemon. (Our id announced from elsewhere is not us.) */
  if (a->local && values.id != NULL && g_strcmp0 (values.id, self->own_id) == 0)
    {
      detach (self, a->instance);
      ph_dns_sd_txt_clear (&values);
      return;
    }

  if (!a->local && leads_here (a->host))
    {
      g_debug ("Ignoring “%s”: announced from elsewhere at %s, which is this computer",
               a->name, a->host);
      detach (self, a->instance);
      ph_dns_sd_txt_clear (&values);
      return;
    }

  /* Whatever anyone announces must fit on one row, and look like what
   * it is. Host names compare as DNS names do, without case. */
  clipped = ph_dns_sd_clip_name (a->name);
  host_name = g_ascii_strdown (a->host_name ? a->host_name : "", -1);
  /* Without a valid id, a receiver is known by its name alone. */
  key = values.id ? g_strdup_printf ("id:%s@%s", values.id, host_name)
                  : g_strdup_printf ("name:%s@%s", clipped, host_name);
  old_key = g_hash_table_lookup (self->attached, a->instance);
  if (old_key != NULL && !g_str_equal (old_key, key))
    detach (self, a->instance);

  peer = g_hash_table_lookup (self->peers_by_key, key);
  if (peer == NULL)
    {
      g_autoptr(PhNearbyReceiver) created = ph_nearby_receiver_new (key, values.id, a->host_name);

      ph_nearby_receiver_update (created, a->instance, clipped, a->host, a->port,
                                 values.asks, values.accepts_paths);
      g_hash_table_insert (self->peers_by_key, g_strdup (key), created);
      insert_peer (self, created);
    }
  else if (ph_nearby_receiver_update (peer, a->instance, clipped, a->host, a->port,
                                      values.asks, values.accepts_paths))
    resort_peer (self, peer);

  g_hash_table_insert (self->attached, g_strdup (a->instance), g_strdup (key));
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

/**
 * ph_browser_dup_matches:
 * @self: a browser
 * @name: a receiver's name as a person typed or chose it
 *
 * The receivers @name designates now: those called exactly @name, or
 * when there are none, those called the same but for case, width and
 * the kind of space ("study laptop" for "Study Laptop"). More than one
 * means the name alone cannot say where to send: see
 * ph_nearby_receiver_get_shares_name().
 *
 * Returns: (transfer container) (element-type PhNearbyReceiver): the
 *   receivers, possibly none, in the model's order
 */
GPtrArray *
ph_browser_dup_matches (PhBrowser  *self,
                        const char *name)
{
  g_autofree char *folded = NULL;
  g_autofree char *clean = NULL;
  GPtrArray *exact = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *loose = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *group;

  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  folded = ph_browser_fold_name (name);
  clean = ph_dns_sd_clip_name (name);
  group = g_hash_table_lookup (self->by_folded, folded);
  for (guint i = 0; i < self->peers->len && group != NULL; i++)
    {
      PhNearbyReceiver *peer = g_ptr_array_index (self->peers, i);

      if (!g_ptr_array_find (group, peer, NULL))
        continue;
      if (g_str_equal (ph_nearby_receiver_get_name (peer), clean))
        g_ptr_array_add (exact, g_object_ref (peer));
      else
        g_ptr_array_add (loose, g_object_ref (peer));
    }

  if (exact->len > 0)
    {
      g_ptr_array_unref (loose);
      return exact;
    }
  g_ptr_array_unref (exact);
  return loose;
}

/* State ------------------------------------------------------------- */

void
ph_browser_set_state (PhBrowser      *self,
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

void
ph_browser_set_settled (PhBrowser *self,
                        gboolean   settled)
{
  if (self->settled == settled)
    return;

  self->settled = settled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLED]);
}

/* An announcement was resolved (or could not be): lookups look again. */
void
ph_browser_answered (PhBrowser *self)
{
  g_signal_emit (self, signals[ANSWERED], 0);
}

void
ph_browser_want (PhBrowser  *self,
                 const char *folded,
                 gboolean    want)
{
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    ph_browser_avahi_want (self->avahi, folded, want);
#endif
}

gboolean
ph_browser_is_resolving (PhBrowser  *self,
                         const char *folded)
{
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    return ph_browser_avahi_is_resolving (self->avahi, folded);
#endif
  return FALSE;
}

gboolean
ph_browser_has_looked_around (PhBrowser *self)
{
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    return ph_browser_avahi_get_all_for_now (self->avahi);
#endif
  return self->settled;
}

void
ph_browser_get_avahi_objects (PhBrowser *self,
                              guint     *now,
                              guint     *peak)
{
  *now = *peak = 0;
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    ph_browser_avahi_get_objects (self->avahi, now, peak);
#endif
}

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
  g_hash_table_unref (self->folded_of);
  g_hash_table_unref (self->by_folded);

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

  /* For lookups (ph-browser-lookup.c): an announcement was resolved or
   * given up on, whether or not the model changed. */
  signals[ANSWERED] = g_signal_new ("answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ph_browser_init (PhBrowser *self)
{
  self->peers = g_ptr_array_new_with_free_func (g_object_unref);
  self->peers_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->attached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->folded_of = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
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
 * Starts listening. "state" says at once whether the Avahi daemon is
 * there (%PH_BROWSER_RUNNING) or not (%PH_BROWSER_UNAVAILABLE: the
 * browser waits for it and notices when it starts, or restarts). Only
 * the bus daemon is asked: a busy Avahi daemon never holds this up.
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
  self->avahi = ph_browser_avahi_new (self);
#else
  ph_browser_set_state (self, PH_BROWSER_UNSUPPORTED);
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
  g_clear_pointer (&self->avahi, ph_browser_avahi_free);
#endif
  ph_browser_clear (self);
  ph_browser_set_settled (self, FALSE);
  ph_browser_set_state (self, PH_BROWSER_STOPPED);
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
