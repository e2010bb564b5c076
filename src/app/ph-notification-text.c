/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A notification's body as its server reads it. Some servers read a
 * body as markup (dunst, KDE, any freedesktop.org server that
 * advertises "body-markup", and what the portal hands them), some as
 * plain text (GNOME Shell's org.gtk.Notifications): a sender's
 * "<a href=…>" or "&" must show as written on both. So bodies are
 * escaped unless the server GLib talks to is known to read plain text,
 * as GLib chooses it: GNOTIFICATION_BACKEND, the portal in a sandbox,
 * org.gtk.Notifications when it is there, else org.freedesktop.
 * Notifications. Until the server has said, and when it cannot be
 * known, bodies are escaped: "&amp;" on a plain server is a blemish,
 * markup on the other kind is someone else's words. */
#include "config.h"

#include <string.h>

#include "ph-notification-text.h"

typedef enum
{
  READS_UNKNOWN,
  READS_PLAIN,
  READS_MARKUP,
} Reads;

static Reads reads = READS_UNKNOWN;
static GCancellable *probing;
static guint watches[2];

static void
settle (Reads what)
{
  reads = what;
  g_debug ("Notification bodies are %s", what == READS_PLAIN ? "plain text" : "markup");
}

static void
capabilities_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);
  g_autofree const char **capabilities = NULL;

  if (reply == NULL)
    return;  /* cancelled, or no server: stay careful */

  g_variant_get (reply, "(^a&s)", &capabilities);
  settle (g_strv_contains (capabilities, "body-markup") ? READS_MARKUP : READS_PLAIN);
}

static void
ask_capabilities (GDBusConnection *bus)
{
  g_dbus_connection_call (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.Notifications", "GetCapabilities", NULL, G_VARIANT_TYPE ("(as)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, probing, capabilities_cb, NULL);
}

static void
gtk_owner_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  gboolean owned = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  /* GNOME Shell: the body is plain text. */
  if (owned)
    settle (READS_PLAIN);
  else
    ask_capabilities (G_DBUS_CONNECTION (object));
}

/* In a sandbox, the portal passes bodies on to the desktop's own
 * server: GNOME's reads plain text, the others (xdg-desktop-portal-gtk
 * on a freedesktop.org server, KDE) may read markup. */
static Reads
portal_reads (void)
{
  const char *desktops = g_getenv ("XDG_CURRENT_DESKTOP");
  g_auto(GStrv) names = g_strsplit (desktops ? desktops : "", ":", -1);

  return g_strv_contains ((const char * const *) names, "GNOME") ? READS_PLAIN : READS_MARKUP;
}

static gboolean
uses_portal (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) || g_getenv ("SNAP") != NULL ||
         g_strcmp0 (g_getenv ("GTK_USE_PORTAL"), "1") == 0;
}

static void
probe (GDBusConnection *bus)
{
  const char *backend = g_getenv ("GNOTIFICATION_BACKEND");

  g_cancellable_cancel (probing);
  g_clear_object (&probing);
  probing = g_cancellable_new ();
  reads = READS_UNKNOWN;

  if (g_strcmp0 (backend, "gtk") == 0)
    settle (READS_PLAIN);
  else if (g_strcmp0 (backend, "portal") == 0 || (backend == NULL && uses_portal ()))
    settle (portal_reads ());
  else if (g_strcmp0 (backend, "freedesktop") == 0)
    ask_capabilities (bus);
  else
    g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                            "NameHasOwner", g_variant_new ("(s)", "org.gtk.Notifications"),
                            G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, probing, gtk_owner_cb, NULL);
}

static void
server_changed_cb (GDBusConnection *bus,
                   const char      *name,
                   const char      *owner,
                   gpointer         user_data)
{
  probe (bus);
}

static void
server_gone_cb (GDBusConnection *bus,
                const char      *name,
                gpointer         user_data)
{
  probe (bus);
}

/**
 * ph_notification_text_probe:
 * @application: a registered application
 *
 * Finds out (asynchronously) how @application's notification server
 * reads bodies, and again whenever a server comes or goes.
 */
void
ph_notification_text_probe (GApplication *application)
{
  GDBusConnection *bus = g_application_get_dbus_connection (application);
  static const char *names[] = { "org.freedesktop.Notifications", "org.gtk.Notifications" };

  if (bus == NULL || watches[0] != 0)
    return;

  /* The first callback of each watch says whether the name is owned,
   * and probes. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    watches[i] = g_bus_watch_name_on_connection (bus, names[i], G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                 server_changed_cb, server_gone_cb, NULL, NULL);
}

/* Stops listening (the application goes). */
void
ph_notification_text_stop (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (watches); i++)
    if (watches[i] != 0)
      g_bus_unwatch_name (watches[i]);
  memset (watches, 0, sizeof watches);
  g_cancellable_cancel (probing);
  g_clear_object (&probing);
  reads = READS_UNKNOWN;
}

gboolean
ph_notification_text_reads_markup (void)
{
  return reads != READS_PLAIN;
}

/**
 * ph_notification_text_set_body:
 * @body: plain text, whatever a sender chose in it
 *
 * Sets @body so that it shows as written: escaped for a server that
 * reads markup (or may).
 */
void
ph_notification_text_set_body (GNotification *notification,
                               const char    *body)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (G_IS_NOTIFICATION (notification));

  if (body != NULL && ph_notification_text_reads_markup ())
    body = escaped = g_markup_escape_text (body, -1);
  g_notification_set_body (notification, body);
}
