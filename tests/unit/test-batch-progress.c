/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A batch's speed and time left while its transfers move bytes, as the
 * window and the notification show them: a batch that never says how
 * long it has left, or says it wrongly, fails here. The bytes follow
 * the real clock at a known pace, so the estimate has a known answer. */
#include "config.h"

#include "posthouse-core.h"
#include "ph-transfer-private.h"

#define MIB      (1024 * 1024)
#define N_FILES  2
#define SIZE     (8 * MIB)
/* Per file: 1 MiB/s, so the batch moves 2 MiB/s. */
#define PACE     (1 * MIB)

typedef struct
{
  gint64 seconds_left;     /* the last value notified */
  guint  n_known;          /* notifications with a time left */
} Seen;

static void
seconds_left_cb (PhBatch    *batch,
                 GParamSpec *pspec,
                 Seen       *seen)
{
  seen->seconds_left = ph_batch_get_seconds_left (batch);
  if (seen->seconds_left > 0)
    seen->n_known++;
}

static void
iterate_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

static void
test_time_left (void)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_SEND, "127.0.0.1:9", NULL);
  PhTransfer *transfers[N_FILES];
  Seen seen = { -1, 0 };
  gint64 start, elapsed, bytes = 0, expected;

  g_signal_connect (batch, "notify::seconds-left", G_CALLBACK (seconds_left_cb), &seen);

  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("/nonexistent/f%u", i);
      g_autoptr(GFile) file = g_file_new_for_path (name);

      transfers[i] = ph_batch_add_file (batch, file, SIZE);
      ph_transfer_set_state (transfers[i], PH_TRANSFER_SENDING);
    }

  /* A second and a half at the pace. */
  start = g_get_monotonic_time ();
  do
    {
      elapsed = g_get_monotonic_time () - start;
      bytes = MIN (SIZE, elapsed * PACE / G_USEC_PER_SEC);
      for (guint i = 0; i < N_FILES; i++)
        ph_transfer_set_bytes_done (transfers[i], bytes);
      iterate_for (20);
    }
  while (elapsed < 1500 * 1000);

  /* What is left at the pace, give or take a slow machine. */
  expected = (N_FILES * (SIZE - bytes)) / (N_FILES * PACE);
  g_test_message ("time left %" G_GINT64_FORMAT " s, %" G_GINT64_FORMAT " s expected; speed %.0f B/s",
                  ph_batch_get_seconds_left (batch), expected, ph_batch_get_speed (batch));
  g_assert_cmpuint (seen.n_known, >, 0);
  g_assert_cmpint (ph_batch_get_seconds_left (batch), >=, expected / 2);
  g_assert_cmpint (ph_batch_get_seconds_left (batch), <=, expected * 2 + 1);
  g_assert_cmpfloat (ph_batch_get_speed (batch), >, N_FILES * PACE / 2.0);
  g_assert_cmpfloat (ph_batch_get_speed (batch), <, N_FILES * PACE * 2.0);

  /* Each transfer says its own, the same way. */
  for (guint i = 0; i < N_FILES; i++)
    {
      g_assert_cmpint (ph_transfer_get_seconds_left (transfers[i]), >=, expected / 2);
      g_assert_cmpint (ph_transfer_get_seconds_left (transfers[i]), <=, expected * 2 + 1);
    }

  /* Done: nothing left. */
  for (guint i = 0; i < N_FILES; i++)
    {
      ph_transfer_set_bytes_done (transfers[i], SIZE);
      ph_transfer_set_state (transfers[i], PH_TRANSFER_DONE);
    }
  iterate_for (400);
  g_assert_true (ph_batch_is_finished (batch));
  g_assert_cmpint (ph_batch_get_seconds_left (batch), ==, 0);
  g_assert_cmpint (seen.seconds_left, ==, 0);
}

static void
finished_cb (PhBatch    *batch,
             PhTransfer *transfer,
             guint      *n_finished)
{
  g_assert_true (ph_transfer_is_finished (transfer));
  (*n_finished)++;
}

static void
flush_batches (void)
{
  iterate_for (300);
}

/* The counts a batch keeps follow its transfers, whether it hears of
 * them by the transfer's watch (the first batch to hold one) or by
 * signals (any other); letting go of a batch leaves the transfer whole. */
