/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "posthouse-core.h"
#include "ph-commit.h"
#include "ph-test-util.h"

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

/* Characters drawn as nothing, each class the issue names: nothing of
 * them is left to disguise a name or make two look alike. */
static void
test_naming_invisible (void)
{
  /* Bidirectional marks. */
  CHECK ("a\u200Eb\u200Fc\u061Cd.txt", "abcd.txt");
  /* Bidirectional embeddings, overrides and isolates leave a trace. */
  CHECK ("x\u202Ax\u202Bx\u202Cx\u202Dx.txt", "x_x_x_x_x.txt");
  CHECK ("report\u2066fdp.exe\u2069", "report_fdp.exe_");
  CHECK ("\u2067\u2068a", "__a");
  /* Zero-width characters. */
  CHECK ("in\u200Bvoice.pdf", "invoice.pdf");
  CHECK ("\uFEFFinvoice.pdf", "invoice.pdf");
  CHECK ("invoice\u2060.pdf", "invoice.pdf");
  CHECK ("pay\u200Cpal\u200D.html", "paypal.html");
  CHECK ("soft\u00ADhyphen", "softhyphen");
  /* Fillers. */
  CHECK ("\u3164.txt", "txt");
  CHECK ("a\u115F\u1160b\uFFA0c", "abc");
  CHECK ("\u3164", D);
  /* Tag characters: invisible ASCII. */
  CHECK ("memo\U000E0069\U000E0067\U000E006E.txt", "memo.txt");
  CHECK ("\U000E0001\U000E007Fz", "z");
  /* Variation selectors after letters that do not vary. */
  CHECK ("alpha\uFE0F\uFE0E\U000E0100", "alpha");
}

/* The same characters where they carry meaning stay. */
static void
test_naming_invisible_meaning (void)
{
  /* ZWNJ inside a Persian word, ZWJ inside an emoji sequence. */
  CHECK ("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt",
         "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt");
  CHECK ("\U0001F468\u200D\U0001F469\u200D\U0001F467.jpg",
         "\U0001F468\u200D\U0001F469\u200D\U0001F467.jpg");
  /* ❤️‍🔥: a joiner after an emoji's variation selector. */
  CHECK ("\u2764\uFE0F\u200D\U0001F525.png", "\u2764\uFE0F\u200D\U0001F525.png");
  /* A joiner at either end of a word, or between ASCII letters, goes. */
  CHECK ("\u200D\U0001F468\u200D", "\U0001F468");
  /* Keycap 1️⃣, an emoji's presentation, an ideographic variant. */
  CHECK ("1\uFE0F\u20E3 step.md", "1\uFE0F\u20E3 step.md");
  CHECK ("\u2764\uFE0F.txt", "\u2764\uFE0F.txt");
  CHECK ("\u845B\U000E0100.txt", "\u845B\U000E0100.txt");
  /* A subdivision flag (Scotland) keeps its tags; stray ones go. */
  CHECK ("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F trip.jpg",
         "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F trip.jpg");
  CHECK ("\U0001F3F4\U000E0067\U000E0062 trip.jpg", "\U0001F3F4 trip.jpg");
  CHECK ("\U0001F3F4\U000E0041\U000E0042\U000E007F.jpg", "\U0001F3F4.jpg");
}

/* What a file manager shows: no spaces to push an extension out of
 * sight, none at the ends, one at a time. */
static void
test_naming_spaces (void)
{
  g_autoptr(GString) padded = g_string_new ("Annual Report.pdf");

  for (guint i = 0; i < 40; i++)
    g_string_append_c (padded, ' ');
  g_string_append (padded, ".desktop");
  check (padded->str, padded->len, "Annual Report.pdf.desktop");

  CHECK ("Annual Report.pdf\u00A0\u00A0\u00A0.desktop", "Annual Report.pdf.desktop");
  CHECK ("photo \u202F\u2007 .jpg", "photo.jpg");
  CHECK ("a   b\t\tc.txt", "a b__c.txt");
  CHECK ("trailing\u00A0", "trailing");
  CHECK ("trailing.txt\u00A0\u2007\u202F", "trailing.txt");
  CHECK ("\u00A0leading.txt", "leading.txt");
  /* Every kind of space is a space. */
  CHECK ("no\u00A0break\u2009thin\u2003em\u205Fmath.txt", "no break thin em math.txt");
  /* The braille blank looks like one. */
  CHECK ("blank\u2800\u2800.exe", "blank.exe");
  CHECK ("\u2800", D);
  /* A lone ideographic space is writing, a run is spaces. */
  CHECK ("\u8CC7\u6599\u3000" "2024.pdf", "\u8CC7\u6599\u3000" "2024.pdf");
  CHECK ("a\u3000\u3000b", "a b");
  CHECK ("a \u3000b\u3000", "a b");
  /* A dot followed by words is not an extension. */
  CHECK ("version 1 . final notes", "version 1 . final notes");
  /* Invisible characters do not keep spaces apart. */
  CHECK ("a \u200B \u200B b.txt", "a b.txt");

  /* Shortened, a name may end in another extension: no space before it
   * either, nor two before a variant's number (found by fuzz-header). */
  {
    g_autoptr(GString) raw = g_string_new ("notes\u2007.tx");
    g_autofree char *name = NULL;
    g_autofree char *variant = NULL;

    for (guint i = 0; i < 80; i++)
      g_string_append_c (raw, '\xff');
    name = ph_naming_sanitize ((const guint8 *) raw->str, raw->len);
    assert_safe_name (name);
    g_assert_true (g_str_has_prefix (name, "notes.tx\uFFFD"));
    variant = ph_naming_variant (name, 2);
    g_assert_null (strstr (variant, "  "));
  }
}

