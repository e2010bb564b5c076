/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A transfer that fails leaves nothing behind (SPEC, Admission): no
 * part file, no folder made for it, no inode spent; a file system out
 * of inodes gets a clear refusal, not a half-made tree. The receive
 * folder is a small tmpfs with few inodes, mounted by the test (root). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"

typedef struct
{
  Fixture  f;
  gboolean mounted;
  guint    fillers;
} Leftovers;

/* Mounts a tmpfs of @inodes inodes on the receive folder. */
static gboolean
mount_tmpfs (Leftovers *lx,
             guint      inodes)
{
  g_autofree char *options = g_strdup_printf ("size=8m,nr_inodes=%u,mode=0700", inodes);

  if (geteuid () != 0)
    {
      g_test_skip ("Needs root to mount a tmpfs with few inodes");
      return FALSE;
    }
  if (mount ("tmpfs", lx->f.dst_dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      g_autofree char *why = g_strdup_printf ("Cannot mount a tmpfs here (%s)", g_strerror (errno));

      g_test_skip (why);
      return FALSE;
    }
  lx->mounted = TRUE;
  return TRUE;
}

static void
set_up (Leftovers     *lx,
        gconstpointer  data)
{
  fixture_setup (&lx->f, data);
  ph_receiver_set_accepts_paths (lx->f.receiver, TRUE);
}

static void
tear_down (Leftovers     *lx,
           gconstpointer  data)
{
  if (lx->f.receiver != NULL)
    ph_receiver_stop (lx->f.receiver);
  if (lx->mounted)
    umount2 (lx->f.dst_dir, MNT_DETACH);
  fixture_teardown (&lx->f, data);
}

static guint64
free_inodes (Leftovers *lx)
{
  struct statvfs st;

  g_assert_cmpint (statvfs (lx->f.dst_dir, &st), ==, 0);
  return st.f_favail;
}

/* Takes every free inode with empty files, then gives @keep back. */
static void
fill_inodes (Leftovers *lx,
             guint      keep)
{
  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("%s/filler-%03u", lx->f.dst_dir, lx->fillers);
      int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          g_assert_cmpint (errno, ==, ENOSPC);
          break;
        }
      close (fd);
      lx->fillers++;
    }
  g_assert_cmpuint (free_inodes (lx), ==, 0);
  for (guint i = 0; i < keep; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/filler-%03u", lx->f.dst_dir, --lx->fillers);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpuint (free_inodes (lx), ==, keep);
}

/* The names in the receive folder, without the fillers. */
static char *
listing (Leftovers *lx)
{
  g_autoptr(GPtrArray) names = list_dir (lx->f.dst_dir);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    if (!g_str_has_prefix (names->pdata[i], "filler-"))
      g_string_append_printf (out, "%s%s", out->len ? " " : "", (char *) names->pdata[i]);

  return g_strdup (out->len ? out->str : "(empty)");
}

static void
reset_raw (GSocketConnection *c)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (g_socket_get_fd (g_socket_connection_get_socket (c)), SOL_SOCKET, SO_LINGER,
              &linger, sizeof linger);
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_object_unref (c);
}

/* Starts sending @name (@size bytes), @sent of them now. */
static GSocketConnection *
start_raw (Leftovers  *lx,
           const char *name,
           gsize       size,
           gsize       sent,
           PhTransfer **in)
{
  g_autofree guint8 *bytes = g_malloc0 (size);
  GSocketConnection *c = raw_connect (&lx->f);
  guint index = lx->f.received->len;

  raw_header (c, name, size);
  raw_write (c, bytes, sent);
  *in = wait_received (&lx->f, index);
  WAIT_UNTIL (ph_transfer_get_bytes_done (*in) >= (gint64) sent);
  return c;
}

static void
finish_raw (GSocketConnection *c,
            PhTransfer        *in,
            gsize              rest)
{
  g_autofree guint8 *bytes = g_malloc0 (rest);

  raw_write (c, bytes, rest);
  raw_end (c);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_object_unref (c);
}

/* The attack of issue 18: 300 headers for eight levels of folders, one
 * byte each, then a reset. Nothing remains, not even an inode. */
static void
test_failed_paths_leave_nothing (Leftovers     *lx,
                                 gconstpointer  data)
{
  guint64 before;
  guint n = 0;

  if (!mount_tmpfs (lx, 4096))
    return;
  fixture_start (&lx->f, NULL);
  before = free_inodes (lx);

  for (guint round = 0; round < 6; round++)
    {
      GSocketConnection *c[50];

      for (guint i = 0; i < G_N_ELEMENTS (c); i++)
        {
          g_autofree char *name = g_strdup_printf ("L0-%03u/L1/L2/L3/L4/L5/L6/L7/x.bin", n++);

          c[i] = raw_connect (&lx->f);
          raw_header (c[i], name, 1000);
          raw_write (c[i], "x", 1);
        }
      WAIT_UNTIL (lx->f.received->len == n);
      for (guint i = 0; i < G_N_ELEMENTS (c); i++)
        reset_raw (c[i]);
    }

  for (guint i = 0; i < lx->f.received->len; i++)
    {
      PhTransfer *in = lx->f.received->pdata[i];

      WAIT_UNTIL (ph_transfer_is_finished (in));
      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
    }
  flush_main_context ();

  {
    g_autofree char *left = listing (lx);

    g_assert_cmpstr (left, ==, "(empty)");
  }
  g_assert_cmpuint (free_inodes (lx), ==, before);
}

