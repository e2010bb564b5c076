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
  gint64 at;                      /* µs since the start */
  gint64 late;                    /* µs */
} Stall;

typedef struct
{
  GMainLoop *loop;
  GThread   *main_thread;
  GMutex     lock;
  GPtrArray *watches;
  GArray    *late;                /* gint64 µs per timeout dispatch */
  GArray    *stalls;              /* Stall, the dispatches later than 10 ms */
  gint64     start;
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
      if (late > 10000)
        {
          Stall stall = { bench->last_tick - bench->start, late };

          g_array_append_val (bench->stalls, stall);
        }
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

/* VmHWM, not ru_maxrss: the latter also counts the memory of whatever
 * process forked us, before our exec. */
static double
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
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

static Bench *
bench_new (guint interval_ms)
{
  Bench *bench = g_new0 (Bench, 1);

  bench->loop = g_main_loop_new (NULL, FALSE);
  bench->main_thread = g_thread_self ();
  g_mutex_init (&bench->lock);
  bench->watches = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_free);
  bench->late = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench->stalls = g_array_new (FALSE, FALSE, sizeof (Stall));
  bench->interval_ms = interval_ms;

  return bench;
}

static void
bench_free (Bench *bench)
{
  g_ptr_array_unref (bench->watches);
  g_array_unref (bench->late);
  g_array_unref (bench->stalls);
  g_main_loop_unref (bench->loop);
  g_mutex_clear (&bench->lock);
  g_free (bench);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Bench, bench_free)

static PhReceiver *
start_receiver (Bench       *bench,
                const char  *folder,
                GError     **error)
{
  g_autoptr(GFile) directory = g_file_new_for_path (folder);
  g_autoptr(PhReceiver) receiver = ph_receiver_new (directory);

  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  ph_receiver_set_port (receiver, 0);
  g_signal_connect (receiver, "transfer-added", G_CALLBACK (transfer_added_cb), bench);
  if (!ph_receiver_start (receiver, error))
    return NULL;

  return g_steal_pointer (&receiver);
}

static void
queue_send (Bench      *bench,
            const char *path,
            const char *destination)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PhTransfer) transfer = ph_transfer_new_outgoing (file, destination);

  watch_transfer (bench, transfer, "send");
  bench->sends_left++;
}

static void
start_sends (Bench    *bench,
             PhSender *sender)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < bench->watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (bench->watches, i);

      watch->started = now;
      ph_sender_send_async (sender, watch->transfer, NULL, send_cb, watch);
    }
}

/* The other end for the default layout, in its own process: receives
 * into --dir, prints its port, sends --peer-file to --peer-send-to. */
static int
run_peer (const char *destination,
          const char *path,
          const char *folder)
{
  g_autoptr(Bench) bench = bench_new (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(PhSender) sender = ph_sender_new ();

  if (path == NULL || folder == NULL)
    {
      g_printerr ("peer: --peer-file and --dir are needed\n");
      return 2;
    }
  receiver = start_receiver (bench, folder, &error);
  if (receiver == NULL)
    {
      g_printerr ("peer receiver: %s\n", error->message);
      return 2;
    }
  g_print ("%u\n", ph_receiver_get_port (receiver));
  fflush (stdout);

  bench->receives_left = bench->expected_receives = 1;
  queue_send (bench, path, destination);
  start_sends (bench, sender);
  g_main_loop_run (bench->loop);
  ph_receiver_stop (receiver);

  return bench->failed ? 2 : 0;
}

static GSubprocess *
spawn_peer (const char  *destination,
            const char  *path,
            const char  *folder,
            guint       *port,
            GError     **error)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", error);
  g_autoptr(GSubprocess) peer = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  if (self == NULL)
    return NULL;
  peer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, self,
                           "--peer-send-to", destination, "--peer-file", path,
                           "--dir", folder, NULL);
  if (peer == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (line == NULL || (*port = (guint) g_ascii_strtoull (line, NULL, 10)) == 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the peer did not start");
      g_subprocess_force_exit (peer);
      return NULL;
    }

  return g_steal_pointer (&peer);
}

