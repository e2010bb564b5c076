/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For tests: what a person would reach with the mouse. */

#include "ph-window.h"

G_BEGIN_DECLS

GtkDropTarget *ph_window_get_drop_target       (PhWindow *self);
GtkListBox    *ph_window_get_transfer_list     (PhWindow *self);
const char    *ph_window_get_visible_page      (PhWindow *self);
GtkWindow     *ph_window_get_message_dialog    (PhWindow *self);
AdwEntryRow   *ph_window_get_destination_row   (PhWindow *self);
gboolean       ph_window_get_receive_panel_visible (PhWindow *self);
gboolean       ph_window_get_drop_highlight_visible (PhWindow *self);
AdwToast      *ph_window_get_refused_toast     (PhWindow *self);
const char    *ph_window_get_receive_address   (PhWindow *self);
AdwActionRow  *ph_window_get_folder_row        (PhWindow *self);

G_END_DECLS
