/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app and posthouse-cli through the secure channel, each a user of
 * its own (a key and a list of devices each): the app receives
 * encrypted (the batch and its row name the device, never "not
 * encrypted"), is asked once for a whole batch and answers late, sends
 * encrypted to a device it knows; files from the Python script are
 * marked "not encrypted" with their address. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "gui-common.h"
#include "ph-format.h"

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  char          *tmp;
  char          *in_dir;
  char          *out_dir;
  char          *cli_data;    /* the CLI's XDG_DATA_HOME: a user of its own */
  guint          port;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp = ph_test_make_tmp_dir ("posthouse-gui-tls-XXXXXX");
  f->in_dir = g_build_filename (f->tmp, "in", NULL);
  f->out_dir = g_build_filename (f->tmp, "out", NULL);
  f->cli_data = g_build_filename (f->tmp, "cli-data", NULL);
  g_mkdir (f->in_dir, 0700);
  g_mkdir (f->out_dir, 0700);

  f->app = gui_app_new ();
  f->window = gui_app_window (f->app);
  f->port = ph_test_unused_port ();
  g_settings_set_int (gui_settings (), "port", f->port);
  g_settings_set_string (gui_settings (), "receive-folder", f->out_dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gui_app_free (f->app);
  ph_test_rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->in_dir);
  g_free (f->out_dir);
  g_free (f->cli_data);
}

static void
set_receive_mode (PhApplication *app,
                  gboolean       on)
{
  g_action_group_change_action_state (G_ACTION_GROUP (app), "receive-mode",
                                      g_variant_new_boolean (on));
}

