/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The receipt cannot lie. A receiver closes a connection in order only
 * once the file is saved under its final name; every failure on its
 * side resets it, and the sender says so. A sender that gives up
 * resets too, and a receiver that sees it before saving throws the
 * data away. Also: a prefix never makes a name too long to save. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define MIB (1024 * 1024)

typedef struct
{
  char       *tmp;   /* everything the test creates */
  char       *src;   /* files to send */
  char       *dir;   /* the receive folder */
  char       *mount; /* mounted by the test, if anything */
  HuReceiver *rx;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-receipts-XXXXXX");
  fx->src = g_build_filename (fx->tmp, "src", NULL);
  fx->dir = g_build_filename (fx->tmp, "recv", NULL);
  g_assert_cmpint (g_mkdir (fx->src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
  fx->rx = hu_receiver_new (fx->dir);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->rx, hu_receiver_free);
  if (fx->mount != NULL)
    {
      umount2 (fx->mount, MNT_DETACH);
      g_free (fx->mount);
    }
  ph_test_rm_rf (fx->tmp);
  g_free (fx->src);
  g_free (fx->dir);
  g_free (fx->tmp);
}

static void
assert_dir_empty (const char *dir)
{
  g_autofree char *listing = hu_describe_dir (dir);

  g_assert_cmpstr (listing, ==, "(empty)");
}

static PhTransfer *
newest (Fixture *fx)
{
  g_assert_cmpuint (fx->rx->transfers->len, >, 0);
  return fx->rx->transfers->pdata[fx->rx->transfers->len - 1];
}

static gboolean
n_transfers_cb (gpointer data)
{
  Fixture *fx = data;

  return fx->rx->transfers->len > 0;
}

static gboolean
peer_paused_cb (gpointer data)
{
  return hu_peer_is_paused (data);
}

static gboolean
two_transfers_cb (gpointer data)
{
  Fixture *fx = data;

  return fx->rx->transfers->len == 2;
}

static gboolean
transfer_finished_cb (gpointer data)
{
  return ph_transfer_is_finished (data);
}

static void
assert_failed (PhTransfer *transfer,
               GQuark      domain,
               int         code)
{
  g_assert_true (ph_transfer_is_finished (transfer));
  g_assert_cmpint (ph_transfer_get_state (transfer), !=, PH_TRANSFER_DONE);
  g_assert_error (ph_transfer_get_error (transfer), domain, code);
  g_test_message ("receiver: %s", ph_transfer_get_error_message (transfer));
}

/* A Posthouse sender's verdict: it failed, and says why. */
static void
assert_send_failed (HuSend *send)
{
  g_assert_true (hu_send_wait (send, 30000));
  g_assert_false (send->ok);
  g_assert_nonnull (send->error);
  g_assert_cmpint (ph_transfer_get_state (send->transfer), !=, PH_TRANSFER_DONE);
  g_test_message ("sender: %s", send->error->message);
}

static char *
empty_file (Fixture    *fx,
            const char *name)
{
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);

  return hu_write_temp_file (fx->src, name, nothing);
}

/* A raw peer that announces @size, sends @data (or nothing) and waits
 * for the receipt. */
static HuReceipt
raw_receipt (Fixture    *fx,
             const char *name,
             gint64      size,
             GBytes     *data)
{
  g_autoptr(GBytes) header = hu_header (name, size);

  return hu_peer_join_receipt (hu_peer_start (fx->rx->port, header, data, G_MAXSIZE,
                                              HU_END_AWAIT_CLOSE));
}

/* The receiving side's failures, each with the sender's verdict */

static void
test_saved (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (100000, 1);
  g_autofree char *path = g_build_filename (fx->dir, "saved.bin", NULL);

  g_assert_cmpint (raw_receipt (fx, "saved.bin", 100000, content), ==, HU_RECEIPT_EOF);
  g_assert_cmpint (ph_transfer_get_state (newest (fx)), ==, PH_TRANSFER_DONE);
  hu_assert_file_equals (path, content);
}

