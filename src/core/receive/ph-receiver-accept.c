/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: listening, accepting, and the header phase — a
 * connection until its 136 header bytes are in. Then it becomes a
 * PhIncoming, which ph-receiver-admission.c schedules. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-naming.h"
#include "ph-receiver-private.h"
#include "ph-gsource-private.h"
#include "ph-transfer-private.h"
#include "ph-wire.h"

/* A connection that has not yet delivered its 136 header bytes. */
typedef struct
{
  GList              link;
  PhReceiver        *self;
  GSocketConnection *connection;
  char              *host;
  char              *peer;
  GCancellable      *cancellable;
  GSource           *timeout_source;
  GSource           *peek_source;
  guint8             header[PH_WIRE_HEADER_SIZE];
  gboolean           timed_out;
  gboolean           evicted;
  gboolean           stopped;
} Pending;

static void
pending_free (Pending *p)
{
  ph_gsource_clear (&p->timeout_source);
  ph_gsource_clear (&p->peek_source);
  if (p->connection)
    {
      /* Not handed on: every end here is a failure, so a reset (a
       * sender that got its file into our buffers must not read our
       * close as a receipt). */
      struct linger reset = { .l_onoff = 1, .l_linger = 0 };

      setsockopt (g_socket_get_fd (g_socket_connection_get_socket (p->connection)),
                  SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      g_io_stream_close (G_IO_STREAM (p->connection), NULL, NULL);
      g_object_unref (p->connection);
    }
  g_object_unref (p->cancellable);
  g_object_unref (p->self);
  g_free (p->host);
  g_free (p->peer);
  g_free (p);
}

static void
header_received (Pending *p)
{
  PhReceiver *self = p->self;
  g_autoptr(GBytes) raw_name = NULL;
  g_autofree char *clean = NULL;
  g_autoptr(PhIncoming) in = NULL;
  g_autoptr(PhTransfer) transfer = NULL;
  GError *error;
  gint64 size;

  ph_wire_decode_header (p->header, &raw_name, &size);
  clean = self->accepts_paths
          ? ph_naming_sanitize_path (g_bytes_get_data (raw_name, NULL), g_bytes_get_size (raw_name))
          : ph_naming_sanitize (g_bytes_get_data (raw_name, NULL), g_bytes_get_size (raw_name));

  in = ph_incoming_new (p->connection, p->host, p->peer, clean, self->prefix, size,
                        self->directory, self->idle_timeout, self->space);
  g_clear_object (&p->connection);
  ph_receiver_track (self, in);

  /* Keep the transfer alive through the signal even if it ends at once. */
  transfer = g_object_ref (ph_incoming_get_transfer (in));

  error = ph_incoming_check (in);

  /* Waiting transfers (for a slot or for approval) hold a descriptor
   * each, so they share the cap of connections still in their header. */
  if (error == NULL &&
      (self->require_approval || !ph_receiver_can_start (self, in)) &&
      ph_receiver_n_waiting (self) > self->max_pending)
    error = g_error_new (PH_ERROR, PH_ERROR_BUSY,
                         _("Too many transfers are waiting; refused “%s” from %s"),
                         ph_incoming_get_name (in), p->peer);

  if (error)
    {
      ph_incoming_finish (in, error);
      ph_receiver_emit_transfer_added (self, transfer);
      return;
    }

  if (self->require_approval)
    {
      ph_incoming_ask (in);
      ph_receiver_emit_transfer_added (self, transfer);
      return;
    }

  if (ph_receiver_can_start (self, in))
    ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);

  ph_receiver_emit_transfer_added (self, transfer);

  /* A handler may have cancelled it already. */
  if (!ph_transfer_is_finished (transfer))
    {
      if (g_cancellable_is_cancelled (ph_transfer_get_cancellable (transfer)))
        ph_incoming_finish (in, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Cancelled")));
      else
        ph_receiver_admit (self, in);
    }
}

static void
header_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *p = user_data;
  PhReceiver *self = p->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = NULL;
  gsize got = 0;

  g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &got, &error);

  if (!p->evicted)
    g_queue_unlink (&self->pending, &p->link);

  if (error == NULL && got == PH_WIRE_HEADER_SIZE)
    {
      header_received (p);
      pending_free (p);
      return;
    }

  if (p->evicted)
    reported = g_error_new (PH_ERROR, PH_ERROR_BUSY,
                            _("Too many connections at once: closed the one from %s, "
                              "which had waited longest without sending a header"), p->peer);
  else if (p->timed_out)
    {
      guint seconds = (self->header_timeout + 999) / 1000;

      reported = g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%s sent no complete header within %u second",
                                           "%s sent no complete header within %u seconds",
                                           seconds),
                              p->peer, seconds);
    }
  else if (p->stopped)
    {
      /* Closed on request: nothing to report. */
      pending_free (p);
      return;
    }
  else if (error)
    reported = g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                            _("The connection from %s failed: %s"), p->peer, error->message);
  else
    reported = g_error_new (PH_ERROR, PH_ERROR_BAD_HEADER,
                            /* Translators: a peer address, the bytes it sent, the header size (136) */
                            _("%s closed the connection after %u of %d header bytes"),
                            p->peer, (guint) got, PH_WIRE_HEADER_SIZE);

  ph_receiver_emit_connection_failed (self, p->peer, reported);
  pending_free (p);
}

