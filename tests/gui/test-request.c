/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request shows who is asking: posthouse-cli as another user (a key
 * and a list of its own) sends to the app through the secure channel;
 * the request bar names the device, says "Not paired" / "Not encrypted"
 * / "New key", shows the short fingerprint (a click copies the whole)
 * and the count and size; a new key under a paired name is only paired
 * again, never accepted; "Pair…" pairs with the sender (its screen and
 * this one show the same six digits) and only then are its files
 * taken; Accept All from the notification, with no window, accepts
 * that key for a while and no other key from the same address; with
 * unencrypted connections off the Python script is turned away; files
 * to a paired device's typed address go nowhere when another key
 * answers there. The batch's row warns of a new key as the bar does.
 * Screenshots go to $PH_SCREENSHOT_DIR (default: screenshots/ in the
 * build folder of the tests), with -zh_CN under LANGUAGE=zh_CN. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "ph-batch-row-private.h"
#include "ph-format.h"
#include "ph-pairing-dialog.h"
#include "ph-request-bar-private.h"
#include "ph-window-private.h"
#include "trust-common.h"

typedef struct
{
  PhApplication   *app;
  PhWindow        *window;
  char            *tmp;
  char            *in_dir;
  char            *out_dir;
  char            *cli_data;     /* the CLI's XDG_DATA_HOME: a user of its own */
  PhIdentity      *cli_id;       /* its key, made before it runs */
  guint            port;

  TrustPeer       *peer;         /* the CLI's user receiving too: its key, to pair with */
} Fixture;

typedef struct
{
  gboolean done;
  int      status;
} Exit;

static gboolean chinese;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id_dir = NULL;
  g_autofree char *peer_dir = NULL;

  f->tmp = ph_test_make_tmp_dir ("posthouse-gui-request-XXXXXX");
  f->in_dir = g_build_filename (f->tmp, "in", NULL);
  f->out_dir = g_build_filename (f->tmp, "out", NULL);
  f->cli_data = g_build_filename (f->tmp, "cli-data", NULL);
  g_mkdir_with_parents (f->in_dir, 0700);
  g_mkdir_with_parents (f->out_dir, 0700);

  /* The CLI's key, where the CLI looks for it. */
  id_dir = g_build_filename (f->cli_data, "posthouse", "identity", NULL);
  f->cli_id = ph_identity_load (id_dir, &error);
  g_assert_no_error (error);
  peer_dir = g_build_filename (f->tmp, "peer", NULL);
  f->peer = trust_peer_new (peer_dir, f->cli_id);

  f->app = gui_app_new ();
  f->window = gui_app_window (f->app);
  f->port = ph_test_unused_port ();
  g_settings_set_int (gui_settings (), "port", f->port);
  g_settings_set_string (gui_settings (), "receive-folder", f->out_dir);
  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  trust_app_free (f->app);
  trust_peer_free (f->peer);
  g_clear_object (&f->cli_id);
  ph_test_rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->in_dir);
  g_free (f->out_dir);
  g_free (f->cli_data);
}

static void
exit_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exit *exit = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  exit->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  exit->done = TRUE;
}

/* posthouse-cli send, as its own user (data folder @data: its key). */
static GSubprocess *
cli_send (Fixture    *f,
          const char *data,
          const char *file,
          Exit       *exit)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", f->port);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PH_CLI"), "send",
                                         "--require-encryption", destination, file, NULL);
  g_assert_no_error (error);
  exit->done = FALSE;
  g_subprocess_wait_async (process, NULL, exit_cb, exit);
  return process;
}

static gboolean
bar_asks (gpointer data)
{
  Fixture *f = data;
  PhRequestBar *bar = ph_window_get_request_bar (f->window);

  return ph_request_bar_get_revealed (bar) && ph_request_bar_get_batch (bar) != NULL;
}

static PhBatch *
wait_request (Fixture *f)
{
  gui_wait_until (bar_asks, f, "the request");
  gui_iterate (200);
  return ph_request_bar_get_batch (ph_window_get_request_bar (f->window));
}

/* The request bar alone (the window around it shows toasts of its own),
 * or the whole window for a narrow one. */
