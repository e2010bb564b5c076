/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "posthouse-core.h"

static GBytes *
hex_decode (const char *hex)
{
  gsize len = strlen (hex);
  GByteArray *bytes = g_byte_array_sized_new (len / 2);

  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len; i += 2)
    {
      int hi = g_ascii_xdigit_value (hex[i]);
      int lo = g_ascii_xdigit_value (hex[i + 1]);
      guint8 b;

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      b = hi << 4 | lo;
      g_byte_array_append (bytes, &b, 1);
    }

  return g_byte_array_free_to_bytes (bytes);
}

static char *
hex_encode (const guint8 *data,
            gsize         len)
{
  GString *hex = g_string_sized_new (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);

  return g_string_free (hex, FALSE);
}

static void
assert_header_equal (const guint8 *got,
                     const guint8 *expected)
{
  g_autofree char *got_hex = hex_encode (got, PH_WIRE_HEADER_SIZE);
  g_autofree char *expected_hex = hex_encode (expected, PH_WIRE_HEADER_SIZE);

  g_assert_cmpstr (got_hex, ==, expected_hex);
}

static void
test_wire_vectors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "header-vectors.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint rows = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autoptr(GBytes) name = NULL;
      g_autoptr(GBytes) expected = NULL;
      g_autoptr(GBytes) decoded_name = NULL;
      const guint8 *name_data;
      gsize name_len;
      gint64 size;
      gint64 decoded_size;
      guint8 header[PH_WIRE_HEADER_SIZE];

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;

      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);

      name = hex_decode (fields[0]);
      size = g_ascii_strtoll (fields[1], NULL, 10);
      expected = hex_decode (fields[2]);
      g_assert_cmpuint (g_bytes_get_size (expected), ==, PH_WIRE_HEADER_SIZE);
      name_data = g_bytes_get_data (name, &name_len);

      /* struct.pack() byte for byte, cut included. */
      ph_wire_encode_raw (name_len ? name_data : (const guint8 *) "", name_len, size, header);
      assert_header_equal (header, g_bytes_get_data (expected, NULL));

      /* What a sender produces, when the name needs no shortening. */
      if (name_len <= PH_WIRE_NAME_SIZE &&
          g_utf8_validate ((const char *) name_data, name_len, NULL))
        {
          g_autofree char *str = g_strndup (name_len ? (const char *) name_data : "", name_len);

          ph_wire_encode_header (str, size, header);
          assert_header_equal (header, g_bytes_get_data (expected, NULL));
        }

      ph_wire_decode_header (g_bytes_get_data (expected, NULL), &decoded_name, &decoded_size);
      g_assert_cmpint (decoded_size, ==, size);
      g_assert_cmpmem (g_bytes_get_data (decoded_name, NULL), g_bytes_get_size (decoded_name),
                       name_data, MIN (name_len, PH_WIRE_NAME_SIZE));
      rows++;
    }

  g_assert_cmpuint (rows, >=, 8);
}

static void
test_wire_decode_nuls (void)
{
  guint8 header[PH_WIRE_HEADER_SIZE] = { 0 };
  g_autoptr(GBytes) name = NULL;
  gint64 size = 0;

  /* Leading NULs, an inner NUL and trailing NULs: only the ends go. */
  memcpy (header + 3, "a\0b", 3);
  memset (header + PH_WIRE_NAME_SIZE, 0xff, 8);
  ph_wire_decode_header (header, &name, &size);
  g_assert_cmpmem (g_bytes_get_data (name, NULL), g_bytes_get_size (name), "a\0b", 3);
  g_assert_cmpint (size, ==, -1);
  g_clear_pointer (&name, g_bytes_unref);

  memset (header, 0, PH_WIRE_NAME_SIZE);
  ph_wire_decode_header (header, &name, NULL);
  g_assert_cmpuint (g_bytes_get_size (name), ==, 0);
  g_clear_pointer (&name, g_bytes_unref);

  memset (header, 'z', PH_WIRE_NAME_SIZE);
  ph_wire_decode_header (header, &name, NULL);
  g_assert_cmpuint (g_bytes_get_size (name), ==, PH_WIRE_NAME_SIZE);
}

