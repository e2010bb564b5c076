/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendWindow: what it decides at the end of each round (see
 * ph-send-window.c for the whole of it). */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-send-window-internal.h"

#define STARTUP_RISE        1.25
#define STARTUP_SLOWER      1.5
/* Growing pays while fewer files are in flight than twice what the path
 * holds: receipts take much longer than the per-file work. */
#define PIPES_MOST          2.0
/* Files per second at best, forgotten by this share each steady round. */
#define MOST_FILES_DECAY    0.97
#define STARTUP_FLAT_ROUNDS 2
#define HOLD_ROUNDS         3
#define HOLD_ROUNDS_MOST    48
#define MEASURE_ROUNDS      3
#define UP_KEEP             1.08
#define DOWN_KEEP           0.97
#define BASE_LIFETIME       (10 * G_USEC_PER_SEC)

/* At least @files, whole (a window is counted in files). */
static guint
whole_files (double files)
{
  guint whole;

  if (files <= 1)
    return 1;
  if (files >= G_MAXUINT)
    return G_MAXUINT;
  whole = (guint) files;
  return whole < files ? whole + 1 : whole;
}

static void
start_hold (PhSendWindow *self)
{
  self->phase = PHASE_HOLD;
  self->rounds = 0;
  if (self->hold_rounds == 0)
    self->hold_rounds = HOLD_ROUNDS;
}

/* What the path holds by Little's law: files per second at best times
 * the quickest receipt (the receipt time when nothing waited: a round's
 * average includes the files that waited behind others, and so always
 * says that the path holds what is in flight). */
static double
pipe_files (PhSendWindow *self)
{
  return self->most_files * self->quickest / G_USEC_PER_SEC;
}

static gboolean
worth_growing (PhSendWindow *self)
{
  return self->size < self->max && self->size < PIPES_MOST * pipe_files (self);
}

/* Fewer in flight than half as much again as the path holds would leave
 * it idle whenever a receipt takes longer than the quickest. */
static gboolean
worth_shrinking (PhSendWindow *self)
{
  guint smaller = self->size - MAX (1, self->size / 4);

  return self->size > self->min && smaller >= STARTUP_SLOWER * pipe_files (self);
}

/* Where startup ends: what the path holds, with half as much again for
 * jitter; at least the files in flight of the last doubling that paid
 * and where it started, at most the present size. Trials trim from
 * there. */
static void
end_startup (PhSendWindow *self)
{
  double pipe = pipe_files (self);
  guint size = MIN (MAX (MAX (whole_files (STARTUP_SLOWER * pipe),
                              whole_files (self->rising_in_flight - 0.5)),
                         self->initial),
                    self->size);

  start_hold (self);
  ph_send_window_settle (self, size,
          g_strdup_printf (_("files per second stopped rising at %.0f; receipts after %.1f ms"),
                           self->most_files, self->quickest / 1000.0));
}

static void
startup_round (PhSendWindow *self,
               double        rate,
               double        files,
               double        in_flight,
               double        receipt)
{
  gboolean rising = rate >= self->rising_rate * STARTUP_RISE;

  if (rising)
    {
      self->rising_rate = rate;
      self->rising_in_flight = in_flight;
    }

  if ((rising || receipt <= self->base_receipt * STARTUP_SLOWER) && worth_growing (self))
    {
      self->flat_rounds = 0;
      if (self->size < self->max)
        {
          ph_send_window_settle (self, self->size * 2,
                  g_strdup_printf (_("files per second still rising (%.0f); receipts after %.1f ms"),
                                   files, receipt / 1000.0));
          return;
        }
      return;
    }

  /* At the most, and the last doubling is in flight. */
  if (self->size >= self->max && !rising && in_flight >= self->max / STARTUP_SLOWER)
    {
      end_startup (self);
      return;
    }

  /* No faster, and no more files in flight yet: the files sent since
   * the window grew are not back yet. */
  if (in_flight < self->rising_in_flight * STARTUP_RISE)
    return;

  if (++self->flat_rounds >= STARTUP_FLAT_ROUNDS)
    end_startup (self);
}

static guint
probe_step (guint size)
{
  return MAX (1, size / 4);
}

