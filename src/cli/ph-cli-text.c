/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `posthouse-cli send --text`: the text as the file the app sends, named
 * after this computer and the time, so that any receiver saves it and
 * a Posthouse receiver shows it as text. */
#include "config.h"

#include "posthouse-core.h"

#include "ph-cli.h"

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return g_steal_pointer (&wait->result);
}

/* Returns: (transfer full): a file holding @text, or %NULL with @error */
GFile *
ph_cli_text_file_new (const char  *text,
                      GError     **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) named = NULL;
  g_autoptr(GAsyncResult) made = NULL;
  g_autofree char *device = NULL;
  g_autofree char *valid = NULL;
  Wait wait = { loop, NULL };

  /* The name this computer is known by nearby, as the app uses. */
  ph_device_name_query_async (NULL, done_cb, &wait);
  named = wait_for (&wait);
  device = ph_device_name_query_finish (named, NULL);

  valid = g_utf8_make_valid (text, -1);
  ph_text_file_new_async (valid, device, NULL, NULL, done_cb, &wait);
  made = wait_for (&wait);

  return ph_text_file_new_finish (made, error);
}

/* Deletes what ph_cli_text_file_new() made. */
void
ph_cli_text_file_delete (GFile *file)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { loop, NULL };

  ph_text_file_delete_async (file, NULL, done_cb, &wait);
  deleted = wait_for (&wait);
  if (!ph_text_file_delete_finish (deleted, &error))
    g_debug ("The text's file stays: %s", error->message);
}
