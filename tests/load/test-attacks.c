/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The three attacks of issue 18, each while an honest sender from
 * another address sends: every honest send succeeds within a stated
 * time. The receiver's time limits are scaled down (stated in each
 * test) so that the attacks fit in a test run; the rules are the same.
 *
 *   space hog      announces nearly all the free space and trickles
 *                  64 KiB per 25 s (scaled: per 2.5 s, the stall window
 *                  3 s): just above the stall rule;
 *   header hog     ~300 connections that send a header and nothing
 *                  more, from 30 addresses, topped up as the receiver
 *                  closes them;
 *   ask flood      258 connections from one address to a receiver that
 *                  asks before accepting, and nobody answers them. */
#define _GNU_SOURCE /* POLLRDHUP */
#include "config.h"

#include <poll.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define KIB 1024
#define MIB (1024 * 1024)

typedef struct
{
  char       *tmp;
  char       *src;
  char       *dir;
  gboolean    mounted;
  HuReceiver *rx;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-attacks-XXXXXX");
  fx->src = g_build_filename (fx->tmp, "src", NULL);
  fx->dir = g_build_filename (fx->tmp, "recv", NULL);
  g_assert_cmpint (g_mkdir (fx->src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->rx, hu_receiver_free);
  if (fx->mounted)
    umount2 (fx->dir, MNT_DETACH);
  ph_test_rm_rf (fx->tmp);
  g_free (fx->src);
  g_free (fx->dir);
  g_free (fx->tmp);
}

/* Honest sends from 127.0.0.1, one after the other, each within
 * @limit_ms; returns the slowest. */
static gint64
send_honestly (Fixture *fx,
               guint    n,
               gsize    size,
               guint    limit_ms)
{
  gint64 slowest = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("honest-%02u.bin", i);
      g_autoptr(GBytes) content = hu_random_bytes (size, 100 + i);
      g_autofree char *path = hu_write_temp_file (fx->src, name, content);
      g_autofree char *saved = g_build_filename (fx->dir, name, NULL);
      g_autoptr(HuSend) send = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;

      send = hu_send_start (path, fx->rx->port, 5, 0);
      g_assert_true (hu_send_wait (send, 60000));
      elapsed = (g_get_monotonic_time () - start) / 1000;
      if (!send->ok)
        g_error ("honest send %u failed after %" G_GINT64_FORMAT " ms: %s", i, elapsed,
                 send->error->message);
      hu_assert_file_equals (saved, content);
      g_assert_cmpint (g_unlink (path), ==, 0);
      slowest = MAX (slowest, elapsed);
      if (g_getenv ("PH_DEBUG_TIMES")) g_printerr ("%" G_GINT64_FORMAT " ", elapsed);
    }

  g_assert_cmpint (slowest, <, limit_ms);
  return slowest;
}

static PhTransfer *
transfer_named (Fixture    *fx,
                const char *name)
{
  for (guint i = 0; i < fx->rx->transfers->len; i++)
    if (g_str_equal (ph_transfer_get_name (fx->rx->transfers->pdata[i]), name))
      return fx->rx->transfers->pdata[i];

  return NULL;
}

/* Space hog */

typedef struct
{
  GThread  *thread;
  GSocket  *socket;
  GMutex    lock;
  GCond     cond;
  guint     interval_ms;
  gboolean  stop;
  guint     sent;
} Trickle;

static gpointer
trickle_thread (gpointer data)
{
  Trickle *t = data;
  g_autofree char *chunk = g_malloc0 (64 * KIB);

  g_mutex_lock (&t->lock);
  while (!t->stop)
    {
      gint64 until = g_get_monotonic_time () + t->interval_ms * G_TIME_SPAN_MILLISECOND;

      if (g_socket_send (t->socket, chunk, 64 * KIB, NULL, NULL) == 64 * KIB)
        t->sent++;
      while (!t->stop && g_cond_wait_until (&t->cond, &t->lock, until))
        ;
    }
  g_mutex_unlock (&t->lock);
  return NULL;
}

