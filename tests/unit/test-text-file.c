/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text as a file: its name (safe for any receiver, the Python one
 * included), writing and deleting it, recognising and reading it on
 * the receiving side, and telling a single link. */
#include "config.h"

#include <sys/stat.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "history-util.h"
#include "ph-test-util.h"
#include "ph-text-file.h"

static char *tmp_dir;

static GDateTime *
may_first (void)
{
  return g_date_time_new_local (2024, 5, 1, 14, 3, 27);
}

static void
test_name (void)
{
  g_autoptr(GDateTime) when = may_first ();
  g_autofree char *plain = ph_text_file_name ("Study Laptop", when);
  g_autofree char *unsafe = ph_text_file_name ("a/b\\c:d*e?f\"g<h>i|j\001k\nl", when);
  g_autofree char *hidden = ph_text_file_name ("..hidden", when);
  g_autofree char *nameless = ph_text_file_name ("  ", when);
  g_autofree char *invalid = ph_text_file_name ("caf\xc3", when);

  g_assert_cmpstr (plain, ==, "Text from Study Laptop, 2024-05-01 14.03.27.txt");
  g_assert_cmpstr (unsafe, ==, "Text from a-b-c-d-e-f-g-h-i-j k l, 2024-05-01 14.03.27.txt");
  g_assert_cmpstr (hidden, ==, "Text from hidden, 2024-05-01 14.03.27.txt");
  g_assert_cmpstr (nameless, ==, "Text from Another Computer, 2024-05-01 14.03.27.txt");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_true (g_str_has_suffix (invalid, ", 2024-05-01 14.03.27.txt"));
}

/* However long the device's name, the whole fits the header's 128
 * bytes, cut between characters, the date kept. */
static void
test_name_long (void)
{
  g_autoptr(GDateTime) when = may_first ();

  for (guint n = 1; n < 80; n++)
    {
      g_autoptr(GString) device = g_string_new (NULL);
      g_autofree char *name = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append (device, i % 2 ? "驿" : "é");
      name = ph_text_file_name (device->str, when);
      g_assert_cmpuint (strlen (name), <=, PH_TEXT_FILE_NAME_MAX_BYTES);
      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_true (g_str_has_suffix (name, ", 2024-05-01 14.03.27.txt"));
      g_assert_true (ph_text_file_name_matches (name));
      /* Cut only when the whole would not fit. */
      if (strlen ("Text from , 2024-05-01 14.03.27.txt") + device->len > PH_TEXT_FILE_NAME_MAX_BYTES)
        g_assert_nonnull (strstr (name, "…"));
      else
        g_assert_nonnull (strstr (name, device->str));
    }
}

/* The Python receiver saves it under the same name ("new_" before it). */
static void
test_name_python (void)
{
  const char *python = g_getenv ("PYTHON");
  g_autoptr(GDateTime) when = may_first ();
  g_autofree char *long_device = g_strnfill (150, 'x');
  g_autofree char *name = ph_text_file_name ("Study/Laptop: 驿站", when);
  g_autofree char *cut = ph_text_file_name (long_device, when);
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-text-python-XXXXXX");
  const char *script =
    "import os, struct, sys\n"
    "for name in sys.argv[1:]:\n"
    "    header = struct.pack('128sq', name.encode(), 5)\n"
    "    got = header[:128].decode().strip('\\x00')\n"
    "    assert got == name, (got, name)\n"
    "    with open('new_' + got, 'wb') as f: f.write(b'hello')\n"
    "print('\\n'.join(sorted(os.listdir('.'))))\n";
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { python != NULL ? python : "python3", "-c", script, name, cut, NULL };
  int status;

  g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  expected = g_strdup_printf ("new_%s\nnew_%s\n", name, cut);
  if (g_strcmp0 (name, cut) > 0)
    {
      g_free (expected);
      expected = g_strdup_printf ("new_%s\nnew_%s\n", cut, name);
    }
  g_assert_cmpstr (out, ==, expected);
  ph_test_rm_rf (dir);
}