static void
screenshot (Fixture    *f,
            const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, chinese ? "-zh_CN" : "");
  gboolean narrow = gtk_widget_get_width (GTK_WIDGET (f->window)) <= 360;

  trust_screenshot (narrow ? GTK_WIDGET (f->window) : GTK_WIDGET (ph_window_get_request_bar (f->window)), file);
}

static gboolean
clipboard_has (gpointer data)
{
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  return content != NULL && gdk_content_provider_get_value (content, &value, NULL) &&
         g_strcmp0 (g_value_get_string (&value), data) == 0;
}

/* Who asks: name, not paired, short fingerprint (click: the whole
 * copied), count and size; nothing wider than the narrowest window. */
static void
test_who (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "report.pdf", 123456);
  g_autofree char *short_fp = ph_fingerprint_format_short (ph_identity_get_fingerprint (f->cli_id));
  g_autofree char *title = NULL;
  PhRequestBar *bar = ph_window_get_request_bar (f->window);
  g_autoptr(GSubprocess) cli = NULL;
  Exit exit = { 0 };
  PhBatch *batch;

  gui_set_receive_mode (f->app, TRUE);
  cli = cli_send (f, f->cli_data, file, &exit);
  batch = wait_request (f);

  g_assert_cmpstr (ph_batch_get_fingerprint (batch), ==, ph_identity_get_fingerprint (f->cli_id));
  g_assert_nonnull (ph_batch_get_device_name (batch));
  /* Translators' text: the same words the app says. */
  title = g_strdup_printf (_("%s wants to send you files"), ph_batch_get_device_name (batch));
  g_assert_cmpstr (ph_request_bar_get_title (bar), ==, title);
  g_assert_cmpstr (ph_request_bar_get_state_text (bar), ==, _("Not paired"));
  if (chinese)
    {
      g_assert_cmpstr (ph_request_bar_get_state_text (bar), !=, "Not paired");
      g_assert_cmpstr (ph_request_bar_get_detail (bar), !=, "1 file (123.5\xc2\xa0kB)");
    }
  g_assert_cmpstr (ph_request_bar_get_fingerprint_text (bar), ==, short_fp);
  {
    g_autofree char *spoken = g_strdup_printf (_("Key %s: copy the whole fingerprint"), short_fp);

    gtk_test_accessible_assert_property (ph_request_bar_get_button (bar, "fingerprint"),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL, spoken);
  }
  g_assert_null (ph_request_bar_get_warning (bar));
  if (!chinese)
    g_assert_cmpstr (ph_request_bar_get_detail (bar), ==, "1 file (123.5\xc2\xa0kB)");
  /* Its row in the list: what the sender announced, as the bar says. */
  {
    PhBatchRow *row = gui_find_row (f->window, batch);
    g_autofree char *size = ph_format_size (123456);
    g_autofree char *status = g_strdup_printf (_("Wants to send you %s"), size);
    g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file", "%'u files", 1), 1);

    g_assert_nonnull (row);
    g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, count);
    g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, status);
    if (!chinese)
      {
        g_assert_cmpstr (ph_batch_row_get_title_text (row), ==, "1 file");
        g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, "Wants to send you 123.5\xc2\xa0kB");
      }
  }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ph_request_bar_get_button (bar, "accept"))));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ph_request_bar_get_button (bar, "accept-all"))));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ph_request_bar_get_button (bar, "pair"))));
  screenshot (f, "request");

  gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 294);
  gui_wait_width (GTK_WIDGET (f->window), 360, "the window at 360 px");
  screenshot (f, "request-narrow");

  g_signal_emit_by_name (ph_request_bar_get_button (bar, "fingerprint"), "clicked");
  gui_wait_until (clipboard_has, (gpointer) ph_identity_get_fingerprint (f->cli_id), "the whole fingerprint copied");

  g_signal_emit_by_name (ph_request_bar_get_button (bar, "decline"), "clicked");
  gui_wait_flag (&exit.done, "the sender to end");
  g_assert_cmpint (exit.status, !=, 0);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 0);
}

