/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-batch.h"
#include "ph-devices.h"

G_BEGIN_DECLS

#define PH_TYPE_REQUEST_BAR (ph_request_bar_get_type ())

G_DECLARE_FINAL_TYPE (PhRequestBar, ph_request_bar, PH, REQUEST_BAR, GtkWidget)

void        ph_request_bar_set_requests (PhRequestBar *self,
                                         GListModel   *requests);
void        ph_request_bar_set_devices  (PhRequestBar *self,
                                         PhDevices    *devices);

G_END_DECLS
