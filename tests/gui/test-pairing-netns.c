/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app pairs across a link between two network namespaces, each a
 * computer with its own key and list of devices: the app (this process,
 * moved into the first namespace) pairs with `posthouse-cli receive` in
 * the second, `posthouse-cli pair` there pairs with the app, and the app
 * pairs with another app there (this program again, as a peer that says
 * on its standard output what its dialog shows and clicks what it is
 * told on its standard input). The CLI runs on a terminal of its own (a
 * pty) where the test reads its six digits and types the person's
 * answer. The same number on both screens; both say yes → each lists
 * the other as paired; one says no → neither does. Needs root
 * (namespaces); skipped with a message otherwise. */

/* posix_openpt(), grantpt(), unlockpt(), ptsname() */
#define _GNU_SOURCE

#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "ph-pairing-dialog.h"
#include "trust-common.h"

#define APP_ADDR "10.205.0.1"
#define CLI_ADDR "10.205.0.2"
#define PORT     6666

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  char          *tmp;
  char          *cli_data;   /* the CLI's XDG_DATA_HOME: its key and list */
} Fixture;

/* posthouse-cli in the other namespace on a terminal: what it says is
 * collected, answers are typed. */
typedef struct
{
  GSubprocess *process;
  int          master;
  guint        watch;
  GString     *text;
  gboolean     exited;
  int          status;
} Terminal;

static const char *other_ns;

static gboolean
terminal_readable_cb (int          fd,
                      GIOCondition condition,
                      gpointer     user_data)
{
  Terminal *term = user_data;
  char buffer[4096];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      term->watch = 0;
      return G_SOURCE_REMOVE;
    }
  g_string_append_len (term->text, buffer, n);
  return G_SOURCE_CONTINUE;
}

static void
terminal_exit_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Terminal *term = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  term->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                 ? g_subprocess_get_exit_status (G_SUBPROCESS (object)) : -1;
  term->exited = TRUE;
}

