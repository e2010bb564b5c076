/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhPairing's connection, on the main context (docs/secure-channel.md,
 * Pairing). Nothing blocks: glib-networking runs the handshake, frames
 * are read and written asynchronously, and a pairing waiting for its
 * people holds no thread.
 *
 * Once the outcome is known a side sends what it still has to say,
 * closes its direction (TLS close_notify) and reads until the other
 * side did the same, so that neither loses the last answer to a reset;
 * a peer that does not close within a few seconds is reset. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-frame-queue-private.h"
#include "ph-gsource-private.h"
#include "ph-pairing-private.h"
#include "ph-secure-channel-private.h"
#include "ph-secure-tls-private.h"

static void read_next (PhPairing *self);
static void close_output (PhPairing *self);

/* Returns the run's result: paired, or why not. */
static void
complete (PhPairing *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;

  ph_gsource_clear (&self->timer);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (self->caller_cancellable, self->cancel_id);
  self->cancel_id = 0;

  if (self->state == PH_PAIRING_PAIRED)
    g_task_return_boolean (task, TRUE);
  else if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_new_error (task, PH_ERROR, PH_ERROR_FAILED, _("The computers were not paired"));
}

void
ph_pairing_reset (PhPairing *self)
{
  if (self->tls != NULL)
    ph_secure_reset (G_IO_STREAM (self->tls));
  else if (self->connection != NULL)
    ph_secure_reset (G_IO_STREAM (self->connection));
  complete (self);
}

static gboolean
timer_cb (gpointer user_data)
{
  PhPairing *self = user_data;
  g_autofree char *peer = ph_pairing_describe_peer (self);
  PhMessage stop = { .type = PH_MESSAGE_ERROR, .reason = (char *) PH_PAIRING_REASON_TIMED_OUT };
  guint seconds = (self->timeout + 999) / 1000;

  g_clear_pointer (&self->timer, g_source_unref);

  if (self->closing)
    ph_pairing_reset (self);
  else if (self->state == PH_PAIRING_COMPARING || self->state == PH_PAIRING_WAITING)
    {
      ph_pairing_send (self, &stop);
      ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                          g_dngettext (GETTEXT_PACKAGE,
                                                       "Nobody confirmed the number within %u second; "
                                                       "the computers were not paired",
                                                       "Nobody confirmed the number within %u seconds; "
                                                       "the computers were not paired",
                                                       seconds),
                                          seconds),
                       TRUE);
    }
  else
    /* Translators: %s is the other computer's name in quotes, or its address */
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                        _("%s did not answer in time"), peer),
                     FALSE);

  return G_SOURCE_REMOVE;
}

void
ph_pairing_arm_timer (PhPairing *self,
                      guint      msec)
{
  ph_gsource_clear (&self->timer);
  if (msec > 0)
    self->timer = ph_gsource_attach (g_timeout_source_new (msec), "[posthouse] pairing timer",
                                     timer_cb, self, self->context);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PhPairing) self = user_data;

  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  complete (self);
}

/* Both directions are closed: the connection goes. */
static void
close_all (PhPairing *self)
{
  g_io_stream_close_async (G_IO_STREAM (self->tls), G_PRIORITY_DEFAULT, NULL, closed_cb,
                           g_object_ref (self));
}

static void
output_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PhPairing) self = user_data;

  /* A peer that hung up first makes this fail: nothing is lost. */
  g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, NULL);
  self->output_closed = TRUE;
  if (self->eof_seen && self->task != NULL)
    close_all (self);
}

static void
close_output (PhPairing *self)
{
  if (self->output_closed || self->saving || ph_frame_queue_is_busy (self->frames) || self->task == NULL)
    return;

  g_output_stream_close_async (g_io_stream_get_output_stream (G_IO_STREAM (self->tls)),
                               G_PRIORITY_DEFAULT, NULL, output_closed_cb, g_object_ref (self));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PhPairing) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Unsaved, it still holds in this process: PhDevices says why. */
  if (!ph_devices_flush_finish (PH_DEVICES (object), result, &error))
    g_debug ("Pairing: %s", error->message);
  self->saving = FALSE;
  close_output (self);
}

/* Paired: the list of devices is written before this side's close, so
 * a peer that saw the close knows both sides remember the pairing (the
 * other program may end at once). */
