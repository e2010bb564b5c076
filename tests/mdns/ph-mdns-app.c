/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app in a fake host of the mdns suite: the real
 * PhApplication and its window, under the host's own Xvfb, session bus
 * and notification daemon, talking to the host's own Avahi daemon.
 * The test drives it on stdin and reads on stdout what the window
 * shows, each line with the CLOCK_MONOTONIC time in microseconds (T):
 *
 *   "ready T"
 *   "+ T NAME\tSUBTITLE"     a row of the Nearby list is on screen (rows
 *                            of one name: "SUBTITLE | SUBTITLE", sorted)
 *   "- T NAME"               ... and gone
 *   "status T TEXT"          what the Nearby list says while empty
 *   "panel T TITLE"          the receive panel's announcement row
 *   "toast T TEXT"
 *   "destination T TEXT"     the destination field
 *   "batch T STATE DONE FILES FLATTENED TITLE"  a batch finished
 *   "at T X Y"               where a row's middle is on the window
 *
 * Commands: "receive on|off", "set KEY GVARIANT-TEXT", "choose NAME"
 * (a click on the row), "drop-on NAME\tPATH" (files dropped on the
 * row), "drop PATH" (dropped on the window), "locate NAME" (for a real
 * drag with xdotool: where the row is, in the X window's coordinates),
 * "quit".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>

#include "gui-common.h"
#include "ph-nearby-list-private.h"

static PhApplication *app;
static PhWindow      *window;
static GHashTable    *shown;      /* name -> subtitle of the rows on screen */
static GHashTable    *reported;   /* PhBatch already said finished */
static char          *status;
static char          *panel;
static char          *toast;
static char          *destination;
static gboolean       done;

/* "WHAT T TEXT" */
static void
report (const char *what,
        const char *text)
{
  fprintf (stdout, "%s %" G_GINT64_FORMAT "%s%s\n", what, g_get_monotonic_time (),
           text ? " " : "", text ? text : "");
  fflush (stdout);
}

static gboolean
changed (char       **old,
         const char  *now)
{
  if (g_strcmp0 (*old, now) == 0)
    return FALSE;

  g_free (*old);
  *old = g_strdup (now);
  return TRUE;
}

static PhNearbyList *
nearby_list (void)
{
  return ph_panel_get_nearby_list (ph_window_get_panel (window));
}

static PhNearbyRow *
find_row (const char *name)
{
  PhNearbyRow *row;

  for (guint i = 0; (row = ph_nearby_list_get_row (nearby_list (), i)) != NULL; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name) == 0)
      return row;

  return NULL;
}

/* What is on screen now, against what was said. */
static gboolean
poll_cb (gpointer user_data)
{
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GListModel *batches = G_LIST_MODEL (ph_application_get_batches (app));
  PhPanel *the_panel = ph_window_get_panel (window);
  AdwActionRow *announce_row = ph_panel_get_announce_row (the_panel);
  GHashTableIter iter;
  gpointer key, value;
  PhNearbyRow *row;

  for (guint i = 0; (row = ph_nearby_list_get_row (nearby_list (), i)) != NULL; i++)
    if (gtk_widget_get_mapped (GTK_WIDGET (row)))
      {
        const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
        const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
        const char *other = g_hash_table_lookup (now, title);

        /* Rows of one name: their subtitles, in order, on one line. */
        if (other == NULL)
          g_hash_table_insert (now, g_strdup (title), g_strdup (subtitle));
        else if (strcmp (other, subtitle) < 0)
          g_hash_table_insert (now, g_strdup (title), g_strconcat (other, " | ", subtitle, NULL));
        else
          g_hash_table_insert (now, g_strdup (title), g_strconcat (subtitle, " | ", other, NULL));
      }

  g_hash_table_iter_init (&iter, shown);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (now, key))
      {
        report ("-", key);
        g_hash_table_iter_remove (&iter);
      }
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (g_hash_table_lookup (shown, key), value) != 0)
      {
        g_autofree char *line = g_strdup_printf ("%s\t%s", (char *) key, (char *) value);

        report ("+", line);
        g_hash_table_insert (shown, g_strdup (key), g_strdup (value));
      }

  /* Said again each time the list becomes empty. */
  if (g_hash_table_size (now) > 0)
    g_clear_pointer (&status, g_free);
  else if (gtk_widget_get_mapped (GTK_WIDGET (nearby_list ())) &&
           changed (&status, ph_nearby_list_get_status (nearby_list ())))
    report ("status", status);

  if (gtk_widget_get_visible (GTK_WIDGET (announce_row)) && ph_panel_get_receive_visible (the_panel) &&
      changed (&panel, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (announce_row))))
    report ("panel", panel);

  if (ph_window_get_last_toast (window) != NULL && changed (&toast, ph_window_get_last_toast (window)))
    report ("toast", toast);

  if (changed (&destination, ph_panel_get_destination (the_panel)))
    report ("destination", destination);

  for (guint i = 0; i < g_list_model_get_n_items (batches); i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (batches, i);
      g_autoptr(GEnumClass) states = NULL;
      g_autofree char *title = NULL;
      g_autofree char *line = NULL;

      if (!ph_batch_is_finished (batch) || g_hash_table_contains (reported, batch))
        continue;

      states = g_type_class_ref (PH_TYPE_TRANSFER_STATE);
      title = ph_batch_dup_title (batch);
      line = g_strdup_printf ("%s %u %u %d %s",
                              g_enum_get_value (states, ph_batch_get_state (batch))->value_nick,
                              ph_batch_get_n_done (batch), ph_batch_get_n_files (batch),
                              ph_batch_get_flattened (batch), title);
      report ("batch", line);
      g_hash_table_add (reported, g_object_ref (batch));
    }

  return G_SOURCE_CONTINUE;
}

