/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "posthouse-core.h"

#include "ph-cli.h"
#include "ph-cli-files.h"
#include "ph-progress.h"

/* One `send`: the files (folders expanded) go to the engine as one
 * batch; this follows each transfer for the progress bar and the
 * messages. */
typedef struct
{
  GMainLoop    *loop;
  PhCliFiles   *files;
  GCancellable *cancellable;
  PhProgress   *progress;     /* NULL when stderr is not a terminal */
  GQueue        shown;        /* started transfers, oldest first: the bar shows the head */
  guint         n_total;
  guint         n_ended;
  guint         n_failed;
  gboolean      failed;
  gboolean      finished;
  gboolean      verbose;
  int           signum;
} SendRun;

typedef struct
{
  SendRun *run;
  guint    position;
} Watch;

static void
redraw (SendRun *run)
{
  PhTransfer *head = g_queue_peek_head (&run->shown);

  if (run->progress == NULL)
    return;

  ph_progress_set_count (run->progress, run->n_ended, run->n_total);
  if (head != NULL)
    ph_progress_update (run->progress, head, TRUE);
  else
    ph_progress_clear (run->progress);
}

static void
transfer_ended (SendRun    *run,
                PhTransfer *transfer,
                guint       position)
{
  g_autofree char *label = g_strdup (ph_cli_files_get_label (run->files, position));
  const GError *error = ph_transfer_get_error (transfer);
  gboolean started = g_queue_remove (&run->shown, transfer);

  run->n_ended++;

  if (error == NULL)
    {
      if (run->progress != NULL)
        {
          ph_progress_set_count (run->progress, run->n_ended, run->n_total);
          ph_progress_finish (run->progress, transfer);
        }
    }
  else
    {
      run->failed = TRUE;
      run->n_failed++;
      if (run->progress != NULL)
        ph_progress_clear (run->progress);
      /* Interrupted: only the files that had begun are worth a line. */
      if (run->signum != 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (started)
            ph_cli_error (_("%s: interrupted, not sent"), label);
        }
      else
        ph_cli_error ("%s: %s", label, error->message);
    }

  if (started)
    g_object_unref (transfer);
  redraw (run);
}

static void
transfer_notify_cb (PhTransfer *transfer,
                    GParamSpec *pspec,
                    Watch      *watch)
{
  SendRun *run = watch->run;
  guint position = watch->position;

  if (ph_transfer_is_finished (transfer))
    {
      g_signal_handlers_disconnect_by_data (transfer, watch);
      transfer_ended (run, transfer, position);
      return;
    }

  if (ph_transfer_get_state (transfer) != PH_TRANSFER_QUEUED &&
      g_queue_find (&run->shown, transfer) == NULL)
    {
      g_queue_push_tail (&run->shown, g_object_ref (transfer));
      if (run->shown.length == 1)
        redraw (run);
      return;
    }

  /* The transfer already limits its notifications; the bar limits
   * itself again in case several properties change at once. */
  if (run->progress != NULL && transfer == g_queue_peek_head (&run->shown))
    ph_progress_update (run->progress, transfer, FALSE);
}

/* Each transfer as the engine takes it from the list. */
static void
transfer_created (PhCliFiles *files,
                  PhTransfer *transfer,
                  guint       position,
                  gpointer    user_data)
{
  Watch *watch = g_new (Watch, 1);

  watch->run = user_data;
  watch->position = position;
  g_signal_connect_data (transfer, "notify", G_CALLBACK (transfer_notify_cb), watch,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
}

/* --verbose: how many files the engine keeps in flight, and why. */
static void
window_changed_cb (PhSender   *sender,
                   GListModel *transfers,
                   guint       files,
                   const char *reason,
                   SendRun    *run)
{
  if (run->progress != NULL)
    ph_progress_clear (run->progress);
  ph_cli_error (g_dngettext (GETTEXT_PACKAGE, "%u file in flight: %s", "%u files in flight: %s", files),
                files, reason);
  redraw (run);
}

static void
send_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SendRun *run = user_data;
  g_autoptr(GError) error = NULL;

  /* Every file had its line already; several end with a count. */
  if (!ph_sender_send_all_finish (PH_SENDER (object), result, &error))
    {
      run->failed = TRUE;
      if (run->signum == 0 && run->n_total > 1)
        ph_cli_error (g_dngettext (GETTEXT_PACKAGE,
                                   "%u of %u files was not sent",
                                   "%u of %u files were not sent",
                                   run->n_failed),
                      run->n_failed, run->n_total);
    }

  run->finished = TRUE;
  g_main_loop_quit (run->loop);
}

static void
interrupt (int      signum,
           gpointer user_data)
{
  SendRun *run = user_data;

  /* A second signal does not wait for anything: nothing is on disk. */
  if (run->signum != 0)
    {
      run->signum = signum;
      g_main_loop_quit (run->loop);
      return;
    }

  run->signum = signum;
  g_cancellable_cancel (run->cancellable);
}

