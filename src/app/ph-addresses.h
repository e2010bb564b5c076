/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GPtrArray *ph_local_addresses   (void);
GPtrArray *ph_local_interfaces  (void);
char      *ph_interface_address (const char *name);

G_END_DECLS
