/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the wire carries: a relay between sender and receiver keeps
 * every byte of the TCP stream, both ways, and the test looks in it for
 * the file's name and for any 64-byte run of its content. The same
 * search over the original format finds both: the search can fail. */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ph-test-util.h"
#include "secure-rig.h"

#define CONTENT_SIZE (2 * 1024 * 1024)
/* Any 64-byte run of the content holds a whole 32-byte block that
 * starts at a multiple of 32: looking for those finds every run. */
#define BLOCK 32

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  guint16          target;
  GMutex           lock;
  GByteArray      *captured;
  gint             pumps;
} Relay;

typedef struct
{
  Relay         *relay;
  GInputStream  *from;
  GOutputStream *to;
  GIOStream     *keep_a;
  GIOStream     *keep_b;
} Pump;

static gpointer
pump_thread (gpointer data)
{
  Pump *pump = data;
  guint8 buffer[65536];
  gssize n;

  while ((n = g_input_stream_read (pump->from, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_mutex_lock (&pump->relay->lock);
      g_byte_array_append (pump->relay->captured, buffer, n);
      g_mutex_unlock (&pump->relay->lock);
      if (!g_output_stream_write_all (pump->to, buffer, n, NULL, NULL, NULL))
        break;
    }

  /* Pass the end on, as a half-close. */
  g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (pump->keep_b)), FALSE, TRUE,
                     NULL);
  g_atomic_int_dec_and_test (&pump->relay->pumps);
  g_object_unref (pump->keep_a);
  g_object_unref (pump->keep_b);
  g_free (pump);
  return NULL;
}

static void
start_pump (Relay     *relay,
            GIOStream *a,
            GIOStream *b)
{
  Pump *pump = g_new0 (Pump, 1);

  pump->relay = relay;
  pump->from = g_io_stream_get_input_stream (a);
  pump->to = g_io_stream_get_output_stream (b);
  pump->keep_a = g_object_ref (a);
  pump->keep_b = g_object_ref (b);
  g_atomic_int_inc (&relay->pumps);
  g_thread_unref (g_thread_new ("relay", pump_thread, pump));
}

static gpointer
relay_thread (gpointer data)
{
  Relay *relay = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) in = NULL;
  g_autoptr(GSocketConnection) out = NULL;

  in = g_socket_listener_accept (relay->listener, NULL, NULL, NULL);
  if (in == NULL)
    return NULL;
  out = g_socket_client_connect_to_host (client, "127.0.0.1", relay->target, NULL, NULL);
  g_assert_nonnull (out);
  start_pump (relay, G_IO_STREAM (in), G_IO_STREAM (out));
  start_pump (relay, G_IO_STREAM (out), G_IO_STREAM (in));
  return NULL;
}

static Relay *
relay_new (guint16 target)
{
  Relay *relay = g_new0 (Relay, 1);

  relay->listener = g_socket_listener_new ();
  relay->port = g_socket_listener_add_any_inet_port (relay->listener, NULL, NULL);
  relay->target = target;
  relay->captured = g_byte_array_new ();
  g_mutex_init (&relay->lock);
  g_thread_unref (g_thread_new ("relay accept", relay_thread, relay));
  return relay;
}

/* Until both directions ended. */
static void
relay_wait (Relay *relay)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&relay->pumps) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
}

static void
relay_free (Relay *relay)
{
  relay_wait (relay);
  g_socket_listener_close (relay->listener);
  g_object_unref (relay->listener);
  g_byte_array_unref (relay->captured);
  g_mutex_clear (&relay->lock);
  g_free (relay);
}

