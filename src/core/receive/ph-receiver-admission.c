/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: who gets a data slot, and who loses one.
 *
 * A transfer past its header (and its approval) starts at once if a
 * slot is free and its peer — an IP address, whatever its ports — holds
 * fewer than max-transfers-per-peer slots; otherwise it waits in the
 * queue, unread, first come first served among those that may start.
 *
 * The stall rule: a transfer must receive stall-bytes in every
 * stall-window (64 KiB in 30 s). One that does not is ended as stalled.
 * When every slot a waiting transfer could use is taken, the receiver
 * does not wait a whole window for evidence: a transfer that has had
 * its slot for a sixth of the window and kept below the same pace over
 * that sixth (under 64 KiB / 6 in 5 s) makes room, the slowest first,
 * one for each transfer that would then start. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-receiver-private.h"
#include "ph-gsource-private.h"
#include "ph-transfer-private.h"

/* The progress of each transfer is sampled this often per window. */
#define WINDOW_TICKS 30
/* With someone waiting, evidence over this many ticks suffices. */
#define BUSY_TICKS   5

typedef struct
{
  PhIncoming *in;
  gint64      samples[WINDOW_TICKS + 1];   /* bytes done, one per tick, a ring */
  guint       ticks;                       /* since it got its slot */
  gboolean    ending;
} Slot;

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  g_object_unref (slot->in);
  g_free (slot);
}

static gint64
slot_bytes (Slot *slot)
{
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
  return slot_bytes (slot) < ph_transfer_get_size (ph_incoming_get_transfer (slot->in));
}

static guint
count_host (PhReceiver *self,
            const char *host,
            gboolean    with_ending)
{
  guint n = 0;

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if ((with_ending || !slot->ending) && g_str_equal (ph_incoming_get_host (slot->in), host))
        n++;
    }

  return n;
}

/* Whether @in may start now: a free slot, and its peer under its cap. */
gboolean
ph_receiver_can_start (PhReceiver *self,
                       PhIncoming *in)
{
  return self->slots->len < self->max_transfers &&
         count_host (self, ph_incoming_get_host (in), TRUE) < self->max_per_peer;
}

/* Transfers holding a descriptor without a slot: queued or asked about. */
guint
ph_receiver_n_waiting (PhReceiver *self)
{
  return self->incoming->len - self->slots->len;
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

static void
start (PhReceiver *self,
       PhIncoming *in)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->in = g_object_ref (in);
  g_ptr_array_add (self->slots, slot);
  if (self->stall_source == NULL)
    ph_receiver_restart_stall_timer (self);

  ph_incoming_receive (in);
}

void
ph_receiver_run_queue (PhReceiver *self)
{
  GList *next;

  for (GList *l = self->queued.head; l != NULL && self->slots->len < self->max_transfers; l = next)
    {
      PhIncoming *in = l->data;

      next = l->next;
      if (ph_receiver_can_start (self, in))
        {
          g_queue_delete_link (&self->queued, l);
          start (self, in);
        }
    }
}

/* Starts the data phase now, or queues the transfer for a free slot. */
void
ph_receiver_admit (PhReceiver *self,
                   PhIncoming *in)
{
  if (ph_receiver_can_start (self, in))
    start (self, in);
  else
    {
      ph_transfer_set_state (ph_incoming_get_transfer (in), PH_TRANSFER_QUEUED);
      g_queue_push_tail (&self->queued, in);
      ph_incoming_wait (in);
    }
}

static void
accepted_cb (PhIncoming *in,
             PhReceiver *self)
{
  ph_receiver_admit (self, in);
}

static void
finished_cb (PhIncoming *in,
             PhReceiver *self)
{
  g_signal_handlers_disconnect_by_data (in, self);
  if (ph_incoming_get_receiving (in))
    {
      for (guint i = 0; i < self->slots->len; i++)
        if (((Slot *) g_ptr_array_index (self->slots, i))->in == in)
          {
            g_ptr_array_remove_index_fast (self->slots, i);
            break;
          }
    }
  else
    g_queue_remove (&self->queued, in);
  g_ptr_array_remove_fast (self->incoming, in);

  ph_receiver_run_queue (self);
  if (self->slots->len == 0)
    ph_gsource_clear (&self->stall_source);

  /* Taken in ph_receiver_track(): transfers keep the receiver alive. */
  g_object_unref (self);
}

/* Takes @in in: the receiver follows it until it is finished. */
void
ph_receiver_track (PhReceiver *self,
                   PhIncoming *in)
{
  g_ptr_array_add (self->incoming, g_object_ref (in));
  g_signal_connect (in, "accepted", G_CALLBACK (accepted_cb), self);
  g_signal_connect (in, "finished", G_CALLBACK (finished_cb), g_object_ref (self));
}

/* Whether ending @victim would let a queued transfer start that the
 * slots already being freed do not cover. */
static gboolean
someone_waits_for (PhReceiver *self,
                   Slot       *victim)
{
  g_autoptr(GHashTable) per_host = g_hash_table_new (g_str_hash, g_str_equal);
  const char *victim_host = ph_incoming_get_host (victim->in);
  guint used = 0;

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);
      const char *host = ph_incoming_get_host (slot->in);

      if (slot->ending)
        continue;
      used++;
      g_hash_table_insert (per_host, (gpointer) host,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (per_host, host)) + 1));
    }

  for (GList *l = self->queued.head; l != NULL; l = l->next)
    {
      const char *host = ph_incoming_get_host (l->data);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (per_host, host));

      if (used < self->max_transfers && count < self->max_per_peer)
        {
          /* It gets one of the slots being freed. */
          used++;
          g_hash_table_insert (per_host, (gpointer) host, GUINT_TO_POINTER (count + 1));
          continue;
        }

      if (used <= self->max_transfers &&
          count - (g_str_equal (host, victim_host) ? 1 : 0) < self->max_per_peer)
        return TRUE;
    }

  return FALSE;
}

static void
end_slot (PhReceiver *self,
          Slot       *slot,
          gboolean    busy)
{
  PhIncoming *in = slot->in;
  g_autofree char *pace = g_format_size_full (self->stall_bytes, G_FORMAT_SIZE_IEC_UNITS);
  guint seconds = MAX (1, (self->stall_window + 500) / 1000);
  GError *error;

  slot->ending = TRUE;
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
        end_slot (self, slot, FALSE);
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
      end_slot (self, slowest, TRUE);
    }

  return G_SOURCE_CONTINUE;
}

void
ph_receiver_admission_init (PhReceiver *self)
{
  self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  self->slots = g_ptr_array_new_with_free_func (slot_free);
}

void
ph_receiver_admission_finalize (PhReceiver *self)
{
  ph_gsource_clear (&self->stall_source);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
}
