/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: connections of the secure channel (see
 * ph-receiver-held.h), under the same rules as the original format's.
 *
 * A connection whose first byte is 0x16 stays a connection without its
 * header (the header time limit, a sender's unfinished ones evicted
 * oldest first) until its handshake and hellos are done. Handshakes run
 * a few at a time: GIO makes each one on a thread of its own, so a
 * flood of half-open handshakes must not take every thread. The turns
 * go to the sender (an address) with the fewest handshakes running;
 * when every turn is taken and someone waits, the handshake of the
 * sender running the most of them that has gone on longest (at least a
 * second: an honest one takes a few round trips) is ended. Once the
 * hellos are in, the sender is its key: it waits for the person's
 * answer (the answer time limit), then for a data slot with everyone
 * else (turns by fewest slots held, the stall rule). */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-gsource-private.h"
#include "ph-receiver-private.h"

/* Handshakes at once, and of one sender (an address). */
#define MAX_HANDSHAKES            8
#define MAX_HANDSHAKES_PER_SENDER 2
/* A handshake younger than this is not ended to make room. */
#define HANDSHAKE_MIN_AGE         G_USEC_PER_SEC

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
  ph_gsource_clear (&self->handshake_timer);
  ph_receiver_set_secure_func (self, NULL, NULL, NULL);
}

/* Handshakes */

static void
start_handshake (PhReceiver *self,
                 Pending    *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  PhReceiverHeld *held;

  g_queue_unlink (&self->tls_waiting, &p->tls_link);
  p->tls_link.data = NULL;

  socket = g_socket_new_from_fd (p->fd, &error);
  if (socket == NULL)
    {
      ph_receiver_pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                                _("The connection from %s failed: %s"),
                                                p->peer, error->message));
      return;
    }
  p->fd = -1;
  connection = g_socket_connection_factory_create_connection (socket);

  held = g_new0 (PhReceiverHeld, 1);
  held->self = g_object_ref (self);
  held->sender = p->sender;
  held->pending = p;
  held->peer = g_strdup (p->peer);
  held->phase = PH_HELD_HANDSHAKE;
  held->queue_link.data = held;
  p->held = held;
  self->n_handshakes++;
  p->sender->n_handshakes++;

  self->secure_func (self, connection, held->peer, held, self->secure_data);
}

/* The waiting connection whose handshake's turn it is: of the sender
 * with the fewest running, the oldest. */
static Pending *
next_handshake (PhReceiver *self)
{
  Pending *best = NULL;

  for (GList *l = self->tls_waiting.head; l != NULL; l = l->next)
    {
      Pending *p = l->data;

      if (p->sender->n_handshakes >= MAX_HANDSHAKES_PER_SENDER)
        continue;
      if (best == NULL || p->sender->n_handshakes < best->sender->n_handshakes)
        best = p;
    }

  return best;
}

static gboolean
handshake_timer_cb (gpointer user_data)
{
  PhReceiver *self = user_data;

  g_clear_pointer (&self->handshake_timer, g_source_unref);
  ph_receiver_run_handshakes (self);
  return G_SOURCE_REMOVE;
}

/* Ends the handshake that has gone on longest, of the sender running
 * the most, if one is old enough; else looks again when one will be.
 * Returns: whether one was ended */
static gboolean
evict_handshake (PhReceiver *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 old = now - HANDSHAKE_MIN_AGE;
  gint64 first = G_MAXINT64;
  Pending *victim = NULL;
  guint seconds;

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Pending *p = l->data;

      if (p->held == NULL)
        continue;
      first = MIN (first, p->accepted);
      if (p->accepted >= old)
        continue;
      if (victim == NULL || p->sender->n_handshakes > victim->sender->n_handshakes)
        victim = p;
    }
  if (victim == NULL)
    {
      if (first != G_MAXINT64 && self->handshake_timer == NULL)
        self->handshake_timer = ph_gsource_attach (g_timeout_source_new ((guint) ((first + HANDSHAKE_MIN_AGE - now) / 1000 + 1)),
                                                   "[posthouse] handshake turns", handshake_timer_cb,
                                                   self, self->context);
      return FALSE;
    }

  seconds = (guint) ((g_get_monotonic_time () - victim->accepted) / G_USEC_PER_SEC);
  ph_receiver_pending_fail (victim, g_error_new (PH_ERROR, PH_ERROR_BUSY,
                                                 g_dngettext (GETTEXT_PACKAGE,
                                                              "%s had not finished the secure channel’s "
                                                              "handshake after %u second while others "
                                                              "waited; closed",
                                                              "%s had not finished the secure channel’s "
                                                              "handshake after %u seconds while others "
                                                              "waited; closed",
                                                              seconds),
                                                 victim->peer, seconds));
  return TRUE;
}

