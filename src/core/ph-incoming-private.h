/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-space-private.h"
#include "ph-transfer.h"

G_BEGIN_DECLS

/* One connection that delivered a valid header, owned by PhReceiver:
 * the refusal checks, the wait for approval or a slot, the temporary
 * file, the data and the commit under a final name. The receiver
 * decides when it may start; it tells the receiver when it is over.
 *
 * Signals:
 *   "accepted" (): the person accepted a WAITING transfer.
 *   "finished" (): the transfer ended (done, failed or cancelled) and
 *     the connection is closed; emitted once. */

/* Partial files are hidden, recognisable, and locked while written:
 * an unlocked one is the leftover of a receiver that was killed. */
#define PH_PART_PREFIX ".posthouse-"
#define PH_PART_SUFFIX ".part"

#define PH_TYPE_INCOMING (ph_incoming_get_type ())

G_DECLARE_FINAL_TYPE (PhIncoming, ph_incoming, PH, INCOMING, GObject)

PhIncoming *ph_incoming_new            (GSocketConnection *connection,
                                        const char        *peer,
                                        const char        *name,
                                        const char        *prefix,
                                        gint64             size,
                                        GFile             *directory,
                                        guint              idle_timeout,
                                        PhSpace           *space);
PhTransfer *ph_incoming_get_transfer   (PhIncoming        *self);
const char *ph_incoming_get_peer       (PhIncoming        *self);
const char *ph_incoming_get_name       (PhIncoming        *self);
gboolean    ph_incoming_get_receiving  (PhIncoming        *self);
GError     *ph_incoming_check          (PhIncoming        *self);
void        ph_incoming_ask            (PhIncoming        *self);
void        ph_incoming_wait           (PhIncoming        *self);
void        ph_incoming_receive        (PhIncoming        *self);
void        ph_incoming_finish         (PhIncoming        *self,
                                        GError            *error);

G_END_DECLS
