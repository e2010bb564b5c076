/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sending is done in batches, also of one file (ph-send-run.c). */
#include "config.h"

#include "ph-send-private.h"
#include "ph-sender.h"

#define DEFAULT_CONNECT_TIMEOUT 10

struct _PhSender
{
  GObject parent_instance;

  guint   connect_timeout;
  guint   idle_timeout;
};

G_DEFINE_FINAL_TYPE (PhSender, ph_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ph_sender_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PhSender *self = PH_SENDER (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_sender_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PhSender *self = PH_SENDER (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      ph_sender_set_connect_timeout (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      ph_sender_set_idle_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_sender_class_init (PhSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ph_sender_get_property;
  object_class->set_property = ph_sender_set_property;

  /* Seconds to wait for the receiver to answer the connection. */
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL,
                       1, G_MAXUINT / 1000, DEFAULT_CONNECT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Milliseconds the receiver may stop reading before the send fails;
   * 0 (the default) waits as long as the receiver holds the connection,
   * since a receiver asking its user first holds it on purpose. */
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL,
                       0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_sender_init (PhSender *self)
{
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
}

PhSender *
ph_sender_new (void)
{
  return g_object_new (PH_TYPE_SENDER, NULL);
}

guint
ph_sender_get_connect_timeout (PhSender *self)
{
  g_return_val_if_fail (PH_IS_SENDER (self), 0);

  return self->connect_timeout;
}

void
ph_sender_set_connect_timeout (PhSender *self,
                               guint     seconds)
{
  g_return_if_fail (PH_IS_SENDER (self));
  g_return_if_fail (seconds > 0);

  if (self->connect_timeout == seconds)
    return;

  self->connect_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
ph_sender_get_idle_timeout (PhSender *self)
{
  g_return_val_if_fail (PH_IS_SENDER (self), 0);

  return self->idle_timeout;
}

void
ph_sender_set_idle_timeout (PhSender *self,
                            guint     msec)
{
  g_return_if_fail (PH_IS_SENDER (self));

  if (self->idle_timeout == msec)
    return;

  self->idle_timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}


/**
 * ph_sender_send_async:
 * @transfer: a transfer from ph_transfer_new_outgoing(), not yet sent
 * @cancellable: (nullable): cancels like ph_transfer_cancel() does
 *
 * Connects to the transfer's destination and sends its file. The
 * transfer's state follows along; it succeeds only once the receiver
 * has taken every byte and closed the connection.
 */
void
ph_sender_send_async (PhSender            *self,
                      PhTransfer          *transfer,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GListStore) one = NULL;

  g_return_if_fail (PH_IS_SENDER (self));
  g_return_if_fail (PH_IS_TRANSFER (transfer));
  g_return_if_fail (ph_transfer_get_direction (transfer) == PH_TRANSFER_SEND);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, ph_transfer_get_cancellable (transfer), callback, user_data);
  g_task_set_source_tag (task, ph_sender_send_async);
  /* The result follows the transfer's final state, whatever the
   * cancellable did after the fact. */
  g_task_set_check_cancellable (task, FALSE);

  one = g_list_store_new (PH_TYPE_TRANSFER);
  g_list_store_append (one, transfer);
  ph_send_run_start (G_LIST_MODEL (one), 1, TRUE, self->connect_timeout, self->idle_timeout,
                       cancellable, task);
}

gboolean
ph_sender_send_finish (PhSender      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (PH_IS_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ph_sender_send_all_async:
 * @transfers: a #GListModel of transfers from ph_transfer_new_outgoing(),
 *   not yet sent
 * @parallel: files in flight at once, or 0 for PH_SENDER_DEFAULT_PARALLEL
 * @cancellable: (nullable): cancels every transfer not finished yet
 *
 * Sends the transfers in the model's order, one connection per file,
 * with at most @parallel of them in the receiver's hands at once (each
 * of those may have the next file's connection opened already, while it
 * waits for its receipt). With @parallel 1 the files are sent and
 * received strictly one after the other. Each transfer's state, progress
 * and error follow as with ph_sender_send_async(); cancelling one of them
 * cancels that file only.
 *
 * Items are taken from the model in turn: one appended while the batch
 * runs is sent too; the model must not otherwise change meanwhile.
 */
void
ph_sender_send_all_async (PhSender            *self,
                          GListModel          *transfers,
                          guint                parallel,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PH_IS_SENDER (self));
  g_return_if_fail (G_IS_LIST_MODEL (transfers));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (parallel == 0)
    parallel = PH_SENDER_DEFAULT_PARALLEL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_sender_send_all_async);
  g_task_set_check_cancellable (task, FALSE);

  ph_send_run_start (transfers, MIN (parallel, PH_SENDER_MAX_PARALLEL), FALSE,
                       self->connect_timeout, self->idle_timeout, cancellable, task);
}

/**
 * ph_sender_send_all_finish:
 *
 * Returns: %TRUE when every transfer was delivered; otherwise %FALSE
 *   with an error that names the first file not sent (in the model's
 *   order, a failure before a cancellation) and how many others were
 *   not, with that file's error domain and code.
 */
gboolean
ph_sender_send_all_finish (PhSender      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (PH_IS_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_sender_send_all_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
