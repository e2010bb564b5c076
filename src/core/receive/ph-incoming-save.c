/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhIncoming, the file: the checks before a byte is read, then on a
 * worker thread the part file, the data, the sender's end of stream
 * and the commit under the final name, folders made only then. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-data-path.h"
#include "ph-error.h"
#include "ph-incoming-private.h"
#include "ph-naming.h"
#include "ph-part-file-private.h"
#include "ph-transfer-private.h"

/* Commits retried when a folder of the path vanished between making it
 * and linking the file into it (another program removed it). */
#define COMMIT_ATTEMPTS 3

/* The file's own name, without its folders. */
static const char *
file_name (PhIncoming *self)
{
  const char *slash = strrchr (self->name, '/');

  return slash ? slash + 1 : self->name;
}

/**
 * ph_incoming_name_budget:
 * @directory: the receive folder
 * @prefix: (nullable): what goes before every name
 * @budget: (out) (optional): bytes left for the sender's name
 *
 * Checks @prefix against the longest name the folder's file system
 * takes, leaving room for a numbered variant.
 *
 * Returns: FALSE with PH_ERROR_PREFIX when the prefix is too long
 */
gboolean
ph_incoming_name_budget (GFile       *directory,
                         const char  *prefix,
                         gsize       *budget,
                         GError     **error)
{
  g_autofree char *path = directory ? g_file_get_path (directory) : NULL;
  long name_max = path ? pathconf (path, _PC_NAME_MAX) : -1;
  gsize room;

  if (name_max <= 0)
    name_max = 255;

  room = ph_naming_budget (name_max, prefix);
  if (budget)
    *budget = room;
  if (room > 0)
    return TRUE;

  {
    g_autofree char *display = path ? g_filename_display_name (path) : g_strdup ("?");
    guint longest = (guint) MAX (0, name_max - PH_NAMING_VARIANT_BYTES - PH_NAMING_MIN_BYTES);

    g_set_error (error, PH_ERROR, PH_ERROR_PREFIX,
                 /* Translators: the prefix, a folder, then two byte counts */
                 _("The prefix “%s” is too long for “%s”: names there are limited to %u bytes, "
                   "so a prefix may have at most %u"),
                 prefix ? prefix : "", display, (guint) name_max, longest);
  }
  return FALSE;
}

/* g_autofd is GLib 2.76. */
static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

/**
 * ph_incoming_folder_new:
 * @directory: (nullable): the receive folder
 * @prefix: (nullable): what goes before every name
 *
 * Returns: (transfer full) (nullable): %NULL without a folder
 */
PhIncomingFolder *
ph_incoming_folder_new (GFile      *directory,
                        const char *prefix)
{
  PhIncomingFolder *folder;

  if (directory == NULL)
    return NULL;

  folder = g_atomic_rc_box_new0 (PhIncomingFolder);
  folder->directory = g_object_ref (directory);
  folder->path = g_file_get_path (directory);
  ph_incoming_name_budget (directory, prefix, &folder->name_budget, NULL);

  return folder;
}

PhIncomingFolder *
ph_incoming_folder_ref (PhIncomingFolder *folder)
{
  return g_atomic_rc_box_acquire (folder);
}

static void
folder_clear (PhIncomingFolder *folder)
{
  g_object_unref (folder->directory);
  g_free (folder->path);
}

void
ph_incoming_folder_unref (PhIncomingFolder *folder)
{
  g_atomic_rc_box_release_full (folder, (GDestroyNotify) folder_clear);
}

/* Whether the file and its folders fit: its size within the free
 * space, and an inode for it and for each folder it may need, where
 * the file system counts them. */
static GError *
check_space (PhIncoming *self,
             const char *dir)
{
  g_autofree char *dir_display = g_filename_display_name (dir);
  PhDiskFacts facts;
  gint64 files = 1 + (self->folders ? ph_folders_count (self->folders) : 0);
  int errsv = 0;

  if (!ph_disk_space_check (self->space, dir, self->size, files, &facts, &errsv))
    return g_error_new (PH_ERROR, PH_ERROR_FOLDER, _("Cannot use the folder “%s”: %s"),
                        dir_display, g_strerror (errsv));

  if (facts.free_bytes >= 0 && self->size > facts.free_bytes)
    {
      g_autofree char *size_str = g_format_size ((guint64) self->size);
      g_autofree char *free_str = g_format_size ((guint64) facts.free_bytes);

      return g_error_new (PH_ERROR, PH_ERROR_NO_SPACE,
                          _("“%s” from %s needs %s but only %s are free; refused"),
                          self->name, self->peer, size_str, free_str);
    }

  if (facts.free_files >= 0 && files > facts.free_files)
    return g_error_new (PH_ERROR, PH_ERROR_NO_SPACE,
                        /* Translators: a file name, a peer, a folder */
                        _("“%s” from %s: the file system of “%s” has no room for more files "
                          "(no free inodes); refused"),
                        self->name, self->peer, dir_display);

  return NULL;
}

