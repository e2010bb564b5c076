/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_TYPE_STORED_FILES (ph_stored_files_get_type ())

/* The files of a stored batch, for its page: a GListModel of
 * PhHistoryFile in their order, loaded from the history a page at a
 * time as the page is scrolled (ph_stored_files_load_more()). */
G_DECLARE_FINAL_TYPE (PhStoredFiles, ph_stored_files, PH, STORED_FILES, GObject)

PhStoredFiles *ph_stored_files_new       (PhHistory      *history,
                                          PhHistoryBatch *batch);
void           ph_stored_files_load_more (PhStoredFiles  *self);

G_END_DECLS
