/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "posthouse-core.h"

#include "ph-cli.h"

/* How long cancelled transfers get to remove their temporary files. */
#define SHUTDOWN_GRACE_SECONDS 10

typedef struct
{
  GMainLoop        *loop;
  PhReceiveSession *session;
  GPtrArray        *active;       /* PhTransfer, not finished yet */
  GPtrArray        *batches;      /* PhBatch, secure, unowned: while they live */
  PhTransfer       *first;        /* with --once: the one transfer we wait for */
  char             *printed_name; /* the name last said to be announced */
  gboolean          warned;       /* said once that it cannot be announced */
  gboolean          once;
  gboolean          stopping;
  int               exit_code;
  int               signum;
  guint             grace_id;
  guint             flush_id;     /* stdout waits for the main loop to go idle */
  PhCliPrompt      *prompt;       /* a pairing asked about on the terminal */
} ReceiveRun;

static gboolean
flush_stdout_cb (gpointer user_data)
{
  ReceiveRun *run = user_data;

  run->flush_id = 0;
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static gboolean
grace_expired_cb (gpointer user_data)
{
  ReceiveRun *run = user_data;

  run->grace_id = 0;
  ph_cli_error (_("Transfers did not stop in time; leaving anyway"));
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
shut_down (ReceiveRun *run)
{
  if (run->stopping)
    return;

  run->stopping = TRUE;
  ph_receive_session_stop (run->session);
  ph_receive_session_cancel_all (run->session);

  /* Quit only once each cancelled transfer has cleaned up after
   * itself, so that nothing partial is left behind. */
  if (run->active->len == 0)
    g_main_loop_quit (run->loop);
  else
    run->grace_id = g_timeout_add_seconds (SHUTDOWN_GRACE_SECONDS, grace_expired_cb, run);
}

/* Engine messages often name the peer and the file already; add what
 * a message lacks so that each stderr line stands on its own. */
static void
report_failure (const char *name,
                const char *peer,
                const char *message)
{
  g_autofree char *quoted = name ? g_strdup_printf ("“%s”", name) : NULL;
  gboolean has_name = quoted == NULL || strstr (message, quoted) != NULL;
  gboolean has_peer = peer == NULL || strstr (message, peer) != NULL;

  if (has_name && has_peer)
    ph_cli_error ("%s", message);
  else if (has_name)
    /* TRANSLATORS: a peer address, then an error message */
    ph_cli_error (_("From %s: %s"), peer, message);
  else if (has_peer)
    ph_cli_error ("%s: %s", quoted, message);
  else
    /* TRANSLATORS: a file name in quotes, a peer address, an error message */
    ph_cli_error (_("%s from %s: %s"), quoted, peer, message);
}

static void
report_finished (ReceiveRun *run,
                 PhTransfer *transfer)
{
  const char *name = ph_transfer_get_name (transfer);
  const char *peer = ph_transfer_get_peer (transfer);

  switch (ph_transfer_get_state (transfer))
    {
    case PH_TRANSFER_DONE:
      {
        GFile *file = ph_transfer_get_file (transfer);
        g_autofree char *path = file ? g_file_get_path (file) : NULL;

        /* Raw bytes. Scripts read this through a pipe: flushed once
         * the burst of events is handled, not a write per line. */
        fprintf (stdout, "saved %s\n", path ? path : name);
        if (run->flush_id == 0)
          run->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_stdout_cb, run, NULL);
      }
      break;

    case PH_TRANSFER_CANCELLED:
      report_failure (name, peer, _("Cancelled; nothing was saved"));
      break;

    case PH_TRANSFER_FAILED:
    default:
      {
        const char *message = ph_transfer_get_error_message (transfer);

        report_failure (name, peer, message ? message : _("Failed; nothing was saved"));
      }
      break;
    }
}

/* With --once: the first transfer decides the exit status, and ends the run. */
static void
first_ended (ReceiveRun *run,
             PhTransfer *transfer)
{
  if (!run->once || transfer != run->first)
    return;

  run->exit_code = ph_transfer_get_state (transfer) == PH_TRANSFER_DONE
                   ? PH_CLI_EXIT_OK : PH_CLI_EXIT_FAILED;
  shut_down (run);
}

static void
transfer_ended (ReceiveRun *run,
                PhTransfer *transfer)
{
  g_autoptr(PhTransfer) hold = g_object_ref (transfer);

  report_finished (run, transfer);
  g_ptr_array_remove (run->active, transfer);
  first_ended (run, transfer);
  if (run->stopping && run->active->len == 0)
    g_main_loop_quit (run->loop);
}

static void
transfer_state_cb (PhTransfer *transfer,
                   GParamSpec *pspec,
                   ReceiveRun *run)
{
  if (!ph_transfer_is_finished (transfer))
    return;

  g_signal_handlers_disconnect_by_func (transfer, transfer_state_cb, run);
  transfer_ended (run, transfer);
}

/* The secure batch's files, one handler for all of them. */
static void
batch_transfer_finished_cb (PhBatch    *batch,
                            PhTransfer *transfer,
                            ReceiveRun *run)
{
  transfer_ended (run, transfer);
}

/* A secure batch is said once, as its first file arrives (a file
 * announced before it comes might never come): the sender's hello
 * counted its files and bytes. */
static void
batch_items_cb (PhBatch    *batch,
                guint       position,
                guint       removed,
                guint       added,
                ReceiveRun *run)
{
  g_autoptr(PhTransfer) first = g_list_model_get_item (G_LIST_MODEL (batch), 0);
  guint n_files = ph_batch_get_announced_files (batch);
  g_autofree char *size = NULL;
  g_autofree char *sender = NULL;

  if (first == NULL)
    return;
  g_signal_handlers_disconnect_by_func (batch, batch_items_cb, run);

  sender = ph_receive_session_describe_sender (run->session, first);
  if (n_files <= 1)
    {
      size = g_format_size (ph_transfer_get_size (first));
      g_printerr (_("Receiving “%s” (%s) from %s\n"), ph_transfer_get_name (first), size, sender);
    }
  else
    {
      size = g_format_size (ph_batch_get_announced_bytes (batch));
      /* Translators: a count, a size, who sends: "“Study Laptop” (47DE Qpj8 HBSa -_TI, paired)" */
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "Receiving %u file (%s) from %s\n",
                               "Receiving %u files (%s) from %s\n", n_files),
                  n_files, size, sender);
    }
}

