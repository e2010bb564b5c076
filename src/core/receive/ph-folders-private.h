/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The folders of a received path (SPEC, Folder paths), made or merged
 * below the receive folder one component at a time, never through a
 * symbolic link.
 *
 * Nothing is left behind (SPEC, Admission): the folders are made only
 * when the file is committed, after all its data arrived; until then
 * its unnamed part file waits in the deepest folder of the path that
 * exists already (on the file system the file will be on). Each
 * transfer with a path counts itself a user of every folder of it
 * (PhFolderUsers) from the start of its data phase to its end; a
 * folder the receiver made goes again with its last user unless a
 * file was committed under it, deepest first — never while a parallel
 * transfer may still put its file there (its unnamed part file may
 * wait in it). rmdir only removes empty folders: one another program
 * filled meanwhile stays. */

/* Numbered variants tried for a folder name that a file or a symbolic
 * link holds already ("Holiday (2)"). */
#define PH_FOLDERS_MAX_VARIANTS 100

typedef struct _PhFolderUsers PhFolderUsers;

PhFolderUsers *ph_folder_users_new   (void);
PhFolderUsers *ph_folder_users_ref   (PhFolderUsers *self);
void           ph_folder_users_unref (PhFolderUsers *self);
void           ph_folder_users_enter (PhFolderUsers *self,
                                      const char    *folders);
void           ph_folder_users_leave (PhFolderUsers *self,
                                      const char    *folders,
                                      const char    *root_path);

/* The folders one commit made: which levels, under which names. */
typedef struct
{
  GPtrArray *paths;   /* char *: relative paths of the folders made, outermost first */
  GArray    *levels;  /* guint: the component each one is, 0 for the outermost */
} PhFoldersMade;

void ph_folders_made_clear (PhFoldersMade *made);

guint ph_folders_count    (const char     *folders);
int   ph_folders_existing (int             root_fd,
                           const char     *folders);
int   ph_folders_make     (int             root_fd,
                           GFile          *root,
                           const char     *folders,
                           GFile         **folder,
                           PhFoldersMade  *made,
                           GError        **error);

void  ph_folder_users_made      (PhFolderUsers  *self,
                                 const char     *folders,
                                 PhFoldersMade  *made);
void  ph_folder_users_committed (PhFolderUsers  *self,
                                 const char     *folders);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhFolderUsers, ph_folder_users_unref)

G_END_DECLS
