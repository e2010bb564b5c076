/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data path: setting up, waiting, and the sending side; receiving
 * is in ph-data-path-receive.c. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-data-path-private.h"
#include "ph-transfer-private.h"

#define BLOCK_SIZE     (1024 * 1024)
#define SENDFILE_CHUNK ((gint64) 1 << 30)

static void
wake_worker_cb (GCancellable *cancellable,
                gpointer      wake)
{
  g_cancellable_cancel (G_CANCELLABLE (wake));
}

void
ph_data_path_init (PhDataPath   *pump,
                   GCancellable *cancellable,
                   PhTransfer   *progress,
                   guint         idle_msec)
{
  static gsize once;
  static gboolean zerocopy;

  if (g_once_init_enter (&once))
    {
      zerocopy = g_getenv ("POSTHOUSE_NO_ZEROCOPY") == NULL;
      g_once_init_leave (&once, 1);
    }

  pump->cancellable = cancellable;
  pump->progress = progress;
  pump->idle_msec = idle_msec;
  pump->zerocopy = zerocopy;
  pump->reserve = NULL;
  pump->reserve_data = NULL;
  pump->wake_id = 0;
  pump->worker = ph_data_path_worker_get ();

  if (pump->worker != NULL)
    {
      /* The thread's own descriptor, woken through a signal handler:
       * no descriptor made for each file. */
      pump->cancel_fd = pump->worker->wake_fd;
      pump->own_fd = FALSE;
      if (cancellable != NULL)
        pump->wake_id = g_cancellable_connect (cancellable, G_CALLBACK (wake_worker_cb),
                                               pump->worker->wake, NULL);
    }
  else
    {
      pump->cancel_fd = cancellable ? g_cancellable_get_fd (cancellable) : -1;
      pump->own_fd = TRUE;
    }
}

/* Like ph_data_path_init(), but waits wake up on @wake_fd (the caller's,
 * readable once @cancellable is cancelled): a thread that pumps one
 * file after another then needs no descriptor per file. */
void
ph_data_path_init_woken (PhDataPath   *pump,
                         GCancellable *cancellable,
                         int           wake_fd,
                         PhTransfer   *progress,
                         guint         idle_msec)
{
  ph_data_path_init (pump, NULL, progress, idle_msec);
  pump->cancellable = cancellable;
  pump->cancel_fd = wake_fd;
  pump->own_fd = FALSE;
  pump->worker = NULL;
}

void
ph_data_path_clear (PhDataPath *pump)
{
  if (pump->own_fd && pump->cancellable && pump->cancel_fd >= 0)
    g_cancellable_release_fd (pump->cancellable);
  if (pump->worker != NULL)
    {
      if (pump->wake_id != 0)
        g_cancellable_disconnect (pump->cancellable, pump->wake_id);
      /* Ready for the next file. */
      if (g_cancellable_is_cancelled (pump->worker->wake))
        g_cancellable_reset (pump->worker->wake);
    }
  pump->wake_id = 0;
  pump->worker = NULL;
  pump->cancel_fd = -1;
}

void
ph_data_path_report (PhDataPath *pump,
                     gint64      done)
{
  if (pump->progress)
    ph_transfer_set_bytes_done (pump->progress, done);
}

gboolean
ph_data_path_set_errno_error (GError **error,
                              int      errsv)
{
  if (errsv == EPIPE || errsv == ECONNRESET || errsv == ECONNABORTED || errsv == ETIMEDOUT)
    g_set_error_literal (error, PH_ERROR, PH_ERROR_CONNECTION, g_strerror (errsv));
  else
    g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv));
  return FALSE;
}

/* Waits until @fd is ready for @events, the cancellable fires, or
 * nothing happened for the idle time. POLLERR/POLLHUP count as ready:
 * the next system call tells what went wrong. */
gboolean
ph_data_path_wait_for (PhDataPath  *pump,
                       int          fd,
                       short        events,
                       GError     **error)
{
  struct pollfd fds[2] = {
    { .fd = fd, .events = events },
    { .fd = pump->cancel_fd, .events = POLLIN },
  };
  int timeout = pump->idle_msec ? (int) pump->idle_msec : -1;

  for (;;)
    {
      int r = poll (fds, pump->cancel_fd >= 0 ? 2 : 1, timeout);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return ph_data_path_set_errno_error (error, errno);
      if (g_cancellable_set_error_if_cancelled (pump->cancellable, error))
        return FALSE;
      if (r == 0)
        {
          g_set_error (error, PH_ERROR, PH_ERROR_TIMED_OUT,
                       _("Nothing happened for %u seconds"), (pump->idle_msec + 999) / 1000);
          return FALSE;
        }
      if (fds[0].revents)
        return TRUE;
    }
}

gboolean
ph_data_path_write_all (PhDataPath      *pump,
                   int          sock,
                   const void  *buffer,
                   gsize        len,
                   int          flags,
                   GError     **error)
{
  const guint8 *p = buffer;

  while (len > 0)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (pump->cancellable, error))
        return FALSE;

      n = send (sock, p, len, flags | MSG_NOSIGNAL);
      if (n > 0)
        {
          p += n;
          len -= n;
        }
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          if (!ph_data_path_wait_for (pump, sock, POLLOUT, error))
            return FALSE;
        }
      else if (n < 0 && errno != EINTR)
        return ph_data_path_set_errno_error (error, errno);
    }

  return TRUE;
}

