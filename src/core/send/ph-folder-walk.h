/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_FOLDER_WALK (ph_folder_walk_get_type ())

/* What the files given to send stand for: a folder for every file
 * inside it, whatever its depth, in the order of their paths; anything
 * else for itself. Walked in a thread. Nothing is left out silently:
 * what cannot be sent from a folder (a symbolic link, a device, a pipe,
 * a folder that cannot be read) is listed with the reason, and sending
 * it fails with that reason. */

G_DECLARE_FINAL_TYPE (PhFolderWalk, ph_folder_walk, PH, FOLDER_WALK, GObject)

PhFolderWalk  *ph_folder_walk_new                (void);
void           ph_folder_walk_add                (PhFolderWalk         *self,
                                                  GFile                *file,
                                                  const char           *label);
void           ph_folder_walk_run_async          (PhFolderWalk         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean       ph_folder_walk_run_finish         (PhFolderWalk         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
gboolean       ph_folder_walk_run                (PhFolderWalk         *self,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

guint          ph_folder_walk_get_n_files        (PhFolderWalk         *self);
guint          ph_folder_walk_get_n_folders      (PhFolderWalk         *self);
GStrv          ph_folder_walk_dup_empty_folders  (PhFolderWalk         *self);
char          *ph_folder_walk_dup_folder_name    (PhFolderWalk         *self);
GFile         *ph_folder_walk_get_file           (PhFolderWalk         *self,
                                                  guint                 position);
gint64         ph_folder_walk_get_size           (PhFolderWalk         *self,
                                                  guint                 position);
gboolean       ph_folder_walk_get_in_folder      (PhFolderWalk         *self,
                                                  guint                 position);
const GError  *ph_folder_walk_get_problem        (PhFolderWalk         *self,
                                                  guint                 position);
char          *ph_folder_walk_dup_path           (PhFolderWalk         *self,
                                                  guint                 position);
char          *ph_folder_walk_dup_label          (PhFolderWalk         *self,
                                                  guint                 position);
char          *ph_folder_walk_dup_folder         (PhFolderWalk         *self,
                                                  guint                 position);

G_END_DECLS
