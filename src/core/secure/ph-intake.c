/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-intake.h"
#include "ph-naming.h"
#include "ph-wire.h"

struct _PhIntake
{
  const PhIntakeSink *sink;
  gpointer            sink_data;
  gboolean            paths;

  /* What the sender announced and has left of it. */
  guint64             files_left;
  guint64             bytes_left;

  guint32             next_id;
  gboolean            ended;
  guint               n_saved;

  /* The file whose bytes are arriving. */
  gboolean            in_file;
  guint32             id;
  gpointer            file;          /* NULL: its bytes are skipped */
  gint64              data_left;
  gint64              chunk_left;
};

static gboolean
violation (GError     **error,
           const char  *what)
{
  g_set_error_literal (error, PH_ERROR, PH_ERROR_PROTOCOL, what);
  return FALSE;
}

/* The reason a receipt gives for @error. */
const char *
ph_intake_reason_for (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return PH_REASON_CANCELLED;
  if (g_error_matches (error, PH_ERROR, PH_ERROR_NO_SPACE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return PH_REASON_NO_SPACE;
  if (g_error_matches (error, PH_ERROR, PH_ERROR_NEGATIVE_SIZE) ||
      g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
    return PH_REASON_REFUSED;

  return PH_REASON_FAILED;
}

static void
send_receipt (PhIntake   *self,
              guint32     id,
              const char *name,
              const char *reason)
{
  PhMessage receipt = {
    .type = PH_MESSAGE_RECEIPT,
    .id = id,
    .saved = name != NULL,
    .name = (char *) name,
    .reason = (char *) reason,
  };

  self->sink->receipt (self->sink_data, &receipt);
}

/* Ends the current file's sink handle without saving it: its receipt
 * says why. Its remaining bytes, if any, are skipped. */
static void
drop_file (PhIntake     *self,
           const GError *why)
{
  if (self->file != NULL)
    {
      self->sink->close (self->sink_data, g_steal_pointer (&self->file), why);
      send_receipt (self, self->id, NULL, ph_intake_reason_for (why));
    }
}

static void
commit_file (PhIntake *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gpointer file = g_steal_pointer (&self->file);

  self->in_file = FALSE;
  if (file == NULL)
    return;

  name = self->sink->commit (self->sink_data, file, &error);
  self->sink->close (self->sink_data, file, name ? NULL : error);
  if (name != NULL)
    self->n_saved++;
  send_receipt (self, self->id, name, name ? NULL : ph_intake_reason_for (error));
}

static gboolean
start_file (PhIntake         *self,
            const PhMessage  *message,
            GError          **error)
{
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autofree char *name = NULL;
  gint64 size;

  if (self->in_file)
    return violation (error, _("a file began before the previous one ended"));
  if (message->id != self->next_id)
    return violation (error, _("files out of order"));
  if (self->files_left == 0)
    return violation (error, _("more files than the batch announced"));

  ph_wire_decode_header (message->header, &raw, &size);
  if (size > 0 && (guint64) size > self->bytes_left)
    return violation (error, _("more bytes than the batch announced"));

  self->files_left--;
  self->next_id++;
  self->id = message->id;
  self->in_file = TRUE;
  self->data_left = MAX (size, 0);
  self->chunk_left = 0;
  self->bytes_left -= self->data_left;

  name = self->paths ? ph_naming_sanitize_path (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw))
                     : ph_naming_sanitize (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));

  self->file = self->sink->open (self->sink_data, message->id, name, size, &refusal);

  if (self->file == NULL)
    {
      if (refusal == NULL)
        refusal = g_error_new_literal (PH_ERROR, PH_ERROR_FAILED, _("Refused"));
      self->in_file = self->data_left > 0;
      send_receipt (self, message->id, NULL, ph_intake_reason_for (refusal));
      return TRUE;
    }

  if (size == 0)
    commit_file (self);

  return TRUE;
}

/**
 * ph_intake_new:
 * @hello: the sender's hello, with its summary
 * @paths: whether folder paths are kept
 *
 * Returns: (transfer full): an intake for the batch @hello announced
 */
PhIntake *
ph_intake_new (const PhIntakeSink *sink,
               gpointer            sink_data,
               const PhMessage    *hello,
               gboolean            paths)
{
  PhIntake *self;

  g_return_val_if_fail (sink != NULL, NULL);
  g_return_val_if_fail (hello != NULL && hello->type == PH_MESSAGE_HELLO, NULL);

  self = g_new0 (PhIntake, 1);
  self->sink = sink;
  self->sink_data = sink_data;
  self->paths = paths;
  self->files_left = hello->files;
  self->bytes_left = hello->bytes;

  return self;
}

/* Throws away the file under way, if any (the stream broke). */
void
ph_intake_abort (PhIntake     *self,
                 const GError *why)
{
  g_return_if_fail (self != NULL);

  if (self->file != NULL)
    self->sink->close (self->sink_data, g_steal_pointer (&self->file), why);
  self->in_file = FALSE;
}

void
ph_intake_free (PhIntake *self)
{
  g_autoptr(GError) why = NULL;

  if (self == NULL)
    return;

  why = g_error_new_literal (PH_ERROR, PH_ERROR_CONNECTION, _("The connection ended"));
  ph_intake_abort (self, why);
  g_free (self);
}

/**
 * ph_intake_message:
 * @message: a frame from the sender, once the batch was accepted
 *
 * Returns: FALSE with PH_ERROR_PROTOCOL when the sender broke the
 *   protocol, or with PH_ERROR_CONNECTION when it reported an error:
 *   the connection then ends
 */
gboolean
ph_intake_message (PhIntake         *self,
                   const PhMessage  *message,
                   GError          **error)
{
  g_return_val_if_fail (self != NULL && message != NULL, FALSE);

  if (self->ended && message->type != PH_MESSAGE_UNKNOWN)
    return violation (error, _("a frame after the end"));

  switch (message->type)
    {
    case PH_MESSAGE_FILE:
      return start_file (self, message, error);

    case PH_MESSAGE_CANCEL:
      if (message->id >= self->next_id)
        return violation (error, _("a cancel for a file not sent"));
      /* An earlier file has its receipt already: too late to cancel. */
      if (self->in_file && message->id == self->id)
        {
          g_autoptr(GError) why = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                       _("The sender cancelled it"));

          drop_file (self, why);
          self->in_file = FALSE;
        }
      return TRUE;

    case PH_MESSAGE_END:
      if (self->in_file)
        return violation (error, _("the end inside a file"));
      self->ended = TRUE;
      return TRUE;

    case PH_MESSAGE_ERROR:
      g_set_error (error, PH_ERROR, PH_ERROR_CONNECTION, _("The sender gave up: %s"),
                   message->reason);
      return FALSE;

    case PH_MESSAGE_HELLO:
    case PH_MESSAGE_DECISION:
    case PH_MESSAGE_RECEIPT:
    case PH_MESSAGE_PAIR_COMMIT:
    case PH_MESSAGE_PAIR_NONCE:
    case PH_MESSAGE_PAIR_REVEAL:
    case PH_MESSAGE_PAIR_ANSWER:
      return violation (error, _("a frame the sender may not send now"));

    case PH_MESSAGE_UNKNOWN:
    default:
      return TRUE;
    }
}

