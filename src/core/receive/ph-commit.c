/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Committing a received file under its final name in the receive
 * folder: never replacing anyone's file, never checking before acting
 * (the file system decides atomically), numbered variants when a name
 * is taken. The names themselves are made in wire/ph-naming.c. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE /* renameat2 */
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/syscall.h>
#endif

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-commit.h"
#include "ph-commit-private.h"
#include "ph-naming.h"

#ifndef RENAME_NOREPLACE
# define RENAME_NOREPLACE (1 << 0)
#endif

static int
rename_noreplace (const char *from,
                  int         dir_fd,
                  const char *to)
{
#if defined(HAVE_RENAMEAT2)
  return renameat2 (AT_FDCWD, from, dir_fd, to, RENAME_NOREPLACE);
#elif defined(__linux__) && defined(SYS_renameat2)
  return syscall (SYS_renameat2, AT_FDCWD, from, dir_fd, to, RENAME_NOREPLACE);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* Claims @to for @from without ever replacing someone else's file; on
 * failure returns -1 with errno set (EEXIST: the name is taken). Moves to
 * the next method in *method when the file system lacks one. */
static int
commit_once (PhCommitMethod *method,
             const char           *from,
             int                   dir_fd,
             const char           *to)
{
  int fd;
  int saved_errno;

  switch (*method)
    {
    case PH_COMMIT_RENAME:
      if (rename_noreplace (from, dir_fd, to) == 0)
        return 0;
      if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
      *method = PH_COMMIT_LINK;
      G_GNUC_FALLTHROUGH;

    case PH_COMMIT_LINK:
      if (linkat (AT_FDCWD, from, dir_fd, to, 0) == 0)
        {
          /* The file is safe under its final name already: a stale
           * temporary name is only untidy. */
          if (unlink (from) != 0)
            g_debug ("Could not remove %s: %s", from, g_strerror (errno));
          return 0;
        }
      if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS && errno != EMLINK)
        return -1;
      *method = PH_COMMIT_EXCLUSIVE;
      G_GNUC_FALLTHROUGH;

    case PH_COMMIT_EXCLUSIVE:
    default:
      /* Last resort: claim the name with an exclusive create, then
       * replace our own empty placeholder. */
      fd = openat (dir_fd, to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0)
        return -1;
      close (fd);
      if (renameat (AT_FDCWD, from, dir_fd, to) == 0)
        return 0;
      saved_errno = errno;
      unlinkat (dir_fd, to, 0);
      errno = saved_errno;
      return -1;
    }
}

typedef int (*CommitFunc) (gpointer    data,
                           int         dir_fd,
                           const char *to);

/* The next number worth trying per name in a folder, learnt from the
 * commits of this process: the k-th copy of a name then costs two
 * attempts (the name itself, then the remembered variant) instead of k.
 * Only a hint: the file system still decides every name atomically, so
 * another writer, a stale entry or a folder emptied meanwhile cost extra
 * attempts, never a replaced file. Bounded: a full table starts over. */
#define HINTS_MAX     1024
/* Misses in a row before skipping ahead by existence checks (a folder
 * that already held many copies when this process started). */
#define LINEAR_PROBES 64

static GMutex      hints_lock;
static GHashTable *hints;          /* "folder/name" → GUINT_TO_POINTER (next) */
static gint        attempts;       /* file-system calls made to find names */

static guint
hint_lookup (const char *key)
{
  guint next;

  g_mutex_lock (&hints_lock);
  next = hints ? GPOINTER_TO_UINT (g_hash_table_lookup (hints, key)) : 0;
  g_mutex_unlock (&hints_lock);

  return next;
}

static void
hint_store (const char *key,
            guint       next)
{
  g_mutex_lock (&hints_lock);
  if (hints == NULL)
    hints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Racing commits of one name only ever move it forward. */
  if (GPOINTER_TO_UINT (g_hash_table_lookup (hints, key)) < next)
    {
      if (g_hash_table_size (hints) >= HINTS_MAX && !g_hash_table_contains (hints, key))
        g_hash_table_remove_all (hints);
      g_hash_table_insert (hints, g_strdup (key), GUINT_TO_POINTER (next));
    }
  g_mutex_unlock (&hints_lock);
}

/* Forgets every hint, as a new process would start (for tests). */
void
ph_commit_forget_hints (void)
{
  g_mutex_lock (&hints_lock);
  g_clear_pointer (&hints, g_hash_table_unref);
  g_mutex_unlock (&hints_lock);
}

/* As if copies up to @next - 1 of @name had been committed in
 * @directory by this process (for tests). */
void
ph_commit_remember (GFile      *directory,
                    const char *name,
                    guint       next)
{
  g_autofree char *key = g_build_filename (g_file_peek_path (directory), name, NULL);

  hint_store (key, next);
}

/* How many times a name was tried or looked up so far (for tests). */
guint
ph_commit_get_attempts (void)
{
  return (guint) g_atomic_int_get (&attempts);
}

