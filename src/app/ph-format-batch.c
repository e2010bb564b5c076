/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a batch says, in its row, on its page and in its notification:
 * the same words for a batch of this session (PhBatch) and one kept in
 * the history (PhHistoryBatch), read through PhBatchFacts. GLib only. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-format.h"

/* Facts */

/**
 * ph_batch_facts_init:
 * @item: a #PhBatch or a #PhHistoryBatch
 *
 * Reads what the words depend on; ph_batch_facts_clear() when done.
 */
void
ph_batch_facts_init (PhBatchFacts *facts,
                     gpointer      item)
{
  memset (facts, 0, sizeof *facts);
  facts->seconds_left = -1;

  if (PH_IS_BATCH (item))
    {
      PhBatch *batch = item;

      facts->direction = ph_batch_get_direction (batch);
      facts->state = ph_batch_get_state (batch);
      facts->finished = ph_batch_is_finished (batch);
      facts->peer = ph_batch_get_peer (batch);
      facts->device_name = ph_batch_get_device_name (batch);
      facts->fingerprint = ph_batch_get_fingerprint (batch);
      facts->paired = ph_batch_get_paired (batch);
      facts->title = ph_batch_dup_title (batch);
      facts->n_files = ph_batch_get_n_files (batch);
      facts->n_done = ph_batch_get_n_done (batch);
      facts->n_failed = ph_batch_get_n_failed (batch);
      facts->n_declined = ph_batch_get_n_declined (batch);
      facts->total_size = ph_batch_get_total_size (batch);
      facts->bytes_done = ph_batch_get_bytes_done (batch);
      facts->speed = ph_batch_get_speed (batch);
      facts->seconds_left = ph_batch_get_seconds_left (batch);
      facts->start_time = ph_batch_get_start_time (batch);
      facts->flattened = ph_batch_get_flattened (batch);
      if (facts->n_files == 1)
        facts->single = g_list_model_get_item (G_LIST_MODEL (batch), 0);
      /* A secure batch asks before any file arrived: what its sender
       * announced, as the request says. */
      if (facts->n_files == 0 && facts->state == PH_TRANSFER_WAITING)
        {
          facts->n_files = ph_batch_get_announced_files (batch);
          facts->total_size = ph_batch_get_announced_bytes (batch);
        }
      if (facts->single != NULL && ph_transfer_get_error (facts->single) != NULL)
        facts->reason = ph_format_transfer_reason (facts->single, facts->device_name);
      else
        facts->reason = ph_format_reason (ph_batch_get_error_message (batch), facts->peer,
                                          facts->device_name, facts->direction == PH_TRANSFER_RECEIVE);
      return;
    }

  g_return_if_fail (PH_IS_HISTORY_BATCH (item));
  {
    PhHistoryBatch *stored = item;

    facts->stored = TRUE;
    facts->direction = ph_history_batch_get_direction (stored);
    facts->state = ph_history_batch_get_state (stored);
    facts->finished = ph_history_batch_get_outcome (stored) != PH_HISTORY_RUNNING;
    facts->peer = ph_history_batch_get_peer (stored);
    facts->device_name = ph_history_batch_get_device_name (stored);
    facts->title = g_strdup (ph_history_batch_get_title (stored));
    facts->n_files = ph_history_batch_get_n_files (stored);
    facts->n_done = ph_history_batch_get_n_done (stored);
    facts->n_failed = ph_history_batch_get_n_failed (stored);
    facts->n_declined = ph_history_batch_get_n_declined (stored);
    facts->total_size = ph_history_batch_get_total_size (stored);
    facts->bytes_done = ph_history_batch_get_bytes_done (stored);
    facts->start_time = ph_history_batch_get_start_time (stored);
    facts->flattened = ph_history_batch_get_flattened (stored);
    facts->reason = ph_format_reason (ph_history_batch_get_error_message (stored), facts->peer,
                                      facts->device_name, facts->direction == PH_TRANSFER_RECEIVE);
  }
}

void
ph_batch_facts_clear (PhBatchFacts *facts)
{
  g_clear_pointer (&facts->title, g_free);
  g_clear_pointer (&facts->reason, g_free);
  g_clear_object (&facts->single);
}

/* Files */

