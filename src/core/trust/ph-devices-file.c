/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The list of devices on disk: what each operation does to the key
 * file, and the file's reading, locking and atomic writing.
 *
 * Readers take no lock: the file is only ever replaced whole by
 * rename(), so a reader sees the old list or the new one. Writers take
 * an exclusive flock() on a lock file beside it, read the list again,
 * apply their operations and rename the result into place, so that
 * the app and the CLI changing it at once lose nothing. A list that
 * cannot be read is moved aside (never deleted) under the same lock. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-devices-private.h"
#include "ph-error.h"
#include "ph-fingerprint.h"

void
ph_devices_op_free (PhDevicesOp *op)
{
  if (op == NULL)
    return;

  g_free (op->fingerprint);
  g_free (op->name);
  g_free (op->address);
  g_free (op->receiver_address);
  g_free (op->installation_id);
  g_free (op);
}

char *
ph_devices_group_name (const char *fingerprint)
{
  return g_strconcat (PH_DEVICES_GROUP_PREFIX, fingerprint, NULL);
}

/* Returns: (nullable): the fingerprint a device's group is named after */
const char *
ph_devices_group_fingerprint (const char *group)
{
  const char *fingerprint;

  if (!g_str_has_prefix (group, PH_DEVICES_GROUP_PREFIX))
    return NULL;

  fingerprint = group + strlen (PH_DEVICES_GROUP_PREFIX);
  return ph_fingerprint_is_valid (fingerprint) ? fingerprint : NULL;
}

static void
set_text (GKeyFile   *keyfile,
          const char *group,
          const char *key,
          const char *value,
          gsize       max)
{
  g_autofree char *cut = NULL;

  if (value == NULL || *value == '\0')
    return;

  if (strlen (value) > max)
    {
      const char *end = value + max;

      /* At a character, not inside one. */
      while (end > value && (*end & 0xc0) == 0x80)
        end--;
      value = cut = g_strndup (value, end - value);
    }

  g_key_file_set_string (keyfile, group, key, value);
}

static gint64
get_number (GKeyFile   *keyfile,
          const char *group,
          const char *key)
{
  return MAX (g_key_file_get_int64 (keyfile, group, key, NULL), 0);
}

static gboolean
is_state (GKeyFile      *keyfile,
          const char    *group,
          PhDeviceState  state)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, PH_DEVICES_KEY_STATE, NULL);
  PhDeviceState found = PH_DEVICE_KNOWN;

  ph_device_state_from_string (text, &found);
  return found == state;
}

/* Makes @group if there is none. Returns: whether it is new */
static gboolean
ensure_group (GKeyFile          *keyfile,
              const char        *group,
              const PhDevicesOp *op)
{
  if (g_key_file_has_group (keyfile, group))
    return FALSE;

  g_key_file_set_string (keyfile, group, PH_DEVICES_KEY_STATE,
                         ph_device_state_to_string (PH_DEVICE_KNOWN));
  g_key_file_set_int64 (keyfile, group, PH_DEVICES_KEY_FIRST_SEEN, op->time);
  return TRUE;
}

/* Strangers beyond PH_DEVICES_MAX_KNOWN go, the ones seen longest ago
 * first: anyone on the network can make new keys. */
static void
evict_known (GKeyFile   *keyfile,
             const char *keep)
{
  for (;;)
    {
      g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);
      const char *oldest = NULL;
      gint64 oldest_seen = G_MAXINT64;
      guint known = 0;

      for (guint i = 0; groups[i]; i++)
        {
          gint64 seen;

          if (ph_devices_group_fingerprint (groups[i]) == NULL ||
              !is_state (keyfile, groups[i], PH_DEVICE_KNOWN))
            continue;
          known++;
          seen = get_number (keyfile, groups[i], PH_DEVICES_KEY_LAST_SEEN);
          if (strcmp (groups[i], keep) != 0 && seen < oldest_seen)
            {
              oldest = groups[i];
              oldest_seen = seen;
            }
        }

      if (known <= PH_DEVICES_MAX_KNOWN || oldest == NULL)
        return;
      g_key_file_remove_group (keyfile, oldest, NULL);
    }
}

