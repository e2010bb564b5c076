/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "posthouse-core.h"
#include "ph-commit.h"

#define D PH_NAMING_DEFAULT_NAME

/* What every sanitised name must be, whatever came in. */
static void
assert_safe_name (const char *name)
{
  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpuint (strlen (name), >, 0);
  g_assert_cmpuint (strlen (name), <=, PH_NAMING_MAX_BYTES);
  g_assert_null (strchr (name, '/'));
  g_assert_null (strchr (name, '\\'));
  g_assert_cmpint (name[0], !=, '.');
  g_assert_cmpstr (name, !=, ".");
  g_assert_cmpstr (name, !=, "..");
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (c < 0x20 || (c >= 0x7F && c <= 0x9F));
    }
}

static void
check (const char *raw,
       gsize       len,
       const char *expected)
{
  g_autofree char *name = ph_naming_sanitize ((const guint8 *) raw, len);

  assert_safe_name (name);
  g_assert_cmpstr (name, ==, expected);
}

#define CHECK(literal, expected) check (literal, sizeof (literal) - 1, expected)

static void
test_naming_paths (void)
{
  CHECK ("photo.jpg", "photo.jpg");
  CHECK ("../../x", "x");
  CHECK ("../../../../etc/passwd", "passwd");
  CHECK ("/etc/passwd", "passwd");
  CHECK ("..\\..\\x", "x");
  CHECK ("C:\\Windows\\system.ini", "system.ini");
  CHECK ("dir/sub/", D);
  CHECK ("/../..", D);
  CHECK ("a/.hidden", "hidden");
  /* An overlong '/' is invalid UTF-8, never a separator. */
  CHECK ("a\xc0\xafx", "a\xef\xbf\xbd\xef\xbf\xbdx");
}

static void
test_naming_empty (void)
{
  char nuls[PH_WIRE_NAME_SIZE] = { 0 };

  CHECK ("", D);
  CHECK (".", D);
  CHECK ("..", D);
  CHECK ("...", D);
  CHECK ("   ", D);
  check (nuls, sizeof nuls, D);
  check (NULL, 0, D);
}

static void
test_naming_nuls (void)
{
  CHECK ("\0\0\0photo.jpg", "photo.jpg");
  CHECK ("photo.jpg\0\0\0", "photo.jpg");
  CHECK ("\0photo.jpg\0", "photo.jpg");
  /* Only the ends are stripped; an inner NUL is a control character. */
  CHECK ("a\0b", "a_b");
}

