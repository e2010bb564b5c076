/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-announcer.c (the object, its properties) and
 * ph-announcer-avahi.c (the entry group Avahi publishes) share. */

#ifdef HAVE_AVAHI
#include <avahi-client/publish.h>

#include "ph-avahi-private.h"
#endif

#include "ph-announcer.h"

G_BEGIN_DECLS

struct _PhAnnouncer
{
  GObject           parent_instance;

  char             *name;
  char             *id;
  guint             port;
  gboolean          asks;
  gboolean          accepts_paths;
  char             *fingerprint;     /* tls=1 and fp=, or NULL */
  guint             interface_index;
  GSocketFamily     family;

  gboolean          started;
  PhAnnouncerState  state;
  char             *announced_name;
  char             *error_message;
  GSource          *republish;

#ifdef HAVE_AVAHI
  PhAvahi          *avahi;
  AvahiEntryGroup  *group;
#endif
};

void ph_announcer_set_state           (PhAnnouncer      *self,
                                       PhAnnouncerState  state);
void ph_announcer_set_announced_name  (PhAnnouncer      *self,
                                       const char       *name);
void ph_announcer_set_error_message   (PhAnnouncer      *self,
                                       const char       *message);

#ifdef HAVE_AVAHI
void ph_announcer_publish             (PhAnnouncer      *self,
                                       AvahiClient      *client);
void ph_announcer_avahi_state_cb      (AvahiClient      *client,
                                       AvahiClientState  state,
                                       gpointer          user_data);
#endif

G_END_DECLS
