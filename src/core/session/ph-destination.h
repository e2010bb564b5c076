/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-browser.h"

G_BEGIN_DECLS

gboolean          ph_destination_text_is_valid (const char  *text,
                                                GError     **error);
PhNearbyReceiver *ph_destination_find_nearby   (PhBrowser   *browser,
                                                const char  *text);

G_END_DECLS
