/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-folder-walk.h"
#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_SEND_LIST (ph_send_list_get_type ())

/* The files of a walk as outgoing transfers to one destination, a
 * GListModel of PhTransfer for the sender. A transfer is made when its
 * position is asked for ("transfer-made" (PhTransfer *transfer, guint
 * position) says so), so a send of 100,000 files holds 100,000 names,
 * not 100,000 transfers; ask for each position once. A file of a folder
 * goes with its folder path only to a receiver that keeps folders
 * (announced paths=1); one the walk could not send comes already
 * FAILED with the reason. */

G_DECLARE_FINAL_TYPE (PhSendList, ph_send_list, PH, SEND_LIST, GObject)

PhSendList *ph_send_list_new           (PhFolderWalk *walk,
                                        const char   *address,
                                        gboolean      keeps_folders);
gboolean    ph_send_list_get_flattened (PhSendList   *self);
guint       ph_send_list_count_collisions (PhSendList *self,
                                           guint      *n_names,
                                           char      **example);

G_END_DECLS
