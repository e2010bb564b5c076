/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding each other: receive mode announces this computer nearby
 * (PhAnnouncer), an open window looks for receivers (PhBrowser), and
 * recent destinations remember the names they had. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-application-private.h"

#define MAX_RECENT_DESTINATIONS 5

/* Announcing ---------------------------------------------------------- */

static void
announcer_state_cb (PhAnnouncer   *announcer,
                    GParamSpec    *pspec,
                    PhApplication *self)
{
  g_autofree char *message = NULL;

  switch (ph_announcer_get_state (announcer))
    {
    case PH_ANNOUNCER_UNAVAILABLE:
      message = g_strdup (_("Not shown to computers nearby: the Avahi service isn’t running. "
                            "Senders can still use this computer’s address."));
      break;
    case PH_ANNOUNCER_FAILED:
      /* Translators: %s says why (from the Avahi service) */
      message = g_strdup_printf (_("Not shown to computers nearby: %s"),
                                 ph_announcer_get_error_message (announcer));
      break;
    case PH_ANNOUNCER_STOPPED:
    case PH_ANNOUNCER_UNSUPPORTED:
    case PH_ANNOUNCER_REGISTERING:
    case PH_ANNOUNCER_ANNOUNCED:
    default:
      return;
    }

  /* Receiving goes on by address: say it once, the receive panel keeps
   * saying it. */
  if (self->announce_noticed)
    return;
  self->announce_noticed = TRUE;
  ph_application_report_notice (self, message);
}

static void
device_name_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree char *name = ph_device_name_query_finish (result, NULL);
  PhApplication *self = user_data;

  /* Cancelled: receiving stopped meanwhile (or the application went). */
  if (name == NULL)
    return;

  g_clear_object (&self->announce_cancellable);
  ph_announcer_set_name (self->announcer, name);
  ph_announcer_start (self->announcer);
}

/* Follows the receive settings that are announced: a change withdraws
 * the announcement and announces the new values. */
void
ph_application_update_announcement (PhApplication *self)
{
  ph_announcer_set_asks_before_accepting (self->announcer,
                                          g_settings_get_boolean (self->settings, "ask-before-accepting"));
  /* The receiver keeps a folder's structure, from anyone (SPEC). */
  ph_announcer_set_accepts_paths (self->announcer, TRUE);
  if (self->receiver != NULL && ph_receiver_get_port (self->receiver) > 0)
    ph_announcer_set_port (self->announcer, ph_receiver_get_port (self->receiver));
}

/* Announces the receiver just started, under the device's name, where
 * it listens: on the one interface it may be limited to. */
void
ph_application_start_announcing (PhApplication *self)
{
  g_autoptr(GError) error = NULL;
  guint interface_index = 0;
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;

  g_return_if_fail (self->receiver != NULL);

  g_clear_pointer (&self->announce_error, g_free);
  if (self->bind_address != NULL &&
      !ph_interface_for_address (self->bind_address, &interface_index, &family, &error))
    {
      self->announce_error = g_strdup (error->message);
      return;
    }

  ph_announcer_restrict (self->announcer, interface_index, family);
  ph_application_update_announcement (self);

  g_cancellable_cancel (self->announce_cancellable);
  g_clear_object (&self->announce_cancellable);
  self->announce_cancellable = g_cancellable_new ();
  ph_device_name_query_async (self->announce_cancellable, device_name_cb, self);
}

/* Withdraws the announcement (Avahi says goodbye on the network). */
void
ph_application_stop_announcing (PhApplication *self)
{
  g_cancellable_cancel (self->announce_cancellable);
  g_clear_object (&self->announce_cancellable);
  g_clear_pointer (&self->announce_error, g_free);
  if (self->announcer != NULL)
    ph_announcer_stop (self->announcer);
}

/* Returns: (transfer none): what announces this computer while it receives */
PhAnnouncer *
ph_application_get_announcer (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return self->announcer;
}

/* Returns: (nullable): why receiving is not announced although it could
 * be (limited to an interface nobody nearby can reach), else NULL */
const char *
ph_application_get_announce_error (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return self->announce_error;
}

/* Browsing ------------------------------------------------------------ */

