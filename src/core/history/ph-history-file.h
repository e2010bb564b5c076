/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-history-batch.h"

G_BEGIN_DECLS

#define PH_TYPE_HISTORY_FILE (ph_history_file_get_type ())

/* One file of a stored batch, as the batch page shows it. "name",
 * "size", "bytes-done", "state", "error-message" and "file" mean what
 * they mean on PhTransfer; "folder" is the folder path the name had
 * ("Holiday/Day 1"), "file" where it was saved (received) or read
 * from (sent). */
G_DECLARE_FINAL_TYPE (PhHistoryFile, ph_history_file, PH, HISTORY_FILE, GObject)

guint             ph_history_file_get_position      (PhHistoryFile *self);
const char       *ph_history_file_get_name          (PhHistoryFile *self);
const char       *ph_history_file_get_folder        (PhHistoryFile *self);
gint64            ph_history_file_get_size          (PhHistoryFile *self);
gint64            ph_history_file_get_bytes_done    (PhHistoryFile *self);
PhHistoryOutcome  ph_history_file_get_outcome       (PhHistoryFile *self);
PhTransferState   ph_history_file_get_state         (PhHistoryFile *self);
const char       *ph_history_file_get_error_message (PhHistoryFile *self);
GFile            *ph_history_file_dup_file          (PhHistoryFile *self);

G_END_DECLS