static void
start_probe (PhSendWindow *self)
{
  if (self->probe_up && !worth_growing (self))
    self->probe_up = FALSE;
  else if (!self->probe_up && !worth_shrinking (self))
    self->probe_up = TRUE;
  if (self->probe_up ? !worth_growing (self) : !worth_shrinking (self))
    {
      self->rounds = 0;
      return;
    }

  self->probe_size = self->probe_up ? self->size + probe_step (self->size)
                                    : self->size - probe_step (self->size);
  self->probe_rate = 0;
  self->phase = PHASE_PROBE;
  self->rounds = 0;
  ph_send_window_set_size (self, self->probe_size);
}

static void
end_probe (PhSendWindow *self,
           double        files)
{
  double baseline = 0;

  for (guint i = 0; i < BASELINE_ROUNDS; i++)
    baseline += self->recent[i] / BASELINE_ROUNDS;

  start_hold (self);

  /* A trial of more kept is tried again at once; one of fewer is
   * checked by one of more. */
  if (self->probe_up && self->probe_rate >= baseline * UP_KEEP)
    {
      self->lost_probes = 0;
      self->hold_rounds = HOLD_ROUNDS;
      ph_send_window_settle (self, self->probe_size,
              g_strdup_printf (_("more files in flight went faster (%.0f a second)"), files));
      return;
    }
  if (!self->probe_up && self->probe_rate >= baseline * DOWN_KEEP)
    {
      self->lost_probes = 0;
      self->hold_rounds = HOLD_ROUNDS;
      self->probe_up = TRUE;
      ph_send_window_settle (self, self->probe_size,
              g_strdup_printf (_("fewer files in flight went as fast (%.0f a second): the "
                                 "computer or the link is the limit"), files));
      return;
    }

  /* Lost: the other way next, and after both ways lost, later. */
  ph_send_window_set_size (self, self->settled);
  self->probe_up = !self->probe_up;
  if (++self->lost_probes >= 2)
    self->hold_rounds = MIN (self->hold_rounds * 2, HOLD_ROUNDS_MOST);
}

static void
steady_round (PhSendWindow *self,
              double        rate,
              double        files)
{
  self->rounds++;

  if (self->phase == PHASE_HOLD)
    {
      self->recent[self->rounds % BASELINE_ROUNDS] = rate;
      if (self->rounds >= MAX (self->hold_rounds, BASELINE_ROUNDS))
        start_probe (self);
      return;
    }

  self->probe_rate += rate / MEASURE_ROUNDS;
  if (self->rounds >= MEASURE_ROUNDS)
    end_probe (self, files);
}

void
ph_send_window_end_round (PhSendWindow *self,
                          gint64        now)
{
  double seconds = (now - self->round_start) / (double) G_USEC_PER_SEC;
  double rate = self->units / seconds;
  double files = self->receipts / seconds;
  double in_flight = self->sum_in_flight / self->receipts;
  double receipt = self->sum_receipt / self->receipts;
  gboolean settling = self->settling;

  if (self->base_receipt == 0 || receipt <= self->base_receipt ||
      now - self->base_at > BASE_LIFETIME)
    {
      self->base_receipt = receipt;
      self->base_at = now;
    }
  if (self->quickest == 0 || self->round_quickest <= self->quickest ||
      now - self->quickest_at > BASE_LIFETIME)
    {
      self->quickest = self->round_quickest;
      self->quickest_at = now;
    }
  if (self->phase != PHASE_STARTUP)
    self->most_files *= MOST_FILES_DECAY;
  self->most_files = MAX (self->most_files, files);

  self->round++;
  self->round_start = now;
  self->receipts = 0;
  self->units = 0;
  self->sum_in_flight = 0;
  self->sum_receipt = 0;
  self->round_quickest = 0;
  self->settling = FALSE;

  switch (self->phase)
    {
    case PHASE_STARTUP:
      startup_round (self, rate, files, in_flight, receipt);
      break;
    case PHASE_HOLD:
    case PHASE_PROBE:
      /* The round after a change measured the size before it. */
      if (!settling)
        steady_round (self, rate, files);
      break;
    case PHASE_FIXED:
    default:
      break;
    }
}

/* The receiver did not save a file it had: half as many in flight,
 * below where trials stop if need be (the receiver says so). */
void
ph_send_window_refuse (PhSendWindow *self)
{
  start_hold (self);
  self->min = MAX (1, MIN (self->min, self->settled / 2));
  ph_send_window_settle (self, self->settled / 2, g_strdup (_("the receiver did not save a file")));
}