static void
set_setting (const char *text)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (text, " ", 2);

  if (parts[0] == NULL || parts[1] == NULL)
    g_error ("set KEY VALUE, not “%s”", text);

  g_object_get (settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, parts[0]);
  value = g_variant_parse (g_settings_schema_key_get_value_type (key), parts[1], NULL, NULL, &error);
  g_assert_no_error (error);
  g_settings_set_value (settings, parts[0], value);
}

static void
drop_on (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\t", 2);
  g_autoptr(GFile) file = NULL;
  PhNearbyRow *row;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_assert_nonnull (parts[1]);
  row = find_row (parts[0]);
  g_assert_nonnull (row);

  file = g_file_new_for_path (parts[1]);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  g_signal_emit_by_name (ph_nearby_row_get_drop_target (row), "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
}

static void
locate (const char *name)
{
  PhNearbyRow *row = find_row (name);
  graphene_point_t middle, point;
  double dx, dy;
  g_autofree char *text = NULL;

  g_assert_nonnull (row);
  graphene_point_init (&middle, gtk_widget_get_width (GTK_WIDGET (row)) / 2.0,
                       gtk_widget_get_height (GTK_WIDGET (row)) / 2.0);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (row), GTK_WIDGET (window), &middle, &point));
  /* The X window is the surface, with the client-side shadow around the window. */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  text = g_strdup_printf ("%d %d", (int) (point.x + dx), (int) (point.y + dy));
  report ("at", text);
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                                     result, NULL, NULL);

  if (line == NULL || g_str_equal (line, "quit"))
    {
      done = TRUE;
      return;
    }

  if (g_str_equal (line, "receive on") || g_str_equal (line, "receive off"))
    gui_set_receive_mode (app, g_str_equal (line, "receive on"));
  else if (g_str_has_prefix (line, "set "))
    set_setting (line + 4);
  else if (g_str_has_prefix (line, "choose "))
    {
      PhNearbyRow *row = find_row (line + 7);

      g_assert_nonnull (row);
      gtk_widget_activate (GTK_WIDGET (row));
    }
  else if (g_str_has_prefix (line, "drop-on "))
    drop_on (line + 8);
  else if (g_str_has_prefix (line, "locate "))
    locate (line + 7);
  else if (g_str_has_prefix (line, "drop "))
    {
      g_autoptr(GFile) file = g_file_new_for_path (line + 5);

      gui_drop_files (window, &file, 1);
    }
  else
    g_error ("unknown command “%s”", line);

  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (object), G_PRIORITY_DEFAULT,
                                       NULL, line_cb, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (stdin_stream);
  guint poll;

  gui_init (&argc, &argv);

  shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  reported = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  app = gui_app_new ();
  window = gui_app_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 900);

  poll = g_timeout_add (10, poll_cb, NULL);
  report ("ready", NULL);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_cb, NULL);

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (poll);
  g_hash_table_unref (reported);
  gui_app_free (app);
  g_hash_table_unref (shown);
  g_free (status);
  g_free (panel);
  g_free (toast);
  g_free (destination);

  return 0;
}
