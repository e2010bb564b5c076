/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ph-disk-space-private.h"
#include "ph-receiver-private.h"

#include "test-common.h"

#define FAILURE(f, i) ((const GError *) g_ptr_array_index ((f)->failures, (i)))

/* Every hostile case ends with an honest sender that must get through. */
static void
serve_good (Fixture *f)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *path = make_file (f->src_dir, "good.bin", 50000, 1);
  g_autofree char *saved = NULL;
  guint index = f->received->len;
  PhTransfer *in;

  r = send_file (sender, path, f->destination);
  in = wait_received (f, index);
  WAIT_UNTIL (r->done && ph_transfer_is_finished (in));
  g_assert_no_error (r->error);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);

  saved = g_file_get_path (ph_transfer_get_file (in));
  ph_test_assert_same_file (path, saved);
  g_assert_cmpint (g_unlink (saved), ==, 0);

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static void
close_raw (GSocketConnection *connection)
{
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_object_unref (connection);
}

static void
record_state_cb (PhReceiver *receiver,
                 PhTransfer *transfer,
                 GArray     *states)
{
  PhTransferState state = ph_transfer_get_state (transfer);

  g_array_append_val (states, state);
}

static void
test_truncated_header (Fixture       *f,
                       gconstpointer  data)
{
  guint8 junk[50] = "half a header";
  GSocketConnection *c;

  fixture_start (f, NULL);

  c = raw_connect (f);
  raw_write (c, junk, sizeof junk);
  close_raw (c);

  WAIT_UNTIL (f->failures->len == 1);
  g_assert_error (FAILURE (f, 0), PH_ERROR, PH_ERROR_BAD_HEADER);
  g_assert_cmpuint (f->received->len, ==, 0);
  assert_dir_empty (f->dst_dir);

  serve_good (f);
}

/* A complete header, then less data than announced. */
static void
test_short (Fixture       *f,
            gconstpointer  data)
{
  gsize sent = GPOINTER_TO_SIZE (data);
  g_autofree guint8 *payload = g_malloc0 (sent + 1);
  GSocketConnection *c;
  PhTransfer *in;

  fixture_start (f, NULL);

  c = raw_connect (f);
  raw_header (c, "short.bin", 100000);
  if (sent)
    raw_write (c, payload, sent);
  in = wait_received (f, 0);
  close_raw (c);

  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
  g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_SHORT);
  g_assert_null (ph_transfer_get_file (in));
  flush_main_context ();
  assert_dir_empty (f->dst_dir);

  serve_good (f);
}

/* Refused from the header alone: announced already FAILED. */
static void
test_refused_size (Fixture       *f,
                   gconstpointer  data)
{
  gint64 size = *(const gint64 *) data;
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (PhTransferState));
  GSocketConnection *c;
  PhTransfer *in;

  g_signal_connect (f->receiver, "transfer-added", G_CALLBACK (record_state_cb), states);
  fixture_start (f, NULL);

  c = raw_connect (f);
  raw_header (c, "refused.bin", size);
  raw_write (c, "some data", 9);
  in = wait_received (f, 0);
  close_raw (c);

  g_assert_cmpint (g_array_index (states, PhTransferState, 0), ==, PH_TRANSFER_FAILED);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_FAILED);
  if (size < 0)
    g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_NEGATIVE_SIZE);
  else
    g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_NO_SPACE);
  g_test_message ("%s", ph_transfer_get_error_message (in));
  assert_dir_empty (f->dst_dir);

  g_signal_handlers_disconnect_by_data (f->receiver, states);
  serve_good (f);
}

static void
test_silent_header (Fixture       *f,
                    gconstpointer  data)
{
  GSocketConnection *silent, *partial;

  ph_receiver_set_header_timeout (f->receiver, 300);
  fixture_start (f, NULL);

  silent = raw_connect (f);
  partial = raw_connect (f);
  raw_write (partial, "0123456789", 10);

  WAIT_UNTIL (f->failures->len == 2);
  g_assert_error (FAILURE (f, 0), PH_ERROR, PH_ERROR_TIMED_OUT);
  g_assert_error (FAILURE (f, 1), PH_ERROR, PH_ERROR_TIMED_OUT);
  g_assert_cmpuint (f->received->len, ==, 0);

  serve_good (f);
  close_raw (silent);
  close_raw (partial);
}

