/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-history.h"

G_BEGIN_DECLS

#define PH_TYPE_HISTORY_MODEL (ph_history_model_get_type ())

/* The stored part of the window's list: a GListModel of PhHistoryBatch,
 * newest first, loaded from the store a page at a time as the list asks
 * for more. Batches tracked live by the same PhHistory are left out:
 * the list shows the live PhBatch instead. */
G_DECLARE_FINAL_TYPE (PhHistoryModel, ph_history_model, PH, HISTORY_MODEL, GObject)

PhHistoryModel *ph_history_model_new          (PhHistory      *history,
                                               guint           page_size);
void            ph_history_model_load_more    (PhHistoryModel *self);
void            ph_history_model_reload       (PhHistoryModel *self);
gboolean        ph_history_model_remove       (PhHistoryModel *self,
                                               const char     *id);
gboolean        ph_history_model_get_loading  (PhHistoryModel *self);
gboolean        ph_history_model_get_complete (PhHistoryModel *self);

G_END_DECLS
