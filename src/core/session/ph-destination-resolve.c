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
#include "ph-destination-trust.h"
#include "ph-dns-sd.h"
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

static PhNearbyReceiver *find_by_name (PhBrowser  *browser,
                                       const char *name,
                                       guint      *n_found);

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
      /* Among the receivers listed now: at once. */
      if (browser != NULL && (nearby = find_by_name (browser, resolve->text, NULL)) != NULL)
        {
          g_autoptr(GError) none = NULL;

          resolve->by_name = TRUE;
          destination = name_found (resolve, nearby, &none);
          g_task_return_pointer (task, g_steal_pointer (&destination), g_object_unref);
          return;
        }
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

static char *
fold (const char *name)
{
  g_autofree char *normal = g_utf8_normalize (name, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal ? normal : name, -1);
}

/* The one receiver nearby called @name now: written the same way, else
 * the same but for case; none when two are (@n_found says how many). */
static PhNearbyReceiver *
find_by_name (PhBrowser  *browser,
              const char *name,
              guint      *n_found)
{
  GListModel *model = G_LIST_MODEL (browser);
  guint n = g_list_model_get_n_items (model);
  g_autofree char *folded = fold (name);
  PhNearbyReceiver *exact = NULL, *loose = NULL;
  guint n_exact = 0, n_loose = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhNearbyReceiver) peer = g_list_model_get_item (model, i);
      const char *peer_name = ph_nearby_receiver_get_name (peer);
      g_autofree char *peer_folded = NULL;

      if (peer_name == NULL)
        continue;
      if (g_str_equal (peer_name, name))
        exact = peer, n_exact++;
      else if (g_str_equal ((peer_folded = fold (peer_name)), folded))
        loose = peer, n_loose++;
    }

  /* The browser keeps them alive. */
  if (n_found != NULL)
    *n_found = n_exact > 0 ? n_exact : n_loose;
  if (n_exact > 0)
    return n_exact == 1 ? exact : NULL;
  return n_loose == 1 ? loose : NULL;
}

/**
 * ph_destination_find_nearby:
 * @browser: (nullable): the receivers nearby
 * @text: (nullable): `HOST[:PORT]` or a receiver's name, as typed
 *
 * What ph_destination_resolve_async() would find nearby for @text now,
 * without waiting: the receiver announced at that address, or the one
 * receiver called that (ignoring case when no name is written the same
 * way; none when two are).
 *
 * Returns: (transfer none) (nullable): the receiver nearby
 */
PhNearbyReceiver *
ph_destination_find_nearby (PhBrowser  *browser,
                            const char *text)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *host = NULL;
  PhNearbyReceiver *found = NULL;
  guint16 port;

  if (browser == NULL || text == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    return NULL;

  if (ph_address_parse (trimmed, PH_DEFAULT_PORT, &host, &port, NULL))
    found = ph_browser_find_by_address (browser, host, port);
  if (found == NULL && !looks_like_address (trimmed))
    found = find_by_name (browser, trimmed, NULL);

  return found;
}

/**
 * ph_destination_text_for_nearby:
 * @browser: (nullable): the receivers nearby
 * @nearby: a receiver among them
 *
 * The text that finds @nearby, as a person chose it: its name when the
 * name finds it (so its announced identity counts, as for a name typed:
 * no downgrade, no new key trusted silently), else its address. Choosing
 * its row and dropping files on it both send to this text, through the
 * same resolve and the same decision.
 *
 * Returns: (transfer full): its name or `HOST:PORT`
 */
char *
ph_destination_text_for_nearby (PhBrowser        *browser,
                                PhNearbyReceiver *nearby)
{
  const char *name;

  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (nearby), NULL);

  name = ph_nearby_receiver_get_name (nearby);
  if (name != NULL && ph_destination_find_nearby (browser, name) == nearby)
    return g_strdup (name);
  return g_strdup (ph_nearby_receiver_get_address (nearby));
}

/**
 * ph_destination_check_nearby:
 * @devices: (nullable): the devices this computer remembers
 * @nearby: a receiver nearby, as its row shows it
 *
 * Whether files may go to @nearby, chosen by its row or dropped on it,
 * judged as if its name found it: a downgrade or a new key of a device
 * known by its key is refused whatever ph_destination_text_for_nearby()
 * falls back to (another receiver may announce the same name, and its
 * address alone would be a first contact in the clear). What its row
 * warns of (ph_destination_find_downgrade(),
 * ph_destination_find_key_change()).
 *
 * Returns: %FALSE with @error (%PH_ERROR_NOT_ENCRYPTED,
 *   %PH_ERROR_WRONG_KEY, %PH_ERROR_BLOCKED) as sending by its name says
 */
gboolean
ph_destination_check_nearby (PhDevices         *devices,
                             PhNearbyReceiver  *nearby,
                             GError           **error)
{
  g_autoptr(PhDestination) destination = NULL;

  g_return_val_if_fail (devices == NULL || PH_IS_DEVICES (devices), FALSE);
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (nearby), FALSE);

  if (devices == NULL)
    return TRUE;

  destination = ph_destination_new (ph_nearby_receiver_get_host (nearby),
                                    ph_nearby_receiver_get_port (nearby));
  take_nearby (destination, nearby);
  ph_destination_set_found_by_name (destination, ph_nearby_receiver_get_name (nearby) != NULL);
  return ph_destination_decide_channel (destination, devices, FALSE, error);
}