static Terminal *
terminal_start (Fixture            *f,
                const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Terminal *term = g_new0 (Terminal, 1);
  int slave;

  term->text = g_string_new (NULL);
  term->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (term->master, >=, 0);
  g_assert_cmpint (grantpt (term->master), ==, 0);
  g_assert_cmpint (unlockpt (term->master), ==, 0);
  slave = open (ptsname (term->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (slave, >=, 0);
  g_unix_set_fd_nonblocking (term->master, TRUE, NULL);

  g_subprocess_launcher_take_stdin_fd (launcher, dup (slave));
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->cli_data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  for (const char *const *a = (const char *const[]) { "ip", "netns", "exec", other_ns, g_getenv ("PH_CLI"), NULL }; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  term->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  term->watch = g_unix_fd_add (term->master, G_IO_IN | G_IO_HUP | G_IO_ERR, terminal_readable_cb, term);
  g_subprocess_wait_async (term->process, NULL, terminal_exit_cb, term);
  return term;
}

typedef struct
{
  Terminal   *term;
  GRegex     *regex;
} Wait;

static gboolean
terminal_matches (gpointer data)
{
  Wait *wait = data;

  return g_regex_match (wait->regex, wait->term->text->str, 0, NULL);
}

/* Returns: (transfer full): the first group of @pattern in what it said */
static char *
terminal_wait (Terminal   *term,
               const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;
  Wait wait = { term, regex };

  gui_wait_until (terminal_matches, &wait, pattern);
  g_regex_match (regex, term->text->str, 0, &info);
  return g_match_info_fetch (info, 1);
}

static void
terminal_type (Terminal   *term,
               const char *line)
{
  g_autofree char *typed = g_strconcat (line, "\n", NULL);

  g_assert_cmpint (write (term->master, typed, strlen (typed)), ==, (gssize) strlen (typed));
}

static void
terminal_free (Terminal *term)
{
  if (!term->exited)
    {
      g_subprocess_force_exit (term->process);
      gui_wait_flag (&term->exited, "the CLI to end");
    }
  g_test_message ("the CLI's terminal: %s", term->text->str);
  g_clear_handle_id (&term->watch, g_source_remove);
  close (term->master);
  g_clear_object (&term->process);
  g_string_free (term->text, TRUE);
  g_free (term);
}

/* posthouse-cli devices in the other namespace: its list. */
static char *
cli_devices (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->cli_data, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, "ip", "netns", "exec", other_ns,
                                         g_getenv ("PH_CLI"), "devices", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp = ph_test_make_tmp_dir ("posthouse-gui-netns-XXXXXX");
  f->cli_data = g_build_filename (f->tmp, "cli-data", NULL);
  f->app = gui_app_new ();
  f->window = gui_app_window (f->app);
  g_settings_set_int (gui_settings (), "port", PORT);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  trust_app_free (f->app);
  ph_test_rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->cli_data);
}

static gboolean
dialog_code_shown (gpointer data)
{
  Fixture *f = data;
  GtkWindow *dialog = trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG);

  return dialog != NULL && ph_pairing_dialog_get_code (PH_PAIRING_DIALOG (dialog)) != NULL;
}

static gboolean
dialog_over (gpointer data)
{
  PhPairingState state = ph_pairing_get_state (ph_pairing_dialog_get_pairing (data));

  return state == PH_PAIRING_PAIRED || state == PH_PAIRING_FAILED;
}

/* Both screens, the same number; then each person's answer. */
static void
compare_and_answer (Fixture  *f,
                    Terminal *cli,
                    gboolean  app_says_same,
                    gboolean  cli_says_same)
{
  g_autofree char *cli_code = terminal_wait (cli, "show (\\d{3} \\d{3})\\? \\[y/N\\]");
  PhPairingDialog *dialog;

  gui_wait_until (dialog_code_shown, f, "the app's six digits");
  dialog = PH_PAIRING_DIALOG (trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG));
  g_assert_cmpstr (ph_pairing_dialog_get_code (dialog), ==, cli_code);

  terminal_type (cli, cli_says_same ? "y" : "n");
  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, app_says_same ? "same" : "differ"), "clicked");
  gui_wait_until (dialog_over, dialog, "the pairing's outcome");
  g_assert_cmpint (ph_pairing_get_state (ph_pairing_dialog_get_pairing (dialog)), ==,
                   app_says_same && cli_says_same ? PH_PAIRING_PAIRED : PH_PAIRING_FAILED);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

typedef struct
{
  Fixture    *f;
  const char *line;
} Listing;

/* The CLI writes its list once it has the outcome, perhaps after the app. */
static gboolean
cli_lists_app (gpointer data)
{
  Listing *wanted = data;
  g_autofree char *listing = cli_devices (wanted->f);

  return strstr (listing, wanted->line) != NULL && strstr (listing, APP_ADDR) != NULL;
}

static void
check_paired (Fixture  *f,
              Terminal *cli,
              gboolean  paired)
{
  g_autoptr(PhIdentity) cli_key = NULL;
  g_autofree char *id_dir = g_build_filename (f->cli_data, "posthouse", "identity", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *app_line = NULL;
  PhDevice *device;

  cli_key = ph_identity_load (id_dir, NULL);
  g_assert_nonnull (cli_key);
  device = ph_devices_lookup (ph_application_get_devices (f->app), ph_identity_get_fingerprint (cli_key));
  g_assert_nonnull (device);
  g_assert_cmpint (ph_device_is_paired (device), ==, paired);
  /* Met across the link. */
  g_assert_cmpstr (ph_device_get_last_address (device), ==, CLI_ADDR);

  app_line = g_strdup_printf ("\t%s\t", paired ? "paired" : "known");
  {
    Listing wanted = { f, app_line };

    gui_wait_until (cli_lists_app, &wanted, "the app in the CLI's list");
  }
  listing = cli_devices (f);
  g_test_message ("the CLI's list: %s", listing);
  g_assert_nonnull (strstr (listing, app_line));
  g_assert_nonnull (strstr (listing, APP_ADDR));
}

/* The app starts: posthouse-cli receive answers on its terminal. */
static void
test_app_pairs_cli (Fixture       *f,
                    gconstpointer  data)
{
  gboolean cli_agrees = GPOINTER_TO_INT (data);
  g_autofree char *dir = g_build_filename (f->tmp, "inbox", NULL);
  const char *args[] = { "receive", "--port", G_STRINGIFY (PORT), "--no-announce", "--dir", dir, NULL };
  Terminal *cli;

  g_mkdir_with_parents (dir, 0700);
  cli = terminal_start (f, args);
  g_free (terminal_wait (cli, "(Listening on)"));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "pair", g_variant_new_string (CLI_ADDR ":6666"));
  compare_and_answer (f, cli, TRUE, cli_agrees);
  check_paired (f, cli, cli_agrees);
  terminal_free (cli);
}

