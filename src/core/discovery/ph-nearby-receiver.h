/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_NEARBY_RECEIVER (ph_nearby_receiver_get_type ())

/* A receiver announced nearby: one item per installation on one
 * computer (its `id` and its mDNS host name), however many addresses
 * and interfaces it is seen on. Properties notify when what the
 * receiver announces changes. */

G_DECLARE_FINAL_TYPE (PhNearbyReceiver, ph_nearby_receiver, PH, NEARBY_RECEIVER, GObject)

const char  *ph_nearby_receiver_get_id                    (PhNearbyReceiver      *self);
const char  *ph_nearby_receiver_get_name                  (PhNearbyReceiver      *self);
const char  *ph_nearby_receiver_get_address               (PhNearbyReceiver      *self);
const char  *ph_nearby_receiver_get_host                  (PhNearbyReceiver      *self);
guint        ph_nearby_receiver_get_port                  (PhNearbyReceiver      *self);
gboolean     ph_nearby_receiver_get_asks_before_accepting (PhNearbyReceiver      *self);
gboolean     ph_nearby_receiver_get_accepts_paths         (PhNearbyReceiver      *self);
const char  *ph_nearby_receiver_get_host_name             (PhNearbyReceiver      *self);
gboolean     ph_nearby_receiver_get_shares_name           (PhNearbyReceiver      *self);
char       **ph_nearby_receiver_dup_addresses             (PhNearbyReceiver      *self);
gboolean     ph_nearby_receiver_has_address               (PhNearbyReceiver      *self,
                                                const char  *host,
                                                guint        port);

G_END_DECLS
