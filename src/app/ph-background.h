/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_BACKGROUND (ph_background_get_type ())

/* Receiving in the background: while receive mode is on the application
 * is held and closing its window lets it go (inside Flatpak, once the
 * Background portal allowed it); receive mode is remembered across
 * restarts; `posthouse --background` starts with no window; Quit asks
 * first while transfers are running. The application calls it from
 * its own startup, shutdown, handle_local_options and window_added. */

G_DECLARE_FINAL_TYPE (PhBackground, ph_background, PH, BACKGROUND, GObject)

PhBackground *ph_background_new                 (GtkApplication       *application);
void          ph_background_startup             (PhBackground         *self,
                                                 PhSettings           *settings,
                                                 PhReceiveSession     *session,
                                                 PhBatchList          *batches);
void          ph_background_shutdown            (PhBackground         *self);
int           ph_background_start_hidden        (PhBackground         *self);
void          ph_background_watch_window        (PhBackground         *self,
                                                 GtkWindow            *window);
void          ph_background_confirm_quit_async  (PhBackground         *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ph_background_confirm_quit_finish (PhBackground         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
