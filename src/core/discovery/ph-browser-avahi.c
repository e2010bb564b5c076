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

#include "ph-browser-avahi-private.h"
#include "ph-dns-sd.h"
#include "ph-gsource-private.h"

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
  g_autofree char *key = ph_browser_avahi_instance_key (interface, protocol, name, domain);
  GPtrArray *namesakes;
  Instance *instance;

  if (g_hash_table_contains (self->instances, key))
    return;

  instance = g_new0 (Instance, 1);
  instance->owner = self;
  instance->key = g_strdup (key);
  instance->name = g_strdup (name);
  instance->folded = ph_dns_sd_fold_name (name);
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

  ph_browser_avahi_enqueue (instance, ph_browser_avahi_priority_for (self, instance, namesakes));
  ph_browser_avahi_pump (self);
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
      self->events->answered (self->data);
      ph_browser_avahi_check_settled (self);
      return;
    }

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE (ITEM_TYPE)))
    return;
  g_variant_get (parameters, "(ii&s&s&su)", &item_interface, &item_protocol, &name, &type, &domain, &flags);

  if (g_str_equal (signal, "ItemNew"))
    found (self, item_interface, item_protocol, name, type, domain, flags);
  else if (g_str_equal (signal, "ItemRemove"))
    {
      g_autofree char *key = ph_browser_avahi_instance_key (item_interface, item_protocol, name, domain);

      self->events->lost (key, self->data);
      g_hash_table_remove (self->instances, key);
      self->events->answered (self->data);
      ph_browser_avahi_check_settled (self);
      ph_browser_avahi_pump (self);
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
          ph_browser_avahi_check_settled (self);
        }
      return;
    }

  g_variant_get (reply, "(&o)", &path);
  if (self == NULL || self->generation != call->generation)
    {
      ph_browser_avahi_free_object (call->bus, call->owner, path, BROWSER_INTERFACE);
      return;
    }

  self->browser_path = g_strdup (path);
  self->browsing = TRUE;
  ph_browser_avahi_count_objects (self);
  g_dbus_connection_call (self->bus, self->owner, path, BROWSER_INTERFACE, "Start", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  ph_browser_avahi_pump (self);
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
    ph_browser_avahi_free_object (self->bus, self->owner, self->browser_path, BROWSER_INTERFACE);
  g_clear_pointer (&self->browser_path, g_free);
  g_clear_pointer (&self->owner, g_free);
  self->browsing = FALSE;
  self->all_for_now = FALSE;
  self->events->forgotten (self->data);
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
                                                            G_DBUS_SIGNAL_FLAGS_NONE, ph_browser_avahi_resolver_signal_cb,
                                                            g_rc_box_acquire (self->link),
                                                            (GDestroyNotify) g_rc_box_release);
  self->events->state (PH_BROWSER_RUNNING, self->data);

  g_dbus_connection_call (self->bus, owner, "/", "org.freedesktop.Avahi.Server2", "ServiceBrowserPrepare",
                          g_variant_new ("(iissu)", AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, PH_SERVICE_TYPE, "", 0),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL,
                          browser_prepared_cb, ph_browser_avahi_call_new (self, NULL));
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
    self->events->state (PH_BROWSER_UNAVAILABLE, self->data);
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
  self->events->state (PH_BROWSER_UNAVAILABLE, self->data);
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
      self->events->state (PH_BROWSER_UNAVAILABLE, self->data);
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
    self->events->state (PH_BROWSER_UNAVAILABLE, self->data);

  self->watch_id = g_bus_watch_name_on_connection (self->bus, AVAHI_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   appeared_cb, vanished_cb, self, NULL);
}

PhBrowserAvahi *
ph_browser_avahi_new (const PhBrowserAvahiEvents *events,
                      gpointer                    data)
{
  PhBrowserAvahi *self = g_new0 (PhBrowserAvahi, 1);

  self->events = events;
  self->data = data;
  self->link = g_rc_box_new (PhBrowserAvahi *);
  *self->link = self;
  self->instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ph_browser_avahi_instance_free);
  self->by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  self->by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watches_by_host = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lanes = g_ptr_array_new_with_free_func (ph_browser_avahi_lane_free);

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

/* A lookup looks for @folded (or no longer): its announcements go first. */
void
ph_browser_avahi_want (PhBrowserAvahi *self,
                       const char     *folded,
                       gboolean        want)
{
  ph_browser_avahi_queue_want (self, folded, want);
  if (want)
    ph_browser_avahi_pump (self);
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
  *now = ph_browser_avahi_n_objects (self);
  *peak = self->peak;
}
