/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhFolderWalk's reading of one folder. Through GIO for any folder; a
 * local one with readdir() and a stat beside it (fstatat() on the
 * folder's descriptor): no GFileInfo and no path looked up from the
 * root per file, which was most of the cost of a walk of 100,000
 * small files. Both say the same: a link is never followed, and
 * whatever is not a regular file is named with the reason. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-folder-walk-private.h"

#define ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_NAME "," \
                   G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
                   G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                   G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
                   G_FILE_ATTRIBUTE_UNIX_INODE

void
ph_walk_entry_clear (PhWalkEntry *entry)
{
  g_clear_object (&entry->file);
  g_clear_pointer (&entry->below, g_free);
  g_clear_error (&entry->problem);
}

void
ph_walk_pending_free (PhWalkPending *pending)
{
  g_object_unref (pending->dir);
  g_free (pending->below);
  g_free (pending);
}

/* A folder met twice (a bind mount inside itself) is walked once. */
gboolean
ph_walk_first_visit (GHashTable *seen,
                     guint32     device,
                     guint64     inode)
{
  return g_hash_table_add (seen, g_strdup_printf ("%u:%" G_GUINT64_FORMAT, device, inode));
}

static char *
below_of (PhWalkPending *dir,
          const char    *name)
{
  return dir->below != NULL ? g_strconcat (dir->below, "/", name, NULL) : g_strdup (name);
}

/* Takes @child and @problem. */
static void
add_found (GArray  *found,
           GFile   *child,
           char    *below,
           guint    given,
           gint64   size,
           GError  *problem)
{
  PhWalkEntry entry = { child, below, problem, size, given };

  g_array_append_val (found, entry);
}

static void
add_pending (GPtrArray *pending,
             GFile     *dir,
             char      *below)
{
  PhWalkPending *item = g_new (PhWalkPending, 1);

  item->dir = dir;
  item->below = below;
  g_ptr_array_add (pending, item);
}

static GError *
unreadable (GQuark      domain,
            int         code,
            const char *message)
{
  /* Translators: %s says why (from the system) */
  return g_error_new (domain, code, _("Not sent: this folder could not be read: %s"), message);
}

/* One entry of a folder, by its type. Takes @child and @below. */
static void
add_child (guint          given,
           GArray        *found,
           GPtrArray     *pending,
           GFileType      type,
           GFile         *child,
           char          *below,
           gint64         size,
           gboolean       first_visit)
{
  switch (type)
    {
    case G_FILE_TYPE_REGULAR:
      add_found (found, child, below, given, size, NULL);
      break;

    case G_FILE_TYPE_DIRECTORY:
      if (first_visit)
        add_pending (pending, child, below);
      else
        {
          g_object_unref (child);
          g_free (below);
        }
      break;

    case G_FILE_TYPE_SYMBOLIC_LINK:
      add_found (found, child, below, given, -1,
                 g_error_new_literal (PH_ERROR, PH_ERROR_NOT_REGULAR,
                                      _("Not sent: a symbolic link (links inside a folder are not followed)")));
      break;

    case G_FILE_TYPE_UNKNOWN:
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    default:
      add_found (found, child, below, given, -1,
                 g_error_new_literal (PH_ERROR, PH_ERROR_NOT_REGULAR,
                                      _("Not sent: not a regular file (a device, a pipe or a socket)")));
      break;
    }
}

static gboolean
read_gio (PhWalkPending  *dir,
          guint           given,
          GArray         *found,
          GPtrArray      *pending,
          GHashTable     *seen,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (dir->dir, ATTRIBUTES, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                        cancellable, &local_error);
  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      gboolean first = TRUE;

      if (children == NULL || !g_file_enumerator_iterate (children, &info, &child, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          add_found (found, g_object_ref (dir->dir), g_strdup (dir->below), given, -1,
                     unreadable (local_error->domain, local_error->code, local_error->message));
          return TRUE;
        }
      if (info == NULL)
        return TRUE;

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY &&
          g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_INODE))
        first = ph_walk_first_visit (seen,
                                     g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                                     g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));
      add_child (given, found, pending, g_file_info_get_file_type (info), g_object_ref (child),
                 below_of (dir, g_file_info_get_name (info)), g_file_info_get_size (info), first);
    }
}

