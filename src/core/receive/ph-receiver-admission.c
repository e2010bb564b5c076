/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: who waits, who goes next, and for how long (SPEC,
 * Admission).
 *
 * Every connection is held for its sender (PhSender, by key). Past its
 * header a transfer is checked, then waits for the person's answer
 * (with require-approval) and for a data slot. A slot goes at once to a
 * transfer whose sender holds fewer than max-per-sender of them while
 * one is free; otherwise the transfer waits, unread (TCP holds its
 * sender back), in its sender's queue, in order. When a slot frees it
 * goes to the waiting sender that holds the fewest slots, and among
 * those to the one served longest ago: a sender with hundreds waiting
 * delays one with a single file by one turn at most.
 *
 * Waiting is bounded in time: a header with nothing behind it after
 * data-timeout, and a question nobody answers after answer-timeout,
 * give their place up (a reset: the sender learns it). Past max-held
 * connections in all, the receiver stops accepting; the kernel's
 * listen queue and TCP's retries then hold new senders back, and
 * accepting resumes as connections end (self->events->released).
 *
 * Below ph-receiver-accept.c, -pending.c and -held.c, which call in;
 * it calls only ph-receiver-stall.c, and tells the layers above
 * through self->events and what it returns. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-receiver-private.h"
#include "ph-transfer-private.h"

static void
sender_free (PhSender *sender)
{
  g_free (sender->key);
  g_free (sender);
}

/* Counts a new connection from @key. Returns: (transfer none): its sender */
PhSender *
ph_receiver_hold (PhReceiver *self,
                  const char *key)
{
  PhSender *sender = g_hash_table_lookup (self->senders, key);

  if (sender == NULL)
    {
      sender = g_new0 (PhSender, 1);
      sender->key = g_strdup (key);
      sender->waiting_link.data = sender;
      g_hash_table_insert (self->senders, sender->key, sender);
    }
  sender->n_held++;
  self->n_held++;

  return sender;
}

/* A connection of @sender ended. */
void
ph_receiver_release (PhReceiver *self,
                     PhSender   *sender)
{
  g_assert (sender->n_held > 0 && self->n_held > 0);

  self->n_held--;
  if (--sender->n_held == 0)
    {
      g_assert (sender->queued.length == 0 && sender->held_queued.length == 0 &&
                sender->pending.length == 0 && sender->n_slots == 0 && sender->n_handshakes == 0);
      g_hash_table_remove (self->senders, sender->key);
    }
}

static gboolean
linked (GQueue *queue,
        GList  *link)
{
  return link->prev != NULL || link->next != NULL || queue->head == link;
}

static void
unlink_from (GQueue *queue,
             GList  *link)
{
  if (linked (queue, link))
    g_queue_unlink (queue, link);
}

/* Gives @in its slot now. */
static void
start (PhReceiver *self,
       PhIncoming *in)
{
  PhIncomingPlace *place = ph_incoming_get_place (in);
  PhSender *sender = place->sender;

  unlink_from (&sender->queued, &place->queue_link);
  if (sender->queued.length == 0 && sender->held_queued.length == 0)
    unlink_from (&self->waiting, &sender->waiting_link);
  unlink_from (&self->silent, &place->silent_link);

  sender->n_slots++;
  sender->last_turn = ++self->turn;
  ph_receiver_start_slot (self, in);
}

/* The waiting sender whose turn it is: the fewest slots, then the one
 * served longest ago. */
static PhSender *
next_sender (PhReceiver *self)
{
  PhSender *best = NULL;

  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    {
      PhSender *sender = l->data;

      if (sender->n_slots >= self->max_per_sender)
        continue;
      if (best == NULL || sender->n_slots < best->n_slots ||
          (sender->n_slots == best->n_slots && sender->last_turn < best->last_turn))
        best = sender;
    }

  return best;
}

/* Gives @held (the secure channel) its data slot now: its sender's
 * queue is left, its owner told. */
static void
start_held (PhReceiver     *self,
            PhReceiverHeld *held)
{
  PhSender *sender = held->sender;

  unlink_from (&sender->held_queued, &held->queue_link);
  if (sender->queued.length == 0 && sender->held_queued.length == 0)
    unlink_from (&self->waiting, &sender->waiting_link);

  held->phase = PH_HELD_RECEIVING;
  sender->n_slots++;
  sender->last_turn = ++self->turn;
  ph_receiver_start_held_slot (self, held);
  if (held->turn != NULL)
    held->turn (held->data);
}

void
ph_receiver_run_queue (PhReceiver *self)
{
  PhSender *sender;

  while (self->slots->len < self->max_transfers && (sender = next_sender (self)) != NULL)
    {
      /* A sender is an address or a key: its connections are of one kind. */
      if (sender->held_queued.length > 0)
        start_held (self, sender->held_queued.head->data);
      else
        start (self, sender->queued.head->data);
    }
}