static void
batch_gone_cb (gpointer  user_data,
               GObject  *where_it_was)
{
  ReceiveRun *run = user_data;

  g_ptr_array_remove_fast (run->batches, where_it_was);
}

static void
batch_added_cb (PhReceiveSession *session,
                PhBatch          *batch,
                ReceiveRun       *run)
{
  /* The original format's connections carry one file each: said per file. */
  if (ph_batch_get_fingerprint (batch) == NULL)
    return;

  /* Not held: the session lets a batch go once its connection ended. */
  g_ptr_array_add (run->batches, batch);
  g_object_weak_ref (G_OBJECT (batch), batch_gone_cb, run);
  g_signal_connect (batch, "items-changed", G_CALLBACK (batch_items_cb), run);
  g_signal_connect (batch, "transfer-finished", G_CALLBACK (batch_transfer_finished_cb), run);
}

static void
transfer_added_cb (PhReceiveSession *session,
                   PhTransfer       *transfer,
                   ReceiveRun       *run)
{
  g_autoptr(PhTransfer) hold = g_object_ref (transfer);

  if (run->once && run->first == NULL)
    {
      /* Like the original: one transfer, then done. */
      run->first = transfer;
      ph_receive_session_stop (session);
    }

  /* In the secure channel every file is in the batch announced before
   * it (ph-receive-session-secure.c): the batch says it, and its end. */
  if (ph_transfer_get_peer_fingerprint (transfer) != NULL)
    {
      if (!ph_transfer_is_finished (transfer))
        g_ptr_array_add (run->active, g_object_ref (transfer));
      else
        first_ended (run, transfer);
    }
  else
    {
      if (!ph_transfer_is_finished (transfer))
        {
          g_autofree char *size = g_format_size (ph_transfer_get_size (transfer));
          g_autofree char *sender = ph_receive_session_describe_sender (session, transfer);

          /* Translators: a file name, its size, who sends: "“Study Laptop”
           * (47DE Qpj8 HBSa -_TI, paired)" or "192.0.2.7:5123 (not encrypted)" */
          g_printerr (_("Receiving “%s” (%s) from %s\n"), ph_transfer_get_name (transfer),
                      size, sender);
        }

      g_ptr_array_add (run->active, g_object_ref (transfer));
      g_signal_connect (transfer, "notify::state", G_CALLBACK (transfer_state_cb), run);
      transfer_state_cb (transfer, NULL, run);
    }

  /* Arrived while shutting down: it must not outlive us. */
  if (run->stopping && !ph_transfer_is_finished (transfer))
    ph_transfer_cancel (transfer);
}

