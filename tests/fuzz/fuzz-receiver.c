/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: arbitrary bytes from a peer, through a real loopback
 * connection, into a real PhReceiver. Whatever arrives, nothing appears
 * outside the receive folder, nothing stays in it but complete files
 * whose content is exactly what the header announced, and every
 * connection ends.
 *
 * Built with PH_FUZZ_PATHS (fuzz-receiver-paths), the receiver accepts
 * folder paths, and its folder holds symbolic links that lead out of
 * it: the file may land in folders, never through a link, never more
 * than eight deep, and nothing ever reaches the place they point to. */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "posthouse-core.h"
#include "ph-naming.h"
#include "ph-receiver-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* Per-connection limit: far beyond what one input needs, only there to
 * report a hang as a crash with its input rather than a silent stall. */
#define HANG_LIMIT_MS 10000

#define SPLIT_AT 70

/* What the receive folder holds before any input (PH_FUZZ_PATHS). */
#define TRAP_LINK   "trap"      /* -> ../outside */
#define UP_LINK     "up"        /* -> .. */

static struct
{
  char       *sandbox;   /* the only place the receiver may touch */
  char       *folder;    /* sandbox/recv */
  char       *outside;   /* sandbox/outside: where the links lead, kept empty */
  PhReceiver *receiver;
  guint16     port;
  PhTransfer *transfer;  /* of the current input, if any */
  guint       failures;  /* connection-failed since the input started */
} fz;

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   gpointer    user_data)
{
  /* One connection per input, so one transfer at most. */
  g_assert_null (fz.transfer);
  fz.transfer = g_object_ref (transfer);
}

static void
connection_failed_cb (PhReceiver   *receiver,
                      const char   *peer,
                      const GError *error,
                      gpointer      user_data)
{
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_true (error->message[0] != '\0');
  fz.failures++;
}

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        data)
{
}

/* Removes @path and everything below it; links are removed, never followed. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

/* Leaves no sandbox behind on a normal exit (a crash keeps it, to
 * look at). */
static void
remove_sandbox (void)
{
  if (fz.receiver != NULL)
    ph_receiver_stop (fz.receiver);
  remove_tree (fz.sandbox);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;

  g_log_set_handler ("Posthouse", G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO | G_LOG_LEVEL_MESSAGE,
                     quiet_log, NULL);

  fz.sandbox = g_dir_make_tmp ("posthouse-fuzz-rx-XXXXXX", &error);
  g_assert_no_error (error);
  fz.folder = g_build_filename (fz.sandbox, "recv", NULL);
  g_assert_cmpint (g_mkdir (fz.folder, 0700), ==, 0);
  fz.outside = g_build_filename (fz.sandbox, "outside", NULL);
#ifdef PH_FUZZ_PATHS
  g_assert_cmpint (g_mkdir (fz.outside, 0700), ==, 0);
  {
    g_autofree char *trap = g_build_filename (fz.folder, TRAP_LINK, NULL);
    g_autofree char *up = g_build_filename (fz.folder, UP_LINK, NULL);

    g_assert_cmpint (symlink ("../outside", trap), ==, 0);
    g_assert_cmpint (symlink ("..", up), ==, 0);
  }
#endif
  /* Relative paths, should anything use them, land in the sandbox. */
  g_assert_cmpint (chdir (fz.sandbox), ==, 0);

  folder = g_file_new_for_path (fz.folder);
  fz.receiver = ph_receiver_new (folder);
  ph_receiver_set_bind_address (fz.receiver, "127.0.0.1");
  ph_receiver_set_port (fz.receiver, 0);
  ph_receiver_set_header_timeout (fz.receiver, 2000);
  ph_receiver_set_idle_timeout (fz.receiver, 2000);
#ifdef PH_FUZZ_PATHS
  ph_receiver_set_accepts_paths (fz.receiver, TRUE);
#endif
  g_signal_connect (fz.receiver, "transfer-added", G_CALLBACK (transfer_added_cb), NULL);
  g_signal_connect (fz.receiver, "connection-failed", G_CALLBACK (connection_failed_cb), NULL);
  ph_receiver_start (fz.receiver, &error);
  g_assert_no_error (error);
  fz.port = ph_receiver_get_port (fz.receiver);
  atexit (remove_sandbox);

  return 0;
}

static GSocket *
connect_to_receiver (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fz.port);
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);

  return socket;
}

/* TRUE once the receiver closed its end: @orderly says whether in
 * order (the receipt: "saved") or with a reset. */
static gboolean
peer_closed (GSocket  *socket,
             gboolean *orderly)
{
  g_autoptr(GError) error = NULL;
  char buf[256];
  gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);

  /* The receiver never answers anything: any byte is a bug. */
  g_assert_cmpint (n, <=, 0);
  *orderly = n == 0;
  return n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

/* The files below @relative in the receive folder, as paths relative
 * to it, and the folders an input made, deepest first; the links the
 * folder started with are left out. */