static void
test_negative_size (Fixture       *fx,
                    gconstpointer  data)
{
  g_assert_cmpint (raw_receipt (fx, "negative.bin", -5, NULL), ==, HU_RECEIPT_RESET);
  assert_failed (newest (fx), PH_ERROR, PH_ERROR_NEGATIVE_SIZE);
  assert_dir_empty (fx->dir);
}

static void
test_too_big (Fixture       *fx,
              gconstpointer  data)
{
  g_assert_cmpint (raw_receipt (fx, "huge.bin", G_GINT64_CONSTANT (1) << 60, NULL), ==, HU_RECEIPT_RESET);
  assert_failed (newest (fx), PH_ERROR, PH_ERROR_NO_SPACE);
  assert_dir_empty (fx->dir);
}

static gboolean
paused_cb (gpointer data)
{
  Fixture *fx = data;

  return ph_receiver_get_paused (fx->rx->receiver);
}

/* Nothing is refused for being one too many: past what the receiver
 * holds, a connection waits in the kernel's queue, and its receipt
 * says saved once its turn came. */
static void
test_full_waits (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 2);
  g_autoptr(GBytes) header = hu_header ("slot.bin", 1000);
  g_autoptr(GBytes) queued_header = hu_header ("queued.bin", 0);
  g_autoptr(GBytes) later_header = hu_header ("later.bin", 0);
  HuPeer *slot, *queued, *later;

  /* One slot, taken; one more connection held, waiting for it. */
  ph_receiver_set_max_transfers (fx->rx->receiver, 1);
  ph_receiver_set_max_held (fx->rx->receiver, 2);
  slot = hu_peer_start (fx->rx->port, header, content, 10, HU_END_AWAIT_CLOSE);
  g_assert_true (hu_wait_until (peer_paused_cb, slot, 20000));
  g_assert_true (hu_receiver_wait_receiving (fx->rx, 10, 20000));
  queued = hu_peer_start (fx->rx->port, queued_header, NULL, G_MAXSIZE, HU_END_AWAIT_CLOSE);
  g_assert_true (hu_wait_until (two_transfers_cb, fx, 20000));
  g_assert_cmpint (ph_transfer_get_state (newest (fx)), ==, PH_TRANSFER_QUEUED);
  g_assert_true (hu_wait_until (paused_cb, fx, 20000));

  /* The third is not taken in, and not refused either. */
  later = hu_peer_start (fx->rx->port, later_header, NULL, G_MAXSIZE, HU_END_AWAIT_CLOSE);
  hu_sleep_ms (300);
  g_assert_cmpuint (fx->rx->transfers->len, ==, 2);
  g_assert_false (hu_peer_is_done (later));

  /* All are served in turn, and say so. */
  g_assert_cmpint (hu_peer_join_receipt (slot), ==, HU_RECEIPT_EOF);
  g_assert_cmpint (hu_peer_join_receipt (queued), ==, HU_RECEIPT_EOF);
  g_assert_cmpint (hu_peer_join_receipt (later), ==, HU_RECEIPT_EOF);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 3, 20000));
  g_assert_cmpint (ph_transfer_get_state (newest (fx)), ==, PH_TRANSFER_DONE);
}

static void
decline_cb (PhReceiver *receiver,
            PhTransfer *transfer,
            gpointer    user_data)
{
  if (GPOINTER_TO_INT (user_data))
    ph_transfer_decline (transfer);
  else
    ph_transfer_cancel (transfer);
}

/* An empty file: every byte is in before anyone decides, so only the
 * way the connection ends can tell the sender. */
