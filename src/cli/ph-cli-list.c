/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "posthouse-core.h"

#include "ph-cli.h"

#define DEFAULT_TIMEOUT 2.0

typedef struct
{
  GMainLoop *loop;
  PhBrowser *browser;
  guint      timeout_id;
  gboolean   lost_daemon;
  int        signum;
} ListRun;

static void
settled_cb (PhBrowser  *browser,
            GParamSpec *pspec,
            ListRun    *run)
{
  if (ph_browser_get_settled (browser))
    g_main_loop_quit (run->loop);
}

static void
state_cb (PhBrowser  *browser,
          GParamSpec *pspec,
          ListRun    *run)
{
  if (!ph_browser_get_available (browser))
    {
      run->lost_daemon = TRUE;
      g_main_loop_quit (run->loop);
    }
}

static gboolean
timeout_cb (gpointer user_data)
{
  ListRun *run = user_data;

  run->timeout_id = 0;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
interrupt (int      signum,
           gpointer user_data)
{
  ListRun *run = user_data;

  run->signum = signum;
  g_main_loop_quit (run->loop);
}

static void
add_flag (GString    *flags,
          const char *flag)
{
  if (flags->len > 0)
    g_string_append_c (flags, ',');
  g_string_append (flags, flag);
}

/* name, HOST:PORT, flags, and the short form of the key it announced
 * ("-" for the original format only): what `devices` and the other
 * screen show, to compare. A key other than the one this computer knows
 * for its name or id is flagged, and said on stderr (stdout stays one
 * line per receiver, for scripts); so is a device known by its key that
 * is now announced without encryption (nothing is sent to it).
 * Returns: (nullable): the warning about a new key or no encryption */
static char *
print_peer (PhNearbyReceiver *peer,
            PhDevices        *devices)
{
  g_autoptr(GString) flags = g_string_new (NULL);
  g_autofree char *short_fp = NULL;
  const char *fingerprint = ph_nearby_receiver_get_fingerprint (peer);
  PhDevice *device = fingerprint ? ph_devices_lookup (devices, fingerprint) : NULL;
  PhDevice *replaced = ph_destination_find_key_change (devices, fingerprint, ph_nearby_receiver_get_name (peer),
                                                       ph_nearby_receiver_get_id (peer));
  PhDevice *downgraded = ph_destination_find_downgrade (devices, fingerprint, ph_nearby_receiver_get_name (peer),
                                                        ph_nearby_receiver_get_id (peer));

  if (ph_nearby_receiver_get_asks_before_accepting (peer))
    add_flag (flags, "ask");
  if (ph_nearby_receiver_get_accepts_paths (peer))
    add_flag (flags, "paths");
  if (device != NULL && ph_device_get_state (device) == PH_DEVICE_BLOCKED)
    add_flag (flags, "blocked");
  else if (device != NULL && ph_device_is_paired (device))
    add_flag (flags, "paired");
  if (replaced != NULL)
    add_flag (flags, "key-changed");
  if (downgraded != NULL)
    add_flag (flags, "no-longer-encrypted");
  if (flags->len == 0)
    g_string_append_c (flags, '-');
  short_fp = fingerprint ? ph_fingerprint_format_short (fingerprint) : g_strdup ("-");

  /* Names never hold tabs or line breaks: the browser replaced them. */
  fprintf (stdout, "%s\t%s\t%s\t%s\n", ph_nearby_receiver_get_name (peer),
           ph_nearby_receiver_get_address (peer), flags->str, short_fp);

  if (downgraded != NULL)
    return ph_destination_describe_downgrade (downgraded, ph_nearby_receiver_get_name (peer));
  if (replaced == NULL)
    return NULL;
  return ph_destination_describe_key_change (replaced, ph_nearby_receiver_get_name (peer));
}

int
ph_cli_list (int    argc,
             char **argv)
{
  double timeout = DEFAULT_TIMEOUT;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      N_("Look for at most SECONDS (default 2)"), N_("SECONDS") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PhBrowser) browser = NULL;
  g_autoptr(PhDevices) devices = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  PhCliSignals signals = { 0 };
  ListRun run = { 0 };
  guint n;

  g_set_prgname (PH_CLI_NAME " list");
  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("List the receivers announced nearby (Posthouse in receive mode, “posthouse-cli "
      "receive”), one a line: the name, a tab, HOST:PORT, a tab, the flags “ask” "
      "(asks before accepting), “paths” (keeps folders), “paired” or “blocked” (as this "
      "computer knows it), “key-changed” (a key other than the one this computer knows "
      "for that device: pair again to trust it), “no-longer-encrypted” (a device this "
      "computer knows by its key, now announced without encryption: nothing is sent to "
      "it), or “-”, a tab, and the short fingerprint "
      "of the key it receives encrypted files with, or “-” when it receives them only "
      "unencrypted. A name can be given to “posthouse-cli send” instead of an address."));
  g_option_context_set_description (context,
    _("Receivers are found through the Avahi service (mDNS/DNS-SD); none of them is "
      "contacted. The exit status is 1 when the Avahi service isn’t running."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }
  if (rest != NULL && rest[0] != NULL)
    {
      ph_cli_error (_("Unexpected argument “%s” (see “posthouse-cli list --help”)"), rest[0]);
      return PH_CLI_EXIT_USAGE;
    }
  if (!(timeout > 0 && timeout <= 3600))
    {
      ph_cli_error (_("Invalid timeout %g: give a number of seconds up to 3600"), timeout);
      return PH_CLI_EXIT_USAGE;
    }

  browser = ph_browser_new ();
  ph_browser_start (browser);

  /* Known at once: no waiting for a daemon that isn't there. */
  switch (ph_browser_get_state (browser))
    {
    case PH_BROWSER_UNSUPPORTED:
      ph_cli_error (_("This posthouse-cli was built without Avahi: it cannot find computers nearby"));
      return PH_CLI_EXIT_FAILED;
    case PH_BROWSER_UNAVAILABLE:
      ph_cli_error ("%s", ph_dns_sd_unavailable_message ());
      return PH_CLI_EXIT_FAILED;
    case PH_BROWSER_STOPPED:
    case PH_BROWSER_RUNNING:
    default:
      break;
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.browser = browser;
  ph_cli_signals_watch (&signals, interrupt, &run);
  g_signal_connect (browser, "notify::settled", G_CALLBACK (settled_cb), &run);
  g_signal_connect (browser, "notify::state", G_CALLBACK (state_cb), &run);
  run.timeout_id = g_timeout_add ((guint) (timeout * 1000), timeout_cb, &run);

  /* Until the first look around is complete, or the time is up. */
  if (!ph_browser_get_settled (browser))
    g_main_loop_run (loop);

  g_clear_handle_id (&run.timeout_id, g_source_remove);
  ph_cli_signals_unwatch (&signals);
  g_signal_handlers_disconnect_by_data (browser, &run);

  if (run.signum != 0)
    return PH_CLI_EXIT_INTERRUPTED + run.signum;
  if (run.lost_daemon)
    {
      ph_cli_error ("%s", ph_dns_sd_unavailable_message ());
      return PH_CLI_EXIT_FAILED;
    }

  devices = ph_cli_open_devices ();
  n = g_list_model_get_n_items (G_LIST_MODEL (browser));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhNearbyReceiver) peer = g_list_model_get_item (G_LIST_MODEL (browser), i);

      char *warning = print_peer (peer, devices);

      if (warning != NULL)
        g_ptr_array_add (warnings, warning);
    }
  fflush (stdout);
  for (guint i = 0; i < warnings->len; i++)
    g_printerr ("%s\n", (const char *) g_ptr_array_index (warnings, i));

  if (n == 0)
    g_printerr (_("No receiver found nearby\n"));
  /* Hundreds announced, or a slow network: say that this is not all. */
  if (!ph_browser_get_settled (browser))
    g_printerr (_("Still looking when the time was up: more receivers may be nearby (try a longer --timeout)\n"));

  return PH_CLI_EXIT_OK;
}
