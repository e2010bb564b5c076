/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_FILE_ROW (ph_file_row_get_type ())

G_DECLARE_FINAL_TYPE (PhFileRow, ph_file_row, PH, FILE_ROW, GtkWidget)

PhFileRow  *ph_file_row_new             (void);
void        ph_file_row_set_item        (PhFileRow  *self,
                                         gpointer    item,
                                         gboolean    incoming);
gpointer    ph_file_row_get_item        (PhFileRow  *self);
void        ph_file_row_set_transfer    (PhFileRow  *self,
                                         PhTransfer *transfer);

G_END_DECLS