void
ph_pairing_close_saved (PhPairing *self)
{
  if (self->task == NULL || self->tls == NULL)
    {
      ph_pairing_close (self);
      return;
    }

  self->saving = TRUE;
  ph_pairing_close (self);
  ph_devices_flush_async (self->devices, NULL, saved_cb, g_object_ref (self));
}

/* The outcome is known: what is queued goes out, then the close. */
void
ph_pairing_close (PhPairing *self)
{
  if (self->task == NULL)
    return;
  if (self->tls == NULL)
    {
      ph_pairing_reset (self);
      return;
    }

  self->closing = TRUE;
  self->expect = PH_PAIRING_EXPECT_END;
  ph_pairing_arm_timer (self, PH_PAIRING_CLOSE_TIMEOUT);
  close_output (self);
}

/* What was queued is out (or could not go). */
static void
drained_cb (GObject      *owner,
            const GError *error)
{
  PhPairing *self = PH_PAIRING (owner);

  if (self->task == NULL)
    return;

  if (error != NULL)
    {
      g_autofree char *peer = ph_pairing_describe_peer (self);

      if (self->closing)
        ph_pairing_reset (self);
      else
        ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                            _("The connection with %s failed: %s"), peer, error->message),
                         FALSE);
      return;
    }

  if (self->closing)
    close_output (self);
}

/* Frames go out in order, one write at a time. */
void
ph_pairing_send (PhPairing       *self,
                 const PhMessage *message)
{
  if (self->task == NULL || self->tls == NULL || self->output_closed)
    return;

  if (self->frames == NULL)
    self->frames = ph_frame_queue_new (G_OBJECT (self), G_IO_STREAM (self->tls), self->abort, drained_cb);
  ph_frame_queue_push (self->frames, message);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PhPairing) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  PhMessage message = { 0 };
  const guint8 *data;
  gsize data_len;
  gssize got;
  PhUnitKind kind;

  got = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (self->task == NULL)
    return;

  if (got <= 0 && self->closing)
    {
      /* The peer closed too (or reset): done once ours is closed. */
      if (got < 0)
        ph_pairing_reset (self);
      else if ((self->eof_seen = TRUE) && self->output_closed)
        close_all (self);
      return;
    }

  peer = ph_pairing_describe_peer (self);
  if (got < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ph_pairing_fail (self, g_steal_pointer (&error), FALSE);
      /* A receiver resets whom it blocked right after the handshake. */
      else if (self->expect == PH_PAIRING_EXPECT_HELLO)
        ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                            _("%s ended the connection before it said hello; it may "
                                              "have blocked this computer"), peer),
                         FALSE);
      else
        ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                            _("The connection with %s failed: %s"), peer, error->message),
                         FALSE);
      return;
    }
  if (got == 0)
    {
      ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                          self->state == PH_PAIRING_STARTING
                                            ? _("%s hung up before the numbers were shown")
                                            : _("%s hung up before both people answered"),
                                          peer),
                       FALSE);
      return;
    }

  kind = ph_frame_reader_commit (&self->reader, got, &message, &data, &data_len, &error);
  if (error != NULL)
    ph_pairing_violation (self, error->message);
  else if (kind == PH_UNIT_MESSAGE)
    ph_pairing_handle_message (self, &message);
  else if (kind != PH_UNIT_NONE && !self->closing)
    ph_pairing_violation (self, _("file bytes during pairing"));
  ph_message_clear (&message);

  if (self->task != NULL)
    read_next (self);
}

static void
read_next (PhPairing *self)
{
  gsize want = 0;
  guint8 *space = ph_frame_reader_space (&self->reader, &want);

  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (self->tls)), space, want,
                             G_PRIORITY_DEFAULT, self->abort, read_cb, g_object_ref (self));
}

/* A task for the run, on the thread-default context. */
void
ph_pairing_start (PhPairing           *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, ph_pairing_start);
  /* A pairing that completed stays paired whatever is cancelled after. */
  g_task_set_check_cancellable (self->task, FALSE);

  self->context = g_main_context_ref_thread_default ();
  self->abort = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (ph_secure_cancel_other_cb),
                                               g_object_ref (self->abort), g_object_unref);
    }
  ph_pairing_arm_timer (self, PH_PAIRING_EXCHANGE_TIMEOUT);
}

