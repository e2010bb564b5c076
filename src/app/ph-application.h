/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-announcer.h"
#include "ph-batch.h"
#include "ph-browser.h"

G_BEGIN_DECLS

#define PH_TYPE_APPLICATION (ph_application_get_type ())

G_DECLARE_FINAL_TYPE (PhApplication, ph_application, PH, APPLICATION, AdwApplication)

PhApplication *ph_application_new                (void);
GSettings     *ph_application_get_settings       (PhApplication        *self);
GListModel    *ph_application_get_batches        (PhApplication        *self);
GListModel    *ph_application_get_requests       (PhApplication        *self);
PhBatch       *ph_application_find_batch         (PhApplication        *self,
                                                  const char           *id);
gboolean       ph_application_get_receiving      (PhApplication        *self);
guint          ph_application_get_receive_port   (PhApplication        *self);
const char    *ph_application_get_bind_address   (PhApplication        *self);
GFile         *ph_application_dup_receive_folder (PhApplication        *self);
void           ph_application_send_files_async   (PhApplication        *self,
                                                  GFile               **files,
                                                  guint                 n_files,
                                                  const char           *destination,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
PhBatch       *ph_application_send_files_finish  (PhApplication        *self,
                                                  GAsyncResult         *result,
                                                  guint                *n_folders,
                                                  GError              **error);
void           ph_application_accept_all         (PhApplication        *self,
                                                  PhBatch              *batch);
void           ph_application_retry_batch        (PhApplication        *self,
                                                  PhBatch              *batch);
void           ph_application_remove_batch       (PhApplication        *self,
                                                  PhBatch              *batch);
void           ph_application_cancel_all         (PhApplication        *self);
void           ph_application_clear_finished     (PhApplication        *self);
guint          ph_application_count_running      (PhApplication        *self);
PhAnnouncer   *ph_application_get_announcer      (PhApplication        *self);
const char    *ph_application_get_announce_error (PhApplication        *self);
PhBrowser     *ph_application_get_browser        (PhApplication        *self);
void           ph_application_hold_browsing      (PhApplication        *self);
void           ph_application_release_browsing   (PhApplication        *self);
PhNearbyReceiver        *ph_application_find_nearby        (PhApplication        *self,
                                                  const char           *destination);

G_END_DECLS
