/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batches and the inbox: grouping, aggregate progress, asking once,
 * on a real receiver over loopback. */
#include "config.h"

#include "test-common.h"
#include "ph-inbox-private.h"

/* items-changed and notify, as a window would see them. */
typedef struct
{
  GString *changes;     /* "pos,removed,added;" */
  guint    n_done_notifies;
  guint    bytes_notifies;
  guint    state_notifies;
} Recorder;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *r)
{
  g_string_append_printf (r->changes, "%u,%u,%u;", position, removed, added);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Recorder   *r)
{
  if (g_str_equal (pspec->name, "n-done"))
    r->n_done_notifies++;
  else if (g_str_equal (pspec->name, "bytes-done"))
    r->bytes_notifies++;
  else if (g_str_equal (pspec->name, "state"))
    r->state_notifies++;
}

static void
recorder_watch (Recorder *r,
                PhBatch  *batch)
{
  r->changes = g_string_new (NULL);
  g_signal_connect (batch, "items-changed", G_CALLBACK (items_changed_cb), r);
  g_signal_connect (batch, "notify", G_CALLBACK (notify_cb), r);
}

static void
recorder_clear (Recorder *r,
                PhBatch  *batch)
{
  g_signal_handlers_disconnect_by_data (batch, r);
  g_string_free (r->changes, TRUE);
}

static void
iterate_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

/* No network: many transfers end at once, the batch says so once. */
static void
test_throttle (void)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.7", NULL);
  g_autoptr(GPtrArray) transfers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *title = NULL;
  Recorder r = { 0 };

  recorder_watch (&r, batch);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%04u.txt", i);
      PhTransfer *transfer = ph_transfer_new_incoming ("192.0.2.7:40000", name, 1024);

      ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);
      ph_batch_add (batch, transfer);
      g_ptr_array_add (transfers, transfer);
    }

  /* The list changes at once, item by item, at the end. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (batch)), ==, 1000);
  g_assert_true (g_str_has_prefix (r.changes->str, "0,0,1;1,0,1;2,0,1;"));
  g_assert_true (g_str_has_suffix (r.changes->str, "998,0,1;999,0,1;"));
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_RECEIVING);
  g_assert_cmpint (ph_batch_get_total_size (batch), ==, 1024 * 1000);
  title = ph_batch_dup_title (batch);
  g_assert_cmpstr (title, ==, "1000 files");

  for (guint i = 0; i < transfers->len; i++)
    {
      PhTransfer *transfer = g_ptr_array_index (transfers, i);

      ph_transfer_set_bytes_done (transfer, 1024);
      ph_transfer_set_state (transfer, i % 10 == 9 ? PH_TRANSFER_FAILED : PH_TRANSFER_DONE);
    }

  /* The getters are current at once... */
  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, 900);
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 100);
  g_assert_true (ph_batch_is_finished (batch));
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_FAILED);
  g_assert_cmpint (ph_batch_get_bytes_done (batch), ==, 900 * 1024);
  /* ... the notifications come a few times a second at most. */
  g_assert_cmpuint (r.n_done_notifies, ==, 0);
  iterate_for (600);
  g_assert_cmpuint (r.n_done_notifies, ==, 1);
  g_assert_cmpuint (r.state_notifies, >=, 1);
  g_assert_cmpuint (r.state_notifies, <=, 3);

  recorder_clear (&r, batch);
}

static void
test_decision_holds (void)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.0.2.7", NULL);
  g_autoptr(PhTransfer) first = ph_transfer_new_incoming ("192.0.2.7:40000", "a.txt", 10);
  g_autoptr(PhTransfer) second = ph_transfer_new_incoming ("192.0.2.7:40001", "b.txt", 10);
  g_autoptr(GError) declined = g_error_new_literal (PH_ERROR, PH_ERROR_DECLINED, "Declined");

  ph_transfer_set_state (first, PH_TRANSFER_WAITING);
  ph_batch_add (batch, first);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_WAITING);
  g_assert_cmpuint (ph_batch_get_n_waiting (batch), ==, 1);

  /* Transfers without a receiver behind them: the batch's answer is
   * what the receiver would act on. */
  ph_batch_decline (batch);
  ph_transfer_fail (first, declined);
  g_assert_cmpuint (ph_batch_get_n_declined (batch), ==, 1);
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_CANCELLED);

  ph_transfer_set_state (second, PH_TRANSFER_WAITING);
  ph_batch_add (batch, second);
  /* No decision function: nothing happened, but it was not left to ask. */
  g_assert_cmpint (ph_batch_get_n_waiting (batch), ==, 1);
  ph_transfer_fail (second, declined);
  g_assert_cmpuint (ph_batch_get_n_declined (batch), ==, 2);
  g_assert_true (ph_batch_is_finished (batch));
}

