/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"

static gboolean
tick_cb (gpointer data)
{
  /* Only wakes WAIT_UNTIL up so that its deadline is checked. */
  return G_SOURCE_CONTINUE;
}

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   Fixture    *f)
{
  g_ptr_array_add (f->received, g_object_ref (transfer));
}

static void
connection_failed_cb (PhReceiver   *receiver,
                      const char   *peer,
                      const GError *error,
                      Fixture      *f)
{
  g_assert_nonnull (peer);
  g_assert_nonnull (error);
  g_test_message ("connection-failed: %s: %s", peer, error->message);
  g_ptr_array_add (f->failures, g_error_copy (error));
}

void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->src_dir = ph_test_make_tmp_dir ("posthouse-src-XXXXXX");
  f->dst_dir = ph_test_make_tmp_dir ("posthouse-dst-XXXXXX");
  f->dst = g_file_new_for_path (f->dst_dir);
  f->received = g_ptr_array_new ();
  f->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->tick_id = g_timeout_add (100, tick_cb, NULL);

  f->receiver = ph_receiver_new (f->dst);
  g_signal_connect (f->receiver, "transfer-added", G_CALLBACK (transfer_added_cb), f);
  g_signal_connect (f->receiver, "connection-failed", G_CALLBACK (connection_failed_cb), f);
}

void
fixture_start (Fixture    *f,
               const char *bind_address)
{
  g_autoptr(GError) error = NULL;

  ph_receiver_set_port (f->receiver, 0);
  ph_receiver_set_bind_address (f->receiver, bind_address ? bind_address : "127.0.0.1");
  ph_receiver_start (f->receiver, &error);
  g_assert_no_error (error);
  g_assert_true (ph_receiver_get_listening (f->receiver));

  f->port = ph_receiver_get_port (f->receiver);
  g_assert_cmpuint (f->port, >, 0);
  g_free (f->destination);
  f->destination = ph_address_format (bind_address ? bind_address : "127.0.0.1", f->port);
}

void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  flush_main_context ();

  assert_no_partial (f->dst_dir);

  for (guint i = 0; i < f->received->len; i++)
    {
      PhTransfer *transfer = g_ptr_array_index (f->received, i);

      g_assert_true (ph_transfer_is_finished (transfer));
      g_assert_finalize_object (transfer);
    }
  g_ptr_array_unref (f->received);
  g_ptr_array_unref (f->failures);

  g_assert_finalize_object (f->receiver);
  g_source_remove (f->tick_id);

  ph_test_rm_rf (f->src_dir);
  ph_test_rm_rf (f->dst_dir);
  g_free (f->src_dir);
  g_free (f->dst_dir);
  g_free (f->destination);
  g_object_unref (f->dst);
}

void
flush_main_context (void)
{
  /* Let idle completions release what they hold. */
  for (guint i = 0; i < 10; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

char *
make_file (const char *dir,
           const char *name,
           gsize       size,
           guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint32 *block = g_new (guint32, 1024 * 1024 / 4);
  char *path = g_build_filename (dir, name, NULL);
  gsize written = 0;
  guint64 n = 0;
  int fd;

  for (guint i = 0; i < 1024 * 1024 / 4; i++)
    block[i] = g_rand_int (rand);

  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  while (written < size)
    {
      gsize len = MIN (size - written, 1024 * 1024);

      /* Every block differs, so a misplaced block changes the sum. */
      block[0] = n++;
      g_assert_cmpint (write (fd, block, len), ==, (gssize) len);
      written += len;
    }
  close (fd);

  return path;
}

char *
checksum_file (const char *path)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (1024 * 1024);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  g_assert_cmpint (fd, >=, 0);
  while ((n = read (fd, buffer, 1024 * 1024)) > 0)
    g_checksum_update (checksum, buffer, n);
  g_assert_cmpint (n, ==, 0);
  close (fd);

  return g_strdup (g_checksum_get_string (checksum));
}

GPtrArray *
list_dir (const char *path)
{
  GPtrArray *names = ph_test_list_dir (path);

  g_assert_nonnull (names);
  return names;
}

void
assert_dir_empty (const char *path)
{
  g_autoptr(GPtrArray) names = list_dir (path);

  for (guint i = 0; i < names->len; i++)
    g_test_message ("unexpected file: %s", (char *) g_ptr_array_index (names, i));
  g_assert_cmpuint (names->len, ==, 0);
}

void
assert_no_partial (const char *path)
{
  g_autoptr(GPtrArray) names = list_dir (path);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      g_assert_false (g_str_has_suffix (name, ".part"));
      g_assert_false (name[0] == '.');
    }
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendResult *r = user_data;

  ph_sender_send_finish (PH_SENDER (object), result, &r->error);
  r->done = TRUE;
}

/* Takes @transfer; the result records how the send ended. */
SendResult *
send_transfer (PhSender   *sender,
               PhTransfer *transfer)
{
  SendResult *r = g_new0 (SendResult, 1);

  r->transfer = transfer;
  ph_sender_send_async (sender, r->transfer, NULL, send_cb, r);

  return r;
}

SendResult *
send_file (PhSender   *sender,
           const char *path,
           const char *destination)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return send_transfer (sender, ph_transfer_new_outgoing (file, destination));
}

void
send_result_free (SendResult *r)
{
  g_assert_true (r->done);
  flush_main_context ();
  g_assert_finalize_object (r->transfer);
  g_clear_error (&r->error);
  g_free (r);
}

PhTransfer *
wait_received (Fixture *f,
               guint    index)
{
  WAIT_UNTIL (f->received->len > index);

  return g_ptr_array_index (f->received, index);
}

GSocketConnection *
raw_connect (Fixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, f->destination, 0, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

void
raw_write (GSocketConnection *connection,
           const void        *data,
           gsize              len)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             data, len, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Ends the stream after the last byte, as every real sender does (the
 * receiver commits only then, or a second after the last byte). */
void
raw_end (GSocketConnection *connection)
{
  g_autoptr(GError) error = NULL;

  g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE, &error);
  g_assert_no_error (error);
}

void
raw_header (GSocketConnection *connection,
            const char        *name,
            gint64             size)
{
  guint8 header[PH_WIRE_HEADER_SIZE];

  ph_wire_encode_header (name, size, header);
  raw_write (connection, header, sizeof header);
}
