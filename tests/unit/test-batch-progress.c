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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/batch/time-left", test_time_left);

  return g_test_run ();
}
