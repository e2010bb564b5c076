/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#include <gio/gio.h>

#include "ph-disk-space-private.h"

struct _PhDiskSpaceClaim
{
  PhDiskSpace *space;
  int      fd;
  gint64   size;
  gint64   reserved;       /* bytes from offset 0 that fallocate() holds */
  gboolean cannot_reserve; /* the file system has no fallocate(): writing will tell */
  gboolean checked;        /* whether reserving is worth it was looked at */
};

/* tmpfs (linux/magic.h): its pages are memory, allocated by the write
 * that fills them; fallocate() would zero each one first, a quarter of
 * a fast receiver's time, and hold nothing a write does not. */
#define TMPFS_MAGIC_NUMBER 0x01021994

struct _PhDiskSpace
{
  GMutex      lock;
  char       *path;      /* what the cache is about */
  gint64      at;        /* monotonic µs; 0: nothing cached */
  PhDiskFacts facts;     /* as the file system said then */
  gint64      reserved;  /* bytes our claims reserved since */
  gint64      files;     /* files our transfers made since */
};

PhDiskSpace *
ph_disk_space_new (void)
{
  PhDiskSpace *self = g_atomic_rc_box_new0 (PhDiskSpace);

  g_mutex_init (&self->lock);
  return self;
}

PhDiskSpace *
ph_disk_space_ref (PhDiskSpace *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
disk_space_clear (PhDiskSpace *self)
{
  g_mutex_clear (&self->lock);
  g_free (self->path);
}

void
ph_disk_space_unref (PhDiskSpace *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) disk_space_clear);
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

/* The cached facts, less what our own transfers took since. */
static PhDiskFacts
effective (PhDiskSpace *self)
{
  PhDiskFacts facts = self->facts;

  if (facts.free_bytes >= 0)
    facts.free_bytes = MAX (0, facts.free_bytes - self->reserved);
  if (facts.free_files >= 0)
    facts.free_files = MAX (0, facts.free_files - self->files);
  return facts;
}

/**
 * ph_disk_space_check:
 * @path: the receive folder
 * @bytes: the size of a file about to come
 * @files: the inodes it needs
 * @facts: (out): what is free, for @bytes and @files to be held against
 * @errsv: (out) (optional): errno when the folder cannot be asked
 *
 * Like ph_disk_space_query(), from facts at most PH_DISK_SPACE_MAX_AGE
 * old (counted down by what this receiver reserved and made since),
 * fresh ones when @bytes or @files would take more than half of what
 * is left: a refusal is always decided on fresh facts.
 *
 * Returns: whether @facts was filled in
 */
gboolean
ph_disk_space_check (PhDiskSpace *self,
                     const char  *path,
                     gint64       bytes,
                     gint64       files,
                     PhDiskFacts *facts,
                     int         *errsv)
{
  gint64 now = g_get_monotonic_time ();
  gboolean fresh;

  g_return_val_if_fail (self != NULL && path != NULL && facts != NULL, FALSE);

  g_mutex_lock (&self->lock);
  fresh = self->at == 0 || now - self->at > PH_DISK_SPACE_MAX_AGE ||
          g_strcmp0 (self->path, path) != 0;
  if (!fresh)
    {
      *facts = effective (self);
      fresh = (facts->free_bytes >= 0 && bytes > facts->free_bytes / 2) ||
              (facts->free_files >= 0 && files > facts->free_files / 2);
    }
  if (fresh)
    {
      PhDiskFacts asked;

      if (!ph_disk_space_query (self, path, &asked, errsv))
        {
          self->at = 0;
          g_mutex_unlock (&self->lock);
          return FALSE;
        }
      self->facts = asked;
      self->at = now;
      self->reserved = self->files = 0;
      if (g_strcmp0 (self->path, path) != 0)
        {
          g_free (self->path);
          self->path = g_strdup (path);
        }
      *facts = asked;
    }
  g_mutex_unlock (&self->lock);

  return TRUE;
}

/* A transfer made a file (an inode) in the cached folder. */
void
ph_disk_space_note_file (PhDiskSpace *self)
{
  g_mutex_lock (&self->lock);
  self->files++;
  g_mutex_unlock (&self->lock);
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
  claim->space = self;
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

  /* A small file goes to the disk in one or two writes: reserving it
   * first would be a system call for nothing (a full disk fails the
   * write just as well). */
  if (claim->size <= PH_DISK_SPACE_SMALL ||
      claim->cannot_reserve || claim->reserved >= claim->size ||
      claim->reserved - done >= PH_DISK_SPACE_LOOKAHEAD / 2)
    return TRUE;

  if (!claim->checked)
    {
      struct statfs fs;

      claim->checked = TRUE;
      if (fstatfs (claim->fd, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NUMBER)
        {
          claim->cannot_reserve = TRUE;
          return TRUE;
        }
    }

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
  g_mutex_lock (&claim->space->lock);
  claim->space->reserved += target - claim->reserved;
  g_mutex_unlock (&claim->space->lock);
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
