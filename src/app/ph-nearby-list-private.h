/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of the Nearby list: its rows and what it says while empty. */

#include "ph-nearby-list.h"

G_BEGIN_DECLS

PhNearbyRow *ph_nearby_list_get_row         (PhNearbyList *self,
                                             guint         position);
const char  *ph_nearby_list_get_status      (PhNearbyList *self);

G_END_DECLS
