/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

/* How a stored batch or file ended. The numbers are what the database
 * holds: never renumber, only add. */
typedef enum
{
  PH_HISTORY_RUNNING = 0,      /* under way (a file: not finished yet) */
  PH_HISTORY_DONE = 1,
  PH_HISTORY_FAILED = 2,
  PH_HISTORY_CANCELLED = 3,
  PH_HISTORY_DECLINED = 4,     /* a file the person receiving declined */
  PH_HISTORY_INTERRUPTED = 5,  /* the program stopped (quit, crash) first */
} PhHistoryOutcome;

#define PH_TYPE_HISTORY_BATCH (ph_history_batch_get_type ())

/* A batch as the history store keeps it: an immutable snapshot the
 * batch list can hold beside live PhBatch objects. Its properties that
 * PhBatch also has ("id", "direction", "peer", "title", "n-files",
 * "n-done", "n-failed", "n-cancelled", "total-size", "bytes-done",
 * "state", "flattened") have the same names, types and meaning, so a
 * row binds either the same way. */
G_DECLARE_FINAL_TYPE (PhHistoryBatch, ph_history_batch, PH, HISTORY_BATCH, GObject)

const char          *ph_history_batch_get_id           (PhHistoryBatch *self);
PhTransferDirection  ph_history_batch_get_direction    (PhHistoryBatch *self);
const char          *ph_history_batch_get_peer         (PhHistoryBatch *self);
const char          *ph_history_batch_get_device_name  (PhHistoryBatch *self);
const char          *ph_history_batch_get_fingerprint  (PhHistoryBatch *self);
gboolean             ph_history_batch_get_encrypted    (PhHistoryBatch *self);
const char          *ph_history_batch_get_title        (PhHistoryBatch *self);
gint64               ph_history_batch_get_start_time   (PhHistoryBatch *self);
gint64               ph_history_batch_get_end_time     (PhHistoryBatch *self);
PhHistoryOutcome     ph_history_batch_get_outcome      (PhHistoryBatch *self);
PhTransferState      ph_history_batch_get_state        (PhHistoryBatch *self);
const char          *ph_history_batch_get_error_message (PhHistoryBatch *self);
guint                ph_history_batch_get_n_files      (PhHistoryBatch *self);
guint                ph_history_batch_get_n_done       (PhHistoryBatch *self);
guint                ph_history_batch_get_n_failed     (PhHistoryBatch *self);
guint                ph_history_batch_get_n_cancelled  (PhHistoryBatch *self);
guint                ph_history_batch_get_n_declined   (PhHistoryBatch *self);
gint64               ph_history_batch_get_total_size   (PhHistoryBatch *self);
gint64               ph_history_batch_get_bytes_done   (PhHistoryBatch *self);
gboolean             ph_history_batch_get_flattened    (PhHistoryBatch *self);
GFile               *ph_history_batch_dup_first_file   (PhHistoryBatch *self);

G_END_DECLS