static GFileType
type_of_mode (mode_t mode)
{
  if (S_ISREG (mode))
    return G_FILE_TYPE_REGULAR;
  if (S_ISDIR (mode))
    return G_FILE_TYPE_DIRECTORY;
  if (S_ISLNK (mode))
    return G_FILE_TYPE_SYMBOLIC_LINK;

  return G_FILE_TYPE_SPECIAL;
}

static GFileType
type_of_dirent (unsigned char d_type)
{
  switch (d_type)
    {
    case DT_REG:
      return G_FILE_TYPE_REGULAR;
    case DT_DIR:
      return G_FILE_TYPE_DIRECTORY;
    case DT_LNK:
      return G_FILE_TYPE_SYMBOLIC_LINK;
    case DT_UNKNOWN:
      return G_FILE_TYPE_UNKNOWN;
    default:
      return G_FILE_TYPE_SPECIAL;
    }
}

static gboolean
read_local (PhWalkPending  *dir,
            const char     *path,
            guint           given,
            GArray         *found,
            GPtrArray      *pending,
            GHashTable     *seen,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autoptr(GString) child = g_string_new (path);
  DIR *stream = NULL;
  gsize dir_len;
  int fd;

  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 || (stream = fdopendir (fd)) == NULL)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      add_found (found, g_object_ref (dir->dir), g_strdup (dir->below), given, -1,
                 unreadable (G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv)));
      return TRUE;
    }

  /* Each child's path is built here: g_file_get_child() would build it
   * again with g_build_filename(), a cost per file. */
  if (child->len == 0 || child->str[child->len - 1] != '/')
    g_string_append_c (child, '/');
  dir_len = child->len;

  for (;;)
    {
      struct dirent *entry;
      struct stat st;
      GFileType type;
      gint64 size = -1;
      gboolean first = TRUE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          closedir (stream);
          return FALSE;
        }

      errno = 0;
      entry = readdir (stream);
      if (entry == NULL)
        {
          int errsv = errno;

          if (errsv != 0)
            add_found (found, g_object_ref (dir->dir), g_strdup (dir->below), given, -1,
                       unreadable (G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv)));
          break;
        }
      if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0)
        continue;

      /* A size for a file, an identity for a folder, a type where the
       * folder does not say; a link and a pipe need nothing more. */
      type = type_of_dirent (entry->d_type);
      if (type == G_FILE_TYPE_REGULAR || type == G_FILE_TYPE_DIRECTORY || type == G_FILE_TYPE_UNKNOWN)
        {
          if (fstatat (dirfd (stream), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            {
              type = type_of_mode (st.st_mode);
              if (type == G_FILE_TYPE_REGULAR)
                size = st.st_size;
              else if (type == G_FILE_TYPE_DIRECTORY)
                first = ph_walk_first_visit (seen, (guint32) st.st_dev, st.st_ino);
            }
          /* Gone since it was listed, as GIO skips it. */
          else if (errno == ENOENT)
            continue;
          /* Otherwise the engine says what is wrong when it opens it. */
        }

      g_string_truncate (child, dir_len);
      g_string_append (child, entry->d_name);
      add_child (given, found, pending, type, g_file_new_for_path (child->str),
                 below_of (dir, entry->d_name), size, first);
    }

  closedir (stream);
  return TRUE;
}

/**
 * ph_walk_read_folder:
 * @found: (element-type PhWalkEntry): where its files go, and a problem
 *   for the folder when it cannot be read
 * @pending: (element-type PhWalkPending): where the folders in it go
 * @seen: the folders met, by device and inode
 *
 * Returns: %FALSE only when cancelled
 */
gboolean
ph_walk_read_folder (PhWalkPending  *dir,
                     guint           given,
                     GArray         *found,
                     GPtrArray      *pending,
                     GHashTable     *seen,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autofree char *path = g_file_is_native (dir->dir) ? g_file_get_path (dir->dir) : NULL;

  if (path != NULL)
    return read_local (dir, path, given, found, pending, seen, cancellable, error);

  return read_gio (dir, given, found, pending, seen, cancellable, error);
}
