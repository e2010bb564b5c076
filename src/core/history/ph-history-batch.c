/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-enums.h"
#include "ph-history-private.h"

struct _PhHistoryBatch
{
  GObject            parent_instance;

  PhHistoryBatchRow *row;
  char              *title;   /* "3 files", said when first asked */
};

G_DEFINE_FINAL_TYPE (PhHistoryBatch, ph_history_batch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_PEER,
  PROP_DEVICE_NAME,
  PROP_FINGERPRINT,
  PROP_ENCRYPTED,
  PROP_TITLE,
  PROP_START_TIME,
  PROP_END_TIME,
  PROP_OUTCOME,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_N_FILES,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_CANCELLED,
  PROP_N_DECLINED,
  PROP_TOTAL_SIZE,
  PROP_BYTES_DONE,
  PROP_FLATTENED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Rows */

PhHistoryBatchRow *
ph_history_batch_row_copy (const PhHistoryBatchRow *row)
{
  PhHistoryBatchRow *copy = g_memdup2 (row, sizeof *row);

  copy->uuid = g_strdup (row->uuid);
  copy->address = g_strdup (row->address);
  copy->device_name = g_strdup (row->device_name);
  copy->fingerprint = g_strdup (row->fingerprint);
  copy->title = g_strdup (row->title);
  copy->error = g_strdup (row->error);
  copy->first_location = g_strdup (row->first_location);

  return copy;
}

void
ph_history_batch_row_free (PhHistoryBatchRow *row)
{
  if (row == NULL)
    return;

  g_free (row->uuid);
  g_free (row->address);
  g_free (row->device_name);
  g_free (row->fingerprint);
  g_free (row->title);
  g_free (row->error);
  g_free (row->first_location);
  g_free (row);
}

/* GObject */

static void
ph_history_batch_finalize (GObject *object)
{
  PhHistoryBatch *self = PH_HISTORY_BATCH (object);

  g_clear_pointer (&self->row, ph_history_batch_row_free);
  g_free (self->title);

  G_OBJECT_CLASS (ph_history_batch_parent_class)->finalize (object);
}

static void
ph_history_batch_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PhHistoryBatch *self = PH_HISTORY_BATCH (object);
  const PhHistoryBatchRow *row = self->row;

  switch (prop_id)
    {
    case PROP_ID:            g_value_set_string (value, row->uuid); break;
    case PROP_DIRECTION:     g_value_set_enum (value, row->direction); break;
    case PROP_PEER:          g_value_set_string (value, row->address); break;
    case PROP_DEVICE_NAME:   g_value_set_string (value, row->device_name); break;
    case PROP_FINGERPRINT:   g_value_set_string (value, row->fingerprint); break;
    case PROP_ENCRYPTED:     g_value_set_boolean (value, row->encrypted); break;
    case PROP_TITLE:         g_value_set_string (value, ph_history_batch_get_title (self)); break;
    case PROP_START_TIME:    g_value_set_int64 (value, row->started_at); break;
    case PROP_END_TIME:      g_value_set_int64 (value, row->ended_at); break;
    case PROP_OUTCOME:       g_value_set_enum (value, row->outcome); break;
    case PROP_STATE:         g_value_set_enum (value, ph_history_batch_get_state (self)); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, ph_history_batch_get_error_message (self)); break;
    case PROP_N_FILES:       g_value_set_uint (value, row->n_files); break;
    case PROP_N_DONE:        g_value_set_uint (value, row->n_done); break;
    case PROP_N_FAILED:      g_value_set_uint (value, row->n_failed); break;
    case PROP_N_CANCELLED:   g_value_set_uint (value, row->n_cancelled); break;
    case PROP_N_DECLINED:    g_value_set_uint (value, row->n_declined); break;
    case PROP_TOTAL_SIZE:    g_value_set_int64 (value, row->total_size); break;
    case PROP_BYTES_DONE:    g_value_set_int64 (value, row->bytes_done); break;
    case PROP_FLATTENED:     g_value_set_boolean (value, row->flattened); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_history_batch_class_init (PhHistoryBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ph_history_batch_finalize;
  object_class->get_property = ph_history_batch_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL, PH_TYPE_TRANSFER_DIRECTION, PH_TRANSFER_SEND, ro);
  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, ro);
  properties[PROP_DEVICE_NAME] = g_param_spec_string ("device-name", NULL, NULL, NULL, ro);
  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, ro);
  properties[PROP_ENCRYPTED] = g_param_spec_boolean ("encrypted", NULL, NULL, FALSE, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_START_TIME] = g_param_spec_int64 ("start-time", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_END_TIME] = g_param_spec_int64 ("end-time", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL, PH_TYPE_HISTORY_OUTCOME, PH_HISTORY_RUNNING, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PH_TYPE_TRANSFER_STATE, PH_TRANSFER_QUEUED, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_N_FILES] = g_param_spec_uint ("n-files", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_CANCELLED] = g_param_spec_uint ("n-cancelled", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_DECLINED] = g_param_spec_uint ("n-declined", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_TOTAL_SIZE] = g_param_spec_int64 ("total-size", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_BYTES_DONE] = g_param_spec_int64 ("bytes-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_FLATTENED] = g_param_spec_boolean ("flattened", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_history_batch_init (PhHistoryBatch *self)
{
}

/* Takes @row; any thread. */
PhHistoryBatch *
ph_history_batch_new_take (PhHistoryBatchRow *row)
{
  PhHistoryBatch *self = g_object_new (PH_TYPE_HISTORY_BATCH, NULL);

  self->row = row;
  return self;
}

const PhHistoryBatchRow *
ph_history_batch_get_row (PhHistoryBatch *self)
{
  return self->row;
}

/* Returns: the stored batch's identifier, the same in every process
 * (for action targets and ph_history_delete_async()). */
const char *
ph_history_batch_get_id (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  return self->row->uuid;
}

PhTransferDirection
ph_history_batch_get_direction (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), PH_TRANSFER_SEND);

  return self->row->direction;
}

