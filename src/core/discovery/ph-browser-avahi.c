/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser's Avahi side: browsing for _posthouse._tcp and resolving
 * what is announced, within the daemon's budget and without ever
 * waiting for it.
 *
 * avahi-daemon lets a client hold about 1,024 objects (browsers,
 * resolvers), and libavahi-client makes each one, and connects, with
 * calls that block until the daemon answers: seconds, while a flood of
 * announcements keeps it busy. A resolver per announcement, kept for
 * as long as it is announced, runs out at a thousand and hides the
 * rest. So the browser speaks the daemon's D-Bus interface itself, on
 * a connection of its own, asynchronously: one service browser, and
 * announcements that wait in a queue to be resolved a few at a time
 * (POOL_MAX one-shot ResolveService calls), in this order:
 *   1. the names a lookup is looking for (posthouse-cli send NAME);
 *   2. those of this computer (other installations here);
 *   3. each name once, over IPv4 where it is announced over both;
 *   4. the other protocols and interfaces of names already seen;
 *   5. those that did not answer in time, once more.
 * Each level is served across interfaces in turn (a flood on one link
 * does not starve another), from both ends of its queue (a flood comes
 * in one burst: receivers seen before it, and after it, are not behind
 * it). A resolved announcement is then watched, to hear when what it
 * says changes, while few are (WATCH_MAX, and WATCH_PER_HOST for one
 * host name); the others show what they said until they go.
 *
 * Only the bus daemon is asked anything synchronously: whether Avahi
 * is there at all, so that "state" is known at once. */
#include "config.h"

#include <string.h>

#include <avahi-common/address.h>
#include <avahi-common/defs.h>

#include "ph-browser-private.h"
#include "ph-dns-sd.h"
#include "ph-gsource-private.h"
#include "ph-interfaces.h"

#define POOL_MAX              32
#define WATCH_MAX             256
#define WATCH_PER_HOST        16
/* The daemon gives up after 5 s; this is for a daemon that says nothing. */
#define RESOLVE_TIMEOUT_MSEC  6000
#define MAX_ATTEMPTS          2

/* Without a system bus nothing says when one comes: look again now and
 * then. (With one, its daemon says when Avahi comes and goes.) */
#define RETRY_SECONDS         5

#define AVAHI_NAME            "org.freedesktop.Avahi"
#define BROWSER_INTERFACE     "org.freedesktop.Avahi.ServiceBrowser"
#define RESOLVER_INTERFACE    "org.freedesktop.Avahi.ServiceResolver"
#define ITEM_TYPE             "(iisssu)"
#define FOUND_TYPE            "(iissssisqaayu)"

typedef enum
{
  PRIORITY_WANTED,
  PRIORITY_LOCAL,
  PRIORITY_FIRST,
  PRIORITY_MORE,
  PRIORITY_RETRY,
  N_PRIORITIES
} Priority;

/* The first look around is over when nothing up to here waits: every
 * address of every name (a list shows the best), but what did not
 * answer in time. */
#define PRIORITY_SETTLES PRIORITY_MORE

typedef enum
{
  STAGE_QUEUED,
  STAGE_RESOLVING,
  STAGE_WATCHED,
  STAGE_DONE,
} Stage;

typedef struct
{
  AvahiIfIndex  interface;
  GQueue        queue[N_PRIORITIES];
} Lane;

typedef struct
{
  PhBrowserAvahi       *owner;
  char                 *key;
  char                 *name;
  char                 *folded;
  char                 *type;
  char                 *domain;
  AvahiIfIndex          interface;
  AvahiProtocol         protocol;
  gboolean              local;
  Stage                 stage;
  Priority              priority;     /* while queued or resolving */
  Lane                 *lane;         /* while queued */
  GList                *link;
  guint                 serial;       /* of the call that may answer */
  guint                 attempts;
  char                 *watch_path;   /* the daemon's resolver, once watched */
  char                 *watched_host; /* counted in watches_by_host */
} Instance;

/* What an answer finds its way back with: the browser may be gone, the
 * daemon restarted, the announcement withdrawn or asked again. */
typedef struct
{
  PhBrowserAvahi **link;
  GDBusConnection *bus;
  char            *owner;
  guint            generation;
  char            *key;
  guint            serial;
} Call;

