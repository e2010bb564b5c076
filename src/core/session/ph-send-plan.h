/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-browser.h"
#include "ph-destination.h"
#include "ph-devices.h"
#include "ph-folder-walk.h"
#include "ph-send-list.h"

G_BEGIN_DECLS

#define PH_TYPE_SEND_PLAN (ph_send_plan_get_type ())

/* What a send will do, decided once for the app and the CLI: where the
 * files go (the destination resolved, with what its receiver takes),
 * which files (the folders walked) and under which names (folder paths
 * only to a receiver that keeps them). Made by ph_send_plan_new_async(),
 * then handed to a PhSendQueue. */

G_DECLARE_FINAL_TYPE (PhSendPlan, ph_send_plan, PH, SEND_PLAN, GObject)

void           ph_send_plan_new_async         (PhBrowser            *browser,
                                               const char           *destination,
                                               int                   port,
                                               PhFolderWalk         *walk,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
void           ph_send_plan_new_trusted_async (PhBrowser            *browser,
                                               PhDevices            *devices,
                                               gboolean              require_encryption,
                                               const char           *destination,
                                               int                   port,
                                               PhFolderWalk         *walk,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
PhSendPlan    *ph_send_plan_new_finish        (GAsyncResult         *result,
                                               GError              **error);
PhDestination *ph_send_plan_get_destination   (PhSendPlan           *self);
PhFolderWalk  *ph_send_plan_get_walk          (PhSendPlan           *self);
PhSendList    *ph_send_plan_get_transfers     (PhSendPlan           *self);

G_END_DECLS