/* Refusals that need no byte of data: a size that cannot be right or
 * cannot fit, a name that cannot be made. Returns: (nullable): why it
 * is refused */
GError *
ph_incoming_check (PhIncoming *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *short_name = NULL;

  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  if (self->size < 0)
    return g_error_new (PH_ERROR, PH_ERROR_NEGATIVE_SIZE,
                        _("%s announced “%s” with a negative size; refused"), self->peer, self->name);

  if (self->folder == NULL)
    return g_error_new_literal (PH_ERROR, PH_ERROR_FOLDER, _("No folder to save received files in"));

  /* The final name is known to fit before a byte is read. */
  if (self->folder->name_budget == 0 &&
      !ph_incoming_name_budget (self->directory, self->prefix, NULL, &error))
    return g_steal_pointer (&error);
  short_name = ph_naming_truncate (file_name (self), self->folder->name_budget);
  g_free (self->save_name);
  self->save_name = g_strconcat (self->prefix ? self->prefix : "", short_name, NULL);

  if (self->folder->path == NULL)
    {
      g_autofree char *display = g_file_get_parse_name (self->directory);

      return g_error_new (PH_ERROR, PH_ERROR_FOLDER, _("“%s” is not a local folder"), display);
    }

  return check_space (self, self->folder->path);
}

static GError *
explain_receive_error (PhIncoming *self,
                       GError     *error)
{
  g_autoptr(GError) owned = error;
  gint64 bytes_done = ph_transfer_get_bytes_done (self->transfer);
  g_autofree char *done = g_format_size (bytes_done);
  g_autofree char *size = g_format_size (self->size);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_SHORT))
    return g_error_new (PH_ERROR, PH_ERROR_SHORT,
                        _("The connection from %s ended after %s of %s; nothing was saved"),
                        self->peer, done, size);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION) && bytes_done == self->size)
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("%s gave up on “%s” after sending all of it; nothing was saved"),
                        self->peer, self->name);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("The connection from %s broke after %s of %s; nothing was saved"),
                        self->peer, done, size);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_FILE_CHANGED))
    return g_error_new (PH_ERROR, PH_ERROR_FILE_CHANGED,
                        _("%s sent more than the %s it announced for “%s”; nothing was saved"),
                        self->peer, size, self->name);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_TIMED_OUT))
    {
      guint seconds = (self->idle_timeout + 999) / 1000;

      return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%s sent nothing for %u second after %s of %s; nothing was saved",
                                       "%s sent nothing for %u seconds after %s of %s; nothing was saved",
                                       seconds),
                          self->peer, seconds, done, size);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return g_error_new (PH_ERROR, PH_ERROR_NO_SPACE,
                        _("The disk became full while receiving “%s”; nothing was saved"),
                        self->name);
  if (error->domain == PH_ERROR)
    return g_steal_pointer (&owned);

  return g_error_new (PH_ERROR, PH_ERROR_FOLDER, _("Could not save “%s”: %s"),
                      self->name, error->message);
}

static gboolean
reserve_cb (gpointer   data,
            gint64     done,
            GError   **error)
{
  return ph_disk_space_claim_advance (data, done, error);
}

/* Puts the complete part file in place: the folders of the path made
 * (or merged) now; if the file cannot follow, they go again with their
 * last user (ph_folder_users_leave()). */