/* Starts the handshakes whose turn it is. */
void
ph_receiver_run_handshakes (PhReceiver *self)
{
  Pending *p;

  if (self->listener == NULL)
    return;

  for (;;)
    {
      if (self->tls_waiting.length == 0)
        return;
      if (self->n_handshakes >= MAX_HANDSHAKES)
        {
          if (!evict_handshake (self))
            return;
          continue;
        }
      p = next_handshake (self);
      if (p == NULL)
        return;
      start_handshake (self, p);
    }
}

/* @p began with 0x16: its handshake waits for its turn, within the
 * header time limit. */
void
ph_receiver_take_tls (Pending *p)
{
  PhReceiver *self = p->self;

  ph_gsource_clear (&p->read_source);
  p->tls_link.data = p;
  g_queue_push_tail_link (&self->tls_waiting, &p->tls_link);
  ph_receiver_deadline_at (self, p->accepted + (gint64) self->header_timeout * 1000);
  ph_receiver_run_handshakes (self);
}

/* @p leaves the header phase (see pending_free()): a handshake's turn
 * is free, or a waiting one leaves. Unless @handed_on, the receiver
 * ended it: its owner is told through the abort cancellable and keeps
 * the hold until it releases the connection. */
void
ph_receiver_pending_unheld (Pending  *p,
                            gboolean  handed_on)
{
  PhReceiver *self = p->self;
  PhReceiverHeld *held = p->held;

  if (p->tls_link.data != NULL)
    {
      g_queue_unlink (&self->tls_waiting, &p->tls_link);
      p->tls_link.data = NULL;
    }
  if (held == NULL)
    return;

  p->held = NULL;
  held->pending = NULL;
  g_assert (self->n_handshakes > 0 && held->sender->n_handshakes > 0);
  self->n_handshakes--;
  held->sender->n_handshakes--;
  if (!handed_on)
    {
      held->ended = TRUE;
      if (held->abort != NULL)
        g_cancellable_cancel (held->abort);
    }
  ph_receiver_run_handshakes (self);
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
    ph_receiver_emit_connection_failed (self, held->peer, owned);
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

/* Gives @held its data slot now (its sender's queue is left). */
void
ph_receiver_start_held (PhReceiver     *self,
                        PhReceiverHeld *held)
{
  PhSender *sender = held->sender;

  if (held->queue_link.prev != NULL || held->queue_link.next != NULL ||
      sender->held_queued.head == &held->queue_link)
    g_queue_unlink (&sender->held_queued, &held->queue_link);
  if (sender->queued.length == 0 && sender->held_queued.length == 0 &&
      (sender->waiting_link.prev != NULL || sender->waiting_link.next != NULL ||
       self->waiting.head == &sender->waiting_link))
    g_queue_unlink (&self->waiting, &sender->waiting_link);

  held->phase = PH_HELD_RECEIVING;
  sender->n_slots++;
  sender->last_turn = ++self->turn;
  ph_receiver_start_held_slot (self, held);
  if (held->turn != NULL)
    held->turn (held->data);
}

/* Accepted: it takes a data slot when its turn comes. */
void
ph_receiver_held_start (PhReceiverHeld *held)
{
  PhReceiver *self = held->self;
  PhSender *sender = held->sender;

  if (held->ended || held->phase >= PH_HELD_QUEUED)
    return;

  ph_gsource_clear (&held->answer_source);
  if (ph_receiver_slot_free (self, sender))
    {
      ph_receiver_start_held (self, held);
      return;
    }

  held->phase = PH_HELD_QUEUED;
  g_queue_push_tail_link (&sender->held_queued, &held->queue_link);
  if (sender->waiting_link.prev == NULL && sender->waiting_link.next == NULL &&
      self->waiting.head != &sender->waiting_link)
    g_queue_push_tail_link (&self->waiting, &sender->waiting_link);
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
  if (held->phase == PH_HELD_QUEUED)
    {
      g_queue_unlink (&sender->held_queued, &held->queue_link);
      if (sender->queued.length == 0 && sender->held_queued.length == 0)
        g_queue_unlink (&self->waiting, &sender->waiting_link);
    }
  else if (held->phase == PH_HELD_RECEIVING)
    {
      ph_receiver_end_held_slot (self, held);
      sender->n_slots--;
    }

  ph_receiver_release (self, sender);
  g_clear_object (&held->abort);
  g_free (held->peer);
  g_free (held);

  ph_receiver_run_queue (self);
  ph_receiver_update_accepting (self);
}
