/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <avahi-common/error.h>
#include <avahi-glib/glib-watch.h>

#include "ph-avahi-private.h"
#include "ph-gsource-private.h"

/* Without a system bus nothing tells us when one appears: look again
 * now and then. (With a bus, Avahi watches the daemon's name itself.) */
#define RETRY_SECONDS 5

struct _PhAvahi
{
  GMainContext     *context;
  AvahiGLibPoll    *poll;
  AvahiClient      *client;
  AvahiClient      *failed;    /* freed from an idle, never in its own callback */
  GSource          *retry;
  PhAvahiStateFunc  func;
  gpointer          user_data;
};

static void connect_client (PhAvahi *self);

static gboolean
retry_cb (gpointer user_data)
{
  PhAvahi *self = user_data;

  ph_gsource_clear (&self->retry);
  if (self->failed != NULL)
    g_clear_pointer (&self->failed, avahi_client_free);
  connect_client (self);

  return G_SOURCE_REMOVE;
}

static void
schedule (PhAvahi *self,
          GSource *source)
{
  ph_gsource_clear (&self->retry);
  self->retry = ph_gsource_attach (source, "[posthouse] avahi reconnect",
                                  retry_cb, self, self->context);
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *user_data)
{
  PhAvahi *self = user_data;

  /* Called from inside avahi_client_new() already. */
  if (self->client == NULL && self->failed != client)
    self->client = client;

  if (client != self->client)
    return;

  if (state == AVAHI_CLIENT_FAILURE)
    {
      g_debug ("Avahi client failed: %s", avahi_strerror (avahi_client_errno (client)));
      self->func (client, state, self->user_data);
      /* This client is dead for good; make a new one that waits for
       * the daemon (NO_FAIL), once we are out of its callback. */
      self->failed = g_steal_pointer (&self->client);
      schedule (self, g_idle_source_new ());
      return;
    }

  self->func (client, state, self->user_data);
}

static void
connect_client (PhAvahi *self)
{
  AvahiClient *client;
  int error = 0;

  client = avahi_client_new (avahi_glib_poll_get (self->poll), AVAHI_CLIENT_NO_FAIL,
                             client_cb, self, &error);
  if (client == NULL)
    {
      /* No system bus at all. */
      g_debug ("No Avahi client: %s", avahi_strerror (error));
      self->client = NULL;
      self->func (NULL, AVAHI_CLIENT_FAILURE, self->user_data);
      schedule (self, g_timeout_source_new_seconds (RETRY_SECONDS));
      return;
    }

  self->client = client;
}

/**
 * ph_avahi_new:
 * @context: (nullable): where the callbacks run, %NULL for the
 *   thread-default context
 * @func: told about each state, first from inside this call
 */
PhAvahi *
ph_avahi_new (GMainContext     *context,
              PhAvahiStateFunc  func,
              gpointer          user_data)
{
  PhAvahi *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (PhAvahi, 1);
  self->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  self->poll = avahi_glib_poll_new (self->context, G_PRIORITY_DEFAULT);
  self->func = func;
  self->user_data = user_data;

  connect_client (self);

  return self;
}

void
ph_avahi_free (PhAvahi *self)
{
  if (self == NULL)
    return;

  ph_gsource_clear (&self->retry);
  g_clear_pointer (&self->failed, avahi_client_free);
  /* Frees the client's groups, browsers and resolvers: the daemon
   * withdraws what we announced. */
  g_clear_pointer (&self->client, avahi_client_free);
  g_clear_pointer (&self->poll, avahi_glib_poll_free);
  g_main_context_unref (self->context);
  g_free (self);
}

/* Returns: (nullable): the current client; it may still be waiting for the daemon */
AvahiClient *
ph_avahi_get_client (PhAvahi *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->client;
}