static void
test_naming_utf8 (void)
{
  CHECK ("照片.png", "照片.png");
  CHECK ("caf\xe9.txt", "caf\xef\xbf\xbd.txt");
  CHECK ("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd");
  /* A surrogate encoded in UTF-8 is invalid for Python too. */
  CHECK ("a\xed\xa0\x80", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  /* A cut character in the middle is invalid, not a cut name. */
  CHECK ("a\xe7\x85z", "a\xef\xbf\xbd\xef\xbf\xbdz");
}

static void
test_naming_cut (void)
{
  char raw[PH_WIRE_NAME_SIZE];
  g_autofree char *xs = g_strnfill (127, 'x');
  g_autofree char *name = NULL;

  /* struct.pack() cut 'é' (c3 a9) after its first byte. */
  memset (raw, 'x', sizeof raw);
  raw[127] = '\xc3';
  check (raw, sizeof raw, xs);

  /* '照' (e7 85 a7) cut after two bytes. */
  xs[126] = '\0';
  raw[126] = '\xe7';
  raw[127] = '\x85';
  check (raw, sizeof raw, xs);

  /* A 4-byte character cut after three bytes. */
  xs[125] = '\0';
  memcpy (raw + 125, "\xf0\x9f\xa6", 3);
  check (raw, sizeof raw, xs);

  /* A full 128-byte name without any NUL stays whole. */
  memset (raw, 'a', sizeof raw);
  memcpy (raw + 124, ".bin", 4);
  name = ph_naming_sanitize ((const guint8 *) raw, sizeof raw);
  assert_safe_name (name);
  g_assert_cmpuint (strlen (name), ==, 128);
  g_assert_cmpmem (name, 128, raw, 128);
}

static void
test_naming_control (void)
{
  CHECK ("a\nb\tc\x1b[31m.txt", "a_b_c_[31m.txt");
  CHECK ("bell\a\r.txt", "bell__.txt");
  CHECK ("del\x7f.txt", "del_.txt");
  CHECK ("nel\xc2\x85.txt", "nel_.txt");
  CHECK ("csi\xc2\x9b.txt", "csi_.txt");
  /* Bidirectional override disguising an extension. */
  CHECK ("photo\xe2\x80\xaegpj.exe", "photo_gpj.exe");
  CHECK ("line\xe2\x80\xa8sep", "line_sep");
}

static void
test_naming_hidden (void)
{
  CHECK (".bashrc", "bashrc");
  CHECK ("..bashrc", "bashrc");
  CHECK ("...x", "x");
  CHECK (". x", "x");
  CHECK ("  .profile", "profile");
  CHECK ("\0\0.ssh", "ssh");
  CHECK ("x/../.y", "y");
  CHECK ("  spaced  ", "spaced");
  CHECK ("keep.dots.inside.", "keep.dots.inside.");
}

static void
test_naming_long (void)
{
  guint8 raw[PH_WIRE_NAME_SIZE];
  g_autofree char *name = NULL;
  g_autofree char *truncated = NULL;
  g_autoptr(GString) longer = g_string_new (NULL);

  /* 128 invalid bytes become 384 bytes of U+FFFD: cut to fit. */
  memset (raw, 0xff, sizeof raw);
  name = ph_naming_sanitize (raw, sizeof raw);
  assert_safe_name (name);
  g_assert_cmpuint (strlen (name), ==, PH_NAMING_MAX_BYTES / 3 * 3);
  g_clear_pointer (&name, g_free);

  memset (raw, 0xff, sizeof raw);
  memcpy (raw + 124, ".jpg", 4);
  name = ph_naming_sanitize (raw, sizeof raw);
  assert_safe_name (name);
  g_assert_true (g_str_has_suffix (name, ".jpg"));

  for (guint i = 0; i < 100; i++)
    g_string_append (longer, "照");
  g_string_append (longer, ".tar.gz");
  truncated = ph_naming_truncate (longer->str, 100);
  g_assert_true (g_utf8_validate (truncated, -1, NULL));
  g_assert_cmpuint (strlen (truncated), <=, 100);
  g_assert_true (g_str_has_suffix (truncated, "照.tar.gz"));
}

/* Whatever bytes arrive, the result is a safe name. */
static void
test_naming_random (void)
{
  static const guint8 alphabet[] = { 0, '.', '/', '\\', ' ', 'a', '\n', 0x7f,
                                     0xc2, 0x85, 0xc3, 0xa9, 0xe7, 0xf0, 0x9f, 0xff };

  for (guint round = 0; round < 5000; round++)
    {
      guint8 raw[PH_WIRE_NAME_SIZE];
      gsize len = g_test_rand_int_range (0, PH_WIRE_NAME_SIZE + 1);
      g_autofree char *name = NULL;

      for (gsize i = 0; i < len; i++)
        raw[i] = g_test_rand_bit ()
                 ? alphabet[g_test_rand_int_range (0, G_N_ELEMENTS (alphabet))]
                 : (guint8) g_test_rand_int_range (0, 256);

      name = ph_naming_sanitize (raw, len);
      assert_safe_name (name);
    }
}

static void
test_naming_variant (void)
{
  static const struct { const char *name; guint n; const char *expected; } cases[] = {
    { "photo.jpg", 0, "photo.jpg" },
    { "photo.jpg", 1, "photo.jpg" },
    { "photo.jpg", 2, "photo (2).jpg" },
    { "photo.jpg", 10000, "photo (10000).jpg" },
    { "archive.tar.gz", 2, "archive (2).tar.gz" },
    { "ARCHIVE.TAR.XZ", 3, "ARCHIVE (3).TAR.XZ" },
    { "README", 2, "README (2)" },
    { "trailing.", 2, "trailing. (2)" },
    { "version 1.2 notes", 2, "version 1.2 notes (2)" },
    { "a.thisisnotreallyanextension", 2, "a.thisisnotreallyanextension (2)" },
    { "new_照片.png", 4, "new_照片 (4).png" },
    { "received-file", 2, "received-file (2)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *variant = ph_naming_variant (cases[i].name, cases[i].n);

      g_assert_cmpstr (variant, ==, cases[i].expected);
    }
}

typedef struct
{
  char *path;
  GFile *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->path = g_dir_make_tmp ("posthouse-naming-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir = g_file_new_for_path (fixture->path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->path, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->path, entry, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->path), ==, 0);
  g_assert_finalize_object (fixture->dir);
  g_free (fixture->path);
}

static GFile *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->path, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static void
assert_contents (GFile      *file,
                 const char *expected)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
}

static guint
count_entries (Fixture *fixture)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->path, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
test_naming_commit (Fixture       *fixture,
                    gconstpointer  data)
{
  PhCommitMethod method = GPOINTER_TO_INT (data);
  g_autoptr(GFile) original = write_file (fixture, "photo.jpg", "original");
  g_autoptr(GError) error = NULL;

  for (guint n = 2; n <= 4; n++)
    {
      g_autoptr(GFile) temporary = write_file (fixture, ".posthouse-tmp", "new");
      g_autoptr(GFile) final = NULL;
      g_autofree char *basename = NULL;
      g_autofree char *expected = g_strdup_printf ("photo (%u).jpg", n);

      final = ph_commit_with (temporary, fixture->dir, "photo.jpg", method, &error);
      g_assert_no_error (error);
      basename = g_file_get_basename (final);
      g_assert_cmpstr (basename, ==, expected);
      assert_contents (final, "new");
      g_assert_false (g_file_query_exists (temporary, NULL));
    }

  assert_contents (original, "original");
  g_assert_cmpuint (count_entries (fixture), ==, 4);
}

static void
test_naming_commit_free (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GFile) temporary = write_file (fixture, ".posthouse-tmp", "data");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) final = NULL;
  g_autofree char *basename = NULL;

  final = ph_commit (temporary, fixture->dir, "照片.png", &error);
  g_assert_no_error (error);
  basename = g_file_get_basename (final);
  g_assert_cmpstr (basename, ==, "照片.png");
  assert_contents (final, "data");
  g_assert_cmpuint (count_entries (fixture), ==, 1);
}

