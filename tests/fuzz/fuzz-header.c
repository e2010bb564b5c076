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
   * they would garble listings or disguise an extension. Nothing drawn
   * as nothing either (but joiners, variation selectors and a flag's
   * tags, kept where they mean something), no space but ' ' (or an
   * ideographic one), never two in a row nor at either end. */
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (g_unichar_iscntrl (c));
      g_assert_false (c == 0x2028 || c == 0x2029);
      g_assert_false (c >= 0x202A && c <= 0x202E);
      g_assert_false (c >= 0x2066 && c <= 0x2069);
      g_assert_false (c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x115F || c == 0x1160 ||
                      c == 0x3164 || c == 0xFEFF || c == 0xFFA0 || c == 0x2800);
      g_assert_false ((c >= 0x200B && c <= 0x200F && c != 0x200C && c != 0x200D) ||
                      (c >= 0x2060 && c <= 0x2065) || (c >= 0x180B && c <= 0x180F) ||
                      (c >= 0xE0000 && c <= 0xE001F) || (c >= 0xE0080 && c <= 0xE00FF));
      g_assert_true (c == ' ' || c == 0x3000 || g_unichar_type (c) != G_UNICODE_SPACE_SEPARATOR);
    }
  g_assert_null (strstr (name, "  "));
  g_assert_true (name[0] != ' ' && name[strlen (name) - 1] != ' ');

  /* One way of writing it: NFC. */
  {
    g_autofree char *nfc = g_utf8_normalize (name, -1, G_NORMALIZE_DEFAULT_COMPOSE);

    g_assert_cmpstr (nfc, ==, name);
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
