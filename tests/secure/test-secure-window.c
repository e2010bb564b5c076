/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The secure channel's window of files ahead of their receipts
 * (PhSendWindow, whose rules tests/unit/test-send-window checks on a
 * simulated path): PhSecureSend against PhSecureReceive on loopback,
 * through a relay that holds the receiver's answers back, so that
 * receipts take round trips as on a network. */
#include "config.h"

#include "ph-send-window-private.h"
#include "ph-test-util.h"
#include "secure-rig.h"

/* What the relay holds each read of the receiver's answers. */
#define RECEIPT_DELAY_MS 100

typedef struct
{
  GSocket  *listener;
  guint16   port;
  guint16   upstream;
  GThread  *thread;
} Relay;

typedef struct
{
  GSocket *from;
  GSocket *to;
  guint    delay_ms;
} Pump;

static gpointer
pump_thread (gpointer data)
{
  Pump *pump = data;
  char buffer[65536];

  for (;;)
    {
      gssize n = g_socket_receive (pump->from, buffer, sizeof buffer, NULL, NULL);
      gssize done = 0;

      if (n <= 0)
        break;
      if (pump->delay_ms)
        g_usleep (pump->delay_ms * 1000);
      while (done < n)
        {
          gssize m = g_socket_send (pump->to, buffer + done, n - done, NULL, NULL);

          if (m <= 0)
            return NULL;
          done += m;
        }
    }

  g_socket_shutdown (pump->to, FALSE, TRUE, NULL);
  return NULL;
}

/* One connection: the sender's bytes at once, the receiver's late. */
static gpointer
relay_thread (gpointer data)
{
  Relay *relay = data;
  g_autoptr(GSocket) client = g_socket_accept (relay->listener, NULL, NULL);
  g_autoptr(GSocket) server = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, relay->upstream);
  Pump up, down;
  GThread *up_thread, *down_thread;

  if (client == NULL)
    return NULL;
  server = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_nonnull (server);
  g_assert_true (g_socket_connect (server, address, NULL, NULL));

  up = (Pump) { client, server, 0 };
  down = (Pump) { server, client, RECEIPT_DELAY_MS };
  up_thread = g_thread_new ("relay-up", pump_thread, &up);
  down_thread = g_thread_new ("relay-down", pump_thread, &down);
  g_thread_join (up_thread);
  g_thread_join (down_thread);
  return NULL;
}

static Relay *
relay_new (guint16 upstream)
{
  Relay *relay = g_new0 (Relay, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  relay->upstream = upstream;
  relay->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (relay->listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (relay->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (relay->listener, &error);
  g_assert_no_error (error);
  relay->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  relay->thread = g_thread_new ("relay", relay_thread, relay);

  return relay;
}

static void
relay_free (Relay *relay)
{
  g_thread_join (relay->thread);
  g_object_unref (relay->listener);
  g_free (relay);
}

typedef struct
{
  SecureRig *rig;
  GArray    *sizes;      /* guint: "window" as notified */
  gboolean   done;
  gboolean   ok;
  GError    *error;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->rig = secure_rig_new ();
  secure_rig_listen (f->rig);
  f->sizes = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_error (&f->error);
  g_array_unref (f->sizes);
  secure_rig_free (f->rig);
}

static void
window_cb (PhSecureSend *sender,
           GParamSpec   *pspec,
           Fixture      *f)
{
  guint size = ph_secure_send_get_window (sender);

  g_assert_nonnull (ph_secure_send_get_window_reason (sender));
  g_array_append_val (f->sizes, size);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;

  f->ok = ph_secure_send_run_finish (PH_SECURE_SEND (object), result, &f->error);
  f->done = TRUE;
}

/* @n small files through a relay (or straight, @delayed FALSE);
 * @fixed: a window the caller fixes, 0 for the adaptive one. */
static GListStore *
send_through (Fixture  *f,
              guint     n,
              gboolean  delayed,
              guint     fixed)
{
  SecureRig *rig = f->rig;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  Relay *relay = delayed ? relay_new (rig->port) : NULL;
  GListStore *transfers;

  for (guint i = 0; i < n; i++)
    {
      char *name = g_strdup_printf ("note-%05u.txt", i);

      g_free (secure_rig_write_file (rig, name, 200 + i % 1000, i));
      g_ptr_array_add (names, name);
    }
  g_ptr_array_add (names, NULL);
  transfers = secure_rig_transfers (rig, (const char *const *) names->pdata);

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                relay ? relay->port : rig->port, NULL, &error);
  g_assert_no_error (error);

  rig->sender = ph_secure_send_new (rig->sender_id, ph_identity_get_fingerprint (rig->receiver_id));
  if (fixed)
    ph_secure_send_set_window (rig->sender, fixed);
  g_signal_connect (rig->sender, "notify::window", G_CALLBACK (window_cb), f);
  ph_secure_send_run_async (rig->sender, connection, G_LIST_MODEL (transfers), NULL, sent_cb, f);
  g_clear_object (&connection);

  secure_rig_iterate_until (&f->done, 120000);
  secure_rig_wait_receiver (rig);
  if (relay != NULL)
    relay_free (relay);

  g_assert_no_error (f->error);
  g_assert_true (f->ok);
  g_assert_true (rig->receive_ok);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (transfers), i);

      g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_DONE);
    }

  return transfers;
}

