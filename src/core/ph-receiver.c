/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-address.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-incoming-private.h"
#include "ph-naming.h"
#include "ph-receiver.h"
#include "ph-source-private.h"
#include "ph-transfer-private.h"
#include "ph-wire.h"

#define DEFAULT_HEADER_TIMEOUT 10000
#define DEFAULT_IDLE_TIMEOUT   30000
#define DEFAULT_MAX_TRANSFERS  16
#define DEFAULT_MAX_PENDING    256
/* Connections the kernel completes before we accept them; the kernel
 * caps it at net.core.somaxconn. A burst must not see SYNs dropped. */
#define LISTEN_BACKLOG         4096

struct _PhReceiver
{
  GObject         parent_instance;

  GFile          *directory;
  char           *prefix;
  char           *bind_address;
  guint           port;
  guint           bound_port;
  guint           header_timeout;
  guint           idle_timeout;
  guint           max_transfers;
  guint           max_pending;
  gboolean        require_approval;

  GMainContext   *context;
  GSocketService *service;
  PhSpace        *space;       /* reserved by transfers in their data phase */

  GQueue          pending;     /* Pending, oldest first: waiting for a header */
  GQueue          queued;      /* PhIncoming waiting for a data slot */
  GPtrArray      *incoming;    /* every PhIncoming not finished */
  guint           active;      /* PhIncoming in their data phase */
};

G_DEFINE_FINAL_TYPE (PhReceiver, ph_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_PREFIX,
  PROP_BIND_ADDRESS,
  PROP_PORT,
  PROP_HEADER_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_MAX_TRANSFERS,
  PROP_MAX_PENDING,
  PROP_REQUIRE_APPROVAL,
  PROP_LISTENING,
  N_PROPS
};

enum {
  TRANSFER_ADDED,
  CONNECTION_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A connection that has not yet delivered its 136 header bytes. */
typedef struct
{
  GList              link;
  PhReceiver        *self;
  GSocketConnection *connection;
  char              *peer;
  GCancellable      *cancellable;
  GSource           *timeout_source;
  guint8             header[PH_WIRE_HEADER_SIZE];
  gboolean           timed_out;
  gboolean           evicted;
  gboolean           stopped;
} Pending;

static void
pending_free (Pending *p)
{
  ph_clear_source (&p->timeout_source);
  if (p->connection)
    {
      g_io_stream_close (G_IO_STREAM (p->connection), NULL, NULL);
      g_object_unref (p->connection);
    }
  g_object_unref (p->cancellable);
  g_object_unref (p->self);
  g_free (p->peer);
  g_free (p);
}

static void
run_queue (PhReceiver *self)
{
  while (self->active < self->max_transfers && self->queued.length > 0)
    {
      PhIncoming *in = g_queue_pop_head (&self->queued);

      self->active++;
      ph_incoming_receive (in);
    }
}

/* Starts the data phase now, or queues the transfer for a free slot. */
static void
admit (PhReceiver *self,
       PhIncoming *in)
{
  if (self->active < self->max_transfers)
    {
      self->active++;
      ph_incoming_receive (in);
    }
  else
    {
      ph_transfer_set_state (ph_incoming_get_transfer (in), PH_TRANSFER_QUEUED);
      g_queue_push_tail (&self->queued, in);
      ph_incoming_wait (in);
    }
}

static void
accepted_cb (PhIncoming *in,
             PhReceiver *self)
{
  admit (self, in);
}

static void
finished_cb (PhIncoming *in,
             PhReceiver *self)
{
  g_signal_handlers_disconnect_by_data (in, self);
  if (ph_incoming_get_receiving (in))
    self->active--;
  else
    g_queue_remove (&self->queued, in);
  g_ptr_array_remove_fast (self->incoming, in);

  run_queue (self);
  /* Taken in header_received(): transfers keep the receiver alive. */
  g_object_unref (self);
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
  clean = ph_naming_sanitize (g_bytes_get_data (raw_name, NULL), g_bytes_get_size (raw_name));

  in = ph_incoming_new (p->connection, p->peer, clean, self->prefix, size,
                        self->directory, self->idle_timeout, self->space);
  g_clear_object (&p->connection);
  g_ptr_array_add (self->incoming, g_object_ref (in));
  g_signal_connect (in, "accepted", G_CALLBACK (accepted_cb), self);
  g_signal_connect (in, "finished", G_CALLBACK (finished_cb), g_object_ref (self));

  /* Keep the transfer alive through the signal even if it ends at once. */
  transfer = g_object_ref (ph_incoming_get_transfer (in));

  error = ph_incoming_check (in);

  /* Waiting transfers (for a slot or for approval) hold a descriptor
   * each, so they share the cap of connections still in their header. */
  if (error == NULL &&
      (self->require_approval || self->active >= self->max_transfers) &&
      self->incoming->len - self->active - 1 >= self->max_pending)
    error = g_error_new (PH_ERROR, PH_ERROR_BUSY,
                         _("Too many transfers are waiting; refused “%s” from %s"),
                         ph_incoming_get_name (in), p->peer);

  if (error)
    {
      ph_incoming_finish (in, error);
      g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
      return;
    }

  if (self->require_approval)
    {
      ph_incoming_ask (in);
      g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
      return;
    }

  if (self->active < self->max_transfers)
    ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);

