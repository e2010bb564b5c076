/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_SENDER (ph_sender_get_type ())

/* Files in flight a batch starts with when it does not fix how many; it
 * then adapts (ph-send-window.c, measured with bench/linkbench). */
#define PH_SENDER_DEFAULT_PARALLEL 8
/* The most a caller may fix. */
#define PH_SENDER_MAX_PARALLEL     64

G_DECLARE_FINAL_TYPE (PhSender, ph_sender, PH, SENDER, GObject)

PhSender *ph_sender_new                 (void);
guint     ph_sender_get_connect_timeout (PhSender            *self);
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
void      ph_sender_send_all_async      (PhSender            *self,
                                         GListModel          *transfers,
                                         guint                parallel,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  ph_sender_send_all_finish     (PhSender            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
