/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-batch.h"
#include "ph-rate.h"
#include "ph-transfer-private.h"

G_BEGIN_DECLS

/* PhBatch is split by concern:
 *   ph-batch.c          the object: properties, the list, the getters;
 *   ph-batch-entries.c  its transfers: adding, counting, deciding,
 *                       retrying, and publishing the aggregate. */

/* However many transfers run, a batch publishes its aggregate at most
 * this often: a window redraws a batch, not each of its files. */
#define FLUSH_MSEC   250
#define SPEED_SAMPLES 5    /* about one second at FLUSH_MSEC */
#define N_STATES     (PH_TRANSFER_CANCELLED + 1)

typedef enum
{
  DECISION_NONE,
  DECISION_ACCEPT,
  DECISION_DECLINE,
} Decision;

/* One transfer of the batch, with what was last counted for it: the
 * counters are kept up to date per event, never recounted. */
typedef struct
{
  PhBatch         *batch;
  PhTransfer      *transfer;
  PhTransferState  state;
  gint64           size;
  gboolean         declined;
  gboolean         active;
  guint            active_index;   /* where in batch->active, while active */
  gboolean         connected;      /* signal handlers: the transfer had a watch */
} Entry;

/* The values last notified, to notify only what changed. */
typedef struct
{
  guint           n_files;
  guint           n_done;
  guint           n_failed;
  guint           n_cancelled;
  guint           n_waiting;
  gint64          total_size;
  gint64          bytes_done;
  double          speed;
  gint64          seconds_left;
  PhTransferState state;
  char           *title;
} Published;

struct _PhBatch
{
  GObject              parent_instance;

  char                *id;
  PhTransferDirection  direction;
  char                *peer;
  char                *device_name;     /* the peer as people know it */
  char                *title;
  gboolean             flattened;
  gint64               start_time;      /* wall clock, µs */
  gint64               last_activity;   /* monotonic, µs */
  gint64               data_start;      /* monotonic, µs; 0 until data moves */
  gint64               finish_time;     /* monotonic, µs; when it last finished */
  gint64               moving_time;     /* µs spent with bytes moving, before moving_since */
  gint64               moving_since;    /* monotonic, µs; 0 while no transfer moves bytes */
  char                *error_message;
  GFile               *first_file;      /* the first file saved */

  GPtrArray           *entries;         /* Entry*, owned, in order */
  GPtrArray           *active;          /* Entry*, those that may move bytes */
  guint                counts[N_STATES];
  guint                n_declined;
  gint64               total_size;
  gint64               finished_bytes;  /* bytes of DONE transfers */
  double               speed;
  gint64               seconds_left;

  Published            published;
  GMainContext        *context;
  GSource             *flush_source;
  gint64               last_flush;
  PhRate               rate;

  GCancellable        *cancellable;
  gulong               cancelled_id;
  Decision             decision;
  gboolean             cancelled;

  /* Who sends, in the secure channel (ph-batch-sender.c) */
  char                *fingerprint;     /* NULL: not encrypted */
  gboolean             paired;
  guint                announced_files;
  gint64               announced_bytes;
  PhBatchAnswerFunc    answer_func;     /* set while the batch asks as a whole */
  gpointer             answer_data;
  GDestroyNotify       answer_destroy;
  gboolean             closed;          /* no more files will come */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_PEER,
  PROP_TITLE,
  PROP_N_FILES,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_CANCELLED,
  PROP_N_WAITING,
  PROP_TOTAL_SIZE,
  PROP_BYTES_DONE,
  PROP_SPEED,
  PROP_SECONDS_LEFT,
  PROP_STATE,
  PROP_FLATTENED,
  PROP_DEVICE_NAME,
  PROP_FINGERPRINT,
  PROP_PAIRED,
  N_PROPS
};

extern GParamSpec *ph_batch_properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  SIGNAL_TRANSFER_FINISHED,
  N_SIGNALS
};

extern guint ph_batch_signals[N_SIGNALS];

static inline guint
n_finished (PhBatch *self)
{
  return self->counts[PH_TRANSFER_DONE] +
         self->counts[PH_TRANSFER_FAILED] +
         self->counts[PH_TRANSFER_CANCELLED];
}

void     ph_batch_schedule_flush   (PhBatch      *self);
/* ph-batch-sender.c */
gboolean ph_batch_answer           (PhBatch      *self,
                                    gboolean      accepted);
void     ph_batch_sender_clear     (PhBatch      *self);
void     ph_batch_entry_free       (gpointer      entry);
gint64   ph_batch_live_bytes       (PhBatch      *self);
void     ph_batch_cancelled_cb     (GCancellable *cancellable,
                                    PhBatch      *self);

G_END_DECLS