static gboolean
file_changed (GError **error)
{
  g_set_error_literal (error, PH_ERROR, PH_ERROR_FILE_CHANGED,
                       _("The file changed while it was being sent"));
  return FALSE;
}

/* Reads one block of the source; a pread() on a descriptor or a read
 * from a GInputStream (a GFile that is not local). */
typedef struct
{
  int           fd;
  GInputStream *stream;
} Source;

static gssize
source_read (Source        *src,
             void          *buffer,
             gsize          len,
             gint64         offset,
             GCancellable  *cancellable,
             GError       **error)
{
  if (src->stream)
    return g_input_stream_read (src->stream, buffer, len, cancellable, error);

  for (;;)
    {
      gssize n = pread (src->fd, buffer, len, offset);

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          ph_data_path_set_errno_error (error, errno);
          return -1;
        }
    }
}

static gboolean
send_blocks (PhDataPath   *pump,
             int       sock,
             Source   *src,
             gint64    done,
             gint64    size,
             GError  **error)
{
  g_autofree guint8 *buffer = g_malloc (BLOCK_SIZE);

  while (done < size || done == 0)
    {
      gsize want = (gsize) MIN (size - done, BLOCK_SIZE);
      gsize got = 0;
      guint8 extra;

      /* A descriptor tells its length cheaply: fail early, not at the end. */
      if (src->fd >= 0)
        {
          struct stat st;

          if (fstat (src->fd, &st) != 0)
            return ph_data_path_set_errno_error (error, errno);
          if (st.st_size != size)
            return file_changed (error);
        }

      while (got < want)
        {
          gssize n = source_read (src, buffer + got, want - got, done + got,
                                  pump->cancellable, error);

          if (n < 0)
            return FALSE;
          if (n == 0)
            return file_changed (error);
          got += n;
        }

      /* Before the last byte leaves, make sure there is nothing more:
       * a grown file must fail while the receiver can still tell. */
      if (done + (gint64) got == size)
        {
          gssize n = source_read (src, &extra, 1, size, pump->cancellable, error);

          if (n < 0)
            return FALSE;
          if (n > 0)
            return file_changed (error);
        }

      if (!ph_data_path_write_all (pump, sock, buffer, got, 0, error))
        return FALSE;

      done += got;
      ph_data_path_report (pump, done);
      if (done == size)
        break;
    }

  return TRUE;
}

gboolean
ph_data_path_send_fd (PhDataPath   *pump,
                 int       sock,
                 int       file_fd,
                 gint64    size,
                 GError  **error)
{
  off_t offset = 0;

  if (!pump->zerocopy)
    {
      Source src = { .fd = file_fd };

      return send_blocks (pump, sock, &src, 0, size, error);
    }

  while (offset < size)
    {
      struct stat st;
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (pump->cancellable, error))
        return FALSE;

      /* Every call may be the last one: check the length first, so
       * neither a shrunk nor a grown file goes out as a whole one. */
      if (fstat (file_fd, &st) != 0)
        return ph_data_path_set_errno_error (error, errno);
      if (st.st_size != size)
        return file_changed (error);

      n = sendfile (sock, file_fd, &offset, (size_t) MIN (size - offset, SENDFILE_CHUNK));
      if (n > 0)
        ph_data_path_report (pump, offset);
      else if (n == 0)
        return file_changed (error);
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          if (!ph_data_path_wait_for (pump, sock, POLLOUT, error))
            return FALSE;
        }
      else if ((errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) && offset == 0)
        {
          Source src = { .fd = file_fd };

          return send_blocks (pump, sock, &src, 0, size, error);
        }
      else if (errno != EINTR)
        return ph_data_path_set_errno_error (error, errno);
    }

  if (size == 0)
    {
      struct stat st;

      if (fstat (file_fd, &st) != 0)
        return ph_data_path_set_errno_error (error, errno);
      if (st.st_size != 0)
        return file_changed (error);
    }

  return TRUE;
}

gboolean
ph_data_path_send_stream (PhDataPath        *pump,
                     int            sock,
                     GInputStream  *stream,
                     gint64         size,
                     GError       **error)
{
  Source src = { .fd = -1, .stream = stream };

  return send_blocks (pump, sock, &src, 0, size, error);
}

/* After shutdown(SHUT_WR): the receiver closes once the file is safely
 * in place, so its end of stream is the delivery receipt. */
gboolean
ph_data_path_wait_eof (PhDataPath   *pump,
                  int       sock,
                  GError  **error)
{
  guint8 buffer[4096];

  for (;;)
    {
      ssize_t n = recv (sock, buffer, sizeof buffer, 0);

      if (n == 0)
        return TRUE;
      if (n > 0 || (n < 0 && errno == EINTR))
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          if (!ph_data_path_wait_for (pump, sock, POLLIN, error))
            return FALSE;
        }
      else
        return ph_data_path_set_errno_error (error, errno);
    }
}

/**
 * ph_data_path_peer_reset:
 * @sock: a TCP socket
 *
 * A reset that comes after the peer's end of stream does not show in
 * recv(), which keeps answering 0: only the connection's state tells.
 *
 * Returns: whether the peer reset the connection
 */
gboolean
ph_data_path_peer_reset (int sock)
{
  struct tcp_info info = { 0 };
  socklen_t len = sizeof info;

  if (getsockopt (sock, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
    return FALSE;

  /* CLOSE_WAIT after an orderly end, ESTABLISHED before; CLOSE only
   * once a reset arrived (we have not closed our end yet). */
  return info.tcpi_state == TCP_CLOSE;
}

