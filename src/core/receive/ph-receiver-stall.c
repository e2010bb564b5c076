/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: the data slots, and the stall rule that keeps them moving.
 *
 * A transfer must receive stall-bytes in every stall-window (64 KiB in
 * 30 s). One that does not is ended as stalled. When a transfer waits
 * for a slot it could use, the receiver does not wait a whole window
 * for evidence: a transfer that has had its slot for a sixth of the
 * window and kept below the same pace over that sixth (under 64 KiB / 6
 * in 5 s) makes room, the slowest first, one for each waiting transfer
 * that would then start.
 *
 * The lowest layer (see OVERVIEW.md): it calls no other part of the
 * receiver, and tells the layers above through self->events. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-gsource-private.h"
#include "ph-receiver-private.h"
#include "ph-transfer-private.h"

/* The progress of each transfer is sampled this often per window. */
#define WINDOW_TICKS 30
/* With someone waiting, evidence over this many ticks suffices. */
#define BUSY_TICKS   5

typedef struct
{
  PhIncoming *in;                          /* or, in the secure channel: */
  PhReceiverHeld *held;
  gint64      samples[WINDOW_TICKS + 1];   /* bytes done, one per tick, a ring */
  guint       ticks;                       /* since it got its slot */
  gboolean    ending;
} Slot;

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  g_clear_object (&slot->in);
  g_free (slot);
}

static PhSender *
slot_sender (Slot *slot)
{
  if (slot->held != NULL)
    return slot->held->sender;
  return ph_incoming_get_place (slot->in)->sender;
}

static gint64
slot_bytes (Slot *slot)
{
  if (slot->held != NULL)
    return slot->held->bytes ? slot->held->bytes (slot->held->data) : 0;
  return ph_transfer_get_bytes_done (ph_incoming_get_transfer (slot->in));
}

/* Bytes received over the last @ticks ticks. */
static gint64
slot_progress (Slot  *slot,
               guint  ticks)
{
  return slot->samples[slot->ticks % G_N_ELEMENTS (slot->samples)] -
         slot->samples[(slot->ticks - ticks) % G_N_ELEMENTS (slot->samples)];
}

/* Data still to come: a transfer done with its bytes (committing, or
 * waiting for the end of stream) cannot be slow. */
static gboolean
slot_receiving (Slot *slot)
{
  /* A secure connection's batch goes on until the connection ends. */
  if (slot->held != NULL)
    return TRUE;
  return slot_bytes (slot) < ph_incoming_get_size (slot->in);
}

/* Whether a transfer of @sender may have a slot now. */
gboolean
ph_receiver_slot_free (PhReceiver *self,
                       PhSender   *sender)
{
  return self->slots->len < self->max_transfers && sender->n_slots < self->max_per_sender;
}

static gboolean stall_tick_cb (gpointer user_data);

void
ph_receiver_restart_stall_timer (PhReceiver *self)
{
  ph_gsource_clear (&self->stall_source);

  if (self->stall_window == 0 || self->slots->len == 0)
    return;

  self->stall_source = ph_gsource_attach (g_timeout_source_new (MAX (1, self->stall_window / WINDOW_TICKS)),
                                          "[posthouse] stall check", stall_tick_cb, self, self->context);
}

/* Gives @in a slot (its sender's count is the caller's) and starts
 * its data phase. */
void
ph_receiver_start_slot (PhReceiver *self,
                        PhIncoming *in)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->in = g_object_ref (in);
  g_ptr_array_add (self->slots, slot);
  if (self->stall_source == NULL)
    ph_receiver_restart_stall_timer (self);

  ph_incoming_receive (in);
}

/* Gives @held (the secure channel) a slot; its sender's count is the
 * caller's. */
void
ph_receiver_start_held_slot (PhReceiver     *self,
                             PhReceiverHeld *held)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->held = held;
  g_ptr_array_add (self->slots, slot);
  if (self->stall_source == NULL)
    ph_receiver_restart_stall_timer (self);
}

void
ph_receiver_end_held_slot (PhReceiver     *self,
                           PhReceiverHeld *held)
{
  for (guint i = 0; i < self->slots->len; i++)
    if (((Slot *) g_ptr_array_index (self->slots, i))->held == held)
      {
        g_ptr_array_remove_index_fast (self->slots, i);
        break;
      }

  if (self->slots->len == 0)
    ph_gsource_clear (&self->stall_source);
}

/* @in finished: its slot is free. */
void
ph_receiver_end_slot (PhReceiver *self,
                      PhIncoming *in)
{
  for (guint i = 0; i < self->slots->len; i++)
    if (in != NULL && ((Slot *) g_ptr_array_index (self->slots, i))->in == in)
      {
        g_ptr_array_remove_index_fast (self->slots, i);
        break;
      }

  if (self->slots->len == 0)
    ph_gsource_clear (&self->stall_source);
}

/* Slots of @sender not being ended already. */
static guint
live_slots (PhReceiver *self,
            PhSender   *sender)
{
  guint n = 0;

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (!slot->ending && (sender == NULL || slot_sender (slot) == sender))
        n++;
    }

  return n;
}

/* How many of @sender's waiting transfers could start if only the
 * slots were there: its queue, up to its share. */
static guint
demand (PhReceiver *self,
        PhSender   *sender)
{
  guint live = live_slots (self, sender);
  guint room = live < self->max_per_sender ? self->max_per_sender - live : 0;

  return MIN (sender->queued.length + sender->held_queued.length, room);
}

