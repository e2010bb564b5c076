/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_TYPE_ACCEPT_ALL_BAR (ph_accept_all_bar_get_type ())

G_DECLARE_FINAL_TYPE (PhAcceptAllBar, ph_accept_all_bar, PH, ACCEPT_ALL_BAR, AdwBin)

PhAcceptAllBar *ph_accept_all_bar_new        (void);
void            ph_accept_all_bar_set_grants (PhAcceptAllBar *self,
                                              GListModel     *grants);

/* For tests */
const char     *ph_accept_all_bar_get_text   (PhAcceptAllBar *self);
gboolean        ph_accept_all_bar_get_shown  (PhAcceptAllBar *self);
void            ph_accept_all_bar_stop       (PhAcceptAllBar *self);

G_END_DECLS
