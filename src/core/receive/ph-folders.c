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

/* A folder of ours, "@name" or its @n-th variant, in @dir_fd: made
 * when missing, merged into when it exists. A file, a symbolic link or
 * anything else under that name is left alone.
 * Returns: its descriptor, -1 with errno set (ENOTDIR: something else
 * holds the name) */
static int
open_or_make (int         dir_fd,
              const char *name)
{
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
      if (mkdirat (dir_fd, name, 0777) != 0 && errno != EEXIST)
        return -1;
    }

  errno = ENOTDIR;
  return -1;
}

/**
 * ph_folders_open:
 * @root_fd: the receive folder
 * @root: the same, for the locations and messages
 * @folders: the relative folders of a sanitised path ("Holiday/Day 1"),
 *   components separated by '/', none empty, "." or ".."
 * @folder: (out) (transfer full): where the file goes
 *
 * Walks @folders below @root_fd with openat (O_NOFOLLOW | O_DIRECTORY),
 * making what is missing: an existing folder is merged into; a name
 * that a file or a symbolic link holds gets the first free numbered
 * variant ("Holiday (2)"), so nothing is ever written through a link
 * or over a file.
 *
 * Returns: the descriptor of the last folder (the caller closes it),
 *   or -1 with @error
 */
int
ph_folders_open (int          root_fd,
                 GFile       *root,
                 const char  *folders,
                 GFile      **folder,
                 GError     **error)
{
  g_auto(GStrv) components = NULL;
  g_autoptr(GFile) location = NULL;
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
      g_autofree char *name = NULL;

      g_return_val_if_fail (*components[i] != '\0' && strcmp (components[i], "..") != 0 &&
                            strcmp (components[i], ".") != 0, -1);

      for (guint n = 1; n <= PH_FOLDERS_MAX_VARIANTS && next < 0; n++)
        {
          g_free (name);
          name = n == 1 ? g_strdup (components[i]) : g_strdup_printf ("%s (%u)", components[i], n);
          next = open_or_make (fd, name);
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
          else
            g_set_error (error, PH_ERROR, PH_ERROR_FOLDER,
                         _("Could not make the folder “%s” in “%s”: %s"),
                         name, where, g_strerror (saved_errno));
          return -1;
        }

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
