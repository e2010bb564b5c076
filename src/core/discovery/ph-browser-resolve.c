/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resolving an announcement (a one-shot ResolveService call) and
 * watching it (a resolver of our own, kept: it says when the
 * announcement changes or goes), asynchronously. An answer finds its
 * way back by the announcement's key and the call's serial: whatever
 * changed meanwhile (the announcement withdrawn, asked again, the
 * daemon restarted, the browser gone) makes it void. Takes what to
 * resolve next from the queue (ph-browser-queue.c), below; what it
 * hears goes up to PhBrowser through the Avahi side's events. */
#include "config.h"

#include "ph-browser-avahi-private.h"
#include "ph-interfaces.h"

/* Calls -------------------------------------------------------------- */

Call *
ph_browser_avahi_call_new (PhBrowserAvahi *self,
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

void
ph_browser_avahi_call_free (Call *call)
{
  g_rc_box_release (call->link);
  g_object_unref (call->bus);
  g_free (call->owner);
  g_free (call->key);
  g_free (call);
}

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
void
ph_browser_avahi_free_object (GDBusConnection *bus,
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

/* Watching ----------------------------------------------------------- */

static void
unwatch (Instance *instance)
{
  PhBrowserAvahi *self = instance->owner;
  guint n;

  if (instance->watch_path != NULL)
    {
      g_hash_table_remove (self->by_path, instance->watch_path);
      if (self->owner != NULL)
        ph_browser_avahi_free_object (self->bus, self->owner, instance->watch_path, RESOLVER_INTERFACE);
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

/* Stages ------------------------------------------------------------- */

/* Out of the queue, the pool or the watched: now @stage. An answer
 * still on its way is for an earlier serial, and ignored. */
void
ph_browser_avahi_move_to (Instance *instance,
                          Stage     stage)
{
  PhBrowserAvahi *self = instance->owner;

  switch (instance->stage)
    {
    case STAGE_QUEUED:
      ph_browser_avahi_unqueue (instance);
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

void
ph_browser_avahi_instance_free (gpointer data)
{
  Instance *instance = data;
  PhBrowserAvahi *self = instance->owner;
  GPtrArray *namesakes = g_hash_table_lookup (self->by_folded, instance->folded);

  ph_browser_avahi_move_to (instance, STAGE_DONE);
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

/* Answers ------------------------------------------------------------ */

static void
answered (Instance *instance,
          Stage     stage)
{
  PhBrowserAvahi *self = instance->owner;

  ph_browser_avahi_move_to (instance, stage);
  self->events->answered (self->data);
  ph_browser_avahi_check_settled (self);
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
  self->events->resolved (&announcement, self->data);
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
      ph_browser_avahi_free_object (call->bus, call->owner, path, RESOLVER_INTERFACE);
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
                          NULL, prepared_cb, ph_browser_avahi_call_new (self, instance));
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
      self->events->lost (instance->key, self->data);
      answered (instance, STAGE_DONE);
      if (instance->attempts < MAX_ATTEMPTS && worth_retrying (error))
        ph_browser_avahi_enqueue (instance, PRIORITY_RETRY);
    }

  ph_browser_avahi_count_objects (self);
  ph_browser_avahi_pump (self);
}

/* A watching resolver heard its announcement change, or go. */
void
ph_browser_avahi_resolver_signal_cb (GDBusConnection *connection,
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
      self->events->answered (self->data);
    }
  else if (g_str_equal (signal, "Failure"))
    {
      self->events->lost (instance->key, self->data);
      answered (instance, STAGE_DONE);
    }
}

static void
start_resolving (PhBrowserAvahi *self,
                 Instance       *instance)
{
  Priority priority = instance->priority;

  ph_browser_avahi_unqueue (instance);
  instance->attempts++;

  /* D-Bus strings are UTF-8; the daemon's are, but nothing else is sent. */
  if (!g_utf8_validate (instance->name, -1, NULL) || !g_utf8_validate (instance->domain, -1, NULL))
    {
      instance->stage = STAGE_DONE;
      self->events->answered (self->data);
      ph_browser_avahi_check_settled (self);
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
                          NULL, resolve_cb, ph_browser_avahi_call_new (self, instance));
  ph_browser_avahi_count_objects (self);
}

void
ph_browser_avahi_pump (PhBrowserAvahi *self)
{
  Instance *instance;

  while (self->browsing && self->n_resolving < POOL_MAX)
    {
      /* While a name is looked for, the daemon (answering in turn) is
       * given few others to do before it. */
      gboolean looking = g_hash_table_size (self->wanted) > 0 && self->n_resolving >= LOOKING_MAX;

      instance = ph_browser_avahi_next_in_line (self, looking ? PRIORITY_WANTED : N_PRIORITIES - 1);
      if (instance == NULL)
        break;
      start_resolving (self, instance);
    }
}
