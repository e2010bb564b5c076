/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's discovery on its own, for the mdns suite: each event
 * on one line of stdout, with the CLOCK_MONOTONIC time in
 * microseconds, so that the test measures how fast things are seen.
 *
 *   ph-mdns-peer watch
 *       PhBrowser: "state T NICK", "settled T", "+ T NAME\tADDRESS\tFLAGS",
 *       "~ T NAME\tADDRESS\tFLAGS" (changed), "- T NAME"
 *   ph-mdns-peer announce NAME PORT
 *       PhAnnouncer: "state T NICK NAME"; stdin takes "port N",
 *       "ask 0|1", "paths 0|1", "name TEXT", "stop", "start"
 *   ph-mdns-peer hostnamed PRETTY
 *       owns org.freedesktop.hostname1 on the system bus and answers
 *       PrettyHostname, as systemd-hostnamed does; "ready T" once owned
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gunixinputstream.h>

#include "posthouse-core.h"
#include "ph-test-hostnamed.h"

static GMainLoop *loop;
static GPtrArray *shown;   /* the browser's items as last printed */

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stdout, "%s\n", text);
  fflush (stdout);
}

static const char *
nick (GType       type,
      int         value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  return found ? found->value_nick : "?";
}

static char *
describe (PhNearbyReceiver *peer)
{
  const char *flags = ph_nearby_receiver_get_asks_before_accepting (peer)
                      ? (ph_nearby_receiver_get_accepts_paths (peer) ? "ask,paths" : "ask")
                      : (ph_nearby_receiver_get_accepts_paths (peer) ? "paths" : "-");

  return g_strdup_printf ("%s\t%s\t%s", ph_nearby_receiver_get_name (peer), ph_nearby_receiver_get_address (peer), flags);
}

/* watch -------------------------------------------------------------- */

static void
peer_notify_cb (PhNearbyReceiver     *peer,
                GParamSpec *pspec,
                gpointer    user_data)
{
  g_autofree char *text = describe (peer);

  say ("~ %" G_GINT64_FORMAT " %s", g_get_monotonic_time (), text);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < removed; i++)
    {
      PhNearbyReceiver *peer = g_ptr_array_index (shown, position);

      g_signal_handlers_disconnect_by_func (peer, peer_notify_cb, NULL);
      say ("- %" G_GINT64_FORMAT " %s", now, ph_nearby_receiver_get_name (peer));
      g_ptr_array_remove_index (shown, position);
    }

  for (guint i = 0; i < added; i++)
    {
      PhNearbyReceiver *peer = g_list_model_get_item (model, position + i);
      g_autofree char *text = describe (peer);

      g_ptr_array_insert (shown, position + i, peer);
      g_signal_connect (peer, "notify", G_CALLBACK (peer_notify_cb), NULL);
      say ("+ %" G_GINT64_FORMAT " %s", now, text);
    }
}

static void
browser_notify_cb (PhBrowser  *browser,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  if (g_str_equal (pspec->name, "state"))
    say ("state %" G_GINT64_FORMAT " %s", g_get_monotonic_time (),
         nick (PH_TYPE_BROWSER_STATE, ph_browser_get_state (browser)));
  else if (g_str_equal (pspec->name, "settled") && ph_browser_get_settled (browser))
    say ("settled %" G_GINT64_FORMAT, g_get_monotonic_time ());
}

static int
watch (void)
{
  g_autoptr(PhBrowser) browser = ph_browser_new ();

  shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (browser, "items-changed", G_CALLBACK (items_changed_cb), NULL);
  g_signal_connect (browser, "notify", G_CALLBACK (browser_notify_cb), NULL);
  ph_browser_start (browser);

  g_main_loop_run (loop);
  return 0;
}

/* announce ----------------------------------------------------------- */

static void
announcer_notify_cb (PhAnnouncer *announcer,
                     GParamSpec  *pspec,
                     gpointer     user_data)
{
  say ("state %" G_GINT64_FORMAT " %s %s", g_get_monotonic_time (),
       nick (PH_TYPE_ANNOUNCER_STATE, ph_announcer_get_state (announcer)),
       ph_announcer_get_announced_name (announcer) ? ph_announcer_get_announced_name (announcer) : "");
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PhAnnouncer *announcer = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                                     result, NULL, NULL);

  if (line == NULL)
    {
      g_main_loop_quit (loop);
      return;
    }

  if (g_str_has_prefix (line, "port "))
    ph_announcer_set_port (announcer, (guint) atoi (line + 5));
  else if (g_str_has_prefix (line, "ask "))
    ph_announcer_set_asks_before_accepting (announcer, atoi (line + 4));
  else if (g_str_has_prefix (line, "paths "))
    ph_announcer_set_accepts_paths (announcer, atoi (line + 6));
  else if (g_str_has_prefix (line, "name "))
    ph_announcer_set_name (announcer, line + 5);
  else if (g_str_equal (line, "stop"))
    ph_announcer_stop (announcer);
  else if (g_str_equal (line, "start"))
    ph_announcer_start (announcer);

  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (object), G_PRIORITY_DEFAULT,
                                       NULL, line_cb, announcer);
}

static int
announce (const char *name,
          const char *port)
{
  g_autoptr(PhAnnouncer) announcer = ph_announcer_new ();
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (stdin_stream);

  ph_announcer_set_name (announcer, name);
  ph_announcer_set_port (announcer, (guint) atoi (port));
  g_signal_connect (announcer, "notify::state", G_CALLBACK (announcer_notify_cb), NULL);
  g_signal_connect (announcer, "notify::announced-name", G_CALLBACK (announcer_notify_cb), NULL);
  ph_announcer_start (announcer);

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_cb, announcer);
  g_main_loop_run (loop);
  return 0;
}

/* hostnamed --------------------------------------------------------- */

static int
hostnamed (const char *pretty)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  gboolean owned = FALSE;

  if (bus == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  ph_test_hostnamed_serve (bus, pretty, &owned);
  while (!owned)
    g_main_context_iteration (NULL, TRUE);
  say ("ready %" G_GINT64_FORMAT, g_get_monotonic_time ());

  g_main_loop_run (loop);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  loop = g_main_loop_new (NULL, FALSE);

  if (argc == 2 && g_str_equal (argv[1], "watch"))
    return watch ();
  if (argc == 4 && g_str_equal (argv[1], "announce"))
    return announce (argv[2], argv[3]);
  if (argc == 3 && g_str_equal (argv[1], "hostnamed"))
    return hostnamed (argv[2]);

  g_printerr ("usage: %s watch | announce NAME PORT | hostnamed PRETTY\n", argv[0]);
  return 2;
}
