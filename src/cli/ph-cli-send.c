/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "posthouse-core.h"

#include "ph-cli.h"
#include "ph-progress.h"

/* One `send`: the plan (the destination resolved, the folders walked)
 * goes to the send queue as one batch; this follows each transfer for
 * the progress bar and the messages. */
typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *planned;
  PhFolderWalk *walk;
  GCancellable *cancellable;
  PhProgress   *progress;     /* NULL when stderr is not a terminal */
  guint         notify_id;    /* what each transfer is watched by, parsed once */
  GQuark        notify_detail;
  GQueue        shown;        /* started transfers, oldest first: the bar shows the head */
  guint         n_total;
  guint         n_ended;
  guint         n_failed;
  char         *reason;       /* the last failure's, with how often in a row */
  guint         n_reason_shown;
  guint         n_reason_hidden;
  gboolean      failed;
  gboolean      finished;
  int           signum;
} SendRun;

typedef struct
{
  SendRun *run;
  guint    position;
  GList   *shown;     /* its link in run->shown once started, with a bar: no search per change */
  gboolean started;
  gboolean ended;     /* still connected, ignored: a disconnect costs a search per file */
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

/* A batch that fails for one reason (the receiver went away) says so a
 * few times, then once with a count, not once per file of 100,000. */
#define SAME_REASON_LINES 5

static void
say_hidden_failures (SendRun *run)
{
  if (run->n_reason_hidden == 0)
    return;
  ph_cli_error (g_dngettext (GETTEXT_PACKAGE, "…and %u more file: %s", "…and %u more files: %s",
                             run->n_reason_hidden),
                run->n_reason_hidden, run->reason);
  run->n_reason_hidden = 0;
}

static void
say_failure (SendRun    *run,
             const char *label,
             const char *reason)
{
  if (g_strcmp0 (run->reason, reason) != 0)
    {
      say_hidden_failures (run);
      g_free (run->reason);
      run->reason = g_strdup (reason);
      run->n_reason_shown = 0;
    }
  if (run->n_reason_shown++ < SAME_REASON_LINES)
    ph_cli_error ("%s: %s", label, reason);
  else
    run->n_reason_hidden++;
}

/* @shown: its link in run->shown, or NULL when it never started or
 * there is no bar */
static void
transfer_ended (SendRun    *run,
                PhTransfer *transfer,
                guint       position,
                gboolean    started,
                GList      *shown)
{
  const GError *error = ph_transfer_get_error (transfer);

  if (shown != NULL)
    {
      g_queue_delete_link (&run->shown, shown);
      g_object_unref (transfer);
    }

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
      /* Named only when it failed: a label per file is work nobody reads. */
      g_autofree char *label = ph_folder_walk_dup_label (run->walk, position);

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
        say_failure (run, label, error->message);
    }

  redraw (run);
}

static void
transfer_notify_cb (PhTransfer *transfer,
                    GParamSpec *pspec,
                    Watch      *watch)
{
  SendRun *run = watch->run;

  if (watch->ended)
    return;

  if (ph_transfer_is_finished (transfer))
    {
      watch->ended = TRUE;
      transfer_ended (run, transfer, watch->position, watch->started, g_steal_pointer (&watch->shown));
      return;
    }

  /* A batch of 100,000 files starts them all at once: no search here. */
  if (ph_transfer_get_state (transfer) != PH_TRANSFER_QUEUED && !watch->started)
    {
      watch->started = TRUE;
      if (run->progress == NULL)
        return;
      g_queue_push_tail (&run->shown, g_object_ref (transfer));
      watch->shown = g_queue_peek_tail_link (&run->shown);
      if (run->shown.length == 1)
        redraw (run);
      return;
    }

  /* The transfer already limits its notifications; the bar limits
   * itself again in case several properties change at once. */
  if (run->progress != NULL && transfer == g_queue_peek_head (&run->shown))
    ph_progress_update (run->progress, transfer, FALSE);
}

/* Each transfer as the engine takes it from the list; one the walk
 * could not send comes finished, with its reason. */
