/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiveSession: announcing the receiver nearby, under the device's
 * name, only where it can be reached, with what it does (ask=, paths=,
 * and tls=1 with fp= once it has a key). */
#include "config.h"

#include "ph-device-name.h"
#include "ph-identity.h"
#include "ph-interfaces.h"
#include "ph-receive-session-private.h"

#define notify(self, prop) \
  g_object_notify_by_pspec (G_OBJECT (self), ph_receive_session_properties[PH_RECEIVE_SESSION_PROP_##prop])

static void
announcer_state_cb (PhReceiveSession *self)
{
  notify (self, ANNOUNCE_STATE);
  notify (self, ANNOUNCE_ERROR);
}

static void
announced_name_cb (PhReceiveSession *self)
{
  notify (self, ANNOUNCED_NAME);
}

void
ph_receive_session_init_announcer (PhReceiveSession *self)
{
  self->announcer = ph_announcer_new ();
  g_signal_connect_swapped (self->announcer, "notify::state", G_CALLBACK (announcer_state_cb), self);
  g_signal_connect_swapped (self->announcer, "notify::announced-name", G_CALLBACK (announced_name_cb), self);
}

void
ph_receive_session_dispose_announcer (PhReceiveSession *self)
{
  ph_receive_session_stop_announcing (self);
  if (self->announcer != NULL)
    g_signal_handlers_disconnect_by_data (self->announcer, self);
  g_clear_object (&self->announcer);
}

/* Whether a receiver listening on @listen_address (NULL: everywhere)
 * can be announced: not when only this computer can reach it. */
gboolean
ph_receive_session_can_announce (PhReceiveSession *self,
                                 const char       *listen_address)
{
  guint index;
  GSocketFamily family;

  return self->announce &&
         (listen_address == NULL || ph_interface_for_address (listen_address, &index, &family, NULL));
}

/* Follows what is announced: a change withdraws the announcement and
 * announces the new values. */
void
ph_receive_session_update_announcement (PhReceiveSession *self)
{
  ph_announcer_set_asks_before_accepting (self->announcer, self->ask);
  ph_announcer_set_accepts_paths (self->announcer, self->accepts_paths);
  /* The key proves itself in the handshake; without one, only the
   * original format is received, and announced. */
  ph_announcer_set_fingerprint (self->announcer,
                                self->identity ? ph_identity_get_fingerprint (self->identity) : NULL);
  if (self->receiver != NULL && ph_receiver_get_port (self->receiver) > 0)
    ph_announcer_set_port (self->announcer, ph_receiver_get_port (self->receiver));
}

static void
device_name_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree char *name = ph_device_name_query_finish (result, NULL);
  PhReceiveSession *self = user_data;

  /* Cancelled: receiving stopped meanwhile (or the session went). */
  if (name == NULL)
    return;

  g_clear_object (&self->announce_cancellable);
  g_free (self->device_name);
  self->device_name = g_strdup (name);
  ph_announcer_set_name (self->announcer, name);
  ph_announcer_start (self->announcer);
}

/* Announces the receiver just started, under the device's name, where
 * it listens: on the one interface it may be limited to. */
void
ph_receive_session_start_announcing (PhReceiveSession *self)
{
  g_autoptr(GError) error = NULL;
  guint interface_index = 0;
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;

  if (!self->announce || !self->receiving)
    return;

  g_clear_pointer (&self->announce_error, g_free);
  if (self->listen_address != NULL &&
      !ph_interface_for_address (self->listen_address, &interface_index, &family, &error))
    {
      self->announce_error = g_strdup (error->message);
      notify (self, ANNOUNCE_ERROR);
      return;
    }

  ph_announcer_restrict (self->announcer, interface_index, family);
  ph_receive_session_update_announcement (self);

  g_cancellable_cancel (self->announce_cancellable);
  g_clear_object (&self->announce_cancellable);
  self->announce_cancellable = g_cancellable_new ();
  ph_device_name_query_async (self->announce_cancellable, device_name_cb, self);
}

/* Withdraws the announcement (Avahi says goodbye on the network). */
void
ph_receive_session_stop_announcing (PhReceiveSession *self)
{
  gboolean had_error = self->announce_error != NULL;

  g_cancellable_cancel (self->announce_cancellable);
  g_clear_object (&self->announce_cancellable);
  g_clear_pointer (&self->announce_error, g_free);
  if (self->announcer != NULL)
    ph_announcer_stop (self->announcer);
  if (had_error)
    notify (self, ANNOUNCE_ERROR);
}

PhAnnouncerState
ph_receive_session_get_announce_state (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), PH_ANNOUNCER_STOPPED);

  return ph_announcer_get_state (self->announcer);
}

/* Returns: (nullable): the name on the network (Avahi may have made
 * it "Name #2"), while announced or being announced */
const char *
ph_receive_session_get_announced_name (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return ph_announcer_get_announced_name (self->announcer);
}

/* Returns: (nullable): why receiving is not announced: limited to an
 * address nobody nearby can reach, or what the Avahi service said */
const char *
ph_receive_session_get_announce_error (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  if (self->announce_error != NULL)
    return self->announce_error;
  if (ph_announcer_get_state (self->announcer) == PH_ANNOUNCER_FAILED)
    return ph_announcer_get_error_message (self->announcer);

  return NULL;
}
