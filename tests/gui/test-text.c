/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text and links (issue 23): Ctrl+V with a text on the clipboard, and
 * Send Text…, send it as a file the original Python receiver saves; a
 * text received shows in its row, to copy, a link to open. */

#include "config.h"

#include <string.h>

#include "gui-common.h"

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  char          *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = ph_test_make_tmp_dir ("posthouse-gui-text-XXXXXX");
  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gui_app_free (fixture->app);
  ph_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* The original receiver of the article, as tests/interop has it: one
 * file, saved as new_NAME. Returns its port. */
static GSubprocess *
py_receive (const char *dir,
            guint      *port)
{
  const char *script = g_getenv ("PH_PY_RECEIVE");
  const char *python = g_getenv ("PYTHON");
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GDataInputStream *out;
  GSubprocess *process;

  g_assert_nonnull (script);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              python ? python : "python3", script, "0", dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  /* It says "saved …" there later: the pipe stays open. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (out);
  *port = (guint) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (*port, >, 0);
  return process;
}

static gboolean
file_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* The one file in @dir, once there is one, and what it holds. */
static char *
only_file (const char  *dir,
           char       **contents)
{
  g_autoptr(GPtrArray) names = NULL;

  for (guint i = 0; i < 600; i++)
    {
      names = ph_test_list_dir (dir);
      if (names != NULL && names->len > 0)
        break;
      g_clear_pointer (&names, g_ptr_array_unref);
      gui_iterate (100);
    }
  g_assert_nonnull (names);
  g_assert_cmpuint (names->len, ==, 1);
  if (contents != NULL)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, 0), NULL);

      g_assert_true (g_file_get_contents (path, contents, NULL, NULL));
    }
  return g_strdup (g_ptr_array_index (names, 0));
}

/* Ctrl+V with a text: it goes at once, as a file the Python receiver
 * saves, named after this computer and the time; nothing is left of it
 * here once sent. */
static void
test_paste (Fixture       *fixture,
            gconstpointer  data)
{
  const char *text = "Meet at five\nby the harbour — 港口";
  g_autoptr(GSubprocess) receiver = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *name = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *source = NULL;
  gboolean exited = FALSE;
  g_autofree char *title = NULL;
  PhBatch *batch;
  guint port;

  receiver = py_receive (fixture->dir, &port);
  destination = g_strdup_printf ("127.0.0.1:%u", port);
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)), text);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "paste", NULL);
  gui_wait_until (gui_first_finished, fixture->app, "the text to be sent");
  gui_watch_exit (receiver, &exited);
  gui_wait_flag (&exited, "the Python receiver to save it");

  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  title = ph_batch_dup_title (batch);
  g_assert_cmpstr (title, ==, "“Meet at five…”");
  name = only_file (fixture->dir, &saved);
  g_assert_true (g_str_has_prefix (name, "new_Text from "));
  g_assert_true (g_str_has_suffix (name, ".txt"));
  g_assert_true (ph_text_file_name_matches (name + strlen ("new_")));
  g_assert_cmpstr (saved, ==, text);

  /* Its file, in a private folder, went once it was sent. */
  {
    g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (batch), 0);

    source = g_file_get_path (ph_transfer_get_source (transfer));
  }
  gui_wait_until (file_gone, source, "the sent text's file to go");
}

