/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of a file row: its transfer, its text, its icon and
 * its buttons. */

#include "ph-file-row.h"

G_BEGIN_DECLS

PhTransfer *ph_file_row_get_transfer    (PhFileRow  *self);
const char *ph_file_row_get_status_text (PhFileRow  *self);
const char *ph_file_row_get_folder_text (PhFileRow  *self);
GIcon      *ph_file_row_get_icon        (PhFileRow  *self);
GtkButton  *ph_file_row_get_button      (PhFileRow  *self,
                                         const char *name);

G_END_DECLS
