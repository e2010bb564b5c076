/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The file a transfer writes before it is complete. Where the file
 * system can (open (O_TMPFILE)), it has no name at all until
 * ph_part_file_commit() links it into place, so a crash or a kill
 * leaves nothing behind. Elsewhere it is a hidden, recognisable
 * ".posthouse-XXXXXX.part", locked before it takes that name: an
 * unlocked one is the leftover of a receiver that was killed, for
 * ph_part_file_clean_leftovers() to remove. Not thread-safe: one
 * thread owns a part file. */

#define PH_PART_PREFIX ".posthouse-"
#define PH_PART_SUFFIX ".part"
/* A named part file's first name, until it holds its lock. */
#define PH_PART_STAGING_SUFFIX ".new"

typedef struct _PhPartFile PhPartFile;

PhPartFile *ph_part_file_create          (const char  *dir_path,
                                          GError     **error);
PhPartFile *ph_part_file_create_at       (const char  *dir_path,
                                          int          dir_fd,
                                          GError     **error);
int         ph_part_file_get_fd          (PhPartFile  *self);
gboolean    ph_part_file_is_unnamed      (PhPartFile  *self);
GFile      *ph_part_file_commit          (PhPartFile  *self,
                                          GFile       *directory,
                                          const char  *name,
                                          GError     **error);
GFile      *ph_part_file_commit_at       (PhPartFile  *self,
                                          int          dir_fd,
                                          GFile       *directory,
                                          const char  *name,
                                          GError     **error);
void        ph_part_file_free            (PhPartFile  *self);
guint       ph_part_file_clean_leftovers (const char  *dir_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhPartFile, ph_part_file_free)

G_END_DECLS
