/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ph-receiver-private.h"
#include "ph-sender-private.h"

#include "test-common.h"

/* Sends @path, waits for both sides, checks the saved copy. */
static void
roundtrip (Fixture    *f,
           const char *path,
           const char *expected_name)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *saved = NULL;
  guint index = f->received->len;
  PhTransfer *in;

  r = send_file (sender, path, f->destination);
  WAIT_UNTIL (r->done);
  in = wait_received (f, index);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpstr (ph_transfer_get_error_message (in), ==, NULL);
  g_assert_no_error (r->error);
  g_assert_cmpint (ph_transfer_get_state (r->transfer), ==, PH_TRANSFER_DONE);

  in = wait_received (f, index);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpstr (ph_transfer_get_error_message (in), ==, NULL);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_transfer_get_name (in), ==, expected_name);
  g_assert_cmpint (ph_transfer_get_size (in), ==, ph_transfer_get_size (r->transfer));
  g_assert_cmpint (ph_transfer_get_bytes_done (in), ==, ph_transfer_get_size (in));
  g_assert_cmpint (ph_transfer_get_bytes_done (r->transfer), ==, ph_transfer_get_size (in));

  saved = g_build_filename (f->dst_dir, expected_name, NULL);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr(GFile) expected = g_file_new_for_path (saved);
    g_assert_true (g_file_equal (ph_transfer_get_file (in), expected));
  }

  ph_test_assert_same_file (path, saved);

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static void
test_sizes (Fixture       *f,
            gconstpointer  data)
{
  const gsize sizes[] = { 0, 1, 1024 * 1024 + 1 };

  fixture_start (f, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%" G_GSIZE_FORMAT ".bin", sizes[i]);
      g_autofree char *path = make_file (f->src_dir, name, sizes[i], i);

      roundtrip (f, path, name);
    }
}


static void
test_utf8_name (Fixture       *f,
                gconstpointer  data)
{
  const char *name = "Ünïcødé 文件 📷 (été).txt";
  g_autofree char *path = make_file (f->src_dir, name, 4096, 7);

  fixture_start (f, NULL);
  roundtrip (f, path, name);
}

static void
test_prefix (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = make_file (f->src_dir, "photo.jpg", 1000, 8);

  ph_receiver_set_prefix (f->receiver, "new_");
  fixture_start (f, NULL);
  roundtrip (f, path, "new_photo.jpg");
  /* A taken name gets a numbered variant, never an overwrite. */
  roundtrip (f, path, "new_photo (2).jpg");
}

typedef struct
{
  guint  count;
  gint64 first;
  gint64 last;
} NotifyCount;

static void
count_notify_cb (GObject     *object,
                 GParamSpec  *pspec,
                 NotifyCount *count)
{
  gint64 now = g_get_monotonic_time ();

  if (count->count++ == 0)
    count->first = now;
  count->last = now;
}

