/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Both ends of a transfer as separate processes, for bench/secure-bench:
 * the secure channel (PhSecureSend, PhSecureReceive) or the original
 * format (PhSender, PhReceiver) through the same harness, so that
 * farm-bench can time them whole and read each side's peak memory.
 *
 *   ph-secure-peer fingerprint ID_DIR
 *   ph-secure-peer receive [--plain] [--identity ID_DIR] --port P --dir DIR --count N
 *   ph-secure-peer send [--plain] [--identity ID_DIR --expect FP] [--window N] --port P PATH...
 *
 * A PATH that is a folder sends the files in it, sorted. The receiver
 * exits once N files are saved (status 0) or anything fails; the sender
 * retries its connection for a few seconds while the receiver starts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "posthouse-core.h"

static gboolean plain;
static char *identity_dir;
static char *expect;
static char *folder;
static int port;
static int count = 1;
static int window;

static GOptionEntry entries[] = {
  { "plain", 0, 0, G_OPTION_ARG_NONE, &plain, "The original format", NULL },
  { "identity", 0, 0, G_OPTION_ARG_FILENAME, &identity_dir, "Identity folder", "DIR" },
  { "expect", 0, 0, G_OPTION_ARG_STRING, &expect, "The receiver's fingerprint", "FP" },
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &folder, "Receive folder", "DIR" },
  { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port", "P" },
  { "count", 0, 0, G_OPTION_ARG_INT, &count, "Files to receive", "N" },
  { "window", 0, 0, G_OPTION_ARG_INT, &window, "Files in flight (secure)", "N" },
  { NULL }
};

static GMainLoop *loop;
static int status = 1;
static guint saved;

static void
die (const GError *error)
{
  g_printerr ("ph-secure-peer: %s\n", error->message);
  exit (1);
}

static PhIdentity *
load_identity (void)
{
  g_autoptr(GError) error = NULL;
  PhIdentity *identity = ph_identity_load (identity_dir, &error);

  if (identity == NULL)
    die (error);
  return identity;
}

static void
transfer_state_cb (PhTransfer *transfer,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  /* The secure session ends itself, after its last receipt. */
  if (ph_transfer_get_state (transfer) == PH_TRANSFER_DONE && ++saved == (guint) count && plain)
    {
      status = 0;
      g_main_loop_quit (loop);
    }
  else if (ph_transfer_is_finished (transfer) && ph_transfer_get_state (transfer) != PH_TRANSFER_DONE)
    {
      g_printerr ("ph-secure-peer: %s\n", ph_transfer_get_error_message (transfer));
      g_main_loop_quit (loop);
    }
}

static void
transfer_added_cb (GObject    *source,
                   PhTransfer *transfer,
                   gpointer    user_data)
{
  g_signal_connect (transfer, "notify::state", G_CALLBACK (transfer_state_cb), NULL);
  transfer_state_cb (transfer, NULL, NULL);
}

static void
decide_cb (PhSecureReceive *session,
           gpointer         user_data)
{
  ph_secure_receive_accept (session);
}

static void
session_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ph_secure_receive_run_finish (PH_SECURE_RECEIVE (object), result, &error))
    g_printerr ("ph-secure-peer: %s\n", error->message);
  else if (saved >= (guint) count)
    status = 0;
  g_object_unref (object);
  g_main_loop_quit (loop);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer          user_data)
{
  PhIdentity *identity = user_data;
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  PhSecureReceive *session = ph_secure_receive_new (connection, identity, dir);

  g_signal_connect (session, "decide", G_CALLBACK (decide_cb), NULL);
  g_signal_connect (session, "transfer-added", G_CALLBACK (transfer_added_cb), NULL);
  ph_secure_receive_run_async (session, NULL, session_done_cb, NULL);
  return TRUE;
}

static int
receive_files (void)
{
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  g_autoptr(GError) error = NULL;

  if (plain)
    {
      g_autoptr(PhReceiver) receiver = ph_receiver_new (dir);

      ph_receiver_set_port (receiver, port);
      ph_receiver_set_bind_address (receiver, "127.0.0.1");
      g_signal_connect (receiver, "transfer-added", G_CALLBACK (transfer_added_cb), NULL);
      if (!ph_receiver_start (receiver, &error))
        die (error);
      g_main_loop_run (loop);
      ph_receiver_stop (receiver);
    }
  else
    {
      g_autoptr(PhIdentity) identity = load_identity ();
      g_autoptr(GSocketService) service = g_socket_service_new ();
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

      if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error))
        die (error);
      g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), identity);
      g_main_loop_run (loop);
      g_socket_service_stop (service);
    }

  return status;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
add_path (GListStore *store,
          const char *path,
          const char *destination)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, compare_paths);
      for (guint i = 0; i < names->len; i++)
        add_path (store, g_ptr_array_index (names, i), destination);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(PhTransfer) transfer = ph_transfer_new_outgoing (file, destination);

      g_list_store_append (store, transfer);
    }
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = plain ? ph_sender_send_all_finish (PH_SENDER (object), result, &error)
                      : ph_secure_send_run_finish (PH_SECURE_SEND (object), result, &error);

  if (!ok)
    g_printerr ("ph-secure-peer: %s\n", error->message);
  status = ok ? 0 : 1;
  g_main_loop_quit (loop);
}

static GSocketConnection *
connect_retrying (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_socket_client_set_enable_proxy (client, FALSE);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      GSocketConnection *connection =
        g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);

      if (connection != NULL)
        return connection;
      if (g_get_monotonic_time () > deadline)
        die (error);
      g_usleep (10000);
    }
}

static int
send_paths (char **paths)
{
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%d", port);
  g_autoptr(GListStore) store = g_list_store_new (PH_TYPE_TRANSFER);

  for (guint i = 0; paths[i] != NULL; i++)
    add_path (store, paths[i], destination);

  if (plain)
    {
      g_autoptr(PhSender) sender = ph_sender_new ();

      /* Until it answers: the receiver may still be starting. */
      g_object_unref (connect_retrying ());
      ph_sender_send_all_async (sender, G_LIST_MODEL (store), 0, NULL, sent_cb, NULL);
      g_main_loop_run (loop);
    }
  else
    {
      g_autoptr(PhIdentity) identity = load_identity ();
      g_autoptr(PhSecureSend) sender = ph_secure_send_new (identity, expect);
      g_autoptr(GSocketConnection) connection = connect_retrying ();

      if (window > 0)
        ph_secure_send_set_window (sender, window);
      ph_secure_send_run_async (sender, connection, G_LIST_MODEL (store), NULL, sent_cb, NULL);
      g_main_loop_run (loop);
    }

  return status;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("fingerprint|receive|send [PATH...]");
  g_autoptr(GError) error = NULL;

  ph_secure_tls_init ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die (error);
  loop = g_main_loop_new (NULL, FALSE);

  if (argc == 3 && strcmp (argv[1], "fingerprint") == 0)
    {
      identity_dir = argv[2];
      g_autoptr(PhIdentity) identity = load_identity ();

      g_print ("%s\n", ph_identity_get_fingerprint (identity));
      return 0;
    }
  if (argc == 2 && strcmp (argv[1], "receive") == 0 && folder != NULL && port > 0)
    return receive_files ();
  if (argc >= 3 && strcmp (argv[1], "send") == 0 && port > 0)
    return send_paths (argv + 2);

  g_printerr ("%s", g_option_context_get_help (context, TRUE, NULL));
  return 2;
}
