/* SPDX-License-Identifier: GPL-3.0-or-later */

/* How late does the main loop run while the engine moves bytes?
 *
 * On one plain GLib main loop (the loop GTK runs; no display needed) a
 * PhSender sends two files at the same time to a PhReceiver in the same
 * process, so the loop hosts two outgoing and two incoming transfers. A
 * timeout every --interval ms records how late each dispatch comes, and
 * every property notification of every transfer is counted: these are
 * what a GTK list bound to the transfers would redraw on.
 *
 * Exit status: 0 when the targets hold (longest stall <= 20 ms, at most
 * 20 bytes-done notifications in any one second of any transfer), 1 when
 * they do not, 2 on error. */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "posthouse-core.h"

#define TARGET_STALL_MS    20.0
#define TARGET_NOTIFY_RATE 20

typedef struct
{
  PhTransfer *transfer;
  const char *role;
  GArray     *bytes_done_times;   /* gint64 µs, monotonic */
  guint       notifies;           /* every property */
  guint       off_main_thread;    /* notifications emitted on another thread */
  gint64      started;
  gint64      finished;
} Watch;

typedef struct
{
  GMainLoop *loop;
  GThread   *main_thread;
  GMutex     lock;
  GPtrArray *watches;
  GArray    *late;                /* gint64 µs per timeout dispatch */
  gint64     last_tick;
  guint      interval_ms;
  guint      sends_left;
  guint      receives_left;
  guint      expected_receives;
  gboolean   failed;
} Bench;

static void
watch_free (Watch *watch)
{
  g_signal_handlers_disconnect_by_data (watch->transfer, watch);
  g_clear_object (&watch->transfer);
  g_array_unref (watch->bytes_done_times);
  g_free (watch);
}

static gboolean
tick_cb (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();

  if (bench->last_tick != 0)
    {
      gint64 late = now - bench->last_tick - (gint64) bench->interval_ms * 1000;

      g_array_append_val (bench->late, late);
    }
  bench->last_tick = now;

  return G_SOURCE_CONTINUE;
}

static void
maybe_quit (Bench *bench)
{
  if (bench->sends_left == 0 && bench->receives_left == 0)
    g_main_loop_quit (bench->loop);
}

static void
transfer_notify_cb (PhTransfer *transfer,
                    GParamSpec *pspec,
                    Watch      *watch)
{
  Bench *bench = g_object_get_data (G_OBJECT (transfer), "ph-bench");
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&bench->lock);
  watch->notifies++;
  if (g_thread_self () != bench->main_thread)
    watch->off_main_thread++;
  if (g_str_equal (pspec->name, "bytes-done"))
    g_array_append_val (watch->bytes_done_times, now);
  g_mutex_unlock (&bench->lock);
}

static Watch *
watch_transfer (Bench      *bench,
                PhTransfer *transfer,
                const char *role)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->transfer = g_object_ref (transfer);
  watch->role = role;
  watch->bytes_done_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  watch->started = g_get_monotonic_time ();
  g_object_set_data (G_OBJECT (transfer), "ph-bench", bench);
  g_signal_connect (transfer, "notify", G_CALLBACK (transfer_notify_cb), watch);
  g_mutex_lock (&bench->lock);
  g_ptr_array_add (bench->watches, watch);
  g_mutex_unlock (&bench->lock);

  return watch;
}

static void
incoming_state_cb (PhTransfer *transfer,
                   GParamSpec *pspec,
                   Watch      *watch)
{
  Bench *bench = g_object_get_data (G_OBJECT (transfer), "ph-bench");

  if (!ph_transfer_is_finished (transfer) || watch->finished != 0)
    return;

  watch->finished = g_get_monotonic_time ();
  if (ph_transfer_get_state (transfer) != PH_TRANSFER_DONE)
    {
      g_printerr ("receive of %s failed: %s\n", ph_transfer_get_name (transfer),
                  ph_transfer_get_error_message (transfer));
      bench->failed = TRUE;
    }
  bench->receives_left--;
  maybe_quit (bench);
}

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   Bench      *bench)
{
  Watch *watch = watch_transfer (bench, transfer, "receive");

  g_signal_connect (transfer, "notify::state", G_CALLBACK (incoming_state_cb), watch);
  incoming_state_cb (transfer, NULL, watch);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Watch *watch = user_data;
  Bench *bench = g_object_get_data (G_OBJECT (watch->transfer), "ph-bench");
  g_autoptr(GError) error = NULL;

  if (!ph_sender_send_finish (PH_SENDER (object), result, &error))
    {
      g_printerr ("send failed: %s\n", error->message);
      bench->failed = TRUE;
      /* The receiver will fail on its side too; do not wait forever. */
      bench->receives_left = 0;
    }
  watch->finished = g_get_monotonic_time ();
  bench->sends_left--;
  maybe_quit (bench);
}