/* Whether ending @victim would let a waiting transfer start that the
 * slots already being freed do not cover: more demand than free slots,
 * or the victim's own sender held back by its share. */
static gboolean
someone_waits_for (PhReceiver *self,
                   Slot       *victim)
{
  PhSender *victim_sender = slot_sender (victim);
  guint used = live_slots (self, NULL);
  guint free_slots = used < self->max_transfers ? self->max_transfers - used : 0;
  guint wanted = 0;

  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    wanted += demand (self, l->data);

  return wanted > free_slots ||
         victim_sender->queued.length + victim_sender->held_queued.length > demand (self, victim_sender);
}

static gboolean
cancel_later_cb (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* A secure connection too slow: said now, ended once the tick is over
 * (ending it may free its slot at once). */
static void
stop_slow_held (PhReceiver *self,
                Slot       *slot,
                const char *pace,
                guint       seconds)
{
  PhReceiverHeld *held = slot->held;
  g_autoptr(GError) error = NULL;

  error = g_error_new (PH_ERROR, PH_ERROR_STALLED,
                       /* Translators: a peer, a size ("64.0 KiB"), seconds */
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%s sent less than %s in %u second; stopped as stalled, "
                                    "what was not saved is thrown away",
                                    "%s sent less than %s in %u seconds; stopped as stalled, "
                                    "what was not saved is thrown away",
                                    seconds),
                       held->peer, pace, seconds);
  held->ended = TRUE;
  if (held->abort != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, cancel_later_cb, g_object_ref (held->abort), g_object_unref);
  self->events->connection_failed (self, held->peer, error);
}

static void
stop_slow (PhReceiver *self,
           Slot       *slot,
           gboolean    busy)
{
  PhIncoming *in = slot->in;
  g_autofree char *pace = g_format_size_full (self->stall_bytes, G_FORMAT_SIZE_IEC_UNITS);
  guint seconds = MAX (1, (self->stall_window + 500) / 1000);
  GError *error;

  slot->ending = TRUE;
  if (slot->held != NULL)
    {
      g_autofree char *busy_pace = g_format_size_full (self->stall_bytes * BUSY_TICKS / WINDOW_TICKS,
                                                       G_FORMAT_SIZE_IEC_UNITS);

      /* With others waiting, over the shorter stretch. */
      stop_slow_held (self, slot, busy ? busy_pace : pace,
                      busy ? MAX (1, seconds * BUSY_TICKS / WINDOW_TICKS) : seconds);
      return;
    }
  if (busy)
    error = g_error_new (PH_ERROR, PH_ERROR_STALLED,
                         /* Translators: a peer, a file name, a size ("64.0 KiB"), seconds */
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%s sent “%s” too slowly (under %s per %u second) while others "
                                      "waited for a slot; stopped, nothing was saved",
                                      "%s sent “%s” too slowly (under %s per %u seconds) while others "
                                      "waited for a slot; stopped, nothing was saved",
                                      seconds),
                         ph_incoming_get_peer (in), ph_incoming_get_name (in), pace, seconds);
  else
    error = g_error_new (PH_ERROR, PH_ERROR_STALLED,
                         /* Translators: a peer, a file name, a size ("64.0 KiB"), seconds */
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%s sent less than %s of “%s” in %u second; stopped as stalled, "
                                      "nothing was saved",
                                      "%s sent less than %s of “%s” in %u seconds; stopped as stalled, "
                                      "nothing was saved",
                                      seconds),
                         ph_incoming_get_peer (in), pace, ph_incoming_get_name (in), seconds);

  ph_incoming_end (in, error);
}

static gboolean
stall_tick_cb (gpointer user_data)
{
  PhReceiver *self = user_data;
  g_autoptr(GPtrArray) slots = g_ptr_array_new ();

  /* Ending a transfer never finishes it at once, but a copy is cheap. */
  g_ptr_array_extend (slots, self->slots, NULL, NULL);

  for (guint i = 0; i < slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (slots, i);

      slot->ticks++;
      slot->samples[slot->ticks % G_N_ELEMENTS (slot->samples)] = slot_bytes (slot);
    }

  for (guint i = 0; i < slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (slots, i);

      if (!slot->ending && slot->ticks >= WINDOW_TICKS && slot_receiving (slot) &&
          (guint64) slot_progress (slot, WINDOW_TICKS) < self->stall_bytes)
        stop_slow (self, slot, FALSE);
    }

  for (;;)
    {
      Slot *slowest = NULL;
      gint64 slowest_progress = 0;

      for (guint i = 0; i < slots->len; i++)
        {
          Slot *slot = g_ptr_array_index (slots, i);
          gint64 progress;

          if (slot->ending || slot->ticks < BUSY_TICKS || !slot_receiving (slot))
            continue;
          /* Below the stall rule's pace over the shorter stretch. */
          progress = slot_progress (slot, BUSY_TICKS);
          if ((guint64) progress * WINDOW_TICKS >= self->stall_bytes * BUSY_TICKS)
            continue;
          if (slowest == NULL || progress < slowest_progress)
            {
              slowest = slot;
              slowest_progress = progress;
            }
        }

      if (slowest == NULL || !someone_waits_for (self, slowest))
        break;
      stop_slow (self, slowest, TRUE);
    }

  return G_SOURCE_CONTINUE;
}

void
ph_receiver_slots_init (PhReceiver *self)
{
  self->slots = g_ptr_array_new_with_free_func (slot_free);
}

void
ph_receiver_slots_finalize (PhReceiver *self)
{
  ph_gsource_clear (&self->stall_source);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
}
