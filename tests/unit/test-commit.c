/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ph_commit() at scale and under races: the k-th copy of a name costs
 * as much as the first (the next number is remembered per name and
 * folder), there is no ceiling, and the file system still decides every
 * name (other writers, threads, a folder emptied meanwhile). */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ph-commit.h"
#include "ph-commit-private.h"
#include "ph-naming.h"

typedef struct
{
  char  *path;
  GFile *dir;
  int    dir_fd;
} Fixture;

static void
set_up_in (Fixture    *f,
           const char *where)
{
  g_autofree char *template = g_build_filename (where, "posthouse-commit-XXXXXX", NULL);

  f->path = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (f->path);
  f->dir = g_file_new_for_path (f->path);
  f->dir_fd = open (f->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (f->dir_fd, >=, 0);
  /* Each test starts as a new process would. */
  ph_commit_forget_hints ();
}

/* In memory where there is a tmpfs: tens of thousands of files are the
 * point, the disk's speed is not. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  set_up_in (f, g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0
                ? "/dev/shm" : g_get_tmp_dir ());
}

/* Where received files usually go: a disk's file system. */
static void
fixture_set_up_disk (Fixture       *f,
                     gconstpointer  data)
{
  set_up_in (f, g_get_tmp_dir ());
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->path, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    g_assert_cmpint (unlinkat (f->dir_fd, entry, 0), ==, 0);
  close (f->dir_fd);
  g_assert_cmpint (g_rmdir (f->path), ==, 0);
  g_assert_finalize_object (f->dir);
  g_free (f->path);
}

static guint
count_entries (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->path, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static char *
read_entry (Fixture    *f,
            const char *name)
{
  g_autofree char *path = g_build_filename (f->path, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

/* A new file of someone else's (no fsync: g_file_set_contents() would
 * make each one wait for the disk). */
static void
write_entry (Fixture    *f,
             const char *name,
             const char *contents)
{
  int fd = openat (f->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, contents, strlen (contents)), ==, (gssize) strlen (contents));
  close (fd);
}

/* An unnamed file with @contents in the folder, as the receiver writes
 * one (O_TMPFILE), or -1 where the file system cannot make one. */
static int
unnamed_file (Fixture    *f,
              const char *contents)
{
  int fd = openat (f->dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;
  g_assert_cmpint (write (fd, contents, strlen (contents)), ==, (gssize) strlen (contents));

  return fd;
}

/* A finished file under a temporary name, committed by @method; or, with
 * @method -1, an unnamed one committed by ph_commit_fd(). Returns the
 * final name. */
static char *
commit_one (Fixture    *f,
            const char *name,
            const char *contents,
            int         method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) final = NULL;

  if (method < 0)
    {
      int fd = unnamed_file (f, contents);

      g_assert_cmpint (fd, >=, 0);
      final = ph_commit_fd (fd, f->dir_fd, f->dir, name, &error);
      close (fd);
    }
  else
    {
      g_autofree char *tmp_name = g_strdup_printf (".part-%p-%u", (void *) g_thread_self (),
                                                   g_random_int ());
      g_autoptr(GFile) temporary = g_file_get_child (f->dir, tmp_name);

      write_entry (f, tmp_name, contents);
      final = ph_commit_with (temporary, f->dir, name, (PhCommitMethod) method, &error);
    }

  g_assert_no_error (error);
  g_assert_nonnull (final);

  return g_file_get_basename (final);
}

static gboolean
o_tmpfile_works (Fixture *f)
{
  int fd = unnamed_file (f, "");

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/* 20,000 copies of one name: each gets the next number, the 10,001st
 * too, and the names tried per file stay constant. */
static void
test_many_copies (Fixture       *f,
                  gconstpointer  data)
{
  const guint n = 20000;
  int method = o_tmpfile_works (f) ? -1 : PH_COMMIT_RENAME;
  guint attempts0 = ph_commit_get_attempts ();
  gint64 t0 = g_get_monotonic_time ();
  guint attempts;

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *expected = ph_naming_variant ("index.html", i);
      g_autofree char *contents = g_strdup_printf ("copy %u", i);
      g_autofree char *got = commit_one (f, "index.html", contents, method);

      g_assert_cmpstr (got, ==, expected);
    }

  attempts = ph_commit_get_attempts () - attempts0;
  g_test_message ("%u copies of one name in %.2f s, %u names tried (%.2f per file)",
                  n, (g_get_monotonic_time () - t0) / 1e6, attempts, (double) attempts / n);
  /* The name itself, then the remembered number: two per copy. */
  g_assert_cmpuint (attempts, <=, 2 * n);
  g_assert_cmpuint (count_entries (f), ==, n);

  {
    g_autofree char *last = read_entry (f, "index (20000).html");
    g_autofree char *first = read_entry (f, "index.html");

    g_assert_cmpstr (last, ==, "copy 20000");
    g_assert_cmpstr (first, ==, "copy 1");
  }
}

/* Copies made before this process started (nothing remembered): the
 * first new copy finds a free number in a few look-ups, not thousands,
 * and the next ones follow it. */
static void
test_copies_before (Fixture       *f,
                    gconstpointer  data)
{
  const guint before = 5000;
  guint attempts;

  for (guint i = 1; i <= before; i++)
    {
      g_autofree char *name = ph_naming_variant ("photo.jpg", i);

      write_entry (f, name, "earlier");
    }

  attempts = ph_commit_get_attempts ();
  {
    g_autofree char *got = commit_one (f, "photo.jpg", "new", PH_COMMIT_RENAME);

    g_assert_cmpstr (got, ==, "photo (5001).jpg");
  }
  attempts = ph_commit_get_attempts () - attempts;
  g_test_message ("first new copy after %u: %u names tried or looked up", before, attempts);
  g_assert_cmpuint (attempts, <=, 64 + 2 * 16 + 4);

  attempts = ph_commit_get_attempts ();
  {
    g_autofree char *got = commit_one (f, "photo.jpg", "newer", PH_COMMIT_RENAME);

    g_assert_cmpstr (got, ==, "photo (5002).jpg");
  }
  g_assert_cmpuint (ph_commit_get_attempts () - attempts, ==, 2);

  /* Nothing of before was replaced. */
  for (guint i = 1; i <= before; i++)
    {
      g_autofree char *name = ph_naming_variant ("photo.jpg", i);
      g_autofree char *contents = read_entry (f, name);

      g_assert_cmpstr (contents, ==, "earlier");
    }
}

/* The remembered number is only a hint: a folder emptied meanwhile gives
 * the name itself back, and variants another program made meanwhile are
 * stepped over, never replaced. */
static void
test_hint_is_a_hint (Fixture       *f,
                     gconstpointer  data)
{
  for (guint i = 1; i <= 5; i++)
    g_free (commit_one (f, "notes.txt", "first round", PH_COMMIT_RENAME));
  g_assert_cmpuint (count_entries (f), ==, 5);

  /* Emptied by its owner: the name itself again. */
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = ph_naming_variant ("notes.txt", i);

      g_assert_cmpint (unlinkat (f->dir_fd, name, 0), ==, 0);
    }
  {
    g_autofree char *got = commit_one (f, "notes.txt", "second round", PH_COMMIT_RENAME);

    g_assert_cmpstr (got, ==, "notes.txt");
  }

  /* Remembered: the next is (6)... unless someone else took it and the
   * two after it, which stay theirs. */
  for (guint i = 6; i <= 8; i++)
    {
      g_autofree char *name = ph_naming_variant ("notes.txt", i);

      write_entry (f, name, "someone else's");
    }
  {
    g_autofree char *got = commit_one (f, "notes.txt", "third round", PH_COMMIT_LINK);

    g_assert_cmpstr (got, ==, "notes (9).txt");
  }
  for (guint i = 6; i <= 8; i++)
    {
      g_autofree char *name = ph_naming_variant ("notes.txt", i);
      g_autofree char *contents = read_entry (f, name);

      g_assert_cmpstr (contents, ==, "someone else's");
    }

  /* Another name in the same folder, and the same name in another
   * folder, are remembered apart. */
  {
    g_autofree char *got = commit_one (f, "other.txt", "x", PH_COMMIT_RENAME);

    g_assert_cmpstr (got, ==, "other.txt");
  }
}

/* No ceiling, also for the longest names: past copy 99,999 a name as
 * long as a receiver allows gives up characters for the digits. */
static void
test_long_name_many_copies (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *stem = g_strnfill (255 - PH_NAMING_VARIANT_BYTES - 4, 'x');
  g_autofree char *name = g_strconcat (stem, ".txt", NULL);
  g_autofree char *got = NULL;

  g_assert_cmpuint (strlen (name), ==, 255 - PH_NAMING_VARIANT_BYTES);
  write_entry (f, name, "first");
  ph_commit_remember (f->dir, name, 99999);

  g_free (commit_one (f, name, "99999", PH_COMMIT_RENAME));
  got = commit_one (f, name, "100000", PH_COMMIT_RENAME);
  g_assert_true (g_str_has_suffix (got, "x (100000).txt"));
  g_assert_cmpuint (strlen (got), <=, 255);
  g_free (got);

  got = commit_one (f, name, "100001", PH_COMMIT_RENAME);
  g_assert_true (g_str_has_suffix (got, "x (100001).txt"));
  g_assert_cmpuint (count_entries (f), ==, 4);
}

/* More names remembered than the table holds: it starts over, and
 * every copy still gets a free name. */
static void
test_many_names (Fixture       *f,
                 gconstpointer  data)
{
  const guint names = 1500;

  for (guint round = 1; round <= 3; round++)
    for (guint i = 0; i < names; i++)
      {
        g_autofree char *name = g_strdup_printf ("page-%04u.html", i);
        g_autofree char *expected = ph_naming_variant (name, round);
        g_autofree char *got = commit_one (f, name, "x", PH_COMMIT_RENAME);

        g_assert_cmpstr (got, ==, expected);
      }
  g_assert_cmpuint (count_entries (f), ==, 3 * names);
}

/* -- races ------------------------------------------------------------- */

#define N_COMMITTERS 6
#define PER_COMMITTER 400

typedef struct
{
  Fixture   *f;
  int        method;
  guint      index;
  GPtrArray *names;       /* what each commit became */
} Committer;

static gint go;
static gint committers_left;
static gint committed;
static gint outside_made;

static gpointer
committer_thread (gpointer data)
{
  Committer *c = data;

  while (!g_atomic_int_get (&go))
    g_thread_yield ();

  for (guint i = 0; i < PER_COMMITTER; i++)
    {
      g_autofree char *contents = g_strdup_printf ("committer %u file %u", c->index, i);

      /* Two cores may run the threads one after the other: keep the
       * other writer busy in between. */
      while (g_atomic_int_get (&outside_made) < g_atomic_int_get (&committed) / 16)
        g_thread_yield ();
      g_ptr_array_add (c->names, commit_one (c->f, "same.bin", contents, c->method));
      g_atomic_int_inc (&committed);
    }

  g_atomic_int_dec_and_test (&committers_left);
  return NULL;
}

/* Another program making variants of the same name while the commits
 * run, just ahead of the numbers they take (with O_EXCL, as a careful
 * program would). */
static gpointer
outside_thread (gpointer data)
{
  Fixture *f = data;
  GPtrArray *made = g_ptr_array_new_with_free_func (g_free);
  GRand *rand = g_rand_new_with_seed (21);

  while (!g_atomic_int_get (&go))
    g_thread_yield ();

  while (g_atomic_int_get (&committers_left) > 0)
    {
      guint n = g_atomic_int_get (&committed) + made->len + g_rand_int_range (rand, 1, 16);
      g_autofree char *name = ph_naming_variant ("same.bin", n);
      int fd = openat (f->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          g_assert_cmpint (errno, ==, EEXIST);
          g_usleep (50);
          continue;
        }
      g_assert_cmpint (write (fd, "outside", 7), ==, 7);
      close (fd);
      g_ptr_array_add (made, g_steal_pointer (&name));
      g_atomic_int_inc (&outside_made);
      g_thread_yield ();
    }

  g_rand_free (rand);
  return made;
}

static void
test_race (Fixture       *f,
           gconstpointer  data)
{
  int method = GPOINTER_TO_INT (data);
  Committer committers[N_COMMITTERS];
  GThread *threads[N_COMMITTERS];
  GThread *outside;
  g_autoptr(GPtrArray) made = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (method < 0 && !o_tmpfile_works (f))
    {
      g_test_skip ("This file system cannot make unnamed files (O_TMPFILE)");
      return;
    }

  g_atomic_int_set (&go, 0);
  g_atomic_int_set (&committers_left, N_COMMITTERS);
  g_atomic_int_set (&committed, 0);
  g_atomic_int_set (&outside_made, 0);
  for (guint i = 0; i < N_COMMITTERS; i++)
    {
      committers[i] = (Committer) { f, method, i, g_ptr_array_new_with_free_func (g_free) };
      threads[i] = g_thread_new ("committer", committer_thread, &committers[i]);
    }
  outside = g_thread_new ("outside", outside_thread, f);
  g_atomic_int_set (&go, 1);

  for (guint i = 0; i < N_COMMITTERS; i++)
    g_thread_join (threads[i]);
  made = g_thread_join (outside);

  /* Every commit has a name of its own, holding what it committed. */
  for (guint i = 0; i < N_COMMITTERS; i++)
    {
      g_assert_cmpuint (committers[i].names->len, ==, PER_COMMITTER);
      for (guint j = 0; j < PER_COMMITTER; j++)
        {
          const char *name = g_ptr_array_index (committers[i].names, j);
          g_autofree char *expected = g_strdup_printf ("committer %u file %u", i, j);
          g_autofree char *contents = read_entry (f, name);

          g_assert_true (g_hash_table_add (seen, (gpointer) name));
          g_assert_cmpstr (contents, ==, expected);
        }
    }

  /* And the other program's files are still its own. */
  for (guint i = 0; i < made->len; i++)
    {
      const char *name = g_ptr_array_index (made, i);
      g_autofree char *contents = read_entry (f, name);

      g_assert_false (g_hash_table_contains (seen, name));
      g_assert_cmpstr (contents, ==, "outside");
    }
  g_test_message ("%u commits by %u threads, %u variants made by another writer meanwhile",
                  N_COMMITTERS * PER_COMMITTER, N_COMMITTERS, made->len);
  g_assert_cmpuint (made->len, >=, N_COMMITTERS * PER_COMMITTER / 16 - N_COMMITTERS);
  g_assert_cmpuint (count_entries (f), ==, N_COMMITTERS * PER_COMMITTER + made->len);

  for (guint i = 0; i < N_COMMITTERS; i++)
    g_ptr_array_unref (committers[i].names);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; int method; } methods[] = {
    { "unnamed", -1 },
    { "rename", PH_COMMIT_RENAME },
    { "link", PH_COMMIT_LINK },
    { "exclusive", PH_COMMIT_EXCLUSIVE },
  };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/commit/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("many-copies", test_many_copies, NULL);
  ADD ("copies-before", test_copies_before, NULL);
  ADD ("hint-is-a-hint", test_hint_is_a_hint, NULL);
  ADD ("long-name-many-copies", test_long_name_many_copies, NULL);
  ADD ("many-names", test_many_names, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *path = g_strdup_printf ("/posthouse/commit/race/%s", methods[i].name);

      g_test_add (path, Fixture, GINT_TO_POINTER (methods[i].method),
                  fixture_set_up, test_race, fixture_tear_down);
    }
  /* The receiver's own way, on the temporary folder's file system. */
  g_test_add ("/posthouse/commit/race/unnamed-tmpdir", Fixture, GINT_TO_POINTER (-1),
              fixture_set_up_disk, test_race, fixture_tear_down);

  return g_test_run ();
}