static void
test_counts_incoming (void)
{
  PhBatch *first = ph_batch_new (PH_TRANSFER_RECEIVE, "127.0.0.1:9", NULL);
  g_autoptr(PhBatch) second = ph_batch_new (PH_TRANSFER_RECEIVE, "127.0.0.1:9", NULL);
  PhTransfer *transfer = ph_transfer_new_incoming ("127.0.0.1:9", "a.bin", 10);
  GValue direction = G_VALUE_INIT;

  g_value_init (&direction, PH_TYPE_TRANSFER_DIRECTION);
  g_object_get_property (G_OBJECT (transfer), "direction", &direction);
  g_assert_cmpint (g_value_get_enum (&direction), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpint (ph_transfer_get_direction (transfer), ==, PH_TRANSFER_RECEIVE);

  guint n_first = 0, n_second = 0, n_late = 0;
  PhTransfer *ended = ph_transfer_new_incoming ("127.0.0.1:9", "b.bin", 10);
  g_autoptr(PhBatch) late = ph_batch_new (PH_TRANSFER_RECEIVE, "127.0.0.1:9", NULL);

  g_signal_connect (first, "transfer-finished", G_CALLBACK (finished_cb), &n_first);
  g_signal_connect (second, "transfer-finished", G_CALLBACK (finished_cb), &n_second);
  ph_batch_add (first, transfer);
  ph_batch_add (second, transfer);
  ph_transfer_set_size (transfer, 20);
  ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);
  flush_batches ();
  for (guint i = 0; i < 2; i++)
    {
      PhBatch *batch = i == 0 ? first : second;

      g_assert_cmpint (ph_batch_get_total_size (batch), ==, 20);
      g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_RECEIVING);
    }

  g_assert_cmpuint (n_first + n_second, ==, 0);

  g_assert_finalize_object (first);
  ph_transfer_set_bytes_done (transfer, 20);
  ph_transfer_set_state (transfer, PH_TRANSFER_DONE);
  ph_transfer_set_state (transfer, PH_TRANSFER_FAILED);
  flush_batches ();
  g_assert_cmpuint (n_second, ==, 1);

  /* Added once it ended: said as it is added. */
  ph_transfer_set_state (ended, PH_TRANSFER_DONE);
  g_signal_connect (late, "transfer-finished", G_CALLBACK (finished_cb), &n_late);
  ph_batch_add (late, ended);
  g_assert_cmpuint (n_late, ==, 1);
  g_assert_finalize_object (g_steal_pointer (&late));
  g_assert_finalize_object (ended);
  g_assert_cmpuint (ph_batch_get_n_done (second), ==, 1);
  g_assert_cmpint (ph_batch_get_bytes_done (second), ==, 20);
  g_assert_true (ph_batch_is_finished (second));
  g_assert_cmpint (ph_transfer_get_seconds_left (transfer), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&second));
  g_assert_finalize_object (transfer);
}

/* A transfer cancelled before anyone asked for its cancellable gives
 * a cancelled one; asked for first, the same one is cancelled; a peek
 * never makes one. */
static void
test_cancellable (void)
{
  PhTransfer *early = ph_transfer_new_incoming ("127.0.0.1:9", "a.bin", 10);
  PhTransfer *late = ph_transfer_new_incoming ("127.0.0.1:9", "b.bin", 10);
  GCancellable *cancellable = ph_transfer_get_cancellable (late);

  /* Peeking makes none: a worker checks each write without one per file. */
  g_assert_null (ph_transfer_peek_cancellable (early));
  g_assert_true (ph_transfer_peek_cancellable (late) == cancellable);

  ph_transfer_cancel (early);
  g_assert_nonnull (ph_transfer_peek_cancellable (early));
  g_assert_true (g_cancellable_is_cancelled (ph_transfer_peek_cancellable (early)));
  g_assert_true (g_cancellable_is_cancelled (ph_transfer_get_cancellable (early)));
  g_assert_true (ph_transfer_get_cancellable (early) == ph_transfer_get_cancellable (early));

  g_assert_false (g_cancellable_is_cancelled (cancellable));
  ph_transfer_cancel (late);
  g_assert_true (ph_transfer_get_cancellable (late) == cancellable);
  g_assert_true (g_cancellable_is_cancelled (cancellable));

  g_assert_finalize_object (early);
  g_assert_finalize_object (late);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/batch/time-left", test_time_left);
  g_test_add_func ("/posthouse/batch/counts-incoming", test_counts_incoming);
  g_test_add_func ("/posthouse/transfer/cancellable", test_cancellable);

  return g_test_run ();
}