static void
count_attempt (void)
{
  g_atomic_int_inc (&attempts);
}

static gboolean
variant_exists (int         dir_fd,
                const char *name,
                guint       n)
{
  g_autofree char *candidate = ph_naming_variant (name, n);
  struct stat st;

  count_attempt ();
  /* Any doubt counts as free: the attempt that follows tells. */
  return fstatat (dir_fd, candidate, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A number from @start on whose variant does not exist now: past the
 * run of taken ones by doubling steps, then halving (a few look-ups
 * where trying them one by one would take thousands). */
static guint
skip_taken (int         dir_fd,
            const char *name,
            guint       start)
{
  guint lo = start, hi, step = 1;

  if (!variant_exists (dir_fd, name, start))
    return start;

  for (;;)
    {
      if (step > G_MAXUINT - lo)
        return G_MAXUINT;
      hi = lo + step;
      if (!variant_exists (dir_fd, name, hi))
        break;
      lo = hi;
      step *= 2;
    }

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (variant_exists (dir_fd, name, mid))
        lo = mid;
      else
        hi = mid;
    }

  return hi;
}

/* The variants' number of digits PH_NAMING_VARIANT_BYTES leaves room
 * for: " (99999)". */
#define BUDGETED_DIGITS 5

static guint
count_digits (guint n)
{
  guint digits = 1;

  while (n >= 10)
    {
      n /= 10;
      digits++;
    }

  return digits;
}

/* Tries @name, then its numbered variants from the one remembered for
 * it, in the folder @dir_fd (which is @directory) with @func, which
 * returns 0 or -1 with errno set (EEXIST: the name is taken). */
static GFile *
commit_loop_at (int          dir_fd,
                GFile       *directory,
                const char  *name,
                CommitFunc   func,
                gpointer     data,
                GError     **error)
{
  g_autofree char *key = NULL;
  g_autofree char *shortened = NULL;
  g_autofree char *dir_display = NULL;
  const char *dir_path = g_file_peek_path (directory);
  const char *stem = name;
  guint misses = 0;
  guint n = 1;

  for (;;)
    {
      g_autofree char *candidate = ph_naming_variant (stem, n);
      int saved_errno;

      count_attempt ();
      if (func (data, dir_fd, candidate) == 0)
        {
          if (n > 1)
            hint_store (key, n + 1);
          return g_file_get_child (directory, candidate);
        }

      saved_errno = errno;

      /* A name as long as the budget allows has room for five digits
       * (ph_naming_budget()); past copy 99,999 it gives up characters
       * for more, keeping its extension. */
      if (saved_errno == ENAMETOOLONG && count_digits (n) > BUDGETED_DIGITS &&
          stem == name && strlen (name) >= (10 - BUDGETED_DIGITS) + 2 * 16)
        {
          /* Digits never grow past ten: one shortening covers them all. */
          shortened = ph_naming_truncate (name, strlen (name) - (10 - BUDGETED_DIGITS));
          stem = shortened;
          continue;
        }

      if (saved_errno != EEXIST)
        {
          dir_display = g_file_get_parse_name (directory);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not save “%s” in “%s”: %s"),
                       candidate, dir_display, g_strerror (saved_errno));
          return NULL;
        }

      if (n == G_MAXUINT)
        break;

      if (n == 1)
        {
          /* The name itself is always tried first: in a folder emptied
           * meanwhile the file gets its own name back. */
          key = g_build_filename (dir_path ? dir_path : "", name, NULL);
          n = MAX (hint_lookup (key), 2);
        }
      else if (++misses % LINEAR_PROBES == 0)
        n = skip_taken (dir_fd, stem, n + 1);
      else
        n++;
    }

  dir_display = g_file_get_parse_name (directory);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("Could not save “%s” in “%s”: %u files with this name exist already"),
               name, dir_display, G_MAXUINT);
  return NULL;
}

/* commit_loop_at() in @directory, opened by its path; or in @dir_fd,
 * which is @directory, when it is not -1. */
static GFile *
commit_loop (int          dir_fd,
             GFile       *directory,
             const char  *name,
             CommitFunc   func,
             gpointer     data,
             GError     **error)
{
  g_autofree char *dir_path = NULL;
  g_autofree char *dir_display = NULL;
  GFile *result;

  if (dir_fd >= 0)
    return commit_loop_at (dir_fd, directory, name, func, data, error);

  dir_path = g_file_get_path (directory);
  if (dir_path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Files can only be received into a local folder"));
      return NULL;
    }
  dir_display = g_filename_display_name (dir_path);

  dir_fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open the folder “%s”: %s"),
                   dir_display, g_strerror (saved_errno));
      return NULL;
    }

  result = commit_loop_at (dir_fd, directory, name, func, data, error);
  close (dir_fd);
  return result;
}

typedef struct
{
  PhCommitMethod method;
  const char          *from;
} PathCommit;

static int
commit_path_cb (gpointer    data,
                int         dir_fd,
                const char *to)
{
  PathCommit *commit = data;

  return commit_once (&commit->method, commit->from, dir_fd, to);
}

