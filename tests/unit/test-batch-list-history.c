/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBatchList with a history (issue 23): every batch added is kept,
 * with its device's name; the stored ones come back after a restart;
 * Remove from History and Clear History reach the store; "history
 * days" 0 keeps nothing, -1 keeps everything. And what the window asks
 * of the send side before sending: collisions, the folder of a file
 * sent flat, a destination typed by name. */
#include "config.h"

#include "history-util.h"
#include "ph-batch-list.h"
#include "ph-history-model.h"
#include "ph-browser-private.h"
#include "ph-destination-resolve.h"
#include "ph-send-list.h"
#include "ph-test-util.h"

static gboolean
stored_loaded (PhBatchList *list)
{
  GListModel *stored = ph_batch_list_get_stored (list);

  return stored != NULL && !ph_history_model_get_loading (PH_HISTORY_MODEL (stored));
}

static void
wait_stored (PhBatchList *list)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!stored_loaded (list) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (stored_loaded (list));
}

static guint
n_stored (PhBatchList *list)
{
  return g_list_model_get_n_items (ph_batch_list_get_stored (list));
}

/* A finished received batch of one file, and a sent one to a device. */
static PhBatch *
received_batch (const char *name)
{
  PhBatch *batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.7", NULL);
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/file");

  history_finish (history_add_incoming (batch, name, 10), file);
  return batch;
}

static PhBatch *
sent_batch (const char *device)
{
  PhBatch *batch = ph_batch_new (PH_TRANSFER_SEND, "192.0.2.8:7000", "Holiday");
  g_autoptr(GFile) source = g_file_new_for_path ("/nonexistent/a.jpg");
  g_autoptr(PhTransfer) transfer = ph_transfer_new_outgoing (source, "192.0.2.8:7000");

  ph_batch_set_device_name (batch, device);
  ph_transfer_set_size (transfer, 5);
  ph_batch_add (batch, transfer);
  history_finish (transfer, NULL);
  return batch;
}

static PhBatchList *
list_with_history (const char *path,
                   int         days)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PhHistory) history = history_open (path, &error);
  PhBatchList *list = ph_batch_list_new ();

  g_assert_no_error (error);
  ph_batch_list_set_history_days (list, days);
  ph_batch_list_set_history (list, history);
  return list;
}

/* Lets go of @list and its history, writes and all. */
static void
close_list (PhBatchList *list)
{
  PhHistory *history = g_object_ref (ph_batch_list_get_history (list));

  history_flush (history);
  g_object_unref (list);
  history_close (history);
}

