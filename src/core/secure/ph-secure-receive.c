/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSecureReceive: the object, its settings and what it tells. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-frame-queue-private.h"
#include "ph-gsource-private.h"
#include "ph-pairing.h"
#include "ph-secure-receive-private.h"
#include "ph-secure-channel-private.h"
#include "ph-secure-tls-private.h"

#define DEFAULT_HANDSHAKE_TIMEOUT 10000
#define DEFAULT_IDLE_TIMEOUT      30000

G_DEFINE_FINAL_TYPE (PhSecureReceive, ph_secure_receive, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PHASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DECIDE,
  TRANSFER_ADDED,
  PAIRING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
ph_secure_receive_set_phase (PhSecureReceive      *self,
                             PhSecureReceivePhase  phase)
{
  if (self->phase == phase)
    return;

  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

void
ph_secure_receive_emit_decide (PhSecureReceive *self)
{
  g_signal_emit (self, signals[DECIDE], 0);
}

/* Returns: FALSE when nobody is there to show the pairing */
gboolean
ph_secure_receive_emit_pairing (PhSecureReceive *self,
                                PhPairing       *pairing)
{
  if (!g_signal_has_handler_pending (self, signals[PAIRING], 0, FALSE))
    return FALSE;

  g_signal_emit (self, signals[PAIRING], 0, pairing);
  return TRUE;
}

void
ph_secure_receive_emit_transfer_added (PhSecureReceive *self,
                                       PhTransfer      *transfer)
{
  g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
}

/* Ends the run: TRUE without @error, FALSE with it (the connection is
 * then reset). Idempotent. */
void
ph_secure_receive_finish (PhSecureReceive *self,
                          GError          *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  ph_gsource_clear (&self->timeout_source);
  ph_gsource_clear (&self->watch_source);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (self->caller_cancellable, self->cancel_id);
  self->cancel_id = 0;

  if (error != NULL)
    {
      ph_secure_reset (self->tls ? G_IO_STREAM (self->tls) : G_IO_STREAM (self->connection));
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);

  ph_secure_receive_set_phase (self, PH_SECURE_RECEIVE_FINISHED);
}

gboolean
ph_secure_receive_run_finish (PhSecureReceive  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
ph_secure_receive_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PhSecureReceive *self = PH_SECURE_RECEIVE (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_secure_receive_finalize (GObject *object)
{
  PhSecureReceive *self = PH_SECURE_RECEIVE (object);

  g_assert (self->task == NULL);
  g_clear_pointer (&self->events, ph_secure_events_free);
  g_clear_object (&self->connection);
  g_clear_object (&self->identity);
  g_clear_object (&self->directory);
  g_clear_object (&self->devices);
  g_clear_object (&self->abort);
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->tls);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->space, ph_disk_space_unref);
  g_clear_pointer (&self->frames, ph_frame_queue_free);
  ph_frame_reader_clear (&self->reader);
  ph_message_clear (&self->hello);
  g_free (self->device_name);
  g_free (self->prefix);
  g_free (self->peer);
  g_free (self->peer_fingerprint);

  G_OBJECT_CLASS (ph_secure_receive_parent_class)->finalize (object);
}

static void
ph_secure_receive_class_init (PhSecureReceiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ph_secure_receive_get_property;
  object_class->finalize = ph_secure_receive_finalize;

  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL,
                       PH_TYPE_SECURE_RECEIVE_PHASE, PH_SECURE_RECEIVE_HANDSHAKE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DECIDE] =
    g_signal_new ("decide", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PAIRING] =
    g_signal_new ("pairing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_PAIRING);
  signals[TRANSFER_ADDED] =
    g_signal_new ("transfer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_TRANSFER);
}

static void
ph_secure_receive_init (PhSecureReceive *self)
{
  self->abort = g_cancellable_new ();
  self->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  ph_frame_reader_init (&self->reader, 0);
}

/**
 * ph_secure_receive_new:
 * @connection: a connection whose first byte is 0x16, nothing read yet
 * @identity: this installation's identity
 * @directory: the receive folder
 *
 * Returns: (transfer full): the session; see ph_secure_receive_run_async()
 */
PhSecureReceive *
ph_secure_receive_new (GSocketConnection *connection,
                       PhIdentity        *identity,
                       GFile             *directory)
{
  PhSecureReceive *self;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (connection), NULL);
  g_return_val_if_fail (PH_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (PH_TYPE_SECURE_RECEIVE, NULL);
  self->connection = g_object_ref (connection);
  self->identity = g_object_ref (identity);
  self->directory = g_object_ref (directory);

  return self;
}

/* The name the sender is shown (its hello). */
void
ph_secure_receive_set_device_name (PhSecureReceive *self,
                                   const char      *name)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  g_free (self->device_name);
  self->device_name = g_strdup (name);
}

void
ph_secure_receive_set_prefix (PhSecureReceive *self,
                              const char      *prefix)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  g_free (self->prefix);
  self->prefix = g_strdup (prefix);
}

/* Whether folder paths are kept (SPEC, Folder paths); said in the hello. */
void
ph_secure_receive_set_accepts_paths (PhSecureReceive *self,
                                     gboolean         accepts_paths)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  self->accepts_paths = !!accepts_paths;
}

/* For the TLS handshake and both hellos together. */
void
ph_secure_receive_set_handshake_timeout (PhSecureReceive *self,
                                         guint            msec)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  self->handshake_timeout = msec;
}

/* How long the sender may send nothing once accepted (seconds
 * granularity; 0: no limit). */
void
ph_secure_receive_set_idle_timeout (PhSecureReceive *self,
                                    guint            msec)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));

  self->idle_timeout = msec;
}

/* Who is blocked, and where pairing is remembered (see the type's
 * description). */
void
ph_secure_receive_set_devices (PhSecureReceive *self,
                               PhDevices       *devices)
{
  g_return_if_fail (PH_IS_SECURE_RECEIVE (self));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  g_set_object (&self->devices, devices);
}

PhSecureReceivePhase
ph_secure_receive_get_phase (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), PH_SECURE_RECEIVE_FINISHED);

  return self->phase;
}

/* Returns: the sender's "address:port" (once running) */
const char *
ph_secure_receive_get_peer (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), NULL);

  return self->peer;
}

/* Returns: (nullable): who is sending, once the handshake is done */
const char *
ph_secure_receive_get_peer_fingerprint (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), NULL);

  return self->peer_fingerprint;
}

/* Returns: (nullable): the name the sender gave itself (its own
 * choice, proving nothing; escape it before showing it as markup) */
const char *
ph_secure_receive_get_peer_name (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), NULL);

  return self->hello_read ? self->hello.name : NULL;
}

/* Returns: how many files the sender announced; it may send fewer, never more */
guint64
ph_secure_receive_get_announced_files (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), 0);

  return self->hello.files;
}

/* Returns: how many bytes the sender announced; it may send fewer, never more */
guint64
ph_secure_receive_get_announced_bytes (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), 0);

  return self->hello.bytes;
}

/* Returns: the files committed so far */
guint
ph_secure_receive_get_n_saved (PhSecureReceive *self)
{
  g_return_val_if_fail (PH_IS_SECURE_RECEIVE (self), 0);

  return self->n_saved;
}