/* posthouse-cli pair starts: the app, receiving, shows the question. */
static void
test_cli_pairs_app (Fixture       *f,
                    gconstpointer  data)
{
  gboolean app_agrees = GPOINTER_TO_INT (data);
  const char *args[] = { "pair", APP_ADDR ":6666", NULL };
  Terminal *cli;

  gui_set_receive_mode (f->app, TRUE);
  g_assert_true (gui_receive_mode (f->app));
  gui_iterate (300);

  cli = terminal_start (f, args);
  compare_and_answer (f, cli, app_agrees, TRUE);
  gui_wait_flag (&cli->exited, "posthouse-cli pair to end");
  g_assert_cmpint (cli->status, ==, app_agrees ? 0 : 1);
  check_paired (f, cli, app_agrees);
  terminal_free (cli);
  gui_set_receive_mode (f->app, FALSE);
}

/* The other app: this program in the other namespace (peer_main()). */
typedef struct
{
  GSubprocess      *process;
  TrustOutput      *out;
  GOutputStream    *in;
} Peer;

static Peer *
peer_start (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *data = g_build_filename (f->tmp, "peer-data", NULL);
  g_autoptr(GError) error = NULL;
  Peer *peer = g_new0 (Peer, 1);

  g_assert_nonnull (self);
  g_mkdir_with_parents (data, 0700);
  g_subprocess_launcher_setenv (launcher, "PH_PEER_APP", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  peer->process = g_subprocess_launcher_spawn (launcher, &error, "ip", "netns", "exec", other_ns, self, NULL);
  g_assert_no_error (error);
  peer->out = trust_output_new (g_subprocess_get_stdout_pipe (peer->process));
  peer->in = g_subprocess_get_stdin_pipe (peer->process);
  return peer;
}

static void
peer_say (Peer       *peer,
          const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (peer->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
peer_free (Peer *peer)
{
  g_output_stream_close (peer->in, NULL, NULL);
  g_test_message ("the other app said: %s", peer->out->text->str);
  trust_output_free (peer->out);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_clear_object (&peer->process);
  g_free (peer);
}

/* The app starts, the other app (receiving) is asked. */
static void
test_app_pairs_app (Fixture       *f,
                    gconstpointer  data)
{
  gboolean other_agrees = GPOINTER_TO_INT (data);
  Peer *peer = peer_start (f);
  g_autofree char *key = trust_output_wait (peer->out, "^KEY (\\S+)$");
  g_autofree char *code = NULL;
  g_autofree char *outcome = NULL;
  PhPairingDialog *dialog;
  PhDevice *device;

  trust_output_wait (peer->out, "^(RECEIVING)$");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "pair", g_variant_new_string (CLI_ADDR ":6666"));
  code = trust_output_wait (peer->out, "^CODE (\\d{3} \\d{3})$");
  gui_wait_until (dialog_code_shown, f, "the app's six digits");
  dialog = PH_PAIRING_DIALOG (trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG));
  g_assert_cmpstr (ph_pairing_dialog_get_code (dialog), ==, code);

  peer_say (peer, other_agrees ? "same" : "differ");
  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, "same"), "clicked");
  gui_wait_until (dialog_over, dialog, "the pairing's outcome");
  outcome = trust_output_wait (peer->out, "^STATE (\\S+) ");
  g_assert_cmpstr (outcome, ==, other_agrees ? "paired" : "failed");
  g_assert_cmpint (ph_pairing_get_state (ph_pairing_dialog_get_pairing (dialog)), ==,
                   other_agrees ? PH_PAIRING_PAIRED : PH_PAIRING_FAILED);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Each lists the other, as it is. */
  device = ph_devices_lookup (ph_application_get_devices (f->app), key);
  g_assert_nonnull (device);
  g_assert_cmpint (ph_device_is_paired (device), ==, other_agrees);
  g_assert_cmpstr (ph_device_get_last_address (device), ==, CLI_ADDR);
  {
    PhIdentity *own = ph_application_get_identity (f->app, NULL);
    g_autofree char *listed = g_strdup_printf ("STATE %s %s %s", other_agrees ? "paired" : "failed",
                                               ph_identity_get_fingerprint (own),
                                               other_agrees ? "paired" : "known");

    g_assert_nonnull (strstr (peer->out->text->str, listed));
  }
  peer_free (peer);
}

