/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Slow peers cannot lock honest senders out: the stall rule, the
 * stalled going first when someone waits, and the per-peer cap. Peers
 * come from several loopback addresses (127.0.0.2, ...), which the
 * receiver tells apart as it would different computers. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define MIB (1024 * 1024)

typedef struct
{
  char       *tmp;
  char       *src;
  char       *dir;
  HuReceiver *rx;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-fairness-XXXXXX");
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
  ph_test_rm_rf (fx->tmp);
  g_free (fx->src);
  g_free (fx->dir);
  g_free (fx->tmp);
}

/* Peers that each announce a file and then send @chunk bytes every
 * @interval_ms, from a thread of their own, until stopped. */
typedef struct
{
  GThread   *thread;
  GMutex     lock;
  GCond      cond;
  GPtrArray *sockets;    /* GSocket */
  guint      interval_ms;
  gsize      chunk;
  gboolean   stop;
  guint      reset;      /* peers the receiver reset */
} Dripper;

static gpointer
drip_thread (gpointer data)
{
  Dripper *d = data;
  g_autofree char *bytes = g_malloc0 (d->chunk);
  g_autofree gboolean *dead = g_new0 (gboolean, d->sockets->len);

  g_mutex_lock (&d->lock);
  while (!d->stop)
    {
      gint64 until = g_get_monotonic_time () + d->interval_ms * G_TIME_SPAN_MILLISECOND;

      for (guint i = 0; i < d->sockets->len; i++)
        if (!dead[i] && g_socket_send (d->sockets->pdata[i], bytes, d->chunk, NULL, NULL) < 0)
          {
            dead[i] = TRUE;
            d->reset++;
          }
      while (!d->stop && g_cond_wait_until (&d->cond, &d->lock, until))
        ;
    }
  g_mutex_unlock (&d->lock);

  return NULL;
}

/* @n peers from 127.0.0.@first_host on, one connection each (or all
 * from @first_host with @same_host), announcing @size bytes. */
static Dripper *
dripper_start (guint16  port,
               guint    first_host,
               guint    n,
               gboolean same_host,
               gint64   size,
               guint    interval_ms,
               gsize    chunk)
{
  Dripper *d = g_new0 (Dripper, 1);

  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  d->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  d->interval_ms = interval_ms;
  d->chunk = chunk;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", same_host ? first_host : first_host + i);
      g_autofree char *name = g_strdup_printf ("drip-%u.bin", i);
      g_autoptr(GBytes) header = hu_header (name, size);
      GSocket *socket = hu_connect_from (source, port);

      g_assert_cmpint (g_socket_send (socket, g_bytes_get_data (header, NULL), PH_WIRE_HEADER_SIZE,
                                      NULL, NULL), ==, PH_WIRE_HEADER_SIZE);
      g_ptr_array_add (d->sockets, socket);
    }
  d->thread = g_thread_new ("dripper", drip_thread, d);

  return d;
}

static guint
dripper_get_reset (Dripper *d)
{
  guint n;

  g_mutex_lock (&d->lock);
  n = d->reset;
  g_mutex_unlock (&d->lock);

  return n;
}

static void
dripper_free (Dripper *d)
{
  g_mutex_lock (&d->lock);
  d->stop = TRUE;
  g_cond_signal (&d->cond);
  g_mutex_unlock (&d->lock);
  g_thread_join (d->thread);

  g_ptr_array_unref (d->sockets);
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_free (d);
}

typedef struct
{
  Fixture         *fx;
  guint            n;
  PhTransferState  state;
} CountWait;

static gboolean
count_reached_cb (gpointer data)
{
  CountWait *wait = data;

  return hu_receiver_count_state (wait->fx->rx, wait->state) >= wait->n;
}

static void
wait_for_count (Fixture         *fx,
                guint            n,
                PhTransferState  state)
{
  CountWait wait = { fx, n, state };

  if (!hu_wait_until (count_reached_cb, &wait, 20000))
    {
      g_autofree char *described = hu_receiver_describe (fx->rx);

      g_error ("expected %u transfers in state %d; receiver: %s", n, state, described);
    }
}

static guint
count_stalled (Fixture *fx)
{
  guint n = 0;

  for (guint i = 0; i < fx->rx->transfers->len; i++)
    {
      PhTransfer *transfer = fx->rx->transfers->pdata[i];

      if (g_error_matches (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_STALLED))
        {
          if (n == 0)
            g_test_message ("%s", ph_transfer_get_error_message (transfer));
          n++;
        }
    }

  return n;
}

