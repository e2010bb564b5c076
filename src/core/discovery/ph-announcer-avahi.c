/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The announcement as Avahi publishes it: an entry group under the
 * announced name, the next alternative on a collision, again when the
 * daemon comes back. */
#include "config.h"

#include <glib/gi18n.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/strlst.h>

#include "ph-announcer-private.h"
#include "ph-dns-sd.h"

/* A name every alternative of which is taken is a bug somewhere. */
#define MAX_ALTERNATIVES 100


static void
fail_with_avahi_error (PhAnnouncer *self,
                       int          error)
{
  /* TRANSLATORS: %s is Avahi's own (English) explanation */
  g_autofree char *message = g_strdup_printf (_("The Avahi service refused the announcement: %s"),
                                              avahi_strerror (error));

  g_debug ("Announcing “%s”: %s", self->announced_name, avahi_strerror (error));
  ph_announcer_set_error_message (self, message);
}

static AvahiProtocol
avahi_protocol (GSocketFamily family)
{
  switch (family)
    {
    case G_SOCKET_FAMILY_IPV4:
      return AVAHI_PROTO_INET;
    case G_SOCKET_FAMILY_IPV6:
      return AVAHI_PROTO_INET6;
    case G_SOCKET_FAMILY_INVALID:
    case G_SOCKET_FAMILY_UNIX:
    default:
      return AVAHI_PROTO_UNSPEC;
    }
}

static void group_cb (AvahiEntryGroup      *group,
                      AvahiEntryGroupState  state,
                      void                 *user_data);

/* (Re)fills the entry group with the service under the current
 * announced name, taking the next alternative while Avahi says a
 * service on this machine already has it. */
void
ph_announcer_publish (PhAnnouncer *self,
                      AvahiClient *client)
{
  g_auto(GStrv) pairs = NULL;
  AvahiStringList *txt;
  int ret = AVAHI_OK;

  if (client == NULL || avahi_client_get_state (client) != AVAHI_CLIENT_S_RUNNING)
    return;

  if (self->group == NULL)
    {
      self->group = avahi_entry_group_new (client, group_cb, self);
      if (self->group == NULL)
        {
          fail_with_avahi_error (self, avahi_client_errno (client));
          return;
        }
    }
  else
    avahi_entry_group_reset (self->group);

  pairs = ph_dns_sd_txt_build (self->id, self->asks, self->accepts_paths, self->fingerprint);
  txt = avahi_string_list_new_from_array ((const char **) pairs, -1);

  for (guint attempt = 0; attempt < MAX_ALTERNATIVES; attempt++)
    {
      ret = avahi_entry_group_add_service_strlst (self->group,
                                                  self->interface_index ? (AvahiIfIndex) self->interface_index
                                                                        : AVAHI_IF_UNSPEC,
                                                  avahi_protocol (self->family), 0,
                                                  self->announced_name, PH_SERVICE_TYPE,
                                                  NULL, NULL, (guint16) self->port, txt);
      if (ret != AVAHI_ERR_COLLISION)
        break;

      {
        g_autofree char *alternative = avahi_alternative_service_name (self->announced_name);

        ph_announcer_set_announced_name (self, alternative);
      }
    }
  avahi_string_list_free (txt);

  if (ret >= 0)
    ret = avahi_entry_group_commit (self->group);
  if (ret < 0)
    {
      fail_with_avahi_error (self, ret);
      return;
    }

  ph_announcer_set_state (self, PH_ANNOUNCER_REGISTERING);
}

static void
group_cb (AvahiEntryGroup      *group,
          AvahiEntryGroupState  state,
          void                 *user_data)
{
  PhAnnouncer *self = user_data;

  /* Called from inside avahi_entry_group_new() already. */
  if (self->group == NULL)
    self->group = group;
  if (group != self->group)
    return;

  switch (state)
    {
    case AVAHI_ENTRY_GROUP_ESTABLISHED:
      ph_announcer_set_state (self, PH_ANNOUNCER_ANNOUNCED);
      break;

    case AVAHI_ENTRY_GROUP_COLLISION:
      {
        /* Another machine has the name: take the next one. */
        g_autofree char *alternative = avahi_alternative_service_name (self->announced_name);

        g_debug ("“%s” is taken, announcing as “%s”", self->announced_name, alternative);
        ph_announcer_set_announced_name (self, alternative);
        ph_announcer_publish (self, avahi_entry_group_get_client (group));
      }
      break;

    case AVAHI_ENTRY_GROUP_FAILURE:
      fail_with_avahi_error (self, avahi_client_errno (avahi_entry_group_get_client (group)));
      break;

    case AVAHI_ENTRY_GROUP_UNCOMMITED:
    case AVAHI_ENTRY_GROUP_REGISTERING:
    default:
      break;
    }
}

void
ph_announcer_avahi_state_cb (AvahiClient      *client,
                             AvahiClientState  state,
                             gpointer          user_data)
{
  PhAnnouncer *self = user_data;

  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
      ph_announcer_publish (self, client);
      break;

    case AVAHI_CLIENT_S_COLLISION:
    case AVAHI_CLIENT_S_REGISTERING:
      /* The daemon renames the host: announce again once it is done. */
      if (self->group != NULL)
        avahi_entry_group_reset (self->group);
      ph_announcer_set_state (self, PH_ANNOUNCER_REGISTERING);
      break;

    case AVAHI_CLIENT_FAILURE:
      /* Freed with the client. */
      self->group = NULL;
      ph_announcer_set_state (self, PH_ANNOUNCER_UNAVAILABLE);
      break;

    case AVAHI_CLIENT_CONNECTING:
    default:
      ph_announcer_set_state (self, PH_ANNOUNCER_UNAVAILABLE);
      break;
    }
}
