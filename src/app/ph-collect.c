/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a drop means: folders stand for every regular file inside them,
 * each with its path from the folder on (for a receiver that keeps
 * folders). Walked in a thread, so the main loop does no file I/O. */

#include "config.h"

#include "posthouse-core.h"

#include "ph-collect.h"

typedef struct
{
  GPtrArray *given;     /* GFile */
  GPtrArray *files;     /* PhCollected: what to send */
  guint      n_folders;
} CollectData;

static void
collected_free (PhCollected *collected)
{
  g_object_unref (collected->file);
  g_free (collected->path);
  g_free (collected);
}

static void
collect_data_free (CollectData *data)
{
  g_clear_pointer (&data->given, g_ptr_array_unref);
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_free (data);
}

/* A file found, with the size the walk saw, and its local path to sort by. */
typedef struct
{
  PhCollected *collected;
  char        *local;
} Found;

static void
found_free (Found *found)
{
  g_clear_pointer (&found->collected, collected_free);
  g_free (found->local);
  g_free (found);
}

static Found *
found_new (GFile  *file,
           GFile  *top,
           gint64  size)
{
  Found *found = g_new0 (Found, 1);

  found->collected = g_new0 (PhCollected, 1);
  found->collected->file = g_object_ref (file);
  found->collected->size = size;
  if (top != NULL)
    {
      found->collected->in_folder = TRUE;
      found->collected->path = ph_naming_relative_path (top, file);
    }
  found->local = g_file_get_path (file);

  return found;
}

static int
compare_found (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 ((*(Found **) a)->local, (*(Found **) b)->local);
}

static gboolean
collect_folder (GFile         *top,
                GFile         *folder,
                GPtrArray     *out,
                guint          depth,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);

  /* Symbolic links are not followed inside folders: no loops, no surprises. */
  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_SIZE,
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
          g_ptr_array_add (found, found_new (child, top, g_file_info_get_size (info)));
          break;

        case G_FILE_TYPE_DIRECTORY:
          if (depth < 32 && !collect_folder (top, child, found, depth + 1, cancellable, error))
            return FALSE;
          break;

        default:
          break;
        }
    }

  g_ptr_array_sort (found, compare_found);
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
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);

  for (guint i = 0; i < data->given->len; i++)
    {
      GFile *file = g_ptr_array_index (data->given, i);
      g_autoptr(GFileInfo) info = g_file_query_info (file,
                                                     G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                                     G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, cancellable, NULL);

      if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          g_autoptr(GError) error = NULL;

          if (!collect_folder (file, file, files, 0, cancellable, &error))
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          data->n_folders++;
        }
      else
        {
          /* Anything else goes to the engine, which says what is wrong with it. */
          g_ptr_array_add (files, found_new (file, NULL, info != NULL ? g_file_info_get_size (info) : -1));
        }
    }

  data->files = g_ptr_array_new_full (files->len, (GDestroyNotify) collected_free);
  for (guint i = 0; i < files->len; i++)
    {
      Found *found = g_ptr_array_index (files, i);

      g_ptr_array_add (data->files, g_steal_pointer (&found->collected));
    }

  g_task_return_pointer (task, g_ptr_array_ref (data->files), (GDestroyNotify) g_ptr_array_unref);
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
  data->given = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (data->given, g_object_ref (files[i]));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_collect_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) collect_data_free);
  g_task_run_in_thread (task, collect_thread);
}

/* Returns: (transfer container): the files to send (PhCollected),
 * folders replaced by their contents (sorted) */
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
