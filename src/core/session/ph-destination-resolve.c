/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resolving a destination as typed, for the app and the CLI alike: an
 * address is used as typed (and recognised among the receivers nearby,
 * to know whether it keeps folders), a name is looked for nearby, and a
 * host name that is no receiver nearby is used as a host name. Never
 * connects to a receiver to test it (SPEC, Discovery). A remembered
 * device (its fingerprint) joins here with the trust store. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-destination-resolve.h"
#include "ph-error.h"

/* Long enough for the first look around (Avahi says "all for now"
 * after a second) and the answers of slow resolvers. */
#define LOOKUP_TIMEOUT_MSEC 3000

typedef struct
{
  PhBrowser *browser;
  gboolean   own_browser;   /* made for this look-up, stopped after */
  char      *text;          /* as given, trimmed */
  char      *host;          /* when it parses as HOST[:PORT] */
  guint16    port;
  int        port_option;   /* -1, or the port to use whatever was found */
  gboolean   by_name;       /* looked for as a name, not an address */
} Resolve;

static gboolean
stop_browser_cb (gpointer user_data)
{
  ph_browser_stop (user_data);
  return G_SOURCE_REMOVE;
}

static void
resolve_free (Resolve *resolve)
{
  /* Later: this may run inside the look-up's own callback, and the
   * browser's last notifications must not reach it. */
  if (resolve->own_browser)
    g_idle_add_full (G_PRIORITY_DEFAULT, stop_browser_cb, g_object_ref (resolve->browser), g_object_unref);
  g_clear_object (&resolve->browser);
  g_free (resolve->text);
  g_free (resolve->host);
  g_free (resolve);
}

/* What a person types as an address (an IP address, anything with a
 * port or a colon) is used as typed, without looking for a name. */
static gboolean
looks_like_address (const char *text)
{
  return strchr (text, ':') != NULL || g_hostname_is_ip_address (text);
}

static void
take_nearby (PhDestination    *destination,
             PhNearbyReceiver *nearby)
{
  ph_destination_set_name (destination, ph_nearby_receiver_get_name (nearby));
  ph_destination_set_accepts_paths (destination, ph_nearby_receiver_get_accepts_paths (nearby));
  /* The key it announced is the one it must prove (the trust store
   * may say otherwise: ph_destination_decide_channel()). */
  ph_destination_set_announcement (destination, ph_nearby_receiver_get_id (nearby),
                                   ph_nearby_receiver_get_fingerprint (nearby));
}

/* A browser to look with: the caller's, or one of our own. */
static PhBrowser *
looking_browser (Resolve *resolve)
{
  if (resolve->browser == NULL)
    {
      resolve->browser = ph_browser_new ();
      resolve->own_browser = TRUE;
      ph_browser_start (resolve->browser);
    }

  return resolve->browser;
}

/* A name looked for nearby: the receiver, or a host name as before
 * discovery, or why neither. */
static PhDestination *
name_found (Resolve           *resolve,
            PhNearbyReceiver  *nearby,
            GError           **error)
{
  PhDestination *destination;

  if (nearby != NULL)
    {
      destination = ph_destination_new (ph_nearby_receiver_get_host (nearby),
                                        resolve->port_option != -1 ? (guint) resolve->port_option
                                                                   : ph_nearby_receiver_get_port (nearby));
      take_nearby (destination, nearby);
      ph_destination_set_found_by_name (destination, TRUE);
      return destination;
    }

  if (resolve->host != NULL && !g_error_matches (*error, PH_ERROR, PH_ERROR_AMBIGUOUS))
    {
      g_clear_error (error);
      return ph_destination_new (resolve->host, resolve->port);
    }

  if (g_error_matches (*error, PH_ERROR, PH_ERROR_NO_DISCOVERY))
    {
      g_autoptr(GError) why = g_steal_pointer (error);

      /* Translators: a receiver's name, then why nothing nearby can be found */
      g_set_error (error, PH_ERROR, PH_ERROR_NO_DISCOVERY, _("Cannot find “%s”: %s"),
                   resolve->text, why->message);
    }

  return NULL;
}

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(PhNearbyReceiver) nearby = NULL;
  g_autoptr(PhDestination) destination = NULL;
  g_autoptr(GError) error = NULL;

  nearby = ph_browser_lookup_finish (PH_BROWSER (object), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (resolve->by_name)
    destination = name_found (resolve, nearby, &error);
  else
    {
      /* An address: a receiver nearby or not, it is where files go. */
      destination = ph_destination_new (resolve->host, resolve->port);
      if (nearby != NULL)
        take_nearby (destination, nearby);
      else
        g_debug ("%s is not a receiver nearby: %s", resolve->text, error->message);
    }

  if (destination == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&destination), g_object_unref);
}

