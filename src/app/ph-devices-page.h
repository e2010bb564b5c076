/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_DEVICES_PAGE (ph_devices_page_get_type ())

G_DECLARE_FINAL_TYPE (PhDevicesPage, ph_devices_page, PH, DEVICES_PAGE, AdwPreferencesPage)

PhDevicesPage *ph_devices_page_new      (PhSettings    *settings,
                                         PhDevices     *devices);

/* For tests */
GtkListBox    *ph_devices_page_get_list (PhDevicesPage *self);

G_END_DECLS
