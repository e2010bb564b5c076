/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "posthouse-core.h"

#include "ph-cli.h"
#include "ph-progress.h"

typedef struct
{
  GMainLoop   *loop;
  PhSender    *sender;
  char        *destination;
  char       **files;
  guint        index;
  PhTransfer  *current;
  PhProgress  *progress;
  gulong       notify_id;
  gboolean     failed;
  int          signum;
} SendRun;

static void send_next (SendRun *run);

static void
transfer_notify_cb (PhTransfer *transfer,
                    GParamSpec *pspec,
                    SendRun    *run)
{
  /* The transfer already limits its notifications; the bar limits
   * itself again in case several properties change at once. */
  ph_progress_update (run->progress, transfer, FALSE);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendRun *run = user_data;
  g_autoptr(PhTransfer) transfer = g_steal_pointer (&run->current);
  g_autoptr(PhProgress) progress = g_steal_pointer (&run->progress);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_filename_display_name (run->files[run->index]);

  g_clear_signal_handler (&run->notify_id, transfer);

  if (ph_sender_send_finish (PH_SENDER (object), result, &error))
    {
      if (progress != NULL)
        ph_progress_finish (progress, transfer);
    }
  else
    {
      if (progress != NULL)
        ph_progress_clear (progress);
      run->failed = TRUE;
      if (run->signum != 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ph_cli_error (_("%s: interrupted, not sent"), file);
      else
        ph_cli_error ("%s: %s", file, error->message);
    }

  run->index++;
  send_next (run);
}

static void
send_next (SendRun *run)
{
  g_autoptr(GFile) file = NULL;

  if (run->signum != 0 || run->files[run->index] == NULL)
    {
      g_main_loop_quit (run->loop);
      return;
    }

  file = g_file_new_for_commandline_arg (run->files[run->index]);
  run->current = ph_transfer_new_outgoing (file, run->destination);

  if (isatty (STDERR_FILENO))
    {
      run->progress = ph_progress_new (STDERR_FILENO);
      run->notify_id = g_signal_connect (run->current, "notify",
                                         G_CALLBACK (transfer_notify_cb), run);
    }

  ph_sender_send_async (run->sender, run->current,
                        ph_transfer_get_cancellable (run->current),
                        send_cb, run);
}

static void
interrupt (int      signum,
           gpointer user_data)
{
  SendRun *run = user_data;

  /* A second signal does not wait for anything: nothing is on disk. */
  if (run->signum != 0 || run->current == NULL)
    {
      run->signum = signum;
      g_main_loop_quit (run->loop);
      return;
    }

  run->signum = signum;
  ph_transfer_cancel (run->current);
}

int
ph_cli_send (int    argc,
             char **argv)
{
  int port = -1;
  /* Long enough for a person to answer "Ask before accepting", short
   * enough that a peer that took the connection and went away ends. */
  int timeout = 300;
  g_auto(GStrv) args = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Connect to port N instead of the one in HOST[:PORT] (default 6666)"), N_("N") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up when the receiver takes nothing for SECONDS (default 300; 0 waits forever)"),
      N_("SECONDS") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PhSender) sender = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *summary = NULL;
  PhCliDestination resolved = { 0 };
  int exit_code = PH_CLI_EXIT_OK;
  PhCliSignals signals = { 0 };
  SendRun run = { 0 };

  g_set_prgname (PH_CLI_NAME " send");
  context = g_option_context_new (_("DESTINATION FILE…"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  summary = g_strconcat (
    _("Send each FILE to HOST, one connection per file, one after the other. "
      "HOST runs “posthouse-cli receive”, Posthouse in receive mode, or the original "
      "Python receiver. IPv6 addresses are written in brackets: [::1]:6666."),
    "\n\n",
    _("DESTINATION is HOST[:PORT], or the name of a receiver nearby as “posthouse-cli list” "
      "shows it."),
    NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    _("The exit status is 0 only when every file was sent completely. "
      "A progress bar is shown when standard error is a terminal."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }

  if (args == NULL || args[0] == NULL || args[1] == NULL)
    {
      ph_cli_error (_("Missing HOST[:PORT] or FILE (see “posthouse-cli send --help”)"));
      return PH_CLI_EXIT_USAGE;
    }

  if (port != -1 && (port < 1 || port > G_MAXUINT16))
    {
      ph_cli_error (_("Invalid port %d: a port is a number from 1 to 65535"), port);
      return PH_CLI_EXIT_USAGE;
    }

  if (timeout < 0 || timeout > G_MAXINT / 1000)
    {
      ph_cli_error (_("Invalid timeout %d: give a number of seconds, 0 for none"), timeout);
      return PH_CLI_EXIT_USAGE;
    }

  /* HOST[:PORT] as typed, or the name of a receiver nearby. */
  if (!ph_cli_resolve_destination (args[0], port, FALSE, &resolved, &exit_code))
    return exit_code;
  destination = g_steal_pointer (&resolved.address);

  loop = g_main_loop_new (NULL, FALSE);
  sender = ph_sender_new ();
  ph_sender_set_idle_timeout (sender, (guint) timeout * 1000);

  run.loop = loop;
  run.sender = sender;
  run.destination = destination;
  run.files = args + 1;

  ph_cli_signals_watch (&signals, interrupt, &run);

  send_next (&run);
  g_main_loop_run (loop);

  ph_cli_signals_unwatch (&signals);

  if (run.current != NULL)
    {
      /* Quit by a second signal while the first cancellation was on its way. */
      g_clear_signal_handler (&run.notify_id, run.current);
      g_clear_object (&run.current);
      g_clear_pointer (&run.progress, ph_progress_free);
    }

  if (run.signum != 0)
    return PH_CLI_EXIT_INTERRUPTED + run.signum;
  return run.failed ? PH_CLI_EXIT_FAILED : PH_CLI_EXIT_OK;
}
