/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-address.h"
#include "ph-inbox-private.h"

/* Files of one send arrive one connection after another: a gap this
 * long after the last one ends the burst. */
#define DEFAULT_BURST_GAP_MSEC  2000
/* "Accept All from this sender" lasts as long as the sender keeps
 * sending, and this long after its last file. */
#define DEFAULT_ALLOW_MSEC      (5 * 60 * 1000)
/* Hosts remembered before the stale ones are forgotten. */
#define PRUNE_THRESHOLD         64

typedef struct
{
  GWeakRef batch;          /* the host's latest batch */
  gint64   last_seen;      /* monotonic µs */
  gint64   allowed_until;  /* monotonic µs; 0: not allowed */
} Sender;

struct _PhInbox
{
  GObject     parent_instance;

  PhReceiver *receiver;
  GHashTable *senders;     /* host → Sender */
  guint       burst_gap;   /* msec */
  guint       allow_time;  /* msec */
};

G_DEFINE_FINAL_TYPE (PhInbox, ph_inbox, G_TYPE_OBJECT)

enum {
  BATCH_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sender_free (Sender *sender)
{
  g_weak_ref_clear (&sender->batch);
  g_free (sender);
}

static Sender *
lookup_sender (PhInbox    *self,
               const char *host)
{
  Sender *sender = g_hash_table_lookup (self->senders, host);

  if (sender == NULL)
    {
      sender = g_new0 (Sender, 1);
      g_weak_ref_init (&sender->batch, NULL);
      g_hash_table_insert (self->senders, g_strdup (host), sender);
    }

  return sender;
}

/* Whether @batch still takes files: something is under way, or the
 * last file ended within the burst gap. */
static gboolean
batch_is_open (PhInbox *self,
               PhBatch *batch,
               gint64   now)
{
  return !ph_batch_is_finished (batch) ||
         now - ph_batch_get_last_activity (batch) <= (gint64) self->burst_gap * 1000;
}

/* A port scan of many hosts must not grow the table for ever. */
static void
prune (PhInbox *self,
       gint64   now)
{
  GHashTableIter iter;
  Sender *sender;

  if (g_hash_table_size (self->senders) < PRUNE_THRESHOLD)
    return;

  g_hash_table_iter_init (&iter, self->senders);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sender))
    {
      g_autoptr(PhBatch) batch = g_weak_ref_get (&sender->batch);

      if (sender->allowed_until <= now && (batch == NULL || !batch_is_open (self, batch, now)))
        g_hash_table_iter_remove (&iter);
    }
}

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   PhInbox    *self)
{
  g_autofree char *host = ph_inbox_peer_host (ph_transfer_get_peer (transfer));
  gint64 now = g_get_monotonic_time ();
  g_autoptr(PhBatch) batch = NULL;
  gboolean added = FALSE;
  Sender *sender;

  prune (self, now);
  sender = lookup_sender (self, host);
  sender->last_seen = now;

  batch = g_weak_ref_get (&sender->batch);
  if (batch != NULL && !batch_is_open (self, batch, now))
    g_clear_object (&batch);

  if (batch == NULL)
    {
      batch = ph_batch_new (PH_TRANSFER_RECEIVE, host, NULL);
      g_weak_ref_set (&sender->batch, batch);
      added = TRUE;
    }

  if (sender->allowed_until > now)
    {
      sender->allowed_until = now + (gint64) self->allow_time * 1000;
      if (ph_transfer_get_state (transfer) == PH_TRANSFER_WAITING)
        ph_batch_accept (batch);
    }

  ph_batch_add (batch, transfer);

  if (added)
    g_signal_emit (self, signals[BATCH_ADDED], 0, batch);
}

static void
ph_inbox_dispose (GObject *object)
{
  PhInbox *self = PH_INBOX (object);

  if (self->receiver != NULL)
    g_signal_handlers_disconnect_by_data (self->receiver, self);
  g_clear_object (&self->receiver);

  G_OBJECT_CLASS (ph_inbox_parent_class)->dispose (object);
}

static void
ph_inbox_finalize (GObject *object)
{
  PhInbox *self = PH_INBOX (object);

  g_clear_pointer (&self->senders, g_hash_table_unref);

  G_OBJECT_CLASS (ph_inbox_parent_class)->finalize (object);
}

static void
ph_inbox_class_init (PhInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_inbox_dispose;
  object_class->finalize = ph_inbox_finalize;

  signals[BATCH_ADDED] =
    g_signal_new ("batch-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PH_TYPE_BATCH);
}

static void
ph_inbox_init (PhInbox *self)
{
  self->senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sender_free);
  self->burst_gap = DEFAULT_BURST_GAP_MSEC;
  self->allow_time = DEFAULT_ALLOW_MSEC;
}

/* Returns: (transfer full): an inbox that watches @receiver's transfers. */
PhInbox *
ph_inbox_new (PhReceiver *receiver)
{
  PhInbox *self;

  g_return_val_if_fail (PH_IS_RECEIVER (receiver), NULL);

  self = g_object_new (PH_TYPE_INBOX, NULL);
  self->receiver = g_object_ref (receiver);
  g_signal_connect (receiver, "transfer-added", G_CALLBACK (transfer_added_cb), self);

  return self;
}

PhReceiver *
ph_inbox_get_receiver (PhInbox *self)
{
  g_return_val_if_fail (PH_IS_INBOX (self), NULL);

  return self->receiver;
}

guint
ph_inbox_get_burst_gap (PhInbox *self)
{
  g_return_val_if_fail (PH_IS_INBOX (self), 0);

  return self->burst_gap;
}

void
ph_inbox_set_burst_gap (PhInbox *self,
                        guint    msec)
{
  g_return_if_fail (PH_IS_INBOX (self));

  self->burst_gap = msec;
}

guint
ph_inbox_get_allow_time (PhInbox *self)
{
  g_return_val_if_fail (PH_IS_INBOX (self), 0);

  return self->allow_time;
}

void
ph_inbox_set_allow_time (PhInbox *self,
                         guint    msec)
{
  g_return_if_fail (PH_IS_INBOX (self));

  self->allow_time = msec;
}

/* Accepts @batch and, from now on, everything its host sends while it
 * keeps sending and for the allow time after. */
void
ph_inbox_accept_all (PhInbox *self,
                     PhBatch *batch)
{
  Sender *sender;

  g_return_if_fail (PH_IS_INBOX (self));
  g_return_if_fail (PH_IS_BATCH (batch));
  g_return_if_fail (ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE);

  sender = lookup_sender (self, ph_batch_get_peer (batch));
  sender->allowed_until = g_get_monotonic_time () + (gint64) self->allow_time * 1000;
  ph_batch_accept (batch);
}

/* Whether @host's transfers are accepted without asking right now. */
gboolean
ph_inbox_is_allowed (PhInbox    *self,
                     const char *host)
{
  Sender *sender;

  g_return_val_if_fail (PH_IS_INBOX (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  sender = g_hash_table_lookup (self->senders, host);
  return sender != NULL && sender->allowed_until > g_get_monotonic_time ();
}

/* Returns: (transfer full): the host of a "HOST:PORT" peer: every
 * connection of one sender has a port of its own. */
char *
ph_inbox_peer_host (const char *peer)
{
  g_autofree char *host = NULL;

  if (peer == NULL)
    return g_strdup ("");

  if (!ph_address_parse (peer, 1, &host, NULL, NULL))
    return g_strdup (peer);

  return g_steal_pointer (&host);
}
