/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-devices.h"
#include "ph-nearby-receiver.h"

G_BEGIN_DECLS

#define PH_TYPE_NEARBY_ROW (ph_nearby_row_get_type ())

G_DECLARE_FINAL_TYPE (PhNearbyRow, ph_nearby_row, PH, NEARBY_ROW, AdwActionRow)

PhNearbyRow   *ph_nearby_row_new            (PhNearbyReceiver      *peer);
PhNearbyReceiver        *ph_nearby_row_get_peer       (PhNearbyRow *self);
void           ph_nearby_row_set_devices    (PhNearbyRow *self,
                                             PhDevices   *devices);
void           ph_nearby_row_set_chosen     (PhNearbyRow *self,
                                             gboolean     chosen);
gboolean       ph_nearby_row_get_drop_hover (PhNearbyRow *self);

G_END_DECLS
