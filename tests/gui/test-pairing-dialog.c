/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The six-digit dialog on either side of a pairing with another
 * Posthouse on loopback that has its own identity and list: its code
 * is the other screen's, both answers, a second request turned away,
 * the notification when no window is on screen, a new key warned
 * about. Screenshots go to $PH_SCREENSHOT_DIR (default: screenshots/
 * in the build folder of the tests). */

#include "config.h"

#include "ph-pairing-dialog.h"
#include "trust-common.h"

typedef struct
{
  PhApplication   *app;
  PhWindow        *window;
  char            *tmp;
  TrustPeer       *peer;     /* the other Posthouse: a receiver that pairs, on loopback */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *peer_dir = NULL;

  fixture->tmp = ph_test_make_tmp_dir ("posthouse-gui-devices-XXXXXX");
  peer_dir = g_build_filename (fixture->tmp, "peer", NULL);
  fixture->peer = trust_peer_new (peer_dir, NULL);

  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  trust_app_free (fixture->app);
  trust_peer_free (fixture->peer);
  ph_test_rm_rf (fixture->tmp);
  g_free (fixture->tmp);
}

static PhDevices *
app_devices (Fixture *fixture)
{
  return ph_application_get_devices (fixture->app);
}

static gboolean
dialog_shown (gpointer data)
{
  return trust_find_window (((Fixture *) data)->app, PH_TYPE_PAIRING_DIALOG) != NULL;
}

static PhPairingDialog *
wait_dialog (Fixture *fixture)
{
  gui_wait_until (dialog_shown, fixture, "the pairing dialog");
  return PH_PAIRING_DIALOG (trust_find_window (fixture->app, PH_TYPE_PAIRING_DIALOG));
}

static gboolean
code_shown (gpointer data)
{
  return ph_pairing_dialog_get_code (data) != NULL;
}

static gboolean
pairing_over (gpointer data)
{
  PhPairingState state = ph_pairing_get_state (ph_pairing_dialog_get_pairing (data));

  return state == PH_PAIRING_PAIRED || state == PH_PAIRING_FAILED;
}

static gboolean
no_dialog (gpointer app)
{
  return trust_find_window (app, PH_TYPE_PAIRING_DIALOG) == NULL;
}

static void
test_pair (Fixture       *fixture,
           gconstpointer  data)
{
  gboolean match = GPOINTER_TO_INT (data);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", fixture->peer->port);
  g_autofree char *shown = NULL;
  const char *peer_key = ph_identity_get_fingerprint (fixture->peer->identity);
  PhPairingDialog *dialog;
  PhDevice *device;

  fixture->peer->confirms = match;
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "pair", g_variant_new_string (address));
  dialog = wait_dialog (fixture);
  gui_wait_until (code_shown, dialog, "the six digits");

  /* The very number the other screen shows (it knows it a moment later:
   * the initiator reveals its nonce after it has both). */
  gui_wait_until (trust_peer_code_shown, fixture->peer, "the other screen's six digits");
  shown = ph_pairing_format_code (ph_pairing_get_code (fixture->peer->pairing));
  g_assert_cmpstr (ph_pairing_dialog_get_code (dialog), ==, shown);
  g_assert_cmpstr (ph_pairing_dialog_get_heading (dialog), ==, "Pair With “Study Laptop”?");
  if (match)
    trust_screenshot (GTK_WIDGET (dialog), "pairing-dialog.png");

  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, match ? "same" : "differ"), "clicked");
  gui_wait_until (pairing_over, dialog, "the outcome");
  gui_wait_flag (&fixture->peer->done, "the other side's end");

  device = ph_devices_lookup (app_devices (fixture), peer_key);
  g_assert_nonnull (device);
  g_assert_cmpint (ph_device_is_paired (device), ==, match);
  g_assert_cmpint (fixture->peer->ok, ==, match);
  if (match)
    {
      g_assert_cmpstr (ph_pairing_dialog_get_heading (dialog), ==, "Paired With “Study Laptop”");
      trust_screenshot (GTK_WIDGET (dialog), "pairing-paired.png");
    }
  else
    {
      g_assert_cmpstr (ph_pairing_dialog_get_heading (dialog), ==, "Not Paired");
      g_assert_cmpuint (ph_device_get_pairing_failures (device), ==, 1);
      trust_screenshot (GTK_WIDGET (dialog), "pairing-failed.png");
    }

  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, "close"), "clicked");
  gui_wait_until (no_dialog, fixture->app, "the dialog to close");
}

/* The app as the responder: someone asks it to pair, with the window on
 * screen (a dialog at once) or not (a notification that opens it). */
static void
app_pairing_cb (PhSecureReceive *session,
                PhPairing       *pairing,
                PhApplication   *app)
{
  ph_application_ask_pairing (app, pairing);
}

static void
app_peeked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  PhApplication *app = user_data;
  g_autoptr(GSocketConnection) connection = G_SOCKET_CONNECTION (object);
  g_autoptr(GFile) dir = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(PhSecureReceive) session = NULL;
  gboolean tls = FALSE;

  ph_first_byte_peek_finish (connection, result, &tls, NULL);
  session = ph_secure_receive_new (connection, ph_application_get_identity (app, NULL), dir);
  ph_secure_receive_set_devices (session, ph_application_get_devices (app));
  g_signal_connect (session, "pairing", G_CALLBACK (app_pairing_cb), app);
  ph_secure_receive_run_async (session, NULL, NULL, NULL);
}