static gboolean
make_file (const char  *path,
           gint64       size,
           GError     **error)
{
  g_autofree guint32 *block = g_new (guint32, 1024 * 1024 / 4);
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x70057);
  FILE *fp = fopen (path, "wb");

  if (fp == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  for (gsize i = 0; i < 1024 * 1024 / 4; i++)
    block[i] = g_rand_int (rand);
  for (gint64 left = size; left > 0; left -= 1024 * 1024)
    {
      gsize n = MIN (left, 1024 * 1024);

      block[0]++;   /* no two blocks alike */
      if (fwrite (block, 1, n, fp) != n)
        break;
    }
  if (ferror (fp) | (fclose (fp) != 0))
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint i;

  if (sorted->len == 0)
    return 0;
  i = MIN (sorted->len - 1, (guint) (p / 100.0 * sorted->len));
  return g_array_index (sorted, gint64, i) / 1000.0;
}

/* Largest number of notifications inside any one-second window. */
static guint
max_per_second (GArray *times)
{
  guint best = 0;

  for (guint i = 0, j = 0; j < times->len; j++)
    {
      while (g_array_index (times, gint64, j) - g_array_index (times, gint64, i) >= G_USEC_PER_SEC)
        i++;
      best = MAX (best, j - i + 1);
    }
  return best;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int size_mib = 1024;
  int interval_ms = 1;
  int files = 2;
  g_autofree char *base = NULL;
  GOptionEntry entries[] = {
    { "size", 's', 0, G_OPTION_ARG_INT, &size_mib, "Size of each file in MiB (default 1024)", "MIB" },
    { "files", 'n', 0, G_OPTION_ARG_INT, &files, "Files sent at the same time (default 2)", "N" },
    { "interval", 'i', 0, G_OPTION_ARG_INT, &interval_ms, "Timer interval in ms (default 1)", "MS" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &base, "Folder for the files (default /dev/shm)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- main-loop latency during transfers");
  g_autoptr(GError) error = NULL;
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(PhSender) sender = NULL;
  g_autoptr(GFile) outdir = NULL;
  g_autofree char *workdir = NULL;
  g_autofree char *recvdir = NULL;
  g_autofree char *destination = NULL;
  Bench bench = { 0 };
  struct rusage usage;
  gint64 start, elapsed;
  guint timer_id;
  double max_ms, p99_ms;
  guint worst_rate = 0, off_main = 0;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (size_mib < 1 || files < 1 || interval_ms < 1)
    {
      g_printerr ("--size, --files and --interval must be positive\n");
      return 2;
    }
  if (base == NULL)
    base = g_strdup (g_access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : g_get_tmp_dir ());

  workdir = g_build_filename (base, "ph-mainloop-bench-XXXXXX", NULL);
  if (g_mkdtemp (workdir) == NULL)
    {
      g_printerr ("%s: %s\n", workdir, g_strerror (errno));
      return 2;
    }
  recvdir = g_build_filename (workdir, "received", NULL);
  g_mkdir (recvdir, 0700);
  outdir = g_file_new_for_path (recvdir);

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.main_thread = g_thread_self ();
  g_mutex_init (&bench.lock);
  bench.watches = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_free);
  bench.late = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.interval_ms = interval_ms;

  receiver = ph_receiver_new (outdir);
  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  ph_receiver_set_port (receiver, 0);
  g_signal_connect (receiver, "transfer-added", G_CALLBACK (transfer_added_cb), &bench);
  if (!ph_receiver_start (receiver, &error))
    {
      g_printerr ("receiver: %s\n", error->message);
      remove_tree (workdir);
      return 2;
    }
  destination = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (receiver));
  sender = ph_sender_new ();

  g_print ("%d file(s) of %d MiB sent at once to an in-process receiver on %s, "
           "files in %s, timer every %d ms\n", files, size_mib, destination, workdir, interval_ms);

  bench.sends_left = bench.receives_left = bench.expected_receives = files;
  for (int i = 0; i < files; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%d.bin", i);
      g_autofree char *path = g_build_filename (workdir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(PhTransfer) transfer = NULL;

      if (!make_file (path, (gint64) size_mib * 1024 * 1024, &error))
        {
          g_printerr ("%s\n", error->message);
          remove_tree (workdir);
          return 2;
        }
      transfer = ph_transfer_new_outgoing (file, destination);
      watch_transfer (&bench, transfer, "send");
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < bench.watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (bench.watches, i);

      watch->started = start;
      ph_sender_send_async (sender, watch->transfer, NULL, send_cb, watch);
    }
  timer_id = g_timeout_add (interval_ms, tick_cb, &bench);
  g_main_loop_run (bench.loop);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (timer_id);
  getrusage (RUSAGE_SELF, &usage);

  g_array_sort (bench.late, compare_gint64);
  max_ms = bench.late->len ? g_array_index (bench.late, gint64, bench.late->len - 1) / 1000.0 : 0;
  p99_ms = percentile_ms (bench.late, 99);

  g_print ("\n| transfer | state | bytes | seconds | notifies (all) | bytes-done notifies | per second (avg) | max in any 1 s |\n"
           "|---|---|---|---|---|---|---|---|\n");
  g_mutex_lock (&bench.lock);
  for (guint i = 0; i < bench.watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (bench.watches, i);
      g_autoptr(GEnumClass) states = g_type_class_ref (PH_TYPE_TRANSFER_STATE);
      GEnumValue *state = g_enum_get_value (states, ph_transfer_get_state (watch->transfer));
      double secs = MAX (1, watch->finished - watch->started) / (double) G_USEC_PER_SEC;
      guint rate = max_per_second (watch->bytes_done_times);

      worst_rate = MAX (worst_rate, rate);
      off_main += watch->off_main_thread;
      if (ph_transfer_get_state (watch->transfer) != PH_TRANSFER_DONE ||
          ph_transfer_get_bytes_done (watch->transfer) != (gint64) size_mib * 1024 * 1024)
        bench.failed = TRUE;
      g_print ("| %s %s | %s | %" G_GINT64_FORMAT " | %.2f | %u | %u | %.1f | %u |\n",
               watch->role, ph_transfer_get_name (watch->transfer),
               state ? state->value_nick : "?",
               ph_transfer_get_bytes_done (watch->transfer), secs, watch->notifies,
               watch->bytes_done_times->len, watch->bytes_done_times->len / secs, rate);
    }
  g_mutex_unlock (&bench.lock);
  if (bench.watches->len != (guint) files * 2)
    {
      g_printerr ("expected %d incoming transfers, saw %u\n", files, bench.watches->len - files);
      bench.failed = TRUE;
    }

  g_print ("\n- wall %.2f s for %d x %d MiB each way (%.0f MB/s through the receiver), "
           "process CPU user %.2f s + sys %.2f s, peak RSS %.1f MiB\n",
           elapsed / 1e6, files, size_mib,
           (double) files * size_mib * 1048576 / (elapsed / 1e6) / 1e6,
           usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6,
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6,
           usage.ru_maxrss / 1024.0);
  g_print ("- timer dispatches: %u, lateness p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, longest stall %.2f ms\n",
           bench.late->len, percentile_ms (bench.late, 50), p99_ms,
           percentile_ms (bench.late, 99.9), max_ms);
  if (off_main > 0)
    g_print ("- WARNING: %u notifications were emitted off the main thread\n", off_main);

  ok = !bench.failed && max_ms <= TARGET_STALL_MS && worst_rate <= TARGET_NOTIFY_RATE;
  g_print ("\n### Targets\n\n"
           "- longest main-loop stall %.2f ms (p99 %.2f ms), target <= %.0f ms: %s\n"
           "- bytes-done notifications: at most %u in any second of one transfer, target <= %d/s: %s\n"
           "- transfers complete and sizes right: %s\n",
           max_ms, p99_ms, TARGET_STALL_MS, max_ms <= TARGET_STALL_MS ? "PASS" : "FAIL",
           worst_rate, TARGET_NOTIFY_RATE, worst_rate <= TARGET_NOTIFY_RATE ? "PASS" : "FAIL",
           bench.failed ? "FAIL" : "PASS");

  ph_receiver_stop (receiver);
  g_ptr_array_unref (bench.watches);
  g_array_unref (bench.late);
  g_main_loop_unref (bench.loop);
  g_mutex_clear (&bench.lock);
  remove_tree (workdir);

  if (bench.failed)
    return 2;
  return ok ? 0 : 1;
}