  g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);

  /* A handler may have cancelled it already. */
  if (!ph_transfer_is_finished (transfer))
    {
      if (g_cancellable_is_cancelled (ph_transfer_get_cancellable (transfer)))
        ph_incoming_finish (in, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Cancelled")));
      else
        admit (self, in);
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

  g_signal_emit (self, signals[CONNECTION_FAILED], 0, p->peer, reported);
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

static char *
describe_peer (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) address = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *host = NULL;
  const guint8 *bytes;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup (_("unknown peer"));

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

  host = g_inet_address_to_string (inet);
  return ph_address_format (host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
incoming_cb (GSocketService    *service,
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
  p->peer = describe_peer (connection);
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

  p->timeout_source = ph_source_attach (g_timeout_source_new (self->header_timeout),
                                        "[posthouse] header timeout",
                                        header_timeout_cb, p, self->context);

  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                 p->header, sizeof p->header, G_PRIORITY_DEFAULT,
                                 p->cancellable, header_cb, p);

  return TRUE;
}

static void
ph_receiver_dispose (GObject *object)
{
  PhReceiver *self = PH_RECEIVER (object);

  ph_receiver_stop (self);

  G_OBJECT_CLASS (ph_receiver_parent_class)->dispose (object);
}

static void
ph_receiver_finalize (GObject *object)
{
  PhReceiver *self = PH_RECEIVER (object);

  g_clear_object (&self->directory);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->bind_address, g_free);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->space, ph_space_unref);

  G_OBJECT_CLASS (ph_receiver_parent_class)->finalize (object);
}