static void
test_declined (Fixture       *fx,
               gconstpointer  data)
{
  gboolean decline = GPOINTER_TO_INT (data);
  g_autofree char *path = empty_file (fx, "empty.txt");
  g_autoptr(HuSend) send = NULL;

  ph_receiver_set_require_approval (fx->rx->receiver, TRUE);
  g_signal_connect (fx->rx->receiver, "transfer-added", G_CALLBACK (decline_cb), (gpointer) data);

  send = hu_send_start (path, fx->rx->port, 5, 0);
  assert_send_failed (send);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  if (decline)
    assert_failed (newest (fx), PH_ERROR, PH_ERROR_DECLINED);
  else
    assert_failed (newest (fx), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_dir_empty (fx->dir);
}

static gboolean
receiving_cb (gpointer data)
{
  Fixture *fx = data;

  return fx->rx->transfers->len > 0 &&
         ph_transfer_get_bytes_done (newest (fx)) > 0;
}

static void
test_cancelled_receiving (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *path = ph_test_make_sparse_file (fx->src, "big.bin", 256 * MIB);
  g_autoptr(HuSend) send = hu_send_start (path, fx->rx->port, 5, 0);

  g_assert_true (hu_wait_until (receiving_cb, fx, 20000));
  ph_transfer_cancel (newest (fx));
  assert_send_failed (send);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  assert_failed (newest (fx), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_dir_empty (fx->dir);
}

/* The folder is gone when the data phase starts (the person took
 * a while to accept): an empty file, so nothing is left unread. */
static void
test_folder_gone (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *path = empty_file (fx, "empty.txt");
  g_autoptr(HuSend) send = NULL;

  ph_receiver_set_require_approval (fx->rx->receiver, TRUE);
  send = hu_send_start (path, fx->rx->port, 5, 0);
  g_assert_true (hu_wait_until (n_transfers_cb, fx, 20000));
  ph_test_rm_rf (fx->dir);
  ph_transfer_accept (newest (fx));

  assert_send_failed (send);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  assert_failed (newest (fx), PH_ERROR, PH_ERROR_FOLDER);
  g_assert_false (g_file_test (fx->dir, G_FILE_TEST_EXISTS));
}

/* The folder is removed, or turns read-only, while the data arrives:
 * every byte comes in, and the final name cannot be made. */
static void
test_commit_fails (Fixture       *fx,
                   gconstpointer  data)
{
  gboolean read_only = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) content = hu_random_bytes (2 * MIB, 3);
  g_autoptr(GBytes) header = hu_header ("doomed.bin", 2 * MIB);
  g_autofree char *saved = g_build_filename (fx->dir, "doomed.bin", NULL);
  HuPeer *peer;

  peer = hu_peer_start (fx->rx->port, header, content, MIB, HU_END_AWAIT_CLOSE);
  g_assert_true (hu_wait_until (peer_paused_cb, peer, 20000));
  g_assert_true (hu_receiver_wait_receiving (fx->rx, MIB, 20000));

  if (!read_only)
    ph_test_rm_rf (fx->dir);
  else if (geteuid () != 0)
    {
      g_test_skip ("Needs root for a read-only bind mount");
      hu_peer_join (peer, NULL);
      return;
    }
  else
    {
      /* The type is ignored for these; "none" keeps valgrind quiet. */
      g_assert_cmpint (mount (fx->dir, fx->dir, "none", MS_BIND, NULL), ==, 0);
      fx->mount = g_strdup (fx->dir);
      g_assert_cmpint (mount ("none", fx->dir, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
    }

  g_assert_cmpint (hu_peer_join_receipt (peer), ==, HU_RECEIPT_RESET);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  assert_failed (newest (fx), PH_ERROR, PH_ERROR_FOLDER);
  g_assert_cmpint (ph_transfer_get_bytes_done (newest (fx)), ==, 2 * MIB);
  g_assert_false (g_file_test (saved, G_FILE_TEST_EXISTS));
}

static void
test_more_than_announced (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1001, 4);

  g_assert_cmpint (raw_receipt (fx, "grown.bin", 1000, content), ==, HU_RECEIPT_RESET);
  assert_failed (newest (fx), PH_ERROR, PH_ERROR_FILE_CHANGED);
  assert_dir_empty (fx->dir);
}

/* A peer that sends everything and then waits without ending its
 * stream (netcat without -N) is taken at its word after a moment. */
static void
test_never_ends_stream (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 5);
  g_autoptr(GBytes) header = hu_header ("netcat.bin", 1000);
  g_autofree char *saved = g_build_filename (fx->dir, "netcat.bin", NULL);
  g_autoptr(GSocket) socket = hu_connect_from ("127.0.0.1", fx->rx->port);
  g_autoptr(GError) error = NULL;
  gint64 start;
  char byte;

  g_assert_cmpint (g_socket_send (socket, g_bytes_get_data (header, NULL), PH_WIRE_HEADER_SIZE, NULL, &error), ==, PH_WIRE_HEADER_SIZE);
  g_assert_cmpint (g_socket_send (socket, g_bytes_get_data (content, NULL), 1000, NULL, &error), ==, 1000);
  start = g_get_monotonic_time ();
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  g_test_message ("saved %" G_GINT64_FORMAT " ms after the last byte", (g_get_monotonic_time () - start) / 1000);

  g_assert_cmpint (ph_transfer_get_state (newest (fx)), ==, PH_TRANSFER_DONE);
  hu_assert_file_equals (saved, content);
  /* And the receipt is an orderly close. */
  g_assert_cmpint (g_socket_receive (socket, &byte, 1, NULL, &error), ==, 0);
  g_assert_no_error (error);
}

/* The sending side gives up: the data goes */

static void
test_reset_after_last_byte (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (100000, 6);
  g_autoptr(GBytes) header = hu_header ("regretted.bin", 100000);

  /* Everything, then a reset instead of an end of stream. */
  hu_peer_join (hu_peer_start (fx->rx->port, header, content, G_MAXSIZE, HU_END_RESET), NULL);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  assert_failed (newest (fx), PH_ERROR, PH_ERROR_CONNECTION);
  assert_dir_empty (fx->dir);
}

/* A Posthouse sender whose file is all in the receiver's buffers, held
 * (waiting for approval, or for a slot), gives up on its own time
 * limit: the receiver must drop the file at once, not save it later. */
static void
test_sender_gives_up_while_held (Fixture       *fx,
                                 gconstpointer  data)
{
  PhTransferState held = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) content = hu_random_bytes (1000, 7);
  g_autoptr(GBytes) busy = hu_random_bytes (1000, 8);
  g_autoptr(GBytes) busy_header = hu_header ("busy.bin", 1000);
  g_autofree char *path = hu_write_temp_file (fx->src, "impatient.bin", content);
  g_autofree char *busy_path = g_build_filename (fx->dir, "busy.bin", NULL);
  g_autoptr(HuSend) send = NULL;
  HuPeer *slot = NULL;
  PhTransfer *in;

  if (held == PH_TRANSFER_WAITING)
    ph_receiver_set_require_approval (fx->rx->receiver, TRUE);
  else
    {
      /* Takes the only slot and holds it. */
      ph_receiver_set_max_transfers (fx->rx->receiver, 1);
      slot = hu_peer_start (fx->rx->port, busy_header, busy, 10, HU_END_AWAIT_CLOSE);
      g_assert_true (hu_wait_until (peer_paused_cb, slot, 20000));
      g_assert_true (hu_receiver_wait_receiving (fx->rx, 10, 20000));
    }

  send = hu_send_start (path, fx->rx->port, 5, 500);
  assert_send_failed (send);
  g_assert_error (send->error, PH_ERROR, PH_ERROR_TIMED_OUT);

  /* At once, not when the person decides or a slot frees. */
  in = newest (fx);
  g_assert_cmpint (ph_transfer_get_state (in), !=, PH_TRANSFER_DONE);
  g_assert_true (hu_wait_until (transfer_finished_cb, in, 10000));
  assert_failed (in, PH_ERROR, PH_ERROR_CONNECTION);

  /* Too late now: accepting, or a free slot, saves nothing. */
  ph_transfer_accept (in);
  if (slot)
    g_assert_cmpint (hu_peer_join_receipt (slot), ==, HU_RECEIPT_EOF);
  g_assert_true (hu_receiver_wait_finished (fx->rx, fx->rx->transfers->len, 20000));
  {
    g_autoptr(GPtrArray) names = ph_test_list_dir (fx->dir);

    g_assert_cmpuint (names->len, ==, slot ? 1 : 0);
    if (slot)
      hu_assert_file_equals (busy_path, busy);
  }
}

