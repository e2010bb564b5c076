/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: listening, accepting, and the header phase — a
 * connection until its 136 header bytes are in, read as they arrive
 * (usually with the connection itself) within the header time limit.
 * Then it becomes a PhIncoming, which ph-receiver-admission.c
 * schedules. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

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
  GList              link;         /* in PhReceiver.pending */
  GList              sender_link;  /* in its PhSender's pending */
  PhReceiver        *self;
  PhSender          *sender;
  GSocketConnection *connection;
  char              *peer;
  GSource           *read_source;
  gint64             accepted;     /* monotonic µs */
  gsize              got;
  guint8             header[PH_WIRE_HEADER_SIZE];
} Pending;

static void
reset (GSocketConnection *connection)
{
  /* Not handed on: every end here is a failure, so a reset (a sender
   * that got its file into our buffers must not read our close as a
   * receipt). */
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (g_socket_get_fd (g_socket_connection_get_socket (connection)),
              SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

/* Takes @p out of the header phase, and out of the receiver's hold
 * unless @handed_on (its connection goes on as a PhIncoming). */
static void
pending_free (Pending  *p,
              gboolean  handed_on)
{
  PhReceiver *self = p->self;

  g_queue_unlink (&self->pending, &p->link);
  g_queue_unlink (&p->sender->pending, &p->sender_link);
  ph_gsource_clear (&p->read_source);
  if (p->connection)
    {
      reset (p->connection);
      g_object_unref (p->connection);
    }
  if (!handed_on)
    ph_receiver_release (self, p->sender);
  g_free (p->peer);
  g_free (p);

  if (!handed_on)
    ph_receiver_update_accepting (self);
}

/* Ends @p without its header, saying why (@error NULL: quietly). */
static void
pending_fail (Pending *p,
              GError  *error)
{
  PhReceiver *self = g_object_ref (p->self);
  g_autofree char *peer = g_strdup (p->peer);

  pending_free (p, FALSE);
  if (error != NULL)
    {
      ph_receiver_emit_connection_failed (self, peer, error);
      g_error_free (error);
    }
  g_object_unref (self);
}

static void
header_received (Pending *p)
{
  PhReceiver *self = p->self;
  g_autoptr(GBytes) raw_name = NULL;
  g_autofree char *clean = NULL;
  g_autoptr(PhIncoming) in = NULL;
  PhSender *sender = p->sender;
  PhIncomingSetup setup = {
    .folder = ph_receiver_folder (self),
    .prefix = self->prefix,
    .idle_timeout = self->idle_timeout,
    .space = self->space,
    .folder_users = self->folder_users,
    .workers = self->workers,
  };
  gint64 size;

  ph_wire_decode_header (p->header, &raw_name, &size);
  clean = self->accepts_paths
          ? ph_naming_sanitize_path (g_bytes_get_data (raw_name, NULL), g_bytes_get_size (raw_name))
          : ph_naming_sanitize (g_bytes_get_data (raw_name, NULL), g_bytes_get_size (raw_name));

  in = ph_incoming_new (p->connection, sender->key, p->peer, clean, size, &setup);
  g_clear_object (&p->connection);
  pending_free (p, TRUE);

  ph_receiver_take_in (self, in, sender);
}

/* Reads what has arrived of the header. Returns: FALSE once @p is
 * gone (complete, or failed). */
static gboolean
pending_read (Pending *p)
{
  int fd = g_socket_get_fd (g_socket_connection_get_socket (p->connection));

  for (;;)
    {
      ssize_t n = recv (fd, p->header + p->got, sizeof p->header - p->got, 0);

      if (n > 0)
        {
          p->got += n;
          if (p->got == sizeof p->header)
            {
              header_received (p);
              return FALSE;
            }
          continue;
        }

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TRUE;

      if (n == 0)
        pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_BAD_HEADER,
                                      /* Translators: a peer address, the bytes it sent, the header size (136) */
                                      _("%s closed the connection after %u of %d header bytes"),
                                      p->peer, (guint) p->got, PH_WIRE_HEADER_SIZE));
      else
        pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                      _("The connection from %s failed: %s"),
                                      p->peer, g_strerror (errno)));
      return FALSE;
    }
}

static gboolean
readable_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  Pending *p = user_data;

  if (pending_read (p))
    return G_SOURCE_CONTINUE;

  /* @p is gone, and its source destroyed: nothing more to do. */
  return G_SOURCE_REMOVE;
}

