/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void  ph_device_name_query_async  (GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char *ph_device_name_query_finish (GAsyncResult         *result,
                                   GError              **error);
char *ph_device_name_from_host_name (const char         *host_name);

G_END_DECLS
