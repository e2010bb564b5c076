/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: connections of the secure channel (see
 * ph-receiver-held.h), under the same rules as the original format's.
 *
 * Until its handshake and hellos are done such a connection is one
 * without its header (ph-receiver-pending.c: the header time limit,
 * eviction, the turns of handshakes). Once the hellos are in, the
 * sender is its key: it waits for the person's answer (the answer time
 * limit), then for a data slot with everyone else
 * (ph-receiver-admission.c: turns by fewest slots held; then the stall
 * rule). The receive session calls in here; this calls the layers
 * below it, and tells the ones above through self->events. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-gsource-private.h"
#include "ph-receiver-private.h"

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
ph_receiver_held_finalize (PhReceiver *self)
{
  ph_receiver_set_secure_func (self, NULL, NULL, NULL);
}

/* Held connections */

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
  if (held->ended && abort != NULL)
    g_cancellable_cancel (abort);
}

/* The receiver ends @held, saying why. */
void
ph_receiver_held_end (PhReceiverHeld *held,
                      GError         *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(PhReceiver) self = g_object_ref (held->self);

  if (held->ended)
    return;
  if (held->pending != NULL)
    {
      ph_receiver_pending_fail (held->pending, g_steal_pointer (&owned));
      return;
    }

  held->ended = TRUE;
  if (held->abort != NULL)
    g_cancellable_cancel (held->abort);
  if (owned != NULL)
    self->events->connection_failed (self, held->peer, owned);
}

/* The hellos are in: from now on the sender is @key (its fingerprint). */
void
ph_receiver_held_set_sender (PhReceiverHeld *held,
                             const char     *key)
{
  PhReceiver *self = held->self;
  PhSender *old = held->sender;

  if (held->pending != NULL)
    ph_receiver_pending_done (held->pending, TRUE);
  if (held->phase == PH_HELD_HANDSHAKE)
    held->phase = PH_HELD_DECIDING;

  if (key == NULL || g_strcmp0 (key, old->key) == 0)
    return;
  held->sender = ph_receiver_hold (self, key);
  ph_receiver_release (self, old);
}

static gboolean
answer_timeout_cb (gpointer user_data)
{
  PhReceiverHeld *held = user_data;
  guint minutes = MAX (1, (held->self->answer_timeout + 30000) / 60000);
  guint seconds = MAX (1, (held->self->answer_timeout + 500) / 1000);

  g_clear_pointer (&held->answer_source, g_source_unref);
  if (held->self->answer_timeout >= 60000)
    ph_receiver_held_end (held, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "Nobody answered within %u minute whether "
                                                          "to accept the files of %s; nothing was saved",
                                                          "Nobody answered within %u minutes whether "
                                                          "to accept the files of %s; nothing was saved",
                                                          minutes),
                                             minutes, held->peer));
  else
    ph_receiver_held_end (held, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "Nobody answered within %u second whether "
                                                          "to accept the files of %s; nothing was saved",
                                                          "Nobody answered within %u seconds whether "
                                                          "to accept the files of %s; nothing was saved",
                                                          seconds),
                                             seconds, held->peer));
  return G_SOURCE_REMOVE;
}

/* A person is asked: for the answer time limit at most. */
void
ph_receiver_held_ask (PhReceiverHeld *held)
{
  if (held->ended || held->phase >= PH_HELD_QUEUED)
    return;

  held->phase = PH_HELD_ASKING;
  ph_gsource_clear (&held->answer_source);
  held->answer_source = ph_gsource_attach (g_timeout_source_new (held->self->answer_timeout),
                                           "[posthouse] answer time limit", answer_timeout_cb,
                                           held, held->self->context);
}

/* Accepted: it takes a data slot when its turn comes. */
void
ph_receiver_held_start (PhReceiverHeld *held)
{
  if (held->ended || held->phase >= PH_HELD_QUEUED)
    return;

  ph_gsource_clear (&held->answer_source);
  ph_receiver_admit_held (held->self, held);
}

/* The connection is over: its place, its slot and its hold go. */
void
ph_receiver_held_release (PhReceiverHeld *held)
{
  g_autoptr(PhReceiver) self = held->self;
  PhSender *sender;

  if (held->pending != NULL)
    ph_receiver_pending_done (held->pending, FALSE);
  sender = held->sender;

  ph_gsource_clear (&held->answer_source);
  ph_receiver_leave_held (self, held);
  ph_receiver_release (self, sender);
  g_clear_object (&held->abort);
  g_free (held->peer);
  g_free (held);

  ph_receiver_run_queue (self);
  self->events->released (self);
}
