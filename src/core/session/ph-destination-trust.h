/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-destination.h"
#include "ph-devices.h"

G_BEGIN_DECLS

gboolean  ph_destination_decide_channel (PhDestination  *destination,
                                         PhDevices      *devices,
                                         gboolean        require_encryption,
                                         GError        **error);
char     *ph_destination_describe       (PhDestination  *destination);
PhDevice *ph_destination_find_key_change (PhDevices     *devices,
                                          const char    *fingerprint,
                                          const char    *name,
                                          const char    *installation_id);
PhDevice *ph_destination_find_downgrade (PhDevices     *devices,
                                         const char    *fingerprint,
                                         const char    *name,
                                         const char    *installation_id);
char     *ph_destination_describe_key_change (PhDevice   *replaced,
                                              const char *name);
char     *ph_destination_describe_downgrade (PhDevice   *known,
                                             const char *name);

G_END_DECLS