static void
test_large (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *path = make_file (f->src_dir, "large.bin", 100 * 1024 * 1024, 9);
  g_autofree char *saved = g_build_filename (f->dst_dir, "large.bin", NULL);
  NotifyCount sent = { 0 }, received = { 0 };
  gint64 start, end;
  double seconds;
  PhTransfer *in;

  fixture_start (f, NULL);

  start = g_get_monotonic_time ();
  r = send_file (sender, path, f->destination);
  g_signal_connect (r->transfer, "notify::bytes-done", G_CALLBACK (count_notify_cb), &sent);
  in = wait_received (f, 0);
  g_signal_connect (in, "notify::bytes-done", G_CALLBACK (count_notify_cb), &received);
  WAIT_UNTIL (r->done && ph_transfer_is_finished (in));
  end = g_get_monotonic_time ();

  g_assert_no_error (r->error);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_cmpint (ph_transfer_get_bytes_done (in), ==, 100 * 1024 * 1024);
  g_assert_cmpfloat (ph_transfer_get_speed (in), >, 0);

  ph_test_assert_same_file (path, saved);

  /* A rate bound, not a timing one: at most ten a second plus the
   * final one, however fast or slow the run was. */
  seconds = (end - start) / (double) G_USEC_PER_SEC;
  g_test_message ("100 MiB in %.2f s; %u/%u bytes-done notifications (sent/received)",
                  seconds, sent.count, received.count);
  g_assert_cmpuint (sent.count, <=, 12 * seconds + 3);
  g_assert_cmpuint (received.count, <=, 12 * seconds + 3);
  g_assert_cmpuint (received.count, >=, 1);

  g_signal_handlers_disconnect_by_data (in, &received);
  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) names = NULL;
  const guint n = 20;

  fixture_start (f, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/%u", f->src_dir, i);
      g_autofree char *path = NULL;

      g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
      path = make_file (dir, "same.bin", 100000 + i * 1000, 100 + i);
      g_hash_table_add (sums, checksum_file (path));
      g_ptr_array_add (results, send_file (sender, path, f->destination));
    }

  WAIT_UNTIL (f->received->len == n);
  for (guint i = 0; i < n; i++)
    {
      PhTransfer *in = g_ptr_array_index (f->received, i);

      WAIT_UNTIL (ph_transfer_is_finished (in));
      g_assert_cmpstr (ph_transfer_get_error_message (in), ==, NULL);
    }
  for (guint i = 0; i < n; i++)
    {
      SendResult *r = g_ptr_array_index (results, i);

      WAIT_UNTIL (r->done);
      g_assert_no_error (r->error);
    }

  /* Twenty distinct files, each one of the sent contents. */
  names = list_dir (f->dst_dir);
  g_assert_cmpuint (names->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (f->dst_dir, name, NULL);
      g_autofree char *sum = checksum_file (path);

      g_assert_true (g_str_equal (name, "same.bin") || g_str_has_prefix (name, "same ("));
      g_assert_true (g_hash_table_remove (sums, sum));
    }
  g_assert_cmpuint (g_hash_table_size (sums), ==, 0);

  for (guint i = 0; i < n; i++)
    send_result_free (g_ptr_array_index (results, i));
  g_assert_finalize_object (g_steal_pointer (&sender));
}

typedef enum
{
  MIDWAY_CANCEL_SENDER,
  MIDWAY_CANCEL_RECEIVER,
  MIDWAY_SHRINK,
  MIDWAY_GROW,
} Midway;

typedef struct
{
  Midway      what;
  SendResult *r;
  const char *path;
  gboolean    fired;
} MidwayData;

static void
midway_cb (PhTransfer *in,
           GParamSpec *pspec,
           MidwayData *m)
{
  if (m->fired || ph_transfer_get_bytes_done (in) == 0)
    return;

  m->fired = TRUE;
  switch (m->what)
    {
    case MIDWAY_CANCEL_SENDER:
      ph_transfer_cancel (m->r->transfer);
      break;
    case MIDWAY_CANCEL_RECEIVER:
      ph_transfer_cancel (in);
      break;
    case MIDWAY_SHRINK:
      g_assert_cmpint (truncate (m->path, 1024 * 1024), ==, 0);
      break;
    case MIDWAY_GROW:
      g_assert_cmpint (truncate (m->path, ((gint64) 2 << 30) + 1), ==, 0);
      break;
    }
}

/* A 2 GiB sparse file cannot finish before the first progress tick. */
static void
test_midway (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *path = ph_test_make_sparse_file (f->src_dir, "big.bin", (gint64) 2 << 30);
  MidwayData m = { .what = GPOINTER_TO_INT (data), .path = path };
  PhTransfer *in;

  fixture_start (f, NULL);

  r = m.r = send_file (sender, path, f->destination);
  in = wait_received (f, 0);
  g_signal_connect (in, "notify::bytes-done", G_CALLBACK (midway_cb), &m);
  WAIT_UNTIL (r->done && ph_transfer_is_finished (in));
  g_assert_true (m.fired);

  g_test_message ("sender: %s", r->error ? r->error->message : "(no error)");
  g_test_message ("receiver: %s", ph_transfer_get_error_message (in));
  g_assert_nonnull (r->error);
  g_assert_cmpint (ph_transfer_get_state (in), !=, PH_TRANSFER_DONE);

  switch (m.what)
    {
    case MIDWAY_CANCEL_SENDER:
      g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (ph_transfer_get_state (r->transfer), ==, PH_TRANSFER_CANCELLED);
      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
      g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_SHORT);
      break;
    case MIDWAY_CANCEL_RECEIVER:
      g_assert_error (r->error, PH_ERROR, PH_ERROR_CONNECTION);
      g_assert_cmpint (ph_transfer_get_state (r->transfer), ==, PH_TRANSFER_FAILED);
      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_CANCELLED);
      break;
    case MIDWAY_SHRINK:
    case MIDWAY_GROW:
      g_assert_error (r->error, PH_ERROR, PH_ERROR_FILE_CHANGED);
      g_assert_cmpint (ph_transfer_get_state (r->transfer), ==, PH_TRANSFER_FAILED);
      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
      break;
    }
  g_assert_null (ph_transfer_get_file (in));

  /* Neither a final nor a temporary file. */
  flush_main_context ();
  assert_dir_empty (f->dst_dir);

  g_signal_handlers_disconnect_by_data (in, &m);
  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

