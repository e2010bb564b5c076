/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What happens to the engine when the world misbehaves: peers that
 * vanish, a disk that fills up, a folder that disappears or turns
 * read-only, receivers that never answer or die mid-way. */
#define _GNU_SOURCE /* fallocate */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define MIB (1024 * 1024)

typedef struct
{
  char       *tmp;   /* holds everything the test creates */
  char       *dir;   /* the receive folder, tmp/recv */
  char       *mount; /* a file system mounted by the test, if any */
  HuReceiver *rx;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-faults-XXXXXX");
  fx->dir = g_build_filename (fx->tmp, "recv", NULL);
  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
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
  g_free (fx->dir);
  g_free (fx->tmp);
}

/* Mounts a small file system of kind @data ("tmpfs", or "ext4" on a
 * loop device: the receiver reserves space differently on each) on the
 * receive folder; returns its free bytes, or 0 (test skipped) when that
 * is not possible here. */
static gsize
mount_disk (Fixture       *fx,
            gconstpointer  data,
            guint          megabytes)
{
  gsize free_space = hu_mount_small_fs (data, fx->dir, fx->tmp, megabytes);

  if (free_space > 0)
    fx->mount = g_strdup (fx->dir);
  return free_space;
}

static gsize
mount_small_disk (Fixture       *fx,
                  gconstpointer  data)
{
  return mount_disk (fx, data, g_str_equal (data, "tmpfs") ? 4 : 8);
}

static gboolean
peer_paused_cb (gpointer data)
{
  return hu_peer_is_paused (data);
}

static void
assert_dir_empty (const char *dir)
{
  g_autofree char *listing = hu_describe_dir (dir);

  g_assert_cmpstr (listing, ==, "(empty)");
}

static PhTransfer *
only_transfer (HuReceiver *rx)
{
  g_assert_cmpuint (rx->transfers->len, ==, 1);
  return rx->transfers->pdata[0];
}

/* A message a person can act on: present, and about this failure. */
static void
assert_failed_clearly (PhTransfer *transfer)
{
  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
  g_assert_nonnull (ph_transfer_get_error (transfer));
  g_assert_nonnull (ph_transfer_get_error_message (transfer));
  g_assert_cmpuint (strlen (ph_transfer_get_error_message (transfer)), >, 10);
  g_test_message ("error: %s", ph_transfer_get_error_message (transfer));
}

/* Waits until the newest transfer has written @bytes to its part file
 * (which may have no name); says what it did if not. */
static void
wait_for_part (Fixture *fx,
               gsize    bytes)
{
  if (!hu_receiver_wait_receiving (fx->rx, bytes, 20000))
    {
      g_autofree char *state = hu_receiver_describe (fx->rx);

      g_error ("no transfer received %" G_GSIZE_FORMAT " bytes; receiver: %s", bytes, state);
    }
}

static HuPeer *
start_paused_peer (Fixture    *fx,
                   const char *name,
                   GBytes     *content,
                   gsize       sent,
                   HuEnd       end)
{
  g_autoptr(GBytes) header = hu_header (name, g_bytes_get_size (content));
  HuPeer *peer = hu_peer_start (fx->rx->port, header, content, sent, end);

  g_assert_true (hu_wait_until (peer_paused_cb, peer, 20000));
  wait_for_part (fx, sent);

  return peer;
}

/* A small good transfer: the receiver still serves after a fault. */
static void
assert_serves_small_file (Fixture    *fx,
                          const char *name)
{
  g_autoptr(GBytes) content = hu_random_bytes (10000, 7);
  g_autoptr(GBytes) header = hu_header (name, g_bytes_get_size (content));
  g_autofree char *path = g_build_filename (fx->dir, name, NULL);
  guint before = hu_receiver_finished (fx->rx);
  HuPeer *peer = hu_peer_start (fx->rx->port, header, content, G_MAXSIZE, HU_END_CLOSE);
  PhTransfer *transfer;

  g_assert_true (hu_receiver_wait_finished (fx->rx, before + 1, 20000));
  hu_peer_join (peer, NULL);
  transfer = fx->rx->transfers->pdata[fx->rx->transfers->len - 1];
  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_DONE);
  hu_assert_file_equals (path, content);
}

