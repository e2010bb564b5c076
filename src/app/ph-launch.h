/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     ph_launch_uri_async        (const char           *uri,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean ph_launch_uri_finish       (GAsyncResult         *result,
                                     GError              **error);
void     ph_show_in_folder_async    (GtkWindow            *parent,
                                     const char           *uri,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean ph_show_in_folder_finish   (GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
