/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of Preferences: the interface and history rows. */

#include "ph-preferences.h"

G_BEGIN_DECLS

AdwComboRow   *ph_preferences_get_interface_row (PhPreferences *self);
AdwComboRow   *ph_preferences_get_history_row   (PhPreferences *self);

G_END_DECLS
