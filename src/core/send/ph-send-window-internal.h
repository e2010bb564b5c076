/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* PhSendWindow's state, for ph-send-window.c (the object and what it is
 * told) and ph-send-window-rules.c (what it decides each round) only. */

#include "ph-send-window-private.h"

G_BEGIN_DECLS

/* Rounds a trial is measured against: the ones just before it. */
#define BASELINE_ROUNDS 2

typedef enum
{
  PHASE_FIXED,
  PHASE_STARTUP,
  PHASE_HOLD,
  PHASE_PROBE,
} Phase;

struct _PhSendWindow
{
  GObject            parent_instance;

  PhSendWindowClock  clock;
  gpointer           clock_data;

  guint              size;       /* in effect now (a probe included) */
  guint              settled;    /* outside probes; what faces show */
  guint              min;
  guint              initial;
  guint              max;
  Phase              phase;
  char              *reason;

  guint              in_flight;

  /* The current round. */
  guint64            round;
  gint64             round_start;
  guint              receipts;
  double             units;
  double             sum_in_flight;  /* over its receipts, as they were sent */
  double             sum_receipt;    /* usec */
  gint64             round_quickest; /* usec: its quickest receipt */

  double             base_receipt;   /* usec: the least round's average, 0: none */
  gint64             base_at;
  gint64             quickest;       /* usec: the quickest receipt lately, 0: none */
  gint64             quickest_at;
  double             most_files;     /* files per second at best, lately */

  /* Startup: the rate that last rose enough, and the files in flight
   * that made it. */
  double             rising_rate;
  double             rising_in_flight;
  guint              flat_rounds;

  /* Steady: the last rates at the settled size, and trials. */
  double             recent[BASELINE_ROUNDS];
  guint              rounds;       /* in this phase, settling rounds excluded */
  guint              hold_rounds;  /* before the next trial */
  gboolean           settling;     /* the round after a change measures the old size */
  gboolean           probe_up;     /* the next or current trial's way */
  guint              probe_size;
  double             probe_rate;
  guint              lost_probes;  /* in a row */
};

void ph_send_window_set_size  (PhSendWindow *self,
                               guint         size);
void ph_send_window_settle    (PhSendWindow *self,
                               guint         size,
                               char         *reason);
void ph_send_window_end_round (PhSendWindow *self,
                               gint64        now);
void ph_send_window_refuse    (PhSendWindow *self);

G_END_DECLS
