/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhFolderWalk: the one walk of the folders given to send, for the app
 * and the CLI alike (see the header). No depth limit: the walk keeps a
 * list of folders to read instead of recursing, never follows a
 * symbolic link inside a folder, and reads a folder it meets twice (a
 * bind mount of its own parent) only once. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-folder-walk.h"
#include "ph-folder-walk-private.h"
#include "ph-naming.h"

#define ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
                   G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                   G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
                   G_FILE_ATTRIBUTE_UNIX_INODE

typedef struct
{
  GFile    *file;
  char     *label;     /* how messages name it */
  char     *name;      /* its base name, when a folder */
  gboolean  folder;
  guint     n_files;   /* found in it (or not sendable), when a folder */
} Given;

typedef PhWalkEntry Entry;

struct _PhFolderWalk
{
  GObject    parent_instance;

  GPtrArray *given;    /* Given */
  GArray    *entries;  /* Entry, in order */
  guint      n_folders;
};

G_DEFINE_FINAL_TYPE (PhFolderWalk, ph_folder_walk, G_TYPE_OBJECT)

static void
given_free (Given *given)
{
  g_object_unref (given->file);
  g_free (given->label);
  g_free (given->name);
  g_free (given);
}

/* By path below the folder: the order of their full paths. */
static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const char *below_a = ((const Entry *) a)->below;
  const char *below_b = ((const Entry *) b)->below;

  return strcmp (below_a ? below_a : "", below_b ? below_b : "");
}

/* Every file below the given folder @index, sorted by path. */
static gboolean
walk_folder (PhFolderWalk  *self,
             guint          index,
             GFileInfo     *top_info,
             GCancellable  *cancellable,
             GError       **error)
{
  Given *given = g_ptr_array_index (self->given, index);
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) ph_walk_pending_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Entry));
  PhWalkPending *top = g_new0 (PhWalkPending, 1);

  g_array_set_clear_func (found, (GDestroyNotify) ph_walk_entry_clear);
  if (g_file_info_has_attribute (top_info, G_FILE_ATTRIBUTE_UNIX_INODE))
    ph_walk_first_visit (seen, g_file_info_get_attribute_uint32 (top_info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                         g_file_info_get_attribute_uint64 (top_info, G_FILE_ATTRIBUTE_UNIX_INODE));
  top->dir = g_object_ref (given->file);
  g_ptr_array_add (pending, top);

  while (pending->len > 0)
    {
      PhWalkPending *dir = g_ptr_array_steal_index_fast (pending, pending->len - 1);
      gboolean read = ph_walk_read_folder (dir, index, found, pending, seen, cancellable, error);

      ph_walk_pending_free (dir);
      if (!read)
        return FALSE;
    }

  g_array_sort (found, compare_entries);
  g_array_append_vals (self->entries, found->data, found->len);
  given->n_files = found->len;
  /* Moved, not copied: nothing of them is cleared with @found. */
  g_array_set_clear_func (found, NULL);

  return TRUE;
}

/**
 * ph_folder_walk_run:
 *
 * Walks what was added, blocking: ph_folder_walk_run_async() does it
 * in a thread.
 *
 * Returns: %FALSE only when cancelled
 */
gboolean
ph_folder_walk_run (PhFolderWalk  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), FALSE);

  for (guint i = 0; i < self->given->len; i++)
    {
      Given *given = g_ptr_array_index (self->given, i);
      g_autoptr(GFileInfo) info = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      /* A folder given is followed if it is a link; anything but a
       * folder goes to the engine, which says what is wrong with it. */
      info = g_file_query_info (given->file, ATTRIBUTES, G_FILE_QUERY_INFO_NONE, cancellable, NULL);
      if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          given->folder = TRUE;
          given->name = g_file_get_basename (given->file);
          self->n_folders++;
          if (!walk_folder (self, i, info, cancellable, error))
            return FALSE;
        }
      else
        {
          Entry entry = { g_object_ref (given->file), NULL, NULL, info ? g_file_info_get_size (info) : -1, i };

          g_array_append_val (self->entries, entry);
        }
    }

  return TRUE;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (ph_folder_walk_run (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ph_folder_walk_run_async (PhFolderWalk        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PH_IS_FOLDER_WALK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_folder_walk_run_async);
  g_task_run_in_thread (task, run_thread);
}

gboolean
ph_folder_walk_run_finish (PhFolderWalk  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ph_folder_walk_add:
 * @file: a file or folder to send
 * @label: (nullable): how messages name it (the argument as given), by
 *   default its parse name
 */
void
ph_folder_walk_add (PhFolderWalk *self,
                    GFile        *file,
                    const char   *label)
{
  Given *given;

  g_return_if_fail (PH_IS_FOLDER_WALK (self));
  g_return_if_fail (G_IS_FILE (file));

  given = g_new0 (Given, 1);
  given->file = g_object_ref (file);
  given->label = label ? g_strdup (label) : g_file_get_parse_name (file);
  g_ptr_array_add (self->given, given);
}

/* Returns: how many files were found, the ones that cannot be sent too */
guint
ph_folder_walk_get_n_files (PhFolderWalk *self)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), 0);

  return self->entries->len;
}