static GFile *
commit (PhIncoming  *self,
        PhPartFile  *part,
        const char  *dir,
        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int root_fd __attribute__ ((cleanup (close_fd))) = -1;

  /* The folder as it is now, by its name: one removed or made read-only
   * meanwhile fails the commit. */
  if (self->folders == NULL)
    return ph_part_file_commit_at (part, -1, self->directory, self->save_name, error);

  root_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open the folder “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GFile) folder = NULL;
      PhFoldersMade made = { NULL };
      int folder_fd;
      GFile *file;

      g_clear_error (&local_error);
      folder_fd = ph_folders_make (root_fd, self->directory, self->folders, &folder, &made,
                                   &local_error);
      if (folder_fd >= 0)
        {
          file = ph_part_file_commit_at (part, folder_fd, folder, self->save_name, &local_error);
          close (folder_fd);
          if (file != NULL)
            {
              ph_folder_users_committed (self->folder_users, self->folders);
              ph_folders_made_clear (&made);
              return file;
            }
        }

      /* Taken away again with the last user, unless a file gets in. */
      ph_folder_users_made (self->folder_users, self->folders, &made);
      ph_folders_made_clear (&made);

      if (attempt == COMMIT_ATTEMPTS ||
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        break;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* The data phase, on a worker thread: part file, data, end of stream,
 * commit. Where the name becomes a file: the only place that turns
 * save_name into a path. */
static gboolean
save (PhIncoming    *self,
      const char    *dir,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autofree char *dir_display = g_filename_display_name (dir);
  g_autoptr(PhPartFile) part = NULL;
  g_autoptr(GError) local_error = NULL;
  int part_dir_fd __attribute__ ((cleanup (close_fd))) = -1;
  int sock = self->fd;
  PhDiskSpaceClaim *claim;
  PhDataPath pump;
  gboolean ok;

  /* Queued while others wrote: it must still fit now, before a byte. */
  if ((*error = check_space (self, dir)) != NULL)
    return FALSE;

  /* An unnamed part file waits where the file will be, as far as its
   * folders exist already: on the right file system, making nothing. */
  if (self->folders != NULL)
    {
      int root_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (root_fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("Could not open the folder “%s”: %s"),
                       dir_display, g_strerror (saved_errno));
          return FALSE;
        }
      part_dir_fd = ph_folders_existing (root_fd, self->folders);
      close (root_fd);
    }

  part = ph_part_file_create_at (dir, part_dir_fd, &local_error);
  if (part == NULL)
    {
      /* Its message names the folder already. */
      g_set_error_literal (error, PH_ERROR,
                           g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
                           ? PH_ERROR_NO_SPACE : PH_ERROR_FOLDER,
                           local_error->message);
      return FALSE;
    }

  ph_disk_space_note_file (self->space);
  claim = ph_disk_space_claim (self->space, ph_part_file_get_fd (part), self->size);
  ph_data_path_init (&pump, cancellable, self->transfer, self->idle_timeout);
  pump.reserve = reserve_cb;
  pump.reserve_data = claim;
  ok = ph_data_path_receive (&pump, sock, ph_part_file_get_fd (part), self->size, &local_error) &&
       ph_data_path_receive_end (&pump, sock, PH_INCOMING_EOF_GRACE_MS, &local_error);
  ph_data_path_clear (&pump);

  /* ph_data_path_receive_end() looked for a reset behind the end of
   * stream just now, as late as it can be: a sender that gave up does
   * not find its file saved. (One that gives up after this moment is
   * told it failed, and the file stays: the harmless way round.) */

  if (ok)
    {
      self->file = commit (self, part, dir, &local_error);
      if (self->file == NULL)
        {
          /* Its message names the file and the folder already. */
          g_set_error_literal (error, PH_ERROR,
                               g_error_matches (local_error, PH_ERROR, PH_ERROR_NO_SPACE)
                               ? PH_ERROR_NO_SPACE : PH_ERROR_FOLDER,
                               local_error->message);
          ok = FALSE;
        }
    }
  else
    g_propagate_error (error, explain_receive_error (self, g_steal_pointer (&local_error)));

  /* Before the part file closes: the claim looks at it. */
  ph_disk_space_release (self->space, claim);

  return ok;
}

/* A PhDataPathFunc: @task_data is the PhIncoming. */
gboolean
ph_incoming_save (gpointer       task_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  PhIncoming *self = task_data;
  const char *dir = self->folder->path;
  gboolean ok;

  /* From now on its folders are in use: a failing neighbour leaves them. */
  if (self->folders != NULL)
    ph_folder_users_enter (self->folder_users, self->folders);
  ok = save (self, dir, cancellable, error);
  if (self->folders != NULL)
    ph_folder_users_leave (self->folder_users, self->folders, dir);

  return ok;
}