/* Starts the data phase now, or puts the transfer in its sender's
 * queue. One with nothing behind its header yet takes no slot and no
 * place in the queue: it waits for its data ("ready"), for the data
 * time limit at most. */
static void
admit (PhReceiver *self,
       PhIncoming *in)
{
  PhIncomingPlace *place = ph_incoming_get_place (in);
  PhSender *sender = place->sender;

  if (!place->ready)
    {
      ph_transfer_set_state (ph_incoming_get_transfer (in), PH_TRANSFER_QUEUED);
      ph_incoming_wait_for_data (in);
      return;
    }

  if (ph_receiver_slot_free (self, sender))
    {
      start (self, in);
      return;
    }

  ph_transfer_set_state (ph_incoming_get_transfer (in), PH_TRANSFER_QUEUED);
  g_queue_push_tail_link (&sender->queued, &place->queue_link);
  if (!linked (&self->waiting, &sender->waiting_link))
    g_queue_push_tail_link (&self->waiting, &sender->waiting_link);
  ph_incoming_wait (in);
}

/* @held (the secure channel) is accepted: it starts now, or waits in
 * its sender's queue for its turn. */
void
ph_receiver_admit_held (PhReceiver     *self,
                        PhReceiverHeld *held)
{
  PhSender *sender = held->sender;

  if (ph_receiver_slot_free (self, sender))
    {
      start_held (self, held);
      return;
    }

  held->phase = PH_HELD_QUEUED;
  g_queue_push_tail_link (&sender->held_queued, &held->queue_link);
  if (!linked (&self->waiting, &sender->waiting_link))
    g_queue_push_tail_link (&self->waiting, &sender->waiting_link);
}

/* @held is over: its place in the queue, or its slot, is free (its
 * hold is the caller's). */
void
ph_receiver_leave_held (PhReceiver     *self,
                        PhReceiverHeld *held)
{
  PhSender *sender = held->sender;

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
}

static void
ready_cb (PhIncoming *in,
          gpointer    data)
{
  PhReceiver *self = data;

  ph_incoming_get_place (in)->ready = TRUE;
  unlink_from (&self->silent, &ph_incoming_get_place (in)->silent_link);
  if (!linked (&self->asking, &ph_incoming_get_place (in)->asking_link))
    admit (self, in);
}

static void
accepted_cb (PhIncoming *in,
             gpointer    data)
{
  PhReceiver *self = data;

  unlink_from (&self->asking, &ph_incoming_get_place (in)->asking_link);
  admit (self, in);
}

static void
finished_cb (PhIncoming *in,
             gpointer    data)
{
  PhReceiver *self = data;
  PhIncomingPlace *place = ph_incoming_get_place (in);
  PhSender *sender = place->sender;

  ph_incoming_set_owner (in, NULL, NULL);
  if (ph_incoming_get_receiving (in))
    {
      ph_receiver_end_slot (self, in);
      sender->n_slots--;
    }
  unlink_from (&sender->queued, &place->queue_link);
  if (sender->queued.length == 0 && sender->held_queued.length == 0)
    unlink_from (&self->waiting, &sender->waiting_link);
  unlink_from (&self->silent, &place->silent_link);
  unlink_from (&self->asking, &place->asking_link);
  place->sender = NULL;
  ph_receiver_release (self, sender);
  g_ptr_array_remove_fast (self->incoming, in);

  ph_receiver_run_queue (self);
  self->events->released (self);

  /* Taken in ph_receiver_take_in(): transfers keep the receiver alive. */
  g_object_unref (self);
}

static const PhIncomingOwner owner = { accepted_cb, ready_cb, finished_cb };

/* Takes @in, a connection of @sender with a complete header, in: the
 * receiver follows it until it is finished.
 *
 * Returns: by when (monotonic µs) the time limits of waiting must be
 * looked at for it, or G_MAXINT64 */
