/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_SEND_QUEUE (ph_send_queue_get_type ())

G_DECLARE_FINAL_TYPE (PhSendQueue, ph_send_queue, PH, SEND_QUEUE, GObject)

PhSendQueue *ph_send_queue_new        (void);
void         ph_send_queue_push       (PhSendQueue  *self,
                                       const char   *destination,
                                       GListModel   *transfers,
                                       GCancellable *cancellable);
gboolean     ph_send_queue_get_busy   (PhSendQueue  *self);
void         ph_send_queue_cancel_all (PhSendQueue  *self);

G_END_DECLS