static void
collect (const char *relative,
         guint       depth,
         GPtrArray  *files,
         GPtrArray  *folders)
{
  g_autofree char *path = g_build_filename (fz.folder, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = *relative ? g_build_filename (relative, name, NULL) : g_strdup (name);
      g_autofree char *child_path = g_build_filename (fz.folder, child, NULL);

      if (depth == 0 && (g_str_equal (name, TRAP_LINK) || g_str_equal (name, UP_LINK)) &&
          g_file_test (child_path, G_FILE_TEST_IS_SYMLINK))
        continue;

      /* Folders are made by paths alone, never deeper than eight. */
      if (!g_file_test (child_path, G_FILE_TEST_IS_SYMLINK) &&
          g_file_test (child_path, G_FILE_TEST_IS_DIR))
        {
#ifndef PH_FUZZ_PATHS
          g_error ("a folder appeared: %s", child);
#endif
          g_assert_true (name[0] != '.');
          g_assert_true (g_utf8_validate (name, -1, NULL));
          g_assert_cmpuint (depth, <, PH_NAMING_MAX_FOLDERS);
          collect (child, depth + 1, files, folders);
          g_ptr_array_add (folders, g_steal_pointer (&child_path));
          continue;
        }

      g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

static GPtrArray *
new_entries (GPtrArray *folders)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  collect ("", 0, files, folders);
  return files;
}

static void
check_sandbox (void)
{
  g_autoptr(GDir) dir = g_dir_open (fz.sandbox, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_true (g_str_equal (name, "recv") || g_str_equal (name, "outside"));

#ifdef PH_FUZZ_PATHS
  {
    /* Where the links lead: never reached. */
    g_autoptr(GDir) outside = g_dir_open (fz.outside, 0, NULL);

    g_assert_nonnull (outside);
    g_assert_null (g_dir_read_name (outside));
  }
#endif
}

/* What the receiver must have saved, if anything: the content after a
 * complete header when all announced bytes are there. */
static gboolean
expected_file (const guint8  *data,
               size_t         size,
               const guint8 **content,
               gint64        *length)
{
  gint64 announced;

  if (size < PH_WIRE_HEADER_SIZE)
    return FALSE;
  ph_wire_decode_header (data, NULL, &announced);
  if (announced < 0 || (guint64) announced > size - PH_WIRE_HEADER_SIZE)
    return FALSE;

  *content = data + PH_WIRE_HEADER_SIZE;
  *length = announced;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GSocket) socket = connect_to_receiver ();
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const guint8 *content = NULL;
  gint64 length = 0;
  gboolean complete;
  gboolean closed = FALSE;
  gboolean orderly = FALSE;
  gint64 deadline;
  gsize sent = 0;

  fz.failures = 0;
  g_clear_object (&fz.transfer);

  /* In two pieces, split inside the header, so that the receiver also
   * sees a header arrive in parts. The socket buffers hold far more
   * than max_len; the receiver may close early (a refusal): stop
   * writing then. */
  while (sent < size)
    {
      gsize piece = sent < SPLIT_AT ? MIN (size, SPLIT_AT) - sent : size - sent;
      gssize n = g_socket_send (socket, (const char *) data + sent, piece, NULL, &error);

      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_clear_error (&error);
              g_main_context_iteration (NULL, FALSE);
              continue;
            }
          g_clear_error (&error);
          break;
        }
      sent += n;
      if (sent == SPLIT_AT)
        for (guint i = 0; i < 3 && g_main_context_iteration (NULL, FALSE); i++)
          ;
    }
  g_socket_shutdown (socket, FALSE, TRUE, NULL);

  /* Done when the receiver closed the connection and whatever it
   * started has finished. */
  deadline = g_get_monotonic_time () + HANG_LIMIT_MS * 1000;
  for (;;)
    {
      gboolean settled;

      closed = closed || peer_closed (socket, &orderly);
      settled = fz.transfer ? ph_transfer_is_finished (fz.transfer) : TRUE;
      if (closed && settled)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("connection not finished after %d ms (closed %d, transfer %p)",
                 HANG_LIMIT_MS, closed, fz.transfer);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (100);
    }
  g_socket_close (socket, NULL);

  /* Nothing outside the folder; in it, at most the one complete file. */
  check_sandbox ();
  complete = expected_file (data, size, &content, &length);
  fresh = new_entries (folders);

  for (guint i = 0; i < fresh->len; i++)
    {
      const char *name = fresh->pdata[i];
      g_autofree char *path = g_build_filename (fz.folder, name, NULL);
      g_autofree char *saved = NULL;
      g_autofree char *base = g_path_get_basename (name);
      gsize saved_len = 0;

      g_assert_true (base[0] != '.');
      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_true (complete);
      g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_get_contents (path, &saved, &saved_len, NULL));
      g_assert_cmpmem (saved, saved_len, content, length);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpuint (fresh->len, <=, 1);

  /* The folders it made hold nothing else; the next input starts afresh. */
  for (guint i = 0; i < folders->len; i++)
    g_assert_cmpint (g_rmdir (folders->pdata[i]), ==, 0);

  /* The receipt never lies: an orderly close exactly when it saved. */
  g_assert_cmpint (orderly, ==, fresh->len == 1);

  /* An honest transfer, exactly header + announced bytes, is saved. */
  if (complete && size == PH_WIRE_HEADER_SIZE + (gsize) length)
    g_assert_cmpuint (fresh->len, ==, 1);

  if (fz.transfer != NULL)
    {
      PhTransferState state = ph_transfer_get_state (fz.transfer);

      if (state == PH_TRANSFER_DONE)
        g_assert_cmpuint (fresh->len, ==, 1);
      else
        {
          g_assert_cmpint (state, ==, PH_TRANSFER_FAILED);
          g_assert_nonnull (ph_transfer_get_error_message (fz.transfer));
          g_assert_cmpuint (fresh->len, ==, 0);
        }
    }
  else
    g_assert_cmpuint (fresh->len, ==, 0);

  return 0;
}
