/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_BATCH (ph_batch_get_type ())

/* Files that go together: dropped together for one destination, or
 * arriving from one peer in one burst. A GListModel of PhTransfer in
 * the order they were added, with aggregate properties.
 *
 * The list itself changes at once (items-changed); the aggregate
 * properties ("n-done", "bytes-done", "state", ...) are published by one
 * timer per batch, at most four times a second however many transfers
 * run, and each only when its value changed; then "changed" says it
 * once for all of them. The getters always return the current value.
 *
 * "state" sums up the transfers: WAITING while one waits for an answer,
 * else SENDING/RECEIVING while data moves, CONNECTING, QUEUED; once all
 * are finished, FAILED if one failed (declined ones do not count),
 * CANCELLED if one was cancelled or declined, else DONE. */

G_DECLARE_FINAL_TYPE (PhBatch, ph_batch, PH, BATCH, GObject)

/* The answer to a batch that asks as a whole (ph_batch_ask()). */
typedef void (*PhBatchAnswerFunc) (PhBatch  *batch,
                                   gboolean  accepted,
                                   gpointer  user_data);

PhBatch             *ph_batch_new              (PhTransferDirection  direction,
                                                const char          *peer,
                                                const char          *title);
const char          *ph_batch_get_id           (PhBatch     *self);
PhTransferDirection  ph_batch_get_direction    (PhBatch     *self);
const char          *ph_batch_get_peer         (PhBatch     *self);
const char          *ph_batch_get_device_name  (PhBatch     *self);
void                 ph_batch_set_device_name  (PhBatch     *self,
                                                const char  *device_name);
char                *ph_batch_dup_title        (PhBatch     *self);
guint                ph_batch_get_n_files      (PhBatch     *self);
guint                ph_batch_get_n_done       (PhBatch     *self);
guint                ph_batch_get_n_failed     (PhBatch     *self);
guint                ph_batch_get_n_cancelled  (PhBatch     *self);
guint                ph_batch_get_n_declined   (PhBatch     *self);
guint                ph_batch_get_n_waiting    (PhBatch     *self);
gint64               ph_batch_get_total_size   (PhBatch     *self);
gint64               ph_batch_get_bytes_done   (PhBatch     *self);
double               ph_batch_get_speed        (PhBatch     *self);
gint64               ph_batch_get_seconds_left (PhBatch     *self);
PhTransferState      ph_batch_get_state        (PhBatch     *self);
gboolean             ph_batch_is_finished      (PhBatch     *self);
gint64               ph_batch_get_start_time   (PhBatch     *self);
gint64               ph_batch_get_last_activity (PhBatch    *self);
const char          *ph_batch_get_error_message (PhBatch    *self);
GFile               *ph_batch_get_first_file   (PhBatch     *self);
gboolean             ph_batch_get_flattened    (PhBatch     *self);
void                 ph_batch_set_flattened    (PhBatch     *self,
                                                gboolean     flattened);
GCancellable        *ph_batch_get_cancellable  (PhBatch     *self);

void                 ph_batch_add              (PhBatch     *self,
                                                PhTransfer  *transfer);
PhTransfer          *ph_batch_add_file         (PhBatch     *self,
                                                GFile       *file,
                                                gint64       size);
PhTransfer          *ph_batch_add_file_path    (PhBatch     *self,
                                                GFile       *file,
                                                const char  *path,
                                                gint64       size);
void                 ph_batch_cancel           (PhBatch     *self);
void                 ph_batch_accept           (PhBatch     *self);
void                 ph_batch_decline          (PhBatch     *self);
GListModel          *ph_batch_retry_failed     (PhBatch     *self);

const char          *ph_batch_get_fingerprint  (PhBatch     *self);
gboolean             ph_batch_get_paired       (PhBatch     *self);
void                 ph_batch_set_sender       (PhBatch     *self,
                                                const char  *fingerprint,
                                                gboolean     paired);
guint                ph_batch_get_announced_files (PhBatch  *self);
gint64               ph_batch_get_announced_bytes (PhBatch  *self);
void                 ph_batch_set_announced    (PhBatch     *self,
                                                guint        n_files,
                                                gint64       n_bytes);
gboolean             ph_batch_get_asking       (PhBatch     *self);
void                 ph_batch_ask              (PhBatch     *self,
                                                PhBatchAnswerFunc func,
                                                gpointer     user_data,
                                                GDestroyNotify destroy);
void                 ph_batch_close            (PhBatch     *self,
                                                const GError *error);

G_END_DECLS