/* posthouse-cli as its own user. */
static GSubprocess *
cli_start (Fixture            *f,
           const char * const *args,
           gboolean           *exited)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->cli_data, TRUE);
  g_ptr_array_add (argv, (gpointer) g_getenv ("PH_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  gui_watch_exit (process, exited);
  return process;
}

static gboolean
first_finished (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 && ph_batch_is_finished (gui_batch_at (app, 0));
}

static gboolean
first_asking (gpointer data)
{
  PhApplication *app = data;

  return gui_n_batches (app) > 0 && ph_batch_get_asking (gui_batch_at (app, 0));
}

/* Sent by posthouse-cli --require-encryption: the batch names the key
 * and the device; Python's file beside it says "not encrypted". */
static void
test_receive_encrypted (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *sent = gui_make_file (f->in_dir, "secret.pdf", 123456);
  g_autofree char *plain = gui_make_file (f->in_dir, "open.txt", 100);
  g_autofree char *saved = g_build_filename (f->out_dir, "secret.pdf", NULL);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", f->port);
  const char *args[] = { "send", "--require-encryption", destination, sent, NULL };
  g_autoptr(GSubprocess) cli = NULL;
  g_autofree char *peer = NULL;
  gboolean exited = FALSE;
  PhBatch *batch;

  if (g_getenv ("PH_CLI") == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return;
    }

  set_receive_mode (f->app, TRUE);
  cli = cli_start (f, args, &exited);
  gui_wait_flag (&exited, "posthouse-cli send to end");
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  gui_wait_until (first_finished, f->app, "the encrypted batch");

  batch = gui_batch_at (f->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_nonnull (ph_batch_get_fingerprint (batch));
  g_assert_nonnull (ph_batch_get_device_name (batch));
  ph_test_assert_same_file (sent, saved);
  /* What the row says under the batch's name. */
  peer = ph_format_batch_peer (batch);
  g_assert_null (strstr (peer, "not encrypted"));
  g_assert_nonnull (strstr (peer, ph_batch_get_device_name (batch)));
  g_assert_nonnull (gui_row_for (f->window, batch));
  /* Remembered by its key, shared with posthouse-cli of this user. */
  g_assert_nonnull (ph_devices_lookup (ph_application_get_devices (f->app), ph_batch_get_fingerprint (batch)));

  gui_iterate (2500);
  gui_py_send ("127.0.0.1", f->port, plain);
  gui_wait_until (first_finished, f->app, "the Python script's batch");
  batch = gui_batch_at (f->app, 0);
  g_assert_null (ph_batch_get_fingerprint (batch));
  g_clear_pointer (&peer, g_free);
  peer = ph_format_batch_peer (batch);
  g_assert_nonnull (strstr (peer, "127.0.0.1 (not encrypted)"));
  if (g_getenv ("PH_NOTIFY_LOG") != NULL)
    g_assert_true (gui_notification_logged ("127.0.0.1 (not encrypted)") ||
                   !gui_notification_logged ("open.txt"));
}

static gboolean
accept_later_cb (gpointer data)
{
  PhApplication *app = data;

  /* The way the notification's Accept button does it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "accept-batch",
                                  g_variant_new_string (ph_batch_get_id (gui_batch_at (app, 0))));
  return G_SOURCE_REMOVE;
}

/* Ask before accepting: one question for the whole batch, with what it
 * announced; the sender waits while nobody answers. */
static void
test_ask_answered_late (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *a = gui_make_file (f->in_dir, "a.bin", 1000);
  g_autofree char *b = gui_make_file (f->in_dir, "b.bin", 2000);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", f->port);
  const char *args[] = { "send", "--require-encryption", destination, a, b, NULL };
  g_autoptr(GSubprocess) cli = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  gboolean exited = FALSE;
  PhBatch *batch;

  if (g_getenv ("PH_CLI") == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return;
    }

  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
  set_receive_mode (f->app, TRUE);
  cli = cli_start (f, args, &exited);
  gui_wait_until (first_asking, f->app, "the question");
  batch = gui_batch_at (f->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_WAITING);
  g_assert_cmpuint (ph_batch_get_announced_files (batch), ==, 2);
  g_assert_true (ph_format_batch_notification (batch, &title, &body));
  g_assert_nonnull (strstr (body, "2 files"));

  gui_iterate (1500);
  g_assert_false (exited);
  g_timeout_add (10, accept_later_cb, f->app);
  gui_wait_flag (&exited, "posthouse-cli send to end");
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  gui_wait_until (first_finished, f->app, "the accepted batch");
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 2);
}

static gboolean
cli_listening (gpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_host (client, "127.0.0.1", GPOINTER_TO_UINT (data), NULL, NULL);

  return connection != NULL;
}

/* To a device it knows (where it received files before): encrypted,
 * to that key. */
static void
test_send_encrypted (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = gui_make_file (f->in_dir, "report.odt", 300000);
  g_autofree char *cli_dir = g_build_filename (f->tmp, "cli-in", NULL);
  g_autofree char *saved = g_build_filename (cli_dir, "report.odt", NULL);
  g_autofree char *identity_dir = g_build_filename (f->cli_data, "posthouse", "identity", NULL);
  g_autofree char *port_text = NULL;
  g_autofree char *destination = NULL;
  g_autoptr(PhIdentity) cli_identity = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (a);
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;
  guint port = ph_test_unused_port ();
  PhBatch *batch;

  if (g_getenv ("PH_CLI") == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return;
    }

  /* The CLI's key, made where it will find it, and known to the app as
   * the receiver at that address. */
  cli_identity = ph_identity_load (identity_dir, &error);
  g_assert_no_error (error);
  port_text = g_strdup_printf ("%u", port);
  destination = g_strdup_printf ("127.0.0.1:%u", port);
  ph_devices_record_seen (ph_application_get_devices (f->app), ph_identity_get_fingerprint (cli_identity),
                          "Desk", "127.0.0.1", destination, NULL);

  g_mkdir (cli_dir, 0700);
  {
    const char *receive_args[] = { "receive", "--once", "--no-announce", "--bind", "127.0.0.1",
                                   "--port", port_text, "--dir", cli_dir, NULL };
    cli = cli_start (f, receive_args, &exited);
  }
  gui_wait_until (cli_listening, GUINT_TO_POINTER (port), "posthouse-cli to listen");

  ph_panel_set_destination (ph_window_get_panel (f->window), destination);
  gui_drop_files (f->window, &file, 1);
  gui_wait_flag (&exited, "posthouse-cli receive --once to exit");
  ph_test_assert_same_file (a, saved);
  gui_wait_until (first_finished, f->app, "the outgoing batch");
  batch = gui_batch_at (f->app, 0);
  g_assert_cmpstr (ph_batch_get_fingerprint (batch), ==, ph_identity_get_fingerprint (cli_identity));
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/posthouse/gui/encrypted/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("receive", test_receive_encrypted);
  ADD ("ask-answered-late", test_ask_answered_late);
  ADD ("send", test_send_encrypted);
#undef ADD

  return g_test_run ();
}
