/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stored part of the window's list: pages as it scrolls, live
 * batches left out, removal, reload. */
#include "config.h"

#include "history-util.h"
#include "ph-history-model.h"
#include "ph-test-util.h"

static void
changed_cb (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            guint      *n_items)
{
  /* Exact: what was said matches what is there. */
  *n_items = *n_items - removed + added;
  g_assert_cmpuint (*n_items, ==, g_list_model_get_n_items (model));
}

static void
wait_loaded (PhHistoryModel *model)
{
  while (ph_history_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_model (void)
{
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-history-model-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  PhHistory *history = history_open (path, &error);
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func (g_object_unref);
  PhHistoryModel *model;
  g_autofree char *removed_id = NULL;
  guint n_items = 0, n_pages = 0;

  g_assert_no_error (error);
  /* 120 batches of an earlier run... */
  for (guint i = 0; i < 120; i++)
    {
      g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.40", NULL);
      g_autofree char *name = g_strdup_printf ("old-%03u", i);

      history_finish (history_add_incoming (batch, name, 1), NULL);
      ph_history_track (history, batch);
      history_flush (history);
    }
  history_close (history);
  history = history_open (path, &error);
  g_assert_no_error (error);

  /* ...and 60 of this one, live (the list shows them as PhBatch). */
  for (guint i = 0; i < 60; i++)
    {
      PhBatch *batch = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.41", "live");

      ph_history_track (history, batch);
      g_ptr_array_add (batches, batch);
    }
  history_flush (history);

  model = ph_history_model_new (history, 50);
  g_signal_connect (model, "items-changed", G_CALLBACK (changed_cb), &n_items);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  /* The first page held live batches only: the next comes by itself. */
  ph_history_model_load_more (model);
  g_assert_true (ph_history_model_get_loading (model));
  wait_loaded (model);
  g_assert_cmpuint (n_items, ==, 40);
  for (;;)
    {
      ph_history_model_load_more (model);
      if (!ph_history_model_get_loading (model))
        break;
      wait_loaded (model);
      n_pages++;
    }
  g_assert_true (ph_history_model_get_complete (model));
  g_assert_cmpuint (n_items, ==, 120);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(PhHistoryBatch) batch = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *name = g_strdup_printf ("old-%03u", 119 - i);

      g_assert_cmpstr (ph_history_batch_get_title (batch), ==, name);
    }

  {
    g_autoptr(PhHistoryBatch) batch = g_list_model_get_item (G_LIST_MODEL (model), 5);
    removed_id = g_strdup (ph_history_batch_get_id (batch));
  }
  g_assert_true (ph_history_model_remove (model, removed_id));
  g_assert_false (ph_history_model_remove (model, removed_id));
  g_assert_cmpuint (n_items, ==, 119);

  /* Reloading starts over; asking twice while loading loads two pages. */
  ph_history_model_reload (model);
  g_assert_cmpuint (n_items, ==, 0);
  g_assert_false (ph_history_model_get_complete (model));
  ph_history_model_load_more (model);
  wait_loaded (model);
  g_assert_cmpuint (n_items, ==, 90);

  g_assert_finalize_object (model);
  g_clear_pointer (&batches, g_ptr_array_unref);
  history_close (history);
  ph_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/history/model", test_model);

  return g_test_run ();
}