/* Returns: how many of the files given were folders */
guint
ph_folder_walk_get_n_folders (PhFolderWalk *self)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), 0);

  return self->n_folders;
}

/* Returns: (transfer full): the labels of the folders given that hold
 * nothing to send */
GStrv
ph_folder_walk_dup_empty_folders (PhFolderWalk *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);

  for (guint i = 0; i < self->given->len; i++)
    {
      Given *given = g_ptr_array_index (self->given, i);

      if (given->folder && given->n_files == 0)
        g_strv_builder_add (builder, given->label);
    }

  return g_strv_builder_end (builder);
}

/* Returns: (transfer full) (nullable): the folder's name when a single
 * folder was given, a title for what is sent */
char *
ph_folder_walk_dup_folder_name (PhFolderWalk *self)
{
  Given *given;
  char *name;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);

  if (self->given->len != 1 || !(given = g_ptr_array_index (self->given, 0))->folder)
    return NULL;

  name = g_file_get_basename (given->file);
  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    g_clear_pointer (&name, g_free);

  return name;
}

#define ENTRY(self, position) (&g_array_index ((self)->entries, Entry, (position)))
#define GIVEN(self, entry) ((Given *) g_ptr_array_index ((self)->given, (entry)->given))

GFile *
ph_folder_walk_get_file (PhFolderWalk *self,
                         guint         position)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  return ENTRY (self, position)->file;
}

/* Returns: the size the walk saw, -1 when unknown */
gint64
ph_folder_walk_get_size (PhFolderWalk *self,
                         guint         position)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), -1);
  g_return_val_if_fail (position < self->entries->len, -1);

  return ENTRY (self, position)->size;
}

/* Returns: whether it was found inside a folder that was given */
gboolean
ph_folder_walk_get_in_folder (PhFolderWalk *self,
                              guint         position)
{

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), FALSE);
  g_return_val_if_fail (position < self->entries->len, FALSE);

  return GIVEN (self, ENTRY (self, position))->folder;
}

/* Returns: (nullable): why it cannot be sent, NULL when it can */
const GError *
ph_folder_walk_get_problem (PhFolderWalk *self,
                            guint         position)
{
  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  return ENTRY (self, position)->problem;
}

/**
 * ph_folder_walk_dup_path:
 *
 * Returns: (transfer full) (nullable): its folder path for a receiver
 *   that keeps folders, from the given folder's own name on
 *   ("Holiday/Day 1/beach.jpg"), or %NULL for a file given itself and
 *   one whose path does not fit the header (it goes by its base name)
 */
char *
ph_folder_walk_dup_path (PhFolderWalk *self,
                         guint         position)
{
  Entry *entry;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  entry = ENTRY (self, position);
  if (!GIVEN (self, entry)->folder)
    return NULL;

  return ph_naming_folder_path (GIVEN (self, entry)->name, entry->below);
}

/**
 * ph_folder_walk_dup_folder:
 *
 * Returns: (transfer full) (nullable): the folder a file of a given
 *   folder is in, from that folder's own name on ("Holiday/Day 1"), in
 *   UTF-8, however long; %NULL for a file given itself
 */
char *
ph_folder_walk_dup_folder (PhFolderWalk *self,
                           guint         position)
{
  g_autofree char *folder = NULL;
  g_autofree char *joined = NULL;
  const char *slash;
  Entry *entry;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  entry = ENTRY (self, position);
  if (!GIVEN (self, entry)->folder)
    return NULL;

  slash = entry->below != NULL ? strrchr (entry->below, '/') : NULL;
  if (slash == NULL)
    return g_utf8_make_valid (GIVEN (self, entry)->name, -1);

  folder = g_strndup (entry->below, slash - entry->below);
  joined = g_build_path ("/", GIVEN (self, entry)->name, folder, NULL);
  return g_utf8_make_valid (joined, -1);
}

/* Returns: (transfer full): how messages name it: the label it was
 * given by, and its path below a folder */
char *
ph_folder_walk_dup_label (PhFolderWalk *self,
                          guint         position)
{
  g_autofree char *display = NULL;
  Entry *entry;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  entry = ENTRY (self, position);
  if (!GIVEN (self, entry)->folder || entry->below == NULL)
    return g_strdup (GIVEN (self, entry)->label);

  display = g_filename_display_name (entry->below);
  return g_build_filename (GIVEN (self, entry)->label, display, NULL);
}

static void
ph_folder_walk_finalize (GObject *object)
{
  PhFolderWalk *self = PH_FOLDER_WALK (object);

  g_clear_pointer (&self->given, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_array_unref);

  G_OBJECT_CLASS (ph_folder_walk_parent_class)->finalize (object);
}

static void
ph_folder_walk_class_init (PhFolderWalkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ph_folder_walk_finalize;
}

static void
ph_folder_walk_init (PhFolderWalk *self)
{
  self->given = g_ptr_array_new_with_free_func ((GDestroyNotify) given_free);
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) ph_walk_entry_clear);
}

PhFolderWalk *
ph_folder_walk_new (void)
{
  return g_object_new (PH_TYPE_FOLDER_WALK, NULL);
}
