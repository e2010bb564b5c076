/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The files of one `send`, as a GListModel of PhTransfer for the engine.
 * A transfer is made when the engine asks for its position, so a send of
 * 10,000 files holds 10,000 file names, not 10,000 transfers; the engine
 * asks for each position once, in order. */

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "ph-cli-files.h"

#define MAX_DEPTH 32

typedef struct
{
  GFile *file;
  GFile *top;      /* the folder argument it was found in, or NULL */
  char  *label;    /* how messages name it: the argument, or below it */
} Entry;

struct _PhCliFiles
{
  GObject         parent_instance;

  char           *destination;
  gboolean        keep_folders;
  GArray         *entries;
  PhCliFilesFunc  func;
  gpointer        user_data;
};

static GType
ph_cli_files_get_item_type (GListModel *model)
{
  return PH_TYPE_TRANSFER;
}

static guint
ph_cli_files_get_n_items (GListModel *model)
{
  return PH_CLI_FILES (model)->entries->len;
}

static gpointer
ph_cli_files_get_item (GListModel *model,
                       guint       position)
{
  PhCliFiles *self = PH_CLI_FILES (model);
  g_autofree char *path = NULL;
  PhTransfer *transfer;
  Entry *entry;

  if (position >= self->entries->len)
    return NULL;

  /* To a receiver that keeps folders: "Holiday/Day 1/beach.jpg" for a
   * file of the folder argument "Holiday" (its base name when the path
   * does not fit the header). */
  entry = &g_array_index (self->entries, Entry, position);
  if (self->keep_folders && entry->top != NULL)
    path = ph_naming_relative_path (entry->top, entry->file);
  transfer = ph_transfer_new_outgoing_path (entry->file, self->destination, path);
  if (self->func != NULL)
    self->func (self, transfer, position, self->user_data);

  return transfer;
}

static void
ph_cli_files_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_cli_files_get_item_type;
  iface->get_n_items = ph_cli_files_get_n_items;
  iface->get_item = ph_cli_files_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PhCliFiles, ph_cli_files, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ph_cli_files_list_model_init))

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->file);
  g_clear_object (&entry->top);
  g_clear_pointer (&entry->label, g_free);
}

static void
ph_cli_files_finalize (GObject *object)
{
  PhCliFiles *self = PH_CLI_FILES (object);

  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->destination, g_free);

  G_OBJECT_CLASS (ph_cli_files_parent_class)->finalize (object);
}

static void
ph_cli_files_class_init (PhCliFilesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ph_cli_files_finalize;
}

static void
ph_cli_files_init (PhCliFiles *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
}

PhCliFiles *
ph_cli_files_new (const char     *destination,
                  PhCliFilesFunc  func,
                  gpointer        user_data)
{
  PhCliFiles *self = g_object_new (PH_TYPE_CLI_FILES, NULL);

  self->destination = g_strdup (destination);
  self->func = func;
  self->user_data = user_data;

  return self;
}

/**
 * ph_cli_files_set_keep_folders:
 * @keep_folders: whether the receiver announced paths=1
 *
 * Sends the files of folder arguments with their folders, from the
 * folder's own name down, as SPEC's Folder paths allow only to a
 * receiver that announced it keeps them. Before the engine asks for
 * the first transfer.
 */
void
ph_cli_files_set_keep_folders (PhCliFiles *self,
                               gboolean    keep_folders)
{
  g_return_if_fail (PH_IS_CLI_FILES (self));

  self->keep_folders = !!keep_folders;
}

static void
append (PhCliFiles *self,
        GFile      *file,
        GFile      *top,
        char       *label)
{
  Entry entry = { g_object_ref (file), top ? g_object_ref (top) : NULL, label };

  g_array_append_val (self->entries, entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (((const Entry *) a)->label, ((const Entry *) b)->label);
}

/* Every regular file below @folder, depth first; symbolic links inside
 * are not followed (no loops, nothing from elsewhere), as the app does. */
static void
walk (PhCliFiles *self,
      GFile      *top,
      GFile      *folder,
      const char *label,
      guint       depth,
      GPtrArray  *errors)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;

  children = g_file_enumerate_children (folder,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      g_autofree char *child_label = NULL;

      if (children == NULL ||
          !g_file_enumerator_iterate (children, &info, &child, NULL, &error))
        {
          g_ptr_array_add (errors, g_error_new (G_IO_ERROR, error->code,
                                                _("Could not read the folder “%s”: %s"),
                                                label, error->message));
          return;
        }
      if (info == NULL)
        return;

      child_label = g_build_filename (label, g_file_info_get_name (info), NULL);
      switch (g_file_info_get_file_type (info))
        {
        case G_FILE_TYPE_REGULAR:
          append (self, child, top, g_steal_pointer (&child_label));
          break;

        case G_FILE_TYPE_DIRECTORY:
          if (depth < MAX_DEPTH)
            walk (self, top, child, child_label, depth + 1, errors);
          break;

        default:
          break;
        }
    }
}

/**
 * ph_cli_files_add:
 * @arg: a FILE argument of `send` (a path or a URI)
 * @errors: (element-type GError): where folders that could not be read
 *   are reported
 *
 * Adds @arg; a folder stands for every file inside it, recursively, in
 * the order of their paths.
 *
 * Returns: how many files were added.
 */
guint
ph_cli_files_add (PhCliFiles *self,
                  const char *arg,
                  GPtrArray  *errors)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (arg);
  g_autofree char *label = g_filename_display_name (arg);
  guint before = self->entries->len;

  /* Anything but a folder goes to the engine, which says what is wrong with it. */
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      append (self, file, NULL, g_steal_pointer (&label));
      return 1;
    }

  walk (self, file, file, label, 0, errors);
  /* Only this folder's files: the arguments keep their order. */
  if (self->entries->len > before)
    qsort (&g_array_index (self->entries, Entry, before), self->entries->len - before,
           sizeof (Entry), compare_entries);

  return self->entries->len - before;
}

/* How messages name the file at @position. */
const char *
ph_cli_files_get_label (PhCliFiles *self,
                        guint       position)
{
  g_return_val_if_fail (position < self->entries->len, NULL);

  return g_array_index (self->entries, Entry, position).label;
}