static void
ph_receiver_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PhReceiver *self = PH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_PREFIX:
      g_value_set_string (value, self->prefix);
      break;
    case PROP_BIND_ADDRESS:
      g_value_set_string (value, self->bind_address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, ph_receiver_get_port (self));
      break;
    case PROP_HEADER_TIMEOUT:
      g_value_set_uint (value, self->header_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_MAX_TRANSFERS:
      g_value_set_uint (value, self->max_transfers);
      break;
    case PROP_MAX_PENDING:
      g_value_set_uint (value, self->max_pending);
      break;
    case PROP_REQUIRE_APPROVAL:
      g_value_set_boolean (value, self->require_approval);
      break;
    case PROP_LISTENING:
      g_value_set_boolean (value, self->service != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_receiver_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PhReceiver *self = PH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      ph_receiver_set_directory (self, g_value_get_object (value));
      break;
    case PROP_PREFIX:
      ph_receiver_set_prefix (self, g_value_get_string (value));
      break;
    case PROP_BIND_ADDRESS:
      ph_receiver_set_bind_address (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      ph_receiver_set_port (self, g_value_get_uint (value));
      break;
    case PROP_HEADER_TIMEOUT:
      ph_receiver_set_header_timeout (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      ph_receiver_set_idle_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_TRANSFERS:
      ph_receiver_set_max_transfers (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PENDING:
      ph_receiver_set_max_pending (self, g_value_get_uint (value));
      break;
    case PROP_REQUIRE_APPROVAL:
      ph_receiver_set_require_approval (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_receiver_class_init (PhReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_receiver_dispose;
  object_class->finalize = ph_receiver_finalize;
  object_class->get_property = ph_receiver_get_property;
  object_class->set_property = ph_receiver_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE, rw);
  /* Prepended to every saved name; "new_" mimics the original. */
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, NULL, NULL, rw);
  /* NULL or empty: every interface, IPv4 and IPv6. */
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_string ("bind-address", NULL, NULL, NULL, rw);
  /* 0: any free port; once listening, the port actually bound. */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, PH_DEFAULT_PORT, rw);
  properties[PROP_HEADER_TIMEOUT] =
    g_param_spec_uint ("header-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_HEADER_TIMEOUT, rw);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXINT, DEFAULT_IDLE_TIMEOUT, rw);
  properties[PROP_MAX_TRANSFERS] =
    g_param_spec_uint ("max-transfers", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_TRANSFERS, rw);
  properties[PROP_MAX_PENDING] =
    g_param_spec_uint ("max-pending", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_PENDING, rw);
  properties[PROP_REQUIRE_APPROVAL] =
    g_param_spec_boolean ("require-approval", NULL, NULL, FALSE, rw);
  properties[PROP_LISTENING] =
    g_param_spec_boolean ("listening", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PhReceiver::transfer-added:
   * @transfer: the new incoming transfer
   *
   * A complete header arrived. A refused one is announced already
   * FAILED, with the reason as its error message.
   */
  signals[TRANSFER_ADDED] =
    g_signal_new ("transfer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_TRANSFER);

  /**
   * PhReceiver::connection-failed:
   * @peer: "address:port" of the peer
   * @error: why: timeout, early end, too many connections, ...
   *
   * A connection ended before delivering a complete header.
   */
  signals[CONNECTION_FAILED] =
    g_signal_new ("connection-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_ERROR);
}

static void
ph_receiver_init (PhReceiver *self)
{
  self->port = PH_DEFAULT_PORT;
  self->header_timeout = DEFAULT_HEADER_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  self->max_transfers = DEFAULT_MAX_TRANSFERS;
  self->max_pending = DEFAULT_MAX_PENDING;
  self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  self->context = g_main_context_ref_thread_default ();
  self->space = ph_space_new ();
}

PhReceiver *
ph_receiver_new (GFile *directory)
{
  g_return_val_if_fail (!directory || G_IS_FILE (directory), NULL);

  return g_object_new (PH_TYPE_RECEIVER, "directory", directory, NULL);
}

GFile *
ph_receiver_get_directory (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), NULL);

  return self->directory;
}

/* Takes effect for transfers whose header arrives afterwards. */
void
ph_receiver_set_directory (PhReceiver *self,
                           GFile      *directory)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (!directory || G_IS_FILE (directory));

  if (g_set_object (&self->directory, directory))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY]);
}

const char *
ph_receiver_get_prefix (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), NULL);

  return self->prefix;
}

void
ph_receiver_set_prefix (PhReceiver *self,
                        const char *prefix)
{
  g_autofree char *safe = NULL;

  g_return_if_fail (PH_IS_RECEIVER (self));

  /* The prefix is part of a file name, never a path. */
  if (prefix && *prefix)
    safe = g_strdelimit (g_strdup (prefix), "/", '_');

  if (g_strcmp0 (self->prefix, safe) == 0)
    return;

  g_free (self->prefix);
  self->prefix = g_steal_pointer (&safe);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFIX]);
}

const char *
ph_receiver_get_bind_address (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), NULL);

  return self->bind_address;
}

/* Takes effect at the next ph_receiver_start(). */
void
ph_receiver_set_bind_address (PhReceiver *self,
                              const char *address)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (address && !*address)
    address = NULL;
  if (g_strcmp0 (self->bind_address, address) == 0)
    return;

  g_free (self->bind_address);
  self->bind_address = g_strdup (address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
}

/* Returns: the port actually bound while listening, else the setting. */
guint
ph_receiver_get_port (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->service ? self->bound_port : self->port;
}

/* Takes effect at the next ph_receiver_start(). */
void
ph_receiver_set_port (PhReceiver *self,
                      guint       port)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

guint
ph_receiver_get_header_timeout (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->header_timeout;
}

void
ph_receiver_set_header_timeout (PhReceiver *self,
                                guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (msec > 0);

  if (self->header_timeout == msec)
    return;

  self->header_timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADER_TIMEOUT]);
}

guint
ph_receiver_get_idle_timeout (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->idle_timeout;
}

/* Milliseconds a sender may stay silent mid-file; 0: no limit. */
void
ph_receiver_set_idle_timeout (PhReceiver *self,
                              guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->idle_timeout == msec)
    return;

  self->idle_timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

guint
ph_receiver_get_max_transfers (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_transfers;
}

void
ph_receiver_set_max_transfers (PhReceiver *self,
                               guint       max_transfers)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_transfers > 0);

  if (self->max_transfers == max_transfers)
    return;

  self->max_transfers = max_transfers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_TRANSFERS]);
  run_queue (self);
}