/* The commit of a finished file known by its path, by @method first. */
static GFile *
commit_path (GFile                *temporary,
             int                   dir_fd,
             GFile                *directory,
             const char           *name,
             PhCommitMethod  method,
             GError              **error)
{
  g_autofree char *from = NULL;
  PathCommit commit = { method, NULL };

  g_return_val_if_fail (G_IS_FILE (temporary), NULL);
  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (name != NULL && *name != '\0' && strchr (name, '/') == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  from = g_file_get_path (temporary);
  if (from == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Files can only be received into a local folder"));
      return NULL;
    }
  commit.from = from;

  return commit_loop (dir_fd, directory, name, commit_path_cb, &commit, error);
}

/**
 * ph_commit_at:
 * @temporary: the finished file, on the file system of @directory
 * @dir_fd: @directory, open, or -1 to open it by its path
 * @directory: the receive folder, or a folder in it
 * @name: the wanted name (sanitised, prefix included)
 * @error: return location for a #GError
 *
 * ph_commit() into a folder reached without following links
 * (see ph_folders_open()).
 *
 * Returns: (transfer full): the file's final location, or %NULL
 */
GFile *
ph_commit_at (GFile       *temporary,
                     int          dir_fd,
                     GFile       *directory,
                     const char  *name,
                     GError     **error)
{
  return commit_path (temporary, dir_fd, directory, name, PH_COMMIT_RENAME, error);
}

/**
 * ph_commit_with:
 * @temporary: the finished file, in @directory
 * @directory: the receive folder
 * @name: the wanted name (sanitised, prefix included)
 * @method: the first method to try; the next ones are used when the file
 *   system does not support it (tests force each one this way)
 * @error: return location for a #GError
 *
 * See ph_commit().
 *
 * Returns: (transfer full): the file's final location, or %NULL
 */
GFile *
ph_commit_with (GFile                *temporary,
                       GFile                *directory,
                       const char           *name,
                       PhCommitMethod  method,
                       GError              **error)
{
  return commit_path (temporary, -1, directory, name, method, error);
}

/* Whether linkat (AT_EMPTY_PATH) works here: it needs
 * CAP_DAC_READ_SEARCH. Learnt from the first attempt. */
static gint empty_path_works = -1;

static int
link_fd_cb (gpointer    data,
            int         dir_fd,
            const char *to)
{
  int fd = GPOINTER_TO_INT (data);
  char proc_path[64];

  if (g_atomic_int_get (&empty_path_works) != 0)
    {
      if (linkat (fd, "", dir_fd, to, AT_EMPTY_PATH) == 0)
        {
          g_atomic_int_set (&empty_path_works, 1);
          return 0;
        }
      /* Without the capability the kernel answers ENOENT. */
      if (errno != ENOENT || g_atomic_int_get (&empty_path_works) == 1)
        return -1;
      g_atomic_int_set (&empty_path_works, 0);
    }

  g_snprintf (proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
  return linkat (AT_FDCWD, proc_path, dir_fd, to, AT_SYMLINK_FOLLOW);
}

/**
 * ph_commit_fd:
 * @fd: an unnamed file (open (O_TMPFILE) without O_EXCL) on the file
 *   system of @directory
 * @dir_fd: @directory, open, or -1 to open it by its path
 * @directory: the receive folder, or a folder in it
 * @name: the wanted name (sanitised, prefix included)
 * @error: return location for a #GError
 *
 * Gives the unnamed file @fd the name @name in @directory, or the first
 * free numbered variant of it, with linkat(), which never replaces an
 * existing file: the file system decides atomically, as in
 * ph_commit(). Needs CAP_DAC_READ_SEARCH or a mounted /proc.
 *
 * Returns: (transfer full): the file's final location, or %NULL
 */
GFile *
ph_commit_fd (int          fd,
                     int          dir_fd,
                     GFile       *directory,
                     const char  *name,
                     GError     **error)
{
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (name != NULL && *name != '\0' && strchr (name, '/') == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return commit_loop (dir_fd, directory, name, link_fd_cb, GINT_TO_POINTER (fd), error);
}

/**
 * ph_commit:
 * @temporary: the finished file, in @directory
 * @directory: the receive folder
 * @name: the wanted name (sanitised, prefix included)
 * @error: return location for a #GError
 *
 * Moves @temporary to @directory/@name, or to the first free numbered
 * variant of it. Never replaces an existing file and never checks before
 * renaming: the file system decides atomically (renameat2() with
 * RENAME_NOREPLACE, else link() + unlink(), else an exclusive create), so
 * concurrent transfers of one name always end in distinct files.
 *
 * Returns: (transfer full): the file's final location, or %NULL
 */
GFile *
ph_commit (GFile       *temporary,
                  GFile       *directory,
                  const char  *name,
                  GError     **error)
{
  return ph_commit_with (temporary, directory, name,
                                PH_COMMIT_RENAME, error);
}