static gboolean
peer_dialog_shown (gpointer data)
{
  GtkWindow *dialog = trust_find_window (data, PH_TYPE_PAIRING_DIALOG);

  return dialog != NULL && ph_pairing_dialog_get_code (PH_PAIRING_DIALOG (dialog)) != NULL;
}

static void
peer_answer_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  char **answer = user_data;

  *answer = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, NULL);
  if (*answer == NULL)
    *answer = g_strdup ("");
}

static gboolean
answered (gpointer data)
{
  return *(char **) data != NULL;
}

/* The other app: receiving in the other namespace; it says what its
 * dialog shows (CODE), clicks what it is told (same, differ), says how
 * it ended and how its list has the app (STATE), and ends when its
 * standard input does. */
static int
peer_main (int    argc,
           char **argv)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (stdin_stream);
  g_autofree char *answer = NULL;
  g_autofree char *rest = NULL;
  PhApplication *app;
  PhPairingDialog *dialog;
  PhPairing *pairing;
  PhDevice *device;

  /* Each line reaches the test at once. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  gui_init (&argc, &argv);
  app = gui_app_new ();
  gui_app_window (app);
  g_settings_set_int (gui_settings (), "port", PORT);
  gui_set_receive_mode (app, TRUE);
  g_print ("KEY %s\n", ph_identity_get_fingerprint (ph_application_get_identity (app, NULL)));
  gui_iterate (300);
  g_print ("RECEIVING\n");

  gui_wait_until (peer_dialog_shown, app, "a pairing");
  dialog = PH_PAIRING_DIALOG (trust_find_window (app, PH_TYPE_PAIRING_DIALOG));
  pairing = ph_pairing_dialog_get_pairing (dialog);
  g_print ("CODE %s\n", ph_pairing_dialog_get_code (dialog));

  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, peer_answer_cb, &answer);
  gui_wait_until (answered, &answer, "the answer");
  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, g_str_equal (answer, "same") ? "same" : "differ"),
                         "clicked");
  gui_wait_until (dialog_over, dialog, "the outcome");
  gui_iterate (200);
  device = ph_devices_lookup (ph_application_get_devices (app), ph_pairing_get_peer_fingerprint (pairing));
  g_print ("STATE %s %s %s\n", ph_pairing_get_state (pairing) == PH_PAIRING_PAIRED ? "paired" : "failed",
           ph_pairing_get_peer_fingerprint (pairing),
           device ? ph_device_state_to_string (ph_device_get_state (device)) : "none");

  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, peer_answer_cb, &rest);
  gui_wait_until (answered, &rest, "the end of the input");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_app_free (app);
  return 0;
}

static int
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) first);
  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* Two namespaces joined by a veth pair; then this test again, inside
 * the first. Returns: its exit status, or -1 when they cannot be made */