/* The original format: "Not encrypted", no fingerprint, no pairing. */
static void
test_not_encrypted (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "open.txt", 100);
  PhRequestBar *bar = ph_window_get_request_bar (f->window);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) python = NULL;
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  g_autoptr(GError) error = NULL;
  const char *interpreter = g_getenv ("PYTHON") ? g_getenv ("PYTHON") : "python3";

  gui_set_receive_mode (f->app, TRUE);
  python = g_subprocess_launcher_spawn (launcher, &error, interpreter, g_getenv ("PH_PY_SEND"),
                                        "127.0.0.1", port, file, NULL);
  g_assert_no_error (error);
  wait_request (f);
  g_assert_cmpstr (ph_request_bar_get_state_text (bar), ==, _("Not encrypted"));
  g_assert_null (ph_request_bar_get_fingerprint_text (bar));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_request_bar_get_button (bar, "pair"))));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ph_request_bar_get_button (bar, "accept"))));
  screenshot (f, "request-not-encrypted");
  g_signal_emit_by_name (ph_request_bar_get_button (bar, "decline"), "clicked");
  g_subprocess_wait (python, NULL, NULL);
}

static gboolean
dialog_code_shown (gpointer data)
{
  Fixture *f = data;
  GtkWindow *dialog = trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG);

  return dialog != NULL && ph_pairing_dialog_get_code (PH_PAIRING_DIALOG (dialog)) != NULL;
}

/* A paired device's name under another key: warned about, and only
 * "Pair Again…" takes its files; nothing arrives until paired again. */
typedef struct
{
  Fixture    *f;
  PhBatch    *batch;
  const char *from;
} Trusted;

/* Its row says where it is from, no longer that the key is new. */
static gboolean
row_trusted (gpointer data)
{
  Trusted *trusted = data;
  PhBatchRow *row = gui_find_row (trusted->f->window, trusted->batch);

  return row != NULL && !ph_batch_row_get_key_changed (row) &&
         g_str_has_prefix (ph_batch_row_get_peer_text (row), trusted->from) &&
         strstr (ph_batch_row_get_peer_text (row), "new key") == NULL;
}

