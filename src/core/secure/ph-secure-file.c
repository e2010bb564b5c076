/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-folders-private.h"
#include "ph-incoming-private.h"
#include "ph-naming.h"
#include "ph-part-file-private.h"
#include "ph-secure-file-private.h"

struct _PhSecureFolder
{
  GFile       *directory;
  char        *path;
  char        *display;
  char        *prefix;
  gsize        budget;      /* bytes for a sender's file name */
  int          fd;
  PhDiskSpace *space;
};

struct _PhSecureFile
{
  PhSecureFolder   *folder;
  PhPartFile       *part;
  PhDiskSpaceClaim *claim;
  GFile            *directory;  /* where it goes: the folder, or one of a path */
  int               dir_fd;     /* -1 for the receive folder itself */
  char             *name;       /* as cleaned, for messages */
  char             *save_name;  /* prefix + its own name, within the budget */
  gint64            size;
  gint64            done;
};

/**
 * ph_secure_folder_new:
 * @directory: the receive folder
 * @prefix: (nullable): what goes before every name
 * @space: (nullable): the receiver's space claims, shared with its other
 *   transfers; NULL for claims of this folder's own
 *
 * Returns: (transfer full) (nullable): the folder, or NULL with
 *   PH_ERROR_FOLDER or PH_ERROR_PREFIX
 */
PhSecureFolder *
ph_secure_folder_new (GFile        *directory,
                      const char   *prefix,
                      PhDiskSpace  *space,
                      GError      **error)
{
  g_autoptr(PhSecureFolder) folder = g_new0 (PhSecureFolder, 1);

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  folder->fd = -1;
  folder->directory = g_object_ref (directory);
  folder->display = g_file_get_parse_name (directory);
  folder->path = g_file_get_path (directory);
  folder->prefix = g_strdup (prefix ? prefix : "");
  folder->space = space ? ph_disk_space_ref (space) : ph_disk_space_new ();

  if (folder->path == NULL)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("“%s” is not a local folder"),
                   folder->display);
      return NULL;
    }

  folder->fd = open (folder->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder->fd < 0)
    {
      int errsv = errno;

      g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("Could not open the folder “%s”: %s"),
                   folder->display, g_strerror (errsv));
      return NULL;
    }

  if (!ph_incoming_name_budget (directory, prefix, &folder->budget, error))
    return NULL;

  return g_steal_pointer (&folder);
}

void
ph_secure_folder_free (PhSecureFolder *folder)
{
  if (folder == NULL)
    return;

  if (folder->fd >= 0)
    close (folder->fd);
  g_clear_object (&folder->directory);
  g_clear_pointer (&folder->space, ph_disk_space_unref);
  g_free (folder->path);
  g_free (folder->display);
  g_free (folder->prefix);
  g_free (folder);
}

/**
 * ph_secure_file_open:
 * @name: the sanitised name: a plain name, or "Folder/name"
 * @size: the announced size (a negative one is refused)
 *
 * Makes the folders of a path, a part file, and claims @size.
 *
 * Returns: (transfer full) (nullable): the file being written, or NULL
 *   with PH_ERROR_FOLDER, PH_ERROR_NO_SPACE or PH_ERROR_NEGATIVE_SIZE
 */