static gboolean
all_done (SendResult **results,
          guint        n)
{
  for (guint i = 0; i < n; i++)
    if (!results[i]->done)
      return FALSE;
  return TRUE;
}

/* An outgoing batch, sent file by file as the app does. */
static void
test_outgoing (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(PhBatch) batch = NULL;
  g_autofree char *missing = g_build_filename (f->src_dir, "missing.jpg", NULL);
  g_autofree char *title = NULL;
  SendResult *results[4];
  gint64 total = 0;
  Recorder r = { 0 };
  PhTransfer *retried;
  g_autoptr(GListModel) again = NULL;
  g_autoptr(GFile) gone = NULL;

  fixture_start (f, NULL);
  batch = ph_batch_new (PH_TRANSFER_SEND, f->destination, "album");
  recorder_watch (&r, batch);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      g_autofree char *path = make_file (f->src_dir, name, 100000 * (i + 1), i);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      ph_batch_add_file (batch, file, 100000 * (i + 1));
      total += 100000 * (i + 1);
    }
  gone = g_file_new_for_path (missing);
  ph_batch_add_file (batch, gone, -1);

  g_assert_cmpstr (r.changes->str, ==, "0,0,1;1,0,1;2,0,1;3,0,1;");
  g_assert_cmpint (ph_batch_get_total_size (batch), ==, total);
  title = ph_batch_dup_title (batch);
  g_assert_cmpstr (title, ==, "album");
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_QUEUED);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (batch), i);
      results[i] = send_transfer (sender, g_object_ref (transfer));
    }
  WAIT_UNTIL (all_done (results, 4) && f->received->len == 3 &&
              ph_transfer_is_finished (g_ptr_array_index (f->received, 2)));
  iterate_for (300);

  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, 3);
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 1);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_FAILED);
  g_assert_cmpint (ph_batch_get_bytes_done (batch), ==, total);
  g_assert_nonnull (ph_batch_get_error_message (batch));
  g_assert_cmpint (r.bytes_notifies, >=, 1);

  /* Retry puts a fresh transfer in the failed one's place. */
  g_string_truncate (r.changes, 0);
  again = ph_batch_retry_failed (batch);
  g_assert_cmpuint (g_list_model_get_n_items (again), ==, 1);
  g_assert_cmpstr (r.changes->str, ==, "3,1,1;");
  retried = g_list_model_get_item (again, 0);
  g_object_unref (retried);
  {
    g_autoptr(PhTransfer) at = g_list_model_get_item (G_LIST_MODEL (batch), 3);
    g_assert_true (at == retried);
  }
  g_assert_cmpint (ph_transfer_get_state (retried), ==, PH_TRANSFER_QUEUED);
  g_assert_false (ph_batch_is_finished (batch));
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 0);

  /* Cancel ends what is still queued. */
  ph_batch_cancel (batch);
  g_assert_cmpint (ph_transfer_get_state (retried), ==, PH_TRANSFER_CANCELLED);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_CANCELLED);

  recorder_clear (&r, batch);
  g_clear_object (&again);
  g_assert_finalize_object (g_steal_pointer (&batch));
  for (guint i = 0; i < 4; i++)
    send_result_free (results[i]);
}

/* The inbox's batches, kept as a window would keep them. */
typedef struct
{
  Fixture    f;
  PhInbox   *inbox;
  GPtrArray *batches;
} InboxFixture;

static void
batch_added_cb (PhInbox      *inbox,
                PhBatch      *batch,
                InboxFixture *ib)
{
  g_ptr_array_add (ib->batches, g_object_ref (batch));
}

static void
inbox_setup (InboxFixture  *ib,
             gconstpointer  data)
{
  fixture_setup (&ib->f, data);
  fixture_start (&ib->f, NULL);
  ib->inbox = ph_inbox_new (ib->f.receiver);
  ib->batches = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (ib->inbox, "batch-added", G_CALLBACK (batch_added_cb), ib);
}

static void
inbox_teardown (InboxFixture  *ib,
                gconstpointer  data)
{
  ph_receiver_stop (ib->f.receiver);
  g_assert_finalize_object (ib->inbox);
  for (guint i = 0; i < ib->batches->len; i++)
    g_assert_true (ph_batch_is_finished (g_ptr_array_index (ib->batches, i)));
  g_ptr_array_unref (ib->batches);
  fixture_teardown (&ib->f, data);
}