static void
test_sender_reset (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GBytes) whole = hu_random_bytes (4 * MIB, 1);
  g_autoptr(GBytes) part = g_bytes_new_from_bytes (whole, 0, MIB);
  g_autoptr(GBytes) header = hu_header ("vanishing.bin", 4 * MIB);
  HuPeer *peer;
  PhTransfer *transfer;

  fx->rx = hu_receiver_new (fx->dir);
  peer = hu_peer_start (fx->rx->port, header, part, MIB, HU_END_RESET);
  g_assert_true (hu_wait_until (peer_paused_cb, peer, 20000));
  wait_for_part (fx, MIB);

  /* The peer disappears with a reset, a quarter of the way in. */
  hu_peer_join (peer, NULL);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));

  transfer = only_transfer (fx->rx);
  assert_failed_clearly (transfer);
  assert_dir_empty (fx->dir);
  assert_serves_small_file (fx, "after-reset.bin");
}

static void
test_disk_full_refused_before_writing (Fixture       *fx,
                                       gconstpointer  data)
{
  g_autoptr(GBytes) header = NULL;
  struct statvfs before, after;
  HuPeer *peer;
  gsize free_space;

  if ((free_space = mount_small_disk (fx, data)) == 0)
    return;
  header = hu_header ("too-big.bin", 2 * free_space);

  fx->rx = hu_receiver_new (fx->dir);
  g_assert_cmpint (statvfs (fx->dir, &before), ==, 0);

  /* Only the header: the refusal must come before any data. */
  peer = hu_peer_start (fx->rx->port, header, NULL, G_MAXSIZE, HU_END_AWAIT_CLOSE);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  /* A refusal is a reset: the sender must not read it as a receipt. */
  g_assert_cmpint (hu_peer_join_receipt (peer), ==, HU_RECEIPT_RESET);

  if (fx->rx->transfers->len > 0)
    {
      PhTransfer *transfer = only_transfer (fx->rx);

      assert_failed_clearly (transfer);
      g_assert_error (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_NO_SPACE);
    }
  else
    {
      g_assert_cmpuint (fx->rx->failures->len, ==, 1);
      g_test_message ("error: %s", (char *) fx->rx->failures->pdata[0]);
    }

  assert_dir_empty (fx->dir);
  g_assert_cmpint (statvfs (fx->dir, &after), ==, 0);
  g_assert_cmpuint (after.f_bfree, ==, before.f_bfree);

  assert_serves_small_file (fx, "small.bin");
}

static void
test_disk_full_race (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) header_a = NULL;
  g_autoptr(GBytes) header_b = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autoptr(GPtrArray) names = NULL;
  HuPeer *peer_a, *peer_b;
  guint done = 0;
  gsize free_space, size;

  if ((free_space = mount_small_disk (fx, data)) == 0)
    return;

  /* Each fits alone (three quarters of the space), not both. */
  size = free_space / 4 * 3;
  a = hu_random_bytes (size, 11);
  b = hu_random_bytes (size, 12);
  header_a = hu_header ("a.bin", size);
  header_b = hu_header ("b.bin", size);

  fx->rx = hu_receiver_new (fx->dir);

  /* Both headers are in before the receiver looks at either (its main
   * context is not run meanwhile), so both see the space free; then
   * both send their data at once. */
  peer_a = hu_peer_start (fx->rx->port, header_a, a, 0, HU_END_CLOSE);
  peer_b = hu_peer_start (fx->rx->port, header_b, b, 0, HU_END_CLOSE);
  for (guint i = 0; i < 20000 && !(hu_peer_is_paused (peer_a) && hu_peer_is_paused (peer_b)); i++)
    g_usleep (1000);
  g_assert_true (hu_peer_is_paused (peer_a) && hu_peer_is_paused (peer_b));
  hu_sleep_ms (200);
  hu_peer_resume (peer_a);
  hu_peer_resume (peer_b);

  g_assert_true (hu_receiver_wait_finished (fx->rx, 2, 30000));
  hu_peer_join (peer_a, NULL);
  hu_peer_join (peer_b, NULL);

  for (guint i = 0; i < fx->rx->transfers->len; i++)
    {
      PhTransfer *transfer = fx->rx->transfers->pdata[i];

      if (ph_transfer_get_state (transfer) == PH_TRANSFER_DONE)
        done++;
      else
        assert_failed_clearly (transfer);
    }
  for (guint i = 0; i < fx->rx->failures->len; i++)
    g_test_message ("refused: %s", (char *) fx->rx->failures->pdata[i]);

  /* At most one complete file, intact, and nothing partial or hidden. */
  names = ph_test_list_dir (fx->dir);
  g_assert_cmpuint (names->len, <=, 1);
  g_assert_cmpuint (names->len, ==, done);
  g_assert_cmpuint (hu_count_hidden (fx->dir), ==, 0);
  path_a = g_build_filename (fx->dir, "a.bin", NULL);
  path_b = g_build_filename (fx->dir, "b.bin", NULL);
  if (g_file_test (path_a, G_FILE_TEST_EXISTS))
    hu_assert_file_equals (path_a, a);
  if (g_file_test (path_b, G_FILE_TEST_EXISTS))
    hu_assert_file_equals (path_b, b);

  assert_serves_small_file (fx, "small.bin");
}

