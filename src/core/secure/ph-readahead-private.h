/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A connection whose input reads ahead and whose output can wait.
 * Under TLS, GnuTLS asks for each record's 5-byte header, then its
 * body, and writes each 16 KiB record on its own: three system calls
 * per 16 KiB, 200,000 for a GiB. Given to GTlsConnection as its base
 * stream, this reads up to PH_READAHEAD_SIZE bytes per call and hands
 * them out; once buffering (after the handshake), it keeps what TLS
 * writes until the caller flushes, and sends it in one call. */

#define PH_READAHEAD_SIZE (256 * 1024)

#define PH_TYPE_READAHEAD (ph_readahead_get_type ())

G_DECLARE_FINAL_TYPE (PhReadahead, ph_readahead, PH, READAHEAD, GIOStream)

PhReadahead       *ph_readahead_new        (GSocketConnection *base);
GSocketConnection *ph_readahead_get_base   (PhReadahead       *self);
GSocket           *ph_readahead_find_socket (GIOStream        *stream);
PhReadahead       *ph_readahead_find       (GIOStream         *tls);
void               ph_readahead_set_buffering (PhReadahead    *self,
                                            gboolean           buffering);
gboolean           ph_readahead_flush      (PhReadahead       *self,
                                            GCancellable      *cancellable,
                                            GError           **error);

G_END_DECLS
