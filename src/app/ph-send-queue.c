/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outgoing batches: each goes to the engine whole (several connections
 * at once, ph_sender_send_all_async), one batch per destination at a
 * time, so that two drops on the same receiver do not exceed what it
 * serves one sender at once; batches to different receivers run side
 * by side. */

#include "config.h"

#include "posthouse-core.h"

#include "ph-send-queue.h"

struct _PhSendQueue
{
  GObject     parent_instance;

  PhSender   *sender;
  GQueue      waiting;    /* Job *, in the order pushed */
  GHashTable *sending;    /* destination → Job * */
};

G_DEFINE_FINAL_TYPE (PhSendQueue, ph_send_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  PhSendQueue  *self;        /* owned while sending */
  char         *destination;
  GListModel   *transfers;
  GCancellable *cancellable;
} Job;

static void
job_free (Job *job)
{
  g_free (job->destination);
  g_clear_object (&job->transfers);
  g_clear_object (&job->cancellable);
  g_free (job);
}

static void pump (PhSendQueue *self);

/* "host" and "host:6666" are one receiver. */
static char *
receiver_key (const char *destination)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (!ph_address_parse (destination, PH_DEFAULT_PORT, &host, &port, NULL))
    return g_strdup (destination);

  return ph_address_format (host, port);
}

static void
cancel_transfers (GListModel *transfers)
{
  guint n = g_list_model_get_n_items (transfers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (transfers, i);

      ph_transfer_cancel (transfer);
    }
}

static void
send_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(PhSendQueue) self = g_steal_pointer (&job->self);
  g_autoptr(GError) error = NULL;

  /* The rows and the notification show each file's outcome. */
  if (!ph_sender_send_all_finish (PH_SENDER (object), result, &error))
    g_debug ("Sending to %s: %s", job->destination, error->message);

  /* Frees the job. */
  g_hash_table_remove (self->sending, job->destination);
  pump (self);
}

static void
pump (PhSendQueue *self)
{
  gboolean was_busy = ph_send_queue_get_busy (self);

  for (GList *l = self->waiting.head; l != NULL;)
    {
      Job *job = l->data;
      GList *next = l->next;

      if (!g_hash_table_contains (self->sending, job->destination))
        {
          g_queue_delete_link (&self->waiting, l);
          g_hash_table_insert (self->sending, job->destination, job);
          job->self = g_object_ref (self);
          ph_sender_send_all_async (self->sender, job->transfers, 0, job->cancellable,
                                    send_all_cb, job);
        }
      l = next;
    }

  if (was_busy != ph_send_queue_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * ph_send_queue_push:
 * @destination: where the transfers go, `HOST[:PORT]`
 * @transfers: a model of queued outgoing #PhTransfer
 * @cancellable: (nullable): cancels what is not finished
 *
 * Sends @transfers as soon as nothing else goes to @destination.
 */
void
ph_send_queue_push (PhSendQueue  *self,
                    const char   *destination,
                    GListModel   *transfers,
                    GCancellable *cancellable)
{
  Job *job;

  g_return_if_fail (PH_IS_SEND_QUEUE (self));
  g_return_if_fail (destination != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (transfers));

  if (g_list_model_get_n_items (transfers) == 0)
    return;

  job = g_new0 (Job, 1);
  job->destination = receiver_key (destination);
  job->transfers = g_object_ref (transfers);
  job->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  g_queue_push_tail (&self->waiting, job);
  pump (self);
}

/* Whether a batch is sending or waits to. */
gboolean
ph_send_queue_get_busy (PhSendQueue *self)
{
  g_return_val_if_fail (PH_IS_SEND_QUEUE (self), FALSE);

  return self->waiting.length > 0 || g_hash_table_size (self->sending) > 0;
}

void
ph_send_queue_cancel_all (PhSendQueue *self)
{
  GHashTableIter iter;
  gboolean was_busy;
  Job *job;

  g_return_if_fail (PH_IS_SEND_QUEUE (self));

  was_busy = ph_send_queue_get_busy (self);
  while ((job = g_queue_pop_head (&self->waiting)) != NULL)
    {
      cancel_transfers (job->transfers);
      job_free (job);
    }

  g_hash_table_iter_init (&iter, self->sending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    g_cancellable_cancel (job->cancellable);

  /* Busy until the engine has let go of the ones sending. */
  if (was_busy != ph_send_queue_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
ph_send_queue_dispose (GObject *object)
{
  PhSendQueue *self = PH_SEND_QUEUE (object);

  /* Sending jobs hold the queue: only waiting ones can be left. */
  g_queue_clear_full (&self->waiting, (GDestroyNotify) job_free);

  G_OBJECT_CLASS (ph_send_queue_parent_class)->dispose (object);
}

static void
ph_send_queue_finalize (GObject *object)
{
  PhSendQueue *self = PH_SEND_QUEUE (object);

  g_clear_object (&self->sender);
  g_clear_pointer (&self->sending, g_hash_table_unref);

  G_OBJECT_CLASS (ph_send_queue_parent_class)->finalize (object);
}

static void
ph_send_queue_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PhSendQueue *self = PH_SEND_QUEUE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, ph_send_queue_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_send_queue_class_init (PhSendQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_send_queue_dispose;
  object_class->finalize = ph_send_queue_finalize;
  object_class->get_property = ph_send_queue_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_send_queue_init (PhSendQueue *self)
{
  self->sender = ph_sender_new ();
  self->sending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) job_free);
  g_queue_init (&self->waiting);
}

PhSendQueue *
ph_send_queue_new (void)
{
  return g_object_new (PH_TYPE_SEND_QUEUE, NULL);
}