static void
test_key_change (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "report.pdf", 1000);
  g_autofree char *old_key = trust_key ("the laptop, before it was reinstalled");
  g_autofree char *receives_at = g_strdup_printf ("127.0.0.1:%u", f->peer->port);
  g_autofree char *warning = NULL;
  g_autofree char *from = NULL;
  g_autofree char *row_warning = NULL;
  PhBatchRow *row;
  PhPairingDialog *dialog;
  PhRequestBar *bar = ph_window_get_request_bar (f->window);
  g_autoptr(GSubprocess) cli = NULL;
  Exit exit = { 0 };
  PhBatch *batch;

  gui_set_receive_mode (f->app, TRUE);
  /* A first batch tells the name the sender goes by; declined. */
  cli = cli_send (f, f->cli_data, file, &exit);
  batch = wait_request (f);
  g_assert_false (ph_batch_get_paired (batch));
  ph_devices_pair (ph_application_get_devices (f->app), old_key, ph_batch_get_device_name (batch));
  g_signal_emit_by_name (ph_request_bar_get_button (bar, "decline"), "clicked");
  gui_wait_flag (&exit.done, "the first sender to end");
  g_clear_object (&cli);

  /* That name is paired under the old key: the sender's key is a new
   * one. Asking nobody, it is declined at once, never accepted. */
  g_settings_set_boolean (gui_settings (), "ask-before-accepting", FALSE);
  cli = cli_send (f, f->cli_data, file, &exit);
  gui_wait_flag (&exit.done, "the new key to be turned away");
  g_assert_cmpint (exit.status, !=, 0);
  gui_iterate (300);
  g_assert_false (ph_request_bar_get_revealed (bar));
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 0);
  g_clear_object (&cli);

  /* Asking: asked about, with the warning. */
  g_settings_set_boolean (gui_settings (), "ask-before-accepting", TRUE);
  cli = cli_send (f, f->cli_data, file, &exit);
  gui_iterate (300);
  batch = wait_request (f);
  warning = g_strdup_printf (_("“%s” has a new key: pair again to trust it"), ph_batch_get_device_name (batch));
  g_assert_cmpstr (ph_request_bar_get_state_text (bar), ==, _("New key"));
  g_assert_cmpstr (ph_request_bar_get_warning (bar), ==, warning);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_request_bar_get_button (bar, "accept"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_request_bar_get_button (bar, "accept-all"))));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ph_request_bar_get_button (bar, "pair"))));
  g_assert_cmpstr (gtk_button_get_label (ph_request_bar_get_button (bar, "pair")), ==, _("_Pair Again…"));
  /* Its row in the list says it too. */
  row = gui_find_row (f->window, batch);
  g_assert_nonnull (row);
  g_assert_true (ph_batch_row_get_key_changed (row));
  from = g_strdup_printf (_("From %s"), ph_batch_get_device_name (batch));
  row_warning = g_strdup_printf (_("%s · Has a new key: pair again to trust it"), from);
  g_assert_cmpstr (ph_batch_row_get_peer_text (row), ==, row_warning);
  if (!chinese)
    g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, "Wants to send you 1.0\xc2\xa0kB");
  screenshot (f, "request-new-key");
  if (!chinese)
    {
      /* Scrolled down to the row, under the request. */
      GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      trust_screenshot (GTK_WIDGET (f->window), "batch-new-key.png");
    }
  /* The notification says it too, and offers no Accept. */
  if (g_getenv ("PH_NOTIFY_LOG") != NULL && !chinese)
    {
      gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
      gui_wait_until ((GuiCondition) gui_notification_logged, (gpointer) "has a new key: pair again to trust it",
                      "the notification's warning");
    }

  if (chinese)
    {
      g_signal_emit_by_name (ph_request_bar_get_button (bar, "decline"), "clicked");
      gui_wait_flag (&exit.done, "the second sender to end");
      g_assert_cmpint (exit.status, !=, 0);
      g_assert_cmpuint (gui_count_files (f->out_dir), ==, 0);
      return;
    }

  /* Paired again (the six digits compared with the sender's screen):
   * then, and only then, its files come; the warning is gone. */
  ph_devices_record_seen (ph_application_get_devices (f->app), ph_identity_get_fingerprint (f->cli_id),
                          ph_batch_get_device_name (batch), "127.0.0.1", receives_at, NULL);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 0);
  g_free (f->peer->name);
  f->peer->name = g_strdup (ph_batch_get_device_name (batch));
  g_signal_emit_by_name (ph_request_bar_get_button (bar, "pair"), "clicked");
  gui_wait_until (dialog_code_shown, f, "the six digits");
  dialog = PH_PAIRING_DIALOG (trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG));
  /* The dialog warns too. */
  g_assert_true (ph_pairing_dialog_get_warning_shown (dialog));
  g_assert_true (ph_batch_get_asking (batch));
  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, "same"), "clicked");
  gui_wait_flag (&exit.done, "the second sender to end");
  g_assert_cmpint (exit.status, ==, 0);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 1);
  g_assert_null (ph_devices_find_key_change (ph_application_get_devices (f->app),
                                             ph_identity_get_fingerprint (f->cli_id),
                                             ph_batch_get_device_name (batch), NULL));
  {
    Trusted trusted = { f, batch, from };

    gui_wait_until (row_trusted, &trusted, "the row without its warning");
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Accept unencrypted connections off: the Python script is turned away
 * before anything is asked or written. */
static void
test_unencrypted_off (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "open.txt", 100);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) python = NULL;
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  g_autoptr(GError) error = NULL;
  const char *interpreter = g_getenv ("PYTHON") ? g_getenv ("PYTHON") : "python3";
  Exit exit = { 0 };

  g_settings_set_boolean (gui_settings (), "accept-unencrypted", FALSE);
  gui_set_receive_mode (f->app, TRUE);
  python = g_subprocess_launcher_spawn (launcher, &error, interpreter, g_getenv ("PH_PY_SEND"),
                                        "127.0.0.1", port, file, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (python, NULL, exit_cb, &exit);
  gui_wait_flag (&exit.done, "the Python sender to end");
  gui_iterate (300);
  g_assert_false (ph_request_bar_get_revealed (ph_window_get_request_bar (f->window)));
  g_assert_cmpuint (gui_n_batches (f->app), ==, 0);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 0);
  g_settings_reset (gui_settings (), "accept-unencrypted");
}

/* "Pair…" from a request: the sender's screen shows the same six
 * digits, both say so, the device is paired and then its files come. */
