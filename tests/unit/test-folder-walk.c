/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhFolderWalk: every file of a folder whatever its depth, in the order
 * of their paths, and what cannot be sent named with the reason. */
#include "config.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "posthouse-core.h"
#include "ph-test-util.h"

#define DEPTH 40

static void
write_file (const char *path,
            gsize       size)
{
  g_autofree char *data = g_malloc0 (size + 1);
  g_autoptr(GError) error = NULL;

  memset (data, 'x', size);
  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
}

static PhFolderWalk *
walk_one (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  PhFolderWalk *walk = ph_folder_walk_new ();

  ph_folder_walk_add (walk, file, "top");
  g_assert_true (ph_folder_walk_run (walk, NULL, &error));
  g_assert_no_error (error);

  return walk;
}

/* A tree 40 levels deep, three files per level: all 120, in order. */
static void
test_deep (void)
{
  g_autofree char *root = ph_test_make_tmp_dir ("posthouse-walk-XXXXXX");
  g_autofree char *top = g_build_filename (root, "Deep", NULL);
  g_autoptr(GString) dir = g_string_new (top);
  g_autoptr(PhFolderWalk) walk = NULL;
  g_autofree char *first_label = NULL;
  g_autofree char *last_label = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *deepest_path = NULL;
  g_auto(GStrv) empty = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n;

  for (guint level = 0; level < DEPTH; level++)
    {
      g_assert_cmpint (g_mkdir_with_parents (dir->str, 0700), ==, 0);
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("f%02u-%u.txt", level, i);
          g_autofree char *path = g_build_filename (dir->str, name, NULL);

          write_file (path, level * 10 + i);
        }
      g_string_append_printf (dir, "/d%02u", level);
    }

  walk = walk_one (top);
  n = ph_folder_walk_get_n_files (walk);
  g_assert_cmpuint (n, ==, DEPTH * 3);
  g_assert_cmpuint (ph_folder_walk_get_n_folders (walk), ==, 1);
  empty = ph_folder_walk_dup_empty_folders (walk);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_file_get_path (ph_folder_walk_get_file (walk, i));
      g_autofree char *base = g_path_get_basename (path);
      guint level = (guint) g_ascii_strtoull (base + 1, NULL, 10);

      g_assert_null (ph_folder_walk_get_problem (walk, i));
      g_assert_true (ph_folder_walk_get_in_folder (walk, i));
      g_assert_cmpint (ph_folder_walk_get_size (walk, i), ==, level * 10 + (base[4] - '0'));
      g_assert_true (g_hash_table_add (seen, g_steal_pointer (&path)));
      if (i > 0)
        {
          g_autofree char *before = g_file_get_path (ph_folder_walk_get_file (walk, i - 1));
          g_autofree char *now = g_file_get_path (ph_folder_walk_get_file (walk, i));

          g_assert_cmpint (strcmp (before, now), <, 0);
        }
    }

  /* Labels name the file below what was given; the path for a receiver
   * that keeps folders starts at the folder's own name, and one too
   * long for the header is left to the base name. */
  {
    g_autoptr(GString) deepest = g_string_new ("top");

    for (guint level = 0; level + 1 < DEPTH; level++)
      g_string_append_printf (deepest, "/d%02u", level);
    g_string_append_printf (deepest, "/f%02u-0.txt", DEPTH - 1);
    first_label = ph_folder_walk_dup_label (walk, 0);
    g_assert_cmpstr (first_label, ==, deepest->str);
  }
  last_label = ph_folder_walk_dup_label (walk, n - 1);
  g_assert_cmpstr (last_label, ==, "top/f00-2.txt");
  /* Where each file was, for a receiver that flattens them. */
  {
    g_autoptr(GString) deepest = g_string_new ("Deep");
    g_autofree char *folder = NULL;
    g_autofree char *top_folder = ph_folder_walk_dup_folder (walk, n - 1);

    for (guint level = 0; level + 1 < DEPTH; level++)
      g_string_append_printf (deepest, "/d%02u", level);
    folder = ph_folder_walk_dup_folder (walk, 0);
    g_assert_cmpstr (folder, ==, deepest->str);
    g_assert_cmpstr (top_folder, ==, "Deep");
  }
  first_path = ph_folder_walk_dup_path (walk, n - 1);
  g_assert_cmpstr (first_path, ==, "Deep/f00-2.txt");
  deepest_path = ph_folder_walk_dup_path (walk, 0);
  g_assert_null (deepest_path);

  ph_test_rm_rf (root);
}

