/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-nearby-receiver.h"

G_BEGIN_DECLS

/* For PhBrowser: each resolved announcement ("instance": one name on
 * one interface over one protocol) is an endpoint of its peer. */

PhNearbyReceiver     *ph_nearby_receiver_new             (const char *key,
                                     const char *id,
                                     const char *host_name);
void        ph_nearby_receiver_set_shares_name (PhNearbyReceiver *self,
                                                gboolean          shares_name);
const char *ph_nearby_receiver_get_key         (PhNearbyReceiver     *self);
guint       ph_nearby_receiver_get_n_endpoints (PhNearbyReceiver     *self);
gboolean    ph_nearby_receiver_update          (PhNearbyReceiver     *self,
                                     const char *instance,
                                     const char *name,
                                     const char *host,
                                     guint16     port,
                                     gboolean    asks,
                                     gboolean    accepts_paths);
void        ph_nearby_receiver_remove          (PhNearbyReceiver     *self,
                                     const char *instance);

G_END_DECLS
