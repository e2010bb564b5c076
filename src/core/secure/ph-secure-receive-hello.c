/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSecureReceive on the caller's context: the handshake, the hellos,
 * the decision. Nothing here blocks: glib-networking runs the handshake
 * on a thread of its own, frames are read and written asynchronously,
 * and a connection waiting for the person's answer holds no thread. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-frame-queue-private.h"
#include "ph-gsource-private.h"
#include "ph-pairing-private.h"
#include "ph-secure-channel-private.h"
#include "ph-secure-receive-private.h"
#include "ph-secure-tls-private.h"

enum { AFTER_NOTHING, AFTER_START_DATA, AFTER_CLOSE, AFTER_PAIR };

static void start_pairing (PhSecureReceive *self);

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PhSecureReceive) self = user_data;

  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  ph_secure_receive_finish (self, NULL);
}

/* What was queued is out (or could not go): what comes next. */
static void
drained_cb (GObject      *owner,
            const GError *error)
{
  PhSecureReceive *self = PH_SECURE_RECEIVE (owner);

  if (error != NULL)
    {
      ph_secure_receive_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                                   _("The connection from %s failed: %s"),
                                                   self->peer, error->message));
      return;
    }

  if (self->task == NULL)
    return;

  switch (self->after_write)
    {
    case AFTER_START_DATA:
      self->after_write = AFTER_NOTHING;
      ph_secure_receive_start_data (self);
      break;
    case AFTER_PAIR:
      self->after_write = AFTER_NOTHING;
      start_pairing (self);
      break;
    case AFTER_CLOSE:
      self->after_write = AFTER_NOTHING;
      g_io_stream_close_async (G_IO_STREAM (self->tls), G_PRIORITY_DEFAULT, NULL, closed_cb,
                               g_object_ref (self));
      break;
    default:
      break;
    }
}

/* Frames go out in order, one write at a time. */
static void
queue_frame (PhSecureReceive *self,
             const PhMessage *message)
{
  ph_frame_queue_push (self->frames, message);
}

static void
queue_decision (PhSecureReceive *self,
                PhDecision       decision)
{
  PhMessage message = { .type = PH_MESSAGE_DECISION, .decision = decision };

  queue_frame (self, &message);
}

/* While the person decides, the sender may only wait or give up.
 * Returns: FALSE once the run ended */
static gboolean
check_sender (PhSecureReceive *self)
{
  GPollableInputStream *in =
    G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (G_IO_STREAM (self->tls)));

  /* Until it would block: what TLS decrypted already is not on the socket. */
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      PhMessage message = { 0 };
      const guint8 *data;
      gsize data_len;
      gsize want = 0;
      guint8 *space = ph_frame_reader_space (&self->reader, &want);
      gssize got;
      PhUnitKind kind;

      got = g_pollable_input_stream_read_nonblocking (in, space, want, self->abort, &error);
      if (got < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;

      if (got < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          ph_secure_receive_finish (self, g_steal_pointer (&error));
          return FALSE;
        }
      if (got <= 0)
        {
          ph_secure_receive_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                                       _("%s gave up before its files were accepted"),
                                                       self->peer));
          return FALSE;
        }

      kind = ph_frame_reader_commit (&self->reader, got, &message, &data, &data_len, &error);
      if (error == NULL && (kind == PH_UNIT_NONE ||
                            (kind == PH_UNIT_MESSAGE && message.type == PH_MESSAGE_UNKNOWN)))
        {
          ph_message_clear (&message);
          continue;
        }

      ph_message_clear (&message);
      ph_secure_receive_finish (self, g_error_new (PH_ERROR, PH_ERROR_PROTOCOL,
                                                   _("%s broke the secure channel’s protocol: %s"),
                                                   self->peer,
                                                   error ? error->message
                                                         : _("it sent before its files were accepted")));
      return FALSE;
    }
}

static gboolean
watch_cb (GObject  *stream,
          gpointer  user_data)
{
  return check_sender (user_data) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
watch_sender (PhSecureReceive *self)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (self->tls));
  GSource *source;

  if (self->watch_source != NULL)
    return;

  /* Cancelling the run wakes it too. */
  source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (in), self->abort);
  self->watch_source = ph_gsource_attach (source, "[posthouse] secure sender waiting",
                                          (GSourceFunc) G_CALLBACK (watch_cb), self, self->context);
}

static void
decide (PhSecureReceive *self)
{
  ph_gsource_clear (&self->timeout_source);
  ph_secure_receive_set_phase (self, PH_SECURE_RECEIVE_DECIDING);
  watch_sender (self);

  ph_secure_receive_emit_decide (self);

  /* Nobody answered at once: someone is being asked. */
  if (self->phase == PH_SECURE_RECEIVE_DECIDING && !self->declined)
    ph_secure_receive_ask (self);

  /* What came with the hello is not on the socket any more. */
  if (self->phase == PH_SECURE_RECEIVE_ASKING)
    check_sender (self);
}