typedef struct
{
  GSocketListener   *listener;
  GSocketConnection *outgoing;
  GSocketConnection *incoming;
  PhPairing         *asking;
  gboolean           done;
  gboolean           ok;
  GError            *error;
} Ask;

static void
asked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Ask *ask = user_data;

  ask->ok = ph_pairing_run_finish (PH_PAIRING (object), result, &ask->error);
  ask->done = TRUE;
}

/* The other computer (the peer's identity) asks this app to pair. */
static Ask *
ask_app (Fixture *fixture)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Ask *ask = g_new0 (Ask, 1);
  guint16 port;

  ask->listener = g_socket_listener_new ();
  port = g_socket_listener_add_any_inet_port (ask->listener, NULL, &error);
  g_assert_no_error (error);
  ask->outgoing = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  ask->incoming = g_socket_listener_accept (ask->listener, NULL, NULL, &error);
  g_assert_no_error (error);
  ph_first_byte_peek_async (g_object_ref (ask->incoming), NULL, app_peeked_cb, fixture->app);

  ask->asking = ph_pairing_new (fixture->peer->identity, fixture->peer->devices);
  ph_pairing_set_device_name (ask->asking, "Study Laptop");
  ph_pairing_run_async (ask->asking, ask->outgoing, NULL, asked_cb, ask);
  return ask;
}

static void
ask_free (Ask *ask)
{
  g_socket_listener_close (ask->listener);
  g_clear_object (&ask->listener);
  g_clear_object (&ask->outgoing);
  g_clear_object (&ask->incoming);
  g_clear_object (&ask->asking);
  g_clear_error (&ask->error);
  g_free (ask);
}

static void
test_asked (Fixture       *fixture,
            gconstpointer  data)
{
  gboolean hidden = GPOINTER_TO_INT (data);
  Ask *ask = NULL;
  PhPairingDialog *dialog;

  if (hidden)
    gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);

  ask = ask_app (fixture);
  trust_peer_answer (fixture->peer, ask->asking);

  if (hidden)
    {
      gui_wait_until ((GuiCondition) gui_notification_logged, (gpointer) "“Study Laptop” Wants to Pair",
                      "the notification");
      /* And a while: no dialog over a hidden window. */
      gui_iterate (1000);
      g_assert_null (trust_find_window (fixture->app, PH_TYPE_PAIRING_DIALOG));
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "show-pairing", NULL);
    }
  dialog = wait_dialog (fixture);
  gui_wait_until (code_shown, dialog, "the six digits");
  g_assert_cmpstr (ph_pairing_dialog_get_heading (dialog), ==, "“Study Laptop” Wants to Pair");

  if (!hidden)
    {
      /* A second question while the first is on screen is turned away. */
      Ask *again = ask_app (fixture);

      gui_wait_flag (&again->done, "the second request's end");
      g_assert_false (again->ok);
      g_assert_error (again->error, PH_ERROR, PH_ERROR_DECLINED);
      ask_free (again);
      trust_screenshot (GTK_WIDGET (dialog), "pairing-asked.png");
    }

  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, "same"), "clicked");
  gui_wait_flag (&ask->done, "the pairing's end");
  g_assert_true (ask->ok);
  g_assert_true (ph_device_is_paired (ph_devices_lookup (app_devices (fixture),
                                                         ph_identity_get_fingerprint (fixture->peer->identity))));
  gtk_window_destroy (GTK_WINDOW (dialog));
  ask_free (ask);
}

/* A new key under a paired name is warned about in the dialog. */
static void
test_key_change_warned (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", fixture->peer->port);
  g_autofree char *old_key = trust_key ("study laptop, before it was reinstalled");
  PhPairingDialog *dialog;

  ph_devices_pair (app_devices (fixture), old_key, "Study Laptop");
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "pair", g_variant_new_string (address));
  dialog = wait_dialog (fixture);
  gui_wait_until (code_shown, dialog, "the six digits");
  g_assert_true (ph_pairing_dialog_get_warning_shown (dialog));
  trust_screenshot (GTK_WIDGET (dialog), "pairing-new-key.png");
  /* Closed unanswered: cancelled, no failed comparison. */
  gtk_window_close (GTK_WINDOW (dialog));
  gui_wait_flag (&fixture->peer->done, "the other side's end");
  g_assert_false (fixture->peer->ok);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = ph_test_make_tmp_dir ("posthouse-gui-data-XXXXXX");
  int ret;

  /* This app's identity and list, in a tree of their own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gui_init (&argc, &argv);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/gui/pairing/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("pair", test_pair, GINT_TO_POINTER (TRUE));
  ADD ("pair-differ", test_pair, GINT_TO_POINTER (FALSE));
  ADD ("asked", test_asked, GINT_TO_POINTER (FALSE));
  ADD ("asked-no-window", test_asked, GINT_TO_POINTER (TRUE));
  ADD ("key-change-warned", test_key_change_warned, NULL);

  ret = g_test_run ();
  ph_test_rm_rf (data_home);
  return ret;
}
