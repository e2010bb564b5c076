/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"
#include "ph-nearby-list.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_PANEL (ph_panel_get_type ())

G_DECLARE_FINAL_TYPE (PhPanel, ph_panel, PH, PANEL, GtkWidget)

PhPanel      *ph_panel_new                  (PhSettings       *settings,
                                             PhReceiveSession *session,
                                             PhBrowser        *browser);
const char   *ph_panel_get_destination      (PhPanel          *self);
void          ph_panel_set_destination      (PhPanel          *self,
                                             const char       *destination);
const char   *ph_panel_get_receive_address  (PhPanel          *self);
void          ph_panel_set_empty            (PhPanel          *self,
                                             gboolean          empty);
PhNearbyList *ph_panel_get_nearby_list      (PhPanel          *self);
GtkEditable  *ph_panel_get_destination_entry (PhPanel         *self);
GtkWidget    *ph_panel_get_receive_area     (PhPanel          *self);
char         *ph_panel_format_recent        (const char       *destination,
                                             GVariant         *names);

G_END_DECLS