static void
handshake_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PhPairing) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *peer = NULL;
  PhDevice *device;
  gint64 until = 0;

  if (!g_tls_connection_handshake_finish (self->tls, result, &error))
    {
      ph_pairing_fail (self, ph_secure_tls_explain (self->tls, self->expected, self->peer_address,
                                                    g_steal_pointer (&error)),
                       FALSE);
      return;
    }
  if (self->task == NULL)
    return;

  fingerprint = ph_secure_tls_verify (self->tls, self->expected, self->peer_address, &error);
  if (fingerprint == NULL)
    {
      ph_pairing_fail (self, g_steal_pointer (&error), FALSE);
      return;
    }

  device = ph_devices_lookup (self->devices, fingerprint);
  ph_pairing_set_peer (self, fingerprint, device ? ph_device_get_name (device) : NULL);
  peer = ph_pairing_describe_peer (self);

  if (device != NULL && ph_device_get_state (device) == PH_DEVICE_BLOCKED)
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_BLOCKED,
                                        _("%s is blocked on this computer; unblock it to pair"), peer),
                     FALSE);
  else if (ph_devices_is_pairing_paused (self->devices, fingerprint, &until))
    {
      guint minutes = (guint) MAX ((until - g_get_real_time () / G_USEC_PER_SEC + 59) / 60, 1);

      ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_PAUSED,
                                          g_dngettext (GETTEXT_PACKAGE,
                                                       "Pairing with %s is paused after three failed "
                                                       "comparisons; try again in %u minute",
                                                       "Pairing with %s is paused after three failed "
                                                       "comparisons; try again in %u minutes",
                                                       minutes),
                                          peer, minutes),
                       FALSE);
    }
  else
    {
      self->expect = PH_PAIRING_EXPECT_HELLO;
      read_next (self);
    }
}

/**
 * ph_pairing_run_async:
 * @connection: a new connection to a receiver, nothing sent on it
 * @cancellable: (nullable): stops the pairing (not a failed comparison)
 *
 * Pairs with the receiver at the other end: "state" tells the progress;
 * show "code" once COMPARING and pass on the person's answer. Completes
 * when the connection is closed after the outcome.
 */
void
ph_pairing_run_async (PhPairing           *self,
                      GSocketConnection   *connection,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PH_IS_PAIRING (self));
  g_return_if_fail (G_IS_SOCKET_CONNECTION (connection));
  g_return_if_fail (self->task == NULL && self->state == PH_PAIRING_STARTING);
  g_return_if_fail (self->role == PH_PAIRING_INITIATOR);

  self->connection = g_object_ref (connection);
  self->peer_address = ph_secure_describe_peer (connection);
  if (self->peer_address == NULL)
    self->peer_address = g_strdup (_("the receiver"));
  ph_pairing_start (self, cancellable, callback, user_data);

  self->tls = ph_secure_tls_client_new (G_IO_STREAM (connection), self->identity, self->expected, &error);
  if (self->tls == NULL)
    {
      ph_pairing_fail (self, g_steal_pointer (&error), FALSE);
      return;
    }

  g_tls_connection_handshake_async (self->tls, G_PRIORITY_DEFAULT, self->abort, handshake_cb,
                                    g_object_ref (self));
}

gboolean
ph_pairing_run_finish (PhPairing     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The responder, once the initiator's hello asked to pair. */
void
ph_pairing_respond_async (PhPairing           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  PhMessage no = { .type = PH_MESSAGE_DECISION, .decision = PH_DECISION_DECLINED };
  g_autofree char *peer = NULL;
  gint64 until = 0;

  g_return_if_fail (PH_IS_PAIRING (self) && self->role == PH_PAIRING_RESPONDER);
  g_return_if_fail (self->task == NULL);

  ph_pairing_start (self, cancellable, callback, user_data);
  peer = ph_pairing_describe_peer (self);

  if (ph_devices_is_pairing_paused (self->devices, self->peer_fingerprint, &until))
    {
      no.reason = (char *) PH_PAIRING_REASON_PAUSED;
      ph_pairing_send (self, &no);
      ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_PAUSED,
                                          _("%s asked to pair, but pairing with it is paused after "
                                            "three failed comparisons"), peer),
                       TRUE);
    }
  else
    self->expect = PH_PAIRING_EXPECT_COMMIT;

  read_next (self);
}
