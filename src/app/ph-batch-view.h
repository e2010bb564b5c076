/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_TYPE_BATCH_VIEW (ph_batch_view_get_type ())

G_DECLARE_FINAL_TYPE (PhBatchView, ph_batch_view, PH, BATCH_VIEW, GtkWidget)

PhBatchView *ph_batch_view_new           (void);
void         ph_batch_view_set_item      (PhBatchView *self,
                                          gpointer     item,
                                          PhHistory   *history);
void         ph_batch_view_set_devices   (PhBatchView *self,
                                          PhDevices   *devices);
gpointer     ph_batch_view_get_item      (PhBatchView *self);
PhBatch     *ph_batch_view_get_batch     (PhBatchView *self);

G_END_DECLS
