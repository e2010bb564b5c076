/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Space for the files a receiver writes (SPEC, Admission: a declared
 * size is a claim, not a reservation).
 *
 * A header is refused only when its size cannot fit the folder's free
 * space, or the file system has no inode left for it (where it counts
 * inodes). Nothing is held for the size a header declares: a transfer
 * holds on the disk what it has written plus a bounded look-ahead,
 * PH_DISK_SPACE_LOOKAHEAD, reserved (fallocate) as its data arrives. A
 * header that announces the whole disk therefore holds 32 MiB, not the
 * disk; and when the disk truly fills, the transfer whose look-ahead
 * cannot be reserved (or whose write fails) is the one that fails, not
 * its neighbours, which hold theirs already. Thread-safe. */

#define PH_DISK_SPACE_LOOKAHEAD ((gint64) 32 * 1024 * 1024)
/* Files up to this size are not reserved ahead: they are written at once. */
#define PH_DISK_SPACE_SMALL     ((gint64) 64 * 1024)

typedef struct _PhDiskSpace PhDiskSpace;
typedef struct _PhDiskSpaceClaim PhDiskSpaceClaim;

/* Free bytes and free inodes (for an unprivileged user); -1 where the
 * file system does not say (a tmpfs without a limit, inodes made on
 * demand). */
typedef struct
{
  gint64 free_bytes;
  gint64 free_files;
} PhDiskFacts;

/* The facts a receiver checks each header against are cached this
 * long (and counted down meanwhile by what its own transfers reserve
 * and create); a file that would take more than half of what is left
 * is checked against fresh ones. */
#define PH_DISK_SPACE_MAX_AGE (100 * G_TIME_SPAN_MILLISECOND)

PhDiskSpace      *ph_disk_space_new           (void);
PhDiskSpace      *ph_disk_space_ref           (PhDiskSpace       *self);
void              ph_disk_space_unref         (PhDiskSpace       *self);
gboolean          ph_disk_space_query         (PhDiskSpace       *self,
                                               const char        *path,
                                               PhDiskFacts       *facts,
                                               int               *errsv);
gboolean          ph_disk_space_check         (PhDiskSpace       *self,
                                               const char        *path,
                                               gint64             bytes,
                                               gint64             files,
                                               PhDiskFacts       *facts,
                                               int               *errsv);
void              ph_disk_space_note_file     (PhDiskSpace       *self);
PhDiskSpaceClaim *ph_disk_space_claim         (PhDiskSpace       *self,
                                               int                fd,
                                               gint64             size);
gboolean          ph_disk_space_claim_advance (PhDiskSpaceClaim  *claim,
                                               gint64             done,
                                               GError           **error);
gint64            ph_disk_space_claim_get_reserved (PhDiskSpaceClaim *claim);
void              ph_disk_space_release       (PhDiskSpace       *self,
                                               PhDiskSpaceClaim  *claim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhDiskSpace, ph_disk_space_unref)

G_END_DECLS
