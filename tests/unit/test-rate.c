/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhRate, the speed and time left of transfers and batches, on a clock
 * of the test's own. */
#include "config.h"

#include "ph-rate.h"

#define MSEC 1000
#define MIB  (1024 * 1024)

static void
test_unknown (void)
{
  PhRate rate;

  ph_rate_init (&rate, 5);
  g_assert_cmpfloat (ph_rate_get_speed (&rate), ==, 0);
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, 100, 0), ==, -1);

  /* One sample is no speed yet. */
  ph_rate_add_sample (&rate, 1000 * MSEC, 0);
  g_assert_cmpfloat (ph_rate_get_speed (&rate), ==, 0);
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, 100, 0), ==, -1);

  /* Two at the same moment: no time between them. */
  ph_rate_add_sample (&rate, 1000 * MSEC, 50);
  g_assert_cmpfloat (ph_rate_get_speed (&rate), ==, 0);

  /* Time passes, nothing moves: no speed, no time left (a stalled
   * transfer does not say "forever" or "0 s"). */
  ph_rate_reset (&rate);
  for (guint i = 0; i < 5; i++)
    ph_rate_add_sample (&rate, (1000 + i * 100) * MSEC, 50);
  g_assert_cmpfloat (ph_rate_get_speed (&rate), ==, 0);
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, 100, 50), ==, -1);
}

/* 1 MiB every 100 ms is 10 MiB/s: 50 MiB left is 5 s. */
static void
test_steady (void)
{
  PhRate rate;
  gint64 bytes = 0;

  ph_rate_init (&rate, 11);
  for (guint i = 0; i <= 20; i++)
    {
      ph_rate_add_sample (&rate, i * 100 * MSEC, bytes);
      bytes += MIB;
    }
  bytes -= MIB;

  g_assert_cmpfloat_with_epsilon (ph_rate_get_speed (&rate), 10.0 * MIB, 1);
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, bytes + 50 * MIB, bytes), ==, 5);
  /* Rounded up: half a second left is a second, not none. */
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, bytes + 5 * MIB, bytes), ==, 1);
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, bytes + 51 * MIB, bytes), ==, 6);
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, bytes, bytes), ==, 0);
  /* More done than the size said (a file that grew): unknown. */
  g_assert_cmpint (ph_rate_get_seconds_left (&rate, bytes - 1, bytes), ==, -1);
}

/* The speed follows the window: fast, then slow for a whole window,
 * is slow. */
static void
test_window (void)
{
  PhRate rate;
  gint64 bytes = 0, t = 0;

  ph_rate_init (&rate, 5);
  for (guint i = 0; i < 10; i++, t += 250 * MSEC)
    {
      ph_rate_add_sample (&rate, t, bytes);
      bytes += 4 * MIB;
    }
  g_assert_cmpfloat_with_epsilon (ph_rate_get_speed (&rate), 16.0 * MIB, 1);

  for (guint i = 0; i < 5; i++, t += 250 * MSEC)
    {
      bytes += 256 * 1024;
      ph_rate_add_sample (&rate, t, bytes);
    }
  g_assert_cmpfloat_with_epsilon (ph_rate_get_speed (&rate), 1.0 * MIB, 1);
}

static void
test_average (void)
{
  g_assert_cmpfloat (ph_rate_average (10 * MIB, 2 * G_USEC_PER_SEC), ==, 5.0 * MIB);
  g_assert_cmpfloat (ph_rate_average (10 * MIB, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/rate/unknown", test_unknown);
  g_test_add_func ("/posthouse/rate/steady", test_steady);
  g_test_add_func ("/posthouse/rate/window", test_window);
  g_test_add_func ("/posthouse/rate/average", test_average);

  return g_test_run ();
}
