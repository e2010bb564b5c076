/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendList: what is sent of a walk, and under which name. */
#include "config.h"

#include "ph-send-list.h"
#include "ph-send-marshal.h"
#include "ph-transfer-private.h"

struct _PhSendList
{
  GObject       parent_instance;

  PhFolderWalk *walk;
  char         *address;
  gboolean      keeps_folders;
};

enum {
  TRANSFER_MADE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
ph_send_list_get_item_type (GListModel *model)
{
  return PH_TYPE_TRANSFER;
}

static guint
ph_send_list_get_n_items (GListModel *model)
{
  return ph_folder_walk_get_n_files (PH_SEND_LIST (model)->walk);
}

static gpointer
ph_send_list_get_item (GListModel *model,
                       guint       position)
{
  PhSendList *self = PH_SEND_LIST (model);
  g_autofree char *path = NULL;
  const GError *problem;
  PhTransfer *transfer;
  gint64 size;

  if (position >= ph_folder_walk_get_n_files (self->walk))
    return NULL;

  /* To a receiver that keeps folders: "Holiday/Day 1/beach.jpg" for a
   * file of the folder "Holiday" (its base name when the path does not
   * fit the header); to any other, its base name. */
  if (self->keeps_folders)
    path = ph_folder_walk_dup_path (self->walk, position);
  transfer = ph_transfer_new_outgoing (ph_folder_walk_get_file (self->walk, position), self->address);
  /* Checked already (ph_naming_folder_path()): not again per file. */
  if (path != NULL)
    ph_transfer_set_name (transfer, path);
  /* Sent by its base name: where it was is still worth showing. */
  if (path == NULL)
    {
      g_autofree char *folder = ph_folder_walk_dup_folder (self->walk, position);

      if (folder != NULL)
        ph_transfer_set_folder (transfer, folder);
    }

  size = ph_folder_walk_get_size (self->walk, position);
  if (size >= 0)
    ph_transfer_set_size (transfer, size);

  problem = ph_folder_walk_get_problem (self->walk, position);
  if (problem != NULL)
    ph_transfer_fail (transfer, problem);

  g_signal_emit (self, signals[TRANSFER_MADE], 0, transfer, position);

  return transfer;
}

static void
ph_send_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_send_list_get_item_type;
  iface->get_n_items = ph_send_list_get_n_items;
  iface->get_item = ph_send_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PhSendList, ph_send_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_send_list_model_init))

/* Returns: whether a file of a folder goes without its folders (to a
 * receiver that does not keep them, or a path too long for the header):
 * the folders do not arrive as they are. */
gboolean
ph_send_list_get_flattened (PhSendList *self)
{
  guint n;

  g_return_val_if_fail (PH_IS_SEND_LIST (self), FALSE);

  n = ph_folder_walk_get_n_files (self->walk);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;

      if (!ph_folder_walk_get_in_folder (self->walk, i) || ph_folder_walk_get_problem (self->walk, i) != NULL)
        continue;
      if (!self->keeps_folders || (path = ph_folder_walk_dup_path (self->walk, i)) == NULL)
        return TRUE;
    }

  return FALSE;
}

/* The name @position goes by on the wire. */
static char *
wire_name (PhSendList *self,
           guint       position)
{
  g_autofree char *path = self->keeps_folders ? ph_folder_walk_dup_path (self->walk, position) : NULL;
  g_autofree char *base = NULL;

  if (path != NULL)
    return g_steal_pointer (&path);

  base = g_file_get_basename (ph_folder_walk_get_file (self->walk, position));
  return g_utf8_make_valid (base != NULL ? base : "", -1);
}

/**
 * ph_send_list_count_collisions:
 * @n_names: (out) (optional): how many names are taken more than once
 * @example: (out) (optional) (transfer full): one of the names taken
 *   more than once, or %NULL
 *
 * What flattening costs: files that go under a name another file of
 * the batch goes under too, so that the receiver saves all but one of
 * them under a numbered variant ("img_001 (2).jpg"). Said before
 * sending (SPEC: a receiver never overwrites).
 *
 * Returns: how many files share their name with another
 */
guint
ph_send_list_count_collisions (PhSendList  *self,
                               guint       *n_names,
                               char       **example)
{
  g_autoptr(GHashTable) seen = NULL;
  guint n, colliding = 0, names = 0;

  g_return_val_if_fail (PH_IS_SEND_LIST (self), 0);

  if (example != NULL)
    *example = NULL;

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = ph_folder_walk_get_n_files (self->walk);
  for (guint i = 0; i < n; i++)
    {
      char *name;
      guint count;

      if (ph_folder_walk_get_problem (self->walk, i) != NULL)
        continue;

      name = wire_name (self, i);
      count = GPOINTER_TO_UINT (g_hash_table_lookup (seen, name)) + 1;
      /* The first file of a name counts once a second one comes. */
      colliding += count == 2 ? 2 : count > 2 ? 1 : 0;
      names += count == 2 ? 1 : 0;
      if (count == 2 && example != NULL && *example == NULL)
        *example = g_strdup (name);
      g_hash_table_replace (seen, name, GUINT_TO_POINTER (count));
    }

  if (n_names != NULL)
    *n_names = names;
  return colliding;
}

static void
ph_send_list_finalize (GObject *object)
{
  PhSendList *self = PH_SEND_LIST (object);

  g_clear_object (&self->walk);
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (ph_send_list_parent_class)->finalize (object);
}

static void
ph_send_list_class_init (PhSendListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ph_send_list_finalize;

  signals[TRANSFER_MADE] =
    g_signal_new ("transfer-made", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, ph_send_marshal_VOID__OBJECT_UINT,
                  G_TYPE_NONE, 2, PH_TYPE_TRANSFER, G_TYPE_UINT);
  g_signal_set_va_marshaller (signals[TRANSFER_MADE], G_TYPE_FROM_CLASS (klass),
                              ph_send_marshal_VOID__OBJECT_UINTv);
}

static void
ph_send_list_init (PhSendList *self)
{
}

/**
 * ph_send_list_new:
 * @walk: a walk that has run
 * @address: where the files go, `HOST:PORT`
 * @keeps_folders: whether the receiver keeps folder paths (paths=1)
 */
PhSendList *
ph_send_list_new (PhFolderWalk *walk,
                  const char   *address,
                  gboolean      keeps_folders)
{
  PhSendList *self;

  g_return_val_if_fail (PH_IS_FOLDER_WALK (walk), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (PH_TYPE_SEND_LIST, NULL);
  self->walk = g_object_ref (walk);
  self->address = g_strdup (address);
  self->keeps_folders = !!keeps_folders;

  return self;
}
