/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_TYPE_DEVICE_ROW (ph_device_row_get_type ())

G_DECLARE_FINAL_TYPE (PhDeviceRow, ph_device_row, PH, DEVICE_ROW, AdwActionRow)

PhDeviceRow *ph_device_row_new        (PhDevice    *device,
                                       PhDevices   *devices);
PhDevice    *ph_device_row_get_device (PhDeviceRow *self);
char        *ph_device_row_format_seen (gint64      seen,
                                        gint64      now);

/* For tests */
gboolean     ph_device_row_get_key_changed (PhDeviceRow *self);

G_END_DECLS