/* What cannot be sent is listed with the reason, not skipped. */
static void
test_not_sendable (void)
{
  g_autofree char *root = ph_test_make_tmp_dir ("posthouse-walk-XXXXXX");
  g_autofree char *top = g_build_filename (root, "Mixed", NULL);
  g_autofree char *sub = g_build_filename (top, "sub", NULL);
  g_autofree char *file = g_build_filename (top, "a.txt", NULL);
  g_autofree char *link = g_build_filename (top, "link", NULL);
  g_autofree char *fifo = g_build_filename (sub, "pipe", NULL);
  g_autofree char *loop = g_build_filename (sub, "up", NULL);
  g_autoptr(PhFolderWalk) walk = NULL;
  const char *expected[] = { "top/a.txt", "top/link", "top/sub/pipe", "top/sub/up" };

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  write_file (file, 5);
  g_assert_cmpint (symlink ("/etc/hostname", link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  /* A link to its own parent: not followed, so no loop. */
  g_assert_cmpint (symlink ("..", loop), ==, 0);

  walk = walk_one (top);
  g_assert_cmpuint (ph_folder_walk_get_n_files (walk), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *label = ph_folder_walk_dup_label (walk, i);

      g_assert_cmpstr (label, ==, expected[i]);
    }
  g_assert_null (ph_folder_walk_get_problem (walk, 0));
  g_assert_error ((GError *) ph_folder_walk_get_problem (walk, 1), PH_ERROR, PH_ERROR_NOT_REGULAR);
  g_assert_nonnull (strstr (ph_folder_walk_get_problem (walk, 1)->message, "symbolic link"));
  g_assert_error ((GError *) ph_folder_walk_get_problem (walk, 2), PH_ERROR, PH_ERROR_NOT_REGULAR);
  g_assert_nonnull (strstr (ph_folder_walk_get_problem (walk, 2)->message, "not a regular file"));
  g_assert_error ((GError *) ph_folder_walk_get_problem (walk, 3), PH_ERROR, PH_ERROR_NOT_REGULAR);

  /* A folder that cannot be read is named too (root reads anything). */
  if (geteuid () != 0)
    {
      g_autoptr(PhFolderWalk) again = NULL;

      g_assert_cmpint (g_chmod (sub, 0), ==, 0);
      again = walk_one (top);
      g_assert_cmpuint (ph_folder_walk_get_n_files (again), ==, 3);
      g_assert_nonnull (strstr (ph_folder_walk_get_problem (again, 2)->message, "could not be read"));
      g_chmod (sub, 0700);
    }
  else
    g_test_message ("running as root: an unreadable folder cannot be made");

  ph_test_rm_rf (root);
}

/* Files given themselves, folders with nothing inside, and the title. */
static void
test_given (void)
{
  g_autofree char *root = ph_test_make_tmp_dir ("posthouse-walk-XXXXXX");
  g_autofree char *empty_dir = g_build_filename (root, "Nothing", NULL);
  g_autofree char *file = g_build_filename (root, "letter.txt", NULL);
  g_autofree char *missing = g_build_filename (root, "missing.txt", NULL);
  g_autoptr(GFile) empty_file = g_file_new_for_path (empty_dir);
  g_autoptr(GFile) letter = g_file_new_for_path (file);
  g_autoptr(GFile) gone = g_file_new_for_path (missing);
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();
  g_autoptr(PhFolderWalk) one = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) empty = NULL;
  g_autofree char *title = NULL;

  g_assert_cmpint (g_mkdir (empty_dir, 0700), ==, 0);
  write_file (file, 42);

  ph_folder_walk_add (walk, letter, NULL);
  ph_folder_walk_add (walk, empty_file, "Nothing");
  ph_folder_walk_add (walk, gone, "missing.txt");
  g_assert_true (ph_folder_walk_run (walk, NULL, &error));
  g_assert_no_error (error);

  /* A missing file goes to the engine, which says what is wrong. */
  g_assert_cmpuint (ph_folder_walk_get_n_files (walk), ==, 2);
  g_assert_cmpint (ph_folder_walk_get_size (walk, 0), ==, 42);
  g_assert_false (ph_folder_walk_get_in_folder (walk, 0));
  g_assert_null (ph_folder_walk_dup_path (walk, 0));
  g_assert_cmpint (ph_folder_walk_get_size (walk, 1), ==, -1);
  g_assert_null (ph_folder_walk_get_problem (walk, 1));
  empty = ph_folder_walk_dup_empty_folders (walk);
  g_assert_cmpuint (g_strv_length (empty), ==, 1);
  g_assert_cmpstr (empty[0], ==, "Nothing");
  g_assert_null (ph_folder_walk_dup_folder_name (walk));

  one = walk_one (empty_dir);
  title = ph_folder_walk_dup_folder_name (one);
  g_assert_cmpstr (title, ==, "Nothing");

  ph_test_rm_rf (root);
}

/* A folder mounted inside itself is read once, not forever (root
 * only: a bind mount). */
static void
test_bind_mount (void)
{
  g_autofree char *root = ph_test_make_tmp_dir ("posthouse-walk-XXXXXX");
  g_autofree char *top = g_build_filename (root, "Top", NULL);
  g_autofree char *loop = g_build_filename (top, "inner", "loop", NULL);
  g_autofree char *file = g_build_filename (top, "a.txt", NULL);
  g_autoptr(PhFolderWalk) walk = NULL;

  g_assert_cmpint (g_mkdir_with_parents (loop, 0700), ==, 0);
  write_file (file, 3);
  if (mount (top, loop, "none", MS_BIND, NULL) != 0)
    {
      g_test_skip_printf ("cannot bind-mount (%s): needs root", g_strerror (errno));
      ph_test_rm_rf (root);
      return;
    }

  walk = walk_one (top);
  g_assert_cmpuint (ph_folder_walk_get_n_files (walk), ==, 1);
  g_assert_cmpint (ph_folder_walk_get_size (walk, 0), ==, 3);

  g_assert_cmpint (umount2 (loop, MNT_DETACH), ==, 0);
  ph_test_rm_rf (root);
}

static void
test_cancelled (void)
{
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GFile) file = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(GError) error = NULL;

  ph_folder_walk_add (walk, file, NULL);
  g_cancellable_cancel (cancellable);
  g_assert_false (ph_folder_walk_run (walk, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/folder-walk/deep", test_deep);
  g_test_add_func ("/posthouse/folder-walk/not-sendable", test_not_sendable);
  g_test_add_func ("/posthouse/folder-walk/given", test_given);
  g_test_add_func ("/posthouse/folder-walk/bind-mount", test_bind_mount);
  g_test_add_func ("/posthouse/folder-walk/cancelled", test_cancelled);

  return g_test_run ();
}
