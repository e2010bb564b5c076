/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendWindow on a simulated clock: a simulated path (a round trip, then
 * a bottleneck that serves files one at a time, a link, or a few at a time,
 * the cores of a CPU that gets slower the more files it juggles) carries
 * files the way a sender's lanes do, refilling the window as receipts
 * come back. */
#include "config.h"

#include <stdlib.h>

#include "ph-send-window-private.h"

typedef struct
{
  /* The path. */
  double    latency_ms;      /* header to bottleneck plus receipt back */
  double    service_ms;      /* the bottleneck's time per file */
  double    contention;      /* each file in flight slows the bottleneck by this share */
  double    jitter;          /* ± share of randomness on both */
  gint64    bytes;           /* per file */
  guint     servers;         /* files the bottleneck serves at once (0: 1) */

  /* The run. */
  GRand    *rand;
  gint64    now;             /* usec */
  gint64    server_free[8];
  guint     left;
  GArray   *pending;         /* Flight, by receipt time */
  guint     max_size;
  guint     min_size_after;  /* the least size once @settle_files were delivered */
  guint     settle_files;
  guint     delivered;
  guint     changes;         /* of the settled size */
  GArray   *trace;           /* settled size per delivered file */
} Sim;

typedef struct
{
  gint64           receipt_at;
  PhSendWindowMark mark;
} Flight;

static gint64
sim_clock (gpointer data)
{
  return ((Sim *) data)->now;
}

static double
vary (Sim    *sim,
      double  value)
{
  if (sim->jitter == 0)
    return value;
  return value * (1 + sim->jitter * (2 * g_rand_double (sim->rand) - 1));
}

static void
sim_send (Sim          *sim,
          PhSendWindow *window)
{
  Flight flight;
  gint64 arrive, start;
  double service;
  guint i, server = 0;

  ph_send_window_sent (window, &flight.mark, -1);
  sim->left--;

  /* Half the latency to the bottleneck, half back with the receipt. */
  arrive = sim->now + (gint64) (vary (sim, sim->latency_ms) * 500);
  for (i = 1; i < MAX (sim->servers, 1); i++)
    if (sim->server_free[i] < sim->server_free[server])
      server = i;
  start = MAX (arrive, sim->server_free[server]);
  service = sim->service_ms * (1 + sim->contention * ph_send_window_get_in_flight (window));
  sim->server_free[server] = start + (gint64) (vary (sim, service) * 1000);
  flight.receipt_at = sim->server_free[server] + (gint64) (vary (sim, sim->latency_ms) * 500);

  for (i = 0; i < sim->pending->len; i++)
    if (g_array_index (sim->pending, Flight, i).receipt_at > flight.receipt_at)
      break;
  g_array_insert_val (sim->pending, i, flight);
}

static void
settled_cb (PhSendWindow *window,
            GParamSpec   *pspec,
            Sim          *sim)
{
  sim->changes++;
  g_test_message ("  %6.1f ms: %u files in flight: %s", sim->now / 1000.0,
                  ph_send_window_get_size (window), ph_send_window_get_reason (window));
}

