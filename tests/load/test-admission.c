/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nothing lost, nobody locked out (SPEC, Admission): the original
 * sender in a tight loop, which never reads an answer, into a receiver
 * that cannot take everything at once; and the same with "Ask before
 * accepting", answered with Accept All after a while. Every file
 * arrives whole, none is refused, and the counts say so throughout. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define KIB 1024

typedef struct
{
  char       *tmp;
  char       *dir;
  HuReceiver *rx;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-admission-XXXXXX");
  fx->dir = g_build_filename (fx->tmp, "recv", NULL);
  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
  fx->rx = hu_receiver_new (fx->dir);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->rx, hu_receiver_free);
  ph_test_rm_rf (fx->tmp);
  g_free (fx->dir);
  g_free (fx->tmp);
}

static gboolean
keep_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context at full speed (not polling, as hu_wait_until
 * does, which would slow the receiver down) until @condition holds. */
static gboolean
run_until (HuCondition condition,
           gpointer    data,
           guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  /* Wakes the loop for conditions that are not main-loop events. */
  guint heartbeat = g_timeout_add (10, keep_cb, NULL);

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (heartbeat);

  return condition (data);
}

typedef struct
{
  Fixture *fx;
  guint    n;
} DoneWait;

static gboolean
all_done_cb (gpointer data)
{
  DoneWait *wait = data;

  return hu_receiver_count_state (wait->fx->rx, PH_TRANSFER_DONE) >= wait->n;
}

static void
wait_all_done (Fixture *fx,
               guint    n,
               guint    timeout_ms)
{
  DoneWait wait = { fx, n };

  if (!run_until (all_done_cb, &wait, timeout_ms))
    {
      g_autofree char *state = hu_receiver_describe (fx->rx);

      g_error ("%u of %u saved, %u failed, %u refused before a header, %u held: %.2000s",
               hu_receiver_count_state (fx->rx, PH_TRANSFER_DONE), n, hu_receiver_count_state (fx->rx, PH_TRANSFER_FAILED),
               fx->rx->failures->len, ph_receiver_get_n_held (fx->rx->receiver), state);
    }
}

/* What the receiver holds, sampled as it works. */
typedef struct
{
  PhReceiver *receiver;
  guint       most_held;
  guint       paused;
  guint       id;
} Watch;

static gboolean
watch_cb (gpointer data)
{
  Watch *watch = data;

  watch->most_held = MAX (watch->most_held, ph_receiver_get_n_held (watch->receiver));
  watch->paused += ph_receiver_get_paused (watch->receiver);
  return G_SOURCE_CONTINUE;
}

static void
watch_added_cb (PhReceiver *receiver,
                PhTransfer *transfer,
                Watch      *watch)
{
  watch_cb (watch);
}

/* 2,000 files of 2 KiB, one connection each, into a receiver that
 * holds 32 connections at most: it stops accepting, the kernel's
 * queue holds the sender back, and every file arrives. */
static void
test_tight_held (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GSubprocess) sender = NULL;
  Watch watch = { fx->rx->receiver };
  gint64 start = g_get_monotonic_time ();

  ph_receiver_set_max_held (fx->rx->receiver, 32);
  watch.id = g_timeout_add (1, watch_cb, &watch);
  g_signal_connect (fx->rx->receiver, "transfer-added", G_CALLBACK (watch_added_cb), &watch);

  sender = hu_tight_send_start (fx->rx->port, 2000, 2 * KIB, "127.0.0.2", "tight-", NULL);
  g_assert_true (hu_tight_send_wait (sender, 60000));
  wait_all_done (fx, 2000, 60000);
  g_source_remove (watch.id);
  g_signal_handlers_disconnect_by_data (fx->rx->receiver, &watch);
  g_test_message ("2000 × 2 KiB in %.2f s; held at most %u connections, paused in %u samples",
                  (g_get_monotonic_time () - start) / 1e6, watch.most_held, watch.paused);

  g_assert_cmpuint (fx->rx->transfers->len, ==, 2000);
  g_assert_cmpuint (hu_receiver_count_state (fx->rx, PH_TRANSFER_FAILED), ==, 0);
  g_assert_cmpuint (fx->rx->failures->len, ==, 0);
  g_assert_cmpuint (watch.most_held, <=, 32);
  g_assert_cmpuint (watch.paused, >, 0);
  hu_assert_tight_files (fx->dir, "tight-", 2000, 2 * KIB);
}

/* Ask before accepting: the batch waits for its answer, and its counts
 * tell the truth meanwhile and after. */
typedef struct
{
  PhInbox *inbox;
  PhBatch *batch;
  gboolean answered;
  gint64   answered_at;
  gint64   done_at;
  double   final_speed;
  guint    n;
  guint    checks;
  guint    max_waiting;
} Asked;