static int
run_in_namespaces (int    argc,
                   char **argv)
{
  g_autofree char *ns_app = g_strdup_printf ("phpg-a-%d", getpid ());
  g_autofree char *ns_cli = g_strdup_printf ("phpg-b-%d", getpid ());
  g_autofree char *if_app = g_strdup_printf ("phga%d", getpid ());
  g_autofree char *if_cli = g_strdup_printf ("phgb%d", getpid ());
  g_autoptr(GPtrArray) inner = g_ptr_array_new ();
  gboolean made;
  int status = -1;

  made = run ("ip", "netns", "add", ns_app, NULL) == 0 &&
         run ("ip", "netns", "add", ns_cli, NULL) == 0 &&
         run ("ip", "link", "add", if_app, "type", "veth", "peer", "name", if_cli, NULL) == 0 &&
         run ("ip", "link", "set", if_app, "netns", ns_app, NULL) == 0 &&
         run ("ip", "link", "set", if_cli, "netns", ns_cli, NULL) == 0 &&
         run ("ip", "-n", ns_app, "addr", "add", APP_ADDR "/24", "dev", if_app, NULL) == 0 &&
         run ("ip", "-n", ns_cli, "addr", "add", CLI_ADDR "/24", "dev", if_cli, NULL) == 0 &&
         run ("ip", "-n", ns_app, "link", "set", if_app, "up", NULL) == 0 &&
         run ("ip", "-n", ns_cli, "link", "set", if_cli, "up", NULL) == 0 &&
         run ("ip", "-n", ns_app, "link", "set", "lo", "up", NULL) == 0 &&
         run ("ip", "-n", ns_cli, "link", "set", "lo", "up", NULL) == 0;

  if (made)
    {
      g_ptr_array_add (inner, "ip");
      g_ptr_array_add (inner, "netns");
      g_ptr_array_add (inner, "exec");
      g_ptr_array_add (inner, ns_app);
      for (int i = 0; i < argc; i++)
        g_ptr_array_add (inner, argv[i]);
      g_ptr_array_add (inner, NULL);
      g_setenv ("PH_NETNS_OTHER", ns_cli, TRUE);
      if (g_spawn_sync (NULL, (char **) inner->pdata, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                        &status, NULL))
        status = WIFEXITED (status) ? WEXITSTATUS (status) : 1;
      else
        status = 1;
    }

  run ("ip", "netns", "del", ns_app, NULL);
  run ("ip", "netns", "del", ns_cli, NULL);
  return made ? status : -1;
}

static void
test_skip (void)
{
  g_test_skip ("needs root and iproute2 for network namespaces");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int ret;

  /* The other app, in the other namespace (test_app_pairs_app()). */
  if (g_getenv ("PH_PEER_APP") != NULL)
    return peer_main (argc, argv);

  other_ns = g_getenv ("PH_NETNS_OTHER");
  if (other_ns == NULL && geteuid () == 0 && g_find_program_in_path ("ip") != NULL)
    {
      int status = run_in_namespaces (argc, argv);

      if (status >= 0)
        return status;
    }

  /* This app's identity and list, in a tree of their own. */
  data_home = ph_test_make_tmp_dir ("posthouse-gui-data-XXXXXX");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gui_init (&argc, &argv);
  if (other_ns == NULL)
    {
      g_test_add_func ("/posthouse/gui/pairing-netns/skipped", test_skip);
      ret = g_test_run ();
      ph_test_rm_rf (data_home);
      return ret;
    }

#define ADD(path, func, data) \
  g_test_add ("/posthouse/gui/pairing-netns/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("app-pairs-cli", test_app_pairs_cli, GINT_TO_POINTER (TRUE));
  ADD ("app-pairs-cli-declined", test_app_pairs_cli, GINT_TO_POINTER (FALSE));
  ADD ("cli-pairs-app", test_cli_pairs_app, GINT_TO_POINTER (TRUE));
  ADD ("cli-pairs-app-declined", test_cli_pairs_app, GINT_TO_POINTER (FALSE));
  ADD ("app-pairs-app", test_app_pairs_app, GINT_TO_POINTER (TRUE));
  ADD ("app-pairs-app-declined", test_app_pairs_app, GINT_TO_POINTER (FALSE));

  ret = g_test_run ();
  ph_test_rm_rf (data_home);
  return ret;
}
