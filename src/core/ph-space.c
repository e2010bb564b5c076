/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "ph-space-private.h"

typedef struct
{
  int    fd;
  dev_t  dev;
  gint64 size;
} Claim;

struct _PhSpace
{
  GMutex  lock;
  GArray *claims;   /* Claim, one per temporary file on a tmpfs */
};

PhSpace *
ph_space_new (void)
{
  PhSpace *self = g_atomic_rc_box_new0 (PhSpace);

  g_mutex_init (&self->lock);
  self->claims = g_array_new (FALSE, FALSE, sizeof (Claim));

  return self;
}

PhSpace *
ph_space_ref (PhSpace *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
ph_space_clear (PhSpace *self)
{
  g_mutex_clear (&self->lock);
  g_array_unref (self->claims);
}

void
ph_space_unref (PhSpace *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) ph_space_clear);
}

/* What a claimed file still needs: its size minus what it holds. */
static gint64
still_needed (const Claim *claim)
{
  struct stat st;

  if (fstat (claim->fd, &st) != 0)
    return claim->size;

  return MAX (0, claim->size - (gint64) st.st_blocks * 512);
}

static gboolean
reserve_tmpfs (PhSpace             *self,
               int                  fd,
               gint64               size,
               const struct statfs *fs)
{
  Claim claim = { .fd = fd, .size = size };
  gint64 available;
  struct stat st;

  /* A tmpfs without a size limit reports no blocks at all. */
  if (fs->f_blocks == 0 || fstat (fd, &st) != 0)
    return TRUE;

  claim.dev = st.st_dev;
  available = (gint64) MIN ((guint64) fs->f_bavail * fs->f_bsize, (guint64) G_MAXINT64);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->claims->len; i++)
    {
      const Claim *other = &g_array_index (self->claims, Claim, i);

      if (other->dev == claim.dev)
        available -= still_needed (other);
    }
  if (available >= size)
    g_array_append_val (self->claims, claim);
  g_mutex_unlock (&self->lock);

  return available >= size;
}

/* Claims @size bytes for the empty file open as @fd.
 * Returns: FALSE when they do not fit (nothing is claimed then) */
gboolean
ph_space_reserve (PhSpace *self,
                  int      fd,
                  gint64   size)
{
  struct statfs fs;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);

  if (size <= 0)
    return TRUE;

  if (fstatfs (fd, &fs) == 0 && fs.f_type == TMPFS_MAGIC)
    return reserve_tmpfs (self, fd, size, &fs);

  /* Where fallocate() is not supported, nothing is reserved. */
  return fallocate (fd, 0, 0, size) == 0 || (errno != ENOSPC && errno != EFBIG);
}

/* Gives the claim of @fd back; call it before closing @fd. */
void
ph_space_release (PhSpace *self,
                  int      fd)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->claims->len; i++)
    if (g_array_index (self->claims, Claim, i).fd == fd)
      {
        g_array_remove_index_fast (self->claims, i);
        break;
      }
  g_mutex_unlock (&self->lock);
}
