/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>

#include <gio/gio.h>

#include "ph-disk-space-private.h"

struct _PhDiskSpaceClaim
{
  int      fd;
  gint64   size;
  gint64   reserved;       /* bytes from offset 0 that fallocate() holds */
  gboolean cannot_reserve; /* the file system has no fallocate(): writing will tell */
};

struct _PhDiskSpace
{
  int unused;
};

PhDiskSpace *
ph_disk_space_new (void)
{
  return g_atomic_rc_box_new0 (PhDiskSpace);
}

PhDiskSpace *
ph_disk_space_ref (PhDiskSpace *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
ph_disk_space_unref (PhDiskSpace *self)
{
  g_atomic_rc_box_release (self);
}

/**
 * ph_disk_space_query:
 * @path: a folder
 * @facts: (out): what its file system has free
 * @errsv: (out) (optional): errno when it cannot be asked
 *
 * Returns: whether @facts was filled in
 */
gboolean
ph_disk_space_query (PhDiskSpace *self,
                     const char  *path,
                     PhDiskFacts *facts,
                     int         *errsv)
{
  struct statvfs st;

  g_return_val_if_fail (self != NULL && path != NULL && facts != NULL, FALSE);

  if (statvfs (path, &st) != 0)
    {
      if (errsv)
        *errsv = errno;
      return FALSE;
    }

  /* A tmpfs without a size limit reports no blocks at all, and one
   * without an inode limit (or a file system that makes inodes on
   * demand, as btrfs does) no inodes. */
  facts->free_bytes = st.f_blocks > 0
                      ? (gint64) MIN ((guint64) st.f_bavail * st.f_frsize, (guint64) G_MAXINT64)
                      : -1;
  facts->free_files = st.f_files > 0 ? (gint64) MIN (st.f_favail, (guint64) G_MAXINT64) : -1;

  return TRUE;
}

/**
 * ph_disk_space_claim:
 * @fd: the empty file that will hold @size bytes
 *
 * Holds nothing yet: ph_disk_space_claim_advance() reserves as the data
 * arrives.
 *
 * Returns: (transfer full): the claim, for ph_disk_space_release()
 */
PhDiskSpaceClaim *
ph_disk_space_claim (PhDiskSpace *self,
                     int          fd,
                     gint64       size)
{
  PhDiskSpaceClaim *claim;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (fd >= 0 && size >= 0, NULL);

  claim = g_new0 (PhDiskSpaceClaim, 1);
  claim->fd = fd;
  claim->size = size;

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
                             gint64             done,
                             GError           **error)
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

/* Returns: bytes from the start of the file reserved so far */
gint64
ph_disk_space_claim_get_reserved (PhDiskSpaceClaim *claim)
{
  g_return_val_if_fail (claim != NULL, 0);

  return claim->reserved;
}

/* Gives @claim back; call it before closing its file (closing an
 * uncommitted part file frees what it held). */
void
ph_disk_space_release (PhDiskSpace      *self,
                       PhDiskSpaceClaim *claim)
{
  g_return_if_fail (self != NULL);

  g_free (claim);
}
