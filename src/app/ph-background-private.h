/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of PhBackground. */

#include "ph-background.h"

G_BEGIN_DECLS

gboolean          ph_background_get_held        (PhBackground *self);
AdwMessageDialog *ph_background_get_quit_dialog (PhBackground *self);

G_END_DECLS
