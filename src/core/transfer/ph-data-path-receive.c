/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data path, receiving: socket → pipe → file with splice (the
 * bytes never enter this process), else recv and pwrite; then the
 * sender's end of stream, which is what a receipt waits for. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-data-path-private.h"
#include "ph-transfer-private.h"

#define BLOCK_SIZE     (1024 * 1024)
#define PIPE_SIZE      (1024 * 1024)

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
        return ph_data_path_set_errno_error (error, n < 0 ? errno : ENOSPC);
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
    return ph_data_path_wait_for (pump, sock, POLLIN, error);
  if (errno == EINTR)
    return TRUE;

  return ph_data_path_set_errno_error (error, errno);
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
          ph_data_path_report (pump, done);
        }
      else if (!wait_readable (pump, sock, n, done, size, error))
        return FALSE;
    }

  return TRUE;
}

/* socket → pipe → file: the bytes never enter this process. */
static gboolean
receive_splice (PhDataPath   *pump,
                int           sock,
                int           file_fd,
                const int     pipe_fds[2],
                int           pipe_size,
                gint64        size,
                GError      **error)
{
  gint64 done = 0;
  loff_t offset = 0;

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
                return ph_data_path_set_errno_error (error, m < 0 ? errno : EIO);
              left -= m;
            }
          done += n;
          ph_data_path_report (pump, done);
        }
      else if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) && done == 0)
        return receive_blocks (pump, sock, file_fd, 0, size, error);
      else if (!wait_readable (pump, sock, n, done, size, error))
        return FALSE;
    }

  return TRUE;
}

/* A new pipe, as large as allowed. Returns: its size, or 0 */
int
ph_data_path_make_pipe (int pipe_fds[2])
{
  int pipe_size;

  if (pipe2 (pipe_fds, O_CLOEXEC) != 0)
    return 0;

  fcntl (pipe_fds[1], F_SETPIPE_SZ, PIPE_SIZE);
  pipe_size = fcntl (pipe_fds[1], F_GETPIPE_SZ);
  return pipe_size > 0 ? pipe_size : 65536;
}

gboolean
ph_data_path_receive (PhDataPath   *pump,
                      int           sock,
                      int           file_fd,
                      gint64        size,
                      GError      **error)
{
  int pipe_fds[2];
  int pipe_size;
  gboolean ok;

  if (size == 0)
    return TRUE;
  if (!pump->zerocopy)
    return receive_blocks (pump, sock, file_fd, 0, size, error);

  /* A worker's pipe serves one file after another. */
  if (pump->worker != NULL && ph_data_path_worker_pipe (pump->worker))
    {
      ok = receive_splice (pump, sock, file_fd, pump->worker->pipe, pump->worker->pipe_size,
                           size, error);
      /* What a failure left in it must not go into the next file. */
      if (!ok)
        ph_data_path_worker_drop_pipe (pump->worker);
      return ok;
    }

  if ((pipe_size = ph_data_path_make_pipe (pipe_fds)) == 0)
    return receive_blocks (pump, sock, file_fd, 0, size, error);
  ok = receive_splice (pump, sock, file_fd, pipe_fds, pipe_size, size, error);
  close (pipe_fds[0]);
  close (pipe_fds[1]);

  return ok;
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

  /* Usually the end is there already: look before waiting. */
  for (gboolean first = TRUE;; first = FALSE)
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
      if (!first)
        {
          r = poll (fds, pump->cancel_fd >= 0 ? 2 : 1, (int) ((left + 999) / 1000));
          if (r < 0 && errno == EINTR)
            continue;
          if (r < 0)
            return ph_data_path_set_errno_error (error, errno);
          if (g_cancellable_set_error_if_cancelled (pump->cancellable, error))
            return FALSE;
          if (r == 0 || fds[0].revents == 0)
            continue;
        }

      n = recv (sock, &extra, 1, 0);
      if (n == 0)
        {
          if (!ph_data_path_peer_reset (sock))
            return TRUE;
          return ph_data_path_set_errno_error (error, ECONNRESET);
        }
      if (n > 0)
        {
          g_set_error_literal (error, PH_ERROR, PH_ERROR_FILE_CHANGED,
                               _("More data arrived than was announced"));
          return FALSE;
        }
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return ph_data_path_set_errno_error (error, errno);
    }
}

