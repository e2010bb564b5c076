/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The floor for many small files on one connection: the least a program
 * can do that keeps the receiving rules of the secure channel, with
 * nothing else around it (no TLS, no frames, no GLib, one thread a
 * side). Per file the sender opens, reads and closes it and writes a
 * small header and the bytes into a 64 KiB buffer; the receiver writes
 * each file to an anonymous file (O_TMPFILE), links it under its name
 * and closes it, and answers with a 4-byte receipt (16 gathered in one
 * write), as a receipt may come only once the file is in place.
 * bench/scalebench runs it with --tools ...,stream-floor to show what
 * the per-file rules cost before any encryption.
 *
 *   ph-stream-floor receive PORT DIR COUNT
 *   ph-stream-floor send PORT DIR        every file in DIR (not below)
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUFFER (64 * 1024)
#define GATHER 16

typedef struct { uint32_t size; uint16_t name_len; } __attribute__ ((packed)) Head;

static int
fail (const char *what)
{
  perror (what);
  return 1;
}

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n <= 0)
        return -1;
      data += n;
      len -= n;
    }
  return 0;
}

/* Fills @buf with exactly @len bytes from the socket's buffer @in. */
typedef struct { int fd; char data[BUFFER]; size_t at, end; } Reader;

static int
read_exact (Reader *r, char *buf, size_t len)
{
  while (len > 0)
    {
      size_t take;

      if (r->at == r->end)
        {
          ssize_t n = read (r->fd, r->data, sizeof r->data);

          if (n <= 0)
            return -1;
          r->at = 0;
          r->end = n;
        }
      take = r->end - r->at < len ? r->end - r->at : len;
      memcpy (buf, r->data + r->at, take);
      r->at += take;
      buf += take;
      len -= take;
    }
  return 0;
}

static int
do_receive (struct sockaddr_in *addr, const char *dir, long count)
{
  static Reader r;
  int one = 1, listener, folder;
  uint32_t receipts[GATHER];
  int held = 0;
  char *bytes = NULL;
  size_t room = 0;

  listener = socket (AF_INET, SOCK_STREAM, 0);
  if (listener < 0 ||
      setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind (listener, (struct sockaddr *) addr, sizeof *addr) != 0 ||
      listen (listener, 1) != 0)
    return fail ("listen");
  printf ("listening\n");
  fflush (stdout);
  r.fd = accept (listener, NULL, NULL);
  folder = open (dir, O_PATH | O_DIRECTORY);
  if (r.fd < 0 || folder < 0)
    return fail ("accept");
  setsockopt (r.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  for (long i = 0; i < count; i++)
    {
      Head head;
      char name[256], proc[64];
      int fd;

      if (read_exact (&r, (char *) &head, sizeof head) != 0 || head.name_len >= sizeof name ||
          read_exact (&r, name, head.name_len) != 0)
        return fail ("short stream");
      name[head.name_len] = '\0';
      if (head.size > room && (bytes = realloc (bytes, room = head.size)) == NULL)
        return fail ("realloc");
      if (read_exact (&r, bytes, head.size) != 0)
        return fail ("short stream");

      fd = openat (folder, ".", O_TMPFILE | O_WRONLY, 0644);
      if (fd < 0 || write_all (fd, bytes, head.size) != 0)
        return fail ("write");
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
      if (linkat (AT_FDCWD, proc, folder, name, AT_SYMLINK_FOLLOW) != 0)
        return fail (name);
      close (fd);

      receipts[held++] = (uint32_t) i;
      /* Gathered, or nothing more has arrived: the sender may be waiting. */
      if (held == GATHER || r.at == r.end || i + 1 == count)
        {
          if (write_all (r.fd, (char *) receipts, held * sizeof receipts[0]) != 0)
            return fail ("receipt");
          held = 0;
        }
    }
  free (bytes);
  return 0;
}

static int
do_send (struct sockaddr_in *addr, const char *dir)
{
  DIR *listing = opendir (dir);
  struct dirent *entry;
  long n_files = 0;
  static char out[BUFFER + 4096];
  size_t used = 0;
  int one = 1, sock = socket (AF_INET, SOCK_STREAM, 0);
  uint32_t receipts[1024];
  long got = 0;

  if (sock < 0 || connect (sock, (struct sockaddr *) addr, sizeof *addr) != 0)
    return fail ("connect");
  setsockopt (sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  if (listing == NULL)
    return fail (dir);
  while ((entry = readdir (listing)) != NULL)
    {
      const char *base = entry->d_name;
      int fd;
      struct stat st;
      Head head;

      if (entry->d_type != DT_REG)
        continue;
      fd = openat (dirfd (listing), base, O_RDONLY);
      if (fd < 0 || fstat (fd, &st) != 0 || st.st_size > 4096)
        return fail (base);
      n_files++;
      head.size = st.st_size;
      head.name_len = strlen (base);
      if (used + sizeof head + head.name_len + head.size > BUFFER)
        {
          ssize_t n;

          if (write_all (sock, out, used) != 0)
            return fail ("send");
          used = 0;
          /* Receipts are taken as they come, so neither side's buffers fill. */
          while ((n = recv (sock, receipts, sizeof receipts, MSG_DONTWAIT)) > 0)
            got += n / sizeof receipts[0];
        }
      memcpy (out + used, &head, sizeof head);
      memcpy (out + used + sizeof head, base, head.name_len);
      used += sizeof head + head.name_len;
      if (read (fd, out + used, head.size) != (ssize_t) head.size)
        return fail (base);
      used += head.size;
      close (fd);
    }
  if (write_all (sock, out, used) != 0)
    return fail ("send");

  /* Every receipt back: only then is the batch sent. */
  while (got < n_files)
    {
      ssize_t n = read (sock, receipts, sizeof receipts);

      if (n <= 0)
        return fail ("receipts");
      got += n / sizeof receipts[0];
    }
  closedir (listing);
  return close (sock) != 0 ? fail ("close") : 0;
}

int
main (int argc, char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };

  if (argc < 4)
    {
      fprintf (stderr, "usage: %s receive PORT DIR COUNT | send PORT DIR\n", argv[0]);
      return 2;
    }
  addr.sin_port = htons (atoi (argv[2]));
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  if (strcmp (argv[1], "receive") == 0 && argc == 5)
    return do_receive (&addr, argv[3], atol (argv[4]));
  if (strcmp (argv[1], "send") == 0 && argc == 4)
    return do_send (&addr, argv[3]);
  return 2;
}
