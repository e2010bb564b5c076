/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: listening, accepting, and reading the header — a
 * connection until its 136 header bytes are in, read as they arrive
 * (usually with the connection itself) within the header time limit.
 * Then it becomes a PhIncoming, which ph-receiver-admission.c
 * schedules; one that begins with 0x16 goes to the secure channel
 * (ph-receiver-pending.c, its handshake's turn). Here too: pausing the
 * listener past max-held, and the one timer for every time limit of
 * waiting. The top of a connection's way down (see OVERVIEW.md): it
 * calls the layers below, none calls it but through self->events.
 *
 * GIO's GSocketListener binds and listens; the receiver accepts on its
 * sockets itself, every connection ready in one go, and keeps each as
 * a plain descriptor: a GSocket and a GSocketConnection for each file
 * cost nine system calls and a dozen objects that the original format
 * has no use for. (The secure channel will make them for its
 * connections, which carry whole batches.) */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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

/* Connections taken from the kernel in one go, at most. */
#define ACCEPT_BATCH    64
/* Out of descriptors: look again after this long. */
#define ACCEPT_RETRY_MS 100
/* An unfinished header younger than this is not closed to make room:
 * it may be an honest one on its way. */
#define EVICT_MIN_AGE   (G_USEC_PER_SEC)

/* The folder transfers save into, as they use it: learnt once. */
static PhIncomingFolder *
folder (PhReceiver *self)
{
  if (self->folder == NULL && self->directory != NULL)
    self->folder = ph_incoming_folder_new (self->directory, self->prefix);

  return self->folder;
}

static gboolean
deadline_cb (gpointer user_data)
{
  PhReceiver *self = user_data;
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&self->deadline_source, g_source_unref);
  g_object_ref (self);
  ph_receiver_expire_pending (self, now);
  ph_receiver_expire_waiting (self, now);
  ph_receiver_schedule_deadline (self);
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

/* One timer for every time limit of waiting: the nearest, of a header
 * (ph-receiver-pending.c), of data behind it or of an answer
 * (ph-receiver-admission.c). */
void
ph_receiver_schedule_deadline (PhReceiver *self)
{
  gint64 next = MIN (ph_receiver_pending_deadline (self), ph_receiver_waiting_deadline (self));
  gint64 delay;

  ph_gsource_clear (&self->deadline_source);
  self->deadline_at = next;
  if (next == G_MAXINT64)
    return;

  delay = MAX (0, next - g_get_monotonic_time ());
  self->deadline_source = ph_gsource_attach (g_timeout_source_new ((guint) MIN ((delay + 999) / 1000, G_MAXINT)),
                                             "[posthouse] waiting time limits", deadline_cb, self,
                                             self->context);
}

/* Makes sure the timer fires by @at (monotonic µs; G_MAXINT64: no
 * need). */
static void
deadline_at (PhReceiver *self,
             gint64      at)
{
  if (at != G_MAXINT64 && (self->deadline_source == NULL || at < self->deadline_at))
    ph_receiver_schedule_deadline (self);
}

static void
header_received (Pending *p)
{
  /* Kept for the timer: a handler of "transfer-added" may let it go. */
  g_autoptr(PhReceiver) self = g_object_ref (p->self);
  g_autoptr(GBytes) raw_name = NULL;
  g_autofree char *clean = NULL;
  g_autoptr(PhIncoming) in = NULL;
  PhSender *sender = p->sender;
  PhIncomingSetup setup = {
    .folder = folder (self),
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

  in = ph_incoming_new (p->fd, sender->key, p->peer, clean, size, &setup);
  p->fd = -1;
  ph_receiver_pending_done (p, TRUE);

  /* Its waits for data or an answer are bounded: the timer says when. */
  deadline_at (self, ph_receiver_take_in (self, in, sender));
}

/* Reads what has arrived of the header. Returns: FALSE once @p is
 * gone (complete, or failed). */
static gboolean
pending_read (Pending *p)
{
  PhReceiver *self = p->self;

  /* The first byte, not consumed: 0x16 begins the secure channel. */
  if (p->got == 0 && (self->secure_func != NULL || !self->accepts_plain))
    {
      guint8 first;
      ssize_t n = recv (p->fd, &first, 1, MSG_PEEK);

      if (n == 1 && first == 0x16 && self->secure_func != NULL)
        {
          deadline_at (self, p->accepted + (gint64) self->header_timeout * 1000);
          ph_receiver_take_tls (p);
          return FALSE;
        }
      if (n == 1 && first != 0x16 && !self->accepts_plain)
        {
          ph_receiver_pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_NOT_ENCRYPTED,
                                                    _("Turned away %s: not encrypted, and this "
                                                      "receiver accepts only encrypted connections"),
                                                    p->peer));
          return FALSE;
        }
      /* Nothing yet: decide when the first byte comes. Reading on would
       * take bytes that arrive in between without looking at them, and
       * let the original format past --no-plain. */
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return TRUE;
    }

  for (;;)
    {
      ssize_t n = recv (p->fd, p->header + p->got, sizeof p->header - p->got, 0);

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
        ph_receiver_pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_BAD_HEADER,
                                      /* Translators: a peer address, the bytes it sent, the header size (136) */
                                      _("%s closed the connection after %u of %d header bytes"),
                                      p->peer, (guint) p->got, PH_WIRE_HEADER_SIZE));
      else
        ph_receiver_pending_fail (p, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
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
 * the original format), and "address:port" in @peer (for messages),
 * from what accept() said. */
