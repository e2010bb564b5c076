/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-application.h"
#include "ph-nearby-list.h"

G_BEGIN_DECLS

#define PH_TYPE_PANEL (ph_panel_get_type ())

G_DECLARE_FINAL_TYPE (PhPanel, ph_panel, PH, PANEL, GtkWidget)

PhPanel      *ph_panel_new                  (PhApplication *application);
const char   *ph_panel_get_destination      (PhPanel       *self);
void          ph_panel_set_destination      (PhPanel       *self,
                                             const char    *destination);
const char   *ph_panel_get_receive_address  (PhPanel       *self);
void          ph_panel_set_empty            (PhPanel       *self,
                                             gboolean       empty);
PhNearbyList *ph_panel_get_nearby_list      (PhPanel       *self);
gboolean      ph_panel_destination_is_valid (const char    *text,
                                             GError       **error);
char         *ph_panel_format_recent        (const char    *destination,
                                             GVariant      *names);

/* For tests */
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