/* Send Text…: typed, Send, received as the same text. */
static void
test_dialog (Fixture       *fixture,
             gconstpointer  data)
{
  const char *text = "https://gitlab.gnome.org/ — a link and words";
  g_autoptr(GSubprocess) receiver = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *name = NULL;
  AdwMessageDialog *dialog;
  GtkTextView *view;
  gboolean exited = FALSE;
  guint port;

  receiver = py_receive (fixture->dir, &port);
  destination = g_strdup_printf ("127.0.0.1:%u", port);
  ph_panel_set_destination (ph_window_get_panel (fixture->window), destination);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "send-text", NULL);
  dialog = gui_wait_dialog (fixture->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send Text");
  view = GTK_TEXT_VIEW (gui_find_widget (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_TEXT_VIEW));
  /* Nothing typed: nothing to send. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "send"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "send"));
  gui_answer_dialog (fixture->window, "send");

  gui_wait_until (gui_first_finished, fixture->app, "the text to be sent");
  gui_watch_exit (receiver, &exited);
  gui_wait_flag (&exited, "the Python receiver to save it");
  name = only_file (fixture->dir, &saved);
  g_assert_cmpstr (saved, ==, text);
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
}

static gboolean
text_copied (gpointer window)
{
  return g_strcmp0 (ph_window_get_last_toast (window), "Text copied") == 0;
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} Shows;

static gboolean
row_shows (gpointer data)
{
  Shows *shows = data;
  PhBatchRow *row = gui_find_row (shows->fixture->window, gui_batch_at (shows->fixture->app, 0));

  return row != NULL && g_strcmp0 (ph_batch_row_get_text (row), shows->text) == 0;
}

/* The newest row, once it shows @text: it reads the file once it is
 * known to be there. */
static PhBatchRow *
received_row (Fixture    *fixture,
              guint       n,
              const char *text)
{
  Shows shows = { fixture, text };

  gui_wait_until (gui_first_finished, fixture->app, "the text to arrive");
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, n);
  gui_wait_until (row_shows, &shows, text);
  return gui_row_for (fixture->window, gui_batch_at (fixture->app, 0));
}

/* A text from `posthouse-cli send --text`: shown in its row, with Copy
 * (and Open Link for a single link), not only as a file. */
static void
test_received (Fixture       *fixture,
               gconstpointer  data)
{
  const char *cli = g_getenv ("PH_CLI");
  const char *link = "https://example.org/posthouse?id=7";
  guint port = ph_test_unused_port ();
  g_autofree char *port_text = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *copied = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GSubprocess) sender = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;
  PhBatchRow *row;

  g_settings_set_int (gui_settings (), "port", port);
  g_settings_set_string (gui_settings (), "receive-folder", fixture->dir);
  gui_set_receive_mode (fixture->app, TRUE);

  sender = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, cli, "send", "--text", link, port_text, NULL);
  g_assert_no_error (error);
  gui_watch_exit (sender, &exited);
  gui_wait_flag (&exited, "posthouse-cli send --text");
  row = received_row (fixture, 1, link);
  g_assert_nonnull (row);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "copy"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "link"))));
  g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (ph_batch_row_get_button (row, "link"))), NULL),
                   ==, link);
  /* Copy, not Open: it is a text, not a document to open. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "open"))));

  /* Copy puts the text on the clipboard. */
  gtk_widget_activate (GTK_WIDGET (ph_batch_row_get_button (row, "copy")));
  gui_wait_until (text_copied, fixture->window, "Text copied");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)), NULL,
                                 clipboard_read_cb, &copied);
  gui_wait_until (is_set, &copied, "the clipboard's text");
  g_assert_cmpstr (copied, ==, link);

  /* Words and a link are a text, without Open Link. */
  gui_iterate (2500);
  exited = FALSE;
  g_clear_object (&sender);
  sender = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, cli, "send", "--text",
                             "Dinner at 8, see https://example.org", port_text, NULL);
  g_assert_no_error (error);
  gui_watch_exit (sender, &exited);
  gui_wait_flag (&exited, "the second text");
  row = received_row (fixture, 2, "Dinner at 8, see https://example.org");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ph_batch_row_get_button (row, "link"))));
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  g_test_add ("/posthouse/gui/text/paste", Fixture, NULL,
              fixture_set_up, test_paste, fixture_tear_down);
  g_test_add ("/posthouse/gui/text/dialog", Fixture, NULL,
              fixture_set_up, test_dialog, fixture_tear_down);
  g_test_add ("/posthouse/gui/text/received", Fixture, NULL,
              fixture_set_up, test_received, fixture_tear_down);

  return g_test_run ();
}