/* A chunk of @len file bytes begins. */
gboolean
ph_intake_chunk (PhIntake  *self,
                 gsize      len,
                 GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!self->in_file || self->chunk_left > 0)
    return violation (error, _("file bytes outside a file"));
  if ((gint64) len > self->data_left)
    return violation (error, _("more bytes than the file’s header announced"));

  self->chunk_left = len;
  return TRUE;
}

/* File bytes of the chunk under way. */
gboolean
ph_intake_data (PhIntake      *self,
                const guint8  *data,
                gsize          len,
                GError       **error)
{
  g_autoptr(GError) failure = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if ((gint64) len > self->chunk_left)
    return violation (error, _("file bytes outside a file"));

  self->chunk_left -= len;
  self->data_left -= len;

  if (self->file != NULL &&
      !self->sink->write (self->sink_data, self->file, data, len, &failure))
    drop_file (self, failure);

  if (self->data_left == 0)
    commit_file (self);

  return TRUE;
}

/* The receiving side gives up file @id (its person cancelled it): its
 * receipt says so now, and its remaining bytes are skipped. */
void
ph_intake_cancel_file (PhIntake *self,
                       guint32   id)
{
  g_autoptr(GError) why = NULL;

  g_return_if_fail (self != NULL);

  if (!self->in_file || self->id != id || self->file == NULL)
    return;

  why = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  drop_file (self, why);
}

/* Returns: whether the sender said it has sent everything */
gboolean
ph_intake_is_ended (PhIntake *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->ended;
}

guint
ph_intake_get_n_saved (PhIntake *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_saved;
}