static gboolean
any_stalled_cb (gpointer data)
{
  return count_stalled (data) > 0;
}

static gboolean
dripper_reset_cb (gpointer data)
{
  return dripper_get_reset (data) > 0;
}

/* The transfer from 127.0.0.@host. */
static PhTransfer *
from_host (Fixture *fx,
           guint    host)
{
  g_autofree char *prefix = g_strdup_printf ("127.0.0.%u:", host);

  for (guint i = 0; i < fx->rx->transfers->len; i++)
    if (g_str_has_prefix (ph_transfer_get_peer (fx->rx->transfers->pdata[i]), prefix))
      return fx->rx->transfers->pdata[i];

  g_assert_not_reached ();
}

/* The case, with the receiver's defaults (16 slots, 8 per
 * peer, 64 KiB in 30 s): 16 peers from 16 addresses announce a file
 * and drip a byte every 5 s; an honest sender still gets through in
 * well under 40 s, and only as many drippers go as it needs. */
static void
test_drip_peers (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (4 * MIB, 1);
  g_autofree char *path = hu_write_temp_file (fx->src, "honest.bin", content);
  g_autofree char *saved = g_build_filename (fx->dir, "honest.bin", NULL);
  g_autoptr(HuSend) send = NULL;
  Dripper *drip;
  gint64 start, elapsed_ms;

  g_assert_cmpuint (ph_receiver_get_max_transfers (fx->rx->receiver), ==, 16);
  drip = dripper_start (fx->rx->port, 2, 16, FALSE, 64 * MIB, 5000, 1);
  wait_for_count (fx, 16, PH_TRANSFER_RECEIVING);

  start = g_get_monotonic_time ();
  send = hu_send_start (path, fx->rx->port, 5, 0);
  g_assert_true (hu_send_wait (send, 60000));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("honest sender done after %" G_GINT64_FORMAT " ms behind 16 dripping peers",
                  elapsed_ms);
  if (send->error)
    g_test_message ("failure: %s", send->error->message);
  g_assert_true (send->ok);
  hu_assert_file_equals (saved, content);
  g_assert_cmpint (elapsed_ms, <, 40000);

  /* One dripper made room; the others keep their slots (nobody waits,
   * and they have not had 30 s yet). */
  g_assert_cmpuint (count_stalled (fx), ==, 1);
  g_assert_cmpuint (hu_receiver_count_state (fx->rx, PH_TRANSFER_RECEIVING), ==, 15);

  dripper_free (drip);
}

/* The stall rule alone, with a short window: a peer that sends less
 * than stall-bytes in a window is ended, and told so with a reset; a
 * slow but steady one is not. */
static void
test_stall_rule (Fixture       *fx,
                 gconstpointer  data)
{
  Dripper *drip, *steady;

  ph_receiver_set_stall_window (fx->rx->receiver, 600);
  ph_receiver_set_stall_bytes (fx->rx->receiver, 64 * 1024);

  /* 10 bytes / 100 ms, and 32 KiB / 100 ms (five times the pace). */
  drip = dripper_start (fx->rx->port, 2, 1, FALSE, 64 * MIB, 100, 10);
  steady = dripper_start (fx->rx->port, 3, 1, FALSE, 64 * MIB, 100, 32 * 1024);

  g_assert_true (hu_wait_until (any_stalled_cb, fx, 20000));
  g_assert_cmpuint (count_stalled (fx), ==, 1);
  g_assert_error (ph_transfer_get_error (from_host (fx, 2)), PH_ERROR, PH_ERROR_STALLED);
  g_assert_true (hu_wait_until (dripper_reset_cb, drip, 20000));

  /* The steady one outlives a few more windows. */
  hu_sleep_ms (1500);
  g_assert_cmpint (ph_transfer_get_state (from_host (fx, 3)), ==, PH_TRANSFER_RECEIVING);
  g_assert_cmpuint (dripper_get_reset (steady), ==, 0);

  dripper_free (drip);
  dripper_free (steady);
}

/* Every slot taken, one of them by a dripper, another by a slow but
 * honest peer: a newcomer gets the dripper's slot, long before the
 * full window, and the honest one keeps its own. */
