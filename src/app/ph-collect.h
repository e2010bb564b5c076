/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void       ph_collect_files_async  (GFile               **files,
                                    guint                 n_files,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
GPtrArray *ph_collect_files_finish (GAsyncResult         *result,
                                    GArray              **sizes,
                                    guint                *n_folders,
                                    GError              **error);

G_END_DECLS
