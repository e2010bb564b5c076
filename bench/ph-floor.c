/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The floor: the least work a program can do to move a file over TCP
 * with the kernel's zero-copy calls, with nothing else around it (no
 * header, no temporary file, no progress, no GLib). bench/throughput
 * runs it with --tools ...,floor to show how close posthouse-cli comes
 * to what this machine allows.
 *
 *   ph-floor receive PORT FILE      listen on 127.0.0.1, splice to FILE
 *   ph-floor send PORT FILE         sendfile FILE to 127.0.0.1:PORT
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIPE_SIZE (1024 * 1024)

static int
fail (const char *what)
{
  perror (what);
  return 1;
}

static int
do_send (struct sockaddr_in *addr,
         const char         *path)
{
  int sock = socket (AF_INET, SOCK_STREAM, 0);
  int fd = open (path, O_RDONLY);
  struct stat st;
  off_t offset = 0;

  if (fd < 0 || fstat (fd, &st) != 0)
    return fail (path);
  if (sock < 0 || connect (sock, (struct sockaddr *) addr, sizeof *addr) != 0)
    return fail ("connect");
  while (offset < st.st_size)
    if (sendfile (sock, fd, &offset, st.st_size - offset) <= 0)
      return fail ("sendfile");

  return close (sock) != 0 ? fail ("close") : 0;
}

static int
do_receive (struct sockaddr_in *addr,
            const char         *path)
{
  int one = 1, listener, sock, fd, pipe_fds[2];

  listener = socket (AF_INET, SOCK_STREAM, 0);
  if (listener < 0 ||
      setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind (listener, (struct sockaddr *) addr, sizeof *addr) != 0 ||
      listen (listener, 1) != 0)
    return fail ("listen");
  sock = accept (listener, NULL, NULL);
  if (sock < 0)
    return fail ("accept");
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return fail (path);
  if (pipe (pipe_fds) != 0)
    return fail ("pipe");
  fcntl (pipe_fds[1], F_SETPIPE_SZ, PIPE_SIZE);

  for (;;)
    {
      ssize_t n = splice (sock, NULL, pipe_fds[1], NULL, PIPE_SIZE, SPLICE_F_MOVE | SPLICE_F_MORE);

      if (n < 0)
        return fail ("splice from the socket");
      if (n == 0)
        break;
      while (n > 0)
        {
          ssize_t m = splice (pipe_fds[0], NULL, fd, NULL, n, SPLICE_F_MOVE | SPLICE_F_MORE);

          if (m <= 0)
            return fail ("splice to the file");
          n -= m;
        }
    }

  return close (fd) != 0 ? fail ("close") : 0;
}

int
main (int   argc,
      char *argv[])
{
  struct sockaddr_in addr = { .sin_family = AF_INET };

  if (argc != 4 || (strcmp (argv[1], "send") != 0 && strcmp (argv[1], "receive") != 0))
    {
      fprintf (stderr, "usage: ph-floor send|receive PORT FILE\n");
      return 2;
    }
  addr.sin_port = htons ((unsigned short) atoi (argv[2]));
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  return strcmp (argv[1], "send") == 0 ? do_send (&addr, argv[3]) : do_receive (&addr, argv[3]);
}
