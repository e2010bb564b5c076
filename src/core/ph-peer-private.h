/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-peer.h"

G_BEGIN_DECLS

/* For PhBrowser: each resolved announcement ("instance": one name on
 * one interface over one protocol) is an endpoint of its peer. */

PhPeer     *ph_peer_new             (const char *key,
                                     const char *id);
const char *ph_peer_get_key         (PhPeer     *self);
guint       ph_peer_get_n_endpoints (PhPeer     *self);
gboolean    ph_peer_update          (PhPeer     *self,
                                     const char *instance,
                                     const char *name,
                                     const char *host,
                                     guint16     port,
                                     gboolean    asks,
                                     gboolean    accepts_paths);
void        ph_peer_remove          (PhPeer     *self,
                                     const char *instance);

G_END_DECLS