guint
ph_receiver_get_max_pending (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_pending;
}

void
ph_receiver_set_max_pending (PhReceiver *self,
                             guint       max_pending)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_pending > 0);

  if (self->max_pending == max_pending)
    return;

  self->max_pending = max_pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PENDING]);
}

gboolean
ph_receiver_get_require_approval (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);

  return self->require_approval;
}

/* With approval required, each new transfer waits in
 * PH_TRANSFER_WAITING for ph_transfer_accept() or ph_transfer_decline(). */
void
ph_receiver_set_require_approval (PhReceiver *self,
                                  gboolean    require_approval)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  require_approval = !!require_approval;
  if (self->require_approval == require_approval)
    return;

  self->require_approval = require_approval;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRE_APPROVAL]);
}

gboolean
ph_receiver_get_listening (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);

  return self->service != NULL;
}

static gboolean
check_directory (PhReceiver  *self,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (self->directory == NULL)
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, _("No folder to save received files in"));
      return FALSE;
    }

  name = g_file_get_parse_name (self->directory);
  path = g_file_get_path (self->directory);
  if (path == NULL)
    g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("“%s” is not a local folder"), name);
  else if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("The folder “%s” does not exist"), name);
  else if (access (path, W_OK | X_OK) != 0)
    g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("The folder “%s” is not writable"), name);
  else
    return TRUE;

  return FALSE;
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

static gboolean
listen_on (PhReceiver      *self,
           GSocketListener *listener,
           GError         **error)
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

/**
 * ph_receiver_start:
 *
 * Checks the folder and starts listening. Errors: PH_ERROR_FOLDER,
 * PH_ERROR_INVALID_ADDRESS, G_IO_ERROR_ADDRESS_IN_USE (with a sentence
 * saying so) or another G_IO_ERROR.
 */
gboolean
ph_receiver_start (PhReceiver  *self,
                   GError     **error)
{
  g_autoptr(GSocketService) service = NULL;

  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (!error || !*error, FALSE);

  if (self->service)
    return TRUE;

  if (!check_directory (self, error))
    return FALSE;

  service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), LISTEN_BACKLOG);

  if (!listen_on (self, G_SOCKET_LISTENER (service), error))
    {
      g_socket_listener_close (G_SOCKET_LISTENER (service));
      return FALSE;
    }

  g_signal_connect_object (service, "incoming", G_CALLBACK (incoming_cb), self, 0);
  g_socket_service_start (service);
  self->service = g_steal_pointer (&service);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
  if (self->port == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);

  return TRUE;
}

/* Stops listening and quietly closes connections that sent no header
 * yet; announced transfers go on. */
void
ph_receiver_stop (PhReceiver *self)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->service == NULL)
    return;

  g_signal_handlers_disconnect_by_func (self->service, incoming_cb, self);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);

  for (GList *l = self->pending.head; l; l = l->next)
    {
      Pending *p = l->data;

      p->stopped = TRUE;
      g_cancellable_cancel (p->cancellable);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
}

/* Cancels every announced transfer that is not finished. */
void
ph_receiver_cancel_all (PhReceiver *self)
{
  g_autoptr(GPtrArray) transfers = NULL;

  g_return_if_fail (PH_IS_RECEIVER (self));

  transfers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->incoming->len; i++)
    {
      PhIncoming *in = g_ptr_array_index (self->incoming, i);

      g_ptr_array_add (transfers, g_object_ref (ph_incoming_get_transfer (in)));
    }

  for (guint i = 0; i < transfers->len; i++)
    ph_transfer_cancel (g_ptr_array_index (transfers, i));
}

/**
 * ph_receiver_clean_leftovers:
 *
 * Removes the partial files that a killed receiver left in the folder:
 * ".posthouse-*.part" files nobody holds a lock on.
 *
 * Returns: how many files were removed
 */
guint
ph_receiver_clean_leftovers (PhReceiver *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;

  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  if (self->directory == NULL || (path = g_file_get_path (self->directory)) == NULL)
    return 0;

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *file = NULL;
      int fd;

      if (!g_str_has_prefix (name, PH_PART_PREFIX) || !g_str_has_suffix (name, PH_PART_SUFFIX))
        continue;

      file = g_build_filename (path, name, NULL);
      fd = open (file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        continue;

      if (flock (fd, LOCK_EX | LOCK_NB) == 0 && g_unlink (file) == 0)
        count++;
      close (fd);
    }

  return count;
}
