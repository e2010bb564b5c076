/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A delay line for bench/linkbench, whose kernel has no netem: every
 * packet that an NFQUEUE rule hands over is held for a fixed time, then
 * let through, in arrival order. The link bench runs one in each of its
 * two network namespaces (PREROUTING of the veth), for half the round
 * trip each.
 *
 *   ph-delay QUEUE MICROSECONDS
 *
 * Prints "ready" once the queue is bound; runs until SIGTERM or SIGINT.
 * Needs CAP_NET_ADMIN in the namespace. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define RING_SIZE (1 << 18)   /* packets held at once, at most */

typedef struct
{
  uint32_t id;
  int64_t  due;   /* CLOCK_MONOTONIC, ns */
} Held;

static Held ring[RING_SIZE];
static size_t head, tail;
static int64_t delay_ns;
static unsigned long passed, overflow;
static volatile sig_atomic_t stop;

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * INT64_C (1000000000) + ts.tv_nsec;
}

static int
queued_cb (struct nfq_q_handle *qh,
           struct nfgenmsg     *msg,
           struct nfq_data     *nfa,
           void                *data)
{
  struct nfqnl_msg_packet_hdr *hdr = nfq_get_msg_packet_hdr (nfa);
  uint32_t id = ntohl (hdr->packet_id);

  if (tail - head == RING_SIZE)
    {
      /* Never seen at these rates; let it through rather than drop it. */
      overflow++;
      return nfq_set_verdict (qh, id, NF_ACCEPT, 0, NULL);
    }

  ring[tail % RING_SIZE] = (Held) { id, now_ns () + delay_ns };
  tail++;
  return 0;
}

/* Packet ids grow in arrival order, so one batch verdict lets through
 * everything that is due. */
static void
release_due (struct nfq_q_handle *qh)
{
  int64_t now = now_ns ();
  uint32_t last = 0;
  size_t n = 0;

  while (head != tail && ring[head % RING_SIZE].due <= now)
    {
      last = ring[head % RING_SIZE].id;
      head++;
      n++;
    }
  if (n > 0)
    {
      nfq_set_verdict_batch (qh, last, NF_ACCEPT);
      passed += n;
    }
}

static void
stop_cb (int signum)
{
  stop = 1;
}

int
main (int    argc,
      char **argv)
{
  struct sched_param param = { .sched_priority = 20 };
  struct nfq_handle *h;
  struct nfq_q_handle *qh;
  static char buffer[1 << 16];
  struct sigaction sa = { .sa_handler = stop_cb };
  int fd, one = 1;

  if (argc != 3)
    {
      fprintf (stderr, "usage: ph-delay QUEUE MICROSECONDS\n");
      return 2;
    }
  delay_ns = strtoll (argv[2], NULL, 10) * 1000;

  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  /* Precise wake-ups on a busy machine: no timer slack, a real-time
   * priority when allowed (the program sleeps between packets). */
  prctl (PR_SET_TIMERSLACK, 1UL);
  sched_setscheduler (0, SCHED_FIFO, &param);

  h = nfq_open ();
  if (h == NULL)
    {
      perror ("ph-delay: nfq_open");
      return 1;
    }
  qh = nfq_create_queue (h, (uint16_t) atoi (argv[1]), queued_cb, NULL);
  if (qh == NULL ||
      nfq_set_mode (qh, NFQNL_COPY_META, 0) < 0)
    {
      perror ("ph-delay: nfq_create_queue");
      return 1;
    }
  nfq_set_queue_maxlen (qh, RING_SIZE);
  /* Segmentation offload packets pass whole, as the link would carry them. */
  nfq_set_queue_flags (qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
  nfnl_rcvbufsiz (nfq_nfnlh (h), 16 << 20);
  fd = nfq_fd (h);
  setsockopt (fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);

  printf ("ready\n");
  fflush (stdout);

  while (!stop)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      struct timespec ts, *timeout = NULL;
      ssize_t n;

      if (head != tail)
        {
          int64_t wait = ring[head % RING_SIZE].due - now_ns ();

          if (wait < 0)
            wait = 0;
          ts.tv_sec = wait / 1000000000;
          ts.tv_nsec = wait % 1000000000;
          timeout = &ts;
        }

      if (ppoll (&pfd, 1, timeout, NULL) > 0)
        while ((n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
          nfq_handle_packet (h, buffer, (int) n);

      release_due (qh);
    }

  /* Whatever is still held goes now. */
  if (head != tail)
    nfq_set_verdict_batch (qh, ring[(tail - 1) % RING_SIZE].id, NF_ACCEPT);
  fprintf (stderr, "ph-delay: %lu packets delayed, %lu let through at once\n", passed, overflow);
  nfq_destroy_queue (qh);
  nfq_close (h);

  return 0;
}
