/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Space for the files one receiver writes at the same time. Before a
 * byte is read, each temporary file claims its full size, so that two
 * transfers racing for the last free space cannot both run the disk
 * full. Elsewhere fallocate() does it; on tmpfs, where fallocate()
 * allocates and zeroes every page up front, an in-process count of
 * what running transfers still need does. Thread-safe. */

typedef struct _PhSpace PhSpace;

PhSpace *ph_space_new     (void);
PhSpace *ph_space_ref     (PhSpace *self);
void     ph_space_unref   (PhSpace *self);
gboolean ph_space_reserve (PhSpace *self,
                           int      fd,
                           gint64   size);
void     ph_space_release (PhSpace *self,
                           int      fd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhSpace, ph_space_unref)

G_END_DECLS