static PhBatch *
batch_at (InboxFixture *ib,
          guint         i)
{
  return g_ptr_array_index (ib->batches, i);
}

static void
send_and_wait (InboxFixture *ib,
               PhSender     *sender,
               const char   *path)
{
  g_autoptr(SendResult) r = send_file (sender, path, ib->f.destination);

  WAIT_UNTIL (r->done);
  g_assert_no_error (r->error);
}

/* A connection from another loopback address: header and data in one
 * go, then the caller waits for the receiver and closes. */
static GSocketConnection *
send_from (InboxFixture *ib,
           const char   *local,
           const char   *name,
           gsize         size)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (local);
  g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (address, 0);
  g_autofree char *data = g_malloc0 (size);
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_local_address (client, local_address);
  connection = g_socket_client_connect_to_host (client, ib->f.destination, 0, NULL, &error);
  g_assert_no_error (error);
  raw_header (connection, name, size);
  raw_write (connection, data, size);

  return connection;
}

static void
test_inbox_burst (InboxFixture  *ib,
                  gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GSocketConnection) other = NULL;
  g_autofree char *title = NULL;
  PhBatch *batch;

  /* Five files, one connection (and source port) each: one batch. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.txt", i);
      g_autofree char *path = make_file (ib->f.src_dir, name, 1024, i);

      send_and_wait (ib, sender, path);
    }

  g_assert_cmpuint (ib->batches->len, ==, 1);
  batch = batch_at (ib, 0);
  g_assert_cmpstr (ph_batch_get_peer (batch), ==, "127.0.0.1");
  g_assert_cmpint (ph_batch_get_direction (batch), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (batch)), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (batch), i);
      g_autofree char *name = g_strdup_printf ("%u.txt", i);

      g_assert_cmpstr (ph_transfer_get_name (transfer), ==, name);
    }
  WAIT_UNTIL (ph_batch_get_n_done (batch) == 5);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpint (ph_batch_get_bytes_done (batch), ==, 5 * 1024);
  title = ph_batch_dup_title (batch);
  g_assert_cmpstr (title, ==, "5 files");

  /* Another host at the same moment has a batch of its own. */
  other = send_from (ib, "127.0.0.2", "other.txt", 2048);
  WAIT_UNTIL (ib->batches->len == 2 && ph_batch_is_finished (batch_at (ib, 1)));
  g_assert_cmpstr (ph_batch_get_peer (batch_at (ib, 1)), ==, "127.0.0.2");
  g_assert_cmpint (ph_batch_get_state (batch_at (ib, 1)), ==, PH_TRANSFER_DONE);
  g_io_stream_close (G_IO_STREAM (other), NULL, NULL);

  /* After the burst gap, the same host starts a new batch. */
  ph_inbox_set_burst_gap (ib->inbox, 100);
  iterate_for (200);
  {
    g_autofree char *path = make_file (ib->f.src_dir, "later.txt", 10, 9);
    send_and_wait (ib, sender, path);
  }
  g_assert_cmpuint (ib->batches->len, ==, 3);
  g_assert_cmpstr (ph_batch_get_peer (batch_at (ib, 2)), ==, "127.0.0.1");
  g_assert_cmpuint (ph_batch_get_n_files (batch), ==, 5);
}

static void
waiting_send (InboxFixture *ib,
              PhSender     *sender,
              const char   *name,
              SendResult  **result)
{
  g_autofree char *path = make_file (ib->f.src_dir, name, 4096, 1);

  *result = send_file (sender, path, ib->f.destination);
}

