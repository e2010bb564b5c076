/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of the panel: what a person sees. */

#include "ph-panel.h"

G_BEGIN_DECLS

AdwEntryRow  *ph_panel_get_destination_row  (PhPanel       *self);
AdwActionRow *ph_panel_get_folder_row       (PhPanel       *self);
const char   *ph_panel_get_address_title    (PhPanel       *self);
const char   *ph_panel_get_exposure_text    (PhPanel       *self);
gboolean      ph_panel_get_receive_visible  (PhPanel       *self);
const char   *ph_panel_get_visible_page     (PhPanel       *self);
const char   *ph_panel_get_hint             (PhPanel       *self);
AdwActionRow *ph_panel_get_announce_row     (PhPanel       *self);
GMenuModel   *ph_panel_get_recent_menu      (PhPanel       *self);

G_END_DECLS
