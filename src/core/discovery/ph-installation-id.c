/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ph-installation-id.h"
#include "ph-dns-sd.h"

#define ID_FILE_NAME "installation-id"

static char *
new_id (void)
{
  guint8 bytes[16];
  GString *id = g_string_sized_new (32);

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    for (guint i = 0; i < sizeof bytes; i++)
      bytes[i] = (guint8) g_random_int_range (0, 256);

  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (id, "%02x", bytes[i]);

  return g_string_free (id, FALSE);
}

static char *
read_id (const char *path)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  g_strstrip (contents);
  if (!ph_dns_sd_id_is_valid (contents))
    return NULL;

  return g_ascii_strdown (contents, -1);
}

/* Creates @path holding @id unless it exists: link() never replaces,
 * so two processes starting at once agree on one id. */
static gboolean
store_id (const char  *path,
          const char  *id,
          GError     **error)
{
  g_autofree char *contents = g_strconcat (id, "\n", NULL);
  g_autofree char *tmp = g_strdup_printf ("%s.%d.tmp", path, (int) getpid ());
  int saved_errno;

  if (!g_file_set_contents_full (tmp, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return FALSE;

  if (link (tmp, path) == 0)
    {
      g_unlink (tmp);
      return TRUE;
    }

  saved_errno = errno;
  g_unlink (tmp);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s", path, g_strerror (saved_errno));
  return FALSE;
}

/**
 * ph_installation_id_get:
 *
 * The stable random identifier of this installation that receivers
 * announce (SPEC: `id=`), so that a browser recognises itself and
 * merges what it sees over IPv4, IPv6 and several interfaces. Kept in
 * `$XDG_CONFIG_HOME/posthouse/installation-id`, shared by the window
 * and posthouse-cli; made on first use. Where it cannot be stored, a
 * new one serves this process.
 *
 * Returns: (transfer full): 32 lower-case hex digits
 */
char *
ph_installation_id_get (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "posthouse", NULL);
  g_autofree char *path = g_build_filename (dir, ID_FILE_NAME, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  char *existing;

  existing = read_id (path);
  if (existing != NULL)
    return existing;

  id = new_id ();
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_debug ("Cannot create %s (%s): the installation id lasts one run", dir, g_strerror (errno));
      return g_steal_pointer (&id);
    }

  if (store_id (path, id, &error))
    return g_steal_pointer (&id);

  /* Someone else was first, or the file held something unusable. */
  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_EXIST))
    {
      existing = read_id (path);
      if (existing != NULL)
        return existing;

      g_autofree char *contents = g_strconcat (id, "\n", NULL);

      g_clear_error (&error);
      if (g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        return g_steal_pointer (&id);
    }

  g_debug ("Cannot store the installation id: %s", error->message);
  return g_steal_pointer (&id);
}
