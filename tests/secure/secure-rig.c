/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ph-secure-receive-private.h"
#include "ph-test-util.h"
#include "secure-rig.h"

PhIdentity *
secure_rig_identity (const char *tmp,
                     const char *name)
{
  g_autofree char *dir = g_build_filename (tmp, name, NULL);
  g_autoptr(GError) error = NULL;
  PhIdentity *identity = ph_identity_load (dir, &error);

  g_assert_no_error (error);
  return identity;
}

SecureRig *
secure_rig_new (void)
{
  SecureRig *rig = g_new0 (SecureRig, 1);

  rig->tmp = ph_test_make_tmp_dir ("posthouse-secure-XXXXXX");
  rig->recv_dir = g_build_filename (rig->tmp, "received", NULL);
  rig->src_dir = g_build_filename (rig->tmp, "source", NULL);
  g_mkdir (rig->recv_dir, 0755);
  g_mkdir (rig->src_dir, 0755);
  rig->sender_id = secure_rig_identity (rig->tmp, "sender-id");
  rig->receiver_id = secure_rig_identity (rig->tmp, "receiver-id");
  rig->received = g_ptr_array_new_with_free_func (g_object_unref);
  rig->phases = g_ptr_array_new ();
  rig->stop = g_cancellable_new ();
  rig->handshake_timeout = 10000;
  rig->idle_timeout = 10000;
  rig->accepts_paths = TRUE;

  return rig;
}

/* Forgets what the last send saw; the listener stays. */
void
secure_rig_reset (SecureRig *rig)
{
  g_clear_object (&rig->session);
  g_clear_object (&rig->sender);
  g_clear_object (&rig->session_cancel);
  g_ptr_array_set_size (rig->received, 0);
  g_ptr_array_set_size (rig->phases, 0);
  g_clear_error (&rig->receive_error);
  g_clear_error (&rig->send_error);
  rig->n_decide = 0;
  rig->receive_done = rig->receive_ok = FALSE;
  rig->send_done = rig->send_ok = FALSE;
}

void
secure_rig_free (SecureRig *rig)
{
  g_cancellable_cancel (rig->stop);
  if (rig->listener != NULL)
    g_socket_listener_close (rig->listener);
  /* Let what was cancelled finish. */
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  secure_rig_reset (rig);
  g_clear_object (&rig->listener);
  g_clear_object (&rig->stop);
  g_clear_object (&rig->sender_id);
  g_clear_object (&rig->receiver_id);
  g_ptr_array_unref (rig->received);
  g_ptr_array_unref (rig->phases);
  ph_test_rm_rf (rig->tmp);
  g_free (rig->tmp);
  g_free (rig->recv_dir);
  g_free (rig->src_dir);
  g_free (rig);
}

void
secure_rig_iterate_until (gboolean *flag,
                          guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
}

/* A valid fingerprint of its own for each @seed. */
char *
secure_rig_key (const char *seed)
{
  return ph_fingerprint_from_spki ((const guint8 *) seed, strlen (seed));
}

PhDevices *
secure_rig_open_devices (const char *path)
{
  g_autoptr(GError) error = NULL;
  PhDevices *devices = ph_devices_new (path);

  g_assert_true (ph_devices_load (devices, &error));
  g_assert_no_error (error);
  return devices;
}

void
secure_rig_flush_devices (PhDevices *devices)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ph_devices_flush (devices, &error));
  g_assert_no_error (error);
}

void
secure_rig_iterate_until_true (gboolean (*done) (gpointer),
                               gpointer   data,
                               guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
}

static gboolean
accept_later_cb (gpointer user_data)
{
  SecureRig *rig = user_data;

  if (rig->session != NULL)
    {
      if (rig->policy == RIG_ASK_THEN_DECLINE)
        ph_secure_receive_decline (rig->session);
      else
        ph_secure_receive_accept (rig->session);
    }
  return G_SOURCE_REMOVE;
}

