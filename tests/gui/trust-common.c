/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the GUI tests of trust share: keys, windows found, screenshots,
 * an app whose list of devices is emptied after each case. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ph-browser-private.h"
#include "trust-common.h"

char *
trust_key (const char *seed)
{
  return ph_fingerprint_from_spki ((const guint8 *) seed, strlen (seed));
}

static gboolean
on_screen (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0;
}

/* Once @widget is on screen (a window just opened is not yet), and
 * drawn. */
void
trust_screenshot (GtkWidget  *widget,
                  const char *name)
{
  const char *dir = g_getenv ("PH_SCREENSHOT_DIR");
  g_autofree char *default_dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width;
  int height;

  gui_wait_until (on_screen, widget, "the widget on screen, for its screenshot");
  gui_iterate (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  dir = dir ? dir : default_dir;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The one window of @type the application shows, or NULL. */
GtkWindow *
trust_find_window (PhApplication *app,
                   GType          type)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;
  return NULL;
}

GtkWidget *
trust_find_child (GtkWidget *root,
                  GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = trust_find_child (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}


static void
peer_run_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TrustPeer *peer = user_data;

  peer->ok = ph_secure_receive_run_finish (PH_SECURE_RECEIVE (object), result, NULL);
  peer->done = TRUE;
}

static gboolean
peer_says_cb (gpointer user_data)
{
  TrustPeer *peer = user_data;

  peer->answer_id = 0;
  if (peer->pairing == NULL)
    return G_SOURCE_REMOVE;
  if (peer->confirms)
    ph_pairing_confirm (peer->pairing);
  else
    ph_pairing_reject (peer->pairing);
  return G_SOURCE_REMOVE;
}

static void
peer_state_cb (PhPairing  *pairing,
               GParamSpec *pspec,
               TrustPeer  *peer)
{
  if (ph_pairing_get_state (pairing) == PH_PAIRING_COMPARING)
    {
      g_clear_handle_id (&peer->answer_id, g_source_remove);
      peer->answer_id = g_timeout_add (peer->delay_ms, peer_says_cb, peer);
    }
}

/* Its person compares the six digits of @pairing and answers. */
void
trust_peer_answer (TrustPeer *peer,
                   PhPairing *pairing)
{
  if (peer->pairing != NULL)
    g_signal_handlers_disconnect_by_data (peer->pairing, peer);
  g_set_object (&peer->pairing, pairing);
  g_signal_connect (pairing, "notify::state", G_CALLBACK (peer_state_cb), peer);
}

static void
peer_pairing_cb (PhSecureReceive *session,
                 PhPairing       *pairing,
                 TrustPeer       *peer)
{
  trust_peer_answer (peer, pairing);
}

static void
peer_peeked_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TrustPeer *peer = user_data;
  g_autoptr(GSocketConnection) connection = G_SOCKET_CONNECTION (object);
  g_autoptr(GFile) dir = g_file_new_for_path (peer->dir);
  g_autoptr(PhSecureReceive) session = NULL;
  gboolean tls = FALSE;

  if (!ph_first_byte_peek_finish (connection, result, &tls, NULL) || !tls)
    return;

  session = ph_secure_receive_new (connection, peer->identity, dir);
  ph_secure_receive_set_device_name (session, peer->name);
  ph_secure_receive_set_devices (session, peer->devices);
  g_signal_connect (session, "pairing", G_CALLBACK (peer_pairing_cb), peer);
  ph_secure_receive_run_async (session, peer->stop, peer_run_cb, peer);
}

static void
peer_accepted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TrustPeer *peer = user_data;
  GSocketConnection *connection =
    g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);

  if (connection == NULL)
    return;
  ph_first_byte_peek_async (connection, NULL, peer_peeked_cb, peer);
  g_socket_listener_accept_async (peer->listener, peer->stop, peer_accepted_cb, peer);
}

/**
 * trust_peer_new:
 * @dir: its folder (made)
 * @identity: (nullable): its key; NULL: one of its own, made in @dir
 *
 * Listens on loopback at once, as "Study Laptop"; its person says the
 * numbers match, 200 ms after they show.
 */