/* What a single transfer says about itself (a file of a batch). */
char *
ph_format_transfer_status (PhTransfer *transfer)
{
  gboolean incoming = ph_transfer_get_direction (transfer) == PH_TRANSFER_RECEIVE;
  g_autofree char *size = ph_format_size (ph_transfer_get_size (transfer));
  const GError *error = ph_transfer_get_error (transfer);
  GFile *file;

  switch (ph_transfer_get_state (transfer))
    {
    case PH_TRANSFER_QUEUED:
      return g_strdup (_("Waiting for its turn"));

    case PH_TRANSFER_WAITING:
      /* Translators: %s is a size, e.g. "2.1 MB" */
      return g_strdup_printf (_("Wants to send you %s"), size);

    case PH_TRANSFER_CONNECTING:
      return g_strdup (_("Connecting…"));

    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
      return ph_format_progress (ph_transfer_get_bytes_done (transfer),
                                 ph_transfer_get_size (transfer),
                                 ph_transfer_get_speed (transfer),
                                 ph_transfer_get_seconds_left (transfer));

    case PH_TRANSFER_DONE:
      if (!incoming)
        return g_strdup_printf (_("Sent · %s"), size);

      file = ph_transfer_get_file (transfer);
      if (file != NULL)
        {
          g_autofree char *basename = g_file_get_basename (file);
          const char *name = ph_transfer_get_name (transfer);
          const char *slash = strrchr (name, '/');

          /* A numbered variant or the new_ prefix: say where it went. */
          if (g_strcmp0 (basename, slash != NULL ? slash + 1 : name) != 0)
            {
              g_autofree char *display = g_filename_display_name (basename);
              return g_strdup_printf (_("Received · %s · saved as %s"), size, display);
            }
        }
      return g_strdup_printf (_("Received · %s"), size);

    case PH_TRANSFER_FAILED:
      if (error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        return g_strdup (_("Declined"));
      return ph_format_transfer_reason (transfer, NULL);

    case PH_TRANSFER_CANCELLED:
    default:
      return g_strdup (_("Cancelled"));
    }
}

/* What a file of a stored batch says: how it ended. */
char *
ph_format_stored_file_status (PhHistoryFile *file,
                              gboolean       incoming)
{
  g_autofree char *size = ph_format_size (ph_history_file_get_size (file));

  switch (ph_history_file_get_outcome (file))
    {
    case PH_HISTORY_DONE:
      return g_strdup_printf (incoming ? _("Received · %s") : _("Sent · %s"), size);
    case PH_HISTORY_DECLINED:
      return g_strdup (_("Declined"));
    case PH_HISTORY_CANCELLED:
      return g_strdup (_("Cancelled"));
    case PH_HISTORY_INTERRUPTED:
      return g_strdup (_("Interrupted"));
    case PH_HISTORY_RUNNING:
      return g_strdup (incoming ? _("Being received by another program") : _("Being sent by another program"));
    case PH_HISTORY_FAILED:
    default:
      return g_strdup (ph_history_file_get_error_message (file) ? ph_history_file_get_error_message (file)
                                                                : _("Failed"));
    }
}

/* Trust */

/**
 * ph_batch_facts_key_change:
 * @devices: (nullable): the devices this computer remembers
 *
 * A new key under a paired device's name: trusted only once paired
 * again (the request bar and the notification say the same). A stored
 * batch keeps no key.
 *
 * Returns: (transfer none) (nullable): the paired device
 */
PhDevice *
ph_batch_facts_key_change (const PhBatchFacts *facts,
                           PhDevices          *devices)
{
  if (devices == NULL || facts->stored || facts->fingerprint == NULL || facts->paired)
    return NULL;
  return ph_devices_find_key_change (devices, facts->fingerprint, facts->device_name, NULL);
}

/* Batches */

/* Who a batch is with: in the secure channel the device's name (its key
 * proved), "paired" when it is; in the original format the address,
 * "not encrypted". (A stored batch keeps no key: its name alone.) */
static char *
facts_who (const PhBatchFacts *facts)
{
  gboolean incoming = facts->direction == PH_TRANSFER_RECEIVE;
  g_autofree char *device = ph_format_device (facts->device_name, facts->peer, !incoming);

  if (facts->stored)
    return g_steal_pointer (&device);
  if (facts->fingerprint == NULL)
    /* Translators: the other side's address (or name), in the original format */
    return g_strdup_printf (_("%s (not encrypted)"), device);
  if (facts->paired)
    /* Translators: a device's name */
    return g_strdup_printf (_("%s (paired)"), device);
  return g_steal_pointer (&device);
}

char *
ph_format_batch_who (PhBatch *batch)
{
  g_auto(PhBatchFacts) facts;

  ph_batch_facts_init (&facts, batch);
  return facts_who (&facts);
}

/* "To Workshop PC" / "From 192.168.1.7 (not encrypted)" */
char *
ph_format_facts_peer (const PhBatchFacts *facts)
{
  gboolean incoming = facts->direction == PH_TRANSFER_RECEIVE;
  g_autofree char *device = facts_who (facts);

  /* Translators: "To Workshop PC" / "From 192.168.1.7" */
  return g_strdup_printf (incoming ? _("From %s") : _("To %s"), device);
}

char *
ph_format_batch_peer (PhBatch *batch)
{
  g_auto(PhBatchFacts) facts;

  ph_batch_facts_init (&facts, batch);
  return ph_format_facts_peer (&facts);
}

/* The line under a batch's name: progress while it runs, the outcome
 * once it is over; a batch of one file reads like that file. */
char *
ph_format_facts_status (const PhBatchFacts *facts)
{
  gboolean incoming = facts->direction == PH_TRANSFER_RECEIVE;
  guint n_files = facts->n_files;
  guint n_done = facts->n_done;
  guint n_failed = facts->n_failed;
  g_autofree char *total = ph_format_size (facts->total_size);
  g_autofree char *progress = NULL;
  const char *reason = facts->reason;

  if (facts->single != NULL)
    return ph_format_transfer_status (facts->single);

  switch (facts->state)
    {
    case PH_TRANSFER_QUEUED:
      return g_strdup (incoming ? _("Waiting for a free slot") : _("Waiting for its turn"));

    case PH_TRANSFER_WAITING:
      /* Translators: %s is a size, e.g. "2.1 MB" */
      return g_strdup_printf (_("Wants to send you %s"), total);

    case PH_TRANSFER_CONNECTING:
      return g_strdup (_("Connecting…"));

    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
      /* Stored while running: another program (or this one, before it
       * was killed) has it; no live figures. */
      if (facts->stored)
        return g_strdup (incoming ? _("Being received by another program") : _("Being sent by another program"));
      progress = ph_format_progress (facts->bytes_done, facts->total_size,
                                     facts->speed, facts->seconds_left);
      /* Translators: files done of the batch's files, then the bytes:
       * "3 of 20 files · 1.2 MB of 5.0 MB · 1.1 MB/s · 3 s left" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u of %'u file · %s",
                                           "%'u of %'u files · %s", n_files),
                              n_done, n_files, progress);

    case PH_TRANSFER_DONE:
      /* A stored batch of one file reads as the file did. */
      if (n_files == 1)
        return g_strdup_printf (incoming ? _("Received · %s") : _("Sent · %s"), total);
      if (incoming)
        /* Translators: "2,000 files received · 20 MB" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file received · %s",
                                             "%'u files received · %s", n_files),
                                n_files, total);
      /* Translators: "20 files sent · 5.0 MB" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file sent · %s",
                                           "%'u files sent · %s", n_files),
                              n_files, total);

    case PH_TRANSFER_FAILED:
      if (reason == NULL)
        reason = _("Failed");
      if (n_files == 1)
        return g_strdup (reason);
      if (incoming)
        /* Translators: "1,990 received, 10 failed: No space left on device" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u received, %'u failed: %s",
                                             "%'u received, %'u failed: %s", n_failed),
                                n_done, n_failed, reason);
      /* Translators: "18 sent, 2 failed: Connection refused" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u sent, %'u failed: %s",
                                           "%'u sent, %'u failed: %s", n_failed),
                              n_done, n_failed, reason);

    case PH_TRANSFER_CANCELLED:
    default:
      if (n_done == 0 && facts->n_declined == n_files)
        return g_strdup (_("Declined"));
      if (n_done == 0)
        return g_strdup (_("Cancelled"));
      if (incoming)
        /* Translators: "Cancelled · 3 of 20 files received" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancelled · %'u of %'u file received",
                                             "Cancelled · %'u of %'u files received", n_files),
                                n_done, n_files);
      /* Translators: "Cancelled · 3 of 20 files sent" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancelled · %'u of %'u file sent",
                                           "Cancelled · %'u of %'u files sent", n_files),
                              n_done, n_files);
    }
}

char *
ph_format_batch_status (PhBatch *batch)
{
  g_auto(PhBatchFacts) facts;

  ph_batch_facts_init (&facts, batch);
  return ph_format_facts_status (&facts);
}

/**
 * ph_format_batch_notification:
 * @title: (out): the notification's title
 * @body: (out): its body
 *
 * What a notification says about @batch in its current state: a
 * question while it waits, progress while it runs, the outcome (with
 * failures summed up) once it is over. A notification stays on screen
 * unchanged for a while: it says nothing that goes stale in seconds
 * (speed, time left).
 *
 * Returns: FALSE when there is nothing to say (cancelled, declined)
 */
gboolean
ph_format_batch_notification (PhBatch  *batch,
                              char    **title,
                              char    **body)
{
  g_auto(PhBatchFacts) facts;
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  guint n_files, n_done, n_failed;
  g_autofree char *peer = NULL;
  g_autofree char *total = NULL;
  g_autofree char *progress = NULL;
  const char *name;
  const char *reason;

  ph_batch_facts_init (&facts, batch);
  n_files = facts.n_files;
  n_done = facts.n_done;
  n_failed = facts.n_failed;
  peer = facts_who (&facts);
  total = ph_format_size (facts.total_size);
  name = facts.title;
  reason = facts.reason != NULL ? facts.reason : _("Failed");

  *title = NULL;
  *body = NULL;

  switch (facts.state)
    {
    case PH_TRANSFER_WAITING:
      if (!incoming)
        return FALSE;
      /* Translators: %s is the sender */
      *title = g_strdup_printf (_("%s wants to send you files"), peer);
      if (ph_batch_get_asking (batch))
        {
          g_autofree char *announced = ph_format_size (ph_batch_get_announced_bytes (batch));

          /* Translators: what a sender announced, "3 files (12 MB)" */
          *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file (%s)", "%'u files (%s)",
                                                ph_batch_get_announced_files (batch)),
                                   ph_batch_get_announced_files (batch), announced);
        }
      else if (facts.single != NULL)
        /* Translators: a file name and its size, "holiday.jpg (2.1 MB)" */
        *body = g_strdup_printf (_("%s (%s)"), name, total);
      else
        /* Translators: "3 files so far (12 MB)" */
        *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file so far (%s)",
                                              "%'u files so far (%s)", n_files),
                                 n_files, total);
      return TRUE;

    case PH_TRANSFER_QUEUED:
    case PH_TRANSFER_CONNECTING:
    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
      if (incoming)
        /* Translators: "Receiving holiday.jpg from 192.168.1.7", or "20 files" for the name */
        *title = g_strdup_printf (_("Receiving %s from %s"), name, peer);
      else
        /* Translators: "Sending holiday.jpg to Workshop PC", or "20 files" for the name */
        *title = g_strdup_printf (_("Sending %s to %s"), name, peer);
      progress = ph_format_progress (facts.bytes_done, facts.total_size, 0, -1);
      if (n_files > 1)
        /* Translators: files done of the batch's files, then the bytes:
         * "3 of 20 files · 1.2 MB of 5.0 MB" */
        *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u of %'u file · %s",
                                              "%'u of %'u files · %s", n_files),
                                 n_done, n_files, progress);
      else
        *body = g_steal_pointer (&progress);
      return TRUE;

    case PH_TRANSFER_DONE:
      if (incoming && facts.single != NULL)
        {
          *title = g_strdup_printf (_("Received %s"), name);
          /* Translators: "2.1 MB from 192.168.1.50" */
          *body = g_strdup_printf (_("%s from %s"), total, peer);
        }
      else if (incoming)
        {
          /* Translators: "Received 2,000 files from 192.168.1.7" */
          *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Received %'u file from %s",
                                                 "Received %'u files from %s", n_files),
                                    n_files, peer);
          *body = g_strdup (total);
        }
      else if (facts.single != NULL)
        {
          *title = g_strdup_printf (_("Sent %s to %s"), name, peer);
          *body = g_strdup (total);
        }
      else
        {
          /* Translators: "Sent 20 files to Workshop PC" */
          *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sent %'u file to %s",
                                                 "Sent %'u files to %s", n_files),
                                    n_files, peer);
          *body = g_strdup (total);
        }
      return TRUE;

    case PH_TRANSFER_FAILED:
      if (facts.single != NULL)
        {
          *title = g_strdup_printf (incoming ? _("Couldn't receive %s") : _("Couldn't send %s"), name);
          *body = g_strdup (reason);
        }
      else if (incoming && n_done == 0)
        {
          /* Translators: "Couldn't receive 3 files from 192.168.1.7" */
          *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Couldn't receive %'u file from %s",
                                                 "Couldn't receive %'u files from %s", n_failed),
                                    n_failed, peer);
          *body = g_strdup (reason);
        }
      else if (incoming)
        {
          /* Translators: "Received 1,990 of 2,000 files from 192.168.1.7" */
          *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Received %'u of %'u file from %s",
                                                 "Received %'u of %'u files from %s", n_files),
                                    n_done, n_files, peer);
          /* Translators: "10 failed: No space left on device" */
          *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u failed: %s",
                                                "%'u failed: %s", n_failed),
                                   n_failed, reason);
        }
      else
        {
          /* Translators: "Couldn't send 3 of 20 files to Workshop PC" */
          *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Couldn't send %'u of %'u file to %s",
                                                 "Couldn't send %'u of %'u files to %s", n_files),
                                    n_failed, n_files, peer);
          *body = g_strdup (reason);
        }
      return TRUE;

    case PH_TRANSFER_CANCELLED:
    default:
      return FALSE;
    }
}