struct _PhBrowserAvahi
{
  PhBrowser            *browser;      /* owns us */
  PhBrowserAvahi      **link;         /* g_rc_box: NULL once we are gone */
  GDBusConnection      *bus;          /* our own: closing it frees what we made */
  gulong                closed_id;
  guint                 watch_id;
  GSource              *retry;
  char                 *owner;        /* the daemon's unique name, while there is one */
  guint                 generation;   /* of that daemon */
  guint                 signals_id[2];
  char                 *browser_path;
  gboolean              browsing;
  gboolean              all_for_now;

  GHashTable           *instances;    /* key -> Instance */
  GHashTable           *by_folded;    /* folded name -> GPtrArray of Instance (borrowed) */
  GHashTable           *by_path;      /* watching resolver's path -> key */
  GHashTable           *wanted;       /* folded name -> lookups looking for it */
  GPtrArray            *lanes;        /* Lane, one per interface */
  guint                 next_lane;
  gboolean              from_tail;
  guint                 waiting[N_PRIORITIES];   /* queued or resolving */
  guint                 n_resolving;
  guint                 n_watched;
  GHashTable           *watches_by_host;
  guint                 peak;
};

static void pump (PhBrowserAvahi *self);

static guint
n_objects (PhBrowserAvahi *self)
{
  return self->browsing + self->n_resolving + self->n_watched;
}

static void
count_objects (PhBrowserAvahi *self)
{
  self->peak = MAX (self->peak, n_objects (self));
}

static void
check_settled (PhBrowserAvahi *self)
{
  guint waiting = 0;

  for (Priority p = 0; p <= PRIORITY_SETTLES; p++)
    waiting += self->waiting[p];

  if (self->all_for_now && waiting == 0)
    ph_browser_set_settled (self->browser, TRUE);
}

/* Calls -------------------------------------------------------------- */

static Call *
call_new (PhBrowserAvahi *self,
          Instance       *instance)
{
  Call *call = g_new0 (Call, 1);

  call->link = g_rc_box_acquire (self->link);
  call->bus = g_object_ref (self->bus);
  call->owner = g_strdup (self->owner);
  call->generation = self->generation;
  call->key = instance ? g_strdup (instance->key) : NULL;
  call->serial = instance ? ++instance->serial : 0;
  return call;
}

