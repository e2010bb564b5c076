/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text as a file: named so that any receiver can save it, written into
 * a private folder of its own, deleted once sent; and on the receiving
 * side, told apart from other files and read back as text. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-error.h"
#include "ph-text-file.h"

#define FOLDER_PREFIX "posthouse-text-"
#define DATE_FORMAT   "%Y-%m-%d %H.%M.%S"   /* no ':' (FAT, SMB, Windows) */
#define ELLIPSIS      "…"

/* Naming */

/* A device name safe inside a file name on any system: no folder
 * separators, nothing Windows refuses, no control characters, and not
 * hidden. */
static char *
clean_device_name (const char *device_name)
{
  g_autofree char *valid = g_utf8_make_valid (device_name != NULL ? device_name : "", -1);
  GString *clean = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (strchr ("/\\:*?\"<>|", (int) c) != NULL && c < 0x80)
        g_string_append_c (clean, '-');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (clean, ' ');
      else
        g_string_append_unichar (clean, c);
    }

  g_strstrip (clean->str);
  g_string_set_size (clean, strlen (clean->str));
  while (clean->str[0] == '.')
    g_string_erase (clean, 0, 1);

  if (clean->len == 0)
    {
      g_string_free (clean, TRUE);
      /* Translators: who sent a text, when the device has no name */
      return g_strdup (_("Another Computer"));
    }

  return g_string_free (clean, FALSE);
}

/* Translators: the name of a file that carries a text; the first %s
 * is the sending device's name, the second the date and time. The date
 * must stay last: receivers find it there. */
#define TEXT_FROM N_("Text from %s, %s")

static char *
format_name (gboolean    translated,
             const char *device,
             const char *date)
{
  g_autofree char *base = translated ? g_strdup_printf (_(TEXT_FROM), device, date)
                                     : g_strdup_printf (TEXT_FROM, device, date);

  return g_strconcat (base, ".txt", NULL);
}

/* The longest prefix of @s that takes at most @max bytes, whole
 * characters only. */
static char *
utf8_cut (const char *s,
          gsize       max)
{
  const char *end = s;

  while (*end != '\0')
    {
      const char *next = g_utf8_next_char (end);

      if ((gsize) (next - s) > max)
        break;
      end = next;
    }

  return g_strndup (s, end - s);
}

/**
 * ph_text_file_name:
 * @device_name: (nullable): the sending device's name
 * @when: when the text was sent (local time)
 *
 * Returns: (transfer full): "Text from DEVICE, 2024-05-01 14.03.27.txt"
 *   in the sender's language: at most 128 bytes of UTF-8 (the device
 *   name is shortened with "…" when needed), no `/`, `\`, `:` or other
 *   character a receiver's file system refuses, never hidden.
 */
char *
ph_text_file_name (const char *device_name,
                   GDateTime  *when)
{
  gboolean translated = TRUE;
  g_autofree char *device = clean_device_name (device_name);
  g_autofree char *date = NULL;
  g_autofree char *ending = NULL;
  char *name;

  g_return_val_if_fail (when != NULL, NULL);

  date = g_date_time_format (when, DATE_FORMAT);
  ending = g_strconcat (date, ".txt", NULL);
  name = format_name (translated, device, date);
  /* A translation that moved the date cannot be recognised; one with a
   * folder separator cannot be saved. */
  if (!g_str_has_suffix (name, ending) || strchr (_(TEXT_FROM), '/') != NULL)
    {
      g_free (name);
      translated = FALSE;
      name = format_name (translated, device, date);
    }

  if (strlen (name) > PH_TEXT_FILE_NAME_MAX_BYTES)
    {
      gsize over = strlen (name) - PH_TEXT_FILE_NAME_MAX_BYTES + strlen (ELLIPSIS);
      g_autofree char *shorter = utf8_cut (device, strlen (device) > over ? strlen (device) - over : 0);
      g_autofree char *cut = g_strconcat (shorter, ELLIPSIS, NULL);

      g_free (name);
      name = format_name (translated, cut, date);
    }

  return name;
}

/* Whether @name looks like a text sent as a file: the date and time
 * last (as ph_text_file_name() writes it, in any language), perhaps
 * with the numbered variant a receiver adds (" (2)"), then ".txt". */