static gboolean
header_timeout_cb (gpointer user_data)
{
  Pending *p = user_data;

  p->timed_out = TRUE;
  g_clear_pointer (&p->timeout_source, g_source_unref);
  g_cancellable_cancel (p->cancellable);

  return G_SOURCE_REMOVE;
}

/* The peer's address alone in @host (the per-peer cap counts by it),
 * and "address:port" in @peer (for messages). */
static void
describe_peer (GSocketConnection  *connection,
               char              **host,
               char              **peer)
{
  g_autoptr(GSocketAddress) address = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GInetAddress) inet = NULL;
  const guint8 *bytes;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    {
      *host = g_strdup (_("unknown peer"));
      *peer = g_strdup (*host);
      return;
    }

  inet = g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  bytes = g_inet_address_to_bytes (inet);

  /* A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d. */
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 &&
      memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    {
      GInetAddress *v4 = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);

      g_object_unref (inet);
      inet = v4;
    }

  *host = g_inet_address_to_string (inet);
  *peer = ph_address_format (*host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

static void
read_header (Pending *p)
{
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (p->connection)),
                                 p->header, sizeof p->header, G_PRIORITY_DEFAULT,
                                 p->cancellable, header_cb, p);
}

static gboolean
first_byte_cb (GSocket      *socket,
               GIOCondition  condition,
               gpointer      user_data)
{
  Pending *p = user_data;
  PhReceiver *self = p->self;
  guint8 byte = 0;
  gssize n;

  g_clear_pointer (&p->peek_source, g_source_unref);
  n = g_cancellable_is_cancelled (p->cancellable)
      ? -1 : recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n == 1 && byte == 0x16 && self->secure_func != NULL)
    {
      g_autoptr(GSocketConnection) connection = g_steal_pointer (&p->connection);

      g_queue_unlink (&self->pending, &p->link);
      ph_receiver_take_secure (self, connection, p->host, p->peer);
      pending_free (p);
      return G_SOURCE_REMOVE;
    }

  if (n == 1 && byte != 0x16 && !self->accepts_plain)
    {
      g_autoptr(GError) error = g_error_new (PH_ERROR, PH_ERROR_NOT_ENCRYPTED,
                                             _("Turned away %s: not encrypted, and this receiver "
                                               "accepts only encrypted connections"), p->peer);

      g_queue_unlink (&self->pending, &p->link);
      ph_receiver_emit_connection_failed (self, p->peer, error);
      pending_free (p);
      return G_SOURCE_REMOVE;
    }

  /* Anything else, errors and the end of the stream included, is the
   * header's to say. */
  read_header (p);
  return G_SOURCE_REMOVE;
}

