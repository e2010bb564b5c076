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
 *   ph-mdns-peer flood COUNT PORT
 *       announces COUNT receivers "Flood NNNN" (random ids) on this
 *       host, over IPv4; "published T COUNT" once all are on the network
 *   ph-mdns-peer fake NAME PORT HOST_NAME ADDRESS [ID]
 *       announces a receiver whose SRV record names HOST_NAME, and an
 *       address record HOST_NAME -> ADDRESS, as a host pretending to be
 *       elsewhere would; "published T"
 *
 * The watcher also says "objects T NOW PEAK" (the Avahi objects its
 * browser holds) whenever the peak grows, and once settled.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gunixinputstream.h>

#ifdef HAVE_AVAHI
#include <avahi-client/publish.h>
#include <avahi-common/error.h>
#include <avahi-glib/glib-watch.h>
#endif

#include "posthouse-core.h"
#include "ph-browser-private.h"
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

static guint said_peak;

static void
say_objects (PhBrowser *browser,
             gboolean   always)
{
  guint now = 0, peak = 0;

  ph_browser_get_avahi_objects (browser, &now, &peak);
  if (always || peak > said_peak)
    say ("objects %" G_GINT64_FORMAT " %u %u", g_get_monotonic_time (), now, peak);
  said_peak = MAX (said_peak, peak);
}

static gboolean
objects_cb (gpointer user_data)
{
  say_objects (user_data, FALSE);
  return G_SOURCE_CONTINUE;
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
    {
      say ("settled %" G_GINT64_FORMAT, g_get_monotonic_time ());
      say_objects (browser, TRUE);
    }
}

static int
watch (void)
{
  g_autoptr(PhBrowser) browser = ph_browser_new ();

  shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (browser, "items-changed", G_CALLBACK (items_changed_cb), NULL);
  g_signal_connect (browser, "notify", G_CALLBACK (browser_notify_cb), NULL);
  ph_browser_start (browser);
  g_timeout_add (100, objects_cb, browser);

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

/* flood, fake ------------------------------------------------------- */

#ifdef HAVE_AVAHI

/* What avahi-daemon takes in one entry group by default. */
#define ENTRIES_PER_GROUP 32

typedef struct
{
  guint       groups;
  guint       established;
  guint       count;
  AvahiClient *client;
} Publisher;

static void
group_cb (AvahiEntryGroup      *group,
          AvahiEntryGroupState  state,
          void                 *user_data)
{
  Publisher *publisher = user_data;

  if (state == AVAHI_ENTRY_GROUP_ESTABLISHED && ++publisher->established == publisher->groups)
    say ("published %" G_GINT64_FORMAT " %u", g_get_monotonic_time (), publisher->count);
  else if (state == AVAHI_ENTRY_GROUP_COLLISION || state == AVAHI_ENTRY_GROUP_FAILURE)
    {
      say ("failed %" G_GINT64_FORMAT " %s", g_get_monotonic_time (),
           avahi_strerror (avahi_client_errno (avahi_entry_group_get_client (group))));
      g_main_loop_quit (loop);
    }
}

static AvahiClient *
connect_avahi (AvahiGLibPoll *poll)
{
  int error = 0;
  AvahiClient *client = avahi_client_new (avahi_glib_poll_get (poll), 0, NULL, NULL, &error);

  if (client == NULL)
    g_printerr ("No Avahi daemon: %s\n", avahi_strerror (error));
  return client;
}

static AvahiStringList *
txt_for (const char *id)
{
  g_autofree char *random_id = NULL;
  g_auto(GStrv) pairs = NULL;

  if (id == NULL)
    {
      GString *hex = g_string_new (NULL);

      for (guint i = 0; i < 4; i++)
        g_string_append_printf (hex, "%08x", g_random_int ());
      random_id = g_string_free (hex, FALSE);
    }
  pairs = ph_dns_sd_txt_build (id ? id : random_id, FALSE, FALSE);
  return avahi_string_list_new_from_array ((const char **) pairs, -1);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AvahiGLibPoll, avahi_glib_poll_free)

static gboolean
failed (int ret)
{
  if (ret < 0)
    g_printerr ("Cannot publish: %s\n", avahi_strerror (ret));
  return ret < 0;
}

static int
flood (guint count,
       guint port)
{
  g_autoptr(AvahiGLibPoll) poll = NULL;
  Publisher publisher = { 0 };
  AvahiEntryGroup *group = NULL;
  GPtrArray *groups;

  poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  publisher.client = connect_avahi (poll);
  if (publisher.client == NULL)
    return 1;

  publisher.count = count;
  publisher.groups = (count + ENTRIES_PER_GROUP - 1) / ENTRIES_PER_GROUP;
  groups = g_ptr_array_new ();
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *name = g_strdup_printf ("Flood %04u", i + 1);
      AvahiStringList *txt = txt_for (NULL);
      int ret;

      if (i % ENTRIES_PER_GROUP == 0)
        {
          group = avahi_entry_group_new (publisher.client, group_cb, &publisher);
          g_ptr_array_add (groups, group);
        }
      /* Over IPv4: as many announcements, half the records to publish. */
      ret = group ? avahi_entry_group_add_service_strlst (group, AVAHI_IF_UNSPEC, AVAHI_PROTO_INET, 0,
                                                          name, PH_SERVICE_TYPE, NULL, NULL,
                                                          (guint16) port, txt)
                  : avahi_client_errno (publisher.client);
      avahi_string_list_free (txt);
      if (failed (ret))
        return 1;
    }
  /* All at once, once all are made: a daemon busy announcing the first
   * ones would be slow to take the rest. */
  for (guint i = 0; i < groups->len; i++)
    if (failed (avahi_entry_group_commit (g_ptr_array_index (groups, i))))
      return 1;
  g_ptr_array_unref (groups);

  g_main_loop_run (loop);
  avahi_client_free (publisher.client);
  return 0;
}