/* The sender gives up while the receiver holds its file (asking the
 * person, or out of slots): its FIN would wait behind the unread data,
 * so only a reset tells the receiver. */
static void
test_held_sender_cancels (Fixture       *f,
                          gconstpointer  data)
{
  PhTransferState held = GPOINTER_TO_INT (data);
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autoptr(GSocketConnection) busy = NULL;
  g_autofree char *path = make_file (f->src_dir, "gone.bin", 16 * 1024 * 1024, 13);
  PhTransfer *in;
  gint64 deadline;

  if (held == PH_TRANSFER_WAITING)
    ph_receiver_set_require_approval (f->receiver, TRUE);
  else
    ph_receiver_set_max_transfers (f->receiver, 1);
  fixture_start (f, NULL);

  if (held == PH_TRANSFER_QUEUED)
    {
      /* Takes the only slot and sends next to nothing. */
      busy = raw_connect (f);
      raw_header (busy, "busy.bin", 1000);
      raw_write (busy, "x", 1);
      WAIT_UNTIL (f->received->len == 1 &&
                  ph_transfer_get_state (g_ptr_array_index (f->received, 0)) == PH_TRANSFER_RECEIVING);
    }

  r = send_file (sender, path, f->destination);
  in = wait_received (f, f->received->len);
  g_assert_cmpint (ph_transfer_get_state (in), ==, held);

  /* Let the sender fill the socket buffers. */
  for (guint i = 0; i < 3; i++)
    g_main_context_iteration (NULL, TRUE);

  ph_transfer_cancel (r->transfer);
  WAIT_UNTIL (r->done);
  g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Without the reset it would stay held forever. */
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (ph_transfer_get_state (in) == held)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
  g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_CONNECTION);
  g_test_message ("%s", ph_transfer_get_error_message (in));
  g_assert_nonnull (strstr (ph_transfer_get_error_message (in), "cancelled"));

  if (busy)
    {
      g_io_stream_close (G_IO_STREAM (busy), NULL, NULL);
      WAIT_UNTIL (ph_transfer_is_finished (g_ptr_array_index (f->received, 0)));
    }
  assert_dir_empty (f->dst_dir);
  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

/* The person is asked about the sender's name; the prefix shows once saved. */
static void
test_approval_prefix (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *path = make_file (f->src_dir, "ask.bin", 3000, 14);
  g_autofree char *saved = g_build_filename (f->dst_dir, "new_ask.bin", NULL);
  g_autofree char *saved_name = NULL;
  PhTransfer *in;

  ph_receiver_set_require_approval (f->receiver, TRUE);
  ph_receiver_set_prefix (f->receiver, "new_");
  fixture_start (f, NULL);

  r = send_file (sender, path, f->destination);
  in = wait_received (f, 0);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_WAITING);
  g_assert_cmpstr (ph_transfer_get_name (in), ==, "ask.bin");

  ph_transfer_accept (in);
  WAIT_UNTIL (r->done && ph_transfer_is_finished (in));
  g_assert_no_error (r->error);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_transfer_get_name (in), ==, "new_ask.bin");
  saved_name = g_file_get_path (ph_transfer_get_file (in));
  g_assert_cmpstr (saved_name, ==, saved);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static void