static void
transfer_made_cb (PhSendList *list,
                  PhTransfer *transfer,
                  guint       position,
                  SendRun    *run)
{
  Watch *watch;

  if (ph_transfer_is_finished (transfer))
    {
      transfer_ended (run, transfer, position, FALSE, NULL);
      return;
    }

  watch = g_new0 (Watch, 1);
  watch->run = run;
  watch->position = position;
  g_signal_connect_closure_by_id (transfer, run->notify_id, run->notify_detail,
                                  g_cclosure_new (G_CALLBACK (transfer_notify_cb), watch,
                                                  (GClosureNotify) (void (*) (void)) g_free),
                                  FALSE);
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
planned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SendRun *run = user_data;

  run->planned = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendRun *run = user_data;
  g_autoptr(GError) error = NULL;

  /* Every file had its line already; several end with a count. */
  say_hidden_failures (run);
  if (!ph_send_queue_send_finish (PH_SEND_QUEUE (object), result, &error))
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
  gboolean require_encryption = FALSE;
  g_autofree char *text = NULL;
  g_autoptr(GFile) text_file = NULL;
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
    { "require-encryption", 'e', 0, G_OPTION_ARG_NONE, &require_encryption,
      N_("Send only through the secure channel: never unencrypted, and to an address "
         "nothing is known of, as a first contact whose key is remembered"), NULL },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text,
      N_("Send STRING as a text (a file “Text from THIS COMPUTER, DATE.txt” any receiver saves)"),
      N_("STRING") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Say how many files are in flight at once, and why"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PhSendQueue) queue = NULL;
  g_autoptr(PhFolderWalk) walk = NULL;
  g_autoptr(PhSendPlan) plan = NULL;
  g_autoptr(PhDevices) devices = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *how = NULL;
  g_auto(GStrv) empty = NULL;
  g_autofree char *summary = NULL;
  PhDestination *destination;
  PhSendList *transfers;
  PhCliSignals signals = { 0 };
  SendRun run = { 0 };

  g_set_prgname (PH_CLI_NAME " send");
  context = g_option_context_new (_("DESTINATION [FILE…]"));
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
    _("Files go encrypted to a receiver known to speak Posthouse's secure channel (announced "
      "nearby, or met before), and only to the computer that proves the key it is known by; "
      "anywhere else they go unencrypted, as the original Python sender sends them. "
      "The exit status is 0 only when every file was sent completely. "
      "A progress bar is shown when standard error is a terminal."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }

  if (args == NULL || args[0] == NULL || (args[1] == NULL && text == NULL))
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

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;

  /* HOST[:PORT] as typed, or the name of a receiver nearby; every file
   * of a folder. */
  walk = ph_folder_walk_new ();
  for (guint i = 1; args[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (args[i]);
      g_autofree char *label = g_filename_display_name (args[i]);

      ph_folder_walk_add (walk, file, label);
    }
  if (text != NULL)
    {
      text_file = ph_cli_text_file_new (text, &error);
      if (text_file == NULL)
        {
          ph_cli_error ("%s", error->message);
          return PH_CLI_EXIT_FAILED;
        }
      ph_folder_walk_add (walk, text_file, _("the text"));
    }
  run.walk = walk;

  ph_cli_signals_watch (&signals, interrupt, &run);
  devices = ph_cli_open_devices ();
  ph_send_plan_new_trusted_async (NULL, devices, require_encryption, args[0], port, walk,
                                  cancellable, planned_cb, &run);
  g_main_loop_run (loop);
  /* Asked twice to stop while planning: nothing was sent. */
  if (run.planned == NULL)
    {
      ph_cli_signals_unwatch (&signals);
      if (text_file != NULL)
        ph_cli_text_file_delete (text_file);
      return PH_CLI_EXIT_INTERRUPTED + run.signum;
    }
  plan = ph_send_plan_new_finish (run.planned, &error);
  g_clear_object (&run.planned);
  if (plan == NULL)
    {
      ph_cli_signals_unwatch (&signals);
      if (text_file != NULL)
        ph_cli_text_file_delete (text_file);
      if (run.signum != 0)
        return PH_CLI_EXIT_INTERRUPTED + run.signum;
      ph_cli_error ("%s", error->message);
      return g_error_matches (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS) ? PH_CLI_EXIT_USAGE
                                                                         : PH_CLI_EXIT_FAILED;
    }

  destination = ph_send_plan_get_destination (plan);
  if (ph_destination_get_found_by_name (destination))
    g_printerr (_("“%s” is nearby at %s\n"), ph_destination_get_name (destination),
                ph_destination_get_address (destination));
  else if (ph_destination_get_accepts_paths (destination) && ph_folder_walk_get_n_folders (walk) > 0)
    g_printerr (_("%s is “%s”, nearby: folders keep their structure\n"),
                ph_destination_get_address (destination), ph_destination_get_name (destination));

  empty = ph_folder_walk_dup_empty_folders (walk);
  for (guint i = 0; empty[i] != NULL; i++)
    ph_cli_error (_("“%s” is an empty folder: nothing to send from it"), empty[i]);

  queue = ph_send_queue_new ();
  ph_sender_set_idle_timeout (ph_send_queue_get_sender (queue), (guint) timeout * 1000);
  ph_send_queue_set_trust (queue, NULL, devices);
  ph_send_queue_set_require_encryption (queue, require_encryption);
  /* For bench/linkbench, which measures how many connections a batch
   * should take: not a setting. */
  if (g_getenv ("PH_SECURE_CONNECTIONS") != NULL)
    ph_send_queue_set_connections (queue, (guint) g_ascii_strtoull (g_getenv ("PH_SECURE_CONNECTIONS"),
                                                                    NULL, 10));

  /* Before the first transfer is made: how each is watched depends on
   * it. Without a bar only the state is read: the other notifications
   * of 100,000 files then cost no call here. */
  if (isatty (STDERR_FILENO))
    run.progress = ph_progress_new (STDERR_FILENO);
  g_signal_parse_name (run.progress != NULL ? "notify" : "notify::state", PH_TYPE_TRANSFER,
                       &run.notify_id, &run.notify_detail, TRUE);

  transfers = ph_send_plan_get_transfers (plan);
  g_signal_connect (transfers, "transfer-made", G_CALLBACK (transfer_made_cb), &run);
  run.n_total = g_list_model_get_n_items (G_LIST_MODEL (transfers));
  run.failed = run.n_total == 0;
  if (verbose)
    g_signal_connect (ph_send_queue_get_sender (queue), "window-changed",
                      G_CALLBACK (window_changed_cb), &run);

  /* Encrypted or not, said once when a file goes (a known device
   * announced without encryption, or with a new key, failed the plan). */
  for (guint i = 0; i < run.n_total && how == NULL; i++)
    if (ph_folder_walk_get_problem (walk, i) == NULL)
      {
        how = ph_destination_describe (destination);
        g_printerr ("%s\n", how);
      }

  ph_send_queue_send_async (queue, destination, G_LIST_MODEL (transfers),
                            parallel > 0 ? (guint) parallel : 0, cancellable, sent_cb, &run);
  g_main_loop_run (loop);
  if (!ph_cli_save_devices (devices))
    run.failed = TRUE;

  ph_cli_signals_unwatch (&signals);
  if (text_file != NULL)
    ph_cli_text_file_delete (text_file);

  /* Quit by a second signal while the first cancellation was on its way:
   * what is still running dies with the process. */
  if (!run.finished)
    {
      g_queue_clear_full (&run.shown, g_object_unref);
      g_clear_pointer (&run.progress, ph_progress_free);
      g_free (run.reason);
      return PH_CLI_EXIT_INTERRUPTED + run.signum;
    }

  g_clear_pointer (&run.progress, ph_progress_free);
  g_free (run.reason);

  if (run.signum != 0)
    return PH_CLI_EXIT_INTERRUPTED + run.signum;
  return run.failed ? PH_CLI_EXIT_FAILED : PH_CLI_EXIT_OK;
}