static void
test_recognise (void)
{
  g_assert_true (ph_text_file_name_matches ("Text from Study Laptop, 2024-05-01 14.03.27.txt"));
  g_assert_true (ph_text_file_name_matches ("来自 书房, 2024-05-01 14.03.27.txt"));
  g_assert_true (ph_text_file_name_matches ("Text from X, 2024-05-01 14.03.27 (2).txt"));
  g_assert_true (ph_text_file_name_matches ("new_Text from X, 2024-05-01 14.03.27.txt"));
  g_assert_false (ph_text_file_name_matches ("notes.txt"));
  g_assert_false (ph_text_file_name_matches ("2024-05-01.txt"));
  g_assert_false (ph_text_file_name_matches ("Text from X, 2024-05-01 14.03.27.txt.exe"));
  g_assert_false (ph_text_file_name_matches ("Text from X, 2024-05-01 14:03:27.txt"));

  g_assert_true (ph_text_file_is_text ("Text from X, 2024-05-01 14.03.27.txt", 0));
  g_assert_true (ph_text_file_is_text ("Text from X, 2024-05-01 14.03.27.txt", PH_TEXT_FILE_MAX_BYTES));
  g_assert_false (ph_text_file_is_text ("Text from X, 2024-05-01 14.03.27.txt", PH_TEXT_FILE_MAX_BYTES + 1));
  g_assert_false (ph_text_file_is_text ("photo.jpg", 10));
}

static GFile *
new_text (const char *text)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file;

  ph_text_file_new_async (text, "Study Laptop", NULL, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  file = ph_text_file_new_finish (result, &error);
  g_assert_no_error (error);
  return file;
}

