/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Why a file failed, as its row and notification say it. The engine's
 * messages are whole sentences for a terminal ("“a.jpg” from
 * 127.0.0.1:38268 needs 5 GB but only 1 GB are free; refused"); in the
 * window the file's name is already above them and the sender's port
 * is a temporary one nobody can use. GLib only. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-format.h"

/**
 * ph_format_reason:
 * @message: (nullable): an error message from the engine
 * @peer: (nullable): `HOST:PORT` of the other side, as the engine wrote it
 * @device_name: (nullable): the other side's name, when known
 * @incoming: whether the other side was the sender (its port says nothing)
 *
 * Returns: (transfer full) (nullable): @message with the other side named
 *   as the window names it ("Study Laptop", or "192.168.1.7"), not
 *   by its connection's address
 */
char *
ph_format_reason (const char *message,
                  const char *peer,
                  const char *device_name,
                  gboolean    incoming)
{
  g_autofree char *device = NULL;
  g_auto(GStrv) parts = NULL;

  if (message == NULL)
    return NULL;
  if (peer == NULL || peer[0] == '\0' || strstr (message, peer) == NULL)
    return g_strdup (message);

  device = ph_format_device (device_name, peer, !incoming);
  parts = g_strsplit (message, peer, -1);
  return g_strjoinv (device, parts);
}

/**
 * ph_format_transfer_reason:
 * @transfer: a failed transfer
 * @device_name: (nullable): the other side's name, when known
 *
 * A received file's failure in a few words, the file's name and the
 * sender left out (both are on screen already); anything else as the
 * engine says it, the other side named by ph_format_reason().
 *
 * Returns: (transfer full): why @transfer failed
 */
char *
ph_format_transfer_reason (PhTransfer *transfer,
                           const char *device_name)
{
  const GError *error = ph_transfer_get_error (transfer);
  gboolean incoming = ph_transfer_get_direction (transfer) == PH_TRANSFER_RECEIVE;
  gint64 size = ph_transfer_get_size (transfer);
  gint64 bytes_done = ph_transfer_get_bytes_done (transfer);
  g_autofree char *size_text = ph_format_size (size);
  g_autofree char *done_text = ph_format_size (bytes_done);

  if (error == NULL)
    return g_strdup (_("Failed"));

  if (incoming && error->domain == PH_ERROR)
    switch (error->code)
      {
      case PH_ERROR_NEGATIVE_SIZE:
        return g_strdup (_("Refused: the sender announced a negative size"));

      case PH_ERROR_NO_SPACE:
        if (bytes_done == 0)
          /* Translators: %s is the file's size */
          return g_strdup_printf (_("Refused: not enough free space for %s"), size_text);
        return g_strdup (_("The disk became full; nothing was saved"));

      case PH_ERROR_SHORT:
        /* Translators: "…after 1.0 MB of 5.0 MB…" */
        return g_strdup_printf (_("The sender stopped after %s of %s; nothing was saved"),
                                done_text, size_text);

      case PH_ERROR_CONNECTION:
        /* Before a byte, it may be the channel's own failure: as said. */
        if (bytes_done == 0)
          break;
        if (bytes_done >= size)
          return g_strdup (_("The sender gave up after sending all of it; nothing was saved"));
        return g_strdup_printf (_("The connection broke after %s of %s; nothing was saved"),
                                done_text, size_text);

      case PH_ERROR_FILE_CHANGED:
        return g_strdup_printf (_("The sender sent more than the %s it announced; nothing was saved"),
                                size_text);

      default:
        break;
      }

  return ph_format_reason (error->message, ph_transfer_get_peer (transfer), device_name, incoming);
}
