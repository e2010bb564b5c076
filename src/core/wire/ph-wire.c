/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ph-naming.h"
#include "ph-wire.h"

/**
 * ph_wire_shorten_name:
 * @name: a file name in UTF-8
 *
 * Returns a name whose UTF-8 encoding fits in the 128 name bytes of the
 * header. struct.pack() would cut a long name at byte 128, possibly inside
 * a character, and the Python receiver decodes strictly, so we cut at a
 * character boundary ourselves and keep a short extension. Invalid UTF-8
 * (a file name in a legacy encoding) is repaired for the same reason.
 *
 * Returns: (transfer full): the name to put on the wire
 */
char *
ph_wire_shorten_name (const char *name)
{
  g_autofree char *valid = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  valid = g_utf8_make_valid (name, -1);

  return ph_naming_truncate (valid, PH_WIRE_NAME_SIZE);
}

/**
 * ph_wire_encode_raw:
 * @name: (array length=name_len): name bytes, sent as they are
 * @name_len: length of @name
 * @size: the announced size
 * @header: (out caller-allocates): the 136-byte header
 *
 * Exactly struct.pack('128sq', name, size): the name is NUL-padded or cut
 * at byte 128 whatever it contains. Senders use ph_wire_encode_header();
 * this one exists to reproduce any header byte for byte (tests, fuzzing).
 */
void
ph_wire_encode_raw (const guint8 *name,
                    gsize         name_len,
                    gint64        size,
                    guint8        header[PH_WIRE_HEADER_SIZE])
{
  guint64 le;

  g_return_if_fail (name != NULL || name_len == 0);
  g_return_if_fail (header != NULL);

  memset (header, 0, PH_WIRE_HEADER_SIZE);
  if (name_len > 0)
    memcpy (header, name, MIN (name_len, PH_WIRE_NAME_SIZE));

  /* Two's complement on the way, so a negative size survives the trip. */
  le = GUINT64_TO_LE ((guint64) size);
  memcpy (header + PH_WIRE_NAME_SIZE, &le, sizeof le);
}

void
ph_wire_encode_header (const char *name,
                       gint64      size,
                       guint8      header[PH_WIRE_HEADER_SIZE])
{
  g_autofree char *shortened = NULL;

  g_return_if_fail (name != NULL);
  g_return_if_fail (header != NULL);

  shortened = ph_wire_shorten_name (name);
  ph_wire_encode_raw ((const guint8 *) shortened, strlen (shortened), size, header);
}

/**
 * ph_wire_decode_header:
 * @header: the 136 bytes received
 * @raw_name: (out) (transfer full): the name bytes, NULs stripped at both
 *   ends like the Python receiver does, not validated in any other way
 * @size: (out): the announced size, possibly negative
 */
void
ph_wire_decode_header (const guint8  header[PH_WIRE_HEADER_SIZE],
                       GBytes      **raw_name,
                       gint64       *size)
{
  gsize start = 0;
  gsize end = PH_WIRE_NAME_SIZE;
  guint64 le;

  g_return_if_fail (header != NULL);

  while (start < end && header[start] == '\0')
    start++;
  while (end > start && header[end - 1] == '\0')
    end--;

  if (raw_name != NULL)
    *raw_name = g_bytes_new (header + start, end - start);

  memcpy (&le, header + PH_WIRE_NAME_SIZE, sizeof le);
  if (size != NULL)
    *size = (gint64) GUINT64_FROM_LE (le);
}
