/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser's rows: what announcements make receivers, in its model.
 * Below PhBrowser: it calls nothing up, and says what changed through
 * the rows' "changed" callback.
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

#include "ph-browser-merge-private.h"
#include "ph-dns-sd.h"
#include "ph-interfaces.h"
#include "ph-nearby-receiver-private.h"

void
ph_browser_rows_init (PhBrowserRows        *self,
                      PhBrowserRowsChanged  changed,
                      gpointer              data)
{
  self->peers = g_ptr_array_new_with_free_func (g_object_unref);
  self->peers_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->attached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->folded_of = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  self->changed = changed;
  self->data = data;
}

void
ph_browser_rows_destroy (PhBrowserRows *self)
{
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_clear_pointer (&self->peers_by_key, g_hash_table_unref);
  g_clear_pointer (&self->attached, g_hash_table_unref);
  g_clear_pointer (&self->folded_of, g_hash_table_unref);
  g_clear_pointer (&self->by_folded, g_hash_table_unref);
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
insertion_point (PhBrowserRows    *self,
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

/* Names: who shares one ------------------------------------------- */

static void
mark_shared (GPtrArray *group)
{
  for (guint i = 0; i < group->len; i++)
    ph_nearby_receiver_set_shares_name (g_ptr_array_index (group, i), group->len > 1);
}

static void
leave_name (PhBrowserRows    *self,
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
join_name (PhBrowserRows    *self,
           PhNearbyReceiver *peer)
{
  char *folded = ph_dns_sd_fold_name (ph_nearby_receiver_get_name (peer));
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
insert_peer (PhBrowserRows    *self,
             PhNearbyReceiver *peer)
{
  guint position = insertion_point (self, peer);

  g_ptr_array_insert (self->peers, position, g_object_ref (peer));
  join_name (self, peer);
  self->changed (position, 0, 1, self->data);
}

static void
remove_peer (PhBrowserRows    *self,
             PhNearbyReceiver *peer)
{
  guint position;

  if (!g_ptr_array_find (self->peers, peer, &position))
    return;

  leave_name (self, peer);
  g_hash_table_remove (self->peers_by_key, ph_nearby_receiver_get_key (peer));
  g_ptr_array_remove_index (self->peers, position);
  self->changed (position, 1, 0, self->data);
}

/* A peer renamed itself: move it to its new place, if it has one. */
static void
resort_peer (PhBrowserRows    *self,
             PhNearbyReceiver *peer)
{
  g_autoptr(PhNearbyReceiver) hold = g_object_ref (peer);
  guint old_position, new_position;

  if (!g_ptr_array_find (self->peers, peer, &old_position))
    return;

  {
    g_autofree char *folded = ph_dns_sd_fold_name (ph_nearby_receiver_get_name (peer));

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

  self->changed (MIN (old_position, new_position),
                 ABS ((int) new_position - (int) old_position) + 1,
                 ABS ((int) new_position - (int) old_position) + 1,
                 self->data);
}

static void
detach (PhBrowserRows *self,
        const char    *instance)
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

/* Forgets every receiver (the daemon went away). */
void
ph_browser_rows_clear (PhBrowserRows *self)
{
  guint n = self->peers->len;

  g_hash_table_remove_all (self->attached);
  g_hash_table_remove_all (self->peers_by_key);
  g_hash_table_remove_all (self->folded_of);
  g_hash_table_remove_all (self->by_folded);
  g_ptr_array_set_size (self->peers, 0);
  if (n > 0)
    self->changed (0, n, 0, self->data);
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

/* One announcement resolved, or resolved again with new values; one
 * with @own_id announced here is this installation's own. */
void
ph_browser_rows_resolved (PhBrowserRows        *self,
                          const char           *own_id,
                          const PhAnnouncement *a)
{
  PhDnsSdTxt values;
  g_autofree char *key = NULL;
  g_autofree char *clipped = NULL;
  g_autofree char *host_name = NULL;
  const char *old_key;
  PhNearbyReceiver *peer;

  ph_dns_sd_txt_parse (a->txt, a->lengths, &values);

  /* Ourselves, announced by this installation's window or CLI through
   * this computer's daemon. (Our id announced from elsewhere is not us.) */
  if (a->local && values.id != NULL && g_strcmp0 (values.id, own_id) == 0)
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
                                 values.asks, values.accepts_paths, values.fingerprint);
      g_hash_table_insert (self->peers_by_key, g_strdup (key), created);
      insert_peer (self, created);
    }
  else if (ph_nearby_receiver_update (peer, a->instance, clipped, a->host, a->port,
                                      values.asks, values.accepts_paths, values.fingerprint))
    resort_peer (self, peer);

  g_hash_table_insert (self->attached, g_strdup (a->instance), g_strdup (key));
  ph_dns_sd_txt_clear (&values);
}

/* One announcement withdrawn (or no longer resolvable). */
void
ph_browser_rows_lost (PhBrowserRows *self,
                      const char    *instance)
{
  detach (self, instance);
}

/* The receivers @name designates now (see ph_browser_dup_matches()):
 * those called exactly @name, else those called the same but for case,
 * width and the kind of space. */
GPtrArray *
ph_browser_rows_dup_matches (PhBrowserRows *self,
                             const char    *name)
{
  g_autofree char *folded = NULL;
  g_autofree char *clean = NULL;
  GPtrArray *exact = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *loose = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *group;

  folded = ph_dns_sd_fold_name (name);
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