/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A lane sends a batch's files one after the other on a worker thread: open and
 * measure the file, connect, header and data, half-close, wait for the receipt. While
 * a file waits for its receipt, the lane opens and connects the next one, so that the
 * connect's round trip overlaps the receipt's; the next header leaves only once the
 * receipt is in, so a lane never has two files in a receiver's hands. */

#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-data-path.h"
#include "ph-send-failures.h"
#include "ph-send-private.h"
#include "ph-sender-private.h"
#include "ph-wire.h"

/* A lane connects ahead once a receipt came back this quickly (a receiver that asks
 * its user first holds receipts for long)... */
#define AHEAD_RECEIPT_USEC (1 * G_USEC_PER_SEC)
/* ...and holds an unused connection no longer than this: a Posthouse
 * receiver drops a connection that sent no header for 10 s. */
#define AHEAD_HOLD_MSEC    4000
#define MAX_IDLE_CLIENTS   PH_SEND_WINDOW_PLAIN_MAX

typedef struct
{
  PhSendRun        *batch;
  GSocketClient      *client;
  GCancellable       *wake;      /* cancelled with the current file */
  int                 wake_fd;
  GCancellable       *connecting; /* cancelled with the file(s) a connect is for */
  GSocketConnectable *address;
  char               *address_host;
  guint16             address_port;
  gboolean            ahead;     /* connect the next file while one waits */
  gboolean            ended;
} Lane;

/* Connection clients outlive lanes: a lane borrows one and gives it
 * back, so sending file after file, or batch after batch, creates none. */
static GAsyncQueue *
idle_clients (void)
{
  static GAsyncQueue *clients;

  if (g_once_init_enter (&clients))
    g_once_init_leave (&clients, g_async_queue_new ());

  return clients;
}

static GSocketClient *
borrow_client (void)
{
  GSocketClient *client = g_async_queue_try_pop (idle_clients ());

  if (client == NULL)
    {
      client = g_socket_client_new ();
      /* Peers are on the local network: a desktop proxy would only be in the way. */
      g_socket_client_set_enable_proxy (client, FALSE);
    }

  return client;
}

static void
give_back_client (GSocketClient *client)
{
  GAsyncQueue *clients = idle_clients ();

  if (g_async_queue_length (clients) < MAX_IDLE_CLIENTS)
    g_async_queue_push (clients, client);
  else
    g_object_unref (client);
}

static int
connection_fd (PhSendJob *job)
{
  return g_socket_get_fd (g_socket_connection_get_socket (job->connection));
}

/* A failed or abandoned send resets: a plain close would queue its FIN
 * behind data the receiver has not read, and a receiver holding the
 * file (asking its user, or out of slots) would take it for complete. */
static void
close_connection (PhSendJob *job,
                  gboolean   reset)
{
  if (job->connection == NULL)
    return;

  if (reset)
    {
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };

      setsockopt (connection_fd (job), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    }
  g_io_stream_close (G_IO_STREAM (job->connection), NULL, NULL);
  g_clear_object (&job->connection);
}

static void
close_source (PhSendJob *job)
{
  if (job->fd >= 0)
    close (job->fd);
  job->fd = -1;
  g_clear_object (&job->stream);
}

/* GIO wraps the cause in a sentence of its own ("Error when getting information for
 * file “/…”: …"): for the usual causes, say only the cause, in the C library's words. */
static GError *
read_error (PhSendJob *job,
            GError    *error)
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

  return g_error_new (G_IO_ERROR, error->code, _("Could not read “%s”: %s"), job->name, cause);
}

static gboolean
fail_errno (PhSendJob *job,
            int        errsv)
{
  job->error = read_error (job, g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (errsv),
                                                     g_strerror (errsv)));
  return FALSE;
}

static gboolean
fail_not_regular (PhSendJob *job,
                  gboolean   is_folder)
{
  job->error = g_error_new (PH_ERROR, PH_ERROR_NOT_REGULAR,
                            is_folder ? _("“%s” is a folder; only files can be sent")
                                      : _("“%s” is not a regular file"),
                            job->name);
  return FALSE;
}

/* Opens the file and measures it, once: the size announced in the
 * header is the one of the descriptor that is sent. */
