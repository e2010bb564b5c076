/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-disk-space-private.h"

G_BEGIN_DECLS

/* Files of a secure batch on their way into the receive folder: the
 * folders of a path, an unnamed part file, space held ahead of the
 * data, and the commit under a final name that never replaces a file.
 * The same steps as PhIncoming's data phase, from receive/ (ph-folders,
 * ph-part-file, ph-disk-space, ph-commit), fed from a buffer instead
 * of a socket. One thread uses a folder and its files at a time. */

typedef struct _PhSecureFolder PhSecureFolder;
typedef struct _PhSecureFile   PhSecureFile;

PhSecureFolder *ph_secure_folder_new   (GFile          *directory,
                                        const char     *prefix,
                                        PhDiskSpace    *space,
                                        GError        **error);
void            ph_secure_folder_free  (PhSecureFolder *folder);

PhSecureFile   *ph_secure_file_open    (PhSecureFolder *folder,
                                        const char     *name,
                                        gint64          size,
                                        GError        **error);
gboolean        ph_secure_file_write   (PhSecureFile   *file,
                                        const guint8   *data,
                                        gsize           len,
                                        GError        **error);
GFile          *ph_secure_file_commit  (PhSecureFile   *file,
                                        char          **relative_name,
                                        GError        **error);
void            ph_secure_file_free    (PhSecureFile   *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhSecureFolder, ph_secure_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhSecureFile, ph_secure_file_free)

G_END_DECLS