static gboolean
delete_text (GFile   *file,
             GError **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ph_text_file_delete_async (file, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  return ph_text_file_delete_finish (result, error);
}

static char *
load_text (GFile   *file,
           GError **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ph_text_file_load_async (file, NULL, history_got_cb, &slot);
  result = history_wait (&slot);
  return ph_text_file_load_finish (result, error);
}

static void
test_write_and_delete (void)
{
  const char *text = "Meet at 6 — 驿站\nhttps://example.org\n";
  g_autoptr(GFile) file = new_text (text);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *loaded = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_file_get_contents (g_file_peek_path (file), &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, text);
  g_assert_true (g_str_has_prefix (name, "Text from Study Laptop, "));
  g_assert_true (ph_text_file_name_matches (name));
  g_assert_cmpint (g_stat (g_file_peek_path (folder), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (g_file_peek_path (file), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = load_text (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded, ==, text);

  g_assert_true (delete_text (file, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_query_exists (file, NULL));
  g_assert_false (g_file_query_exists (folder, NULL));
}

/* Only its own files: anything else is left where it is. */
static void
test_delete_refuses (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "mine.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "keep", -1, NULL));
  g_assert_false (delete_text (file, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_FAILED);
  g_assert_true (g_file_query_exists (file, NULL));
}

static void
wait_gone (GFile *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_file_query_exists (folder, NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (g_file_query_exists (folder, NULL));
}

/* Deleted once sent, or once the batch is let go of; kept for Retry
 * while a failed batch lives. */
static void
test_delete_with_batch (void)
{
  g_autoptr(GFile) sent = new_text ("sent");
  g_autoptr(GFile) failed = new_text ("failed");
  PhBatch *batch = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.30", NULL);
  PhBatch *other = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.30", NULL);
  PhTransfer *transfer;

  ph_text_file_delete_with (sent, batch);
  history_finish (ph_batch_add_file (batch, sent, 4), NULL);
  wait_gone (sent);
  g_assert_finalize_object (batch);

  ph_text_file_delete_with (failed, other);
  transfer = ph_batch_add_file (other, failed, 6);
  history_fail (transfer, PH_ERROR_CONNECTION, "Connection refused");
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_assert_true (g_file_query_exists (failed, NULL));
  g_assert_finalize_object (other);
  wait_gone (failed);
}

static void
test_load_refuses (void)
{
  struct { const char *what; char *contents; gssize length; } cases[] = {
    { "too long", g_strnfill (PH_TEXT_FILE_MAX_BYTES + 1, 'a'), -1 },
    { "not UTF-8", g_strdup ("caf\xe9"), -1 },
    { "a NUL byte", g_memdup2 ("a\0b", 3), 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, "Text from X, 2024-05-01 14.03.27.txt", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].contents, cases[i].length, NULL));
      text = load_text (file, &error);
      g_test_message ("%s: %s", cases[i].what, error != NULL ? error->message : "(loaded)");
      g_assert_null (text);
      g_assert_error (error, PH_ERROR, PH_ERROR_FAILED);
      g_free (cases[i].contents);
    }

  /* A byte-order mark is not part of the text. */
  {
    g_autofree char *path = g_build_filename (tmp_dir, "bom.txt", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_true (g_file_set_contents (path, "\xEF\xBB\xBFhello", -1, NULL));
    text = load_text (file, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==, "hello");
  }
}

static void
test_single_url (void)
{
  struct { const char *text; const char *url; } cases[] = {
    { "https://example.org/a?b=c#d", "https://example.org/a?b=c#d" },
    { "  http://192.0.2.1:8080/\n", "http://192.0.2.1:8080/" },
    { "HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG" },
    { "mailto:someone@example.org", "mailto:someone@example.org" },
    { "ftp://example.org/file", "ftp://example.org/file" },
    { "see https://example.org", NULL },
    { "https://example.org\nhttps://example.com", NULL },
    { "file:///etc/passwd", NULL },
    { "javascript:alert(1)", NULL },
    { "http://", NULL },
    { "example.org", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = ph_text_dup_single_url (cases[i].text);
      g_assert_cmpstr (url, ==, cases[i].url);
    }
}

/* What a killed sender left in the temporary folder goes, not what a
 * running one is sending. */
static void
test_sweep (void)
{
  g_autofree char *old = g_build_filename (tmp_dir, "posthouse-text-OLD123", NULL);
  g_autofree char *old_file = g_build_filename (old, "Text from X, 2024-05-01 14.03.27.txt", NULL);
  g_autoptr(GFile) young = new_text ("young");
  struct utimbuf long_ago = { .actime = 1000000000, .modtime = 1000000000 };

  g_assert_cmpint (g_mkdir (old, 0700), ==, 0);
  g_assert_true (g_file_set_contents (old_file, "old", -1, NULL));
  g_assert_cmpint (utime (old, &long_ago), ==, 0);

  g_assert_cmpuint (ph_text_file_sweep (3600), ==, 1);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_query_exists (young, NULL));
  g_assert_true (delete_text (young, NULL));
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* The texts' temporary folder is the test's own (made before GLib
   * reads TMPDIR once and for all). */
  tmp_dir = g_build_filename (g_getenv ("TMPDIR") != NULL ? g_getenv ("TMPDIR") : "/tmp",
                              "ph-text-test-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmp_dir));
  g_setenv ("TMPDIR", tmp_dir, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/text/name", test_name);
  g_test_add_func ("/posthouse/text/name-long", test_name_long);
  g_test_add_func ("/posthouse/text/name-python", test_name_python);
  g_test_add_func ("/posthouse/text/recognise", test_recognise);
  g_test_add_func ("/posthouse/text/write-and-delete", test_write_and_delete);
  g_test_add_func ("/posthouse/text/delete-refuses", test_delete_refuses);
  g_test_add_func ("/posthouse/text/delete-with-batch", test_delete_with_batch);
  g_test_add_func ("/posthouse/text/load-refuses", test_load_refuses);
  g_test_add_func ("/posthouse/text/single-url", test_single_url);
  g_test_add_func ("/posthouse/text/sweep", test_sweep);

  status = g_test_run ();
  ph_test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  return status;
}