static void
apply_state (GKeyFile          *keyfile,
             const char        *group,
             const PhDevicesOp *op)
{
  g_key_file_set_string (keyfile, group, PH_DEVICES_KEY_STATE, ph_device_state_to_string (op->state));

  if (op->state == PH_DEVICE_PAIRED)
    {
      /* Pairing is meeting too. */
      if (op->time > get_number (keyfile, group, PH_DEVICES_KEY_LAST_SEEN))
        g_key_file_set_int64 (keyfile, group, PH_DEVICES_KEY_LAST_SEEN, op->time);
      g_key_file_set_int64 (keyfile, group, PH_DEVICES_KEY_PAIRED_SINCE, op->time);
      g_key_file_remove_key (keyfile, group, PH_DEVICES_KEY_FAILURES, NULL);
      g_key_file_remove_key (keyfile, group, PH_DEVICES_KEY_PAUSED_UNTIL, NULL);
    }
  else
    /* Blocked or unblocked: trusted again only by pairing again. */
    g_key_file_remove_key (keyfile, group, PH_DEVICES_KEY_PAIRED_SINCE, NULL);
}

static void
apply_failure (GKeyFile          *keyfile,
               const char        *group,
               const PhDevicesOp *op)
{
  gint64 failures = get_number (keyfile, group, PH_DEVICES_KEY_FAILURES) + 1;

  if (failures >= PH_DEVICES_MAX_FAILURES)
    {
      g_key_file_set_int64 (keyfile, group, PH_DEVICES_KEY_PAUSED_UNTIL, op->time + op->pause);
      g_key_file_remove_key (keyfile, group, PH_DEVICES_KEY_FAILURES, NULL);
    }
  else
    g_key_file_set_int64 (keyfile, group, PH_DEVICES_KEY_FAILURES, failures);
}

/* What @op does to the list in @keyfile. */
void
ph_devices_op_apply (const PhDevicesOp *op,
                     GKeyFile          *keyfile)
{
  g_autofree char *group = ph_devices_group_name (op->fingerprint);
  gboolean created = FALSE;

  g_key_file_set_integer (keyfile, PH_DEVICES_GROUP_HEADER, PH_DEVICES_KEY_VERSION, PH_DEVICES_VERSION);

  if (op->kind == PH_DEVICES_OP_FORGET)
    {
      g_key_file_remove_group (keyfile, group, NULL);
      return;
    }

  created = ensure_group (keyfile, group, op);
  set_text (keyfile, group, PH_DEVICES_KEY_NAME, op->name, PH_DEVICES_MAX_NAME);

  switch (op->kind)
    {
    case PH_DEVICES_OP_SEEN:
      if (op->time > get_number (keyfile, group, PH_DEVICES_KEY_LAST_SEEN))
        g_key_file_set_int64 (keyfile, group, PH_DEVICES_KEY_LAST_SEEN, op->time);
      set_text (keyfile, group, PH_DEVICES_KEY_LAST_ADDRESS, op->address, 256);
      set_text (keyfile, group, PH_DEVICES_KEY_RECEIVER_ADDRESS, op->receiver_address, 256);
      set_text (keyfile, group, PH_DEVICES_KEY_INSTALLATION_ID, op->installation_id, 64);
      break;
    case PH_DEVICES_OP_STATE:
      apply_state (keyfile, group, op);
      break;
    case PH_DEVICES_OP_PAIRING_FAILED:
      apply_failure (keyfile, group, op);
      break;
    case PH_DEVICES_OP_FORGET:
    default:
      break;
    }

  if (created)
    evict_known (keyfile, group);
}

GKeyFile *
ph_devices_file_parse (const char  *contents,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  if (len > 0 && !g_key_file_load_from_data (keyfile, contents, len, G_KEY_FILE_KEEP_COMMENTS, error))
    return NULL;

  return g_steal_pointer (&keyfile);
}

/**
 * ph_devices_file_read:
 *
 * Returns: (transfer full) (nullable): the list (empty when there is no
 *   file yet), or NULL with G_FILE_ERROR or G_KEY_FILE_ERROR
 */
GKeyFile *
ph_devices_file_read (const char  *path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > PH_DEVICES_MAX_FILE)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, g_strerror (EFBIG));
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_key_file_new ();
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return ph_devices_file_parse (contents, len, error);
}

