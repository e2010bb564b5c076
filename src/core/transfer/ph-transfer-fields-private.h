/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-transfer.c (the object) and ph-transfer-progress.c (its
 * engine side: state, progress, estimates) share; nothing else
 * includes this. */

#include <stdatomic.h>

#include "ph-rate.h"
#include "ph-transfer-private.h"

G_BEGIN_DECLS

/* Progress is sampled, never pushed: workers store bytes-done
 * atomically and a timer on the transfer's context turns it into at
 * most ten notifications a second, however fast the data moves. */
#define TICK_MSEC     100
#define SPEED_SAMPLES 11   /* a one-second sliding window */

typedef struct _PhTicker PhTicker;

struct _PhTransfer
{
  GObject              parent_instance;

  PhTransferDirection  direction;
  PhTransferState      state;
  char                *peer;
  char                *peer_fingerprint;  /* the secure channel's; NULL: not encrypted */
  char                *name;
  char                *folder;          /* where it was in what was sent */
  GFile               *source;
  GFile               *file;
  GError              *error;
  gint64               size;
  _Atomic gint64       bytes_done;
  gint64               notified_bytes;
  gint64               start_time;      /* wall clock, µs */
  gint64               data_start;      /* monotonic, µs; 0 until data moves */
  double               speed;
  gint64               seconds_left;

  GMainContext        *context;
  GCancellable        *cancellable;
  PhTicker            *ticker;          /* while data moves (ph-transfer-progress.c) */
  guint                tick_index;      /* its place in the ticker's list */

  PhRate               rate;

  PhTransferDecisionFunc decision_func;
  gpointer               decision_data;

  PhTransferWatchFunc  watch_func;      /* its batch, told before any handler */
  gpointer             watch_data;
};

enum {
  PROP_0,
  PROP_DIRECTION,
  PROP_PEER,
  PROP_NAME,
  PROP_SIZE,
  PROP_BYTES_DONE,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_SOURCE,
  PROP_FILE,
  PROP_START_TIME,
  PROP_SPEED,
  PROP_SECONDS_LEFT,
  N_PROPS
};

extern GParamSpec *ph_transfer_properties[N_PROPS];

void ph_transfer_stop_ticking (PhTransfer *self);

G_END_DECLS
