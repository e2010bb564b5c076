/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-disk-space-private.h"
#include "ph-transfer.h"

G_BEGIN_DECLS

/* One connection that delivered a valid header, owned by PhReceiver:
 * the refusal checks, the wait for approval or a slot, the part file,
 * the data, the sender's end of stream and the commit under a final
 * name. The receiver decides when it may start; it tells the receiver
 * when it is over.
 *
 * The receipt: the connection is closed in order only once the file is
 * in place under its final name; every failure, at any moment, resets
 * it (SO_LINGER 0), so that a Posthouse sender reports the failure.
 *
 * Signals:
 *   "accepted" (): the person accepted a WAITING transfer.
 *   "finished" (): the transfer ended (done, failed or cancelled) and
 *     the connection is closed; emitted once. */

/* How long the data phase waits for the sender's end of stream after
 * the last announced byte before it commits anyway. */
#define PH_INCOMING_EOF_GRACE_MS 1000

#define PH_TYPE_INCOMING (ph_incoming_get_type ())

G_DECLARE_FINAL_TYPE (PhIncoming, ph_incoming, PH, INCOMING, GObject)

PhIncoming *ph_incoming_new            (GSocketConnection *connection,
                                        const char        *host,
                                        const char        *peer,
                                        const char        *name,
                                        const char        *prefix,
                                        gint64             size,
                                        GFile             *directory,
                                        guint              idle_timeout,
                                        PhDiskSpace           *space);
PhTransfer *ph_incoming_get_transfer   (PhIncoming        *self);
const char *ph_incoming_get_host       (PhIncoming        *self);
const char *ph_incoming_get_peer       (PhIncoming        *self);
const char *ph_incoming_get_name       (PhIncoming        *self);
gboolean    ph_incoming_get_receiving  (PhIncoming        *self);
GError     *ph_incoming_check          (PhIncoming        *self);
void        ph_incoming_ask            (PhIncoming        *self);
void        ph_incoming_wait           (PhIncoming        *self);
void        ph_incoming_receive        (PhIncoming        *self);
void        ph_incoming_end            (PhIncoming        *self,
                                        GError            *error);
void        ph_incoming_finish         (PhIncoming        *self,
                                        GError            *error);

gboolean    ph_incoming_name_budget    (GFile             *directory,
                                        const char        *prefix,
                                        gsize             *budget,
                                        GError           **error);

G_END_DECLS