static void
test_accept_and_pair (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "report.pdf", 54321);
  g_autofree char *saved = g_build_filename (f->out_dir, "report.pdf", NULL);
  g_autofree char *receives_at = g_strdup_printf ("127.0.0.1:%u", f->peer->port);
  g_autofree char *shown = NULL;
  const char *key = ph_identity_get_fingerprint (f->cli_id);
  PhDevices *devices = ph_application_get_devices (f->app);
  PhRequestBar *bar = ph_window_get_request_bar (f->window);
  g_autoptr(GSubprocess) cli = NULL;
  PhPairingDialog *dialog;
  Exit exit = { 0 };
  PhBatch *batch;

  gui_set_receive_mode (f->app, TRUE);
  cli = cli_send (f, f->cli_data, file, &exit);
  batch = wait_request (f);
  /* Where it receives: this computer sent it files there once. */
  ph_devices_record_seen (devices, key, ph_batch_get_device_name (batch), "127.0.0.1", receives_at, NULL);

  g_signal_emit_by_name (ph_request_bar_get_button (bar, "pair"), "clicked");
  gui_wait_until (dialog_code_shown, f, "the six digits");
  gui_wait_until (trust_peer_code_shown, f->peer, "the sender's six digits");
  dialog = PH_PAIRING_DIALOG (trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG));
  shown = ph_pairing_format_code (ph_pairing_get_code (f->peer->pairing));
  g_assert_cmpstr (ph_pairing_dialog_get_code (dialog), ==, shown);
  /* Nothing taken while the numbers are compared. */
  g_assert_true (ph_batch_get_asking (batch));
  g_assert_false (g_file_test (saved, G_FILE_TEST_EXISTS));

  g_signal_emit_by_name (ph_pairing_dialog_get_button (dialog, "same"), "clicked");
  gui_wait_flag (&exit.done, "the sender to end");
  g_assert_cmpint (exit.status, ==, 0);
  g_assert_true (g_file_test (saved, G_FILE_TEST_EXISTS));
  g_assert_true (ph_device_is_paired (ph_devices_lookup (devices, key)));
  gui_wait_flag (&f->peer->done, "the other side's end");
  g_assert_true (f->peer->ok);
  g_assert_true (ph_device_is_paired (ph_devices_lookup (f->peer->devices,
                                                         ph_identity_get_fingerprint (ph_application_get_identity (f->app, NULL)))));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Paired: the next batch comes without a question. */
  g_clear_object (&cli);
  cli = cli_send (f, f->cli_data, file, &exit);
  gui_wait_flag (&exit.done, "the paired sender to end");
  g_assert_cmpint (exit.status, ==, 0);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 2);
}

static gboolean
batch_asks (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < gui_n_batches (f->app); i++)
    if (ph_batch_get_asking (gui_batch_at (f->app, i)))
      return TRUE;
  return FALSE;
}

static PhBatch *
asking_batch (Fixture *f)
{
  for (guint i = 0; i < gui_n_batches (f->app); i++)
    if (ph_batch_get_asking (gui_batch_at (f->app, i)))
      return gui_batch_at (f->app, i);
  return NULL;
}

/* Accept All from the notification's button with no window: that key
 * for ten minutes; another key from the same address is still asked. */
static gboolean
no_window (gpointer app)
{
  return trust_find_window (app, PH_TYPE_WINDOW) == NULL;
}

static void
test_accept_all_no_window (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "photo.jpg", 2000);
  g_autofree char *other_data = g_build_filename (f->tmp, "other-data", NULL);
  g_autoptr(GSubprocess) cli = NULL;
  Exit exit = { 0 };
  PhBatch *batch;

  gui_set_receive_mode (f->app, TRUE);
  gtk_window_close (GTK_WINDOW (f->window));
  gui_wait_until (no_window, f->app, "the window to close");

  cli = cli_send (f, f->cli_data, file, &exit);
  gui_wait_until (batch_asks, f, "the question");
  batch = asking_batch (f);
  if (g_getenv ("PH_NOTIFY_LOG") != NULL && !chinese)
    gui_wait_until ((GuiCondition) gui_notification_logged, (gpointer) "wants to send you files",
                    "the notification");
  /* The notification's button: an application action, no window needed. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "accept-all-batch",
                                  g_variant_new_string (ph_batch_get_id (batch)));
  gui_wait_flag (&exit.done, "the sender to end");
  g_assert_cmpint (exit.status, ==, 0);
  g_assert_null (trust_find_window (f->app, PH_TYPE_WINDOW));
  g_assert_nonnull (ph_devices_lookup_accept_all (ph_application_get_devices (f->app),
                                                  ph_identity_get_fingerprint (f->cli_id)));

  /* The same key again: no question. */
  g_clear_object (&cli);
  cli = cli_send (f, f->cli_data, file, &exit);
  gui_wait_flag (&exit.done, "the second batch");
  g_assert_cmpint (exit.status, ==, 0);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 2);

  /* Another key from the same address: asked. */
  g_clear_object (&cli);
  cli = cli_send (f, other_data, file, &exit);
  gui_wait_until (batch_asks, f, "the other key's question");
  g_assert_cmpstr (ph_batch_get_fingerprint (asking_batch (f)), !=, ph_identity_get_fingerprint (f->cli_id));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "decline-batch",
                                  g_variant_new_string (ph_batch_get_id (asking_batch (f))));
  gui_wait_flag (&exit.done, "the other sender to end");
  g_assert_cmpint (exit.status, !=, 0);
  g_assert_cmpuint (gui_count_files (f->out_dir), ==, 2);
  ph_devices_stop_accept_all (ph_application_get_devices (f->app), ph_identity_get_fingerprint (f->cli_id));
}

