/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ph_naming_sanitize_path(): what a receiver that accepts folder paths
 * makes of the name field; the receiving end is the hostile suite's. */
#include "config.h"

#include <string.h>

#include "posthouse-core.h"

static char *
sanitize (const char *raw,
          gsize       len)
{
  return ph_naming_sanitize_path ((const guint8 *) raw, len);
}

static void
test_paths (void)
{
  static const struct { const char *raw; const char *clean; } cases[] = {
    { "Holiday/Day 1/beach.jpg", "Holiday/Day 1/beach.jpg" },
    { "beach.jpg", "beach.jpg" },
    { "../../../x", "x" },
    { "a/../../b/./c", "a/b/c" },
    { "C:\\Users\\me\\file.txt", "C:/Users/me/file.txt" },
    { "////", "received-file" },
    { "", "received-file" },
    { "only/folders/", "only/folders/received-file" },
    { ".hidden/.file", "hidden/file" },
    { "  /a /  b  /c ", "a/b/c" },
    { "a/b/c/d/e/f/g/h/i/j/k.txt", "a/b/c/d/e/f/g/h/k.txt" },
    /* Dropped components do not count towards the eight. */
    { "a/../b/./c//d/e/f/g/h/i/k.txt", "a/b/c/d/e/f/g/h/k.txt" },
    { "tab\there/new\nline", "tab_here/new_line" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = sanitize (cases[i].raw, strlen (cases[i].raw));

      g_test_message ("case %u", i);
      g_assert_cmpstr (clean, ==, cases[i].clean);
    }
}

static void
test_wire_quirks (void)
{
  /* NUL padding around it, as struct.pack leaves it. */
  const char padded[] = "\0\0dir/name.txt\0\0\0";
  /* Cut inside the last character at byte 128: the tail is dropped. */
  const char cut[] = "dir/caf\xc3";
  /* A NUL in the middle is not a separator: it is replaced. */
  const char inner[] = "di\0r/x";
  g_autofree char *a = sanitize (padded, sizeof padded - 1);
  g_autofree char *b = sanitize (cut, sizeof cut - 1);
  g_autofree char *c = sanitize (inner, sizeof inner - 1);
  g_autofree char *d = sanitize (NULL, 0);

  g_assert_cmpstr (a, ==, "dir/name.txt");
  g_assert_cmpstr (b, ==, "dir/caf");
  g_assert_cmpstr (c, ==, "di_r/x");
  g_assert_cmpstr (d, ==, "received-file");
}

static void
test_flat_agrees (void)
{
  /* Without paths the receiver keeps the last component: the same
   * name as the last component of the path. */
  static const char *raws[] = {
    "Holiday/Day 1/beach.jpg", "../x", "a\\b\\c", "dir/", ".bashrc", "x/\xff\xfe",
  };

  for (guint i = 0; i < G_N_ELEMENTS (raws); i++)
    {
      g_autofree char *flat = ph_naming_sanitize ((const guint8 *) raws[i], strlen (raws[i]));
      g_autofree char *path = sanitize (raws[i], strlen (raws[i]));
      const char *last = strrchr (path, '/');

      g_assert_cmpstr (flat, ==, last ? last + 1 : path);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/naming/path/components", test_paths);
  g_test_add_func ("/posthouse/naming/path/wire-quirks", test_wire_quirks);
  g_test_add_func ("/posthouse/naming/path/flat-agrees", test_flat_agrees);

  return g_test_run ();
}