static void
decide_cb (PhSecureReceive *session,
           SecureRig       *rig)
{
  rig->n_decide++;
  g_assert_nonnull (ph_secure_receive_get_peer_fingerprint (session));

  switch (rig->policy)
    {
    case RIG_ACCEPT:
      ph_secure_receive_accept (session);
      break;
    case RIG_DECLINE:
      ph_secure_receive_decline (session);
      break;
    case RIG_REFUSE:
      ph_secure_receive_refuse (session);
      break;
    case RIG_ASK_THEN_ACCEPT:
    case RIG_ASK_THEN_DECLINE:
    default:
      ph_secure_receive_ask (session);
      g_timeout_add (rig->ask_delay_ms, accept_later_cb, rig);
      break;
    }
}

static void
progress_cb (PhTransfer *transfer,
             GParamSpec *pspec,
             SecureRig  *rig)
{
  if (rig->cancel_first_received && ph_transfer_get_bytes_done (transfer) > 0 &&
      transfer == g_ptr_array_index (rig->received, 0))
    ph_transfer_cancel (transfer);

  if (rig->cancel_session_after > 0 && ph_transfer_get_bytes_done (transfer) >= rig->cancel_session_after)
    g_cancellable_cancel (rig->session_cancel);
}

static void
transfer_added_cb (PhSecureReceive *session,
                   PhTransfer      *transfer,
                   SecureRig       *rig)
{
  g_ptr_array_add (rig->received, g_object_ref (transfer));
  if (rig->cancel_first_received || rig->cancel_session_after > 0)
    g_signal_connect (transfer, "notify::bytes-done", G_CALLBACK (progress_cb), rig);
}

static void
received_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SecureRig *rig = user_data;

  rig->receive_ok = ph_secure_receive_run_finish (PH_SECURE_RECEIVE (object), result,
                                                  &rig->receive_error);
  rig->receive_done = TRUE;
}

static void accept_next (SecureRig *rig);

static void
peeked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SecureRig *rig = user_data;
  GSocketConnection *connection = G_SOCKET_CONNECTION (object);
  g_autoptr(GFile) dir = g_file_new_for_path (rig->recv_dir);
  g_autoptr(GError) error = NULL;
  gboolean is_tls = FALSE;

  if (!ph_first_byte_peek_finish (connection, result, &is_tls, &error) || !is_tls)
    {
      rig->receive_error = error ? g_steal_pointer (&error)
                                 : g_error_new_literal (PH_ERROR, PH_ERROR_BAD_HEADER, "plain");
      rig->receive_done = TRUE;
      g_object_unref (connection);
      return;
    }

  g_clear_object (&rig->session);
  rig->session = ph_secure_receive_new (connection, rig->receiver_id, dir);
  ph_secure_receive_set_device_name (rig->session, "Receiving Rig");
  ph_secure_receive_set_accepts_paths (rig->session, rig->accepts_paths);
  ph_secure_receive_set_handshake_timeout (rig->session, rig->handshake_timeout);
  ph_secure_receive_set_idle_timeout (rig->session, rig->idle_timeout);
  g_signal_connect (rig->session, "decide", G_CALLBACK (decide_cb), rig);
  g_signal_connect (rig->session, "transfer-added", G_CALLBACK (transfer_added_cb), rig);
  g_clear_object (&rig->session_cancel);
  rig->session_cancel = g_cancellable_new ();
  ph_secure_receive_run_async (rig->session, rig->session_cancel, received_cb, rig);
  g_object_unref (connection);
}

static void
accepted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SecureRig *rig = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, &error);
  if (connection == NULL)
    return;

  ph_first_byte_peek_async (connection, NULL, peeked_cb, rig);
  accept_next (rig);
}

static void
accept_next (SecureRig *rig)
{
  g_socket_listener_accept_async (rig->listener, rig->stop, accepted_cb, rig);
}

/* A listener on 127.0.0.1, on a port the system chose. */
GSocketListener *
secure_rig_loopback_listener (guint16 *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  GSocketListener *listener = g_socket_listener_new ();

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return listener;
}

/* A receiver on 127.0.0.1, port 0: each connection becomes a session. */
void
secure_rig_listen (SecureRig *rig)
{
  rig->listener = secure_rig_loopback_listener (&rig->port);
  accept_next (rig);
}

