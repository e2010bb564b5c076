/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sending is done in batches, also of one file (ph-send-run.c). */
#include "config.h"

#include "ph-send-private.h"
#include "ph-sender-private.h"

#define DEFAULT_CONNECT_TIMEOUT 10

G_STATIC_ASSERT (PH_SENDER_DEFAULT_PARALLEL == PH_SEND_WINDOW_INITIAL);

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

enum {
  WINDOW_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
ph_sender_emit_window_changed (PhSender   *sender,
                               GListModel *transfers,
                               guint       files,
                               const char *reason)
{
  g_signal_emit (sender, signals[WINDOW_CHANGED], 0, transfers, files, reason);
}

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

  /**
   * PhSender::window-changed:
   * @transfers: the batch (the model given to ph_sender_send_all_async())
   * @files: how many files it now keeps in flight at most
   * @reason: why, in a few words for people
   *
   * A batch started, or settled on another number of files in flight
   * (its window: fixed by the caller, or adapted to what it measures).
   * Emitted on the batch's context.
   */
  signals[WINDOW_CHANGED] =
    g_signal_new ("window-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_LIST_MODEL, G_TYPE_UINT, G_TYPE_STRING);
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
  g_autoptr(PhSendWindow) window = ph_send_window_new_fixed (1);

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
  ph_send_run_start (G_LIST_MODEL (one), window, TRUE, self->connect_timeout,
                     self->idle_timeout, cancellable, task);
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
 * @parallel: files in flight at once, or 0 to adapt it
 * @cancellable: (nullable): cancels every transfer not finished yet
 *
 * Sends the transfers in the model's order, one connection per file,
 * with at most @parallel of them in the receiver's hands at once (each
 * of those may have the next file's connection opened already, while it
 * waits for its receipt). With @parallel 1 the files are sent and
 * received strictly one after the other. With 0 the batch starts with
 * PH_SENDER_DEFAULT_PARALLEL files in flight and adapts: more while files
 * per second rise on a link with latency, fewer where the CPU is the
 * limit, never more than a receiver takes without queueing in the
 * kernel (#PhSender::window-changed tells). Each transfer's state, progress
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
  g_autoptr(PhSendWindow) window = NULL;

  g_return_if_fail (PH_IS_SENDER (self));
  g_return_if_fail (G_IS_LIST_MODEL (transfers));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (parallel == 0)
    window = ph_send_window_new (PH_SENDER_DEFAULT_PARALLEL, PH_SEND_WINDOW_PLAIN_MAX);
  else
    window = ph_send_window_new_fixed (MIN (parallel, PH_SENDER_MAX_PARALLEL));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_sender_send_all_async);
  g_task_set_check_cancellable (task, FALSE);

  ph_send_run_start (transfers, window, FALSE, self->connect_timeout, self->idle_timeout,
                     cancellable, task);
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