static char *
find_python (void)
{
  const char *python = g_getenv ("PYTHON");

  if (python != NULL && *python != '\0')
    return g_strdup (python);

  return g_find_program_in_path ("python3");
}

/* Runs @script with @args; returns its stdout, or NULL (test skipped)
 * when there is no python3. */
static char *
run_python (const char         *script,
            const char * const *args)
{
  g_autofree char *python = find_python ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  if (python == NULL)
    {
      g_test_skip ("python3 not found");
      return NULL;
    }

  g_ptr_array_add (argv, python);
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("python3 failed: %s", err);

  return out;
}

static const char pack_script[] =
  "import struct, sys\n"
  "a = sys.argv[1:]\n"
  "for i in range(0, len(a), 2):\n"
  "    print(struct.pack('128sq', bytes.fromhex(a[i]), int(a[i + 1])).hex())\n";

static void
test_wire_python (void)
{
  const char *names[] = {
    "photo.jpg",
    "照片.png",
    "",
    "a name with spaces.tar.gz",
    "emoji 🦆 name",
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bin"), /* 128 bytes */
  };
  const gint64 sizes[] = { 0, 1, -1, 1024, G_GINT64_CONSTANT (5368709120), G_MAXINT64, G_MININT64 };
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint row = 0;

  g_assert_cmpuint (strlen (names[G_N_ELEMENTS (names) - 1]), ==, PH_WIRE_NAME_SIZE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
      {
        g_ptr_array_add (args, hex_encode ((const guint8 *) names[i], strlen (names[i])));
        g_ptr_array_add (args, g_strdup_printf ("%" G_GINT64_FORMAT, sizes[j]));
      }
  g_ptr_array_add (args, NULL);

  out = run_python (pack_script, (const char * const *) args->pdata);
  if (out == NULL)
    return;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
      {
        g_autoptr(GBytes) expected = hex_decode (lines[row++]);
        guint8 header[PH_WIRE_HEADER_SIZE];
        gint64 size;

        g_assert_cmpuint (g_bytes_get_size (expected), ==, PH_WIRE_HEADER_SIZE);
        ph_wire_encode_header (names[i], sizes[j], header);
        assert_header_equal (header, g_bytes_get_data (expected, NULL));

        ph_wire_decode_header (header, NULL, &size);
        g_assert_cmpint (size, ==, sizes[j]);
      }
}

static void
assert_shortened (const char *name,
                  const char *expected_suffix)
{
  g_autofree char *shortened = ph_wire_shorten_name (name);

  g_assert_true (g_utf8_validate (shortened, -1, NULL));
  g_assert_cmpuint (strlen (shortened), <=, PH_WIRE_NAME_SIZE);
  /* Nothing lost that did not have to be. */
  g_assert_cmpuint (strlen (shortened), >, PH_WIRE_NAME_SIZE - 4);
  if (expected_suffix != NULL)
    g_assert_true (g_str_has_suffix (shortened, expected_suffix));
}

static void
test_wire_shorten (void)
{
  g_autoptr(GString) ascii = g_string_new (NULL);
  g_autoptr(GString) cjk = g_string_new (NULL);
  g_autoptr(GString) cjk_ext = NULL;
  g_autoptr(GString) ascii_ext = NULL;
  g_autoptr(GString) cut = g_string_new (NULL);
  g_autoptr(GString) emoji = g_string_new (NULL);
  g_autofree char *shortened = NULL;
  g_autofree char *short_name = NULL;

  for (guint i = 0; i < 300; i++)
    g_string_append_c (ascii, 'a');
  for (guint i = 0; i < 100; i++)
    g_string_append (cjk, "照");
  for (guint i = 0; i < 40; i++)
    g_string_append (emoji, "🦆");
  cjk_ext = g_string_new (cjk->str);
  g_string_append (cjk_ext, ".jpeg");
  ascii_ext = g_string_new (ascii->str);
  g_string_append (ascii_ext, ".tar.gz");
  for (guint i = 0; i < 127; i++)
    g_string_append_c (cut, 'x');
  g_string_append (cut, "é");

  assert_shortened (ascii->str, NULL);
  assert_shortened (cjk->str, NULL);
  assert_shortened (emoji->str, NULL);
  assert_shortened (cjk_ext->str, ".jpeg");
  assert_shortened (ascii_ext->str, ".tar.gz");

  /* 300 a's cut exactly at 128; 3-byte characters at 126. */
  shortened = ph_wire_shorten_name (ascii->str);
  g_assert_cmpuint (strlen (shortened), ==, 128);
  g_clear_pointer (&shortened, g_free);
  shortened = ph_wire_shorten_name (cjk->str);
  g_assert_cmpuint (strlen (shortened), ==, 126);
  g_clear_pointer (&shortened, g_free);

  /* 'é' straddles byte 128: it goes, all the x's stay. */
  shortened = ph_wire_shorten_name (cut->str);
  g_assert_cmpuint (strlen (shortened), ==, 127);
  g_assert_true (g_str_has_prefix (cut->str, shortened));
  g_clear_pointer (&shortened, g_free);

  /* An extension too long to be one is cut like the rest. */
  g_string_append (ascii, ".thisisnotreallyanextension");
  shortened = ph_wire_shorten_name (ascii->str);
  g_assert_cmpuint (strlen (shortened), ==, 128);
  g_assert_false (g_str_has_suffix (shortened, "extension"));
  g_clear_pointer (&shortened, g_free);

  /* Short names go out as they are; invalid UTF-8 is repaired. */
  short_name = ph_wire_shorten_name ("照片.png");
  g_assert_cmpstr (short_name, ==, "照片.png");
  shortened = ph_wire_shorten_name ("caf\xe9.txt");
  g_assert_true (g_utf8_validate (shortened, -1, NULL));
  g_assert_true (g_str_has_suffix (shortened, ".txt"));
}

static const char decode_script[] =
  "import sys\n"
  "for a in sys.argv[1:]:\n"
  "    h = bytes.fromhex(a)\n"
  "    assert len(h) == 136\n"
  "    print(h[:128].strip(b'\\x00').decode('utf-8'))\n";

/* The Python receiver strips NULs and decodes strictly: it must never
 * choke on what we send. */
static void
test_wire_shorten_python (void)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint width = 1; width <= 4; width++)
    for (guint offset = 0; offset < 4; offset++)
      {
        const char *ch[] = { "a", "é", "照", "🦆" };
        GString *name = g_string_new (NULL);

        for (guint i = 0; i < offset; i++)
          g_string_append_c (name, 'x');
        while (name->len < 200)
          g_string_append (name, ch[width - 1]);
        if (offset % 2)
          g_string_append (name, ".jpg");
        g_ptr_array_add (names, g_string_free (name, FALSE));
      }

  for (guint i = 0; i < names->len; i++)
    {
      guint8 header[PH_WIRE_HEADER_SIZE];

      ph_wire_encode_header (names->pdata[i], 42, header);
      g_ptr_array_add (args, hex_encode (header, sizeof header));
    }
  g_ptr_array_add (args, NULL);

  out = run_python (decode_script, (const char * const *) args->pdata);
  if (out == NULL)
    return;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *shortened = ph_wire_shorten_name (names->pdata[i]);

      g_assert_cmpstr (lines[i], ==, shortened);
      if (i % 2)
        g_assert_true (g_str_has_suffix (lines[i], ".jpg"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/wire/vectors", test_wire_vectors);
  g_test_add_func ("/posthouse/wire/decode-nuls", test_wire_decode_nuls);
  g_test_add_func ("/posthouse/wire/python", test_wire_python);
  g_test_add_func ("/posthouse/wire/shorten", test_wire_shorten);
  g_test_add_func ("/posthouse/wire/shorten-python", test_wire_shorten_python);

  return g_test_run ();
}
