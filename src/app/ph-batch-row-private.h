/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For tests: the row's visible text, buttons and menu. */

#include "ph-batch-row.h"

G_BEGIN_DECLS

const char *ph_batch_row_get_title_text   (PhBatchRow *self);
const char *ph_batch_row_get_peer_text    (PhBatchRow *self);
const char *ph_batch_row_get_status_text  (PhBatchRow *self);
gboolean    ph_batch_row_get_note_visible (PhBatchRow *self);
gboolean    ph_batch_row_get_key_changed  (PhBatchRow *self);
const char *ph_batch_row_get_text         (PhBatchRow *self);
GMenuModel *ph_batch_row_get_menu         (PhBatchRow *self);
GtkButton  *ph_batch_row_get_button       (PhBatchRow *self,
                                           const char *name);
PhBatch    *ph_batch_row_get_batch        (PhBatchRow *self);

G_END_DECLS