static int
lock_file (const char  *path,
           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s", g_strerror (errsv));
      return -1;
    }

  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s", g_strerror (errsv));
      return -1;
    }

  return fd;
}

static void
unlock_file (int fd)
{
  /* Closing the last descriptor releases the lock. */
  if (fd >= 0)
    close (fd);
}

/* Moves the damaged list at @path to a name of its own; under the lock. */
static gboolean
move_aside (const char  *path,
            char       **kept_aside,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  for (guint i = 1; i < 100; i++)
    {
      g_autofree char *aside = i == 1 ? g_strdup_printf ("%s.damaged-%s", path, stamp)
                                      : g_strdup_printf ("%s.damaged-%s-%u", path, stamp, i);

      /* link() never replaces what an earlier damage left. */
      if (link (path, aside) == 0)
        {
          g_unlink (path);
          *kept_aside = g_steal_pointer (&aside);
          return TRUE;
        }
      if (errno != EEXIST)
        {
          int errsv = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s", g_strerror (errsv));
          return FALSE;
        }
    }

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s", g_strerror (EEXIST));
  return FALSE;
}

/* Reads the list under the lock; a damaged one is moved aside and an
 * empty list takes its place. */
static GKeyFile *
read_locked (const char  *path,
             char       **kept_aside,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GKeyFile *keyfile = ph_devices_file_read (path, &local_error);

  if (keyfile != NULL)
    return keyfile;

  /* Unreadable for want of permission is not damage: nothing moves. */
  if (local_error->domain == G_FILE_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!move_aside (path, kept_aside, error))
    return NULL;

  return g_key_file_new ();
}

static gboolean
write_file (const char  *path,
            const char  *contents,
            gsize        len,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_build_filename (dir, ".devices-XXXXXX", NULL);
  gboolean ok;
  int errsv;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s", g_strerror (errsv));
      return FALSE;
    }

  ok = write (fd, contents, len) == (gssize) len && fsync (fd) == 0;
  errsv = errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      errsv = errno;
    }
  if (ok && rename (tmp, path) != 0)
    {
      ok = FALSE;
      errsv = errno;
    }
  if (!ok)
    {
      g_unlink (tmp);
      /* A short write without errno is a full disk. */
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv ? errsv : ENOSPC), "%s",
                   g_strerror (errsv ? errsv : ENOSPC));
      return FALSE;
    }

  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  return TRUE;
}

/**
 * ph_devices_file_update:
 * @ops: (element-type PhDevicesOp): what to do, in order
 * @contents: (out): the list as written
 * @kept_aside: (out) (nullable): where a damaged list was moved, if it was
 *
 * Locks the list, reads it again, applies @ops and writes it back
 * whole. Blocks: run it on a worker thread.
 */
gboolean
ph_devices_file_update (const char  *path,
                        GPtrArray   *ops,
                        char       **contents,
                        char       **kept_aside,
                        GError     **error)
{
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  gboolean ok;
  int fd;

  *contents = NULL;
  *kept_aside = NULL;

  fd = lock_file (path, error);
  if (fd < 0)
    return FALSE;

  keyfile = read_locked (path, kept_aside, error);
  ok = keyfile != NULL;
  if (ok)
    {
      for (guint i = 0; i < ops->len; i++)
        ph_devices_op_apply (g_ptr_array_index (ops, i), keyfile);
      data = g_key_file_to_data (keyfile, &len, NULL);
      ok = write_file (path, data, len, error);
    }

  unlock_file (fd);
  if (ok)
    *contents = g_steal_pointer (&data);
  return ok;
}

/**
 * ph_devices_file_keep_aside:
 * @kept_aside: (out) (nullable): where it went; NULL when, under the
 *   lock, the list turned out readable (another program wrote it anew)
 *
 * Moves a list that could not be read aside, under the lock.
 */
gboolean
ph_devices_file_keep_aside (const char  *path,
                            char       **kept_aside,
                            GError     **error)
{
  g_autoptr(GKeyFile) keyfile = NULL;
  int fd;

  *kept_aside = NULL;
  fd = lock_file (path, error);
  if (fd < 0)
    return FALSE;

  keyfile = read_locked (path, kept_aside, error);
  unlock_file (fd);
  return keyfile != NULL;
}