static gboolean
transfer_queued_cb (gpointer data)
{
  HuReceiver *rx = data;

  return rx->transfers->len == 2 &&
         ph_transfer_get_state (rx->transfers->pdata[1]) == PH_TRANSFER_QUEUED;
}

static void
test_disk_full_while_queued (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) queued = NULL;
  g_autoptr(GBytes) filler = NULL;
  g_autoptr(GBytes) header = NULL;
  g_autofree char *first_path = g_build_filename (fx->dir, "first.bin", NULL);
  g_autofree char *filler_path = NULL;
  g_autofree char *queued_path = g_build_filename (fx->dir, "queued.bin", NULL);
  PhTransfer *transfer;
  HuPeer *peer_first, *peer_queued;
  gsize free_space;

  if ((free_space = mount_small_disk (fx, data)) == 0)
    return;

  /* first + filler fit; first + filler + queued do not. */
  first = hu_random_bytes (free_space / 8, 13);
  queued = hu_random_bytes (free_space / 2, 14);
  filler = hu_random_bytes (free_space / 2, 15);
  header = hu_header ("queued.bin", free_space / 2);

  /* One slot: the second transfer waits, its header accepted while
   * the space was there. */
  fx->rx = hu_receiver_new (fx->dir);
  ph_receiver_set_max_transfers (fx->rx->receiver, 1);
  peer_first = start_paused_peer (fx, "first.bin", first, free_space / 16, HU_END_CLOSE);
  peer_queued = hu_peer_start (fx->rx->port, header, queued, 0, HU_END_CLOSE);
  g_assert_true (hu_wait_until (transfer_queued_cb, fx->rx, 20000));

  /* Someone else takes the space meanwhile. */
  filler_path = hu_write_temp_file (fx->dir, "someone-else.bin", filler);

  hu_peer_resume (peer_first);
  hu_peer_resume (peer_queued);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 2, 30000));
  hu_peer_join (peer_first, NULL);
  hu_peer_join (peer_queued, NULL);

  g_assert_cmpint (ph_transfer_get_state (fx->rx->transfers->pdata[0]), ==, PH_TRANSFER_DONE);
  hu_assert_file_equals (first_path, first);
  hu_assert_file_equals (filler_path, filler);

  /* The queued one is refused when it starts, before writing, and
   * leaves nothing. */
  transfer = fx->rx->transfers->pdata[1];
  assert_failed_clearly (transfer);
  g_assert_error (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_NO_SPACE);
  g_assert_false (g_file_test (queued_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (hu_count_hidden (fx->dir), ==, 0);

  assert_serves_small_file (fx, "small.bin");
}

static gint64
disk_free (const char *dir)
{
  struct statvfs st;

  g_assert_cmpint (statvfs (dir, &st), ==, 0);
  return (gint64) st.f_bavail * st.f_frsize;
}

/* A header that announces nearly all the free space, then a trickle:
 * the receiver holds the look-ahead at most (32 MiB), and any other
 * program can still use the rest of the disk all along. */
static void
test_disk_lookahead (Fixture       *fx,
                     gconstpointer  data)
{
  const gint64 lookahead = 32 * MIB;
  const gint64 slack = 4 * MIB;   /* file system metadata */
  g_autoptr(GBytes) header = NULL;
  g_autoptr(GSocket) peer = NULL;
  g_autofree char *other = NULL;
  gint64 free_before, held = 0, sent = 0;
  char chunk[4096] = { 0 };
  gsize free_space;
  int fd;

  if ((free_space = mount_disk (fx, data, 256)) == 0)
    return;

  fx->rx = hu_receiver_new (fx->dir);
  free_before = disk_free (fx->dir);
  header = hu_header ("almost-everything.bin", free_before - 8 * MIB);
  peer = hu_connect_from ("127.0.0.1", fx->rx->port);
  g_assert_cmpint (g_socket_send (peer, g_bytes_get_data (header, NULL), PH_WIRE_HEADER_SIZE, NULL, NULL),
                   ==, PH_WIRE_HEADER_SIZE);

  /* 4 KiB every 50 ms, for three seconds. */
  for (guint i = 0; i < 60; i++)
    {
      g_assert_cmpint (g_socket_send (peer, chunk, sizeof chunk, NULL, NULL), ==, sizeof chunk);
      sent += sizeof chunk;
      hu_sleep_ms (50);
      held = MAX (held, free_before - disk_free (fx->dir) - sent);
    }
  g_assert_true (hu_receiver_wait_receiving (fx->rx, sent, 20000));
  held = MAX (held, free_before - disk_free (fx->dir) - sent);
  g_test_message ("%s: announced %" G_GINT64_FORMAT " MiB, trickled %" G_GINT64_FORMAT
                  " KiB, held at most %.1f MiB beyond the data",
                  (const char *) data, (free_before - 8 * MIB) / MIB, sent / 1024, held / (double) MIB);
  g_assert_cmpint (held, <=, lookahead + slack);

  /* Someone else takes all but the look-ahead, while it trickles. */
  other = g_build_filename (fx->dir, "someone-else.bin", NULL);
  fd = open (other, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fallocate (fd, 0, 0, free_before - lookahead - slack - sent), ==, 0);
  close (fd);
  g_assert_cmpint (g_unlink (other), ==, 0);

  /* The peer gives up: everything comes back. */
  g_clear_object (&peer);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  g_assert_cmpint (free_before - disk_free (fx->dir), <=, slack);
  assert_dir_empty (fx->dir);
}

static void
test_folder_removed (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (2 * MIB, 21);
  g_autoptr(GBytes) header = hu_header ("late.bin", 1000);
  g_autofree char *listing = NULL;
  HuPeer *peer;

  fx->rx = hu_receiver_new (fx->dir);
  peer = start_paused_peer (fx, "doomed.bin", content, MIB / 2, HU_END_CLOSE);

  ph_test_rm_rf (fx->dir);
  g_assert_false (g_file_test (fx->dir, G_FILE_TEST_EXISTS));
  hu_peer_resume (peer);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  hu_peer_join (peer, NULL);
  assert_failed_clearly (only_transfer (fx->rx));

  /* A new sender gets a clear refusal too, and the receiver never
   * writes anywhere else (such as the folder's parent). */
  peer = hu_peer_start (fx->rx->port, header, NULL, G_MAXSIZE, HU_END_AWAIT_CLOSE);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 2, 20000));
  hu_peer_join (peer, NULL);
  if (fx->rx->transfers->len == 2)
    assert_failed_clearly (fx->rx->transfers->pdata[1]);
  else
    g_test_message ("refused: %s", (char *) fx->rx->failures->pdata[0]);

  /* Nothing but (at most) the folder itself, empty, in its parent. */
  listing = hu_describe_dir (fx->tmp);
  if (g_file_test (fx->dir, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GPtrArray) names = ph_test_list_dir (fx->tmp);

      g_assert_cmpuint (names->len, ==, 1);
      assert_dir_empty (fx->dir);
    }
  else
    g_assert_cmpstr (listing, ==, "(empty)");
}

