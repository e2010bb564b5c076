/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: arbitrary bytes as what a sender says inside the
 * secure channel, after TLS (which a fuzzer cannot usefully get
 * through): cut into units by PhFrameReader in pieces whose size the
 * input picks, and, once a hello came, handed to a PhIntake whose sink
 * writes real files into a scratch folder, as PhSecureReceive does.
 * Whatever arrives: no crash, no leak, every receipt follows the rules
 * (one per file, "saved" only for a file committed whole), and nothing
 * stays in the folder but files saved whole. */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ph-frame.h"
#include "ph-intake.h"
#include "ph-secure-file-private.h"
#include "posthouse-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

typedef struct
{
  PhSecureFile *file;
  gint64        size;
  gint64        written;
} File;

static struct
{
  char           *folder;
  PhSecureFolder *secure_folder;
  GHashTable     *receipts;    /* id -> saved */
  guint           saved;
  gint64          saved_bytes;
} fz;

static gpointer
sink_open (gpointer data, guint32 id, const char *name, gint64 size, GError **error)
{
  File *file = g_new0 (File, 1);

  file->size = size;
  file->file = ph_secure_file_open (fz.secure_folder, name, size, error);
  if (file->file == NULL)
    {
      g_free (file);
      return NULL;
    }
  return file;
}

static gboolean
sink_write (gpointer data, gpointer handle, const guint8 *bytes, gsize len, GError **error)
{
  File *file = handle;

  g_assert_cmpint (file->written + (gint64) len, <=, file->size);
  file->written += len;
  return ph_secure_file_write (file->file, bytes, len, error);
}

static char *
sink_commit (gpointer data, gpointer handle, GError **error)
{
  File *file = handle;
  g_autoptr(GFile) saved = NULL;
  char *name = NULL;

  g_assert_cmpint (file->written, ==, file->size);
  saved = ph_secure_file_commit (file->file, &name, error);
  if (saved != NULL)
    {
      fz.saved++;
      fz.saved_bytes += file->size;
    }
  return name;
}

static void
sink_close (gpointer data, gpointer handle, const GError *why)
{
  File *file = handle;

  ph_secure_file_free (file->file);
  g_free (file);
}

static void
sink_receipt (gpointer data, const PhMessage *receipt)
{
  /* One receipt per file; a saved one names where. */
  g_assert_false (g_hash_table_contains (fz.receipts, GUINT_TO_POINTER (receipt->id)));
  g_hash_table_insert (fz.receipts, GUINT_TO_POINTER (receipt->id), GINT_TO_POINTER (receipt->saved));
  if (receipt->saved)
    g_assert_true (receipt->name != NULL && receipt->name[0] != '\0' && receipt->name[0] != '/');
  else
    g_assert_nonnull (receipt->reason);
}

static const PhIntakeSink sink = { sink_open, sink_write, sink_commit, sink_close, sink_receipt };

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        data)
{
}

/* Removes what is below @path (never following a link); returns how
 * many regular files and their bytes it found. */
static void
empty_folder (const char *path,
              guint      *files,
              gint64     *bytes)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          empty_folder (child, files, bytes);
          g_rmdir (child);
        }
      else
        {
          if (S_ISREG (st.st_mode))
            {
              (*files)++;
              *bytes += st.st_size;
            }
          g_unlink (child);
        }
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  g_log_set_default_handler (quiet_log, NULL);
  fz.folder = g_dir_make_tmp ("posthouse-fuzz-frame-XXXXXX", NULL);
  g_assert_nonnull (fz.folder);
  folder = g_file_new_for_path (fz.folder);
  fz.secure_folder = ph_secure_folder_new (folder, NULL, NULL, &error);
  g_assert_no_error (error);
  fz.receipts = g_hash_table_new (NULL, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  PhFrameReader reader;
  PhIntake *intake = NULL;
  gsize step, at = 1;
  gboolean paths, ok = TRUE;
  guint files = 0;
  gint64 bytes = 0;

  if (size < 1)
    return 0;

  /* The first byte: how the stream is cut, and whether paths are kept. */
  step = (data[0] & 0x3f) + 1;
  paths = (data[0] & 0x40) != 0;
  fz.saved = 0;
  fz.saved_bytes = 0;
  g_hash_table_remove_all (fz.receipts);

  ph_frame_reader_init (&reader, 1024);
  while (ok && at < size)
    {
      g_autoptr(GError) error = NULL;
      PhMessage message = { 0 };
      const guint8 *out;
      gsize want, n, out_len;
      guint8 *space = ph_frame_reader_space (&reader, &want);
      PhUnitKind kind;

      n = MIN (MIN (want, step), size - at);
      memcpy (space, data + at, n);
      at += n;
      kind = ph_frame_reader_commit (&reader, n, &message, &out, &out_len, &error);

      if (error != NULL)
        ok = FALSE;
      else if (intake == NULL)
        {
          /* The session's rule: a hello with its summary comes first. */
          if (kind == PH_UNIT_MESSAGE && message.type == PH_MESSAGE_HELLO && message.has_summary)
            intake = ph_intake_new (&sink, NULL, &message, paths);
          else if (kind != PH_UNIT_NONE)
            ok = FALSE;
        }
      else if (kind == PH_UNIT_MESSAGE)
        ok = ph_intake_message (intake, &message, &error);
      else if (kind == PH_UNIT_CHUNK)
        ok = ph_intake_chunk (intake, out_len, &error);
      else if (kind == PH_UNIT_DATA)
        ok = ph_intake_data (intake, out, out_len, &error);

      if (error != NULL)
        g_assert_true (error->message != NULL && error->message[0] != '\0');
      ph_message_clear (&message);
      if (ok && intake != NULL && ph_intake_is_ended (intake))
        break;
    }

  if (intake != NULL)
    {
      g_autoptr(GError) why = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED, "end of input");

      ph_intake_abort (intake, why);
      g_assert_cmpuint (ph_intake_get_n_saved (intake), ==, fz.saved);
      ph_intake_free (intake);
    }
  ph_frame_reader_clear (&reader);

  /* Exactly the files saved whole are there: nothing half-written. */
  empty_folder (fz.folder, &files, &bytes);
  g_assert_cmpuint (files, ==, fz.saved);
  g_assert_cmpint (bytes, ==, fz.saved_bytes);
  return 0;
}