static gboolean
job_open (PhSendRun *batch,
          PhSendJob   *job)
{
  GFile *source = ph_transfer_get_source (job->transfer);
  g_autofree char *path = NULL;

  job->opened = TRUE;
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return FALSE;

  path = g_file_get_path (source);
  if (path != NULL)
    {
      struct stat st;

      /* O_NONBLOCK: a FIFO must not hang the lane; it is refused below. */
      job->fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (job->fd < 0 || fstat (job->fd, &st) != 0)
        return fail_errno (job, errno);
      if (!S_ISREG (st.st_mode))
        return fail_not_regular (job, S_ISDIR (st.st_mode));
      job->size = st.st_size;
    }
  else
    {
      /* A file of a GVfs backend: the stream's size is not reliable
       * everywhere, so ask the file, then read it. */
      g_autoptr(GFileInfo) info = NULL;
      GError *error = NULL;

      info = g_file_query_info (source,
                                G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                G_FILE_QUERY_INFO_NONE, job->cancellable, &error);
      if (info == NULL)
        {
          job->error = read_error (job, error);
          return FALSE;
        }
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        return fail_not_regular (job, g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY);
      job->size = g_file_info_get_size (info);
      job->stream = G_INPUT_STREAM (g_file_read (source, job->cancellable, &error));
      if (job->stream == NULL)
        {
          job->error = read_error (job, error);
          return FALSE;
        }
    }

  ph_send_run_post (batch, job, PH_SEND_OPENED);
  return TRUE;
}

static void
configure_socket (GSocket *socket)
{
  int fd = g_socket_get_fd (socket);
  int idle = 30, interval = 10, count = 3, on = 1;

  /* A vanished receiver then fails within about a minute instead of
   * TCP's two hours, while a receiver merely asking its user does not. */
  g_socket_set_keepalive (socket, TRUE);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  /* Corked: full segments leave at once, the last partial one waits for
   * the half-close, so that the header leaves with the first data and
   * the end of the file with the FIN (a small file is one packet). */
  setsockopt (fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
  /* The connect timeout is not one for the data (the pump has its own). */
  g_socket_set_timeout (socket, 0);
}

static GSocketConnectable *
lane_address (Lane      *lane,
              PhSendJob *job)
{
  /* Kept while the destination stays the same: a host name is then
   * resolved once, an address never (a resolver stats resolv.conf). */
  if (lane->address == NULL || lane->address_port != job->port ||
      g_strcmp0 (lane->address_host, job->host) != 0)
    {
      g_clear_object (&lane->address);
      g_free (lane->address_host);
      lane->address = g_hostname_is_ip_address (job->host)
        ? G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string (job->host, job->port))
        : g_network_address_new (job->host, job->port);
      lane->address_host = g_strdup (job->host);
      lane->address_port = job->port;
    }

  return lane->address;
}

static void
cancel_other_cb (GCancellable *cancellable,
                 gpointer      other)
{
  g_cancellable_cancel (G_CANCELLABLE (other));
}

/* Connects @job. With @waiting (a file waiting for its receipt, whose
 * cancellation must not wait for this connect), either one cancels (the
 * lane's cancellable stands for them: it keeps its descriptor, where
 * theirs would make one per connect); if it was @waiting, @job is left
 * unconnected without an error. */
static gboolean
job_connect (Lane      *lane,
             PhSendJob *job,
             PhSendJob *waiting)
{
  GCancellable *cancellable = lane->connecting;
  GError *error = NULL;
  gulong own_id, waiting_id = 0;

  /* Cancelling a batch cancels its transfers one by one: a lane that
   * moved on must not connect for one not yet reached. */
  if (ph_send_run_is_cancelled (lane->batch))
    {
      job->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return FALSE;
    }

  own_id = g_cancellable_connect (job->cancellable, G_CALLBACK (cancel_other_cb), cancellable, NULL);
  if (waiting != NULL)
    waiting_id = g_cancellable_connect (waiting->cancellable, G_CALLBACK (cancel_other_cb), cancellable, NULL);
  job->tried_connect = TRUE;
  g_socket_client_set_timeout (lane->client, job->connect_timeout);
  job->connection = g_socket_client_connect (lane->client, lane_address (lane, job),
                                             cancellable, &error);
  g_cancellable_disconnect (job->cancellable, own_id);
  if (waiting != NULL)
    g_cancellable_disconnect (waiting->cancellable, waiting_id);
  if (g_cancellable_is_cancelled (cancellable))
    g_cancellable_reset (cancellable);
  if (job->connection == NULL)
    {
      if (waiting != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_cancellable_is_cancelled (job->cancellable))
        g_clear_error (&error);
      else
        job->error = ph_send_connect_error (job->peer, job->host, job->connect_timeout, error);
      return FALSE;
    }

  configure_socket (g_socket_connection_get_socket (job->connection));
  job->connected_at = g_get_monotonic_time ();
  return TRUE;
}

