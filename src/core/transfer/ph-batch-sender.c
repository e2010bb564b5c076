/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBatch: who sends it, in the secure channel (a fingerprint, paired
 * or not), what the sender announced (a count and a size, before any
 * file), and a question about the whole batch before anything arrived:
 * a secure connection asks once, then brings its files. */
#include "config.h"

#include "ph-batch-private.h"

/* Returns: (nullable): the sender's key, NULL for the original format
 *   (not encrypted, no identity: only its address is known) */
const char *
ph_batch_get_fingerprint (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->fingerprint;
}

/* Returns: whether the sender is a paired device */
gboolean
ph_batch_get_paired (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), FALSE);

  return self->paired;
}

/**
 * ph_batch_set_sender:
 * @fingerprint: (nullable): the key the sender proved; for an outgoing
 *   batch, the receiver's
 * @paired: whether it is a paired device
 */
void
ph_batch_set_sender (PhBatch    *self,
                     const char *fingerprint,
                     gboolean    paired)
{
  g_return_if_fail (PH_IS_BATCH (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->fingerprint, fingerprint) != 0)
    {
      g_free (self->fingerprint);
      self->fingerprint = g_strdup (fingerprint);
      g_object_notify_by_pspec (G_OBJECT (self), ph_batch_properties[PROP_FINGERPRINT]);
    }
  if (self->paired != !!paired)
    {
      self->paired = !!paired;
      g_object_notify_by_pspec (G_OBJECT (self), ph_batch_properties[PROP_PAIRED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* Returns: how many files the sender said the batch holds (0: unknown) */
guint
ph_batch_get_announced_files (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->announced_files;
}

/* Returns: how many bytes the sender said the batch holds */
gint64
ph_batch_get_announced_bytes (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->announced_bytes;
}

/* What the secure channel's hello says of the batch: at most this much. */
void
ph_batch_set_announced (PhBatch *self,
                        guint    n_files,
                        gint64   n_bytes)
{
  g_return_if_fail (PH_IS_BATCH (self));

  self->announced_files = n_files;
  self->announced_bytes = MAX (n_bytes, 0);
  ph_batch_schedule_flush (self);
}

/* Returns: whether the batch waits for an answer as a whole */
gboolean
ph_batch_get_asking (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), FALSE);

  return self->answer_func != NULL;
}

/**
 * ph_batch_ask:
 * @func: called once with the answer: ph_batch_accept() (TRUE),
 *   ph_batch_decline() or ph_batch_cancel() (FALSE)
 *
 * The batch waits for an answer before any of its files arrived (its
 * "state" is WAITING): a secure connection's sender asks once for the
 * whole batch it announced. Its files then come accepted.
 */
void
ph_batch_ask (PhBatch           *self,
              PhBatchAnswerFunc  func,
              gpointer           user_data,
              GDestroyNotify     destroy)
{
  g_return_if_fail (PH_IS_BATCH (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (self->answer_func == NULL);

  /* Answered already (Accept All, Cancel All): at once. */
  if (self->decision != DECISION_NONE || self->cancelled)
    {
      func (self, self->decision == DECISION_ACCEPT && !self->cancelled, user_data);
      if (destroy != NULL)
        destroy (user_data);
      return;
    }

  self->answer_func = func;
  self->answer_data = user_data;
  self->answer_destroy = destroy;
  ph_batch_schedule_flush (self);
}

/* Gives the answer to a batch that asks as a whole. Returns: whether it asked. */
gboolean
ph_batch_answer (PhBatch  *self,
                 gboolean  accepted)
{
  PhBatchAnswerFunc func = self->answer_func;
  gpointer data = self->answer_data;
  GDestroyNotify destroy = self->answer_destroy;

  if (func == NULL)
    return FALSE;

  self->answer_func = NULL;
  self->answer_data = NULL;
  self->answer_destroy = NULL;
  g_object_ref (self);
  func (self, accepted, data);
  if (destroy != NULL)
    destroy (data);
  ph_batch_schedule_flush (self);
  g_object_unref (self);

  return TRUE;
}

/**
 * ph_batch_close:
 * @error: (nullable): why the connection ended early, if it did
 *
 * No more files will come (the secure connection ended). A batch that
 * got none is over: FAILED with @error, else CANCELLED (declined).
 */
void
ph_batch_close (PhBatch      *self,
                const GError *error)
{
  g_return_if_fail (PH_IS_BATCH (self));

  ph_batch_answer (self, FALSE);
  self->closed = TRUE;
  if (error != NULL && self->error_message == NULL && self->entries->len == 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->error_message = g_strdup (error->message);
  if (self->entries->len == 0)
    self->finish_time = g_get_monotonic_time ();
  ph_batch_schedule_flush (self);
}

void
ph_batch_sender_clear (PhBatch *self)
{
  if (self->answer_destroy != NULL)
    self->answer_destroy (self->answer_data);
  self->answer_func = NULL;
  self->answer_destroy = NULL;
  g_clear_pointer (&self->fingerprint, g_free);
}