static void
call_free (Call *call)
{
  g_rc_box_release (call->link);
  g_object_unref (call->bus);
  g_free (call->owner);
  g_free (call->key);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* The instance @call was made for, if it still waits for this answer. */
static Instance *
call_instance (Call *call)
{
  PhBrowserAvahi *self = *call->link;
  Instance *instance;

  if (self == NULL || self->generation != call->generation)
    return NULL;

  instance = g_hash_table_lookup (self->instances, call->key);
  return instance != NULL && instance->serial == call->serial ? instance : NULL;
}

/* Fire and forget: what the daemon answers changes nothing. */
static void
free_object (GDBusConnection *bus,
             const char      *owner,
             const char      *path,
             const char      *interface)
{
  g_dbus_connection_call (bus, owner, path, interface, "Free", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
}

/* The daemon heard nothing in time (or we heard nothing from it): the
 * announcement may answer later. */
static gboolean
worth_retrying (const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_strcmp0 (remote, "org.freedesktop.Avahi.TimeoutError") == 0 ||
         g_strcmp0 (remote, "org.freedesktop.Avahi.TooManyObjectsError") == 0;
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

static void
enqueue (Instance *instance,
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

static void
unqueue (Instance *instance)
{
  g_queue_delete_link (&instance->lane->queue[instance->priority], instance->link);
  instance->owner->waiting[instance->priority]--;
  instance->link = NULL;
  instance->lane = NULL;
}

static Instance *
next_in_line (PhBrowserAvahi *self)
{
  for (Priority p = 0; p < N_PRIORITIES; p++)
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

/* Instances ---------------------------------------------------------- */

static void
unwatch (Instance *instance)
{
  PhBrowserAvahi *self = instance->owner;
  guint n;

  if (instance->watch_path != NULL)
    {
      g_hash_table_remove (self->by_path, instance->watch_path);
      if (self->owner != NULL)
        free_object (self->bus, self->owner, instance->watch_path, RESOLVER_INTERFACE);
      g_clear_pointer (&instance->watch_path, g_free);
    }
  if (instance->watched_host == NULL)
    return;

  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->watches_by_host, instance->watched_host));
  if (n <= 1)
    g_hash_table_remove (self->watches_by_host, instance->watched_host);
  else
    g_hash_table_insert (self->watches_by_host, g_strdup (instance->watched_host), GUINT_TO_POINTER (n - 1));
  g_clear_pointer (&instance->watched_host, g_free);
  self->n_watched--;
}

/* Out of the queue, the pool or the watched: now @stage. An answer
 * still on its way is for an earlier serial, and ignored. */
static void
move_to (Instance *instance,
         Stage     stage)
{
  PhBrowserAvahi *self = instance->owner;

  switch (instance->stage)
    {
    case STAGE_QUEUED:
      unqueue (instance);
      break;
    case STAGE_RESOLVING:
      self->waiting[instance->priority]--;
      self->n_resolving--;
      break;
    case STAGE_WATCHED:
      if (stage != STAGE_WATCHED)
        unwatch (instance);
      break;
    case STAGE_DONE:
    default:
      break;
    }

  instance->stage = stage;
}

static void
instance_free (gpointer data)
{
  Instance *instance = data;
  PhBrowserAvahi *self = instance->owner;
  GPtrArray *namesakes = g_hash_table_lookup (self->by_folded, instance->folded);

  move_to (instance, STAGE_DONE);
  if (namesakes != NULL)
    {
      g_ptr_array_remove_fast (namesakes, instance);
      if (namesakes->len == 0)
        g_hash_table_remove (self->by_folded, instance->folded);
    }

  g_free (instance->key);
  g_free (instance->name);
  g_free (instance->folded);
  g_free (instance->type);
  g_free (instance->domain);
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

/* Where a new announcement goes in line: see the top of this file. */
static Priority
priority_for (PhBrowserAvahi *self,
              Instance       *instance,
              GPtrArray      *namesakes)
{
  if (g_hash_table_contains (self->wanted, instance->folded))
    return PRIORITY_WANTED;
  if (instance->local)
    return PRIORITY_LOCAL;

  for (guint i = 0; i < namesakes->len; i++)
    {
      Instance *other = g_ptr_array_index (namesakes, i);

      if (other == instance || !g_str_equal (other->name, instance->name))
        continue;
      /* Over IPv4 first: its address is the one shown. */
      if (instance->protocol == AVAHI_PROTO_INET && other->protocol == AVAHI_PROTO_INET6 &&
          other->stage == STAGE_QUEUED && other->priority == PRIORITY_FIRST)
        {
          unqueue (other);
          enqueue (other, PRIORITY_MORE);
          return PRIORITY_FIRST;
        }
      return PRIORITY_MORE;
    }

  return PRIORITY_FIRST;
}

/* Answers ------------------------------------------------------------ */

static void
answered (Instance *instance,
          Stage     stage)
{
  PhBrowserAvahi *self = instance->owner;

  move_to (instance, stage);
  ph_browser_answered (self->browser);
  check_settled (self);
}

/* What the daemon resolved, from a ResolveService answer or a watching
 * resolver's Found signal ("(iissssisqaayu)"). */
static void
resolved (Instance *instance,
          GVariant *found)
{
  PhBrowserAvahi *self = instance->owner;
  g_autoptr(GVariant) txt = NULL;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (gssize));
  g_autofree char *host = NULL;
  const char *name, *host_name, *address;
  gint32 interface;
  guint16 port;
  PhAnnouncement announcement = { 0 };

  g_variant_get (found, "(ii&s&s&s&si&sq@aayu)", &interface, NULL, &name, NULL, NULL,
                 &host_name, NULL, &address, &port, &txt, NULL);
  host = ph_interface_format_host (address, interface > 0 ? (guint) interface : 0);

  for (gsize i = 0; i < g_variant_n_children (txt); i++)
    {
      g_autoptr(GVariant) bytes = g_variant_get_child_value (txt, i);
      gsize length = 0;
      const char *data = g_variant_get_fixed_array (bytes, &length, 1);
      gssize signed_length = (gssize) length;

      g_ptr_array_add (pairs, (gpointer) (data ? data : ""));
      g_array_append_val (lengths, signed_length);
    }
  g_ptr_array_add (pairs, NULL);

  announcement.instance = instance->key;
  announcement.name = name;
  announcement.host_name = host_name;
  announcement.txt = (const char * const *) pairs->pdata;
  announcement.lengths = (const gssize *) (gpointer) lengths->data;
  announcement.host = host;
  announcement.port = port;
  announcement.local = instance->local;
  ph_browser_resolved (self->browser, &announcement);
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);
  Instance *instance = call_instance (call);
  const char *path;

  if (reply == NULL)
    return;

  g_variant_get (reply, "(&o)", &path);
  if (instance == NULL || instance->stage != STAGE_WATCHED || instance->watch_path != NULL)
    {
      /* Not wanted any more: the daemon must not keep it for us. */
      free_object (call->bus, call->owner, path, RESOLVER_INTERFACE);
      return;
    }

  instance->watch_path = g_strdup (path);
  g_hash_table_insert (instance->owner->by_path, g_strdup (path), g_strdup (instance->key));
  g_dbus_connection_call (call->bus, call->owner, path, RESOLVER_INTERFACE, "Start", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
}

static gboolean
may_watch (PhBrowserAvahi *self,
           const char     *host_name)
{
  return self->n_watched < WATCH_MAX &&
         GPOINTER_TO_UINT (g_hash_table_lookup (self->watches_by_host, host_name)) < WATCH_PER_HOST;
}

/* Asks the daemon for a resolver of our own, kept to hear changes. */
static void
watch (Instance   *instance,
       const char *host_name)
{
  PhBrowserAvahi *self = instance->owner;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->watches_by_host, host_name));

  instance->watched_host = g_strdup (host_name);
  g_hash_table_insert (self->watches_by_host, g_strdup (host_name), GUINT_TO_POINTER (n + 1));
  self->n_watched++;
  g_dbus_connection_call (self->bus, self->owner, "/", "org.freedesktop.Avahi.Server2", "ServiceResolverPrepare",
                          g_variant_new ("(iisssiu)", instance->interface, instance->protocol, instance->name,
                                         instance->type, instance->domain, instance->protocol, 0),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          NULL, prepared_cb, call_new (self, instance));
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  Instance *instance = call_instance (call);
  PhBrowserAvahi *self;

  if (instance == NULL || instance->stage != STAGE_RESOLVING)
    return;
  self = instance->owner;

  if (reply != NULL)
    {
      g_autofree char *host_name = NULL;
      const char *raw_host_name;

      resolved (instance, reply);
      g_variant_get_child (reply, 5, "&s", &raw_host_name);
      host_name = g_ascii_strdown (raw_host_name, -1);
      if (may_watch (self, host_name))
        {
          answered (instance, STAGE_WATCHED);
          watch (instance, host_name);
        }
      else
        answered (instance, STAGE_DONE);
    }
  else
    {
      /* Its records went away without a goodbye, or never came. */
      g_debug ("Cannot resolve “%s”: %s", instance->name, error->message);
      ph_browser_lost (self->browser, instance->key);
      answered (instance, STAGE_DONE);
      if (instance->attempts < MAX_ATTEMPTS && worth_retrying (error))
        enqueue (instance, PRIORITY_RETRY);
    }

  count_objects (self);
  pump (self);
}

/* A watching resolver heard its announcement change, or go. */
static void
resolver_signal_cb (GDBusConnection *connection,
                    const char      *sender,
                    const char      *path,
                    const char      *interface,
                    const char      *signal,
                    GVariant        *parameters,
                    gpointer         user_data)
{
  PhBrowserAvahi *self = *(PhBrowserAvahi **) user_data;
  const char *key = self != NULL ? g_hash_table_lookup (self->by_path, path) : NULL;
  Instance *instance = key ? g_hash_table_lookup (self->instances, key) : NULL;

  if (instance == NULL)
    return;

  if (g_str_equal (signal, "Found") && g_variant_is_of_type (parameters, G_VARIANT_TYPE (FOUND_TYPE)))
    {
      resolved (instance, parameters);
      ph_browser_answered (self->browser);
    }
  else if (g_str_equal (signal, "Failure"))
    {
      ph_browser_lost (self->browser, instance->key);
      answered (instance, STAGE_DONE);
    }
}

static void
start_resolving (PhBrowserAvahi *self,
                 Instance       *instance)
{
  Priority priority = instance->priority;

  unqueue (instance);
  instance->attempts++;

  /* D-Bus strings are UTF-8; the daemon's are, but nothing else is sent. */
  if (!g_utf8_validate (instance->name, -1, NULL) || !g_utf8_validate (instance->domain, -1, NULL))
    {
      instance->stage = STAGE_DONE;
      ph_browser_answered (self->browser);
      check_settled (self);
      return;
    }

  instance->stage = STAGE_RESOLVING;
  instance->priority = priority;
  self->waiting[priority]++;
  self->n_resolving++;
  g_dbus_connection_call (self->bus, self->owner, "/", "org.freedesktop.Avahi.Server", "ResolveService",
                          g_variant_new ("(iisssiu)", instance->interface, instance->protocol, instance->name,
                                         instance->type, instance->domain, instance->protocol, 0),
                          G_VARIANT_TYPE (FOUND_TYPE), G_DBUS_CALL_FLAGS_NO_AUTO_START, RESOLVE_TIMEOUT_MSEC,
                          NULL, resolve_cb, call_new (self, instance));
  count_objects (self);
}

static void
pump (PhBrowserAvahi *self)
{
  Instance *instance;

  while (self->browsing && self->n_resolving < POOL_MAX &&
         (instance = next_in_line (self)) != NULL)
    start_resolving (self, instance);
}

/* Browsing ----------------------------------------------------------- */

static void
found (PhBrowserAvahi         *self,
       AvahiIfIndex            interface,
       AvahiProtocol           protocol,
       const char             *name,
       const char             *type,
       const char             *domain,
       AvahiLookupResultFlags  flags)
{
  g_autofree char *key = instance_key (interface, protocol, name, domain);
  GPtrArray *namesakes;
  Instance *instance;

  if (g_hash_table_contains (self->instances, key))
    return;

  instance = g_new0 (Instance, 1);
  instance->owner = self;
  instance->key = g_strdup (key);
  instance->name = g_strdup (name);
  instance->folded = ph_browser_fold_name (name);
  instance->type = g_strdup (type);
  instance->domain = g_strdup (domain);
  instance->interface = interface;
  instance->protocol = protocol;
  instance->local = (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
  instance->stage = STAGE_DONE;
  g_hash_table_insert (self->instances, g_steal_pointer (&key), instance);

  namesakes = g_hash_table_lookup (self->by_folded, instance->folded);
  if (namesakes == NULL)
    {
      namesakes = g_ptr_array_new ();
      g_hash_table_insert (self->by_folded, g_strdup (instance->folded), namesakes);
    }
  g_ptr_array_add (namesakes, instance);

  enqueue (instance, priority_for (self, instance, namesakes));
  pump (self);
}

static void
browser_signal_cb (GDBusConnection *connection,
                   const char      *sender,
                   const char      *path,
                   const char      *interface,
                   const char      *signal,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  PhBrowserAvahi *self = *(PhBrowserAvahi **) user_data;
  gint32 item_interface, item_protocol;
  const char *name, *type, *domain;
  guint32 flags;

  /* Ours is the only browser on this connection; an earlier one's
   * last words (before its daemon went) are not. */
  if (self == NULL || self->browser_path == NULL || !g_str_equal (path, self->browser_path))
    return;

  if (g_str_equal (signal, "AllForNow") || g_str_equal (signal, "Failure"))
    {
      const char *message = "?";

      if (g_str_equal (signal, "Failure") && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)")))
        g_variant_get (parameters, "(&s)", &message);
      if (g_str_equal (signal, "Failure"))
        g_warning ("Browsing for receivers failed: %s", message);
      self->all_for_now = TRUE;
      ph_browser_answered (self->browser);
      check_settled (self);
      return;
    }

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE (ITEM_TYPE)))
    return;
  g_variant_get (parameters, "(ii&s&s&su)", &item_interface, &item_protocol, &name, &type, &domain, &flags);

  if (g_str_equal (signal, "ItemNew"))
    found (self, item_interface, item_protocol, name, type, domain, flags);
  else if (g_str_equal (signal, "ItemRemove"))
    {
      g_autofree char *key = instance_key (item_interface, item_protocol, name, domain);

      ph_browser_lost (self->browser, key);
      g_hash_table_remove (self->instances, key);
      ph_browser_answered (self->browser);
      check_settled (self);
      pump (self);
    }
}