static void
test_space_hog (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GBytes) header = NULL;
  Trickle t = { .interval_ms = 2500 };
  PhTransfer *hog;
  gsize free_space;
  gint64 slowest;

  if ((free_space = hu_mount_small_fs ("tmpfs", fx->dir, fx->tmp, 64)) == 0)
    return;
  fx->mounted = TRUE;

  /* The stall rule scaled ten times down: 64 KiB in every 3 s. */
  fx->rx = hu_receiver_new (fx->dir);
  ph_receiver_set_stall_window (fx->rx->receiver, 3000);

  header = hu_header ("almost-everything.bin", free_space - MIB);
  t.socket = hu_connect_from ("127.0.0.2", fx->rx->port);
  g_assert_cmpint (g_socket_send (t.socket, g_bytes_get_data (header, NULL), PH_WIRE_HEADER_SIZE,
                                  NULL, NULL), ==, PH_WIRE_HEADER_SIZE);
  g_mutex_init (&t.lock);
  g_cond_init (&t.cond);
  t.thread = g_thread_new ("trickle", trickle_thread, &t);
  g_assert_true (hu_receiver_wait_receiving (fx->rx, 64 * KIB, 20000));

  /* Twenty honest 1 MiB files: each within 5 s (about 20 ms alone). */
  slowest = send_honestly (fx, 20, MIB, 5000);
  g_test_message ("20 × 1 MiB beside a peer that announced %" G_GSIZE_FORMAT " MiB: "
                  "slowest %" G_GINT64_FORMAT " ms", (free_space - MIB) / MIB, slowest);

  /* The hog was not simply thrown out: it is still receiving. */
  hog = transfer_named (fx, "almost-everything.bin");
  g_assert_nonnull (hog);
  g_assert_cmpint (ph_transfer_get_state (hog), ==, PH_TRANSFER_RECEIVING);

  g_mutex_lock (&t.lock);
  t.stop = TRUE;
  g_cond_signal (&t.cond);
  g_mutex_unlock (&t.lock);
  g_thread_join (t.thread);
  g_clear_object (&t.socket);
  g_assert_true (hu_receiver_wait_finished (fx->rx, fx->rx->transfers->len, 20000));
  g_mutex_clear (&t.lock);
  g_cond_clear (&t.cond);
}

/* Header hog */

typedef struct
{
  GThread   *thread;
  GMutex     lock;
  guint16    port;
  guint      per_address;
  guint      n_addresses;
  gboolean   stop;
  guint      replaced;
} Hog;

static GSocket *
hog_connect (Hog  *hog,
             guint i)
{
  g_autofree char *source = g_strdup_printf ("127.0.1.%u", 1 + i / hog->per_address);
  g_autofree char *name = g_strdup_printf ("hog-%u.bin", i);
  g_autoptr(GBytes) header = hu_header (name, MIB);
  GSocket *socket = hu_connect_from (source, hog->port);

  g_socket_send (socket, g_bytes_get_data (header, NULL), PH_WIRE_HEADER_SIZE, NULL, NULL);
  return socket;
}

/* Keeps every connection open with its header sent, and opens a new
 * one for each the receiver closes. */
static gpointer
hog_thread (gpointer data)
{
  Hog *hog = data;
  guint n = hog->per_address * hog->n_addresses;
  g_autofree GSocket **sockets = g_new0 (GSocket *, n);
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, n);

  for (guint i = 0; i < n; i++)
    sockets[i] = hog_connect (hog, i);

  for (;;)
    {
      g_mutex_lock (&hog->lock);
      if (hog->stop)
        {
          g_mutex_unlock (&hog->lock);
          break;
        }
      g_mutex_unlock (&hog->lock);

      for (guint i = 0; i < n; i++)
        fds[i] = (struct pollfd) { .fd = g_socket_get_fd (sockets[i]), .events = POLLIN | POLLRDHUP };
      if (poll (fds, n, 50) <= 0)
        continue;
      for (guint i = 0; i < n; i++)
        if (fds[i].revents)
          {
            g_object_unref (sockets[i]);
            sockets[i] = hog_connect (hog, i);
            g_mutex_lock (&hog->lock);
            hog->replaced++;
            g_mutex_unlock (&hog->lock);
          }
    }

  for (guint i = 0; i < n; i++)
    g_object_unref (sockets[i]);
  return NULL;
}