gboolean
ph_text_file_name_matches (const char *name)
{
  static GRegex *regex;

  g_return_val_if_fail (name != NULL, FALSE);

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex,
                       g_regex_new ("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}\\.[0-9]{2}\\.[0-9]{2}"
                                    "( \\([0-9]+\\))?\\.txt$",
                                    G_REGEX_OPTIMIZE, 0, NULL));

  return g_regex_match (regex, name, 0, NULL);
}

/* Whether a received file @name of @size bytes should be offered as
 * text (then ph_text_file_load_async() says whether it really is). */
gboolean
ph_text_file_is_text (const char *name,
                      gint64      size)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return size >= 0 && size <= PH_TEXT_FILE_MAX_BYTES && ph_text_file_name_matches (name);
}

/* Writing */

typedef struct
{
  char      *text;
  char      *name;
} NewData;

static void
new_data_free (gpointer data)
{
  NewData *d = data;

  g_free (d->text);
  g_free (d->name);
  g_free (d);
}

static void
new_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  NewData *d = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp (FOLDER_PREFIX "XXXXXX", &error);
  g_autofree char *path = NULL;

  if (folder == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  path = g_build_filename (folder, d->name, NULL);
  if (!g_file_set_contents_full (path, d->text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_rmdir (folder);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
}

/**
 * ph_text_file_new_async:
 * @text: the text, valid UTF-8
 * @device_name: (nullable): this device's name, for the file's name
 * @when: (nullable): when it is sent, %NULL for now
 *
 * Writes @text into a file named by ph_text_file_name(), alone in a
 * private folder (mode 0700) of the temporary folder, to be sent like
 * any file. ph_text_file_delete_with() removes both once sent.
 */
void
ph_text_file_new_async (const char          *text,
                        const char          *device_name,
                        GDateTime           *when,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) now = NULL;
  NewData *d;

  g_return_if_fail (text != NULL && g_utf8_validate (text, -1, NULL));

  if (when == NULL)
    when = now = g_date_time_new_now_local ();

  d = g_new0 (NewData, 1);
  d->text = g_strdup (text);
  d->name = ph_text_file_name (device_name, when);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_text_file_new_async);
  g_task_set_task_data (task, d, new_data_free);
  g_task_run_in_thread (task, new_thread);
}

/* Returns: (transfer full): the file to send, or %NULL */
GFile *
ph_text_file_new_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_text_file_new_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Only what ph_text_file_new_async() made is ever deleted. */
static gboolean
is_ours (GFile *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GFile) tmp = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(GFile) above = folder != NULL ? g_file_get_parent (folder) : NULL;
  g_autofree char *folder_name = folder != NULL ? g_file_get_basename (folder) : NULL;

  /* As g_dir_make_tmp() names it: the prefix and six characters. */
  return above != NULL && g_file_equal (above, tmp) &&
         g_str_has_prefix (folder_name, FOLDER_PREFIX) &&
         strlen (folder_name) == strlen (FOLDER_PREFIX) + 6;
}

static void
delete_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;

  if ((!g_file_delete (file, NULL, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) ||
      (g_clear_error (&error), !g_file_delete (folder, NULL, &error) &&
       !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * ph_text_file_delete_async:
 * @file: a file from ph_text_file_new_finish()
 *
 * Deletes @file and its private folder (nothing else: a file that is
 * not one of these is left alone, and the task fails).
 */
void
ph_text_file_delete_async (GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_text_file_delete_async);
  if (!is_ours (file))
    {
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_FAILED,
                               "%s is not a text Posthouse made", g_file_peek_path (file));
      return;
    }
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
ph_text_file_delete_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_text_file_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ph_text_file_delete_finish (result, &error))
    g_debug ("Text not deleted: %s", error->message);
}

typedef struct
{
  GFile  *file;
  gulong  state_id;
} DeleteWith;

static void
delete_with_gone_cb (gpointer  data,
                     GObject  *where_the_batch_was)
{
  DeleteWith *d = data;

  if (d->file != NULL)
    ph_text_file_delete_async (d->file, NULL, deleted_cb, NULL);
  g_clear_object (&d->file);
  g_free (d);
}

