/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of a Nearby row: whether it is the destination, and its drop target. */

#include "ph-nearby-row.h"

G_BEGIN_DECLS

gboolean       ph_nearby_row_get_chosen     (PhNearbyRow *self);
gboolean       ph_nearby_row_get_paired     (PhNearbyRow *self);
const char    *ph_nearby_row_get_warning    (PhNearbyRow *self);
GMenuModel    *ph_nearby_row_get_menu       (PhNearbyRow *self);
GtkDropTarget *ph_nearby_row_get_drop_target (PhNearbyRow *self);

G_END_DECLS
