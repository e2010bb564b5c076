/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBatchList: the batches a window lists, and what Clear Finished,
 * Cancel All, the request bar and Quit act on. */
#include "config.h"

#include "posthouse-core.h"
#include "ph-transfer-private.h"

static PhBatch *
batch_with (PhTransferDirection  direction,
            guint                n_files,
            PhTransfer         **first)
{
  PhBatch *batch = ph_batch_new (direction, "127.0.0.1:9", NULL);

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(PhTransfer) transfer = NULL;

      if (direction == PH_TRANSFER_RECEIVE)
        transfer = ph_transfer_new_incoming ("127.0.0.1:40000", "file.txt", 10);
      else
        {
          g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent");

          transfer = ph_transfer_new_outgoing (file, "127.0.0.1:9");
        }
      ph_batch_add (batch, transfer);
      if (i == 0 && first != NULL)
        *first = transfer;
    }

  return batch;
}

static void
flush (void)
{
  gint64 end = g_get_monotonic_time () + 400 * 1000;

  /* A batch publishes its state on a timer (a few times a second). */
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

static void
test_lifecycle (void)
{
  g_autoptr(PhBatchList) list = ph_batch_list_new ();
  g_autoptr(PhBatch) sent = NULL;
  g_autoptr(PhBatch) asked = NULL;
  PhTransfer *sending = NULL, *waiting = NULL;
  GListModel *requests = ph_batch_list_get_requests (list);

  g_assert_false (ph_batch_list_get_can_clear (list));
  g_assert_false (ph_batch_list_get_can_cancel (list));

  sent = batch_with (PH_TRANSFER_SEND, 3, &sending);
  ph_batch_list_add (list, sent);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (ph_batch_list_get_can_cancel (list));
  g_assert_cmpuint (ph_batch_list_count_running (list), ==, 3);
  g_assert_true (ph_batch_list_find (list, ph_batch_get_id (sent)) == sent);
  g_assert_null (ph_batch_list_find (list, "no such id"));

  /* A received batch waiting for an answer is a request, newest first
   * in the list, oldest first among the requests. */
  asked = batch_with (PH_TRANSFER_RECEIVE, 1, &waiting);
  ph_transfer_set_state (waiting, PH_TRANSFER_WAITING);
  ph_batch_list_add (list, asked);
  flush ();
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (list), 0) == (gpointer) asked);
  g_object_unref (asked);
  g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 1);

  /* Removing only takes finished batches. */
  ph_batch_list_remove (list, sent);
  g_assert_true (ph_batch_list_contains (list, sent));

  /* Answered: no longer a request. Cancel All ends the rest. */
  ph_transfer_set_state (waiting, PH_TRANSFER_RECEIVING);
  flush ();
  g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 0);
  ph_transfer_set_state (waiting, PH_TRANSFER_DONE);
  ph_batch_list_cancel_all (list);
  flush ();
  g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 0);
  g_assert_cmpuint (ph_batch_list_count_running (list), ==, 0);
  g_assert_true (ph_batch_list_get_can_clear (list));
  g_assert_false (ph_batch_list_get_can_cancel (list));

  /* Clear Finished: one change of the list, nothing left. */
  ph_batch_list_clear_finished (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_false (ph_batch_list_get_can_clear (list));
  g_assert_finalize_object (g_steal_pointer (&sent));
  (void) sending;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/batch-list/lifecycle", test_lifecycle);

  return g_test_run ();
}
