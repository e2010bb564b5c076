/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Many senders at once, and a flood of idle connections: the receiver
 * stays correct, stays reachable and gives its descriptors back. */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define N_SENDERS   200
#define SENDER_SIZE (100 * 1000)
#define N_IDLE      500
#define HEADER_MS   2000

typedef struct
{
  char *tmp;
  char *src;
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-load-XXXXXX");
  fx->src = g_build_filename (fx->tmp, "src", NULL);
  fx->dir = g_build_filename (fx->tmp, "recv", NULL);
  g_assert_cmpint (g_mkdir (fx->src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  ph_test_rm_rf (fx->tmp);
  g_free (fx->src);
  g_free (fx->dir);
  g_free (fx->tmp);
}

typedef struct
{
  guint   pending;
  guint   failed;
  GError *first_error;
} Sends;

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Sends *sends = user_data;
  GError *error = NULL;

  if (!ph_sender_send_finish (PH_SENDER (source), result, &error))
    {
      sends->failed++;
      if (sends->first_error == NULL)
        sends->first_error = error;
      else
        g_error_free (error);
    }
  sends->pending--;
}

static gboolean
sends_done_cb (gpointer data)
{
  return ((Sends *) data)->pending == 0;
}

static void
send_file (PhSender   *sender,
           const char *path,
           guint16     port,
           Sends      *sends)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(PhTransfer) transfer = ph_transfer_new_outgoing (file, destination);

  sends->pending++;
  ph_sender_send_async (sender, transfer, NULL, send_done_cb, sends);
}

static gboolean
fds_back_cb (gpointer data)
{
  return hu_count_fds () <= GPOINTER_TO_UINT (data);
}

static void
test_many_senders (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) names = NULL;
  HuReceiver *rx;
  Sends sends = { 0 };
  guint done = 0;
  guint baseline;

  /* What the process keeps once it has sent and received at all (the
   * main contexts' and GIO's own descriptors) is no part of the count;
   * what a receiver keeps (its worker threads') goes with it. */
  rx = hu_receiver_new (fx->dir);
  {
    g_autoptr(GBytes) warm = hu_random_bytes (1000, 6);
    g_autofree char *warm_path = hu_write_temp_file (fx->src, "warm-up.bin", warm);
    g_autofree char *warm_saved = g_build_filename (fx->dir, "warm-up.bin", NULL);

    send_file (sender, warm_path, rx->port, &sends);
    g_assert_true (hu_wait_until (sends_done_cb, &sends, 60000));
    g_assert_cmpuint (sends.failed, ==, 0);
    g_assert_true (hu_receiver_wait_finished (rx, 1, 10000));
    g_assert_cmpint (g_unlink (warm_saved), ==, 0);
  }
  hu_receiver_free (rx);
  baseline = hu_count_fds ();
  rx = hu_receiver_new (fx->dir);

  for (guint i = 0; i < N_SENDERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%03u.bin", i);
      g_autofree char *path = NULL;
      GBytes *content = hu_random_bytes (SENDER_SIZE, 1000 + i);

      g_ptr_array_add (contents, content);
      path = hu_write_temp_file (fx->src, name, content);
      send_file (sender, path, rx->port, &sends);
    }

  g_assert_true (hu_wait_until (sends_done_cb, &sends, 60000));
  if (sends.first_error != NULL)
    {
      g_autofree char *state = NULL;

      hu_receiver_wait_finished (rx, N_SENDERS, 10000);
      state = hu_receiver_describe (rx);
      g_test_message ("first failure: %s", sends.first_error->message);
      g_test_message ("receiver: %s", state);
    }
  g_clear_error (&sends.first_error);
  g_assert_cmpuint (sends.failed, ==, 0);
  g_assert_true (hu_receiver_wait_finished (rx, N_SENDERS, 30000));

  for (guint i = 0; i < rx->transfers->len; i++)
    if (ph_transfer_get_state (rx->transfers->pdata[i]) == PH_TRANSFER_DONE)
      done++;
  g_assert_cmpuint (done, ==, N_SENDERS);

  /* Every file intact, under its own name, nothing else. */
  names = ph_test_list_dir (fx->dir);
  g_assert_cmpuint (names->len, ==, N_SENDERS);
  for (guint i = 0; i < N_SENDERS; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/file-%03u.bin", fx->dir, i);
      hu_assert_file_equals (path, contents->pdata[i]);
    }

  /* Every descriptor comes back once the receiver is gone (its worker
   * threads' included). */
  hu_receiver_free (rx);
  g_assert_true (hu_wait_until (fds_back_cb, GUINT_TO_POINTER (baseline), 10000));
  g_assert_cmpuint (hu_count_fds (), ==, baseline);
}