int
ph_cli_send (int    argc,
             char **argv)
{
  int port = -1;
  int parallel = -1;
  /* Long enough for a person to answer "Ask before accepting", short
   * enough that a peer that took the connection and went away ends. */
  int timeout = 300;
  gboolean verbose = FALSE;
  g_auto(GStrv) args = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Connect to port N instead of the one in HOST[:PORT] (default 6666)"), N_("N") },
    { "parallel", 'j', 0, G_OPTION_ARG_INT, &parallel,
      N_("Send N files at once, each on its own connection (default: as many as the link "
         "and the receiver take, measured while sending; 1 sends them one after the other, "
         "in order)"), N_("N") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up when the receiver takes nothing for SECONDS (default 300; 0 waits forever)"),
      N_("SECONDS") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Say how many files are in flight at once, and why"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PhSender) sender = NULL;
  g_autoptr(PhCliFiles) files = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *summary = NULL;
  PhCliDestination resolved = { 0 };
  gboolean folders = FALSE;
  int exit_code = PH_CLI_EXIT_OK;
  PhCliSignals signals = { 0 };
  SendRun run = { 0 };

  g_set_prgname (PH_CLI_NAME " send");
  context = g_option_context_new (_("DESTINATION FILE…"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  summary = g_strconcat (
    _("Send each FILE to HOST, one connection per file, several at once. A FILE that is "
      "a folder sends every file inside it. HOST runs “posthouse-cli receive”, Posthouse "
      "in receive mode, or the original Python receiver. IPv6 addresses are written in "
      "brackets: [::1]:6666."),
    "\n\n",
    _("DESTINATION is HOST[:PORT], or the name of a receiver nearby as “posthouse-cli list” "
      "shows it. A folder keeps its structure with a receiver nearby that says it keeps "
      "folders (the “paths” flag of “posthouse-cli list”); anywhere else its files arrive "
      "side by side."),
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
  if (parallel != -1 && (parallel < 1 || parallel > PH_SENDER_MAX_PARALLEL))
    {
      ph_cli_error (_("Invalid number %d for --parallel: give a number from 1 to %d"),
                    parallel, PH_SENDER_MAX_PARALLEL);
      return PH_CLI_EXIT_USAGE;
    }

  /* Whether the receiver keeps folders matters when folders are sent. */
  for (guint i = 1; args[i] != NULL && !folders; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (args[i]);

      folders = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
    }

  /* HOST[:PORT] as typed, or the name of a receiver nearby. */
  if (!ph_cli_resolve_destination (args[0], port, folders, &resolved, &exit_code))
    return exit_code;
  destination = g_steal_pointer (&resolved.address);

  files = ph_cli_files_new (destination, transfer_created, &run);
  ph_cli_files_set_keep_folders (files, resolved.accepts_paths);
  errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  for (guint i = 1; args[i] != NULL; i++)
    {
      guint n_errors = errors->len;

      if (ph_cli_files_add (files, args[i], errors) == 0 && errors->len == n_errors)
        {
          g_autofree char *label = g_filename_display_name (args[i]);

          ph_cli_error (_("“%s” is an empty folder: nothing to send from it"), label);
        }
    }
  for (guint i = 0; i < errors->len; i++)
    ph_cli_error ("%s", ((GError *) g_ptr_array_index (errors, i))->message);

  loop = g_main_loop_new (NULL, FALSE);
  sender = ph_sender_new ();
  ph_sender_set_idle_timeout (sender, (guint) timeout * 1000);
  cancellable = g_cancellable_new ();

  run.loop = loop;
  run.files = files;
  run.cancellable = cancellable;
  run.n_total = g_list_model_get_n_items (G_LIST_MODEL (files));
  run.failed = errors->len > 0 || run.n_total == 0;
  run.verbose = verbose;
  if (verbose)
    g_signal_connect (sender, "window-changed", G_CALLBACK (window_changed_cb), &run);
  if (isatty (STDERR_FILENO))
    run.progress = ph_progress_new (STDERR_FILENO);

  ph_cli_signals_watch (&signals, interrupt, &run);

  ph_sender_send_all_async (sender, G_LIST_MODEL (files), parallel > 0 ? (guint) parallel : 0,
                            cancellable,
                            send_all_cb, &run);
  g_main_loop_run (loop);

  ph_cli_signals_unwatch (&signals);

  /* Quit by a second signal while the first cancellation was on its way:
   * what is still running dies with the process. */
  if (!run.finished)
    {
      g_queue_clear_full (&run.shown, g_object_unref);
      g_clear_pointer (&run.progress, ph_progress_free);
      return PH_CLI_EXIT_INTERRUPTED + run.signum;
    }

  g_clear_pointer (&run.progress, ph_progress_free);

  if (run.signum != 0)
    return PH_CLI_EXIT_INTERRUPTED + run.signum;
  return run.failed ? PH_CLI_EXIT_FAILED : PH_CLI_EXIT_OK;
}
