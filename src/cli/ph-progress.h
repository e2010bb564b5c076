/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

/* A one-line progress bar for a terminal, redrawn in place; one per
 * transfer (it times the transfer from its creation). */
typedef struct _PhProgress PhProgress;

PhProgress *ph_progress_new    (int         fd);
void        ph_progress_free   (PhProgress *self);
void        ph_progress_update (PhProgress *self,
                                PhTransfer *transfer,
                                gboolean    force);
void        ph_progress_finish (PhProgress *self,
                                PhTransfer *transfer);
void        ph_progress_clear  (PhProgress *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhProgress, ph_progress_free)

G_END_DECLS
