/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_PREFERENCES (ph_preferences_get_type ())

G_DECLARE_FINAL_TYPE (PhPreferences, ph_preferences, PH, PREFERENCES, AdwPreferencesWindow)

PhPreferences *ph_preferences_new       (PhSettings       *settings,
                                         PhReceiveSession *session);
void           ph_choose_receive_folder (GtkWindow        *parent,
                                         PhSettings       *settings);

G_END_DECLS
