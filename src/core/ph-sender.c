/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-pump.h"
#include "ph-sender.h"
#include "ph-source-private.h"
#include "ph-transfer-private.h"
#include "ph-wire.h"

#define DEFAULT_CONNECT_TIMEOUT 10

struct _PhSender
{
  GObject parent_instance;

  guint   connect_timeout;
  guint   idle_timeout;
};

G_DEFINE_FINAL_TYPE (PhSender, ph_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  PhTransfer        *transfer;
  GCancellable      *user_cancellable;
  gulong             user_cancel_id;
  GCancellable      *connect_cancellable;
  gulong             connect_cancel_id;
  GSource           *timeout_source;
  gboolean           timed_out;
  GSocketConnection *connection;
  char              *host;
  guint16            port;
  char              *peer;
  guint              connect_timeout;
  guint              idle_timeout;
  gboolean           all_written;   /* only the receipt was missing */
} SendJob;

static void
send_job_free (gpointer data)
{
  SendJob *job = data;

  if (job->user_cancel_id)
    g_cancellable_disconnect (job->user_cancellable, job->user_cancel_id);
  if (job->connect_cancel_id)
    g_cancellable_disconnect (ph_transfer_get_cancellable (job->transfer), job->connect_cancel_id);
  ph_clear_source (&job->timeout_source);
  g_clear_object (&job->user_cancellable);
  g_clear_object (&job->connect_cancellable);
  if (job->connection)
    g_io_stream_close (G_IO_STREAM (job->connection), NULL, NULL);
  g_clear_object (&job->connection);
  g_clear_object (&job->transfer);
  g_free (job->host);
  g_free (job->peer);
  g_free (job);
}

