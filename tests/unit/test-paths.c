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

static void
test_sending_side (void)
{
  g_autoptr(GFile) top = g_file_new_for_path ("/home/me/Pictures/Holiday");
  g_autoptr(GFile) deep = g_file_new_for_path ("/home/me/Pictures/Holiday/Day 1/beach.jpg");
  g_autoptr(GFile) direct = g_file_new_for_path ("/home/me/Pictures/Holiday/map.png");
  g_autoptr(GFile) elsewhere = g_file_new_for_path ("/home/me/notes.txt");
  g_autoptr(GFile) odd = g_file_new_for_path ("/home/me/Pictures/Holiday/caf\xe9.txt");
  g_autofree char *long_name = g_strnfill (130, 'x');
  g_autoptr(GFile) too_long = g_file_get_child (top, long_name);
  g_autofree char *a = ph_naming_relative_path (top, deep);
  g_autofree char *b = ph_naming_relative_path (top, direct);
  g_autofree char *c = ph_naming_relative_path (top, elsewhere);
  g_autofree char *d = ph_naming_relative_path (top, odd);
  g_autofree char *e = ph_naming_relative_path (top, too_long);
  g_autoptr(PhTransfer) with_path = ph_transfer_new_outgoing_path (deep, "127.0.0.1", a);
  g_autoptr(PhTransfer) without = ph_transfer_new_outgoing_path (deep, "127.0.0.1", NULL);

  g_assert_cmpstr (a, ==, "Holiday/Day 1/beach.jpg");
  g_assert_cmpstr (b, ==, "Holiday/map.png");
  g_assert_null (c);
  g_assert_cmpstr (d, ==, "Holiday/caf\xef\xbf\xbd.txt");
  /* Too long for the header: the caller sends the base name. */
  g_assert_null (e);

  /* What the sender puts in the header. */
  g_assert_cmpstr (ph_transfer_get_name (with_path), ==, "Holiday/Day 1/beach.jpg");
  g_assert_cmpstr (ph_transfer_get_name (without), ==, "beach.jpg");

  g_assert_true (ph_naming_path_is_valid ("a/b.txt"));
  g_assert_true (ph_naming_path_is_valid ("b.txt"));
  g_assert_false (ph_naming_path_is_valid (NULL));
  g_assert_false (ph_naming_path_is_valid (""));
  g_assert_false (ph_naming_path_is_valid ("/a"));
  g_assert_false (ph_naming_path_is_valid ("a//b"));
  g_assert_false (ph_naming_path_is_valid ("a/../b"));
  g_assert_false (ph_naming_path_is_valid ("./b"));
  g_assert_false (ph_naming_path_is_valid ("a/"));
  g_assert_false (ph_naming_path_is_valid ("bad\xff"));
  g_assert_false (ph_naming_path_is_valid (long_name));
  g_assert_false (ph_naming_path_is_valid ("."));
  g_assert_false (ph_naming_path_is_valid (".."));
  g_assert_false (ph_naming_path_is_valid ("a/."));
  g_assert_false (ph_naming_path_is_valid ("a/.."));
  g_assert_false (ph_naming_path_is_valid ("/"));
  g_assert_true (ph_naming_path_is_valid (".b/..c/...d/e."));
}

/* The same path from the parts a walk knows: the folder's base name
 * and the path below it. */
static void
test_folder_path (void)
{
  g_autofree char *long_name = g_strnfill (130, 'x');
  g_autofree char *a = ph_naming_folder_path ("Holiday", "Day 1/beach.jpg");
  g_autofree char *b = ph_naming_folder_path ("Holiday", "caf\xe9.txt");
  g_autofree char *c = ph_naming_folder_path ("Holiday", long_name);
  g_autofree char *d = ph_naming_folder_path ("Holiday", NULL);
  g_autofree char *e = ph_naming_folder_path ("/", "etc/hostname");
  g_autofree char *f = ph_naming_folder_path (NULL, "a.txt");

  g_assert_cmpstr (a, ==, "Holiday/Day 1/beach.jpg");
  g_assert_cmpstr (b, ==, "Holiday/caf\xef\xbf\xbd.txt");
  g_assert_null (c);
  g_assert_null (d);
  g_assert_null (e);
  g_assert_null (f);

  /* Separators at the ends are trimmed, as g_build_path() does; a
   * path that ends in one is still no file's. */
  {
    g_autofree char *g = ph_naming_folder_path ("Holiday", "/map.png");
    g_autofree char *h = ph_naming_folder_path ("", "map.png");
    g_autofree char *i = ph_naming_folder_path ("Holiday", "Day 1/");

    g_assert_cmpstr (g, ==, "Holiday/map.png");
    g_assert_cmpstr (h, ==, "map.png");
    g_assert_null (i);
  }
}

/* A batch sends a folder's files under their paths, and a retry keeps
 * them (the app's Retry Failed). */
static void
test_batch_keeps_paths (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nowhere/Holiday/Day 1/beach.jpg");
  g_autoptr(GFile) flat = g_file_new_for_path ("/nowhere/map.png");
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_SEND, "127.0.0.1:9", "Holiday");
  g_autoptr(GListModel) again = NULL;
  PhTransfer *with_path, *without;

  with_path = ph_batch_add_file_path (batch, file, "Holiday/Day 1/beach.jpg", 42);
  without = ph_batch_add_file_path (batch, flat, NULL, -1);
  g_assert_cmpstr (ph_transfer_get_name (with_path), ==, "Holiday/Day 1/beach.jpg");
  g_assert_cmpstr (ph_transfer_get_name (without), ==, "map.png");
  g_assert_cmpint (ph_transfer_get_size (with_path), ==, 42);
  g_assert_cmpint (ph_batch_get_total_size (batch), ==, 42);

  /* Cancelled while queued, then retried: the same names on the wire. */
  ph_batch_cancel (batch);
  g_assert_cmpint (ph_transfer_get_state (with_path), ==, PH_TRANSFER_CANCELLED);
  again = ph_batch_retry_failed (batch);
  g_assert_cmpuint (g_list_model_get_n_items (again), ==, 2);
  {
    g_autoptr(PhTransfer) first = g_list_model_get_item (again, 0);
    g_autoptr(PhTransfer) second = g_list_model_get_item (again, 1);

    g_assert_true (first != with_path);
    g_assert_cmpint (ph_transfer_get_state (first), ==, PH_TRANSFER_QUEUED);
    g_assert_cmpstr (ph_transfer_get_name (first), ==, "Holiday/Day 1/beach.jpg");
    g_assert_cmpstr (ph_transfer_get_name (second), ==, "map.png");
  }
  ph_batch_cancel (batch);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/naming/path/components", test_paths);
  g_test_add_func ("/posthouse/naming/path/wire-quirks", test_wire_quirks);
  g_test_add_func ("/posthouse/naming/path/flat-agrees", test_flat_agrees);
  g_test_add_func ("/posthouse/naming/path/sending-side", test_sending_side);
  g_test_add_func ("/posthouse/naming/path/folder-path", test_folder_path);
  g_test_add_func ("/posthouse/naming/path/batch", test_batch_keeps_paths);

  return g_test_run ();
}
