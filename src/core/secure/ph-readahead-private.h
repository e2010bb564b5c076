/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A connection whose input reads ahead. Under TLS, GnuTLS asks for each
 * record's 5-byte header, then its body: two system calls per 16 KiB,
 * 130,000 for a GiB. Given to GTlsConnection as its base stream, this
 * takes up to PH_READAHEAD_SIZE bytes per call and hands them out. The
 * output goes to the socket as it is. */

#define PH_READAHEAD_SIZE (256 * 1024)

#define PH_TYPE_READAHEAD (ph_readahead_get_type ())

G_DECLARE_FINAL_TYPE (PhReadahead, ph_readahead, PH, READAHEAD, GIOStream)

PhReadahead       *ph_readahead_new        (GSocketConnection *base);
GSocketConnection *ph_readahead_get_base   (PhReadahead       *self);
GSocket           *ph_readahead_find_socket (GIOStream        *stream);

G_END_DECLS
