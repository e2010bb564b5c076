/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "ph-cli.h"

/* LOCALEDIR, unless $POSTHOUSE_LOCALEDIR says otherwise, the program
 * runs from a meson build tree (catalogues in <build>/po), or it was
 * moved together with its prefix (bin/ next to share/locale). */
static char *
find_localedir (void)
{
  const char *env = g_getenv ("POSTHOUSE_LOCALEDIR");
  g_autofree char *exe = NULL;
  g_autofree char *bindir = NULL;
  g_autofree char *build_marker = NULL;
  g_autofree char *relocated = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe == NULL)
    return g_strdup (LOCALEDIR);
  bindir = g_path_get_dirname (exe);

  build_marker = g_build_filename (bindir, "..", "..", "meson-private", NULL);
  if (g_file_test (build_marker, G_FILE_TEST_IS_DIR))
    return g_build_filename (bindir, "..", "..", "po", NULL);

  relocated = g_build_filename (bindir, "..", "share", "locale", NULL);
  if (!g_file_test (LOCALEDIR, G_FILE_TEST_IS_DIR) &&
      g_file_test (relocated, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&relocated);

  return g_strdup (LOCALEDIR);
}

/* Every connection is a descriptor: take all the system allows. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  if (limit.rlim_max == RLIM_INFINITY)
    limit.rlim_max = 1 << 20;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Could not raise the open file limit: %s", g_strerror (errno));
    }
}

static int
print_version (void)
{
  g_print ("%s %s\n", PH_CLI_NAME, PACKAGE_VERSION);
  return PH_CLI_EXIT_OK;
}

static int
run_toplevel (int    argc,
              char **argv)
{
  gboolean version = FALSE;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Show the program version"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *help = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *description = NULL;

  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  summary = g_strconcat (
    _("Send files to another computer over TCP, or receive them, compatible with the "
      "Python “struct.pack('128sq')” socket scripts."),
    "\n\n", _("Commands:"),
    "\n  send [--port N] [--parallel N] [--timeout S] HOST[:PORT] FILE…\n      ",
    _("Send each FILE on its own connection (default port 6666)"),
    "\n  send [--port N] NAME FILE…\n      ",
    _("Send to the receiver announced nearby under NAME"),
    "\n  send --text STRING DESTINATION\n      ",
    _("Send a text, as a file any receiver saves"),
    "\n  receive [--port N] [--bind ADDR] [--dir DIR] [--once] [--prefix STR] [--no-announce]\n      ",
    _("Listen for incoming files and save them into a folder"),
    "\n  list [--timeout S]\n      ",
    _("List the receivers announced nearby"),
    "\n  pair [--port N] DESTINATION\n      ",
    _("Pair with a receiver: both screens show six digits, both people confirm"),
    "\n  devices [--full] [forget|block|unblock DEVICE]\n      ",
    _("List the devices this computer remembers, or forget, block or unblock one"),
    NULL);
  g_option_context_set_summary (context, summary);

  description = g_strconcat (
    _("Run “posthouse-cli COMMAND --help” for the options of a command."),
    "\n\n", _("Exit status:"),
    "\n  0    ", _("every file was sent or received completely"),
    "\n  1    ", _("a transfer failed, or the port could not be opened"),
    "\n  2    ", _("the command line was wrong"),
    "\n  130, 143  ", _("interrupted by SIGINT or SIGTERM (transfers cancelled, nothing partial left)"),
    "\n", NULL);
  g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }

  if (version)
    return print_version ();

  help = g_option_context_get_help (context, TRUE, NULL);
  if (rest != NULL && rest[0] != NULL)
    ph_cli_error (_("Unknown command “%s”"), rest[0]);
  else
    ph_cli_error (_("Missing command"));
  g_printerr ("\n%s", help);
  return PH_CLI_EXIT_USAGE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *localedir = NULL;

  setlocale (LC_ALL, "");
  localedir = find_localedir ();
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname (PH_CLI_NAME);
  /* A peer that goes away must be an error to report, not a death. */
  signal (SIGPIPE, SIG_IGN);
  raise_fd_limit ();
  ph_secure_tls_init ();

  if (argc >= 2 && g_str_equal (argv[1], "send"))
    return ph_cli_send (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "receive"))
    return ph_cli_receive (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return ph_cli_list (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "pair"))
    return ph_cli_pair (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "devices"))
    return ph_cli_devices (argc - 1, argv + 1);

  return run_toplevel (argc, argv);
}