TrustPeer *
trust_peer_new (const char *dir,
                PhIdentity *identity)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *list = g_build_filename (dir, "devices.ini", NULL);
  TrustPeer *peer = g_new0 (TrustPeer, 1);

  g_mkdir_with_parents (dir, 0700);
  peer->dir = g_strdup (dir);
  peer->name = g_strdup ("Study Laptop");
  peer->confirms = TRUE;
  peer->delay_ms = 200;
  if (identity != NULL)
    peer->identity = g_object_ref (identity);
  else
    {
      g_autofree char *id_dir = g_build_filename (dir, "identity", NULL);

      peer->identity = ph_identity_load (id_dir, &error);
      g_assert_no_error (error);
    }
  peer->devices = ph_devices_new (list);
  ph_devices_load (peer->devices, &error);
  g_assert_no_error (error);

  peer->stop = g_cancellable_new ();
  peer->listener = g_socket_listener_new ();
  g_socket_listener_add_address (peer->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  peer->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_accept_async (peer->listener, peer->stop, peer_accepted_cb, peer);
  return peer;
}

/* A GuiCondition: its screen shows the six digits. */
gboolean
trust_peer_code_shown (gpointer data)
{
  TrustPeer *peer = data;

  return peer->pairing != NULL && ph_pairing_get_code (peer->pairing) != NULL;
}

void
trust_peer_free (TrustPeer *peer)
{
  g_clear_handle_id (&peer->answer_id, g_source_remove);
  g_cancellable_cancel (peer->stop);
  g_socket_listener_close (peer->listener);
  if (peer->pairing != NULL)
    g_signal_handlers_disconnect_by_data (peer->pairing, peer);
  g_clear_object (&peer->pairing);
  ph_devices_flush (peer->devices, NULL);
  g_clear_object (&peer->devices);
  g_clear_object (&peer->identity);
  g_clear_object (&peer->listener);
  g_clear_object (&peer->stop);
  g_free (peer->name);
  g_free (peer->dir);
  g_free (peer);
}

static void
output_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TrustOutput *output = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                                     result, NULL, NULL);

  if (line == NULL)
    {
      output->eof = TRUE;
      return;
    }
  g_string_append_printf (output->text, "%s\n", line);
  g_data_input_stream_read_line_async (output->stream, G_PRIORITY_DEFAULT, NULL, output_line_cb, output);
}

/* Collects the lines of @stream (a pipe from a program) until it ends. */
TrustOutput *
trust_output_new (GInputStream *stream)
{
  TrustOutput *output = g_new0 (TrustOutput, 1);

  output->stream = g_data_input_stream_new (stream);
  output->text = g_string_new (NULL);
  g_data_input_stream_read_line_async (output->stream, G_PRIORITY_DEFAULT, NULL, output_line_cb, output);
  return output;
}

typedef struct
{
  TrustOutput *output;
  GRegex      *regex;
} OutputWait;

static gboolean
output_matches (gpointer data)
{
  OutputWait *wait = data;
  gboolean found = g_regex_match (wait->regex, wait->output->text->str, 0, NULL);

  if (!found && wait->output->eof)
    g_error ("the program ended without %s: %s", g_regex_get_pattern (wait->regex), wait->output->text->str);
  return found;
}

/**
 * trust_output_wait:
 * @pattern: a regular expression, ^ and $ at each line
 *
 * Returns: (transfer full): its first group, once a line matches
 */
char *
trust_output_wait (TrustOutput *output,
                   const char  *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;
  OutputWait wait = { output, regex };

  gui_wait_until (output_matches, &wait, pattern);
  g_regex_match (regex, output->text->str, 0, &info);
  return g_match_info_fetch (info, 1);
}

static gboolean
output_ended (gpointer data)
{
  return ((TrustOutput *) data)->eof;
}

/* Once the program's end closed it. */
void
trust_output_free (TrustOutput *output)
{
  gui_wait_until (output_ended, output, "the end of the program's output");
  g_clear_object (&output->stream);
  g_string_free (output->text, TRUE);
  g_free (output);
}

/* A receiver of the original format only (as the Python scripts), on
 * 127.0.0.1 and a port of its own, saving into @dir. */
PhReceiver *
trust_plain_receiver (const char *dir)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  PhReceiver *receiver = ph_receiver_new (folder);

  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  ph_receiver_set_port (receiver, 0);
  ph_receiver_start (receiver, &error);
  g_assert_no_error (error);
  return receiver;
}

typedef struct
{
  PhWindow   *window;
  const char *name;
} Named;