/* The peer's address alone in @host (the sender key of a connection in
 * the original format), and "address:port" in @peer (for messages). */
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

/**
 * ph_receiver_evict_pending:
 * @sender: (nullable): whose connection, or %NULL for the sender with
 *   the most connections in their header phase
 * @older_than: monotonic µs; only a connection accepted before it
 *
 * Closes the oldest connection of @sender still without a header.
 *
 * Returns: whether one was closed
 */
gboolean
ph_receiver_evict_pending (PhReceiver *self,
                           PhSender   *sender,
                           gint64      older_than)
{
  Pending *oldest;
  guint seconds;

  if (sender == NULL)
    {
      GHashTableIter iter;
      PhSender *each;

      g_hash_table_iter_init (&iter, self->senders);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &each))
        if (each->pending.length > 0 &&
            ((Pending *) each->pending.head->data)->accepted < older_than &&
            (sender == NULL || each->pending.length > sender->pending.length))
          sender = each;
      if (sender == NULL)
        return FALSE;
    }

  if (sender->pending.length == 0)
    return FALSE;
  oldest = sender->pending.head->data;
  if (oldest->accepted >= older_than)
    return FALSE;

  seconds = (guint) ((g_get_monotonic_time () - oldest->accepted) / G_USEC_PER_SEC);
  pending_fail (oldest, g_error_new (PH_ERROR, PH_ERROR_BUSY,
                                     g_dngettext (GETTEXT_PACKAGE,
                                                  "Too many connections from %s without a header: "
                                                  "closed the one that had waited longest (%u second)",
                                                  "Too many connections from %s without a header: "
                                                  "closed the one that had waited longest (%u seconds)",
                                                  seconds),
                                     oldest->peer, seconds));
  return TRUE;
}

/* Returns: when the oldest header time limit runs out (monotonic µs),
 * or G_MAXINT64 */
gint64
ph_receiver_pending_deadline (PhReceiver *self)
{
  Pending *oldest = self->pending.head ? self->pending.head->data : NULL;

  return oldest ? oldest->accepted + (gint64) self->header_timeout * 1000 : G_MAXINT64;
}

/* Ends the connections whose header time ran out by @now. */
void
ph_receiver_expire_pending (PhReceiver *self,
                            gint64      now)
{
  guint seconds = (self->header_timeout + 999) / 1000;

  while (self->pending.head != NULL &&
         ((Pending *) self->pending.head->data)->accepted + (gint64) self->header_timeout * 1000 <= now)
    {
      Pending *p = self->pending.head->data;

      pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "%s sent no complete header within %u second",
                                                 "%s sent no complete header within %u seconds",
                                                 seconds),
                                    p->peer, seconds));
    }
}

gboolean
ph_receiver_accept_cb (GSocketService    *service,
                       GSocketConnection *connection,
                       GObject           *source_object,
                       gpointer           user_data)
{
  PhReceiver *self = user_data;
  g_autofree char *host = NULL;
  Pending *p;

  p = g_new0 (Pending, 1);
  p->link.data = p;
  p->sender_link.data = p;
  p->self = self;
  p->connection = g_object_ref (connection);
  p->accepted = g_get_monotonic_time ();
  describe_peer (connection, &host, &p->peer);
  p->sender = ph_receiver_hold (self, host);

  g_queue_push_tail_link (&self->pending, &p->link);
  g_queue_push_tail_link (&p->sender->pending, &p->sender_link);

  /* The header usually came with the connection: no wait at all. */
  if (pending_read (p))
    {
      GSocket *socket = g_socket_connection_get_socket (connection);

      p->read_source = ph_gsource_attach (g_unix_fd_source_new (g_socket_get_fd (socket),
                                                                G_IO_IN | G_IO_HUP | G_IO_ERR),
                                          "[posthouse] header", G_SOURCE_FUNC (readable_cb), p,
                                          self->context);
      ph_receiver_deadline_at (self, p->accepted + (gint64) self->header_timeout * 1000);

      /* An honest sender has a few headers under way at most; a flood
       * from one address pushes out only its own. */
      while (p->sender->pending.length > self->max_pending_per_sender)
        ph_receiver_evict_pending (self, p->sender, G_MAXINT64);
    }

  ph_receiver_update_accepting (self);
  return TRUE;
}

/* Closes the connections still without a header, quietly. */
void
ph_receiver_close_pending (PhReceiver *self)
{
  while (self->pending.head != NULL)
    pending_fail (self->pending.head->data, NULL);
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