/**
 * ph_destination_choose_nearby:
 * @browser: (nullable): the receivers nearby
 * @devices: (nullable): the devices this computer remembers
 * @nearby: a receiver nearby, chosen by its row (picked, dropped on,
 *   completed to)
 *
 * Returns: (transfer full) (nullable): what Send to says for @nearby
 *   (ph_destination_text_for_nearby()), or %NULL with @error when files
 *   may not go to it (ph_destination_check_nearby())
 */
char *
ph_destination_choose_nearby (PhBrowser         *browser,
                              PhDevices         *devices,
                              PhNearbyReceiver  *nearby,
                              GError           **error)
{
  if (!ph_destination_check_nearby (devices, nearby, error))
    return NULL;
  return ph_destination_text_for_nearby (browser, nearby);
}

/**
 * ph_destination_check_pairable:
 * @devices: (nullable): the devices this computer remembers
 * @nearby: a receiver nearby, as its row shows it
 *
 * Whether pairing with @nearby can work: pairing runs inside the secure
 * channel, which a receiver announced without a key (the original
 * format: the Python scripts, an older Posthouse, one that receives only
 * unencrypted files) speaks only where this computer received files
 * through it before, at its address. A device known by its key that is
 * now announced without one is refused, as sending to it is.
 *
 * Returns: %FALSE with @error (%PH_ERROR_NOT_ENCRYPTED) when it cannot
 */
gboolean
ph_destination_check_pairable (PhDevices         *devices,
                               PhNearbyReceiver  *nearby,
                               GError           **error)
{
  const char *name;
  PhDevice *known;

  g_return_val_if_fail (devices == NULL || PH_IS_DEVICES (devices), FALSE);
  g_return_val_if_fail (PH_IS_NEARBY_RECEIVER (nearby), FALSE);

  if (ph_nearby_receiver_get_fingerprint (nearby) != NULL)
    return TRUE;

  name = ph_nearby_receiver_get_name (nearby);
  if (name == NULL || *name == '\0')
    name = ph_nearby_receiver_get_address (nearby);

  if (devices != NULL)
    {
      g_auto(GStrv) addresses = NULL;

      known = ph_destination_find_downgrade (devices, NULL, ph_nearby_receiver_get_name (nearby),
                                             ph_nearby_receiver_get_id (nearby));
      if (known != NULL)
        {
          g_autofree char *message = ph_destination_describe_downgrade (known, name);

          g_set_error_literal (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED, message);
          return FALSE;
        }

      addresses = ph_nearby_receiver_dup_addresses (nearby);
      for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
        if (ph_devices_lookup_receiver (devices, addresses[i]) != NULL)
          return TRUE;
    }

  /* Translators: a receiver's name */
  g_set_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED,
               _("“%s” receives only unencrypted files (another program, or an older Posthouse): "
                 "pairing needs encryption"), name);
  return FALSE;
}

/**
 * ph_destination_text_is_usable:
 * @browser: (nullable): the receivers nearby
 * @text: (nullable): a destination as typed
 *
 * Whether files can be sent to @text as things stand: an address (or a
 * host name) that parses, or the name of one receiver nearby, as
 * ph_destination_resolve_async() would take it. A name nobody nearby
 * announces, or that two announce, is not, and @error says so.
 *
 * Returns: whether @text is usable now
 */
gboolean
ph_destination_text_is_usable (PhBrowser   *browser,
                               const char  *text,
                               GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *trimmed = NULL;
  guint n_found = 0;

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (ph_destination_text_is_valid (trimmed, &parse_error))
    return TRUE;
  if (trimmed[0] == '\0' || looks_like_address (trimmed) || browser == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&parse_error));
      return FALSE;
    }

  if (find_by_name (browser, trimmed, &n_found) != NULL)
    return TRUE;

  if (n_found > 1)
    /* Translators: a name two receivers nearby announce */
    g_set_error (error, PH_ERROR, PH_ERROR_AMBIGUOUS,
                 _("More than one computer nearby is called “%s”: choose one under Nearby"), trimmed);
  else if (ph_browser_get_state (browser) == PH_BROWSER_UNSUPPORTED)
    g_propagate_error (error, g_steal_pointer (&parse_error));
  else if (!ph_browser_get_available (browser) && g_list_model_get_n_items (G_LIST_MODEL (browser)) == 0)
    /* Translators: a name typed as the destination, then why nothing
     * nearby can be found */
    g_set_error (error, PH_ERROR, PH_ERROR_NO_DISCOVERY, _("Cannot find “%s”: %s"),
                 trimmed, ph_dns_sd_unavailable_message ());
  else
    /* Translators: a name typed as the destination */
    g_set_error (error, PH_ERROR, PH_ERROR_NOT_FOUND,
                 _("No computer nearby is called “%s” right now"), trimmed);
  return FALSE;
}