/* Makes the receive folder read-only under the receiver's feet: a
 * read-only bind mount when root (root ignores permission bits),
 * permission bits otherwise. FALSE (test skipped) if neither works. */
static gboolean
make_folder_read_only (Fixture *fx)
{
  if (geteuid () == 0)
    {
      /* The type is ignored for these; "none" keeps valgrind quiet. */
      if (mount (fx->dir, fx->dir, "none", MS_BIND, NULL) != 0)
        {
          g_autofree char *msg = g_strdup_printf ("Cannot bind-mount here (%s): read-only case not run",
                                                  g_strerror (errno));
          g_test_skip (msg);
          return FALSE;
        }
      fx->mount = g_strdup (fx->dir);
      g_assert_cmpint (mount ("none", fx->dir, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
    }
  else
    g_assert_cmpint (g_chmod (fx->dir, 0500), ==, 0);

  g_assert_cmpint (access (fx->dir, W_OK), !=, 0);
  return TRUE;
}

static void
test_folder_read_only (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (2 * MIB, 31);
  g_autoptr(GBytes) late = hu_random_bytes (1000, 32);
  g_autoptr(GBytes) header = hu_header ("late.bin", 1000);
  g_autofree char *path = g_build_filename (fx->dir, "caught.bin", NULL);
  PhTransfer *transfer;
  HuPeer *peer;

  fx->rx = hu_receiver_new (fx->dir);
  peer = start_paused_peer (fx, "caught.bin", content, MIB / 2, HU_END_CLOSE);

  if (!make_folder_read_only (fx))
    {
      hu_peer_resume (peer);
      hu_receiver_wait_finished (fx->rx, 1, 20000);
      hu_peer_join (peer, NULL);
      return;
    }
  hu_peer_resume (peer);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 1, 20000));
  hu_peer_join (peer, NULL);

  /* The file under way may still make it (its temporary file was open
   * before); if not, the error says so and nothing partial shows up
   * under the final name. A temporary file that a read-only folder does
   * not let anyone delete stays hidden, for the next start to clean. */
  transfer = only_transfer (fx->rx);
  if (ph_transfer_get_state (transfer) == PH_TRANSFER_DONE)
    hu_assert_file_equals (path, content);
  else
    {
      assert_failed_clearly (transfer);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }

  /* A new transfer cannot even start: a clear error. */
  peer = hu_peer_start (fx->rx->port, header, late, G_MAXSIZE, HU_END_CLOSE);
  g_assert_true (hu_receiver_wait_finished (fx->rx, 2, 20000));
  hu_peer_join (peer, NULL);
  if (fx->rx->transfers->len == 2)
    {
      assert_failed_clearly (fx->rx->transfers->pdata[1]);
      g_test_message ("second: %s", ph_transfer_get_error_message (fx->rx->transfers->pdata[1]));
    }
  else
    g_test_message ("refused: %s", (char *) fx->rx->failures->pdata[0]);
  {
    g_autofree char *late_path = g_build_filename (fx->dir, "late.bin", NULL);
    g_assert_false (g_file_test (late_path, G_FILE_TEST_EXISTS));
  }
}

