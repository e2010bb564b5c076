/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a drop means: folders stand for every regular file inside them.
 * Walked in a thread, so the main loop does no file I/O. */

#include "config.h"

#include "ph-collect.h"

typedef struct
{
  GPtrArray *files;     /* in: what was given; out: what to send */
  guint      n_folders;
} CollectData;

static void
collect_data_free (CollectData *data)
{
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_free (data);
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  g_autofree char *pa = g_file_get_path (*(GFile **) a);
  g_autofree char *pb = g_file_get_path (*(GFile **) b);

  return g_strcmp0 (pa, pb);
}

static gboolean
collect_folder (GFile         *folder,
                GPtrArray     *out,
                guint          depth,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

  /* Symbolic links are not followed inside folders: no loops, no surprises. */
  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          cancellable, error);
  if (enumerator == NULL)
    return FALSE;

  for (;;)
    {
      GFileInfo *info;
      GFile *child;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, cancellable, error))
        return FALSE;
      if (info == NULL)
        break;

      switch (g_file_info_get_file_type (info))
        {
        case G_FILE_TYPE_REGULAR:
          g_ptr_array_add (found, g_object_ref (child));
          break;

        case G_FILE_TYPE_DIRECTORY:
          if (depth < 32 && !collect_folder (child, found, depth + 1, cancellable, error))
            return FALSE;
          break;

        default:
          break;
        }
    }

  g_ptr_array_sort (found, compare_files);
  g_ptr_array_extend_and_steal (out, g_steal_pointer (&found));

  return TRUE;
}

static void
collect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CollectData *data = task_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < data->files->len; i++)
    {
      GFile *file = g_ptr_array_index (data->files, i);

      if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable) == G_FILE_TYPE_DIRECTORY)
        {
          g_autoptr(GError) error = NULL;

          if (!collect_folder (file, files, 0, cancellable, &error))
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          data->n_folders++;
        }
      else
        {
          /* Anything else goes to the engine, which says what is wrong with it. */
          g_ptr_array_add (files, g_object_ref (file));
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&files), (GDestroyNotify) g_ptr_array_unref);
}

void
ph_collect_files_async (GFile               **files,
                        guint                 n_files,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  CollectData *data;

  g_return_if_fail (files != NULL || n_files == 0);

  data = g_new0 (CollectData, 1);
  data->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (data->files, g_object_ref (files[i]));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_collect_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) collect_data_free);
  g_task_run_in_thread (task, collect_thread);
}

/* The files to send, folders replaced by their contents (sorted). */
GPtrArray *
ph_collect_files_finish (GAsyncResult  *result,
                         guint         *n_folders,
                         GError       **error)
{
  CollectData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_collect_files_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (n_folders != NULL)
    *n_folders = data->n_folders;

  return g_task_propagate_pointer (G_TASK (result), error);
}
