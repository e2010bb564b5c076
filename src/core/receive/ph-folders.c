/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-folders-private.h"

struct _PhFolderUsers
{
  GMutex      lock;
  GHashTable *folders;   /* "A/B" as asked for → Folder */
};

/* A folder of ours, "@name" or its @n-th variant, in @dir_fd: made
 * when missing, merged into when it exists. A file, a symbolic link or
 * anything else under that name is left alone.
 * Returns: its descriptor, -1 with errno set (ENOTDIR: something else
 * holds the name) */
static int
open_or_make (int         dir_fd,
              const char *name,
              gboolean   *created)
{
  *created = FALSE;
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      /* O_NOFOLLOW: a symbolic link is never a way out of the folder. */
      int fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (fd >= 0)
        return fd;
      if (errno == ELOOP)
        errno = ENOTDIR;
      if (errno != ENOENT)
        return -1;

      /* Another transfer may make it at the same moment: then merge. */
      if (mkdirat (dir_fd, name, 0777) == 0)
        *created = TRUE;
      else if (errno != EEXIST)
        return -1;
    }

  errno = ENOTDIR;
  return -1;
}

/* How many folders "A/B/C" names. */
guint
ph_folders_count (const char *folders)
{
  guint n = 1;

  g_return_val_if_fail (folders != NULL, 0);

  for (const char *p = folders; *p; p++)
    n += *p == '/';
  return n;
}

/**
 * ph_folders_existing:
 * @root_fd: the receive folder
 * @folders: the relative folders of a sanitised path ("Holiday/Day 1")
 *
 * Walks @folders below @root_fd as far as they exist as plain folders
 * (O_NOFOLLOW), making nothing.
 *
 * Returns: the descriptor of the deepest one (a copy of @root_fd when
 *   none exists), or -1 with errno set
 */
int
ph_folders_existing (int         root_fd,
                     const char *folders)
{
  g_auto(GStrv) components = NULL;
  int fd;

  g_return_val_if_fail (root_fd >= 0 && folders != NULL, -1);

  fd = fcntl (root_fd, F_DUPFD_CLOEXEC, 0);
  components = g_strsplit (folders, "/", -1);
  for (guint i = 0; fd >= 0 && components[i] != NULL; i++)
    {
      int next = openat (fd, components[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (next < 0)
        break;
      close (fd);
      fd = next;
    }

  return fd;
}

void
ph_folders_made_clear (PhFoldersMade *made)
{
  g_clear_pointer (&made->paths, g_ptr_array_unref);
  g_clear_pointer (&made->levels, g_array_unref);
}

static void
record_made (PhFoldersMade *made,
             const char    *parent,
             const char    *name,
             guint          level)
{
  if (made == NULL)
    return;

  if (made->paths == NULL)
    {
      made->paths = g_ptr_array_new_with_free_func (g_free);
      made->levels = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  g_ptr_array_add (made->paths, *parent ? g_strconcat (parent, "/", name, NULL) : g_strdup (name));
  g_array_append_val (made->levels, level);
}

/**
 * ph_folders_make:
 * @root_fd: the receive folder
 * @root: the same, for the locations and messages
 * @folders: the relative folders of a sanitised path ("Holiday/Day 1"),
 *   components separated by '/', none empty, "." or ".."
 * @folder: (out) (transfer full): where the file goes
 * @made: (out caller-allocates) (optional): the folders made here, for
 *   ph_folders_unmake(); clear it with ph_folders_made_clear()
 *
 * Walks @folders below @root_fd with openat (O_NOFOLLOW | O_DIRECTORY),
 * making what is missing: an existing folder is merged into; a name
 * that a file or a symbolic link holds gets the first free numbered
 * variant ("Holiday (2)"), so nothing is ever written through a link
 * or over a file.
 *
 * Returns: the descriptor of the last folder (the caller closes it),
 *   or -1 with @error (PH_ERROR_NO_SPACE when the file system has no
 *   room for another folder)
 */
int
ph_folders_make (int             root_fd,
                 GFile          *root,
                 const char     *folders,
                 GFile         **folder,
                 PhFoldersMade  *made,
                 GError        **error)
{
  g_auto(GStrv) components = NULL;
  g_autoptr(GFile) location = NULL;
  g_autoptr(GString) relative = g_string_new (NULL);
  int fd = root_fd;

  g_return_val_if_fail (root_fd >= 0, -1);
  g_return_val_if_fail (G_IS_FILE (root), -1);
  g_return_val_if_fail (folders != NULL && folder != NULL, -1);

  components = g_strsplit (folders, "/", -1);
  location = g_object_ref (root);

  for (guint i = 0; components[i] != NULL; i++)
    {
      int next = -1;
      int saved_errno = 0;
      gboolean created = FALSE;
      g_autofree char *name = NULL;

      g_return_val_if_fail (*components[i] != '\0' && strcmp (components[i], "..") != 0 &&
                            strcmp (components[i], ".") != 0, -1);

      for (guint n = 1; n <= PH_FOLDERS_MAX_VARIANTS && next < 0; n++)
        {
          g_free (name);
          name = n == 1 ? g_strdup (components[i]) : g_strdup_printf ("%s (%u)", components[i], n);
          next = open_or_make (fd, name, &created);
          saved_errno = errno;
          if (next < 0 && saved_errno != ENOTDIR)
            break;
        }

      if (fd != root_fd)
        close (fd);

      if (next < 0)
        {
          g_autofree char *where = g_file_get_parse_name (location);

          if (saved_errno == ENOTDIR)
            g_set_error (error, PH_ERROR, PH_ERROR_FOLDER,
                         _("Could not make the folder “%s” in “%s”: %u files of that name are in the way"),
                         components[i], where, PH_FOLDERS_MAX_VARIANTS);
          else if (saved_errno == ENOSPC || saved_errno == EDQUOT)
            g_set_error (error, PH_ERROR, PH_ERROR_NO_SPACE,
                         _("Could not make the folder “%s” in “%s”: the disk has no room for "
                           "another folder"), name, where);
          else
            g_set_error (error, PH_ERROR, PH_ERROR_FOLDER,
                         _("Could not make the folder “%s” in “%s”: %s"),
                         name, where, g_strerror (saved_errno));
          return -1;
        }

      if (created)
        record_made (made, relative->str, name, i);
      if (relative->len > 0)
        g_string_append_c (relative, '/');
      g_string_append (relative, name);

      fd = next;
      {
        GFile *child = g_file_get_child (location, name);

        g_object_unref (location);
        location = child;
      }
    }

  *folder = g_steal_pointer (&location);
  return fd == root_fd ? fcntl (root_fd, F_DUPFD_CLOEXEC, 0) : fd;
}

/* The first @level + 1 components of @folders. */
static char *
folders_prefix (const char *folders,
                guint       level)
{
  const char *end = folders;

  for (guint i = 0; end != NULL && i <= level; i++)
    {
      end = strchr (end, '/');
      if (end != NULL && i < level)
        end++;
    }

  return end ? g_strndup (folders, end - folders) : g_strdup (folders);
}

/* Users of folders */

typedef struct
{
  guint  users;
  char  *made;   /* the folder this receiver made for the path, while nothing is committed under it */
} Folder;

static void
folder_free (gpointer data)
{
  Folder *folder = data;

  g_free (folder->made);
  g_free (folder);
}

PhFolderUsers *
ph_folder_users_new (void)
{
  PhFolderUsers *self = g_atomic_rc_box_new0 (PhFolderUsers);

  g_mutex_init (&self->lock);
  self->folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, folder_free);
  return self;
}

PhFolderUsers *
ph_folder_users_ref (PhFolderUsers *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
folder_users_clear (PhFolderUsers *self)
{
  g_mutex_clear (&self->lock);
  g_hash_table_unref (self->folders);
}

void
ph_folder_users_unref (PhFolderUsers *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) folder_users_clear);
}

/* Counts the caller a user of "A", "A/B" and "A/B/C" of @folders
 * "A/B/C", from the start of its data phase. */
void
ph_folder_users_enter (PhFolderUsers *self,
                       const char    *folders)
{
  guint n = ph_folders_count (folders);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < n; i++)
    {
      char *key = folders_prefix (folders, i);
      Folder *folder = g_hash_table_lookup (self->folders, key);

      if (folder == NULL)
        {
          folder = g_new0 (Folder, 1);
          g_hash_table_insert (self->folders, key, folder);
        }
      else
        g_free (key);
      folder->users++;
    }
  g_mutex_unlock (&self->lock);
}