/* Sending side */

/* Sends @path to 127.0.0.1:@port and expects a failure within
 * @limit_ms (a guard against hanging, not a speed requirement). */
static GError *
send_expecting_failure (const char *path,
                        guint16     port,
                        guint       connect_timeout,
                        guint       idle_timeout_ms,
                        guint       limit_ms)
{
  g_autoptr(HuSend) send = hu_send_start (path, port, connect_timeout, idle_timeout_ms);

  g_assert_true (hu_send_wait (send, limit_ms));
  g_assert_false (send->ok);
  g_assert_nonnull (send->error);
  g_test_message ("error: %s", send->error->message);
  g_assert_cmpint (ph_transfer_get_state (send->transfer), ==, PH_TRANSFER_FAILED);
  g_assert_cmpstr (ph_transfer_get_error_message (send->transfer), !=, NULL);

  return g_steal_pointer (&send->error);
}

static void
test_send_closed_port (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 41);
  g_autofree char *path = hu_write_temp_file (fx->tmp, "a.txt", content);
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  guint16 port = ph_test_unused_port ();

  error = send_expecting_failure (path, port, 5, 0, 20000);
  g_assert_error (error, PH_ERROR, PH_ERROR_CONNECTION);
  port_text = g_strdup_printf ("%u", port);
  g_assert_nonnull (strstr (error->message, port_text));
}