static void
test_silent_data (Fixture       *f,
                  gconstpointer  data)
{
  guint8 payload[1000] = { 0 };
  GSocketConnection *c;
  PhTransfer *in;

  ph_receiver_set_idle_timeout (f->receiver, 300);
  fixture_start (f, NULL);

  c = raw_connect (f);
  raw_header (c, "silent.bin", 100000);
  raw_write (c, payload, sizeof payload);
  in = wait_received (f, 0);

  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_error (ph_transfer_get_error (in), PH_ERROR, PH_ERROR_TIMED_OUT);
  g_test_message ("%s", ph_transfer_get_error_message (in));
  flush_main_context ();
  assert_dir_empty (f->dst_dir);

  serve_good (f);
  close_raw (c);
}

/* A connection from @source (127.0.0.x): another computer, as the
 * receiver sees it. */
static GSocketConnection *
raw_connect_from (Fixture    *f,
                  const char *source)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (source);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_local_address (client, local);
  connection = g_socket_client_connect_to_host (client, f->destination, 0, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

/* A flood of connections without a header from one address pushes out
 * only its own: another computer's unfinished header stays, and an
 * honest sender is not kept waiting for the header time limit. */
static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  guint8 payload[100] = { 7 };
  guint8 header[PH_WIRE_HEADER_SIZE];
  GSocketConnection *idle[10];
  GSocketConnection *slow;
  PhTransfer *in;
  guint busy = 0;
  gint64 start;

  /* The header limit stays long: nobody may wait for it. */
  ph_receiver_set_max_pending_per_sender (f->receiver, 4);
  fixture_start (f, NULL);

  /* Another computer, half-way through its header. */
  slow = raw_connect_from (f, "127.0.0.3");
  ph_wire_encode_header ("slow.bin", sizeof payload, header);
  raw_write (slow, header, 60);
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    idle[i] = raw_connect (f);
  WAIT_UNTIL (f->failures->len == G_N_ELEMENTS (idle) - 4);
  for (guint i = 0; i < f->failures->len; i++)
    {
      g_assert_error (FAILURE (f, i), PH_ERROR, PH_ERROR_BUSY);
      g_assert_nonnull (strstr (FAILURE (f, i)->message, "127.0.0.1"));
    }
  g_test_message ("%s", FAILURE (f, 0)->message);

  /* The other computer's header was not pushed out. */
  raw_write (slow, header + 60, sizeof header - 60);
  raw_write (slow, payload, sizeof payload);
  raw_end (slow);
  in = wait_received (f, 0);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  close_raw (slow);

  start = g_get_monotonic_time ();
  serve_good (f);
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   ph_receiver_get_header_timeout (f->receiver) * 1000);

  /* Its own flood may have made room for it; nobody else's. */
  for (guint i = 0; i < f->failures->len; i++)
    busy += g_error_matches (FAILURE (f, i), PH_ERROR, PH_ERROR_BUSY);
  g_assert_cmpuint (busy, >=, G_N_ELEMENTS (idle) - 4);
  g_assert_cmpuint (busy, <=, G_N_ELEMENTS (idle) - 4 + 1);

  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    close_raw (idle[i]);
  WAIT_UNTIL (f->failures->len == G_N_ELEMENTS (idle));
}

