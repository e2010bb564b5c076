/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: the connections without their header yet (Pending) — in
 * the original format still reading their 136 bytes, in the secure
 * channel waiting for a turn of their handshake, or in it: the header
 * time limit, a sender's oldest evicted when it has too many, the
 * turns of handshakes.
 *
 * A connection whose first byte is 0x16 stays a connection without its
 * header until its handshake and hellos are done. Handshakes run a few
 * at a time: GIO makes each one on a thread of its own, so a flood of
 * half-open handshakes must not take every thread. The turns go to the
 * sender (an address) with the fewest handshakes running; when every
 * turn is taken and someone waits, the handshake of the sender running
 * the most of them that has gone on longest (at least a second: an
 * honest one takes a few round trips) is ended.
 *
 * Called by ph-receiver-accept.c and ph-receiver-held.c; it calls only
 * ph-receiver-admission.c (the holds), and tells the layers above
 * through self->events. */
#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-gsource-private.h"
#include "ph-receiver-private.h"

/* Handshakes at once, and of one sender (an address). */
#define MAX_HANDSHAKES            8
#define MAX_HANDSHAKES_PER_SENDER 2
/* A handshake younger than this is not ended to make room. */
#define HANDSHAKE_MIN_AGE         G_USEC_PER_SEC

static void run_handshakes (PhReceiver *self);

static void
reset (int fd)
{
  /* Not handed on: every end here is a failure, so a reset (a sender
   * that got its file into our buffers must not read our close as a
   * receipt). */
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  close (fd);
}

/* A connection accept() gave, @peer taken: its header phase starts,
 * held for its sender @host. */
Pending *
ph_receiver_pending_new (PhReceiver *self,
                         int         fd,
                         const char *host,
                         char       *peer)
{
  Pending *p = g_new0 (Pending, 1);

  p->link.data = p;
  p->sender_link.data = p;
  p->self = self;
  p->fd = fd;
  p->accepted = g_get_monotonic_time ();
  p->peer = peer;
  p->sender = ph_receiver_hold (self, host);

  g_queue_push_tail_link (&self->pending, &p->link);
  g_queue_push_tail_link (&p->sender->pending, &p->sender_link);

  return p;
}

/* @p leaves the header phase (see pending_free()): a handshake's turn
 * is free, or a waiting one leaves. Unless @handed_on, the receiver
 * ended it: its owner is told through the abort cancellable and keeps
 * the hold until it releases the connection. */
static void
pending_unheld (Pending  *p,
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
  run_handshakes (self);
}

/* Takes @p out of the header phase, and out of the receiver's hold
 * unless @handed_on (its connection goes on as a PhIncoming) or its
 * secure channel's handshake runs (the held connection keeps the hold,
 * until its owner releases it). */
static void
pending_free (Pending  *p,
              gboolean  handed_on)
{
  PhReceiver *self = p->self;
  gboolean held = p->held != NULL;

  g_queue_unlink (&self->pending, &p->link);
  g_queue_unlink (&p->sender->pending, &p->sender_link);
  ph_gsource_clear (&p->read_source);
  if (p->fd >= 0)
    reset (p->fd);
  pending_unheld (p, handed_on);
  if (!handed_on && !held)
    ph_receiver_release (self, p->sender);
  g_free (p->peer);
  g_free (p);

  if (!handed_on && !held)
    self->events->released (self);
}

void
ph_receiver_pending_done (Pending  *p,
                          gboolean  handed_on)
{
  pending_free (p, handed_on);
}

/* A secure connection waiting for its handshake's turn, or in it. */
static gboolean
is_tls (Pending *p)
{
  return p->held != NULL || p->tls_link.data != NULL;
}