static void
browser_prepared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  PhBrowserAvahi *self = *call->link;
  const char *path;

  if (reply == NULL)
    {
      if (self != NULL && self->generation == call->generation)
        {
          g_warning ("Cannot browse for receivers: %s", error->message);
          self->all_for_now = TRUE;
          check_settled (self);
        }
      return;
    }

  g_variant_get (reply, "(&o)", &path);
  if (self == NULL || self->generation != call->generation)
    {
      free_object (call->bus, call->owner, path, BROWSER_INTERFACE);
      return;
    }

  self->browser_path = g_strdup (path);
  self->browsing = TRUE;
  count_objects (self);
  g_dbus_connection_call (self->bus, self->owner, path, BROWSER_INTERFACE, "Start", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  pump (self);
}

/* Everything made by the daemon that went is gone with it; answers
 * still on their way are for a daemon that is no more. */
static void
forget_daemon (PhBrowserAvahi *self)
{
  self->generation++;
  for (guint i = 0; i < G_N_ELEMENTS (self->signals_id); i++)
    if (self->signals_id[i] != 0)
      g_dbus_connection_signal_unsubscribe (self->bus, self->signals_id[i]);
  memset (self->signals_id, 0, sizeof self->signals_id);
  /* The instances free their watching resolvers while it is known. */
  g_hash_table_remove_all (self->instances);
  g_hash_table_remove_all (self->by_path);
  g_hash_table_remove_all (self->watches_by_host);
  if (self->browser_path != NULL && self->owner != NULL)
    free_object (self->bus, self->owner, self->browser_path, BROWSER_INTERFACE);
  g_clear_pointer (&self->browser_path, g_free);
  g_clear_pointer (&self->owner, g_free);
  self->browsing = FALSE;
  self->all_for_now = FALSE;
  ph_browser_clear (self->browser);
  ph_browser_set_settled (self->browser, FALSE);
}