static void
test_hostile_names (Fixture       *f,
                    gconstpointer  data)
{
  const struct { const char *sent, *saved; } names[] = {
    { "../../etc/x", "x" },
    { "/etc/passwd", "passwd" },
    { "..\\..\\win.ini", "win.ini" },
    { ".bashrc", NULL },
    { "..", NULL },
    { "", NULL },
  };

  fixture_start (f, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) parent = NULL;
      g_autofree char *basename = NULL;
      GSocketConnection *c = raw_connect (f);
      PhTransfer *in;

      raw_header (c, names[i].sent, 3);
      raw_write (c, "abc", 3);
      raw_end (c);
      in = wait_received (f, i);
      WAIT_UNTIL (ph_transfer_is_finished (in));
      close_raw (c);

      g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
      parent = g_file_get_parent (ph_transfer_get_file (in));
      g_assert_true (g_file_equal (parent, f->dst));
      basename = g_file_get_basename (ph_transfer_get_file (in));
      g_assert_false (basename[0] == '.');
      if (names[i].saved)
        g_assert_cmpstr (basename, ==, names[i].saved);
      g_test_message ("“%s” saved as “%s”", names[i].sent, basename);
    }

  serve_good (f);
}

/* Past max-transfers a valid transfer waits, unread, for a slot. */
static void
test_queue (Fixture       *f,
            gconstpointer  data)
{
  guint8 payload[1000] = { 1 };
  GSocketConnection *a, *b, *gone;
  PhTransfer *in_a, *in_b, *in_gone;

  ph_receiver_set_max_transfers (f->receiver, 1);
  fixture_start (f, NULL);

  a = raw_connect (f);
  raw_header (a, "a.bin", 1000);
  raw_write (a, payload, 500);
  in_a = wait_received (f, 0);
  g_assert_cmpint (ph_transfer_get_state (in_a), ==, PH_TRANSFER_RECEIVING);

  b = raw_connect (f);
  raw_header (b, "b.bin", 1000);
  raw_write (b, payload, 1000);
  close_raw (b);  /* as the original sender does: all sent, then closed */
  in_b = wait_received (f, 1);
  g_assert_cmpint (ph_transfer_get_state (in_b), ==, PH_TRANSFER_QUEUED);

  /* One that gives up while queued is reported at once. */
  gone = raw_connect (f);
  raw_header (gone, "gone.bin", 1000);
  raw_write (gone, payload, 10);
  in_gone = wait_received (f, 2);
  g_assert_cmpint (ph_transfer_get_state (in_gone), ==, PH_TRANSFER_QUEUED);
  close_raw (gone);
  WAIT_UNTIL (ph_transfer_is_finished (in_gone));
  g_assert_error (ph_transfer_get_error (in_gone), PH_ERROR, PH_ERROR_CONNECTION);
  g_assert_cmpint (ph_transfer_get_state (in_b), ==, PH_TRANSFER_QUEUED);

  raw_write (a, payload + 500, 500);
  raw_end (a);
  WAIT_UNTIL (ph_transfer_is_finished (in_a) && ph_transfer_is_finished (in_b));
  g_assert_cmpint (ph_transfer_get_state (in_a), ==, PH_TRANSFER_DONE);
  g_assert_cmpint (ph_transfer_get_state (in_b), ==, PH_TRANSFER_DONE);
  close_raw (a);

  serve_good (f);
}

static void
test_cancel_all (Fixture       *f,
                 gconstpointer  data)
{
  guint8 payload[100] = { 0 };
  GSocketConnection *a, *b;
  PhTransfer *in_a, *in_b;

  ph_receiver_set_max_transfers (f->receiver, 1);
  fixture_start (f, NULL);

  a = raw_connect (f);
  raw_header (a, "a.bin", 1000);
  raw_write (a, payload, 100);
  in_a = wait_received (f, 0);
  b = raw_connect (f);
  raw_header (b, "b.bin", 1000);
  in_b = wait_received (f, 1);
  WAIT_UNTIL (ph_transfer_get_bytes_done (in_a) == 100);

  ph_receiver_cancel_all (f->receiver);
  WAIT_UNTIL (ph_transfer_is_finished (in_a) && ph_transfer_is_finished (in_b));
  g_assert_cmpint (ph_transfer_get_state (in_a), ==, PH_TRANSFER_CANCELLED);
  g_assert_cmpint (ph_transfer_get_state (in_b), ==, PH_TRANSFER_CANCELLED);
  flush_main_context ();
  assert_dir_empty (f->dst_dir);

  close_raw (a);
  close_raw (b);
  serve_good (f);
}