/* No inode left: a clear refusal before a byte, and no folder made. */
static void
test_no_inodes_refused (Leftovers     *lx,
                        gconstpointer  data)
{
  GSocketConnection *c;
  PhTransfer *in;

  if (!mount_tmpfs (lx, 64))
    return;
  fixture_start (&lx->f, NULL);

  /* Room for the file, none for its three folders. */
  fill_inodes (lx, 2);
  c = start_raw (lx, "A/B/C/x.bin", 1000, 0, &in);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (ph_transfer_get_error_message (in), "no room for more files"));
  g_test_message ("%s", ph_transfer_get_error_message (in));
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_object_unref (c);
  {
    g_autofree char *left = listing (lx);

    g_assert_cmpstr (left, ==, "(empty)");
  }
  g_assert_cmpuint (free_inodes (lx), ==, 2);

  /* A file alone still fits. */
  c = start_raw (lx, "flat.txt", 10, 0, &in);
  finish_raw (c, in, 10);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
}

/* Room for the part file and two of three folders when the commit
 * comes: the two it made go again, and the refusal says why. */
static void
test_commit_out_of_inodes (Leftovers     *lx,
                           gconstpointer  data)
{
  GSocketConnection *c;
  PhTransfer *in;

  if (!mount_tmpfs (lx, 64))
    return;
  fixture_start (&lx->f, NULL);

  c = start_raw (lx, "P/Q/R/x.bin", 100000, 50000, &in);
  fill_inodes (lx, 2);
  finish_raw (c, in, 50000);

  g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_NO_SPACE);
  g_test_message ("%s", ph_transfer_get_error_message (in));
  flush_main_context ();
  {
    g_autofree char *left = listing (lx);

    g_assert_cmpstr (left, ==, "(empty)");
  }
  /* The two left, P's and Q's back, and the part file's. */
  g_assert_cmpuint (free_inodes (lx), ==, 2 + 1);
}

/* Two transfers into one new folder: the one that fails after making
 * it leaves it to the other (whose part file may wait there), and it
 * stays once the other's file is in it. */
static void
test_shared_folder (Leftovers     *lx,
                    gconstpointer  data)
{
  GSocketConnection *a, *b;
  PhTransfer *in_a, *in_b;
  g_autofree char *s = NULL;
  g_autofree char *saved = NULL;

  if (!mount_tmpfs (lx, 64))
    return;
  fixture_start (&lx->f, NULL);
  s = g_build_filename (lx->f.dst_dir, "S", NULL);
  saved = g_build_filename (lx->f.dst_dir, "S", "U", "b.txt", NULL);

  a = start_raw (lx, "S/T/a.txt", 1000, 500, &in_a);
  b = start_raw (lx, "S/U/b.txt", 1000, 500, &in_b);

  /* One inode: S, not T. */
  fill_inodes (lx, 1);
  finish_raw (a, in_a, 500);
  g_assert_error (ph_transfer_get_error (in_a), PH_ERROR, PH_ERROR_NO_SPACE);
  g_assert_true (g_file_test (s, G_FILE_TEST_IS_DIR));

  /* Room again: B's file goes in, and S with it stays. */
  fill_inodes (lx, 1);
  {
    g_autofree char *path = g_strdup_printf ("%s/filler-%03u", lx->f.dst_dir, --lx->fillers);

    g_assert_cmpint (g_unlink (path), ==, 0);
  }
  finish_raw (b, in_b, 500);
  g_assert_cmpint (ph_transfer_get_state (in_b), ==, PH_TRANSFER_DONE);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *left = listing (lx);

    g_assert_cmpstr (left, ==, "S");
  }
}

/* The same, but the other fails too: the last user takes S away. */
static void
test_shared_folder_both_fail (Leftovers     *lx,
                              gconstpointer  data)
{
  GSocketConnection *a, *b;
  PhTransfer *in_a, *in_b;

  if (!mount_tmpfs (lx, 64))
    return;
  fixture_start (&lx->f, NULL);

  a = start_raw (lx, "S/T/a.txt", 1000, 500, &in_a);
  b = start_raw (lx, "S/U/b.txt", 1000, 500, &in_b);
  fill_inodes (lx, 1);
  finish_raw (a, in_a, 500);
  g_assert_error (ph_transfer_get_error (in_a), PH_ERROR, PH_ERROR_NO_SPACE);

  reset_raw (b);
  WAIT_UNTIL (ph_transfer_is_finished (in_b));
  g_assert_cmpint (ph_transfer_get_state (in_b), ==, PH_TRANSFER_FAILED);
  flush_main_context ();
  {
    g_autofree char *left = listing (lx);

    g_assert_cmpstr (left, ==, "(empty)");
  }
  /* The inode left (S took it and gave it back), and both part files'. */
  g_assert_cmpuint (free_inodes (lx), ==, 1 + 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/hostile/leftovers/" path, Leftovers, NULL, set_up, func, tear_down)

  ADD ("failed-paths-leave-nothing", test_failed_paths_leave_nothing);
  ADD ("no-inodes-refused", test_no_inodes_refused);
  ADD ("commit-out-of-inodes", test_commit_out_of_inodes);
  ADD ("shared-folder", test_shared_folder);
  ADD ("shared-folder-both-fail", test_shared_folder_both_fail);
#undef ADD

  return g_test_run ();
}
