/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include "ph-data-path.h"
#include "ph-transfer-private.h"

#define BLOCK_SIZE     (1024 * 1024)
#define PIPE_SIZE      (1024 * 1024)
#define SENDFILE_CHUNK ((gint64) 1 << 30)

void
ph_data_path_init (PhDataPath       *pump,
              GCancellable *cancellable,
              PhTransfer   *progress,
              guint         idle_msec)
{
  pump->cancellable = cancellable;
  pump->progress = progress;
  pump->idle_msec = idle_msec;
  pump->cancel_fd = cancellable ? g_cancellable_get_fd (cancellable) : -1;
  pump->own_fd = TRUE;
  pump->zerocopy = g_getenv ("POSTHOUSE_NO_ZEROCOPY") == NULL;
  pump->reserve = NULL;
  pump->reserve_data = NULL;
}

/* Like ph_data_path_init(), but waits wake up on @wake_fd (the caller's,
 * readable once @cancellable is cancelled): a thread that pumps one
 * file after another then needs no descriptor per file. */
void
ph_data_path_init_woken (PhDataPath       *pump,
                    GCancellable *cancellable,
                    int           wake_fd,
                    PhTransfer   *progress,
                    guint         idle_msec)
{
  ph_data_path_init (pump, NULL, progress, idle_msec);
  pump->cancellable = cancellable;
  pump->cancel_fd = wake_fd;
  pump->own_fd = FALSE;
}

void
ph_data_path_clear (PhDataPath *pump)
{
  if (pump->own_fd && pump->cancellable && pump->cancel_fd >= 0)
    g_cancellable_release_fd (pump->cancellable);
  pump->cancel_fd = -1;
}

static void
report (PhDataPath *pump,
        gint64  done)
{
  if (pump->progress)
    ph_transfer_set_bytes_done (pump->progress, done);
}

static gboolean
set_errno_error (GError     **error,
                 int          errsv)
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
static gboolean
wait_for (PhDataPath  *pump,
          int      fd,
          short    events,
          GError **error)
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
        return set_errno_error (error, errno);
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
          if (!wait_for (pump, sock, POLLOUT, error))
            return FALSE;
        }
      else if (n < 0 && errno != EINTR)
        return set_errno_error (error, errno);
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
          set_errno_error (error, errno);
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
            return set_errno_error (error, errno);
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
      report (pump, done);
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
        return set_errno_error (error, errno);
      if (st.st_size != size)
        return file_changed (error);

      n = sendfile (sock, file_fd, &offset, (size_t) MIN (size - offset, SENDFILE_CHUNK));
      if (n > 0)
        report (pump, offset);
      else if (n == 0)
        return file_changed (error);
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          if (!wait_for (pump, sock, POLLOUT, error))
            return FALSE;
        }
      else if ((errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) && offset == 0)
        {
          Source src = { .fd = file_fd };

          return send_blocks (pump, sock, &src, 0, size, error);
        }
      else if (errno != EINTR)
        return set_errno_error (error, errno);
    }

  if (size == 0)
    {
      struct stat st;

      if (fstat (file_fd, &st) != 0)
        return set_errno_error (error, errno);
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

static gboolean
short_stream (gint64   done,
              gint64   size,
              GError **error)
{
  g_autofree char *done_str = g_format_size (done);
  g_autofree char *size_str = g_format_size (size);

  g_set_error (error, PH_ERROR, PH_ERROR_SHORT,
               _("The connection ended after %s of %s"), done_str, size_str);
  return FALSE;
}

static gboolean
write_file_all (int            fd,
                const guint8  *p,
                gsize          len,
                gint64         offset,
                GError       **error)
{
  while (len > 0)
    {
      ssize_t n = pwrite (fd, p, len, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return set_errno_error (error, n < 0 ? errno : ENOSPC);
      p += n;
      len -= n;
      offset += n;
    }

  return TRUE;
}

/* After a read from @sock that gave no data (@n <= 0): TRUE to read
 * again, FALSE with @error set when the stream ended or broke. */
static gboolean
wait_readable (PhDataPath   *pump,
               int       sock,
               ssize_t   n,
               gint64    done,
               gint64    size,
               GError  **error)
{
  if (n == 0 || errno == ECONNRESET)  /* a cancelled sender resets */
    return short_stream (done, size, error);
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return wait_for (pump, sock, POLLIN, error);
  if (errno == EINTR)
    return TRUE;

  return set_errno_error (error, errno);
}

static gboolean
reserve (PhDataPath  *pump,
         gint64   done,
         GError **error)
{
  return pump->reserve == NULL || pump->reserve (pump->reserve_data, done, error);
}

static gboolean
receive_blocks (PhDataPath   *pump,
                int       sock,
                int       file_fd,
                gint64    done,
                gint64    size,
                GError  **error)
{
  g_autofree guint8 *buffer = g_malloc (BLOCK_SIZE);

  while (done < size)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (pump->cancellable, error) ||
          !reserve (pump, done, error))
        return FALSE;

      n = recv (sock, buffer, (size_t) MIN (size - done, BLOCK_SIZE), 0);
      if (n > 0)
        {
          if (!write_file_all (file_fd, buffer, n, done, error))
            return FALSE;
          done += n;
          report (pump, done);
        }
      else if (!wait_readable (pump, sock, n, done, size, error))
        return FALSE;
    }

  return TRUE;
}

