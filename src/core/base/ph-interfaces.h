/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *ph_interface_format_host    (const char     *address,
                                       guint           interface_index);
gboolean   ph_interface_for_address    (const char     *address,
                                       guint          *interface_index,
                                       GSocketFamily  *family,
                                       GError        **error);
GPtrArray *ph_interface_list_addresses (void);
GPtrArray *ph_interface_list           (void);
char      *ph_interface_address        (const char     *name);
gboolean   ph_interface_is_own_address (GInetAddress   *address);

G_END_DECLS