/* Avahi is there (or back): browse. Signals come from that daemon only. */
static void
daemon_appeared (PhBrowserAvahi *self,
                 const char     *owner)
{
  if (g_strcmp0 (owner, self->owner) == 0)
    return;
  if (self->owner != NULL)
    forget_daemon (self);

  self->owner = g_strdup (owner);
  self->signals_id[0] = g_dbus_connection_signal_subscribe (self->bus, owner, BROWSER_INTERFACE, NULL, NULL, NULL,
                                                            G_DBUS_SIGNAL_FLAGS_NONE, browser_signal_cb,
                                                            g_rc_box_acquire (self->link),
                                                            (GDestroyNotify) g_rc_box_release);
  self->signals_id[1] = g_dbus_connection_signal_subscribe (self->bus, owner, RESOLVER_INTERFACE, NULL, NULL, NULL,
                                                            G_DBUS_SIGNAL_FLAGS_NONE, resolver_signal_cb,
                                                            g_rc_box_acquire (self->link),
                                                            (GDestroyNotify) g_rc_box_release);
  ph_browser_set_state (self->browser, PH_BROWSER_RUNNING);

  g_dbus_connection_call (self->bus, owner, "/", "org.freedesktop.Avahi.Server2", "ServiceBrowserPrepare",
                          g_variant_new ("(iissu)", AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, PH_SERVICE_TYPE, "", 0),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL,
                          browser_prepared_cb, call_new (self, NULL));
}