test_approval (Fixture       *f,
               gconstpointer  data)
{
  gboolean accept = GPOINTER_TO_INT (data);
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *path = make_file (f->src_dir, "ask.bin", 300000, 11);
  PhTransfer *in;

  ph_receiver_set_require_approval (f->receiver, TRUE);
  fixture_start (f, NULL);

  r = send_file (sender, path, f->destination);
  in = wait_received (f, 0);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_WAITING);
  g_assert_cmpstr (ph_transfer_get_name (in), ==, "ask.bin");
  g_assert_cmpint (ph_transfer_get_size (in), ==, 300000);

  /* Held: the sender gets no further while nobody answers. */
  for (guint i = 0; i < 5; i++)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_false (r->done);
    }
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_WAITING);

  if (accept)
    {
      g_autofree char *saved = g_build_filename (f->dst_dir, "ask.bin", NULL);

      ph_transfer_accept (in);
      WAIT_UNTIL (r->done && ph_transfer_is_finished (in));
      g_assert_no_error (r->error);
      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
      ph_test_assert_same_file (path, saved);
    }
  else
    {
      ph_transfer_decline (in);
      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
      g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_DECLINED);
      WAIT_UNTIL (r->done);
      g_assert_error (r->error, PH_ERROR, PH_ERROR_CONNECTION);
      g_test_message ("sender: %s", r->error->message);
      assert_dir_empty (f->dst_dir);
    }

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static gboolean
have_ipv6_loopback (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  return socket && g_socket_bind (socket, address, FALSE, NULL);
}

