/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean ph_address_parse  (const char  *text,
                            guint16      default_port,
                            char       **host,
                            guint16     *port,
                            GError     **error);
char    *ph_address_format (const char  *host,
                            guint16      port);

G_END_DECLS
