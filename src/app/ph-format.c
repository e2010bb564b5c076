/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text for the transfer rows. GLib only, so it can be unit tested
 * without a display. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-format.h"

char *
ph_format_size (gint64 bytes)
{
  return g_format_size (MAX (bytes, 0));
}

char *
ph_format_speed (double bytes_per_second)
{
  g_autofree char *size = NULL;

  if (bytes_per_second < 0 || isnan (bytes_per_second))
    bytes_per_second = 0;

  size = g_format_size ((guint64) (bytes_per_second + 0.5));
  /* Translators: a transfer speed, %s is a size like "110 MB" */
  return g_strdup_printf (_("%s/s"), size);
}

char *
ph_format_time_left (gint64 seconds)
{
  gint64 hours, minutes;

  if (seconds < 0)
    return NULL;

  if (seconds < 60)
    /* Translators: time left for a transfer, in seconds */
    return g_strdup_printf (_("%d s left"), (int) seconds);

  /* Round up so "1 min left" never means 1 min 59 s. */
  minutes = (seconds + 59) / 60;
  if (minutes < 60)
    /* Translators: time left for a transfer, in minutes */
    return g_strdup_printf (_("%d min left"), (int) minutes);

  hours = minutes / 60;
  minutes %= 60;
  if (minutes == 0 || hours >= 10)
    /* Translators: time left for a transfer, in hours */
    return g_strdup_printf (_("%d h left"), (int) hours);

  /* Translators: time left for a transfer, in hours and minutes */
  return g_strdup_printf (_("%d h %d min left"), (int) hours, (int) minutes);
}

/* "12.3 MB of 45.0 MB · 110 MB/s · 3 s left"; the speed and the time
 * left are dropped while they are not known yet. */
char *
ph_format_progress (gint64 bytes_done,
                    gint64 size,
                    double bytes_per_second,
                    gint64 seconds_left)
{
  g_autofree char *done = ph_format_size (bytes_done);
  g_autofree char *total = ph_format_size (size);
  g_autofree char *left = ph_format_time_left (seconds_left);
  GString *str = g_string_new (NULL);

  /* Translators: bytes done of the total, e.g. "12.3 MB of 45.0 MB" */
  g_string_append_printf (str, _("%s of %s"), done, total);

  if (bytes_per_second > 0)
    {
      g_autofree char *speed = ph_format_speed (bytes_per_second);
      g_string_append_printf (str, " · %s", speed);
    }

  if (left != NULL)
    g_string_append_printf (str, " · %s", left);

  return g_string_free (str, FALSE);
}

/* A peer as people read it: an incoming peer's port is a random one and
 * means nothing; an outgoing peer keeps its port unless it is the default. */
char *
ph_format_peer (const char *peer,
                gboolean    keep_port)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (peer == NULL)
    return g_strdup ("");

  if (!ph_address_parse (peer, PH_DEFAULT_PORT, &host, &port, NULL))
    return g_strdup (peer);

  if (keep_port && port != PH_DEFAULT_PORT)
    return ph_address_format (host, port);

  return g_steal_pointer (&host);
}

/* Who a batch is with: in the secure channel the device's name (its key
 * proved), "paired" when it is; in the original format the address,
 * "not encrypted" (it says nothing else of who sends). */
char *
ph_format_batch_who (PhBatch *batch)
{
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  g_autofree char *address = ph_format_peer (ph_batch_get_peer (batch), !incoming);
  const char *name = ph_batch_get_device_name (batch);

  if (ph_batch_get_fingerprint (batch) == NULL)
    /* Translators: the sender's address, in the original format */
    return g_strdup_printf (_("%s (not encrypted)"), address);
  if (name == NULL || *name == '\0')
    name = address;
  if (ph_batch_get_paired (batch))
    /* Translators: a device's name */
    return g_strdup_printf (_("%s (paired)"), name);
  return g_strdup (name);
}

/* A folder as a file manager names it: a special folder such as
 * Downloads by its own name, anything else in the home folder as
 * "~/Pictures/inbox"; the full path is left for a tooltip. */
char *
ph_format_folder (const char *path)
{
  g_autofree char *canonical = NULL;
  g_autofree char *home = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  canonical = g_canonicalize_filename (path, NULL);
  home = g_canonicalize_filename (g_get_home_dir (), NULL);

  /* A home of "/" (system users) would make every path "~/…". */
  if (g_str_equal (home, G_DIR_SEPARATOR_S))
    return g_filename_display_name (canonical);

  if (g_str_equal (canonical, home))
    /* Translators: the home folder, as the file manager names it */
    return g_strdup (_("Home"));

  for (int i = 0; i < G_USER_N_DIRECTORIES; i++)
    {
      const char *special = g_get_user_special_dir (i);
      g_autofree char *special_canonical = NULL;

      /* A special folder that is unset points at the home folder. */
      if (special == NULL)
        continue;
      special_canonical = g_canonicalize_filename (special, NULL);
      if (g_str_equal (special_canonical, canonical) && !g_str_equal (special_canonical, home))
        return g_filename_display_basename (canonical);
    }

  if (g_str_has_prefix (canonical, home) && canonical[strlen (home)] == G_DIR_SEPARATOR)
    {
      g_autofree char *display = g_filename_display_name (canonical + strlen (home) + 1);

      return g_strconcat ("~" G_DIR_SEPARATOR_S, display, NULL);
    }

  return g_filename_display_name (canonical);
}

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

          /* A numbered variant or the new_ prefix: say where it went. */
          if (g_strcmp0 (basename, ph_transfer_get_name (transfer)) != 0)
            {
              g_autofree char *display = g_filename_display_name (basename);
              return g_strdup_printf (_("Received · %s · saved as %s"), size, display);
            }
        }
      return g_strdup_printf (_("Received · %s"), size);

    case PH_TRANSFER_FAILED:
      if (error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        return g_strdup (_("Declined"));
      if (ph_transfer_get_error_message (transfer) != NULL)
        return g_strdup (ph_transfer_get_error_message (transfer));
      return g_strdup (_("Failed"));

    case PH_TRANSFER_CANCELLED:
    default:
      return g_strdup (_("Cancelled"));
    }
}