/* A connection made ahead may have waited: anything to read on it
 * (an end, a reset) means the receiver gave up on it or went away. */
static gboolean
connection_usable (PhSendJob *job)
{
  struct pollfd pfd = { .fd = connection_fd (job), .events = POLLIN | POLLRDHUP };

  if (g_get_monotonic_time () - job->connected_at > AHEAD_HOLD_MSEC * (gint64) 1000)
    return FALSE;

  return poll (&pfd, 1, 0) == 0;
}

/* Ready to send: opened and connected (either may have happened ahead). */
static gboolean
job_start (Lane      *lane,
           PhSendJob *job)
{
  if (job->error != NULL)
    return FALSE;
  if (!job->opened && !job_open (lane->batch, job))
    return FALSE;
  if (job->connection != NULL && !connection_usable (job))
    close_connection (job, FALSE);
  if (job->connection == NULL && !job_connect (lane, job, NULL))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return FALSE;

  job->sent_at = g_get_monotonic_time ();
  ph_send_run_post (lane->batch, job, PH_SEND_SENDING);
  return TRUE;
}

/* Turns what the data path reports into a sentence about this send. */
static GError *
explain_send_error (PhSendJob *job,
                    GError    *error)
{
  g_autoptr(GError) owned = error;
  g_autofree char *done = g_format_size (ph_transfer_get_bytes_done (job->transfer));
  g_autofree char *size = g_format_size (job->size);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION) && job->all_written)
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("The receiver did not save “%s”: it ended the connection with a reset (it refused the file or could not save it)"),
                        job->name);

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
                        job->name);

  if (error->domain == PH_ERROR)
    return g_steal_pointer (&owned);

  return g_error_new (PH_ERROR, PH_ERROR_FAILED, _("Sending “%s” failed: %s"),
                      job->name, error->message);
}

/* The header, the data, then the half-close. */
static gboolean
job_send (PhSendJob *job,
          PhDataPath    *pump)
{
  int sock = connection_fd (job);
  guint8 header[PH_WIRE_HEADER_SIZE];
  GError *error = NULL;
  gboolean ok = FALSE;

  ph_wire_encode_header (job->name, job->size, header);

  /* The socket is corked (configure_socket()); MSG_MORE says the same
   * for the header, should a platform ignore the cork. */
  if (ph_data_path_write_all (pump, sock, header, sizeof header, MSG_MORE, &error) &&
      (job->fd >= 0 ? ph_data_path_send_fd (pump, sock, job->fd, job->size, &error)
                    : ph_data_path_send_stream (pump, sock, job->stream, job->size, &error)))
    {
      job->all_written = TRUE;
      if (shutdown (sock, SHUT_WR) == 0 || errno == ENOTCONN)
        ok = TRUE;
      else
        g_set_error_literal (&error, PH_ERROR, PH_ERROR_CONNECTION, g_strerror (errno));
    }

  /* The receipt needs the connection only. */
  close_source (job);

  if (!ok)
    job->error = explain_send_error (job, error);
  return ok;
}

/* The receiver ends the connection once the file is in place: its end
 * of stream is the receipt. A connection made ahead is let go if the
 * receipt takes long. */