static void
test_stalled_go_first (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (MIB, 2);
  g_autofree char *path = hu_write_temp_file (fx->src, "newcomer.bin", content);
  g_autoptr(HuSend) send = NULL;
  Dripper *drip, *steady;
  gint64 start;

  ph_receiver_set_max_transfers (fx->rx->receiver, 2);
  ph_receiver_set_stall_window (fx->rx->receiver, 6000);

  /* Twice the pace (64 KiB / 6 s), and far under it. */
  steady = dripper_start (fx->rx->port, 2, 1, FALSE, 64 * MIB, 100, 2 * 1024);
  drip = dripper_start (fx->rx->port, 3, 1, FALSE, 64 * MIB, 100, 10);
  wait_for_count (fx, 2, PH_TRANSFER_RECEIVING);

  start = g_get_monotonic_time ();
  send = hu_send_start (path, fx->rx->port, 5, 0);
  g_assert_true (hu_send_wait (send, 30000));
  g_assert_true (send->ok);
  g_test_message ("newcomer done after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  /* A sixth of the window, not all of it (plus a loaded machine, and
   * more under valgrind). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, (g_getenv ("PH_VALGRIND") ? 20 : 5) * G_USEC_PER_SEC);

  g_assert_cmpuint (count_stalled (fx), ==, 1);
  g_assert_error (ph_transfer_get_error (from_host (fx, 3)), PH_ERROR, PH_ERROR_STALLED);
  g_assert_cmpint (ph_transfer_get_state (from_host (fx, 2)), ==, PH_TRANSFER_RECEIVING);

  dripper_free (drip);
  dripper_free (steady);
}

/* One address gets max-transfers-per-peer slots (8: a parallel sender's
 * connections all start on an idle receiver); its next connection
 * waits, unrefused, while another address starts at once. */
static void
test_per_peer_cap (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 3);
  g_autoptr(GBytes) header = hu_header ("other.bin", 1000);
  g_autoptr(GPtrArray) peers = g_ptr_array_new ();
  Dripper *same;
  guint8 rest[999] = { 0 };

  g_assert_cmpuint (ph_receiver_get_max_transfers_per_sender (fx->rx->receiver), ==, 8);

  /* Nine from 127.0.0.2, announcing 1000 bytes and sending one. */
  ph_receiver_set_stall_window (fx->rx->receiver, 0);
  same = dripper_start (fx->rx->port, 2, 9, TRUE, 1000, 60000, 1);
  wait_for_count (fx, 8, PH_TRANSFER_RECEIVING);
  wait_for_count (fx, 1, PH_TRANSFER_QUEUED);
  g_assert_cmpuint (hu_receiver_count_state (fx->rx, PH_TRANSFER_RECEIVING), ==, 8);
  g_assert_cmpuint (fx->rx->transfers->len, ==, 9);

  /* Another computer is not held up by that one. */
  g_ptr_array_add (peers, hu_peer_start (fx->rx->port, header, content, G_MAXSIZE, HU_END_AWAIT_CLOSE));
  g_assert_cmpint (hu_peer_join_receipt (peers->pdata[0]), ==, HU_RECEIPT_EOF);
  g_assert_cmpuint (hu_receiver_count_state (fx->rx, PH_TRANSFER_DONE), ==, 1);
  g_assert_cmpuint (hu_receiver_count_state (fx->rx, PH_TRANSFER_QUEUED), ==, 1);

  /* One of the eight finishes: the ninth starts. */
  g_mutex_lock (&same->lock);
  g_assert_cmpint (g_socket_send (same->sockets->pdata[0], (char *) rest, sizeof rest, NULL, NULL), ==, sizeof rest);
  g_socket_shutdown (same->sockets->pdata[0], FALSE, TRUE, NULL);
  g_mutex_unlock (&same->lock);
  wait_for_count (fx, 2, PH_TRANSFER_DONE);
  wait_for_count (fx, 8, PH_TRANSFER_RECEIVING);
  g_assert_cmpuint (hu_receiver_count_state (fx->rx, PH_TRANSFER_QUEUED), ==, 0);

  dripper_free (same);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/load/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("fairness/per-peer-cap", test_per_peer_cap);
  ADD ("fairness/stall-rule", test_stall_rule);
  ADD ("fairness/stalled-go-first", test_stalled_go_first);
  ADD ("fairness/drip-peers", test_drip_peers);

#undef ADD

  return g_test_run ();
}