/**
 * ph_destination_resolve_async:
 * @browser: (nullable): the receivers nearby as the caller sees them;
 *   %NULL to look with a browser of its own, only when needed
 * @text: `HOST[:PORT]`, or the name of a receiver announced nearby
 * @port: a port that overrides the one given or announced, -1 for none
 * @wants_paths: whether what the receiver announced matters (whether
 *   it keeps folder paths, the key it announced): then an IP address is
 *   looked for among the receivers nearby (for a moment, if they are not
 *   all known yet)
 *
 * Finish with ph_destination_resolve_finish(): the destination, or
 * %PH_ERROR_INVALID_ADDRESS (an address that does not parse),
 * %PH_ERROR_NOT_FOUND, %PH_ERROR_AMBIGUOUS, %PH_ERROR_NO_DISCOVERY (a
 * name not found nearby).
 */
void
ph_destination_resolve_async (PhBrowser           *browser,
                              const char          *text,
                              int                  port,
                              gboolean             wants_paths,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(PhDestination) destination = NULL;
  PhNearbyReceiver *nearby = NULL;
  Resolve *resolve;

  g_return_if_fail (browser == NULL || PH_IS_BROWSER (browser));
  g_return_if_fail (text != NULL);
  g_return_if_fail (port >= -1 && port <= G_MAXUINT16);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_destination_resolve_async);
  resolve = g_new0 (Resolve, 1);
  resolve->browser = browser ? g_object_ref (browser) : NULL;
  resolve->text = g_strstrip (g_strdup (text));
  resolve->port_option = port;
  g_task_set_task_data (task, resolve, (GDestroyNotify) resolve_free);

  if (!ph_address_parse (resolve->text, PH_DEFAULT_PORT, &resolve->host, &resolve->port, &parse_error))
    g_clear_pointer (&resolve->host, g_free);
  else if (port != -1)
    resolve->port = (guint16) port;

  if (!looks_like_address (resolve->text))
    {
      resolve->by_name = TRUE;
      ph_browser_lookup_async (looking_browser (resolve), resolve->text, LOOKUP_TIMEOUT_MSEC,
                               cancellable, found_cb, g_steal_pointer (&task));
      return;
    }

  if (resolve->host == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&parse_error));
      return;
    }

  /* Folders keep their structure only with a receiver known to announce
   * paths=1: is this address one seen nearby? */
  if (browser != NULL)
    nearby = ph_browser_find_by_address (browser, resolve->host, resolve->port);
  if (nearby == NULL && wants_paths && g_hostname_is_ip_address (resolve->host))
    {
      ph_browser_lookup_address_async (looking_browser (resolve), resolve->host, resolve->port,
                                       LOOKUP_TIMEOUT_MSEC, cancellable, found_cb,
                                       g_steal_pointer (&task));
      return;
    }

  destination = ph_destination_new (resolve->host, resolve->port);
  if (nearby != NULL)
    take_nearby (destination, nearby);
  g_task_return_pointer (task, g_steal_pointer (&destination), g_object_unref);
}

/* Returns: (transfer full): where to send, and what is known of it */
PhDestination *
ph_destination_resolve_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_destination_resolve_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ph_destination_find_nearby:
 * @browser: (nullable): the receivers nearby
 * @text: (nullable): `HOST[:PORT]`, as typed
 *
 * Returns: (transfer none) (nullable): the receiver nearby announced at
 *   @text now
 */
PhNearbyReceiver *
ph_destination_find_nearby (PhBrowser  *browser,
                            const char *text)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (browser == NULL || text == NULL ||
      !ph_address_parse (text, PH_DEFAULT_PORT, &host, &port, NULL))
    return NULL;

  return ph_browser_find_by_address (browser, host, port);
}