/* One question per batch: its answer holds for the files that follow. */
static void
test_inbox_ask_once (InboxFixture  *ib,
                     gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) first = NULL;
  g_autoptr(SendResult) second = NULL;
  g_autoptr(SendResult) third = NULL;
  g_autoptr(SendResult) fourth = NULL;
  PhBatch *batch;

  ph_receiver_set_require_approval (ib->f.receiver, TRUE);

  waiting_send (ib, sender, "first.txt", &first);
  WAIT_UNTIL (ib->batches->len == 1 && ph_batch_get_n_waiting (batch_at (ib, 0)) == 1);
  batch = batch_at (ib, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_WAITING);
  ph_batch_accept (batch);
  WAIT_UNTIL (first->done);
  g_assert_no_error (first->error);

  /* The next file of the burst goes through without asking. */
  waiting_send (ib, sender, "second.txt", &second);
  WAIT_UNTIL (second->done);
  g_assert_no_error (second->error);
  g_assert_cmpuint (ib->batches->len, ==, 1);
  g_assert_cmpuint (ph_batch_get_n_files (batch), ==, 2);

  /* A new burst asks again; declining holds for it too. */
  ph_inbox_set_burst_gap (ib->inbox, 100);
  iterate_for (200);
  waiting_send (ib, sender, "third.txt", &third);
  WAIT_UNTIL (ib->batches->len == 2 && ph_batch_get_n_waiting (batch_at (ib, 1)) == 1);
  ph_batch_decline (batch_at (ib, 1));
  /* Declined: the receiver resets, the sender says it failed. */
  WAIT_UNTIL (third->done);
  g_assert_nonnull (third->error);
  ph_inbox_set_burst_gap (ib->inbox, 2000);
  waiting_send (ib, sender, "fourth.txt", &fourth);
  WAIT_UNTIL (fourth->done);
  g_assert_nonnull (fourth->error);
  g_assert_cmpuint (ib->batches->len, ==, 2);
  WAIT_UNTIL (ph_batch_get_n_declined (batch_at (ib, 1)) == 2);
  g_assert_cmpint (ph_batch_get_state (batch_at (ib, 1)), ==, PH_TRANSFER_CANCELLED);
}

/* Accept All: this host's next bursts go through, another host asks. */
static void
test_inbox_accept_all (InboxFixture  *ib,
                       gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) first = NULL;
  g_autoptr(SendResult) later = NULL;
  g_autoptr(GSocketConnection) other = NULL;

  ph_receiver_set_require_approval (ib->f.receiver, TRUE);
  ph_inbox_set_burst_gap (ib->inbox, 100);

  waiting_send (ib, sender, "first.txt", &first);
  WAIT_UNTIL (ib->batches->len == 1 && ph_batch_get_n_waiting (batch_at (ib, 0)) == 1);
  g_assert_false (ph_inbox_is_allowed (ib->inbox, "127.0.0.1"));
  ph_inbox_accept_all (ib->inbox, batch_at (ib, 0));
  g_assert_true (ph_inbox_is_allowed (ib->inbox, "127.0.0.1"));
  WAIT_UNTIL (first->done);
  g_assert_no_error (first->error);

  iterate_for (200);
  waiting_send (ib, sender, "later.txt", &later);
  WAIT_UNTIL (later->done);
  g_assert_no_error (later->error);
  g_assert_cmpuint (ib->batches->len, ==, 2);
  g_assert_cmpint (ph_batch_get_state (batch_at (ib, 1)), ==, PH_TRANSFER_DONE);

  /* Someone else still has to be let in. */
  other = send_from (ib, "127.0.0.2", "other.txt", 100);
  WAIT_UNTIL (ib->batches->len == 3 && ph_batch_get_n_waiting (batch_at (ib, 2)) == 1);
  ph_batch_decline (batch_at (ib, 2));
  WAIT_UNTIL (ph_batch_is_finished (batch_at (ib, 2)));
  g_io_stream_close (G_IO_STREAM (other), NULL, NULL);

  /* The allowance runs out. */
  ph_inbox_set_allow_time (ib->inbox, 0);
  ph_inbox_accept_all (ib->inbox, batch_at (ib, 0));
  g_assert_false (ph_inbox_is_allowed (ib->inbox, "127.0.0.1"));
}

static void
test_peer_host (void)
{
  g_autofree char *v4 = ph_inbox_peer_host ("192.168.1.7:40000");
  g_autofree char *v6 = ph_inbox_peer_host ("[fe80::1]:40000");
  g_autofree char *bare = ph_inbox_peer_host ("host");

  g_assert_cmpstr (v4, ==, "192.168.1.7");
  g_assert_cmpstr (v6, ==, "fe80::1");
  g_assert_cmpstr (bare, ==, "host");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/batch/throttle", test_throttle);
  g_test_add_func ("/posthouse/batch/decision-holds", test_decision_holds);
  g_test_add_func ("/posthouse/batch/peer-host", test_peer_host);
  g_test_add ("/posthouse/batch/outgoing", Fixture, NULL,
              fixture_setup, test_outgoing, fixture_teardown);
  g_test_add ("/posthouse/inbox/burst", InboxFixture, NULL,
              inbox_setup, test_inbox_burst, inbox_teardown);
  g_test_add ("/posthouse/inbox/ask-once", InboxFixture, NULL,
              inbox_setup, test_inbox_ask_once, inbox_teardown);
  g_test_add ("/posthouse/inbox/accept-all", InboxFixture, NULL,
              inbox_setup, test_inbox_accept_all, inbox_teardown);

  return g_test_run ();
}
