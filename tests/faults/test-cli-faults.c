/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posthouse-cli under faults: killed while receiving, sending to
 * nobody, to a listener that never answers, to a receiver that dies. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "harden-util.h"

#define MIB (1024 * 1024)

typedef struct
{
  char *tmp;
  char *dir;
} Fixture;

typedef struct
{
  GSubprocess *process;
  char        *out_path;
  char        *err_path;
  gboolean     exited;
} Cli;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->tmp = ph_test_make_tmp_dir ("posthouse-cli-faults-XXXXXX");
  fx->dir = g_build_filename (fx->tmp, "recv", NULL);
  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  ph_test_rm_rf (fx->tmp);
  g_free (fx->dir);
  g_free (fx->tmp);
}

static void
cli_exited_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Cli *cli = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  cli->exited = TRUE;
}

static const char *
cli_path (void)
{
  const char *path = g_getenv ("PH_CLI");

  g_assert_nonnull (path);
  return path;
}

/* Starts posthouse-cli with @args, its output going to files in @tmp,
 * with @env_var (NAME=VALUE) set if not NULL. */
static Cli *
cli_start_env (const char         *tmp,
               const char         *env_var,
               const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  static guint serial;
  Cli *cli = g_new0 (Cli, 1);

  cli->out_path = g_strdup_printf ("%s/cli-%u.out", tmp, serial);
  cli->err_path = g_strdup_printf ("%s/cli-%u.err", tmp, serial++);
  g_subprocess_launcher_set_stdout_file_path (launcher, cli->out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, cli->err_path);
  if (env_var != NULL)
    {
      g_auto(GStrv) pair = g_strsplit (env_var, "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  g_ptr_array_add (argv, (char *) cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  cli->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (cli->process, NULL, cli_exited_cb, cli);

  return cli;
}

static Cli *
cli_start (const char         *tmp,
           const char * const *args)
{
  return cli_start_env (tmp, NULL, args);
}

static gboolean
cli_exited (gpointer data)
{
  return ((Cli *) data)->exited;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, NULL);
  return text ? text : g_strdup ("");
}

/* Waits for the exit (a hang fails after @limit_ms), returns the exit
 * status (128 + N for signal N) and what went to stderr. */
static int
cli_finish (Cli    *cli,
            guint   limit_ms,
            char  **stderr_text)
{
  int status;

  if (!hu_wait_until (cli_exited, cli, limit_ms))
    {
      g_subprocess_force_exit (cli->process);
      hu_wait_until (cli_exited, cli, 10000);
      g_error ("posthouse-cli did not finish within %u ms", limit_ms);
    }

  if (g_subprocess_get_if_exited (cli->process))
    status = g_subprocess_get_exit_status (cli->process);
  else
    status = 128 + g_subprocess_get_term_sig (cli->process);

  if (stderr_text != NULL)
    *stderr_text = read_text (cli->err_path);
  g_test_message ("posthouse-cli exited with %d; stderr: %s", status,
                  stderr_text ? *stderr_text : "");

  g_object_unref (cli->process);
  g_unlink (cli->out_path);
  g_unlink (cli->err_path);
  g_free (cli->out_path);
  g_free (cli->err_path);
  g_free (cli);

  return status;
}

/* Listening, according to the kernel: no probe connection (which the
 * receiver would count as a transfer) is needed. */
static gboolean
port_listening_cb (gpointer data)
{
  guint16 port = GPOINTER_TO_UINT (data);
  g_autofree char *table = NULL;
  g_autofree char *needle = g_strdup_printf (":%04X 00000000:0000 0A", port);

  if (!g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL))
    return FALSE;
  return strstr (table, needle) != NULL;
}

static Cli *
start_receiver_env (Fixture    *fx,
                    guint16     port,
                    const char *env_var)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *args[] = { "receive", "--port", port_text, "--bind", "127.0.0.1",
                         "--dir", fx->dir, NULL };
  Cli *cli = cli_start_env (fx->tmp, env_var, args);

  g_assert_true (hu_wait_until (port_listening_cb, GUINT_TO_POINTER (port), 20000));
  g_assert_false (cli->exited);

  return cli;
}

static Cli *
start_receiver (Fixture *fx,
                guint16  port)
{
  return start_receiver_env (fx, port, NULL);
}

static gboolean
peer_paused_cb (gpointer data)
{
  return hu_peer_is_paused (data);
}

typedef struct
{
  Cli        *cli;
  const char *dir;
  gint64      bytes;
} HoldWait;

/* Whether the receiver holds a file in the folder (its part file, which
 * may have no name: "DIR/#123 (deleted)") with @bytes written to it. */
static gboolean
holds_part_cb (gpointer data)
{
  HoldWait *wait = data;
  g_autofree char *fds = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (wait->cli->process));
  g_autofree char *prefix = g_strconcat (wait->dir, "/", NULL);
  g_autoptr(GPtrArray) names = ph_test_list_dir (fds);

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      g_autofree char *link = g_build_filename (fds, names->pdata[i], NULL);
      g_autofree char *target = g_file_read_link (link, NULL);
      GStatBuf st;

      if (target != NULL && g_str_has_prefix (target, prefix) &&
          g_stat (link, &st) == 0 && st.st_size >= wait->bytes)
        return TRUE;
    }

  return FALSE;
}