static void
describe_peer (const struct sockaddr_storage  *address,
               char                          **host,
               char                          **peer)
{
  char text[INET6_ADDRSTRLEN] = "";
  guint16 port = 0;

  if (address->ss_family == AF_INET)
    {
      const struct sockaddr_in *in4 = (const struct sockaddr_in *) address;

      inet_ntop (AF_INET, &in4->sin_addr, text, sizeof text);
      port = ntohs (in4->sin_port);
    }
  else if (address->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) address;

      /* A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d. */
      if (IN6_IS_ADDR_V4MAPPED (&in6->sin6_addr))
        inet_ntop (AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
      else
        inet_ntop (AF_INET6, &in6->sin6_addr, text, sizeof text);
      port = ntohs (in6->sin6_port);
    }

  if (*text == '\0')
    {
      *host = g_strdup (_("unknown peer"));
      *peer = g_strdup (*host);
      return;
    }

  *host = g_strdup (text);
  *peer = ph_address_format (text, port);
}

/* A connection accept() gave: its header phase starts. */
static void
take_connection (PhReceiver                    *self,
                 int                            fd,
                 const struct sockaddr_storage *address)
{
  g_autofree char *host = NULL;
  g_autofree char *peer = NULL;
  Pending *p;

  describe_peer (address, &host, &peer);
  p = ph_receiver_pending_new (self, fd, host, g_steal_pointer (&peer));

  /* The header usually came with the connection: no wait at all. */
  if (pending_read (p))
    {
      p->read_source = ph_gsource_attach (g_unix_fd_source_new (fd, G_IO_IN | G_IO_HUP | G_IO_ERR),
                                          "[posthouse] header", G_SOURCE_FUNC (readable_cb), p,
                                          self->context);
      deadline_at (self, p->accepted + (gint64) self->header_timeout * 1000);

      /* An honest sender has a few headers under way at most; a flood
       * from one address pushes out only its own. */
      while (p->sender->pending.length > self->max_pending_per_sender)
        ph_receiver_evict_pending (self, p->sender, G_MAXINT64);
    }
}

static gboolean
accept_retry_cb (gpointer user_data)
{
  PhReceiver *self = user_data;

  g_clear_pointer (&self->accept_retry, g_source_unref);
  if (!self->paused)
    ph_receiver_accept_start (self);
  return G_SOURCE_REMOVE;
}

