/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>
#include <string.h>

#include "gui-common.h"

/* Generous: only a safety net against a hang, never a speed check. */
#define WAIT_TIMEOUT_S 60

static char *history_dir;

static void
remove_history_dir (void)
{
  if (history_dir != NULL)
    ph_test_rm_rf (history_dir);
}

int
gui_init (int    *argc,
          char ***argv)
{
  g_test_init (argc, argv, NULL);

  /* Each app keeps its history in a folder of this run's, never the
   * user's. */
  history_dir = ph_test_make_tmp_dir ("posthouse-gui-history-XXXXXX");
  atexit (remove_history_dir);

  /* A display is needed; meson takes 77 as "skipped". */
  if (!gtk_init_check ())
    {
      g_printerr ("No display: skipping the GUI tests\n");
      exit (77);
    }

  return 0;
}

static gboolean
history_open (gpointer data)
{
  return ph_batch_list_get_history (ph_application_get_batches (data)) != NULL;
}

/* A path for a history of its own. */
char *
gui_new_history_path (void)
{
  static guint serial;

  return g_strdup_printf ("%s/%u/history.db", history_dir, ++serial);
}

PhApplication *
gui_app_new (void)
{
  g_autofree char *path = gui_new_history_path ();

  return gui_app_new_with_history (path);
}

/* An app whose history is @path: two apps, one after the other, are a
 * restart. Returns once the history is open. */
PhApplication *
gui_app_new_with_history (const char *path)
{
  PhApplication *app = ph_application_new ();
  g_autoptr(GError) error = NULL;
  static guint serial;
  g_autofree char *id = g_strdup_printf ("%s.Test%u", APPLICATION_ID, ++serial);

  /* The memory backend lives as long as the process: start afresh. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      g_settings_reset (settings, keys[i]);
  }

  /* Each case gets its own object path on the bus. */
  g_application_set_application_id (G_APPLICATION (app), id);

  /* Tests run in parallel on one session bus: none may become the
   * primary instance the others would forward to. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  ph_application_set_history_path (app, path);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  gui_iterate (100);
  gui_wait_until (history_open, app, "the history to open");

  return app;
}

PhWindow *
gui_app_window (PhApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (PH_IS_WINDOW (l->data))
      return l->data;

  g_assert_not_reached ();
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

void
gui_app_free (PhApplication *app)
{
  GList *windows;

  /* Stop receiving first: the receiver holds no ref on the app. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "receive-mode",
                                      g_variant_new_boolean (FALSE));

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  gui_wait_until (no_windows, app, "windows closed");
  gui_iterate (50);

  /* As when the program ends: the history written and closed (the app
   * itself may live on, below). */
  if (ph_application_get_batches (app) != NULL)
    {
      PhHistory *history = ph_batch_list_get_history (ph_application_get_batches (app));
      GObject *weak = history ? G_OBJECT (history) : NULL;

      if (weak != NULL)
        g_object_add_weak_pointer (weak, (gpointer *) &weak);
      ph_batch_list_set_history (ph_application_get_batches (app), NULL);
      while (weak != NULL)
        g_main_context_iteration (NULL, TRUE);
    }

  /* A registered GtkApplication that never ran keeps references of
   * its own; the window must be gone though. */
  g_object_unref (app);
}

/* The application's settings as gsettings would set them: the memory
 * backend is shared by the process. */
