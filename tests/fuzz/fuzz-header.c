/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: whatever a peer puts in the 136-byte header, the
 * name the receiver derives from it is safe to create in the folder,
 * and so is every component of the path a receiver that accepts folder
 * paths derives from it. */

#include <limits.h>
#include <string.h>

#include "ph-naming.h"
#include "ph-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_safe_name (const char *name,
                 gsize       max_bytes)
{
  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpuint (strlen (name), >, 0);
  g_assert_cmpuint (strlen (name), <=, NAME_MAX);
  if (max_bytes)
    g_assert_cmpuint (strlen (name), <=, max_bytes);
  g_assert_cmpstr (name, !=, ".");
  g_assert_cmpstr (name, !=, "..");
  g_assert_true (name[0] != '.');
  g_assert_null (strchr (name, '/'));
  g_assert_null (strchr (name, '\\'));

  /* No control characters, line separators or bidirectional overrides:
   * they would garble listings or disguise an extension. */
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (g_unichar_iscntrl (c));
      g_assert_false (c == 0x2028 || c == 0x2029);
      g_assert_false (c >= 0x202A && c <= 0x202E);
      g_assert_false (c >= 0x2066 && c <= 0x2069);
    }
}

/* "Folder/Sub/name": safe components, at most eight folders, and the
 * same file name as without paths. */
static void
check_safe_path (const char *path,
                 const char *flat)
{
  g_auto(GStrv) components = NULL;
  guint n;

  g_assert_nonnull (path);
  g_assert_true (g_utf8_validate (path, -1, NULL));
  g_assert_true (path[0] != '/');
  components = g_strsplit (path, "/", -1);
  n = g_strv_length (components);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, PH_NAMING_MAX_FOLDERS + 1);
  for (guint i = 0; i < n; i++)
    check_safe_name (components[i], PH_NAMING_MAX_BYTES);
  g_assert_cmpstr (components[n - 1], ==, flat);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  guint8 header[PH_WIRE_HEADER_SIZE] = { 0 };
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *whole_path = NULL;
  gint64 announced = 0;
  guint n;

  /* The header exactly as a peer would send it. */
  memcpy (header, data, MIN (size, sizeof header));
  ph_wire_decode_header (header, &raw, &announced);
  g_assert_nonnull (raw);
  g_assert_cmpuint (g_bytes_get_size (raw), <=, PH_WIRE_NAME_SIZE);
  name = ph_naming_sanitize (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  check_safe_name (name, PH_NAMING_MAX_BYTES);
  path = ph_naming_sanitize_path (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  check_safe_path (path, name);

  /* Numbered variants of a safe name are safe too, and differ from it. */
  n = size > 0 ? 2 + data[size - 1] % 200 : 2;
  {
    g_autofree char *variant = ph_naming_variant (name, n);
    check_safe_name (variant, 0);
    g_assert_cmpstr (variant, !=, name);
  }

  /* The raw bytes of any length (longer than a header too). */
  whole = ph_naming_sanitize (data, size);
  check_safe_name (whole, PH_NAMING_MAX_BYTES);
  whole_path = ph_naming_sanitize_path (data, size);
  check_safe_path (whole_path, whole);

  /* Sending side: any valid UTF-8 name is shortened at a character
   * boundary and survives an encode/decode round trip unchanged. */
  if (size > 0 && g_utf8_validate ((const char *) data, size, NULL) &&
      memchr (data, '\0', size) == NULL)
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autofree char *shortened = ph_wire_shorten_name (text);
      g_autoptr(GBytes) back = NULL;
      gint64 back_size = 0;
      gsize back_len;
      const guint8 *back_data;

      g_assert_true (g_utf8_validate (shortened, -1, NULL));
      g_assert_cmpuint (strlen (shortened), <=, PH_WIRE_NAME_SIZE);
      if (size <= PH_WIRE_NAME_SIZE)
        g_assert_cmpstr (shortened, ==, text);

      ph_wire_encode_header (shortened, announced, header);
      ph_wire_decode_header (header, &back, &back_size);
      g_assert_cmpint (back_size, ==, announced);
      back_data = g_bytes_get_data (back, &back_len);
      /* decode may keep the NUL padding or strip it: compare the text part */
      while (back_len > 0 && back_data[back_len - 1] == '\0')
        back_len--;
      g_assert_cmpmem (back_data, back_len, shortened, strlen (shortened));
    }

  return 0;
}
