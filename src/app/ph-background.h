/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ph-application.h"

G_BEGIN_DECLS

#define PH_TYPE_BACKGROUND (ph_background_get_type ())

/* Receiving in the background: while receive mode is on the application
 * is held and closing its window hides it (inside Flatpak, once the
 * Background portal allowed it); receive mode is remembered across
 * restarts; `posthouse --background` starts with no window; Quit asks
 * first while transfers are running. */

G_DECLARE_FINAL_TYPE (PhBackground, ph_background, PH, BACKGROUND, GObject)

PhBackground *ph_background_new                 (PhApplication        *application);
/* Defined in ph-application.c: the application's one policy object. */
PhBackground *ph_application_get_background     (PhApplication        *application);
void          ph_background_track_transfer      (PhBackground         *self,
                                                 PhTransfer           *transfer);
void          ph_background_confirm_quit_async  (PhBackground         *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ph_background_confirm_quit_finish (PhBackground         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* For tests */
gboolean          ph_background_get_held        (PhBackground         *self);
AdwMessageDialog *ph_background_get_quit_dialog (PhBackground         *self);

G_END_DECLS