static int
fake (const char *name,
      guint       port,
      const char *host_name,
      const char *address,
      const char *id)
{
  g_autoptr(AvahiGLibPoll) poll = NULL;
  Publisher publisher = { .groups = 1, .count = 1 };
  AvahiEntryGroup *group;
  AvahiStringList *txt;
  AvahiAddress parsed;
  int ret = AVAHI_OK;

  poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  publisher.client = connect_avahi (poll);
  if (publisher.client == NULL)
    return 1;

  group = avahi_entry_group_new (publisher.client, group_cb, &publisher);
  if (!g_str_equal (address, "-"))
    {
      if (avahi_address_parse (address, AVAHI_PROTO_UNSPEC, &parsed) == NULL)
        {
          g_printerr ("Not an address: %s\n", address);
          return 2;
        }
      ret = avahi_entry_group_add_address (group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                           AVAHI_PUBLISH_NO_REVERSE, host_name, &parsed);
    }
  txt = txt_for (id);
  if (ret >= 0)
    ret = avahi_entry_group_add_service_strlst (group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0,
                                                name, PH_SERVICE_TYPE, NULL, host_name,
                                                (guint16) port, txt);
  avahi_string_list_free (txt);
  if (ret >= 0)
    ret = avahi_entry_group_commit (group);
  if (failed (ret))
    return 1;

  g_main_loop_run (loop);
  avahi_client_free (publisher.client);
  return 0;
}

#endif /* HAVE_AVAHI */

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
#ifdef HAVE_AVAHI
  if (argc == 4 && g_str_equal (argv[1], "flood"))
    return flood ((guint) atoi (argv[2]), (guint) atoi (argv[3]));
  if ((argc == 6 || argc == 7) && g_str_equal (argv[1], "fake"))
    return fake (argv[2], (guint) atoi (argv[3]), argv[4], argv[5], argc == 7 ? argv[6] : NULL);
#endif

  g_printerr ("usage: %s watch | announce NAME PORT | hostnamed PRETTY | flood COUNT PORT\n"
              "       | fake NAME PORT HOST_NAME ADDRESS [ID]\n", argv[0]);
  return 2;
}
