/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_TRANSFER_ROW (ph_transfer_row_get_type ())

G_DECLARE_FINAL_TYPE (PhTransferRow, ph_transfer_row, PH, TRANSFER_ROW, GtkListBoxRow)

PhTransferRow *ph_transfer_row_new          (PhTransfer    *transfer);
PhTransfer    *ph_transfer_row_get_transfer (PhTransferRow *self);

G_END_DECLS
