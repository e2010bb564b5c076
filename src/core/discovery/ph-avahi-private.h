/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <avahi-client/client.h>
#include <glib.h>

G_BEGIN_DECLS

/* One connection to the Avahi daemon on a GLib main context that
 * outlives the daemon: when the daemon (or the system bus) goes away
 * or was never there, the client is made again and the owner hears
 * about it. AVAHI_CLIENT_NO_FAIL alone only waits for a daemon that
 * is missing at start.
 *
 * The callback gets every state of the current client. With
 * AVAHI_CLIENT_FAILURE (client may be NULL: there was none to make)
 * every object made on that client is about to be freed with it: the
 * owner forgets its pointers and makes nothing before the next
 * AVAHI_CLIENT_S_RUNNING. */
typedef struct _PhAvahi PhAvahi;

typedef void (*PhAvahiStateFunc) (AvahiClient      *client,
                                  AvahiClientState  state,
                                  gpointer          user_data);

PhAvahi     *ph_avahi_new        (GMainContext     *context,
                                  PhAvahiStateFunc  func,
                                  gpointer          user_data);
void         ph_avahi_free       (PhAvahi          *self);
AvahiClient *ph_avahi_get_client (PhAvahi          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhAvahi, ph_avahi_free)

G_END_DECLS