/* A peer sending @content, stopped after @pause_at bytes, once the
 * receiver wrote them to its part file. */
static HuPeer *
start_file_in_flight (Fixture *fx,
                      Cli     *cli,
                      guint16  port,
                      GBytes  *content,
                      gsize    pause_at)
{
  g_autoptr(GBytes) header = hu_header ("in-flight.bin", g_bytes_get_size (content));
  HuPeer *peer = hu_peer_start (port, header, content, pause_at, HU_END_CLOSE);
  HoldWait wait = { cli, fx->dir, pause_at };

  g_assert_true (hu_wait_until (peer_paused_cb, peer, 20000));
  g_assert_true (hu_wait_until (holds_part_cb, &wait, 20000));

  return peer;
}

static void
test_receive_sigterm (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (8 * MIB, 1);
  g_autofree char *err = NULL;
  g_autofree char *listing = NULL;
  guint16 port = ph_test_unused_port ();
  Cli *cli = start_receiver (fx, port);
  HuPeer *peer = start_file_in_flight (fx, cli, port, content, MIB);
  int status;

  g_subprocess_send_signal (cli->process, SIGTERM);
  status = cli_finish (cli, 20000, &err);
  hu_peer_join (peer, NULL);

  g_assert_cmpint (status, ==, 128 + SIGTERM);
  /* The interrupted file gets its own line, like any failure. */
  g_assert_nonnull (strstr (err, "posthouse-cli: “in-flight.bin”"));
  listing = hu_describe_dir (fx->dir);
  g_assert_cmpstr (listing, ==, "(empty)");
}

static gboolean
leftovers_cleaned_cb (gpointer data)
{
  g_autoptr(GPtrArray) names = ph_test_list_dir (data);

  return names->len == 2 && g_str_equal (names->pdata[0], ".unrelated.part") &&
         g_str_equal (names->pdata[1], "done.bin");
}

/* kill -9 in the middle of a large receive, then a new start: the
 * folder holds what was sent completely and nothing else. @data: NULL
 * for unnamed part files (O_TMPFILE: nothing can stay behind), or the
 * environment that makes the receiver use named ones, as on a file
 * system without O_TMPFILE (they stay, and the next start removes
 * them). */
static void
test_receive_sigkill_then_cleanup (Fixture       *fx,
                                   gconstpointer  data)
{
  const char *env_var = data;
  g_autoptr(GBytes) done = hu_random_bytes (100 * 1000, 3);
  g_autoptr(GBytes) done_header = hu_header ("done.bin", g_bytes_get_size (done));
  g_autoptr(GBytes) content = hu_random_bytes (32 * MIB, 2);
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *err = NULL;
  g_autofree char *done_path = g_build_filename (fx->dir, "done.bin", NULL);
  g_autofree char *unrelated = g_build_filename (fx->dir, ".unrelated.part", NULL);
  guint16 port = ph_test_unused_port ();
  Cli *cli = start_receiver_env (fx, port, env_var);
  HuPeer *peer;
  int status;

  /* One file sent completely, receipt and all. */
  peer = hu_peer_start (port, done_header, done, G_MAXSIZE, HU_END_AWAIT_CLOSE);
  g_assert_true (hu_peer_join_receipt (peer) == HU_RECEIPT_EOF);
  hu_assert_file_equals (done_path, done);

  peer = start_file_in_flight (fx, cli, port, content, 8 * MIB);
  g_subprocess_force_exit (cli->process);
  status = cli_finish (cli, 20000, &err);
  hu_peer_join (peer, NULL);
  g_assert_cmpint (status, ==, 128 + SIGKILL);

  names = ph_test_list_dir (fx->dir);
  if (env_var == NULL)
    {
      /* The part file had no name: it went with the process. */
      g_assert_cmpuint (names->len, ==, 1);
      g_assert_cmpstr (names->pdata[0], ==, "done.bin");
    }
  else
    {
      /* A named part file stays: hidden, and named so that anyone can
       * tell it is partial. */
      g_assert_cmpuint (names->len, ==, 2);
      g_assert_true (g_pattern_match_simple (".posthouse-*.part", names->pdata[0]));
      g_assert_cmpstr (names->pdata[1], ==, "done.bin");
    }

  /* The next start removes its own kind of leftovers, and only those. */
  g_assert_true (g_file_set_contents (unrelated, "mine", -1, NULL));
  port = ph_test_unused_port ();
  cli = start_receiver_env (fx, port, env_var);
  g_assert_true (hu_wait_until (leftovers_cleaned_cb, fx->dir, 10000));
  hu_assert_file_equals (done_path, done);
  g_subprocess_send_signal (cli->process, SIGTERM);
  g_clear_pointer (&err, g_free);
  cli_finish (cli, 20000, &err);
  g_assert_true ((strstr (err, "Removed 1 partial file") != NULL) == (env_var != NULL));
}

typedef struct
{
  Cli        *cli;
  const char *needle;
} StderrWait;

