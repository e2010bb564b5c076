/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of the batch page: its list of files and what it says. */

#include "ph-batch-view.h"

G_BEGIN_DECLS

GtkListView *ph_batch_view_get_file_list (PhBatchView *self);
const char  *ph_batch_view_get_status_text (PhBatchView *self);

G_END_DECLS
