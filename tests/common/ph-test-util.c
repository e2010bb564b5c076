/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ph-test-util.h"

char *
ph_test_make_tmp_dir (const char *template)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @path and everything below it, read-only folders included;
 * symbolic links are removed, never followed. */
void
ph_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      ph_test_rm_rf (child);
    }
  g_rmdir (path);
}

/* A port the kernel just had free on every interface (so on loopback
 * too); nothing listens on it once this returns. */
guint16
ph_test_unused_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

/* @size bytes of zeros that take no room on disk. */
char *
ph_test_make_sparse_file (const char *dir,
                          const char *name,
                          gint64      size)
{
  char *path = g_build_filename (dir, name, NULL);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  close (fd);

  return path;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every entry, hidden ones included, sorted; NULL if @path is gone. */
GPtrArray *
ph_test_list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    return NULL;

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  return names;
}

/* Byte for byte, read in blocks: the files may be larger than memory. */
void
ph_test_assert_same_file (const char *expected,
                          const char *path)
{
  g_autoptr(GFile) file_a = g_file_new_for_path (expected);
  g_autoptr(GFile) file_b = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in_a = NULL;
  g_autoptr(GFileInputStream) in_b = NULL;
  g_autofree char *block_a = g_malloc (1024 * 1024);
  g_autofree char *block_b = g_malloc (1024 * 1024);
  g_autoptr(GError) error = NULL;
  gsize len_a, len_b;

  in_a = g_file_read (file_a, NULL, &error);
  g_assert_no_error (error);
  in_b = g_file_read (file_b, NULL, &error);
  g_assert_no_error (error);
  do
    {
      g_input_stream_read_all (G_INPUT_STREAM (in_a), block_a, 1024 * 1024, &len_a, NULL, &error);
      g_assert_no_error (error);
      g_input_stream_read_all (G_INPUT_STREAM (in_b), block_b, 1024 * 1024, &len_b, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (block_a, len_a, block_b, len_b);
    }
  while (len_a > 0);
}

/* Points XDG_CONFIG_HOME at a new temporary folder, before anything
 * reads it (the installation id is kept there), and returns it for
 * ph_test_rm_rf(). G_TEST_OPTION_ISOLATE_DIRS would do as much, but
 * GLib 2.74 leaks with it. */
char *
ph_test_isolate_config (void)
{
  char *config = ph_test_make_tmp_dir ("posthouse-test-config-XXXXXX");

  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  return config;
}