PhSecureFile *
ph_secure_file_open (PhSecureFolder  *folder,
                     const char      *name,
                     gint64           size,
                     GError         **error)
{
  g_autoptr(PhSecureFile) file = g_new0 (PhSecureFile, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *short_name = NULL;
  const char *slash;

  g_return_val_if_fail (folder != NULL && name != NULL, NULL);

  if (size < 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_NEGATIVE_SIZE,
                   _("“%s” was announced with a negative size; refused"), name);
      return NULL;
    }

  /* A declared size is a claim, not a reservation (SPEC, Admission):
   * refused only when it cannot fit, before anything is made. */
  {
    PhDiskFacts facts;

    if (ph_disk_space_check (folder->space, folder->path, size, 1, &facts, NULL) &&
        facts.free_bytes >= 0 && size > facts.free_bytes)
      {
        g_autofree char *size_text = g_format_size (size);

        g_set_error (error, PH_ERROR, PH_ERROR_NO_SPACE,
                     _("Not enough space in “%s” for “%s” (%s); refused"),
                     folder->display, name, size_text);
        return NULL;
      }
  }

  file->folder = folder;
  file->dir_fd = -1;
  file->name = g_strdup (name);
  file->size = size;
  slash = strrchr (name, '/');
  short_name = ph_naming_truncate (slash ? slash + 1 : name, folder->budget);
  file->save_name = g_strconcat (folder->prefix, short_name, NULL);

  if (slash != NULL)
    {
      g_autofree char *folders = g_strndup (name, slash - name);

      file->dir_fd = ph_folders_make (folder->fd, folder->directory, folders, &file->directory,
                                      NULL, error);
      if (file->dir_fd < 0)
        return NULL;
    }
  else
    file->directory = g_object_ref (folder->directory);

  file->part = ph_part_file_create_at (folder->path, file->dir_fd >= 0 ? file->dir_fd : folder->fd,
                                       &local_error);
  if (file->part == NULL)
    {
      /* Its message names the folder already. */
      g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, local_error->message);
      return NULL;
    }

  /* Space held as the data arrives (ph_secure_file_write()). */
  file->claim = ph_disk_space_claim (folder->space, ph_part_file_get_fd (file->part), size);

  return g_steal_pointer (&file);
}

gboolean
ph_secure_file_write (PhSecureFile  *file,
                      const guint8  *data,
                      gsize          len,
                      GError       **error)
{
  int fd;

  g_return_val_if_fail (file != NULL && file->part != NULL, FALSE);

  if (file->done + (gint64) len > file->size)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_FILE_CHANGED,
                   _("More bytes than announced arrived for “%s”"), file->name);
      return FALSE;
    }

  if (!ph_disk_space_claim_advance (file->claim, file->done, error))
    return FALSE;

  fd = ph_part_file_get_fd (file->part);
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int errsv = n < 0 ? errno : ENOSPC;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not save “%s”: %s"), file->name, g_strerror (errsv));
          return FALSE;
        }
      data += n;
      len -= n;
      file->done += n;
    }

  return TRUE;
}

/**
 * ph_secure_file_commit:
 * @relative_name: (out) (transfer full): the final name below the
 *   receive folder ("photo (2).jpg", "Holiday/photo.jpg")
 *
 * Returns: (transfer full) (nullable): where the complete file now is
 */
GFile *
ph_secure_file_commit (PhSecureFile  *file,
                       char         **relative_name,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GFile *final;

  g_return_val_if_fail (file != NULL && file->part != NULL, NULL);
  g_return_val_if_fail (relative_name != NULL, NULL);

  if (file->done != file->size)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_SHORT, _("“%s” is incomplete"), file->name);
      return NULL;
    }

  final = ph_part_file_commit_at (file->part, file->dir_fd >= 0 ? file->dir_fd : file->folder->fd,
                                  file->directory, file->save_name, &local_error);
  if (final == NULL)
    {
      /* Its message names the file and the folder already. */
      g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, local_error->message);
      return NULL;
    }

  *relative_name = g_file_get_relative_path (file->folder->directory, final);
  if (*relative_name == NULL)
    *relative_name = g_file_get_basename (final);

  return final;
}

/* A file not committed leaves nothing behind. */
void
ph_secure_file_free (PhSecureFile *file)
{
  if (file == NULL)
    return;

  /* Before the part file closes: the claim looks at it. */
  if (file->claim != NULL)
    ph_disk_space_release (file->folder->space, file->claim);
  g_clear_pointer (&file->part, ph_part_file_free);
  if (file->dir_fd >= 0)
    close (file->dir_fd);
  g_clear_object (&file->directory);
  g_free (file->name);
  g_free (file->save_name);
  g_free (file);
}
