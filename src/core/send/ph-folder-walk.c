/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhFolderWalk: the one walk of the folders given to send, for the app
 * and the CLI alike (see the header). No depth limit: the walk keeps a
 * list of folders to read instead of recursing, never follows a
 * symbolic link inside a folder, and reads a folder it meets twice (a
 * bind mount of its own parent) only once. */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-folder-walk.h"
#include "ph-naming.h"

#define ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_NAME "," \
                   G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
                   G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                   G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
                   G_FILE_ATTRIBUTE_UNIX_INODE

typedef struct
{
  GFile    *file;
  char     *label;     /* how messages name it */
  gboolean  folder;
  guint     n_files;   /* found in it (or not sendable), when a folder */
} Given;

typedef struct
{
  GFile   *file;
  GError  *problem;    /* why it cannot be sent, or NULL */
  gint64   size;       /* -1 when unknown */
  guint    given;      /* the index of what it was found in */
} Entry;

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
  g_free (given);
}

static void
entry_clear (Entry *entry)
{
  g_clear_object (&entry->file);
  g_clear_error (&entry->problem);
}

/* An entry found below a folder, with the key it is sorted by. */
typedef struct
{
  char  *key;
  Entry  entry;
} Found;

static void
found_clear (Found *found)
{
  g_free (found->key);
  entry_clear (&found->entry);
}

static int
compare_found (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const Found *) a)->key, ((const Found *) b)->key);
}

static void
add_found (GArray *found,
           GFile  *file,
           guint   given,
           gint64  size,
           GError *problem)
{
  Found item = { NULL, { g_object_ref (file), problem, size, given } };

  item.key = g_file_get_path (file);
  if (item.key == NULL)
    item.key = g_file_get_uri (file);
  g_array_append_val (found, item);
}

/* A folder met twice (a bind mount inside itself) is walked once. */
static gboolean
first_visit (GHashTable *seen,
             GFileInfo  *info)
{
  char *key;

  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_INODE))
    return TRUE;

  key = g_strdup_printf ("%u:%" G_GUINT64_FORMAT,
                         g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                         g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));
  return g_hash_table_add (seen, key);
}

static GError *
unreadable (const GError *error)
{
  /* Translators: %s says why (from the system) */
  return g_error_new (error->domain, error->code, _("Not sent: this folder could not be read: %s"),
                      error->message);
}

/* Reads the folder @dir into @found, adding the folders in it to
 * @pending. Returns FALSE only when cancelled. */
static gboolean
read_folder (GFile         *dir,
             guint          given,
             GArray        *found,
             GPtrArray     *pending,
             GHashTable    *seen,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (dir, ATTRIBUTES, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                        cancellable, &local_error);
  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;

      if (children == NULL || !g_file_enumerator_iterate (children, &info, &child, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          add_found (found, dir, given, -1, unreadable (local_error));
          return TRUE;
        }
      if (info == NULL)
        return TRUE;

      switch (g_file_info_get_file_type (info))
        {
        case G_FILE_TYPE_REGULAR:
          add_found (found, child, given, g_file_info_get_size (info), NULL);
          break;

        case G_FILE_TYPE_DIRECTORY:
          if (first_visit (seen, info))
            g_ptr_array_add (pending, g_object_ref (child));
          break;

        case G_FILE_TYPE_SYMBOLIC_LINK:
          add_found (found, child, given, -1,
                     g_error_new_literal (PH_ERROR, PH_ERROR_NOT_REGULAR,
                                          _("Not sent: a symbolic link (links inside a folder are not followed)")));
          break;

        case G_FILE_TYPE_UNKNOWN:
        case G_FILE_TYPE_SPECIAL:
        case G_FILE_TYPE_SHORTCUT:
        case G_FILE_TYPE_MOUNTABLE:
        default:
          add_found (found, child, given, -1,
                     g_error_new_literal (PH_ERROR, PH_ERROR_NOT_REGULAR,
                                          _("Not sent: not a regular file (a device, a pipe or a socket)")));
          break;
        }
    }
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
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Found));

  g_array_set_clear_func (found, (GDestroyNotify) found_clear);
  first_visit (seen, top_info);
  g_ptr_array_add (pending, g_object_ref (given->file));

  while (pending->len > 0)
    {
      g_autoptr(GFile) dir = g_ptr_array_steal_index_fast (pending, pending->len - 1);

      if (!read_folder (dir, index, found, pending, seen, cancellable, error))
        return FALSE;
    }

  g_array_sort (found, compare_found);
  for (guint i = 0; i < found->len; i++)
    {
      Found *item = &g_array_index (found, Found, i);

      g_array_append_val (self->entries, item->entry);
      item->entry.file = NULL;
      item->entry.problem = NULL;
    }
  given->n_files = found->len;

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
          self->n_folders++;
          if (!walk_folder (self, i, info, cancellable, error))
            return FALSE;
        }
      else
        {
          Entry entry = { g_object_ref (given->file), NULL, info ? g_file_info_get_size (info) : -1, i };

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

  return ph_naming_relative_path (GIVEN (self, entry)->file, entry->file);
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
  g_autoptr(GFile) parent = NULL;
  g_autofree char *top = NULL;
  g_autofree char *below = NULL;
  g_autofree char *joined = NULL;
  Entry *entry;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  entry = ENTRY (self, position);
  if (!GIVEN (self, entry)->folder)
    return NULL;

  top = g_file_get_basename (GIVEN (self, entry)->file);
  parent = g_file_get_parent (entry->file);
  below = parent != NULL ? g_file_get_relative_path (GIVEN (self, entry)->file, parent) : NULL;
  joined = below != NULL ? g_build_path ("/", top, below, NULL) : g_strdup (top);

  return g_utf8_make_valid (joined, -1);
}

/* Returns: (transfer full): how messages name it: the label it was
 * given by, and its path below a folder */
char *
ph_folder_walk_dup_label (PhFolderWalk *self,
                          guint         position)
{
  g_autofree char *below = NULL;
  g_autofree char *display = NULL;
  Given *given;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);

  given = GIVEN (self, ENTRY (self, position));
  if (!given->folder || (below = g_file_get_relative_path (given->file, ENTRY (self, position)->file)) == NULL)
    return g_strdup (given->label);

  display = g_filename_display_name (below);
  return g_build_filename (given->label, display, NULL);
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
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);
}

PhFolderWalk *
ph_folder_walk_new (void)
{
  return g_object_new (PH_TYPE_FOLDER_WALK, NULL);
}