int
main (int   argc,
      char *argv[])
{
  int size_mib = 1024;
  int interval_ms = 1;
  int files = 2;
  gboolean in_process = FALSE;
  g_autofree char *base = NULL;
  g_autofree char *peer_to = NULL;
  g_autofree char *peer_file = NULL;
  GOptionEntry entries[] = {
    { "size", 's', 0, G_OPTION_ARG_INT, &size_mib, "Size of each file in MiB (default 1024)", "MIB" },
    { "interval", 'i', 0, G_OPTION_ARG_INT, &interval_ms, "Timer interval in ms (default 1)", "MS" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &base, "Folder for the files (default /dev/shm)", "DIR" },
    { "in-process", 0, 0, G_OPTION_ARG_NONE, &in_process,
      "Send N files to a receiver in this process instead of to/from a peer process", NULL },
    { "files", 'n', 0, G_OPTION_ARG_INT, &files, "Files sent with --in-process (default 2)", "N" },
    { "peer-send-to", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &peer_to, NULL, NULL },
    { "peer-file", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &peer_file, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- main-loop latency during transfers");
  g_autoptr(GError) error = NULL;
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(PhSender) sender = NULL;
  g_autoptr(GSubprocess) peer = NULL;
  g_autoptr(Bench) bench = NULL;
  g_autofree char *workdir = NULL;
  g_autofree char *recvdir = NULL;
  g_autofree char *destination = NULL;
  struct rusage usage;
  gint64 start, elapsed;
  guint timer_id;
  double max_ms, p99_ms;
  guint worst_rate = 0, off_main = 0, receives;
  gboolean ok;
  int status = 2;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (peer_to != NULL)
    return run_peer (peer_to, peer_file, base);
  if (size_mib < 1 || files < 1 || interval_ms < 1)
    {
      g_printerr ("--size, --files and --interval must be positive\n");
      return 2;
    }
  if (!in_process)
    files = 2;
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

  for (int i = 0; i < files; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%d.bin", i);
      g_autofree char *path = g_build_filename (workdir, name, NULL);

      if (!make_file (path, (gint64) size_mib * 1024 * 1024, &error))
        {
          g_printerr ("%s\n", error->message);
          goto out;
        }
    }

  bench = bench_new (interval_ms);
  receiver = start_receiver (bench, recvdir, &error);
  if (receiver == NULL)
    {
      g_printerr ("receiver: %s\n", error->message);
      goto out;
    }
  destination = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (receiver));
  sender = ph_sender_new ();

  if (in_process)
    {
      g_print ("%d file(s) of %d MiB sent at once to a receiver in the same process (%s); "
               "files in %s, timer every %d ms\n", files, size_mib, destination, workdir, interval_ms);
      for (int i = 0; i < files; i++)
        {
          g_autofree char *name = g_strdup_printf ("file-%d.bin", i);
          g_autofree char *path = g_build_filename (workdir, name, NULL);

          queue_send (bench, path, destination);
        }
      receives = files;
    }
  else
    {
      g_autofree char *peer_file_path = g_build_filename (workdir, "file-1.bin", NULL);
      g_autofree char *peer_dir = g_build_filename (workdir, "peer-received", NULL);
      g_autofree char *path = g_build_filename (workdir, "file-0.bin", NULL);
      g_autofree char *peer_destination = NULL;
      guint peer_port = 0;

      g_mkdir (peer_dir, 0700);
      peer = spawn_peer (destination, peer_file_path, peer_dir, &peer_port, &error);
      if (peer == NULL)
        {
          g_printerr ("peer: %s\n", error->message);
          goto out;
        }
      peer_destination = g_strdup_printf ("127.0.0.1:%u", peer_port);
      g_print ("This process receives %d MiB from a peer process and sends %d MiB to it "
               "at the same time (receiver %s, peer %s); files in %s, timer every %d ms\n",
               size_mib, size_mib, destination, peer_destination, workdir, interval_ms);
      queue_send (bench, path, peer_destination);
      receives = 1;
    }

  bench->receives_left = bench->expected_receives = receives;
  bench->start = start = g_get_monotonic_time ();
  start_sends (bench, sender);
  timer_id = g_timeout_add (interval_ms, tick_cb, bench);
  g_main_loop_run (bench->loop);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (timer_id);
  getrusage (RUSAGE_SELF, &usage);

  if (peer != NULL)
    {
      if (bench->failed)
        g_subprocess_force_exit (peer);
      if (!g_subprocess_wait_check (peer, NULL, &error))
        {
          g_printerr ("peer: %s\n", error->message);
          g_clear_error (&error);
          bench->failed = TRUE;
        }
    }

  g_array_sort (bench->late, compare_gint64);
  max_ms = bench->late->len ? g_array_index (bench->late, gint64, bench->late->len - 1) / 1000.0 : 0;
  p99_ms = percentile_ms (bench->late, 99);

  g_print ("\n| transfer | state | bytes | seconds | notifies (all) | bytes-done notifies | per second (avg) | max in any 1 s |\n"
           "|---|---|---|---|---|---|---|---|\n");
  g_mutex_lock (&bench->lock);
  for (guint i = 0; i < bench->watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (bench->watches, i);
      g_autoptr(GEnumClass) states = g_type_class_ref (PH_TYPE_TRANSFER_STATE);
      GEnumValue *state = g_enum_get_value (states, ph_transfer_get_state (watch->transfer));
      double secs = MAX (1, watch->finished - watch->started) / (double) G_USEC_PER_SEC;
      guint rate = max_per_second (watch->bytes_done_times);

      worst_rate = MAX (worst_rate, rate);
      off_main += watch->off_main_thread;
      if (ph_transfer_get_state (watch->transfer) != PH_TRANSFER_DONE ||
          ph_transfer_get_bytes_done (watch->transfer) != (gint64) size_mib * 1024 * 1024)
        bench->failed = TRUE;
      g_print ("| %s %s | %s | %" G_GINT64_FORMAT " | %.2f | %u | %u | %.1f | %u |\n",
               watch->role, ph_transfer_get_name (watch->transfer),
               state ? state->value_nick : "?",
               ph_transfer_get_bytes_done (watch->transfer), secs, watch->notifies,
               watch->bytes_done_times->len, watch->bytes_done_times->len / secs, rate);
    }
  if (bench->watches->len != (guint) (in_process ? files : 1) + receives)
    {
      g_printerr ("expected %u incoming transfers, saw %u\n", receives,
                  bench->watches->len - (in_process ? files : 1));
      bench->failed = TRUE;
    }
  g_mutex_unlock (&bench->lock);

  g_print ("\n- wall %.2f s, %.0f MB/s received by this process; its CPU user %.2f s + sys %.2f s, "
           "peak RSS %.1f MiB\n",
           elapsed / 1e6, (double) receives * size_mib * 1048576 / (elapsed / 1e6) / 1e6,
           usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6,
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6,
           peak_rss_mib ());
  g_print ("- timer dispatches: %u, lateness p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, longest stall %.2f ms\n",
           bench->late->len, percentile_ms (bench->late, 50), p99_ms,
           percentile_ms (bench->late, 99.9), max_ms);
  if (bench->stalls->len > 0)
    {
      g_print ("- dispatches later than 10 ms (at s: ms late):");
      for (guint i = 0; i < bench->stalls->len; i++)
        {
          Stall *stall = &g_array_index (bench->stalls, Stall, i);

          g_print ("%s %.3f: %.1f", i ? "," : "", stall->at / 1e6, stall->late / 1e3);
        }
      g_print ("\n");
    }
  if (off_main > 0)
    g_print ("- WARNING: %u notifications were emitted off the main thread\n", off_main);

  ok = !bench->failed && max_ms <= TARGET_STALL_MS && worst_rate <= TARGET_NOTIFY_RATE;
  g_print ("\n### Targets\n\n"
           "- longest main-loop stall %.2f ms (p99 %.2f ms), target <= %.0f ms: %s\n"
           "- bytes-done notifications: at most %u in any second of one transfer, target <= %d/s: %s\n"
           "- transfers complete and sizes right: %s\n",
           max_ms, p99_ms, TARGET_STALL_MS, max_ms <= TARGET_STALL_MS ? "PASS" : "FAIL",
           worst_rate, TARGET_NOTIFY_RATE, worst_rate <= TARGET_NOTIFY_RATE ? "PASS" : "FAIL",
           bench->failed ? "FAIL" : "PASS");
  status = bench->failed ? 2 : ok ? 0 : 1;

out:
  if (receiver != NULL)
    ph_receiver_stop (receiver);
  remove_tree (workdir);

  return status;
}