static void
test_restart (void)
{
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-list-history-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  PhBatchList *list = list_with_history (path, -1);
  g_autoptr(PhBatch) received = received_batch ("report.pdf");
  g_autoptr(PhBatch) sent = sent_batch ("Workshop PC");
  PhHistoryBatch *stored;
  g_autofree char *stored_id = NULL;

  wait_stored (list);
  g_assert_cmpuint (n_stored (list), ==, 0);
  ph_batch_list_add (list, received);
  ph_batch_list_add (list, sent);
  /* Listed as this session's, not twice. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  ph_history_model_reload (PH_HISTORY_MODEL (ph_batch_list_get_stored (list)));
  wait_stored (list);
  g_assert_cmpuint (n_stored (list), ==, 0);
  close_list (list);

  /* Started again: both, newest first, the device's name kept. */
  list = list_with_history (path, -1);
  wait_stored (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpuint (n_stored (list), ==, 2);
  g_assert_true (ph_batch_list_get_can_clear (list));
  stored = g_list_model_get_item (ph_batch_list_get_stored (list), 0);
  g_assert_cmpstr (ph_history_batch_get_device_name (stored), ==, "Workshop PC");
  g_assert_cmpstr (ph_history_batch_get_title (stored), ==, "Holiday");
  g_assert_true (ph_batch_list_find_stored (list, ph_history_batch_get_id (stored)) == stored);
  stored_id = g_strdup (ph_history_batch_get_id (stored));
  g_object_unref (stored);

  /* Remove from History: gone from the list and the store. */
  g_assert_true (ph_batch_list_forget (list, stored_id));
  g_assert_cmpuint (n_stored (list), ==, 1);
  g_assert_false (ph_batch_list_forget (list, stored_id));
  close_list (list);
  {
    g_autofree char *count = history_query (path, "SELECT count(*) FROM batches");

    g_assert_cmpstr (count, ==, "1");
  }

  /* Clear History: nothing left, here or in the store. */
  list = list_with_history (path, -1);
  wait_stored (list);
  g_assert_cmpuint (n_stored (list), ==, 1);
  ph_batch_list_clear_history (list);
  wait_stored (list);
  g_assert_cmpuint (n_stored (list), ==, 0);
  g_assert_false (ph_batch_list_get_can_clear (list));
  close_list (list);
  {
    g_autofree char *count = history_query (path, "SELECT count(*) FROM batches");

    g_assert_cmpstr (count, ==, "0");
  }

  ph_test_rm_rf (dir);
}

/* Clear History lets go of every batch it clears and of each of its
 * transfers, watched for the history as they were (what stays after
 * 10,000 files is the app's memory, bench/RESULTS.md). */
static void
test_clear_frees (void)
{
  const guint n = 300;
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-list-frees-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/file");
  PhBatchList *list = list_with_history (path, -1);
  PhBatch *batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.7", NULL);
  g_autofree gpointer *alive = g_new0 (gpointer, n + 1);

  wait_stored (list);
  /* Files that arrive while it is listed, as a receive mode's do. */
  ph_batch_list_add (list, batch);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%04u.bin", i);

      alive[i] = history_add_incoming (batch, name, 10);
      g_object_add_weak_pointer (alive[i], &alive[i]);
    }
  for (guint i = 0; i < n; i++)
    history_finish (alive[i], file);
  history_flush (ph_batch_list_get_history (list));
  alive[n] = batch;
  g_object_add_weak_pointer (alive[n], &alive[n]);
  g_object_unref (batch);
  g_assert_nonnull (alive[n]);

  ph_batch_list_clear_history (list);
  wait_stored (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  for (guint i = 0; i <= n; i++)
    g_assert_null (alive[i]);

  close_list (list);
  ph_test_rm_rf (dir);
}

/* "Not at all": nothing stored, what there was goes; "for ever" keeps. */
static void
test_days (void)
{
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-list-days-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  PhBatchList *list = list_with_history (path, -1);
  g_autoptr(PhBatch) kept = received_batch ("kept.txt");
  g_autoptr(PhBatch) unkept = received_batch ("unkept.txt");

  ph_batch_list_add (list, kept);
  close_list (list);

  list = list_with_history (path, 0);
  g_assert_null (ph_batch_list_get_stored (list));
  ph_batch_list_add (list, unkept);
  g_assert_cmpint (ph_batch_list_get_history_days (list), ==, 0);
  close_list (list);
  {
    g_autofree char *count = history_query (path, "SELECT count(*) FROM batches");

    g_assert_cmpstr (count, ==, "0");
  }

  /* Kept again from the moment it is asked for. */
  list = list_with_history (path, 0);
  ph_batch_list_set_history_days (list, 30);
  wait_stored (list);
  g_assert_cmpuint (n_stored (list), ==, 0);
  ph_batch_list_add (list, kept);
  g_assert_nonnull (ph_history_get_batch_id (ph_batch_list_get_history (list), kept));
  close_list (list);
  {
    g_autofree char *count = history_query (path, "SELECT count(*) FROM batches");

    g_assert_cmpstr (count, ==, "1");
  }

  ph_test_rm_rf (dir);
}

static PhSendList *
walked (PhFolderWalk *walk,
        gboolean      keeps_folders)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ph_folder_walk_run (walk, NULL, &error));
  g_assert_no_error (error);
  return ph_send_list_new (walk, "192.0.2.8:6666", keeps_folders);
}

/* Folders flattened: which names collide, said before sending; each
 * file still knows the folder it came from. */