static void
appeared_cb (GDBusConnection *connection,
             const char      *name,
             const char      *owner,
             gpointer         user_data)
{
  daemon_appeared (user_data, owner);
}

static void
vanished_cb (GDBusConnection *connection,
             const char      *name,
             gpointer         user_data)
{
  PhBrowserAvahi *self = user_data;

  if (self->owner != NULL)
    forget_daemon (self);
  if (self->bus != NULL)
    ph_browser_set_state (self->browser, PH_BROWSER_UNAVAILABLE);
}

static void connect_bus (PhBrowserAvahi *self);

static gboolean
retry_cb (gpointer user_data)
{
  PhBrowserAvahi *self = user_data;

  ph_gsource_clear (&self->retry);
  connect_bus (self);
  return G_SOURCE_REMOVE;
}

static void
drop_bus (PhBrowserAvahi *self)
{
  if (self->owner != NULL)
    forget_daemon (self);
  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  g_clear_signal_handler (&self->closed_id, self->bus);
  if (self->bus != NULL)
    g_dbus_connection_close (self->bus, NULL, NULL, NULL);
  g_clear_object (&self->bus);
}

/* The system bus went away (or was never there): wait for one. */
static void
closed_cb (GDBusConnection *connection,
           gboolean         remote_peer_vanished,
           GError          *error,
           PhBrowserAvahi  *self)
{
  drop_bus (self);
  ph_browser_set_state (self->browser, PH_BROWSER_UNAVAILABLE);
  self->retry = ph_gsource_attach (g_timeout_source_new_seconds (RETRY_SECONDS), "[posthouse] system bus retry",
                                   retry_cb, self, g_main_context_get_thread_default ());
}

