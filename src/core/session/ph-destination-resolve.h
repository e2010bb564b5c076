/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-browser.h"
#include "ph-destination.h"
#include "ph-devices.h"

G_BEGIN_DECLS

void              ph_destination_resolve_async  (PhBrowser            *browser,
                                                 const char           *text,
                                                 int                   port,
                                                 gboolean              wants_paths,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
PhDestination    *ph_destination_resolve_finish (GAsyncResult         *result,
                                                 GError              **error);
PhNearbyReceiver *ph_destination_find_nearby    (PhBrowser            *browser,
                                                 const char           *text);
gboolean          ph_destination_text_is_usable (PhBrowser            *browser,
                                                 const char           *text,
                                                 GError              **error);
char             *ph_destination_text_for_nearby (PhBrowser           *browser,
                                                  PhNearbyReceiver    *nearby);
gboolean          ph_destination_check_nearby   (PhDevices            *devices,
                                                 PhNearbyReceiver     *nearby,
                                                 GError              **error);
char             *ph_destination_choose_nearby  (PhBrowser            *browser,
                                                 PhDevices            *devices,
                                                 PhNearbyReceiver     *nearby,
                                                 GError              **error);
gboolean          ph_destination_check_pairable (PhDevices            *devices,
                                                 PhNearbyReceiver     *nearby,
                                                 GError              **error);

G_END_DECLS
