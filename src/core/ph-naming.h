/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_NAMING_DEFAULT_NAME "received-file"

char  *ph_naming_sanitize (const guint8 *raw,
                           gsize         len);
char  *ph_naming_variant  (const char   *name,
                           guint         n);
GFile *ph_naming_commit   (GFile        *temporary,
                           GFile        *directory,
                           const char   *name,
                           GError      **error);

G_END_DECLS
