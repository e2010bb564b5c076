/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long a running application takes to answer on the session bus.
 *
 *   ph-dbus-probe BUS-NAME OBJECT-PATH INTERVAL-MS
 *
 * Calls org.gtk.Actions.DescribeAll on OBJECT-PATH one call after the
 * other (waiting INTERVAL-MS between an answer and the next call) until
 * SIGTERM or SIGINT, and prints each round trip in microseconds, one a
 * line, on stdout. A call that fails prints "error MESSAGE" instead.
 * The app's main loop answers the call: its latency is how late the
 * loop is. */

#include <signal.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib-unix.h>

static gboolean stop;

static gboolean
stop_cb (gpointer user_data)
{
  stop = TRUE;
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  guint interval;

  if (argc != 4)
    {
      g_printerr ("usage: %s BUS-NAME OBJECT-PATH INTERVAL-MS\n", argv[0]);
      return 2;
    }
  interval = atoi (argv[3]);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_unix_signal_add (SIGTERM, stop_cb, NULL);
  g_unix_signal_add (SIGINT, stop_cb, NULL);
  setvbuf (stdout, NULL, _IOLBF, 0);

  while (!stop)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) call_error = NULL;
      gint64 start = g_get_monotonic_time ();

      reply = g_dbus_connection_call_sync (bus, argv[1], argv[2],
                                           "org.gtk.Actions", "DescribeAll",
                                           NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                           10000, NULL, &call_error);
      if (reply != NULL)
        printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time () - start);
      else
        printf ("error %s\n", call_error->message);

      /* Let the signal sources run, then wait for the next call. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (!stop)
        g_usleep (interval * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  return 0;
}
