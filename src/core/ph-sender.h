/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_SENDER (ph_sender_get_type ())

G_DECLARE_FINAL_TYPE (PhSender, ph_sender, PH, SENDER, GObject)

PhSender *ph_sender_new                 (void);
guint     ph_sender_get_connect_timeout (PhSender            *self);
void      ph_sender_set_connect_timeout (PhSender            *self,
                                         guint                seconds);
guint     ph_sender_get_idle_timeout    (PhSender            *self);
void      ph_sender_set_idle_timeout    (PhSender            *self,
                                         guint                msec);
void      ph_sender_send_async          (PhSender            *self,
                                         PhTransfer          *transfer,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  ph_sender_send_finish         (PhSender            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