/* Returns: (transfer none): the receivers nearby, while a window looks */
PhBrowser *
ph_application_get_browser (PhApplication *self)
{
  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  return self->browser;
}

/* Looks for receivers nearby while at least one holder (a window on
 * screen) wants it: nothing is browsed with no window shown. */
void
ph_application_hold_browsing (PhApplication *self)
{
  g_return_if_fail (PH_IS_APPLICATION (self));

  if (self->n_browsing++ == 0)
    ph_browser_start (self->browser);
}

void
ph_application_release_browsing (PhApplication *self)
{
  g_return_if_fail (PH_IS_APPLICATION (self));

  /* Windows let go as the application ends. */
  if (self->browser == NULL || self->n_browsing == 0)
    return;

  if (--self->n_browsing == 0)
    ph_browser_stop (self->browser);
}

/**
 * ph_application_find_nearby:
 * @destination: `HOST[:PORT]`, as in the destination field
 *
 * Returns: (transfer none) (nullable): the receiver nearby announced at
 *   @destination
 */
PhNearbyReceiver *
ph_application_find_nearby (PhApplication *self,
                            const char    *destination)
{
  g_autofree char *host = NULL;
  guint16 port;

  g_return_val_if_fail (PH_IS_APPLICATION (self), NULL);

  if (destination == NULL || !ph_address_parse (destination, PH_DEFAULT_PORT, &host, &port, NULL))
    return NULL;

  return ph_browser_find_by_address (self->browser, host, port);
}

/* Recent destinations ------------------------------------------------- */

/**
 * ph_application_remember_destination:
 * @destination: where files were just sent
 * @name: (nullable): the name it announced nearby
 *
 * Puts @destination first in the recent destinations, with @name if it
 * has one. Without a name, a name it had is kept unless discovery had a
 * complete look around and no receiver announces @destination now.
 */
void
ph_application_remember_destination (PhApplication *self,
                                     const char    *destination,
                                     const char    *name)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-destinations");
  g_autoptr(GVariant) names = g_settings_get_value (self->settings, "recent-names");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GVariantBuilder) new_names = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariant) updated_names = NULL;
  g_auto(GStrv) updated = NULL;
  const char *kept = NULL;
  guint n = 1;

  /* A name it had stays while discovery cannot tell. */
  if (name == NULL &&
      !(ph_browser_get_available (self->browser) && ph_browser_get_settled (self->browser)))
    g_variant_lookup (names, destination, "&s", &kept);
  if (name != NULL || kept != NULL)
    g_variant_builder_add (&new_names, "{ss}", destination, name ? name : kept);

  g_strv_builder_add (builder, destination);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_DESTINATIONS; i++)
    {
      const char *other = NULL;

      if (g_strcmp0 (recent[i], destination) == 0)
        continue;

      g_strv_builder_add (builder, recent[i]);
      if (g_variant_lookup (names, recent[i], "&s", &other))
        g_variant_builder_add (&new_names, "{ss}", recent[i], other);
      n++;
    }

  updated = g_strv_builder_end (builder);
  updated_names = g_variant_ref_sink (g_variant_builder_end (&new_names));

  /* Names first: the menu is made again when the list changes. */
  if (!g_variant_equal (updated_names, names))
    g_settings_set_value (self->settings, "recent-names", updated_names);
  if (!g_strv_equal ((const char * const *) updated, (const char * const *) recent))
    g_settings_set_strv (self->settings, "recent-destinations", (const char * const *) updated);
}

/* Setting up ---------------------------------------------------------- */

void
ph_application_init_nearby (PhApplication *self)
{
  self->browser = ph_browser_new ();
  self->announcer = ph_announcer_new ();
  g_signal_connect (self->announcer, "notify::state", G_CALLBACK (announcer_state_cb), self);
}

void
ph_application_dispose_nearby (PhApplication *self)
{
  ph_application_stop_announcing (self);
  if (self->announcer != NULL)
    g_signal_handlers_disconnect_by_data (self->announcer, self);
  g_clear_object (&self->announcer);
  if (self->browser != NULL)
    ph_browser_stop (self->browser);
  g_clear_object (&self->browser);
  self->n_browsing = 0;
}