/* The prefix */

static void
test_prefix_too_long (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GFile) folder = g_file_new_for_path (fx->dir);
  g_autoptr(PhReceiver) receiver = ph_receiver_new (folder);
  g_autofree char *longest = g_strnfill (255 - PH_NAMING_VARIANT_BYTES - PH_NAMING_MIN_BYTES, 'p');
  g_autofree char *too_long = g_strnfill (strlen (longest) + 1, 'p');
  g_autoptr(GError) error = NULL;

  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  ph_receiver_set_port (receiver, 0);

  /* Refused before listening, with a sentence that says why. */
  ph_receiver_set_prefix (receiver, too_long);
  g_assert_false (ph_receiver_start (receiver, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_PREFIX);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, too_long));
  g_assert_false (ph_receiver_get_listening (receiver));
  g_clear_error (&error);

  ph_receiver_set_prefix (receiver, longest);
  g_assert_true (ph_receiver_start (receiver, &error));
  g_assert_no_error (error);
  ph_receiver_stop (receiver);
}

/* A long prefix and a long name (the header holds 128 bytes): the name
 * is shortened, extension kept, before a byte is read, never found too
 * long after the data. */
static void
test_prefix_long_name (Fixture       *fx,
                       gconstpointer  data)
{
  g_autofree char *prefix = g_strnfill (150, 'p');
  g_autofree char *stem = g_strnfill (120, 'n');
  g_autofree char *name = g_strconcat (stem, ".jpeg", NULL);
  g_autoptr(GBytes) content = hu_random_bytes (5000, 9);
  g_autofree char *saved = NULL;

  ph_receiver_set_prefix (fx->rx->receiver, prefix);
  g_assert_cmpint (raw_receipt (fx, name, 5000, content), ==, HU_RECEIPT_EOF);
  g_assert_cmpint (ph_transfer_get_state (newest (fx)), ==, PH_TRANSFER_DONE);

  saved = g_file_get_basename (ph_transfer_get_file (newest (fx)));
  g_test_message ("saved as %s (%zu bytes)", saved, strlen (saved));
  g_assert_true (g_str_has_prefix (saved, prefix));
  g_assert_true (g_str_has_suffix (saved, ".jpeg"));
  g_assert_cmpuint (strlen (saved), <=, 255 - PH_NAMING_VARIANT_BYTES);
  {
    g_autofree char *path = g_build_filename (fx->dir, saved, NULL);

    hu_assert_file_equals (path, content);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/faults/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("receipt/saved", test_saved, NULL);
  ADD ("receipt/refused/negative-size", test_negative_size, NULL);
  ADD ("receipt/refused/too-big", test_too_big, NULL);
  ADD ("receipt/full-waits", test_full_waits, NULL);
  ADD ("receipt/declined", test_declined, GINT_TO_POINTER (TRUE));
  ADD ("receipt/cancelled-waiting", test_declined, GINT_TO_POINTER (FALSE));
  ADD ("receipt/cancelled-receiving", test_cancelled_receiving, NULL);
  ADD ("receipt/folder-gone", test_folder_gone, NULL);
  ADD ("receipt/commit-fails/folder-removed", test_commit_fails, GINT_TO_POINTER (FALSE));
  ADD ("receipt/commit-fails/read-only", test_commit_fails, GINT_TO_POINTER (TRUE));
  ADD ("receipt/more-than-announced", test_more_than_announced, NULL);
  ADD ("receipt/never-ends-stream", test_never_ends_stream, NULL);
  ADD ("give-up/reset-after-last-byte", test_reset_after_last_byte, NULL);
  ADD ("give-up/while-waiting", test_sender_gives_up_while_held, GINT_TO_POINTER (PH_TRANSFER_WAITING));
  ADD ("give-up/while-queued", test_sender_gives_up_while_held, GINT_TO_POINTER (PH_TRANSFER_QUEUED));
  ADD ("prefix/too-long", test_prefix_too_long, NULL);
  ADD ("prefix/long-name", test_prefix_long_name, NULL);

#undef ADD

  return g_test_run ();
}
