/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One file to send. */
typedef struct
{
  GFile    *file;
  gint64    size;       /* -1 when unknown */
  gboolean  in_folder;  /* found inside a folder that was given */
  char     *path;       /* its path for a receiver that keeps folders
                         * ("Holiday/Day 1/beach.jpg"), or NULL: a file
                         * given itself, or a path too long for the header */
} PhCollected;

void       ph_collect_files_async  (GFile               **files,
                                    guint                 n_files,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
GPtrArray *ph_collect_files_finish (GAsyncResult         *result,
                                    guint                *n_folders,
                                    GError              **error);

G_END_DECLS
