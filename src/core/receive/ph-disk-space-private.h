/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Space for the files one receiver writes at the same time.
 *
 * Before a byte is read, a transfer claims its full size against the
 * free space minus what the other claims on that file system still
 * need, so that two transfers racing for the last free space cannot
 * both start. That is a count in this process: it holds nothing on the
 * disk. The disk itself is reserved (fallocate) only a bounded
 * distance ahead of the data that arrived, PH_DISK_SPACE_LOOKAHEAD, on
 * every file system: a peer that announces a huge file and then sends
 * a trickle holds that much at most, never everyone else's free space.
 * Thread-safe; a claim belongs to the thread that writes its file. */

#define PH_DISK_SPACE_LOOKAHEAD ((gint64) 32 * 1024 * 1024)

typedef struct _PhDiskSpace PhDiskSpace;
typedef struct _PhDiskSpaceClaim PhDiskSpaceClaim;

PhDiskSpace      *ph_disk_space_new           (void);
PhDiskSpace      *ph_disk_space_ref           (PhDiskSpace       *self);
void          ph_disk_space_unref         (PhDiskSpace       *self);
PhDiskSpaceClaim *ph_disk_space_claim         (PhDiskSpace       *self,
                                      int            fd,
                                      gint64         size);
gboolean      ph_disk_space_claim_advance (PhDiskSpaceClaim  *claim,
                                      gint64         done,
                                      GError       **error);
void          ph_disk_space_release       (PhDiskSpace       *self,
                                      PhDiskSpaceClaim  *claim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhDiskSpace, ph_disk_space_unref)

G_END_DECLS
