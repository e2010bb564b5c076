/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_NAMING_DEFAULT_NAME "received-file"

/* Longest sanitised name, in bytes: NAME_MAX (255) leaves room for a
 * prefix such as "new_" and a variant such as " (10000)". */
#define PH_NAMING_MAX_BYTES 200

/* How many folders a received path may have (SPEC: 8 levels deep). */
#define PH_NAMING_MAX_FOLDERS 8

/* What a variant adds to a name, up to " (99999)" (ph_commit() shortens
 * a name that has no room for more digits). */
#define PH_NAMING_VARIANT_BYTES 8

/* The least room a receiver's prefix must leave for the sender's name
 * (ph_naming_truncate() keeps an extension of up to 16 bytes). */
#define PH_NAMING_MIN_BYTES 32


char  *ph_naming_clean_label (const char *text);
char  *ph_naming_sanitize (const guint8 *raw,
                           gsize         len);
char  *ph_naming_sanitize_path (const guint8 *raw,
                                gsize         len);
char  *ph_naming_variant  (const char   *name,
                           guint         n);
char  *ph_naming_truncate (const char   *name,
                           gsize         max_bytes);
gboolean ph_naming_path_is_valid (const char       *path);
char  *ph_naming_relative_path (GFile             *top,
                                GFile             *file);
char  *ph_naming_folder_path   (const char       *top_name,
                                const char       *below);
gsize  ph_naming_budget    (gsize                 name_max,
                            const char           *prefix);

G_END_DECLS