static void
paired_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PhSecureReceive) self = user_data;
  GError *error = NULL;

  if (ph_pairing_run_finish (PH_PAIRING (object), result, &error))
    ph_secure_receive_finish (self, NULL);
  else
    ph_secure_receive_finish (self, error);
}

/* Our hello is out: the pairing takes the connection over. */
static void
start_pairing (PhSecureReceive *self)
{
  g_autoptr(PhPairing) pairing = NULL;

  pairing = ph_pairing_new_responder (self->identity, self->devices, self->tls, self->connection,
                                      self->peer_fingerprint, self->hello.name, self->peer);
  /* Running before it is shown: whoever shows it may cancel it at once. */
  ph_pairing_respond_async (pairing, self->abort, paired_cb, g_object_ref (self));
  ph_secure_receive_emit_pairing (self, pairing);
}

/* The sender asked to pair instead of sending files (docs/secure-channel.md). */
static void
ask_to_pair (PhSecureReceive *self)
{
  ph_gsource_clear (&self->timeout_source);

  /* Nowhere to remember it, or nobody to ask: say so. */
  if (self->devices == NULL ||
      !g_signal_has_handler_pending (self, g_signal_lookup ("pairing", PH_TYPE_SECURE_RECEIVE), 0, FALSE))
    {
      PhMessage no = {
        .type = PH_MESSAGE_DECISION,
        .decision = PH_DECISION_DECLINED,
        .reason = (char *) PH_PAIRING_REASON_UNSUPPORTED,
      };

      self->declined = TRUE;
      queue_frame (self, &no);
      self->after_write = AFTER_CLOSE;
      return;
    }

  ph_secure_receive_set_phase (self, PH_SECURE_RECEIVE_PAIRING);
  if (ph_frame_queue_is_busy (self->frames))
    self->after_write = AFTER_PAIR;
  else
    start_pairing (self);
}

static GError *
hello_error (PhSecureReceive *self,
             GError          *error)
{
  g_autoptr(GError) owned = error;

  if (self->timed_out)
    return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                        _("%s did not complete the secure handshake in time"), self->peer);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_PROTOCOL))
    return g_error_new (PH_ERROR, PH_ERROR_PROTOCOL,
                        _("%s broke the secure channel’s protocol: %s"), self->peer, error->message);

  return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                      _("The connection from %s failed: %s"), self->peer, error->message);
}

static void read_hello (PhSecureReceive *self);

static void
hello_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PhSecureReceive) self = user_data;
  g_autoptr(GError) error = NULL;
  PhMessage message = { 0 };
  const guint8 *data;
  gsize data_len;
  gssize got;
  PhUnitKind kind;

  got = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (self->task == NULL)
    return;
  if (got < 0)
    {
      ph_secure_receive_finish (self, hello_error (self, g_steal_pointer (&error)));
      return;
    }
  if (got == 0)
    {
      ph_secure_receive_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                                   _("%s hung up before the transfer started"),
                                                   self->peer));
      return;
    }

  kind = ph_frame_reader_commit (&self->reader, got, &message, &data, &data_len, &error);
  if (error == NULL && kind == PH_UNIT_NONE)
    {
      read_hello (self);
      return;
    }
  if (error == NULL && (kind != PH_UNIT_MESSAGE || message.type != PH_MESSAGE_HELLO ||
                        (!message.has_summary && !message.pair)))
    g_set_error_literal (&error, PH_ERROR, PH_ERROR_PROTOCOL, _("it did not begin with its hello"));

  if (error != NULL)
    {
      ph_message_clear (&message);
      ph_secure_receive_finish (self, hello_error (self, g_steal_pointer (&error)));
      return;
    }

  self->hello = message;
  self->hello_read = TRUE;
  if (message.pair)
    ask_to_pair (self);
  else
    decide (self);
}

static void
read_hello (PhSecureReceive *self)
{
  gsize want = 0;
  guint8 *space = ph_frame_reader_space (&self->reader, &want);

  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (self->tls)),
                             space, want, G_PRIORITY_DEFAULT, self->abort, hello_cb,
                             g_object_ref (self));
}

static void
handshake_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PhSecureReceive) self = user_data;
  g_autoptr(GError) error = NULL;
  PhDevice *device;
  PhMessage hello = {
    .type = PH_MESSAGE_HELLO,
    .version = PH_SECURE_VERSION,
    .name = self->device_name,
    .paths = self->accepts_paths,
  };

  if (!g_tls_connection_handshake_finish (self->tls, result, &error))
    {
      if (self->timed_out)
        {
          g_clear_error (&error);
          error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "");
        }
      ph_secure_receive_finish (self, ph_secure_tls_explain (self->tls, NULL, self->peer,
                                                             g_steal_pointer (&error)));
      return;
    }
  if (self->task == NULL)
    return;

  self->peer_fingerprint = ph_secure_tls_verify (self->tls, NULL, self->peer, &error);
  if (self->peer_fingerprint == NULL)
    {
      ph_secure_receive_finish (self, g_steal_pointer (&error));
      return;
    }

  /* Blocked: not a byte more, not even its hello. */
  if (self->devices != NULL && (device = ph_devices_lookup (self->devices, self->peer_fingerprint)) != NULL &&
      ph_device_get_state (device) == PH_DEVICE_BLOCKED)
    {
      ph_secure_receive_finish (self, g_error_new (PH_ERROR, PH_ERROR_BLOCKED,
                                                   _("%s is blocked (%s); refused"), self->peer,
                                                   ph_device_get_short_fingerprint (device)));
      return;
    }

  /* Both hellos travel at once. */
  queue_frame (self, &hello);
  read_hello (self);
}

