/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a libFuzzer target over its seed corpus as an ordinary test, so
 * that every build (gcc, valgrind, sanitizers) checks the seeds and any
 * reproducer added to the corpus after a finding. */
#include "config.h"

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__((weak));

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
replay (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *corpus = g_getenv ("PH_FUZZ_CORPUS");
  const char *target = g_getenv ("PH_FUZZ_TARGET");
  const char *name;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (corpus);
  g_assert_nonnull (target);

  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/posthouse/faults/fuzz-corpus/%s/%s",
                                               target, (char *) names->pdata[i]);
      g_autofree char *relative = g_build_filename (corpus, names->pdata[i], NULL);

      /* Absolute: the receiver target changes the working folder. */
      g_test_add_data_func_full (test, g_canonicalize_filename (relative, NULL),
                                 replay, g_free);
    }

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  return g_test_run ();
}