static void
test_bad_folder (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GFile) missing = g_file_get_child (f->dst, "missing");
  g_autoptr(PhReceiver) receiver = ph_receiver_new (missing);
  g_autoptr(PhReceiver) second = ph_receiver_new (f->dst);
  g_autoptr(GError) error = NULL;

  ph_receiver_set_port (receiver, 0);
  g_assert_false (ph_receiver_start (receiver, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_FOLDER);
  g_clear_error (&error);

  /* A busy port says so. */
  fixture_start (f, NULL);
  ph_receiver_set_bind_address (second, "127.0.0.1");
  ph_receiver_set_port (second, f->port);
  g_assert_false (ph_receiver_start (second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_test_message ("%s", error->message);

  g_assert_finalize_object (g_steal_pointer (&receiver));
  g_assert_finalize_object (g_steal_pointer (&second));
  serve_good (f);
}


/* Past max-held the receiver stops accepting: the connections after
 * that wait in the kernel's queue, unrefused, and come in as room
 * frees. */
static void
test_held_full (Fixture       *f,
                gconstpointer  data)
{
  guint8 payload[100] = { 0 };
  GSocketConnection *c[4];
  PhTransfer *in[4];

  ph_receiver_set_max_transfers (f->receiver, 1);
  ph_receiver_set_max_held (f->receiver, 2);
  fixture_start (f, NULL);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.bin", i);

      c[i] = raw_connect (f);
      raw_header (c[i], name, 100);
      raw_write (c[i], payload, 10);
    }
  in[0] = wait_received (f, 0);
  in[1] = wait_received (f, 1);
  WAIT_UNTIL (ph_receiver_get_paused (f->receiver));
  flush_main_context ();
  g_assert_cmpuint (f->received->len, ==, 2);
  g_assert_cmpuint (f->failures->len, ==, 0);
  g_assert_cmpint (ph_transfer_get_state (in[0]), ==, PH_TRANSFER_RECEIVING);
  g_assert_cmpint (ph_transfer_get_state (in[1]), ==, PH_TRANSFER_QUEUED);
  g_assert_cmpuint (ph_receiver_get_n_held (f->receiver), ==, 2);

  for (guint i = 0; i < 4; i++)
    {
      raw_write (c[i], payload, sizeof payload - 10);
      raw_end (c[i]);
    }
  in[2] = wait_received (f, 2);
  in[3] = wait_received (f, 3);
  for (guint i = 0; i < 4; i++)
    {
      WAIT_UNTIL (ph_transfer_is_finished (in[i]));
      g_assert_cmpint (ph_transfer_get_state (in[i]), ==, PH_TRANSFER_DONE);
    }
  g_assert_cmpuint (f->failures->len, ==, 0);
  WAIT_UNTIL (ph_receiver_get_n_held (f->receiver) == 0 && !ph_receiver_get_paused (f->receiver));

  for (guint i = 0; i < 4; i++)
    close_raw (c[i]);
  serve_good (f);
}

/* A reset, not an orderly close: a sender that got all its bytes into
 * our buffers must not take the end for a receipt. */
static gboolean
reset_by_peer (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GError) error = NULL;
  char byte;

  if (!g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR))
    return FALSE;
  g_assert_cmpint (g_socket_receive (socket, &byte, 1, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  return TRUE;
}

/* Stopping resets connections still without a header, quietly (no
 * failure reported: the person asked for it). */
static void
test_stop_pending (Fixture       *f,
                   gconstpointer  data)
{
  GSocketConnection *c;

  fixture_start (f, NULL);
  c = raw_connect (f);
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, TRUE);

  ph_receiver_stop (f->receiver);
  WAIT_UNTIL (reset_by_peer (c));
  flush_main_context ();
  g_assert_cmpuint (f->failures->len, ==, 0);
  g_assert_cmpuint (f->received->len, ==, 0);
  close_raw (c);
}