static void
connection_failed_cb (PhReceiveSession *session,
                      const char       *peer,
                      const GError     *error,
                      ReceiveRun       *run)
{
  report_failure (NULL, peer, error->message);
}

/* A sender asks to pair: the six digits on this terminal. */
static void
pairing_cb (PhReceiveSession *session,
            PhPairing        *pairing,
            ReceiveRun       *run)
{
  g_clear_pointer (&run->prompt, ph_cli_prompt_free);
  run->prompt = ph_cli_prompt_new (pairing, ph_receive_session_get_devices (session));
}

static void
leftovers_removed_cb (PhReceiveSession *session,
                      guint             leftovers,
                      ReceiveRun       *run)
{
  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "Removed %u partial file left by an earlier run\n",
                           "Removed %u partial files left by an earlier run\n",
                           leftovers),
              leftovers);
}

/* What became of the announcement, each change once. */
static void
announce_cb (PhReceiveSession *session,
             GParamSpec       *pspec,
             ReceiveRun       *run)
{
  const char *name = ph_receive_session_get_announced_name (session);
  const char *problem = ph_receive_session_get_announce_error (session);

  switch (ph_receive_session_get_announce_state (session))
    {
    case PH_ANNOUNCER_ANNOUNCED:
      if (g_strcmp0 (name, run->printed_name) != 0)
        {
          g_free (run->printed_name);
          run->printed_name = g_strdup (name);
          g_printerr (_("Announced nearby as “%s”\n"), name);
        }
      break;

    case PH_ANNOUNCER_UNAVAILABLE:
      /* Once: it announces by itself when the daemon starts. */
      if (!run->warned)
        ph_cli_error (_("Not announced nearby: the Avahi service isn’t running; "
                        "senders can still use this computer’s address"));
      run->warned = TRUE;
      break;

    case PH_ANNOUNCER_UNSUPPORTED:
      if (!run->warned)
        ph_cli_error (_("Not announced nearby: this posthouse-cli was built without Avahi"));
      run->warned = TRUE;
      break;

    case PH_ANNOUNCER_FAILED:
      if (g_strcmp0 (pspec ? pspec->name : NULL, "announce-state") == 0)
        ph_cli_error (_("Not announced nearby: %s"), problem);
      break;

    case PH_ANNOUNCER_STOPPED:
      /* Listening where nobody nearby can reach it. */
      if (problem != NULL && !run->warned)
        {
          ph_cli_error (_("Not announced nearby: %s"), problem);
          run->warned = TRUE;
        }
      break;

    case PH_ANNOUNCER_REGISTERING:
    default:
      break;
    }
}