/* One name is one file: NFC and NFD write the same name alike. */
static void
test_naming_nfc (void)
{
  static const struct { const char *nfd; const char *nfc; } pairs[] = {
    { "Cafe\u0301.txt", "Caf\u00E9.txt" },
    { "A\u030Angstro\u0308m.pdf", "\u00C5ngstr\u00F6m.pdf" },
    { "\u1112\u1161\u11AB\u1100\u1173\u11AF.hwp", "\uD55C\uAE00.hwp" },
    { "Re\u0301sume\u0301 (final).docx", "R\u00E9sum\u00E9 (final).docx" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *from_nfd = ph_naming_sanitize ((const guint8 *) pairs[i].nfd, strlen (pairs[i].nfd));
      g_autofree char *from_nfc = ph_naming_sanitize ((const guint8 *) pairs[i].nfc, strlen (pairs[i].nfc));
      g_autofree char *path = NULL;
      g_autofree char *nfd_path = g_strconcat ("Dossie\u0301/", pairs[i].nfd, NULL);

      assert_safe_name (from_nfd);
      g_assert_cmpstr (from_nfd, ==, pairs[i].nfc);
      g_assert_cmpstr (from_nfc, ==, pairs[i].nfc);

      /* Folders too. */
      path = ph_naming_sanitize_path ((const guint8 *) nfd_path, strlen (nfd_path));
      g_assert_true (g_str_has_prefix (path, "Dossi\u00E9/"));
      g_assert_cmpstr (strchr (path, '/') + 1, ==, pairs[i].nfc);
    }
}

/* A name shown on one line (a receiver nearby): the same cleaning,
 * line breaks and tabs as spaces. */
static void
test_naming_label (void)
{
  static const struct { const char *text; const char *label; } cases[] = {
    { "Study Laptop", "Study Laptop" },
    { "  Study\tLaptop\n", "Study Laptop" },
    { "Study\u00A0\u00A0 Laptop\u00A0", "Study Laptop" },
    { "Study Laptop\u200B", "Study Laptop" },
    { "\u202ESpotaL ydutS", "_SpotaL ydutS" },
    { "Alpha\u200D", "Alpha" },
    { "Cafe\u0301", "Caf\u00E9" },
    { "\u3164", "" },
    { ".hidden is fine here", ".hidden is fine here" },
    { "<b>bold</b> & co", "<b>bold</b> & co" },
    { "bad\xff", "bad\uFFFD" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *label = ph_naming_clean_label (cases[i].text);

      g_assert_cmpstr (label, ==, cases[i].label);
    }
  g_free (ph_naming_clean_label (NULL));
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
    { "notes .tar.gz", 2, "notes (2).tar.gz" },
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

/* The NFD and the NFC form of one name, received one after the other:
 * one name, numbered, never two files that look the same. */
static void
test_naming_commit_nfc (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char *forms[] = { "Cafe\u0301 menu.pdf", "Caf\u00E9 menu.pdf", "Cafe\u0301 menu.pdf\u00A0" };
  g_autoptr(GPtrArray) names = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *name = ph_naming_sanitize ((const guint8 *) forms[i], strlen (forms[i]));
      g_autoptr(GFile) temporary = write_file (fixture, ".posthouse-tmp", forms[i]);
      g_autoptr(GFile) final = NULL;
      g_autoptr(GError) error = NULL;

      final = ph_commit (temporary, fixture->dir, name, &error);
      g_assert_no_error (error);
      assert_contents (final, forms[i]);
    }

  names = ph_test_list_dir (fixture->path);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Caf\u00E9 menu (2).pdf");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "Caf\u00E9 menu (3).pdf");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "Caf\u00E9 menu.pdf");
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
  g_test_add_func ("/posthouse/naming/invisible", test_naming_invisible);
  g_test_add_func ("/posthouse/naming/invisible-with-meaning", test_naming_invisible_meaning);
  g_test_add_func ("/posthouse/naming/spaces", test_naming_spaces);
  g_test_add_func ("/posthouse/naming/nfc", test_naming_nfc);
  g_test_add_func ("/posthouse/naming/label", test_naming_label);
  g_test_add_func ("/posthouse/naming/long", test_naming_long);
  g_test_add_func ("/posthouse/naming/random", test_naming_random);
  g_test_add_func ("/posthouse/naming/variant", test_naming_variant);

  g_test_add ("/posthouse/naming/commit/free", Fixture, NULL,
              fixture_set_up, test_naming_commit_free, fixture_tear_down);
  g_test_add ("/posthouse/naming/commit/nfc-nfd", Fixture, NULL,
              fixture_set_up, test_naming_commit_nfc, fixture_tear_down);
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
