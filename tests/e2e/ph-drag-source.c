/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A stand-in for a file manager in the end-to-end tests: its window offers
 * the files named on the command line as one drag, the way Nautilus does
 * (a GdkFileList, and text/uri-list for older targets).
 *
 *   ph-drag-source [--title TITLE] FILE...
 *   ph-drag-source --copy-text TEXT
 *
 * With --copy-text it puts TEXT on the clipboard instead, as a text
 * editor's Copy does, and keeps it there while it runs ("copied").
 *
 * It prints "drag-begin", "drag-end" or "drag-cancel REASON" on stdout, so
 * a harness can tell a drag that never started from a drop that failed. */

#include <locale.h>

#include <gtk/gtk.h>

static char *title = NULL;
static char **paths = NULL;
static char *copy_text = NULL;

static const GOptionEntry entries[] = {
  { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Window title", "TITLE" },
  { "copy-text", 0, 0, G_OPTION_ARG_STRING, &copy_text, "Put TEXT on the clipboard", "TEXT" },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "FILE…" },
  G_OPTION_ENTRY_NULL
};

static GdkContentProvider *
build_content (GPtrArray *files)
{
  g_autoptr(GString) uris = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  GdkFileList *list;
  GdkContentProvider *providers[2];

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *uri = g_file_get_uri (g_ptr_array_index (files, i));
      g_string_append_printf (uris, "%s\r\n", uri);
    }
  bytes = g_string_free_to_bytes (g_steal_pointer (&uris));

  list = gdk_file_list_new_from_array ((GFile **) files->pdata, files->len);
  providers[0] = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, list);
  providers[1] = gdk_content_provider_new_for_bytes ("text/uri-list", bytes);
  /* The provider keeps its own copy; no autoptr for GdkFileList in GTK 4.8. */
  g_boxed_free (GDK_TYPE_FILE_LIST, list);

  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

static void
say (const char *what)
{
  g_print ("%s\n", what);
  fflush (stdout);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  say ("drag-begin");
}

static void
drag_end_cb (GtkDragSource *source,
             GdkDrag       *drag,
             gboolean       delete_data,
             gpointer       user_data)
{
  say ("drag-end");
}

static gboolean
drag_cancel_cb (GtkDragSource       *source,
                GdkDrag             *drag,
                GdkDragCancelReason  reason,
                gpointer             user_data)
{
  g_autofree char *line = g_strdup_printf ("drag-cancel %d", reason);

  say (line);
  return FALSE;
}

/* A text on the clipboard, owned by this window while it runs. */
static void
copy_text_cb (GtkApplication *app)
{
  GtkWidget *window = gtk_application_window_new (app);

  gtk_window_set_title (GTK_WINDOW (window), title ? title : "Copy Source");
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 100);
  gtk_window_present (GTK_WINDOW (window));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (window), copy_text);
  say ("copied");
}

static void
activate_cb (GtkApplication *app,
             GPtrArray      *files)
{
  GtkWidget *window = gtk_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *picture = gtk_picture_new_for_file (g_ptr_array_index (files, 0));
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GdkContentProvider) content = build_content (files);
  GdkPaintable *icon;
  GtkDragSource *source;
  GtkWidget *label;

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (files, i));
      g_string_append_printf (names, "%s%s", i > 0 ? "\n" : "", name);
    }

  label = gtk_label_new (names->str);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);

  /* The whole window is the dragged item: the harness presses anywhere in it. */
  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  gtk_drag_source_set_content (source, content);
  /* The picture under the pointer, as a file manager shows the thumbnail. */
  icon = gtk_picture_get_paintable (GTK_PICTURE (picture));
  if (icon != NULL)
    gtk_drag_source_set_icon (source, icon, 16, 16);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), NULL);
  g_signal_connect (source, "drag-end", G_CALLBACK (drag_end_cb), NULL);
  g_signal_connect (source, "drag-cancel", G_CALLBACK (drag_cancel_cb), NULL);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (source));

  gtk_window_set_title (GTK_WINDOW (window), title ? title : "Drag Source");
  gtk_window_set_default_size (GTK_WINDOW (window), 280, 280);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE…");
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  int status;

  /* Arguments in the locale's charset: UTF-8 ones are read as such. */
  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if ((paths == NULL || paths[0] == NULL) && copy_text == NULL)
    {
      g_printerr ("No files to offer\n");
      return 2;
    }

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (paths[i]));

  /* Not unique: the tests may start several, and no bus name is needed. */
  app = gtk_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  if (copy_text != NULL)
    g_signal_connect (app, "activate", G_CALLBACK (copy_text_cb), NULL);
  else
    g_signal_connect (app, "activate", G_CALLBACK (activate_cb), files);

  status = g_application_run (G_APPLICATION (app), 0, NULL);

  g_clear_pointer (&title, g_free);
  g_clear_pointer (&paths, g_strfreev);
  g_clear_pointer (&copy_text, g_free);

  return status;
}