/* socket → pipe → file: the bytes never enter this process. */
static gboolean
receive_splice (PhDataPath   *pump,
                int       sock,
                int       file_fd,
                int       pipe_fds[2],
                gint64    size,
                GError  **error)
{
  gint64 done = 0;
  loff_t offset = 0;
  int pipe_size;

  fcntl (pipe_fds[1], F_SETPIPE_SZ, PIPE_SIZE);
  pipe_size = fcntl (pipe_fds[1], F_GETPIPE_SZ);
  if (pipe_size <= 0)
    pipe_size = 65536;

  while (done < size)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (pump->cancellable, error) ||
          !reserve (pump, done, error))
        return FALSE;

      n = splice (sock, NULL, pipe_fds[1], NULL, (size_t) MIN (size - done, pipe_size),
                  SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0)
        {
          ssize_t left = n;

          while (left > 0)
            {
              ssize_t m = splice (pipe_fds[0], NULL, file_fd, &offset, left, SPLICE_F_MOVE);

              if (m < 0 && errno == EINTR)
                continue;
              if (m <= 0)
                return set_errno_error (error, m < 0 ? errno : EIO);
              left -= m;
            }
          done += n;
          report (pump, done);
        }
      else if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) && done == 0)
        return receive_blocks (pump, sock, file_fd, 0, size, error);
      else if (!wait_readable (pump, sock, n, done, size, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
ph_data_path_receive (PhDataPath   *pump,
                 int       sock,
                 int       file_fd,
                 gint64    size,
                 GError  **error)
{
  int pipe_fds[2];
  gboolean ok;

  if (size == 0)
    return TRUE;

  if (!pump->zerocopy || pipe2 (pipe_fds, O_CLOEXEC) != 0)
    return receive_blocks (pump, sock, file_fd, 0, size, error);

  ok = receive_splice (pump, sock, file_fd, pipe_fds, size, error);
  close (pipe_fds[0]);
  close (pipe_fds[1]);

  return ok;
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
          if (!wait_for (pump, sock, POLLIN, error))
            return FALSE;
        }
      else
        return set_errno_error (error, errno);
    }
}

/**
 * ph_data_path_receive_end:
 * @grace_msec: how long to wait for the end of stream
 *
 * After the last announced byte: waits for the sender's end of stream.
 * A Posthouse sender half-closes right after its last byte and the
 * original Python sender closes, so it is there at once; a peer that
 * sends everything and then neither closes nor sends more (netcat
 * without -N) is taken at its word after @grace_msec. A reset (the
 * sender gave up) or more bytes than announced fail.
 *
 * Returns: FALSE with PH_ERROR_CONNECTION for a reset,
 *   PH_ERROR_FILE_CHANGED for extra bytes, or a cancellation
 */
gboolean
ph_data_path_receive_end (PhDataPath   *pump,
                     int       sock,
                     guint     grace_msec,
                     GError  **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) grace_msec * 1000;

  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = sock, .events = POLLIN | POLLRDHUP },
        { .fd = pump->cancel_fd, .events = POLLIN },
      };
      gint64 left = deadline - g_get_monotonic_time ();
      guint8 extra;
      ssize_t n;
      int r;

      if (left <= 0)
        return TRUE;
      r = poll (fds, pump->cancel_fd >= 0 ? 2 : 1, (int) ((left + 999) / 1000));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return set_errno_error (error, errno);
      if (g_cancellable_set_error_if_cancelled (pump->cancellable, error))
        return FALSE;
      if (r == 0 || fds[0].revents == 0)
        continue;

      n = recv (sock, &extra, 1, 0);
      if (n == 0)
        {
          if (!ph_data_path_peer_reset (sock))
            return TRUE;
          return set_errno_error (error, ECONNRESET);
        }
      if (n > 0)
        {
          g_set_error_literal (error, PH_ERROR, PH_ERROR_FILE_CHANGED,
                               _("More data arrived than was announced"));
          return FALSE;
        }
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return set_errno_error (error, errno);
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

typedef struct
{
  GTask      *task;
  PhDataPathFunc  func;
  gboolean    ok;
  GError     *error;
} Run;

static gboolean
run_done_cb (gpointer user_data)
{
  Run *run = user_data;

  if (run->ok)
    g_task_return_boolean (run->task, TRUE);
  else
    g_task_return_error (run->task, g_steal_pointer (&run->error));

  g_object_unref (run->task);
  g_free (run);

  return G_SOURCE_REMOVE;
}

static gpointer
run_thread (gpointer user_data)
{
  Run *run = user_data;
  GSource *source;

  run->ok = run->func (g_task_get_task_data (run->task),
                       g_task_get_cancellable (run->task),
                       &run->error);
  g_assert (run->ok || run->error != NULL);

  /* Hand the task back whole: this thread must hold no reference once
   * the callback can run, or the last unref could happen here. */
  source = g_idle_source_new ();
  /* At the priority of everything else: an idle one would starve
   * while connections keep arriving, and a finished transfer holds its
   * slot until this runs. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[posthouse] pump done");
  g_source_set_callback (source, run_done_cb, run, NULL);
  g_source_attach (source, g_task_get_context (run->task));
  g_source_unref (source);

  return NULL;
}

void
ph_data_path_run_in_thread (GTask      *task,
                       PhDataPathFunc  func)
{
  g_autoptr(GError) error = NULL;
  Run *run;
  GThread *thread;

  run = g_new0 (Run, 1);
  run->task = g_object_ref (task);
  run->func = func;

  thread = g_thread_try_new ("ph-pump", run_thread, run, &error);
  if (thread == NULL)
    {
      run->error = g_steal_pointer (&error);
      run_done_cb (run);
      return;
    }
  g_thread_unref (thread);
}