/* The row nearby called @name, or NULL. */
PhNearbyRow *
trust_find_nearby_row (PhWindow   *window,
                       const char *name)
{
  PhNearbyList *list = ph_panel_get_nearby_list (ph_window_get_panel (window));

  for (guint i = 0; ph_nearby_list_get_row (list, i) != NULL; i++)
    {
      PhNearbyRow *row = ph_nearby_list_get_row (list, i);

      if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name))
        return row;
    }
  return NULL;
}

static gboolean
row_listed (gpointer data)
{
  Named *named = data;

  return trust_find_nearby_row (named->window, named->name) != NULL;
}

/* Until a row nearby is called @name. */
PhNearbyRow *
trust_wait_nearby_row (PhWindow   *window,
                       const char *name)
{
  Named named = { window, name };

  gui_wait_until (row_listed, &named, name);
  return trust_find_nearby_row (window, name);
}

/* Any warning, in trust_wait_row(). */
const char TRUST_SOME_WARNING[] = "(some warning)";

typedef struct
{
  PhNearbyRow *row;
  int          paired;
  const char  *warning;
  const char  *subtitle;
} RowState;

static gboolean
row_in_state (gpointer data)
{
  RowState *state = data;
  const char *warning = ph_nearby_row_get_warning (state->row);

  if (state->paired >= 0 && !!ph_nearby_row_get_paired (state->row) != state->paired)
    return FALSE;
  if (state->warning == TRUST_SOME_WARNING ? warning == NULL : g_strcmp0 (warning, state->warning) != 0)
    return FALSE;
  return state->subtitle == NULL ||
         g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (state->row)), state->subtitle) == 0;
}

/* Until @row says what it must: @paired (-1 for either), @warning
 * exactly (NULL for none, TRUST_SOME_WARNING for any), @subtitle
 * exactly (NULL for any). What the devices learn reaches the rows a
 * moment later. */
void
trust_wait_row (PhNearbyRow *row,
                int          paired,
                const char  *warning,
                const char  *subtitle,
                const char  *what)
{
  RowState state = { row, paired, warning, subtitle };

  gui_wait_until (row_in_state, &state, what);
}

/* Drops @file on @row as a person dragging it there would. */
void
trust_drop_on_row (PhNearbyRow *row,
                   GFile       *file)
{
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  g_signal_emit_by_name (ph_nearby_row_get_drop_target (row), "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
}

gboolean
trust_row_has_menu (gpointer row)
{
  return ph_nearby_row_get_menu (row) != NULL;
}

void
trust_fixture_set_up (TrustFixture  *fixture,
                      gconstpointer  data)
{
  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
}

void
trust_announce (PhApplication *app,
                const char    *instance,
                const char    *name,
                const char    *id,
                guint          port,
                gboolean       paths,
                const char    *fingerprint)
{
  g_autofree char *id_pair = g_strconcat ("id=", id, NULL);
  g_autofree char *fp_pair = fingerprint ? g_strconcat ("fp=", fingerprint, NULL) : NULL;
  const char *txt[] = { "txtvers=1", id_pair, "ask=0", paths ? "paths=1" : "paths=0",
                        fp_pair ? "tls=1" : NULL, fp_pair, NULL };
  PhAnnouncement announcement = {
    .instance = instance, .name = name, .host_name = "localhost.local", .txt = txt,
    .host = "127.0.0.1", .port = (guint16) port, .local = TRUE,
  };

  ph_browser_resolved (ph_application_get_browser (app), &announcement);
}

void
trust_app_free (PhApplication *app)
{
  g_autofree char *list_dir = g_build_filename (g_get_user_data_dir (), "posthouse", "devices", NULL);

  gui_app_free (app);
  ph_test_rm_rf (list_dir);
}

void
trust_fixture_tear_down (TrustFixture  *fixture,
                         gconstpointer  data)
{
  trust_app_free (fixture->app);
}

PhDevices *
trust_fixture_devices (TrustFixture *fixture)
{
  return ph_application_get_devices (fixture->app);
}

char *
trust_init (int    *argc,
            char ***argv)
{
  char *data_home = ph_test_make_tmp_dir ("posthouse-gui-data-XXXXXX");
  const char *localedir = g_getenv ("PH_TEST_LOCALEDIR");

  /* This app's identity and list, in a tree of their own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* The build's catalogues, for LANGUAGE=zh_CN. */
  setlocale (LC_ALL, "");
  if (localedir != NULL)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gui_init (argc, argv);

  return data_home;
}