static void
interrupt (int      signum,
           gpointer user_data)
{
  ReceiveRun *run = user_data;

  if (run->stopping && run->signum != 0)
    {
      /* Asked twice: stop waiting. */
      g_main_loop_quit (run->loop);
      return;
    }

  run->signum = signum;
  if (run->stopping)
    return;
  shut_down (run);
}

int
ph_cli_receive (int    argc,
                char **argv)
{
  int port = PH_DEFAULT_PORT;
  gboolean once = FALSE;
  gboolean no_announce = FALSE;
  gboolean no_plain = FALSE;
  gboolean only_paired = FALSE;
  g_autofree char *bind = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Listen on port N (default 6666; 0 picks a free port)"), N_("N") },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind,
      N_("Listen only on this local address (default: all interfaces)"), N_("ADDR") },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir,
      N_("Save files into DIR (default: the Downloads folder)"), N_("DIR") },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Exit after the first transfer (status 0 if it was saved)"), NULL },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix,
      N_("Put STR before every saved name (“new_” names files like the Python receiver)"),
      N_("STR") },
    { "no-announce", 0, 0, G_OPTION_ARG_NONE, &no_announce,
      N_("Do not announce this receiver to computers nearby"), NULL },
    { "no-plain", 0, 0, G_OPTION_ARG_NONE, &no_plain,
      N_("Refuse connections in the original format (not encrypted: the Python scripts)"), NULL },
    { "only-paired", 0, 0, G_OPTION_ARG_NONE, &only_paired,
      N_("Accept files only from paired devices (see “posthouse-cli pair”)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PhReceiveSession) session = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autofree char *directory_path = NULL;
  PhCliSignals signals = { 0 };
  ReceiveRun run = { 0 };

  g_set_prgname (PH_CLI_NAME " receive");
  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Wait for files sent by “posthouse-cli send”, Posthouse or the original Python "
      "sender, and save them into a folder. A name that is taken gets a number; a file "
      "appears under its name only once it arrived completely."));
  g_option_context_set_description (context,
    _("Each saved file is printed on standard output as “saved PATH”; refusals and "
      "failures go to standard error. Without --once it runs until interrupted "
      "(Ctrl+C or SIGTERM): transfers in progress are cancelled and their partial "
      "files removed; the exit status is then 130 or 143. "
      "Other Posthouse programs send through the secure channel (encrypted, each computer "
      "proving its key); the original format is received too, as not encrypted, unless "
      "--no-plain."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }

  if (rest != NULL && rest[0] != NULL)
    {
      ph_cli_error (_("Unexpected argument “%s” (see “posthouse-cli receive --help”)"), rest[0]);
      return PH_CLI_EXIT_USAGE;
    }
  if (port < 0 || port > G_MAXUINT16)
    {
      ph_cli_error (_("Invalid port %d: a port is a number from 0 to 65535"), port);
      return PH_CLI_EXIT_USAGE;
    }
  if (prefix != NULL && (strchr (prefix, '/') != NULL || strchr (prefix, '\\') != NULL))
    {
      ph_cli_error (_("The prefix “%s” must not contain a slash"), prefix);
      return PH_CLI_EXIT_USAGE;
    }

  if (dir != NULL)
    directory = g_file_new_for_commandline_arg (dir);

  /* Folders keep their structure when the sender knows it may send
   * paths: from the announcement (paths=1). Unannounced, names are flat. */
  session = ph_receive_session_new ();
  g_object_set (session,
                "port", (guint) port,
                "bind-address", bind,
                "folder", directory,
                "prefix", prefix,
                "announce", !no_announce,
                "accept-unencrypted", !no_plain,
                "only-paired", only_paired,
                NULL);

  loop = g_main_loop_new (NULL, FALSE);
  active = g_ptr_array_new_with_free_func (g_object_unref);
  run.loop = loop;
  run.session = session;
  run.active = active;
  batches = g_ptr_array_new ();
  run.batches = batches;
  run.once = once;

  g_signal_connect (session, "batch-added", G_CALLBACK (batch_added_cb), &run);
  g_signal_connect (session, "transfer-added", G_CALLBACK (transfer_added_cb), &run);
  g_signal_connect (session, "connection-failed", G_CALLBACK (connection_failed_cb), &run);
  g_signal_connect (session, "leftovers-removed", G_CALLBACK (leftovers_removed_cb), &run);
  /* Someone at this terminal can compare six digits. */
  if (isatty (STDIN_FILENO) && isatty (STDERR_FILENO))
    g_signal_connect (session, "pairing", G_CALLBACK (pairing_cb), &run);

  /* Before "Listening on": a script may signal us as soon as it reads it. */
  ph_cli_signals_watch (&signals, interrupt, &run);

  if (!ph_receive_session_start (session, &error))
    {
      ph_cli_error ("%s", error->message);
      ph_cli_signals_unwatch (&signals);
      /* A --prefix too long for the folder is a wrong command line. */
      return g_error_matches (error, PH_ERROR, PH_ERROR_PREFIX) ? PH_CLI_EXIT_USAGE : PH_CLI_EXIT_FAILED;
    }

  directory_path = g_file_get_path (ph_receive_session_get_folder (session));
  if (bind != NULL)
    g_printerr (_("Listening on %s port %u, saving into %s\n"),
                bind, ph_receive_session_get_bound_port (session), directory_path);
  else
    g_printerr (_("Listening on port %u (all interfaces), saving into %s\n"),
                ph_receive_session_get_bound_port (session), directory_path);
  /* What senders' `list` shows beside this receiver, to compare. */
  if (ph_receive_session_get_identity (session) != NULL)
    {
      const char *fingerprint = ph_identity_get_fingerprint (ph_receive_session_get_identity (session));
      g_autofree char *short_fp = ph_fingerprint_format_short (fingerprint);

      if (no_plain)
        /* Translators: a short fingerprint ("47DE Qpj8 HBSa -_TI"), then the whole one */
        g_printerr (_("Encrypted only, with the key %s (%s)\n"), short_fp, fingerprint);
      else
        /* Translators: a short fingerprint ("47DE Qpj8 HBSa -_TI"), then the whole one */
        g_printerr (_("Encrypted from Posthouse with the key %s (%s); not encrypted from others\n"),
                    short_fp, fingerprint);
    }
  else if (!no_plain)
    g_printerr (_("Not encrypted: this computer has no key\n"));

  /* Said after where it listens. */
  g_signal_connect (session, "notify::announce-state", G_CALLBACK (announce_cb), &run);
  g_signal_connect (session, "notify::announced-name", G_CALLBACK (announce_cb), &run);
  g_signal_connect (session, "notify::announce-error", G_CALLBACK (announce_cb), &run);
  announce_cb (session, NULL, &run);

  g_main_loop_run (loop);

  ph_cli_signals_unwatch (&signals);
  g_clear_handle_id (&run.grace_id, g_source_remove);
  g_clear_handle_id (&run.flush_id, g_source_remove);
  fflush (stdout);
  g_signal_handlers_disconnect_by_data (session, &run);
  ph_receive_session_stop (session);
  g_free (run.printed_name);
  g_clear_pointer (&run.prompt, ph_cli_prompt_free);
  for (guint i = 0; i < active->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (active, i), &run);
  for (guint i = 0; i < batches->len; i++)
    {
      g_object_weak_unref (g_ptr_array_index (batches, i), batch_gone_cb, &run);
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (batches, i), &run);
    }

  /* Senders met are remembered (the app shares the list). */
  if (ph_receive_session_get_devices (session) != NULL &&
      !ph_devices_flush (ph_receive_session_get_devices (session), &error))
    ph_cli_error ("%s", error->message);

  if (run.signum != 0)
    return PH_CLI_EXIT_INTERRUPTED + run.signum;
  return run.exit_code;
}