static void
test_collisions (void)
{
  g_autofree char *dir = ph_test_make_tmp_dir ("posthouse-collisions-XXXXXX");
  g_autofree char *top = g_build_filename (dir, "Holiday", NULL);
  g_autoptr(PhFolderWalk) walk = ph_folder_walk_new ();
  g_autoptr(GFile) folder = g_file_new_for_path (top);
  g_autoptr(PhSendList) flat = NULL;
  g_autoptr(PhSendList) kept = NULL;
  g_autofree char *example = NULL;
  guint n_names = 0;

  for (guint day = 1; day <= 5; day++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/Day %u", top, day);
      g_autofree char *unique = g_strdup_printf ("note-%u.txt", day);

      g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
      g_free (ph_test_make_sparse_file (sub, "img_001.jpg", 10));
      g_free (ph_test_make_sparse_file (sub, unique, 10));
    }
  g_free (ph_test_make_sparse_file (top, "cover.jpg", 10));
  ph_folder_walk_add (walk, folder, NULL);

  flat = walked (walk, FALSE);
  g_assert_true (ph_send_list_get_flattened (flat));
  g_assert_cmpuint (ph_send_list_count_collisions (flat, &n_names, &example), ==, 5);
  g_assert_cmpuint (n_names, ==, 1);
  g_assert_cmpstr (example, ==, "img_001.jpg");
  {
    g_autoptr(PhTransfer) first = g_list_model_get_item (G_LIST_MODEL (flat), 0);
    g_autofree char *from = ph_transfer_dup_folder (first);

    g_assert_cmpstr (ph_transfer_get_name (first), ==, "img_001.jpg");
    g_assert_cmpstr (from, ==, "Holiday/Day 1");
  }

  /* Kept, they are all different. */
  kept = ph_send_list_new (walk, "192.0.2.8:6666", TRUE);
  g_assert_cmpuint (ph_send_list_count_collisions (kept, NULL, NULL), ==, 0);
  {
    g_autoptr(PhTransfer) first = g_list_model_get_item (G_LIST_MODEL (kept), 0);
    g_autofree char *from = ph_transfer_dup_folder (first);

    g_assert_cmpstr (ph_transfer_get_name (first), ==, "Holiday/Day 1/img_001.jpg");
    g_assert_cmpstr (from, ==, "Holiday/Day 1");
  }

  ph_test_rm_rf (dir);
}

/* Send to takes what is listed nearby by name, as the CLI does. */
static void
test_names (void)
{
  g_autoptr(PhBrowser) browser = ph_browser_new ();
  const char *txt[] = { "txtvers=1", "id=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ask=0", "paths=0", NULL };
  const char *twin[] = { "txtvers=1", "id=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "ask=0", "paths=0", NULL };
  g_autoptr(GError) error = NULL;
  PhNearbyReceiver *found;

  PhAnnouncement study = {
    .instance = "study", .name = "Study Laptop", .host_name = "study.local", .txt = txt,
    .host = "192.0.2.9", .port = 7000,
  };
  PhAnnouncement other = {
    .instance = "study-2", .name = "Study Laptop", .host_name = "other.local", .txt = twin,
    .host = "192.0.2.11", .port = 7000,
  };

  ph_browser_resolved (browser, &study);
  found = ph_destination_find_nearby (browser, "Study Laptop");
  g_assert_nonnull (found);
  g_assert_cmpstr (ph_nearby_receiver_get_address (found), ==, "192.0.2.9:7000");
  /* Case aside, as the CLI finds it. */
  g_assert_true (ph_destination_find_nearby (browser, "study laptop") == found);
  g_assert_true (ph_destination_find_nearby (browser, "192.0.2.9:7000") == found);
  g_assert_true (ph_destination_text_is_usable (browser, "Study Laptop", NULL));
  g_assert_true (ph_destination_text_is_usable (browser, "192.0.2.10", NULL));

  g_assert_false (ph_destination_text_is_usable (browser, "Garden Shed", &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No computer nearby is called “Garden Shed” right now");
  g_clear_error (&error);

  /* Two of a name: not one of them by chance. */
  ph_browser_resolved (browser, &other);
  g_assert_null (ph_destination_find_nearby (browser, "Study Laptop"));
  g_assert_false (ph_destination_text_is_usable (browser, "Study Laptop", &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_AMBIGUOUS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/batch-list/history/restart", test_restart);
  g_test_add_func ("/posthouse/batch-list/history/days", test_days);
  g_test_add_func ("/posthouse/batch-list/history/clear-frees", test_clear_frees);
  g_test_add_func ("/posthouse/send-list/collisions", test_collisions);
  g_test_add_func ("/posthouse/destination/names", test_names);

  return g_test_run ();
}
