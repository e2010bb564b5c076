/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

/* A one-line progress bar for a terminal, redrawn in place; it shows
 * one transfer at a time (timed from the transfer's creation), and ends
 * each with a final line. */
typedef struct _PhProgress PhProgress;

PhProgress *ph_progress_new    (int         fd);
void        ph_progress_free   (PhProgress *self);
void        ph_progress_set_count (PhProgress *self,
                                   guint       done,
                                   guint       total);
void        ph_progress_update (PhProgress *self,
                                PhTransfer *transfer,
                                gboolean    force);
void        ph_progress_finish (PhProgress *self,
                                PhTransfer *transfer);
void        ph_progress_clear  (PhProgress *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhProgress, ph_progress_free)

G_END_DECLS