static void
ph_sender_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PhSender *self = PH_SENDER (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_sender_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PhSender *self = PH_SENDER (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      ph_sender_set_connect_timeout (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      ph_sender_set_idle_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_sender_class_init (PhSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ph_sender_get_property;
  object_class->set_property = ph_sender_set_property;

  /* Seconds to wait for the receiver to answer the connection. */
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL,
                       1, G_MAXUINT / 1000, DEFAULT_CONNECT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Milliseconds the receiver may stop reading before the send fails;
   * 0 (the default) waits as long as the receiver holds the connection,
   * since a receiver asking its user first holds it on purpose. */
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL,
                       0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_sender_init (PhSender *self)
{
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
}

PhSender *
ph_sender_new (void)
{
  return g_object_new (PH_TYPE_SENDER, NULL);
}

guint
ph_sender_get_connect_timeout (PhSender *self)
{
  g_return_val_if_fail (PH_IS_SENDER (self), 0);

  return self->connect_timeout;
}

void
ph_sender_set_connect_timeout (PhSender *self,
                               guint     seconds)
{
  g_return_if_fail (PH_IS_SENDER (self));
  g_return_if_fail (seconds > 0);

  if (self->connect_timeout == seconds)
    return;

  self->connect_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
ph_sender_get_idle_timeout (PhSender *self)
{
  g_return_val_if_fail (PH_IS_SENDER (self), 0);

  return self->idle_timeout;
}

void
ph_sender_set_idle_timeout (PhSender *self,
                            guint     msec)
{
  g_return_if_fail (PH_IS_SENDER (self));

  if (self->idle_timeout == msec)
    return;

  self->idle_timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

static void
finish (GTask  *task,
        GError *error)
{
  SendJob *job = g_task_get_task_data (task);

  if (job->connection)
    {
      /* A send that failed or gave up, for whatever reason, resets the
       * connection: a plain close would queue its FIN behind data the
       * receiver has not read, or after all of it, and a receiver
       * holding the file (asking its user, out of slots) would save it
       * while we report a failure. A reset makes it throw the data away. */
      if (error != NULL)
        {
          struct linger reset = { .l_onoff = 1, .l_linger = 0 };

          setsockopt (g_socket_get_fd (g_socket_connection_get_socket (job->connection)),
                      SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        }
      g_io_stream_close (G_IO_STREAM (job->connection), NULL, NULL);
      g_clear_object (&job->connection);
    }

  if (error)
    {
      ph_transfer_fail (job->transfer, error);
      g_task_return_error (task, error);
    }
  else
    {
      ph_transfer_set_bytes_done (job->transfer, ph_transfer_get_size (job->transfer));
      ph_transfer_set_state (job->transfer, PH_TRANSFER_DONE);
      g_task_return_boolean (task, TRUE);
    }
}

/* Turns what the data path reports into a sentence about this send. */
static GError *
explain_send_error (SendJob *job,
                    GError  *error)
{
  PhTransfer *transfer = job->transfer;
  g_autoptr(GError) owned = error;
  g_autofree char *done = g_format_size (ph_transfer_get_bytes_done (transfer));
  g_autofree char *size = g_format_size (ph_transfer_get_size (transfer));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION) && job->all_written)
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("The receiver did not save “%s”: it ended the connection with a reset (it refused the file or could not save it)"),
                        ph_transfer_get_name (transfer));

  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("The receiver closed the connection after %s of %s (it may have refused the file)"),
                        done, size);

  if (g_error_matches (error, PH_ERROR, PH_ERROR_TIMED_OUT))
    {
      guint seconds = (job->idle_timeout + 999) / 1000;

      return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "The receiver at %s stopped reading for %u second",
                                       "The receiver at %s stopped reading for %u seconds",
                                       seconds),
                          job->peer, seconds);
    }

  if (g_error_matches (error, PH_ERROR, PH_ERROR_FILE_CHANGED))
    return g_error_new (PH_ERROR, PH_ERROR_FILE_CHANGED,
                        _("“%s” changed while it was being sent, so it was not delivered"),
                        ph_transfer_get_name (transfer));

  if (error->domain == PH_ERROR)
    return g_steal_pointer (&owned);

  return g_error_new (PH_ERROR, PH_ERROR_FAILED, _("Sending “%s” failed: %s"),
                      ph_transfer_get_name (transfer), error->message);
}

/* GIO wraps the cause in a sentence of its own ("Error when getting
 * information for file “/…”: …"): for the usual causes, say only the
 * cause, in the C library's words. */
static GError *
read_error (SendJob *job,
            GError  *error)
{
  static const struct { GIOErrorEnum code; int errnum; } causes[] = {
    { G_IO_ERROR_NOT_FOUND, ENOENT },
    { G_IO_ERROR_PERMISSION_DENIED, EACCES },
    { G_IO_ERROR_IS_DIRECTORY, EISDIR },
    { G_IO_ERROR_NOT_DIRECTORY, ENOTDIR },
    { G_IO_ERROR_TOO_MANY_LINKS, ELOOP },
    { G_IO_ERROR_FILENAME_TOO_LONG, ENAMETOOLONG },
  };
  g_autoptr(GError) owned = error;
  const char *cause = error->message;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  for (gsize i = 0; i < G_N_ELEMENTS (causes); i++)
    if (g_error_matches (error, G_IO_ERROR, causes[i].code))
      cause = g_strerror (causes[i].errnum);

  return g_error_new (G_IO_ERROR, error->code, _("Could not read “%s”: %s"),
                      ph_transfer_get_name (job->transfer), cause);
}

static gboolean
send_thread (gpointer       task_data,
             GCancellable  *cancellable,
             GError       **error)
{
  SendJob *job = task_data;
  PhTransfer *transfer = job->transfer;
  GFile *source = ph_transfer_get_source (transfer);
  gint64 size = ph_transfer_get_size (transfer);
  int sock = g_socket_get_fd (g_socket_connection_get_socket (job->connection));
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_file_get_path (source);
  guint8 header[PH_WIRE_HEADER_SIZE];
  PhPump pump;
  int fd = -1;
  gboolean ok = FALSE;

  if (path)
    {
      struct stat st;

      fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        {
          int errsv = errno;

          g_propagate_error (error, read_error (job, g_error_new_literal (G_IO_ERROR,
                                                                         g_io_error_from_errno (errsv),
                                                                         g_strerror (errsv))));
          return FALSE;
        }
      if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size != size)
        {
          close (fd);
          g_set_error (error, PH_ERROR, PH_ERROR_FILE_CHANGED,
                       _("“%s” changed while it was being sent, so it was not delivered"),
                       ph_transfer_get_name (transfer));
          return FALSE;
        }
    }
  else
    {
      stream = G_INPUT_STREAM (g_file_read (source, cancellable, &local_error));
      if (stream == NULL)
        {
          g_propagate_error (error, read_error (job, g_steal_pointer (&local_error)));
          return FALSE;
        }
    }

  ph_wire_encode_header (ph_transfer_get_name (transfer), size, header);

  ph_pump_init (&pump, cancellable, transfer, job->idle_timeout);
  if (ph_pump_write_all (&pump, sock, header, sizeof header, &local_error) &&
      (fd >= 0 ? ph_pump_send_fd (&pump, sock, fd, size, &local_error)
               : ph_pump_send_stream (&pump, sock, stream, size, &local_error)) &&
      (job->all_written = TRUE) &&
      (shutdown (sock, SHUT_WR) == 0 || errno == ENOTCONN) &&
      ph_pump_wait_eof (&pump, sock, &local_error))
    ok = TRUE;
  ph_pump_clear (&pump);

  if (fd >= 0)
    close (fd);

  if (!ok)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, PH_ERROR, PH_ERROR_CONNECTION, g_strerror (errno));
      g_propagate_error (error, explain_send_error (job, g_steal_pointer (&local_error)));
    }

  return ok;
}