static gboolean
handshake_timeout_cb (gpointer user_data)
{
  PhSecureReceive *self = user_data;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  self->timed_out = TRUE;
  g_cancellable_cancel (self->abort);
  return G_SOURCE_REMOVE;
}

/**
 * ph_secure_receive_run_async:
 * @cancellable: (nullable): ends the connection whatever it is doing
 *   (what was committed stays)
 *
 * Runs the connection to its end; see the type's description.
 */
void
ph_secure_receive_run_async (PhSecureReceive     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));
  g_return_if_fail (self->task == NULL && self->phase == PH_SECURE_RECEIVE_HANDSHAKE);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, ph_secure_receive_run_async);
  /* What was committed before a cancel stays committed. */
  g_task_set_check_cancellable (self->task, FALSE);

  self->context = g_main_context_ref_thread_default ();
  self->peer = ph_secure_describe_peer (self->connection);
  if (self->peer == NULL)
    self->peer = g_strdup (_("unknown peer"));
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (ph_secure_cancel_other_cb),
                                               g_object_ref (self->abort), g_object_unref);
    }

  self->tls = ph_secure_tls_server_new (G_IO_STREAM (self->connection), self->identity, &error);
  if (self->tls == NULL)
    {
      ph_secure_receive_finish (self, g_steal_pointer (&error));
      return;
    }
  self->frames = ph_frame_queue_new (G_OBJECT (self), G_IO_STREAM (self->tls), self->abort, drained_cb);

  self->timeout_source = ph_gsource_attach (g_timeout_source_new (self->handshake_timeout),
                                            "[posthouse] secure handshake timeout",
                                            handshake_timeout_cb, self, self->context);
  g_tls_connection_handshake_async (self->tls, G_PRIORITY_DEFAULT, self->abort, handshake_cb,
                                    g_object_ref (self));
}

/* Tells the sender that someone is asked; accept or decline later. */
void
ph_secure_receive_ask (PhSecureReceive *self)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  if (self->phase != PH_SECURE_RECEIVE_DECIDING || self->declined)
    return;

  queue_decision (self, PH_DECISION_ASKING);
  ph_secure_receive_set_phase (self, PH_SECURE_RECEIVE_ASKING);
}

/* The files may come. Does nothing once the run ended. */
void
ph_secure_receive_accept (PhSecureReceive *self)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  if ((self->phase != PH_SECURE_RECEIVE_DECIDING && self->phase != PH_SECURE_RECEIVE_ASKING) ||
      self->declined)
    return;

  ph_gsource_clear (&self->watch_source);
  queue_decision (self, PH_DECISION_ACCEPTED);
  self->after_write = AFTER_START_DATA;
  ph_secure_receive_set_phase (self, PH_SECURE_RECEIVE_RECEIVING);
}

/* Says no to the whole batch, then closes. */
void
ph_secure_receive_decline (PhSecureReceive *self)
{
  ph_secure_receive_decline_with_reason (self, NULL);
}

/**
 * ph_secure_receive_decline_with_reason:
 * @reason: (nullable): why, for the sender to show ("This receiver
 *   accepts files only from paired devices")
 *
 * As ph_secure_receive_decline(), saying why.
 */
void
ph_secure_receive_decline_with_reason (PhSecureReceive *self,
                                       const char      *reason)
{
  PhMessage message = { .type = PH_MESSAGE_DECISION, .decision = PH_DECISION_DECLINED };

  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  if ((self->phase != PH_SECURE_RECEIVE_DECIDING && self->phase != PH_SECURE_RECEIVE_ASKING) ||
      self->declined)
    return;

  ph_gsource_clear (&self->watch_source);
  self->declined = TRUE;
  message.reason = (char *) reason;
  queue_frame (self, &message);
  self->after_write = AFTER_CLOSE;
}

/* Ends the connection with a reset, without a word (a blocked sender). */
void
ph_secure_receive_refuse (PhSecureReceive *self)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  if (self->phase != PH_SECURE_RECEIVE_DECIDING && self->phase != PH_SECURE_RECEIVE_ASKING)
    return;

  /* Even after a decline: a blocked sender gets nothing more. */
  ph_secure_reset (G_IO_STREAM (self->tls));
  ph_secure_receive_finish (self, NULL);
}