static PhTransfer *
single_transfer (PhBatch *batch)
{
  g_autoptr(PhTransfer) transfer = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (batch)) != 1)
    return NULL;

  transfer = g_list_model_get_item (G_LIST_MODEL (batch), 0);
  return transfer;  /* the batch keeps it */
}

/* "To 192.168.1.50:7000" / "From 192.168.1.7" */
char *
ph_format_batch_peer (PhBatch *batch)
{
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  g_autofree char *peer = ph_format_batch_who (batch);

  /* Translators: "To 192.168.1.50" / "From 192.168.1.7" */
  return g_strdup_printf (incoming ? _("From %s") : _("To %s"), peer);
}

/* The line under a batch's name: progress while it runs, the outcome
 * once it is over; a batch of one file reads like that file. */
char *
ph_format_batch_status (PhBatch *batch)
{
  PhTransfer *single = single_transfer (batch);
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  guint n_files = ph_batch_get_n_files (batch);
  guint n_done = ph_batch_get_n_done (batch);
  guint n_failed = ph_batch_get_n_failed (batch);
  g_autofree char *total = ph_format_size (ph_batch_get_total_size (batch));
  g_autofree char *progress = NULL;
  const char *reason = ph_batch_get_error_message (batch);

  if (single != NULL)
    return ph_format_transfer_status (single);

  switch (ph_batch_get_state (batch))
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
      progress = ph_format_progress (ph_batch_get_bytes_done (batch),
                                     ph_batch_get_total_size (batch),
                                     ph_batch_get_speed (batch),
                                     ph_batch_get_seconds_left (batch));
      /* Translators: files done of the batch's files, then the bytes:
       * "3 of 20 files · 1.2 MB of 5.0 MB · 1.1 MB/s · 3 s left" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u of %'u file · %s",
                                           "%'u of %'u files · %s", n_files),
                              n_done, n_files, progress);

    case PH_TRANSFER_DONE:
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
      if (n_done == 0 && ph_batch_get_n_declined (batch) == n_files)
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

/**
 * ph_format_batch_notification:
 * @title: (out): the notification's title
 * @body: (out): its body
 *
 * What a notification says about @batch in its current state: a
 * question while it waits, progress while it runs, the outcome (with
 * failures summed up) once it is over.
 *
 * Returns: FALSE when there is nothing to say (cancelled, declined)
 */
gboolean
ph_format_batch_notification (PhBatch  *batch,
                              char    **title,
                              char    **body)
{
  PhTransfer *single = single_transfer (batch);
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  guint n_files = ph_batch_get_n_files (batch);
  guint n_done = ph_batch_get_n_done (batch);
  guint n_failed = ph_batch_get_n_failed (batch);
  g_autofree char *peer = ph_format_batch_who (batch);
  g_autofree char *total = ph_format_size (ph_batch_get_total_size (batch));
  g_autofree char *name = ph_batch_dup_title (batch);
  const char *reason = ph_batch_get_error_message (batch);

  *title = NULL;
  *body = NULL;
  if (reason == NULL)
    reason = _("Failed");

  switch (ph_batch_get_state (batch))
    {
    case PH_TRANSFER_WAITING:
      if (!incoming)
        return FALSE;
      /* Translators: %s is the sender's address */
      *title = g_strdup_printf (_("%s wants to send you files"), peer);
      if (ph_batch_get_asking (batch))
        {
          g_autofree char *announced = ph_format_size (ph_batch_get_announced_bytes (batch));

          /* Translators: what a sender announced, "3 files (12 MB)" */
          *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file (%s)", "%'u files (%s)",
                                                ph_batch_get_announced_files (batch)),
                                   ph_batch_get_announced_files (batch), announced);
        }
      else if (single != NULL)
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
        /* Translators: "Sending holiday.jpg to 192.168.1.50", or "20 files" for the name */
        *title = g_strdup_printf (_("Sending %s to %s"), name, peer);
      *body = ph_format_batch_status (batch);
      return TRUE;

    case PH_TRANSFER_DONE:
      if (incoming && single != NULL)
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
      else if (single != NULL)
        {
          *title = g_strdup_printf (_("Sent %s to %s"), name, peer);
          *body = g_strdup (total);
        }
      else
        {
          /* Translators: "Sent 20 files to 192.168.1.50" */
          *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sent %'u file to %s",
                                                 "Sent %'u files to %s", n_files),
                                    n_files, peer);
          *body = g_strdup (total);
        }
      return TRUE;

    case PH_TRANSFER_FAILED:
      if (single != NULL)
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
          /* Translators: "Couldn't send 3 of 20 files to 192.168.1.50" */
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