gboolean
ph_receiver_accept_cb (GSocketService    *service,
                       GSocketConnection *connection,
                       GObject           *source_object,
                       gpointer           user_data)
{
  PhReceiver *self = user_data;
  Pending *p;

  p = g_new0 (Pending, 1);
  p->link.data = p;
  p->self = g_object_ref (self);
  p->connection = g_object_ref (connection);
  describe_peer (connection, &p->host, &p->peer);
  p->cancellable = g_cancellable_new ();

  g_queue_push_tail_link (&self->pending, &p->link);

  /* Idle connections cost a descriptor each, no thread; past the cap
   * the oldest makes room, so a flood delays an honest sender by at
   * most the header time limit. */
  while (self->pending.length > self->max_pending)
    {
      Pending *oldest = g_queue_pop_head_link (&self->pending)->data;

      oldest->evicted = TRUE;
      g_cancellable_cancel (oldest->cancellable);
    }

  p->timeout_source = ph_gsource_attach (g_timeout_source_new (self->header_timeout),
                                        "[posthouse] header timeout",
                                        header_timeout_cb, p, self->context);

  /* The first byte, not consumed: 0x16 begins the secure channel. */
  p->peek_source = g_socket_create_source (g_socket_connection_get_socket (connection),
                                           G_IO_IN | G_IO_HUP | G_IO_ERR, p->cancellable);
  g_source_set_static_name (p->peek_source, "[posthouse] first byte");
  g_source_set_callback (p->peek_source, G_SOURCE_FUNC (first_byte_cb), p, NULL);
  g_source_attach (p->peek_source, self->context);

  return TRUE;
}

/* Closes the connections still without a header, quietly. */
void
ph_receiver_close_pending (PhReceiver *self)
{
  for (GList *l = self->pending.head; l; l = l->next)
    {
      Pending *p = l->data;

      p->stopped = TRUE;
      g_cancellable_cancel (p->cancellable);
    }
}

/* GIO's bind error repeats the address ("Error binding to address
 * …: …"): ask the C library for the cause alone. */
static char *
bind_cause (GSocketAddress *address,
            const GError   *error)
{
  struct sockaddr_storage native;
  gssize len = g_socket_address_get_native_size (address);
  int errsv = 0;
  int fd;

  if (len <= 0 || !g_socket_address_to_native (address, &native, sizeof native, NULL))
    return g_strdup (error->message);

  fd = socket (native.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return g_strdup (error->message);
  if (bind (fd, (struct sockaddr *) &native, (socklen_t) len) != 0)
    errsv = errno;
  close (fd);

  return g_strdup (errsv ? g_strerror (errsv) : error->message);
}

/* Adds the receive port (and the bind address) to @listener, setting
 * bound_port; errors say in a sentence what went wrong. */
gboolean
ph_receiver_listen (PhReceiver       *self,
                    GSocketListener  *listener,
                    GError          **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *cause = NULL;

  if (self->bind_address == NULL)
    {
      if (self->port == 0)
        self->bound_port = g_socket_listener_add_any_inet_port (listener, NULL, &local_error);
      else if (g_socket_listener_add_inet_port (listener, self->port, NULL, &local_error))
        self->bound_port = self->port;

      if (local_error == NULL)
        return TRUE;
    }
  else
    {
      address = g_inet_address_new_from_string (self->bind_address);
      if (address == NULL)
        {
          g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                       _("“%s” is not an IP address of this computer"), self->bind_address);
          return FALSE;
        }

      socket_address = g_inet_socket_address_new (address, self->port);
      if (g_socket_listener_add_address (listener, socket_address, G_SOCKET_TYPE_STREAM,
                                         G_SOCKET_PROTOCOL_TCP, NULL, &effective, &local_error))
        {
          self->bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
          return TRUE;
        }
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   _("Port %u is already in use — is another Posthouse or receiver running?"),
                   self->port);
      return FALSE;
    }

  if (socket_address == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not listen on port %u: %s"), self->port, local_error->message);
      return FALSE;
    }

  /* Port 0 means any port: the address is what went wrong. */
  where = self->port ? ph_address_format (self->bind_address, self->port)
                     : g_strdup (self->bind_address);
  cause = bind_cause (socket_address, local_error);
  /* Translators: an address ("192.0.2.9" or "[::1]:6666"), then why */
  g_set_error (error, local_error->domain, local_error->code,
               _("Could not listen on %s: %s"), where, cause);
  return FALSE;
}
