/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-commit.h"
#include "ph-naming.h"
#include "ph-part-file-private.h"

#define STAGING_TEMPLATE PH_PART_PREFIX "XXXXXX" PH_PART_STAGING_SUFFIX
/* Tries at a named part file; each failure is a cleaner racing us. */
#define MAX_ATTEMPTS 16

struct _PhPartFile
{
  int   fd;
  char *path;       /* NULL while unnamed */
  gboolean committed;
};

static mode_t
file_mode (void)
{
  static gsize once;
  static mode_t mode;

  if (g_once_init_enter (&once))
    {
      mode_t mask = umask (022);

      umask (mask);
      mode = 0666 & ~mask;
      g_once_init_leave (&once, 1);
    }

  return mode;
}

/* Naming an unnamed file takes /proc/self/fd (or a capability most
 * receivers lack): without /proc, keep a name from the start. Tests
 * set POSTHOUSE_NO_TMPFILE to take the path of file systems without
 * O_TMPFILE. */
static gboolean
unnamed_allowed (void)
{
  static gsize once;
  static gboolean proc;

  if (g_getenv ("POSTHOUSE_NO_TMPFILE") != NULL)
    return FALSE;

  if (g_once_init_enter (&once))
    {
      proc = access ("/proc/self/fd", X_OK) == 0;
      g_once_init_leave (&once, 1);
    }

  return proc;
}

