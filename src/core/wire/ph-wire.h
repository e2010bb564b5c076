/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* struct.pack('128sq', name, size): 128 name bytes, then a signed
 * little-endian 64-bit size, no padding. */
#define PH_WIRE_NAME_SIZE   128
#define PH_WIRE_HEADER_SIZE 136

char     *ph_wire_shorten_name  (const char *name);
void      ph_wire_encode_header (const char *name,
                                 gint64      size,
                                 guint8      header[PH_WIRE_HEADER_SIZE]);
void      ph_wire_encode_raw    (const guint8 *name,
                                 gsize         name_len,
                                 gint64        size,
                                 guint8        header[PH_WIRE_HEADER_SIZE]);
void      ph_wire_decode_header (const guint8  header[PH_WIRE_HEADER_SIZE],
                                 GBytes      **raw_name,
                                 gint64       *size);

G_END_DECLS