static void
test_naming_commit_errors (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GFile) missing = g_file_get_child (fixture->dir, "no-such-temporary");
  g_autoptr(GFile) no_dir = g_file_get_child (fixture->dir, "no-such-folder");
  g_autoptr(GFile) temporary = write_file (fixture, ".posthouse-tmp", "data");
  g_autoptr(GError) error = NULL;
  GFile *final;

  final = ph_commit (missing, fixture->dir, "x.txt", &error);
  g_assert_null (final);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "x.txt"));
  g_clear_error (&error);

  final = ph_commit (temporary, no_dir, "x.txt", &error);
  g_assert_null (final);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_clear_error (&error);

  /* Nothing moved, nothing created. */
  g_assert_true (g_file_query_exists (temporary, NULL));
  g_assert_cmpuint (count_entries (fixture), ==, 1);
}

#define N_THREADS 20

typedef struct
{
  Fixture *fixture;
  PhCommitMethod method;
  guint index;
  GFile *temporary;
  GFile *final;
} Racer;

static gint start_line;

static gpointer
race_thread (gpointer data)
{
  Racer *racer = data;
  g_autoptr(GError) error = NULL;

  while (!g_atomic_int_get (&start_line))
    g_thread_yield ();

  racer->final = ph_commit_with (racer->temporary, racer->fixture->dir,
                                        "same.bin", racer->method, &error);
  g_assert_no_error (error);

  return NULL;
}

static void
test_naming_commit_race (Fixture       *fixture,
                         gconstpointer  data)
{
  Racer racers[N_THREADS];
  GThread *threads[N_THREADS];
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_atomic_int_set (&start_line, 0);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_autofree char *tmp_name = g_strdup_printf (".posthouse-%u", i);
      g_autofree char *contents = g_strdup_printf ("thread %u", i);

      racers[i] = (Racer) { fixture, GPOINTER_TO_INT (data), i,
                            write_file (fixture, tmp_name, contents), NULL };
      threads[i] = g_thread_new ("racer", race_thread, &racers[i]);
    }
  g_atomic_int_set (&start_line, 1);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_autofree char *contents = g_strdup_printf ("thread %u", i);

      g_thread_join (threads[i]);
      g_assert_nonnull (racers[i].final);
      assert_contents (racers[i].final, contents);
      g_assert_false (g_file_query_exists (racers[i].temporary, NULL));
      g_assert_true (g_hash_table_add (seen, g_file_get_basename (racers[i].final)));
      g_object_unref (racers[i].temporary);
      g_object_unref (racers[i].final);
    }

  g_assert_true (g_hash_table_contains (seen, "same.bin"));
  g_assert_true (g_hash_table_contains (seen, "same (20).bin"));
  g_assert_cmpuint (count_entries (fixture), ==, N_THREADS);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; PhCommitMethod method; } methods[] = {
    { "rename", PH_COMMIT_RENAME },
    { "link", PH_COMMIT_LINK },
    { "exclusive", PH_COMMIT_EXCLUSIVE },
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/naming/paths", test_naming_paths);
  g_test_add_func ("/posthouse/naming/empty", test_naming_empty);
  g_test_add_func ("/posthouse/naming/nuls", test_naming_nuls);
  g_test_add_func ("/posthouse/naming/utf8", test_naming_utf8);
  g_test_add_func ("/posthouse/naming/cut", test_naming_cut);
  g_test_add_func ("/posthouse/naming/control", test_naming_control);
  g_test_add_func ("/posthouse/naming/hidden", test_naming_hidden);
  g_test_add_func ("/posthouse/naming/long", test_naming_long);
  g_test_add_func ("/posthouse/naming/random", test_naming_random);
  g_test_add_func ("/posthouse/naming/variant", test_naming_variant);

  g_test_add ("/posthouse/naming/commit/free", Fixture, NULL,
              fixture_set_up, test_naming_commit_free, fixture_tear_down);
  g_test_add ("/posthouse/naming/commit/errors", Fixture, NULL,
              fixture_set_up, test_naming_commit_errors, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *taken = g_strdup_printf ("/posthouse/naming/commit/taken/%s", methods[i].name);
      g_autofree char *race = g_strdup_printf ("/posthouse/naming/commit/race/%s", methods[i].name);

      g_test_add (taken, Fixture, GINT_TO_POINTER (methods[i].method),
                  fixture_set_up, test_naming_commit, fixture_tear_down);
      g_test_add (race, Fixture, GINT_TO_POINTER (methods[i].method),
                  fixture_set_up, test_naming_commit_race, fixture_tear_down);
    }

  return g_test_run ();
}