GSettings *
gui_settings (void)
{
  static GSettings *settings;

  if (settings == NULL)
    settings = g_settings_new (APPLICATION_ID);

  return settings;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
gui_iterate (guint msec)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (msec, timeout_cb, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

void
gui_wait_until (GuiCondition  condition,
                gpointer      data,
                const char   *what)
{
  /* valgrind makes everything an order of magnitude slower. */
  guint factor = g_getenv ("PH_VALGRIND") != NULL ? 10 : 1;
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_TIMEOUT_S * factor * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for: %s", what);
      gui_iterate (10);
    }
}

typedef struct
{
  PhWindow   *window;
  const char *text;
} Toast;

static gboolean
toast_shown (gpointer data)
{
  Toast *toast = data;

  return g_strcmp0 (ph_window_get_last_toast (toast->window), toast->text) == 0;
}

/* Until @window shows @text as its last toast. */
void
gui_wait_toast (PhWindow   *window,
                const char *text,
                const char *what)
{
  Toast toast = { window, text };

  gui_wait_until (toast_shown, &toast, what);
}

char *
gui_make_file (const char *dir,
               const char *name,
               gsize       size)
{
  g_autofree guint8 *data = g_malloc (size + 1);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  GRand *rand = g_rand_new_with_seed (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);

  g_file_set_contents (path, (char *) data, size, &error);
  g_assert_no_error (error);

  return path;
}

guint
gui_count_files (const char *dir)
{
  g_autoptr(GPtrArray) names = ph_test_list_dir (dir);

  return names != NULL ? names->len : 0;
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Sets *@exited once @process ends; anything but status 0 fails the test. */
void
gui_watch_exit (GSubprocess *process,
                gboolean    *exited)
{
  g_subprocess_wait_check_async (process, NULL, exited_cb, exited);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
gui_wait_flag (gboolean   *flag,
               const char *what)
{
  gui_wait_until (is_true, flag, what);
}

/* Conditions for gui_wait_until() on a widget. */
gboolean
gui_widget_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

gboolean
gui_widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

typedef struct
{
  const guint *value;
  guint        expected;
} Value;

static gboolean
value_reached (gpointer data)
{
  Value *value = data;

  return *value->value == value->expected;
}

/* Until *@value is @expected (a counter the test's callbacks move). */
void
gui_wait_uint (const guint *value,
               guint        expected,
               const char  *what)
{
  Value wanted = { value, expected };

  gui_wait_until (value_reached, &wanted, what);
}

typedef struct
{
  GtkWidget *widget;
  int        max;
} Width;

static gboolean
narrow_enough (gpointer data)
{
  Width *width = data;

  return gtk_widget_get_width (width->widget) <= width->max;
}

/* Until @widget is at most @max wide: a new size is allocated a few
 * frames later, later still on a loaded machine. */
void
gui_wait_width (GtkWidget  *widget,
                int         max,
                const char *what)
{
  Width width = { widget, max };

  gui_wait_until (narrow_enough, &width, what);
}

/* The original client, run while the main loop keeps going. */
void
gui_py_send (const char *host,
             guint       port,
             const char *path)
{
  const char *python = g_getenv ("PYTHON");
  const char *script = g_getenv ("PH_PY_SEND");
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_assert_nonnull (script);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              python ? python : "python3", script, host, port_text, path, NULL);
  g_assert_no_error (error);
  gui_watch_exit (process, &done);
  gui_wait_flag (&done, "the Python sender to exit");
}

PhBatch *
gui_batch_at (PhApplication *app,
              guint          position)
{
  GListModel *model = G_LIST_MODEL (ph_application_get_batches (app));
  g_autoptr(PhBatch) batch = g_list_model_get_item (model, position);

  return batch;  /* the model keeps it alive */
}

guint
gui_n_batches (PhApplication *app)
{
  return g_list_model_get_n_items (G_LIST_MODEL (ph_application_get_batches (app)));
}

static PhBatchRow *
find_row (GtkWidget *widget,
          PhBatch   *batch)
{
  if (PH_IS_BATCH_ROW (widget) && ph_batch_row_get_batch (PH_BATCH_ROW (widget)) == batch)
    return PH_BATCH_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      PhBatchRow *row = find_row (child, batch);

      if (row != NULL)
        return row;
    }

  return NULL;
}

/* The row on screen that shows @batch, once the batch published its
 * latest state (a few times a second) and the list was laid out. */
PhBatchRow *
gui_row_for (PhWindow *window,
             PhBatch  *batch)
{
  gui_iterate (350);
  return gui_find_row (window, batch);
}

/* The row that shows @batch now, if the list made one: no waiting, so
 * it can be called from a signal handler. */
PhBatchRow *
gui_find_row (PhWindow *window,
              PhBatch  *batch)
{
  return find_row (GTK_WIDGET (ph_window_get_batch_list (window)), batch);
}

/* How many widgets of @type exist under @root (rows made, not items). */
guint
gui_count_widgets (GtkWidget *root,
                   GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (root, type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += gui_count_widgets (child, type);

  return n;
}

/* What a file manager's drop delivers. */
void
gui_drop_files (PhWindow  *window,
                GFile    **files,
                guint      n_files)
{
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, n_files));
  g_signal_emit_by_name (ph_window_get_drop_target (window), "drop", &value, 20.0, 20.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
}

static gboolean
window_inactive (gpointer data)
{
  return !gtk_window_is_active (GTK_WINDOW (data));
}

/* Another window takes the focus, as when the person works elsewhere:
 * notifications show again. */
void
gui_unfocus (PhWindow *window)
{
  GtkWidget *other = gtk_window_new ();

  gtk_window_set_title (GTK_WINDOW (other), "Elsewhere");
  gtk_window_present (GTK_WINDOW (other));
  gui_wait_until (window_inactive, window, "the window to lose the focus");
  /* Closed with the window's application: it belongs to none. */
  g_object_set_data_full (G_OBJECT (window), "gui-other-window", other,
                          (GDestroyNotify) gtk_window_destroy);
}

/* Whether the test session's notification daemon showed @text. */
gboolean
gui_notification_logged (const char *text)
{
  return gui_notifications_count (text) > 0;
}

guint
gui_notifications_count (const char *text)
{
  const char *log = g_getenv ("PH_NOTIFY_LOG");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (log == NULL || !g_file_get_contents (log, &contents, NULL, NULL))
    return 0;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], text) != NULL)
      n++;

  return n;
}