static gboolean
create_failed (const char  *dir_path,
               int          errsv,
               GError     **error)
{
  g_autofree char *display = g_filename_display_name (dir_path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Could not create a file in “%s”: %s"), display, g_strerror (errsv));
  return FALSE;
}

/* A name the cleaner never takes while we hold the lock: the lock
 * comes first, under a staging name the cleaner removes only unlocked,
 * and only then the ".part" name. */
static gboolean
create_named (PhPartFile  *self,
              const char  *dir_path,
              GError     **error)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir_path);

  for (guint attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
    {
      g_autofree char *staging = g_build_filename (dir_path, STAGING_TEMPLATE, NULL);
      g_autofree char *part_name = NULL;
      g_autoptr(GFile) staging_file = NULL;
      g_autoptr(GFile) part = NULL;
      g_autoptr(GError) local_error = NULL;
      int fd = g_mkstemp_full (staging, O_RDWR | O_CLOEXEC, 0600);

      if (fd < 0)
        return create_failed (dir_path, errno, error);

      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          struct stat st;

          /* Held already: a cleaner got there between the two calls
           * and removes it. Still there, or another error: the file
           * system does not lock (the document portal's answers
           * EAGAIN), so no cleaner can take it from us either. */
          if (errno == EWOULDBLOCK && fstat (fd, &st) == 0 && st.st_nlink == 0)
            {
              close (fd);
              continue;
            }
        }

      {
        g_autofree char *base = g_path_get_basename (staging);

        base[strlen (base) - strlen (PH_PART_STAGING_SUFFIX)] = '\0';
        part_name = g_strconcat (base, PH_PART_SUFFIX, NULL);
      }
      staging_file = g_file_new_for_path (staging);
      part = ph_commit (staging_file, directory, part_name, &local_error);
      if (part != NULL)
        {
          self->fd = fd;
          self->path = g_file_get_path (part);
          return TRUE;
        }

      close (fd);
      /* Removed by a cleaner before we locked it: take another. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_unlink (staging);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return create_failed (dir_path, EAGAIN, error);
}

/**
 * ph_part_file_create_at:
 * @dir_path: the receive folder
 * @dir_fd: the folder the file will be committed into (the receive
 *   folder or one of its folders), or -1 for @dir_path
 *
 * An unnamed part file sits in the folder it ends in (linkat() cannot
 * cross file systems); a named one always in the receive folder, where
 * ph_part_file_clean_leftovers() looks.
 *
 * Returns: (transfer full): an empty part file, or %NULL with a
 *   G_IO_ERROR whose message names the folder
 */
PhPartFile *
ph_part_file_create_at (const char  *dir_path,
                        int          dir_fd,
                        GError     **error)
{
  g_autoptr(PhPartFile) self = g_new0 (PhPartFile, 1);

  g_return_val_if_fail (dir_path != NULL, NULL);

  self->fd = -1;

  if (unnamed_allowed ())
    {
      /* Nobody can open it by a name: it takes the mode a new file
       * gets here (the umask, or the folder's default ACL) at once. */
      self->fd = dir_fd >= 0 ? openat (dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0666)
                             : open (dir_path, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
      if (self->fd >= 0)
        return g_steal_pointer (&self);

      /* Whatever the reason (EOPNOTSUPP, EISDIR from an old kernel,
       * EAGAIN from the document portal's FUSE folder, ...), a named
       * part file may still work, and says why if it does not. */
    }

  if (!create_named (self, dir_path, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * ph_part_file_create:
 * @dir_path: the receive folder
 *
 * Returns: (transfer full): an empty part file in @dir_path, or %NULL
 *   with a G_IO_ERROR whose message names the folder
 */
PhPartFile *
ph_part_file_create (const char  *dir_path,
                     GError     **error)
{
  return ph_part_file_create_at (dir_path, -1, error);
}

int
ph_part_file_get_fd (PhPartFile *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->fd;
}

/* Returns: whether nothing of it can outlive the process */
gboolean
ph_part_file_is_unnamed (PhPartFile *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->path == NULL;
}

/**
 * ph_part_file_commit_at:
 * @dir_fd: @directory, open (as ph_part_file_create_at() was given it),
 *   or -1 to open it by its path
 * @directory: the folder the file goes into
 * @name: the wanted name
 *
 * Gives the complete file the mode a new file gets here and puts it in
 * place under @name or a numbered variant, never replacing a file (see
 * ph_commit()).
 *
 * Returns: (transfer full): the final location, or %NULL
 */
GFile *
ph_part_file_commit_at (PhPartFile  *self,
                        int          dir_fd,
                        GFile       *directory,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GFile) part = NULL;
  GFile *final;

  g_return_val_if_fail (self != NULL && !self->committed, NULL);

  /* A named one was private while it was incomplete. */
  if (self->path != NULL)
    fchmod (self->fd, file_mode ());

  if (self->path == NULL)
    final = ph_commit_fd (self->fd, dir_fd, directory, name, error);
  else
    {
      part = g_file_new_for_path (self->path);
      final = ph_commit_at (part, dir_fd, directory, name, error);
    }

  self->committed = final != NULL;
  return final;
}

/**
 * ph_part_file_commit:
 * @directory: the folder @self was created in
 * @name: the wanted name
 *
 * Returns: (transfer full): the final location, or %NULL
 */
GFile *
ph_part_file_commit (PhPartFile  *self,
                     GFile       *directory,
                     const char  *name,
                     GError     **error)
{
  return ph_part_file_commit_at (self, -1, directory, name, error);
}

/* Closes it; a part file that was not committed goes away. */
void
ph_part_file_free (PhPartFile *self)
{
  if (self == NULL)
    return;

  if (self->path != NULL && !self->committed)
    g_unlink (self->path);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self);
}

static gboolean
is_part_name (const char *name)
{
  return g_str_has_prefix (name, PH_PART_PREFIX) &&
         (g_str_has_suffix (name, PH_PART_SUFFIX) || g_str_has_suffix (name, PH_PART_STAGING_SUFFIX));
}

/**
 * ph_part_file_clean_leftovers:
 * @dir_path: a receive folder
 *
 * Removes the named part files that a killed receiver left in
 * @dir_path: those nobody holds a lock on.
 *
 * Returns: how many files were removed
 */
guint
ph_part_file_clean_leftovers (const char *dir_path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;
  int dir_fd;

  g_return_val_if_fail (dir_path != NULL, 0);

  dir = g_dir_open (dir_path, 0, NULL);
  dir_fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir == NULL || dir_fd < 0)
    {
      if (dir_fd >= 0)
        close (dir_fd);
      return 0;
    }

  while ((name = g_dir_read_name (dir)))
    {
      struct stat st, now;
      int fd;

      if (!is_part_name (name))
        continue;

      fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        continue;

      /* Only our own kind: a regular file still under this name. */
      if (flock (fd, LOCK_EX | LOCK_NB) == 0 &&
          fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
          fstatat (dir_fd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
          now.st_dev == st.st_dev && now.st_ino == st.st_ino &&
          unlinkat (dir_fd, name, 0) == 0)
        count++;
      close (fd);
    }

  close (dir_fd);
  return count;
}
