/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Folder paths (SPEC, Folder paths) into a real receiver that accepts
 * them, from senders that mean well and senders that do not: every
 * component cleaned, nothing above the folder, no symbolic link
 * followed, at most eight levels, folders merged, files never replaced. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"

/* Sends @name with @content on a raw connection, as any peer may;
 * returns the receiver's transfer, finished. */
static PhTransfer *
deliver (Fixture    *f,
         const char *name,
         const char *content)
{
  GSocketConnection *c = raw_connect (f);
  guint index = f->received->len;
  PhTransfer *in;

  raw_header (c, name, strlen (content));
  raw_write (c, content, strlen (content));
  raw_end (c);
  in = wait_received (f, index);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_object_unref (c);

  return in;
}

/* Where @in was saved, relative to the receive folder; it must be in it. */
static char *
saved_relative (Fixture    *f,
                PhTransfer *in)
{
  GFile *file = ph_transfer_get_file (in);
  g_autofree char *path = NULL;
  g_autofree char *real = NULL;
  g_autofree char *real_dst = NULL;
  char *relative;

  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_nonnull (file);
  relative = g_file_get_relative_path (f->dst, file);
  g_assert_nonnull (relative);

  /* No link on the way out either: the real path is below the real folder. */
  path = g_file_get_path (file);
  real = realpath (path, NULL);
  real_dst = realpath (f->dst_dir, NULL);
  g_assert_nonnull (real);
  g_assert_true (g_str_has_prefix (real, real_dst));
  g_assert_true (real[strlen (real_dst)] == '/');

  return relative;
}

static void
assert_content (Fixture    *f,
                const char *relative,
                const char *content)
{
  g_autofree char *path = g_build_filename (f->dst_dir, relative, NULL);
  g_autofree char *saved = NULL;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, content);
}

static void
test_kept_and_merged (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *again = NULL;
  PhTransfer *in;

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);

  in = deliver (f, "Holiday/Day 1/beach.jpg", "sand");
  first = saved_relative (f, in);
  g_assert_cmpstr (first, ==, "Holiday/Day 1/beach.jpg");
  /* The transfer says where it went, from the receive folder. */
  g_assert_cmpstr (ph_transfer_get_name (in), ==, "Holiday/Day 1/beach.jpg");

  /* The folders exist now: merged into, never doubled. */
  in = deliver (f, "Holiday/Day 2/boat.jpg", "sea");
  second = saved_relative (f, in);
  g_assert_cmpstr (second, ==, "Holiday/Day 2/boat.jpg");

  /* A taken name still gets a numbered variant, in its folder. */
  in = deliver (f, "Holiday/Day 1/beach.jpg", "more sand");
  again = saved_relative (f, in);
  g_assert_cmpstr (again, ==, "Holiday/Day 1/beach (2).jpg");
  g_assert_cmpstr (ph_transfer_get_name (in), ==, "Holiday/Day 1/beach (2).jpg");

  assert_content (f, "Holiday/Day 1/beach.jpg", "sand");
  assert_content (f, "Holiday/Day 1/beach (2).jpg", "more sand");
  assert_content (f, "Holiday/Day 2/boat.jpg", "sea");
}

static void
test_flat_without_paths (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *saved = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  PhTransfer *in;

  /* Not accepting paths (the default): the last component, as the
   * originals do, from any sender. */
  fixture_start (f, NULL);
  in = deliver (f, "Holiday/Day 1/beach.jpg", "sand");
  saved = saved_relative (f, in);
  g_assert_cmpstr (saved, ==, "beach.jpg");
  entries = list_dir (f->dst_dir);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_prefix_on_the_file (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *saved = NULL;
  PhTransfer *in;

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  ph_receiver_set_prefix (f->receiver, "new_");
  fixture_start (f, NULL);
  in = deliver (f, "Holiday/beach.jpg", "sand");
  saved = saved_relative (f, in);
  g_assert_cmpstr (saved, ==, "Holiday/new_beach.jpg");
}

static void
test_hostile_paths (Fixture       *f,
                    gconstpointer  data)
{
  const struct { const char *sent, *saved; } paths[] = {
    { "../../etc/passwd", "etc/passwd" },
    { "/etc/cron.d/job", "etc/cron.d/job" },
    { "a/./b/../c.txt", "a/b/c.txt" },
    { "..\\..\\windows\\win.ini", "windows/win.ini" },
    { ".ssh/authorized_keys", "ssh/authorized_keys" },
    { "x//y///z.txt", "x/y/z.txt" },
    { "trailing/", "trailing/received-file" },
    { "...", "received-file" },
    { " /  spaced /name.txt", "spaced/name.txt" },
    { "ctl\001dir/bell\007.txt", "ctl_dir/bell_.txt" },
    { "bidi\xe2\x80\xaeyou/gpj.exe", "bidi_you/gpj.exe" },
    { "bad\xff" "utf8/f.txt", "bad\xef\xbf\xbdutf8/f.txt" },
    /* Eight levels, not more: the first eight folders are kept. */
    { "1/2/3/4/5/6/7/8/9/10/deep.txt", "1/2/3/4/5/6/7/8/deep.txt" },
  };
  g_autoptr(GPtrArray) outside = NULL;

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *content = g_strdup_printf ("case %u", i);
      g_autofree char *saved = NULL;
      PhTransfer *in = deliver (f, paths[i].sent, content);
      g_autofree char *shown = g_strescape (paths[i].sent, NULL);

      saved = saved_relative (f, in);
      g_test_message ("“%s” saved as “%s”", shown, saved);
      g_assert_cmpstr (saved, ==, paths[i].saved);
      assert_content (f, saved, content);
    }

  /* Nothing next to the receive folder either. */
  outside = list_dir (f->src_dir);
  g_assert_cmpuint (outside->len, ==, 0);
}