gboolean
gui_receive_mode (PhApplication *app)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (app), "receive-mode");
  return g_variant_get_boolean (state);
}

void
gui_set_receive_mode (PhApplication *app,
                      gboolean       on)
{
  g_action_group_change_action_state (G_ACTION_GROUP (app), "receive-mode",
                                      g_variant_new_boolean (on));
}

/* GuiConditions on the newest batch of @app. */
gboolean
gui_first_finished (gpointer app)
{
  return gui_n_batches (app) > 0 && ph_batch_is_finished (gui_batch_at (app, 0));
}

gboolean
gui_first_waiting (gpointer app)
{
  return gui_n_batches (app) > 0 &&
         ph_batch_get_state (gui_batch_at (app, 0)) == PH_TRANSFER_WAITING;
}

/* The target of @action in @menu (its sections too), or NULL when the
 * menu does not offer it: what a person can pick there. */
char *
gui_menu_target (GMenuModel *menu,
                 const char *action)
{
  if (menu == NULL)
    return NULL;

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      char *found;

      if (section != NULL && (found = gui_menu_target (section, action)) != NULL)
        return found;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        {
          g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                                              G_VARIANT_TYPE_STRING);

          return g_strdup (target != NULL ? g_variant_get_string (target, NULL) : "");
        }
    }

  return NULL;
}

/* The first widget of @type under @root, @root included. */
GtkWidget *
gui_find_widget (GtkWidget *root,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
dialog_up (gpointer data)
{
  GtkWindow *dialog = ph_window_get_message_dialog (data);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* Waits for the window's question, and answers it as a click would. */
AdwMessageDialog *
gui_wait_dialog (PhWindow *window)
{
  gui_wait_until (dialog_up, window, "a dialog");
  return ADW_MESSAGE_DIALOG (ph_window_get_message_dialog (window));
}

void
gui_answer_dialog (PhWindow   *window,
                   const char *response)
{
  AdwMessageDialog *dialog = gui_wait_dialog (window);

  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}
