/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The per-file floor: the least a program can do to move many files in
 * Posthouse's wire format (one connection per file, a 136-byte header,
 * the data, a half-close, the receiver's close as the receipt), with
 * nothing else around it (no GLib, no temporary file, no progress).
 * Against posthouse-cli it isolates the other side's per-file cost:
 * `posthouse-cli send` into the sink measures the sender alone,
 * the source into `posthouse-cli receive` the receiver alone.
 *
 *   ph-many sink ADDR PORT COUNT [THREADS]
 *       listen (PORT 0: any; the port is printed), take COUNT files on
 *       THREADS threads (default 8), throw the data away, close in order
 *   ph-many source ADDR PORT PARALLEL FILE...
 *       send every FILE, PARALLEL at once, each on its own connection,
 *       and wait for each receipt; exit 1 if one failed
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_SIZE 136
#define MAX_THREADS 64

static struct sockaddr_in addr;
static int listener = -1;
static atomic_int next_index;
static atomic_int failures;
static int count;
static char **paths;

static int
read_all (int     sock,
          void   *buf,
          size_t  len)
{
  char *p = buf;

  while (len > 0)
    {
      ssize_t n = recv (sock, p, len, 0);

      if (n <= 0)
        return -1;
      p += n;
      len -= n;
    }
  return 0;
}

static void *
sink_thread (void *data)
{
  static char buffer[1 << 16];   /* thrown away: shared on purpose */

  while (atomic_fetch_add (&next_index, 1) < count)
    {
      unsigned char header[HEADER_SIZE];
      int64_t size, done = 0;
      int sock = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);

      if (sock < 0 || read_all (sock, header, sizeof header) != 0)
        {
          atomic_fetch_add (&failures, 1);
          if (sock >= 0)
            close (sock);
          continue;
        }
      memcpy (&size, header + 128, sizeof size);   /* little-endian hosts only */
      while (done < size)
        {
          ssize_t n = recv (sock, buffer, size - done < (int64_t) sizeof buffer ? (size_t) (size - done)
                                                                                 : sizeof buffer, 0);
          if (n <= 0)
            break;
          done += n;
        }
      if (done != size)
        atomic_fetch_add (&failures, 1);
      close (sock);
    }

  return NULL;
}

static int
send_one (const char *path)
{
  unsigned char header[HEADER_SIZE] = { 0 };
  char name[PATH_MAX];
  struct stat st;
  off_t offset = 0;
  int64_t size;
  int one = 1, ok = -1;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int sock = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || sock < 0 || fstat (fd, &st) != 0)
    goto out;
  setsockopt (sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) != 0)
    goto out;

  snprintf (name, sizeof name, "%s", path);
  strncpy ((char *) header, basename (name), 128);
  size = st.st_size;
  memcpy (header + 128, &size, sizeof size);
  if (send (sock, header, sizeof header, MSG_MORE | MSG_NOSIGNAL) != sizeof header)
    goto out;
  while (offset < st.st_size)
    if (sendfile (sock, fd, &offset, st.st_size - offset) <= 0)
      goto out;
  shutdown (sock, SHUT_WR);
  /* The receipt: an orderly end of stream. */
  if (recv (sock, header, 1, 0) == 0)
    ok = 0;

out:
  if (fd >= 0)
    close (fd);
  if (sock >= 0)
    close (sock);
  return ok;
}

static void *
source_thread (void *data)
{
  int i;

  while ((i = atomic_fetch_add (&next_index, 1)) < count)
    if (send_one (paths[i]) != 0)
      {
        fprintf (stderr, "ph-many: %s: %s\n", paths[i], strerror (errno));
        atomic_fetch_add (&failures, 1);
      }

  return NULL;
}

static int
run_threads (void *(*func) (void *),
             int    n)
{
  pthread_t threads[MAX_THREADS];

  for (int i = 0; i < n; i++)
    pthread_create (&threads[i], NULL, func, NULL);
  for (int i = 0; i < n; i++)
    pthread_join (threads[i], NULL);

  return failures == 0 ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  int threads;

  if (argc < 5 || inet_pton (AF_INET, argv[2], &addr.sin_addr) != 1)
    {
      fprintf (stderr, "usage: ph-many sink ADDR PORT COUNT [THREADS]\n"
                       "       ph-many source ADDR PORT PARALLEL FILE...\n");
      return 2;
    }
  addr.sin_family = AF_INET;
  addr.sin_port = htons (atoi (argv[3]));

  if (strcmp (argv[1], "sink") == 0)
    {
      socklen_t len = sizeof addr;
      int one = 1;

      count = atoi (argv[4]);
      threads = argc > 5 ? atoi (argv[5]) : 8;
      listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind (listener, (struct sockaddr *) &addr, sizeof addr) != 0 ||
          listen (listener, 4096) != 0 ||
          getsockname (listener, (struct sockaddr *) &addr, &len) != 0)
        {
          perror ("ph-many: listen");
          return 1;
        }
      printf ("%d\n", ntohs (addr.sin_port));
      fflush (stdout);
      return run_threads (sink_thread, threads < 1 || threads > MAX_THREADS ? 8 : threads);
    }

  if (strcmp (argv[1], "source") == 0 && argc > 5)
    {
      threads = atoi (argv[4]);
      paths = argv + 5;
      count = argc - 5;
      return run_threads (source_thread, threads < 1 || threads > MAX_THREADS ? 8 : threads);
    }

  fprintf (stderr, "ph-many: unknown mode %s\n", argv[1]);
  return 2;
}
