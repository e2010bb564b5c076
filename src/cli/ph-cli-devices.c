/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posthouse-cli devices [forget|block|unblock DEVICE]: the list of
 * devices the app and the CLI of this user share. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "posthouse-core.h"

#include "ph-cli.h"

/* Returns: (transfer full): the list, read; a damaged one is said and kept aside */
PhDevices *
ph_cli_open_devices (void)
{
  g_autofree char *path = ph_devices_default_path ();
  g_autoptr(GError) error = NULL;
  PhDevices *devices = ph_devices_new (path);

  if (!ph_devices_load (devices, &error))
    ph_cli_error ("%s", error->message);
  return devices;
}

/* Returns: whether every change reached the file (said otherwise) */
gboolean
ph_cli_save_devices (PhDevices *devices)
{
  g_autoptr(GError) error = NULL;

  if (ph_devices_flush (devices, &error))
    return TRUE;

  ph_cli_error ("%s", error->message);
  return FALSE;
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_seconds <= 0)
    return g_strdup ("-");
  time = g_date_time_new_from_unix_local (unix_seconds);
  return time ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("-");
}

/* Paired first, then by when they were seen, the latest first. */
static int
compare_devices (gconstpointer a,
                 gconstpointer b)
{
  PhDevice *x = *(PhDevice **) a;
  PhDevice *y = *(PhDevice **) b;
  int rank_x = ph_device_get_state (x) == PH_DEVICE_PAIRED ? 0 : ph_device_get_state (x) == PH_DEVICE_KNOWN ? 1 : 2;
  int rank_y = ph_device_get_state (y) == PH_DEVICE_PAIRED ? 0 : ph_device_get_state (y) == PH_DEVICE_KNOWN ? 1 : 2;

  if (rank_x != rank_y)
    return rank_x - rank_y;
  if (ph_device_get_last_seen (x) != ph_device_get_last_seen (y))
    return ph_device_get_last_seen (x) > ph_device_get_last_seen (y) ? -1 : 1;
  return g_strcmp0 (ph_device_get_fingerprint (x), ph_device_get_fingerprint (y));
}

static int
list_devices (PhDevices *devices,
              gboolean   full)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (devices));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sorted, g_list_model_get_item (G_LIST_MODEL (devices), i));
  g_ptr_array_sort (sorted, compare_devices);

  if (n == 0)
    g_printerr (_("No devices remembered yet: they are remembered when they send or receive "
                  "through the secure channel, or pair\n"));

  for (guint i = 0; i < sorted->len; i++)
    {
      PhDevice *device = g_ptr_array_index (sorted, i);
      g_autofree char *seen = format_time (ph_device_get_last_seen (device));
      const char *name = ph_device_get_name (device);
      const char *address = ph_device_get_last_address (device);

      fprintf (stdout, "%s\t%s\t%s\t%s\t%s\n",
               name ? name : "-",
               full ? ph_device_get_fingerprint (device) : ph_device_get_short_fingerprint (device),
               /* As written in the file, untranslated: scripts read it. */
               ph_device_state_to_string (ph_device_get_state (device)),
               seen,
               address ? address : "-");
    }

  /* A new key under a paired name, said beside the list (stdout stays
   * one line per device, for scripts). */
  for (guint i = 0; i < sorted->len; i++)
    {
      PhDevice *device = g_ptr_array_index (sorted, i);
      PhDevice *replaced;

      if (ph_device_get_state (device) != PH_DEVICE_KNOWN)
        continue;
      replaced = ph_devices_find_key_change (devices, ph_device_get_fingerprint (device),
                                             ph_device_get_name (device),
                                             ph_device_get_installation_id (device));
      if (replaced != NULL)
        /* Translators: a device's name, the new key's short form, the paired one's */
        g_printerr (_("“%s” has a new key (%s, paired: %s): pair again to trust it\n"),
                    ph_device_get_name (replaced) ? ph_device_get_name (replaced) : "",
                    ph_device_get_short_fingerprint (device), ph_device_get_short_fingerprint (replaced));
    }

  return PH_CLI_EXIT_OK;
}

/* "Study Laptop (47DE Qpj8 HBSa -_TI)" */
static char *
describe (PhDevice *device)
{
  const char *name = ph_device_get_name (device);

  if (name == NULL)
    return g_strdup (ph_device_get_short_fingerprint (device));
  return g_strdup_printf ("“%s” (%s)", name, ph_device_get_short_fingerprint (device));
}