static gboolean
stderr_has_cb (gpointer data)
{
  StderrWait *wait = data;
  g_autofree char *text = read_text (wait->cli->err_path);

  return strstr (text, wait->needle) != NULL;
}

static void
test_receive_folder_removed (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (8 * MIB, 5);
  g_autofree char *err = NULL;
  guint16 port = ph_test_unused_port ();
  Cli *cli = start_receiver (fx, port);
  HuPeer *peer = start_file_in_flight (fx, cli, port, content, MIB);
  StderrWait wait = { cli, "posthouse-cli: “in-flight.bin”" };

  ph_test_rm_rf (fx->dir);
  hu_peer_resume (peer);

  /* One clear line on stderr naming the file, and the receiver is
   * still there (it may be told to stop by the person). */
  g_assert_true (hu_wait_until (stderr_has_cb, &wait, 20000));
  hu_peer_join (peer, NULL);
  g_assert_false (cli->exited);
  g_subprocess_send_signal (cli->process, SIGTERM);
  cli_finish (cli, 20000, &err);
  g_assert_false (g_file_test (fx->dir, G_FILE_TEST_EXISTS));
}

/* A prefix that leaves no room for names is a wrong command line, told
 * before listening, never found out after a whole file arrived. */
static void
test_receive_prefix_too_long (Fixture       *fx,
                              gconstpointer  data)
{
  g_autofree char *prefix = g_strnfill (230, 'p');
  const char *args[] = { "receive", "--port", "0", "--bind", "127.0.0.1",
                         "--dir", fx->dir, "--prefix", prefix, NULL };
  g_autofree char *err = NULL;
  int status;

  status = cli_finish (cli_start (fx->tmp, args), 20000, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, "posthouse-cli: The prefix"));
  g_assert_nonnull (strstr (err, "at most 215"));
  g_assert_null (strstr (err, "Listening"));
}

/* Sending side */

static int
run_send (Fixture    *fx,
          guint16     port,
          const char *path,
          guint       limit_ms,
          char      **err)
{
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", port);
  const char *args[] = { "send", destination, path, NULL };

  return cli_finish (cli_start (fx->tmp, args), limit_ms, err);
}

static void
assert_clear_error (int         status,
                    const char *err)
{
  g_assert_cmpint (status, ==, 1);
  /* After the line that says how the files go (SPEC, Command line). */
  if (g_str_has_prefix (err, "not encrypted, to ") && strchr (err, '\n') != NULL)
    err = strchr (err, '\n') + 1;
  g_assert_true (g_str_has_prefix (err, "posthouse-cli: "));
  g_assert_cmpuint (strlen (err), >, 30);
}

static void
test_send_closed_port (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 3);
  g_autofree char *path = hu_write_temp_file (fx->tmp, "a.txt", content);
  g_autofree char *err = NULL;
  g_autofree char *port_text = NULL;
  guint16 port = ph_test_unused_port ();
  int status;

  status = run_send (fx, port, path, 30000, &err);
  assert_clear_error (status, err);
  port_text = g_strdup_printf (":%u", port);
  g_assert_nonnull (strstr (err, port_text));
}

static void
test_send_never_accepted (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GBytes) content = hu_random_bytes (1000, 4);
  g_autofree char *path = hu_write_temp_file (fx->tmp, "a.txt", content);
  g_autofree char *err = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  guint16 port;
  int status;

  /* A full accept queue drops the SYN: connect never completes. */
  listener = hu_listen_on_loopback (0, &port);
  filler = hu_connect_raw (port, TRUE);

  status = run_send (fx, port, path, 90000, &err);
  assert_clear_error (status, err);
}

static void
test_send_receiver_dies (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *path = ph_test_make_sparse_file (fx->tmp, "big.bin", 64 * MIB);
  g_autofree char *err = NULL;
  HuDying dying = { NULL, 256 * 1024 };
  GThread *thread;
  guint16 port;
  int status;

  dying.listener = hu_listen_on_loopback (8, &port);
  thread = g_thread_new ("dying-receiver", hu_dying_receiver_thread, &dying);
  status = run_send (fx, port, path, 60000, &err);
  g_thread_join (thread);
  g_object_unref (dying.listener);
  assert_clear_error (status, err);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/faults/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("receive/sigterm", test_receive_sigterm);
  g_test_add ("/posthouse/faults/cli/receive/sigkill-then-cleanup", Fixture, NULL,
              fixture_set_up, test_receive_sigkill_then_cleanup, fixture_tear_down);
  g_test_add ("/posthouse/faults/cli/receive/sigkill-then-cleanup/named-part-file", Fixture,
              "POSTHOUSE_NO_TMPFILE=1",
              fixture_set_up, test_receive_sigkill_then_cleanup, fixture_tear_down);
  ADD ("receive/folder-removed", test_receive_folder_removed);
  ADD ("receive/prefix-too-long", test_receive_prefix_too_long);
  ADD ("send/closed-port", test_send_closed_port);
  ADD ("send/never-accepted", test_send_never_accepted);
  ADD ("send/receiver-dies", test_send_receiver_dies);

#undef ADD

  return g_test_run ();
}
