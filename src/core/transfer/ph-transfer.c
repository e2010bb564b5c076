/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhTransfer: one file going one way (see the header). What the engine
 * sets, and progress, are in ph-transfer-progress.c. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-enums.h"
#include "ph-error.h"
#include "ph-naming.h"
#include "ph-transfer-fields-private.h"

G_DEFINE_FINAL_TYPE (PhTransfer, ph_transfer, G_TYPE_OBJECT)

GParamSpec *ph_transfer_properties[N_PROPS];
#define properties ph_transfer_properties

static void
ph_transfer_dispose (GObject *object)
{
  PhTransfer *self = PH_TRANSFER (object);

  ph_transfer_stop_ticking (self);

  G_OBJECT_CLASS (ph_transfer_parent_class)->dispose (object);
}

static void
ph_transfer_finalize (GObject *object)
{
  PhTransfer *self = PH_TRANSFER (object);

  g_clear_pointer (&self->peer, g_free);
  g_clear_pointer (&self->peer_fingerprint, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->folder, g_free);
  g_clear_object (&self->source);
  g_clear_object (&self->file);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (ph_transfer_parent_class)->finalize (object);
}

static void
ph_transfer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PhTransfer *self = PH_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_BYTES_DONE:
      g_value_set_int64 (value, self->notified_bytes);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, ph_transfer_get_error_message (self));
      break;
    case PROP_SOURCE:
      g_value_set_object (value, self->source);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_START_TIME:
      g_value_set_int64 (value, self->start_time);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_SECONDS_LEFT:
      g_value_set_int64 (value, self->seconds_left);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_transfer_class_init (PhTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  /* Set by the constructors, not as construct properties: without
   * them g_object_new() takes GObject's fast path, which a receiver
   * taking 100,000 small files notices. */

  object_class->dispose = ph_transfer_dispose;
  object_class->finalize = ph_transfer_finalize;
  object_class->get_property = ph_transfer_get_property;

  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL,
                       PH_TYPE_TRANSFER_DIRECTION, PH_TRANSFER_SEND, ro);
  properties[PROP_PEER] =
    g_param_spec_string ("peer", NULL, NULL, NULL, ro);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, G_MININT64, G_MAXINT64, -1, ro);
  properties[PROP_BYTES_DONE] =
    g_param_spec_int64 ("bytes-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       PH_TYPE_TRANSFER_STATE, PH_TRANSFER_QUEUED, ro);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_START_TIME] =
    g_param_spec_int64 ("start-time", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_int64 ("seconds-left", NULL, NULL, -1, G_MAXINT64, -1, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_transfer_init (PhTransfer *self)
{
  self->state = PH_TRANSFER_QUEUED;
  self->size = -1;
  self->seconds_left = -1;
  ph_rate_init (&self->rate, SPEED_SAMPLES);
  self->start_time = g_get_real_time ();
  self->context = g_main_context_ref_thread_default ();
}

/**
 * ph_transfer_new_outgoing:
 * @source: the file to send
 * @destination: `HOST[:PORT]`, parsed when the transfer is sent
 *
 * Returns: (transfer full): a queued outgoing transfer; its peer is
 *   @destination until the sender resolves it.
 */
PhTransfer *
ph_transfer_new_outgoing (GFile      *source,
                          const char *destination)
{
  PhTransfer *self;

  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (destination != NULL, NULL);

  self = g_object_new (PH_TYPE_TRANSFER, NULL);
  self->direction = PH_TRANSFER_SEND;
  self->source = g_object_ref (source);
  self->peer = g_strdup (destination);
  self->name = g_file_get_basename (source);
  /* The wire carries UTF-8; an odd on-disk name goes out repaired. */
  if (self->name == NULL)
    self->name = g_strdup ("");
  else if (!g_utf8_validate (self->name, -1, NULL))
    {
      char *valid = g_utf8_make_valid (self->name, -1);

      g_free (self->name);
      self->name = valid;
    }

  return self;
}

/**
 * ph_transfer_new_outgoing_path:
 * @source: the file to send
 * @destination: `HOST[:PORT]`, parsed when the transfer is sent
 * @path: (nullable): where the file goes below the receive folder,
 *   from ph_naming_relative_path() ("Holiday/Day 1/beach.jpg")
 *
 * A transfer whose name on the wire is @path, for a receiver that
 * announced paths=1 (SPEC, Folder paths): ph_transfer_get_name() gives
 * it, and the sender sends that. Without @path, as
 * ph_transfer_new_outgoing().
 *
 * Returns: (transfer full): a queued outgoing transfer
 */
PhTransfer *
ph_transfer_new_outgoing_path (GFile      *source,
                               const char *destination,
                               const char *path)
{
  PhTransfer *self;

  g_return_val_if_fail (path == NULL || ph_naming_path_is_valid (path), NULL);

  self = ph_transfer_new_outgoing (source, destination);
  if (self != NULL && path != NULL)
    ph_transfer_set_name (self, path);

  return self;
}

PhTransfer *
ph_transfer_new_incoming (const char *peer,
                          const char *name,
                          gint64      size)
{
  PhTransfer *self;

  self = g_object_new (PH_TYPE_TRANSFER, NULL);
  self->direction = PH_TRANSFER_RECEIVE;
  self->peer = g_strdup (peer);
  self->name = g_strdup (name);
  self->size = size;

  return self;
}

PhTransferDirection
ph_transfer_get_direction (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), PH_TRANSFER_SEND);

  return self->direction;
}

const char *
ph_transfer_get_peer (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->peer;
}

const char *
ph_transfer_get_name (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->name;
}

/**
 * ph_transfer_dup_folder:
 *
 * Returns: (transfer full) (nullable): the folder path the file has in
 *   what was sent ("Holiday/Day 1"): the one its name carries, or, for
 *   a file of a folder sent as its base name, the one it came from.
 */
char *
ph_transfer_dup_folder (PhTransfer *self)
{
  const char *slash;

  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  if (self->folder != NULL)
    return g_strdup (self->folder);

  slash = self->name != NULL ? strrchr (self->name, '/') : NULL;
  return slash != NULL && slash > self->name ? g_strndup (self->name, slash - self->name) : NULL;
}

/* Says where a file sent under its base name was in its folder. */
void
ph_transfer_set_folder (PhTransfer *self,
                        const char *folder)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  g_free (self->folder);
  self->folder = g_strdup (folder);
}