static void
batch_changed_cb (PhBatch *batch,
                  Asked   *asked)
{
  guint n_files = ph_batch_get_n_files (batch);

  asked->checks++;
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 0);
  g_assert_cmpuint (ph_batch_get_n_cancelled (batch), ==, 0);
  g_assert_cmpuint (ph_batch_get_n_done (batch) + ph_batch_get_n_waiting (batch), <=, n_files);
  if (!asked->answered)
    {
      /* Nothing moves before the answer: every file is waiting for it. */
      g_assert_cmpuint (ph_batch_get_n_waiting (batch), ==, n_files);
      g_assert_cmpuint (ph_batch_get_n_done (batch), ==, 0);
      g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_WAITING);
    }
  else
    g_assert_cmpuint (ph_batch_get_n_waiting (batch), ==, 0);
  asked->max_waiting = MAX (asked->max_waiting, ph_batch_get_n_waiting (batch));
  if (asked->done_at == 0 && ph_batch_get_n_done (batch) == asked->n)
    asked->done_at = g_get_monotonic_time ();
  /* Published with the change that finished it: the whole batch's. */
  if (ph_batch_get_n_done (batch) == asked->n && ph_batch_is_finished (batch))
    asked->final_speed = ph_batch_get_speed (batch);
}

static void
batch_added_cb (PhInbox *inbox,
                PhBatch *batch,
                Asked   *asked)
{
  g_assert_null (asked->batch);
  asked->batch = g_object_ref (batch);
  g_signal_connect (batch, "changed", G_CALLBACK (batch_changed_cb), asked);
}

static gboolean
answer_cb (gpointer data)
{
  Asked *asked = data;

  g_assert_nonnull (asked->batch);
  asked->answered = TRUE;
  asked->answered_at = g_get_monotonic_time ();
  ph_inbox_accept_all (asked->inbox, asked->batch);
  return G_SOURCE_REMOVE;
}

static gboolean
speed_published_cb (gpointer data)
{
  return ((Asked *) data)->final_speed > 0;
}

static void
test_ask_accept_all (Fixture       *fx,
                     gconstpointer  data)
{
  const guint n = 500;
  g_autoptr(GSubprocess) sender = NULL;
  g_autoptr(PhInbox) inbox = ph_inbox_new (fx->rx->receiver);
  Asked asked = { inbox, .n = n };
  gint64 start = g_get_monotonic_time ();
  double naive, since_answer;

  ph_receiver_set_require_approval (fx->rx->receiver, TRUE);
  g_signal_connect (inbox, "batch-added", G_CALLBACK (batch_added_cb), &asked);

  sender = hu_tight_send_start (fx->rx->port, n, 2 * KIB, "127.0.0.2", "asked-", NULL);
  /* Someone reads the request and answers after two seconds. */
  g_timeout_add (2000, answer_cb, &asked);
  g_assert_true (hu_tight_send_wait (sender, 60000));
  wait_all_done (fx, n, 60000);
  /* The last figures are published a moment after the last change. */
  g_assert_true (hu_wait_until (speed_published_cb, &asked, 10000));

  g_test_message ("%u files asked about, %u waiting at most; batch checked %u times; "
                  "speed %.0f kB/s", n, asked.max_waiting, asked.checks,
                  asked.final_speed / 1000);
  g_assert_cmpuint (ph_batch_get_n_files (asked.batch), ==, n);
  g_assert_cmpuint (ph_batch_get_n_done (asked.batch), ==, n);
  g_assert_cmpint (ph_batch_get_state (asked.batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpuint (fx->rx->failures->len, ==, 0);
  hu_assert_tight_files (fx->dir, "asked-", n, 2 * KIB);

  /* The time spent waiting for the answer is no part of the speed
   * shown: it is at least the bytes over the time from the answer to
   * the last file (with a margin for the clock's ticks). */
  since_answer = n * 2.0 * KIB / ((asked.done_at - asked.answered_at) / 1e6);
  naive = n * 2.0 * KIB / ((asked.done_at - start) / 1e6);
  g_test_message ("speed %.0f kB/s; over the time since the answer %.0f kB/s, since the first "
                  "header %.0f kB/s", asked.final_speed / 1000, since_answer / 1000,
                  naive / 1000);
  g_assert_cmpfloat (asked.final_speed, >=, 0.9 * since_answer);

  g_signal_handlers_disconnect_by_data (asked.batch, &asked);
  g_clear_object (&asked.batch);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/load/admission/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("tight-sender-held", test_tight_held);
  ADD ("ask-accept-all", test_ask_accept_all);

#undef ADD

  return g_test_run ();
}