static void
test_symbolic_links_not_followed (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *elsewhere = g_build_filename (f->src_dir, "elsewhere", NULL);
  g_autofree char *link = g_build_filename (f->dst_dir, "out", NULL);
  g_autofree char *real_a = g_build_filename (f->dst_dir, "a", NULL);
  g_autofree char *inner_link = g_build_filename (f->dst_dir, "a", "up", NULL);
  g_autofree char *file_link = g_build_filename (f->dst_dir, "a", "note.txt", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr(GPtrArray) left = NULL;
  PhTransfer *in;

  /* Links that someone with access to the folder (or an earlier bug)
   * left there, to a folder outside and to the folder's parent. */
  g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
  g_assert_cmpint (symlink (elsewhere, link), ==, 0);
  g_assert_cmpint (g_mkdir (real_a, 0700), ==, 0);
  g_assert_cmpint (symlink ("../..", inner_link), ==, 0);
  g_assert_cmpint (symlink (elsewhere, file_link), ==, 0);

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);

  in = deliver (f, "out/x.txt", "one");
  first = saved_relative (f, in);
  g_assert_cmpstr (first, ==, "out (2)/x.txt");

  in = deliver (f, "a/up/y.txt", "two");
  second = saved_relative (f, in);
  g_assert_cmpstr (second, ==, "a/up (2)/y.txt");

  /* A link in the way of a file's name: a numbered variant, as any file. */
  in = deliver (f, "a/note.txt", "three");
  third = saved_relative (f, in);
  g_assert_cmpstr (third, ==, "a/note (2).txt");

  left = list_dir (elsewhere);
  g_assert_cmpuint (left->len, ==, 0);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (inner_link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (file_link, G_FILE_TEST_IS_SYMLINK));

  /* The fixture looks for leftovers; the links are ours. */
  g_unlink (link);
  g_unlink (inner_link);
  g_unlink (file_link);
}

static void
test_file_in_the_way (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (f->dst_dir, "Holiday", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *kept = NULL;
  PhTransfer *in;

  g_assert_true (g_file_set_contents (blocker, "a file, not a folder", -1, NULL));
  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);

  in = deliver (f, "Holiday/beach.jpg", "sand");
  saved = saved_relative (f, in);
  g_assert_cmpstr (saved, ==, "Holiday (2)/beach.jpg");
  g_assert_true (g_file_get_contents (blocker, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "a file, not a folder");
}

static void
test_folder_names_exhausted (Fixture       *f,
                             gconstpointer  data)
{
  PhTransfer *in;

  /* Every name the folder could take is a file already. */
  for (guint n = 1; n <= 100; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup ("Full") : g_strdup_printf ("Full (%u)", n);
      g_autofree char *path = g_build_filename (f->dst_dir, name, NULL);

      g_assert_true (g_file_set_contents (path, "", -1, NULL));
    }

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);

  in = deliver (f, "Full/x.txt", "x");
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
  g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_FOLDER);
  g_assert_null (ph_transfer_get_file (in));
  g_test_message ("%s", ph_transfer_get_error_message (in));
  assert_no_partial (f->dst_dir);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  guint *left = user_data;
  g_autoptr(GError) error = NULL;

  ph_sender_send_finish (PH_SENDER (object), result, &error);
  g_assert_no_error (error);
  (*left)--;
}

static void
test_concurrent_same_folders (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GPtrArray) transfers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = make_file (f->src_dir, "f.bin", 200000, 7);
  guint left = 8;

  ph_receiver_set_accepts_paths (f->receiver, TRUE);
  fixture_start (f, NULL);

  /* Eight transfers making the same new folders at the same moment. */
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(GFile) source = g_file_new_for_path (path);
      PhTransfer *transfer = ph_transfer_new_outgoing (source, f->destination);

      ph_transfer_set_name (transfer, "Same/Folder/f.bin");
      g_ptr_array_add (transfers, transfer);
      ph_sender_send_async (sender, transfer, NULL, sent_cb, &left);
    }
  WAIT_UNTIL (left == 0 && f->received->len == 8);

  for (guint i = 0; i < 8; i++)
    {
      PhTransfer *in = g_ptr_array_index (f->received, i);
      g_autofree char *saved = NULL;
      g_autofree char *full = NULL;

      WAIT_UNTIL (ph_transfer_is_finished (in));
      saved = saved_relative (f, in);
      g_assert_true (g_str_has_prefix (saved, "Same/Folder/f"));
      full = g_build_filename (f->dst_dir, saved, NULL);
      ph_test_assert_same_file (path, full);
      g_hash_table_add (names, g_steal_pointer (&saved));
    }
  g_assert_cmpuint (g_hash_table_size (names), ==, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/hostile/paths/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("kept-and-merged", test_kept_and_merged);
  ADD ("flat-without-paths", test_flat_without_paths);
  ADD ("prefix-on-the-file", test_prefix_on_the_file);
  ADD ("hostile", test_hostile_paths);
  ADD ("symbolic-links", test_symbolic_links_not_followed);
  ADD ("file-in-the-way", test_file_in_the_way);
  ADD ("folder-names-exhausted", test_folder_names_exhausted);
  ADD ("concurrent-same-folders", test_concurrent_same_folders);
#undef ADD

  return g_test_run ();
}
