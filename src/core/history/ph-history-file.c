/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-enums.h"
#include "ph-history-private.h"

struct _PhHistoryFile
{
  GObject           parent_instance;

  PhHistoryFileRow *row;
};

G_DEFINE_FINAL_TYPE (PhHistoryFile, ph_history_file, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_NAME,
  PROP_FOLDER,
  PROP_SIZE,
  PROP_BYTES_DONE,
  PROP_OUTCOME,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
ph_history_file_row_free (PhHistoryFileRow *row)
{
  if (row == NULL)
    return;

  g_free (row->name);
  g_free (row->folder);
  g_free (row->location);
  g_free (row->error);
  g_free (row);
}

static void
ph_history_file_finalize (GObject *object)
{
  PhHistoryFile *self = PH_HISTORY_FILE (object);

  g_clear_pointer (&self->row, ph_history_file_row_free);

  G_OBJECT_CLASS (ph_history_file_parent_class)->finalize (object);
}

static void
ph_history_file_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PhHistoryFile *self = PH_HISTORY_FILE (object);

  switch (prop_id)
    {
    case PROP_POSITION:      g_value_set_uint (value, self->row->position); break;
    case PROP_NAME:          g_value_set_string (value, self->row->name); break;
    case PROP_FOLDER:        g_value_set_string (value, self->row->folder); break;
    case PROP_SIZE:          g_value_set_int64 (value, self->row->size); break;
    case PROP_BYTES_DONE:    g_value_set_int64 (value, self->row->bytes_done); break;
    case PROP_OUTCOME:       g_value_set_enum (value, self->row->outcome); break;
    case PROP_STATE:         g_value_set_enum (value, ph_history_file_get_state (self)); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, ph_history_file_get_error_message (self)); break;
    case PROP_FILE:          g_value_take_object (value, ph_history_file_dup_file (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_history_file_class_init (PhHistoryFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ph_history_file_finalize;
  object_class->get_property = ph_history_file_get_property;

  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_FOLDER] = g_param_spec_string ("folder", NULL, NULL, NULL, ro);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, 0, ro);
  properties[PROP_BYTES_DONE] = g_param_spec_int64 ("bytes-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL, PH_TYPE_HISTORY_OUTCOME, PH_HISTORY_RUNNING, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PH_TYPE_TRANSFER_STATE, PH_TRANSFER_QUEUED, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_history_file_init (PhHistoryFile *self)
{
}

/* Takes @row; any thread. */
PhHistoryFile *
ph_history_file_new_take (PhHistoryFileRow *row)
{
  PhHistoryFile *self = g_object_new (PH_TYPE_HISTORY_FILE, NULL);

  self->row = row;
  return self;
}

/* Returns: its place in the batch, from 0: the key of the next page. */
guint
ph_history_file_get_position (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), 0);

  return self->row->position;
}

const char *
ph_history_file_get_name (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), NULL);

  return self->row->name;
}

/* Returns: (nullable): its folder path ("Holiday/Day 1"), if any. */
const char *
ph_history_file_get_folder (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), NULL);

  return self->row->folder;
}

gint64
ph_history_file_get_size (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), 0);

  return self->row->size;
}

gint64
ph_history_file_get_bytes_done (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), 0);

  return self->row->bytes_done;
}

PhHistoryOutcome
ph_history_file_get_outcome (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), PH_HISTORY_FAILED);

  return self->row->outcome;
}

/* Returns: the outcome as PhTransfer:state says it (declined and
 * interrupted files FAILED, as PhTransfer). */
PhTransferState
ph_history_file_get_state (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), PH_TRANSFER_FAILED);

  switch (self->row->outcome)
    {
    case PH_HISTORY_RUNNING:
      return PH_TRANSFER_QUEUED;
    case PH_HISTORY_DONE:
      return PH_TRANSFER_DONE;
    case PH_HISTORY_CANCELLED:
      return PH_TRANSFER_CANCELLED;
    case PH_HISTORY_DECLINED:
    case PH_HISTORY_FAILED:
    case PH_HISTORY_INTERRUPTED:
    default:
      return PH_TRANSFER_FAILED;
    }
}

const char *
ph_history_file_get_error_message (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), NULL);

  if (self->row->outcome == PH_HISTORY_INTERRUPTED)
    return _("Interrupted: Posthouse stopped before this file was finished");

  return self->row->error;
}

/* Returns: (transfer full) (nullable): where it was saved or read from. */
GFile *
ph_history_file_dup_file (PhHistoryFile *self)
{
  g_return_val_if_fail (PH_IS_HISTORY_FILE (self), NULL);

  if (self->row->location == NULL)
    return NULL;

  return g_file_new_for_uri (self->row->location);
}
