/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-browser.h"
#include "ph-nearby-row.h"

G_BEGIN_DECLS

#define PH_TYPE_NEARBY_LIST (ph_nearby_list_get_type ())

G_DECLARE_FINAL_TYPE (PhNearbyList, ph_nearby_list, PH, NEARBY_LIST, GtkWidget)

PhBrowser   *ph_nearby_list_get_browser     (PhNearbyList *self);
void         ph_nearby_list_set_browser     (PhNearbyList *self,
                                             PhBrowser    *browser);
PhDevices   *ph_nearby_list_get_devices     (PhNearbyList *self);
void         ph_nearby_list_set_devices     (PhNearbyList *self,
                                             PhDevices    *devices);
void         ph_nearby_list_set_destination (PhNearbyList *self,
                                             const char   *destination);
PhNearbyReceiver      *ph_nearby_list_get_drop_peer   (PhNearbyList *self);


G_END_DECLS
