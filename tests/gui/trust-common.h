/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gui-common.h"

G_BEGIN_DECLS

char      *trust_key         (const char    *seed);
void       trust_screenshot  (GtkWidget     *widget,
                              const char    *name);
GtkWindow *trust_find_window (PhApplication *app,
                              GType          type);
GtkWidget *trust_find_child  (GtkWidget     *root,
                              GType          type);

G_END_DECLS
