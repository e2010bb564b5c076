/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendQueue: outgoing batches, one per receiver at a time (see the
 * header): to a receiver that speaks the secure channel through it
 * (ph-send-queue-secure.c), to any other whole to
 * ph_sender_send_all_async(). */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-destination-trust.h"
#include "ph-send-queue-private.h"
#include "ph-transfer-private.h"

G_DEFINE_FINAL_TYPE (PhSendQueue, ph_send_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef PhSendQueueJob Job;

static void
job_free (Job *job)
{
  ph_send_queue_secure_job_clear (job);
  g_free (job->destination);
  g_clear_object (&job->target);
  g_clear_object (&job->transfers);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->task);
  g_free (job);
}

/* Says how @job ended, if anyone asked; frees it. */
static void
job_end (Job    *job,
         GError *error)
{
  if (job->task != NULL)
    {
      if (error != NULL)
        g_task_return_error (job->task, error);
      else
        g_task_return_boolean (job->task, TRUE);
    }
  else
    g_clear_error (&error);

  job_free (job);
}

static void pump (PhSendQueue *self);

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

/* Every transfer not finished yet fails with @error. */
void
ph_send_queue_fail_transfers (GListModel   *transfers,
                              const GError *error)
{
  guint n = g_list_model_get_n_items (transfers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (transfers, i);

      ph_transfer_fail (transfer, error);
    }
}

/* @job ended (the transfers show each file's outcome): the next one to
 * its receiver may go. */
void
ph_send_queue_job_done (Job    *job,
                        GError *error)
{
  g_autoptr(PhSendQueue) self = g_steal_pointer (&job->self);

  if (error != NULL)
    g_debug ("Sending to %s: %s", job->destination, error->message);

  g_hash_table_steal (self->sending, job->destination);
  job_end (job, error);
  pump (self);
}

static void
send_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  GError *error = NULL;

  ph_sender_send_all_finish (PH_SENDER (object), result, &error);
  ph_send_queue_job_done (job, error);
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
          if (ph_destination_get_secure (job->target))
            ph_send_queue_start_secure (job);
          else
            ph_sender_send_all_async (self->sender, job->transfers, job->parallel, job->cancellable,
                                      send_all_cb, job);
        }
      l = next;
    }

  if (was_busy != ph_send_queue_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * ph_send_queue_send_async:
 * @destination: where the transfers go
 * @transfers: a model of queued outgoing #PhTransfer to @destination
 * @parallel: files in flight at once, 0 for the sender's default
 * @cancellable: (nullable): cancels what is not finished
 * @callback: (nullable): called when every transfer has ended
 *
 * Sends @transfers as soon as nothing else goes to @destination's
 * receiver. How is decided at once (ph_destination_decide_channel(),
 * with the queue's devices; @destination then says it): through the
 * secure channel to a receiver known to speak it, else in the original
 * format, and nothing at all to a device known by its key that is not
 * announced as such now (every transfer fails, saying why). Finish with
 * ph_send_queue_send_finish(), which fails when a transfer did not
 * arrive.
 */
void
ph_send_queue_send_async (PhSendQueue         *self,
                          PhDestination       *destination,
                          GListModel          *transfers,
                          guint                parallel,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (PH_IS_SEND_QUEUE (self));
  g_return_if_fail (PH_IS_DESTINATION (destination));
  g_return_if_fail (G_IS_LIST_MODEL (transfers));

  job = g_new0 (Job, 1);
  if (callback != NULL)
    {
      job->task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (job->task, ph_send_queue_send_async);
    }

  if (g_list_model_get_n_items (transfers) == 0)
    {
      job_end (job, NULL);
      return;
    }

  if (!ph_destination_decide_channel (destination, self->devices, self->require_encryption, &error))
    {
      ph_send_queue_fail_transfers (transfers, error);
      job_end (job, g_steal_pointer (&error));
      return;
    }

  job->target = g_object_ref (destination);
  job->destination = g_strdup (ph_destination_get_address (destination));
  job->transfers = g_object_ref (transfers);
  job->parallel = parallel;
  job->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  g_queue_push_tail (&self->waiting, job);
  pump (self);
}

gboolean
ph_send_queue_send_finish (PhSendQueue   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (PH_IS_SEND_QUEUE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Returns: (transfer none): the sender, to set its timeouts */
PhSender *
ph_send_queue_get_sender (PhSendQueue *self)
{
  g_return_val_if_fail (PH_IS_SEND_QUEUE (self), NULL);

  return self->sender;
}

/**
 * ph_send_queue_set_trust:
 * @identity: (nullable): this installation's identity, presented to
 *   receivers; %NULL: the user's, loaded when first needed
 * @devices: (nullable): the devices this computer remembers: which
 *   receivers speak the secure channel and with which key; devices met
 *   are added to it
 *
 * What the secure channel needs. Without @devices only announcements
 * say which receivers speak it.
 */
void
ph_send_queue_set_trust (PhSendQueue *self,
                         PhIdentity  *identity,
                         PhDevices   *devices)
{
  g_return_if_fail (PH_IS_SEND_QUEUE (self));
  g_return_if_fail (identity == NULL || PH_IS_IDENTITY (identity));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  g_set_object (&self->identity, identity);
  g_set_object (&self->devices, devices);
}

/* Never the original format: a receiver nothing is known of gets a
 * first contact through the secure channel (`send --require-encryption`). */
void
ph_send_queue_set_require_encryption (PhSendQueue *self,
                                      gboolean     require)
{
  g_return_if_fail (PH_IS_SEND_QUEUE (self));

  self->require_encryption = !!require;
}

/* Connections per secure batch; 0 (the default) chooses by the batch. */
void
ph_send_queue_set_connections (PhSendQueue *self,
                               guint        connections)
{
  g_return_if_fail (PH_IS_SEND_QUEUE (self));

  self->connections = connections;
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
      job_end (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
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
  while (self->waiting.length > 0)
    job_end (g_queue_pop_head (&self->waiting),
             g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));

  G_OBJECT_CLASS (ph_send_queue_parent_class)->dispose (object);
}

static void
ph_send_queue_finalize (GObject *object)
{
  PhSendQueue *self = PH_SEND_QUEUE (object);

  g_clear_object (&self->sender);
  g_clear_pointer (&self->sending, g_hash_table_unref);
  g_clear_object (&self->identity);
  g_clear_object (&self->devices);
  g_free (self->device_name);

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