static void
test_ipv6 (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  if (!have_ipv6_loopback ())
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }

  path = make_file (f->src_dir, "six.bin", 70000, 12);
  fixture_start (f, "::1");
  expected = g_strdup_printf ("[::1]:%u", f->port);
  g_assert_cmpstr (f->destination, ==, expected);
  roundtrip (f, path, "six.bin");
  g_assert_true (g_str_has_prefix (ph_transfer_get_peer (g_ptr_array_index (f->received, 0)),
                                   "[::1]:"));
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *payload = g_malloc (200000);
  g_autofree char *saved = g_build_filename (f->dst_dir, "stop.bin", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  PhTransfer *in;

  for (guint i = 0; i < 200000; i++)
    payload[i] = i * 7;
  g_socket_client_set_enable_proxy (client, FALSE);

  fixture_start (f, NULL);
  connection = raw_connect (f);
  raw_header (connection, "stop.bin", 200000);
  raw_write (connection, payload, 100000);
  in = wait_received (f, 0);
  WAIT_UNTIL (ph_transfer_get_bytes_done (in) == 100000);

  ph_receiver_stop (f->receiver);
  g_assert_false (ph_receiver_get_listening (f->receiver));

  refused = g_socket_client_connect_to_host (client, f->destination, 0, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);

  /* The transfer in flight goes on. */
  raw_write (connection, payload + 100000, 100000);
  raw_end (connection);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_true (g_file_get_contents (saved, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, payload, 200000);

  /* And it can listen again. */
  {
    g_autofree char *path = make_file (f->src_dir, "again.bin", 1000, 15);

    fixture_start (f, NULL);
    roundtrip (f, path, "again.bin");
  }
}

/* 192.0.2.9 is TEST-NET-1, never an address of this computer. */
static void
test_foreign_address (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  ph_receiver_set_port (f->receiver, 0);
  ph_receiver_set_bind_address (f->receiver, "192.0.2.9");
  g_assert_false (ph_receiver_start (f->receiver, &error));
  g_assert_nonnull (error);
  g_assert_false (ph_receiver_get_listening (f->receiver));

  /* The address, not "port 0", and the cause said once. */
  expected = g_strdup_printf ("Could not listen on 192.0.2.9: %s", g_strerror (EADDRNOTAVAIL));
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  ph_receiver_set_port (f->receiver, 40000);
  g_assert_false (ph_receiver_start (f->receiver, &error));
  expected = g_strdup_printf ("Could not listen on 192.0.2.9:40000: %s", g_strerror (EADDRNOTAVAIL));
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) folder = NULL;
  g_autoptr(SendResult) refused = NULL;
  g_autoptr(SendResult) bad_address = NULL;
  g_autoptr(SendResult) missing = NULL;
  g_autofree char *path = make_file (f->src_dir, "x.bin", 10, 13);
  g_autofree char *missing_path = g_build_filename (f->src_dir, "nope.bin", NULL);
  g_autofree char *closed = NULL;
  guint port;

  fixture_start (f, NULL);
  port = f->port;
  ph_receiver_stop (f->receiver);
  closed = g_strdup_printf ("127.0.0.1:%u", port);

  folder = send_file (sender, f->src_dir, closed);
  refused = send_file (sender, path, closed);
  bad_address = send_file (sender, path, "127.0.0.1:99999");
  missing = send_file (sender, missing_path, closed);
  WAIT_UNTIL (folder->done && refused->done && bad_address->done && missing->done);

  g_assert_error (folder->error, PH_ERROR, PH_ERROR_NOT_REGULAR);
  g_assert_error (refused->error, PH_ERROR, PH_ERROR_CONNECTION);
  g_assert_nonnull (strstr (refused->error->message, closed));
  g_assert_error (bad_address->error, PH_ERROR, PH_ERROR_INVALID_ADDRESS);
  g_assert_error (missing->error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  {
    /* One sentence, not GIO's own wrapped in ours. */
    g_autofree char *expected = g_strdup_printf ("Could not read “nope.bin”: %s", g_strerror (ENOENT));

    g_assert_cmpstr (missing->error->message, ==, expected);
  }
  g_assert_cmpint (ph_transfer_get_state (refused->transfer), ==, PH_TRANSFER_FAILED);
  g_assert_cmpstr (ph_transfer_get_error_message (refused->transfer), ==, refused->error->message);

  /* Cancelled before it was sent: it never connects. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    PhTransfer *transfer = ph_transfer_new_outgoing (file, closed);
    g_autoptr(SendResult) early = NULL;

    ph_transfer_cancel (transfer);
    g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_CANCELLED);
    early = send_transfer (sender, transfer);
    WAIT_UNTIL (early->done);
    g_assert_error (early->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  g_clear_pointer (&folder, send_result_free);
  g_clear_pointer (&refused, send_result_free);
  g_clear_pointer (&bad_address, send_result_free);
  g_clear_pointer (&missing, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static void
test_leftovers (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *stale = g_build_filename (f->dst_dir, ".posthouse-abc123.part", NULL);
  g_autofree char *held = g_build_filename (f->dst_dir, ".posthouse-def456.part", NULL);
  g_autofree char *other = g_build_filename (f->dst_dir, "keep.part", NULL);
  /* Killed between creating a part file and locking it. */
  g_autofree char *staging = g_build_filename (f->dst_dir, ".posthouse-ghi789.new", NULL);
  int fd;

  g_assert_true (g_file_set_contents (staging, "", 0, NULL));
  g_assert_true (g_file_set_contents (stale, "x", 1, NULL));
  g_assert_true (g_file_set_contents (other, "x", 1, NULL));
  fd = open (held, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  /* Only the unlocked ones are leftovers: the other is being written. */
  g_assert_cmpuint (ph_receiver_clean_leftovers (f->receiver), ==, 2);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (staging, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (held, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));

  close (fd);
  g_assert_cmpuint (ph_receiver_clean_leftovers (f->receiver), ==, 1);
  g_unlink (other);
}


static void
test_not_local (Fixture       *f,
                gconstpointer  data)
{
  const char *resource = "/io/github/posthouse/Posthouse/tests/test-loopback.c";
  g_autofree char *uri = g_strconcat ("resource://", resource, NULL);
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *saved = NULL;
  gsize len;
  PhTransfer *in;

  g_assert_null (g_file_peek_path (file));
  expected = g_resources_lookup_data (resource, 0, NULL);
  g_assert_nonnull (expected);

  fixture_start (f, NULL);
  r = send_transfer (sender, ph_transfer_new_outgoing (file, f->destination));
  in = wait_received (f, 0);
  WAIT_UNTIL (r->done && ph_transfer_is_finished (in));
  g_assert_no_error (r->error);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_transfer_get_name (in), ==, "test-loopback.c");

  saved = g_file_get_path (ph_transfer_get_file (in));
  g_assert_true (g_file_get_contents (saved, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

typedef struct
{
  GSocketConnection *connection;
  guint              left;
} Trickle;

static gboolean
trickle_cb (gpointer user_data)
{
  Trickle *t = user_data;
  guint8 chunk[1000] = { 0 };

  raw_write (t->connection, chunk, sizeof chunk);
  if (--t->left > 0)
    return G_SOURCE_CONTINUE;
  raw_end (t->connection);
  return G_SOURCE_REMOVE;
}

/* Data that keeps arriving for about a second: progress must flow, but
 * at most about ten notifications a second. */
static void
test_progress_rate (Fixture       *f,
                    gconstpointer  data)
{
  Trickle t = { .left = 100 };
  NotifyCount count = { 0 };
  gint64 start;
  double seconds;
  PhTransfer *in;

  fixture_start (f, NULL);
  t.connection = raw_connect (f);
  raw_header (t.connection, "trickle.bin", 100 * 1000);
  in = wait_received (f, 0);
  g_signal_connect (in, "notify::bytes-done", G_CALLBACK (count_notify_cb), &count);

  start = g_get_monotonic_time ();
  g_timeout_add (10, trickle_cb, &t);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_test_message ("%u notifications in %.2f s", count.count, seconds);
  g_assert_cmpuint (count.count, >=, 2);
  g_assert_cmpuint (count.count, <=, 12 * seconds + 3);

  g_signal_handlers_disconnect_by_data (in, &count);
  g_io_stream_close (G_IO_STREAM (t.connection), NULL, NULL);
  g_object_unref (t.connection);
}


/* A listener whose accept queue is full drops new SYNs: no answer. */
static void
test_connect_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) filler = NULL;
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = make_file (f->src_dir, "t.bin", 10, 14);
  g_autofree char *destination = NULL;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (listener, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 0);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);

  filler = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (filler, bound, NULL, &error);
  g_assert_no_error (error);

  destination = g_strdup_printf ("127.0.0.1:%u",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  ph_sender_set_connect_timeout (sender, 1);
  r = send_file (sender, path, destination);
  WAIT_UNTIL (r->done);
  g_assert_error (r->error, PH_ERROR, PH_ERROR_TIMED_OUT);
  g_test_message ("%s", r->error->message);
  g_assert_nonnull (strstr (r->error->message, destination));

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/loopback/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("sizes", test_sizes, NULL);
  ADD ("large", test_large, NULL);
  ADD ("utf8-name", test_utf8_name, NULL);
  ADD ("prefix", test_prefix, NULL);
  ADD ("concurrent", test_concurrent, NULL);
  ADD ("cancel-sender", test_midway, GINT_TO_POINTER (MIDWAY_CANCEL_SENDER));
  ADD ("cancel-receiver", test_midway, GINT_TO_POINTER (MIDWAY_CANCEL_RECEIVER));
  ADD ("file-shrinks", test_midway, GINT_TO_POINTER (MIDWAY_SHRINK));
  ADD ("file-grows", test_midway, GINT_TO_POINTER (MIDWAY_GROW));
  ADD ("approval-accept", test_approval, GINT_TO_POINTER (TRUE));
  ADD ("approval-decline", test_approval, GINT_TO_POINTER (FALSE));
  ADD ("approval-prefix", test_approval_prefix, NULL);
  ADD ("approval-sender-cancels", test_held_sender_cancels, GINT_TO_POINTER (PH_TRANSFER_WAITING));
  ADD ("queued-sender-cancels", test_held_sender_cancels, GINT_TO_POINTER (PH_TRANSFER_QUEUED));
  ADD ("ipv6", test_ipv6, NULL);
  ADD ("stop", test_stop, NULL);
  ADD ("errors", test_errors, NULL);
  ADD ("foreign-address", test_foreign_address, NULL);
  ADD ("leftovers", test_leftovers, NULL);
  ADD ("not-local", test_not_local, NULL);
  ADD ("connect-timeout", test_connect_timeout, NULL);
  ADD ("progress-rate", test_progress_rate, NULL);

  return g_test_run ();
}
