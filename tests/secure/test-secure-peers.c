/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sending side against receivers that break the rules, and the
 * first byte that tells the secure channel from the original format. */
#include "config.h"

#include <string.h>

#include "ph-test-util.h"
#include "secure-rig.h"

typedef struct
{
  SecureRig *rig;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->rig = secure_rig_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  secure_rig_free (fixture->rig);
}

/* A receiver that answers with a receipt for a file never sent. */
typedef struct
{
  GSocketListener *listener;
  PhIdentity      *identity;
  GBytes          *answer;     /* sent after the sender's hello */
} FakeReceiver;

static gpointer
fake_receiver_thread (gpointer data)
{
  FakeReceiver *fake = data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  char buffer[65536];

  connection = g_socket_listener_accept (fake->listener, NULL, NULL, NULL);
  g_assert_nonnull (connection);
  tls = g_tls_server_connection_new (G_IO_STREAM (connection),
                                     ph_identity_get_certificate (fake->identity), NULL);
  {
    const char *const alpn[] = { PH_SECURE_ALPN, NULL };

    g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), alpn);
  }
  g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (secure_rig_accept_any_cb), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    return NULL;

  /* The sender's hello, whatever else. */
  g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer, NULL, NULL);
  secure_rig_write_bytes (tls, fake->answer);
  while (g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  return NULL;
}

static void
test_hostile_receiver (Fixture       *fixture,
                       gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *which = data;
  const char *files[] = { "a.txt", NULL };
  PhMessage their_hello = { .type = PH_MESSAGE_HELLO, .version = 1, .name = "Fake" };
  PhMessage accepted = { .type = PH_MESSAGE_DECISION, .decision = PH_DECISION_ACCEPTED };
  PhMessage bad_receipt = { .type = PH_MESSAGE_RECEIPT, .id = 7, .saved = TRUE, .name = "x" };
  PhMessage end = { .type = PH_MESSAGE_END };
  FakeReceiver fake = { 0 };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PhTransfer) transfer = NULL;
  GThread *thread;
  guint16 port;
  const char *expected;

  fake.listener = g_socket_listener_new ();
  port = g_socket_listener_add_any_inet_port (fake.listener, NULL, &error);
  g_assert_no_error (error);
  fake.identity = rig->receiver_id;
  if (g_str_equal (which, "receipt"))
    {
      fake.answer = secure_rig_frames (&their_hello, &accepted, &bad_receipt, NULL);
      expected = "a receipt for a file not sent";
    }
  else if (g_str_equal (which, "end"))
    {
      fake.answer = secure_rig_frames (&their_hello, &accepted, &end, NULL);
      expected = "may not send";
    }
  else
    {
      fake.answer = secure_rig_frames (&accepted, NULL);
      expected = "other than “hello”";
    }
  thread = g_thread_new ("fake receiver", fake_receiver_thread, &fake);

  g_free (secure_rig_write_file (rig, files[0], 5 * 1024 * 1024, 20));
  transfers = secure_rig_transfers (rig, files);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  rig->sender = ph_secure_send_new (rig->sender_id, ph_identity_get_fingerprint (rig->receiver_id));
  ph_secure_send_run_async (rig->sender, connection, G_LIST_MODEL (transfers), NULL,
                            NULL, NULL);
  transfer = g_list_model_get_item (G_LIST_MODEL (transfers), 0);
  while (!ph_transfer_is_finished (transfer))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
  g_assert_error ((GError *) ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_PROTOCOL);
  if (strstr (ph_transfer_get_error_message (transfer), expected) == NULL)
    g_error ("“%s” does not say “%s”", ph_transfer_get_error_message (transfer), expected);

  g_thread_join (thread);
  while (ph_secure_send_get_phase (rig->sender) != PH_SECURE_SEND_FINISHED)
    g_main_context_iteration (NULL, TRUE);
  g_socket_listener_close (fake.listener);
  g_object_unref (fake.listener);
  g_bytes_unref (fake.answer);
}

static void
peek_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **error = user_data;
  gboolean is_tls = TRUE;

  if (ph_first_byte_peek_finish (G_SOCKET_CONNECTION (object), result, &is_tls, error))
    g_assert_false (is_tls);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "plain");
}

/* The original header starts anything but 0x16, and is not consumed. */
static void
test_first_byte (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) out = NULL;
  g_autoptr(GSocketConnection) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) result = NULL;
  guint8 header[PH_WIRE_HEADER_SIZE], got[PH_WIRE_HEADER_SIZE];
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  gsize n = 0;

  out = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  in = g_socket_listener_accept (listener, NULL, NULL, &error);
  g_assert_no_error (error);

  ph_wire_encode_header ("photo.jpg", 5, header);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (out)), header, sizeof header,
                             NULL, NULL, &error);
  g_assert_no_error (error);

  ph_first_byte_peek_async (in, NULL, peek_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (result, G_IO_ERROR, G_IO_ERROR_EXISTS);

  g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (in)), got, sizeof got, &n,
                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (got, n, header, sizeof header);

  /* A connection that ends before its first byte. */
  g_clear_error (&result);
  g_clear_object (&out);
  g_clear_object (&in);
  out = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  in = g_socket_listener_accept (listener, NULL, NULL, &error);
  g_io_stream_close (G_IO_STREAM (out), NULL, NULL);
  ph_first_byte_peek_async (in, NULL, peek_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (result, PH_ERROR, PH_ERROR_BAD_HEADER);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/secure-peers/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("receiver/receipt-not-sent", test_hostile_receiver, "receipt");
  ADD ("receiver/end-too-early", test_hostile_receiver, "end");
  ADD ("receiver/no-hello", test_hostile_receiver, "no-hello");
  g_test_add_func ("/posthouse/secure-peers/first-byte", test_first_byte);

  return g_test_run ();
}
