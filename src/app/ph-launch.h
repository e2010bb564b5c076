/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void ph_launch_uri      (const char      *uri);
void ph_show_in_folder  (GDBusConnection *bus,
                         const char      *uri);

G_END_DECLS