GSocketConnection *
secure_rig_connect (SecureRig *rig)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", rig->port, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* A file of @size bytes below the source folder, from a seeded
 * generator: the same seed, the same bytes. */
char *
secure_rig_write_file (SecureRig  *rig,
                       const char *relative,
                       gsize       size,
                       guint32     seed)
{
  g_autofree char *path = g_build_filename (rig->src_dir, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint32 *data = g_malloc ((size + 4) & ~(gsize) 3);

  for (gsize i = 0; i < (size + 3) / 4; i++)
    data[i] = g_rand_int (rand);

  g_mkdir_with_parents (dir, 0755);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* Outgoing transfers of files below the source folder; a relative path
 * with folders is sent as a path. */
GListStore *
secure_rig_transfers (SecureRig         *rig,
                      const char *const *relatives)
{
  GListStore *store = g_list_store_new (PH_TYPE_TRANSFER);

  for (guint i = 0; relatives[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (rig->src_dir, relatives[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(PhTransfer) transfer =
        ph_transfer_new_outgoing_path (file, "127.0.0.1",
                                       strchr (relatives[i], '/') ? relatives[i] : NULL);

      g_list_store_append (store, transfer);
    }

  return store;
}

static void
phase_cb (PhSecureSend *sender,
          GParamSpec   *pspec,
          SecureRig    *rig)
{
  g_ptr_array_add (rig->phases, GUINT_TO_POINTER (ph_secure_send_get_phase (sender)));
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SecureRig *rig = user_data;

  rig->send_ok = ph_secure_send_run_finish (PH_SECURE_SEND (object), result, &rig->send_error);
  rig->send_done = TRUE;
}

/* Sends @transfers to the rig's receiver and waits for both ends. */
gboolean
secure_rig_send (SecureRig     *rig,
                 GListModel    *transfers,
                 const char    *expected,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GSocketConnection) connection = secure_rig_connect (rig);

  g_clear_object (&rig->sender);
  rig->sender = ph_secure_send_new (rig->sender_id, expected);
  ph_secure_send_set_device_name (rig->sender, "Sending Rig");
  ph_secure_send_set_idle_timeout (rig->sender, rig->idle_timeout);
  g_signal_connect (rig->sender, "notify::phase", G_CALLBACK (phase_cb), rig);
  ph_secure_send_run_async (rig->sender, connection, transfers, cancellable, sent_cb, rig);

  secure_rig_iterate_until (&rig->send_done, 120000);
  secure_rig_wait_receiver (rig);

  if (rig->send_error != NULL && error != NULL)
    *error = g_error_copy (rig->send_error);
  return rig->send_ok;
}

void
secure_rig_wait_receiver (SecureRig *rig)
{
  secure_rig_iterate_until (&rig->receive_done, 60000);
}

/* Regular files below @dir, recursively; part files count too. */
guint
secure_rig_count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += secure_rig_count_files (path);
      else
        n++;
    }

  return n;
}

gboolean
secure_rig_accept_any_cb (GTlsConnection       *tls,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

void
secure_rig_write_bytes (GIOStream *stream,
                        GBytes    *bytes)
{
  if (bytes != NULL)
    g_output_stream_write_all (g_io_stream_get_output_stream (stream), g_bytes_get_data (bytes, NULL),
                               g_bytes_get_size (bytes), NULL, NULL, NULL);
}

/* The frames of @first and the messages after it, up to NULL. */
GBytes *
secure_rig_frames (const PhMessage *first,
                   ...)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  const PhMessage *message = first;
  va_list args;

  va_start (args, first);
  for (; message != NULL; message = va_arg (args, const PhMessage *))
    {
      g_autoptr(GBytes) frame = ph_message_encode (message);

      g_byte_array_append (all, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
    }
  va_end (args);

  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

/* @a (consumed), then @len bytes of @raw. */
GBytes *
secure_rig_concat (GBytes     *a,
                   const void *raw,
                   gsize       len)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();

  g_byte_array_append (all, g_bytes_get_data (a, NULL), g_bytes_get_size (a));
  g_byte_array_append (all, raw, len);
  g_bytes_unref (a);
  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}