/* Ends @p without its header, saying why (@error NULL: quietly). */
void
ph_receiver_pending_fail (Pending *p,
                          GError  *error)
{
  PhReceiver *self = g_object_ref (p->self);
  g_autofree char *peer = g_strdup (p->peer);

  pending_free (p, FALSE);
  if (error != NULL)
    {
      self->events->connection_failed (self, peer, error);
      g_error_free (error);
    }
  g_object_unref (self);
}

/**
 * ph_receiver_evict_pending:
 * @sender: (nullable): whose connection, or %NULL for the sender with
 *   the most connections in their header phase
 * @older_than: monotonic µs; only a connection accepted before it
 *
 * Closes the oldest connection of @sender still without a header.
 *
 * Returns: whether one was closed
 */
gboolean
ph_receiver_evict_pending (PhReceiver *self,
                           PhSender   *sender,
                           gint64      older_than)
{
  Pending *oldest;
  guint seconds;

  if (sender == NULL)
    {
      GHashTableIter iter;
      PhSender *each;

      g_hash_table_iter_init (&iter, self->senders);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &each))
        if (each->pending.length > 0 &&
            ((Pending *) each->pending.head->data)->accepted < older_than &&
            (sender == NULL || each->pending.length > sender->pending.length))
          sender = each;
      if (sender == NULL)
        return FALSE;
    }

  if (sender->pending.length == 0)
    return FALSE;
  oldest = sender->pending.head->data;
  if (oldest->accepted >= older_than)
    return FALSE;

  seconds = (guint) ((g_get_monotonic_time () - oldest->accepted) / G_USEC_PER_SEC);
  ph_receiver_pending_fail (oldest, g_error_new (PH_ERROR, PH_ERROR_BUSY,
                                     g_dngettext (GETTEXT_PACKAGE,
                                                  "Too many connections from %s without a header: "
                                                  "closed the one that had waited longest (%u second)",
                                                  "Too many connections from %s without a header: "
                                                  "closed the one that had waited longest (%u seconds)",
                                                  seconds),
                                     oldest->peer, seconds));
  return TRUE;
}

/* Returns: when the oldest header time limit runs out (monotonic µs),
 * or G_MAXINT64 */
gint64
ph_receiver_pending_deadline (PhReceiver *self)
{
  Pending *oldest = self->pending.head ? self->pending.head->data : NULL;

  return oldest ? oldest->accepted + (gint64) self->header_timeout * 1000 : G_MAXINT64;
}

/* Ends the connections whose header time ran out by @now. */
void
ph_receiver_expire_pending (PhReceiver *self,
                            gint64      now)
{
  guint seconds = (self->header_timeout + 999) / 1000;

  while (self->pending.head != NULL &&
         ((Pending *) self->pending.head->data)->accepted + (gint64) self->header_timeout * 1000 <= now)
    {
      Pending *p = self->pending.head->data;

      if (is_tls (p))
        ph_receiver_pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "%s did not finish the secure channel’s "
                                                   "handshake within %u second",
                                                   "%s did not finish the secure channel’s "
                                                   "handshake within %u seconds",
                                                   seconds),
                                      p->peer, seconds));
      else
        ph_receiver_pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "%s sent no complete header within %u second",
                                                   "%s sent no complete header within %u seconds",
                                                   seconds),
                                      p->peer, seconds));
    }
}

/* Closes the connections still without a header, quietly. */
void
ph_receiver_close_pending (PhReceiver *self)
{
  while (self->pending.head != NULL)
    ph_receiver_pending_fail (self->pending.head->data, NULL);
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

  /* Held from now on (ph-receiver-held.c), by whoever speaks the
   * secure channel. */
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
  run_handshakes (self);
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
static void
run_handshakes (PhReceiver *self)
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
 * header time limit (the caller's timer). */
void
ph_receiver_take_tls (Pending *p)
{
  PhReceiver *self = p->self;

  ph_gsource_clear (&p->read_source);
  p->tls_link.data = p;
  g_queue_push_tail_link (&self->tls_waiting, &p->tls_link);
  run_handshakes (self);
}