/* Returns: the address: the destination (`HOST[:PORT]`) or the host
 * the files came from. */
const char *
ph_history_batch_get_peer (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  return self->row->address;
}

/* Returns: (nullable): the device's name as people know it, if known. */
const char *
ph_history_batch_get_device_name (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  return self->row->device_name;
}

/* Returns: (nullable): the peer's fingerprint (secure channel only). */
const char *
ph_history_batch_get_fingerprint (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  return self->row->fingerprint;
}

gboolean
ph_history_batch_get_encrypted (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), FALSE);

  return self->row->encrypted;
}

/* Returns: what PhBatch:title says: the batch's own title, the single
 * file's name, or "3 files" (in today's language). */
const char *
ph_history_batch_get_title (PhHistoryBatch *self)
{
  guint n;

  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  if (self->row->title != NULL)
    return self->row->title;

  if (self->title == NULL)
    {
      n = self->row->n_files;
      /* Translators: the name of a group of files sent or received together */
      self->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file", "%'u files", n), n);
    }
  return self->title;
}

/* Returns: when the batch began, µs of g_get_real_time(). */
gint64
ph_history_batch_get_start_time (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->started_at;
}

/* Returns: when it ended (for an interrupted one: when it was last
 * heard of), µs of g_get_real_time(); 0 while it runs. */
gint64
ph_history_batch_get_end_time (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->ended_at;
}

PhHistoryOutcome
ph_history_batch_get_outcome (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), PH_HISTORY_FAILED);

  return self->row->outcome;
}

/* Returns: the outcome as PhBatch:state says it: an interrupted batch
 * FAILED, one still running in another program SENDING or RECEIVING. */
PhTransferState
ph_history_batch_get_state (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), PH_TRANSFER_FAILED);

  switch (self->row->outcome)
    {
    case PH_HISTORY_RUNNING:
      return self->row->direction == PH_TRANSFER_SEND ? PH_TRANSFER_SENDING : PH_TRANSFER_RECEIVING;
    case PH_HISTORY_DONE:
      return PH_TRANSFER_DONE;
    case PH_HISTORY_CANCELLED:
    case PH_HISTORY_DECLINED:
      return PH_TRANSFER_CANCELLED;
    case PH_HISTORY_FAILED:
    case PH_HISTORY_INTERRUPTED:
    default:
      return PH_TRANSFER_FAILED;
    }
}

/* Returns: (nullable): why it failed, as it was said then; for an
 * interrupted batch, that it was. */
const char *
ph_history_batch_get_error_message (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  if (self->row->outcome == PH_HISTORY_INTERRUPTED)
    return self->row->direction == PH_TRANSFER_SEND ?
           _("Interrupted: Posthouse stopped before everything was sent") :
           _("Interrupted: Posthouse stopped before everything was received");

  return self->row->error;
}

guint
ph_history_batch_get_n_files (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->n_files;
}

guint
ph_history_batch_get_n_done (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->n_done;
}

/* Returns: how many failed, not counting declined ones (as PhBatch). */
guint
ph_history_batch_get_n_failed (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->n_failed;
}

guint
ph_history_batch_get_n_cancelled (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->n_cancelled;
}

guint
ph_history_batch_get_n_declined (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->n_declined;
}

gint64
ph_history_batch_get_total_size (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->total_size;
}

gint64
ph_history_batch_get_bytes_done (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), 0);

  return self->row->bytes_done;
}

gboolean
ph_history_batch_get_flattened (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), FALSE);

  return self->row->flattened;
}

/* Returns: (transfer full) (nullable): the first file received (for
 * Open and Show in Folder) or sent (for Send Again); it may no longer
 * exist. */
GFile *
ph_history_batch_dup_first_file (PhHistoryBatch *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_BATCH (self), NULL);

  if (self->row->first_location == NULL)
    return NULL;

  return g_file_new_for_uri (self->row->first_location);
}