/* A declared size is a claim, not a reservation: claiming takes
 * nothing from the disk, and the data phase holds its look-ahead, never
 * the size a header announced — even one past the free space. */
static void
test_space_tmpfs (void)
{
  const gint64 margin = 64 * 1024 * 1024;
  g_autoptr(PhDiskSpace) space = ph_disk_space_new ();
  g_autofree char *dir = g_strdup ("/dev/shm/posthouse-space-XXXXXX");
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  g_autoptr(GError) error = NULL;
  PhDiskSpaceClaim *claim_first, *claim_second;
  PhDiskFacts facts;
  struct statfs fs;
  gint64 available;
  int first, second;

  if (statfs ("/dev/shm", &fs) != 0 || fs.f_type != TMPFS_MAGIC || fs.f_blocks == 0 ||
      (gint64) fs.f_bavail * fs.f_bsize < 4 * margin ||
      g_mkdtemp (dir) == NULL)
    {
      g_test_skip ("Needs a tmpfs with a size limit at /dev/shm");
      return;
    }

  first_path = g_build_filename (dir, "first", NULL);
  second_path = g_build_filename (dir, "second", NULL);
  first = open (first_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  second = open (second_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (second, >=, 0);

  g_assert_true (ph_disk_space_query (space, dir, &facts, NULL));
  available = facts.free_bytes;
  g_assert_cmpint (available, >, 0);

  claim_first = ph_disk_space_claim (space, first, available - margin);
  claim_second = ph_disk_space_claim (space, second, 2 * margin);
  /* Nothing was taken from the disk by claiming (others share this
   * tmpfs: a margin for them)... */
  g_assert_true (ph_disk_space_query (space, dir, &facts, NULL));
  g_assert_cmpint (facts.free_bytes, >, available - margin);
  /* ...and the data phase holds its look-ahead at most: both go on.
   * (On a tmpfs, none: its pages are taken by the writes that fill
   * them, and reserving would only zero them first.) */
  g_assert_true (ph_disk_space_claim_advance (claim_first, 0, &error));
  g_assert_no_error (error);
  g_assert_true (ph_disk_space_claim_advance (claim_second, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ph_disk_space_claim_get_reserved (claim_first), ==, 0);
  g_assert_true (ph_disk_space_query (space, dir, &facts, NULL));
  g_assert_cmpint (facts.free_bytes, >=, available - 2 * PH_DISK_SPACE_LOOKAHEAD - margin);

  ph_disk_space_release (space, claim_first);
  ph_disk_space_release (space, claim_second);
  close (first);
  close (second);
  g_assert_cmpint (g_unlink (first_path), ==, 0);
  g_assert_cmpint (g_unlink (second_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  static const gint64 negative = -5;
  static const gint64 huge = (gint64) 1 << 62;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/hostile/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("truncated-header", test_truncated_header, NULL);
  ADD ("header-then-eof", test_short, GSIZE_TO_POINTER (0));
  ADD ("short-data", test_short, GSIZE_TO_POINTER (5000));
  ADD ("negative-size", test_refused_size, &negative);
  ADD ("beyond-free-space", test_refused_size, &huge);
  ADD ("silent-header", test_silent_header, NULL);
  ADD ("silent-data", test_silent_data, NULL);
  ADD ("flood", test_flood, NULL);
  ADD ("names", test_hostile_names, NULL);
  ADD ("queue", test_queue, NULL);
  ADD ("held-full", test_held_full, NULL);
  ADD ("cancel-all", test_cancel_all, NULL);
  ADD ("bad-folder", test_bad_folder, NULL);
  ADD ("stop-pending", test_stop_pending, NULL);
  g_test_add_func ("/posthouse/hostile/space-tmpfs", test_space_tmpfs);

  return g_test_run ();
}
