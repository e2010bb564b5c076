/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <gio/gio.h>

#include "ph-disk-space-private.h"

struct _PhDiskSpaceClaim
{
  int      fd;
  dev_t    dev;
  gint64   size;
  gint64   reserved;       /* bytes from offset 0 that fallocate() holds */
  gboolean cannot_reserve; /* the file system has no fallocate() */
};

struct _PhDiskSpace
{
  GMutex     lock;
  GPtrArray *claims;   /* PhDiskSpaceClaim */
};

PhDiskSpace *
ph_disk_space_new (void)
{
  PhDiskSpace *self = g_atomic_rc_box_new0 (PhDiskSpace);

  g_mutex_init (&self->lock);
  self->claims = g_ptr_array_new_with_free_func (g_free);

  return self;
}

PhDiskSpace *
ph_disk_space_ref (PhDiskSpace *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
ph_disk_space_clear (PhDiskSpace *self)
{
  g_mutex_clear (&self->lock);
  g_ptr_array_unref (self->claims);
}

void
ph_disk_space_unref (PhDiskSpace *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) ph_disk_space_clear);
}

/* What a claimed file still needs: its size minus what it holds (data
 * and look-ahead, both already off the free space). */
static gint64
still_needed (const PhDiskSpaceClaim *claim)
{
  struct stat st;

  if (fstat (claim->fd, &st) != 0)
    return claim->size;

  return MAX (0, claim->size - (gint64) st.st_blocks * 512);
}

/**
 * ph_disk_space_claim:
 * @fd: the empty file that will hold @size bytes
 *
 * Returns: (nullable): the claim, or %NULL when @size does not fit
 *   beside what the other claims still need
 */
PhDiskSpaceClaim *
ph_disk_space_claim (PhDiskSpace *self,
                int      fd,
                gint64   size)
{
  PhDiskSpaceClaim *claim;
  struct statfs fs;
  struct stat st;
  gint64 available = G_MAXINT64;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (fd >= 0 && size >= 0, NULL);

  claim = g_new0 (PhDiskSpaceClaim, 1);
  claim->fd = fd;
  claim->size = size;

  if (fstat (fd, &st) == 0)
    claim->dev = st.st_dev;
  /* A tmpfs without a size limit reports no blocks at all. */
  if (fstatfs (fd, &fs) == 0 && fs.f_blocks > 0)
    available = (gint64) MIN ((guint64) fs.f_bavail * fs.f_bsize, (guint64) G_MAXINT64);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->claims->len; i++)
    {
      const PhDiskSpaceClaim *other = g_ptr_array_index (self->claims, i);

      if (other->dev == claim->dev)
        available -= still_needed (other);
    }
  if (available >= size)
    g_ptr_array_add (self->claims, claim);
  g_mutex_unlock (&self->lock);

  if (available < size)
    g_clear_pointer (&claim, g_free);

  return claim;
}

/**
 * ph_disk_space_claim_advance:
 * @done: bytes of the file written so far
 *
 * Keeps the disk reserved up to PH_DISK_SPACE_LOOKAHEAD ahead of @done
 * (never past the claimed size), in steps of half that.
 *
 * Returns: FALSE with G_IO_ERROR_NO_SPACE when the disk is full
 */
gboolean
ph_disk_space_claim_advance (PhDiskSpaceClaim  *claim,
                        gint64         done,
                        GError       **error)
{
  gint64 target;

  g_return_val_if_fail (claim != NULL, FALSE);

  if (claim->cannot_reserve || claim->reserved >= claim->size ||
      claim->reserved - done >= PH_DISK_SPACE_LOOKAHEAD / 2)
    return TRUE;

  target = MIN (claim->size, done + PH_DISK_SPACE_LOOKAHEAD);
  while (fallocate (claim->fd, FALLOC_FL_KEEP_SIZE, claim->reserved, target - claim->reserved) != 0)
    {
      int errsv = errno;

      if (errsv == EINTR)
        continue;
      if (errsv == ENOSPC || errsv == EFBIG || errsv == EDQUOT)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, g_strerror (errsv));
          return FALSE;
        }
      /* Nothing to reserve with: writing will tell. */
      claim->cannot_reserve = TRUE;
      return TRUE;
    }
  claim->reserved = target;

  return TRUE;
}

/* Gives @claim back; call it before closing its file. */
void
ph_disk_space_release (PhDiskSpace      *self,
                  PhDiskSpaceClaim *claim)
{
  g_return_if_fail (self != NULL);

  if (claim == NULL)
    return;

  g_mutex_lock (&self->lock);
  if (!g_ptr_array_remove_fast (self->claims, claim))
    g_free (claim);
  g_mutex_unlock (&self->lock);
}
