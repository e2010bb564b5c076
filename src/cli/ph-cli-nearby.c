/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What send does about receivers nearby: finding one by name. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "posthouse-core.h"

#include "ph-cli.h"

/* Long enough for the first look around (Avahi says "all for now"
 * after a second) and the answers of slow resolvers. */
#define LOOKUP_TIMEOUT_MSEC 3000

/* Sending by name ---------------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

/* What a person types as an address (an IP address, anything with a
 * port or a colon) is used as typed, without looking around for a name. */
static gboolean
looks_like_address (const char *text)
{
  return strchr (text, ':') != NULL || g_hostname_is_ip_address (text);
}

/* Runs a lookup of @browser to its end. */
static PhNearbyReceiver *
wait_for_peer (PhBrowser    *browser,
               const char   *name,
               const char   *host,
               guint         port,
               GError      **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { loop, NULL };

  if (name != NULL)
    ph_browser_lookup_async (browser, name, LOOKUP_TIMEOUT_MSEC, NULL, lookup_cb, &wait);
  else
    ph_browser_lookup_address_async (browser, host, port, LOOKUP_TIMEOUT_MSEC, NULL, lookup_cb, &wait);
  if (wait.result == NULL)
    g_main_loop_run (loop);
  result = g_steal_pointer (&wait.result);

  return ph_browser_lookup_finish (browser, result, error);
}

void
ph_cli_destination_clear (PhCliDestination *destination)
{
  g_clear_pointer (&destination->address, g_free);
  destination->accepts_paths = FALSE;
}

/**
 * ph_cli_resolve_destination:
 * @text: DESTINATION as given: HOST[:PORT] or the name of a receiver nearby
 * @port: the --port option, -1 when not given
 * @folders: whether folders are sent: then it matters whether the
 *   receiver keeps their structure, and a typed IP address is looked for
 *   among the receivers nearby to know
 * @destination: (out caller-allocates): where to send, and whether the
 *   receiver announced paths=1
 * @exit_code: (out): when %FALSE is returned, the exit status
 *
 * Returns: %FALSE after an error message
 */
gboolean
ph_cli_resolve_destination (const char       *text,
                            int               port,
                            gboolean          folders,
                            PhCliDestination *destination,
                            int              *exit_code)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(PhBrowser) browser = NULL;
  g_autoptr(PhNearbyReceiver) peer = NULL;
  guint16 parsed_port = 0;
  gboolean is_address;

  memset (destination, 0, sizeof *destination);
  is_address = ph_address_parse (trimmed, PH_DEFAULT_PORT, &host, &parsed_port, &error);
  if (port != -1)
    parsed_port = (guint16) port;

  if (looks_like_address (trimmed))
    {
      if (!is_address)
        {
          ph_cli_error ("%s", error->message);
          *exit_code = PH_CLI_EXIT_USAGE;
          return FALSE;
        }
      destination->address = ph_address_format (host, parsed_port);

      /* Folders keep their structure only with a receiver known to
       * announce paths=1: is this address one seen nearby? */
      if (folders && g_hostname_is_ip_address (host))
        {
          browser = ph_browser_new ();
          ph_browser_start (browser);
          peer = wait_for_peer (browser, NULL, host, parsed_port, NULL);
          if (peer != NULL && ph_nearby_receiver_get_accepts_paths (peer))
            {
              destination->accepts_paths = TRUE;
              g_printerr (_("%s is “%s”, nearby: folders keep their structure\n"),
                          destination->address, ph_nearby_receiver_get_name (peer));
            }
        }
      return TRUE;
    }

  /* A name: a receiver nearby first, then a host name as before. */
  browser = ph_browser_new ();
  ph_browser_start (browser);
  peer = wait_for_peer (browser, trimmed, NULL, 0, &lookup_error);

  if (peer != NULL)
    {
      destination->address = ph_address_format (ph_nearby_receiver_get_host (peer),
                                                port != -1 ? (guint) port : ph_nearby_receiver_get_port (peer));
      destination->accepts_paths = ph_nearby_receiver_get_accepts_paths (peer);
      g_printerr (_("“%s” is nearby at %s\n"), ph_nearby_receiver_get_name (peer), destination->address);
      return TRUE;
    }

  if (is_address && !g_error_matches (lookup_error, PH_ERROR, PH_ERROR_AMBIGUOUS))
    {
      destination->address = ph_address_format (host, parsed_port);
      return TRUE;
    }

  if (g_error_matches (lookup_error, PH_ERROR, PH_ERROR_NO_DISCOVERY))
    /* TRANSLATORS: a receiver's name, then why nothing nearby can be found */
    ph_cli_error (_("Cannot find “%s”: %s"), trimmed, lookup_error->message);
  else
    ph_cli_error ("%s", lookup_error->message);
  *exit_code = PH_CLI_EXIT_FAILED;
  return FALSE;
}