/* Takes every connection the kernel has ready (a burst costs one
 * wake-up), as long as the receiver may hold more. */
static gboolean
accept_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  PhReceiver *self = user_data;
  int listen_fd = g_socket_get_fd (socket);

  g_object_ref (self);
  for (guint n = 0; n < ACCEPT_BATCH && self->listener != NULL && !self->paused; n++)
    {
      struct sockaddr_storage address;
      socklen_t len = sizeof address;
      int fd = accept4 (listen_fd, (struct sockaddr *) &address, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd >= 0)
        {
          take_connection (self, fd, &address);
          ph_receiver_update_accepting (self);
          continue;
        }
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        {
          /* Out of descriptors: the kernel's queue holds the rest until
           * some come back. */
          g_debug ("Could not accept a connection: %s", g_strerror (errno));
          ph_receiver_accept_stop (self);
          self->accept_retry = ph_gsource_attach (g_timeout_source_new (ACCEPT_RETRY_MS),
                                                  "[posthouse] accept again", accept_retry_cb,
                                                  self, self->context);
        }
      else if (errno != EAGAIN && errno != EWOULDBLOCK)
        g_debug ("Could not accept a connection: %s", g_strerror (errno));
      break;
    }
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

/* Collects the sockets the listener listens on, to accept on them. */
void
ph_receiver_listener_event_cb (GSocketListener      *listener,
                               GSocketListenerEvent  event,
                               GSocket              *socket,
                               PhReceiver           *self)
{
  if (event == G_SOCKET_LISTENER_LISTENED)
    g_ptr_array_add (self->listen_sockets, g_object_ref (socket));
}

/* Accepts connections as they come (again). */
void
ph_receiver_accept_start (PhReceiver *self)
{
  if (self->accept_sources->len > 0 || self->accept_retry != NULL)
    return;

  for (guint i = 0; i < self->listen_sockets->len; i++)
    {
      GSource *source = g_socket_create_source (self->listen_sockets->pdata[i], G_IO_IN, NULL);

      g_source_set_static_name (source, "[posthouse] accept");
      g_source_set_callback (source, G_SOURCE_FUNC (accept_ready_cb), self, NULL);
      g_source_attach (source, self->context);
      g_ptr_array_add (self->accept_sources, source);
    }
}

/* Stops accepting: what arrives waits in the kernel's listen queue. */
void
ph_receiver_accept_stop (PhReceiver *self)
{
  for (guint i = 0; i < self->accept_sources->len; i++)
    g_source_destroy (self->accept_sources->pdata[i]);
  g_ptr_array_set_size (self->accept_sources, 0);
  ph_gsource_clear (&self->accept_retry);
}

/* Accepting: paused past max_held (the kernel's listen queue holds
 * newcomers meanwhile), resumed with some room again, so that a full
 * receiver does not stop and start for every connection. Also what
 * the layers below call through self->events->released. */
void
ph_receiver_update_accepting (PhReceiver *self)
{
  guint margin = MAX (1, self->max_held / 16);

  if (self->listener == NULL)
    return;

  if (!self->paused && self->n_held >= self->max_held)
    {
      gint64 old = g_get_monotonic_time () - EVICT_MIN_AGE;

      /* Rather than keep everyone out, drop a placeholder: the oldest
       * unfinished header of whoever has most of them. */
      while (self->n_held >= self->max_held && ph_receiver_evict_pending (self, NULL, old))
        ;
      if (self->n_held >= self->max_held)
        {
          g_debug ("Holding %u connections: not accepting more for now", self->n_held);
          self->paused = TRUE;
          ph_receiver_accept_stop (self);
        }
    }
  else if (self->paused && self->n_held + margin <= self->max_held)
    {
      self->paused = FALSE;
      ph_receiver_accept_start (self);
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
