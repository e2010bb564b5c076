/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who is alive to finish a running batch. Each open history holds an
 * exclusive lock on a file of its own in "<database>-owners/" for as
 * long as it lives; the kernel lets go of it when the program dies,
 * however it dies. A lock that can be taken belongs to nobody. Locks,
 * not process ids: the app in its sandbox and the CLI outside it do not
 * see each other's processes, and ids are reused. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-error.h"
#include "ph-history-private.h"

#define TMP_PREFIX ".new-"

struct _PhHistoryOwner
{
  char *id;
  char *path;
  int   fd;
};

static char *
owners_folder (const char *db_path)
{
  return g_strconcat (db_path, "-owners", NULL);
}

/* An owner id is our own uuid: nothing else is ever opened there. */
static gboolean
is_owner_id (const char *name)
{
  return g_uuid_string_is_valid (name);
}

PhHistoryOwner *
ph_history_owner_new (const char  *db_path,
                      GError     **error)
{
  g_autofree char *folder = owners_folder (db_path);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *tmp = NULL;
  PhHistoryOwner *owner;
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
                   _("Could not make the folder %s: %s"), folder, g_strerror (saved));
      return NULL;
    }

  /* Locked before it has its name: whoever sees the name finds it held. */
  tmp = g_strdup_printf ("%s/" TMP_PREFIX "%s", folder, id);
  fd = open (tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;
      g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
                   _("Could not open the history: %s"), g_strerror (saved));
      if (fd >= 0)
        {
          close (fd);
          g_unlink (tmp);
        }
      return NULL;
    }

  owner = g_new0 (PhHistoryOwner, 1);
  owner->id = g_steal_pointer (&id);
  owner->path = g_build_filename (folder, owner->id, NULL);
  owner->fd = fd;
  if (g_rename (tmp, owner->path) != 0)
    {
      int saved = errno;
      g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
                   _("Could not open the history: %s"), g_strerror (saved));
      g_unlink (tmp);
      g_clear_pointer (&owner->path, g_free);
      ph_history_owner_free (owner);
      return NULL;
    }

  return owner;
}

const char *
ph_history_owner_get_id (PhHistoryOwner *owner)
{
  return owner->id;
}

void
ph_history_owner_free (PhHistoryOwner *owner)
{
  if (owner == NULL)
    return;

  /* Unlinked while still held: nobody can take it for a dead one. */
  if (owner->path != NULL)
    g_unlink (owner->path);
  close (owner->fd);
  g_free (owner->path);
  g_free (owner->id);
  g_free (owner);
}

/* Whether the owner @owner_id is gone (its lock file removed then). */
gboolean
ph_history_owner_is_gone (const char *db_path,
                          const char *owner_id)
{
  g_autofree char *folder = owners_folder (db_path);
  g_autofree char *path = NULL;
  gboolean gone;
  int fd;

  if (!is_owner_id (owner_id))
    return TRUE;

  path = g_build_filename (folder, owner_id, NULL);
  fd = open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT;

  gone = flock (fd, LOCK_EX | LOCK_NB) == 0;
  if (gone)
    g_unlink (path);
  close (fd);

  return gone;
}

/* Removes the lock files of owners that are gone (killed ones leave
 * theirs behind). */
void
ph_history_owner_sweep (const char *db_path)
{
  g_autofree char *folder = owners_folder (db_path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (is_owner_id (name))
        ph_history_owner_is_gone (db_path, name);
      else if (g_str_has_prefix (name, TMP_PREFIX) && is_owner_id (name + strlen (TMP_PREFIX)))
        {
          /* Left by a program killed while it made its own; one being
           * made right now is young (and held a moment later). */
          g_autofree char *path = g_build_filename (folder, name, NULL);
          int fd = open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
          GStatBuf st;

          if (fd >= 0 && g_stat (path, &st) == 0 && st.st_mtime < time (NULL) - 60 &&
              flock (fd, LOCK_EX | LOCK_NB) == 0)
            g_unlink (path);
          if (fd >= 0)
            close (fd);
        }
    }
}