static int
change_device (PhDevices  *devices,
               const char *action,
               const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;
  PhDevice *device = ph_devices_resolve (devices, text, &error);

  /* A key never seen can be blocked ahead of time, by its whole fingerprint. */
  if (device == NULL && g_str_equal (action, "block") && ph_fingerprint_is_valid (text))
    {
      g_autofree char *short_form = ph_fingerprint_format_short (text);

      ph_devices_block (devices, text, NULL);
      g_printerr (_("Blocked %s: it is refused before a byte of a file is read\n"), short_form);
      return ph_cli_save_devices (devices) ? PH_CLI_EXIT_OK : PH_CLI_EXIT_FAILED;
    }
  if (device == NULL)
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_FAILED;
    }

  who = describe (device);
  if (g_str_equal (action, "forget"))
    {
      ph_devices_forget (devices, ph_device_get_fingerprint (device));
      g_printerr (_("Forgot %s: it is a stranger again\n"), who);
    }
  else if (g_str_equal (action, "block"))
    {
      ph_devices_block (devices, ph_device_get_fingerprint (device), NULL);
      g_printerr (_("Blocked %s: it is refused before a byte of a file is read\n"), who);
    }
  else if (!ph_devices_unblock (devices, ph_device_get_fingerprint (device)))
    {
      ph_cli_error (_("%s is not blocked"), who);
      return PH_CLI_EXIT_FAILED;
    }
  else
    g_printerr (_("Unblocked %s: it is known again, not paired\n"), who);

  return ph_cli_save_devices (devices) ? PH_CLI_EXIT_OK : PH_CLI_EXIT_FAILED;
}

static gboolean
is_action (const char *arg)
{
  return g_str_equal (arg, "forget") || g_str_equal (arg, "block") || g_str_equal (arg, "unblock");
}

/* A fingerprint may begin with '-' (base64url): the DEVICE right after
 * an action is taken as it is, never as an option ("--" goes before it).
 * Returns: (transfer container): the arguments to parse */
static char **
device_taken_as_is (int    argc,
                    char **argv,
                    int   *n_args)
{
  char **args = g_new0 (char *, argc + 2);
  int n = 0;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        {
          memcpy (args + n, argv + i, (argc - i) * sizeof (char *));
          n += argc - i;
          break;
        }
      if (i >= 2 && argv[i][0] == '-' && is_action (argv[i - 1]))
        args[n++] = (char *) "--";
      args[n++] = argv[i];
    }

  *n_args = n;
  return args;
}

int
ph_cli_devices (int    argc,
                char **argv)
{
  gboolean full = FALSE;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full,
      N_("Show whole fingerprints, not their short form"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PhDevices) devices = NULL;
  g_autofree char **args = NULL;
  int n_args;
  guint n_rest;

  g_set_prgname (PH_CLI_NAME " devices");
  context = g_option_context_new (_("[forget|block|unblock DEVICE]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("List the devices this computer remembers, one a line: the name, a tab, the short "
      "fingerprint, a tab, the state (paired, known or blocked), a tab, when it was last seen, "
      "a tab, and the address it was last seen at. The app and posthouse-cli share the list."));
  g_option_context_set_description (context,
    _("DEVICE is a fingerprint, its short form, enough of its beginning to tell it from the "
      "others, or the device’s name.\n"
      "  forget DEVICE   remove it: a stranger again, paired or not\n"
      "  block DEVICE    refuse it before a byte of a file is read\n"
      "  unblock DEVICE  known again (pair again to trust it)"));

  args = device_taken_as_is (argc, argv, &n_args);
  if (!g_option_context_parse (context, &n_args, &args, &error))
    {
      ph_cli_error ("%s", error->message);
      return PH_CLI_EXIT_USAGE;
    }

  n_rest = rest ? g_strv_length (rest) : 0;
  if (n_rest > 0 && !g_str_equal (rest[0], "forget") && !g_str_equal (rest[0], "block") &&
      !g_str_equal (rest[0], "unblock"))
    {
      ph_cli_error (_("Unknown action “%s” (see “posthouse-cli devices --help”)"), rest[0]);
      return PH_CLI_EXIT_USAGE;
    }
  if (n_rest == 1 || n_rest > 2)
    {
      ph_cli_error (_("“%s” needs one DEVICE (see “posthouse-cli devices --help”)"), rest[0]);
      return PH_CLI_EXIT_USAGE;
    }

  devices = ph_cli_open_devices ();
  if (n_rest == 0)
    return list_devices (devices, full);
  return change_device (devices, rest[0], rest[1]);
}
