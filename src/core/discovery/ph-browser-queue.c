/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The order announcements are resolved in (ph-browser-avahi.c says
 * why): a queue per priority on each interface, served across
 * interfaces in turn and from both ends. The bottom of the Avahi side:
 * it calls nothing above it (resolving, ph-browser-resolve.c, takes
 * from it). */
#include "config.h"

#include "ph-browser-avahi-private.h"

guint
ph_browser_avahi_n_objects (PhBrowserAvahi *self)
{
  return self->browsing + self->n_resolving + self->n_watched;
}

void
ph_browser_avahi_count_objects (PhBrowserAvahi *self)
{
  self->peak = MAX (self->peak, ph_browser_avahi_n_objects (self));
}

void
ph_browser_avahi_check_settled (PhBrowserAvahi *self)
{
  guint waiting = 0;

  for (Priority p = 0; p <= PRIORITY_SETTLES; p++)
    waiting += self->waiting[p];

  if (self->all_for_now && waiting == 0)
    self->events->settled (TRUE, self->data);
}

/* Queues ------------------------------------------------------------- */

static Lane *
lane_for (PhBrowserAvahi *self,
          AvahiIfIndex    interface)
{
  Lane *lane;

  for (guint i = 0; i < self->lanes->len; i++)
    {
      lane = g_ptr_array_index (self->lanes, i);
      if (lane->interface == interface)
        return lane;
    }

  lane = g_new0 (Lane, 1);
  lane->interface = interface;
  g_ptr_array_add (self->lanes, lane);
  return lane;
}

void
ph_browser_avahi_enqueue (Instance *instance,
                          Priority  priority)
{
  PhBrowserAvahi *self = instance->owner;
  GQueue *queue;

  instance->lane = lane_for (self, instance->interface);
  instance->priority = priority;
  instance->stage = STAGE_QUEUED;
  queue = &instance->lane->queue[priority];
  g_queue_push_tail (queue, instance);
  instance->link = queue->tail;
  self->waiting[priority]++;
}

void
ph_browser_avahi_unqueue (Instance *instance)
{
  g_queue_delete_link (&instance->lane->queue[instance->priority], instance->link);
  instance->owner->waiting[instance->priority]--;
  instance->link = NULL;
  instance->lane = NULL;
}

Instance *
ph_browser_avahi_next_in_line (PhBrowserAvahi *self,
                               Priority        up_to)
{
  for (Priority p = 0; p <= up_to; p++)
    for (guint i = 0; i < self->lanes->len; i++)
      {
        guint index = (self->next_lane + i) % self->lanes->len;
        Lane *lane = g_ptr_array_index (self->lanes, index);
        GQueue *queue = &lane->queue[p];

        if (g_queue_is_empty (queue))
          continue;

        self->next_lane = (index + 1) % self->lanes->len;
        self->from_tail = !self->from_tail;
        return self->from_tail ? g_queue_peek_tail (queue) : g_queue_peek_head (queue);
      }

  return NULL;
}

char *
ph_browser_avahi_instance_key (AvahiIfIndex   interface,
                               AvahiProtocol  protocol,
                               const char    *name,
                               const char    *domain)
{
  return g_strdup_printf ("%d/%d/%zu:%s/%s", interface, protocol, strlen (name), name, domain);
}

/* Where a new announcement goes in line: see the top of this file. */
Priority
ph_browser_avahi_priority_for (PhBrowserAvahi *self,
                               Instance       *instance,
                               GPtrArray      *namesakes)
{
  if (g_hash_table_contains (self->wanted, instance->folded))
    return PRIORITY_WANTED;
  if (instance->local)
    return PRIORITY_LOCAL;

  /* Each name once, over IPv4 where it is announced over IPv4: its
   * address is the one shown (an IPv6 one only when there is no other). */
  for (guint i = 0; i < namesakes->len; i++)
    {
      Instance *other = g_ptr_array_index (namesakes, i);

      if (other == instance || !g_str_equal (other->name, instance->name))
        continue;
      if (instance->protocol != AVAHI_PROTO_INET || other->protocol == AVAHI_PROTO_INET)
        return PRIORITY_MORE;
    }

  for (guint i = 0; i < namesakes->len; i++)
    {
      Instance *other = g_ptr_array_index (namesakes, i);

      if (other != instance && g_str_equal (other->name, instance->name) &&
          other->stage == STAGE_QUEUED && other->priority == PRIORITY_FIRST)
        {
          ph_browser_avahi_unqueue (other);
          ph_browser_avahi_enqueue (other, PRIORITY_MORE);
        }
    }

  return PRIORITY_FIRST;
}

void
ph_browser_avahi_lane_free (gpointer data)
{
  Lane *lane = data;

  for (Priority p = 0; p < N_PRIORITIES; p++)
    g_queue_clear (&lane->queue[p]);
  g_free (lane);
}

/* A lookup looks for @folded: its announcements go first (the caller
 * then starts what may start). */
void
ph_browser_avahi_queue_want (PhBrowserAvahi *self,
                             const char     *folded,
                             gboolean        want)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->wanted, folded));
  GPtrArray *namesakes;

  if (!want)
    {
      if (n <= 1)
        g_hash_table_remove (self->wanted, folded);
      else
        g_hash_table_insert (self->wanted, g_strdup (folded), GUINT_TO_POINTER (n - 1));
      return;
    }

  g_hash_table_insert (self->wanted, g_strdup (folded), GUINT_TO_POINTER (n + 1));
  namesakes = g_hash_table_lookup (self->by_folded, folded);
  for (guint i = 0; namesakes != NULL && i < namesakes->len; i++)
    {
      Instance *instance = g_ptr_array_index (namesakes, i);

      if (instance->stage == STAGE_QUEUED && instance->priority != PRIORITY_WANTED)
        {
          ph_browser_avahi_unqueue (instance);
          ph_browser_avahi_enqueue (instance, PRIORITY_WANTED);
        }
    }
}

/* Whether announcements called @folded are still being resolved. */
gboolean
ph_browser_avahi_is_resolving (PhBrowserAvahi *self,
                               const char     *folded)
{
  GPtrArray *namesakes = g_hash_table_lookup (self->by_folded, folded);

  for (guint i = 0; namesakes != NULL && i < namesakes->len; i++)
    {
      Instance *instance = g_ptr_array_index (namesakes, i);

      if (instance->stage == STAGE_RESOLVING ||
          (instance->stage == STAGE_QUEUED && instance->priority != PRIORITY_RETRY))
        return TRUE;
    }

  return FALSE;
}
