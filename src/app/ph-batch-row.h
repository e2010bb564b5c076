/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-batch.h"
#include "ph-devices.h"

G_BEGIN_DECLS

#define PH_TYPE_BATCH_ROW (ph_batch_row_get_type ())

G_DECLARE_FINAL_TYPE (PhBatchRow, ph_batch_row, PH, BATCH_ROW, GtkWidget)

PhBatchRow *ph_batch_row_new       (void);
void        ph_batch_row_set_item  (PhBatchRow *self,
                                    gpointer    item);
gpointer    ph_batch_row_get_item  (PhBatchRow *self);
void        ph_batch_row_set_batch (PhBatchRow *self,
                                    PhBatch    *batch);
void        ph_batch_row_set_devices (PhBatchRow *self,
                                      PhDevices  *devices);
void        ph_batch_row_set_show_arrow (PhBatchRow *self,
                                         gboolean    show_arrow);

G_END_DECLS
