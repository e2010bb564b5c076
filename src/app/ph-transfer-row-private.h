/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For tests: the row's visible text and buttons. */

#include "ph-transfer-row.h"

G_BEGIN_DECLS

const char *ph_transfer_row_get_status_text (PhTransferRow *self);
GtkButton  *ph_transfer_row_get_button      (PhTransferRow *self,
                                             const char    *name);

G_END_DECLS
