/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver: the limits it runs within — the system's (descriptors,
 * the listen queue), and the knobs that only tests turn (time limits
 * scaled down to fit a test run). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "ph-receiver-private.h"

/* Connections held at most, however many descriptors there are: each
 * is a descriptor and about 2 KiB of memory here, and its data waits
 * in the kernel's buffers. */
#define MAX_HELD_CEILING      4096
#define MAX_HELD_FLOOR        64
/* Descriptors kept for everything else: data slots (a part file, a
 * pipe), the listeners, the main loop, the application itself. */
#define FD_RESERVE            256
/* Asked of the kernel for the listen queue; it takes at most
 * net.core.somaxconn. */
#define LISTEN_BACKLOG_WANTED 65535

/* Raises the soft limit on open files to the hard one, once: every
 * connection held is a descriptor, and past the limit the kernel's
 * queue holds what the receiver could have taken fairly itself. */
static rlim_t
raise_fd_limit (void)
{
  static gsize once;
  static rlim_t limit_cur = 1024;

  if (g_once_init_enter (&once))
    {
      struct rlimit limit;

      if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
        {
          rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? (rlim_t) 1 << 20 : limit.rlim_max;

          if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted)
            {
              struct rlimit raised = { .rlim_cur = wanted, .rlim_max = limit.rlim_max };

              if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
                limit.rlim_cur = wanted;
              else
                g_debug ("Could not raise the open file limit: %s", g_strerror (errno));
            }
          limit_cur = limit.rlim_cur == RLIM_INFINITY ? (rlim_t) 1 << 20 : limit.rlim_cur;
        }
      g_once_init_leave (&once, 1);
    }

  return limit_cur;
}

/* Connections a receiver holds by default: what the open-file limit
 * leaves (half of it, for a second receiver and everything else), at
 * most MAX_HELD_CEILING. */
guint
ph_receiver_default_max_held (void)
{
  rlim_t files = raise_fd_limit ();

  if (files <= FD_RESERVE + 2 * MAX_HELD_FLOOR)
    return MAX_HELD_FLOOR;
  return (guint) MIN ((files - FD_RESERVE) / 2, MAX_HELD_CEILING);
}

/* The listen queue to ask for: as long as the system allows. */
int
ph_receiver_listen_backlog (void)
{
  static gsize once;
  static int backlog = 4096;

  if (g_once_init_enter (&once))
    {
      FILE *file = fopen ("/proc/sys/net/core/somaxconn", "re");
      int somaxconn = 0;

      if (file != NULL)
        {
          if (fscanf (file, "%d", &somaxconn) == 1 && somaxconn > 0)
            backlog = MIN (somaxconn, LISTEN_BACKLOG_WANTED);
          fclose (file);
        }
      g_once_init_leave (&once, 1);
    }

  return backlog;
}

/* The knobs */

void
ph_receiver_set_header_timeout (PhReceiver *self,
                                guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (msec > 0);

  self->header_timeout = msec;
  ph_receiver_schedule_deadline (self);
}

guint
ph_receiver_get_header_timeout (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->header_timeout;
}

void
ph_receiver_set_data_timeout (PhReceiver *self,
                              guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (msec > 0);

  self->data_timeout = msec;
  ph_receiver_schedule_deadline (self);
}

void
ph_receiver_set_answer_timeout (PhReceiver *self,
                                guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (msec > 0);

  self->answer_timeout = msec;
  ph_receiver_schedule_deadline (self);
}

/* Milliseconds a sender may stay silent mid-file; 0: no limit. */
void
ph_receiver_set_idle_timeout (PhReceiver *self,
                              guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  self->idle_timeout = msec;
}

void
ph_receiver_set_max_transfers (PhReceiver *self,
                               guint       max_transfers)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_transfers > 0);

  self->max_transfers = max_transfers;
  ph_workers_set_max_threads (self->workers, max_transfers);
  ph_receiver_run_queue (self);
}

guint
ph_receiver_get_max_transfers (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_transfers;
}

void
ph_receiver_set_max_transfers_per_sender (PhReceiver *self,
                                          guint       max_per_sender)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_per_sender > 0);

  self->max_per_sender = max_per_sender;
  ph_receiver_run_queue (self);
}

guint
ph_receiver_get_max_transfers_per_sender (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_per_sender;
}

void
ph_receiver_set_max_pending_per_sender (PhReceiver *self,
                                        guint       max_pending)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_pending > 0);

  self->max_pending_per_sender = max_pending;
}

/* 0: the default, from the open-file limit (at start). */
void
ph_receiver_set_max_held (PhReceiver *self,
                          guint       max_held)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  self->max_held = max_held;
  if (self->listener != NULL && max_held == 0)
    self->max_held = ph_receiver_default_max_held ();
  ph_receiver_update_accepting (self);
}

guint
ph_receiver_get_max_held (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_held ? self->max_held : ph_receiver_default_max_held ();
}

/* Milliseconds in which a transfer must receive stall-bytes; 0: no
 * stall rule (the idle timeout still applies). */
void
ph_receiver_set_stall_window (PhReceiver *self,
                              guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  self->stall_window = msec;
  ph_receiver_restart_stall_timer (self);
}

void
ph_receiver_set_stall_bytes (PhReceiver *self,
                             guint64     bytes)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  self->stall_bytes = bytes;
}

/* Connections held now, every phase. */
guint
ph_receiver_get_n_held (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->n_held;
}

/* Whether it stopped accepting for now (max-held reached). */
gboolean
ph_receiver_get_paused (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);

  return self->paused;
}