static void
test_idle_flood (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) content = hu_random_bytes (10000, 5);
  g_autofree char *path = hu_write_temp_file (fx->src, "honest.bin", content);
  g_autofree char *saved = g_build_filename (fx->dir, "honest.bin", NULL);
  g_autoptr(GBytes) stalled = hu_header ("stalled.bin", 1000);
  HuReceiver *rx = hu_receiver_new (fx->dir);
  Sends sends = { 0 };
  guint baseline;
  gint64 start, elapsed_ms;

  ph_receiver_set_header_timeout (rx->receiver, HEADER_MS);
  /* What a receiver keeps (its folder open, a worker thread) is there
   * before the flood. */
  {
    g_autoptr(GBytes) warm = hu_random_bytes (1000, 6);
    g_autofree char *warm_path = hu_write_temp_file (fx->src, "warm-up.bin", warm);

    send_file (sender, warm_path, rx->port, &sends);
    g_assert_true (hu_wait_until (sends_done_cb, &sends, 60000));
    g_assert_cmpuint (sends.failed, ==, 0);
  }
  baseline = hu_count_fds ();

  /* Non-blocking: a receiver that stops accepting must not stall the
   * test itself. */
  for (guint i = 0; i < N_IDLE; i++)
    g_ptr_array_add (idle, hu_connect_raw (rx->port, FALSE));
  /* Let the receiver take in as many as it will; then half of them
   * start a header and stall (a "slowloris"), the others stay mute. */
  hu_sleep_ms (300);
  for (guint i = 1; i < idle->len; i += 2)
    g_socket_send (idle->pdata[i], g_bytes_get_data (stalled, NULL), 100, NULL, NULL);
  hu_sleep_ms (100);

  start = g_get_monotonic_time ();
  send_file (sender, path, rx->port, &sends);
  g_assert_true (hu_wait_until (sends_done_cb, &sends, 60000));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("honest sender done after %" G_GINT64_FORMAT " ms behind %u idle connections",
                  elapsed_ms, N_IDLE);
  if (sends.first_error != NULL)
    g_test_message ("failure: %s", sends.first_error->message);
  g_clear_error (&sends.first_error);
  g_assert_cmpuint (sends.failed, ==, 0);
  hu_assert_file_equals (saved, content);

  /* The flood may hold it back by the header time limit, not more
   * (plus a margin for a loaded machine, a larger one under valgrind). */
  g_assert_cmpint (elapsed_ms, <, HEADER_MS + (g_getenv ("PH_VALGRIND") ? 20000 : 2000));

  /* The idle peers go away; every descriptor comes back. */
  g_ptr_array_set_size (idle, 0);
  g_assert_true (hu_wait_until (fds_back_cb, GUINT_TO_POINTER (baseline), HEADER_MS + 10000));
  g_assert_cmpuint (hu_count_fds (), ==, baseline);
  hu_receiver_free (rx);
}

int
main (int    argc,
      char **argv)
{
  struct rlimit limit;

  g_test_init (&argc, &argv, NULL);

  /* Both ends of 500 connections live in this process. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 4096)
    {
      limit.rlim_cur = MIN (limit.rlim_max, 4096);
      setrlimit (RLIMIT_NOFILE, &limit);
    }

#define ADD(path, func) \
  g_test_add ("/posthouse/load/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("many-senders", test_many_senders);
  ADD ("idle-flood", test_idle_flood);

#undef ADD

  return g_test_run ();
}
