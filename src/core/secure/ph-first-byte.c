/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-first-byte.h"

static gboolean
readable_cb (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  guint8 byte = 0;
  GInputVector vector = { &byte, 1 };
  int flags = G_SOCKET_MSG_PEEK;
  gboolean blocking;
  gssize got;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  /* Non-blocking: a spurious wake-up leaves the watch in place. */
  blocking = g_socket_get_blocking (socket);
  g_socket_set_blocking (socket, FALSE);
  got = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, &error);
  g_socket_set_blocking (socket, blocking);
  if (got < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;

  if (got < 0)
    g_task_return_new_error (task, PH_ERROR, PH_ERROR_CONNECTION, "%s", error->message);
  else if (got == 0)
    g_task_return_new_error (task, PH_ERROR, PH_ERROR_BAD_HEADER,
                             _("The connection ended before its first byte"));
  else
    g_task_return_int (task, byte);

  return G_SOURCE_REMOVE;
}

/**
 * ph_first_byte_peek_async:
 * @connection: a new connection, nothing read from it yet
 * @cancellable: (nullable): also the caller's time limit
 *
 * Waits for the first byte of @connection and looks at it without
 * consuming it: whoever reads the connection next still gets it.
 */
void
ph_first_byte_peek_async (GSocketConnection   *connection,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = NULL;
  GSocket *socket;

  g_return_if_fail (G_IS_SOCKET_CONNECTION (connection));

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_first_byte_peek_async);

  socket = g_socket_connection_get_socket (connection);
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, cancellable);
  g_source_set_static_name (source, "[posthouse] first byte");
  g_task_attach_source (task, source, (GSourceFunc) G_CALLBACK (readable_cb));
}

/**
 * ph_first_byte_peek_finish:
 * @is_tls: (out): whether the first byte starts a TLS handshake
 *
 * Returns: FALSE when the connection ended or failed before a byte
 *   came, or the wait was cancelled
 */
gboolean
ph_first_byte_peek_finish (GSocketConnection  *connection,
                           GAsyncResult       *result,
                           gboolean           *is_tls,
                           GError            **error)
{
  gssize byte;

  g_return_val_if_fail (g_task_is_valid (result, connection), FALSE);
  g_return_val_if_fail (is_tls != NULL, FALSE);

  byte = g_task_propagate_int (G_TASK (result), error);
  if (byte < 0)
    return FALSE;

  *is_tls = byte == PH_FIRST_BYTE_TLS;
  return TRUE;
}
