/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_AUTOSTART (ph_autostart_get_type ())

/* The "receive-at-login" preference, made real: an XDG autostart entry
 * running `posthouse --background`, or inside Flatpak the Background
 * portal's autostart. Inside Flatpak it also asks the portal whether
 * Posthouse may run without a window.
 *
 * Signals:
 *   "failed" (GError *error): the preference could not be applied (the
 *     portal refused, the entry could not be written); it is off again. */

G_DECLARE_FINAL_TYPE (PhAutostart, ph_autostart, PH, AUTOSTART, GObject)

PhAutostart *ph_autostart_new                       (PhSettings           *settings);
gboolean     ph_autostart_get_sandboxed             (PhAutostart          *self);
char        *ph_autostart_dup_entry_path            (void);
void         ph_autostart_request_background_async  (PhAutostart          *self,
                                                     GtkWindow            *parent,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean     ph_autostart_request_background_finish (PhAutostart          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