static void
delete_with_state_cb (PhBatch    *batch,
                      GParamSpec *pspec,
                      DeleteWith *d)
{
  /* Sent: no retry will need it. Failed: kept for Retry while the
   * batch lives. */
  if (d->file != NULL && ph_batch_get_state (batch) == PH_TRANSFER_DONE)
    {
      ph_text_file_delete_async (d->file, NULL, deleted_cb, NULL);
      g_clear_object (&d->file);
      g_signal_handler_disconnect (batch, d->state_id);
    }
}

/**
 * ph_text_file_delete_with:
 * @file: a file from ph_text_file_new_finish()
 * @batch: the batch that sends it
 *
 * Deletes @file once @batch sent it, or once @batch is let go of.
 */
void
ph_text_file_delete_with (GFile   *file,
                          PhBatch *batch)
{
  DeleteWith *d;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (PH_IS_BATCH (batch));

  d = g_new0 (DeleteWith, 1);
  d->file = g_object_ref (file);
  d->state_id = g_signal_connect (batch, "notify::state", G_CALLBACK (delete_with_state_cb), d);
  g_object_weak_ref (G_OBJECT (batch), delete_with_gone_cb, d);
}

/**
 * ph_text_file_sweep:
 * @older_than_seconds: leave younger ones (another program may be
 *   sending them)
 *
 * Deletes what a program that stopped mid-way left of its texts in the
 * temporary folder. Blocking; for start-up, in a thread.
 *
 * Returns: how many folders were removed
 */
guint
ph_text_file_sweep (gint64 older_than_seconds)
{
  g_autoptr(GDir) dir = g_dir_open (g_get_tmp_dir (), 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *folder = NULL;
      g_autoptr(GDir) inside = NULL;
      const char *child;
      GStatBuf st;

      if (!g_str_has_prefix (name, FOLDER_PREFIX))
        continue;
      folder = g_build_filename (g_get_tmp_dir (), name, NULL);
      if (g_lstat (folder, &st) != 0 || !S_ISDIR (st.st_mode) || st.st_uid != getuid () ||
          now - st.st_mtime < older_than_seconds)
        continue;

      inside = g_dir_open (folder, 0, NULL);
      while (inside != NULL && (child = g_dir_read_name (inside)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, child, NULL);
          g_unlink (path);
        }
      n += g_rmdir (folder) == 0;
    }

  return n;
}

/* Reading */

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *text;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
      g_file_info_get_size (info) > PH_TEXT_FILE_MAX_BYTES)
    {
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_FAILED,
                               _("Not a text: larger than %d KiB"), PH_TEXT_FILE_MAX_BYTES / 1024);
      return;
    }

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* It may have grown since. */
  if (length > PH_TEXT_FILE_MAX_BYTES)
    {
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_FAILED,
                               _("Not a text: larger than %d KiB"), PH_TEXT_FILE_MAX_BYTES / 1024);
      return;
    }
  /* NUL bytes fail too: a text is no binary. */
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_FAILED, _("Not a text: not valid UTF-8"));
      return;
    }

  text = g_str_has_prefix (contents, "\xEF\xBB\xBF") ? contents + 3 : contents;
  g_task_return_pointer (task, g_strdup (text), g_free);
}

/**
 * ph_text_file_load_async:
 * @file: a received file that ph_text_file_is_text() accepted
 *
 * Reads @file as text: at most PH_TEXT_FILE_MAX_BYTES of valid UTF-8,
 * else an error (it is then shown as the file it is).
 */
void
ph_text_file_load_async (GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_text_file_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/* Returns: (transfer full): the text, or %NULL */
char *
ph_text_file_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_text_file_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ph_text_dup_single_url:
 * @text: a received text
 *
 * Whether @text is one link and nothing else (space around it aside),
 * one a browser or mail program opens: http, https, ftp or mailto. A
 * stranger's text never opens a local file or runs anything.
 *
 * Returns: (transfer full) (nullable): the link, or %NULL
 */
char *
ph_text_dup_single_url (const char *text)
{
  static const char * const schemes[] = { "http", "https", "ftp", "mailto", NULL };
  g_autofree char *trimmed = NULL;
  g_autofree char *scheme = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)) || g_unichar_iscntrl (g_utf8_get_char (p)))
      return NULL;

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  if (!g_strv_contains (schemes, scheme))
    return NULL;
  if (!g_str_equal (scheme, "mailto") &&
      (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0'))
    return NULL;

  return g_steal_pointer (&trimmed);
}