/* Returns: the announced size, or -1 while not yet known. */
gint64
ph_transfer_get_size (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), -1);

  return self->size;
}

/* Unlike the throttled property, this reads the live counter: it is
 * safe to call at any moment from the transfer's context. */
gint64
ph_transfer_get_bytes_done (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), 0);

  return atomic_load_explicit (&self->bytes_done, memory_order_relaxed);
}

PhTransferState
ph_transfer_get_state (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), PH_TRANSFER_FAILED);

  return self->state;
}

const char *
ph_transfer_get_error_message (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->error ? self->error->message : NULL;
}

const GError *
ph_transfer_get_error (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->error;
}

GFile *
ph_transfer_get_source (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->source;
}

/* Returns: (nullable): the saved file of a finished incoming transfer. */
GFile *
ph_transfer_get_file (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->file;
}

/* Returns: when the transfer was created, in µs of g_get_real_time(). */
gint64
ph_transfer_get_start_time (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), 0);

  return self->start_time;
}

/* Returns: bytes per second over the last second; once finished, the
 * average over the whole data phase. */
double
ph_transfer_get_speed (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), 0);

  return self->speed;
}

/* Returns: the estimated seconds left, or -1 when unknown. */
gint64
ph_transfer_get_seconds_left (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), -1);

  return self->seconds_left;
}

gboolean
ph_transfer_is_finished (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), TRUE);

  return ph_transfer_state_is_final (self->state);
}

/* Made when first asked for, from whichever thread asks: most small
 * files are never cancelled nor waited on. */
GCancellable *
ph_transfer_get_cancellable (PhTransfer *self)
{
  GCancellable *cancellable;

  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  cancellable = g_atomic_pointer_get (&self->cancellable);
  if (cancellable == NULL)
    {
      GCancellable *made = g_cancellable_new ();

      if (g_atomic_pointer_compare_and_exchange (&self->cancellable, NULL, made))
        return made;
      g_object_unref (made);
      cancellable = g_atomic_pointer_get (&self->cancellable);
    }

  return cancellable;
}

GCancellable *
ph_transfer_peek_cancellable (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return g_atomic_pointer_get (&self->cancellable);
}

/* Cancels whatever the transfer is doing; it ends CANCELLED once the
 * engine has cleaned up (at once for an outgoing one not yet sent). */
void
ph_transfer_cancel (PhTransfer *self)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (ph_transfer_state_is_final (self->state))
    return;

  g_cancellable_cancel (ph_transfer_get_cancellable (self));

  if (self->direction == PH_TRANSFER_SEND && self->state == PH_TRANSFER_QUEUED)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Cancelled"));
      ph_transfer_fail (self, error);
    }
}

static void
decide (PhTransfer *self,
        gboolean    accepted)
{
  PhTransferDecisionFunc func = self->decision_func;
  gpointer data = self->decision_data;

  if (self->state != PH_TRANSFER_WAITING || func == NULL)
    return;

  self->decision_func = NULL;
  self->decision_data = NULL;
  func (self, accepted, data);
}

/* Lets a WAITING incoming transfer proceed. Does nothing otherwise
 * (the sender may have hung up a moment ago). */
void
ph_transfer_accept (PhTransfer *self)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  decide (self, TRUE);
}

/* Refuses a WAITING incoming transfer: the connection is closed without
 * writing anything and the transfer ends FAILED with PH_ERROR_DECLINED. */
void
ph_transfer_decline (PhTransfer *self)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  decide (self, FALSE);
}