/* Sends @n files through @window; returns the seconds they took. */
static double
sim_run (Sim          *sim,
         PhSendWindow *window,
         guint         n)
{
  gint64 start = sim->now;
  gulong id;

  /* Fixed, so that a run is reproducible; PH_TEST_SEED tries others. */
  if (sim->rand == NULL)
    sim->rand = g_rand_new_with_seed (g_getenv ("PH_TEST_SEED") ? atoi (g_getenv ("PH_TEST_SEED")) : 21);
  if (sim->pending == NULL)
    sim->pending = g_array_new (FALSE, FALSE, sizeof (Flight));
  if (sim->trace == NULL)
    sim->trace = g_array_new (FALSE, FALSE, sizeof (guint));
  if (sim->min_size_after == 0)
    sim->min_size_after = G_MAXUINT;

  ph_send_window_set_clock (window, sim_clock, sim);
  id = g_signal_connect (window, "notify::settled-size", G_CALLBACK (settled_cb), sim);
  sim->left = n;

  while (sim->left > 0 || sim->pending->len > 0)
    {
      Flight flight;
      guint size;

      while (sim->left > 0 && ph_send_window_get_in_flight (window) < ph_send_window_get_size (window))
        sim_send (sim, window);

      flight = g_array_index (sim->pending, Flight, 0);
      g_array_remove_index (sim->pending, 0);
      sim->now = flight.receipt_at;
      ph_send_window_delivered (window, &flight.mark, sim->bytes, -1);
      sim->delivered++;

      size = ph_send_window_get_size (window);
      g_assert_cmpuint (size, >=, 1);
      g_assert_cmpuint (size, <=, ph_send_window_get_max (window));
      sim->max_size = MAX (sim->max_size, size);
      if (sim->delivered > sim->settle_files)
        sim->min_size_after = MIN (sim->min_size_after, size);
      g_array_append_val (sim->trace, size);
    }

  g_signal_handler_disconnect (window, id);
  g_assert_cmpuint (ph_send_window_get_in_flight (window), ==, 0);

  return (sim->now - start) / (double) G_USEC_PER_SEC;
}

static void
sim_clear (Sim *sim)
{
  g_clear_pointer (&sim->rand, g_rand_free);
  g_clear_pointer (&sim->pending, g_array_unref);
  g_clear_pointer (&sim->trace, g_array_unref);
}

/* The same path with a fixed window of @size: what the adaptive one
 * is measured against. */
static double
fixed_time (const Sim *path,
            guint      size,
            guint      n)
{
  Sim sim = { path->latency_ms, path->service_ms, path->contention, path->jitter, path->bytes,
              path->servers };
  g_autoptr(PhSendWindow) window = ph_send_window_new_fixed (size);
  double seconds = sim_run (&sim, window, n);

  sim_clear (&sim);
  return seconds;
}

static double
best_fixed_time (const Sim *path,
                 guint      n,
                 guint     *best_size)
{
  double best = G_MAXDOUBLE;

  for (guint size = 1; size <= PH_SEND_WINDOW_PLAIN_MAX; size++)
    {
      double seconds = fixed_time (path, size, n);

      if (seconds < best)
        {
          best = seconds;
          *best_size = size;
        }
    }

  return best;
}

/* A link with latency (the Wi-Fi profile, 16 KiB files): the window
 * grows within a few round trips to hold the path, and the batch takes
 * little longer than with the best fixed window. */
static void
test_latency (void)
{
  Sim sim = { .latency_ms = 8.0, .service_ms = 0.45, .jitter = 0.2, .bytes = 16384 };
  g_autoptr(PhSendWindow) window = ph_send_window_new (PH_SEND_WINDOW_INITIAL,
                                                       PH_SEND_WINDOW_PLAIN_MAX);
  double seconds, best;
  guint best_size = 0;

  sim.settle_files = 150;
  seconds = sim_run (&sim, window, 500);
  best = best_fixed_time (&sim, 500, &best_size);
  g_test_message ("500 files: %.3f s adaptive, %.3f s with the best fixed window (%u), "
                  "%.3f s with 8; window at most %u, at least %u after 150 files",
                  seconds, best, best_size, fixed_time (&sim, 8, 500),
                  sim.max_size, sim.min_size_after);

  /* The pipe holds about 8.45 / 0.45 = 19 files. */
  g_assert_cmpuint (sim.max_size, >=, 19);
  g_assert_cmpuint (sim.min_size_after, >=, 12);
  g_assert_cmpfloat (seconds, <=, best * 1.15);
  g_assert_cmpfloat (seconds, <, fixed_time (&sim, 8, 500) * 0.6);
  sim_clear (&sim);
}

/* A long round trip (the lossy profile): the window reaches its
 * maximum, never more. */