static gboolean
batch_over (gpointer data)
{
  return gui_n_batches (data) > 0 && ph_batch_is_finished (gui_batch_at (data, 0));
}

/* Sending to a paired device by its address, typed (no announcement):
 * the host there proves another key, so nothing is sent. */
static void
test_typed_address_new_key (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *file = gui_make_file (f->in_dir, "secret.pdf", 4096);
  g_autofree char *inbox = g_build_filename (f->tmp, "impostor-inbox", NULL);
  g_autofree char *study = trust_key ("Study Laptop, paired last week");
  guint port = ph_test_unused_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) impostor = NULL;
  TrustOutput *said;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dropped = g_file_new_for_path (file);
  PhDevices *devices = ph_application_get_devices (f->app);
  PhBatch *batch;
  GFile *files[1] = { dropped };

  /* Study Laptop, paired, received files at that address before. */
  ph_devices_record_seen (devices, study, "Study Laptop", "127.0.0.1", address, NULL);
  ph_devices_pair (devices, study, "Study Laptop");

  /* Someone else (the CLI's key) answers there now. */
  g_mkdir_with_parents (inbox, 0700);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->cli_data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  impostor = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PH_CLI"), "receive", "--port", port_text,
                                          "--bind", "127.0.0.1", "--no-announce", "--dir", inbox, NULL);
  g_assert_no_error (error);
  said = trust_output_new (g_subprocess_get_stderr_pipe (impostor));
  g_free (trust_output_wait (said, "(Listening on)"));

  ph_panel_set_destination (ph_window_get_panel (f->window), address);
  gui_drop_files (f->window, files, 1);
  gui_wait_until (batch_over, f->app, "the batch to end");
  batch = gui_batch_at (f->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_FAILED);
  g_assert_nonnull (ph_batch_get_error_message (batch));
  g_assert_nonnull (strstr (ph_batch_get_error_message (batch), "not who it claims to be"));
  gui_iterate (300);
  g_assert_cmpuint (gui_count_files (inbox), ==, 0);
  g_assert_null (strstr (said->text->str, "saved"));

  g_subprocess_force_exit (impostor);
  g_subprocess_wait (impostor, NULL, NULL);
  trust_output_free (said);
}

int
main (int    argc,
      char **argv)
{
  /* LANGUAGE=zh_CN shows the Chinese request. */
  g_autofree char *data_home = trust_init (&argc, &argv);
  int ret;

  chinese = g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "zh");

#define ADD(path, func) \
  g_test_add ("/posthouse/gui/request/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("who", test_who);
  ADD ("not-encrypted", test_not_encrypted);
  ADD ("key-change", test_key_change);
  ADD ("unencrypted-off", test_unencrypted_off);
  if (!chinese)
    {
      ADD ("accept-and-pair", test_accept_and_pair);
      ADD ("accept-all-no-window", test_accept_all_no_window);
      g_test_add ("/posthouse/gui/trust/typed-address-new-key", Fixture, NULL, fixture_set_up,
                  test_typed_address_new_key, fixture_tear_down);
    }

  ret = g_test_run ();
  ph_test_rm_rf (data_home);
  return ret;
}
