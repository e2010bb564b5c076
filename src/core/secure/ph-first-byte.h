/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The first byte of a TLS handshake record: a connection that begins
 * with it is the secure channel, any other the original header (SPEC,
 * Same port, told apart by the first byte). */
#define PH_FIRST_BYTE_TLS 0x16

void     ph_first_byte_peek_async  (GSocketConnection    *connection,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean ph_first_byte_peek_finish (GSocketConnection    *connection,
                                    GAsyncResult         *result,
                                    gboolean             *is_tls,
                                    GError              **error);

G_END_DECLS
