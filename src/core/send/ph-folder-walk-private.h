/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* PhFolderWalk is split in two: ph-folder-walk.c the object, what was
 * given and what was found; ph-folder-walk-read.c the reading of one
 * folder. */

/* A file found, or given. */
typedef struct
{
  GFile   *file;
  char    *below;      /* its path below the folder given, NULL for what was given */
  GError  *problem;    /* why it cannot be sent, or NULL */
  gint64   size;       /* -1 when unknown */
  guint    given;      /* the index of what it was found in */
} PhWalkEntry;

/* A folder still to read. */
typedef struct
{
  GFile   *dir;
  char    *below;      /* as PhWalkEntry's */
} PhWalkPending;

void     ph_walk_entry_clear   (PhWalkEntry    *entry);
void     ph_walk_pending_free  (PhWalkPending  *pending);
gboolean ph_walk_first_visit   (GHashTable     *seen,
                                guint32         device,
                                guint64         inode);
gboolean ph_walk_read_folder   (PhWalkPending  *dir,
                                guint           given,
                                GArray         *found,
                                GPtrArray      *pending,
                                GHashTable     *seen,
                                GCancellable   *cancellable,
                                GError        **error);

G_END_DECLS