static void
test_maximum (void)
{
  Sim sim = { .latency_ms = 60.0, .service_ms = 0.35, .jitter = 0.2, .bytes = 16384 };
  g_autoptr(PhSendWindow) window = ph_send_window_new (PH_SEND_WINDOW_INITIAL, 32);
  double seconds;

  sim.settle_files = 200;
  seconds = sim_run (&sim, window, 1500);
  g_test_message ("1500 files: %.3f s, %.3f s with 32 fixed", seconds, fixed_time (&sim, 32, 1500));
  g_assert_cmpuint (sim.max_size, ==, 32);
  g_assert_cmpuint (sim.min_size_after, >=, 24);
  g_assert_cmpfloat (seconds, <=, fixed_time (&sim, 32, 1500) * 1.15);
  sim_clear (&sim);
}

/* The CPU is the limit (loopback): two cores serve files, each taking a
 * very variable time, and each file in flight makes the work a little
 * slower. The window stays near where it starts (it never goes below),
 * and the batch is about as quick as with the best fixed window. */
static void
test_cpu_bound (void)
{
  Sim sim = { .latency_ms = 0.05, .service_ms = 0.50, .contention = 0.01, .jitter = 0.8,
              .bytes = 4096, .servers = 2 };
  g_autoptr(PhSendWindow) window = ph_send_window_new (PH_SEND_WINDOW_INITIAL,
                                                       PH_SEND_WINDOW_PLAIN_MAX);
  double seconds, best;
  guint best_size = 0;

  sim.settle_files = 1000;
  seconds = sim_run (&sim, window, 10000);
  best = best_fixed_time (&sim, 10000, &best_size);
  g_test_message ("10000 files: %.3f s adaptive, %.3f s with the best fixed window (%u), "
                  "%.3f s with 2, %.3f s with 32; window at most %u, %u at the end",
                  seconds, best, best_size, fixed_time (&sim, 2, 10000),
                  fixed_time (&sim, 32, 10000), sim.max_size, ph_send_window_get_size (window));

  g_assert_cmpuint (ph_send_window_get_size (window), <=, 12);
  g_assert_cmpfloat (seconds, <=, best * 1.10);
  g_assert_cmpfloat (seconds, <, fixed_time (&sim, 32, 10000));
  g_assert_cmpfloat (seconds, <, fixed_time (&sim, 2, 10000));
  sim_clear (&sim);
}

/* The link is fast but the CPU becomes the limit halfway (someone else
 * starts a build): the window shrinks towards what the path still holds. */
static void
test_cpu_becomes_busy (void)
{
  Sim sim = { .latency_ms = 8.0, .service_ms = 0.25, .contention = 0.005, .jitter = 0.1,
              .bytes = 16384 };
  g_autoptr(PhSendWindow) window = ph_send_window_new (PH_SEND_WINDOW_INITIAL,
                                                       PH_SEND_WINDOW_PLAIN_MAX);
  guint before, after;

  sim_run (&sim, window, 3000);
  before = ph_send_window_get_size (window);

  /* Four times the work per file: the path holds a quarter as many. */
  sim.service_ms *= 4;
  sim.max_size = 0;
  sim_run (&sim, window, 3000);
  after = ph_send_window_get_size (window);

  g_test_message ("window %u before, %u once the CPU was busy (at most %u meanwhile)",
                  before, after, sim.max_size);
  g_assert_cmpuint (before, >=, 24);
  /* The path holds (8 + 1) / 1 = 9 files now: at most twice that. */
  g_assert_cmpuint (after, <=, 18);
  g_assert_cmpuint (after, >=, PH_SEND_WINDOW_INITIAL);
  sim_clear (&sim);
}