static void
test_send_never_accepted (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 42);
  g_autofree char *path = hu_write_temp_file (fx->tmp, "a.txt", content);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  guint16 port;

  /* A listener whose queue is full (backlog 0 holds one connection,
   * taken by the filler) drops further SYNs: connect() cannot finish,
   * as with a peer that never answers, yet no packet leaves loopback. */
  listener = hu_listen_on_loopback (0, &port);
  filler = hu_connect_raw (port, TRUE);

  error = send_expecting_failure (path, port, 1, 0, 15000);
  g_assert_error (error, PH_ERROR, PH_ERROR_TIMED_OUT);
}

static void
test_send_accepted_never_read (Fixture       *fx,
                               gconstpointer  data)
{
  g_autofree char *path = ph_test_make_sparse_file (fx->tmp, "big.bin", 64 * MIB);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = NULL;
  guint16 port;

  /* The kernel completes the handshake but nobody ever reads: 64 MiB
   * cannot fit in the socket buffers, so the sender must give up on
   * its own (idle timeout) instead of blocking forever. */
  listener = hu_listen_on_loopback (8, &port);
  error = send_expecting_failure (path, port, 1, 1500, 60000);
  g_assert_true (g_error_matches (error, PH_ERROR, PH_ERROR_TIMED_OUT) ||
                 g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION));
}

static void
test_send_never_confirmed (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 43);
  g_autofree char *path = hu_write_temp_file (fx->tmp, "a.txt", content);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = NULL;
  guint16 port;

  /* A small file fits in the socket buffers: only waiting for the
   * receiver to close (its confirmation) can tell it never arrived. */
  listener = hu_listen_on_loopback (8, &port);
  error = send_expecting_failure (path, port, 1, 1500, 30000);
  g_assert_true (g_error_matches (error, PH_ERROR, PH_ERROR_TIMED_OUT) ||
                 g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION));
}

static void
test_send_receiver_dies (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *path = ph_test_make_sparse_file (fx->tmp, "big.bin", 64 * MIB);
  g_autoptr(GError) error = NULL;
  HuDying dying = { NULL, 256 * 1024 };
  GThread *thread;
  guint16 port;

  dying.listener = hu_listen_on_loopback (8, &port);
  thread = g_thread_new ("dying-receiver", hu_dying_receiver_thread, &dying);
  error = send_expecting_failure (path, port, 5, 0, 60000);
  g_thread_join (thread);
  g_object_unref (dying.listener);
  g_assert_error (error, PH_ERROR, PH_ERROR_CONNECTION);
}

int
main (int    argc,
      char **argv)
{
  static const char * const disk_kinds[] = { "tmpfs", "ext4" };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/faults/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("receive/sender-reset", test_sender_reset);
  /* tmpfs and ext4: the receiver reserves space differently on each. */
  for (guint i = 0; i < G_N_ELEMENTS (disk_kinds); i++)
    {
      g_autofree char *refused = g_strdup_printf ("/posthouse/faults/receive/disk-full/%s/refused-before-writing",
                                                  disk_kinds[i]);
      g_autofree char *race = g_strdup_printf ("/posthouse/faults/receive/disk-full/%s/race", disk_kinds[i]);
      g_autofree char *queued = g_strdup_printf ("/posthouse/faults/receive/disk-full/%s/while-queued",
                                                 disk_kinds[i]);
      g_autofree char *lookahead = g_strdup_printf ("/posthouse/faults/receive/disk-lookahead/%s",
                                                    disk_kinds[i]);

      g_test_add (refused, Fixture, disk_kinds[i], fixture_set_up,
                  test_disk_full_refused_before_writing, fixture_tear_down);
      g_test_add (race, Fixture, disk_kinds[i], fixture_set_up, test_disk_full_race, fixture_tear_down);
      g_test_add (queued, Fixture, disk_kinds[i], fixture_set_up,
                  test_disk_full_while_queued, fixture_tear_down);
      g_test_add (lookahead, Fixture, disk_kinds[i], fixture_set_up,
                  test_disk_lookahead, fixture_tear_down);
    }
  ADD ("receive/folder-removed", test_folder_removed);
  ADD ("receive/folder-read-only", test_folder_read_only);
  ADD ("send/closed-port", test_send_closed_port);
  ADD ("send/never-accepted", test_send_never_accepted);
  ADD ("send/accepted-never-read", test_send_accepted_never_read);
  ADD ("send/never-confirmed", test_send_never_confirmed);
  ADD ("send/receiver-dies", test_send_receiver_dies);

#undef ADD

  return g_test_run ();
}
