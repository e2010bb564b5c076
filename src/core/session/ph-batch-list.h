/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-batch.h"
#include "ph-history.h"

G_BEGIN_DECLS

#define PH_TYPE_BATCH_LIST (ph_batch_list_get_type ())

/* The batches a window lists, sent and received, newest first: a
 * GListModel of PhBatch (this session's), with what acting on them
 * would do ("can-clear": a batch is finished; "can-cancel": one runs)
 * and the requests (received batches waiting for an answer, oldest
 * first). With a history, every batch added is kept in it, and "stored"
 * lists the older ones it holds (PhHistoryBatch, newest first, loaded
 * a page at a time); "history-days" says for how long (-1 for ever,
 * 0 not at all). */

G_DECLARE_FINAL_TYPE (PhBatchList, ph_batch_list, PH, BATCH_LIST, GObject)

PhBatchList *ph_batch_list_new            (void);
void         ph_batch_list_add            (PhBatchList *self,
                                           PhBatch     *batch);
PhBatch     *ph_batch_list_find           (PhBatchList *self,
                                           const char  *id);
gboolean     ph_batch_list_contains       (PhBatchList *self,
                                           PhBatch     *batch);
void         ph_batch_list_remove         (PhBatchList *self,
                                           PhBatch     *batch);
void         ph_batch_list_clear_finished (PhBatchList *self);
void         ph_batch_list_cancel_all     (PhBatchList *self);
guint        ph_batch_list_count_running  (PhBatchList *self);
gboolean     ph_batch_list_get_can_clear  (PhBatchList *self);
gboolean     ph_batch_list_get_can_cancel (PhBatchList *self);
GListModel  *ph_batch_list_get_requests   (PhBatchList *self);

void            ph_batch_list_set_history      (PhBatchList *self,
                                                PhHistory   *history);
PhHistory      *ph_batch_list_get_history      (PhBatchList *self);
GListModel     *ph_batch_list_get_stored       (PhBatchList *self);
void            ph_batch_list_load_more        (PhBatchList *self);
int             ph_batch_list_get_history_days (PhBatchList *self);
void            ph_batch_list_set_history_days (PhBatchList *self,
                                                int          days);
PhHistoryBatch *ph_batch_list_find_stored      (PhBatchList *self,
                                                const char  *id);
gboolean        ph_batch_list_forget           (PhBatchList *self,
                                                const char  *id);
void            ph_batch_list_clear_history    (PhBatchList *self);

G_END_DECLS
