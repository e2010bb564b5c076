/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: connections of the secure channel, handed to whoever
 * speaks it, and held meanwhile (see ph-receiver-held.h). */
#include "config.h"

#include "ph-receiver-private.h"

struct _PhReceiverHeld
{
  PhReceiver              *self;
  char                    *key;
  char                    *peer;
  GCancellable            *abort;
  PhReceiverHeldFunc       turn;
  PhReceiverHeldBytesFunc  bytes;
  gpointer                 data;
};

/**
 * ph_receiver_set_secure_func:
 * @func: (nullable): takes each connection that begins with 0x16; NULL:
 *   such a connection is read as a header (and fails)
 */
void
ph_receiver_set_secure_func (PhReceiver           *self,
                             PhReceiverSecureFunc  func,
                             gpointer              user_data,
                             GDestroyNotify        destroy)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->secure_destroy != NULL)
    self->secure_destroy (self->secure_data);
  self->secure_func = func;
  self->secure_data = user_data;
  self->secure_destroy = destroy;
}

gboolean
ph_receiver_get_accepts_plain (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), TRUE);

  return self->accepts_plain;
}

/* Whether the original format is taken; when not, such a connection is
 * reset before its header is read. */
void
ph_receiver_set_accepts_plain (PhReceiver *self,
                               gboolean    accepts)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  self->accepts_plain = !!accepts;
}

/* Returns: (transfer none): the space its transfers hold, for the
 * secure channel's files to count in */
PhDiskSpace *
ph_receiver_get_disk_space (PhReceiver *self)
{
  return self->space;
}

void
ph_receiver_take_secure (PhReceiver        *self,
                         GSocketConnection *connection,
                         const char        *host,
                         const char        *peer)
{
  PhReceiverHeld *held = g_new0 (PhReceiverHeld, 1);

  held->self = g_object_ref (self);
  held->key = g_strdup (host);
  held->peer = g_strdup (peer);
  self->secure_func (self, connection, peer, held, self->secure_data);
}

void
ph_receiver_held_finalize (PhReceiver *self)
{
  ph_receiver_set_secure_func (self, NULL, NULL, NULL);
}

void
ph_receiver_held_configure (PhReceiverHeld          *held,
                            GCancellable            *abort,
                            PhReceiverHeldFunc       turn,
                            PhReceiverHeldBytesFunc  bytes,
                            gpointer                 user_data)
{
  g_set_object (&held->abort, abort);
  held->turn = turn;
  held->bytes = bytes;
  held->data = user_data;
}

void
ph_receiver_held_set_sender (PhReceiverHeld *held,
                             const char     *key)
{
  g_free (held->key);
  held->key = g_strdup (key);
}

void
ph_receiver_held_ask (PhReceiverHeld *held)
{
}

void
ph_receiver_held_start (PhReceiverHeld *held)
{
  held->turn (held->data);
}

void
ph_receiver_held_release (PhReceiverHeld *held)
{
  g_clear_object (&held->self);
  g_clear_object (&held->abort);
  g_free (held->key);
  g_free (held->peer);
  g_free (held);
}