/* --parallel N: N, whatever happens. */
static void
test_fixed (void)
{
  Sim sim = { .latency_ms = 8.0, .service_ms = 0.45, .bytes = 16384 };
  g_autoptr(PhSendWindow) window = ph_send_window_new_fixed (3);
  PhSendWindowMark mark;

  g_assert_true (ph_send_window_is_fixed (window));
  sim_run (&sim, window, 300);
  g_assert_cmpuint (sim.max_size, ==, 3);
  g_assert_cmpuint (sim.changes, ==, 0);

  ph_send_window_sent (window, &mark, -1);
  ph_send_window_refused (window, &mark);
  g_assert_cmpuint (ph_send_window_get_size (window), ==, 3);
  g_assert_nonnull (ph_send_window_get_reason (window));
  sim_clear (&sim);
}

/* A receiver that did not save a file halves the window; files that end
 * for the sender's own reasons only leave the flight. */
static void
test_refused (void)
{
  Sim sim = { .latency_ms = 8.0, .service_ms = 0.45, .bytes = 16384 };
  g_autoptr(PhSendWindow) window = ph_send_window_new (PH_SEND_WINDOW_INITIAL,
                                                       PH_SEND_WINDOW_PLAIN_MAX);
  PhSendWindowMark marks[3];
  guint size;

  sim_run (&sim, window, 400);
  g_object_get (window, "settled-size", &size, NULL);
  g_assert_cmpuint (size, >=, 16);

  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    ph_send_window_sent (window, &marks[i], -1);
  g_assert_cmpuint (ph_send_window_get_in_flight (window), ==, 3);
  ph_send_window_abandoned (window, &marks[0]);
  ph_send_window_refused (window, &marks[1]);
  g_assert_cmpuint (ph_send_window_get_size (window), ==, size / 2);
  g_test_message ("%u → %u: %s", size, ph_send_window_get_size (window),
                  ph_send_window_get_reason (window));
  ph_send_window_refused (window, &marks[2]);
  g_assert_cmpuint (ph_send_window_get_size (window), ==, size / 4);
  g_assert_cmpuint (ph_send_window_get_in_flight (window), ==, 0);

  /* Down to one file at a time if the receiver keeps saying so. */
  for (guint i = 0; i < 8; i++)
    {
      ph_send_window_sent (window, &marks[0], -1);
      ph_send_window_refused (window, &marks[0]);
    }
  g_assert_cmpuint (ph_send_window_get_size (window), ==, 1);
  sim_clear (&sim);
}

/* Large files: the link is the limit from the start; a few in flight
 * fill it, and the window does not climb to its maximum for nothing. */
static void
test_large_files (void)
{
  /* 1 MiB at 300 Mbit/s: 28 ms on the wire, 4 ms round trip. */
  Sim sim = { .latency_ms = 4.0, .service_ms = 28.0, .jitter = 0.1, .bytes = 1024 * 1024 };
  g_autoptr(PhSendWindow) window = ph_send_window_new (PH_SEND_WINDOW_INITIAL,
                                                       PH_SEND_WINDOW_PLAIN_MAX);
  double seconds;

  seconds = sim_run (&sim, window, 200);
  g_test_message ("200 files of 1 MiB: %.3f s, %.3f s with 4 fixed; window at most %u, %u at the end",
                  seconds, fixed_time (&sim, 4, 200), sim.max_size, ph_send_window_get_size (window));
  g_assert_cmpfloat (seconds, <=, fixed_time (&sim, 4, 200) * 1.02);
  g_assert_cmpuint (ph_send_window_get_size (window), <=, PH_SEND_WINDOW_PLAIN_MAX / 2);
  sim_clear (&sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/send-window/latency", test_latency);
  g_test_add_func ("/posthouse/send-window/maximum", test_maximum);
  g_test_add_func ("/posthouse/send-window/cpu-bound", test_cpu_bound);
  g_test_add_func ("/posthouse/send-window/cpu-becomes-busy", test_cpu_becomes_busy);
  g_test_add_func ("/posthouse/send-window/large-files", test_large_files);
  g_test_add_func ("/posthouse/send-window/fixed", test_fixed);
  g_test_add_func ("/posthouse/send-window/refused", test_refused);

  return g_test_run ();
}
