/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PH_RATE_MAX_SAMPLES 16

/* Speed and time left, the one way a transfer and a batch estimate
 * them: the bytes moved over a sliding window of the last samples
 * (taken by the caller, at times the caller gives, so tests can use a
 * clock of their own). A window that moved nothing has no speed, and
 * then no time left. */
typedef struct
{
  struct { gint64 time, bytes; } samples[PH_RATE_MAX_SAMPLES];
  guint window;   /* samples kept */
  guint n;        /* samples held, up to window */
  guint next;     /* where the next one goes */
} PhRate;

void    ph_rate_init             (PhRate       *self,
                                  guint         window);
void    ph_rate_reset            (PhRate       *self);
void    ph_rate_add_sample       (PhRate       *self,
                                  gint64        time_usec,
                                  gint64        bytes);
double  ph_rate_get_speed        (const PhRate *self);
gint64  ph_rate_get_seconds_left (const PhRate *self,
                                  gint64        total_size,
                                  gint64        bytes_done);
double  ph_rate_average          (gint64        bytes,
                                  gint64        elapsed_usec);

G_END_DECLS