/* A connection of our own (the shared one exits the program when the
 * bus goes), and at once whether Avahi is on it: only the bus daemon is
 * asked, never Avahi, so this never waits for a busy responder. */
static void
connect_bus (PhBrowserAvahi *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_autoptr(GVariant) owner = NULL;

  if (address != NULL)
    self->bus = g_dbus_connection_new_for_address_sync (address,
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
  if (self->bus == NULL)
    {
      g_debug ("No system bus: %s", error->message);
      ph_browser_set_state (self->browser, PH_BROWSER_UNAVAILABLE);
      self->retry = ph_gsource_attach (g_timeout_source_new_seconds (RETRY_SECONDS), "[posthouse] system bus retry",
                                       retry_cb, self, g_main_context_get_thread_default ());
      return;
    }

  self->closed_id = g_signal_connect (self->bus, "closed", G_CALLBACK (closed_cb), self);
  owner = g_dbus_connection_call_sync (self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", AVAHI_NAME),
                                       G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (owner != NULL)
    {
      const char *unique;

      g_variant_get (owner, "(&s)", &unique);
      daemon_appeared (self, unique);
    }
  else
    ph_browser_set_state (self->browser, PH_BROWSER_UNAVAILABLE);

  self->watch_id = g_bus_watch_name_on_connection (self->bus, AVAHI_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   appeared_cb, vanished_cb, self, NULL);
}

static void
lane_free (gpointer data)
{
  Lane *lane = data;

  for (Priority p = 0; p < N_PRIORITIES; p++)
    g_queue_clear (&lane->queue[p]);
  g_free (lane);
}

PhBrowserAvahi *
ph_browser_avahi_new (PhBrowser *browser)
{
  PhBrowserAvahi *self = g_new0 (PhBrowserAvahi, 1);

  self->browser = browser;
  self->link = g_rc_box_new (PhBrowserAvahi *);
  *self->link = self;
  self->instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, instance_free);
  self->by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  self->by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watches_by_host = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lanes = g_ptr_array_new_with_free_func (lane_free);

  connect_bus (self);

  return self;
}

void
ph_browser_avahi_free (PhBrowserAvahi *self)
{
  ph_gsource_clear (&self->retry);
  /* Closing our connection frees, in the daemon, whatever we made. */
  drop_bus (self);
  *self->link = NULL;
  g_rc_box_release (self->link);
  g_hash_table_unref (self->instances);
  g_hash_table_unref (self->by_folded);
  g_hash_table_unref (self->by_path);
  g_hash_table_unref (self->wanted);
  g_hash_table_unref (self->watches_by_host);
  g_ptr_array_unref (self->lanes);
  g_free (self);
}

/* A lookup looks for @folded: its announcements go first. */
void
ph_browser_avahi_want (PhBrowserAvahi *self,
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
          unqueue (instance);
          enqueue (instance, PRIORITY_WANTED);
        }
    }
  pump (self);
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

gboolean
ph_browser_avahi_get_all_for_now (PhBrowserAvahi *self)
{
  return self->all_for_now;
}

void
ph_browser_avahi_get_objects (PhBrowserAvahi *self,
                              guint          *now,
                              guint          *peak)
{
  *now = n_objects (self);
  *peak = self->peak;
}