static void
send_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  finish (task, error);
}

static void
set_keepalive (GSocket *socket)
{
  int fd = g_socket_get_fd (socket);
  int idle = 30, interval = 10, count = 3;

  /* A vanished receiver then fails within about a minute instead of
   * TCP's two hours, while a receiver merely asking its user does not. */
  g_socket_set_keepalive (socket, TRUE);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

static GError *
explain_connect_error (SendJob *job,
                       GError  *error)
{
  g_autoptr(GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!job->timed_out)
        return g_steal_pointer (&owned);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("Connection refused by %s — is receive mode on there?"), job->peer);
  else if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("Could not find host “%s”"), job->host);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("Could not connect to %s: %s"), job->peer, error->message);

  return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "No answer from %s within %u second",
                                   "No answer from %s within %u seconds",
                                   job->connect_timeout),
                      job->peer, job->connect_timeout);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  GTask *pump_task;
  gpointer source_object;

  job->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);

  ph_clear_source (&job->timeout_source);

  if (job->connection == NULL)
    {
      /* The transfer's own cancellation wins over our timer. */
      if (g_cancellable_is_cancelled (ph_transfer_get_cancellable (job->transfer)))
        job->timed_out = FALSE;
      finish (task, explain_connect_error (job, error));
      return;
    }

  set_keepalive (g_socket_connection_get_socket (job->connection));
  ph_transfer_set_state (job->transfer, PH_TRANSFER_SENDING);

  source_object = g_task_get_source_object (task);
  pump_task = g_task_new (source_object, ph_transfer_get_cancellable (job->transfer),
                          send_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (pump_task, send_thread);
  /* A file delivered just before a cancel stays delivered. */
  g_task_set_check_cancellable (pump_task, FALSE);
  g_task_set_task_data (pump_task, job, NULL);
  ph_pump_run_in_thread (pump_task, send_thread);
  g_object_unref (pump_task);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  SendJob *job = user_data;

  job->timed_out = TRUE;
  g_cancellable_cancel (job->connect_cancellable);
  g_clear_pointer (&job->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static void
cancel_other_cb (GCancellable *cancellable,
                 gpointer      other)
{
  g_cancellable_cancel (G_CANCELLABLE (other));
}

static void
query_info_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendJob *job = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  GError *error = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (info == NULL)
    {
      finish (task, read_error (job, error));
      return;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      finish (task, g_error_new (PH_ERROR, PH_ERROR_NOT_REGULAR,
                                 g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY ?
                                 _("“%s” is a folder; only files can be sent") :
                                 _("“%s” is not a regular file"),
                                 ph_transfer_get_name (job->transfer)));
      return;
    }

  ph_transfer_set_size (job->transfer, g_file_info_get_size (info));
  ph_transfer_set_state (job->transfer, PH_TRANSFER_CONNECTING);

  job->connect_cancellable = g_cancellable_new ();
  job->connect_cancel_id = g_cancellable_connect (ph_transfer_get_cancellable (job->transfer),
                                                  G_CALLBACK (cancel_other_cb),
                                                  job->connect_cancellable, NULL);
  job->timeout_source = ph_source_attach (g_timeout_source_new_seconds (job->connect_timeout),
                                          "[posthouse] connect timeout",
                                          connect_timeout_cb, job, g_task_get_context (task));

  client = g_socket_client_new ();
  /* Peers are on the local network: a desktop proxy would only be in the way. */
  g_socket_client_set_enable_proxy (client, FALSE);
  address = g_network_address_new (job->host, job->port);
  g_socket_client_connect_async (client, address, job->connect_cancellable,
                                 connect_cb, g_steal_pointer (&task));
}

/**
 * ph_sender_send_async:
 * @transfer: a transfer from ph_transfer_new_outgoing(), not yet sent
 * @cancellable: (nullable): cancels like ph_transfer_cancel() does
 *
 * Connects to the transfer's destination and sends its file. The
 * transfer's state follows along; it succeeds only once the receiver
 * has taken every byte and closed the connection.
 */
void
ph_sender_send_async (PhSender            *self,
                      PhTransfer          *transfer,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *own_cancellable;
  GError *error = NULL;
  SendJob *job;

  g_return_if_fail (PH_IS_SENDER (self));
  g_return_if_fail (PH_IS_TRANSFER (transfer));
  g_return_if_fail (ph_transfer_get_direction (transfer) == PH_TRANSFER_SEND);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  own_cancellable = ph_transfer_get_cancellable (transfer);

  task = g_task_new (self, own_cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_sender_send_async);
  /* The result follows the transfer's final state, whatever the
   * cancellable did after the fact. */
  g_task_set_check_cancellable (task, FALSE);

  job = g_new0 (SendJob, 1);
  job->transfer = g_object_ref (transfer);
  job->connect_timeout = self->connect_timeout;
  job->idle_timeout = self->idle_timeout;
  g_task_set_task_data (task, job, send_job_free);

  if (ph_transfer_get_error (transfer) != NULL)
    {
      /* Cancelled before it was sent, typically. */
      g_task_return_error (task, g_error_copy (ph_transfer_get_error (transfer)));
      return;
    }

  if (ph_transfer_get_state (transfer) != PH_TRANSFER_QUEUED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This transfer was already started"));
      return;
    }

  if (cancellable)
    {
      job->user_cancellable = g_object_ref (cancellable);
      job->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_other_cb),
                                                   own_cancellable, NULL);
    }

  if (g_cancellable_set_error_if_cancelled (own_cancellable, &error))
    {
      finish (task, error);
      return;
    }

  if (!ph_address_parse (ph_transfer_get_peer (transfer), PH_DEFAULT_PORT,
                         &job->host, &job->port, &error))
    {
      finish (task, error);
      return;
    }

  job->peer = ph_address_format (job->host, job->port);
  ph_transfer_set_peer (transfer, job->peer);
  ph_transfer_set_state (transfer, PH_TRANSFER_CONNECTING);

  g_file_query_info_async (ph_transfer_get_source (transfer),
                           G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, own_cancellable,
                           query_info_cb, g_steal_pointer (&task));
}

gboolean
ph_sender_send_finish (PhSender      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (PH_IS_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
