/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-destination.h"
#include "ph-devices.h"
#include "ph-identity.h"
#include "ph-sender.h"

G_BEGIN_DECLS

#define PH_TYPE_SEND_QUEUE (ph_send_queue_get_type ())

/* Outgoing batches, each to the engine whole (several connections at
 * once), one batch per receiver at a time: two drops on one receiver do
 * not exceed what it serves one sender at once; batches to different
 * receivers run side by side. "busy" while one sends or waits to. A
 * batch goes through the secure channel to a receiver known to speak it
 * (ph_destination_decide_channel()), in the original format to others. */

G_DECLARE_FINAL_TYPE (PhSendQueue, ph_send_queue, PH, SEND_QUEUE, GObject)

PhSendQueue *ph_send_queue_new         (void);
PhSender    *ph_send_queue_get_sender  (PhSendQueue          *self);
void         ph_send_queue_set_trust   (PhSendQueue          *self,
                                        PhIdentity           *identity,
                                        PhDevices            *devices);
void         ph_send_queue_set_require_encryption (PhSendQueue *self,
                                        gboolean              require);
void         ph_send_queue_set_connections (PhSendQueue      *self,
                                        guint                 connections);
void         ph_send_queue_send_async  (PhSendQueue          *self,
                                        PhDestination        *destination,
                                        GListModel           *transfers,
                                        guint                 parallel,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean     ph_send_queue_send_finish (PhSendQueue          *self,
                                        GAsyncResult         *result,
                                        GError              **error);
gboolean     ph_send_queue_get_busy    (PhSendQueue          *self);
void         ph_send_queue_cancel_all  (PhSendQueue          *self);

G_END_DECLS
