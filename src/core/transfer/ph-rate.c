/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhRate: see the header. */
#include "config.h"

#include "ph-rate.h"

/* @window: how many samples the speed is taken over (2 to
 * PH_RATE_MAX_SAMPLES): a second's worth at the caller's pace. */
void
ph_rate_init (PhRate *self,
              guint   window)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (window >= 2 && window <= PH_RATE_MAX_SAMPLES);

  self->window = window;
  ph_rate_reset (self);
}

/* Forgets the samples: the next speed starts afresh. */
void
ph_rate_reset (PhRate *self)
{
  g_return_if_fail (self != NULL);

  self->n = 0;
  self->next = 0;
}

/* @bytes: all bytes moved so far, at @time_usec (monotonic) */
void
ph_rate_add_sample (PhRate *self,
                    gint64  time_usec,
                    gint64  bytes)
{
  g_return_if_fail (self != NULL && self->window >= 2);

  self->samples[self->next].time = time_usec;
  self->samples[self->next].bytes = bytes;
  self->next = (self->next + 1) % self->window;
  self->n = MIN (self->n + 1, self->window);
}

/* Returns: bytes per second over the window, 0 while unknown (fewer
 * than two samples, no time between them, or nothing moved) */
double
ph_rate_get_speed (const PhRate *self)
{
  guint newest, oldest;
  gint64 dt, db;

  g_return_val_if_fail (self != NULL, 0);

  if (self->n < 2)
    return 0;

  newest = (self->next + self->window - 1) % self->window;
  oldest = self->n < self->window ? 0 : self->next;
  dt = self->samples[newest].time - self->samples[oldest].time;
  db = self->samples[newest].bytes - self->samples[oldest].bytes;

  if (dt <= 0 || db <= 0)
    return 0;

  return db * (double) G_USEC_PER_SEC / dt;
}

/* Returns: whole seconds until @total_size bytes are done at the
 * current speed (rounded up), -1 while unknown */
gint64
ph_rate_get_seconds_left (const PhRate *self,
                          gint64        total_size,
                          gint64        bytes_done)
{
  double speed = ph_rate_get_speed (self);

  if (speed <= 0 || total_size < bytes_done)
    return -1;

  return (gint64) ((total_size - bytes_done) / speed + 0.999);
}

/* Returns: the average speed of a whole run, once it is over */
double
ph_rate_average (gint64 bytes,
                 gint64 elapsed_usec)
{
  return elapsed_usec > 0 ? bytes * (double) G_USEC_PER_SEC / elapsed_usec : 0;
}