/* Whether @captured holds @needle, or any block of @content. */
static gboolean
leaks (GByteArray   *captured,
       const char   *needle,
       const guint8 *content,
       gsize         len)
{
  g_autoptr(GHashTable) blocks = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);

  if (memmem (captured->data, captured->len, needle, strlen (needle)) != NULL)
    return TRUE;

  for (gsize at = 0; at + BLOCK <= len; at += BLOCK)
    g_hash_table_add (blocks, g_bytes_new (content + at, BLOCK));

  for (gsize at = 0; at + BLOCK <= captured->len; at++)
    {
      g_autoptr(GBytes) window = g_bytes_new_static (captured->data + at, BLOCK);

      if (g_hash_table_contains (blocks, window))
        return TRUE;
    }

  return FALSE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ph_sender_send_finish (PH_SENDER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_no_plaintext (void)
{
  SecureRig *rig = secure_rig_new ();
  const char *name = "Very Secret Plans.txt";
  const char *files[] = { name, NULL };
  g_autofree char *path = NULL;
  g_autofree char *content = NULL;
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  Relay *relay;
  guint16 receiver_port;

  secure_rig_listen (rig);
  path = secure_rig_write_file (rig, name, CONTENT_SIZE, 99);
  g_file_get_contents (path, &content, &len, &error);
  g_assert_no_error (error);

  /* The sender talks to the relay; the relay to the receiver. */
  receiver_port = rig->port;
  relay = relay_new (receiver_port);
  rig->port = relay->port;
  transfers = secure_rig_transfers (rig, files);
  secure_rig_send (rig, G_LIST_MODEL (transfers), ph_identity_get_fingerprint (rig->receiver_id),
                   NULL, &error);
  g_assert_no_error (error);
  rig->port = receiver_port;
  {
    g_autofree char *saved = g_build_filename (rig->recv_dir, name, NULL);

    ph_test_assert_same_file (path, saved);
  }

  /* Everything went through the relay, and none of it is readable. */
  relay_wait (relay);
  g_assert_cmpuint (relay->captured->len, >, CONTENT_SIZE);
  g_assert_false (leaks (relay->captured, name, (const guint8 *) content, len));
  /* Nor is the sender's name for itself. */
  g_assert_null (memmem (relay->captured->data, relay->captured->len, "Sending Rig", 11));

  relay_free (relay);
  secure_rig_free (rig);
}

/* The control: the original format through the same relay leaks both,
 * and the search says so. */
static void
test_plain_leaks (void)
{
  g_autofree char *tmp = ph_test_make_tmp_dir ("posthouse-wire-XXXXXX");
  g_autofree char *recv_dir = g_build_filename (tmp, "received", NULL);
  g_autofree char *src = g_build_filename (tmp, "Very Secret Plans.txt", NULL);
  g_autofree char *content = g_malloc (CONTENT_SIZE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (98);
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(PhTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = NULL;
  gboolean done = FALSE;
  Relay *relay;

  for (gsize i = 0; i < CONTENT_SIZE; i++)
    content[i] = (char) g_rand_int (rand);
  g_file_set_contents (src, content, CONTENT_SIZE, &error);
  g_assert_no_error (error);
  g_mkdir (recv_dir, 0755);

  dir = g_file_new_for_path (recv_dir);
  receiver = ph_receiver_new (dir);
  ph_receiver_set_port (receiver, 0);
  ph_receiver_set_bind_address (receiver, "127.0.0.1");
  g_assert_true (ph_receiver_start (receiver, &error));
  g_assert_no_error (error);

  relay = relay_new (ph_receiver_get_port (receiver));
  destination = g_strdup_printf ("127.0.0.1:%u", relay->port);
  source = g_file_new_for_path (src);
  transfer = ph_transfer_new_outgoing (source, destination);
  ph_sender_send_async (sender, transfer, NULL, sent_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  relay_wait (relay);
  g_assert_true (leaks (relay->captured, "Very Secret Plans.txt", (const guint8 *) content,
                        CONTENT_SIZE));
  /* A 64-byte run from the middle, as it is. */
  g_assert_nonnull (memmem (relay->captured->data, relay->captured->len, content + 100003, 64));

  relay_free (relay);
  ph_receiver_stop (receiver);
  ph_test_rm_rf (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/secure-wire/no-plaintext", test_no_plaintext);
  g_test_add_func ("/posthouse/secure-wire/plain-leaks", test_plain_leaks);

  return g_test_run ();
}
