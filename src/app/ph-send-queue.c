/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outgoing transfers wait here for one of a few sending slots: a long
 * batch then goes through file by file instead of all at once. */

#include "config.h"

#include "ph-send-queue.h"
#include "ph-sender.h"

struct _PhSendQueue
{
  GObject   parent_instance;

  PhSender *sender;
  GQueue    waiting;     /* owned PhTransfer */
  GPtrArray *sending;    /* owned PhTransfer */
  guint     max_parallel;
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
  PhSendQueue *self;
  PhTransfer  *transfer;
} Slot;

static void pump (PhSendQueue *self);

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Slot *slot = user_data;
  g_autoptr(PhSendQueue) self = slot->self;
  g_autoptr(GError) error = NULL;

  /* The row and the notification show the outcome from the transfer. */
  if (!ph_sender_send_finish (PH_SENDER (object), result, &error))
    g_debug ("Sending %s failed: %s", ph_transfer_get_name (slot->transfer), error->message);

  g_ptr_array_remove (self->sending, slot->transfer);
  g_object_unref (slot->transfer);
  g_free (slot);

  pump (self);
  if (self->sending->len == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
pump (PhSendQueue *self)
{
  gboolean was_busy = self->sending->len > 0;

  while (self->sending->len < self->max_parallel)
    {
      g_autoptr(PhTransfer) transfer = g_queue_pop_head (&self->waiting);

      if (transfer == NULL)
        break;

      /* Cancelled while it waited. */
      if (ph_transfer_is_finished (transfer))
        continue;

      Slot *slot = g_new0 (Slot, 1);

      slot->self = g_object_ref (self);
      slot->transfer = g_object_ref (transfer);
      g_ptr_array_add (self->sending, g_object_ref (transfer));
      ph_sender_send_async (self->sender, transfer, NULL, send_cb, slot);
    }

  if (!was_busy && self->sending->len > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
ph_send_queue_push (PhSendQueue *self,
                    PhTransfer  *transfer)
{
  g_return_if_fail (PH_IS_SEND_QUEUE (self));
  g_return_if_fail (PH_IS_TRANSFER (transfer));

  g_queue_push_tail (&self->waiting, g_object_ref (transfer));
  pump (self);
}

/* Whether a transfer is on the wire right now. */
gboolean
ph_send_queue_get_busy (PhSendQueue *self)
{
  g_return_val_if_fail (PH_IS_SEND_QUEUE (self), FALSE);

  return self->sending->len > 0;
}

void
ph_send_queue_cancel_all (PhSendQueue *self)
{
  g_return_if_fail (PH_IS_SEND_QUEUE (self));

  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    ph_transfer_cancel (l->data);
  g_queue_clear_full (&self->waiting, g_object_unref);

  for (guint i = 0; i < self->sending->len; i++)
    ph_transfer_cancel (g_ptr_array_index (self->sending, i));
}

static void
ph_send_queue_dispose (GObject *object)
{
  PhSendQueue *self = PH_SEND_QUEUE (object);

  g_queue_clear_full (&self->waiting, g_object_unref);

  G_OBJECT_CLASS (ph_send_queue_parent_class)->dispose (object);
}

static void
ph_send_queue_finalize (GObject *object)
{
  PhSendQueue *self = PH_SEND_QUEUE (object);

  g_clear_object (&self->sender);
  g_clear_pointer (&self->sending, g_ptr_array_unref);

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
  self->sending = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->waiting);
}

PhSendQueue *
ph_send_queue_new (guint max_parallel)
{
  PhSendQueue *self;

  g_return_val_if_fail (max_parallel > 0, NULL);

  self = g_object_new (PH_TYPE_SEND_QUEUE, NULL);
  self->max_parallel = max_parallel;

  return self;
}