static void
test_header_hog (Fixture       *fx,
                 gconstpointer  data)
{
  Hog hog = { .per_address = 10, .n_addresses = 30 };
  gint64 slowest;

  /* Time limits scaled ten times down: a header with nothing behind it
   * goes after 1 s (10 s), the stall rule over 3 s (30 s). */
  fx->rx = hu_receiver_new (fx->dir);
  ph_receiver_set_data_timeout (fx->rx->receiver, 1000);
  ph_receiver_set_stall_window (fx->rx->receiver, 3000);
  hog.port = fx->rx->port;
  g_mutex_init (&hog.lock);
  hog.thread = g_thread_new ("hog", hog_thread, &hog);
  hu_sleep_ms (1500);

  /* 24 honest sends of 100 KiB: each within 3 s. */
  slowest = send_honestly (fx, 24, 100 * KIB, 3000);

  g_mutex_lock (&hog.lock);
  g_test_message ("24 × 100 KiB beside 300 header-only connections from 30 addresses "
                  "(%u replaced): slowest %" G_GINT64_FORMAT " ms", hog.replaced, slowest);
  g_assert_cmpuint (hog.replaced, >, 0);
  hog.stop = TRUE;
  g_mutex_unlock (&hog.lock);
  g_thread_join (hog.thread);
  g_mutex_clear (&hog.lock);
  g_assert_true (hu_receiver_wait_finished (fx->rx, fx->rx->transfers->len, 20000));
}

/* Ask flood */

static void
batch_added_cb (PhInbox *inbox,
                PhBatch *batch,
                gpointer user_data)
{
  /* The person answers the honest sender's request, not the flood's. */
  if (g_str_equal (ph_batch_get_peer (batch), "127.0.0.1"))
    ph_inbox_accept_all (inbox, batch);
}

static gboolean
nothing_held_cb (gpointer data)
{
  return ph_receiver_get_n_held (data) == 0;
}

static gboolean
flood_in_cb (gpointer data)
{
  Fixture *fx = data;

  return fx->rx->transfers->len >= 258;
}

static void
test_ask_flood (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GSubprocess) flood = NULL;
  g_autoptr(PhInbox) inbox = NULL;
  guint unanswered = 0;
  gint64 slowest;

  /* Nobody answers the flood: its questions go after 4 s (2 min). */
  fx->rx = hu_receiver_new (fx->dir);
  ph_receiver_set_require_approval (fx->rx->receiver, TRUE);
  ph_receiver_set_answer_timeout (fx->rx->receiver, 4000);
  inbox = ph_inbox_new (fx->rx->receiver);
  g_signal_connect (inbox, "batch-added", G_CALLBACK (batch_added_cb), NULL);

  flood = hu_tight_send_start (fx->rx->port, 258, KIB, "127.0.0.2", "flood-", NULL);
  g_assert_true (hu_tight_send_wait (flood, 30000));
  /* Every one of them asked about, none refused. */
  g_assert_true (hu_wait_until (flood_in_cb, fx, 20000));
  g_assert_cmpuint (ph_receiver_get_n_held (fx->rx->receiver), ==, 258);

  /* Five honest files, answered: each within 2 s. */
  slowest = send_honestly (fx, 5, 100 * KIB, 2000);
  g_test_message ("5 × 100 KiB beside 258 unanswered questions from one address: "
                  "slowest %" G_GINT64_FORMAT " ms", slowest);

  /* The flood's questions give their places up. */
  g_assert_true (hu_wait_until (nothing_held_cb, fx->rx->receiver, 20000));
  for (guint i = 0; i < fx->rx->transfers->len; i++)
    {
      PhTransfer *transfer = fx->rx->transfers->pdata[i];

      if (g_str_has_prefix (ph_transfer_get_name (transfer), "flood-"))
        {
          g_assert_error (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_TIMED_OUT);
          unanswered++;
        }
    }
  g_assert_cmpuint (unanswered, ==, 258);
  g_test_message ("%s", ph_transfer_get_error_message (transfer_named (fx, "flood-00000.bin")));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/load/attacks/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("space-hog", test_space_hog);
  ADD ("header-hog", test_header_hog);
  ADD ("ask-flood", test_ask_flood);

#undef ADD

  return g_test_run ();
}
