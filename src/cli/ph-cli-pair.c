/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posthouse-cli pair DESTINATION: numeric comparison on the terminal
 * with a receiver (Posthouse in receive mode, `posthouse-cli receive`),
 * whose person is asked the same question there. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "posthouse-core.h"

#include "ph-cli.h"

typedef struct
{
  GMainLoop     *loop;
  GCancellable  *cancellable;
  GAsyncResult  *result;   /* of the step under way */
  PhPairing     *pairing;
  int            signum;
} PairRun;

static void
step_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PairRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

/* Runs the main loop until the step under way completes. */
static GAsyncResult *
wait_step (PairRun *run)
{
  g_clear_object (&run->result);
  g_main_loop_run (run->loop);
  return run->result;
}

static void
interrupt (int      signum,
           gpointer user_data)
{
  PairRun *run = user_data;

  /* Asked twice: stop waiting for anything. */
  if (run->signum != 0)
    exit (PH_CLI_EXIT_INTERRUPTED + signum);

  run->signum = signum;
  /* Comparing: the other side is told, and it is no failed comparison. */
  if (run->pairing != NULL && ph_pairing_get_state (run->pairing) != PH_PAIRING_STARTING)
    ph_pairing_cancel (run->pairing);
  else
    g_cancellable_cancel (run->cancellable);
}

static int
failed (PairRun      *run,
        const GError *error)
{
  if (run->signum != 0)
    return PH_CLI_EXIT_INTERRUPTED + run->signum;

  /* Cancelled without a signal: the prompt said why (nobody answered). */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ph_cli_error ("%s", error->message);
  return g_error_matches (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS) ? PH_CLI_EXIT_USAGE
                                                                     : PH_CLI_EXIT_FAILED;
}

int
ph_cli_pair (int    argc,
             char **argv)
{
  int port = -1;
  int timeout = 120;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Connect to port N unless DESTINATION names one (default 6666)"), N_("N") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Give the two people S seconds to compare the numbers (default 120)"), N_("S") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(PhIdentity) identity = NULL;
  g_autoptr(PhDevices) devices = NULL;
  g_autoptr(PhDestination) destination = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(PhPairing) pairing = NULL;
  g_autofree char *device_name = NULL;
  g_autofree char *peer_short = NULL;
  PhCliPrompt *prompt = NULL;
  PhCliSignals signals = { 0 };
  PairRun run = { 0 };
  const char *peer_name;
  gboolean paired;
  int status;

  g_set_prgname (PH_CLI_NAME " pair");
  context = g_option_context_new (_("DESTINATION"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Pair with the receiver at DESTINATION (HOST[:PORT], or its name nearby as “posthouse-cli "
      "list” shows it): both screens show six digits, and each person says whether they are "
      "the same. Only when both say so are the computers paired: files from a paired device "
      "arrive without a question, and files to it go only to its key."));
  g_option_context_set_description (context,
    _("The other computer must be receiving (Posthouse in receive mode, or “posthouse-cli "
      "receive” on a terminal) so that someone there can answer. Prints “paired FINGERPRINT "
      "NAME” on standard output when paired; exits 1 when not (three failed "
      "comparisons in a row pause pairing with that device for ten minutes)."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }
  if (rest == NULL || rest[0] == NULL)
    {
      ph_cli_error (_("Missing DESTINATION (see “posthouse-cli pair --help”)"));
      return PH_CLI_EXIT_USAGE;
    }
  if (rest[1] != NULL)
    {
      ph_cli_error (_("Unexpected argument “%s” (see “posthouse-cli pair --help”)"), rest[1]);
      return PH_CLI_EXIT_USAGE;
    }
  if (port != -1 && (port < 1 || port > G_MAXUINT16))
    {
      ph_cli_error (_("Invalid port %d: a port is a number from 1 to 65535"), port);
      return PH_CLI_EXIT_USAGE;
    }
  if (timeout < 10 || timeout > 3600)
    {
      ph_cli_error (_("Invalid timeout %d: give a number of seconds from 10 to 3600"), timeout);
      return PH_CLI_EXIT_USAGE;
    }

  identity = ph_identity_load_default (&error);
  if (identity == NULL)
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_FAILED;
    }
  devices = ph_cli_open_devices ();

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;
  ph_cli_signals_watch (&signals, interrupt, &run);

  ph_destination_resolve_async (NULL, rest[0], port, FALSE, cancellable, step_cb, &run);
  destination = ph_destination_resolve_finish (wait_step (&run), &error);
  if (destination != NULL)
    {
      ph_device_name_query_async (cancellable, step_cb, &run);
      device_name = ph_device_name_query_finish (wait_step (&run), NULL);

      client = g_socket_client_new ();
      g_socket_client_set_timeout (client, 10);
      g_socket_client_set_enable_proxy (client, FALSE);
      g_socket_client_connect_to_host_async (client, ph_destination_get_host (destination),
                                             ph_destination_get_port (destination), cancellable,
                                             step_cb, &run);
      connection = g_socket_client_connect_to_host_finish (client, wait_step (&run), &error);
    }
  if (connection == NULL)
    {
      status = failed (&run, error);
      goto out;
    }

  g_printerr (_("Pairing with %s…\n"), ph_destination_get_address (destination));
  pairing = ph_pairing_new (identity, devices);
  ph_pairing_set_device_name (pairing, device_name);
  ph_pairing_set_expected_fingerprint (pairing, ph_destination_get_fingerprint (destination));
  ph_pairing_set_timeout (pairing, (guint) timeout * 1000);
  prompt = ph_cli_prompt_new (pairing, devices);
  run.pairing = pairing;
  ph_pairing_run_async (pairing, connection, cancellable, step_cb, &run);
  paired = ph_pairing_run_finish (pairing, wait_step (&run), &error);
  g_clear_pointer (&prompt, ph_cli_prompt_free);
  run.pairing = NULL;

  if (!paired)
    {
      status = failed (&run, error);
      goto out;
    }

  peer_name = ph_pairing_get_peer_name (pairing);
  peer_short = ph_fingerprint_format_short (ph_pairing_get_peer_fingerprint (pairing));
  g_printerr (_("Paired with “%s” (%s): its files arrive without a question, and files go to it "
                "only when it proves this key.\n"),
              peer_name ? peer_name : ph_destination_get_address (destination), peer_short);
  /* Raw, for scripts. */
  fprintf (stdout, "paired %s %s\n", ph_pairing_get_peer_fingerprint (pairing), peer_name ? peer_name : "-");
  fflush (stdout);
  status = PH_CLI_EXIT_OK;

out:
  ph_cli_signals_unwatch (&signals);
  g_clear_object (&run.result);
  if (!ph_cli_save_devices (devices) && status == PH_CLI_EXIT_OK)
    status = PH_CLI_EXIT_FAILED;
  return status;
}