static void
job_wait_receipt (Lane      *lane,
                  PhSendJob *job,
                  PhDataPath    *pump,
                  PhSendJob *ahead)
{
  gint64 started = g_get_monotonic_time ();
  GError *error = NULL;
  gboolean ok;

  if (ahead != NULL && ahead->connection != NULL &&
      (pump->idle_msec == 0 || pump->idle_msec > AHEAD_HOLD_MSEC))
    {
      guint idle = pump->idle_msec;

      pump->idle_msec = AHEAD_HOLD_MSEC;
      ok = ph_data_path_wait_eof (pump, connection_fd (job), &error);
      pump->idle_msec = idle ? idle - AHEAD_HOLD_MSEC : 0;
      if (!ok && g_error_matches (error, PH_ERROR, PH_ERROR_TIMED_OUT))
        {
          close_connection (ahead, FALSE);
          g_clear_error (&error);
          ok = ph_data_path_wait_eof (pump, connection_fd (job), &error);
        }
    }
  else
    ok = ph_data_path_wait_eof (pump, connection_fd (job), &error);

  job->receipt_at = g_get_monotonic_time ();
  lane->ahead = ok && job->receipt_at - started <= AHEAD_RECEIPT_USEC;
  ph_send_run_set_quick_receipts (lane->batch, lane->ahead);
  if (!ok)
    job->error = explain_send_error (job, error);
}

static void
job_finish (Lane      *lane,
            PhSendJob *job)
{
  close_source (job);
  close_connection (job, job->error != NULL);
  ph_send_run_post (lane->batch, job, PH_SEND_FINISHED);
}

static PhSendJob *
lane_take (Lane     *lane,
           gboolean  wait)
{
  if (lane->ended)
    return NULL;

  return ph_send_run_take (lane->batch, wait, &lane->ended);
}

static void
lane_run (gpointer data,
          gpointer pool_data)
{
  Lane *lane = data;
  PhSendJob *job;
  PhSendJob *ahead = NULL;

  lane->client = borrow_client ();
  lane->ahead = ph_send_run_get_quick_receipts (lane->batch);   /* as the lanes before */
  lane->wake = g_cancellable_new ();
  lane->wake_fd = g_cancellable_get_fd (lane->wake);
  lane->connecting = g_cancellable_new ();
  g_cancellable_get_fd (lane->connecting);   /* held: GSocket's waits reuse it */

  while ((job = ahead ? g_steal_pointer (&ahead) : lane_take (lane, TRUE)) != NULL)
    {
      gulong wake_id;
      PhDataPath pump;

      /* One descriptor for the lane's waits, whichever file is cancelled. */
      wake_id = g_cancellable_connect (job->cancellable, G_CALLBACK (cancel_other_cb),
                                       lane->wake, NULL);
      ph_data_path_init_woken (&pump, job->cancellable, lane->wake_fd, job->transfer,
                          job->idle_timeout);

      if (job_start (lane, job) && job_send (job, &pump))
        {
          /* Open and connect the next file while this receipt travels. */
          if (lane->ahead && (ahead = lane_take (lane, FALSE)) != NULL &&
              job_open (lane->batch, ahead))
            job_connect (lane, ahead, job);
          job_wait_receipt (lane, job, &pump, ahead);
        }

      ph_data_path_clear (&pump);
      g_cancellable_disconnect (job->cancellable, wake_id);
      if (g_cancellable_is_cancelled (lane->wake))
        g_cancellable_reset (lane->wake);
      job_finish (lane, job);
    }

  g_cancellable_release_fd (lane->wake);
  g_clear_object (&lane->wake);
  g_cancellable_release_fd (lane->connecting);
  g_clear_object (&lane->connecting);
  give_back_client (g_steal_pointer (&lane->client));
  g_clear_object (&lane->address);
  g_free (lane->address_host);
  ph_send_run_post (lane->batch, NULL, PH_SEND_LANE_ENDED);
  ph_send_run_unref (lane->batch);
  g_free (lane);
}

/* Lanes block for as long as a file takes, so they do not belong in
 * GTask's pool; idle threads of this one go back to GLib's shared set
 * and are reused, so no file and no batch waits for a new thread. */
static GThreadPool *
lane_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (lane_run, NULL, -1, FALSE, NULL));

  return pool;
}

static guint lanes_started;   /* atomic */

guint
ph_sender_count_lanes_started (void)
{
  return (guint) g_atomic_int_get (&lanes_started);
}

gboolean
ph_send_lane_start (PhSendRun  *batch,
                    GError      **error)
{
  Lane *lane = g_new0 (Lane, 1);

  g_atomic_int_inc (&lanes_started);

  lane->batch = ph_send_run_ref (batch);
  if (g_thread_pool_push (lane_pool (), lane, error))
    return TRUE;

  ph_send_run_unref (lane->batch);
  g_free (lane);
  return FALSE;
}