/* The caller made @made for @folders: they go again with their last
 * user unless a file is committed under them first. */
void
ph_folder_users_made (PhFolderUsers *self,
                      const char    *folders,
                      PhFoldersMade *made)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; made->paths != NULL && i < made->paths->len; i++)
    {
      g_autofree char *key = folders_prefix (folders, g_array_index (made->levels, guint, i));
      Folder *folder = g_hash_table_lookup (self->folders, key);

      if (folder != NULL)
        {
          g_free (folder->made);
          folder->made = g_strdup (made->paths->pdata[i]);
        }
    }
  g_mutex_unlock (&self->lock);
}

/* A file is in place under @folders: they stay. */
void
ph_folder_users_committed (PhFolderUsers *self,
                           const char    *folders)
{
  guint n = ph_folders_count (folders);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = folders_prefix (folders, i);
      Folder *folder = g_hash_table_lookup (self->folders, key);

      if (folder != NULL)
        g_clear_pointer (&folder->made, g_free);
    }
  g_mutex_unlock (&self->lock);
}

/* The caller is done with @folders. The last user of a folder this
 * receiver made, with nothing committed under it, removes it (deepest
 * first, and only while empty: rmdir). */
void
ph_folder_users_leave (PhFolderUsers *self,
                       const char    *folders,
                       const char    *root_path)
{
  guint n = ph_folders_count (folders);
  int root_fd = -1;

  g_mutex_lock (&self->lock);
  for (guint i = n; i-- > 0;)
    {
      g_autofree char *key = folders_prefix (folders, i);
      Folder *folder = g_hash_table_lookup (self->folders, key);

      if (folder == NULL || --folder->users > 0)
        continue;

      if (folder->made != NULL)
        {
          if (root_fd < 0)
            root_fd = open (root_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (root_fd >= 0 && unlinkat (root_fd, folder->made, AT_REMOVEDIR) != 0)
            g_debug ("Left the folder %s: %s", folder->made, g_strerror (errno));
        }
      g_hash_table_remove (self->folders, key);
    }
  g_mutex_unlock (&self->lock);

  if (root_fd >= 0)
    close (root_fd);
}