gint64
ph_receiver_take_in (PhReceiver *self,
                     PhIncoming *in,
                     PhSender   *sender)
{
  PhIncomingPlace *place = ph_incoming_get_place (in);
  g_autoptr(PhTransfer) transfer = g_object_ref (ph_incoming_get_transfer (in));
  gint64 deadline = G_MAXINT64;
  GError *error;

  place->sender = sender;
  place->since = g_get_monotonic_time ();
  g_ptr_array_add (self->incoming, g_object_ref (in));
  ph_incoming_set_owner (in, &owner, g_object_ref (self));

  error = ph_incoming_check (in);
  if (error)
    {
      ph_incoming_finish (in, error);
      self->events->transfer_added (self, transfer);
      return deadline;
    }

  /* Both waits are bounded: watch it until data shows behind the header. */
  place->ready = ph_incoming_has_data (in);
  if (!place->ready)
    {
      g_queue_push_tail_link (&self->silent, &place->silent_link);
      deadline = place->since + (gint64) self->data_timeout * 1000;
    }

  if (self->require_approval)
    {
      place->asked = place->since;
      g_queue_push_tail_link (&self->asking, &place->asking_link);
      deadline = MIN (deadline, place->asked + (gint64) self->answer_timeout * 1000);
      ph_incoming_ask (in);
      self->events->transfer_added (self, transfer);
      return deadline;
    }

  if (place->ready && ph_receiver_slot_free (self, sender))
    ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);

  self->events->transfer_added (self, transfer);

  /* A handler may have cancelled it already. */
  if (!ph_transfer_is_finished (transfer))
    {
      if (g_cancellable_is_cancelled (ph_transfer_get_cancellable (transfer)))
        ph_incoming_finish (in, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Cancelled")));
      else
        admit (self, in);
    }

  return deadline;
}

static gint64
silent_deadline (PhReceiver *self)
{
  PhIncoming *in = self->silent.head ? self->silent.head->data : NULL;

  return in ? ph_incoming_get_place (in)->since + (gint64) self->data_timeout * 1000 : G_MAXINT64;
}

static gint64
asking_deadline (PhReceiver *self)
{
  PhIncoming *in = self->asking.head ? self->asking.head->data : NULL;

  return in ? ph_incoming_get_place (in)->asked + (gint64) self->answer_timeout * 1000 : G_MAXINT64;
}

/* Headers with nothing behind them give their place up. */
static void
expire_silent (PhReceiver *self,
               gint64      now)
{
  guint seconds = MAX (1, (self->data_timeout + 500) / 1000);

  while (self->silent.head != NULL && silent_deadline (self) <= now)
    {
      PhIncoming *in = self->silent.head->data;

      g_queue_unlink (&self->silent, self->silent.head);
      if (ph_incoming_has_data (in))
        continue;

      ph_incoming_end (in, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                        /* Translators: a peer, a file name, seconds */
                                        g_dngettext (GETTEXT_PACKAGE,
                                                     "%s sent the header of “%s” and nothing after "
                                                     "it for %u second; closed, nothing was saved",
                                                     "%s sent the header of “%s” and nothing after "
                                                     "it for %u seconds; closed, nothing was saved",
                                                     seconds),
                                        ph_incoming_get_peer (in), ph_incoming_get_name (in), seconds));
    }
}

/* A question nobody answers gives its place up. */
static void
expire_asking (PhReceiver *self,
               gint64      now)
{
  guint minutes = MAX (1, (self->answer_timeout + 30000) / 60000);
  guint seconds = MAX (1, (self->answer_timeout + 500) / 1000);

  while (self->asking.head != NULL && asking_deadline (self) <= now)
    {
      PhIncoming *in = self->asking.head->data;

      g_queue_unlink (&self->asking, self->asking.head);
      if (self->answer_timeout >= 60000)
        ph_incoming_end (in, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                          g_dngettext (GETTEXT_PACKAGE,
                                                       "Nobody answered within %u minute whether to "
                                                       "accept “%s” from %s; nothing was saved",
                                                       "Nobody answered within %u minutes whether to "
                                                       "accept “%s” from %s; nothing was saved",
                                                       minutes),
                                          minutes, ph_incoming_get_name (in), ph_incoming_get_peer (in)));
      else
        ph_incoming_end (in, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                          g_dngettext (GETTEXT_PACKAGE,
                                                       "Nobody answered within %u second whether to "
                                                       "accept “%s” from %s; nothing was saved",
                                                       "Nobody answered within %u seconds whether to "
                                                       "accept “%s” from %s; nothing was saved",
                                                       seconds),
                                          seconds, ph_incoming_get_name (in), ph_incoming_get_peer (in)));
    }
}

/* Returns: when the nearest time limit of waiting runs out, for data
 * or for an answer (monotonic µs), or G_MAXINT64 */
gint64
ph_receiver_waiting_deadline (PhReceiver *self)
{
  return MIN (silent_deadline (self), asking_deadline (self));
}

/* Ends the waits whose time ran out by @now. */
void
ph_receiver_expire_waiting (PhReceiver *self,
                            gint64      now)
{
  expire_silent (self, now);
  expire_asking (self, now);
}

void
ph_receiver_admission_init (PhReceiver *self)
{
  self->senders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sender_free);
  self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  ph_receiver_slots_init (self);
}

void
ph_receiver_admission_finalize (PhReceiver *self)
{
  ph_receiver_slots_finalize (self);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  g_clear_pointer (&self->senders, g_hash_table_unref);
}