static void
show (GArray *sizes)
{
  g_autoptr(GString) line = g_string_new ("window:");

  for (guint i = 0; i < sizes->len; i++)
    g_string_append_printf (line, " %u", g_array_index (sizes, guint, i));
  g_test_message ("%s", line->str);
}

static guint
most (GArray *sizes)
{
  guint m = 0;

  for (guint i = 0; i < sizes->len; i++)
    m = MAX (m, g_array_index (sizes, guint, i));
  return m;
}

static guint
least (GArray *sizes)
{
  guint m = G_MAXUINT;

  for (guint i = 0; i < sizes->len; i++)
    m = MIN (m, g_array_index (sizes, guint, i));
  return m;
}

/* Receipts a round trip away: more files go ahead of them. */
static void
test_grows (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GListStore) transfers = send_through (f, 1000, TRUE, 0);

  show (f->sizes);
  g_assert_cmpuint (f->sizes->len, >=, 2);
  g_assert_cmpuint (g_array_index (f->sizes, guint, 0), ==, PH_SEND_WINDOW_SECURE_INITIAL);
  g_assert_cmpuint (most (f->sizes), >, PH_SEND_WINDOW_SECURE_INITIAL);
  g_assert_cmpuint (most (f->sizes), <=, PH_SECURE_SEND_MAX_WINDOW);
  g_assert_cmpuint (least (f->sizes), >=, PH_SEND_WINDOW_SECURE_INITIAL);
}

/* Straight on loopback the CPU is the limit: whatever the window
 * decides, it stays within its bounds and every file arrives. */
static void
test_loopback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GListStore) transfers = send_through (f, 800, FALSE, 0);

  show (f->sizes);
  g_assert_cmpuint (f->sizes->len, >=, 1);
  g_assert_cmpuint (least (f->sizes), >=, PH_SEND_WINDOW_SECURE_INITIAL);
  g_assert_cmpuint (most (f->sizes), <=, PH_SECURE_SEND_MAX_WINDOW);
}

/* --parallel: fixed, whatever the receipts say. */
static void
test_fixed (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GListStore) transfers = NULL;

  transfers = send_through (f, 30, TRUE, 3);
  g_assert_cmpuint (most (f->sizes), ==, 3);
  g_assert_cmpuint (least (f->sizes), ==, 3);
  g_assert_cmpuint (ph_secure_send_get_window (f->rig->sender), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/secure/window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("grows", test_grows);
  ADD ("loopback", test_loopback);
  ADD ("fixed", test_fixed);

  return g_test_run ();
}
