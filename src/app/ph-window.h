/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"
#include "ph-outbox.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_WINDOW (ph_window_get_type ())

G_DECLARE_FINAL_TYPE (PhWindow, ph_window, PH, WINDOW, AdwApplicationWindow)

PhWindow *ph_window_new        (GtkApplication    *application,
                                PhSettings        *settings,
                                PhReceiveSession  *session,
                                PhBrowser         *browser,
                                PhBatchList       *batches,
                                PhOutbox          *outbox,
                                PhDevices         *devices);
void      ph_window_send_files (PhWindow          *self,
                                GFile            **files,
                                guint              n_files);
void      ph_window_send_files_to (PhWindow       *self,
                                   GFile         **files,
                                   guint           n_files,
                                   const char     *destination);
void      ph_window_show_batch (PhWindow          *self,
                                PhBatch           *batch);
void      ph_window_show_item  (PhWindow          *self,
                                gpointer           item);
void      ph_window_show_main  (PhWindow          *self);
void      ph_window_show_toast (PhWindow          *self,
                                const char        *title);
struct _PhAcceptAllBar *ph_window_get_accept_all_bar (PhWindow *self);

G_END_DECLS
