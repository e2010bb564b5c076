/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_PEER (ph_peer_get_type ())

/* A receiver announced nearby: one item per installation (its `id`),
 * however many addresses and interfaces it is seen on. Properties
 * notify when what the receiver announces changes. */

G_DECLARE_FINAL_TYPE (PhPeer, ph_peer, PH, PEER, GObject)

const char  *ph_peer_get_id                    (PhPeer      *self);
const char  *ph_peer_get_name                  (PhPeer      *self);
const char  *ph_peer_get_address               (PhPeer      *self);
const char  *ph_peer_get_host                  (PhPeer      *self);
guint        ph_peer_get_port                  (PhPeer      *self);
gboolean     ph_peer_get_asks_before_accepting (PhPeer      *self);
gboolean     ph_peer_get_accepts_paths         (PhPeer      *self);
char       **ph_peer_dup_addresses             (PhPeer      *self);
gboolean     ph_peer_has_address               (PhPeer      *self,
                                                const char  *host,
                                                guint        port);

G_END_DECLS
